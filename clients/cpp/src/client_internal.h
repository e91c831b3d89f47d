// The client's own helpers, shared by its source files: reading the fields
// of a JSON resource into the models (models_json.cc), following a
// collection's pages and a 202's Retry-After (partner_center_client.cc), and
// the calls by resource (*_calls.cc). Not installed.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

#include "pcsim/client/partner_center_client.h"

namespace pcsim::client::internal {

// A field of a resource, or its zero value when absent or of another type.
std::string Str(const nlohmann::json& j, const char* key);
int Int(const nlohmann::json& j, const char* key);
bool Bool(const nlohmann::json& j, const char* key);
// A money value of an exact DOM: the number's text, or an integer.
Decimal Money(const nlohmann::json& j, const char* key);

// A response's body as JSON (null when empty), or a 502 when it is not JSON.
StatusOr<nlohmann::json> ParseJson(const HttpResponse& response);
// The same, as an exact DOM (ParseExactJson).
StatusOr<nlohmann::json> ParseExact(const HttpResponse& response);

Customer CustomerFrom(const nlohmann::json& j);
Order OrderFrom(const nlohmann::json& j);
// The errors of a cart or a checkout: its orderErrors, then its lines' errors.
std::vector<CartLineError> LineErrors(const nlohmann::json& j);
Invoice InvoiceFrom(const nlohmann::json& j);
nlohmann::json ScheduledActionJson(const ScheduledAction& a);

// A links.next target: Partner Center's links usually omit /v1.
std::string LinkTarget(const std::string& uri);
// Retry-After as delta-seconds (the HTTP-date form is not used by Partner Center).
std::optional<std::chrono::milliseconds> RetryAfter(const HttpResponse& r);

// The items of a collection, each made into a model by `convert`.
template <typename F>
auto MapItems(StatusOr<std::vector<nlohmann::json>> items, F convert)
    -> StatusOr<std::vector<std::decay_t<decltype(convert(std::declval<const nlohmann::json&>()))>>> {
  if (!items.ok()) return items.status();
  std::vector<std::decay_t<decltype(convert(std::declval<const nlohmann::json&>()))>> out;
  out.reserve(items->size());
  for (const nlohmann::json& j : *items) out.push_back(convert(j));
  return out;
}

// One resource from a response, made into a model by `convert`.
template <typename F>
auto MapResource(StatusOr<HttpResponse> response, F convert)
    -> StatusOr<std::decay_t<decltype(convert(std::declval<const nlohmann::json&>()))>> {
  if (!response.ok()) return response.status();
  auto j = ParseJson(*response);
  if (!j.ok()) return j.status();
  return convert(*j);
}

// The rows of a blob's JSON lines, read in place when `text` keeps
// simdjson's padding as spare capacity (api::Gunzip's answer does).
StatusOr<std::vector<ReconciliationRow>> ReconciliationRowsIn(const std::string& text);
StatusOr<std::vector<UsageRow>> UsageRowsIn(const std::string& text);
Status ForEachReconciliationRowIn(const std::string& text, const ReconciliationRowVisitor& visit);
Status ForEachUsageRowIn(const std::string& text, const UsageRowVisitor& visit);

}  // namespace pcsim::client::internal
