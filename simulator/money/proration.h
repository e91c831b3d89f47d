// Proration of a charge over part of a charge cycle, and the two rounding
// modes Microsoft's worked examples use (docs/decisions.md, section 3).
#pragma once

#include <cstdint>

#include "simulator/clock/term_dates.h"
#include "simulator/money/decimal.h"

namespace pcsim {

// Share of the cycle `nominal` covered from `from` (inclusive) to its end:
// - a one-month cycle: days from `from` to `to` inclusive over the cycle's days;
// - a longer cycle (annual, triennial): whole months left plus the days left
//   in the current month over that month's days, divided by the cycle's months.
//   Months are the monthly steps anchored on the cycle start.
Fraction RemainingShare(const Period& nominal, Billing billing, Date from, Date to);
inline Fraction RemainingShare(const Period& nominal, Billing billing, Date from) {
  return RemainingShare(nominal, billing, from, nominal.end);
}

// A share of a cycle with what it was counted from, for an explanation of a
// charge (Sandbox::ExplainCharge): `value` is the fraction the charge used.
struct CycleShare {
  enum class Basis : uint8_t {
    Days,    // `days` of the cycle's `cycle_days`
    Months,  // `whole_months` whole months and `days` of a `month_days`-day month, of `cycle_months`
  };
  Basis basis = Basis::Days;
  int64_t days = 0;
  int64_t cycle_days = 0;
  int64_t whole_months = 0;
  int64_t month_days = 0;
  int64_t cycle_months = 0;
  Fraction value;
};
// RemainingShare with its parts: RemainingShare(...) == RemainingShareOf(...).value.
CycleShare RemainingShareOf(const Period& nominal, Billing billing, Date from, Date to);
// By days over a whole cycle of any length (billing.longCycleProration "days").
CycleShare DaysShareOf(const Period& nominal, Date from);

enum class Rounding : uint8_t {
  // effectiveUnitPrice = unitPrice x share (exact); total = ROUNDDOWN(eup x quantity, 2).
  TruncateTotal,
  // effectiveUnitPrice = ROUNDDOWN(unitPrice x share, 2); total = eup x quantity.
  TruncateUnitPrice,
};

struct ProratedAmount {
  ExactAmount effective_unit_price{Decimal{}};  // exact, before display rounding
  Decimal total;
};

// The charge for `quantity` seats at `unit_price` per full cycle over `share`.
// A whole share is charged at the unit price whatever the mode. `refund`
// negates both the unit price and the total (quantity stays positive).
ProratedAmount Prorate(Decimal unit_price, Fraction share, int64_t quantity, Rounding rounding, bool refund);

}  // namespace pcsim
