// A whole subscription PATCH as one command (Update a subscription by ID):
// the plan checks every field against the subscription as the earlier parts of
// the same request leave it, then the steps are applied in order. A refused
// update changes nothing.
#include <algorithm>

#include "simulator/model/errors.h"
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
  if (next.offer == nullptr) return Error<Err::AvailabilityNotFound>(item);
  next.term = request.term.value_or(sub.term);
  next.billing = request.billing.value_or(sub.billing);
  const int64_t quantity = request.quantity.value_or(sub.quantity);
  if (quantity < 1 || quantity > INT32_MAX)
    return Error<Err::NextTermQuantity>(std::to_string(quantity));
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

// PlanUpdate's steps, in the order they apply. Each checks the request
// against `view_`, the subscription as the earlier steps leave it, and adds
// to `plan_`; the first refusal ends the plan.
class Sandbox::UpdatePlanner {
 public:
  UpdatePlanner(const Sandbox& sandbox, const Subscription& sub, const SubscriptionUpdate& u)
      : sandbox_(sandbox), sub_(sub), u_(u), view_(sub) {}

  StatusOr<UpdatePlan> Plan() {
    PCSIM_RETURN_IF_ERROR(ResolveRequest());
    PCSIM_RETURN_IF_ERROR(PlanFriendlyName());
    PCSIM_RETURN_IF_ERROR(PlanStatus());
    if (plan_.status == UpdatePlan::StatusChange::Cancel || plan_.status == UpdatePlan::StatusChange::Suspend) {
      PCSIM_RETURN_IF_ERROR(CheckEndingKeepsTheRest());
      return plan_;
    }
    PCSIM_RETURN_IF_ERROR(PlanSeats());
    PCSIM_RETURN_IF_ERROR(PlanBilling());
    // A request without autoRenewEnabled turns it off; a new action decides it.
    bool renew = u_.auto_renew.value_or(false);
    PCSIM_RETURN_IF_ERROR(PlanAction(renew));
    PCSIM_RETURN_IF_ERROR(PlanAutoRenew(renew));
    PCSIM_RETURN_IF_ERROR(PlanNextTerm());
    return plan_;
  }

 private:
  // Every value the request names is resolved first, whatever it is used
  // for, and the term is never changed by an update.
  Status ResolveRequest() {
    if (u_.next_term) {
      auto next = sandbox_.ResolveNextTerm(sub_, *u_.next_term);
      if (!next.ok()) return next.status();
      body_next_term_ = *next;
    }
    if (u_.scheduled_action) {
      auto action = sandbox_.ResolveAction(sub_, *u_.scheduled_action);
      if (!action.ok()) return action.status();
      wanted_action_ = *action;
    }
    if (u_.quantity && (*u_.quantity < 1 || *u_.quantity > INT32_MAX))
      return Error<Err::QuantityNotAllowed>(std::to_string(*u_.quantity));
    // The term never shortens mid-term (800122, as a transition answers); a
    // longer one is a transition, not an update (800121).
    if (u_.term && TermMonths(*u_.term) < TermMonths(sub_.term))
      return Error<Err::TermShorter>(std::string(ToString(*u_.term)), std::string(ToString(sub_.term)));
    if (u_.term && *u_.term != sub_.term) return Error<Err::TermLengthenByPatch>();
    return OkStatus();
  }

  // The friendly name needs no other step; it is checked first.
  Status PlanFriendlyName() {
    if (!u_.friendly_name || *u_.friendly_name == sub_.friendly_name) return OkStatus();
    PCSIM_RETURN_IF_ERROR(sandbox_.CheckFriendlyName(view_, *u_.friendly_name));
    plan_.friendly_name = *u_.friendly_name;
    return OkStatus();
  }

  // 1. Status: cancel, suspend or reactivate.
  Status PlanStatus() {
    if (!u_.status || *u_.status == sub_.status) return OkStatus();
    switch (*u_.status) {
      case SubscriptionStatus::Deleted:
        PCSIM_RETURN_IF_ERROR(sandbox_.CheckCancel(view_));
        plan_.status = UpdatePlan::StatusChange::Cancel;
        return OkStatus();
      case SubscriptionStatus::Suspended:
        PCSIM_RETURN_IF_ERROR(sandbox_.CheckSuspend(view_));
        plan_.status = UpdatePlan::StatusChange::Suspend;
        return OkStatus();
      case SubscriptionStatus::Active:
        PCSIM_RETURN_IF_ERROR(sandbox_.CheckReactivate(view_));
        plan_.status = UpdatePlan::StatusChange::Reactivate;
        view_.status = SubscriptionStatus::Active;
        return OkStatus();
      case SubscriptionStatus::Expired:
      case SubscriptionStatus::Disabled:
        break;
    }
    return Error<Err::StatusChangeInvalid>(std::string(ToString(*u_.status)));
  }

  // A cancellation or suspension decides auto-renew, instructions and the
  // action itself; the request may rename the subscription, but anything else
  // it changes contradicts it.
  Status CheckEndingKeepsTheRest() const {
    const char* what = plan_.status == UpdatePlan::StatusChange::Cancel ? "cancels" : "suspends";
    if (u_.quantity && *u_.quantity != sub_.quantity) return Error<Err::EndingKeepsQuantity>(what);
    if ((u_.billing && *u_.billing != sub_.billing) ||
        (u_.next_charge_billing && *u_.next_charge_billing != sub_.pending_billing.value_or(sub_.billing)))
      return Error<Err::EndingKeepsBilling>(what);
    if (u_.auto_renew.value_or(false) && !sub_.auto_renew) return Error<Err::EndingKeepsAutoRenew>(what);
    if (wanted_action_ && !EqualAction(*wanted_action_, sub_.scheduled_action))
      return Error<Err::EndingKeepsInstructions>(what, "scheduledActions", "scheduledActions");
    if (body_next_term_ && !(sub_.next_term && SameInstructions(*sub_.next_term, *body_next_term_)))
      return Error<Err::EndingKeepsInstructions>(what, "scheduledNextTermInstructions",
                                                 "scheduledNextTermInstructions");
    return OkStatus();
  }

  // 2. Seats.
  Status PlanSeats() {
    if (!u_.quantity || *u_.quantity == view_.quantity) return OkStatus();
    const int quantity = static_cast<int>(*u_.quantity);
    PCSIM_RETURN_IF_ERROR(sandbox_.CheckQuantity(view_, quantity));
    plan_.quantity = quantity;
    view_.quantity = quantity;
    view_.next_term.reset();  // any mid-term change deletes scheduled changes
    return OkStatus();
  }

  // 3. Billing plan: billingCycle or nextChargeInstructions take effect at the
  // next cycle boundary; a request without either drops a pending change.
  Status PlanBilling() {
    std::optional<Billing> billing = u_.next_charge_billing;
    if (u_.billing && *u_.billing != view_.billing) billing = u_.billing;
    if (billing) {
      PCSIM_RETURN_IF_ERROR(sandbox_.CheckBillingPlan(view_, *billing));
      plan_.billing = *billing;
    } else if (view_.pending_billing && view_.status == SubscriptionStatus::Active) {
      plan_.billing = view_.billing;
    }
    if (plan_.billing) view_.pending_billing = *plan_.billing == view_.billing ? std::nullopt : plan_.billing;
    return OkStatus();
  }

  // 4. The term-end action: left out keeps it, an empty list clears it. A new
  // action decides auto-renew (`renew`).
  Status PlanAction(bool& renew) {
    if (!wanted_action_ || SameAction(*wanted_action_, view_.scheduled_action)) return OkStatus();
    // Instructions default to the subscription as the steps above leave it.
    auto action = sandbox_.ResolveAction(view_, *u_.scheduled_action);
    if (!action.ok()) return action.status();
    auto step = sandbox_.PlanScheduledAction(view_, *action);
    if (!step.ok()) return step.status();
    sandbox_.ScheduledActionEffects(view_, *step);
    plan_.action = std::move(*step);
    if (*wanted_action_) renew = view_.auto_renew;
    return OkStatus();
  }

  // 5. Auto-renew.
  Status PlanAutoRenew(bool renew) {
    if (renew == view_.auto_renew ||
        (view_.status != SubscriptionStatus::Active && view_.status != SubscriptionStatus::Suspended))
      return OkStatus();
    auto step = sandbox_.PlanAutoRenew(view_, renew);
    if (!step.ok()) return step.status();
    sandbox_.AutoRenewEffects(view_, *step);
    plan_.auto_renew = *step;
    return OkStatus();
  }

  // 6. Next-term instructions (unless the action carried them): left out
  // deletes them.
  Status PlanNextTerm() {
    if (wanted_action_ && *wanted_action_ && (*wanted_action_)->instructions) return OkStatus();
    if (u_.next_term) {
      auto next = sandbox_.ResolveNextTerm(view_, *u_.next_term);  // defaults from the subscription as it will be
      if (!next.ok()) return next.status();
      if (!view_.next_term || !SameInstructions(*view_.next_term, *next)) {
        PCSIM_RETURN_IF_ERROR(sandbox_.CheckNextTerm(view_, *next));
        plan_.next_term = std::optional<NextTermInstructions>(*next);
        view_.next_term = *next;
      }
    } else if (view_.next_term && view_.status == SubscriptionStatus::Active) {
      PCSIM_RETURN_IF_ERROR(sandbox_.CheckNextTerm(view_, std::nullopt));
      plan_.next_term = std::optional<NextTermInstructions>();
      view_.next_term.reset();
    }
    return OkStatus();
  }

  const Sandbox& sandbox_;
  const Subscription& sub_;
  const SubscriptionUpdate& u_;
  Subscription view_;
  UpdatePlan plan_;
  std::optional<NextTermInstructions> body_next_term_;
  std::optional<std::optional<ScheduledAction>> wanted_action_;
};

StatusOr<Sandbox::UpdatePlan> Sandbox::PlanUpdate(const Subscription& sub, const SubscriptionUpdate& u) const {
  return UpdatePlanner(*this, sub, u).Plan();
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
  if (sub == nullptr) return Error<Err::SubscriptionNotFound>(update.subscription_id);
  auto plan = PlanUpdate(*sub, update);
  if (!plan.ok()) return plan.status();
  ApplyUpdate(*sub, *plan);
  return OkStatus();
}

}  // namespace pcsim
