// Upgrades and conversions to another product (Transition a subscription,
// Get subscription transition eligibilities; docs/decisions.md, section 6):
// the whole subscription in place, part of it into a new coterminous
// subscription or into an existing one, or out of an Extended Service Term.
#include <memory>

#include "simulator/commerce/sandbox.h"
#include "simulator/commerce/subscription_support.h"

namespace pcsim {

using commerce_internal::ConsumeBatches;
using commerce_internal::NominalCycle;
using commerce_internal::SubscriptionNotFound;

StatusOr<Sandbox::UpgradeStep> Sandbox::PlanUpgrade(const Subscription& source, const UpgradeRequest& request) const {
  PCSIM_RETURN_IF_ERROR(CheckChangeable(source, false));
  if (source.is_trial)
    return Error<Err::TrialNotUpgradable>();
  const Customer& customer = *customers_[source.customer];
  const Offer* target = ResolveOffer(request.target_catalog_item_id, customer.country());
  if (target == nullptr) return Error<Err::AvailabilityNotFound>(request.target_catalog_item_id);
  const auto& targets = source.offer->sku->upgrade_targets;
  if (std::find(targets.begin(), targets.end(), target->ProductSkuId()) == targets.end())
    return Error<Err::NotAnUpgrade>(target->ProductSkuId(), source.offer->ProductSkuId());
  UpgradeStep step;
  step.target = target;
  step.quantity = request.quantity.value_or(source.quantity);
  if (step.quantity < 1 || step.quantity > source.quantity)
    return Error<Err::UpgradeQuantity>(std::to_string(source.quantity));
  const Date today = Today();
  if (source.in_est) {
    // Upgrading out of EST: all seats, into a new term starting today.
    if (step.quantity != source.quantity || !request.into_subscription_id.empty())
      return Error<Err::EstUpgradeWhole>();
    TermChange change;
    change.from_est = true;
    change.term = source.pre_est_term;
    change.billing = source.pre_est_billing;
    auto price = catalog_->PriceAt(*target, change.term, change.billing, today);
    if (!price) {
      change.term = Term::P1M;
      change.billing = Billing::Monthly;
      price = catalog_->PriceAt(*target, change.term, change.billing, today);
    }
    if (!price) return Error<Err::TargetHasNoPrice>(target->catalog_item_id);
    change.price = *price;
    step.from_est = change;
    return step;
  }
  const Subscription* into = nullptr;
  if (!request.into_subscription_id.empty()) {
    into = FindSubscription(request.into_subscription_id);
    if (into == nullptr) return SubscriptionNotFound(request.into_subscription_id);
    if (into->index == source.index) return Error<Err::MergeTargetIsSource>();
    if (into->customer != source.customer || into->status != SubscriptionStatus::Active)
      return Error<Err::MergeTargetInactive>();
    if (into->offer->sku != target->sku)
      return Error<Err::MergeTargetProduct>(target->ProductSkuId());
    if (into->term_end < source.term_end)
      return Error<Err::MergeTargetEndsEarlier>();
    if (TermMonths(into->term) < TermMonths(source.term))
      return Error<Err::MergeTargetShorterTerm>();
    step.into = into->index;
  }
  step.target_price = catalog_->PriceAt(*target, source.term, source.billing, today);
  if (!step.target_price && into == nullptr)
    return Error<Err::TargetBillingNotAvailable>(std::string(ToString(source.billing)), std::string(ToString(source.term)), target->catalog_item_id);
  return step;
}

void Sandbox::UpgradeFromEstEffects(Subscription& sub, const UpgradeStep& step) const {
  sub.in_est = false;
  sub.offer = step.target;
  sub.friendly_name = step.target->sku->title;
  sub.term = step.from_est->term;
  sub.billing = step.from_est->billing;
  sub.unit_price = step.from_est->price;
  sub.auto_renew = true;
  sub.scheduled_action.reset();
  StartTerm(sub, Today(), std::nullopt);
  sub.window_start = Now();
}

Subscription& Sandbox::ApplyUpgrade(Subscription& source, const UpgradeStep& step) {
  if (step.from_est) return ApplyUpgradeFromEst(source, step);
  const uint32_t ref = ledger_.NewReference();
  if (step.into != kNoIndex) return ApplyUpgradeInto(source, *subscriptions_[step.into], step, ref);
  // The seats leave the source from today to the end of its cycle.
  const Period left{Today(), source.cycle.end};
  const Fraction share = Share(NominalCycle(source), source.billing, Today());
  Charge(source, *source.offer, ChargeType::Convert, ref, left, source.unit_price, share, step.quantity, true);
  if (step.quantity == source.quantity) return ApplyUpgradeInPlace(source, step, ref, left, share);
  return ApplyUpgradeToNew(source, step, ref, left, share);
}

// Out of an Extended Service Term: the rest of the EST month is refunded and
// the subscription continues on the target at the price of its new term.
Subscription& Sandbox::ApplyUpgradeFromEst(Subscription& source, const UpgradeStep& step) {
  uint32_t ref = ledger_.NewReference();
  RefundRestOfEstMonth(source, ChargeType::Convert, ref);
  clock_.Cancel(source.next_timer);
  UpgradeFromEstEffects(source, step);
  Touch(source);
  Journal(JournalKind::Upgraded, source.index, source.index);
  Charge(source, *step.target, ChargeType::Convert, ref, source.cycle, source.unit_price, Fraction::Whole(),
         source.quantity, false);
  ScheduleNextBoundary(source);
  return source;
}

// Into an existing subscription of the target: the seats move, each side
// charged or refunded for the rest of its own cycle.
Subscription& Sandbox::ApplyUpgradeInto(Subscription& source, Subscription& into, const UpgradeStep& step,
                                        uint32_t ref) {
  const Date today = Today();
  const int quantity = step.quantity;
  Charge(source, *source.offer, ChargeType::MoveQuantity, ref, Period{today, source.cycle.end}, source.unit_price,
         Share(NominalCycle(source), source.billing, today), quantity, true);
  Charge(into, *into.offer, ChargeType::MoveQuantity, ref, Period{today, into.cycle.end}, into.unit_price,
         Share(NominalCycle(into), into.billing, today), quantity, false);
  into.quantity += quantity;
  source.quantity -= quantity;
  ConsumeBatches(source, quantity);
  source.next_term.reset();
  if (source.quantity == 0) {
    clock_.Cancel(source.next_timer);
    source.status = SubscriptionStatus::Deleted;
    source.auto_renew = false;
  }
  Touch(source);
  Touch(into);
  Journal(JournalKind::Upgraded, source.index, into.index);
  return into;
}

// Every seat: the same subscription continues on the new product.
Subscription& Sandbox::ApplyUpgradeInPlace(Subscription& source, const UpgradeStep& step, uint32_t ref, Period left,
                                           Fraction share) {
  source.offer = step.target;
  source.unit_price = *step.target_price;
  source.promotion_id.clear();
  source.friendly_name = step.target->sku->title;
  source.next_term.reset();
  source.scheduled_action.reset();
  Touch(source);
  Charge(source, *step.target, ChargeType::Convert, ref, left, source.unit_price, share, step.quantity, false);
  Journal(JournalKind::Upgraded, source.index, source.index);
  return source;
}

// Part of the seats: a coterminous subscription that inherits the source's
// cancellation window (New commerce cancellation policy).
Subscription& Sandbox::ApplyUpgradeToNew(Subscription& source, const UpgradeStep& step, uint32_t ref, Period left,
                                         Fraction share) {
  const int quantity = step.quantity;
  auto created = std::make_unique<Subscription>();
  Subscription& s = *created;
  s.index = static_cast<uint32_t>(subscriptions_.size());
  s.id = random_.Guid();
  s.customer = source.customer;
  s.order = source.order;
  s.reseller_id = source.reseller_id;
  s.offer = step.target;
  s.friendly_name = step.target->sku->title;
  s.quantity = quantity;
  s.term = source.term;
  s.billing = source.billing;
  s.created = Now();
  s.last_updated = Now();
  s.term_start = source.term_start;
  s.term_end = source.term_end;
  s.cycle_anchor = source.cycle_anchor;
  s.cycle = source.cycle;
  s.cycle_index = source.cycle_index;
  s.custom_term_end = source.custom_term_end;
  s.window_start = source.window_start;
  s.unit_price = *step.target_price;
  s.auto_renew = source.auto_renew;
  AddSubscription(std::move(created));
  ScheduleBackfillOf(s);
  source.quantity -= quantity;
  ConsumeBatches(source, quantity);
  source.next_term.reset();
  Touch(source);
  Charge(s, *step.target, ChargeType::Convert, ref, left, s.unit_price, share, quantity, false);
  ScheduleNextBoundary(s);
  Journal(JournalKind::Upgraded, source.index, s.index);
  return s;
}

StatusOr<const Subscription*> Sandbox::Upgrade(const UpgradeRequest& request) {
  Subscription* source = Mutable(request.subscription_id);
  if (source == nullptr) return SubscriptionNotFound(request.subscription_id);
  auto step = PlanUpgrade(*source, request);
  if (!step.ok()) return step.status();
  return &ApplyUpgrade(*source, *step);
}

// --- billing plan and term ----------------------------------------------------------

}  // namespace pcsim
