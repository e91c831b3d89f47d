#include "simulator/model/errors.h"
#include "simulator/api/router.h"

#include <algorithm>
#include <exception>
#include <set>

#include "simulator/api/audit_records.h"
#include "simulator/api/control_guard.h"
#include "simulator/model/state_hasher.h"

namespace pcsim::api {
namespace {

constexpr size_t kIdempotencyEntries = 10000;
constexpr size_t kRequestJournalEntries = 1000;

}  // namespace

void RouteTable::Add(std::string method, std::string pattern, Handler handler, std::optional<RouteKind> kind) {
  RouteKind k = kind.value_or(method == "GET" ? RouteKind::Read : RouteKind::Write);
  routes_.push_back(Route{std::move(method), SplitPath(pattern), std::move(handler), k});
}

std::vector<RouteTable::Listed> RouteTable::List() const {
  std::vector<Listed> out;
  for (const Route& route : routes_) {
    std::string pattern;
    for (const std::string& segment : route.segments) pattern += "/" + segment;
    out.push_back(Listed{route.method, std::move(pattern), route.kind});
  }
  return out;
}

RouteTable::Match RouteTable::Find(std::string_view method, const std::vector<std::string>& segments) const {
  Match match;
  for (const Route& route : routes_) {
    if (route.segments.size() != segments.size()) continue;
    bool ok = true;
    for (size_t i = 0; i < segments.size() && ok; ++i)
      ok = route.segments[i] == "{}" || EqualsIgnoreCase(route.segments[i], segments[i]);
    if (!ok) continue;
    if (route.method != method) {
      match.path_known = true;
      continue;
    }
    match.handler = &route.handler;
    match.kind = route.kind;
    for (size_t i = 0; i < segments.size(); ++i)
      if (route.segments[i] == "{}") match.params.push_back(segments[i]);
    return match;
  }
  return match;
}

Request CommandRecord::ToRequest() const {
  Request r;
  r.method = method;
  r.path = path;
  r.query = query;
  r.headers = headers;
  r.body = body;
  r.fault = fault;
  return r;
}

namespace {

// Request-journal entries keep bounded copies: a client cannot grow the log
// with long paths or ids.
constexpr size_t kKept = 2048;

CommandRecord RecordOf(const Request& request, const std::optional<Caller>& caller) {
  CommandRecord c;
  c.method = request.method;
  c.path = request.path;
  c.query = request.query;
  for (const char* name : {"MS-RequestId", "MS-CorrelationId", "If-Match"})
    if (auto v = request.Header(name)) c.headers.emplace_back(name, *v);
  // A webhook registration keeps the base URL it was made through (the
  // Host): a replay must see the same one.
  if (IsWebhookPath(request.path))
    if (auto v = request.Header("Host")) c.headers.emplace_back("Host", *v);
  c.body = request.body;
  c.fault = request.fault;
  c.caller = caller;
  return c;
}

void Render(Response& response) {
  if (response.pending_json) {
    response.body = Dump(*response.pending_json);
    response.pending_json.reset();
  }
}

void AsGraphError(Response& response) {
  // An error made before a Graph route ran (authentication, an unknown path,
  // a body too large) has Partner Center's body: give it Graph's.
  auto body = nlohmann::json::parse(response.body, nullptr, false);
  if (!body.is_object() || !body.contains("description") || !body["description"].is_string()) return;
  response.body = GraphErrorBody(response.status, body["description"].get<std::string>());
}

}  // namespace

Router::Router(RouterOptions options) : options_(std::move(options)), faults_(options_.sandbox.seed) {
  sandbox_ = std::make_unique<Sandbox>(options_.sandbox);
  faults_.SetRateLimit(options_.rate_limit);
  faults_.SetDrift(options_.drift);
  RegisterCustomerRoutes(routes_);
  RegisterCustomerUserRoutes(routes_);
  RegisterCatalogRoutes(routes_);
  RegisterCartRoutes(routes_);
  RegisterSubscriptionRoutes(routes_);
  RegisterInvoiceRoutes(routes_);
  RegisterControlRoutes(routes_);
  RegisterFaultRoutes(routes_);
  RegisterAzureRoutes(routes_);
  RegisterGraphRoutes(routes_);
  RegisterPriceSheetRoutes(routes_);
  RegisterTokenRoutes(routes_);
  RegisterWebhookRoutes(routes_);
  RegisterAuditRoutes(routes_);
}

void Router::BeginReset(uint64_t seed) {
  ++resets_;
  faults_ = FaultInjector(seed);
  faults_.SetRateLimit(options_.rate_limit);
  // The deliveries of the old book are not sent (unless this is a replayed
  // reset rebuilding the current state: they were already made).
  if (!rebuilding_) webhook_dispatcher_->Clear();
  faults_.SetDrift(options_.drift);
}

void Router::Reset(SandboxOptions options) {
  BeginReset(options.seed);
  ResetLocked(std::move(options));
}

void Router::Load(std::unique_ptr<Sandbox> sandbox) {
  BeginReset(sandbox->seed());
  ReplaceLocked(std::move(sandbox));
}

void Router::ResetLocked(SandboxOptions options) {
  sandbox_.reset();  // the old book's memory first
  ReplaceLocked(std::make_unique<Sandbox>(std::move(options)));
}

void Router::ReplaceLocked(std::unique_ptr<Sandbox> sandbox) {
  sandbox_ = std::move(sandbox);
  tokens_.clear();
  idempotent_.clear();
  idempotent_order_.clear();
  requests_.clear();
  carts_.clear();
  exports_.Clear();
  webhooks_.Clear();
  webhook_outbox_.clear();
  webhook_cursor_ = 0;
}

const Customer* Router::VisibleCustomer(const RouteContext& ctx, std::string_view id) const {
  const Customer* c = sandbox_->FindCustomer(ToLower(id));
  if (c == nullptr || c->partner_tenant_id != ctx.caller.partner_tenant_id) return nullptr;
  return c;
}

void Router::SetJournal(CommandJournal* journal) {
  std::lock_guard<std::mutex> lock(mutex_);
  journal_ = journal;
}

std::vector<CommandRecord> Router::History() {
  std::lock_guard<std::mutex> lock(mutex_);
  return history_;
}

uint64_t Router::StateDigest() {
  std::lock_guard<std::mutex> lock(mutex_);
  return StateDigestLocked();
}

uint64_t Router::StateDigestLocked() const {
  StateHasher h;
  h.Add(sandbox_->Digest());
  h.Count(carts_.size());
  for (const auto& [id, cart] : carts_) {
    h.Add(id);
    for (const std::string* s : {&cart.customer_id, &cart.partner_tenant_id, &cart.last_modified_user}) h.Add(*s);
    h.Add(cart.created);
    h.Add(cart.last_modified);
    h.Add(cart.expires);
    h.Add(cart.ordered);
    h.Add(cart.partner_on_record_attestation_accepted);
    h.Count(cart.lines.size());
    for (const CartLine& l : cart.lines) {
      h.Add(l.id);
      for (const std::string* s : {&l.catalog_item_id, &l.friendly_name, &l.term_duration, &l.billing_cycle,
                                   &l.promotion_id, &l.reseller_id, &l.order_group})
        h.Add(*s);
      h.Add(l.quantity);
      h.Count(l.additional_resellers.size());
      for (const std::string& r : l.additional_resellers) h.Add(r);
      h.Add(l.custom_term_end);
      h.Add(l.attestation_accepted);
      h.Add(l.provisioning_context.dump());
      h.Add(l.error.has_value());
      if (l.error) {
        h.Add(l.error->first);
        h.Add(l.error->second);
      }
    }
  }
  exports_.HashInto(h);
  webhooks_.HashInto(h);
  std::vector<const std::pair<const std::string, IssuedToken>*> tokens;
  for (const auto& entry : tokens_) tokens.push_back(&entry);
  std::sort(tokens.begin(), tokens.end(), [](auto* a, auto* b) { return a->first < b->first; });
  h.Count(tokens.size());
  for (const auto* t : tokens) {
    h.Add(t->first);
    h.Add(t->second.caller.partner_tenant_id);
    h.Add(t->second.caller.app_only);
    h.Add(t->second.caller.mfa);
    h.Add(t->second.caller.user_id);
    h.Add(t->second.caller.application_id);
    h.Add(t->second.caller.user_principal_name);
    h.Add(t->second.expires);
  }
  h.Count(idempotent_order_.size());
  for (const std::string& key : idempotent_order_) {
    h.Add(key);
    const Response& r = idempotent_.at(key);
    h.Add(r.status);
    h.Add(r.pending_json ? Dump(*r.pending_json) : r.body);
  }
  return h.value();
}

namespace {
bool IsApiPath(std::string_view path) {
  // /v1/... in any case, after any number of leading slashes.
  size_t i = 0;
  while (i < path.size() && path[i] == '/') ++i;
  return i > 0 && path.size() >= i + 2 && (path[i] == 'v' || path[i] == 'V') && path[i + 1] == '1' &&
         (path.size() == i + 2 || path[i + 2] == '/');
}
}  // namespace

std::string Router::PartnerOf(const Request& request) {
  auto caller = Authenticate(request);
  return caller.ok() ? caller->partner_tenant_id : std::string();
}

void Router::Log(const Request& request, int status, std::string partner, std::string fault) {
  requests_.push_back(RequestRecord{sandbox_->Now(), request.method.substr(0, kKept), request.path.substr(0, kKept),
                                    status, request.Header("MS-RequestId").value_or("").substr(0, kKept),
                                    std::move(partner), std::move(fault)});
  if (requests_.size() > kRequestJournalEntries) requests_.pop_front();
}

void Router::Remember(CommandRecord command) {
  if (command.resets) history_.clear();
  history_.push_back(std::move(command));
}

bool Router::Rebuild() {
  // Fault rules and the request log are not state: they stay as they are.
  FaultInjector faults = std::move(faults_);
  std::deque<RequestRecord> requests = std::move(requests_);
  std::vector<CommandRecord> history = std::move(history_);
  history_.clear();
  rebuilding_ = true;
  try {
    ResetLocked(options_.sandbox);
    for (const CommandRecord& command : history) ReplayLocked(command);
  } catch (const std::exception& e) {
    failure_ = std::string("The sandbox could not be restored after a failed request (") + e.what() +
               "); restart the server.";
  }
  rebuilding_ = false;
  SkipWebhookEvents();
  faults_ = std::move(faults);
  requests_ = std::move(requests);
  return failure_.empty();
}

Response Router::Handle(const Request& incoming) {
  Response response;
  std::optional<FaultDecision> fault;
  DriftOptions drift;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    drift = faults_.drift();
    if (!failure_.empty()) {
      response = ErrorResponse(Error<Err::ServiceUnavailable>(failure_));
      Log(incoming, response.status, "", "");
    } else {
      const Request* request_ptr = &incoming;
      Request directed;  // the request with an injected fault directive
      // Injected faults and the rate limiter act on /v1 requests before they
      // run (a refused request changes nothing and is not journaled).
      if (faults_.active() && incoming.fault.empty() && IsApiPath(incoming.path)) {
        fault = faults_.Decide(incoming, PartnerOf(incoming), sandbox_->Now());
        if (fault && !fault->directive.empty()) {
          directed = incoming;
          directed.fault = fault->directive;
          request_ptr = &directed;
        }
      }
      const Request& request = *request_ptr;
      std::string fault_text = fault ? (fault->rule_id == 0 ? "rate-limit" : std::string(ToString(fault->kind))) : "";
      if (fault && fault->reject) {
        response = std::move(*fault->reject);
        Log(request, response.status, PartnerOf(request), std::move(fault_text));
      } else {
        Outcome outcome;
        const uint64_t resets_before = resets_;
        try {
          response = Dispatch(request, nullptr, &outcome);
        } catch (const std::exception& e) {
          // Memory or an internal error part-way through: nothing of it stays.
          outcome.executed = true;
          outcome.rollback = true;
          response = ErrorResponse(Error<Err::ServiceError>(std::string("Unexpected service error: ") + e.what() +
                                                           "; the request changed nothing."));
        }
        const bool write = outcome.executed && outcome.kind == RouteKind::Write;
        if (write && (outcome.rollback || response.status >= 500)) {
          if (!Rebuild()) response = ErrorResponse(Error<Err::ServiceUnavailable>(failure_));
        } else if (write && response.status < 400) {
          // Durable means applied, journaled and flushed, then answered.
          CommandRecord command = RecordOf(request, outcome.caller);
          command.resets = resets_ != resets_before;
          Status committed = OkStatus();
          if (journal_ != nullptr) {
            Render(response);
            committed = journal_->Commit(command, response);
          }
          if (committed.ok()) {
            Remember(std::move(command));
          } else {
            // Not durable: undo it, so that what is answered is what is kept.
            response = ErrorResponse(Rebuild() ? committed : Error<Err::ServiceUnavailable>(failure_));
          }
        }
        Log(request, response.status, outcome.caller ? outcome.caller->partner_tenant_id : PartnerOf(request),
            std::move(fault_text));
      }
    }
    // What the request changed, in the journal's order, to the deliverers.
    CollectWebhookEvents();
    webhook_dispatcher_->Enqueue(std::move(webhook_outbox_));
    webhook_outbox_.clear();
  }
  // The in-process sink runs outside the lock (it may call Handle itself).
  webhook_dispatcher_->DeliverToSink();
  // The body is rendered outside the lock: other requests need not wait for it.
  Render(response);
  // Drift changes the answer, never what was kept of it (state dir, retries).
  if (drift.enabled && IsApiPath(incoming.path)) ApplyDrift(drift, incoming.method, incoming.path, response);
  if (response.status >= 400 && IsGraphPath(incoming.path)) AsGraphError(response);
  if (fault) {
    response.delay_ms = fault->delay_ms;
    if (fault->drop_after) response.drop_connection = true;
  }
  for (const char* echo : {"MS-RequestId", "MS-CorrelationId"})
    if (auto v = incoming.Header(echo)) response.SetHeader(echo, *v);
  return response;
}

Response Router::Replay(const CommandRecord& command) {
  std::lock_guard<std::mutex> lock(mutex_);
  Response response = ReplayLocked(command);
  Render(response);
  return response;
}

Response Router::ReplayLocked(const CommandRecord& command) {
  Request request = command.ToRequest();
  Outcome outcome;
  const uint64_t resets_before = resets_;
  Response response = Dispatch(request, &command, &outcome);
  if (outcome.executed && outcome.kind == RouteKind::Write && response.status < 400) {
    CommandRecord kept = command;
    kept.resets = resets_ != resets_before;
    Remember(std::move(kept));
  }
  if (!rebuilding_) Log(request, response.status, command.caller ? command.caller->partner_tenant_id : "", "");
  // A recorded command was delivered when it first ran.
  SkipWebhookEvents();
  return response;
}

void Router::QueueWebhook(const WebhookRegistration& registration, WebhookEvent event) {
  WebhookDelivery d;
  d.partner_tenant_id = std::move(event.partner_tenant_id);
  d.event_name = event.name;
  d.url = registration.url;
  d.body = WebhookBody(event);
  d.at = event.at;
  d.correlation_id = std::move(event.correlation_id);
  d.certificate_url = registration.base_url + "/_sim/webhooks/certificate";
  d.signature_in_ms_header = registration.signature_to_ms_header;
  d.seed = sandbox_->seed();
  webhook_outbox_.push_back(std::move(d));
}

void Router::CollectWebhookEvents() {
  const auto& journal = sandbox_->journal();
  const size_t end = journal.size();
  if (webhooks_.empty() || webhook_cursor_ >= end) {
    webhook_cursor_ = end;
    return;
  }
  // One change journaled in several entries (seats and auto-renew in one
  // PATCH) is one event: the same event, resource and instant are sent once.
  std::set<std::string> sent;
  for (size_t i = webhook_cursor_; i < end; ++i) {
    const JournalEntry& e = journal[i];
    const WebhookRegistration* r = webhooks_.Find(sandbox_->PartnerOf(e));
    if (r == nullptr) continue;
    for (WebhookEvent& event : WebhookEventsOf(*sandbox_, i, r->base_url)) {
      if (!r->Wants(event.name)) continue;
      if (!sent.insert(event.name + "|" + event.resource_uri + "|" + std::to_string(event.at.micros())).second) continue;
      QueueWebhook(*r, std::move(event));
    }
  }
  webhook_cursor_ = end;
}

void Router::SkipWebhookEvents() {
  webhook_outbox_.clear();
  webhook_cursor_ = sandbox_->journal().size();
}

namespace {

// Names the partner request being served, and who sent it, in the journal
// entries it causes (the activity log reads them).
class RequestAttribution {
 public:
  RequestAttribution(Sandbox& sandbox, const Request& request, const Caller& caller) : sandbox_(sandbox) {
    sandbox_.SetRequest(RequestOrigin{request.Header("MS-RequestId").value_or(""),
                                      request.Header("MS-CorrelationId").value_or(""), caller.application_id,
                                      caller.user_principal_name});
  }
  ~RequestAttribution() { sandbox_.ClearRequest(); }
  RequestAttribution(const RequestAttribution&) = delete;
  RequestAttribution& operator=(const RequestAttribution&) = delete;

 private:
  Sandbox& sandbox_;
};

}  // namespace

void Router::ApplyDeferred(const Request& request, const Caller& caller) {
  Response response;
  std::vector<std::string> segments = SplitPath(request.path);
  RouteTable::Match match = routes_.Find(request.method, segments);
  if (match.handler == nullptr) {
    response = ErrorResponse(Error<Err::NoRoute>(request.method, request.path));
  } else {
    RouteContext ctx{*this, *sandbox_, request, std::move(match.params), caller};
    RequestAttribution attribution(*sandbox_, request, caller);
    try {
      response = (*match.handler)(ctx);
    } catch (const std::exception& e) {
      response = ErrorResponse(Error<Err::ServiceError>(std::string("Unexpected service error: ") + e.what()));
    }
  }
  // The outcome is visible in GET /_sim/requests (a deferred change that
  // fails there is not lost silently).
  if (!rebuilding_) Log(request, response.status, caller.partner_tenant_id, "accepted (applied)");
}

void Router::HoldOrdersPending(size_t first_order, const CalendarDuration& d) {
  const auto& orders = sandbox_->orders();
  for (size_t i = first_order; i < orders.size(); ++i)
    sandbox_->HoldOrderPending(static_cast<uint32_t>(i), orders[i]->created.Plus(d));
}

Response Router::Dispatch(const Request& request, const CommandRecord* replay, Outcome* outcome) {
  if (request.body.size() > options_.max_body_bytes)
    return ErrorResponse(Error<Err::BodyTooLarge>("The request body is larger than " +
                                                 std::to_string(options_.max_body_bytes) + " bytes."));
  std::vector<std::string> segments = SplitPath(request.path);
  const bool control = !segments.empty() && EqualsIgnoreCase(segments[0], "_sim");
  // The control plane's guard (control token, cross-site requests), before
  // anything under /_sim/ is looked up. A recorded command is not checked
  // again: it was when it first ran.
  if (control && replay == nullptr) {
    Status allowed = CheckControlAccess(request, segments, options_.control_token, options_.allowed_hosts);
    if (!allowed.ok()) return ErrorResponse(allowed);
  }
  RouteTable::Match match = routes_.Find(request.method, segments);
  if (match.handler == nullptr) {
    if (match.path_known && IsTokenPath(request.path))
      return AadErrorResponse(*sandbox_, request, Error<Err::AadEndpointMethod>(request.method));
    if (match.path_known)
      return ErrorResponse(Error<Err::MethodNotAllowedOn>(request.method, request.path));
    return ErrorResponse(Error<Err::NoRoute>(request.method, request.path));
  }
  outcome->kind = match.kind;
  auto identified = IdentifyCaller(request, control || IsBlobPath(request.path) || IsTokenPath(request.path), replay);
  if (!identified.ok()) return ErrorResponse(identified.status());
  const Caller& caller = *identified;
  if (!control) outcome->caller = caller;
  // A write repeated with the same MS-RequestId (a client's retry after a
  // timeout or a throttled answer) replays the first result.
  std::string idempotency_key;
  if (request.method != "GET" && request.method != "HEAD" && !control) {
    if (auto id = request.Header("MS-RequestId"); id && !id->empty()) {
      idempotency_key = caller.partner_tenant_id + "|" + *id + "|" + request.method + "|" + ToLower(request.path);
      if (auto it = idempotent_.find(idempotency_key); it != idempotent_.end()) return it->second;
    }
  }
  outcome->executed = true;
  std::optional<FaultDirective> directive;
  if (!request.fault.empty()) directive = ParseFaultDirective(request.fault);
  Response response;
  if (directive && directive->kind == FaultKind::Accepted) {
    response = AcceptLater(request, segments, caller, directive->duration);
  } else {
    const size_t orders_before = sandbox_->orders().size();
    RouteContext ctx{*this, *sandbox_, request, std::move(match.params), caller};
    ctx.replay = replay != nullptr;
    // Only /v1 changes are attributed to a request; a control route may
    // replace the sandbox itself (reset, load), so nothing holds on to it.
    std::optional<RequestAttribution> attribution;
    if (!control) attribution.emplace(*sandbox_, request, caller);
    response = (*match.handler)(ctx);
    outcome->rollback = ctx.rollback;
    if (directive && directive->kind == FaultKind::Pending && response.status < 300)
      HoldOrdersPending(orders_before, directive->duration);
  }
  // Only an answer that changed nothing but the state it reports is kept: a
  // refused request runs again on a retry.
  if (!idempotency_key.empty() && response.status < 400 && !outcome->rollback)
    KeepForRetries(idempotency_key, response);
  return response;
}

StatusOr<Caller> Router::IdentifyCaller(const Request& request, bool anonymous, const CommandRecord* replay) {
  if (anonymous) return Caller{};
  // A recorded command: it was authenticated when it first ran.
  if (replay != nullptr) return replay->caller.value_or(Caller{});
  auto caller = Authenticate(request);
  if (!caller.ok()) return caller.status();
  // Partner security requirements: App+User calls need MFA from the policy date.
  if (!caller->app_only && !caller->mfa &&
      sandbox_->Today() >= sandbox_->policy().DateOf(PolicyKey::kMfaRequiredFrom))
    return Error<Err::MfaRequired>();
  return caller;
}

Response Router::AcceptLater(const Request& request, const std::vector<std::string>& segments, const Caller& caller,
                             const CalendarDuration& delay) {
  // The resource must exist now: an unknown one is refused at once, as the
  // service would, not accepted and lost later.
  RouteTable::Match read = routes_.Find("GET", segments);
  if (read.handler != nullptr) {
    RouteContext read_ctx{*this, *sandbox_, request, std::move(read.params), caller};
    Response current = (*read.handler)(read_ctx);
    if (current.status >= 400) return current;
  }
  // 202 Accepted: the change is applied by a timer at its due instant; the
  // client polls the resource named by Location.
  Request later = request;
  later.fault.clear();
  Instant due = sandbox_->Now().Plus(delay);
  sandbox_->clock().Schedule(due, [this, later = std::move(later), caller] { ApplyDeferred(later, caller); });
  Response response;
  response.status = 202;
  response.content_type.clear();
  response.SetHeader("Location", request.path);
  int64_t seconds = std::max<int64_t>(1, ((due - sandbox_->Now()).micros() + 999'999) / 1'000'000);
  response.SetHeader("Retry-After", std::to_string(seconds));
  return response;
}

void Router::KeepForRetries(const std::string& key, const Response& response) {
  idempotent_[key] = response;
  idempotent_order_.push_back(key);
  if (idempotent_order_.size() > kIdempotencyEntries) {
    idempotent_.erase(idempotent_order_.front());
    idempotent_order_.pop_front();
  }
}

Response JsonResponse(int status, const Json& body) {
  Response r;
  r.status = status;
  r.body = Dump(body);
  return r;
}

Response JsonResponse(int status, Json&& body) {
  Response r;
  r.status = status;
  r.pending_json = std::make_shared<const Json>(std::move(body));
  return r;
}

Response ErrorResponse(const Status& status) {
  Json body;
  body["code"] = status.code();
  body["description"] = status.description().substr(0, 1024);
  body["data"] = Json::array();
  body["source"] = "PartnerFD";
  return JsonResponse(status.http_status() == 0 ? 500 : status.http_status(), body);
}

Json LinkJson(std::string uri, std::string method, Json headers) {
  Json link = ObjectWithCapacity(3);
  link["uri"] = std::move(uri);
  link["method"] = std::move(method);
  link["headers"] = std::move(headers);
  return link;
}

Json CollectionJson(Json items, const std::string& self_uri, std::optional<Json> next, std::string object_type) {
  Json c = ObjectWithCapacity(4);
  c["totalCount"] = items.size();
  c["items"] = std::move(items);
  Json links;
  links["self"] = LinkJson(self_uri);
  if (next) links["next"] = std::move(*next);
  c["links"] = std::move(links);
  c["attributes"] = Json{{"objectType", std::move(object_type)}};
  return c;
}

}  // namespace pcsim::api
