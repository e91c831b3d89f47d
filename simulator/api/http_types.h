// Transport-free HTTP messages: what api::Router takes and returns. The HTTP
// server, the scenario runner and in-process callers all build these.
#pragma once

#include <nlohmann/json_fwd.hpp>

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace pcsim::api {

using HeaderList = std::vector<std::pair<std::string, std::string>>;

struct Request {
  std::string method;  // "GET", "POST", ...
  std::string path;    // without the query, percent-decoded: "/v1/customers/abc"
  HeaderList query;    // decoded query parameters, in order
  HeaderList headers;
  std::string body;
  // A fault injected for this request that changes what it does ("accepted
  // PT1M": a PATCH applied later; "pending PT2H": an order left pending). Set
  // by the router's fault injector, never from the wire; kept by the state
  // journal so that a replay does the same.
  std::string fault;

  // Case-insensitive lookups (the first match).
  std::optional<std::string> Header(std::string_view name) const;
  std::optional<std::string> Query(std::string_view name) const;
};

struct Response {
  int status = 200;
  HeaderList headers;
  std::string body;
  std::string content_type = "application/json; charset=utf-8";
  // A JSON body built under the router's lock and not rendered yet: Router::Handle
  // renders it into `body` after releasing the lock (callers never see it set).
  std::shared_ptr<const nlohmann::ordered_json> pending_json;
  // Injected faults the transport carries out: wait this long before
  // answering; close the connection without an answer.
  int64_t delay_ms = 0;
  bool drop_connection = false;

  std::optional<std::string> Header(std::string_view name) const;
  void SetHeader(std::string name, std::string value);
};

bool EqualsIgnoreCase(std::string_view a, std::string_view b);
std::string ToLower(std::string_view s);

// The segments of a path: "/v1//customers/" is {"v1", "customers"}.
std::vector<std::string> SplitPath(std::string_view path);
// Splits "a=1&b=x%20y" into decoded pairs ('+' is a space).
HeaderList ParseQuery(std::string_view query);
// Escapes every byte but RFC 3986's unreserved characters as %XX: a value
// that becomes one segment of a URL.
std::string PercentEncode(std::string_view text);
// Decodes %XX escapes; nullopt for malformed escapes.
std::optional<std::string> PercentDecode(std::string_view text, bool plus_is_space);
// Builds a Request from a target such as "/v1/customers?size=40".
Request MakeRequest(std::string method, std::string_view target, std::string body = "", HeaderList headers = {});

}  // namespace pcsim::api
