// The client itself: its construction, each request with its headers and
// retries (Call), and the paging of collections (GetAllPages). The calls by
// resource are in *_calls.cc, the reading of the models in models_json.cc.
#include "pcsim/client/partner_center_client.h"

#include <unistd.h>

#include <atomic>

#include <cstdio>
#include <set>
#include <thread>
#include <utility>

#include "client_internal.h"
#include "simulator/api/http_types.h"

namespace pcsim::client {

using nlohmann::json;
using internal::LinkTarget;
using internal::ParseExact;
using internal::RetryAfter;
using internal::Str;

namespace internal {

// A links.next target: Partner Center's links usually omit /v1.
std::string LinkTarget(const std::string& uri) {
  if (uri.rfind("http://", 0) == 0 || uri.rfind("https://", 0) == 0) {
    size_t path = uri.find('/', uri.find("//") + 2);
    return path == std::string::npos ? "/" : LinkTarget(uri.substr(path));
  }
  std::string target = uri.empty() || uri[0] != '/' ? "/" + uri : uri;
  if (target.rfind("/v1/", 0) != 0 && target.rfind("/_sim/", 0) != 0) target = "/v1" + target;
  return target;
}

// Retry-After as delta-seconds (the HTTP-date form is not used by Partner Center).
std::optional<std::chrono::milliseconds> RetryAfter(const HttpResponse& r) {
  auto v = r.Header("Retry-After");
  if (!v || v->empty() || v->size() > 9) return std::nullopt;
  for (char c : *v)
    if (c < '0' || c > '9') return std::nullopt;
  return std::chrono::seconds(std::stol(*v));
}

}  // namespace internal

PartnerCenterClient::PartnerCenterClient(std::shared_ptr<Transport> transport, ClientOptions options)
    : transport_(std::move(transport)), options_(std::move(options)) {
  if (!options_.sleep) options_.sleep = [](std::chrono::milliseconds d) { std::this_thread::sleep_for(d); };
  if (options_.correlation_id.empty()) options_.correlation_id = "00000000-0000-4000-8000-00000000c11e";
}

PartnerCenterClient PartnerCenterClient::OverHttp(std::string base_url, ClientOptions options) {
  return PartnerCenterClient(std::make_shared<HttpTransport>(std::move(base_url)), std::move(options));
}

PartnerCenterClient PartnerCenterClient::InProcess(api::Router& router, ClientOptions options) {
  return PartnerCenterClient(std::make_shared<InProcessTransport>(router), std::move(options));
}

std::string PartnerCenterClient::NextRequestId() {
  if (options_.request_id) return options_.request_id();
  // Unique across the clients of a process (a process-wide counter) and
  // across processes sharing one sandbox (the process id): the service
  // answers a repeated MS-RequestId from its first result.
  static std::atomic<uint64_t> counter{0};
  char buf[48];
  std::snprintf(buf, sizeof buf, "%08x-0000-4000-8000-%012llx", static_cast<unsigned>(::getpid()),
                static_cast<unsigned long long>(++counter));
  return buf;
}

StatusOr<HttpResponse> PartnerCenterClient::Call(const std::string& method, const std::string& target,
                                                 const std::string& body, HeaderList extra_headers) {
  HttpRequest request;
  request.method = method;
  request.target = target;
  request.body = body;
  request.headers = {{"Accept", "application/json"},
                     {"MS-RequestId", NextRequestId()},
                     {"MS-CorrelationId", options_.correlation_id},
                     {"X-Locale", options_.locale},
                     {"MS-PartnerCenter-Client", "pcsim C++ client"}};
  if (!body.empty()) request.headers.emplace_back("Content-Type", "application/json");
  if (!options_.control_token.empty() && target.rfind("/_sim/", 0) == 0)
    request.headers.emplace_back("X-Pcsim-Control-Token", options_.control_token);
  for (auto& h : extra_headers) request.headers.push_back(std::move(h));
  if (target.rfind("/_sim/", 0) == 0) return SendWithRetries(request);  // the control plane takes no bearer token
  return SendAuthorized(std::move(request), kPartnerCenterResource);
}

StatusOr<HttpResponse> PartnerCenterClient::SendAuthorized(HttpRequest request, const std::string& resource) {
  if (!options_.app_credentials) {
    const std::string& token = resource == kGraphResource && !options_.graph_access_token.empty()
                                   ? options_.graph_access_token
                                   : options_.access_token;
    request.headers.emplace_back("Authorization", "Bearer " + token);
    return SendWithRetries(request);
  }
  const size_t at = request.headers.size();
  for (int attempt = 0;; ++attempt) {
    auto it = tokens_.find(resource);
    if (it == tokens_.end() || attempt > 0) {
      auto token = RequestToken(resource);
      if (!token.ok()) return token.status();
      it = tokens_.insert_or_assign(resource, *token).first;
    }
    request.headers.resize(at);
    request.headers.emplace_back("Authorization", "Bearer " + it->second);
    auto response = SendWithRetries(request);
    // A 401 with a token kept from before: it may have expired; one more try.
    if (response.ok() || response.status().http_status() != 401 || attempt > 0) return response;
  }
}

StatusOr<std::string> PartnerCenterClient::RequestToken(const std::string& resource) {
  AppCredentials& app = *options_.app_credentials;
  std::string authority = app.authority;
  while (!authority.empty() && authority.back() == '/') authority.pop_back();
  HttpRequest request;
  request.method = "POST";
  request.target = authority + "/" + api::PercentEncode(app.tenant_id) + "/oauth2/token";
  request.body = "client_id=" + api::PercentEncode(app.client_id) + "&client_secret=" +
                 api::PercentEncode(app.client_secret) + "&resource=" + api::PercentEncode(resource) +
                 (app.refresh_token.empty() ? "&grant_type=client_credentials"
                                            : "&grant_type=refresh_token&refresh_token=" + api::PercentEncode(app.refresh_token));
  request.headers = {{"Content-Type", "application/x-www-form-urlencoded"}, {"Accept", "application/json"},
                     {"client-request-id", NextRequestId()}};
  ++requests_sent_;
  auto response = transport_->Send(request);
  if (!response.ok()) return response.status();
  auto body = json::parse(response->body, nullptr, false);
  if (response->status != 200) {
    // The identity platform's error: its first code and the description's first line.
    std::string description = body.is_object() ? body.value("error_description", "") : "";
    description = description.substr(0, description.find('\r'));
    int code = 0;
    if (body.is_object() && body.contains("error_codes") && body["error_codes"].is_array() &&
        !body["error_codes"].empty() && body["error_codes"][0].is_number_integer())
      code = body["error_codes"][0].get<int>();
    return Status(response->status, code,
                  "the token endpoint refused: " + (description.empty() ? response->body : description));
  }
  if (!body.is_object() || !body.contains("access_token") || !body["access_token"].is_string())
    return Status(502, 0, "the token endpoint answered without an access_token");
  if (!app.refresh_token.empty() && body.contains("refresh_token") && body["refresh_token"].is_string())
    app.refresh_token = body["refresh_token"].get<std::string>();
  return body["access_token"].get<std::string>();
}

StatusOr<HttpResponse> PartnerCenterClient::SendWithRetries(const HttpRequest& request) {
  const int attempts = std::max(1, options_.retry.max_attempts);
  for (int attempt = 1;; ++attempt) {
    ++requests_sent_;
    StatusOr<HttpResponse> response = transport_->Send(request);
    if (!response.ok()) {
      // No answer at all (dropped, reset, timed out): the request may or may
      // not have run; the retry's MS-RequestId makes that safe.
      if (!IsTransportFailure(response.status()) || !options_.retry.retry_transport_failures || attempt >= attempts)
        return response.status();
      options_.sleep(options_.retry.default_wait);
      continue;
    }
    const int status = response->status;
    if (status >= 200 && status < 300) return response;
    bool retryable = status == 429 || (status == 503 && options_.retry.retry_server_busy) ||
                     ((status == 500 || status == 502 || status == 504) && options_.retry.retry_server_errors);
    if (!retryable || attempt >= attempts) return ErrorFromResponse(*response);
    std::chrono::milliseconds wait = RetryAfter(*response).value_or(options_.retry.default_wait);
    if (wait > options_.retry.max_wait) return ErrorFromResponse(*response);
    options_.sleep(wait);
  }
}

StatusOr<std::vector<nlohmann::json>> PartnerCenterClient::GetAllPages(const std::string& target) {
  std::vector<json> items;
  std::string next_target = target;
  HeaderList headers;
  std::set<std::string> seen;
  for (int page = 0;; ++page) {
    auto response = Call("GET", next_target, "", headers);
    if (!response.ok()) return response.status();
    auto j = ParseExact(*response);
    if (!j.ok()) return j.status();
    if (!j->is_object() || !j->contains("items") || !(*j)["items"].is_array())
      return Status(502, 0, "GET " + next_target + " did not answer with a collection");
    for (json& item : (*j)["items"]) items.push_back(std::move(item));
    const json* next = nullptr;
    if (auto links = j->find("links"); links != j->end() && links->is_object())
      if (auto n = links->find("next"); n != links->end() && n->is_object()) next = &*n;
    if (next == nullptr) return items;
    next_target = LinkTarget(Str(*next, "uri"));
    headers.clear();
    if (auto h = next->find("headers"); h != next->end() && h->is_array())
      for (const json& kv : *h) headers.emplace_back(Str(kv, "key"), Str(kv, "value"));
    std::string key = next_target;
    for (const auto& [k, v] : headers) key += "\n" + k + ":" + v;
    if (!seen.insert(key).second)
      return Status(502, 0, "the service returned the same next page twice (" + next_target + ")");
  }
}

}  // namespace pcsim::client
