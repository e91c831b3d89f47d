#include "simulator/billing/ledger.h"

#include <cstdio>
#include <limits>
#include <map>
#include <stdexcept>
#include <utility>

namespace pcsim {

uint32_t Ledger::Add(const ChargeLine& line) {
  if (lines_.size() >= std::numeric_limits<uint32_t>::max()) throw std::length_error("the ledger is full: 2^32 charge lines");
  lines_.push_back(line);
  return static_cast<uint32_t>(lines_.size() - 1);
}

void Ledger::ReleaseBilled() {
  lines_.ReleaseBefore(first_unbilled_);
  for (Invoice& inv : invoices_) std::vector<uint32_t>().swap(inv.lines);
}

std::vector<uint32_t> Ledger::LinesOfPeriod(Date month_start) const {
  Date next = month_start.AddMonthsClamped(1);
  std::vector<uint32_t> out;
  for (uint32_t i = 0; i < lines_.size(); ++i) {
    Date d = lines_[i].order_date.date();
    if (month_start <= d && d < next) out.push_back(i);
  }
  return out;
}

std::vector<uint32_t> Ledger::ClosePeriod(Date month_start, Instant invoice_date, const std::string& prefix,
                                          int digits, const std::function<BillingGroup(const ChargeLine&)>& group_of_line,
                                          const std::vector<BillingGroup>& extra_groups) {
  Instant period_begin = Instant::StartOf(month_start);
  Instant period_end = Instant::StartOf(month_start.AddMonthsClamped(1));
  std::map<BillingGroup, std::vector<uint32_t>> by_group;
  // Consecutive lines mostly share their group: keep the last one at hand
  // (string_views into the same strings compare by address first).
  BillingGroup last_group;
  std::vector<uint32_t>* last = nullptr;
  for (size_t i = first_unbilled_; i < lines_.size(); ++i) {
    const ChargeLine& line = lines_[i];
    if (line.invoice != kNoIndex || line.order_date < period_begin || line.order_date >= period_end) continue;
    BillingGroup group = group_of_line(line);
    bool same = last != nullptr && group.first.data() == last_group.first.data() &&
                group.first.size() == last_group.first.size() && group.second.data() == last_group.second.data() &&
                group.second.size() == last_group.second.size();
    if (!same) {
      last = &by_group[group];
      last_group = group;
    }
    last->push_back(static_cast<uint32_t>(i));
  }
  for (const BillingGroup& group : extra_groups) by_group[group];
  // The map orders the invoices by partner, then currency.
  std::vector<uint32_t> created;
  for (auto& [group, indexes] : by_group) {
    Invoice inv;
    inv.index = static_cast<uint32_t>(invoices_.size());
    char buf[32];
    std::snprintf(buf, sizeof buf, "%0*llu", digits, static_cast<unsigned long long>(next_invoice_number_++));
    inv.id = prefix + buf;
    inv.partner_tenant_id = std::string(group.first);
    inv.currency = std::string(group.second);
    inv.period_start = month_start;
    inv.period_end = month_start.AddMonthsClamped(1).AddDays(-1);
    inv.invoice_date = invoice_date;
    for (uint32_t i : indexes) {
      lines_[i].invoice = inv.index;
      inv.total += lines_[i].total;
    }
    inv.lines = std::move(indexes);
    invoices_.push_back(std::move(inv));
    created.push_back(static_cast<uint32_t>(invoices_.size() - 1));
  }
  while (first_unbilled_ < lines_.size() && lines_[first_unbilled_].invoice != kNoIndex) ++first_unbilled_;
  return created;
}

}  // namespace pcsim
