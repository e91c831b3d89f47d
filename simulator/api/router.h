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
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "simulator/api/cart.h"
#include "simulator/api/command_journal.h"
#include "simulator/api/faults.h"
#include "simulator/api/graph_exports.h"
#include "simulator/api/http_types.h"
#include "simulator/api/json_support.h"
#include "simulator/api/webhook_dispatcher.h"
#include "simulator/api/webhooks.h"
#include "simulator/commerce/sandbox.h"

namespace pcsim::api {

enum class AuthMode { Lenient, Strict };

// How far one request may move the clock. An advance is all or nothing: one
// that would go past a limit is refused with 400 and leaves the state exactly
// as it was, so that no request holds the router for long.
struct AdvanceLimits {
  // Timers (charge cycles, term ends, invoice closes, ...) one request may
  // fire; 0: no limit. About a second of work on a small machine.
  uint64_t max_events = 1'000'000;
  // Simulated years one request may move the clock by; 0: no limit.
  int max_years = 100;
};

struct RouterOptions {
  SandboxOptions sandbox;
  AuthMode auth = AuthMode::Lenient;
  size_t max_body_bytes = 1 << 20;
  // Partner Center's request limits (pcsim serve --rate-limit); also set by
  // POST /_sim/faults {"rateLimit": ...}.
  RateLimitOptions rate_limit;
  // Contract-drift mode (pcsim serve --drift); also set by POST /_sim/drift.
  DriftOptions drift;
  AdvanceLimits advance;
  // The control plane (/_sim/; control_guard.h). When set, every /_sim/
  // request must carry this token (X-Pcsim-Control-Token: TOKEN, or
  // Authorization: Bearer TOKEN); empty: none is needed (in-process users,
  // pcsim serve without --control-token in lenient auth). Never journaled.
  std::string control_token;
  // Host names accepted in the Host and Origin headers of /_sim/ requests
  // besides the loopback ones (lowercase, without a port): pcsim serve
  // --allow-host, and a non-loopback --host.
  std::vector<std::string> allowed_hosts;
};

class Router;

struct RouteContext {
  Router& router;
  Sandbox& sandbox;
  const Request& request;
  std::vector<std::string> params;  // the {} segments of the route pattern, in order
  Caller caller;
  // Set by a handler that fails after it began to change the state (an advance
  // that reached its limit): the router then restores the state as it was
  // before the request.
  bool rollback = false;
  // A recorded command run again (Router::Replay): what it did is known to
  // be allowed, so limits are not applied again.
  bool replay = false;
};

using Handler = std::function<Response(RouteContext&)>;

// What a route does to the router's state.
enum class RouteKind {
  Read,   // changes nothing (every GET; POSTs that only compute an answer)
  Write,  // changes the state when it succeeds: kept to rebuild it, journaled
  Setup,  // changes test set-up that is not state (fault rules): never journaled
};

class RouteTable {
 public:
  // `pattern` is a path such as "/v1/customers/{}/subscriptions/{}"; literal
  // segments match case-insensitively, {} matches one segment. `kind`
  // defaults to Read for GET, Write otherwise.
  void Add(std::string method, std::string pattern, Handler handler, std::optional<RouteKind> kind = std::nullopt);
  struct Match {
    const Handler* handler = nullptr;
    RouteKind kind = RouteKind::Read;
    std::vector<std::string> params;
    bool path_known = false;  // some route has this path with another method
  };
  Match Find(std::string_view method, const std::vector<std::string>& segments) const;
  // Every route, in the order added (for tests that walk all of them).
  struct Listed {
    std::string method;
    std::string pattern;  // "/v1/customers/{}"
    RouteKind kind;
  };
  std::vector<Listed> List() const;

 private:
  struct Route {
    std::string method;
    std::vector<std::string> segments;
    Handler handler;
    RouteKind kind;
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

class Router {
 public:
  explicit Router(RouterOptions options = {});
  Router(const Router&) = delete;
  Router& operator=(const Router&) = delete;

  // Handles one request; safe to call from many threads.
  Response Handle(const Request& request);

  // For in-process callers and tests: the sandbox under the router's lock.
  // Do not hold the reference across Handle() calls from other threads.
  // Read only: every change goes through Handle (one way in).
  const Sandbox& sandbox() const { return *sandbox_; }
  // Test and benchmark setup only (a book of thousands of customers built
  // directly): no product code writes through it.
  Sandbox& mutable_sandbox_for_setup() { return *sandbox_; }
  std::mutex& mutex() { return mutex_; }
  const RouterOptions& options() const { return options_; }
  // Every route the router serves (method, pattern, kind).
  std::vector<RouteTable::Listed> Routes() const { return routes_.List(); }

  // Adds a route after construction (used by layers above the API, such as
  // the scenario runner's POST /_sim/scenarios/run). Not thread-safe: call it
  // before serving.
  void AddRoute(std::string method, std::string pattern, Handler handler, std::optional<RouteKind> kind = std::nullopt) {
    routes_.Add(std::move(method), std::move(pattern), std::move(handler), kind);
  }

  // A digest of the whole state: the sandbox's (Sandbox::Digest) and the
  // router's own (carts, issued tokens, answers kept for MS-RequestId). Fault
  // rules and the request log are not state. Takes the lock.
  uint64_t StateDigest();
  // The same, for a route handler (the lock is held).
  uint64_t StateDigestLocked() const;

  // --- used by the route files, under the lock -----------------------------
  // A fresh sandbox (POST /_sim/reset).
  void Reset(SandboxOptions options);
  // Replaces the whole state with `sandbox` (POST /_sim/book: a sandbox
  // loaded from a book), as a reset would: carts, tokens, retries, fault
  // rules and the history go; the command that did it starts a new history.
  void Load(std::unique_ptr<Sandbox> sandbox);
  // The customer `id` if the caller's partner may see it, else nullptr.
  const Customer* VisibleCustomer(const RouteContext& ctx, std::string_view id) const;
  // Issues a token for /_sim/token.
  std::string IssueToken(const Caller& caller, Instant expires);
  // The key that signs the JWTs of the token endpoint, from the sandbox's
  // seed: a restart from a state dir checks the same tokens, and a reset
  // does not revoke them (as resetting an account revokes no token).
  uint64_t TokenSigningKey() const;
  std::map<std::string, Cart>& carts() { return carts_; }
  // The Graph billing exports (graph_routes.cc).
  BillingExports& exports() { return exports_; }
  FaultInjector& faults() { return faults_; }
  // The webhook registrations and validation events (webhook_routes.cc).
  WebhookRegistry& webhooks() { return webhooks_; }
  // Queues `event` for delivery to `registration` once the request that made
  // it is committed (a refused or undone request sends nothing).
  void QueueWebhook(const WebhookRegistration& registration, WebhookEvent event);
  const std::deque<RequestRecord>& request_journal() const { return requests_; }

  // --- webhooks (docs/webhooks.md) ---------------------------------------------
  // The deliveries the router makes, in the order of the event journal; the
  // HTTP layer's sender takes them from here. Thread-safe; no lock needed.
  WebhookDispatcher& webhook_dispatcher() { return *webhook_dispatcher_; }
  // Delivers webhooks in process: `sink` gets every delivery (signed, as an
  // HTTP receiver would), in order, called by Handle after it released the
  // router's lock, before Handle returns. An empty function removes it; a
  // sink set takes the deliveries an HTTP sender would otherwise send.
  void SetWebhookSink(WebhookSink sink) { webhook_dispatcher_->SetSink(std::move(sink)); }

  // --- persistence (simulator/persist/) --------------------------------------
  // Every command that changes the state is then committed to `journal`
  // before it is answered (null: none); takes the lock.
  void SetJournal(CommandJournal* journal);
  // Runs a recorded command again, as its caller, without auth, fault rules or
  // the rate limiter (restoring a state dir); takes the lock.
  Response Replay(const CommandRecord& command);
  // The commands since the last reset, in order: the state is what they make.
  std::vector<CommandRecord> History();

 private:
  StatusOr<Caller> Authenticate(const Request& request);
  // Runs a request. `recorded` is the caller of a replayed command (auth is
  // then skipped); `executed` tells whether a handler ran (not an answer from
  // the MS-RequestId cache or an error before the route), `kind` what it was.
  struct Outcome {
    bool executed = false;  // a handler ran (not an answer from the cache or an error before the route)
    RouteKind kind = RouteKind::Read;
    bool rollback = false;  // the handler asked for its changes to be undone
    std::optional<Caller> caller;
  };
  // Runs a request. `replay` is the command being run again (auth is then
  // skipped and its caller used), or null.
  Response Dispatch(const Request& request, const CommandRecord* replay, Outcome* outcome);
  // Dispatch's steps: who calls (a replayed command's recorded caller, else
  // the bearer token and the MFA rule; nobody on /_sim/); the 202 answer of
  // an "accepted" fault, whose change a timer applies later; keeping a
  // write's answer for its MS-RequestId.
  // `anonymous`: a route without a bearer token (the control plane, whose
  // guard has run; the blob store, whose SAS token the route checks).
  StatusOr<Caller> IdentifyCaller(const Request& request, bool anonymous, const CommandRecord* replay);
  Response AcceptLater(const Request& request, const std::vector<std::string>& segments, const Caller& caller,
                       const CalendarDuration& delay);
  void KeepForRetries(const std::string& key, const Response& response);
  // Replay() under the lock.
  Response ReplayLocked(const CommandRecord& command);
  void ResetLocked(SandboxOptions options);
  // Reset's and Load's common part: `sandbox` becomes the state.
  void ReplaceLocked(std::unique_ptr<Sandbox> sandbox);
  // What a reset or a load does besides the sandbox (fault rules, deliveries).
  void BeginReset(uint64_t seed);
  // Keeps a command that changed the state; a reset starts the history anew.
  void Remember(CommandRecord command);
  // Rebuilds the state from the history (after a request failed part-way).
  // Fault rules and the request log are kept. False if the rebuild failed:
  // the router then refuses every request.
  bool Rebuild();
  void Log(const Request& request, int status, std::string partner, std::string fault);
  // The caller's partner for fault rules and the rate limiter ("" when the
  // request does not authenticate).
  std::string PartnerOf(const Request& request);
  // Runs a PATCH accepted earlier (202) at its due instant, from a timer.
  void ApplyDeferred(const Request& request, const Caller& caller);
  // Turns the event journal's entries since the last call into deliveries
  // for the partners registered for them (the outbox).
  void CollectWebhookEvents();
  // Undoes the webhook side of requests that did not happen (a rebuild, a
  // replay): nothing is sent for them.
  void SkipWebhookEvents();
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
  BillingExports exports_;
  WebhookRegistry webhooks_;
  std::unique_ptr<WebhookDispatcher> webhook_dispatcher_ = std::make_unique<WebhookDispatcher>();
  std::vector<WebhookDelivery> webhook_outbox_;  // the current request's deliveries
  size_t webhook_cursor_ = 0;  // the sandbox journal's entries already turned into deliveries
  CommandJournal* journal_ = nullptr;
  FaultInjector faults_;
  std::vector<CommandRecord> history_;  // since the last reset
  uint64_t resets_ = 0;                 // POST /_sim/reset requests run
  bool rebuilding_ = false;
  // Why every request is refused (the state could not be kept), if it is.
  std::string failure_;
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
// Customer users and subscribed SKUs (customer_user_routes.cc).
void RegisterCustomerUserRoutes(RouteTable& table);
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
// Microsoft Graph partner billing exports and their blob store (graph_routes.cc).
void RegisterGraphRoutes(RouteTable& table);
// Graph's error body {"error": {"code", "message"}} (the code from the HTTP status).
Response GraphErrorResponse(const Status& status);
std::string GraphErrorBody(int http_status, std::string_view message);
// /v1.0/reports/... or /beta/reports/...: answered with Graph's error body.
bool IsGraphPath(std::string_view path);
// /_blobs/...: the blob store (no bearer token; a SAS token).
bool IsBlobPath(std::string_view path);
// The price sheet of the pricing host, GET /v1.0/sales/pricesheets(...)/$value
// (pricesheet_routes.cc).
void RegisterPriceSheetRoutes(RouteTable& table);

// Partner Center webhooks: /webhooks/v1/registration... and /_sim/webhooks/...
// (webhook_routes.cc).
void RegisterWebhookRoutes(RouteTable& table);
// /webhooks/...: Partner Center's webhook API.
bool IsWebhookPath(std::string_view path);

// The identity platform's token endpoint (token_routes.cc; docs/auth.md).
// The audiences of the APIs pcsim serves: the `aud` of its tokens.
inline constexpr std::string_view kPartnerCenterAudience = "https://api.partnercenter.microsoft.com";
inline constexpr std::string_view kGraphAudience = "https://graph.microsoft.com";
inline constexpr std::string_view kPricingAudience = "https://api.partner.microsoft.com";
void RegisterTokenRoutes(RouteTable& table);
// /{tenant}/oauth2/token or /{tenant}/oauth2/v2.0/token: no bearer token.
bool IsTokenPath(std::string_view path);
// The identity platform's error body {error, error_description, error_codes,
// timestamp, trace_id, correlation_id, error_uri}; the code is the AADSTS number.
Response AadErrorResponse(const Sandbox& sandbox, const Request& request, const Status& status);
// A refresh token for an App+User caller, bound to `client_id` unless it is
// empty (POST /_sim/token hands one out with each App+User token).
std::string IssueRefreshToken(const RouteContext& ctx, const Caller& caller, const std::string& client_id);

}  // namespace pcsim::api
