// Partner Center webhooks (docs/webhooks.md): the registration API and
// pcsim's control routes for deliveries.
//
//   POST   /webhooks/v1/registration                       {WebhookUrl, WebhookEvents[, SignatureTokenToMsSignatureHeader]}
//   GET    /webhooks/v1/registration
//   PUT    /webhooks/v1/registration                       (the same body as POST)
//   DELETE /webhooks/v1/registration                       (a pcsim extension: Partner Center documents none)
//   GET    /webhooks/v1/registration/events
//   POST   /webhooks/v1/registration/validationEvents      sends a test-created event; {"correlationId"}
//   GET    /webhooks/v1/registration/validationEvents/{id} the delivery's attempts
//   GET    /_sim/webhooks/certificate[?format=pem]         the certificate that signs deliveries
//   GET    /_sim/webhooks/deliveries[?partner=]            the delivery journal
//
// Pages: "Partner Center webhooks", "Partner Center webhook events".
#include <string>

#include "simulator/api/router.h"
#include "simulator/api/webhook_signer.h"
#include "simulator/api/webhooks.h"
#include "simulator/model/errors.h"

namespace pcsim::api {
namespace {

Json RegistrationJson(const WebhookRegistration& r, bool with_subscriber) {
  Json j = ObjectWithCapacity(4);
  if (with_subscriber) j["SubscriberId"] = r.subscriber_id;
  j["WebhookUrl"] = r.url;
  j["WebhookEvents"] = r.events;
  if (r.signature_to_ms_header) j["SignatureTokenToMsSignatureHeader"] = true;
  return j;
}

// Reads and checks a whole registration body before anything is kept.
StatusOr<WebhookRegistration> ReadRegistration(const RouteContext& ctx) {
  auto body = ParseBody(ctx.request.body);
  if (!body.ok()) return body.status();
  auto url = StringField(*body, "WebhookUrl");
  if (!url.ok()) return Error<Err::WebhookBodyInvalid>("WebhookUrl must be a string.");
  if (!url->has_value() || (*url)->empty()) return Error<Err::WebhookBodyInvalid>("WebhookUrl is required.");
  if ((*url)->size() > 2048) return Error<Err::WebhookBodyInvalid>("WebhookUrl is longer than 2048 characters.");
  if (Status s = CheckWebhookUrl(**url); !s.ok()) return s;
  const nlohmann::json* events = Field(*body, "WebhookEvents");
  if (events == nullptr || !events->is_array() || events->empty())
    return Error<Err::WebhookBodyInvalid>("WebhookEvents must be a list of one or more event names.");
  WebhookRegistration r;
  for (const nlohmann::json& e : *events) {
    if (!e.is_string()) return Error<Err::WebhookBodyInvalid>("WebhookEvents must hold event names (strings).");
    const std::string& name = e.get_ref<const std::string&>();
    auto known = DocumentedWebhookEvent(name);
    if (!known) return Error<Err::WebhookEventUnknown>(name.substr(0, 100));
    if (!r.Wants(*known)) r.events.emplace_back(*known);
  }
  auto ms_header = BoolField(*body, "SignatureTokenToMsSignatureHeader");
  if (!ms_header.ok())
    return Error<Err::WebhookBodyInvalid>("SignatureTokenToMsSignatureHeader must be true or false.");
  r.partner_tenant_id = ctx.caller.partner_tenant_id;
  r.url = **url;
  r.signature_to_ms_header = ms_header->value_or(false);
  r.base_url = WebhookBaseUrl(ctx.request);
  r.last_modified = ctx.sandbox.Now();
  return r;
}

Response Create(RouteContext& ctx) {
  auto r = ReadRegistration(ctx);
  if (!r.ok()) return ErrorResponse(r.status());
  if (ctx.router.webhooks().Find(ctx.caller.partner_tenant_id) != nullptr)
    return ErrorResponse(Error<Err::WebhookAlreadyRegistered>());
  // Answered 200, not 201 ("Partner Center webhooks").
  return JsonResponse(200, RegistrationJson(ctx.router.webhooks().Put(std::move(*r), ctx.sandbox.seed()), true));
}

Response Update(RouteContext& ctx) {
  auto r = ReadRegistration(ctx);
  if (!r.ok()) return ErrorResponse(r.status());
  if (ctx.router.webhooks().Find(ctx.caller.partner_tenant_id) == nullptr)
    return ErrorResponse(Error<Err::WebhookNotRegistered>());
  return JsonResponse(200, RegistrationJson(ctx.router.webhooks().Put(std::move(*r), ctx.sandbox.seed()), true));
}

Response View(RouteContext& ctx) {
  const WebhookRegistration* r = ctx.router.webhooks().Find(ctx.caller.partner_tenant_id);
  if (r == nullptr) return ErrorResponse(Error<Err::WebhookNotRegistered>());
  // The view has no SubscriberId ("Partner Center webhooks", View a registration).
  return JsonResponse(200, RegistrationJson(*r, false));
}

Response Remove(RouteContext& ctx) {
  if (!ctx.router.webhooks().Remove(ctx.caller.partner_tenant_id))
    return ErrorResponse(Error<Err::WebhookNotRegistered>());
  Response r;
  r.status = 204;
  r.content_type.clear();
  return r;
}

Response Events(RouteContext&) {
  Json names = Json::array();
  for (std::string_view name : SentWebhookEvents()) names.push_back(name);
  return JsonResponse(200, names);
}

Response SendValidation(RouteContext& ctx) {
  const WebhookRegistration* r = ctx.router.webhooks().Find(ctx.caller.partner_tenant_id);
  if (r == nullptr) return ErrorResponse(Error<Err::WebhookNotRegistered>());
  if (!r->Wants(kTestCreated)) return ErrorResponse(Error<Err::WebhookTestNotRegistered>());
  const Instant now = ctx.sandbox.Now();
  if (ctx.router.webhooks().ValidationsAfter(ctx.caller.partner_tenant_id, now - Duration::Seconds(60)) >=
      kValidationEventsPerMinute) {
    Response refused = ErrorResponse(Error<Err::WebhookValidationThrottled>(kValidationEventsPerMinute));
    refused.SetHeader("Retry-After", "60");
    return refused;
  }
  const ValidationEvent& v = ctx.router.webhooks().AddValidation(ctx.caller.partner_tenant_id, r->url, now,
                                                                 ctx.sandbox.seed());
  WebhookEvent event{ctx.caller.partner_tenant_id,
                     std::string(kTestCreated),
                     r->base_url + "/webhooks/v1/registration/validationEvents/" + v.correlation_id,
                     "test",
                     std::nullopt,
                     now,
                     v.correlation_id};
  ctx.router.QueueWebhook(*r, std::move(event));
  return JsonResponse(200, Json{{"correlationId", v.correlation_id}});
}

// The name .NET gives an HTTP status (HttpStatusCode), as Partner Center's
// results show it ("OK"); the number for others.
std::string ResponseCodeName(int status) {
  switch (status) {
    case 200: return "OK";
    case 201: return "Created";
    case 202: return "Accepted";
    case 204: return "NoContent";
    case 400: return "BadRequest";
    case 401: return "Unauthorized";
    case 403: return "Forbidden";
    case 404: return "NotFound";
    case 405: return "MethodNotAllowed";
    case 408: return "RequestTimeout";
    case 429: return "TooManyRequests";
    case 500: return "InternalServerError";
    case 502: return "BadGateway";
    case 503: return "ServiceUnavailable";
    case 504: return "GatewayTimeout";
    default: return std::to_string(status);
  }
}

// ResponseCode, ResponseMessage, SystemError, DateTimeUtc of one attempt.
// The time is the delivery's simulated instant (the sandbox has no other
// clock), written as Partner Center does: seven digits, no zone.
Json AttemptJson(const WebhookDeliveryRecord& record, const WebhookAttempt& a) {
  Json j = ObjectWithCapacity(4);
  j["responseCode"] = a.status == 0 ? std::string() : ResponseCodeName(a.status);
  j["responseMessage"] = a.error;
  j["systemError"] = a.status == 0;
  std::string at = record.delivery.at.ToStringWith7Fraction();
  if (!at.empty() && at.back() == 'Z') at.pop_back();
  j["dateTimeUtc"] = at;
  return j;
}

Response ValidationStatus(RouteContext& ctx) {
  const ValidationEvent* v =
      ctx.router.webhooks().FindValidation(ctx.params[0], ctx.caller.partner_tenant_id, ctx.sandbox.Now());
  if (v == nullptr) return ErrorResponse(Error<Err::WebhookValidationNotFound>(ctx.params[0].substr(0, 100)));
  auto record = ctx.router.webhook_dispatcher().FindByCorrelation(v->correlation_id);
  Json results = Json::array();
  // "completed" once the attempts are over (delivered or given up);
  // "pending" before: a pcsim word, Partner Center documents no other value.
  std::string status = "completed";
  if (record) {
    for (const WebhookAttempt& a : record->attempts) results.push_back(AttemptJson(*record, a));
    if (record->state == WebhookDeliveryState::Pending) status = "pending";
  }
  Json j = ObjectWithCapacity(5);
  j["correlationId"] = v->correlation_id;
  j["partnerId"] = v->partner_tenant_id;
  j["status"] = status;
  j["callbackUrl"] = v->url;
  j["results"] = std::move(results);
  return JsonResponse(200, std::move(j));
}

// --- /_sim/webhooks ------------------------------------------------------------------

Response Certificate(RouteContext& ctx) {
  auto signer = WebhookSigner::ForSeed(ctx.sandbox.seed());
  if (!signer.ok()) return ErrorResponse(signer.status());
  Response r;
  if (auto format = ctx.request.Query("format"); format && EqualsIgnoreCase(*format, "pem")) {
    r.content_type = "application/x-pem-file";
    r.body = (*signer)->certificate_pem();
  } else if (format && !EqualsIgnoreCase(*format, "der")) {
    return ErrorResponse(Error<Err::ControlInvalidInput>("\"format\" must be der or pem."));
  } else {
    r.content_type = "application/pkix-cert";
    r.body = (*signer)->certificate_der();
  }
  return r;
}

Json HeadersJson(const HeaderList& headers) {
  Json j = Json::object();
  for (const auto& [name, value] : headers) j[name] = value;
  return j;
}

Response Deliveries(RouteContext& ctx) {
  auto partner = ctx.request.Query("partner");
  if (partner && partner->empty())
    return ErrorResponse(Error<Err::ControlInvalidInput>("\"partner\" must name a partner's tenant id."));
  Json items = Json::array();
  for (const WebhookDeliveryRecord& record : ctx.router.webhook_dispatcher().Journal()) {
    const WebhookDelivery& d = record.delivery;
    if (partner && !EqualsIgnoreCase(*partner, d.partner_tenant_id)) continue;
    Json j = ObjectWithCapacity(11);
    j["id"] = d.id;
    j["partner"] = d.partner_tenant_id;
    j["eventName"] = d.event_name;
    j["url"] = d.url;
    j["at"] = d.at.ToString();
    if (!d.correlation_id.empty()) j["correlationId"] = d.correlation_id;
    j["state"] = ToString(record.state);
    j["body"] = d.body;
    j["headers"] = HeadersJson(d.headers);
    Json attempts = Json::array();
    for (const WebhookAttempt& a : record.attempts) {
      Json aj = ObjectWithCapacity(4);
      aj["attempt"] = a.number;
      if (a.status != 0) aj["status"] = a.status;
      if (!a.error.empty()) aj["error"] = a.error;
      aj["afterMs"] = a.after_ms;
      attempts.push_back(std::move(aj));
    }
    j["attempts"] = std::move(attempts);
    items.push_back(std::move(j));
  }
  return JsonResponse(200, Json{{"totalCount", items.size()}, {"items", std::move(items)}});
}

}  // namespace

bool IsWebhookPath(std::string_view path) {
  const std::vector<std::string> segments = SplitPath(path);
  return !segments.empty() && EqualsIgnoreCase(segments[0], "webhooks");
}

void RegisterWebhookRoutes(RouteTable& table) {
  const std::string root = "/webhooks/v1/registration";
  table.Add("POST", root, Create);
  table.Add("GET", root, View);
  table.Add("PUT", root, Update);
  table.Add("DELETE", root, Remove);
  table.Add("GET", root + "/events", Events);
  table.Add("POST", root + "/validationEvents", SendValidation);
  table.Add("GET", root + "/validationEvents/{}", ValidationStatus);
  table.Add("GET", "/_sim/webhooks/certificate", Certificate);
  table.Add("GET", "/_sim/webhooks/deliveries", Deliveries);
}

}  // namespace pcsim::api
