// Mid-term changes of a subscription: seats, cancellation, suspension,
// auto-renew, next-term instructions, upgrades, billing plan, term and trial
// conversion (simulator-decisions.md sections 4 and 6).
#include <algorithm>

#include "simulator/commerce/sandbox.h"

namespace pcsim {
namespace {

Status SubscriptionNotFound(std::string_view id) {
  return NotFound(20003, "Subscription with ID " + std::string(id) + " not found.");
}

// The charge cycle of `sub` as the price list sees it (unclipped).
Period NominalCycle(const Subscription& sub) {
  return sub.Calendar().Nominal(sub.cycle_index);
}

// Removes `quantity` seats from the refundable batches, newest first.
void ConsumeBatches(Subscription& sub, int quantity) {
  for (auto it = sub.refundable.rbegin(); it != sub.refundable.rend() && quantity > 0; ++it) {
    int take = std::min(quantity, it->quantity);
    it->quantity -= take;
    quantity -= take;
  }
  sub.refundable.erase(std::remove_if(sub.refundable.begin(), sub.refundable.end(),
                                      [](const SeatBatch& b) { return b.quantity == 0; }),
                       sub.refundable.end());
}

}  // namespace

Status Sandbox::CheckChangeable(const Subscription& sub, bool allow_suspended) const {
  if (IsAzurePlan(sub))
    return BadRequest(800002, "Invalid request input: subscription " + sub.id +
                                  " is an Azure plan; it has no seats, term or billing plan to change (manage its Azure "
                                  "subscriptions through azureEntitlements).");
  switch (sub.status) {
    case SubscriptionStatus::Active: return OkStatus();
    case SubscriptionStatus::Suspended:
      if (allow_suspended) return OkStatus();
      return BadRequest(800091, "Can't update a subscription with suspended status.");
    case SubscriptionStatus::Deleted:
      return BadRequest(2011, "Subscription with ID " + sub.id + " and deleted status can't be updated.");
    case SubscriptionStatus::Expired:
    case SubscriptionStatus::Disabled:
      return BadRequest(900277, "Subscription " + sub.id + " is being expired, so no further updates are allowed.");
  }
  return OkStatus();
}

Status Sandbox::ChangeQuantity(std::string_view subscription_id, int quantity) {
  Subscription* sub = Mutable(subscription_id);
  if (sub == nullptr) return SubscriptionNotFound(subscription_id);
  if (sub->status == SubscriptionStatus::Suspended)
    return BadRequest(800091, "Subscription quantity can't be changed while the subscription is suspended.");
  PCSIM_RETURN_IF_ERROR(CheckChangeable(*sub, false));
  const Sku& sku = *sub->offer->sku;
  const Date today = Today();
  if (quantity == sub->quantity) return OkStatus();
  if (sub->in_est)
    return BadRequest(800095, "The seat quantity can't change during an Extended Service Term; renew to a new term "
                              "or upgrade first.");
  if (quantity < sku.minimum_quantity || quantity < 1)
    return BadRequest(900275, "The requested quantity " + std::to_string(quantity) +
                                  " is not within the allowed quantity (" + std::to_string(sku.minimum_quantity) +
                                  " to " + std::to_string(sku.maximum_quantity) + ").");
  if (quantity > sku.maximum_quantity)
    return Forbidden(800067, "The requested quantity " + std::to_string(quantity) +
                                 " exceeds the maximum of " + std::to_string(sku.maximum_quantity) +
                                 " seats per subscription.");
  int delta = quantity - sub->quantity;
  if (delta > 0) {
    if (environment_ == Environment::Sandbox && policy_.Bool(PolicyKey::kSandboxEnforceQuotas, today) &&
        quantity > policy_.Int(PolicyKey::kSandboxMaxSeatsPerSubscription, today))
      return BadRequest(800018, "The sandbox limit has been met: at most " +
                                    std::to_string(policy_.Int(PolicyKey::kSandboxMaxSeatsPerSubscription, today)) +
                                    " licenses per subscription.");
    if (!sku.seat_cap_group.empty()) {
      const Customer& customer = *customers_[sub->customer];
      int cap = catalog_->SeatCap(sku.seat_cap_group).value_or(INT32_MAX);
      int remaining = cap - SeatsInGroup(customer, sku.seat_cap_group);
      if (delta > remaining)
        return Forbidden(800088, "The requested " + std::to_string(delta) + " seats exceeded remaining limit of " +
                                     std::to_string(std::max(remaining, 0)) + " for CatalogID " +
                                     sub->offer->catalog_item_id + ".");
    }
  } else if (-delta > sub->RefundableQuantity(Now())) {
    return BadRequest(800090, "Subscription quantity cannot be decreased.");
  }
  Period nominal = NominalCycle(*sub);
  Period period{today, sub->cycle.end};
  Fraction share = Share(nominal, sub->billing, today);
  ChargeType type = delta > 0 ? ChargeType::AddQuantity : ChargeType::RemoveQuantity;
  PolicyKey rounding = delta > 0 ? PolicyKey::kRoundingAddQuantity : PolicyKey::kRoundingRemoveQuantity;
  uint32_t ref = ledger_.NewReference();
  Charge(*sub, *sub->offer, type, ref, period, sub->unit_price, share, sub->quantity, rounding, true);
  Charge(*sub, *sub->offer, type, ref, period, sub->unit_price, share, quantity, rounding, false);
  if (delta > 0) {
    sub->refundable.push_back({delta, Now() + Duration::Hours(policy_.Int(PolicyKey::kSeatReductionWindowHours, today))});
  } else {
    ConsumeBatches(*sub, -delta);
  }
  sub->quantity = quantity;
  sub->next_term.reset();  // any mid-term change deletes scheduled changes
  Touch(*sub);
  Journal(JournalKind::QuantityChanged, sub->index, static_cast<uint32_t>(quantity));
  return OkStatus();
}

Status Sandbox::Cancel(std::string_view subscription_id) {
  Subscription* sub = Mutable(subscription_id);
  if (sub == nullptr) return SubscriptionNotFound(subscription_id);
  PCSIM_RETURN_IF_ERROR(CheckChangeable(*sub, true));
  const Date today = Today();
  if (sub->in_est) {
    // An EST can be cancelled any time, refunded by days (section 8).
    RefundRestOfEstMonth(*sub, ChargeType::CancelImmediate, ledger_.NewReference(), PolicyKey::kRoundingCancelImmediate);
    clock_.Cancel(sub->next_timer);
    sub->status = SubscriptionStatus::Deleted;
    sub->status_changed_at = Now();
    sub->in_est = false;
    sub->scheduled_action.reset();
    Touch(*sub);
    Journal(JournalKind::Cancelled, sub->index);
    return OkStatus();
  }
  int64_t window_hours = policy_.Int(PolicyKey::kCancellationWindowHours, today);
  Duration elapsed = Now() - sub->window_start;
  if (elapsed > Duration::Hours(window_hours))
    return BadRequest(900117, "You have passed your " + std::to_string(window_hours / 24) +
                                  "-day cancellation window.");
  Period nominal = NominalCycle(*sub);
  bool full = elapsed <= Duration::Hours(policy_.Int(PolicyKey::kFullRefundHours, today));
  Period period = full ? sub->cycle : Period{today, sub->cycle.end};
  Fraction share = Share(nominal, sub->billing, period.start);
  Charge(*sub, *sub->offer, ChargeType::CancelImmediate, ledger_.NewReference(), period, sub->unit_price, share,
         sub->quantity, PolicyKey::kRoundingCancelImmediate, true);
  clock_.Cancel(sub->next_timer);
  sub->status = SubscriptionStatus::Deleted;
  sub->status_changed_at = Now();
  sub->auto_renew = false;
  sub->refundable.clear();
  sub->next_term.reset();
  sub->scheduled_action.reset();
  sub->pending_billing.reset();
  Touch(*sub);
  Journal(JournalKind::Cancelled, sub->index);
  return OkStatus();
}

Status Sandbox::Suspend(std::string_view subscription_id) {
  Subscription* sub = Mutable(subscription_id);
  if (sub == nullptr) return SubscriptionNotFound(subscription_id);
  if (sub->status == SubscriptionStatus::Suspended) return OkStatus();
  PCSIM_RETURN_IF_ERROR(CheckChangeable(*sub, false));
  // Suspension keeps billing, turns auto-renew off and drops scheduled
  // changes other than a billing plan change (Subscription lifecycle).
  sub->status = SubscriptionStatus::Suspended;
  sub->status_changed_at = Now();
  sub->auto_renew = false;
  sub->next_term.reset();
  sub->scheduled_action.reset();
  ScheduleBackfillOf(*sub);  // auto-renew is now off: the backfill applies (inside its window)
  Touch(*sub);
  Journal(JournalKind::Suspended, sub->index);
  return OkStatus();
}

Status Sandbox::Reactivate(std::string_view subscription_id) {
  Subscription* sub = Mutable(subscription_id);
  if (sub == nullptr) return SubscriptionNotFound(subscription_id);
  if (sub->status == SubscriptionStatus::Active) return OkStatus();
  if (sub->status != SubscriptionStatus::Suspended) PCSIM_RETURN_IF_ERROR(CheckChangeable(*sub, false));
  sub->status = SubscriptionStatus::Active;
  sub->status_changed_at = Now();
  Touch(*sub);
  Journal(JournalKind::Reactivated, sub->index);
  return OkStatus();
}

Status Sandbox::SetAutoRenew(std::string_view subscription_id, bool enabled) {
  Subscription* sub = Mutable(subscription_id);
  if (sub == nullptr) return SubscriptionNotFound(subscription_id);
  PCSIM_RETURN_IF_ERROR(CheckChangeable(*sub, false));
  if (sub->auto_renew == enabled) return OkStatus();
  if (enabled && sub->in_est) {
    // Renewing out of EST starts the new term today (section 8).
    sub->auto_renew = true;
    sub->scheduled_action.reset();
    Journal(JournalKind::AutoRenewChanged, sub->index, 1);
    return ChangeTerm(sub->id, sub->pre_est_term, sub->pre_est_billing);
  }
  sub->auto_renew = enabled;
  if (!enabled) sub->next_term.reset();  // turning auto-renew off deletes scheduled changes
  if (enabled && sub->scheduled_action &&
      (sub->scheduled_action->action == ScheduledActionType::Cancel ||
       sub->scheduled_action->action == ScheduledActionType::RenewToExtendedServiceTerm))
    sub->scheduled_action.reset();  // renewing replaces a cancel or EST at term end
  if (enabled) clock_.Cancel(sub->auto_renew_rule_timer);
  const Date today = Today();
  // The 24-hour rule (section 9): auto-renew turned off without a Cancel
  // becomes an EST action a day later unless a Cancel arrives first.
  if (!enabled && today >= policy_.DateOf(PolicyKey::kAutoRenewOffRuleFrom) && IsEstEligible(*sub) &&
      !(sub->scheduled_action && sub->scheduled_action->action == ScheduledActionType::Cancel)) {
    clock_.Cancel(sub->auto_renew_rule_timer);
    uint32_t index = sub->index;
    sub->auto_renew_rule_timer =
        clock_.Schedule(Now() + Duration::Hours(policy_.Int(PolicyKey::kAutoRenewOffRuleDelayHours, today)),
                        [this, index] { OnAutoRenewOffRule(index); });
  }
  if (!enabled) ScheduleBackfillOf(*sub);  // inside the backfill window only
  Touch(*sub);
  Journal(JournalKind::AutoRenewChanged, sub->index, enabled ? 1 : 0);
  return OkStatus();
}

Status Sandbox::SetFriendlyName(std::string_view subscription_id, std::string name) {
  Subscription* sub = Mutable(subscription_id);
  if (sub == nullptr) return SubscriptionNotFound(subscription_id);
  if (sub->status == SubscriptionStatus::Deleted) PCSIM_RETURN_IF_ERROR(CheckChangeable(*sub, true));
  if (name.size() > 256) return BadRequest(800002, "Invalid request input: friendlyName is longer than 256 characters.");
  if (sub->friendly_name == name) return OkStatus();
  sub->friendly_name = std::move(name);
  Touch(*sub);
  return OkStatus();
}

Status Sandbox::SetNextTermInstructions(std::string_view subscription_id,
                                        std::optional<NextTermInstructions> instructions) {
  Subscription* sub = Mutable(subscription_id);
  if (sub == nullptr) return SubscriptionNotFound(subscription_id);
  PCSIM_RETURN_IF_ERROR(CheckChangeable(*sub, false));
  if (!instructions) {
    if (sub->next_term) {
      sub->next_term.reset();
      Touch(*sub);
      Journal(JournalKind::NextTermScheduled, sub->index, 0);
    }
    return OkStatus();
  }
  if (!sub->auto_renew)
    return BadRequest(800093, "Scheduled changes at renewal require autoRenewEnabled to be true.");
  const NextTermInstructions& next = *instructions;
  if (next.offer == nullptr) return NotFound(400019, "The availability of scheduledNextTermInstructions was not found.");
  const Date renewal = sub->term_end.AddDays(1);
  if (!IsValidPair(next.term, next.billing) ||
      !(catalog_->PriceAt(*next.offer, next.term, next.billing, renewal) ||
        catalog_->PriceAt(*next.offer, next.term, next.billing, Today())))
    return BadRequest(800121, "The term " + std::string(ToString(next.term)) + " with billing " +
                                  std::string(ToString(next.billing)) + " is not available for " +
                                  next.offer->catalog_item_id + ".");
  const Sku& sku = *next.offer->sku;
  if (next.quantity < sku.minimum_quantity || next.quantity > sku.maximum_quantity)
    return BadRequest(900275, "The requested quantity " + std::to_string(next.quantity) +
                                  " is not within the allowed quantity.");
  if (next.offer->sku != sub->offer->sku) {
    const auto& targets = sub->offer->sku->upgrade_targets;
    if (std::find(targets.begin(), targets.end(), next.offer->ProductSkuId()) == targets.end())
      return BadRequest(900236, "Product " + next.offer->ProductSkuId() +
                                    " is not an eligible target for scheduled changes of " +
                                    sub->offer->ProductSkuId() + ".");
  }
  if (next.custom_term_end) {
    Date natural = TermEndDate(renewal, next.term);
    if (*next.custom_term_end <= renewal || *next.custom_term_end > natural)
      return BadRequest(900244, "The custom term end date of scheduledNextTermInstructions must fall inside the next term.");
    if (!next.custom_term_end->IsLastDayOfMonth()) {
      bool aligned = false;
      for (uint32_t i : subscriptions_of_customer_[sub->customer])
        if (subscriptions_[i]->status == SubscriptionStatus::Active && subscriptions_[i]->term_end == *next.custom_term_end)
          aligned = true;
      if (!aligned)
        return BadRequest(900245, "The custom term end date of scheduledNextTermInstructions must be a calendar month "
                                  "end or the end date of an active subscription.");
    }
  }
  sub->next_term = instructions;
  Touch(*sub);
  Journal(JournalKind::NextTermScheduled, sub->index, 1);
  return OkStatus();
}

StatusOr<const Subscription*> Sandbox::Upgrade(const UpgradeRequest& request) {
  Subscription* source = Mutable(request.subscription_id);
  if (source == nullptr) return SubscriptionNotFound(request.subscription_id);
  PCSIM_RETURN_IF_ERROR(CheckChangeable(*source, false));
  if (source->is_trial)
    return BadRequest(800107, "Trials are converted to paid offers, not upgraded.");
  const Customer& customer = *customers_[source->customer];
  const Offer* target = ResolveOffer(request.target_catalog_item_id, customer.country());
  if (target == nullptr) return NotFound(400019, "Availability " + request.target_catalog_item_id + " was not found.");
  const auto& targets = source->offer->sku->upgrade_targets;
  if (std::find(targets.begin(), targets.end(), target->ProductSkuId()) == targets.end())
    return BadRequest(900236, target->ProductSkuId() + " is not an upgrade of " + source->offer->ProductSkuId() +
                                  "; downgrades are not supported.");
  int quantity = request.quantity.value_or(source->quantity);
  if (quantity < 1 || quantity > source->quantity)
    return BadRequest(900275, "The quantity to upgrade must be between 1 and " + std::to_string(source->quantity) + ".");
  const Date today = Today();
  if (source->in_est) {
    // Upgrading out of EST: all seats, into a new term starting today.
    if (quantity != source->quantity || !request.into_subscription_id.empty())
      return BadRequest(800095, "An Extended Service Term is upgraded as a whole, into a new term.");
    Term term = source->pre_est_term;
    Billing billing = source->pre_est_billing;
    auto price = LockedPrice(*target, term, billing, today, "");
    if (!price) {
      term = Term::P1M;
      billing = Billing::Monthly;
      price = LockedPrice(*target, term, billing, today, "");
    }
    if (!price) return BadRequest(900268, "The target " + target->catalog_item_id + " has no price for a new term.");
    uint32_t ref = ledger_.NewReference();
    RefundRestOfEstMonth(*source, ChargeType::Convert, ref, PolicyKey::kRoundingConvert);
    clock_.Cancel(source->next_timer);
    source->in_est = false;
    source->offer = target;
    source->friendly_name = target->sku->title;
    source->term = term;
    source->billing = billing;
    source->unit_price = *price;
    source->auto_renew = true;
    source->scheduled_action.reset();
    StartTerm(*source, today, std::nullopt);
    source->window_start = Now();
    Touch(*source);
    Journal(JournalKind::Upgraded, source->index, source->index);
    Charge(*source, *target, ChargeType::Convert, ref, source->cycle, source->unit_price, Fraction::Whole(),
           source->quantity, PolicyKey::kRoundingConvert, false);
    ScheduleNextBoundary(*source);
    return source;
  }
  Subscription* into = nullptr;
  if (!request.into_subscription_id.empty()) {
    into = Mutable(request.into_subscription_id);
    if (into == nullptr) return SubscriptionNotFound(request.into_subscription_id);
    if (into == source) return BadRequest(900259, "The target subscription can't be the source subscription.");
    if (into->customer != source->customer || into->status != SubscriptionStatus::Active)
      return BadRequest(900258, "The target subscription must be an active subscription of the same customer.");
    if (into->offer->sku != target->sku)
      return BadRequest(900261, "The target subscription's product doesn't match " + target->ProductSkuId() + ".");
    if (into->term_end < source->term_end)
      return BadRequest(900260, "The target subscription must end on or after the source subscription.");
    if (TermMonths(into->term) < TermMonths(source->term))
      return BadRequest(900267, "The target subscription's term can't be shorter than the source's term.");
  }
  auto target_price = LockedPrice(*target, source->term, source->billing, today, "");
  if (!target_price && into == nullptr)
    return BadRequest(900268, "The billing cycle " + std::string(ToString(source->billing)) + " of term " +
                                  std::string(ToString(source->term)) + " is not available for " +
                                  target->catalog_item_id + ".");
  const Offer* source_offer = source->offer;
  const Period source_nominal = NominalCycle(*source);
  const Period source_period{today, source->cycle.end};
  const Fraction source_share = Share(source_nominal, source->billing, today);
  const uint32_t ref = ledger_.NewReference();

  if (into != nullptr) {
    Charge(*source, *source_offer, ChargeType::MoveQuantity, ref, source_period, source->unit_price, source_share,
           quantity, PolicyKey::kRoundingMoveQuantity, true);
    Charge(*into, *into->offer, ChargeType::MoveQuantity, ref, Period{today, into->cycle.end}, into->unit_price,
           Share(NominalCycle(*into), into->billing, today), quantity, PolicyKey::kRoundingMoveQuantity, false);
    into->quantity += quantity;
    source->quantity -= quantity;
    ConsumeBatches(*source, quantity);
    source->next_term.reset();
    if (source->quantity == 0) {
      clock_.Cancel(source->next_timer);
      source->status = SubscriptionStatus::Deleted;
      source->auto_renew = false;
    }
    Touch(*source);
    Touch(*into);
    Journal(JournalKind::Upgraded, source->index, into->index);
    return into;
  }

  Charge(*source, *source_offer, ChargeType::Convert, ref, source_period, source->unit_price, source_share, quantity,
         PolicyKey::kRoundingConvert, true);
  if (quantity == source->quantity) {
    // A full upgrade happens in place: same subscription, new product.
    source->offer = target;
    source->unit_price = *target_price;
    source->promotion_id.clear();
    source->friendly_name = target->sku->title;
    source->next_term.reset();
    source->scheduled_action.reset();
    Touch(*source);
    Charge(*source, *target, ChargeType::Convert, ref, source_period, source->unit_price, source_share, quantity,
           PolicyKey::kRoundingConvert, false);
    Journal(JournalKind::Upgraded, source->index, source->index);
    return source;
  }
  // A partial upgrade creates a coterminous subscription that inherits the
  // source's cancellation window (New commerce cancellation policy).
  auto created = std::make_unique<Subscription>();
  Subscription& s = *created;
  s.index = static_cast<uint32_t>(subscriptions_.size());
  s.id = random_.Guid();
  s.customer = source->customer;
  s.order = source->order;
  s.reseller_id = source->reseller_id;
  s.offer = target;
  s.friendly_name = target->sku->title;
  s.quantity = quantity;
  s.term = source->term;
  s.billing = source->billing;
  s.created = Now();
  s.last_updated = Now();
  s.term_start = source->term_start;
  s.term_end = source->term_end;
  s.cycle_anchor = source->cycle_anchor;
  s.cycle = source->cycle;
  s.cycle_index = source->cycle_index;
  s.custom_term_end = source->custom_term_end;
  s.window_start = source->window_start;
  s.unit_price = *target_price;
  s.auto_renew = source->auto_renew;
  AddSubscription(std::move(created));
  ScheduleBackfillOf(s);
  source->quantity -= quantity;
  ConsumeBatches(*source, quantity);
  source->next_term.reset();
  Touch(*source);
  Charge(s, *target, ChargeType::Convert, ref, source_period, s.unit_price, source_share, quantity,
         PolicyKey::kRoundingConvert, false);
  ScheduleNextBoundary(s);
  Journal(JournalKind::Upgraded, source->index, s.index);
  return &s;
}

Status Sandbox::ChangeBillingPlan(std::string_view subscription_id, Billing billing) {
  Subscription* sub = Mutable(subscription_id);
  if (sub == nullptr) return SubscriptionNotFound(subscription_id);
  PCSIM_RETURN_IF_ERROR(CheckChangeable(*sub, false));
  const Date today = Today();
  if (billing == sub->billing) {
    if (sub->pending_billing) {
      sub->pending_billing.reset();
      Touch(*sub);
    }
    return OkStatus();
  }
  if (sub->in_est)
    return BadRequest(800097, "The billing plan can't change during an Extended Service Term.");
  if (!IsValidPair(sub->term, billing))
    return BadRequest(800097, "A " + std::string(ToString(sub->term)) + " term can't be billed " +
                                  std::string(ToString(billing)) + ".");
  if (sub->term == Term::P3Y && !policy_.Bool(PolicyKey::kTriennialMidTermBillingChangeAllowed, today))
    return BadRequest(800097, "Mid-term billing frequency changes of triennial terms are not allowed; schedule the "
                              "change for the next term instead.");
  if (BillingMonths(sub->billing) >= TermMonths(sub->term))
    return BadRequest(800097, "The billing cycle of a term billed upfront can only change at renewal; use "
                              "scheduledNextTermInstructions.");
  if (!catalog_->PriceAt(*sub->offer, sub->term, billing, sub->term_start) &&
      !catalog_->PriceAt(*sub->offer, sub->term, billing, today))
    return BadRequest(800097, "The billing cycle " + std::string(ToString(billing)) + " is not available for " +
                                  sub->offer->catalog_item_id + ".");
  sub->pending_billing = billing;
  Touch(*sub);
  Journal(JournalKind::BillingPlanChangeScheduled, sub->index);
  return OkStatus();
}

Status Sandbox::ChangeTerm(std::string_view subscription_id, Term term, std::optional<Billing> billing) {
  Subscription* sub = Mutable(subscription_id);
  if (sub == nullptr) return SubscriptionNotFound(subscription_id);
  PCSIM_RETURN_IF_ERROR(CheckChangeable(*sub, false));
  if (sub->is_trial) return BadRequest(800107, "Term changes are not supported for trial offers.");
  // From EST any term starts anew (section 8); otherwise only a longer one.
  const bool from_est = sub->in_est;
  if (!from_est) {
    if (TermMonths(term) < TermMonths(sub->term))
      return BadRequest(800122, "The target term " + std::string(ToString(term)) +
                                    " is shorter than the current term " + std::string(ToString(sub->term)) + ".");
    if (term == sub->term)
      return BadRequest(800121, "The subscription already has term " + std::string(ToString(term)) + ".");
  }
  const Date today = Today();
  const Billing current_billing = from_est ? sub->pre_est_billing : sub->billing;
  Billing new_billing = billing.value_or(IsValidPair(term, current_billing) ? current_billing : Billing::Monthly);
  auto price = IsValidPair(term, new_billing) ? LockedPrice(*sub->offer, term, new_billing, today, "") : std::nullopt;
  if (!price)
    return BadRequest(800121, "The term " + std::string(ToString(term)) + " with billing " +
                                  std::string(ToString(new_billing)) + " is not available for " +
                                  sub->offer->catalog_item_id + ".");
  // A convert refund of the rest of the current cycle (or EST month), then a
  // convert charge for the first cycle of the new term starting today.
  uint32_t ref = ledger_.NewReference();
  if (from_est) {
    RefundRestOfEstMonth(*sub, ChargeType::Convert, ref, PolicyKey::kRoundingConvert);
  } else {
    Charge(*sub, *sub->offer, ChargeType::Convert, ref, Period{today, sub->cycle.end}, sub->unit_price,
           Share(NominalCycle(*sub), sub->billing, today), sub->quantity, PolicyKey::kRoundingConvert, true);
  }
  clock_.Cancel(sub->next_timer);
  sub->in_est = false;
  sub->term = term;
  sub->billing = new_billing;
  sub->unit_price = *price;
  sub->promotion_id.clear();
  if (from_est) {
    sub->auto_renew = true;
    sub->scheduled_action.reset();
    sub->refundable.clear();
  }
  StartTerm(*sub, today, std::nullopt);
  sub->window_start = Now();
  sub->pending_billing.reset();
  sub->next_term.reset();
  Touch(*sub);
  Journal(JournalKind::TermChanged, sub->index);
  Charge(*sub, *sub->offer, ChargeType::Convert, ref, sub->cycle, sub->unit_price, Fraction::Whole(), sub->quantity,
         PolicyKey::kRoundingConvert, false);
  ScheduleNextBoundary(*sub);
  return OkStatus();
}

StatusOr<const Subscription*> Sandbox::ConvertTrial(const ConvertTrialRequest& request) {
  Subscription* sub = Mutable(request.subscription_id);
  if (sub == nullptr) return SubscriptionNotFound(request.subscription_id);
  PCSIM_RETURN_IF_ERROR(CheckChangeable(*sub, false));
  if (!sub->is_trial) return BadRequest(800002, "Invalid request input: subscription " + sub->id + " is not a trial.");
  const Customer& customer = *customers_[sub->customer];
  std::string item = request.target_catalog_item_id.empty() ? sub->offer->sku->trial_converts_to
                                                            : request.target_catalog_item_id;
  const Offer* target = ResolveOffer(item, customer.country());
  if (target == nullptr || target->sku->is_trial)
    return NotFound(400019, "The paid offer " + item + " to convert the trial into was not found.");
  const Date today = Today();
  Term term = request.term.value_or(catalog_->HasTerm(*target, Term::P1M, today) ? Term::P1M : Term::P1Y);
  Billing billing = request.billing.value_or(Billing::Monthly);
  auto price = IsValidPair(term, billing) ? LockedPrice(*target, term, billing, today, "") : std::nullopt;
  if (!price)
    return BadRequest(800121, "The term " + std::string(ToString(term)) + " with billing " +
                                  std::string(ToString(billing)) + " is not available for " + target->catalog_item_id + ".");
  int quantity = request.quantity.value_or(sub->quantity);
  if (quantity < target->sku->minimum_quantity || quantity > target->sku->maximum_quantity)
    return BadRequest(900275, "The requested quantity " + std::to_string(quantity) + " is not within the allowed quantity.");
  uint32_t ref = ledger_.NewReference();
  Charge(*sub, *sub->offer, ChargeType::Convert, ref, Period{today, sub->cycle.end}, sub->unit_price,
         Share(NominalCycle(*sub), sub->billing, today), sub->quantity, PolicyKey::kRoundingConvert, true);
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
  Charge(*sub, *target, ChargeType::Convert, ref, sub->cycle, sub->unit_price, Fraction::Whole(), quantity,
         PolicyKey::kRoundingConvert, false);
  ScheduleNextBoundary(*sub);
  return sub;
}

}  // namespace pcsim
