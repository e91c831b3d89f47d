#include "simulator/commerce/commerce_types.h"

#include <cctype>

namespace pcsim {
namespace {

bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i)
    if (std::tolower(static_cast<unsigned char>(a[i])) != std::tolower(static_cast<unsigned char>(b[i])))
      return false;
  return true;
}

}  // namespace

std::string_view ToString(Environment e) { return e == Environment::Sandbox ? "sandbox" : "production"; }

std::optional<Environment> ParseEnvironment(std::string_view text) {
  if (EqualsIgnoreCase(text, "production")) return Environment::Production;
  if (EqualsIgnoreCase(text, "sandbox")) return Environment::Sandbox;
  return std::nullopt;
}

bool Customer::HasMcaOn(Instant at) const {
  for (const auto& a : agreements)
    if (a.type == "MicrosoftCustomerAgreement" && a.date_agreed <= at) return true;
  return false;
}

bool Customer::HasApprovedQualification(std::string_view name) const {
  for (const auto& q : qualifications)
    if (EqualsIgnoreCase(q.name, name) && q.status == QualificationStatus::Approved) return true;
  return false;
}

std::string_view ToString(OrderStatus s) {
  switch (s) {
    case OrderStatus::Pending: return "pending";
    case OrderStatus::Completed: return "completed";
    case OrderStatus::Cancelled: return "cancelled";
  }
  return "pending";
}

std::string_view ToString(SubscriptionStatus s) {
  switch (s) {
    case SubscriptionStatus::Active: return "active";
    case SubscriptionStatus::Suspended: return "suspended";
    case SubscriptionStatus::Expired: return "expired";
    case SubscriptionStatus::Disabled: return "disabled";
    case SubscriptionStatus::Deleted: return "deleted";
  }
  return "active";
}

std::string_view ToString(ScheduledActionType t) {
  switch (t) {
    case ScheduledActionType::Cancel: return "Cancel";
    case ScheduledActionType::RenewToNewTerm: return "RenewToNewTerm";
    case ScheduledActionType::RenewToExtendedServiceTerm: return "RenewToExtendedServiceTerm";
    case ScheduledActionType::Transition: return "Transition";
  }
  return "Cancel";
}

std::string_view ToString(ScheduleType t) { return t == ScheduleType::TermEnd ? "TermEnd" : "CustomDate"; }

std::string_view ToString(ActionOrigin o) {
  switch (o) {
    case ActionOrigin::Partner: return "partner";
    case ActionOrigin::Backfill: return "backfill";
    case ActionOrigin::AutoRenewOffRule: return "autoRenewOffRule";
  }
  return "partner";
}

// Bits 0-7: the action type + 1 (0: removed); bits 8-15: its origin.
uint32_t ScheduledActionDetail(const ScheduledAction* action) {
  if (action == nullptr) return 0;
  return (static_cast<uint32_t>(action->action) + 1) | static_cast<uint32_t>(action->origin) << 8;
}

std::optional<ScheduledActionType> ScheduledActionOfDetail(uint32_t detail) {
  if ((detail & 0xff) == 0) return std::nullopt;
  return static_cast<ScheduledActionType>((detail & 0xff) - 1);
}

ActionOrigin ActionOriginOfDetail(uint32_t detail) { return static_cast<ActionOrigin>(detail >> 8 & 0xff); }

CycleCalendar Subscription::Calendar() const {
  return CycleCalendar(cycle_anchor, term, billing, term_start, term_end);
}

int Subscription::RefundableQuantity(Instant now) const {
  int total = 0;
  for (const auto& b : refundable)
    if (now < b.refundable_until) total += b.quantity;
  return total;
}

std::string_view ToString(ChargeType t) {
  switch (t) {
    case ChargeType::New: return "new";
    case ChargeType::Renew: return "renew";
    case ChargeType::CycleCharge: return "cycleCharge";
    case ChargeType::AddQuantity: return "addQuantity";
    case ChargeType::RemoveQuantity: return "removeQuantity";
    case ChargeType::MoveQuantity: return "moveQuantity";
    case ChargeType::CancelImmediate: return "cancelImmediate";
    case ChargeType::Convert: return "convert";
    case ChargeType::ChangeBillingPlan: return "changeBillingPlan";
    case ChargeType::CustomerCredit: return "customerCredit";
    case ChargeType::ExtendTerm: return "extendTerm";
  }
  return "new";
}

std::optional<ChargeType> ParseChargeType(std::string_view text) {
  for (int i = 0; i <= static_cast<int>(ChargeType::ExtendTerm); ++i) {
    auto t = static_cast<ChargeType>(i);
    if (EqualsIgnoreCase(text, ToString(t))) return t;
  }
  return std::nullopt;
}

bool UpdatesSubscription(JournalKind k) {
  switch (k) {
    case JournalKind::QuantityChanged:
    case JournalKind::Cancelled:
    case JournalKind::Suspended:
    case JournalKind::Reactivated:
    case JournalKind::AutoRenewChanged:
    case JournalKind::NextTermScheduled:
    case JournalKind::ScheduledActionSet:
    case JournalKind::BillingPlanChangeScheduled:
    case JournalKind::BillingPlanChanged:
    case JournalKind::TermChanged:
    case JournalKind::Renewed:
    case JournalKind::Expired:
    case JournalKind::Disabled:
    case JournalKind::Deleted:
    case JournalKind::ExtendedServiceTermStarted:
      return true;
    default:
      return false;
  }
}

std::string_view ToString(JournalKind k) {
  switch (k) {
    case JournalKind::CustomerCreated: return "customerCreated";
    case JournalKind::AgreementAttested: return "agreementAttested";
    case JournalKind::QualificationAdded: return "qualificationAdded";
    case JournalKind::OrderCreated: return "orderCreated";
    case JournalKind::OrderCompleted: return "orderCompleted";
    case JournalKind::Purchased: return "purchased";
    case JournalKind::QuantityChanged: return "quantityChanged";
    case JournalKind::Cancelled: return "cancelled";
    case JournalKind::Suspended: return "suspended";
    case JournalKind::Reactivated: return "reactivated";
    case JournalKind::AutoRenewChanged: return "autoRenewChanged";
    case JournalKind::NextTermScheduled: return "nextTermScheduled";
    case JournalKind::ScheduledActionSet: return "scheduledActionSet";
    case JournalKind::Upgraded: return "upgraded";
    case JournalKind::BillingPlanChangeScheduled: return "billingPlanChangeScheduled";
    case JournalKind::BillingPlanChanged: return "billingPlanChanged";
    case JournalKind::TermChanged: return "termChanged";
    case JournalKind::TrialConverted: return "trialConverted";
    case JournalKind::Renewed: return "renewed";
    case JournalKind::CycleStarted: return "cycleStarted";
    case JournalKind::Expired: return "expired";
    case JournalKind::Disabled: return "disabled";
    case JournalKind::Deleted: return "deleted";
    case JournalKind::ExtendedServiceTermStarted: return "extendedServiceTermStarted";
    case JournalKind::Charged: return "charged";
    case JournalKind::InvoiceClosed: return "invoiceClosed";
    case JournalKind::UserCreated: return "userCreated";
    case JournalKind::UserDeleted: return "userDeleted";
  }
  return "unknown";
}

}  // namespace pcsim
