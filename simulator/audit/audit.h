// The audit of a book (docs/audit.md): the book loaded at its asOf and run
// forward to a date with the simulator's own rules, and what that costs, per
// subscription, customer and month. Each term end is decided by the function
// the simulator carries it out with (Sandbox::DecideTermEnd), just before it
// fires; the charges are the lines the simulator makes. An audit may run on
// a shard of the book's customers; shards merge into the single run's data.
#pragma once

#include <map>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "simulator/commerce/book.h"
#include "simulator/commerce/sandbox.h"
#include "simulator/model/status.h"

namespace pcsim::audit {

// One part of n: the customers whose id hashes to `index` modulo `count`.
struct Shard {
  int index = 0;
  int count = 1;
  bool Holds(std::string_view customer_id) const;
  // "i/n" with 0 <= i < n <= 4096; nullopt otherwise.
  static std::optional<Shard> Parse(std::string_view text);
};

// The shard folders a merge is given (`pcsim merge`): each folder's
// shard.json read and checked against the others.
class ShardFolders {
 public:
  // What a shard writes to its folder's shard.json.
  static std::string Json(const Shard& shard);
  // Reads DIR/shard.json. Refused, naming DIR, when it is missing or
  // damaged, of another count than the folders before, or a repeated index.
  Status Add(const std::string& dir);
  // Refused unless every shard 0..n-1 was added.
  Status Complete() const;

 private:
  std::set<int> seen_;
  int count_ = 0;
};

// A named variant of the rules: policy keys replaced ("est.enforcementDate"
// = "2026-07-01"), or a price change on a day ("price:ITEM[/TERM/BILLING]@DAY"
// = "+5%" or an amount).
struct WhatIf {
  std::string name;
  std::vector<std::pair<std::string, std::string>> changes;
  // "NAME:KEY=VALUE,KEY=VALUE"; an error names what is wrong.
  static StatusOr<WhatIf> Parse(std::string_view text);
};

struct AuditOptions {
  Instant to;
  std::optional<Policy> policy;  // empty: the embedded policy
  std::shared_ptr<const Catalog> catalog;
  uint64_t seed = 1;
  Shard shard;
  // Keep each subscription's charges per month (subscription-months.csv).
  bool subscription_months = false;
};

// One subscription of the audit.
struct SubscriptionAudit {
  std::string customer_id, customer_name, subscription_id, offer_id, product_name, currency;
  int quantity = 0;
  Date term_end;          // the next term end on or after asOf
  std::string outcome;    // Renew, Cancel, Disable, EST, Grace; "" when no term ends before --to
  std::string decided_by; // partner, backfill, autoRenewOffRule, autoRenew, expiry, ...
  std::string cause;      // DecideTermEnd's one-line reason
  Decimal charges;        // every line of asOf..to
  int est_months = 0;     // EST months charged in asOf..to
  Decimal est_cost;
  std::optional<Decimal> renewal_cost;  // the same months at the renewal price, when it went to EST
  std::string avoid_call;  // the PATCH that keeps it out of EST, when it goes to EST
  std::map<std::string, Decimal> months;  // "YYYY-MM" -> charges (with subscription_months)
};

// A customer's charges in one month.
struct CustomerMonth {
  std::string customer_id, customer_name, month, currency;
  Decimal charges, est_charges;
};

struct AuditData {
  Instant as_of, to;
  std::vector<SubscriptionAudit> subscriptions;  // by customer id, then subscription id
  std::vector<CustomerMonth> months;              // by customer id, month, currency
};

// Loads the book (Sandbox::FromBook, with the options' policy and catalog)
// and runs it to `options.to`. The book is taken by value and freed once
// loaded (move it in when it is not needed again). Errors: the book's
// (file:line), or --to not after asOf.
StatusOr<AuditData> RunAudit(Book book, const AuditOptions& options);

// The policy and catalog of a what-if: `base` with its changes applied.
StatusOr<AuditOptions> ApplyWhatIf(const AuditOptions& base, const WhatIf& what_if);

}  // namespace pcsim::audit
