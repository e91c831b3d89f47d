// Unit tests for simulator/clock/simulated_clock.h.
#include "simulator/clock/simulated_clock.h"

#include <gtest/gtest.h>

#include <optional>
#include <ostream>
#include <string>
#include <vector>

namespace pcsim {

static void PrintTo(const Instant& i, std::ostream* os) { *os << i.ToString(); }

namespace {

Instant At(std::string_view text) {
  auto i = Instant::Parse(text);
  EXPECT_TRUE(i.has_value()) << "cannot parse " << text;
  return i.value_or(Instant());
}

const Instant kStart = Instant::StartOf(Date::FromDaysSinceEpoch(20577));  // 2026-05-04T00:00:00Z

TEST(SimulatedClockTest, StartsAtTheGivenInstantWithNoTimers) {
  SimulatedClock clock(kStart);
  EXPECT_EQ(clock.Now(), kStart);
  EXPECT_EQ(clock.Now().ToString(), "2026-05-04T00:00:00Z");
  EXPECT_EQ(clock.PendingTimers(), 0u);
  EXPECT_EQ(clock.FiredTimers(), 0u);
  EXPECT_EQ(clock.NextDue(), std::nullopt);
}

TEST(SimulatedClockTest, AdvanceToMovesNowToTheTarget) {
  SimulatedClock clock(kStart);
  EXPECT_EQ(clock.AdvanceTo(At("2026-05-05T12:00:00Z")), 0u);
  EXPECT_EQ(clock.Now(), At("2026-05-05T12:00:00Z"));
}

TEST(SimulatedClockTest, AdvanceByAddsTheDuration) {
  SimulatedClock clock(kStart);
  clock.AdvanceBy(Duration::Hours(36));
  EXPECT_EQ(clock.Now().ToString(), "2026-05-05T12:00:00Z");
  clock.AdvanceBy(Duration::Micros(1));
  EXPECT_EQ(clock.Now().ToString(), "2026-05-05T12:00:00.000001Z");
}

TEST(SimulatedClockTest, AdvanceToAnEarlierInstantDoesNotMoveBackwards) {
  SimulatedClock clock(kStart);
  clock.AdvanceTo(At("2026-05-10T00:00:00Z"));
  EXPECT_EQ(clock.AdvanceTo(At("2026-05-05T00:00:00Z")), 0u);
  EXPECT_EQ(clock.Now(), At("2026-05-10T00:00:00Z"));
  EXPECT_EQ(clock.AdvanceBy(Duration::Hours(-1)), 0u);
  EXPECT_EQ(clock.Now(), At("2026-05-10T00:00:00Z"));
}

TEST(SimulatedClockTest, ScheduleReturnsDistinctIdsAndCountsPendingTimers) {
  SimulatedClock clock(kStart);
  TimerId a = clock.Schedule(kStart + Duration::Hours(1), [] {});
  TimerId b = clock.Schedule(kStart + Duration::Hours(1), [] {});
  TimerId c = clock.Schedule(kStart + Duration::Hours(2), [] {});
  EXPECT_NE(a, b);
  EXPECT_NE(b, c);
  EXPECT_NE(a, c);
  EXPECT_EQ(clock.PendingTimers(), 3u);
  EXPECT_EQ(clock.FiredTimers(), 0u);
}

TEST(SimulatedClockTest, TimersFireInOrderOfDueTime) {
  SimulatedClock clock(kStart);
  std::vector<std::string> fired;
  clock.Schedule(kStart + Duration::Hours(3), [&] { fired.push_back("3h"); });
  clock.Schedule(kStart + Duration::Hours(1), [&] { fired.push_back("1h"); });
  clock.Schedule(kStart + Duration::Hours(2), [&] { fired.push_back("2h"); });
  EXPECT_EQ(clock.AdvanceBy(Duration::Days(1)), 3u);
  EXPECT_EQ(fired, (std::vector<std::string>{"1h", "2h", "3h"}));
}

TEST(SimulatedClockTest, TimersWithTheSameDueTimeFireInSchedulingOrder) {
  SimulatedClock clock(kStart);
  std::vector<int> fired;
  Instant due = kStart + Duration::Hours(1);
  for (int i = 0; i < 10; ++i) clock.Schedule(due, [&fired, i] { fired.push_back(i); });
  EXPECT_EQ(clock.AdvanceTo(due), 10u);
  EXPECT_EQ(fired, (std::vector<int>{0, 1, 2, 3, 4, 5, 6, 7, 8, 9}));
}

TEST(SimulatedClockTest, TimersAreOrderedByDueTimeThenSequence) {
  SimulatedClock clock(kStart);
  std::vector<std::string> fired;
  Instant t1 = kStart + Duration::Hours(1), t2 = kStart + Duration::Hours(2);
  clock.Schedule(t2, [&] { fired.push_back("t2-first"); });
  clock.Schedule(t1, [&] { fired.push_back("t1-first"); });
  clock.Schedule(t2, [&] { fired.push_back("t2-second"); });
  clock.Schedule(t1, [&] { fired.push_back("t1-second"); });
  clock.AdvanceTo(t2);
  EXPECT_EQ(fired, (std::vector<std::string>{"t1-first", "t1-second", "t2-first", "t2-second"}));
}

TEST(SimulatedClockTest, OnlyTimersDueAtOrBeforeTheTargetFire) {
  SimulatedClock clock(kStart);
  int fired = 0;
  clock.Schedule(kStart + Duration::Hours(1), [&] { ++fired; });
  clock.Schedule(kStart + Duration::Hours(2), [&] { ++fired; });
  clock.Schedule(kStart + Duration::Hours(2) + Duration::Micros(1), [&] { ++fired; });
  EXPECT_EQ(clock.AdvanceTo(kStart + Duration::Hours(2)), 2u);  // inclusive of the target
  EXPECT_EQ(fired, 2);
  EXPECT_EQ(clock.PendingTimers(), 1u);
  EXPECT_EQ(clock.FiredTimers(), 2u);
  EXPECT_EQ(clock.NextDue(), kStart + Duration::Hours(2) + Duration::Micros(1));
}

TEST(SimulatedClockTest, NowIsTheDueTimeInsideTheCallbackAndTheTargetAfter) {
  SimulatedClock clock(kStart);
  std::vector<Instant> seen;
  clock.Schedule(kStart + Duration::Hours(5), [&] { seen.push_back(clock.Now()); });
  clock.Schedule(kStart + Duration::Hours(2), [&] { seen.push_back(clock.Now()); });
  clock.AdvanceTo(kStart + Duration::Days(1));
  EXPECT_EQ(seen, (std::vector<Instant>{kStart + Duration::Hours(2), kStart + Duration::Hours(5)}));
  EXPECT_EQ(clock.Now(), kStart + Duration::Days(1));
}

TEST(SimulatedClockTest, CallbackSchedulingATimerDueBeforeTheTargetGetsItFiredInTheSameAdvance) {
  SimulatedClock clock(kStart);
  std::vector<std::string> fired;
  clock.Schedule(kStart + Duration::Hours(1), [&] {
    fired.push_back("outer@" + clock.Now().ToString());
    clock.Schedule(clock.Now() + Duration::Hours(1), [&] { fired.push_back("inner@" + clock.Now().ToString()); });
    clock.Schedule(clock.Now() + Duration::Days(2), [&] { fired.push_back("late"); });
  });
  EXPECT_EQ(clock.AdvanceTo(kStart + Duration::Hours(3)), 2u);
  EXPECT_EQ(fired, (std::vector<std::string>{"outer@2026-05-04T01:00:00Z", "inner@2026-05-04T02:00:00Z"}));
  EXPECT_EQ(clock.FiredTimers(), 2u);
  EXPECT_EQ(clock.PendingTimers(), 1u);
  EXPECT_EQ(clock.Now(), kStart + Duration::Hours(3));
}

TEST(SimulatedClockTest, CallbackSchedulingAtTheCurrentInstantFiresItAfterEarlierScheduledTiesInTheSameAdvance) {
  SimulatedClock clock(kStart);
  std::vector<std::string> fired;
  Instant due = kStart + Duration::Hours(1);
  clock.Schedule(due, [&] {
    fired.push_back("a");
    clock.Schedule(clock.Now(), [&] { fired.push_back("c"); });
  });
  clock.Schedule(due, [&] { fired.push_back("b"); });
  EXPECT_EQ(clock.AdvanceTo(due), 3u);
  EXPECT_EQ(fired, (std::vector<std::string>{"a", "b", "c"}));
}

TEST(SimulatedClockTest, TimerScheduledInThePastFiresOnTheNextAdvanceAtTheCurrentInstant) {
  SimulatedClock clock(kStart);
  clock.AdvanceTo(kStart + Duration::Days(1));
  std::optional<Instant> seen;
  clock.Schedule(kStart, [&] { seen = clock.Now(); });
  EXPECT_EQ(clock.NextDue(), kStart);
  EXPECT_FALSE(seen.has_value());  // not fired by Schedule itself
  EXPECT_EQ(clock.AdvanceBy(Duration()), 1u);
  ASSERT_TRUE(seen.has_value());
  EXPECT_EQ(*seen, kStart + Duration::Days(1));  // the clock did not move backwards
  EXPECT_EQ(clock.Now(), kStart + Duration::Days(1));
}

TEST(SimulatedClockTest, PastTimerFiresEvenWhenTheAdvanceTargetIsEarlierThanNow) {
  SimulatedClock clock(kStart + Duration::Days(10));
  int fired = 0;
  clock.Schedule(kStart, [&] { ++fired; });
  EXPECT_EQ(clock.AdvanceTo(kStart + Duration::Days(1)), 1u);
  EXPECT_EQ(fired, 1);
  EXPECT_EQ(clock.Now(), kStart + Duration::Days(10));
}

TEST(SimulatedClockTest, CancelPreventsFiringAndReturnsFalseTheSecondTime) {
  SimulatedClock clock(kStart);
  int fired = 0;
  TimerId id = clock.Schedule(kStart + Duration::Hours(1), [&] { ++fired; });
  EXPECT_TRUE(clock.Cancel(id));
  EXPECT_FALSE(clock.Cancel(id));
  EXPECT_EQ(clock.PendingTimers(), 0u);
  EXPECT_EQ(clock.AdvanceBy(Duration::Days(1)), 0u);
  EXPECT_EQ(fired, 0);
  EXPECT_EQ(clock.FiredTimers(), 0u);
}

TEST(SimulatedClockTest, CancelReturnsFalseForAFiredOrUnknownTimer) {
  SimulatedClock clock(kStart);
  TimerId id = clock.Schedule(kStart + Duration::Hours(1), [] {});
  clock.AdvanceBy(Duration::Hours(1));
  EXPECT_EQ(clock.FiredTimers(), 1u);
  EXPECT_FALSE(clock.Cancel(id));
  EXPECT_FALSE(clock.Cancel(id + 1000));
  EXPECT_EQ(clock.PendingTimers(), 0u);
}

TEST(SimulatedClockTest, AStaleIdDoesNotCancelATimerScheduledAfterIt) {
  SimulatedClock clock(kStart);
  std::vector<std::string> fired;
  TimerId cancelled = clock.Schedule(kStart + Duration::Hours(1), [&] { fired.push_back("cancelled"); });
  ASSERT_TRUE(clock.Cancel(cancelled));
  TimerId replacement = clock.Schedule(kStart + Duration::Hours(2), [&] { fired.push_back("replacement"); });
  EXPECT_NE(replacement, cancelled);
  EXPECT_FALSE(clock.Cancel(cancelled));
  EXPECT_EQ(clock.PendingTimers(), 1u);
  EXPECT_EQ(clock.NextDue(), kStart + Duration::Hours(2));
  EXPECT_EQ(clock.AdvanceBy(Duration::Days(1)), 1u);
  EXPECT_EQ(fired, (std::vector<std::string>{"replacement"}));
}

TEST(SimulatedClockTest, AFiredTimersIdDoesNotCancelALaterTimer) {
  SimulatedClock clock(kStart);
  int later_fired = 0;
  TimerId first = clock.Schedule(kStart + Duration::Hours(1), [] {});
  clock.AdvanceBy(Duration::Hours(1));
  TimerId later = clock.Schedule(kStart + Duration::Hours(5), [&] { ++later_fired; });
  EXPECT_NE(later, first);
  EXPECT_FALSE(clock.Cancel(first));
  EXPECT_EQ(clock.PendingTimers(), 1u);
  clock.AdvanceBy(Duration::Days(1));
  EXPECT_EQ(later_fired, 1);
}

TEST(SimulatedClockTest, ManyTimersInterleavedWithCancelsFireInOrder) {
  SimulatedClock clock(kStart);
  std::vector<int> fired;
  std::vector<TimerId> ids;
  // Due times 0..99 minutes scheduled in a scrambled order; odd ones cancelled.
  for (int i = 0; i < 100; ++i) {
    int minute = (i * 37) % 100;
    ids.push_back(clock.Schedule(kStart + Duration::Minutes(minute), [&fired, minute] { fired.push_back(minute); }));
  }
  for (int i = 0; i < 100; ++i) {
    if ((i * 37) % 100 % 2 == 1) {
      EXPECT_TRUE(clock.Cancel(ids[i]));
    }
  }
  EXPECT_EQ(clock.PendingTimers(), 50u);
  EXPECT_EQ(clock.AdvanceBy(Duration::Hours(2)), 50u);
  std::vector<int> expected;
  for (int m = 0; m < 100; m += 2) expected.push_back(m);
  EXPECT_EQ(fired, expected);
}

TEST(SimulatedClockTest, CancellingOneTimerLeavesTheOthers) {
  SimulatedClock clock(kStart);
  std::vector<int> fired;
  clock.Schedule(kStart + Duration::Hours(1), [&] { fired.push_back(1); });
  TimerId two = clock.Schedule(kStart + Duration::Hours(2), [&] { fired.push_back(2); });
  clock.Schedule(kStart + Duration::Hours(3), [&] { fired.push_back(3); });
  EXPECT_TRUE(clock.Cancel(two));
  EXPECT_EQ(clock.PendingTimers(), 2u);
  EXPECT_EQ(clock.AdvanceBy(Duration::Days(1)), 2u);
  EXPECT_EQ(fired, (std::vector<int>{1, 3}));
  EXPECT_EQ(clock.PendingTimers(), 0u);
  EXPECT_EQ(clock.FiredTimers(), 2u);
}

TEST(SimulatedClockTest, NextDueSkipsCancelledTimers) {
  SimulatedClock clock(kStart);
  TimerId first = clock.Schedule(kStart + Duration::Hours(1), [] {});
  clock.Schedule(kStart + Duration::Hours(4), [] {});
  EXPECT_EQ(clock.NextDue(), kStart + Duration::Hours(1));
  clock.Cancel(first);
  EXPECT_EQ(clock.NextDue(), kStart + Duration::Hours(4));
  EXPECT_EQ(clock.PendingTimers(), 1u);
}

TEST(SimulatedClockTest, CallbackCanCancelALaterTimerInTheSameAdvance) {
  SimulatedClock clock(kStart);
  std::vector<int> fired;
  TimerId second = 0;
  clock.Schedule(kStart + Duration::Hours(1), [&] {
    fired.push_back(1);
    EXPECT_TRUE(clock.Cancel(second));
  });
  second = clock.Schedule(kStart + Duration::Hours(2), [&] { fired.push_back(2); });
  EXPECT_EQ(clock.AdvanceBy(Duration::Days(1)), 1u);
  EXPECT_EQ(fired, (std::vector<int>{1}));
  EXPECT_EQ(clock.PendingTimers(), 0u);
}

TEST(SimulatedClockTest, ATimerCannotCancelItselfWhileFiring) {
  SimulatedClock clock(kStart);
  TimerId self = 0;
  std::optional<bool> cancelled;
  self = clock.Schedule(kStart + Duration::Hours(1), [&] { cancelled = clock.Cancel(self); });
  EXPECT_EQ(clock.AdvanceBy(Duration::Hours(1)), 1u);
  EXPECT_EQ(cancelled, false);
  EXPECT_EQ(clock.FiredTimers(), 1u);
  EXPECT_EQ(clock.PendingTimers(), 0u);
}

TEST(SimulatedClockTest, FiredTimersAccumulatesAcrossAdvances) {
  SimulatedClock clock(kStart);
  for (int h = 1; h <= 5; ++h) clock.Schedule(kStart + Duration::Hours(h), [] {});
  EXPECT_EQ(clock.AdvanceBy(Duration::Hours(2)), 2u);
  EXPECT_EQ(clock.FiredTimers(), 2u);
  EXPECT_EQ(clock.PendingTimers(), 3u);
  EXPECT_EQ(clock.AdvanceBy(Duration::Hours(2)), 2u);
  EXPECT_EQ(clock.FiredTimers(), 4u);
  EXPECT_EQ(clock.PendingTimers(), 1u);
  EXPECT_EQ(clock.AdvanceBy(Duration::Hours(2)), 1u);
  EXPECT_EQ(clock.FiredTimers(), 5u);
  EXPECT_EQ(clock.PendingTimers(), 0u);
}

TEST(SimulatedClockTest, ReplacedTimersDoNotAccumulateInTheQueue) {
  // A timer replaced over and over (the 24-hour rule re-armed by every PATCH
  // while the clock stands still) leaves no trail: the queue stays within
  // about twice the pending timers, and the live timers still fire in order.
  SimulatedClock clock(kStart);
  std::vector<int> fired;
  clock.Schedule(kStart + Duration::Hours(24), [&fired] { fired.push_back(1); });
  clock.Schedule(kStart + Duration::Hours(48), [&fired] { fired.push_back(3); });
  TimerId rule = 0;
  for (int i = 0; i < 100000; ++i) {
    if (rule != 0) {
      EXPECT_TRUE(clock.Cancel(rule));
    }
    rule = clock.Schedule(kStart + Duration::Hours(24), [&fired] { fired.push_back(2); });
    EXPECT_LE(clock.QueuedEntries(), 2 * clock.PendingTimers() + 1025) << "after " << i << " replacements";
  }
  EXPECT_EQ(clock.PendingTimers(), 3u);
  EXPECT_EQ(clock.AdvanceBy(Duration::Days(3)), 3u);
  EXPECT_EQ(fired, (std::vector<int>{1, 2, 3}));
  EXPECT_EQ(clock.QueuedEntries(), 0u);
}

}  // namespace
}  // namespace pcsim
