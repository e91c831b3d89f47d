// The end-of-term choice of 2026: scheduled actions, EST eligibility and
// pricing, EST months, the 24-hour rule and the backfill
// (docs/decisions.md, sections 7-9).
#include <algorithm>

#include "simulator/model/errors.h"
#include "simulator/commerce/sandbox.h"

namespace pcsim {
namespace {

uint64_t HashText(std::string_view s) {
  uint64_t h = 1469598103934665603ULL;  // FNV-1a
  for (unsigned char c : s) h = (h ^ c) * 1099511628211ULL;
  return h;
}

}  // namespace

std::optional<bool> AutoRenewOf(const ScheduledAction& action) {
  if (action.schedule == ScheduleType::CustomDate) return std::nullopt;
  switch (action.action) {
    case ScheduledActionType::Cancel:
    case ScheduledActionType::RenewToExtendedServiceTerm: return false;
    case ScheduledActionType::RenewToNewTerm:
    case ScheduledActionType::Transition: return true;
  }
  return std::nullopt;
}

bool Sandbox::ScheduledActionsAvailable(Date day) const {
  PolicyKey key = environment_ == Environment::Sandbox ? PolicyKey::kScheduledActionsSandboxFrom
                                                       : PolicyKey::kScheduledActionsProductionFrom;
  return day >= policy_.DateOf(key);
}

bool Sandbox::IsEstEligibleOffer(const Offer& offer) const {
  const Sku& sku = *offer.sku;
  return !sku.is_trial && sku.est_eligible && offer.product->product_type == "OnlineServicesNCE";
}

bool Sandbox::IsEstEligible(const Subscription& sub) const {
  return !sub.is_trial && IsEstEligibleOffer(*sub.offer) &&
         sub.window_start.date() >= policy_.DateOf(PolicyKey::kEstEligiblePurchasedFrom) &&
         sub.term_end >= policy_.DateOf(PolicyKey::kEstEnforcementDate);
}

std::optional<Decimal> Sandbox::EstPrice(const Offer& offer, Date day) const {
  if (auto listed = catalog_->EstPriceAt(offer, day)) return listed;
  int places = static_cast<int>(policy_.Int(PolicyKey::kEstPriceDecimals, day));
  if (auto monthly = catalog_->PriceAt(offer, Term::P1M, Billing::Monthly, day)) {
    Decimal factor = Decimal::FromInt(100) + policy_.Dec(PolicyKey::kEstUpliftPercent, day);
    return ExactAmount(*monthly).Times(factor).Times(Fraction{1, 100}).RoundHalfUp(places);
  }
  // No monthly plan: the annual price per month with the larger uplift.
  const std::string& base = policy_.Str(PolicyKey::kEstNoMonthlyBase, day);
  Decimal factor = Decimal::FromInt(100) + policy_.Dec(PolicyKey::kEstNoMonthlyUpliftPercent, day);
  if (base == "P1Y/monthly") {
    if (auto p = catalog_->PriceAt(offer, Term::P1Y, Billing::Monthly, day))
      return ExactAmount(*p).Times(factor).Times(Fraction{1, 100}).RoundHalfUp(places);
    return std::nullopt;
  }
  if (auto annual = catalog_->PriceAt(offer, Term::P1Y, Billing::Annual, day))
    return ExactAmount(*annual).Times(factor).Times(Fraction{1, 1200}).RoundHalfUp(places);
  return std::nullopt;
}

StatusOr<Sandbox::ActionStep> Sandbox::PlanScheduledAction(const Subscription& sub,
                                                           std::optional<ScheduledAction> action) const {
  PCSIM_RETURN_IF_ERROR(CheckChangeable(sub, true));
  const Date today = Today();
  if (!ScheduledActionsAvailable(today)) {
    PolicyKey key = environment_ == Environment::Sandbox ? PolicyKey::kScheduledActionsSandboxFrom
                                                         : PolicyKey::kScheduledActionsProductionFrom;
    return Error<Err::InvalidInput>("scheduledActions are accepted in the " + std::string(ToString(environment_)) + " environment from " + policy_.DateOf(key).ToString() + ".");
  }
  ActionStep step;
  if (!action) return step;
  action->origin = ActionOrigin::Partner;
  if (action->schedule == ScheduleType::CustomDate) {
    // A change on a chosen date: a Transition (upgrade or longer term) run at
    // 00:00Z of effectiveDate, inside the current term.
    if (action->action != ScheduledActionType::Transition)
      return Error<Err::InvalidInput>("scheduleType CustomDate is for Transition actions; " + std::string(ToString(action->action)) + " happens at TermEnd.");
    if (!action->effective_date || !action->instructions)
      return Error<Err::InvalidInput>("a CustomDate Transition needs effectiveDate and instructions.");
    if (*action->effective_date <= today || *action->effective_date > sub.term_end)
      return Error<Err::InvalidInput>("effectiveDate must be after today and within the current term (ending " + sub.term_end.ToString() + ").");
    const NextTermInstructions& to = *action->instructions;
    bool longer_term = to.offer == sub.offer && TermMonths(to.term) > TermMonths(sub.term);
    const auto& targets = sub.offer->sku->upgrade_targets;
    bool upgrade = std::find(targets.begin(), targets.end(), to.offer->ProductSkuId()) != targets.end();
    if (!longer_term && !upgrade)
      return Error<Err::NotAnUpgradeOrLongerTerm>(to.offer->ProductSkuId(), std::string(ToString(to.term)));
    step.action = std::move(action);
    return step;
  }
  switch (action->action) {
    case ScheduledActionType::Cancel: break;
    case ScheduledActionType::RenewToExtendedServiceTerm:
      if (!sub.in_est && !IsEstEligible(sub))
        return Error<Err::NotEstEligible>(sub.id, policy_.DateOf(PolicyKey::kEstEligiblePurchasedFrom).ToString(),
                                          policy_.DateOf(PolicyKey::kEstEnforcementDate).ToString());
      break;
    case ScheduledActionType::RenewToNewTerm:
    case ScheduledActionType::Transition: {
      if (action->action == ScheduledActionType::Transition && !action->instructions)
        return Error<Err::InvalidInput>("a Transition action needs instructions.");
      if (sub.status == SubscriptionStatus::Suspended)
        return Error<Err::SuspendedNoRenew>();
      // The action turns auto-renew on; its instructions become the next term.
      Subscription view = sub;
      view.auto_renew = true;
      if (action->instructions) {
        PCSIM_RETURN_IF_ERROR(CheckNextTerm(view, action->instructions));
        view.next_term = action->instructions;
      }
      if (sub.in_est) {
        // Leaving EST for a new term starts it today (section 8).
        const std::optional<NextTermInstructions>& next = view.next_term;
        if (next && next->offer != sub.offer) {
          auto upgrade = PlanUpgrade(view, {sub.id, next->offer->catalog_item_id, std::nullopt, ""});
          if (!upgrade.ok()) return upgrade.status();
          step.leave_est_upgrade = *upgrade;
        } else {
          auto change = PlanTermChange(view, next ? next->term : sub.pre_est_term,
                                       next ? next->billing : sub.pre_est_billing);
          if (!change.ok()) return change.status();
          step.leave_est = *change;
        }
      }
      break;
    }
  }
  step.action = std::move(action);
  return step;
}

void Sandbox::ScheduledActionEffects(Subscription& sub, const ActionStep& step) const {
  sub.scheduled_action = step.action;
  if (!step.action) return;
  const std::optional<bool> renew = AutoRenewOf(*step.action);
  if (!renew) return;
  sub.auto_renew = *renew;
  if (!*renew) {
    sub.next_term.reset();  // no next term to instruct
    return;
  }
  if (step.action->instructions) sub.next_term = step.action->instructions;
  if (step.leave_est_upgrade) UpgradeFromEstEffects(sub, *step.leave_est_upgrade);
  if (step.leave_est) TermChangeEffects(sub, *step.leave_est);
}

void Sandbox::ApplyScheduledAction(Subscription& sub, const ActionStep& step) {
  if (!step.action) {
    if (sub.scheduled_action) {
      sub.scheduled_action.reset();
      Touch(sub);
      Journal(JournalKind::ScheduledActionSet, sub.index, ScheduledActionDetail(nullptr));
    }
    return;
  }
  const ScheduledAction& action = *step.action;
  const uint32_t journaled_action = ScheduledActionDetail(&action);
  if (action.schedule == ScheduleType::CustomDate) {
    sub.scheduled_action = action;
    Touch(sub);
    Journal(JournalKind::ScheduledActionSet, sub.index, journaled_action);
    uint32_t index = sub.index;
    Date when = *action.effective_date;
    clock_.Schedule(Instant::StartOf(when), [this, index, when] { OnCustomDateAction(index, when); });
    return;
  }
  if (*AutoRenewOf(action)) {
    sub.auto_renew = true;
    if (action.instructions) ApplyNextTerm(sub, action.instructions);
    clock_.Cancel(sub.auto_renew_rule_timer);
    if (step.leave_est_upgrade || step.leave_est) {
      sub.scheduled_action = action;
      if (step.leave_est_upgrade) ApplyUpgrade(sub, *step.leave_est_upgrade);
      else ApplyTermChange(sub, *step.leave_est);
      return;
    }
  } else {
    sub.auto_renew = false;
    sub.next_term.reset();
    // A Cancel stops the 24-hour rule; an EST action is what it would set anyway.
    if (action.action == ScheduledActionType::Cancel) clock_.Cancel(sub.auto_renew_rule_timer);
  }
  sub.scheduled_action = action;
  Touch(sub);
  Journal(JournalKind::ScheduledActionSet, sub.index, journaled_action);
}

Status Sandbox::SetScheduledAction(std::string_view subscription_id, std::optional<ScheduledAction> action) {
  Subscription* sub = Mutable(subscription_id);
  if (sub == nullptr) return Error<Err::SubscriptionNotFound>(std::string(subscription_id));
  auto step = PlanScheduledAction(*sub, std::move(action));
  if (!step.ok()) return step.status();
  ApplyScheduledAction(*sub, *step);
  return OkStatus();
}

void Sandbox::SetRuleAction(Subscription& sub, ActionOrigin origin) {
  if (sub.scheduled_action && sub.scheduled_action->action == ScheduledActionType::Cancel &&
      sub.scheduled_action->origin == ActionOrigin::Partner)
    return;  // neither rule replaces a partner's explicit Cancel
  ScheduledAction action;
  action.schedule = ScheduleType::TermEnd;
  action.action = ScheduledActionType::RenewToExtendedServiceTerm;
  action.origin = origin;
  sub.scheduled_action = action;
  Touch(sub);
  Journal(JournalKind::ScheduledActionSet, sub.index, ScheduledActionDetail(&action));
}

void Sandbox::OnAutoRenewOffRule(uint32_t index) {
  Subscription& sub = *subscriptions_[index];
  sub.auto_renew_rule_timer = 0;
  if ((sub.status != SubscriptionStatus::Active && sub.status != SubscriptionStatus::Suspended) || sub.auto_renew ||
      sub.in_est || !IsEstEligible(sub))
    return;
  SetRuleAction(sub, ActionOrigin::AutoRenewOffRule);
}

Instant Sandbox::BackfillInstant(const Subscription& sub) const {
  Instant begin = Instant::StartOf(policy_.DateOf(PolicyKey::kBackfillStart));
  Instant end = Instant::StartOf(policy_.DateOf(PolicyKey::kBackfillEnd).AddDays(1));
  int64_t seconds = std::max<int64_t>((end - begin).seconds(), 1);
  uint64_t offset = MixBits(seed_ ^ HashText(sub.id)) % static_cast<uint64_t>(seconds);
  return begin + Duration::Seconds(static_cast<int64_t>(offset));
}

void Sandbox::ScheduleBackfill() {
  Instant begin = Instant::StartOf(policy_.DateOf(PolicyKey::kBackfillStart));
  Instant end = Instant::StartOf(policy_.DateOf(PolicyKey::kBackfillEnd).AddDays(1));
  if (Now() >= end) return;
  clock_.Schedule(std::max(begin, Now()), [this] {
    for (auto& sub : subscriptions_) ScheduleBackfillOf(*sub);
  });
  // A subscription whose auto-renew goes off later in the window is scheduled
  // then (SetAutoRenew), so only candidates need a timer now.
}

void Sandbox::ScheduleBackfillOf(Subscription& sub) {
  if (sub.auto_renew || sub.in_est || !IsEstEligible(sub) ||
      (sub.status != SubscriptionStatus::Active && sub.status != SubscriptionStatus::Suspended))
    return;
  Instant begin = Instant::StartOf(policy_.DateOf(PolicyKey::kBackfillStart));
  Instant end = Instant::StartOf(policy_.DateOf(PolicyKey::kBackfillEnd).AddDays(1));
  if (Now() < begin || Now() >= end) return;
  uint32_t index = sub.index;
  clock_.Schedule(std::max(BackfillInstant(sub), Now()), [this, index] { OnBackfill(index); });
}

void Sandbox::OnBackfill(uint32_t index) {
  Subscription& sub = *subscriptions_[index];
  if ((sub.status != SubscriptionStatus::Active && sub.status != SubscriptionStatus::Suspended) || sub.auto_renew ||
      sub.in_est || !IsEstEligible(sub))
    return;
  SetRuleAction(sub, ActionOrigin::Backfill);
}

void Sandbox::OnCustomDateAction(uint32_t index, Date when) {
  Subscription& sub = *subscriptions_[index];
  if (sub.status != SubscriptionStatus::Active || !sub.scheduled_action ||
      sub.scheduled_action->schedule != ScheduleType::CustomDate || sub.scheduled_action->effective_date != when ||
      !sub.scheduled_action->instructions)
    return;  // replaced, cancelled or suspended since
  NextTermInstructions to = *sub.scheduled_action->instructions;
  sub.scheduled_action.reset();
  if (to.offer == sub.offer) {
    (void)ChangeTerm(sub.id, to.term, to.billing);
  } else {
    (void)Upgrade({sub.id, to.offer->catalog_item_id, std::nullopt, ""});
  }
  if (to.quantity > 0 && to.quantity > sub.quantity) (void)ChangeQuantity(sub.id, to.quantity);
}

void Sandbox::EnterEst(Subscription& sub) {
  const Date today = Today();
  sub.pre_est_term = sub.term;
  sub.pre_est_billing = sub.billing;
  sub.in_est = true;
  sub.est_start = today;
  sub.term = Term::P1M;
  sub.billing = Billing::Monthly;
  sub.promotion_id.clear();  // promotions do not carry into EST
  sub.refundable.clear();
  sub.next_term.reset();
  sub.pending_billing.reset();
  StartTerm(sub, today, std::nullopt);
  Touch(sub);
  Journal(JournalKind::ExtendedServiceTermStarted, sub.index, static_cast<uint32_t>(sub.quantity));
  ChargeEstMonth(sub);
  ScheduleNextBoundary(sub);
}

void Sandbox::ContinueEst(Subscription& sub) {
  StartTerm(sub, Today(), std::nullopt);
  Touch(sub);
  ChargeEstMonth(sub);
  ScheduleNextBoundary(sub);
}

void Sandbox::ChargeEstMonth(Subscription& sub) {
  // The price is the current one each month: "the current monthly term rate".
  auto price = EstPrice(*sub.offer, Today());
  sub.unit_price = price.value_or(sub.unit_price);
  Charge(sub, *sub.offer, ChargeType::Renew, ledger_.NewReference(), sub.cycle, sub.unit_price, Fraction::Whole(),
         sub.quantity, false, kLineExtendedServiceTerm);
}

void Sandbox::RefundRestOfEstMonth(Subscription& sub, ChargeType type, uint32_t reference) {
  const Date today = Today();
  Period month = sub.Calendar().Nominal(sub.cycle_index);
  Charge(sub, *sub.offer, type, reference, Period{today, sub.cycle.end}, sub.unit_price,
         Share(month, Billing::Monthly, today), sub.quantity, true, kLineExtendedServiceTerm);
}

}  // namespace pcsim
