#include "simulator/api/webhooks.h"

#include <algorithm>
#include <cctype>
#include <charconv>

#include "simulator/api/audit_records.h"
#include "simulator/api/control_guard.h"
#include "simulator/model/errors.h"
#include "simulator/model/seeded_random.h"

namespace pcsim::api {
namespace {

// Keys derived from the seed for the ids ("PCSMSubs", "PCSMCorr").
constexpr uint64_t kSubscriberKey = 0x504353'4D5375'6273ULL;
constexpr uint64_t kCorrelationKey = 0x504353'4D436F'7272ULL;

// Every event name "Partner Center webhooks" and "Partner Center webhook
// events" list.
constexpr std::string_view kDocumented[] = {
    "azure-fraud-event-detected",
    "dap-admin-relationship-approved",
    "dap-admin-relationship-terminated",
    "dap-admin-relationship-terminated-by-microsoft",
    "granular-admin-access-assignment-activated",
    "granular-admin-access-assignment-created",
    "granular-admin-access-assignment-deleted",
    "granular-admin-access-assignment-updated",
    "granular-admin-relationship-activated",
    "granular-admin-relationship-approved",
    "granular-admin-relationship-expired",
    "granular-admin-relationship-terminated",
    "indirect-reseller-relationship-accepted-by-customer",
    "invoice-ready",
    "new-commerce-migration-completed",
    "new-commerce-migration-created",
    "new-commerce-migration-failed",
    "new-commerce-migration-schedule-failed",
    "referral-created",
    "referral-updated",
    "related-referral-created",
    "related-referral-updated",
    "reseller-relationship-accepted-by-customer",
    "subscription-updated",
    "test-created",
    "usagerecords-thresholdExceeded",
};

}  // namespace

const std::vector<std::string_view>& SentWebhookEvents() {
  static const std::vector<std::string_view> kSent = {kSubscriptionUpdated, kInvoiceReady, kTestCreated};
  return kSent;
}

std::optional<std::string_view> DocumentedWebhookEvent(std::string_view name) {
  for (std::string_view known : kDocumented)
    if (EqualsIgnoreCase(known, name)) return known;
  return std::nullopt;
}

bool WebhookRegistration::Wants(std::string_view event) const {
  return std::find(events.begin(), events.end(), event) != events.end();
}

const WebhookRegistration* WebhookRegistry::Find(std::string_view partner) const {
  for (const WebhookRegistration& r : registrations_)
    if (r.partner_tenant_id == partner) return &r;
  return nullptr;
}

const WebhookRegistration& WebhookRegistry::Put(WebhookRegistration registration, uint64_t seed) {
  for (WebhookRegistration& r : registrations_) {
    if (r.partner_tenant_id != registration.partner_tenant_id) continue;
    registration.subscriber_id = r.subscriber_id;
    r = std::move(registration);
    return r;
  }
  registration.subscriber_id = GuidFromNumber(seed ^ kSubscriberKey, ++registrations_made_);
  registrations_.push_back(std::move(registration));
  return registrations_.back();
}

bool WebhookRegistry::Remove(std::string_view partner) {
  auto it = std::find_if(registrations_.begin(), registrations_.end(),
                         [&](const WebhookRegistration& r) { return r.partner_tenant_id == partner; });
  if (it == registrations_.end()) return false;
  registrations_.erase(it);
  return true;
}

const ValidationEvent& WebhookRegistry::AddValidation(std::string partner, std::string url, Instant now,
                                                      uint64_t seed) {
  const Instant oldest = now - Duration::Seconds(int64_t{kValidationEventDays} * 86400);
  std::erase_if(validations_, [&](const ValidationEvent& v) { return v.created < oldest; });
  validations_.push_back(ValidationEvent{GuidFromNumber(seed ^ kCorrelationKey, ++validations_made_),
                                         std::move(partner), std::move(url), now});
  return validations_.back();
}

const ValidationEvent* WebhookRegistry::FindValidation(std::string_view id, std::string_view partner,
                                                       Instant now) const {
  const Instant oldest = now - Duration::Seconds(int64_t{kValidationEventDays} * 86400);
  for (const ValidationEvent& v : validations_)
    if (EqualsIgnoreCase(v.correlation_id, id) && v.partner_tenant_id == partner && v.created >= oldest) return &v;
  return nullptr;
}

int WebhookRegistry::ValidationsAfter(std::string_view partner, Instant since) const {
  return static_cast<int>(std::count_if(validations_.begin(), validations_.end(), [&](const ValidationEvent& v) {
    return v.partner_tenant_id == partner && v.created > since;
  }));
}

void WebhookRegistry::Clear() {
  registrations_.clear();
  validations_.clear();
  registrations_made_ = 0;
  validations_made_ = 0;
}

void WebhookRegistry::HashInto(StateHasher& h) const {
  h.Count(registrations_.size());
  for (const WebhookRegistration& r : registrations_) {
    for (const std::string* s : {&r.partner_tenant_id, &r.subscriber_id, &r.url, &r.base_url}) h.Add(*s);
    h.Count(r.events.size());
    for (const std::string& e : r.events) h.Add(e);
    h.Add(r.signature_to_ms_header);
    h.Add(r.last_modified);
  }
  h.Count(validations_.size());
  for (const ValidationEvent& v : validations_) {
    for (const std::string* s : {&v.correlation_id, &v.partner_tenant_id, &v.url}) h.Add(*s);
    h.Add(v.created);
  }
  h.Add(registrations_made_);
  h.Add(validations_made_);
}

Status CheckWebhookUrl(std::string_view url) {
  const std::string shown(url.substr(0, 200));
  size_t scheme_end = url.find("://");
  std::string scheme = scheme_end == std::string_view::npos ? "" : ToLower(url.substr(0, scheme_end));
  if (scheme != "http" && scheme != "https")
    return Error<Err::WebhookUrlInvalid>(shown, "is not an http or https URL");
  std::string_view rest = url.substr(scheme_end + 3);
  std::string_view authority = rest.substr(0, rest.find_first_of("/?#"));
  if (authority.find('@') != std::string_view::npos)
    return Error<Err::WebhookUrlInvalid>(shown, "carries user information");
  for (char c : url)
    if (static_cast<unsigned char>(c) <= 0x20 || static_cast<unsigned char>(c) >= 0x7F)
      return Error<Err::WebhookUrlInvalid>(shown, "has a space, a control character or a byte that is not ASCII");
  std::string_view host = authority, port;
  if (!authority.empty() && authority.front() == '[') {
    size_t close = authority.find(']');
    if (close == std::string_view::npos) return Error<Err::WebhookUrlInvalid>(shown, "has an unclosed [ in its host");
    host = authority.substr(0, close + 1);
    std::string_view after = authority.substr(close + 1);
    if (!after.empty()) {
      if (after.front() != ':') return Error<Err::WebhookUrlInvalid>(shown, "has text after its host");
      port = after.substr(1);
    }
  } else if (size_t colon = authority.find(':'); colon != std::string_view::npos) {
    host = authority.substr(0, colon);
    port = authority.substr(colon + 1);
  }
  if (authority.find(':') != std::string_view::npos && host.front() != '[' && port.empty())
    return Error<Err::WebhookUrlInvalid>(shown, "has an empty port");
  if (!port.empty()) {
    int n = 0;
    auto [end, ec] = std::from_chars(port.data(), port.data() + port.size(), n);
    if (ec != std::errc() || end != port.data() + port.size() || n < 1 || n > 65535 || port.size() > 5)
      return Error<Err::WebhookUrlInvalid>(shown, "has a port that is not a number from 1 to 65535");
  }
  auto name = HostOf(host);
  if (!name || !IsLoopbackHost(*name))
    return Error<Err::WebhookUrlInvalid>(
        shown, "is not on this machine: pcsim calls loopback hosts only (127.0.0.0/8, [::1], localhost)");
  return OkStatus();
}

std::string WebhookBaseUrl(const Request& request) {
  auto host = request.Header("Host");
  if (!host || host->empty() || host->size() > 255) return std::string(kPartnerCenterBaseUrl);
  for (char c : *host)
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '-' || c == ':' || c == '[' || c == ']'))
      return std::string(kPartnerCenterBaseUrl);
  return "http://" + *host;
}

std::string WebhookDate(Instant at) {
  std::string text = at.ToStringWith7Fraction();
  if (!text.empty() && text.back() == 'Z') text.replace(text.size() - 1, 1, "+00:00");
  return text;
}

std::string WebhookBody(const WebhookEvent& event) {
  Json j = ObjectWithCapacity(5);
  j["EventName"] = event.name;
  j["ResourceUri"] = event.resource_uri;
  j["ResourceName"] = event.resource_name;
  j["AuditUri"] = event.audit_uri ? Json(*event.audit_uri) : Json(nullptr);
  j["ResourceChangeUtcDate"] = WebhookDate(event.at);
  return Dump(j);
}

std::optional<std::string> WebhookAuditUri(const Sandbox& sandbox, size_t journal_index, std::string_view base_url) {
  std::string id = AuditRecordId(sandbox, journal_index);
  if (id.empty()) return std::nullopt;
  return std::string(base_url) + "/v1/auditrecords/" + id;
}

namespace {

WebhookEvent SubscriptionEvent(const Sandbox& sandbox, size_t journal_index, uint32_t index,
                               std::string_view base_url) {
  const Subscription& s = sandbox.SubscriptionAt(index);
  const Customer& c = sandbox.CustomerAt(s.customer);
  // The form "Partner Center webhook events" gives, under /webhooks/v1.
  return WebhookEvent{c.partner_tenant_id,
                      std::string(kSubscriptionUpdated),
                      std::string(base_url) + "/webhooks/v1/customers/" + c.id + "/subscriptions/" + s.id,
                      "subscription",
                      WebhookAuditUri(sandbox, journal_index, base_url),
                      sandbox.journal()[journal_index].at,
                      ""};
}

}  // namespace

std::vector<WebhookEvent> WebhookEventsOf(const Sandbox& sandbox, size_t journal_index, std::string_view base_url) {
  const JournalEntry& e = sandbox.journal()[journal_index];
  if (UpdatesSubscription(e.kind) || e.kind == JournalKind::TrialConverted)
    return {SubscriptionEvent(sandbox, journal_index, e.subject, base_url)};
  switch (e.kind) {
    case JournalKind::Upgraded: {
      // The source changes; so does an existing subscription seats move into.
      std::vector<WebhookEvent> events{SubscriptionEvent(sandbox, journal_index, e.subject, base_url)};
      if (e.detail != e.subject && sandbox.SubscriptionAt(e.detail).created < e.at)
        events.push_back(SubscriptionEvent(sandbox, journal_index, e.detail, base_url));
      return events;
    }
    case JournalKind::InvoiceClosed: {
      const Invoice& inv = sandbox.ledger().invoices()[e.subject];
      return {WebhookEvent{inv.partner_tenant_id, std::string(kInvoiceReady),
                           std::string(base_url) + "/v1/invoices/" + inv.id, "invoice",
                           std::nullopt, e.at, ""}};
    }
    default:
      // Customers, orders, purchases and charges: no documented event.
      return {};
  }
}

}  // namespace pcsim::api
