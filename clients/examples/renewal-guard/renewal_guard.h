// The renewal guard: a small integration a partner runs once a day. It lists
// every customer's subscriptions, finds those whose term ends within N days
// with auto-renew off and no explicit choice of what happens at term end, and
// sets the scheduled action its policy names (Cancel or RenewToNewTerm), so
// that no subscription drifts into the paid Extended Service Term.
//
// A RenewToExtendedServiceTerm action counts as "no explicit choice": Partner
// Center sets it itself (the February 2026 backfill, and 24 hours after
// auto-renew is turned off without a Cancel).
#pragma once

#include <functional>
#include <map>
#include <string>
#include <vector>

#include "pcsim/client/partner_center_client.h"

namespace renewal_guard {

enum class Action { Cancel, RenewToNewTerm };
const char* ToString(Action action);

struct GuardPolicy {
  // Act on terms ending within this many days (today included).
  int days_before_term_end = 30;
  Action default_action = Action::Cancel;
  // Per product ("CFQ7TTC0LFLZ") or product and SKU ("CFQ7TTC0LFLZ:0001").
  std::map<std::string, Action> per_offer;
  // Replace a RenewToExtendedServiceTerm that the partner did not choose.
  bool replace_extended_service_term = true;
};

struct Decision {
  std::string customer_id;
  std::string subscription_id;
  std::string offer_id;
  std::string term_end;  // YYYY-MM-DD
  Action action = Action::Cancel;
  bool applied = false;
  std::string error;  // when not applied
};

class RenewalGuard {
 public:
  using Log = std::function<void(const std::string&)>;
  RenewalGuard(pcsim::client::PartnerCenterApi& api, GuardPolicy policy, Log log);

  // One daily pass on `today` (YYYY-MM-DD). Errors on single subscriptions
  // are logged and reported in the decisions; listing failures end the pass.
  pcsim::StatusOr<std::vector<Decision>> RunOnce(const std::string& today);

  // The action for one offer under the policy.
  Action ActionFor(const std::string& offer_id) const;
  // Whether the guard should act on `s` today; fills `days_left`.
  bool NeedsAction(const pcsim::client::Subscription& s, const std::string& today, int* days_left) const;

 private:
  pcsim::client::PartnerCenterApi& api_;
  GuardPolicy policy_;
  Log log_;
};

// Days from `from` to `to` (both YYYY-MM-DD); nullopt if either is not a date.
std::optional<int> DaysBetween(const std::string& from, const std::string& to);

}  // namespace renewal_guard
