// Unit tests for simulator/clock/time.h: Date, Duration, CalendarDuration and
// Instant.
#include "simulator/clock/time.h"

#include <gtest/gtest.h>

#include <optional>
#include <ostream>
#include <string>

namespace pcsim {

// Readable failure messages (found by argument-dependent lookup).
static void PrintTo(const Date& d, std::ostream* os) { *os << d.ToString(); }
static void PrintTo(const Instant& i, std::ostream* os) { *os << i.ToString(); }

namespace {

Instant At(std::string_view text) {
  auto i = Instant::Parse(text);
  EXPECT_TRUE(i.has_value()) << "cannot parse " << text;
  return i.value_or(Instant());
}

// ---------------------------------------------------------------- Date

TEST(DateTest, EpochIsDayZero) {
  Date epoch = Date::Ymd(1970, 1, 1);
  EXPECT_EQ(epoch.days_since_epoch(), 0);
  EXPECT_EQ(Date::FromDaysSinceEpoch(0), epoch);
  EXPECT_EQ(Date(), epoch);
}

TEST(DateTest, YmdComputesDaysSinceEpoch) {
  EXPECT_EQ(Date::Ymd(2026, 5, 4).days_since_epoch(), 20577);
  EXPECT_EQ(Date::Ymd(1969, 12, 31).days_since_epoch(), -1);
  EXPECT_EQ(Date::Ymd(2000, 3, 1).days_since_epoch(), 11017);
}

TEST(DateTest, AccessorsReturnTheCalendarFields) {
  Date d = Date::FromDaysSinceEpoch(20577);
  EXPECT_EQ(d.year(), 2026);
  EXPECT_EQ(d.month(), 5);
  EXPECT_EQ(d.day(), 4);
}

TEST(DateTest, YmdReturnsAllFieldsAtOnce) {
  Date::YearMonthDay v = Date::Ymd(2024, 2, 29).ymd();
  EXPECT_EQ(v.year, 2024);
  EXPECT_EQ(v.month, 2);
  EXPECT_EQ(v.day, 29);
  Date::YearMonthDay before_epoch = Date::FromDaysSinceEpoch(-1).ymd();
  EXPECT_EQ(before_epoch.year, 1969);
  EXPECT_EQ(before_epoch.month, 12);
  EXPECT_EQ(before_epoch.day, 31);
}

TEST(DateTest, ParseAcceptsAValidDay) {
  auto d = Date::Parse("2026-05-04");
  ASSERT_TRUE(d.has_value());
  EXPECT_EQ(*d, Date::Ymd(2026, 5, 4));
  EXPECT_EQ(d->year(), 2026);
  EXPECT_EQ(d->month(), 5);
  EXPECT_EQ(d->day(), 4);
}

TEST(DateTest, ParseAcceptsTwentyNinthOfFebruaryInLeapYears) {
  auto d = Date::Parse("2024-02-29");
  ASSERT_TRUE(d.has_value());
  EXPECT_EQ(d->ToString(), "2024-02-29");
  EXPECT_TRUE(Date::Parse("2000-02-29").has_value());
}

TEST(DateTest, ParseRejectsTwentyNinthOfFebruaryInCommonYears) {
  EXPECT_EQ(Date::Parse("2021-02-29"), std::nullopt);
  EXPECT_EQ(Date::Parse("2100-02-29"), std::nullopt);
}

TEST(DateTest, ParseRejectsOutOfRangeMonthsAndDays) {
  EXPECT_EQ(Date::Parse("2021-13-01"), std::nullopt);
  EXPECT_EQ(Date::Parse("2021-00-10"), std::nullopt);
  EXPECT_EQ(Date::Parse("2021-04-31"), std::nullopt);
  EXPECT_EQ(Date::Parse("2021-04-00"), std::nullopt);
}

TEST(DateTest, ParseRejectsAnythingButExactlyYyyyMmDd) {
  EXPECT_EQ(Date::Parse("2021-1-01"), std::nullopt);
  EXPECT_EQ(Date::Parse("2021-01-1"), std::nullopt);
  EXPECT_EQ(Date::Parse("21-01-01"), std::nullopt);
  EXPECT_EQ(Date::Parse("2021/01/01"), std::nullopt);
  EXPECT_EQ(Date::Parse("2021-01-01 "), std::nullopt);
  EXPECT_EQ(Date::Parse(" 2021-01-01"), std::nullopt);
  EXPECT_EQ(Date::Parse("2021-01-01T00:00:00Z"), std::nullopt);
  EXPECT_EQ(Date::Parse("+021-01-01"), std::nullopt);
  EXPECT_EQ(Date::Parse("2021-0a-01"), std::nullopt);
  EXPECT_EQ(Date::Parse(""), std::nullopt);
}

TEST(DateTest, FromYmdRejectsYearsOutsideSupportedRange) {
  EXPECT_EQ(Date::FromYmd(1399, 12, 31), std::nullopt);
  EXPECT_EQ(Date::FromYmd(10000, 1, 1), std::nullopt);
  EXPECT_TRUE(Date::FromYmd(1400, 1, 1).has_value());
  EXPECT_TRUE(Date::FromYmd(9999, 12, 31).has_value());
  EXPECT_EQ(Date::Parse("1399-12-31"), std::nullopt);
}

TEST(DateTest, ToStringRoundTripsThroughParse) {
  for (const char* text : {"1970-01-01", "2024-02-29", "2026-05-04", "1999-12-31", "9999-12-31", "1400-01-01"}) {
    auto d = Date::Parse(text);
    ASSERT_TRUE(d.has_value()) << text;
    EXPECT_EQ(d->ToString(), text);
    EXPECT_EQ(Date::Parse(d->ToString()), d);
  }
}

TEST(DateTest, ToStringPadsWithZeros) {
  EXPECT_EQ(Date::Ymd(2026, 1, 9).ToString(), "2026-01-09");
  EXPECT_EQ(Date::Ymd(1969, 12, 31).ToString(), "1969-12-31");
}

TEST(DateTest, DaysInMonthFollowsGregorianLeapYears) {
  EXPECT_EQ(DaysInMonth(2021, 2), 28);
  EXPECT_EQ(DaysInMonth(2024, 2), 29);
  EXPECT_EQ(DaysInMonth(2000, 2), 29);  // divisible by 400
  EXPECT_EQ(DaysInMonth(2100, 2), 28);  // divisible by 100, not 400
  EXPECT_EQ(DaysInMonth(2021, 1), 31);
  EXPECT_EQ(DaysInMonth(2021, 4), 30);
  EXPECT_EQ(DaysInMonth(2021, 12), 31);
  EXPECT_EQ(Date::Ymd(2024, 2, 10).DaysInMonth(), 29);
  EXPECT_EQ(Date::Ymd(2023, 2, 10).DaysInMonth(), 28);
}

TEST(DateTest, IsLastDayOfMonth) {
  EXPECT_TRUE(Date::Ymd(2021, 2, 28).IsLastDayOfMonth());
  EXPECT_FALSE(Date::Ymd(2024, 2, 28).IsLastDayOfMonth());
  EXPECT_TRUE(Date::Ymd(2024, 2, 29).IsLastDayOfMonth());
  EXPECT_TRUE(Date::Ymd(2026, 4, 30).IsLastDayOfMonth());
  EXPECT_FALSE(Date::Ymd(2026, 5, 30).IsLastDayOfMonth());
}

TEST(DateTest, FirstOfMonth) {
  EXPECT_EQ(Date::Ymd(2026, 5, 31).FirstOfMonth(), Date::Ymd(2026, 5, 1));
  EXPECT_EQ(Date::Ymd(2026, 5, 1).FirstOfMonth(), Date::Ymd(2026, 5, 1));
}

TEST(DateTest, AddDaysCrossesMonthAndYearBoundaries) {
  EXPECT_EQ(Date::Ymd(2021, 12, 31).AddDays(1), Date::Ymd(2022, 1, 1));
  EXPECT_EQ(Date::Ymd(2024, 2, 28).AddDays(1), Date::Ymd(2024, 2, 29));
  EXPECT_EQ(Date::Ymd(2021, 2, 28).AddDays(1), Date::Ymd(2021, 3, 1));
  EXPECT_EQ(Date::Ymd(2026, 3, 1).AddDays(-1), Date::Ymd(2026, 2, 28));
}

TEST(DateTest, SubtractionCountsDays) {
  EXPECT_EQ(Date::Ymd(2024, 3, 1) - Date::Ymd(2024, 2, 1), 29);
  EXPECT_EQ(Date::Ymd(2021, 3, 1) - Date::Ymd(2021, 2, 1), 28);
  EXPECT_EQ(Date::Ymd(2025, 1, 1) - Date::Ymd(2024, 1, 1), 366);
  EXPECT_EQ(Date::Ymd(2024, 1, 1) - Date::Ymd(2025, 1, 1), -366);
}

TEST(DateTest, ComparisonOrdersChronologically) {
  EXPECT_LT(Date::Ymd(2025, 12, 31), Date::Ymd(2026, 1, 1));
  EXPECT_GT(Date::Ymd(2026, 1, 2), Date::Ymd(2026, 1, 1));
  EXPECT_EQ(Date::Ymd(2026, 1, 1), *Date::Parse("2026-01-01"));
  EXPECT_NE(Date::Ymd(2026, 1, 1), Date::Ymd(2026, 1, 2));
}

TEST(DateTest, AddMonthsClampedClampsJanuaryThirtyFirstToEndOfFebruary) {
  EXPECT_EQ(Date::Ymd(2021, 1, 31).AddMonthsClamped(1), Date::Ymd(2021, 2, 28));
  EXPECT_EQ(Date::Ymd(2024, 1, 31).AddMonthsClamped(1), Date::Ymd(2024, 2, 29));
}

TEST(DateTest, AddMonthsClampedKeepsTheDayWhenItExists) {
  EXPECT_EQ(Date::Ymd(2026, 1, 15).AddMonthsClamped(1), Date::Ymd(2026, 2, 15));
  EXPECT_EQ(Date::Ymd(2021, 1, 31).AddMonthsClamped(2), Date::Ymd(2021, 3, 31));
  EXPECT_EQ(Date::Ymd(2021, 3, 31).AddMonthsClamped(1), Date::Ymd(2021, 4, 30));
  EXPECT_EQ(Date::Ymd(2026, 5, 4).AddMonthsClamped(0), Date::Ymd(2026, 5, 4));
}

TEST(DateTest, AddMonthsClampedCrossesYears) {
  EXPECT_EQ(Date::Ymd(2025, 11, 30).AddMonthsClamped(3), Date::Ymd(2026, 2, 28));
  EXPECT_EQ(Date::Ymd(2025, 12, 15).AddMonthsClamped(1), Date::Ymd(2026, 1, 15));
  EXPECT_EQ(Date::Ymd(2025, 4, 1).AddMonthsClamped(36), Date::Ymd(2028, 4, 1));
}

TEST(DateTest, AddMonthsClampedGoesBackwardsWithNegativeMonths) {
  EXPECT_EQ(Date::Ymd(2021, 3, 31).AddMonthsClamped(-1), Date::Ymd(2021, 2, 28));
  EXPECT_EQ(Date::Ymd(2026, 1, 15).AddMonthsClamped(-1), Date::Ymd(2025, 12, 15));
  EXPECT_EQ(Date::Ymd(2024, 3, 31).AddMonthsClamped(-13), Date::Ymd(2023, 2, 28));
}

TEST(DateTest, AddYearsClampedTurnsLeapDayIntoTwentyEighthOfFebruary) {
  EXPECT_EQ(Date::Ymd(2024, 2, 29).AddYearsClamped(1), Date::Ymd(2025, 2, 28));
  EXPECT_EQ(Date::Ymd(2024, 2, 29).AddYearsClamped(4), Date::Ymd(2028, 2, 29));
  EXPECT_EQ(Date::Ymd(2025, 4, 1).AddYearsClamped(3), Date::Ymd(2028, 4, 1));
}

// ---------------------------------------------------------------- Duration

TEST(DurationTest, UnitsConvertToMicroseconds) {
  EXPECT_EQ(Duration::Micros(7).micros(), 7);
  EXPECT_EQ(Duration::Seconds(2).micros(), 2'000'000);
  EXPECT_EQ(Duration::Minutes(3).micros(), 180'000'000);
  EXPECT_EQ(Duration::Hours(1).micros(), 3'600'000'000);
  EXPECT_EQ(Duration::Days(1).micros(), 86'400'000'000);
  EXPECT_EQ(Duration::Days(1).seconds(), 86'400);
  EXPECT_EQ(Duration::Micros(1'999'999).seconds(), 1);
  EXPECT_EQ(Duration().micros(), 0);
}

TEST(DurationTest, AdditionAndComparison) {
  EXPECT_EQ(Duration::Hours(1) + Duration::Minutes(30), Duration::Minutes(90));
  EXPECT_LT(Duration::Hours(23), Duration::Days(1));
  EXPECT_EQ(Duration::Days(7), Duration::Hours(168));
}

// ---------------------------------------------------------------- CalendarDuration

TEST(CalendarDurationTest, ParsesDays) {
  auto d = CalendarDuration::Parse("P30D");
  ASSERT_TRUE(d.has_value());
  EXPECT_EQ(d->months, 0);
  EXPECT_EQ(d->time, Duration::Days(30));
}

TEST(CalendarDurationTest, ParsesHoursBeyondADay) {
  auto d = CalendarDuration::Parse("PT25H");
  ASSERT_TRUE(d.has_value());
  EXPECT_EQ(d->months, 0);
  EXPECT_EQ(d->time, Duration::Hours(25));
}

TEST(CalendarDurationTest, ParsesYearsAndMonthsAsCalendarMonths) {
  auto d = CalendarDuration::Parse("P1Y2M");
  ASSERT_TRUE(d.has_value());
  EXPECT_EQ(d->months, 14);
  EXPECT_EQ(d->time, Duration());
}

TEST(CalendarDurationTest, ParsesDaysAndTime) {
  auto d = CalendarDuration::Parse("P1DT12H");
  ASSERT_TRUE(d.has_value());
  EXPECT_EQ(d->months, 0);
  EXPECT_EQ(d->time, Duration::Hours(36));
}

TEST(CalendarDurationTest, ParsesWeeksAsSevenDays) {
  auto d = CalendarDuration::Parse("P1W");
  ASSERT_TRUE(d.has_value());
  EXPECT_EQ(d->months, 0);
  EXPECT_EQ(d->time, Duration::Days(7));
}

TEST(CalendarDurationTest, MBeforeTIsMonthsAndAfterTIsMinutes) {
  auto months = CalendarDuration::Parse("P1M");
  ASSERT_TRUE(months.has_value());
  EXPECT_EQ(months->months, 1);
  EXPECT_EQ(months->time, Duration());

  auto minutes = CalendarDuration::Parse("PT1M");
  ASSERT_TRUE(minutes.has_value());
  EXPECT_EQ(minutes->months, 0);
  EXPECT_EQ(minutes->time, Duration::Minutes(1));
}

TEST(CalendarDurationTest, ParsesAllComponentsTogether) {
  auto d = CalendarDuration::Parse("P3Y1M2W4DT5H6M7S");
  ASSERT_TRUE(d.has_value());
  EXPECT_EQ(d->months, 37);
  EXPECT_EQ(d->time, Duration::Days(18) + Duration::Hours(5) + Duration::Minutes(6) + Duration::Seconds(7));
}

TEST(CalendarDurationTest, RejectsEmptyAndMalformedText) {
  EXPECT_EQ(CalendarDuration::Parse("P").has_value(), false);
  EXPECT_EQ(CalendarDuration::Parse("30D").has_value(), false);
  EXPECT_EQ(CalendarDuration::Parse("PT").has_value(), false);
  EXPECT_EQ(CalendarDuration::Parse("P1H").has_value(), false);  // hours need T
  EXPECT_EQ(CalendarDuration::Parse("").has_value(), false);
  EXPECT_EQ(CalendarDuration::Parse("PD").has_value(), false);
  EXPECT_EQ(CalendarDuration::Parse("P1").has_value(), false);
  EXPECT_EQ(CalendarDuration::Parse("PT1D").has_value(), false);  // days are not a time unit
  EXPECT_EQ(CalendarDuration::Parse("P1.5D").has_value(), false);
  EXPECT_EQ(CalendarDuration::Parse("P-1D").has_value(), false);
  EXPECT_EQ(CalendarDuration::Parse("PT1HT1M").has_value(), false);
  EXPECT_EQ(CalendarDuration::Parse("p1d").has_value(), false);
  EXPECT_EQ(CalendarDuration::Parse("P1X").has_value(), false);
}

// ISO 8601 forbids the T designator when no time component follows it.
TEST(CalendarDurationTest, RejectsTrailingTimeDesignatorWithoutComponents) {
  EXPECT_EQ(CalendarDuration::Parse("P1DT").has_value(), false);
}

// ---------------------------------------------------------------- Instant

TEST(InstantTest, ParsesADateAloneAsMidnightUtc) {
  auto i = Instant::Parse("2026-05-04");
  ASSERT_TRUE(i.has_value());
  EXPECT_EQ(*i, Instant::StartOf(Date::Ymd(2026, 5, 4)));
  EXPECT_EQ(i->micros(), int64_t{20577} * 86'400'000'000);
  EXPECT_EQ(i->ToString(), "2026-05-04T00:00:00Z");
}

TEST(InstantTest, ParsesUtcTimestamp) {
  auto i = Instant::Parse("2026-05-04T10:00:00Z");
  ASSERT_TRUE(i.has_value());
  EXPECT_EQ(*i, Instant::StartOf(Date::Ymd(2026, 5, 4)) + Duration::Hours(10));
  EXPECT_EQ(i->date(), Date::Ymd(2026, 5, 4));
  EXPECT_EQ(i->MicrosOfDay(), 36'000'000'000);
}

TEST(InstantTest, ParsesHoursMinutesAndSeconds) {
  EXPECT_EQ(At("2026-05-04T23:59:59Z"),
            Instant::StartOf(Date::Ymd(2026, 5, 4)) + Duration::Hours(23) + Duration::Minutes(59) +
                Duration::Seconds(59));
}

TEST(InstantTest, ParsesFractionalSecondsToMicroseconds) {
  Instant base = At("2026-05-04T10:00:00Z");
  EXPECT_EQ(At("2026-05-04T10:00:00.5Z"), base + Duration::Micros(500'000));
  EXPECT_EQ(At("2026-05-04T10:00:00.123456Z"), base + Duration::Micros(123'456));
  EXPECT_EQ(At("2026-05-04T10:00:00.000001Z"), base + Duration::Micros(1));
  // Digits beyond microseconds are dropped.
  EXPECT_EQ(At("2026-05-04T10:00:00.1234567Z"), base + Duration::Micros(123'456));
  EXPECT_EQ(At("2026-05-04T10:00:00.123456789Z"), base + Duration::Micros(123'456));
}

TEST(InstantTest, ConvertsPositiveOffsetToUtc) {
  auto i = Instant::Parse("2026-05-04T10:00:00+02:00");
  ASSERT_TRUE(i.has_value());
  EXPECT_EQ(*i, At("2026-05-04T08:00:00Z"));
  EXPECT_EQ(i->ToString(), "2026-05-04T08:00:00Z");
}

TEST(InstantTest, ConvertsNegativeOffsetToUtc) {
  EXPECT_EQ(At("2026-05-04T22:00:00-05:30").ToString(), "2026-05-05T03:30:00Z");
}

TEST(InstantTest, OffsetConversionCanChangeTheDay) {
  Instant i = At("2026-05-04T01:00:00+02:00");
  EXPECT_EQ(i.ToString(), "2026-05-03T23:00:00Z");
  EXPECT_EQ(i.date(), Date::Ymd(2026, 5, 3));
}

TEST(InstantTest, ZeroOffsetEqualsZ) {
  EXPECT_EQ(At("2026-05-04T10:00:00+00:00"), At("2026-05-04T10:00:00Z"));
}

TEST(InstantTest, AcceptsFractionWithOffset) {
  EXPECT_EQ(At("2026-05-04T10:00:00.25+01:00").ToString(), "2026-05-04T09:00:00.250000Z");
}

TEST(InstantTest, RejectsOutOfRangeTimeFields) {
  EXPECT_EQ(Instant::Parse("2026-05-04T25:00:00Z"), std::nullopt);
  EXPECT_EQ(Instant::Parse("2026-05-04T24:00:00Z"), std::nullopt);
  EXPECT_EQ(Instant::Parse("2026-05-04T10:60:00Z"), std::nullopt);
  EXPECT_EQ(Instant::Parse("2026-05-04T10:00:60Z"), std::nullopt);
  EXPECT_EQ(Instant::Parse("2026-05-04T10:00:00+24:00"), std::nullopt);
  EXPECT_EQ(Instant::Parse("2026-05-04T10:00:00+02:60"), std::nullopt);
}

TEST(InstantTest, RejectsMissingZoneDesignator) {
  EXPECT_EQ(Instant::Parse("2026-05-04T10:00:00"), std::nullopt);
  EXPECT_EQ(Instant::Parse("2026-05-04T10:00:00.5"), std::nullopt);
}

TEST(InstantTest, RejectsJunk) {
  EXPECT_EQ(Instant::Parse(""), std::nullopt);
  EXPECT_EQ(Instant::Parse("junk"), std::nullopt);
  EXPECT_EQ(Instant::Parse("2026-02-30"), std::nullopt);
  EXPECT_EQ(Instant::Parse("2026-02-30T10:00:00Z"), std::nullopt);
  EXPECT_EQ(Instant::Parse("2026-05-04 10:00:00Z"), std::nullopt);
  EXPECT_EQ(Instant::Parse("2026-05-04T10:00:00Zjunk"), std::nullopt);
  EXPECT_EQ(Instant::Parse("2026-05-04T10:00:00.Z"), std::nullopt);
  EXPECT_EQ(Instant::Parse("2026-05-04T10:00:00.1234567890Z"), std::nullopt);  // > 9 digits
  EXPECT_EQ(Instant::Parse("2026-05-04T10-00-00Z"), std::nullopt);
  EXPECT_EQ(Instant::Parse("2026-05-04T1a:00:00Z"), std::nullopt);
  EXPECT_EQ(Instant::Parse("2026-05-04T10:00:00+0200"), std::nullopt);
  EXPECT_EQ(Instant::Parse("2026-05-04T10:00:00+02"), std::nullopt);
  EXPECT_EQ(Instant::Parse("2026-05-04T10:00:00+02:00:00"), std::nullopt);
  EXPECT_EQ(Instant::Parse("2026-5-4T10:00:00Z"), std::nullopt);
}

TEST(InstantTest, ToStringOmitsZeroFraction) {
  EXPECT_EQ(At("2026-05-04T10:00:00Z").ToString(), "2026-05-04T10:00:00Z");
  EXPECT_EQ(At("2026-05-04T09:05:03Z").ToString(), "2026-05-04T09:05:03Z");
}

TEST(InstantTest, ToStringPrintsSixFractionDigitsWhenNonZero) {
  EXPECT_EQ(At("2026-05-04T10:00:00.5Z").ToString(), "2026-05-04T10:00:00.500000Z");
  EXPECT_EQ(At("2026-05-04T10:00:00.000001Z").ToString(), "2026-05-04T10:00:00.000001Z");
}

TEST(InstantTest, ToStringRoundTripsThroughParse) {
  for (const char* text : {"2026-05-04T10:00:00Z", "1970-01-01T00:00:00Z", "2024-02-29T23:59:59.999999Z",
                           "2026-12-31T00:00:00.123000Z"}) {
    Instant i = At(text);
    EXPECT_EQ(i.ToString(), text);
    EXPECT_EQ(At(i.ToString()), i);
  }
}

TEST(InstantTest, ToStringWith7FractionAlwaysPrintsSevenDigits) {
  EXPECT_EQ(At("2026-05-04T10:00:00Z").ToStringWith7Fraction(), "2026-05-04T10:00:00.0000000Z");
  EXPECT_EQ(At("2026-05-04T10:00:00.123456Z").ToStringWith7Fraction(), "2026-05-04T10:00:00.1234560Z");
}

TEST(InstantTest, BeforeEpochFallsOnThePreviousDay) {
  Instant i = Instant::FromMicros(-1);
  EXPECT_EQ(i.date(), Date::Ymd(1969, 12, 31));
  EXPECT_EQ(i.MicrosOfDay(), 86'399'999'999);
  EXPECT_EQ(i.ToString(), "1969-12-31T23:59:59.999999Z");
  EXPECT_EQ(Instant::FromMicros(-86'400'000'000).date(), Date::Ymd(1969, 12, 31));
  EXPECT_EQ(Instant::FromMicros(-86'400'000'000).MicrosOfDay(), 0);
}

TEST(InstantTest, ArithmeticWithDurations) {
  Instant a = At("2026-05-04T10:00:00Z");
  Instant b = At("2026-05-05T12:30:00Z");
  EXPECT_EQ(b - a, Duration::Hours(26) + Duration::Minutes(30));
  EXPECT_EQ(a + Duration::Days(1), At("2026-05-05T10:00:00Z"));
  EXPECT_EQ(a - Duration::Hours(11), At("2026-05-03T23:00:00Z"));
  EXPECT_LT(a, b);
}

TEST(InstantTest, PlusMonthsClampsTheDayAndKeepsTheTimeOfDay) {
  Instant i = At("2021-01-31T10:15:00Z");
  CalendarDuration one_month = *CalendarDuration::Parse("P1M");
  EXPECT_EQ(i.Plus(one_month).ToString(), "2021-02-28T10:15:00Z");
  EXPECT_EQ(At("2024-01-31T10:15:00Z").Plus(one_month).ToString(), "2024-02-29T10:15:00Z");
  EXPECT_EQ(At("2024-02-29T00:00:00Z").Plus(*CalendarDuration::Parse("P1Y")).ToString(), "2025-02-28T00:00:00Z");
}

TEST(InstantTest, PlusAppliesMonthsBeforeExactTime) {
  // Jan 31 + 1 month = Feb 28, then + 1 day = Mar 1 (not Feb 28 + clamping after Mar 1).
  EXPECT_EQ(At("2021-01-31T00:00:00Z").Plus(*CalendarDuration::Parse("P1M1D")).ToString(), "2021-03-01T00:00:00Z");
  EXPECT_EQ(At("2026-05-04T10:00:00Z").Plus(*CalendarDuration::Parse("PT25H")).ToString(), "2026-05-05T11:00:00Z");
  EXPECT_EQ(At("2026-05-04T10:00:00Z").Plus(*CalendarDuration::Parse("P30D")).ToString(), "2026-06-03T10:00:00Z");
}

TEST(InstantTest, PlusZeroDurationIsIdentity) {
  Instant i = At("2026-05-04T10:00:00.5Z");
  EXPECT_EQ(i.Plus(CalendarDuration{}), i);
}

TEST(CalendarDurationTest, RepeatedComponentsCannotOverflow) {
  // Each component is at most a million; repeated ones add up and are bounded too.
  std::string years = "P";
  for (int i = 0; i < 200; ++i) years += "1000000Y";
  EXPECT_FALSE(CalendarDuration::Parse(years).has_value());
  std::string weeks = "P";
  for (int i = 0; i < 20; ++i) weeks += "1000000W";
  EXPECT_FALSE(CalendarDuration::Parse(weeks).has_value());
  auto ten = CalendarDuration::Parse("P1000000Y");
  ASSERT_TRUE(ten.has_value());
  EXPECT_EQ(ten->months, 12000000);
  EXPECT_FALSE(CalendarDuration::Parse("P1000000Y1M").has_value());
  EXPECT_EQ(CalendarDuration::Parse("P1Y1Y")->months, 24);
}

}  // namespace
}  // namespace pcsim
