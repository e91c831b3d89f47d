// How a charge line's amount was computed (charge_derivation.h): the rule
// of each charge type, the derivation of a line from its own fields, and
// its text.
#include "simulator/commerce/charge_derivation.h"

#include <string>

#include "simulator/commerce/sandbox.h"

namespace pcsim {

PolicyKey RoundingKeyOf(ChargeType type) {
  switch (type) {
    case ChargeType::AddQuantity: return PolicyKey::kRoundingAddQuantity;
    case ChargeType::RemoveQuantity: return PolicyKey::kRoundingRemoveQuantity;
    case ChargeType::CancelImmediate: return PolicyKey::kRoundingCancelImmediate;
    case ChargeType::Convert: return PolicyKey::kRoundingConvert;
    case ChargeType::MoveQuantity: return PolicyKey::kRoundingMoveQuantity;
    case ChargeType::ChangeBillingPlan: return PolicyKey::kRoundingChangeBillingPlan;
    // A whole cycle; prorated only when a custom term end shortens it.
    case ChargeType::New:
    case ChargeType::Renew:
    case ChargeType::CycleCharge:
    // Not written by the simulator (reconciliation vocabulary only).
    case ChargeType::CustomerCredit:
    case ChargeType::ExtendTerm: return PolicyKey::kRoundingShortenedCycle;
  }
  return PolicyKey::kRoundingShortenedCycle;
}

namespace {

// The calendar the line's term was charged on, as StartTerm made it: the
// term's own, or one whose first cycle is shortened to a custom term end.
CycleCalendar CalendarOf(const ChargeLine& line) {
  CycleCalendar own = CycleCalendar::ForTerm(line.subscription_start, line.term, line.billing);
  if (own.term_end() == line.subscription_end) return own;
  return CycleCalendar::WithCustomEnd(line.subscription_start, line.subscription_end, line.term, line.billing);
}

// Money as people write it: the exact value, with at least two decimals.
std::string Amount(Decimal d) {
  d = d.Normalized();
  return (d.scale() < 2 ? d.WithScale(2) : d).ToString();
}

// An exact intermediate value: all of it when it has at most six decimals,
// else its first four decimals (truncated) and an ellipsis.
std::string ExactText(const ExactAmount& e) {
  if (auto exact = e.Exactly(6)) return Amount(*exact);
  return e.RoundDown(4).WithScale(4).ToString() + "\xE2\x80\xA6";
}

bool Equals(const ExactAmount& e, Decimal d) {
  auto exact = e.Exactly();
  return exact && *exact == d;
}

// " / 31 x 29", " / 12 x 9", " / 12 x (10 + 20/31)".
std::string ShareText(const CycleShare& s) {
  if (s.basis == CycleShare::Basis::Days) return " / " + std::to_string(s.cycle_days) + " x " + std::to_string(s.days);
  int64_t months = s.whole_months, days = s.days;
  if (days == s.month_days) ++months, days = 0;  // the whole current month is left
  std::string out = " / " + std::to_string(s.cycle_months) + " x ";
  if (days == 0) return out + std::to_string(months);
  const std::string part = std::to_string(days) + "/" + std::to_string(s.month_days);
  if (months == 0) return out + part;
  return out + "(" + std::to_string(months) + " + " + part + ")";
}

// "29 of 31 days", "9 of 12 months", "10 months and 20 of 31 days, of 12 months".
std::string BasisText(const CycleShare& s) {
  if (s.basis == CycleShare::Basis::Days)
    return std::to_string(s.days) + " of " + std::to_string(s.cycle_days) + " days";
  int64_t months = s.whole_months, days = s.days;
  if (days == s.month_days) ++months, days = 0;
  if (days == 0) return std::to_string(months) + " of " + std::to_string(s.cycle_months) + " months";
  return std::to_string(months) + (months == 1 ? " month" : " months") + " and " + std::to_string(days) + " of " +
         std::to_string(s.month_days) + " days, of " + std::to_string(s.cycle_months) + " months";
}

}  // namespace

ChargeDerivation Sandbox::DeriveCharge(const ChargeLine& line) const {
  ChargeDerivation d;
  d.unit_price = line.unit_price;
  d.quantity = line.quantity;
  d.refund = (line.flags & kLineRefund) != 0;
  d.from = line.charge_start;
  // Every charge covers its cycle from its first day to the cycle's end
  // (Charge's callers pass Share(nominal, billing, period.start)).
  const CycleCalendar calendar = CalendarOf(line);
  d.cycle = calendar.Nominal(calendar.IndexOf(line.charge_start));
  d.share = ShareOf(d.cycle, line.billing, d.from);
  d.long_cycle = BillingMonths(line.billing) > 1;
  if (d.long_cycle) d.long_cycle_proration = policy_.Str(PolicyKey::kLongCycleProration, d.from);
  const Date today = line.order_date.date();
  d.rounding_key = RoundingKeyOf(line.charge_type);
  d.rounding = policy_.RoundingOf(d.rounding_key, today);
  d.amount = AmountOf(line.unit_price, d.share.value, line.quantity, line.charge_type, d.refund, today);
  return d;
}

std::string ExplainDerivation(const ChargeDerivation& d) {
  const Decimal unit = d.refund ? -d.unit_price : d.unit_price;
  const std::string quantity = std::to_string(d.quantity);
  const std::string total = Amount(d.amount.total);
  if (d.share.value.IsWhole()) return Amount(unit) + " x " + quantity + " = " + total + " (whole cycle)";
  const ExactAmount unit_share = ExactAmount(unit).Times(d.share.value);
  const std::string prorated = Amount(unit) + ShareText(d.share);
  std::string out;
  if (d.rounding == Rounding::TruncateTotal) {
    const ExactAmount exact = unit_share.Times(d.quantity);
    out = prorated + " x " + quantity + " = " + ExactText(exact);
    if (!Equals(exact, d.amount.total)) out += " -> " + total;
  } else {
    const Decimal eup = d.amount.truncated_unit_price.value_or(d.amount.effective_unit_price);
    out = prorated + " = " + ExactText(unit_share);
    if (!Equals(unit_share, eup)) out += " -> " + Amount(eup);
    out += "; " + Amount(eup) + " x " + quantity + " = " + total;
  }
  out += " (" + BasisText(d.share);
  if (d.long_cycle) out += "; billing.longCycleProration: " + d.long_cycle_proration;
  out += "; " + std::string(InfoOf(d.rounding_key).name) + ": " + Policy::ToText(d.rounding) + ")";
  return out;
}

}  // namespace pcsim
