// pcsim audit and pcsim merge (audit_command.h).
#include "tools/pcsim/audit_command.h"

#include <filesystem>
#include <iostream>

#include "simulator/api/book_codec.h"
#include "simulator/audit/audit_files.h"
#include "simulator/audit/reconcile.h"

namespace pcsim::tools {

int Audit(const AuditFlags& flags) {
  auto fail = [](const std::string& why) {
    std::cerr << "pcsim audit: " << why << "\n";
    return 2;
  };
  auto shard = audit::Shard::Parse(flags.shard);
  if (!shard) return fail("--shard expects i/n with 0 <= i < n <= 4096, got \"" + flags.shard + "\"");
  auto policy = Policy::Load(flags.policy);
  if (!policy.ok()) return fail(policy.status().description());
  for (const auto& [key, value] : flags.overrides)
    if (Status s = policy->Override(key, value); !s.ok()) return fail(s.description());
  std::vector<audit::WhatIf> what_ifs;
  for (const std::string& text : flags.what_ifs) {
    auto w = audit::WhatIf::Parse(text);
    if (!w.ok()) return fail(w.status().description());
    for (const auto& earlier : what_ifs)
      if (earlier.name == w->name) return fail("--what-if " + w->name + " is given twice");
    what_ifs.push_back(*std::move(w));
  }
  auto book = api::ReadBookFile(flags.book);
  if (!book.ok()) return fail(book.status().description());
  audit::AuditOptions options;
  options.to = *flags.to;
  options.policy = *policy;
  options.seed = flags.seed;
  options.shard = *shard;
  options.subscription_months = flags.subscription_months;
  std::vector<audit::AuditRun> runs;
  // Each run reads the book again rather than keep it beside the sandbox.
  auto base = audit::RunAudit(*std::move(book), options);
  if (!base.ok()) return fail(base.status().description());
  runs.push_back({"", *std::move(base)});
  for (const audit::WhatIf& w : what_ifs) {
    auto variant = audit::ApplyWhatIf(options, w);
    if (!variant.ok()) return fail(variant.status().description());
    auto again = api::ReadBookFile(flags.book);
    if (!again.ok()) return fail(again.status().description());
    auto run = audit::RunAudit(*std::move(again), *variant);
    if (!run.ok()) return fail("--what-if " + w.name + ": " + run.status().description());
    runs.push_back({w.name, *std::move(run)});
  }
  if (Status s = audit::WriteAuditFolder(runs, flags.out, flags.subscription_months, *shard); !s.ok())
    return fail(s.description());
  std::cout << "pcsim audit: " << runs.front().data.subscriptions.size() << " subscriptions to "
            << flags.to->ToString() << " in " << flags.out << "/report.html\n";
  return 0;
}

int Merge(const MergeFlags& flags) {
  // The shards of a reconcile hold reconcile.json; an audit's, audit.json.
  const bool reconcile = !flags.dirs.empty() && std::filesystem::exists(flags.dirs.front() + "/reconcile.json");
  if (Status s = reconcile ? audit::MergeReconcileReports(flags.dirs, flags.out)
                           : audit::MergeAuditFolders(flags.dirs, flags.out);
      !s.ok()) {
    std::cerr << "pcsim merge: " << s.description() << "\n";
    return 2;
  }
  std::cout << "pcsim merge: " << flags.dirs.size() << " shards in " << flags.out << "\n";
  return 0;
}

}  // namespace pcsim::tools
