// Mid-term changes of a subscription: seats, cancellation, suspension,
// auto-renew, next-term instructions, billing plan, term and trial
// conversion (upgrades: subscription_upgrade.cc) (docs/decisions.md, sections 4 and 6). Each change is a
// check that only reads and an apply that cannot fail (sandbox.h, "the steps
// of a subscription change"); the public commands run one of each.
#include <algorithm>

#include "simulator/model/errors.h"
#include "simulator/commerce/sandbox.h"
#include "simulator/commerce/subscription_support.h"

namespace pcsim {

using commerce_internal::ConsumeBatches;
using commerce_internal::NominalCycle;
using commerce_internal::SubscriptionNotFound;

Status Sandbox::CheckChangeable(const Subscription& sub, bool allow_suspended) const {
  if (IsAzurePlan(sub))
    return Error<Err::InvalidInput>("subscription " + sub.id + " is an Azure plan; it has no seats, term or billing plan to change (manage its Azure "
                                  "subscriptions through azureEntitlements).");
  switch (sub.status) {
    case SubscriptionStatus::Active: return OkStatus();
    case SubscriptionStatus::Suspended:
      if (allow_suspended) return OkStatus();
      return Error<Err::SuspendedNoUpdate>();
    case SubscriptionStatus::Deleted:
      return Error<Err::SubscriptionDeleted>(sub.id);
    case SubscriptionStatus::Expired:
    case SubscriptionStatus::Disabled:
      return Error<Err::SubscriptionExpiring>(sub.id);
  }
  return OkStatus();
}

// --- seats ---------------------------------------------------------------------

Status Sandbox::CheckQuantity(const Subscription& sub, int quantity) const {
  if (sub.status == SubscriptionStatus::Suspended)
    return Error<Err::SuspendedNoQuantity>();
  PCSIM_RETURN_IF_ERROR(CheckChangeable(sub, false));
  const Sku& sku = *sub.offer->sku;
  const Date today = Today();
  if (quantity == sub.quantity) return OkStatus();
  if (sub.in_est)
    return Error<Err::EstNoSeatChange>();
  if (quantity < sku.minimum_quantity || quantity < 1)
    return Error<Err::QuantityOutOfRange>(std::to_string(quantity), std::to_string(sku.minimum_quantity), std::to_string(sku.maximum_quantity));
  if (quantity > sku.maximum_quantity)
    return Error<Err::MaxSeats>(std::to_string(quantity), std::to_string(sku.maximum_quantity));
  int delta = quantity - sub.quantity;
  if (delta > 0) {
    if (environment_ == Environment::Sandbox && policy_.Bool(PolicyKey::kSandboxEnforceQuotas, today) &&
        quantity > policy_.Int(PolicyKey::kSandboxMaxSeatsPerSubscription, today))
      return Error<Err::SandboxLicenses>(std::to_string(policy_.Int(PolicyKey::kSandboxMaxSeatsPerSubscription, today)));
    if (!sku.seat_cap_group.empty()) {
      const Customer& customer = *customers_[sub.customer];
      int cap = catalog_->SeatCap(sku.seat_cap_group).value_or(INT32_MAX);
      int remaining = cap - SeatsInGroup(customer, sku.seat_cap_group);
      if (delta > remaining)
        return Error<Err::SeatLimitPerItem>(std::to_string(delta), std::to_string(std::max(remaining, 0)), sub.offer->catalog_item_id);
    }
  } else if (-delta > sub.RefundableQuantity(Now())) {
    return Error<Err::QuantityNotDecreasable>();
  }
  return OkStatus();
}

void Sandbox::ApplyQuantity(Subscription& sub, int quantity) {
  if (quantity == sub.quantity) return;
  const Date today = Today();
  int delta = quantity - sub.quantity;
  Period nominal = NominalCycle(sub);
  Period period{today, sub.cycle.end};
  Fraction share = Share(nominal, sub.billing, today);
  ChargeType type = delta > 0 ? ChargeType::AddQuantity : ChargeType::RemoveQuantity;
  uint32_t ref = ledger_.NewReference();
  Charge(sub, *sub.offer, type, ref, period, sub.unit_price, share, sub.quantity, true);
  Charge(sub, *sub.offer, type, ref, period, sub.unit_price, share, quantity, false);
  if (delta > 0) {
    sub.refundable.push_back({delta, Now() + Duration::Hours(policy_.Int(PolicyKey::kSeatReductionWindowHours, today))});
  } else {
    ConsumeBatches(sub, -delta);
  }
  sub.quantity = quantity;
  sub.next_term.reset();  // any mid-term change deletes scheduled changes
  Touch(sub);
  Journal(JournalKind::QuantityChanged, sub.index, static_cast<uint32_t>(quantity));
}

Status Sandbox::ChangeQuantity(std::string_view subscription_id, int quantity) {
  Subscription* sub = Mutable(subscription_id);
  if (sub == nullptr) return SubscriptionNotFound(subscription_id);
  PCSIM_RETURN_IF_ERROR(CheckQuantity(*sub, quantity));
  ApplyQuantity(*sub, quantity);
  return OkStatus();
}

// --- cancel, suspend, reactivate -------------------------------------------------

Status Sandbox::CheckCancel(const Subscription& sub) const {
  PCSIM_RETURN_IF_ERROR(CheckChangeable(sub, true));
  if (sub.in_est) return OkStatus();  // an EST can be cancelled any time (section 8)
  int64_t window_hours = policy_.Int(PolicyKey::kCancellationWindowHours, Today());
  if (Now() - sub.window_start > Duration::Hours(window_hours))
    return Error<Err::CancellationWindowPassed>(std::to_string(window_hours / 24));
  return OkStatus();
}

void Sandbox::ApplyCancel(Subscription& sub) {
  const Date today = Today();
  if (sub.in_est) {
    // Refunded by days (section 8).
    RefundRestOfEstMonth(sub, ChargeType::CancelImmediate, ledger_.NewReference());
    clock_.Cancel(sub.next_timer);
    sub.status = SubscriptionStatus::Deleted;
    sub.status_changed_at = Now();
    sub.in_est = false;
    sub.scheduled_action.reset();
    Touch(sub);
    Journal(JournalKind::Cancelled, sub.index);
    return;
  }
  Duration elapsed = Now() - sub.window_start;
  Period nominal = NominalCycle(sub);
  bool full = elapsed <= Duration::Hours(policy_.Int(PolicyKey::kFullRefundHours, today));
  Period period = full ? sub.cycle : Period{today, sub.cycle.end};
  Fraction share = Share(nominal, sub.billing, period.start);
  Charge(sub, *sub.offer, ChargeType::CancelImmediate, ledger_.NewReference(), period, sub.unit_price, share,
         sub.quantity, true);
  clock_.Cancel(sub.next_timer);
  sub.status = SubscriptionStatus::Deleted;
  sub.status_changed_at = Now();
  sub.auto_renew = false;
  sub.refundable.clear();
  sub.next_term.reset();
  sub.scheduled_action.reset();
  sub.pending_billing.reset();
  Touch(sub);
  Journal(JournalKind::Cancelled, sub.index);
}

Status Sandbox::Cancel(std::string_view subscription_id) {
  Subscription* sub = Mutable(subscription_id);
  if (sub == nullptr) return SubscriptionNotFound(subscription_id);
  PCSIM_RETURN_IF_ERROR(CheckCancel(*sub));
  ApplyCancel(*sub);
  return OkStatus();
}

Status Sandbox::CheckSuspend(const Subscription& sub) const {
  if (sub.status == SubscriptionStatus::Suspended) return OkStatus();
  return CheckChangeable(sub, false);
}

void Sandbox::ApplySuspend(Subscription& sub) {
  if (sub.status == SubscriptionStatus::Suspended) return;
  // Suspension keeps billing, turns auto-renew off and drops scheduled
  // changes other than a billing plan change (Subscription lifecycle).
  sub.status = SubscriptionStatus::Suspended;
  sub.status_changed_at = Now();
  sub.auto_renew = false;
  sub.next_term.reset();
  sub.scheduled_action.reset();
  ScheduleBackfillOf(sub);  // auto-renew is now off: the backfill applies (inside its window)
  Touch(sub);
  Journal(JournalKind::Suspended, sub.index);
}

Status Sandbox::Suspend(std::string_view subscription_id) {
  Subscription* sub = Mutable(subscription_id);
  if (sub == nullptr) return SubscriptionNotFound(subscription_id);
  PCSIM_RETURN_IF_ERROR(CheckSuspend(*sub));
  ApplySuspend(*sub);
  return OkStatus();
}

Status Sandbox::CheckReactivate(const Subscription& sub) const {
  if (sub.status == SubscriptionStatus::Active || sub.status == SubscriptionStatus::Suspended) return OkStatus();
  return CheckChangeable(sub, false);
}

void Sandbox::ApplyReactivate(Subscription& sub) {
  if (sub.status == SubscriptionStatus::Active) return;
  sub.status = SubscriptionStatus::Active;
  sub.status_changed_at = Now();
  Touch(sub);
  Journal(JournalKind::Reactivated, sub.index);
}

Status Sandbox::Reactivate(std::string_view subscription_id) {
  Subscription* sub = Mutable(subscription_id);
  if (sub == nullptr) return SubscriptionNotFound(subscription_id);
  PCSIM_RETURN_IF_ERROR(CheckReactivate(*sub));
  ApplyReactivate(*sub);
  return OkStatus();
}

// --- auto-renew ----------------------------------------------------------------

StatusOr<Sandbox::AutoRenewStep> Sandbox::PlanAutoRenew(const Subscription& sub, bool enabled) const {
  PCSIM_RETURN_IF_ERROR(CheckChangeable(sub, false));
  AutoRenewStep step;
  step.enabled = enabled;
  if (enabled && !sub.auto_renew && sub.in_est) {
    // Renewing out of EST starts the new term today (section 8).
    auto change = PlanTermChange(sub, sub.pre_est_term, sub.pre_est_billing);
    if (!change.ok()) return change.status();
    step.leave_est = *change;
  }
  return step;
}

void Sandbox::AutoRenewEffects(Subscription& sub, const AutoRenewStep& step) const {
  if (sub.auto_renew == step.enabled) return;
  sub.auto_renew = step.enabled;
  if (step.leave_est) {
    sub.scheduled_action.reset();
    TermChangeEffects(sub, *step.leave_est);
    return;
  }
  if (!step.enabled) sub.next_term.reset();  // turning auto-renew off deletes scheduled changes
  if (step.enabled && sub.scheduled_action && AutoRenewOf(*sub.scheduled_action) == false)
    sub.scheduled_action.reset();  // renewing replaces a cancel or EST at term end
}

void Sandbox::ApplyAutoRenew(Subscription& sub, const AutoRenewStep& step) {
  if (sub.auto_renew == step.enabled) return;
  if (step.leave_est) {
    sub.auto_renew = true;
    sub.scheduled_action.reset();
    Journal(JournalKind::AutoRenewChanged, sub.index, 1);
    ApplyTermChange(sub, *step.leave_est);
    return;
  }
  const bool enabled = step.enabled;
  AutoRenewEffects(sub, step);
  if (enabled) clock_.Cancel(sub.auto_renew_rule_timer);
  const Date today = Today();
  // The 24-hour rule (section 9): auto-renew turned off without a Cancel
  // becomes an EST action a day later unless a Cancel arrives first.
  if (!enabled && today >= policy_.DateOf(PolicyKey::kAutoRenewOffRuleFrom) && IsEstEligible(sub) &&
      !(sub.scheduled_action && sub.scheduled_action->action == ScheduledActionType::Cancel)) {
    clock_.Cancel(sub.auto_renew_rule_timer);
    uint32_t index = sub.index;
    sub.auto_renew_rule_timer =
        clock_.Schedule(Now() + Duration::Hours(policy_.Int(PolicyKey::kAutoRenewOffRuleDelayHours, today)),
                        [this, index] { OnAutoRenewOffRule(index); });
  }
  if (!enabled) ScheduleBackfillOf(sub);  // inside the backfill window only
  Touch(sub);
  Journal(JournalKind::AutoRenewChanged, sub.index, enabled ? 1 : 0);
}

Status Sandbox::SetAutoRenew(std::string_view subscription_id, bool enabled) {
  Subscription* sub = Mutable(subscription_id);
  if (sub == nullptr) return SubscriptionNotFound(subscription_id);
  auto step = PlanAutoRenew(*sub, enabled);
  if (!step.ok()) return step.status();
  ApplyAutoRenew(*sub, *step);
  return OkStatus();
}

// --- friendly name and next-term instructions ----------------------------------------

Status Sandbox::CheckFriendlyName(const Subscription& sub, const std::string& name) const {
  if (sub.status == SubscriptionStatus::Deleted) PCSIM_RETURN_IF_ERROR(CheckChangeable(sub, true));
  if (name.size() > 256) return Error<Err::InvalidInput>("friendlyName is longer than 256 characters.");
  return OkStatus();
}

void Sandbox::ApplyFriendlyName(Subscription& sub, std::string name) {
  if (sub.friendly_name == name) return;
  sub.friendly_name = std::move(name);
  Touch(sub);
}

Status Sandbox::SetFriendlyName(std::string_view subscription_id, std::string name) {
  Subscription* sub = Mutable(subscription_id);
  if (sub == nullptr) return SubscriptionNotFound(subscription_id);
  PCSIM_RETURN_IF_ERROR(CheckFriendlyName(*sub, name));
  ApplyFriendlyName(*sub, std::move(name));
  return OkStatus();
}

Status Sandbox::CheckNextTerm(const Subscription& sub, const std::optional<NextTermInstructions>& instructions) const {
  PCSIM_RETURN_IF_ERROR(CheckChangeable(sub, false));
  if (!instructions) return OkStatus();
  if (!sub.auto_renew)
    return Error<Err::ScheduledNeedsAutoRenew>();
  const NextTermInstructions& next = *instructions;
  if (next.offer == nullptr) return Error<Err::NextTermAvailabilityNotFound>();
  const Date renewal = sub.term_end.AddDays(1);
  if (!IsValidPair(next.term, next.billing) ||
      !(catalog_->PriceAt(*next.offer, next.term, next.billing, renewal) ||
        catalog_->PriceAt(*next.offer, next.term, next.billing, Today())))
    return Error<Err::TermBillingNotAvailable>(std::string(ToString(next.term)), std::string(ToString(next.billing)), next.offer->catalog_item_id);
  const Sku& sku = *next.offer->sku;
  if (next.quantity < sku.minimum_quantity || next.quantity > sku.maximum_quantity)
    return Error<Err::QuantityNotAllowed>(std::to_string(next.quantity));
  if (next.offer->sku != sub.offer->sku) {
    const auto& targets = sub.offer->sku->upgrade_targets;
    if (std::find(targets.begin(), targets.end(), next.offer->ProductSkuId()) == targets.end())
      return Error<Err::NotAScheduledTarget>(next.offer->ProductSkuId(), sub.offer->ProductSkuId());
  }
  if (next.custom_term_end) {
    Date natural = TermEndDate(renewal, next.term);
    if (*next.custom_term_end <= renewal || *next.custom_term_end > natural)
      return Error<Err::NextTermEndOutside>();
    if (!IsAllowedTermEnd(*customers_[sub.customer], next.term, renewal, *next.custom_term_end, &sub))
      return Error<Err::NextTermEndNotAligned>();
  }
  return OkStatus();
}

void Sandbox::ApplyNextTerm(Subscription& sub, std::optional<NextTermInstructions> instructions) {
  if (!instructions) {
    if (sub.next_term) {
      sub.next_term.reset();
      Touch(sub);
      Journal(JournalKind::NextTermScheduled, sub.index, 0);
    }
    return;
  }
  sub.next_term = std::move(instructions);
  Touch(sub);
  Journal(JournalKind::NextTermScheduled, sub.index, 1);
}

Status Sandbox::SetNextTermInstructions(std::string_view subscription_id,
                                        std::optional<NextTermInstructions> instructions) {
  Subscription* sub = Mutable(subscription_id);
  if (sub == nullptr) return SubscriptionNotFound(subscription_id);
  PCSIM_RETURN_IF_ERROR(CheckNextTerm(*sub, instructions));
  ApplyNextTerm(*sub, std::move(instructions));
  return OkStatus();
}

// --- upgrades ----------------------------------------------------------------------

Status Sandbox::CheckBillingPlan(const Subscription& sub, Billing billing) const {
  PCSIM_RETURN_IF_ERROR(CheckChangeable(sub, false));
  const Date today = Today();
  if (billing == sub.billing) return OkStatus();
  if (sub.in_est)
    return Error<Err::EstNoBillingChange>();
  if (!IsValidPair(sub.term, billing))
    return Error<Err::TermNotBillable>(std::string(ToString(sub.term)), std::string(ToString(billing)));
  if (sub.term == Term::P3Y && !policy_.Bool(PolicyKey::kTriennialMidTermBillingChangeAllowed, today))
    return Error<Err::TriennialBillingMidTerm>();
  if (BillingMonths(sub.billing) >= TermMonths(sub.term))
    return Error<Err::UpfrontBillingMidTerm>();
  if (!catalog_->PriceAt(*sub.offer, sub.term, billing, sub.term_start) &&
      !catalog_->PriceAt(*sub.offer, sub.term, billing, today))
    return Error<Err::BillingNotAvailable>(std::string(ToString(billing)), sub.offer->catalog_item_id);
  return OkStatus();
}

void Sandbox::ApplyBillingPlan(Subscription& sub, Billing billing) {
  if (billing == sub.billing) {
    if (sub.pending_billing) {
      sub.pending_billing.reset();
      Touch(sub);
    }
    return;
  }
  sub.pending_billing = billing;
  Touch(sub);
  Journal(JournalKind::BillingPlanChangeScheduled, sub.index);
}

Status Sandbox::ChangeBillingPlan(std::string_view subscription_id, Billing billing) {
  Subscription* sub = Mutable(subscription_id);
  if (sub == nullptr) return SubscriptionNotFound(subscription_id);
  PCSIM_RETURN_IF_ERROR(CheckBillingPlan(*sub, billing));
  ApplyBillingPlan(*sub, billing);
  return OkStatus();
}

StatusOr<Sandbox::TermChange> Sandbox::PlanTermChange(const Subscription& sub, Term term,
                                                      std::optional<Billing> billing) const {
  PCSIM_RETURN_IF_ERROR(CheckChangeable(sub, false));
  if (sub.is_trial) return Error<Err::TrialNoTermChange>();
  // From EST any term starts anew (section 8); otherwise only a longer one.
  TermChange change;
  change.from_est = sub.in_est;
  if (!change.from_est) {
    if (TermMonths(term) < TermMonths(sub.term))
      return Error<Err::TermShorter>(std::string(ToString(term)), std::string(ToString(sub.term)));
    if (term == sub.term)
      return Error<Err::TermUnchanged>(std::string(ToString(term)));
  }
  const Billing current_billing = change.from_est ? sub.pre_est_billing : sub.billing;
  change.term = term;
  change.billing = billing.value_or(IsValidPair(term, current_billing) ? current_billing : Billing::Monthly);
  auto price = IsValidPair(term, change.billing) ? catalog_->PriceAt(*sub.offer, term, change.billing, Today())
                                                 : std::nullopt;
  if (!price)
    return Error<Err::TermBillingNotAvailable>(std::string(ToString(term)), std::string(ToString(change.billing)), sub.offer->catalog_item_id);
  change.price = *price;
  return change;
}

void Sandbox::TermChangeEffects(Subscription& sub, const TermChange& change) const {
  sub.in_est = false;
  sub.term = change.term;
  sub.billing = change.billing;
  sub.unit_price = change.price;
  sub.promotion_id.clear();
  if (change.from_est) {
    sub.auto_renew = true;
    sub.scheduled_action.reset();
    sub.refundable.clear();
  }
  StartTerm(sub, Today(), std::nullopt);
  sub.window_start = Now();
  sub.pending_billing.reset();
  sub.next_term.reset();
}

void Sandbox::ApplyTermChange(Subscription& sub, const TermChange& change) {
  // A convert refund of the rest of the current cycle (or EST month), then a
  // convert charge for the first cycle of the new term starting today.
  const Date today = Today();
  uint32_t ref = ledger_.NewReference();
  if (change.from_est) {
    RefundRestOfEstMonth(sub, ChargeType::Convert, ref);
  } else {
    Charge(sub, *sub.offer, ChargeType::Convert, ref, Period{today, sub.cycle.end}, sub.unit_price,
           Share(NominalCycle(sub), sub.billing, today), sub.quantity, true);
  }
  clock_.Cancel(sub.next_timer);
  TermChangeEffects(sub, change);
  Touch(sub);
  Journal(JournalKind::TermChanged, sub.index);
  Charge(sub, *sub.offer, ChargeType::Convert, ref, sub.cycle, sub.unit_price, Fraction::Whole(), sub.quantity, false);
  ScheduleNextBoundary(sub);
}

Status Sandbox::ChangeTerm(std::string_view subscription_id, Term term, std::optional<Billing> billing) {
  Subscription* sub = Mutable(subscription_id);
  if (sub == nullptr) return SubscriptionNotFound(subscription_id);
  auto change = PlanTermChange(*sub, term, billing);
  if (!change.ok()) return change.status();
  ApplyTermChange(*sub, *change);
  return OkStatus();
}

// --- trials ---------------------------------------------------------------------------

StatusOr<const Subscription*> Sandbox::ConvertTrial(const ConvertTrialRequest& request) {
  Subscription* sub = Mutable(request.subscription_id);
  if (sub == nullptr) return SubscriptionNotFound(request.subscription_id);
  // Every check comes before the first change.
  PCSIM_RETURN_IF_ERROR(CheckChangeable(*sub, false));
  if (!sub->is_trial) return Error<Err::InvalidInput>("subscription " + sub->id + " is not a trial.");
  const Customer& customer = *customers_[sub->customer];
  std::string item = request.target_catalog_item_id.empty() ? sub->offer->sku->trial_converts_to
                                                            : request.target_catalog_item_id;
  const Offer* target = ResolveOffer(item, customer.country());
  if (target == nullptr || target->sku->is_trial)
    return Error<Err::ConversionTargetNotFound>(item);
  const Date today = Today();
  Term term = request.term.value_or(catalog_->HasTerm(*target, Term::P1M, today) ? Term::P1M : Term::P1Y);
  Billing billing = request.billing.value_or(Billing::Monthly);
  auto price = IsValidPair(term, billing) ? catalog_->PriceAt(*target, term, billing, today) : std::nullopt;
  if (!price)
    return Error<Err::TermBillingNotAvailable>(std::string(ToString(term)), std::string(ToString(billing)), target->catalog_item_id);
  int quantity = request.quantity.value_or(sub->quantity);
  if (quantity < target->sku->minimum_quantity || quantity > target->sku->maximum_quantity)
    return Error<Err::QuantityNotAllowed>(std::to_string(quantity));
  uint32_t ref = ledger_.NewReference();
  Charge(*sub, *sub->offer, ChargeType::Convert, ref, Period{today, sub->cycle.end}, sub->unit_price,
         Share(NominalCycle(*sub), sub->billing, today), sub->quantity, true);
  clock_.Cancel(sub->next_timer);
  sub->offer = target;
  sub->is_trial = false;
  sub->quantity = quantity;
  sub->term = term;
  sub->billing = billing;
  sub->unit_price = *price;
  sub->friendly_name = target->sku->title;
  sub->auto_renew = true;
  StartTerm(*sub, today, std::nullopt);
  sub->window_start = Now();
  sub->refundable = {{quantity, Now() + Duration::Hours(policy_.Int(PolicyKey::kSeatReductionWindowHours, today))}};
  sub->next_term.reset();
  sub->scheduled_action.reset();
  Touch(*sub);
  Journal(JournalKind::TrialConverted, sub->index);
  Charge(*sub, *target, ChargeType::Convert, ref, sub->cycle, sub->unit_price, Fraction::Whole(), quantity, false);
  ScheduleNextBoundary(*sub);
  return sub;
}

}  // namespace pcsim
