// The end of a term (docs/decisions.md, section 7): one decision,
// DecideTermEnd, which OnTermEnd carries out and the EST audit download
// reports, so that a projection is what happens; the renewal it may lead to.
#include <algorithm>

#include "simulator/commerce/sandbox.h"

namespace pcsim {

std::string_view ToString(TermEndOutcome o) {
  switch (o) {
    case TermEndOutcome::kRenew: return "Renew";
    case TermEndOutcome::kCancel: return "Cancel";
    case TermEndOutcome::kDisableSuspended: return "Disable";
    case TermEndOutcome::kExtendedServiceTerm: return "EST";
    case TermEndOutcome::kGrace: return "Grace";
  }
  return "";
}

std::optional<Sandbox::Renewal> Sandbox::PlanRenewal(const Subscription& sub, Date day) const {
  std::optional<NextTermInstructions> next = sub.next_term;
  if (sub.scheduled_action && sub.scheduled_action->instructions) next = sub.scheduled_action->instructions;
  Renewal r;
  r.offer = sub.offer;
  r.term = sub.in_est ? sub.pre_est_term : sub.term;
  r.billing = sub.in_est ? sub.pre_est_billing : sub.billing;
  r.quantity = sub.quantity;
  r.promotion_id = sub.promotion_id;
  if (sub.is_trial) {
    // A trial that renews becomes the paid SKU it converts to, monthly.
    const Offer* paid = ResolveOffer(r.offer->sku->trial_converts_to, customers_[sub.customer]->country());
    if (paid != nullptr) r.offer = paid;
    r.promotion_id.clear();
  }
  if (next) {
    r.offer = next->offer;
    r.term = next->term;
    r.billing = next->billing;
    r.quantity = next->quantity;
    r.custom_end = next->custom_term_end;
    r.promotion_id = next->promotion_id;
  }
  const std::string& country = customers_[sub.customer]->country();
  auto price = PriceOf(*r.offer, r.term, r.billing, day, r.promotion_id, country);
  if (!price) return std::nullopt;
  r.price = *price;
  // A promotion carries into the new term only if the renewal day is in its window.
  if (ApplicablePromotion(r.promotion_id, *r.offer, r.term, day, country) == nullptr) r.promotion_id.clear();
  return r;
}

TermEndDecision Sandbox::DecideTermEnd(const Subscription& sub) const {
  // Term ends are processed at 00:00Z the day after the end day.
  return DecideTermEnd(sub, std::max(Today(), sub.term_end.AddDays(1)));
}

TermEndDecision Sandbox::DecideTermEnd(const Subscription& sub, Date day) const {
  const auto& action = sub.scheduled_action;
  const Date enforcement = policy_.DateOf(PolicyKey::kEstEnforcementDate);
  TermEndDecision d;
  if (sub.status == SubscriptionStatus::Suspended) {
    // Still suspended at term end: disabled, then deleted (Subscription lifecycle).
    d.outcome = TermEndOutcome::kDisableSuspended;
    d.cause = "suspended at term end: disabled, then deleted";
    return d;
  }
  // 1. Renew.
  if (sub.auto_renew || (action && (action->action == ScheduledActionType::RenewToNewTerm ||
                                    action->action == ScheduledActionType::Transition))) {
    d.renewal = PlanRenewal(sub, day);
    if (d.renewal) {
      d.outcome = TermEndOutcome::kRenew;
      d.cause = sub.auto_renew ? "auto-renew on" : "a " + std::string(ToString(action->action)) + " action";
    } else {
      d.outcome = TermEndOutcome::kGrace;
      d.cause = "the renewal has no price on " + day.ToString() + ": it lapses";
    }
    return d;
  }
  // 2. An explicit Cancel: from the enforcement date straight to disabled.
  if (action && action->action == ScheduledActionType::Cancel && (sub.in_est || sub.term_end >= enforcement)) {
    d.outcome = TermEndOutcome::kCancel;
    d.cause = "a Cancel action";
    return d;
  }
  // 3. EST: an eligible subscription with auto-renew off or an EST action;
  // an EST month ends into the next one.
  if (sub.in_est) {
    d.outcome = TermEndOutcome::kExtendedServiceTerm;
    d.cause = "in an Extended Service Term, month to month";
    return d;
  }
  if (IsEstEligible(sub)) {
    if (EstPrice(*sub.offer, day)) {
      d.outcome = TermEndOutcome::kExtendedServiceTerm;
      d.cause = action && action->action == ScheduledActionType::RenewToExtendedServiceTerm
                    ? "a RenewToExtendedServiceTerm action"
                    : "auto-renew off without a Cancel";
      return d;
    }
    d.outcome = TermEndOutcome::kGrace;
    d.cause = "eligible for an Extended Service Term, but the offer has no EST price";
    return d;
  }
  // 4. The old grace path: expired (access kept, not billed), disabled, deleted.
  d.outcome = TermEndOutcome::kGrace;
  d.cause = action && action->action == ScheduledActionType::Cancel
                ? "a Cancel action, for a term ending before " + enforcement.ToString()
                : "auto-renew off, not eligible for an Extended Service Term";
  return d;
}

void Sandbox::OnTermEnd(Subscription& sub) {
  const Date today = Today();
  TermEndDecision decision = DecideTermEnd(sub, today);
  switch (decision.outcome) {
    case TermEndOutcome::kDisableSuspended: {
      int days = static_cast<int>(policy_.Int(PolicyKey::kSuspendedAtTermEndDisabledDays, today) +
                                  policy_.Int(PolicyKey::kDisabledDays, today));
      EnterLifecycleState(sub, SubscriptionStatus::Disabled, days, std::nullopt, 0);
      return;
    }
    case TermEndOutcome::kRenew: Renew(sub, *decision.renewal); return;
    case TermEndOutcome::kCancel:
      EnterLifecycleState(sub, SubscriptionStatus::Disabled,
                          static_cast<int>(policy_.Int(PolicyKey::kCancelledAtTermEndRetentionDays, today)),
                          std::nullopt, 0);
      return;
    case TermEndOutcome::kExtendedServiceTerm:
      if (sub.in_est) ContinueEst(sub);
      else EnterEst(sub);
      return;
    case TermEndOutcome::kGrace:
      EnterLifecycleState(sub, SubscriptionStatus::Expired,
                          static_cast<int>(policy_.Int(PolicyKey::kExpiredDays, today)), SubscriptionStatus::Disabled,
                          static_cast<int>(policy_.Int(PolicyKey::kDisabledDays, today)));
      return;
  }
}

void Sandbox::Renew(Subscription& sub, const Renewal& r) {
  const Date today = Today();
  sub.promotion_id = r.promotion_id;
  sub.offer = r.offer;
  sub.term = r.term;
  sub.billing = r.billing;
  sub.quantity = r.quantity;
  sub.is_trial = r.offer->sku->is_trial;
  sub.in_est = false;
  sub.unit_price = r.price;
  StartTerm(sub, today, r.custom_end);
  sub.window_start = Now();
  sub.refundable.clear();  // keeps its capacity: monthly terms renew every month
  sub.refundable.push_back(
      {r.quantity, Now() + Duration::Hours(policy_.Int(PolicyKey::kSeatReductionWindowHours, today))});
  sub.next_term.reset();
  sub.scheduled_action.reset();
  sub.pending_billing.reset();
  Touch(sub);
  Journal(JournalKind::Renewed, sub.index, static_cast<uint32_t>(r.quantity));
  Period nominal = sub.Calendar().Nominal(sub.cycle_index);  // StartTerm set the first cycle's index
  Charge(sub, *r.offer, ChargeType::Renew, ledger_.NewReference(), sub.cycle, sub.unit_price,
         Share(nominal, sub.billing, sub.cycle.start), sub.quantity, false);
  ScheduleNextBoundary(sub);
}

}  // namespace pcsim
