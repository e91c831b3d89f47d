// The steps of a scenario, each sent through the router as an integration
// would send it (docs/scenario-format.md, "Steps"), then checked against how
// the step must end.
#include <algorithm>
#include <functional>
#include <string>
#include <type_traits>
#include <vector>

#include "simulator/api/resources.h"
#include "simulator/replay/run_context.h"
#include "simulator/replay/scenario_parser.h"

namespace pcsim::replay {
namespace {

using nlohmann::json;

std::string StepName(const RunContext& run, const Step& step) {
  return "step " + std::to_string(run.step_index + 1) + " (" + std::string(ActionName(step.action)) + ", " +
         step.where.ToString() + ")";
}

[[noreturn]] void FailStep(const RunContext& run, const Step& step, const std::string& what) {
  throw StepFailure{StepName(run, step) + ": " + what};
}

// `{ref}` in a request's path, headers and body: the id of that customer or subscription.
std::string Substitute(const RunContext& run, std::string text) {
  for (const auto* refs : {&run.result().customer_refs, &run.result().subscription_refs})
    for (const auto& [ref, id] : *refs) {
      std::string token = "{" + ref + "}";
      for (size_t pos; (pos = text.find(token)) != std::string::npos;) text.replace(pos, token.size(), id);
    }
  return text;
}

json SubstituteJson(const RunContext& run, const json& j) {
  if (j.is_string()) return Substitute(run, j.get<std::string>());
  if (j.is_array()) {
    json a = json::array();
    for (const auto& e : j) a.push_back(SubstituteJson(run, e));
    return a;
  }
  if (j.is_object()) {
    json o = json::object();
    for (auto it = j.begin(); it != j.end(); ++it) o[it.key()] = SubstituteJson(run, *it);
    return o;
  }
  return j;
}

// Sends one step's requests. `names_ref` tells whether the step's ref is to be
// recorded once the step has ended as written.
class Performer {
 public:
  Performer(RunContext& run, const Step& step) : run_(run), step_(step) {}

  bool names_ref = false;

  api::Response operator()(const steps::Purchase& p) {
    std::string customer = run_.CustomerId(p.customer);
    json line = {{"id", 0}, {"catalogItemId", p.item}, {"quantity", p.quantity},
                 {"billingCycle", std::string(ToString(p.billing))}};
    if (p.term) line["termDuration"] = std::string(ToString(*p.term));
    if (p.promotion) line["promotionId"] = *p.promotion;
    if (p.reseller) line["participants"] = json::array({{{"key", "transaction_reseller"}, {"value", *p.reseller}}});
    if (p.custom_term_end) line["customTermEndDate"] = p.custom_term_end->ToString() + "T00:00:00Z";
    if (p.name) line["friendlyName"] = *p.name;
    api::Response cart = run_.Send("POST", "/v1/customers/" + customer + "/carts", Dump(json{{"lineItems", json::array({line})}}));
    if (cart.status != 201) return cart;
    std::string cart_id = json::parse(cart.body)["id"];
    names_ref = true;
    return run_.Send("POST", "/v1/customers/" + customer + "/carts/" + cart_id + "/checkout");
  }

  api::Response operator()(const steps::SetQuantity& s) {
    return Patch(s.subscription, [&](json& sub) { sub["quantity"] = s.quantity; });
  }
  api::Response operator()(const steps::Cancel& s) {
    return Patch(s.subscription, [](json& sub) { sub["status"] = "deleted"; });
  }
  api::Response operator()(const steps::Suspend& s) {
    return Patch(s.subscription, [](json& sub) { sub["status"] = "suspended"; });
  }
  api::Response operator()(const steps::Reactivate& s) {
    return Patch(s.subscription, [](json& sub) { sub["status"] = "active"; });
  }
  api::Response operator()(const steps::SetAutoRenew& s) {
    return Patch(s.subscription, [&](json& sub) { sub["autoRenewEnabled"] = s.enabled; });
  }
  api::Response operator()(const steps::ChangeBilling& s) {
    return Patch(s.subscription, [&](json& sub) { sub["billingCycle"] = std::string(ToString(s.billing)); });
  }

  api::Response operator()(const steps::ScheduleNextTerm& s) {
    return Patch(s.subscription, [&](json& sub) {
      json current = sub.contains("scheduledNextTermInstructions") ? sub["scheduledNextTermInstructions"] : json::object();
      json product = current.contains("product") ? current["product"] : json::object();
      std::string item = s.item ? *s.item : sub["offerId"].get<std::string>();
      if (std::count(item.begin(), item.end(), ':') == 2) {
        product["productId"] = item.substr(0, item.find(':'));
        product["skuId"] = item.substr(item.find(':') + 1, item.rfind(':') - item.find(':') - 1);
        product["availabilityId"] = item.substr(item.rfind(':') + 1);
      }
      product["termDuration"] =
          s.term ? std::string(ToString(*s.term)) : product.value("termDuration", sub["termDuration"].get<std::string>());
      product["billingCycle"] =
          s.billing ? std::string(ToString(*s.billing)) : product.value("billingCycle", sub["billingCycle"].get<std::string>());
      current["product"] = product;
      current["quantity"] = s.quantity ? *s.quantity : current.value("quantity", sub["quantity"].get<int>());
      sub["scheduledNextTermInstructions"] = current;
    });
  }

  api::Response operator()(const steps::ScheduleAction& s) {
    return Patch(s.subscription, [&](json& sub) {
      sub["scheduledActions"] = json::array({{{"scheduleType", "TermEnd"}, {"actionType", s.action}}});
    });
  }

  api::Response operator()(const steps::Upgrade& u) {
    std::string path = run_.SubscriptionPath(u.subscription);
    json sub = MustGet(path);
    json body = {{"fromCatalogItemId", sub["offerId"]}, {"fromSubscriptionId", sub["id"]}, {"toCatalogItemId", u.to},
                 {"quantity", u.quantity ? *u.quantity : sub["quantity"].get<int>()}, {"transitionType", "transition_only"}};
    if (u.into) body["toSubscriptionId"] = run_.SubscriptionId(*u.into);
    names_ref = u.ref.has_value();
    return run_.Send("POST", path + "/transitions", Dump(body));
  }

  api::Response operator()(const steps::ConvertTrial& c) {
    std::string path = run_.SubscriptionPath(c.subscription);
    json body = json::object();
    if (c.to) body["targetOfferId"] = *c.to;
    if (c.quantity) body["quantity"] = *c.quantity;
    if (c.term) body["termDuration"] = std::string(ToString(*c.term));
    if (c.billing) body["billingCycle"] = std::string(ToString(*c.billing));
    return run_.Send("POST", path + "/conversions", Dump(body));
  }

  api::Response operator()(const steps::AttestMca& a) {
    return run_.Attest(run_.CustomerId(a.customer), a.date ? *a.date : run_.sandbox().Now());
  }

  api::Response operator()(const steps::Request& q) {
    api::HeaderList headers;
    for (const auto& h : q.headers) headers.emplace_back(h.name, h.substitute ? Substitute(run_, h.value) : h.value);
    std::string body = q.body ? Dump(SubstituteJson(run_, *q.body)) : std::string();
    return run_.Send(q.method, Substitute(run_, q.path), body, headers);
  }

  api::Response operator()(const steps::Advance& a) {
    json body = a.to ? json{{"to", a.to->ToString()}} : json{{"by", *a.by}};
    return run_.Send("POST", "/_sim/clock/advance", Dump(body));
  }

  api::Response operator()(const steps::AddAzureSubscription& a) {
    json body = {{"plan", run_.SubscriptionId(a.plan)}};
    if (a.name) body["friendlyName"] = *a.name;
    names_ref = true;
    return run_.Send("POST", "/_sim/azure-subscriptions", body.dump());
  }

  api::Response operator()(const steps::AzureUsage& u) {
    json body = {{"entitlement", AzureId(u.azure)}, {"meterId", u.meter}, {"quantity", u.quantity.ToString()}};
    if (u.date) body["date"] = u.date->ToString();
    return run_.Send("POST", "/_sim/usage", body.dump());
  }

  api::Response operator()(const steps::SetAzureRole& s) {
    json body = {{"entitlement", AzureId(s.azure)}, {"role", s.role}};
    if (s.via) body["via"] = *s.via;
    return run_.Send("POST", "/_sim/azure-roles", body.dump());
  }

  // A helper request that must succeed for the step to be meaningful.
  json MustGet(const std::string& target) {
    api::Response r = run_.Send("GET", target);
    if (r.status != 200) FailStep(run_, step_, "GET " + target + " answered " + std::to_string(r.status) + ": " + r.body);
    return json::parse(r.body);
  }

 private:
  // PATCH of the full resource with `change` applied, as integrations should.
  api::Response Patch(const std::string& ref, const std::function<void(json&)>& change) {
    std::string path = run_.SubscriptionPath(ref);
    json sub = MustGet(path);
    change(sub);
    return run_.Send("PATCH", path, Dump(sub));
  }

  // An Azure subscription by ref: one added by add-azure-subscription, or an
  // Azure plan's ref for the plan's first Azure subscription.
  std::string AzureId(const std::string& ref) {
    const ScenarioResult& result = run_.result();
    if (auto it = result.azure_refs.find(ref); it != result.azure_refs.end()) return it->second;
    auto sub = result.subscription_refs.find(ref);
    if (sub == result.subscription_refs.end()) FailStep(run_, step_, "no Azure subscription is named " + ref);
    const Subscription* plan = run_.sandbox().FindSubscription(sub->second);
    const auto& of_plan = run_.sandbox().azure().entitlements_of_plan;
    auto it = plan == nullptr ? of_plan.end() : of_plan.find(plan->index);
    if (it == of_plan.end() || it->second.empty()) FailStep(run_, step_, ref + " is not an Azure plan");
    return run_.sandbox().azure().entitlements[it->second.front()].id;
  }

  RunContext& run_;
  const Step& step_;
};

// Names what the step made with the step's ref.
void RecordRef(RunContext& run, const Step& step, Performer& performer, const api::Response& r) {
  json body = json::parse(r.body, nullptr, false);
  ScenarioResult& result = run.result();
  if (const auto* p = std::get_if<steps::Purchase>(&step.action)) {
    std::string order_id = body["orders"][0]["id"];
    json subs = performer.MustGet("/v1/customers/" + run.CustomerId(p->customer) + "/subscriptions?order_id=" + order_id);
    if (subs["items"].empty()) FailStep(run, step, "the order " + order_id + " has no subscription");
    std::string id = subs["items"][0]["id"];
    if (id.empty()) FailStep(run, step, "no subscription id to name " + p->ref);
    result.subscription_refs[p->ref] = id;
  } else if (const auto* u = std::get_if<steps::Upgrade>(&step.action)) {
    std::string id = body.value("toSubscriptionId", "");
    if (id.empty()) FailStep(run, step, "no subscription id to name " + *u->ref);
    result.subscription_refs[*u->ref] = id;
  } else if (const auto* a = std::get_if<steps::AddAzureSubscription>(&step.action)) {
    std::string id = body.value("id", "");
    if (id.empty()) FailStep(run, step, "no Azure subscription id to name " + a->ref);
    result.azure_refs[a->ref] = id;
  }
}

void CheckExpectedError(const RunContext& run, const Step& step, const api::Response& r, const json& body) {
  const auto& e = *step.expect_error;
  bool status_ok = e.status ? r.status == *e.status : (r.status >= 400 && r.status < 500);
  std::string code = body.is_object() && body.contains("code")
                         ? (body["code"].is_string() ? body["code"].get<std::string>() : Dump(body["code"]))
                         : "";
  if (!status_ok || (e.code && code != *e.code))
    FailStep(run, step, "expected error " + (e.status ? std::to_string(*e.status) : std::string("4xx")) +
                            (e.code ? " code " + *e.code : std::string()) + ", got " + std::to_string(r.status) +
                            (code.empty() ? "" : " code " + code) + ": " + r.body.substr(0, 300));
}

void CheckOutcome(const RunContext& run, const Step& step, const api::Response& r) {
  json body = json::parse(r.body, nullptr, false);
  if (step.expect_error) return CheckExpectedError(run, step, r, body);
  if (step.expect_response) {
    const auto& e = *step.expect_response;
    if (e.status && r.status != *e.status)
      FailStep(run, step, "expected status " + std::to_string(*e.status) + ", got " + std::to_string(r.status) + ": " +
                              r.body.substr(0, 300));
    if (e.body) {
      std::string why;
      if (body.is_discarded() || !Subset(*e.body, body, "body", &why)) FailStep(run, step, "response body differs: " + why);
    }
    return;
  }
  if (r.status >= 300) FailStep(run, step, "failed with " + std::to_string(r.status) + ": " + r.body.substr(0, 400));
}

// What a step does, in a few words, for the reports ("set-quantity sub1: 12 seats").
struct Summary {
  std::string operator()(const steps::Purchase& p) const {
    return "purchase " + p.ref + ": " + std::to_string(p.quantity) + " seats, " +
           (p.term ? std::string(ToString(*p.term)) + "/" : std::string()) + std::string(ToString(p.billing));
  }
  std::string operator()(const steps::SetQuantity& s) const {
    return "set-quantity " + s.subscription + ": " + std::to_string(s.quantity) + " seats";
  }
  std::string operator()(const steps::Cancel& s) const { return "cancel " + s.subscription; }
  std::string operator()(const steps::Suspend& s) const { return "suspend " + s.subscription; }
  std::string operator()(const steps::Reactivate& s) const { return "reactivate " + s.subscription; }
  std::string operator()(const steps::SetAutoRenew& s) const {
    return "set-auto-renew " + s.subscription + ": " + (s.enabled ? "on" : "off");
  }
  std::string operator()(const steps::ChangeBilling& s) const {
    return "change-billing " + s.subscription + ": " + std::string(ToString(s.billing));
  }
  std::string operator()(const steps::ScheduleNextTerm& s) const { return "schedule-next-term " + s.subscription; }
  std::string operator()(const steps::ScheduleAction& s) const {
    return "schedule-action " + s.subscription + ": " + s.action;
  }
  std::string operator()(const steps::Upgrade& s) const { return "upgrade " + s.subscription + " to " + s.to; }
  std::string operator()(const steps::ConvertTrial& s) const { return "convert-trial " + s.subscription; }
  std::string operator()(const steps::AttestMca& s) const { return "attest-mca " + s.customer; }
  std::string operator()(const steps::Request& s) const { return "request " + s.method + " " + s.path; }
  std::string operator()(const steps::Advance& s) const {
    return s.to ? "advance to " + s.to->ToString() : "advance by " + s.by.value_or("");
  }
  std::string operator()(const steps::AddAzureSubscription& s) const { return "add-azure-subscription " + s.ref; }
  std::string operator()(const steps::AzureUsage& s) const {
    return "azure-usage " + s.azure + ": " + s.quantity.ToString() + " " + s.meter;
  }
  std::string operator()(const steps::SetAzureRole& s) const { return "set-azure-role " + s.azure + ": " + s.role; }
};

// The subscription a step names: its `subscription`, or a purchase's `ref`.
std::string SubscriptionOf(const StepAction& action) {
  return std::visit(
      [](const auto& a) -> std::string {
        if constexpr (requires { a.subscription; }) return a.subscription;
        else if constexpr (std::is_same_v<std::decay_t<decltype(a)>, steps::Purchase>) return a.ref;
        else return std::string();
      },
      action);
}

}  // namespace

void RunStep(RunContext& run, const Step& step) {
  if (step.at) {
    api::Response r = run.Send("POST", "/_sim/clock/advance", Dump(json{{"to", step.at->ToString()}}));
    if (r.status != 200) FailStep(run, step, "advancing to " + step.at->ToString() + " failed: " + r.body);
  }
  std::vector<StepRecord>& records = run.result().steps;
  const size_t record = records.size();
  records.push_back({run.step_index + 1, std::string(ActionName(step.action)), std::visit(Summary{}, step.action),
                     step.where, run.sandbox().Now(), SubscriptionOf(step.action), 0, false});
  Performer performer(run, step);
  api::Response r = std::visit(performer, step.action);
  records[record].status = r.status;
  CheckOutcome(run, step, r);
  if (performer.names_ref && r.status < 300) RecordRef(run, step, performer, r);
  records[record].ok = true;
}

}  // namespace pcsim::replay
