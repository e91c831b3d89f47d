// Custom term end dates (docs/decisions.md, "Coterminosity"): one list of the
// dates a new term may end on, which the customTermEndDates route shows, a
// purchase's customTermEndDate is checked against (900242) and scheduled
// next-term instructions are checked against (900245).
#include <map>

#include "simulator/commerce/sandbox.h"

namespace pcsim {
namespace {

// A monthly term can't end on the 28th, 29th or 30th unless that is the last
// day of its month (Partner Center's "Get custom term end dates" page).
bool UsableForMonthlyTerm(Date end) { return end.day() < 28 || end.day() == 31 || end.IsLastDayOfMonth(); }

}  // namespace

std::vector<AllowedTermEnd> Sandbox::AllowedTermEnds(const Customer& customer, Term term, Date start,
                                                     const Subscription* target, const Subscription* exclude) const {
  const Date natural = TermEndDate(start, term);
  auto within = [&](Date end) { return end > start && end <= natural; };
  std::vector<AllowedTermEnd> out;
  if (target == nullptr) {
    // Every calendar month end from the start's month to the natural end.
    for (Date month = start.FirstOfMonth(); month <= natural; month = month.AddMonthsClamped(1)) {
      Date end = month.AddDays(month.DaysInMonth() - 1);
      if (within(end)) out.push_back({end, true, {}});
    }
  }
  // The end date of an active subscription of the customer, or a yearly
  // anniversary of it, inside the new term ("Align subscription end dates":
  // a triennial bought 2022-07-01 may end 2024-10-01 beside an annual term
  // ending 2022-10-01). An annual or triennial term never aligns with a
  // monthly one, and trials and Azure plans have no end to align with.
  std::map<Date, std::vector<const Subscription*>> aligned;
  for (uint32_t i : subscriptions_of_customer_[customer.index]) {
    const Subscription& s = *subscriptions_[i];
    if (&s == exclude || s.status != SubscriptionStatus::Active || s.is_trial || s.offer->sku->IsUsageBased()) continue;
    if (target != nullptr && &s != target) continue;
    if (term != Term::P1M && s.term == Term::P1M) continue;
    for (int years = 0;; ++years) {
      const Date end = s.term_end.AddYearsClamped(years);
      if (end > natural) break;
      if (!within(end) || (term == Term::P1M && !UsableForMonthlyTerm(end))) continue;
      aligned[end].push_back(&s);
    }
  }
  for (auto& [end, subs] : aligned) out.push_back({end, false, std::move(subs)});
  return out;
}

bool Sandbox::IsAllowedTermEnd(const Customer& customer, Term term, Date start, Date end,
                               const Subscription* exclude) const {
  for (const AllowedTermEnd& a : AllowedTermEnds(customer, term, start, nullptr, exclude))
    if (a.end == end) return true;
  return false;
}

}  // namespace pcsim
