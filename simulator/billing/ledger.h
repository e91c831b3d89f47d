// The ledger: every charge line ever produced, and the invoices that billing
// periods close into (docs/decisions.md, sections 4 and 5). A line belongs
// to the calendar month of its orderDate; on the policy's close day of the
// next month the period closes into one invoice per partner and currency.
#pragma once

#include <functional>
#include <limits>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "simulator/model/chunked_vector.h"
#include "simulator/commerce/commerce_types.h"

namespace pcsim {

class Ledger {
 public:
  // Appends a line; returns its index.
  uint32_t Add(const ChargeLine& line);
  // A new referenceId shared by the lines of one event. Like line indexes,
  // references are 32-bit; the ledger refuses to wrap them.
  uint32_t NewReference() {
    if (last_reference_ == std::numeric_limits<uint32_t>::max())
      throw std::length_error("the ledger is full: 2^32 charge events");
    return ++last_reference_;
  }

  const ChunkedVector<ChargeLine>& lines() const { return lines_; }
  const std::vector<Invoice>& invoices() const { return invoices_; }
  const ChargeLine& line(uint32_t i) const { return lines_[i]; }
  // The counters the next event and the next invoice number come from.
  uint32_t last_reference() const { return last_reference_; }
  uint64_t next_invoice_number() const { return next_invoice_number_; }

  // The partner tenant and the currency a line is billed in.
  using BillingGroup = std::pair<std::string_view, std::string_view>;

  // Closes the billing period `month_start`..end of that month: the unbilled
  // lines whose orderDate falls in it are grouped by partner and currency
  // (from `group_of_line`), each group becomes an invoice numbered `prefix` +
  // `digits` digits (in order of partner, then currency), and the lines get
  // its number. `extra_groups` also get an invoice when they have no line
  // (their usage is added with AddToInvoice). Returns the indexes of the new
  // invoices.
  std::vector<uint32_t> ClosePeriod(Date month_start, Instant invoice_date, const std::string& prefix, int digits,
                                    const std::function<BillingGroup(const ChargeLine&)>& group_of_line,
                                    const std::vector<BillingGroup>& extra_groups = {});
  // Adds an amount billed outside the charge lines (Azure usage) to an invoice.
  void AddToInvoice(uint32_t invoice, Decimal amount) { invoices_[invoice].total += amount; }

  // Frees what billed lines hold (the lines, and the invoices' lists of
  // them; invoice totals stay). Only for a caller that will not read them
  // again (SandboxOptions::keep_history).
  void ReleaseBilled();

  // Lines with orderDate in the month starting `month_start`, billed or not.
  std::vector<uint32_t> LinesOfPeriod(Date month_start) const;

 private:
  ChunkedVector<ChargeLine> lines_;
  std::vector<Invoice> invoices_;
  uint32_t last_reference_ = 0;
  uint64_t next_invoice_number_ = 1;
  size_t first_unbilled_ = 0;  // lines before this index are all billed
};

}  // namespace pcsim
