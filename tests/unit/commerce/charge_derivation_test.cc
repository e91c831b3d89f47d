// How a charge line's amount was computed (charge_derivation.h): the
// derivation Sandbox::DeriveCharge finds from a line reproduces the line, and
// its text is exact (docs/decisions.md, section 3).
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "simulator/commerce/charge_derivation.h"
#include "tests/unit/testing/sandbox_fixture.h"

namespace pcsim::testing {
namespace {

class ChargeDerivationTest : public SandboxTest {
 protected:
  // Every line of the ledger is derived again to its stored amounts.
  void ExpectEveryLineReproduced() {
    for (const ChargeLine* line : AllLines()) {
      const ChargeDerivation d = sandbox->DeriveCharge(*line);
      EXPECT_EQ(d.amount.total, line->total.value()) << sandbox->ExplainCharge(*line);
      EXPECT_EQ(d.amount.effective_unit_price, line->effective_unit_price.value()) << sandbox->ExplainCharge(*line);
    }
  }
};

TEST_F(ChargeDerivationTest, AWholeCycleIsTheUnitPriceTimesTheQuantity) {
  Start("2026-01-01");
  auto customer = AddCustomer("US");
  const auto& sub = Buy(customer, kMicrosoft365E3, 10, Term::P1Y, Billing::Monthly);
  auto lines = Lines(sub, ChargeType::New);
  ASSERT_EQ(lines.size(), 1u);
  EXPECT_EQ(sandbox->ExplainCharge(*lines[0]), "37.80 x 10 = 378.00 (whole cycle)");
  const ChargeDerivation d = sandbox->DeriveCharge(*lines[0]);
  EXPECT_TRUE(d.share.value.IsWhole());
  EXPECT_EQ(d.cycle.start, Day("2026-01-01"));
  EXPECT_EQ(d.cycle.end, Day("2026-01-31"));
  AdvanceTo("2026-02-01T01:00:00Z");
  lines = Lines(sub, ChargeType::CycleCharge);
  ASSERT_EQ(lines.size(), 1u);
  EXPECT_EQ(sandbox->ExplainCharge(*lines[0]), "37.80 x 10 = 378.00 (whole cycle)");
  ExpectEveryLineReproduced();
}

TEST_F(ChargeDerivationTest, AProratedSeatAddTruncatesTheTotal) {
  Start("2026-01-01");
  auto customer = AddCustomer("US");
  const auto& sub = Buy(customer, kMicrosoft365E3, 10, Term::P1Y, Billing::Monthly);
  AdvanceTo("2026-01-03T10:00:00Z");
  ASSERT_TRUE(sandbox->ChangeQuantity(sub.id, 12).ok());
  auto lines = Lines(sub, ChargeType::AddQuantity);
  ASSERT_EQ(lines.size(), 2u);
  // 37.80 x 29/31 = 35.36129..., x 10 = 353.6129... -> 353.61; x 12 = 424.3354... -> 424.33.
  EXPECT_EQ(sandbox->ExplainCharge(*lines[0]),
            "-37.80 / 31 x 29 x 10 = -353.6129\xE2\x80\xA6 -> -353.61 "
            "(29 of 31 days; billing.rounding.addQuantity: truncate-total)");
  EXPECT_EQ(sandbox->ExplainCharge(*lines[1]),
            "37.80 / 31 x 29 x 12 = 424.3354\xE2\x80\xA6 -> 424.33 "
            "(29 of 31 days; billing.rounding.addQuantity: truncate-total)");
  const ChargeDerivation d = sandbox->DeriveCharge(*lines[1]);
  EXPECT_EQ(d.share.value, (Fraction{29, 31}));
  EXPECT_EQ(d.rounding_key, PolicyKey::kRoundingAddQuantity);
  EXPECT_EQ(d.rounding, Rounding::TruncateTotal);
  ExpectEveryLineReproduced();
}

TEST_F(ChargeDerivationTest, ARefundTruncatesTheUnitPriceFirst) {
  Start("2026-01-01");
  auto customer = AddCustomer("US");
  const auto& sub = Buy(customer, kMicrosoft365E3, 10, Term::P1Y, Billing::Monthly);
  AdvanceTo("2026-01-03T10:00:00Z");
  ASSERT_TRUE(sandbox->Cancel(sub.id).ok());
  auto lines = Lines(sub, ChargeType::CancelImmediate);
  ASSERT_EQ(lines.size(), 1u);
  EXPECT_EQ(sandbox->ExplainCharge(*lines[0]),
            "-37.80 / 31 x 29 = -35.3612\xE2\x80\xA6 -> -35.36; -35.36 x 10 = -353.60 "
            "(29 of 31 days; billing.rounding.cancelImmediate: truncate-unit-price)");
  ExpectEveryLineReproduced();
}

TEST_F(ChargeDerivationTest, AnAnnualCycleIsProratedByMonths) {
  Start("2026-01-01");
  auto customer = AddCustomer("US");
  const auto& sub = Buy(customer, kMicrosoft365E3, 10, Term::P1Y, Billing::Annual);
  AdvanceTo("2026-01-05T10:00:00Z");
  ASSERT_TRUE(sandbox->Cancel(sub.id).ok());
  auto lines = Lines(sub, ChargeType::CancelImmediate);
  ASSERT_EQ(lines.size(), 1u);
  // 11 whole months and 27 of January's 31 days: 432.00 x 368/372 = 427.3548... -> 427.35.
  EXPECT_EQ(sandbox->ExplainCharge(*lines[0]),
            "-432.00 / 12 x (11 + 27/31) = -427.3548\xE2\x80\xA6 -> -427.35; -427.35 x 10 = -4273.50 "
            "(11 months and 27 of 31 days, of 12 months; billing.longCycleProration: months; "
            "billing.rounding.cancelImmediate: truncate-unit-price)");
  ExpectEveryLineReproduced();
}

TEST_F(ChargeDerivationTest, AnEstMonthAndItsRefund) {
  Start("2025-06-01");
  auto customer = AddCustomer("US");
  const auto& sub = Buy(customer, kMicrosoft365E3, 10, Term::P1Y, Billing::Annual);  // ends 2026-05-31
  ASSERT_TRUE(sandbox->SetAutoRenew(sub.id, false).ok());
  AdvanceTo("2026-06-11T10:00:00Z");
  ASSERT_TRUE(Sub(sub.id).in_est);
  auto renew = Lines(sub, ChargeType::Renew);
  ASSERT_EQ(renew.size(), 1u);
  ASSERT_TRUE(renew[0]->flags & kLineExtendedServiceTerm);
  EXPECT_EQ(sandbox->ExplainCharge(*renew[0]), "44.50 x 10 = 445.00 (whole cycle)");
  ASSERT_TRUE(sandbox->Cancel(sub.id).ok());
  auto refund = Lines(sub, ChargeType::CancelImmediate);
  ASSERT_EQ(refund.size(), 1u);
  // June 11 to 30: 20 of 30 days; 44.50 x 20/30 = 29.666... -> 29.66.
  EXPECT_EQ(sandbox->ExplainCharge(*refund[0]),
            "-44.50 / 30 x 20 = -29.6666\xE2\x80\xA6 -> -29.66; -29.66 x 10 = -296.60 "
            "(20 of 30 days; billing.rounding.cancelImmediate: truncate-unit-price)");
  ExpectEveryLineReproduced();
}

TEST_F(ChargeDerivationTest, AnExactProratedValueHasNoArrow) {
  CatalogEditor editor;
  editor.Prices(kBusinessStandard, "EUR", {"DE"}, "2021-01-01", {"P1M/monthly=10.08"});
  Start("2021-06-18", editor.Build());
  auto customer = AddCustomer("DE");
  const auto& sub = Buy(customer, kBusinessStandard, 10, Term::P1M, Billing::Monthly);
  AdvanceTo("2021-06-20T00:00:00Z");
  ASSERT_TRUE(sandbox->ChangeQuantity(sub.id, 12).ok());
  auto lines = Lines(sub, ChargeType::AddQuantity);
  ASSERT_EQ(lines.size(), 2u);
  // Microsoft's example: 10.08 / 30 x 28 = 9.408; x 10 = 94.08; x 12 = 112.896 -> 112.89.
  EXPECT_EQ(sandbox->ExplainCharge(*lines[0]),
            "-10.08 / 30 x 28 x 10 = -94.08 (28 of 30 days; billing.rounding.addQuantity: truncate-total)");
  EXPECT_EQ(sandbox->ExplainCharge(*lines[1]),
            "10.08 / 30 x 28 x 12 = 112.896 -> 112.89 (28 of 30 days; billing.rounding.addQuantity: truncate-total)");
  ExpectEveryLineReproduced();
}

TEST_F(ChargeDerivationTest, RoundingKeysFollowTheChargeType) {
  EXPECT_EQ(RoundingKeyOf(ChargeType::AddQuantity), PolicyKey::kRoundingAddQuantity);
  EXPECT_EQ(RoundingKeyOf(ChargeType::RemoveQuantity), PolicyKey::kRoundingRemoveQuantity);
  EXPECT_EQ(RoundingKeyOf(ChargeType::CancelImmediate), PolicyKey::kRoundingCancelImmediate);
  EXPECT_EQ(RoundingKeyOf(ChargeType::Convert), PolicyKey::kRoundingConvert);
  EXPECT_EQ(RoundingKeyOf(ChargeType::MoveQuantity), PolicyKey::kRoundingMoveQuantity);
  EXPECT_EQ(RoundingKeyOf(ChargeType::ChangeBillingPlan), PolicyKey::kRoundingChangeBillingPlan);
  EXPECT_EQ(RoundingKeyOf(ChargeType::New), PolicyKey::kRoundingShortenedCycle);
  EXPECT_EQ(RoundingKeyOf(ChargeType::Renew), PolicyKey::kRoundingShortenedCycle);
}

}  // namespace
}  // namespace pcsim::testing
