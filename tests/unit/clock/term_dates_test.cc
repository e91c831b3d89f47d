#include "simulator/clock/term_dates.h"

#include <gtest/gtest.h>

namespace pcsim {
namespace {

Date D(const char* s) { return *Date::Parse(s); }

TEST(TermEndDateTest, AnnualTermEndsTheDayBeforeTheAnniversary) {
  EXPECT_EQ(TermEndDate(D("2021-06-18"), Term::P1Y), D("2022-06-17"));
  EXPECT_EQ(TermEndDate(D("2021-05-25"), Term::P3Y), D("2024-05-24"));
  EXPECT_EQ(TermEndDate(D("2024-02-29"), Term::P1Y), D("2025-02-27"));
}

TEST(TermEndDateTest, MonthlyTermDriftsAtMonthEnds) {
  // Bought 2021-01-31: ends 2021-02-27, renews 2021-02-28, next ends 2021-03-27.
  Date end = TermEndDate(D("2021-01-31"), Term::P1M);
  EXPECT_EQ(end, D("2021-02-27"));
  EXPECT_EQ(TermEndDate(end.AddDays(1), Term::P1M), D("2021-03-27"));
  EXPECT_EQ(TermEndDate(D("2021-04-14"), Term::P1M), D("2021-05-13"));
}

TEST(AnchoredMonthStartTest, DaysUpTo28KeepTheirDay) {
  EXPECT_EQ(AnchoredMonthStart(D("2021-02-21"), 1), D("2021-03-21"));
  EXPECT_EQ(AnchoredMonthStart(D("2021-01-28"), 1), D("2021-02-28"));
  EXPECT_EQ(AnchoredMonthStart(D("2021-01-28"), 2), D("2021-03-28"));
}

TEST(AnchoredMonthStartTest, LastDayStaysOnTheLastDay) {
  EXPECT_EQ(AnchoredMonthStart(D("2021-01-31"), 1), D("2021-02-28"));
  EXPECT_EQ(AnchoredMonthStart(D("2021-01-31"), 2), D("2021-03-31"));
  EXPECT_EQ(AnchoredMonthStart(D("2021-01-31"), 3), D("2021-04-30"));
  // 2021-02-28 is also a day <= 28, and that rule comes first.
  EXPECT_EQ(AnchoredMonthStart(D("2021-02-28"), 1), D("2021-03-28"));
  EXPECT_EQ(AnchoredMonthStart(D("2024-02-29"), 1), D("2024-03-31"));
}

TEST(AnchoredMonthStartTest, DayBeforeLastStaysTheDayBeforeLast) {
  EXPECT_EQ(AnchoredMonthStart(D("2021-01-30"), 1), D("2021-02-27"));
  EXPECT_EQ(AnchoredMonthStart(D("2021-01-30"), 2), D("2021-03-30"));
  EXPECT_EQ(AnchoredMonthStart(D("2021-01-30"), 3), D("2021-04-29"));
}

TEST(AnchoredMonthStartTest, The29thOfALongerMonthIsClamped) {
  EXPECT_EQ(AnchoredMonthStart(D("2021-01-29"), 1), D("2021-02-28"));
  EXPECT_EQ(AnchoredMonthStart(D("2021-01-29"), 2), D("2021-03-29"));
  EXPECT_EQ(AnchoredMonthStart(D("2024-01-29"), 1), D("2024-02-29"));
}

TEST(CycleCalendarTest, MonthlyCyclesAreComputedFromTheTermStart) {
  auto calendar = CycleCalendar::ForTerm(D("2021-01-31"), Term::P1Y, Billing::Monthly);
  EXPECT_EQ(calendar.Count(), 12);
  EXPECT_EQ(calendar.Nominal(0), (Period{D("2021-01-31"), D("2021-02-27")}));
  EXPECT_EQ(calendar.Nominal(1), (Period{D("2021-02-28"), D("2021-03-30")}));
  EXPECT_EQ(calendar.Nominal(11), (Period{D("2021-12-31"), D("2022-01-30")}));
  EXPECT_EQ(calendar.IndexOf(D("2021-03-30")), 1);
  EXPECT_EQ(calendar.IndexOf(D("2021-03-31")), 2);
}

TEST(CycleCalendarTest, AnnualCyclesOfATriennialTermFollowAnniversaries) {
  auto calendar = CycleCalendar::ForTerm(D("2021-09-20"), Term::P3Y, Billing::Annual);
  EXPECT_EQ(calendar.Count(), 3);
  EXPECT_EQ(calendar.Nominal(1), (Period{D("2022-09-20"), D("2023-09-19")}));
  EXPECT_EQ(calendar.Nominal(2).end, D("2024-09-19"));
}

TEST(CycleCalendarTest, UpfrontBillingHasOneCycleForTheWholeTerm) {
  auto calendar = CycleCalendar::ForTerm(D("2021-06-18"), Term::P1Y, Billing::Annual);
  EXPECT_EQ(calendar.Count(), 1);
  EXPECT_EQ(calendar.Nominal(0), (Period{D("2021-06-18"), D("2022-06-17")}));
}

TEST(CycleCalendarTest, CustomTermEndShortensTheFirstCycle) {
  auto calendar = CycleCalendar::WithCustomEnd(D("2026-01-15"), D("2026-12-31"), Term::P1Y, Billing::Monthly);
  EXPECT_EQ(calendar.anchor(), D("2026-01-01"));
  EXPECT_EQ(calendar.FirstIndex(), 0);
  EXPECT_EQ(calendar.Clipped(0), (Period{D("2026-01-15"), D("2026-01-31")}));
  EXPECT_TRUE(calendar.IsShortened(0));
  EXPECT_EQ(calendar.Nominal(1), (Period{D("2026-02-01"), D("2026-02-28")}));
  EXPECT_EQ(calendar.Count(), 12);
}

TEST(TermPairTest, OnlyDocumentedTermAndBillingPairsAreValid) {
  EXPECT_TRUE(IsValidPair(Term::P1M, Billing::Monthly));
  EXPECT_FALSE(IsValidPair(Term::P1M, Billing::Annual));
  EXPECT_TRUE(IsValidPair(Term::P1Y, Billing::Annual));
  EXPECT_FALSE(IsValidPair(Term::P1Y, Billing::Triennial));
  EXPECT_TRUE(IsValidPair(Term::P3Y, Billing::Triennial));
  EXPECT_EQ(ParseBilling("Monthly"), Billing::Monthly);
  EXPECT_EQ(ParseTerm("p1y"), Term::P1Y);
  EXPECT_FALSE(ParseTerm("P2Y").has_value());
}

}  // namespace
}  // namespace pcsim
