// libFuzzer target: api::Router::Handle with arbitrary requests.
//
// An input is one or more requests separated by a line "===". Each request is
//   METHOD TARGET\n
//   Name: value\n ... (headers)
//   \n
//   body
// A request without an Authorization header gets "Bearer fuzz". In the target
// and the body, {customer}, {subscription}, {order} and {cart} are replaced by
// the id of the newest such object, so a sequence can buy and then act on what
// it bought. Every input starts from a fresh sandbox (seed 1).
//
// The oracles: no response is 5xx, every JSON response parses, and every
// error carries Partner Center's {code, description, data, source} body;
// a request met by an injected fault (/_sim/faults) answers as that fault
// says (429 with the throttling body, an injected 5xx, a dropped connection).
#include <nlohmann/json.hpp>

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "simulator/api/router.h"
#include "tests/fuzz/fuzz_support.h"

namespace {

using pcsim::api::Request;
using pcsim::api::Response;
using pcsim::api::Router;

constexpr size_t kMaxRequests = 16;

void ReplaceAll(std::string& text, std::string_view from, const std::string& to) {
  if (to.empty()) return;
  for (size_t pos = text.find(from); pos != std::string::npos; pos = text.find(from, pos + to.size()))
    text.replace(pos, from.size(), to);
}

std::string Substitute(Router& router, std::string text) {
  if (text.find('{') == std::string::npos) return text;
  const pcsim::Sandbox& sandbox = router.sandbox();
  std::string customer = sandbox.customers().empty() ? "" : sandbox.customers().back()->id;
  std::string subscription = sandbox.subscriptions().empty() ? "" : sandbox.subscriptions().back()->id;
  std::string order = sandbox.orders().empty() ? "" : sandbox.orders().back()->id;
  std::string cart = router.carts().empty() ? "" : router.carts().rbegin()->first;
  ReplaceAll(text, "{customer}", customer);
  ReplaceAll(text, "{subscription}", subscription);
  ReplaceAll(text, "{order}", order);
  ReplaceAll(text, "{cart}", cart);
  return text;
}

Request ParseRequest(Router& router, std::string_view text) {
  size_t line_end = text.find('\n');
  std::string_view first = text.substr(0, line_end);
  size_t space = first.find(' ');
  std::string method(first.substr(0, space));
  std::string target = space == std::string_view::npos ? "/" : std::string(first.substr(space + 1));
  pcsim::api::HeaderList headers;
  std::string body;
  bool has_auth = false;
  size_t pos = line_end == std::string_view::npos ? text.size() : line_end + 1;
  while (pos < text.size()) {
    size_t end = text.find('\n', pos);
    if (end == std::string_view::npos) end = text.size();
    std::string_view line = text.substr(pos, end - pos);
    pos = end + 1;
    if (line.empty()) {
      if (pos < text.size()) body = std::string(text.substr(pos));
      break;
    }
    size_t colon = line.find(':');
    std::string name(line.substr(0, colon));
    std::string value;
    if (colon != std::string_view::npos) {
      value = std::string(line.substr(colon + 1));
      if (!value.empty() && value.front() == ' ') value.erase(value.begin());
    }
    if (pcsim::api::EqualsIgnoreCase(name, "Authorization")) has_auth = true;
    headers.emplace_back(std::move(name), std::move(value));
  }
  if (!has_auth) headers.emplace_back("Authorization", "Bearer fuzz");
  return pcsim::api::MakeRequest(std::move(method), Substitute(router, target), Substitute(router, body),
                                 std::move(headers));
}

void Check(const Router& router, const Request& request, const Response& response) {
  std::string what = request.method + " " + request.path;
  // An injected fault (POST /_sim/faults) answers by its own rules.
  const std::string fault = router.request_journal().empty() ? "" : router.request_journal().back().fault;
  if (fault == "throttle" || fault == "rate-limit") {
    nlohmann::json body = nlohmann::json::parse(response.body, nullptr, false);
    if (response.status != 429 || !response.Header("Retry-After") || !body.is_object() ||
        !body.contains("statusCode") || !body.contains("message"))
      pcsim::fuzz::Fail("throttled " + what + " without 429, Retry-After and the throttling body", response.body);
    return;
  }
  if (fault == "drop" && response.drop_connection) return;
  if (fault == "error") {
    nlohmann::json body = nlohmann::json::parse(response.body, nullptr, false);
    if (response.status < 500 || response.status > 504 || !body.is_object() || !body.contains("code"))
      pcsim::fuzz::Fail("injected error for " + what + " without a 5xx and Partner Center's body", response.body);
    return;
  }
  if (response.status >= 500) pcsim::fuzz::Fail("5xx response to " + what, response.body);
  if (response.status < 100) pcsim::fuzz::Fail("invalid status for " + what, std::to_string(response.status));
  if (response.content_type.rfind("application/json", 0) != 0) return;
  if (response.body.empty()) return;
  nlohmann::json body = nlohmann::json::parse(response.body, nullptr, false);
  if (body.is_discarded()) pcsim::fuzz::Fail("response body is not JSON for " + what, response.body);
  if (response.status >= 400 && pcsim::api::IsGraphPath(request.path)) {
    // Microsoft Graph's routes answer with Graph's error body.
    if (!body.is_object() || !body.contains("error") || !body["error"].is_object() ||
        !body["error"].contains("code") || !body["error"].contains("message"))
      pcsim::fuzz::Fail("error body without Graph's fields for " + what, response.body);
  } else if (response.status >= 400 && pcsim::api::IsTokenPath(request.path) && body.is_object() &&
             body.contains("error")) {
    // The token endpoint answers with the identity platform's error body.
    if (!body["error"].is_string() || !body.contains("error_description") || !body.contains("error_codes") ||
        !body["error_codes"].is_array() || body["error_codes"].empty())
      pcsim::fuzz::Fail("error body without the identity platform's fields for " + what, response.body);
  } else if (response.status >= 400) {
    if (!body.is_object() || !body.contains("code") || !body.contains("description") || !body.contains("data") ||
        !body.contains("source"))
      pcsim::fuzz::Fail("error body without Partner Center's fields for " + what, response.body);
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static Router* router = new Router();
  {
    pcsim::SandboxOptions options;
    router->Reset(options);
  }
  std::string_view input(reinterpret_cast<const char*>(data), size);
  size_t count = 0;
  size_t pos = 0;
  while (pos <= input.size() && count++ < kMaxRequests) {
    size_t sep = input.find("\n===\n", pos);
    std::string_view part = input.substr(pos, sep == std::string_view::npos ? std::string_view::npos : sep - pos);
    Request request = ParseRequest(*router, part);
    Response response = router->Handle(request);
    Check(*router, request, response);
    if (sep == std::string_view::npos) break;
    pos = sep + 5;
  }
  return 0;
}
