// pcsim audit's engine: a book run forward charges, per subscription, what
// the same subscriptions charge when the sandbox that holds them runs
// forward; term ends are decided as the simulator carries them out; shards
// merge into the single run's bytes; what-ifs change what they name.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

#include "simulator/api/book_codec.h"
#include "simulator/audit/audit.h"
#include "simulator/audit/audit_files.h"
#include "tests/api/small_book.h"

namespace pcsim::audit {
namespace {

namespace fs = std::filesystem;

const Instant kTo = Instant::StartOf(Date::Ymd(2028, 9, 1));

std::string Slurp(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

TEST(AuditRunTest, ChargesAndEstMonthsEqualTheSandboxRunForward) {
  auto original = api::SmallBook();
  const Instant as_of = original->Now();
  Book book = api::BookOf(*original);
  AuditOptions options;
  options.to = kTo;
  options.seed = original->seed();
  auto data = RunAudit(book, options);
  ASSERT_TRUE(data.ok()) << data.status().description();

  original->AdvanceTo(kTo);
  std::map<std::string, Decimal> charges, est;
  std::map<std::string, int> est_months;
  for (const ChargeLine& l : original->ledger().lines()) {
    if (l.order_date < as_of) continue;
    const std::string& id = original->SubscriptionAt(l.subscription).id;
    charges[id] += Decimal(l.total);
    if (l.flags & kLineExtendedServiceTerm) {
      est[id] += Decimal(l.total);
      if (!(l.flags & kLineRefund)) ++est_months[id];
    }
  }
  ASSERT_EQ(data->subscriptions.size(), 6u);
  int est_outcomes = 0, renewals = 0, cancels = 0;
  for (const SubscriptionAudit& s : data->subscriptions) {
    SCOPED_TRACE(s.subscription_id + " " + s.outcome);
    EXPECT_EQ(s.charges, charges[s.subscription_id]);
    EXPECT_EQ(s.est_cost, est[s.subscription_id]);
    EXPECT_EQ(s.est_months, est_months[s.subscription_id]);
    const Subscription* after = original->FindSubscription(s.subscription_id);
    if (s.outcome == "EST") {
      ++est_outcomes;
      EXPECT_GT(s.est_months, 0);
      EXPECT_NE(s.avoid_call.find("\"actionType\":\"RenewToNewTerm\""), std::string::npos);
      ASSERT_TRUE(s.renewal_cost.has_value());
    } else if (s.outcome == "Renew") {
      ++renewals;
      EXPECT_GT(after->term_start, s.term_end) << "it renewed after its term end";
    } else if (s.outcome == "Cancel") {
      ++cancels;
      EXPECT_EQ(s.decided_by, "partner");
      EXPECT_NE(after->status, SubscriptionStatus::Active);
    }
  }
  EXPECT_EQ(est_outcomes, 1);
  EXPECT_EQ(cancels, 1);
  EXPECT_GE(renewals, 3);
}

TEST(AuditRunTest, ShardsMergeIntoTheBytesOfOneRun) {
  auto sandbox = api::SmallBook();
  Book book = api::BookOf(*sandbox);
  // More customers than shards: copies of the two under new ids.
  for (int i = 0; i < 6; ++i) {
    BookCustomer c = book.customers[static_cast<size_t>(i % 2)];
    c.id = "c" + std::to_string(i) + "-" + c.id.substr(3);
    c.domain = "copy" + std::to_string(i) + c.domain;
    for (BookSubscription& s : c.subscriptions) s.id = "s" + std::to_string(i) + "-" + s.id.substr(3);
    book.customers.push_back(std::move(c));
  }
  AuditOptions options;
  options.to = kTo;
  options.subscription_months = true;
  auto what_if = WhatIf::Parse("late:est.enforcementDate=2027-06-01");
  ASSERT_TRUE(what_if.ok());
  const fs::path root = fs::path(::testing::TempDir()) / "audit-shards";
  fs::remove_all(root);
  fs::create_directories(root);
  auto write = [&](const Shard& shard, const fs::path& out) {
    AuditOptions o = options;
    o.shard = shard;
    std::vector<AuditRun> runs;
    auto base = RunAudit(book, o);
    ASSERT_TRUE(base.ok()) << base.status().description();
    runs.push_back({"", *base});
    auto variant = ApplyWhatIf(o, *what_if);
    ASSERT_TRUE(variant.ok());
    auto late = RunAudit(book, *variant);
    ASSERT_TRUE(late.ok());
    runs.push_back({"late", *late});
    ASSERT_TRUE(WriteAuditFolder(runs, out.string(), true, shard).ok());
  };
  write(Shard{}, root / "single");
  std::vector<std::string> shards;
  for (int i = 0; i < 3; ++i) {
    shards.push_back((root / ("shard" + std::to_string(i))).string());
    write(Shard{i, 3}, shards.back());
  }
  ASSERT_TRUE(MergeAuditFolders(shards, (root / "merged").string()).ok());
  size_t files = 0;
  for (const auto& entry : fs::recursive_directory_iterator(root / "single")) {
    if (!entry.is_regular_file()) continue;
    ++files;
    fs::path rel = fs::relative(entry.path(), root / "single");
    EXPECT_EQ(Slurp(root / "merged" / rel), Slurp(entry.path())) << rel;
  }
  EXPECT_EQ(files, 9u);  // audit.json, summary.json, report.html, 3 CSVs, the what-if's 3 CSVs
  // A missing shard, a repeated one, a shard of another audit: refused.
  EXPECT_FALSE(MergeAuditFolders({shards[0], shards[1]}, (root / "m2").string()).ok());
  EXPECT_FALSE(MergeAuditFolders({shards[0], shards[0], shards[1]}, (root / "m3").string()).ok());
  EXPECT_FALSE(fs::exists(root / "m2"));
  EXPECT_FALSE(MergeAuditFolders(shards, (root / "merged").string()).ok()) << "the output exists";
}

TEST(AuditRunTest, WhatIfsChangeWhatTheyName) {
  auto sandbox = api::SmallBook();
  Book book = api::BookOf(*sandbox);
  AuditOptions options;
  options.to = kTo;
  auto base = RunAudit(book, options);
  auto dearer = ApplyWhatIf(options, *WhatIf::Parse("dearer:price:*@2026-08-01=+10%"));
  ASSERT_TRUE(dearer.ok()) << dearer.status().description();
  auto run = RunAudit(book, *dearer);
  ASSERT_TRUE(base.ok() && run.ok());
  Decimal before, after;
  for (const auto& s : base->subscriptions) before += s.charges;
  for (const auto& s : run->subscriptions) after += s.charges;
  EXPECT_GT(after, before);
  EXPECT_FALSE(WhatIf::Parse("nochange").ok());
  EXPECT_FALSE(WhatIf::Parse("bad name:est.enforcementDate=2026-01-01").ok());
  EXPECT_FALSE(ApplyWhatIf(options, *WhatIf::Parse("x:no.such.key=1")).ok());
  EXPECT_FALSE(ApplyWhatIf(options, *WhatIf::Parse("x:price:NOPE@2026-08-01=+1%")).ok());
  EXPECT_FALSE(Shard::Parse("3/3").has_value());
  EXPECT_FALSE(Shard::Parse("1/0").has_value());
  EXPECT_TRUE(Shard::Parse("2/3").has_value());
}

TEST(AuditRunTest, ToBeforeAsOfIsRefused) {
  auto sandbox = api::SmallBook();
  AuditOptions options;
  options.to = sandbox->Now();
  auto data = RunAudit(api::BookOf(*sandbox), options);
  ASSERT_FALSE(data.ok());
  EXPECT_NE(data.status().description().find("is not after the book's asOf"), std::string::npos);
}

}  // namespace
}  // namespace pcsim::audit
