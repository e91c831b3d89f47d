// Partner Center webhooks (docs/webhooks.md): the registrations partners
// make under /webhooks/v1/registration, the validation (test-created) events
// they send, and the events pcsim derives from the sandbox's event journal.
// Pages: "Partner Center webhooks", "Partner Center webhook events".
//
// Registrations and validation events are state, held by the router like the
// Graph exports: made by Write routes, journaled and replayed, in the state
// digest, forgotten by a reset. The deliveries they cause are not state
// (webhook_dispatcher.h).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "simulator/api/http_types.h"
#include "simulator/api/json_support.h"
#include "simulator/clock/time.h"
#include "simulator/commerce/sandbox.h"
#include "simulator/model/state_hasher.h"
#include "simulator/model/status.h"

namespace pcsim::api {

// The event names pcsim sends ("Partner Center webhook events"), in the
// order GET /webhooks/v1/registration/events lists them.
inline constexpr std::string_view kSubscriptionUpdated = "subscription-updated";
inline constexpr std::string_view kInvoiceReady = "invoice-ready";
inline constexpr std::string_view kTestCreated = "test-created";
const std::vector<std::string_view>& SentWebhookEvents();
// Whether `name` is an event Partner Center documents (pcsim accepts a
// registration for it, and sends only SentWebhookEvents()); the canonical
// spelling, or nullopt.
std::optional<std::string_view> DocumentedWebhookEvent(std::string_view name);

// Partner Center makes 10 attempts to deliver an event ("Partner Center webhooks").
inline constexpr int kWebhookAttempts = 10;
// At most 2 validation events per minute ("Partner Center webhooks").
inline constexpr int kValidationEventsPerMinute = 2;
// A validation event's data is deleted seven days after it was created.
inline constexpr int kValidationEventDays = 7;

struct WebhookRegistration {
  std::string partner_tenant_id;
  std::string subscriber_id;  // a GUID
  std::string url;
  std::vector<std::string> events;  // canonical names, as given (no duplicates)
  bool signature_to_ms_header = false;  // SignatureTokenToMsSignatureHeader
  std::string base_url;  // of the API the registration was made through: "http://HOST" or Partner Center's
  Instant last_modified;

  bool Wants(std::string_view event) const;
};

struct ValidationEvent {
  std::string correlation_id;  // a GUID
  std::string partner_tenant_id;
  std::string url;  // the registration's callback URL when it was sent
  Instant created;
};

class WebhookRegistry {
 public:
  const WebhookRegistration* Find(std::string_view partner) const;
  bool empty() const { return registrations_.empty(); }
  // Creates (a new SubscriberId from `seed`) or replaces the partner's
  // registration, keeping its SubscriberId.
  const WebhookRegistration& Put(WebhookRegistration registration, uint64_t seed);
  // False when the partner has none.
  bool Remove(std::string_view partner);
  // A new validation event (its correlation id from `seed`); drops the
  // partner's events older than kValidationEventDays first.
  const ValidationEvent& AddValidation(std::string partner, std::string url, Instant now, uint64_t seed);
  // The partner's validation event `id`, unless it is older than
  // kValidationEventDays at `now`.
  const ValidationEvent* FindValidation(std::string_view id, std::string_view partner, Instant now) const;
  // The partner's validation events created after `since`.
  int ValidationsAfter(std::string_view partner, Instant since) const;
  void Clear();
  void HashInto(StateHasher& h) const;

 private:
  std::vector<WebhookRegistration> registrations_;
  std::vector<ValidationEvent> validations_;
  uint64_t registrations_made_ = 0;
  uint64_t validations_made_ = 0;
};

// Checks a WebhookUrl: http or https, a loopback host (127.0.0.0/8, [::1],
// localhost), an optional port, no user info. A pcsim rule: a sandbox calls
// no one but the machine it runs on.
Status CheckWebhookUrl(std::string_view url);

// The base of the URIs a registration's events carry: "http://HOST" from the
// request's Host header, else Partner Center's own (in-process callers).
inline constexpr std::string_view kPartnerCenterBaseUrl = "https://api.partnercenter.microsoft.com";
std::string WebhookBaseUrl(const Request& request);

// One event, as Partner Center delivers it.
struct WebhookEvent {
  std::string partner_tenant_id;
  std::string name;          // EventName
  std::string resource_uri;  // ResourceUri
  std::string resource_name;
  std::optional<std::string> audit_uri;
  Instant at;  // ResourceChangeUtcDate
  std::string correlation_id;  // test-created only
};

// The event body {"EventName","ResourceUri","ResourceName","AuditUri","ResourceChangeUtcDate"}.
std::string WebhookBody(const WebhookEvent& event);
// ResourceChangeUtcDate as Partner Center writes it: "2026-01-01T00:00:00.0000000+00:00".
std::string WebhookDate(Instant at);

// The events journal entry `e` makes for its partner's registration (the
// caller checks which events it wants); none for kinds that no documented
// event reports. Renewals are subscription-updated: Partner Center documents
// no subscription-renewed event.
std::vector<WebhookEvent> WebhookEventsOf(const Sandbox& sandbox, size_t journal_index, std::string_view base_url);
// The AuditUri of a subscription-updated event: "{base}/v1/auditrecords/{id}"
// of the activity log's record of journal entry `journal_index` (the form of
// the subscription-updated example of "Partner Center webhook events"); null
// when the entry has no record. invoice-ready and test-created carry null, as
// their examples do.
std::optional<std::string> WebhookAuditUri(const Sandbox& sandbox, size_t journal_index, std::string_view base_url);

}  // namespace pcsim::api
