// pcsim audit and pcsim merge (docs/audit.md): a book run forward to a date,
// whole or as one shard, and the shards' folders merged.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "simulator/clock/time.h"
#include "tools/pcsim/commands.h"

namespace pcsim::tools {

struct AuditFlags {
  std::string book;
  std::optional<Instant> to;
  std::string out;
  std::vector<std::string> what_ifs;  // NAME:KEY=VALUE,...
  std::string shard = "0/1";
  bool subscription_months = false;
  std::string policy = "microsoft";
  PolicyOverrides overrides;
  uint64_t seed = 1;
};
// Exit 0: the folder is written; 2: bad input (the book, an option), with
// the file:line and reason; nothing is written then.
int Audit(const AuditFlags& flags);

struct MergeFlags {
  std::vector<std::string> dirs;
  std::string out;
};
int Merge(const MergeFlags& flags);

}  // namespace pcsim::tools
