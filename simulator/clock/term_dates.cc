#include "simulator/clock/term_dates.h"

#include <algorithm>
#include <cassert>
#include <cctype>
#include <string>

namespace pcsim {
namespace {

bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i)
    if (std::tolower(static_cast<unsigned char>(a[i])) != std::tolower(static_cast<unsigned char>(b[i])))
      return false;
  return true;
}

}  // namespace

int TermMonths(Term term) {
  switch (term) {
    case Term::P1M: return 1;
    case Term::P1Y: return 12;
    case Term::P3Y: return 36;
  }
  return 1;
}

int BillingMonths(Billing billing) {
  switch (billing) {
    case Billing::Annual: return 12;
    case Billing::Triennial: return 36;
    case Billing::Monthly:
    case Billing::None: return 1;
  }
  return 1;
}

std::string_view ToString(Term term) {
  switch (term) {
    case Term::P1M: return "P1M";
    case Term::P1Y: return "P1Y";
    case Term::P3Y: return "P3Y";
  }
  return "P1M";
}

std::string_view ToString(Billing billing) {
  switch (billing) {
    case Billing::Monthly: return "monthly";
    case Billing::Annual: return "annual";
    case Billing::Triennial: return "triennial";
    case Billing::None: return "none";
  }
  return "none";
}

std::optional<Term> ParseTerm(std::string_view text) {
  for (Term t : {Term::P1M, Term::P1Y, Term::P3Y})
    if (EqualsIgnoreCase(text, ToString(t))) return t;
  return std::nullopt;
}

std::optional<Billing> ParseBilling(std::string_view text) {
  for (Billing b : {Billing::Monthly, Billing::Annual, Billing::Triennial, Billing::None})
    if (EqualsIgnoreCase(text, ToString(b))) return b;
  return std::nullopt;
}

bool IsValidPair(Term term, Billing billing) {
  switch (term) {
    case Term::P1M: return billing == Billing::Monthly;
    case Term::P1Y: return billing == Billing::Monthly || billing == Billing::Annual;
    case Term::P3Y: return billing == Billing::Monthly || billing == Billing::Annual || billing == Billing::Triennial;
  }
  return false;
}

Date TermEndDate(Date start, Term term) { return start.AddMonthsClamped(TermMonths(term)).AddDays(-1); }

namespace {

// AnchoredMonthStart with the anchor's calendar fields already at hand.
Date AnchoredMonthStartOf(Date anchor, const Date::YearMonthDay& a, int k) {
  if (k == 0) return anchor;
  int index = a.year * 12 + (a.month - 1) + k;
  int year = index / 12, month = index % 12 + 1;
  int length = DaysInMonth(year, month);
  int day = a.day;
  int anchor_length = DaysInMonth(a.year, a.month);
  int target;
  if (day <= 28) {
    target = day;
  } else if (day == anchor_length) {
    target = length;
  } else if (day == anchor_length - 1) {
    target = length - 1;
  } else {
    target = std::min(day, length);
  }
  return Date::Ymd(year, month, target);
}

}  // namespace

Date AnchoredMonthStart(Date anchor, int k) { return AnchoredMonthStartOf(anchor, anchor.ymd(), k); }

CycleCalendar::CycleCalendar(Date anchor, Term term, Billing billing, Date term_start, Date term_end)
    : anchor_(anchor), term_(term), billing_(billing), term_start_(term_start), term_end_(term_end) {
  // Only a term of several charge cycles counts them from the anchor.
  if (BillingMonths(billing_) < TermMonths(term_)) anchor_ymd_ = anchor_.ymd();
}

CycleCalendar CycleCalendar::ForTerm(Date term_start, Term term, Billing billing) {
  return CycleCalendar(term_start, term, billing, term_start, TermEndDate(term_start, term));
}

CycleCalendar CycleCalendar::WithCustomEnd(Date term_start, Date custom_end, Term term, Billing billing) {
  Date anchor = custom_end.AddDays(1).AddMonthsClamped(-TermMonths(term));
  return CycleCalendar(anchor, term, billing, term_start, custom_end);
}

Date CycleCalendar::CycleStart(int k) const {
  int months = BillingMonths(billing_);
  if (months >= TermMonths(term_)) return k == 0 ? anchor_ : term_end_.AddDays(1);
  if (months == 1) return AnchoredMonthStartOf(anchor_, anchor_ymd_, k);
  return anchor_.AddYearsClamped(k * months / 12);  // annual cycles of a P3Y term follow anniversaries
}

Period CycleCalendar::Nominal(int k) const {
  int months = BillingMonths(billing_);
  if (months >= TermMonths(term_)) return {anchor_, term_end_};  // the whole term is one cycle
  return {CycleStart(k), CycleStart(k + 1).AddDays(-1)};
}

Period CycleCalendar::Clipped(int k) const {
  Period p = Nominal(k);
  return {std::max(p.start, term_start_), std::min(p.end, term_end_)};
}

int CycleCalendar::IndexOf(Date d) const {
  int months = BillingMonths(billing_);
  if (months >= TermMonths(term_)) return 0;
  const Date::YearMonthDay dd = d.ymd(), aa = anchor_ymd_;
  int k = ((dd.year * 12 + dd.month) - (aa.year * 12 + aa.month)) / months;
  k = std::max(k, 0);
  while (k > 0 && CycleStart(k) > d) --k;
  while (CycleStart(k + 1) <= d) ++k;
  return k;
}

int CycleCalendar::Count() const { return IndexOf(term_end_) - IndexOf(term_start_) + 1; }

}  // namespace pcsim
