// Contract-drift mode (pcsim serve --drift, POST /_sim/drift, a scenario's
// `drift` key; docs/drift.md): Partner Center's answers grow the way Partner
// Center's have grown, so that a client can prove it tolerates schema growth
// before the service does it to them. When on, the JSON body of every
// successful /v1 answer gains one unknown field on each object, and a few
// enum fields whose value pcsim renders as a constant take a value no client
// has seen. Ids, links, dates, quantities, money and statuses are never
// touched, and nothing of the state changes: drift is test set-up, like the
// fault rules. The drift of an answer is a function of the seed, the method,
// the path and the answer alone: the same seed and requests give the same
// bytes, whatever the order or the thread they come in.
#pragma once

#include <cstdint>
#include <string_view>

#include "simulator/api/http_types.h"
#include "simulator/api/json_support.h"
#include "simulator/model/status.h"

namespace pcsim::api {

struct DriftOptions {
  bool enabled = false;
  uint64_t seed = 1;
  bool unknown_fields = true;   // every object gains one field
  bool new_enum_values = true;  // the enum fields of docs/drift.md take an unseen value
};

// POST /_sim/drift and a scenario's `drift`: {"enabled", "seed", "unknownFields",
// "newEnumValues"}, each optional; the keys given replace those of `options`.
// 400 800002 for another key or a value of the wrong type.
Status ConfigureDrift(const nlohmann::json& body, DriftOptions& options);
// GET /_sim/drift: the four keys.
Json DriftJson(const DriftOptions& options);

// Rewrites `response` (an answer of `method` `path`) as drift mode does: only a
// JSON body of a 2xx answer changes, and only when `options.enabled`.
void ApplyDrift(const DriftOptions& options, std::string_view method, std::string_view path, Response& response);

}  // namespace pcsim::api
