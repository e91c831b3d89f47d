// Plain value types of the commerce model: customers, orders, subscriptions,
// charge lines, invoices and the event journal. They hold state only; the
// rules that change them live in simulator/commerce and simulator/billing.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "simulator/catalog/catalog.h"
#include "simulator/clock/simulated_clock.h"
#include "simulator/clock/term_dates.h"
#include "simulator/clock/time.h"
#include "simulator/money/decimal.h"

namespace pcsim {

inline constexpr uint32_t kNoIndex = UINT32_MAX;

enum class Environment : uint8_t { Production, Sandbox };
std::string_view ToString(Environment e);  // "production", "sandbox"
std::optional<Environment> ParseEnvironment(std::string_view text);

struct Address {
  std::string first_name, last_name, address_line1, address_line2, address_line3;
  std::string city, state, postal_code, country, region, phone_number;
};

enum class QualificationStatus : uint8_t { Approved, InReview, Denied };
struct Qualification {
  std::string name;  // "Education", "GovernmentCommunityCloud", "Nonprofit", "StateOwnedEntity"
  QualificationStatus status = QualificationStatus::Approved;
  Instant created;
};

struct AgreementRecord {
  std::string template_id;
  std::string type;  // "MicrosoftCustomerAgreement"
  Instant date_agreed;
  std::string first_name, last_name, email, phone_number;
  std::string user_id;
};

// A user account of a customer's tenant (User resources: CustomerUser). A
// deleted user stays, inactive, with the instant of its deletion.
struct CustomerUser {
  std::string id;
  std::string user_principal_name;
  std::string first_name, last_name, display_name;
  std::string usage_location;  // two-letter country code
  std::string immutable_id;
  Instant created;
  std::optional<Instant> deleted;  // softDeletionTime
};

struct Customer {
  uint32_t index = 0;
  std::string id;  // customer tenant id
  std::string commerce_id;
  std::string billing_profile_id;
  std::string partner_tenant_id;
  std::string company_name;
  std::string domain;
  std::string email;
  std::string culture = "en-US";
  std::string language = "en";
  std::string organization_registration_number;
  Address address;  // billing default address; address.country is the market
  std::string associated_reseller;  // indirect reseller id, if any
  std::vector<AgreementRecord> agreements;
  std::vector<Qualification> qualifications;
  std::vector<CustomerUser> users;  // in order of creation
  Instant created;
  uint64_t billing_profile_version = 1;
  bool deleted = false;

  const std::string& country() const { return address.country; }
  // Whether a purchase on `at` has an MCA attestation to rely on.
  bool HasMcaOn(Instant at) const;
  bool HasApprovedQualification(std::string_view name) const;
};

enum class OrderStatus : uint8_t { Pending, Completed, Cancelled };
std::string_view ToString(OrderStatus s);  // "pending", "completed", "cancelled"

struct OrderLine {
  int line_number = 0;
  uint32_t subscription = kNoIndex;
  const Offer* offer = nullptr;
  Term term = Term::P1M;
  Billing billing = Billing::Monthly;
  int quantity = 0;
  std::string friendly_name;
  std::string promotion_id;
  std::string reseller_id;
  std::optional<Date> custom_term_end;
  Decimal unit_price;
};

struct Order {
  uint32_t index = 0;
  std::string id;  // 12 hex digits
  uint32_t customer = kNoIndex;
  Instant created;
  Instant completes_at;  // NCE orders are pending until then
  OrderStatus status = OrderStatus::Pending;
  std::string currency;
  std::vector<OrderLine> lines;
};

enum class SubscriptionStatus : uint8_t { Active, Suspended, Expired, Disabled, Deleted };
std::string_view ToString(SubscriptionStatus s);  // "active", "suspended", ...

enum class ScheduledActionType : uint8_t { Cancel, RenewToNewTerm, RenewToExtendedServiceTerm, Transition };
std::string_view ToString(ScheduledActionType t);
enum class ScheduleType : uint8_t { TermEnd, CustomDate };
std::string_view ToString(ScheduleType t);

// What the next term looks like (scheduledNextTermInstructions).
struct NextTermInstructions {
  const Offer* offer = nullptr;
  Term term = Term::P1Y;
  Billing billing = Billing::Monthly;
  int quantity = 0;
  std::optional<Date> custom_term_end;
  std::string promotion_id;
};

// Who set a scheduled action: the partner, or one of the 2026 rules.
enum class ActionOrigin : uint8_t { Partner, Backfill, AutoRenewOffRule };
std::string_view ToString(ActionOrigin o);  // "partner", "backfill", "autoRenewOffRule"

struct ScheduledAction {
  ScheduleType schedule = ScheduleType::TermEnd;
  ScheduledActionType action = ScheduledActionType::Cancel;
  std::optional<Date> effective_date;
  std::optional<NextTermInstructions> instructions;
  ActionOrigin origin = ActionOrigin::Partner;
};

// Next-term instructions as a request names them (scheduledNextTermInstructions):
// catalog ids, and what it leaves to the subscription (term, billing, seats).
struct NextTermRequest {
  std::string product_id, sku_id, availability_id;
  std::optional<Term> term;
  std::optional<Billing> billing;
  std::optional<int64_t> quantity;
  std::string promotion_id;
  std::optional<Date> custom_term_end;
};

// One entry of scheduledActions as a request names it.
struct ScheduledActionRequest {
  ScheduleType schedule = ScheduleType::TermEnd;
  ScheduledActionType action = ScheduledActionType::Cancel;
  std::optional<Date> effective_date;
  std::optional<NextTermRequest> instructions;
};

// Seats that may still be removed for a refund until `refundable_until`.
struct SeatBatch {
  int quantity = 0;
  Instant refundable_until;
};

struct alignas(64) Subscription {
  // The fields a charge cycle boundary reads come first, in the first two
  // cache lines: a large book's boundaries fire in an order unrelated to
  // where their subscriptions live, so each one starts with a memory fetch
  // (the clock prefetches these lines; see ScheduleNextBoundary).
  uint32_t index = 0;
  uint32_t customer = kNoIndex;
  uint32_t order = kNoIndex;
  int quantity = 0;
  const Offer* offer = nullptr;
  Term term = Term::P1M;
  Billing billing = Billing::Monthly;
  bool is_trial = false;
  SubscriptionStatus status = SubscriptionStatus::Active;
  bool auto_renew = true;
  // In an Extended Service Term (docs/decisions.md, section 8): the
  // current term and cycle are then the EST month, billed at the EST price;
  // the term and billing before EST are kept for a renewal out of EST.
  bool in_est = false;
  Term pre_est_term = Term::P1Y;
  Billing pre_est_billing = Billing::Monthly;

  // The current term and its charge cycles.
  Date term_start;
  Date term_end;  // inclusive
  Date cycle_anchor;
  Period cycle;  // the current charge cycle, as billed (clipped to the term)
  int cycle_index = 0;  // its index in Calendar()
  std::optional<Date> custom_term_end;
  std::optional<Billing> pending_billing;  // a billing plan change at the next cycle boundary
  // Locked unit price per billing period for this term and billing plan.
  Decimal unit_price;
  TimerId next_timer = 0;
  std::string promotion_id;
  uint64_t version = 1;  // bumps on every change (ETag)
  Instant last_updated;

  std::string id;
  std::string reseller_id;  // partnerId of the indirect reseller, or empty
  std::string friendly_name;
  Instant created;
  // Start of the cancellation window: the purchase or the last renewal.
  Instant window_start;

  std::vector<SeatBatch> refundable;
  std::optional<NextTermInstructions> next_term;
  std::optional<ScheduledAction> scheduled_action;
  Date est_start;
  TimerId auto_renew_rule_timer = 0;  // the pending 24-hour rule, if any
  // Why the subscription left `active` at term end, if it did.
  std::optional<Instant> status_changed_at;
  std::optional<Date> deletion_date;  // for expired/disabled subscriptions

  // The bytes ScheduleNextBoundary asks the clock to prefetch.
  static constexpr uint32_t kHotBytes = 128;

  CycleCalendar Calendar() const;
  int RefundableQuantity(Instant now) const;
};

enum class ChargeType : uint8_t {
  New,
  Renew,
  CycleCharge,
  AddQuantity,
  RemoveQuantity,
  MoveQuantity,
  CancelImmediate,
  Convert,
  ChangeBillingPlan,
  CustomerCredit,
  ExtendTerm,
};
std::string_view ToString(ChargeType t);  // reconciliation spelling: "new", "cycleCharge", ...
std::optional<ChargeType> ParseChargeType(std::string_view text);  // case-insensitive

enum ChargeLineFlags : uint8_t {
  kLineTrial = 1,                 // productQualifiers ["Trial"]
  kLineAddOn = 2,                 // productQualifiers ["AddOn"]
  kLineExtendedServiceTerm = 4,   // an EST charge
  kLineRefund = 8,                // a refund (also when its amount is zero, as a trial's)
};

// One reconciliation line (Get invoice line items). Fields that the
// catalog, the customer or the subscription already hold are referenced, not
// copied; the API renders the full line. A large book holds tens of millions
// of lines, so the fields are ordered to leave no padding (88 bytes).
struct ChargeLine {
  Instant order_date;
  uint32_t subscription = kNoIndex;
  uint32_t customer = kNoIndex;
  uint32_t offer = kNoIndex;   // Catalog::OfferAt
  uint32_t order = kNoIndex;
  uint32_t invoice = kNoIndex; // kNoIndex while unbilled
  uint32_t promotion = kNoIndex;  // index into the catalog's promotions
  // Events share it; rendered as a GUID. 32 bits, as line indexes are: a
  // ledger holds fewer than 2^32 lines, and each event charges at least one.
  uint32_t reference = 0;
  Date charge_start, charge_end;
  Date subscription_start, subscription_end;
  int32_t quantity = 0;
  PackedDecimal unit_price;
  PackedDecimal effective_unit_price;  // rounded for display (policy decimals)
  PackedDecimal total;
  ChargeType charge_type = ChargeType::New;
  Term term = Term::P1M;
  Billing billing = Billing::Monthly;
  uint8_t flags = 0;
};
static_assert(sizeof(ChargeLine) == 88, "a charge line has no padding; keep it so");

struct Invoice {
  uint32_t index = 0;
  std::string id;  // "G" + 9 digits
  std::string partner_tenant_id;
  std::string currency;
  Date period_start, period_end;  // the calendar month
  Instant invoice_date;
  Decimal total;
  std::vector<uint32_t> lines;
};

enum class JournalKind : uint8_t {
  CustomerCreated,
  AgreementAttested,
  QualificationAdded,
  OrderCreated,
  OrderCompleted,
  Purchased,
  QuantityChanged,
  Cancelled,
  Suspended,
  Reactivated,
  AutoRenewChanged,
  NextTermScheduled,
  ScheduledActionSet,
  Upgraded,
  BillingPlanChangeScheduled,
  BillingPlanChanged,
  TermChanged,
  TrialConverted,
  Renewed,
  CycleStarted,
  Expired,
  Disabled,
  Deleted,
  ExtendedServiceTermStarted,
  Charged,
  InvoiceClosed,
  UserCreated,  // subject: the customer; detail: the user's index in Customer::users
  UserDeleted,
};
std::string_view ToString(JournalKind k);  // "purchased", "charged", ...
// Whether an entry of kind `k` changes a subscription's own fields (seats,
// status, auto-renew, term-end action, next-term instructions, billing plan,
// term, a renewal or a lifecycle step): the activity log's
// update_subscription and a webhook's subscription-updated.
bool UpdatesSubscription(JournalKind k);

// One entry of the event journal. `subject` is a subscription index, a
// customer index (customer and agreement kinds), an order index (order kinds)
// or an invoice index (InvoiceClosed); `detail` depends on the kind (the
// charge line index for Charged, the new quantity for QuantityChanged, ...).
// ScheduledActionSet's detail is ScheduledActionDetail: the action type
// (0 when an action was removed) and who set it.
// `request` indexes the request origins the sandbox keeps (one per partner
// request that journaled something, not one per entry): the partner request
// whose handling made the entry, or kNoIndex (the clock, a rule, setup).
struct JournalEntry {
  Instant at;
  uint32_t subject = kNoIndex;
  uint32_t detail = 0;
  JournalKind kind = JournalKind::Purchased;
  uint32_t request = kNoIndex;
};

// Who made a partner request, as the activity log names it: its
// MS-RequestId and MS-CorrelationId, and the caller's application id and user
// principal name (each empty when unknown). Kept once per request.
struct RequestOrigin {
  std::string request_id;
  std::string correlation_id;
  std::string application_id;
  std::string user_principal_name;
};

uint32_t ScheduledActionDetail(const ScheduledAction* action);
std::optional<ScheduledActionType> ScheduledActionOfDetail(uint32_t detail);
ActionOrigin ActionOriginOfDetail(uint32_t detail);

}  // namespace pcsim
