// api::Router: the one way into a sandbox. HTTP requests, scenario steps and
// in-process callers all become a Request; the router authenticates the
// caller, finds the route, runs it against the sandbox under one lock, and
// returns Partner Center's wire format: camelCase resources with
// attributes.objectType, collections {totalCount, items, links, attributes},
// and errors {code, description, data, source}.
#pragma once

#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>
#include <vector>

#include "simulator/api/faults.h"
#include "simulator/api/http_types.h"
#include "simulator/api/json_support.h"
#include "simulator/commerce/sandbox.h"

namespace pcsim::api {

enum class AuthMode { Lenient, Strict };

struct RouterOptions {
  SandboxOptions sandbox;
  AuthMode auth = AuthMode::Lenient;
  size_t max_body_bytes = 1 << 20;
  // Partner Center's request limits (pcsim serve --rate-limit); also set by
  // POST /_sim/faults {"rateLimit": ...}.
  RateLimitOptions rate_limit;
};

// Who calls, read from the bearer token (control-api.md, "Server").
struct Caller {
  std::string partner_tenant_id{kDefaultPartnerTenantId};
  bool app_only = false;
  bool mfa = true;
  std::string user_id;
};

class Router;

struct RouteContext {
  Router& router;
  Sandbox& sandbox;
  const Request& request;
  std::vector<std::string> params;  // the {} segments of the route pattern, in order
  Caller caller;
};

using Handler = std::function<Response(RouteContext&)>;

class RouteTable {
 public:
  // `pattern` is a path such as "/v1/customers/{}/subscriptions/{}"; literal
  // segments match case-insensitively, {} matches one segment.
  void Add(std::string method, std::string pattern, Handler handler);
  struct Match {
    const Handler* handler = nullptr;
    std::vector<std::string> params;
    bool path_known = false;  // some route has this path with another method
  };
  Match Find(std::string_view method, const std::vector<std::string>& segments) const;

 private:
  struct Route {
    std::string method;
    std::vector<std::string> segments;
    Handler handler;
  };
  std::vector<Route> routes_;
};

// One entry of the request journal (GET /_sim/requests).
struct RequestRecord {
  Instant at;
  std::string method;
  std::string path;
  int status = 0;
  std::string request_id;
  std::string partner;
  std::string fault;  // the injected fault that changed the answer ("throttle", "rate-limit", ...)
};

// A cart: a partner's basket of line items before checkout (Create a cart).
struct CartLine {
  int id = 0;
  std::string catalog_item_id;
  std::string friendly_name;
  int quantity = 0;
  std::string term_duration;
  std::string billing_cycle;
  std::string promotion_id;
  std::string reseller_id;  // participants: transaction_reseller
  std::vector<std::string> additional_resellers;
  std::optional<Date> custom_term_end;
  std::optional<bool> attestation_accepted;
  std::string order_group;
  nlohmann::json provisioning_context = nlohmann::json::object();
  std::optional<std::pair<std::string, std::string>> error;  // (errorCode, errorDescription)
};

struct Cart {
  std::string id;
  std::string customer_id;
  std::string partner_tenant_id;
  Instant created;
  Instant last_modified;
  Instant expires;
  std::string last_modified_user;
  bool ordered = false;
  std::optional<bool> partner_on_record_attestation_accepted;
  std::vector<CartLine> lines;
};

// Persists what the router admits (pcsim serve --state-dir). Both calls run
// under the router's lock, in the order requests are admitted.
class RequestJournal {
 public:
  virtual ~RequestJournal() = default;
  // Before a request other than GET runs; an error refuses the request (503)
  // without running it.
  virtual Status BeforeApply(const Request& request) = 0;
  // After every request that ran, with its response and request-journal entry.
  virtual void AfterApply(const Request& request, const Response& response, const RequestRecord& record) = 0;
};

class Router {
 public:
  explicit Router(RouterOptions options = {});
  Router(const Router&) = delete;
  Router& operator=(const Router&) = delete;

  // Handles one request; safe to call from many threads.
  Response Handle(const Request& request);

  // For in-process callers and tests: the sandbox under the router's lock.
  // Do not hold the reference across Handle() calls from other threads.
  Sandbox& sandbox() { return *sandbox_; }
  std::mutex& mutex() { return mutex_; }
  const RouterOptions& options() const { return options_; }

  // Adds a route after construction (used by layers above the API, such as
  // the scenario runner's POST /_sim/scenarios/run). Not thread-safe: call it
  // before serving.
  void AddRoute(std::string method, std::string pattern, Handler handler) {
    routes_.Add(std::move(method), std::move(pattern), std::move(handler));
  }

  // --- used by the route files, under the lock -----------------------------
  // A fresh sandbox (POST /_sim/reset).
  void Reset(SandboxOptions options);
  // The customer `id` if the caller's partner may see it, else nullptr.
  const Customer* VisibleCustomer(const RouteContext& ctx, std::string_view id) const;
  // Issues a token for /_sim/token.
  std::string IssueToken(const Caller& caller, Instant expires);
  std::map<std::string, Cart>& carts() { return carts_; }
  FaultInjector& faults() { return faults_; }
  const std::deque<RequestRecord>& request_journal() const { return requests_; }

  // --- persistence (simulator/persist/) --------------------------------------
  // Every request is then passed to `journal` (null: none); takes the lock.
  void SetJournal(RequestJournal* journal);
  // Restores a GET's request-journal entry and the random state after it,
  // instead of running it again; takes the lock.
  void RestoreRead(RequestRecord record, uint64_t random_state);
  // While replaying a journal, requests are not judged by fault rules or the
  // rate limiter (what they did is in the journal); takes the lock.
  void SetReplaying(bool replaying);

 private:
  StatusOr<Caller> Authenticate(const Request& request);
  Response Dispatch(const Request& request);
  // The caller's partner for fault rules and the rate limiter ("" when the
  // request does not authenticate).
  std::string PartnerOf(const Request& request);
  // Runs a PATCH accepted earlier (202) at its due instant, from a timer.
  void ApplyDeferred(const Request& request, const Caller& caller);
  // Holds the orders a request created pending for `d` (a "pending" fault).
  void HoldOrdersPending(size_t first_order, const CalendarDuration& d);

  RouterOptions options_;
  std::mutex mutex_;
  std::unique_ptr<Sandbox> sandbox_;
  RouteTable routes_;
  struct IssuedToken {
    Caller caller;
    Instant expires;
  };
  std::unordered_map<std::string, IssuedToken> tokens_;
  // (partner, MS-RequestId, method, path) -> the first response.
  std::map<std::string, Response> idempotent_;
  std::deque<std::string> idempotent_order_;
  std::deque<RequestRecord> requests_;
  std::map<std::string, Cart> carts_;
  std::string last_partner_;  // the caller of the request being handled
  RequestJournal* journal_ = nullptr;
  FaultInjector faults_;
  bool replaying_ = false;
};

// --- response helpers ----------------------------------------------------------
Response JsonResponse(int status, const Json& body);
// The same for a body built for this response: rendered by Router::Handle
// outside the state lock.
Response JsonResponse(int status, Json&& body);
// Partner Center's error body {code, description, data, source}.
Response ErrorResponse(const Status& status);
Json LinkJson(std::string uri, std::string method = "GET", Json headers = Json::array());
// A collection page: {totalCount, items, links{self[, next]}, attributes}.
Json CollectionJson(Json items, const std::string& self_uri, std::optional<Json> next = std::nullopt,
                    std::string object_type = "Collection");

// The route groups, one file each.
void RegisterCustomerRoutes(RouteTable& table);
void RegisterCatalogRoutes(RouteTable& table);
void RegisterCartRoutes(RouteTable& table);
void RegisterSubscriptionRoutes(RouteTable& table);
void RegisterInvoiceRoutes(RouteTable& table);
void RegisterControlRoutes(RouteTable& table);
// GET/POST/DELETE /_sim/faults (fault_routes.cc).
void RegisterFaultRoutes(RouteTable& table);
// The Azure plan: azureEntitlements, customer entitlements, usage and the
// /_sim Azure control routes (azure_routes.cc).
void RegisterAzureRoutes(RouteTable& table);
Response PatchAzurePlan(RouteContext& ctx, const Subscription& plan, const nlohmann::json& body);

}  // namespace pcsim::api
