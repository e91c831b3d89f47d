#include "simulator/money/proration.h"

#include <cassert>

namespace pcsim {

CycleShare RemainingShareOf(const Period& nominal, Billing billing, Date from, Date to) {
  assert(from >= nominal.start && from <= nominal.end);
  CycleShare share;
  int months = BillingMonths(billing);
  if (months == 1) {
    share.days = to - from + 1;
    share.cycle_days = nominal.Days();
    share.value = {share.days, share.cycle_days};
    return share;
  }
  // Find the monthly step [step_start, next_start) that contains `from`.
  int j = 0;
  Date step_start = nominal.start;
  Date next_start = AnchoredMonthStart(nominal.start, 1);
  while (next_start <= from) {
    ++j;
    step_start = next_start;
    next_start = AnchoredMonthStart(nominal.start, j + 1);
  }
  share.basis = CycleShare::Basis::Months;
  share.month_days = next_start - step_start;
  share.days = next_start - from;
  share.whole_months = months - j - 1;
  share.cycle_months = months;
  share.value = {share.whole_months * share.month_days + share.days, share.month_days * months};
  return share;
}

Fraction RemainingShare(const Period& nominal, Billing billing, Date from, Date to) {
  return RemainingShareOf(nominal, billing, from, to).value;
}

CycleShare DaysShareOf(const Period& nominal, Date from) {
  CycleShare share;
  share.days = nominal.end - from + 1;
  share.cycle_days = nominal.Days();
  share.value = {share.days, share.cycle_days};
  return share;
}

ProratedAmount Prorate(Decimal unit_price, Fraction share, int64_t quantity, Rounding rounding, bool refund) {
  ProratedAmount out;
  if (share.IsWhole()) {
    out.effective_unit_price = ExactAmount(unit_price);
    out.total = unit_price * quantity;
  } else if (rounding == Rounding::TruncateTotal) {
    out.effective_unit_price = ExactAmount(unit_price).Times(share);
    out.total = out.effective_unit_price.Times(quantity).RoundDown(2);
  } else {
    Decimal eup = ExactAmount(unit_price).Times(share).RoundDown(2);
    out.effective_unit_price = ExactAmount(eup);
    out.total = eup * quantity;
  }
  if (refund) {
    // The same value; a whole share skips the reduction of an amount that is
    // just the unit price.
    out.effective_unit_price = share.IsWhole() ? ExactAmount(-unit_price) : out.effective_unit_price.Times(-1);
    out.total = -out.total;
  }
  return out;
}

}  // namespace pcsim
