// How a charge line's amount was computed (docs/decisions.md, section 3),
// for an auditor: the unit price, the part of the charge cycle, the
// quantity and the rounding rule with its policy key. Sandbox::DeriveCharge
// finds them from the line itself (its dates, term and billing) with the
// functions Sandbox::Charge used, and computes the amount again with them;
// ExplainCharge writes it as text ("10.08 / 30 x 28 x 12 = 112.896 -> 112.89
// (...)"). Everything is exact: no binary float.
#pragma once

#include <optional>
#include <string>

#include "simulator/clock/term_dates.h"
#include "simulator/commerce/commerce_types.h"
#include "simulator/money/decimal.h"
#include "simulator/money/proration.h"
#include "simulator/policy/policy.h"

namespace pcsim {

// The rounding rule of a charge type: billing.rounding.<type>. A whole cycle
// (new, renew, cycleCharge) is charged at the unit price whatever the rule;
// when such a first cycle is shortened (a custom term end), the rule is
// billing.rounding.shortenedCycle. Sandbox::Charge takes the rule from here.
PolicyKey RoundingKeyOf(ChargeType type);

// The amount of a line and its displayed effectiveUnitPrice.
struct LineAmount {
  Decimal effective_unit_price;  // rounded half up to billing.effectiveUnitPriceDecimals
  Decimal total;
  // truncate-unit-price only: the unit price the total is that times the
  // quantity of, ROUNDDOWN(unitPrice x share, 2).
  std::optional<Decimal> truncated_unit_price;
};

struct ChargeDerivation {
  Decimal unit_price;  // per whole cycle, as the line carries it (positive)
  int64_t quantity = 0;
  bool refund = false;  // the unit price and the total are negated
  Period cycle;         // the cycle as the price list sees it (unclipped)
  Date from;            // the first day charged (the line's chargeStartDate)
  CycleShare share;     // from `from` to the cycle's end
  // The share's policy: billing.longCycleProration, for annual and triennial
  // cycles only (a monthly cycle always counts days).
  bool long_cycle = false;
  std::string long_cycle_proration;  // "months" or "days"
  PolicyKey rounding_key = PolicyKey::kRoundingShortenedCycle;
  Rounding rounding = Rounding::TruncateTotal;
  // Computed again from the above, as Sandbox::Charge computes a line.
  LineAmount amount;
};

// The derivation as one line of text (exact strings in
// tests/unit/commerce/charge_derivation_test.cc):
//   whole cycle:        "37.80 x 10 = 378.00 (whole cycle)"
//   truncate-total:     "10.08 / 30 x 28 x 12 = 112.896 -> 112.89 (28 of 30 days; billing.rounding.addQuantity: truncate-total)"
//   truncate-unit-price "37.80 / 31 x 29 = 35.3612... -> 35.36; 35.36 x 10 = 353.60 (29 of 31 days; ...)"
// A refund writes the unit price negative ("-10.08 / 30 x 28 x 10 = -94.08").
// Months read "/ 12 x (10 + 20/31)": 10 whole months and 20 days of a
// 31-day month, of 12. A value that has more than six decimals is written
// truncated to four, followed by an ellipsis (U+2026).
std::string ExplainDerivation(const ChargeDerivation& d);

}  // namespace pcsim
