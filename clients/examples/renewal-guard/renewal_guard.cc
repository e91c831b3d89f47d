#include "renewal_guard.h"

#include <chrono>
#include <cstdio>
#include <utility>

namespace renewal_guard {
namespace {

std::optional<std::chrono::sys_days> ParseDay(const std::string& text) {
  int y = 0;
  unsigned m = 0, d = 0;
  if (text.size() < 10 || std::sscanf(text.c_str(), "%4d-%2u-%2u", &y, &m, &d) != 3) return std::nullopt;
  std::chrono::year_month_day ymd{std::chrono::year{y}, std::chrono::month{m}, std::chrono::day{d}};
  if (!ymd.ok()) return std::nullopt;
  return std::chrono::sys_days{ymd};
}

bool IsExplicit(const pcsim::client::ScheduledAction& a, const GuardPolicy& policy) {
  return !(policy.replace_extended_service_term && a.action_type == "RenewToExtendedServiceTerm");
}

}  // namespace

const char* ToString(Action action) { return action == Action::Cancel ? "Cancel" : "RenewToNewTerm"; }

std::optional<int> DaysBetween(const std::string& from, const std::string& to) {
  auto a = ParseDay(from), b = ParseDay(to);
  if (!a || !b) return std::nullopt;
  return static_cast<int>((*b - *a).count());
}

RenewalGuard::RenewalGuard(pcsim::client::PartnerCenterApi& api, GuardPolicy policy, Log log)
    : api_(api), policy_(std::move(policy)), log_(std::move(log)) {
  if (!log_) log_ = [](const std::string&) {};
}

Action RenewalGuard::ActionFor(const std::string& offer_id) const {
  // offerId is PRODUCT:SKU:AVAILABILITY; the most specific entry wins.
  std::string product_sku = offer_id.substr(0, offer_id.rfind(':'));
  std::string product = offer_id.substr(0, offer_id.find(':'));
  for (const std::string& key : {offer_id, product_sku, product})
    if (auto it = policy_.per_offer.find(key); it != policy_.per_offer.end()) return it->second;
  return policy_.default_action;
}

bool RenewalGuard::NeedsAction(const pcsim::client::Subscription& s, const std::string& today, int* days_left) const {
  if (s.status != "active" || s.is_trial || s.auto_renew_enabled) return false;
  for (const auto& a : s.scheduled_actions)
    if (IsExplicit(a, policy_)) return false;
  auto left = DaysBetween(today, s.CommitmentEndDay());
  if (!left || *left < 0 || *left > policy_.days_before_term_end) return false;
  if (days_left) *days_left = *left;
  return true;
}

pcsim::StatusOr<std::vector<Decision>> RenewalGuard::RunOnce(const std::string& today) {
  std::vector<Decision> decisions;
  auto customers = api_.ListCustomers();
  if (!customers.ok()) {
    log_(today + " could not list customers: " + customers.status().ToString());
    return customers.status();
  }
  for (const auto& customer : *customers) {
    auto subscriptions = api_.ListSubscriptions(customer.id);
    if (!subscriptions.ok()) {
      log_(today + " could not list the subscriptions of " + customer.id + ": " + subscriptions.status().ToString());
      return subscriptions.status();
    }
    for (const auto& s : *subscriptions) {
      if (s.is_in_extended_service_term)
        log_(today + " WARNING subscription " + s.id + " of " + customer.id + " is in the Extended Service Term");
      int days_left = 0;
      if (!NeedsAction(s, today, &days_left)) continue;
      Decision d{customer.id, s.id, s.offer_id, s.CommitmentEndDay(), ActionFor(s.offer_id), false, ""};
      pcsim::client::ScheduledAction action;
      action.schedule_type = "TermEnd";
      action.action_type = ToString(d.action);
      auto updated = api_.SetScheduledActions(customer.id, s.id, {action});
      if (updated.ok()) {
        d.applied = true;
        log_(today + " scheduled " + ToString(d.action) + " for subscription " + s.id + " (" + s.offer_id +
             ", customer " + customer.id + "), term ends " + d.term_end + " in " + std::to_string(days_left) +
             " days");
      } else {
        d.error = updated.status().ToString();
        log_(today + " could not schedule " + ToString(d.action) + " for subscription " + s.id + ": " + d.error);
      }
      decisions.push_back(std::move(d));
    }
  }
  return decisions;
}

}  // namespace renewal_guard
