// pcsim reconcile: the charge lines a book makes over a period, as pcsim's
// own reconciliation rows (api::AppendReconciliationRow), matched against a
// partner's actual rows (Graph v2 JSON lines or the reconciliation CSV).
// docs/reconcile.md describes the keys, the outcomes and the report.
#pragma once

#include <optional>
#include <string>
#include <vector>

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

// DIR/reconcile.csv and DIR/reconcile.html, written into a new folder next
// to DIR that then replaces it: nothing partial is left on failure.
Status WriteReconcileReport(const ReconcileResult& result, const std::string& dir);

}  // namespace pcsim::audit
