// pcsim reconcile: the charge lines a book makes over a period, as pcsim's
// own reconciliation rows (api::AppendReconciliationRow), matched against a
// partner's actual rows (Graph v2 JSON lines or the reconciliation CSV).
// docs/reconcile.md describes the keys, the outcomes and the report.
#pragma once

#include <array>
#include <optional>
#include <string>
#include <vector>

#include "simulator/audit/audit.h"
#include "simulator/audit/recon_input.h"
#include "simulator/commerce/book.h"
#include "simulator/commerce/sandbox.h"

namespace pcsim::audit {

enum class ReconOutcome : uint8_t {
  kMatched,          // same keys, subtotals within the tolerance
  kAmountDiffers,    // same keys, subtotals further apart than the tolerance
  kQuantityDiffers,  // same subscription, charge type and dates; another quantity
  kDatesDiffer,      // same subscription and charge type, one of the charge dates moved
  kMissing,          // pcsim expects it; the actual rows do not hold it
  kUnexpected,       // the actual rows hold it; pcsim does not expect it
};
inline constexpr int kReconOutcomeCount = 6;
std::string_view ToString(ReconOutcome o);  // "matched", "amount differs", ...

struct ReconcileOptions {
  std::optional<Date> from, to;  // OrderDate bounds, inclusive
  Decimal tolerance;             // on each line's Subtotal (and each total)
  uint64_t seed = 1;
  // Only the customers of this shard, on both sides (from and to are then
  // required: every shard reconciles the same period).
  Shard shard;
};

struct ReconPair {
  ReconOutcome outcome = ReconOutcome::kMatched;
  int64_t expected = -1, actual = -1;  // indexes into the result's rows
  std::string why;                     // empty for a match
};

struct ReconTotal {
  std::string key;  // invoice number or customer id
  std::string name;  // the customer's name
  std::string currency;
  Decimal expected, actual;
  size_t lines = 0;
};

struct ReconcileResult {
  Interner texts;
  ReconInput expected, actual;
  Date from, to;
  size_t actual_outside = 0;  // actual rows outside [from, to]
  std::vector<ReconPair> pairs;  // every outcome but kMatched (those are counted)
  std::array<size_t, kReconOutcomeCount> counts{};
  std::vector<ReconTotal> invoices, customers;
  Decimal tolerance;
  double seconds_expected = 0, seconds_actual = 0, seconds_match = 0;
  bool AllMatched() const;
};

// Loads `book` (Sandbox::FromBook), reads `actual_files` (while the book
// runs, on a second thread, when the period is given), runs the book to the
// end of the period and matches. 400 800002 "FILE:LINE: reason" for a bad
// book or actual file. Without options.from: the day after the book's asOf
// (asOf's day when asOf is midnight); without options.to: the latest
// OrderDate of the actual rows.
StatusOr<ReconcileResult> Reconcile(const Book& book, const std::vector<std::string>& actual_files,
                                    const ReconcileOptions& options);

// What a reconcile writes: the lines that differ (in the order of customer,
// subscription, charge type, dates, outcome, actual row), the totals and the
// counts. Shards' reports add up into the whole period's.
struct ReconReportLine {
  std::string outcome, customer, invoice, subscription, charge_type, start, end, expected_quantity,
      actual_quantity, expected_subtotal, actual_subtotal, difference, actual_row, why;
};
struct ReconReport {
  Date from, to;
  Decimal tolerance;
  size_t expected_lines = 0, actual_rows = 0, actual_outside = 0;
  std::array<size_t, kReconOutcomeCount> counts{};
  std::vector<ReconReportLine> lines;
  std::vector<ReconTotal> invoices, customers;  // by key; an invoice's name is empty
  bool AllMatched() const;
};
ReconReport ReportOf(const ReconcileResult& result);

// DIR/reconcile.csv, DIR/reconcile.html and DIR/reconcile.json (the counts
// and totals, which `pcsim merge` reads back), written into a new folder next
// to DIR that then replaces it: nothing partial is left on failure. A
// shard's folder also holds shard.json.
Status WriteReconcileReport(const ReconReport& report, const std::string& dir, const Shard& shard = {});

// Merges the folders of reconcile shards 0..n-1 of one period into `out_dir`:
// the bytes an unsharded reconcile writes. Refused naming the folder when a
// shard is missing or repeated, or the shards are of different periods.
Status MergeReconcileReports(const std::vector<std::string>& dirs, const std::string& out_dir);

}  // namespace pcsim::audit
