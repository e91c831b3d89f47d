// Unit tests for simulator/money/decimal.h: Decimal, Fraction and ExactAmount.
#include "simulator/money/decimal.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <optional>
#include <ostream>
#include <stdexcept>
#include <string>

namespace pcsim {

static void PrintTo(const Decimal& d, std::ostream* os) { *os << d.ToString() << " (scale " << d.scale() << ")"; }

namespace {

Decimal D(std::string_view text) {
  auto d = Decimal::Parse(text);
  EXPECT_TRUE(d.has_value()) << "cannot parse " << text;
  return d.value_or(Decimal());
}

// ---------------------------------------------------------------- Parse

TEST(DecimalTest, ParseKeepsUnitsAndScale) {
  Decimal d = D("10.08");
  EXPECT_EQ(d.units(), 1008);
  EXPECT_EQ(d.scale(), 2);
  EXPECT_EQ(d.ToString(), "10.08");
}

TEST(DecimalTest, ParseAcceptsNegativeNumbers) {
  Decimal d = D("-9.408");
  EXPECT_EQ(d.units(), -9408);
  EXPECT_EQ(d.scale(), 3);
  EXPECT_TRUE(d.IsNegative());
  EXPECT_EQ(d.ToString(), "-9.408");
}

TEST(DecimalTest, ParseAcceptsLeadingZeroFraction) {
  Decimal d = D("0.5");
  EXPECT_EQ(d.units(), 5);
  EXPECT_EQ(d.scale(), 1);
  EXPECT_EQ(d.ToString(), "0.5");
}

TEST(DecimalTest, ParseAcceptsExplicitPlusSign) {
  Decimal d = D("+3");
  EXPECT_EQ(d.units(), 3);
  EXPECT_EQ(d.scale(), 0);
  EXPECT_FALSE(d.IsNegative());
  EXPECT_EQ(d.ToString(), "3");
}

TEST(DecimalTest, ParseAcceptsZero) {
  Decimal d = D("0.00");
  EXPECT_TRUE(d.IsZero());
  EXPECT_EQ(d.scale(), 2);
  EXPECT_EQ(d.ToString(), "0.00");
  EXPECT_TRUE(D("-0").IsZero());
  EXPECT_FALSE(D("-0").IsNegative());
}

TEST(DecimalTest, ParseRejectsMalformedText) {
  EXPECT_EQ(Decimal::Parse(""), std::nullopt);
  EXPECT_EQ(Decimal::Parse(".5"), std::nullopt);
  EXPECT_EQ(Decimal::Parse("5."), std::nullopt);
  EXPECT_EQ(Decimal::Parse("1e3"), std::nullopt);
  EXPECT_EQ(Decimal::Parse("1,5"), std::nullopt);
  EXPECT_EQ(Decimal::Parse("abc"), std::nullopt);
  EXPECT_EQ(Decimal::Parse("-"), std::nullopt);
  EXPECT_EQ(Decimal::Parse("+"), std::nullopt);
  EXPECT_EQ(Decimal::Parse("."), std::nullopt);
  EXPECT_EQ(Decimal::Parse("1.2.3"), std::nullopt);
  EXPECT_EQ(Decimal::Parse(" 1"), std::nullopt);
  EXPECT_EQ(Decimal::Parse("1 "), std::nullopt);
  EXPECT_EQ(Decimal::Parse("--1"), std::nullopt);
  EXPECT_EQ(Decimal::Parse("+-1"), std::nullopt);
  EXPECT_EQ(Decimal::Parse("1-"), std::nullopt);
}

TEST(DecimalTest, ParseAcceptsEighteenSignificantDigitsButNotNineteen) {
  Decimal max = D("999999999999999999");
  EXPECT_EQ(max.units(), 999'999'999'999'999'999);
  EXPECT_EQ(max.scale(), 0);
  EXPECT_EQ(D("1234567890.12345678").units(), 123'456'789'012'345'678);
  EXPECT_EQ(Decimal::Parse("1234567890123456789"), std::nullopt);
  EXPECT_EQ(Decimal::Parse("1000000000000000000"), std::nullopt);
  EXPECT_EQ(Decimal::Parse("123456789.0123456789"), std::nullopt);
  EXPECT_EQ(Decimal::Parse("-9999999999999999999"), std::nullopt);
}

TEST(DecimalTest, ParseAcceptsEighteenFractionDigitsButNotNineteen) {
  Decimal tiny = D("0.000000000000000001");
  EXPECT_EQ(tiny.units(), 1);
  EXPECT_EQ(tiny.scale(), 18);
  EXPECT_EQ(Decimal::Parse("0.0000000000000000001"), std::nullopt);
}

// ---------------------------------------------------------------- ToString

TEST(DecimalTest, ToStringKeepsTheStoredScale) {
  EXPECT_EQ(D("10.080").ToString(), "10.080");
  EXPECT_EQ(D("100.00").ToString(), "100.00");
  EXPECT_EQ(D("007.50").ToString(), "7.50");
}

TEST(DecimalTest, ToStringPadsSmallFractions) {
  EXPECT_EQ(Decimal::FromUnits(5, 3).ToString(), "0.005");
  EXPECT_EQ(Decimal::FromUnits(-5, 3).ToString(), "-0.005");
  EXPECT_EQ(Decimal::FromUnits(0, 4).ToString(), "0.0000");
  EXPECT_EQ(Decimal::FromInt(-42).ToString(), "-42");
}

TEST(DecimalTest, ToStringPrintsTheExtremeValues) {
  EXPECT_EQ(Decimal::FromUnits(INT64_MAX, 0).ToString(), "9223372036854775807");
  EXPECT_EQ(Decimal::FromUnits(INT64_MIN, 0).ToString(), "-9223372036854775808");
  EXPECT_EQ(Decimal::FromUnits(INT64_MIN, 18).ToString(), "-9.223372036854775808");
}

TEST(DecimalTest, NormalizedDropsTrailingFractionZeros) {
  Decimal d = D("10.080").Normalized();
  EXPECT_EQ(d.ToString(), "10.08");
  EXPECT_EQ(d.scale(), 2);
  EXPECT_EQ(D("100.00").Normalized().ToString(), "100");
  EXPECT_EQ(D("100.00").Normalized().scale(), 0);
  EXPECT_EQ(D("0.000").Normalized().ToString(), "0");
  EXPECT_EQ(D("-2.500").Normalized().ToString(), "-2.5");
  EXPECT_EQ(D("1200").Normalized().ToString(), "1200");
}

TEST(DecimalTest, WithScalePadsWithoutRounding) {
  EXPECT_EQ(D("10.08").WithScale(4).ToString(), "10.0800");
  EXPECT_EQ(D("10.08").WithScale(1).ToString(), "10.08");  // never rounds
  EXPECT_EQ(D("-3").WithScale(2).ToString(), "-3.00");
}

// ---------------------------------------------------------------- ToFixed

TEST(DecimalTest, ToFixedPadsToExactlyThePlaces) {
  EXPECT_EQ(D("9.408").ToFixed(4), "9.4080");
  EXPECT_EQ(D("7").ToFixed(2), "7.00");
  EXPECT_EQ(D("0").ToFixed(4), "0.0000");
}

TEST(DecimalTest, ToFixedRoundsHalfAwayFromZero) {
  EXPECT_EQ(D("11.22585").ToFixed(4), "11.2259");
  EXPECT_EQ(D("-11.22585").ToFixed(4), "-11.2259");
  EXPECT_EQ(D("11.22584").ToFixed(4), "11.2258");
  EXPECT_EQ(D("-11.22584").ToFixed(4), "-11.2258");
  EXPECT_EQ(D("9.408").ToFixed(2), "9.41");
  EXPECT_EQ(D("2.5").ToFixed(0), "3");
  EXPECT_EQ(D("-2.5").ToFixed(0), "-3");
  EXPECT_EQ(D("0.005").ToFixed(2), "0.01");
  EXPECT_EQ(D("-0.005").ToFixed(2), "-0.01");
  EXPECT_EQ(D("-0.004").ToFixed(2), "0.00");
  EXPECT_EQ(D("99.995").ToFixed(2), "100.00");
}

// ---------------------------------------------------------------- rounding

TEST(DecimalTest, RoundDownTruncatesTowardZero) {
  EXPECT_EQ(D("112.896").RoundDown(2).ToString(), "112.89");
  EXPECT_EQ(D("-112.896").RoundDown(2).ToString(), "-112.89");
  EXPECT_EQ(D("9.999").RoundDown(0).ToString(), "9");
  EXPECT_EQ(D("-9.999").RoundDown(0).ToString(), "-9");
  EXPECT_EQ(D("0.009").RoundDown(2).ToString(), "0.00");
  EXPECT_EQ(D("-0.009").RoundDown(2).ToString(), "0.00");
}

TEST(DecimalTest, RoundDownSetsTheScaleToThePlaces) {
  Decimal d = D("112.896").RoundDown(2);
  EXPECT_EQ(d.units(), 11289);
  EXPECT_EQ(d.scale(), 2);
}

TEST(DecimalTest, RoundingToMorePlacesThanStoredLeavesTheValueAlone) {
  EXPECT_EQ(D("1.5").RoundDown(4).ToString(), "1.5");
  EXPECT_EQ(D("1.5").RoundHalfUp(4).ToString(), "1.5");
  EXPECT_EQ(D("1.50").RoundDown(2).ToString(), "1.50");
}

TEST(DecimalTest, RoundHalfUpRoundsHalfAwayFromZero) {
  EXPECT_EQ(D("2.345").RoundHalfUp(2).ToString(), "2.35");
  EXPECT_EQ(D("-2.345").RoundHalfUp(2).ToString(), "-2.35");
  EXPECT_EQ(D("2.344").RoundHalfUp(2).ToString(), "2.34");
  EXPECT_EQ(D("-2.344").RoundHalfUp(2).ToString(), "-2.34");
  EXPECT_EQ(D("2.3449").RoundHalfUp(2).ToString(), "2.34");  // no double rounding
  EXPECT_EQ(D("0.5").RoundHalfUp(0).ToString(), "1");
  EXPECT_EQ(D("-0.5").RoundHalfUp(0).ToString(), "-1");
  EXPECT_EQ(D("0.49").RoundHalfUp(0).ToString(), "0");
}

// ---------------------------------------------------------------- arithmetic

TEST(DecimalTest, AdditionAlignsScales) {
  Decimal sum = D("10.08") + D("0.005");
  EXPECT_EQ(sum.ToString(), "10.085");
  EXPECT_EQ(sum.scale(), 3);
  EXPECT_EQ((D("0.1") + D("0.2")).ToString(), "0.3");
  EXPECT_EQ((D("1.5") + D("-2.25")).ToString(), "-0.75");
}

TEST(DecimalTest, PlusEqualsAccumulates) {
  Decimal total;
  for (int i = 0; i < 10; ++i) total += D("0.1");
  EXPECT_EQ(total.ToString(), "1.0");
  EXPECT_EQ(total, Decimal::FromInt(1));
}

TEST(DecimalTest, SubtractionAndNegation) {
  EXPECT_EQ((D("10.08") - D("0.08")).ToString(), "10.00");
  EXPECT_EQ((D("1") - D("2.5")).ToString(), "-1.5");
  EXPECT_TRUE((D("10.08") - D("10.080")).IsZero());
  EXPECT_EQ((-D("9.408")).ToString(), "-9.408");
  EXPECT_EQ((-D("-9.408")).ToString(), "9.408");
}

TEST(DecimalTest, MultiplicationIsExact) {
  Decimal product = D("10.08") * Decimal::FromInt(12);
  EXPECT_EQ(product.ToString(), "120.96");
  EXPECT_EQ(product.scale(), 2);
  EXPECT_EQ((D("10.08") * int64_t{12}).ToString(), "120.96");
  EXPECT_EQ((D("1.5") * D("2.25")).ToString(), "3.375");
  EXPECT_EQ((D("-0.1") * D("0.1")).ToString(), "-0.01");
  EXPECT_EQ((D("9.42") * int64_t{10}).ToString(), "94.20");
  EXPECT_EQ((D("229.16") * int64_t{10}).ToString(), "2291.60");
}

TEST(DecimalTest, MultiplicationDropsTrailingZerosBeyondMaximumScale) {
  // scale 2 + 18 = 20 is stored as scale 18 because the product ends in zeros.
  Decimal product = D("0.10") * D("0.000000000000000010");
  EXPECT_EQ(product.scale(), 18);
  EXPECT_EQ(product.units(), 1);
}

TEST(DecimalTest, MultiplicationBeyondMaximumScaleThrowsWhenDigitsWouldBeLost) {
  EXPECT_THROW(D("0.000000001") * D("0.0000000001"), std::overflow_error);
}

TEST(DecimalTest, AdditionOverflowThrows) {
  EXPECT_THROW(Decimal::FromUnits(INT64_MAX, 0) + Decimal::FromInt(1), std::overflow_error);
  EXPECT_THROW(Decimal::FromUnits(INT64_MAX, 0) * Decimal::FromInt(2), std::overflow_error);
}

TEST(DecimalTest, WithScaleWithinRangeIsExact) {
  Decimal d = Decimal::FromInt(9).WithScale(18);
  EXPECT_EQ(d.scale(), 18);
  EXPECT_EQ(d.units(), 9'000'000'000'000'000'000);
}

// WithScale promises "at least `places` decimals" and throws when that does
// not fit in 64-bit units, rather than quietly returning fewer places.
TEST(DecimalTest, WithScaleThrowsWhenThePaddedValueDoesNotFit) {
  EXPECT_THROW(Decimal::FromInt(1'000'000'000'000).WithScale(18), std::overflow_error);
  EXPECT_THROW(Decimal::FromInt(1'000'000'000'000).ToFixed(18), std::overflow_error);
  EXPECT_THROW(Decimal::FromInt(1).WithScale(19), std::overflow_error);
}

// Decimal * int64_t must get the same range handling as Decimal * Decimal:
// 1 at scale 18 times 10 does not fit in 64-bit units at scale 18 and is
// stored at scale 17 instead of wrapping around.
TEST(DecimalTest, IntegerMultiplicationMatchesDecimalMultiplicationNearTheRangeLimit) {
  Decimal one = Decimal::FromUnits(1'000'000'000'000'000'000, 18);  // 1 at scale 18
  ASSERT_EQ(one, Decimal::FromInt(1));
  EXPECT_EQ(one * Decimal::FromInt(10), Decimal::FromInt(10));
  EXPECT_EQ(one * int64_t{10}, Decimal::FromInt(10));
  EXPECT_THROW(Decimal::FromUnits(INT64_MAX, 0) * int64_t{2}, std::overflow_error);
}

// ---------------------------------------------------------------- comparison

TEST(DecimalTest, EqualityIgnoresScale) {
  EXPECT_EQ(D("10.08"), D("10.080"));
  EXPECT_EQ(D("10"), D("10.000"));
  EXPECT_EQ(D("0"), D("-0.00"));
  EXPECT_NE(D("10.08"), D("10.081"));
}

TEST(DecimalTest, OrderingAcrossScales) {
  EXPECT_LT(D("10.08"), D("10.081"));
  EXPECT_GT(D("10.1"), D("10.09"));
  EXPECT_LT(D("-1"), D("0.5"));
  EXPECT_LT(D("-1.01"), D("-1.001"));
  EXPECT_LE(D("2.50"), D("2.5"));
  EXPECT_GE(D("2.5"), D("2.50"));
  EXPECT_TRUE((D("3.0") <=> D("3")) == std::strong_ordering::equal);
}

TEST(DecimalTest, DefaultIsZeroAtScaleZero) {
  Decimal d;
  EXPECT_TRUE(d.IsZero());
  EXPECT_EQ(d.scale(), 0);
  EXPECT_EQ(d.ToString(), "0");
}

// ---------------------------------------------------------------- Fraction

TEST(FractionTest, WholeIsOneOverOne) {
  EXPECT_EQ(Fraction::Whole(), (Fraction{1, 1}));
  EXPECT_TRUE(Fraction::Whole().IsWhole());
  EXPECT_TRUE((Fraction{31, 31}).IsWhole());
  EXPECT_FALSE((Fraction{28, 30}).IsWhole());
  EXPECT_NE((Fraction{1, 2}), (Fraction{2, 4}));  // compared term by term
}

// ---------------------------------------------------------------- ExactAmount

TEST(ExactAmountTest, TimesFractionIsExact) {
  auto exact = ExactAmount(D("10.08")).Times(Fraction{28, 30}).Exactly();
  ASSERT_TRUE(exact.has_value());
  EXPECT_EQ(exact->ToString(), "9.408");
  EXPECT_EQ(exact->scale(), 3);
}

TEST(ExactAmountTest, RoundHalfUpOfARepeatingFraction) {
  ExactAmount amount = ExactAmount(Decimal::FromInt(12)).Times(Fraction{29, 31});  // 11.2258064...
  EXPECT_EQ(amount.RoundHalfUp(4).ToString(), "11.2258");
  EXPECT_EQ(amount.RoundHalfUp(2).ToString(), "11.23");
  EXPECT_EQ(amount.RoundDown(2).ToString(), "11.22");
}

TEST(ExactAmountTest, QuantityIsAppliedBeforeRounding) {
  ExactAmount amount = ExactAmount(Decimal::FromInt(12)).Times(Fraction{29, 31}).Times(int64_t{15});  // 168.387...
  EXPECT_EQ(amount.RoundDown(2).ToString(), "168.38");
  EXPECT_EQ(amount.RoundHalfUp(2).ToString(), "168.39");
}

TEST(ExactAmountTest, ExactlyIsNulloptForRepeatingDecimals) {
  EXPECT_EQ(ExactAmount(Decimal::FromInt(12)).Times(Fraction{29, 31}).Exactly(), std::nullopt);
  EXPECT_EQ(ExactAmount(Decimal::FromInt(1)).Times(Fraction{1, 3}).Exactly(), std::nullopt);
}

TEST(ExactAmountTest, ExactlyRespectsMaxPlaces) {
  ExactAmount amount = ExactAmount(D("10.08")).Times(Fraction{28, 30});  // 9.408
  EXPECT_EQ(amount.Exactly(2), std::nullopt);
  auto three = amount.Exactly(3);
  ASSERT_TRUE(three.has_value());
  EXPECT_EQ(three->ToString(), "9.408");
}

TEST(ExactAmountTest, ExactlyUsesTheFewestPlaces) {
  auto whole = ExactAmount(D("7.50")).Times(int64_t{2}).Exactly();
  ASSERT_TRUE(whole.has_value());
  EXPECT_EQ(whole->ToString(), "15");
  auto total = ExactAmount(D("7.72")).Times(Decimal::FromInt(300)).Exactly();
  ASSERT_TRUE(total.has_value());
  EXPECT_EQ(total->ToString(), "2316");
}

TEST(ExactAmountTest, TimesDecimal) {
  auto exact = ExactAmount(D("1.5")).Times(D("0.15")).Exactly();
  ASSERT_TRUE(exact.has_value());
  EXPECT_EQ(exact->ToString(), "0.225");
}

TEST(ExactAmountTest, RoundingOfNegativeAmounts) {
  ExactAmount refund = ExactAmount(D("-10")).Times(Fraction{2, 3});  // -6.666...
  EXPECT_EQ(refund.RoundDown(2).ToString(), "-6.66");
  EXPECT_EQ(refund.RoundHalfUp(2).ToString(), "-6.67");
  ExactAmount half = ExactAmount(D("-0.005")).Times(Fraction::Whole());
  EXPECT_EQ(half.RoundHalfUp(2).ToString(), "-0.01");
  EXPECT_EQ(half.RoundDown(2).ToString(), "0.00");
}

TEST(ExactAmountTest, RoundingPadsToThePlaces) {
  ExactAmount amount = ExactAmount(D("10.08")).Times(Fraction{28, 30});
  EXPECT_EQ(amount.RoundHalfUp(4).ToString(), "9.4080");
  EXPECT_EQ(amount.RoundDown(4).ToString(), "9.4080");
  EXPECT_EQ(amount.RoundDown(2).ToString(), "9.40");
}

TEST(ExactAmountTest, ChainedFractionsMultiply) {
  auto exact = ExactAmount(D("120")).Times(Fraction{1, 2}).Times(Fraction{1, 4}).Exactly();
  ASSERT_TRUE(exact.has_value());
  EXPECT_EQ(exact->ToString(), "15");
}

}  // namespace
}  // namespace pcsim
