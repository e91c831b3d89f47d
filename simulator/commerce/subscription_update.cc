// A whole subscription PATCH as one command (Update a subscription by ID):
// the plan checks every field against the subscription as the earlier parts of
// the same request leave it, then the steps are applied in order. A refused
// update changes nothing.
#include <algorithm>

#include "simulator/commerce/sandbox.h"

namespace pcsim {

// What one update will do, every step already checked.
struct Sandbox::UpdatePlan {
  enum class StatusChange { None, Cancel, Suspend, Reactivate };
  StatusChange status = StatusChange::None;
  std::optional<int> quantity;
  std::optional<Billing> billing;  // the plan from the next cycle (the current one clears a pending change)
  std::optional<ActionStep> action;
  std::optional<AutoRenewStep> auto_renew;
  // Set (or, with an empty inner optional, delete) the next-term instructions.
  std::optional<std::optional<NextTermInstructions>> next_term;
  std::optional<std::string> friendly_name;
};

namespace {

bool SameInstructions(const NextTermInstructions& a, const NextTermInstructions& b) {
  return a.offer == b.offer && a.term == b.term && a.billing == b.billing && a.quantity == b.quantity &&
         a.custom_term_end == b.custom_term_end && a.promotion_id == b.promotion_id;
}

// Whether a requested term-end action leaves the current one as it is. An
// action with instructions is always set again (its instructions are the
// next term's).
bool SameAction(const std::optional<ScheduledAction>& wanted, const std::optional<ScheduledAction>& existing) {
  return wanted.has_value() == existing.has_value() &&
         (!wanted || (wanted->action == existing->action && wanted->schedule == existing->schedule &&
                      !wanted->instructions));
}

// Whether a requested action is exactly the current one, instructions
// included (who set it aside): a body sent back as it was read.
bool EqualAction(const std::optional<ScheduledAction>& wanted, const std::optional<ScheduledAction>& existing) {
  if (wanted.has_value() != existing.has_value()) return false;
  if (!wanted) return true;
  if (wanted->action != existing->action || wanted->schedule != existing->schedule ||
      wanted->effective_date != existing->effective_date ||
      wanted->instructions.has_value() != existing->instructions.has_value())
    return false;
  return !wanted->instructions || SameInstructions(*wanted->instructions, *existing->instructions);
}

}  // namespace

StatusOr<NextTermInstructions> Sandbox::ResolveNextTerm(const Subscription& sub, const NextTermRequest& request) const {
  NextTermInstructions next;
  const std::string item = request.product_id + ":" + request.sku_id + ":" + request.availability_id;
  next.offer = catalog_->FindOffer(item, customers_[sub.customer]->country());
  if (next.offer == nullptr) return NotFound(400019, "Availability " + item + " was not found.");
  next.term = request.term.value_or(sub.term);
  next.billing = request.billing.value_or(sub.billing);
  const int64_t quantity = request.quantity.value_or(sub.quantity);
  if (quantity < 1 || quantity > INT32_MAX)
    return BadRequest(900275, "The requested quantity " + std::to_string(quantity) +
                                  " of scheduledNextTermInstructions is not within the allowed quantity.");
  next.quantity = static_cast<int>(quantity);
  next.promotion_id = request.promotion_id;
  next.custom_term_end = request.custom_term_end;
  return next;
}

StatusOr<std::optional<ScheduledAction>> Sandbox::ResolveAction(
    const Subscription& sub, const std::optional<ScheduledActionRequest>& request) const {
  if (!request) return std::optional<ScheduledAction>();
  ScheduledAction action;
  action.schedule = request->schedule;
  action.action = request->action;
  action.effective_date = request->effective_date;
  if (request->instructions) {
    auto next = ResolveNextTerm(sub, *request->instructions);
    if (!next.ok()) return next.status();
    action.instructions = *next;
  }
  return std::optional<ScheduledAction>(std::move(action));
}

StatusOr<Sandbox::UpdatePlan> Sandbox::PlanUpdate(const Subscription& sub, const SubscriptionUpdate& u) const {
  // Every value the request names is resolved first, whatever it is used for.
  std::optional<NextTermInstructions> body_next_term;
  if (u.next_term) {
    auto next = ResolveNextTerm(sub, *u.next_term);
    if (!next.ok()) return next.status();
    body_next_term = *next;
  }
  std::optional<std::optional<ScheduledAction>> wanted_action;
  if (u.scheduled_action) {
    auto action = ResolveAction(sub, *u.scheduled_action);
    if (!action.ok()) return action.status();
    wanted_action = *action;
  }
  if (u.quantity && (*u.quantity < 1 || *u.quantity > INT32_MAX))
    return BadRequest(900275, "The requested quantity " + std::to_string(*u.quantity) +
                                  " is not within the allowed quantity.");
  // The term never shortens mid-term (800122, as a transition answers); a
  // longer one is a transition, not an update (800121).
  if (u.term && TermMonths(*u.term) < TermMonths(sub.term))
    return BadRequest(800122, "The target term " + std::string(ToString(*u.term)) +
                                  " is shorter than the current term " + std::string(ToString(sub.term)) + ".");
  if (u.term && *u.term != sub.term)
    return BadRequest(800121, "The term can't be changed with update-subscription; POST a transition to the same "
                              "catalog item with the longer termDuration.");

  UpdatePlan plan;
  // The subscription as the planned steps leave it: each later step is
  // checked against it.
  Subscription view = sub;
  if (u.friendly_name && *u.friendly_name != sub.friendly_name) {
    PCSIM_RETURN_IF_ERROR(CheckFriendlyName(view, *u.friendly_name));
    plan.friendly_name = *u.friendly_name;
  }

  // 1. Status: cancel, suspend or reactivate.
  if (u.status && *u.status != sub.status) {
    switch (*u.status) {
      case SubscriptionStatus::Deleted:
        PCSIM_RETURN_IF_ERROR(CheckCancel(view));
        plan.status = UpdatePlan::StatusChange::Cancel;
        break;
      case SubscriptionStatus::Suspended:
        PCSIM_RETURN_IF_ERROR(CheckSuspend(view));
        plan.status = UpdatePlan::StatusChange::Suspend;
        break;
      case SubscriptionStatus::Active:
        PCSIM_RETURN_IF_ERROR(CheckReactivate(view));
        plan.status = UpdatePlan::StatusChange::Reactivate;
        view.status = SubscriptionStatus::Active;
        break;
      case SubscriptionStatus::Expired:
      case SubscriptionStatus::Disabled:
        return BadRequest(800096, "Can't update the subscription status to " + std::string(ToString(*u.status)) + ".");
    }
  }
  if (plan.status == UpdatePlan::StatusChange::Cancel || plan.status == UpdatePlan::StatusChange::Suspend) {
    // A cancellation or suspension decides auto-renew, instructions and the
    // action itself; the request may rename the subscription, but anything
    // else it changes contradicts it.
    const char* what = plan.status == UpdatePlan::StatusChange::Cancel ? "cancels" : "suspends";
    auto refuse = [&](int code, const std::string& field) {
      return BadRequest(code, "Can't change " + field + " in a request that " + what + " the subscription; send " +
                                  field + " as it is, or change it in a request of its own.");
    };
    if (u.quantity && *u.quantity != sub.quantity) return refuse(800095, "quantity");
    if ((u.billing && *u.billing != sub.billing) ||
        (u.next_charge_billing && *u.next_charge_billing != sub.pending_billing.value_or(sub.billing)))
      return refuse(800097, "the billing cycle");
    if (u.auto_renew.value_or(false) && !sub.auto_renew) return refuse(800093, "autoRenewEnabled");
    if (wanted_action && !EqualAction(*wanted_action, sub.scheduled_action)) return refuse(800002, "scheduledActions");
    if (body_next_term && !(sub.next_term && SameInstructions(*sub.next_term, *body_next_term)))
      return refuse(800002, "scheduledNextTermInstructions");
    return plan;
  }

  // 2. Seats.
  if (u.quantity && *u.quantity != view.quantity) {
    const int quantity = static_cast<int>(*u.quantity);
    PCSIM_RETURN_IF_ERROR(CheckQuantity(view, quantity));
    plan.quantity = quantity;
    view.quantity = quantity;
    view.next_term.reset();  // any mid-term change deletes scheduled changes
  }

  // 3. Billing plan: billingCycle or nextChargeInstructions take effect at the
  // next cycle boundary; a request without either drops a pending change.
  std::optional<Billing> billing = u.next_charge_billing;
  if (u.billing && *u.billing != view.billing) billing = u.billing;
  if (billing) {
    PCSIM_RETURN_IF_ERROR(CheckBillingPlan(view, *billing));
    plan.billing = *billing;
  } else if (view.pending_billing && view.status == SubscriptionStatus::Active) {
    plan.billing = view.billing;
  }
  if (plan.billing) view.pending_billing = *plan.billing == view.billing ? std::nullopt : plan.billing;

  // 4. The term-end action: left out keeps it, an empty list clears it. A new
  // action decides auto-renew.
  bool renew = u.auto_renew.value_or(false);  // a request without autoRenewEnabled turns it off
  if (wanted_action && !SameAction(*wanted_action, view.scheduled_action)) {
    // Instructions default to the subscription as the steps above leave it.
    auto action = ResolveAction(view, *u.scheduled_action);
    if (!action.ok()) return action.status();
    auto step = PlanScheduledAction(view, *action);
    if (!step.ok()) return step.status();
    ScheduledActionEffects(view, *step);
    plan.action = std::move(*step);
    if (*wanted_action) renew = view.auto_renew;
  }

  // 5. Auto-renew.
  if (renew != view.auto_renew &&
      (view.status == SubscriptionStatus::Active || view.status == SubscriptionStatus::Suspended)) {
    auto step = PlanAutoRenew(view, renew);
    if (!step.ok()) return step.status();
    AutoRenewEffects(view, *step);
    plan.auto_renew = *step;
  }

  // 6. Next-term instructions (unless the action carried them): left out
  // deletes them.
  const bool action_carries_instructions = wanted_action && *wanted_action && (*wanted_action)->instructions;
  if (!action_carries_instructions) {
    if (u.next_term) {
      auto next = ResolveNextTerm(view, *u.next_term);  // defaults from the subscription as it will be
      if (!next.ok()) return next.status();
      if (!view.next_term || !SameInstructions(*view.next_term, *next)) {
        PCSIM_RETURN_IF_ERROR(CheckNextTerm(view, *next));
        plan.next_term = std::optional<NextTermInstructions>(*next);
        view.next_term = *next;
      }
    } else if (view.next_term && view.status == SubscriptionStatus::Active) {
      PCSIM_RETURN_IF_ERROR(CheckNextTerm(view, std::nullopt));
      plan.next_term = std::optional<NextTermInstructions>();
      view.next_term.reset();
    }
  }
  // 7. The friendly name was checked first (it needs no other step).
  return plan;
}

void Sandbox::ApplyUpdate(Subscription& sub, const UpdatePlan& plan) {
  switch (plan.status) {
    case UpdatePlan::StatusChange::Cancel:
      if (plan.friendly_name) ApplyFriendlyName(sub, *plan.friendly_name);
      ApplyCancel(sub);
      return;
    case UpdatePlan::StatusChange::Suspend:
      ApplySuspend(sub);
      if (plan.friendly_name) ApplyFriendlyName(sub, *plan.friendly_name);
      return;
    case UpdatePlan::StatusChange::Reactivate: ApplyReactivate(sub); break;
    case UpdatePlan::StatusChange::None: break;
  }
  if (plan.quantity) ApplyQuantity(sub, *plan.quantity);
  if (plan.billing) ApplyBillingPlan(sub, *plan.billing);
  if (plan.action) ApplyScheduledAction(sub, *plan.action);
  if (plan.auto_renew) ApplyAutoRenew(sub, *plan.auto_renew);
  if (plan.next_term) ApplyNextTerm(sub, *plan.next_term);
  if (plan.friendly_name) ApplyFriendlyName(sub, *plan.friendly_name);
}

Status Sandbox::UpdateSubscription(const SubscriptionUpdate& update) {
  Subscription* sub = Mutable(update.subscription_id);
  if (sub == nullptr) return NotFound(20003, "Subscription with ID " + update.subscription_id + " not found.");
  auto plan = PlanUpdate(*sub, update);
  if (!plan.ok()) return plan.status();
  ApplyUpdate(*sub, *plan);
  return OkStatus();
}

}  // namespace pcsim
