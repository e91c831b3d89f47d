// Term and charge-cycle date math (docs/decisions.md, section 2).
// Terms end the day before their (clamped) anniversary; monthly charge cycles
// of longer terms are anchored on the term start and always computed from it,
// never by adding a month to the previous cycle.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

#include "simulator/clock/time.h"

namespace pcsim {

enum class Term : uint8_t { P1M, P1Y, P3Y };
enum class Billing : uint8_t { Monthly, Annual, Triennial, None };

int TermMonths(Term term);
// Months in one charge cycle: 1, 12 or 36 (None counts as monthly).
int BillingMonths(Billing billing);
std::string_view ToString(Term term);      // "P1M", "P1Y", "P3Y"
std::string_view ToString(Billing billing);  // "monthly", "annual", "triennial", "none"
std::optional<Term> ParseTerm(std::string_view text);        // case-insensitive
std::optional<Billing> ParseBilling(std::string_view text);  // case-insensitive
// The billing cycles a term can be paired with (P1M: monthly; P1Y: monthly,
// annual; P3Y: monthly, annual, triennial).
bool IsValidPair(Term term, Billing billing);

// Inclusive last day of a term starting on `start`: P1M ends the day before
// the same day of next month (clamped), P1Y/P3Y the day before the anniversary.
Date TermEndDate(Date start, Term term);

// First day of monthly cycle k of a term anchored on `anchor` (section 2):
// days 1..28 keep their day of month; the last day of a month stays on the
// last day; the day before the last stays the day before the last; the 29th
// and 30th of longer months are clamped to the target month.
Date AnchoredMonthStart(Date anchor, int k);

// An inclusive span of days.
struct Period {
  Date start;
  Date end;
  int Days() const { return end - start + 1; }
  bool Contains(Date d) const { return start <= d && d <= end; }
  friend bool operator==(const Period&, const Period&) = default;
};

// The charge cycles of one term. Cycles are counted from `anchor`: the term
// start, or for a custom term end date the virtual start one term before the
// day after that end, so that the first cycle is shortened ("clipped") and the
// later ones line up with the term end.
class CycleCalendar {
 public:
  CycleCalendar(Date anchor, Term term, Billing billing, Date term_start, Date term_end);
  // The term's own calendar, anchored on its start.
  static CycleCalendar ForTerm(Date term_start, Term term, Billing billing);
  // A term from `term_start` shortened to end on `custom_end` (coterminosity):
  // cycles are anchored one term length before the day after `custom_end`.
  static CycleCalendar WithCustomEnd(Date term_start, Date custom_end, Term term, Billing billing);

  // Index of the cycle that contains `d` (d inside the term).
  int IndexOf(Date d) const;
  // Cycle k as the price list sees it (a whole month, year or three years).
  Period Nominal(int k) const;
  // Cycle k limited to the term.
  Period Clipped(int k) const;
  bool IsShortened(int k) const { return Clipped(k).start != Nominal(k).start; }
  // Index of the term's first cycle (0 unless the term has a custom end).
  int FirstIndex() const { return IndexOf(term_start_); }
  // Number of cycles in the term.
  int Count() const;

  Date anchor() const { return anchor_; }
  Date term_start() const { return term_start_; }
  Date term_end() const { return term_end_; }
  Billing billing() const { return billing_; }
  Term term() const { return term_; }

 private:
  Date CycleStart(int k) const;
  Date anchor_;
  Date::YearMonthDay anchor_ymd_{};  // the anchor's calendar fields, for terms of several cycles
  Term term_;
  Billing billing_;
  Date term_start_;
  Date term_end_;
};

}  // namespace pcsim
