// A Sandbox is one simulated Partner Center: its clock, catalog and policy,
// its customers, orders and subscriptions, the ledger of charge lines and
// invoices, and the event journal. Commands check catalog and policy, change
// the store, schedule timers and hand events to billing; timers call the same
// code. A Sandbox is not thread-safe: the API layer serialises access to it.
// The sections cited below are those of docs/decisions.md.
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "simulator/billing/ledger.h"
#include "simulator/catalog/catalog.h"
#include "simulator/catalog/country_rules.h"
#include "simulator/commerce/azure.h"
#include "simulator/commerce/book.h"
#include "simulator/commerce/charge_derivation.h"
#include "simulator/clock/simulated_clock.h"
#include "simulator/commerce/commerce_types.h"
#include "simulator/model/seeded_random.h"
#include "simulator/model/status.h"
#include "simulator/policy/policy.h"

namespace pcsim {

inline constexpr std::string_view kDefaultPartnerTenantId = "4f6c1a8e-2b7d-4e0f-9a3c-5d8e7f1b2c40";
inline constexpr std::string_view kMcaTemplateId = "117a77b0-9360-443b-8795-c6dedc750cf9";

struct SandboxOptions {
  Instant start = Instant::StartOf(Date::Ymd(2026, 1, 1));
  std::shared_ptr<const Catalog> catalog;  // null: the embedded default
  std::optional<Policy> policy;            // empty: the embedded "microsoft" policy
  Environment environment = Environment::Production;
  uint64_t seed = 1;
  // Each charge line as it is made (an audit totals them as they come).
  std::function<void(const ChargeLine&)> on_charge;
  // false: the event journal keeps no entries, and the lines of a closed
  // billing period are released once invoiced (their invoice totals stay).
  // For a caller that reads only on_charge and the invoices: a book's
  // years of lines then need no memory. Line items, the activity log,
  // webhooks and the digest then see only what is kept.
  bool keep_history = true;
};

struct CustomerSpec {
  std::string partner_tenant_id{kDefaultPartnerTenantId};
  std::string company_name;
  std::string domain;
  std::string email;
  std::string culture = "en-US";
  std::string language = "en";
  std::string organization_registration_number;
  Address address;
  std::string associated_reseller;
  std::string id;  // empty: generated
};

// One line of an order: what a cart line asks for.
struct PurchaseRequest {
  std::string customer_id;
  std::string catalog_item_id;
  int quantity = 0;
  Term term = Term::P1M;
  Billing billing = Billing::Monthly;
  std::string promotion_id;
  std::string reseller_id;
  std::optional<Date> custom_term_end;
  std::string friendly_name;
};

struct UpgradeRequest {
  std::string subscription_id;
  std::string target_catalog_item_id;  // or "productId:skuId"
  std::optional<int> quantity;         // less than the current quantity: a partial upgrade
  std::string into_subscription_id;    // an existing target subscription
};

struct ConvertTrialRequest {
  std::string subscription_id;
  std::string target_catalog_item_id;  // empty: the SKU's conversion target
  std::optional<int> quantity;
  std::optional<Term> term;
  std::optional<Billing> billing;
};

// One PATCH of a subscription, decoded. Partner Center's update takes the
// full resource ("Update a subscription by ID"), so a field left out has a
// meaning of its own: no autoRenewEnabled turns auto-renew off, no
// scheduledNextTermInstructions deletes them, no nextChargeInstructions drops a
// pending billing plan change; scheduledActions left out are kept, and an
// empty list clears them.
struct SubscriptionUpdate {
  std::string subscription_id;
  std::optional<SubscriptionStatus> status;
  std::optional<int64_t> quantity;
  std::optional<bool> auto_renew;
  std::optional<std::string> friendly_name;
  std::optional<Billing> billing;              // billingCycle
  std::optional<Term> term;                    // termDuration: only the current term
  std::optional<Billing> next_charge_billing;  // nextChargeInstructions.product.billingCycle
  // scheduledActions: nullopt when left out; an empty inner optional clears.
  std::optional<std::optional<ScheduledActionRequest>> scheduled_action;
  std::optional<NextTermRequest> next_term;    // scheduledNextTermInstructions
};

// The coupling of auto-renew and a term-end action (docs/decisions.md,
// section 7, "Term-end actions"), the one place it is decided: a Cancel or a
// RenewToExtendedServiceTerm action means auto-renew off, a RenewToNewTerm or
// a Transition at term end means on, and a CustomDate transition leaves it as
// it is (nullopt). Setting an action sets auto-renew so; turning auto-renew on
// drops an action that means off.
std::optional<bool> AutoRenewOf(const ScheduledAction& action);

// What happens at the end of a subscription's current term
// (docs/decisions.md, section 7).
enum class TermEndOutcome : uint8_t {
  kRenew,                // a new term
  kCancel,               // an explicit Cancel: disabled at once (data kept), then deleted
  kDisableSuspended,     // suspended at term end: disabled, then deleted
  kExtendedServiceTerm,  // into a paid Extended Service Term, or its next month
  kGrace,                // the old grace path: expired, disabled, deleted
};
std::string_view ToString(TermEndOutcome o);  // "Renew", "Cancel", "Disable", "EST", "Grace"

// A subscription's term end as decided now: the outcome and, in a line, why.
struct TermEndDecision {
  TermEndOutcome outcome = TermEndOutcome::kGrace;
  std::string cause;
  // For kRenew: the offer, term, billing plan, seats and price of the new term.
  struct Renewal {
    const Offer* offer = nullptr;
    Term term = Term::P1Y;
    Billing billing = Billing::Monthly;
    int quantity = 0;
    std::optional<Date> custom_end;
    std::string promotion_id;  // kept only when the renewal day is in its window
    Decimal price;
  };
  std::optional<Renewal> renewal;
};

// A date a new term may end on instead of its natural end
// (docs/decisions.md, "Coterminosity").
struct AllowedTermEnd {
  Date end;
  bool calendar_month = false;  // the last day of a calendar month
  std::vector<const Subscription*> aligned_with;  // else: the subscriptions it coterms with
};

class Sandbox {
 public:
  explicit Sandbox(SandboxOptions options = {});
  Sandbox(const Sandbox&) = delete;
  Sandbox& operator=(const Sandbox&) = delete;

  // --- state -------------------------------------------------------------
  Instant Now() const { return clock_.Now(); }
  Date Today() const { return clock_.Now().date(); }
  SimulatedClock& clock() { return clock_; }
  const Catalog& catalog() const { return *catalog_; }
  std::shared_ptr<const Catalog> catalog_ptr() const { return catalog_; }
  const Policy& policy() const { return policy_; }
  const CountryRules& country_rules() const { return *country_rules_; }
  Environment environment() const { return environment_; }
  uint64_t seed() const { return seed_; }
  SeededRandom& random() { return random_; }

  const std::vector<std::unique_ptr<Customer>>& customers() const { return customers_; }
  const std::vector<std::unique_ptr<Order>>& orders() const { return orders_; }
  const std::vector<std::unique_ptr<Subscription>>& subscriptions() const { return subscriptions_; }
  const Ledger& ledger() const { return ledger_; }
  const ChunkedVector<JournalEntry>& journal() const { return journal_; }
  // The partner request being served: every journal entry made meanwhile
  // names it (JournalEntry::request), even when it has no MS-RequestId, so
  // that a partner's change is never taken for the system's. The origin is
  // kept only once the request journals something.
  void SetRequest(RequestOrigin origin);
  // No partner request is being served (the clock, a rule, setup).
  void ClearRequest();
  // The request that made `e`, or null when the system did.
  const RequestOrigin* RequestOf(const JournalEntry& e) const {
    return e.request < requests_.size() ? &requests_[e.request] : nullptr;
  }
  std::string_view RequestIdOf(const JournalEntry& e) const {
    const RequestOrigin* r = RequestOf(e);
    return r != nullptr ? std::string_view(r->request_id) : std::string_view();
  }

  const Customer* FindCustomer(std::string_view id) const;
  const Subscription* FindSubscription(std::string_view id) const;
  const Order* FindOrder(std::string_view id) const;
  const Customer& CustomerAt(uint32_t i) const { return *customers_[i]; }
  const Subscription& SubscriptionAt(uint32_t i) const { return *subscriptions_[i]; }
  const Order& OrderAt(uint32_t i) const { return *orders_[i]; }
  // Indexes of a customer's subscriptions, in order of creation.
  const std::vector<uint32_t>& SubscriptionsOf(const Customer& customer) const {
    return subscriptions_of_customer_[customer.index];
  }

  // The termAndBillingCycle text of a line (policy wording).
  std::string TermAndBillingCycleText(const ChargeLine& line) const;
  // How a line's amount was computed: the part of its cycle found from its
  // dates, term and billing, and the amount computed again from it with the
  // policy in force on its order date, as Charge computed it
  // (charge_derivation.h; charge_derivation.cc).
  ChargeDerivation DeriveCharge(const ChargeLine& line) const;
  // DeriveCharge as text: "37.80 / 31 x 29 = 35.3612… -> 35.36; 35.36 x 10 = 353.60 (...)".
  std::string ExplainCharge(const ChargeLine& line) const { return ExplainDerivation(DeriveCharge(line)); }
  // The partner tenant a line is billed to.
  const std::string& PartnerOf(const ChargeLine& line) const;
  // The customer a journal entry concerns (its subscription's, order's or
  // user's customer), or kNoIndex for an invoice; and the partner it belongs
  // to (the customer's, or the invoice's).
  uint32_t CustomerOf(const JournalEntry& e) const;
  const std::string& PartnerOf(const JournalEntry& e) const;

  // A digest of all of the sandbox's state: the clock and its pending timers,
  // the random source, customers, orders, subscriptions, charge lines,
  // invoices, the event journal and the Azure book. Equal digests, equal
  // state; a request that is refused leaves it unchanged.
  uint64_t Digest() const;

  // --- books (book_load.cc) ------------------------------------------------------
  // A new sandbox whose clock starts at the book's asOf, holding the book's
  // customers and subscriptions as they are then: each subscription in the
  // cycle that contains asOf (already paid: no line is charged for it), its
  // next boundary, term end and the 2026 rules scheduled, its scheduled
  // action and next-term instructions checked as a PATCH checks them. All or
  // nothing: 400 800002 naming the record's file:line and the reason for an
  // unknown offer, seats out of range, dates out of order or not around asOf,
  // a duplicate id, or a price the price list cannot supply.
  static StatusOr<std::unique_ptr<Sandbox>> FromBook(const Book& book, SandboxOptions options);

  // --- time ----------------------------------------------------------------
  // Runs every event due up to `target`; returns how many fired.
  uint64_t AdvanceTo(Instant target) { return clock_.AdvanceTo(target); }
  // The same, firing at most `max_events` events (0: no limit). When more are
  // due it stops there and says it is not complete: the book is then
  // part-way, and the caller (the router) restores it.
  SimulatedClock::Advance AdvanceWithin(Instant target, uint64_t max_events) {
    return clock_.AdvanceWithin(target, max_events);
  }

  // --- customers -------------------------------------------------------------
  // Validates the address per country rules (section 10).
  StatusOr<const Customer*> CreateCustomer(const CustomerSpec& spec);
  // Sandbox environment only (403 800019 otherwise); the customer's
  // subscriptions are cancelled without refund lines.
  Status DeleteCustomer(std::string_view customer_id);
  // Records an MCA acceptance (partner attestation). A date in the future
  // is refused. Same contact twice: 409 600061.
  Status RecordAgreement(std::string_view customer_id, const AgreementRecord& agreement);
  Status AddQualification(std::string_view customer_id, const Qualification& qualification);
  // Replaces the billing profile's contact, company name and default address
  // (validated per country rules).
  Status UpdateBillingProfile(std::string_view customer_id, const CustomerSpec& profile);
  // Adds a user account to the customer's tenant (Create user accounts for a
  // customer). `user.id` and the instants are set here. 400 800002 when the
  // user principal name is not NAME@ the customer's domain, is taken by an
  // active user, or a required field (displayName, usageLocation: a
  // two-letter country code) is missing; 404 1000 unknown customer.
  StatusOr<const CustomerUser*> CreateUser(std::string_view customer_id, CustomerUser user);
  // Deletes a user: it becomes inactive with softDeletionTime now (Delete a
  // user account for a customer). 404 60002 unknown or already deleted user.
  Status DeleteUser(std::string_view customer_id, std::string_view user_id);

  // --- purchases -------------------------------------------------------------
  // Checks one order line without changing anything.
  Status ValidatePurchase(const PurchaseRequest& request) const;
  // Creates one order holding one subscription per request (all lines valid,
  // or nothing happens) and charges the first cycle of each. The order is
  // pending until the policy's provisioning delay has passed.
  StatusOr<const Order*> PlaceOrder(const std::vector<PurchaseRequest>& lines);
  // Keeps a pending order pending until `until` instead of its provisioning
  // delay (an order fault injected by /_sim/faults).
  void HoldOrderPending(uint32_t index, Instant until);
  // A single-line order; returns the new subscription.
  StatusOr<const Subscription*> Purchase(const PurchaseRequest& request);

  // --- subscription changes --------------------------------------------------
  // Applies a whole PATCH in one step: every field is validated first, against
  // the subscription as the earlier parts of the same request leave it, and a
  // refused update changes nothing. In order: status (a cancel or suspension
  // may change friendlyName too, and nothing else: any other field that
  // differs is refused with its code, 800095 seats, 800097 billing, 800093
  // auto-renew, 800002 actions and instructions), seats, billing plan, the
  // term-end action (a new action decides auto-renew: Cancel and
  // RenewToExtendedServiceTerm turn it off, RenewToNewTerm turns it on),
  // auto-renew, next-term instructions, friendly name. Codes: those of the
  // single changes below, 20003 unknown subscription, 400019 unknown next-term
  // offer, 800096 a status that can't be set, 800121 another term.
  Status UpdateSubscription(const SubscriptionUpdate& update);
  Status ChangeQuantity(std::string_view subscription_id, int quantity);
  Status Cancel(std::string_view subscription_id);
  Status Suspend(std::string_view subscription_id);
  Status Reactivate(std::string_view subscription_id);
  Status SetAutoRenew(std::string_view subscription_id, bool enabled);
  Status SetFriendlyName(std::string_view subscription_id, std::string name);
  // Sets (or, with nullopt, clears) scheduledNextTermInstructions. Requires
  // auto-renew on.
  Status SetNextTermInstructions(std::string_view subscription_id, std::optional<NextTermInstructions> instructions);
  // Upgrades seats to a higher SKU: in place (all seats), into a new
  // coterminous subscription (some seats), or into an existing one.
  StatusOr<const Subscription*> Upgrade(const UpgradeRequest& request);
  // Changes the billing plan from the next charge cycle boundary.
  Status ChangeBillingPlan(std::string_view subscription_id, Billing billing);
  // Moves to a longer term starting today (never a shorter one: 800122).
  Status ChangeTerm(std::string_view subscription_id, Term term, std::optional<Billing> billing);
  // Converts a trial into the paid offer with a new term starting today.
  StatusOr<const Subscription*> ConvertTrial(const ConvertTrialRequest& request);

  // --- the end-of-term choice and the 2026 calendar (sections 7-9) ----------
  // Sets (or, with nullopt, clears) the subscription's term-end action as the
  // partner asks. From the policy's availability date for the environment.
  // scheduleType CustomDate is for a Transition (upgrade or longer term) on
  // effectiveDate within the current term.
  // Cancel and RenewToExtendedServiceTerm turn auto-renew off,
  // RenewToNewTerm turns it on (its instructions become the next term).
  Status SetScheduledAction(std::string_view subscription_id, std::optional<ScheduledAction> action);
  // Whether scheduledActions are accepted on `day` in this environment.
  bool ScheduledActionsAvailable(Date day) const;
  // Section 7 rule 3 without the action: license-based, not a trial,
  // purchased or last renewed on or after est.eligiblePurchasedFrom, term end
  // on or after the enforcement date, SKU not marked ineligible.
  bool IsEstEligible(const Subscription& sub) const;
  // The offer's part of IsEstEligible: a new-commerce license offer, not a
  // trial, whose SKU is not marked ineligible (the EST price sheet lists these).
  bool IsEstEligibleOffer(const Offer& offer) const;
  // The EST price per seat per month on `day` (section 8), or nullopt when
  // the offer has neither an EST price nor a price to derive one from.
  std::optional<Decimal> EstPrice(const Offer& offer, Date day) const;
  // What happens at the end of the current term if nothing changes, and why:
  // the one decision the term end carries out (OnTermEnd) and the audit
  // download reports. Decided for the day the term end is processed.
  TermEndDecision DecideTermEnd(const Subscription& sub) const;
  // The promotion `promotion_id` if it applies to `offer` bought for `term`
  // on `day` by a customer in `country` (its item, countries, terms and
  // window), else null: the one test of a promotion's validity (purchase,
  // price, renewal, the cart's pricing).
  const Promotion* ApplicablePromotion(std::string_view promotion_id, const Offer& offer, Term term, Date day,
                                       std::string_view country) const;
  // The price per seat per billing period of `offer` for the pair on `day`,
  // lowered by the promotion when it applies (rounded half up to the policy's
  // decimals); nullopt when the offer has no price for the pair.
  std::optional<Decimal> PriceOf(const Offer& offer, Term term, Billing billing, Date day,
                                 std::string_view promotion_id, std::string_view country) const;
  // The dates a term of `term` starting `start` may end on for `customer`:
  // calendar month ends (unless `target` is given) and the end dates of
  // active subscriptions or their yearly anniversaries (only `target`'s when
  // given; never `exclude`'s), inside the term. The one list the
  // customTermEndDates route shows and purchases and next-term instructions
  // are checked against.
  std::vector<AllowedTermEnd> AllowedTermEnds(const Customer& customer, Term term, Date start,
                                              const Subscription* target = nullptr,
                                              const Subscription* exclude = nullptr) const;
  bool IsAllowedTermEnd(const Customer& customer, Term term, Date start, Date end,
                        const Subscription* exclude = nullptr) const;
  // The offer `item` names for a customer in `country`: 404 400019 when no
  // such item exists, 400 800070 when it is not sold there.
  StatusOr<const Offer*> OfferIn(std::string_view item, std::string_view country) const;
  // The instant of a subscription's backfill within the window (seeded).
  Instant BackfillInstant(const Subscription& sub) const;

  // --- the Azure plan and partner earned credit (section 11; azure.cc) --------
  const AzureBook& azure() const { return azure_; }
  // Whether `sub` is an Azure plan (a usage-based subscription without a term).
  static bool IsAzurePlan(const Subscription& sub) { return sub.offer->sku->IsUsageBased(); }
  const AzureEntitlement* FindAzureEntitlement(std::string_view id) const;
  // A new Azure subscription under the active Azure plan `plan_subscription_id`
  // (the sandbox environment allows a few per plan: 400 800018).
  StatusOr<const AzureEntitlement*> AddAzureSubscription(std::string_view plan_subscription_id,
                                                         std::string friendly_name);
  // Cancels (status inactive) or reactivates an Azure subscription.
  Status CancelAzureSubscription(std::string_view entitlement_id);
  Status ReactivateAzureSubscription(std::string_view entitlement_id);
  // The partner's role on the Azure subscription from now on.
  Status SetAzureRole(std::string_view entitlement_id, AzureRole role, AzureAccess via);
  // Adds `quantity` units of `meter_id` consumed on `day` (today or an earlier
  // day of an open billing period, not before the subscription existed).
  Status RecordUsage(std::string_view entitlement_id, std::string_view meter_id, Decimal quantity, Date day);
  // The daily rated usage lines visible now (after the data lag), in order of
  // usage date, entitlement and meter.
  std::vector<UsageLine> UsageLines(const UsageLineFilter& filter) const;
  UsageLine RateUsageLine(const UsageKey& key, const UsageRecord& record) const;
  // The partner tenant and currency a usage line is billed in.
  const std::string& PartnerOf(const UsageLine& line) const;
  const std::string& CurrencyOf(const UsageLine& line) const;

  // --- for the API layer -------------------------------------------------------
  // Resolves an offer for a customer ("productId:skuId:availabilityId" or
  // "productId:skuId", which picks the SKU's first availability).
  const Offer* ResolveOffer(std::string_view item, std::string_view country) const;
  // Seats of the SKU's seat-cap group a customer already holds.
  int SeatsInGroup(const Customer& customer, std::string_view group) const;
  int ActiveSubscriptionsOfSku(const Customer& customer, const Offer& offer) const;

 private:
  // --- the steps of a subscription change -------------------------------------
  // Each change is a Check (or Plan, which also resolves what the change will
  // do) that reads and never writes, and an Apply that writes and cannot fail
  // once its check passed. Commands check every step before applying any, so
  // a refused command changes nothing. The *Effects functions are the part of
  // an Apply that only rewrites the subscription's own fields: a plan runs
  // them on a copy to check its later steps against the state they will meet.
  struct TermChange {  // to a longer term from today, or out of EST
    Term term = Term::P1Y;
    Billing billing = Billing::Monthly;
    Decimal price;
    bool from_est = false;
  };
  struct UpgradeStep {
    const Offer* target = nullptr;
    int quantity = 0;
    uint32_t into = kNoIndex;      // an existing target subscription
    std::optional<TermChange> from_est;  // out of EST: all seats into a new term
    std::optional<Decimal> target_price;
  };
  struct AutoRenewStep {
    bool enabled = false;
    std::optional<TermChange> leave_est;  // turning it on in EST renews today
  };
  struct ActionStep {
    std::optional<ScheduledAction> action;
    // RenewToNewTerm in EST leaves EST today, for the instructions' term or offer.
    std::optional<TermChange> leave_est;
    std::optional<UpgradeStep> leave_est_upgrade;
  };
  struct UpdatePlan;
  class UpdatePlanner;  // PlanUpdate's steps (subscription_update.cc)

  // PlaceOrder's steps, after every line was validated: the pending order,
  // then one subscription per line with its first charge and its timers.
  Order& OpenOrder(const Customer& customer);
  void AddPurchase(Order& order, const Customer& customer, const PurchaseRequest& request);

  Status CheckChangeable(const Subscription& sub, bool allow_suspended) const;
  Status CheckCancel(const Subscription& sub) const;
  void ApplyCancel(Subscription& sub);
  Status CheckSuspend(const Subscription& sub) const;
  void ApplySuspend(Subscription& sub);
  Status CheckReactivate(const Subscription& sub) const;
  void ApplyReactivate(Subscription& sub);
  Status CheckQuantity(const Subscription& sub, int quantity) const;
  void ApplyQuantity(Subscription& sub, int quantity);
  Status CheckBillingPlan(const Subscription& sub, Billing billing) const;
  void ApplyBillingPlan(Subscription& sub, Billing billing);
  Status CheckNextTerm(const Subscription& sub, const std::optional<NextTermInstructions>& instructions) const;
  void ApplyNextTerm(Subscription& sub, std::optional<NextTermInstructions> instructions);
  Status CheckFriendlyName(const Subscription& sub, const std::string& name) const;
  void ApplyFriendlyName(Subscription& sub, std::string name);
  StatusOr<TermChange> PlanTermChange(const Subscription& sub, Term term, std::optional<Billing> billing) const;
  void ApplyTermChange(Subscription& sub, const TermChange& change);
  void TermChangeEffects(Subscription& sub, const TermChange& change) const;
  StatusOr<UpgradeStep> PlanUpgrade(const Subscription& source, const UpgradeRequest& request) const;
  Subscription& ApplyUpgrade(Subscription& source, const UpgradeStep& step);
  // The four ways an upgrade applies (subscription_upgrade.cc).
  Subscription& ApplyUpgradeFromEst(Subscription& source, const UpgradeStep& step);
  Subscription& ApplyUpgradeInto(Subscription& source, Subscription& into, const UpgradeStep& step, uint32_t ref);
  // `left` is the rest of the source's cycle and `share` its part of the cycle.
  Subscription& ApplyUpgradeInPlace(Subscription& source, const UpgradeStep& step, uint32_t ref, Period left,
                                    Fraction share);
  Subscription& ApplyUpgradeToNew(Subscription& source, const UpgradeStep& step, uint32_t ref, Period left,
                                  Fraction share);
  void UpgradeFromEstEffects(Subscription& sub, const UpgradeStep& step) const;
  StatusOr<AutoRenewStep> PlanAutoRenew(const Subscription& sub, bool enabled) const;
  void ApplyAutoRenew(Subscription& sub, const AutoRenewStep& step);
  void AutoRenewEffects(Subscription& sub, const AutoRenewStep& step) const;
  StatusOr<ActionStep> PlanScheduledAction(const Subscription& sub, std::optional<ScheduledAction> action) const;
  void ApplyScheduledAction(Subscription& sub, const ActionStep& step);
  void ScheduledActionEffects(Subscription& sub, const ActionStep& step) const;
  // The instructions a request names, with the subscription's term, billing
  // and seats where it names none (400019 for an unknown offer).
  StatusOr<NextTermInstructions> ResolveNextTerm(const Subscription& sub, const NextTermRequest& request) const;
  StatusOr<std::optional<ScheduledAction>> ResolveAction(const Subscription& sub,
                                                         const std::optional<ScheduledActionRequest>& request) const;
  StatusOr<UpdatePlan> PlanUpdate(const Subscription& sub, const SubscriptionUpdate& update) const;
  void ApplyUpdate(Subscription& sub, const UpdatePlan& plan);

  Subscription* Mutable(std::string_view subscription_id);
  Customer* MutableCustomer(std::string_view customer_id);
  void Journal(JournalKind kind, uint32_t subject, uint32_t detail = 0);
  void Touch(Subscription& sub);

  // Appends one charge line for `sub` at Now().
  // The rounding rule is the type's (RoundingKeyOf).
  uint32_t Charge(const Subscription& sub, const Offer& offer, ChargeType type, uint32_t reference, Period period,
                  Decimal unit_price, Fraction share, int quantity, bool refund, uint8_t extra_flags = 0);
  // The part of the cycle `nominal` from `from` to its end, by the policy's
  // proration (billing.longCycleProration for annual and triennial cycles).
  Fraction Share(const Period& nominal, Billing billing, Date from) const {
    return ShareOf(nominal, billing, from).value;
  }
  CycleShare ShareOf(const Period& nominal, Billing billing, Date from) const;
  // A line's amount for `quantity` seats over `share` of a cycle, with the
  // policy of `today` (the line's order date).
  LineAmount AmountOf(Decimal unit_price, Fraction share, int quantity, ChargeType type, bool refund, Date today) const;

  // Starts a term on `start` (purchase, renewal, conversion): sets the dates
  // and the first cycle, but charges nothing.
  void StartTerm(Subscription& sub, Date start, std::optional<Date> custom_end) const;
  // Schedules the subscription's next boundary (cycle start or term end).
  void ScheduleNextBoundary(Subscription& sub);
  void OnBoundary(Subscription& sub);
  using Renewal = TermEndDecision::Renewal;
  TermEndDecision DecideTermEnd(const Subscription& sub, Date day) const;
  // The new term a renewal on `day` starts, or nullopt when it has no price.
  std::optional<Renewal> PlanRenewal(const Subscription& sub, Date day) const;
  void OnTermEnd(Subscription& sub);
  void Renew(Subscription& sub, const Renewal& renewal);
  void EnterLifecycleState(Subscription& sub, SubscriptionStatus status, int days_until_next,
                           std::optional<SubscriptionStatus> then, int then_days);
  void OnLifecycleTimer(uint32_t index, SubscriptionStatus next, int next_days);
  void ScheduleInvoiceClose(Date month_start);
  void EnterEst(Subscription& sub);
  void ContinueEst(Subscription& sub);
  void ChargeEstMonth(Subscription& sub);
  // Refunds the rest of the current EST month (leaving EST) with `type`.
  void RefundRestOfEstMonth(Subscription& sub, ChargeType type, uint32_t reference);
  void ScheduleBackfill();
  void ScheduleBackfillOf(Subscription& sub);
  void OnBackfill(uint32_t index);
  void OnAutoRenewOffRule(uint32_t index);
  void OnCustomDateAction(uint32_t index, Date when);
  // Sets an action set by a 2026 rule: never replaces a partner's Cancel.
  void SetRuleAction(Subscription& sub, ActionOrigin origin);
  void CloseInvoices(Date month_start);
  void CompleteOrder(uint32_t index);
  Status ValidatePurchaseAgainst(const PurchaseRequest& request, const std::vector<PurchaseRequest>& earlier) const;
  Status CheckCustomTermEnd(const Customer& customer, const PurchaseRequest& request) const;
  Subscription& AddSubscription(std::unique_ptr<Subscription> sub);
  // FromBook's steps: one customer, one subscription of it.
  Status LoadBookCustomer(const Book& book, const BookCustomer& record);
  Status LoadBookSubscription(const Customer& customer, const BookSubscription& record);
  // The Azure plan parts of a purchase and of the period close (azure.cc).
  Status ValidateAzurePlanPurchase(const Customer& customer, const Offer& offer, int quantity,
                                   const std::vector<PurchaseRequest>& earlier) const;
  void CreateAzurePlan(Subscription& plan);
  std::vector<Ledger::BillingGroup> UsageBillingGroups(Date month_start) const;
  void BillUsage(Date month_start, const std::vector<uint32_t>& invoices);

  SimulatedClock clock_;
  std::shared_ptr<const Catalog> catalog_;
  Policy policy_;
  std::shared_ptr<const CountryRules> country_rules_;
  Environment environment_;
  uint64_t seed_;
  SeededRandom random_;

  std::vector<std::unique_ptr<Customer>> customers_;
  std::vector<std::unique_ptr<Order>> orders_;
  std::vector<std::unique_ptr<Subscription>> subscriptions_;
  std::unordered_map<std::string, uint32_t> customer_index_;
  std::unordered_map<std::string, uint32_t> subscription_index_;
  std::unordered_map<std::string, uint32_t> order_index_;
  std::vector<std::vector<uint32_t>> subscriptions_of_customer_;  // by customer index
  std::unordered_map<std::string, uint32_t> live_domains_;
  Ledger ledger_;
  ChunkedVector<JournalEntry> journal_;
  std::vector<RequestOrigin> requests_;  // of journal entries, in order
  uint32_t current_request_ = kNoIndex;
  std::optional<RequestOrigin> pending_request_;  // kept only once the request journals something
  std::function<void(const ChargeLine&)> on_charge_;
  bool keep_history_ = true;
  AzureBook azure_;
};

}  // namespace pcsim
