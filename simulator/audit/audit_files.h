// The audit's output folder (docs/audit.md, "Output"): CSV files that hold
// the data, and summary.json and report.html rendered from them only, so that
// shards written separately merge into the bytes a single run writes.
#pragma once

#include <string>
#include <vector>

#include "simulator/audit/audit.h"
#include "simulator/model/status.h"

namespace pcsim::audit {

// One run of the book: the baseline (name "") or a what-if.
struct AuditRun {
  std::string name;
  AuditData data;
};

// Writes `runs` (the baseline first) into `out_dir`, which must not exist:
// everything goes to a temporary folder beside it, renamed at the end, so a
// failure leaves nothing behind. `shard`: a shard's part (written to
// shard.json, which `pcsim merge` checks); count 1 for a whole run.
Status WriteAuditFolder(const std::vector<AuditRun>& runs, const std::string& out_dir, bool subscription_months,
                        const Shard& shard);

// Merges the folders of shards 0..n-1 of one audit into `out_dir`: the same
// bytes the audit writes unsharded. Refused (naming the folder) when a shard
// is missing or repeated, or the shards are of different audits.
Status MergeAuditFolders(const std::vector<std::string>& dirs, const std::string& out_dir);

}  // namespace pcsim::audit
