// The simulator's vocabulary of time: a UTC calendar Date, an Instant with
// microsecond resolution, and ISO 8601 durations. Everything is UTC; nothing
// here reads the wall clock. Dates run from the year 1400 to 9999.
#pragma once

#include <compare>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace pcsim {

// A day of the proleptic Gregorian calendar, stored as days since 1970-01-01.
class Date {
 public:
  constexpr Date() = default;
  // Requires a valid calendar day (year 1400..9999); otherwise returns nullopt.
  static std::optional<Date> FromYmd(int year, int month, int day);
  // Same, but the caller guarantees validity (checked with an assertion).
  static Date Ymd(int year, int month, int day);
  static constexpr Date FromDaysSinceEpoch(int32_t days) { Date d; d.days_ = days; return d; }
  // Parses exactly "YYYY-MM-DD".
  static std::optional<Date> Parse(std::string_view text);

  struct YearMonthDay {
    int year, month, day;
  };
  // The calendar fields in one conversion.
  YearMonthDay ymd() const;
  int year() const;
  int month() const;
  int day() const;
  constexpr int32_t days_since_epoch() const { return days_; }

  constexpr Date AddDays(int n) const { return FromDaysSinceEpoch(days_ + n); }
  // Same day of month `n` months later, clamped to the target month's length.
  Date AddMonthsClamped(int n) const;
  // Same day and month `n` years later; 29 February becomes 28 February.
  Date AddYearsClamped(int n) const { return AddMonthsClamped(12 * n); }
  int DaysInMonth() const;
  bool IsLastDayOfMonth() const { return day() == DaysInMonth(); }
  Date FirstOfMonth() const;

  // "YYYY-MM-DD".
  std::string ToString() const;

  friend constexpr auto operator<=>(Date, Date) = default;
  friend constexpr int operator-(Date a, Date b) { return a.days_ - b.days_; }

 private:
  int32_t days_ = 0;
};

int DaysInMonth(int year, int month);

// A length of time with microsecond resolution.
class Duration {
 public:
  constexpr Duration() = default;
  static constexpr Duration Micros(int64_t n) { Duration d; d.micros_ = n; return d; }
  static constexpr Duration Seconds(int64_t n) { return Micros(n * 1'000'000); }
  static constexpr Duration Minutes(int64_t n) { return Seconds(n * 60); }
  static constexpr Duration Hours(int64_t n) { return Seconds(n * 3600); }
  static constexpr Duration Days(int64_t n) { return Hours(n * 24); }
  constexpr int64_t micros() const { return micros_; }
  constexpr int64_t seconds() const { return micros_ / 1'000'000; }
  friend constexpr auto operator<=>(Duration, Duration) = default;
  friend constexpr Duration operator+(Duration a, Duration b) { return Micros(a.micros_ + b.micros_); }

 private:
  int64_t micros_ = 0;
};

// An ISO 8601 duration such as P30D, PT25H, P1Y2M or P1DT12H. Years and months
// are calendar units (applied with day clamping); the rest is exact time.
struct CalendarDuration {
  int months = 0;
  Duration time;
  // Parses "P[nY][nM][nW][nD][T[nH][nM][nS]]"; nullopt when malformed or empty.
  static std::optional<CalendarDuration> Parse(std::string_view text);
};

// A point in simulated time: microseconds since 1970-01-01T00:00:00Z.
class Instant {
 public:
  constexpr Instant() = default;
  static constexpr Instant FromMicros(int64_t micros) { Instant i; i.micros_ = micros; return i; }
  static constexpr Instant StartOf(Date d) { return FromMicros(int64_t{d.days_since_epoch()} * 86'400'000'000); }
  // Parses RFC 3339 ("2026-05-04T10:00:00Z", fractions and +hh:mm offsets
  // allowed) or a date alone ("2026-05-04", meaning 00:00:00Z of that day).
  static std::optional<Instant> Parse(std::string_view text);

  constexpr int64_t micros() const { return micros_; }
  // The UTC day this instant falls on.
  Date date() const;
  // Microseconds since the start of the UTC day.
  int64_t MicrosOfDay() const;
  Instant Plus(const CalendarDuration& d) const;

  // "2026-05-04T10:00:00Z"; fractional seconds only when non-zero.
  std::string ToString() const;
  // Always seven fractional digits, as Partner Center prints creation dates.
  std::string ToStringWith7Fraction() const;

  friend constexpr auto operator<=>(Instant, Instant) = default;
  friend constexpr Instant operator+(Instant i, Duration d) { return FromMicros(i.micros_ + d.micros()); }
  friend constexpr Instant operator-(Instant i, Duration d) { return FromMicros(i.micros_ - d.micros()); }
  friend constexpr Duration operator-(Instant a, Instant b) { return Duration::Micros(a.micros_ - b.micros_); }

 private:
  int64_t micros_ = 0;
};

}  // namespace pcsim
