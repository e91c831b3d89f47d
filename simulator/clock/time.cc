#include "simulator/clock/time.h"

#include <cassert>
#include <cstdio>
#include <cstring>
#include <stdexcept>

namespace pcsim {
namespace {

using YearMonthDay = Date::YearMonthDay;

// Days since 1970-01-01 to the proleptic Gregorian calendar and back, with
// the Euclidean affine functions of Neri and Schneider ("Euclidean affine
// functions and their application to calendar algorithms", 2022): a few
// 32-bit multiplications and shifts, no table, no loop. Both run on every
// charge cycle. Days are shifted by whole 400-year eras so that every date
// of the years a Date may hold is a positive count.
constexpr uint32_t kEraShift = 82;
constexpr uint32_t kDayShift = 719468 + 146097 * kEraShift;  // 1970-01-01 from 1 March of year -32800
constexpr uint32_t kYearShift = 400 * kEraShift;

// The years a Date may hold (those of Boost.Date_Time, which this replaces:
// outside them a conversion throws as it did).
constexpr int kFirstYear = 1400, kLastYear = 9999;
constexpr int32_t kFirstDay = -208188;  // 1400-01-01
constexpr int32_t kLastDay = 2932896;   // 9999-12-31
[[noreturn]] void YearOutOfRange() { throw std::out_of_range("Year is out of valid range: 1400..9999"); }

YearMonthDay ToYmd(int32_t days) {
  if (days < kFirstDay || days > kLastDay) YearOutOfRange();
  const uint32_t n1 = 4 * (static_cast<uint32_t>(days) + kDayShift) + 3;
  const uint32_t century = n1 / 146097;
  const uint32_t n2 = (n1 % 146097) | 3;  // 4 * (day of the century) + 3
  const uint64_t p2 = uint64_t{2939745} * n2;
  const uint32_t year_of_century = static_cast<uint32_t>(p2 >> 32);
  const uint32_t day_of_year = static_cast<uint32_t>(p2) / 2939745 / 4;  // from 1 March
  const uint32_t n3 = 2141 * day_of_year + 197913;
  const uint32_t month = n3 >> 16;  // 3..14
  const uint32_t day = (n3 & 0xFFFF) / 2141 + 1;
  const uint32_t january_or_february = day_of_year >= 306 ? 1 : 0;
  return {static_cast<int>(100 * century + year_of_century + january_or_february - kYearShift),
          static_cast<int>(january_or_february ? month - 12 : month), static_cast<int>(day)};
}

int32_t DaysFromYmd(int year, int month, int day) {
  if (year < kFirstYear || year > kLastYear) YearOutOfRange();
  const uint32_t january_or_february = month <= 2 ? 1 : 0;
  const uint32_t y = static_cast<uint32_t>(year) + kYearShift - january_or_february;  // from 1 March
  const uint32_t m = static_cast<uint32_t>(month) + 12 * january_or_february;           // 3..14
  const uint32_t century = y / 100;
  const uint32_t days_before_year = 1461 * y / 4 - century + century / 4;
  const uint32_t days_before_month = (979 * m - 2919) / 32;
  return static_cast<int32_t>(days_before_year + days_before_month + static_cast<uint32_t>(day) - 1 - kDayShift);
}

bool ParseDigits(std::string_view s, size_t pos, size_t n, int* out) {
  if (pos + n > s.size()) return false;
  int v = 0;
  for (size_t i = pos; i < pos + n; ++i) {
    if (s[i] < '0' || s[i] > '9') return false;
    v = v * 10 + (s[i] - '0');
  }
  *out = v;
  return true;
}

}  // namespace

int DaysInMonth(int year, int month) {
  // The Gregorian month lengths (this sits on the hot path of every charge cycle).
  static constexpr int kDays[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (month == 2) {
    bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
    return leap ? 29 : 28;
  }
  return kDays[month - 1];
}

std::optional<Date> Date::FromYmd(int year, int month, int day) {
  if (year < 1400 || year > 9999 || month < 1 || month > 12 || day < 1) return std::nullopt;
  if (day > pcsim::DaysInMonth(year, month)) return std::nullopt;
  return FromDaysSinceEpoch(DaysFromYmd(year, month, day));
}

Date Date::Ymd(int year, int month, int day) {
  assert(FromYmd(year, month, day).has_value());
  return FromDaysSinceEpoch(DaysFromYmd(year, month, day));
}

std::optional<Date> Date::Parse(std::string_view text) {
  int y, m, d;
  if (text.size() != 10 || text[4] != '-' || text[7] != '-') return std::nullopt;
  if (!ParseDigits(text, 0, 4, &y) || !ParseDigits(text, 5, 2, &m) || !ParseDigits(text, 8, 2, &d))
    return std::nullopt;
  return FromYmd(y, m, d);
}

Date::YearMonthDay Date::ymd() const { return ToYmd(days_); }
int Date::year() const { return ToYmd(days_).year; }
int Date::month() const { return ToYmd(days_).month; }
int Date::day() const { return ToYmd(days_).day; }

Date Date::AddMonthsClamped(int n) const {
  YearMonthDay v = ToYmd(days_);
  int index = v.year * 12 + (v.month - 1) + n;
  int year = index / 12;
  int month = index % 12 + 1;
  int day = std::min(v.day, pcsim::DaysInMonth(year, month));
  return Ymd(year, month, day);
}

int Date::DaysInMonth() const {
  YearMonthDay v = ToYmd(days_);
  return pcsim::DaysInMonth(v.year, v.month);
}

Date Date::FirstOfMonth() const { return AddDays(1 - day()); }

namespace {

// Writes `value` (0 <= value < 10^width) as `width` digits at `out`.
char* PutDigits(char* out, int64_t value, int width) {
  for (int i = width - 1; i >= 0; --i) {
    out[i] = static_cast<char>('0' + value % 10);
    value /= 10;
  }
  return out + width;
}

// "YYYY-MM-DD" at `out` (10 characters) for years 0..9999; false otherwise.
bool PutDate(char* out, const YearMonthDay& v) {
  if (v.year < 0 || v.year > 9999) return false;
  out = PutDigits(out, v.year, 4);
  *out++ = '-';
  out = PutDigits(out, v.month, 2);
  *out++ = '-';
  PutDigits(out, v.day, 2);
  return true;
}

// "THH:MM:SS" at `out` (9 characters).
char* PutTime(char* out, int64_t secs) {
  *out++ = 'T';
  out = PutDigits(out, secs / 3600, 2);
  *out++ = ':';
  out = PutDigits(out, secs / 60 % 60, 2);
  *out++ = ':';
  return PutDigits(out, secs % 60, 2);
}

}  // namespace

std::string Date::ToString() const {
  YearMonthDay v = ToYmd(days_);
  char buf[16];
  if (PutDate(buf, v)) return std::string(buf, 10);
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02d", v.year, v.month, v.day);
  return buf;
}

std::optional<CalendarDuration> CalendarDuration::Parse(std::string_view text) {
  if (text.size() < 2 || text[0] != 'P') return std::nullopt;
  CalendarDuration out;
  bool in_time = false, any = false;
  size_t i = 1;
  int64_t micros = 0;
  int64_t months = 0;
  while (i < text.size()) {
    if (text[i] == 'T') {
      // A T must be followed by at least one time component.
      if (in_time || i + 1 == text.size()) return std::nullopt;
      in_time = true;
      ++i;
      continue;
    }
    int64_t value = 0;
    size_t start = i;
    while (i < text.size() && text[i] >= '0' && text[i] <= '9') {
      value = value * 10 + (text[i] - '0');
      if (value > 1'000'000) return std::nullopt;
      ++i;
    }
    if (i == start || i >= text.size()) return std::nullopt;
    char unit = text[i++];
    any = true;
    if (!in_time) {
      switch (unit) {
        case 'Y': months += value * 12; break;
        case 'M': months += value; break;
        case 'W': micros += value * 7 * 86'400'000'000; break;
        case 'D': micros += value * 86'400'000'000; break;
        default: return std::nullopt;
      }
    } else {
      switch (unit) {
        case 'H': micros += value * 3'600'000'000; break;
        case 'M': micros += value * 60'000'000; break;
        case 'S': micros += value * 1'000'000; break;
        default: return std::nullopt;
      }
    }
    // Repeated components add up; keep the sum far from overflowing
    // (a million years, a million weeks of time).
    if (months > 12'000'000 || micros > 7 * 86'400'000'000 * 1'000'000) return std::nullopt;
  }
  if (!any) return std::nullopt;
  out.months = static_cast<int>(months);
  out.time = Duration::Micros(micros);
  return out;
}

std::optional<Instant> Instant::Parse(std::string_view text) {
  if (text.size() == 10) {
    auto d = Date::Parse(text);
    if (!d) return std::nullopt;
    return StartOf(*d);
  }
  if (text.size() < 20 || (text[10] != 'T' && text[10] != 't')) return std::nullopt;
  auto d = Date::Parse(text.substr(0, 10));
  if (!d) return std::nullopt;
  int hh, mm, ss;
  if (!ParseDigits(text, 11, 2, &hh) || text[13] != ':' || !ParseDigits(text, 14, 2, &mm) ||
      text[16] != ':' || !ParseDigits(text, 17, 2, &ss))
    return std::nullopt;
  if (hh > 23 || mm > 59 || ss > 59) return std::nullopt;
  size_t i = 19;
  int64_t frac_micros = 0;
  if (i < text.size() && text[i] == '.') {
    ++i;
    size_t start = i;
    int64_t scale = 100000;
    while (i < text.size() && text[i] >= '0' && text[i] <= '9') {
      frac_micros += (text[i] - '0') * scale;
      scale /= 10;
      ++i;
    }
    if (i == start || i - start > 9) return std::nullopt;
  }
  if (i >= text.size()) return std::nullopt;
  int64_t offset_seconds = 0;
  if (text[i] == 'Z' || text[i] == 'z') {
    ++i;
  } else if (text[i] == '+' || text[i] == '-') {
    int oh, om;
    if (!ParseDigits(text, i + 1, 2, &oh) || i + 3 >= text.size() || text[i + 3] != ':' ||
        !ParseDigits(text, i + 4, 2, &om) || oh > 23 || om > 59)
      return std::nullopt;
    offset_seconds = (oh * 3600 + om * 60) * (text[i] == '+' ? 1 : -1);
    i += 6;
  } else {
    return std::nullopt;
  }
  if (i != text.size()) return std::nullopt;
  int64_t micros = StartOf(*d).micros() + (int64_t{hh} * 3600 + mm * 60 + ss - offset_seconds) * 1'000'000 +
                   frac_micros;
  return FromMicros(micros);
}

Date Instant::date() const {
  int64_t days = micros_ / 86'400'000'000;
  if (micros_ % 86'400'000'000 < 0) --days;
  return Date::FromDaysSinceEpoch(static_cast<int32_t>(days));
}

int64_t Instant::MicrosOfDay() const { return micros_ - StartOf(date()).micros(); }

Instant Instant::Plus(const CalendarDuration& d) const {
  Instant base = *this;
  if (d.months != 0) {
    Date day = date();
    base = StartOf(day.AddMonthsClamped(d.months)) + Duration::Micros(MicrosOfDay());
  }
  return base + d.time;
}

std::string Instant::ToString() const {
  int64_t of_day = MicrosOfDay();
  int64_t secs = of_day / 1'000'000;
  int64_t frac = of_day % 1'000'000;
  char buf[48];
  std::string day = date().ToString();
  if (day.size() == 10) {  // the usual years: no printf
    std::memcpy(buf, day.data(), 10);
    char* out = PutTime(buf + 10, secs);
    if (frac != 0) {
      *out++ = '.';
      out = PutDigits(out, frac, 6);
    }
    *out++ = 'Z';
    return std::string(buf, out);
  }
  if (frac == 0) {
    std::snprintf(buf, sizeof buf, "%sT%02d:%02d:%02dZ", day.c_str(), static_cast<int>(secs / 3600),
                  static_cast<int>(secs / 60 % 60), static_cast<int>(secs % 60));
  } else {
    std::snprintf(buf, sizeof buf, "%sT%02d:%02d:%02d.%06dZ", day.c_str(), static_cast<int>(secs / 3600),
                  static_cast<int>(secs / 60 % 60), static_cast<int>(secs % 60), static_cast<int>(frac));
  }
  return buf;
}

std::string Instant::ToStringWith7Fraction() const {
  int64_t of_day = MicrosOfDay();
  int64_t secs = of_day / 1'000'000;
  int64_t frac = of_day % 1'000'000;
  char buf[48];
  std::string day = date().ToString();
  if (day.size() == 10) {
    std::memcpy(buf, day.data(), 10);
    char* out = PutTime(buf + 10, secs);
    *out++ = '.';
    out = PutDigits(out, frac, 6);
    *out++ = '0';
    *out++ = 'Z';
    return std::string(buf, out);
  }
  std::snprintf(buf, sizeof buf, "%sT%02d:%02d:%02d.%06d0Z", day.c_str(), static_cast<int>(secs / 3600),
                static_cast<int>(secs / 60 % 60), static_cast<int>(secs % 60), static_cast<int>(frac));
  return buf;
}

}  // namespace pcsim
