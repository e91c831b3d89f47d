// The calls on subscriptions: list, read, update (following a 202 until the
// change shows), and the read-modify-write changes.
#include "pcsim/client/partner_center_client.h"

#include <utility>

#include "client_internal.h"

namespace pcsim::client {

using nlohmann::json;
using namespace internal;

StatusOr<std::vector<Subscription>> PartnerCenterClient::ListSubscriptions(const std::string& customer_id) {
  return MapItems(GetAllPages("/v1/customers/" + UrlEncode(customer_id) + "/subscriptions"),
                  [&customer_id](const json& j) { return SubscriptionFromJson(j, customer_id); });
}

StatusOr<Subscription> PartnerCenterClient::GetSubscription(const std::string& customer_id,
                                                            const std::string& subscription_id) {
  return MapResource(
      Call("GET", "/v1/customers/" + UrlEncode(customer_id) + "/subscriptions/" + UrlEncode(subscription_id)),
      [&customer_id](const json& j) { return SubscriptionFromJson(j, customer_id); });
}

StatusOr<Subscription> PartnerCenterClient::UpdateSubscription(const Subscription& s) {
  json body = s.raw.is_object() ? s.raw : json::object();
  body["id"] = s.id;
  body["quantity"] = s.quantity;
  body["status"] = s.status;
  body["autoRenewEnabled"] = s.auto_renew_enabled;
  body["friendlyName"] = s.friendly_name;
  json actions = json::array();
  for (const ScheduledAction& a : s.scheduled_actions) actions.push_back(ScheduledActionJson(a));
  body["scheduledActions"] = std::move(actions);
  HeaderList headers;
  if (!s.etag.empty()) headers.emplace_back("If-Match", s.etag);
  auto r = Call("PATCH", "/v1/customers/" + UrlEncode(s.customer_id) + "/subscriptions/" + UrlEncode(s.id), body.dump(),
                std::move(headers));
  if (!r.ok()) return r.status();
  if (r->status == 202) return AwaitAccepted(*r, s);
  if (r->body.empty()) return GetSubscription(s.customer_id, s.id);
  auto j = ParseJson(*r);
  if (!j.ok()) return j.status();
  return SubscriptionFromJson(*j, s.customer_id);
}

StatusOr<Subscription> PartnerCenterClient::AwaitAccepted(const HttpResponse& accepted, const Subscription& wanted) {
  std::string location = accepted.Header("Location").value_or("");
  std::string target = location.empty() ? "/v1/customers/" + UrlEncode(wanted.customer_id) + "/subscriptions/" +
                                              UrlEncode(wanted.id)
                                        : LinkTarget(location);
  // Each poll waits the 202's Retry-After (or the poll answer's own), capped at max_wait.
  const std::chrono::milliseconds base = RetryAfter(accepted).value_or(options_.retry.default_wait);
  std::chrono::milliseconds wait = base;
  const int polls = std::max(1, options_.retry.max_polls);
  for (int poll = 1; poll <= polls; ++poll) {
    options_.sleep(std::min(wait, options_.retry.max_wait));
    auto r = Call("GET", target);
    if (!r.ok()) return r.status();
    auto j = ParseJson(*r);
    if (!j.ok()) return j.status();
    Subscription now = SubscriptionFromJson(*j, wanted.customer_id);
    bool applied = now.quantity == wanted.quantity && now.auto_renew_enabled == wanted.auto_renew_enabled &&
                   now.friendly_name == wanted.friendly_name && now.status == wanted.status;
    if (applied) return now;
    wait = RetryAfter(*r).value_or(base);
  }
  return Status(202, 0,
                "The change was accepted (202) but " + target + " did not show it after " + std::to_string(polls) +
                    " polls.");
}

StatusOr<Subscription> PartnerCenterClient::ReadModifyWrite(const std::string& customer_id,
                                                            const std::string& subscription_id,
                                                            const std::function<void(Subscription&)>& change) {
  auto s = GetSubscription(customer_id, subscription_id);
  if (!s.ok()) return s.status();
  change(*s);
  return UpdateSubscription(*s);
}

StatusOr<Subscription> PartnerCenterClient::SetQuantity(const std::string& customer_id,
                                                        const std::string& subscription_id, int quantity) {
  return ReadModifyWrite(customer_id, subscription_id, [&](Subscription& s) { s.quantity = quantity; });
}

StatusOr<Subscription> PartnerCenterClient::SetAutoRenew(const std::string& customer_id,
                                                         const std::string& subscription_id, bool enabled) {
  return ReadModifyWrite(customer_id, subscription_id, [&](Subscription& s) { s.auto_renew_enabled = enabled; });
}

StatusOr<Subscription> PartnerCenterClient::SetScheduledActions(const std::string& customer_id,
                                                                const std::string& subscription_id,
                                                                const std::vector<ScheduledAction>& actions) {
  return ReadModifyWrite(customer_id, subscription_id, [&](Subscription& s) { s.scheduled_actions = actions; });
}

StatusOr<Subscription> PartnerCenterClient::CancelSubscription(const std::string& customer_id,
                                                               const std::string& subscription_id) {
  return ReadModifyWrite(customer_id, subscription_id, [&](Subscription& s) { s.status = "deleted"; });
}

}  // namespace pcsim::client
