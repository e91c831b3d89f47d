#include "simulator/money/proration.h"

#include <gtest/gtest.h>

namespace pcsim {
namespace {

Date D(const char* s) { return *Date::Parse(s); }
Decimal M(const char* s) { return *Decimal::Parse(s); }

TEST(RemainingShareTest, MonthlyCycleCountsDaysFromTheEventDayInclusive) {
  Period cycle{D("2021-06-18"), D("2021-07-17")};
  EXPECT_EQ(RemainingShare(cycle, Billing::Monthly, D("2021-06-20")), (Fraction{28, 30}));
  EXPECT_EQ(RemainingShare(cycle, Billing::Monthly, D("2021-06-18")), (Fraction{30, 30}));
  EXPECT_EQ(RemainingShare(cycle, Billing::Monthly, D("2021-07-17")), (Fraction{1, 30}));
}

TEST(RemainingShareTest, AnnualCycleCountsWholeMonthsThenDaysOfTheCurrentMonth) {
  Period year{D("2021-09-20"), D("2022-09-19")};
  // From a monthly boundary: 11 whole months out of 12.
  Fraction f = RemainingShare(year, Billing::Annual, D("2021-10-20"));
  EXPECT_EQ(f.num * 12, f.den * 11);
  // 2021-10-25: the step 10-20..11-19 has 31 days, 26 of them left, plus 10 whole months.
  EXPECT_EQ(RemainingShare(year, Billing::Annual, D("2021-10-25")), (Fraction{10 * 31 + 26, 31 * 12}));
}

TEST(ProrateTest, TruncateTotalKeepsTheExactUnitPrice) {
  auto a = Prorate(M("10.08"), {28, 30}, 12, Rounding::TruncateTotal, false);
  EXPECT_EQ(a.effective_unit_price.RoundHalfUp(4), M("9.408"));
  EXPECT_EQ(a.total, M("112.89"));
}

TEST(ProrateTest, TruncateUnitPriceRoundsTheUnitPriceFirst) {
  auto a = Prorate(M("10.08"), {29, 31}, 10, Rounding::TruncateUnitPrice, true);
  EXPECT_EQ(a.effective_unit_price.RoundHalfUp(4), M("-9.42"));
  EXPECT_EQ(a.total, M("-94.20"));
}

TEST(ProrateTest, AWholeCycleIsChargedAtTheUnitPrice) {
  auto a = Prorate(M("10.08"), Fraction::Whole(), 10, Rounding::TruncateUnitPrice, false);
  EXPECT_EQ(a.total, M("100.80"));
  auto r = Prorate(M("10.08"), {31, 31}, 10, Rounding::TruncateTotal, true);
  EXPECT_EQ(r.total, M("-100.80"));
}

}  // namespace
}  // namespace pcsim
