// The sandbox's own surface under /_sim/ (docs/control-api.md): the clock, reset,
// the event and request journals, and tokens.
#include <algorithm>
#include <climits>

#include "simulator/model/errors.h"
#include "simulator/api/book_codec.h"
#include "simulator/api/resources.h"
#include "simulator/commerce/est_report.h"
#include "simulator/api/router.h"
#include "simulator/model/json_reader.h"

namespace pcsim::api {
namespace {

Response Clock(RouteContext& ctx) { return JsonResponse(200, Json{{"now", ctx.sandbox.Now().ToString()}}); }

Response Advance(RouteContext& ctx) {
  auto body = ParseBody(ctx.request.body);
  if (!body.ok()) return ErrorResponse(body.status());
  auto to = StringField(*body, "to");
  auto by = StringField(*body, "by");
  if (!to.ok()) return ErrorResponse(to.status());
  if (!by.ok()) return ErrorResponse(by.status());
  if (to->has_value() == by->has_value())
    return ErrorResponse(Error<Err::ControlInvalidInput>("Give exactly one of \"to\" (an RFC 3339 instant) or \"by\" (an ISO 8601 duration such as P30D)."));
  Instant target;
  if (to->has_value()) {
    auto t = Instant::Parse(**to);
    if (!t) return ErrorResponse(Error<Err::ControlInvalidInput>("\"to\" is not an RFC 3339 instant: " + **to));
    if (*t < ctx.sandbox.Now())
      return ErrorResponse(Error<Err::ControlInvalidInput>("\"to\" (" + t->ToString() + ") is before the simulated now (" +
                                                  ctx.sandbox.Now().ToString() + "); the clock never moves backwards."));
    target = *t;
  } else {
    auto d = CalendarDuration::Parse(**by);
    if (!d) return ErrorResponse(Error<Err::ControlInvalidInput>("\"by\" is not an ISO 8601 duration (e.g. P30D, PT25H): " + **by));
    if (d->months > 12 * 9000) return ErrorResponse(Error<Err::ControlInvalidInput>("The target instant is too far in the future."));
    target = ctx.sandbox.Now().Plus(*d);
  }
  if (target.date().year() > 9000) return ErrorResponse(Error<Err::ControlInvalidInput>("The target instant is too far in the future."));
  // An advance is all or nothing within the router's limits (AdvanceLimits):
  // the span is checked first, the events as they run (the router restores
  // the state when they are too many).
  const AdvanceLimits limits = ctx.replay ? AdvanceLimits{0, 0} : ctx.router.options().advance;
  if (limits.max_years > 0 && target > ctx.sandbox.Now().Plus(CalendarDuration{12 * limits.max_years, Duration()}))
    return ErrorResponse(Error<Err::ControlInvalidInput>("One request may move the clock by at most " +
                                                std::to_string(limits.max_years) + " simulated years (to " +
                                                target.ToString() + " asked from " + ctx.sandbox.Now().ToString() +
                                                "); advance in steps, or raise the limit (pcsim serve --max-advance-years)."));
  const Instant from = ctx.sandbox.Now();
  SimulatedClock::Advance advance = ctx.sandbox.AdvanceWithin(target, limits.max_events);
  if (!advance.complete) {
    ctx.rollback = true;
    return ErrorResponse(Error<Err::ControlInvalidInput>("Advancing from " + from.ToString() + " to " + target.ToString() + " runs more than " +
                    std::to_string(limits.max_events) + " events (the limit was reached at " +
                    ctx.sandbox.Now().ToString() + "); nothing changed: advance in smaller steps, or raise the "
                    "limit (pcsim serve --max-advance-events)."));
  }
  return JsonResponse(200, Json{{"now", ctx.sandbox.Now().ToString()}, {"events", advance.fired}});
}

// The "policy" of a reset body: a built-in name, or a policy document (an
// object) given inline. Over HTTP no file is ever opened: a string that is
// not a built-in name is refused, whatever file it may name.
StatusOr<Policy> ResetPolicy(std::string_view body_text) {
  std::optional<JsonDocument> doc;
  try {
    doc.emplace(body_text);
  } catch (const DataFileError& e) {
    return Error<Err::BodyNotParsable>("The request body is not valid JSON: " + e.Message());
  }
  const nlohmann::json* value = Field(doc->root(), "policy");
  if (value != nullptr && value->is_string()) {
    const std::string& name = value->get_ref<const std::string&>();
    if (const Policy* builtin = Policy::Builtin(name)) return *builtin;
    std::string shown = name.size() <= 100 ? name : name.substr(0, 100) + "...";
    return Error<Err::ControlInvalidInput>("\"policy\" \"" + shown + "\" is not a built-in policy (" + Policy::BuiltinNamesText() +
                                  "); files are not opened over HTTP: send the policy document itself, a JSON "
                                  "object, as the value of \"policy\".");
  }
  if (value == nullptr || !value->is_object())
    return Error<Err::ControlInvalidInput>("\"policy\" must be a built-in policy name (" + Policy::BuiltinNamesText() +
                                  ") or a policy document (a JSON object).");
  // The document as the client wrote it: an error names its line and column
  // in that text ("reset policy:3:18: ...").
  auto begin = doc->ValueOffset(value);
  if (!begin) return Error<Err::ControlInvalidInput>("\"policy\" could not be read.");
  std::string_view text = body_text.substr(*begin, ScanNesting(body_text, *begin, INT_MAX).end - *begin);
  return Policy::FromJson(text, "reset policy");
}

Response Reset(RouteContext& ctx) {
  SandboxOptions options;
  options.start = ctx.router.options().sandbox.start;
  options.catalog = ctx.router.options().sandbox.catalog;
  options.policy = ctx.router.options().sandbox.policy;
  options.environment = ctx.router.options().sandbox.environment;
  options.seed = ctx.router.options().sandbox.seed;
  if (!ctx.request.body.empty()) {
    auto body = ParseBody(ctx.request.body);
    if (!body.ok()) return ErrorResponse(body.status());
    for (auto it = body->begin(); it != body->end(); ++it) {
      std::string key = ToLower(it.key());
      if (key != "start" && key != "policy" && key != "environment" && key != "seed")
        return ErrorResponse(Error<Err::ControlInvalidInput>("Unknown reset option \"" + it.key() + "\" (start, policy, environment, seed)."));
    }
    auto start = StringField(*body, "start");
    if (!start.ok()) return ErrorResponse(start.status());
    if (start->has_value()) {
      auto t = Instant::Parse(**start);
      if (!t) return ErrorResponse(Error<Err::ControlInvalidInput>("\"start\" is not an RFC 3339 instant: " + **start));
      if (t->date().year() < 1970 || t->date().year() > 9000)
        return ErrorResponse(Error<Err::ControlInvalidInput>("\"start\" must be between the years 1970 and 9000."));
      options.start = *t;
    }
    if (Field(*body, "policy") != nullptr) {
      auto p = ResetPolicy(ctx.request.body);
      if (!p.ok()) return ErrorResponse(p.status());
      options.policy = std::move(*p);
    }
    auto env = StringField(*body, "environment");
    if (!env.ok()) return ErrorResponse(env.status());
    if (env->has_value()) {
      auto e = ParseEnvironment(**env);
      if (!e) return ErrorResponse(Error<Err::ControlInvalidInput>("\"environment\" must be production or sandbox."));
      options.environment = *e;
    }
    auto seed = IntField(*body, "seed");
    if (!seed.ok()) return ErrorResponse(seed.status());
    if (seed->has_value()) options.seed = static_cast<uint64_t>(**seed);
  }
  ctx.router.Reset(options);
  const Sandbox& sandbox = ctx.router.sandbox();
  return JsonResponse(200, Json{{"now", sandbox.Now().ToString()},
                                {"environment", ToString(sandbox.environment())},
                                {"policy", sandbox.policy().name()},
                                {"seed", sandbox.seed()}});
}

// ?partner=TENANT: only that partner's entries (tenant ids compared without
// case); nullopt without the parameter.
StatusOr<std::optional<std::string>> PartnerFilter(const Request& request) {
  auto partner = request.Query("partner");
  if (!partner) return std::optional<std::string>();
  if (partner->empty()) return Error<Err::ControlInvalidInput>("\"partner\" must name a partner's tenant id.");
  return std::optional<std::string>(*partner);
}

Response Events(RouteContext& ctx) {
  std::optional<Instant> since;
  if (auto s = ctx.request.Query("since")) {
    since = Instant::Parse(*s);
    if (!since) return ErrorResponse(Error<Err::ControlInvalidInput>("\"since\" is not an RFC 3339 instant."));
  }
  std::optional<std::string> kind = ctx.request.Query("kind");
  auto partner = PartnerFilter(ctx.request);
  if (!partner.ok()) return ErrorResponse(partner.status());
  Json items = Json::array();
  for (const JournalEntry& e : ctx.sandbox.journal()) {
    if (since && e.at < *since) continue;
    if (kind && !EqualsIgnoreCase(*kind, ToString(e.kind))) continue;
    if (*partner && !EqualsIgnoreCase(**partner, ctx.sandbox.PartnerOf(e))) continue;
    items.push_back(JournalEntryJson(ctx.sandbox, e));
  }
  return JsonResponse(200, Json{{"totalCount", items.size()}, {"items", std::move(items)}});
}

Response Requests(RouteContext& ctx) {
  auto partner = PartnerFilter(ctx.request);
  if (!partner.ok()) return ErrorResponse(partner.status());
  Json items = Json::array();
  for (const RequestRecord& r : ctx.router.request_journal()) {
    if (*partner && !EqualsIgnoreCase(**partner, r.partner)) continue;
    Json j;
    j["at"] = r.at.ToString();
    j["method"] = r.method;
    j["path"] = r.path;
    j["status"] = r.status;
    if (!r.request_id.empty()) j["requestId"] = r.request_id;
    if (!r.partner.empty()) j["partner"] = r.partner;
    if (!r.fault.empty()) j["fault"] = r.fault;
    items.push_back(std::move(j));
  }
  return JsonResponse(200, Json{{"totalCount", items.size()}, {"items", std::move(items)}});
}

Response Token(RouteContext& ctx) {
  Caller caller;
  int64_t lifetime_seconds = 3600;
  if (!ctx.request.body.empty()) {
    auto body = ParseBody(ctx.request.body);
    if (!body.ok()) return ErrorResponse(body.status());
    auto partner = StringField(*body, "partner");
    auto app_only = BoolField(*body, "app-only");
    auto mfa = BoolField(*body, "mfa");
    auto expires = IntField(*body, "expires-in");
    auto app_id = StringField(*body, "app-id");
    auto upn = StringField(*body, "upn");
    for (const Status* s : {&partner.status(), &app_only.status(), &mfa.status(), &expires.status(), &app_id.status(),
                            &upn.status()})
      if (!s->ok()) return ErrorResponse(*s);
    if (partner->has_value()) {
      if ((*partner)->empty()) return ErrorResponse(Error<Err::ControlInvalidInput>("\"partner\" must not be empty."));
      caller.partner_tenant_id = ToLower(**partner);  // tenant ids are GUIDs, compared without case
    }
    caller.app_only = app_only->value_or(false);
    caller.mfa = mfa->value_or(true);
    // Who the activity log names (GET /v1/auditrecords): an app-only token has no user.
    caller.application_id = app_id->value_or("").substr(0, 256);
    if (upn->has_value() && caller.app_only)
      return ErrorResponse(Error<Err::ControlInvalidInput>("\"upn\" names a user: an app-only token has none."));
    caller.user_principal_name = upn->value_or("").substr(0, 256);
    if (expires->has_value()) {
      if (**expires < 1) return ErrorResponse(Error<Err::ControlInvalidInput>("\"expires-in\" must be a positive number of seconds."));
      lifetime_seconds = **expires;
    }
  }
  Instant expires = ctx.sandbox.Now() + Duration::Seconds(lifetime_seconds);
  std::string token = ctx.router.IssueToken(caller, expires);
  Json answer{{"token", token},
              {"token_type", "Bearer"},
              {"partner", caller.partner_tenant_id},
              {"app-only", caller.app_only},
              {"mfa", caller.mfa},
              {"expiresAt", expires.ToString()}};
  if (!caller.application_id.empty()) answer["app-id"] = caller.application_id;
  if (!caller.user_principal_name.empty()) answer["upn"] = caller.user_principal_name;
  // An App+User caller also gets a refresh token for the token endpoint
  // (grant_type=refresh_token), the start of the flow an SDK runs.
  if (!caller.app_only) answer["refresh_token"] = IssueRefreshToken(ctx, caller, "");
  return JsonResponse(200, answer);
}

// A qualification approved at once (the vetting of POST
// /v1/customers/{id}/qualifications takes an hour of simulated time):
// {"customer": ID, "qualification": "Education" | "GovernmentCommunityCloud" |
// "Nonprofit" | "StateOwnedEntity"}.
Response ApproveQualification(RouteContext& ctx) {
  auto body = ParseBody(ctx.request.body);
  if (!body.ok()) return ErrorResponse(body.status());
  auto customer = StringField(*body, "customer");
  auto name = StringField(*body, "qualification");
  for (const Status* s : {&customer.status(), &name.status()})
    if (!s->ok()) return ErrorResponse(*s);
  if (!customer->has_value() || !name->has_value())
    return ErrorResponse(Error<Err::ControlInvalidInput>("Give \"customer\" (an id) and \"qualification\"."));
  static const char* kKnown[] = {"Education", "GovernmentCommunityCloud", "Nonprofit", "StateOwnedEntity"};
  auto known = std::find_if(std::begin(kKnown), std::end(kKnown),
                            [&](const char* k) { return EqualsIgnoreCase(**name, k); });
  if (known == std::end(kKnown))
    return ErrorResponse(Error<Err::UnableToParse>("enum: qualification (Education, GovernmentCommunityCloud, Nonprofit or StateOwnedEntity)."));
  const Customer* c = ctx.sandbox.FindCustomer(ToLower(**customer));
  if (c == nullptr) return ErrorResponse(Error<Err::CustomerNotFound>(**customer));
  Status s = ctx.sandbox.AddQualification(c->id, {*known, QualificationStatus::Approved, ctx.sandbox.Now()});
  if (!s.ok()) return ErrorResponse(s);
  return JsonResponse(201, Json{{"customer", c->id}, {"qualification", *known}, {"vettingStatus", "Approved"}});
}

// The digest of the whole state (Router::StateDigest): two servers that
// answer the same digest hold the same state.
Response Digest(RouteContext& ctx) {
  static const char* kHex = "0123456789abcdef";
  uint64_t d = ctx.router.StateDigestLocked();
  std::string hex(16, '0');
  for (int i = 15; i >= 0; --i, d >>= 4) hex[static_cast<size_t>(i)] = kHex[d & 0xF];
  return JsonResponse(200, Json{{"digest", hex}});
}

Response EstReport(RouteContext& ctx) {
  bool compare = false;
  if (auto c = ctx.request.Query("compareToRenewal")) compare = EqualsIgnoreCase(*c, "true");
  auto csv = EstAuditCsv(ctx.sandbox, compare);
  if (!csv.ok()) return ErrorResponse(csv.status());
  Response r;
  r.body = *csv;
  r.content_type = "text/csv; charset=utf-8";
  return r;
}

// GET /_sim/book: the sandbox's active and suspended subscriptions, with
// their customers, as a book at the simulated now (JSON Lines).
Response GetBook(RouteContext& ctx) {
  Response r;
  r.body = BookJsonLines(BookOf(ctx.sandbox));
  r.content_type = "application/x-ndjson; charset=utf-8";
  return r;
}

// POST /_sim/book: a book (a JSON document or JSON Lines) replaces the whole
// state, the clock at its asOf; all or nothing. A book that does not read or
// does not load is 400 800002 naming its line and the reason, the state as
// it was (the new sandbox is built before the old one goes).
Response LoadBook(RouteContext& ctx) {
  if (ctx.request.body.empty())
    return ErrorResponse(Error<Err::ControlInvalidInput>("The body must be a book (a JSON document or JSON Lines)."));
  auto book = ParseBook(ctx.request.body, "book");
  if (!book.ok()) return ErrorResponse(book.status());
  if (book->as_of.date().year() < 1970 || book->as_of.date().year() > 9000)
    return ErrorResponse(Error<Err::ControlInvalidInput>("book:1: asOf must be between the years 1970 and 9000."));
  SandboxOptions options;
  options.catalog = ctx.router.options().sandbox.catalog;
  options.policy = ctx.router.options().sandbox.policy;
  options.environment = ctx.router.options().sandbox.environment;
  options.seed = ctx.router.options().sandbox.seed;
  auto sandbox = Sandbox::FromBook(*book, std::move(options));
  if (!sandbox.ok()) return ErrorResponse(sandbox.status());
  size_t subscriptions = 0;
  for (const BookCustomer& c : book->customers) subscriptions += c.subscriptions.size();
  ctx.router.Load(std::move(*sandbox));
  const Sandbox& loaded = ctx.router.sandbox();
  return JsonResponse(200, Json{{"now", loaded.Now().ToString()},
                                {"customers", book->customers.size()},
                                {"subscriptions", subscriptions},
                                {"assumptions", book->assumptions.size()}});
}

}  // namespace

void RegisterControlRoutes(RouteTable& table) {
  table.Add("GET", "/_sim/clock", Clock);
  table.Add("POST", "/_sim/clock/advance", Advance);
  table.Add("POST", "/_sim/reset", Reset);
  table.Add("GET", "/_sim/events", Events);
  table.Add("GET", "/_sim/requests", Requests);
  table.Add("POST", "/_sim/token", Token);
  table.Add("GET", "/_sim/reports/est", EstReport);
  table.Add("GET", "/_sim/digest", Digest);
  table.Add("POST", "/_sim/qualifications", ApproveQualification);
  table.Add("GET", "/_sim/book", GetBook);
  table.Add("POST", "/_sim/book", LoadBook);
}

}  // namespace pcsim::api
