// The export operations of Microsoft Graph's partner billing API
// (docs/graph-billing.md): what each POST .../export asked for, which rows it
// holds, when it succeeds on the simulated clock, and the SAS tokens that
// give access to its blobs. Part of the router's state: an export is a
// command, journaled and replayed like any other, and a reset forgets them.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "simulator/api/recon_rows.h"
#include "simulator/clock/time.h"
#include "simulator/commerce/sandbox.h"
#include "simulator/model/state_hasher.h"

namespace pcsim::api {

struct ExportOperation {
  std::string id;  // a GUID; the manifest has the same id
  std::string partner_tenant_id;
  ExportKind kind = ExportKind::BilledReconciliation;
  AttributeSet attribute_set = AttributeSet::Full;
  uint32_t invoice = kNoIndex;  // billed exports: the invoice
  std::string currency;         // unbilled exports
  Date period;                  // the billing period (first day of the month)
  Instant created;
  Instant ready;  // running until then; succeeded or failed from then
  // Failed operations: Microsoft's code ("5000") and message.
  std::string failure_code, failure_message;
  // Unbilled reconciliation exports: the ledger lines, in ledger order, as
  // they were at the POST (the export keeps showing them unbilled). A billed
  // one reads its invoice's lines, which never change.
  std::vector<uint32_t> lines;
  // Usage exports: the rows, rendered at the POST (usage of a day keeps
  // arriving; the export is what was there then).
  std::string usage_rows;
  uint64_t row_count = 0;
  uint64_t rows_per_blob = 1;

  bool failed() const { return !failure_code.empty(); }
  uint64_t blob_count() const { return row_count == 0 ? 0 : (row_count + rows_per_blob - 1) / rows_per_blob; }
};

class BillingExports {
 public:
  // Keeps a new operation and gives it the next id (derived from `seed`).
  const ExportOperation& Add(ExportOperation op, uint64_t seed);
  // The operation `id` if `partner` started it; nullptr otherwise (another
  // partner's export is exactly as unknown as a missing one).
  const ExportOperation* Find(std::string_view id, std::string_view partner) const;
  // The operation `id`, whoever started it (the blob store, whose SAS token
  // is the credential).
  const ExportOperation* Find(std::string_view id) const;
  // How many operations `partner` has.
  size_t CountOf(std::string_view partner) const;
  void Clear() { operations_.clear(); }
  void HashInto(StateHasher& h) const;

 private:
  std::vector<ExportOperation> operations_;
};

// The name of blob `index` of an export: "part-00000-<id>.c000.json.gz".
std::string BlobName(const ExportOperation& op, uint64_t index);
// The blob index a name designates, if it is one of op's blobs.
std::optional<uint64_t> BlobIndex(const ExportOperation& op, std::string_view name);

// The rows of blob `index` (JSON lines, uncompressed).
std::string BlobRows(const Sandbox& sandbox, const ExportOperation& op, uint64_t index);

// --- SAS tokens ----------------------------------------------------------------------
// A token names the export's directory and its expiry ("se"), and is signed
// with a key derived from the sandbox seed ("sig"): deterministic, and a
// token edited by hand or taken from another export is refused.
std::string SasToken(uint64_t seed, const ExportOperation& op, Instant expires);
enum class SasCheck { Valid, Missing, Forged, Expired };
// Checks the token's query parameters (`se`, `sig`, ...) for `op` at `now`.
SasCheck CheckSas(uint64_t seed, const ExportOperation& op, std::optional<std::string> se,
                  std::optional<std::string> sig, Instant now);

}  // namespace pcsim::api
