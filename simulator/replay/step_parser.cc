// The steps of a scenario: each step's keys, then its action's fields
// decoded into the typed action (scenario.h, namespace steps), every value
// checked where it is written.
#include <algorithm>
#include <functional>

#include "simulator/replay/yaml_reader.h"

namespace pcsim::replay {
namespace {

// The fields of one step's action as written, checked against the action's
// shape (no unknown field, none twice, the required ones given), with typed
// reads that fail at the field's line.
class Fields {
 public:
  Fields(const Reader& r, std::string action, const YAML::Node& body) : r(r), body(body), action_(std::move(action)) {}

  bool Has(const std::string& key) const { return nodes_.count(key) != 0; }
  const YAML::Node& Node(const std::string& key) const { return nodes_.at(key); }
  std::string What(const std::string& key) const { return action_ + " " + key; }

  std::string Text(const std::string& key) const { return r.Text(Node(key), What(key)); }
  std::optional<std::string> OptText(const std::string& key) const {
    return Has(key) ? std::optional<std::string>(Text(key)) : std::nullopt;
  }
  std::string Ref(const std::string& key, const std::set<std::string>& known, const std::string& kind) const {
    return RefOf(r, Node(key), known, kind);
  }
  int Quantity(const std::string& key) const { return static_cast<int>(r.IntOf(Node(key), What(key), 0, 1000000)); }
  std::optional<int> OptQuantity(const std::string& key) const {
    return Has(key) ? std::optional<int>(Quantity(key)) : std::nullopt;
  }
  std::string Item(const std::string& key) const { return r.ItemOf(Node(key), What(key)); }
  std::optional<std::string> OptItem(const std::string& key) const {
    return Has(key) ? std::optional<std::string>(Item(key)) : std::nullopt;
  }
  std::optional<Term> OptTerm(const std::string& key) const {
    return Has(key) ? std::optional<Term>(r.TermOf(Node(key), What(key))) : std::nullopt;
  }
  Billing BillingOf(const std::string& key) const { return r.BillingOf(Node(key), What(key)); }
  std::optional<Billing> OptBilling(const std::string& key) const {
    return Has(key) ? std::optional<Billing>(BillingOf(key)) : std::nullopt;
  }
  std::optional<Date> OptDate(const std::string& key) const {
    return Has(key) ? std::optional<Date>(r.DateOf(Node(key), What(key))) : std::nullopt;
  }

  // A ref the step defines: new among all refs; added to `into`.
  std::string DefineRef(Refs& refs, std::set<std::string>& into) const {
    std::string ref = r.Text(Node("ref"), "ref");
    if (into.count(ref) || refs.azure.count(ref) || refs.customers.count(ref))
      r.Fail(Node("ref"), "ref \"" + Q(ref) + "\" is already defined");
    into.insert(ref);
    return ref;
  }

  void Add(const YAML::Node& key_node, const std::string& key, const YAML::Node& value) {
    if (Has(key)) r.Fail(key_node, "duplicate field \"" + Q(key) + "\" in " + action_);
    nodes_[key] = value;
  }

  const Reader& r;
  const YAML::Node& body;

 private:
  std::string action_;
  std::map<std::string, YAML::Node> nodes_;
};

using Decoder = std::function<StepAction(const Fields&, Refs&, std::optional<Instant>&)>;

// The fields each action takes (required first, then optional) and its decoder.
struct ActionShape {
  std::vector<std::string_view> required;
  std::vector<std::string_view> optional;
  Decoder decode;
};

StepAction DecodePurchase(const Fields& f, Refs& refs, std::optional<Instant>&) {
  steps::Purchase p;
  p.customer = f.Ref("customer", refs.customers, "customer");
  p.item = f.Item("item");
  p.quantity = f.Quantity("quantity");
  p.billing = f.BillingOf("billing");
  p.term = f.OptTerm("term");
  p.promotion = f.OptText("promotion");
  p.reseller = f.OptText("reseller");
  p.custom_term_end = f.OptDate("custom-term-end");
  p.name = f.OptText("name");
  p.ref = f.DefineRef(refs, refs.subscriptions);
  // A purchased Azure plan's ref also names the plan's first Azure subscription.
  refs.azure.insert(p.ref);
  return p;
}

// The steps that change one subscription and take nothing else but a value.
template <typename T>
StepAction DecodeSubscriptionOnly(const Fields& f, Refs& refs, std::optional<Instant>&) {
  T step;
  step.subscription = f.Ref("subscription", refs.subscriptions, "subscription");
  return step;
}

StepAction DecodeSetQuantity(const Fields& f, Refs& refs, std::optional<Instant>&) {
  return steps::SetQuantity{f.Ref("subscription", refs.subscriptions, "subscription"), f.Quantity("quantity")};
}

StepAction DecodeSetAutoRenew(const Fields& f, Refs& refs, std::optional<Instant>&) {
  return steps::SetAutoRenew{f.Ref("subscription", refs.subscriptions, "subscription"),
                             f.r.BoolOf(f.Node("enabled"), f.What("enabled"))};
}

StepAction DecodeChangeBilling(const Fields& f, Refs& refs, std::optional<Instant>&) {
  return steps::ChangeBilling{f.Ref("subscription", refs.subscriptions, "subscription"), f.BillingOf("billing")};
}

StepAction DecodeScheduleNextTerm(const Fields& f, Refs& refs, std::optional<Instant>&) {
  steps::ScheduleNextTerm s;
  s.subscription = f.Ref("subscription", refs.subscriptions, "subscription");
  s.item = f.OptItem("item");
  s.quantity = f.OptQuantity("quantity");
  s.term = f.OptTerm("term");
  s.billing = f.OptBilling("billing");
  return s;
}

StepAction DecodeScheduleAction(const Fields& f, Refs& refs, std::optional<Instant>&) {
  return steps::ScheduleAction{
      f.Ref("subscription", refs.subscriptions, "subscription"),
      f.r.OneOf(f.Node("action"), f.What("action"), {"Cancel", "RenewToNewTerm", "RenewToExtendedServiceTerm"})};
}

StepAction DecodeUpgrade(const Fields& f, Refs& refs, std::optional<Instant>&) {
  steps::Upgrade u;
  u.subscription = f.Ref("subscription", refs.subscriptions, "subscription");
  u.to = f.Item("to");
  u.quantity = f.OptQuantity("quantity");
  if (f.Has("into")) u.into = f.Ref("into", refs.subscriptions, "subscription");
  if (f.Has("ref")) u.ref = f.DefineRef(refs, refs.subscriptions);
  return u;
}

StepAction DecodeConvertTrial(const Fields& f, Refs& refs, std::optional<Instant>&) {
  steps::ConvertTrial c;
  c.subscription = f.Ref("subscription", refs.subscriptions, "subscription");
  c.to = f.OptItem("to");
  c.quantity = f.OptQuantity("quantity");
  c.term = f.OptTerm("term");
  c.billing = f.OptBilling("billing");
  return c;
}

StepAction DecodeAttestMca(const Fields& f, Refs& refs, std::optional<Instant>&) {
  steps::AttestMca a;
  a.customer = f.Ref("customer", refs.customers, "customer");
  if (f.Has("date")) a.date = f.r.InstantOf(f.Node("date"), f.What("date"));
  return a;
}

StepAction DecodeRequest(const Fields& f, Refs&, std::optional<Instant>&) {
  steps::Request q;
  q.method = f.r.OneOf(f.Node("method"), f.What("method"), {"GET", "POST", "PUT", "PATCH", "DELETE"});
  q.path = f.Text("path");
  if (f.Has("body")) q.body = f.r.BodyJson(f.Node("body"));
  if (f.Has("headers")) {
    if (!f.Node("headers").IsMap()) f.r.Fail(f.Node("headers"), f.What("headers") + " must map header names to values");
    nlohmann::json headers = f.r.BodyJson(f.Node("headers"));
    for (auto it = headers.begin(); it != headers.end(); ++it) {
      if (it->is_string()) q.headers.push_back({it.key(), it->get<std::string>(), true});
      else q.headers.push_back({it.key(), it->dump(), false});
    }
  }
  return q;
}

StepAction DecodeAdvance(const Fields& f, Refs&, std::optional<Instant>& last_at) {
  steps::Advance a;
  if (f.Has("to") == f.Has("by")) f.r.Fail(f.body, "advance needs exactly one of \"to\" or \"by\"");
  if (f.Has("by")) {
    a.by = f.Text("by");
    if (!CalendarDuration::Parse(*a.by))
      f.r.Fail(f.Node("by"), f.What("by") + ": \"" + Q(*a.by) + "\" is not an ISO 8601 duration such as P30D");
    return a;
  }
  a.to = f.r.InstantOf(f.Node("to"), f.What("to"));
  if (last_at && *a.to < *last_at)
    f.r.Fail(f.Node("to"), "advance to " + a.to->ToString() + " is earlier than a previous step's time");
  last_at = a.to;
  return a;
}

StepAction DecodeAddAzureSubscription(const Fields& f, Refs& refs, std::optional<Instant>&) {
  steps::AddAzureSubscription a;
  a.plan = f.Ref("plan", refs.subscriptions, "subscription");
  a.name = f.OptText("name");
  a.ref = f.DefineRef(refs, refs.azure);
  return a;
}

StepAction DecodeAzureUsage(const Fields& f, Refs& refs, std::optional<Instant>&) {
  steps::AzureUsage u;
  u.azure = f.Ref("azure", refs.azure, "Azure subscription");
  u.meter = f.Text("meter");
  u.quantity = f.r.DecimalOf(f.Node("quantity"), f.What("quantity"));
  u.date = f.OptDate("date");
  return u;
}

StepAction DecodeSetAzureRole(const Fields& f, Refs& refs, std::optional<Instant>&) {
  steps::SetAzureRole s;
  s.azure = f.Ref("azure", refs.azure, "Azure subscription");
  s.role = f.r.OneOf(f.Node("role"), f.What("role"), {"Owner", "Contributor", "Reader", "none"});
  if (f.Has("via")) s.via = f.r.OneOf(f.Node("via"), f.What("via"), {"AOBO", "Lighthouse", "GDAP"});
  return s;
}

const std::map<std::string, ActionShape, std::less<>>& Actions() {
  static const std::map<std::string, ActionShape, std::less<>> kActions = {
      {"purchase",
       {{"customer", "item", "quantity", "billing", "ref"}, {"term", "promotion", "reseller", "custom-term-end", "name"},
        DecodePurchase}},
      {"set-quantity", {{"subscription", "quantity"}, {}, DecodeSetQuantity}},
      {"cancel", {{"subscription"}, {}, DecodeSubscriptionOnly<steps::Cancel>}},
      {"suspend", {{"subscription"}, {}, DecodeSubscriptionOnly<steps::Suspend>}},
      {"reactivate", {{"subscription"}, {}, DecodeSubscriptionOnly<steps::Reactivate>}},
      {"set-auto-renew", {{"subscription", "enabled"}, {}, DecodeSetAutoRenew}},
      {"schedule-action", {{"subscription", "action"}, {}, DecodeScheduleAction}},
      {"schedule-next-term", {{"subscription"}, {"item", "quantity", "term", "billing"}, DecodeScheduleNextTerm}},
      {"upgrade", {{"subscription", "to"}, {"quantity", "ref", "into"}, DecodeUpgrade}},
      {"change-billing", {{"subscription", "billing"}, {}, DecodeChangeBilling}},
      {"convert-trial", {{"subscription"}, {"to", "quantity", "term", "billing"}, DecodeConvertTrial}},
      {"attest-mca", {{"customer"}, {"date"}, DecodeAttestMca}},
      {"request", {{"method", "path"}, {"body", "headers"}, DecodeRequest}},
      {"advance", {{}, {"to", "by"}, DecodeAdvance}},
      {"add-azure-subscription", {{"plan", "ref"}, {"name"}, DecodeAddAzureSubscription}},
      {"azure-usage", {{"azure", "meter", "quantity"}, {"date"}, DecodeAzureUsage}},
      {"set-azure-role", {{"azure", "role"}, {"via"}, DecodeSetAzureRole}},
  };
  return kActions;
}

// The action's fields as written: no unknown field, none twice, the required ones given.
Fields ReadFields(const Reader& r, const std::string& action, const YAML::Node& body, const YAML::Node& step) {
  const ActionShape& shape = Actions().find(action)->second;
  std::vector<std::string_view> allowed(shape.required);
  allowed.insert(allowed.end(), shape.optional.begin(), shape.optional.end());
  if (!body.IsMap()) r.Fail(body.IsDefined() ? body : step, action + " needs a mapping of its fields");
  Fields fields(r, action, body);
  for (auto it = body.begin(); it != body.end(); ++it) {
    std::string key = r.Text(it->first, "a field");
    if (std::find(allowed.begin(), allowed.end(), key) == allowed.end()) {
      std::string list;
      for (auto a : allowed) list += (list.empty() ? "" : ", ") + std::string(a);
      r.Fail(it->first, "unknown field \"" + Q(key) + "\" in " + action + " (allowed: " + list + ")");
    }
    fields.Add(it->first, key, it->second);
  }
  for (auto req : shape.required)
    if (!fields.Has(std::string(req))) r.Fail(body, action + ": missing required field \"" + std::string(req) + "\"");
  return fields;
}

Step::ExpectError ReadExpectError(const Reader& r, const YAML::Node& n) {
  auto m = r.Map(n.IsNull() ? YAML::Node(YAML::NodeType::Map) : n, "expect-error", {"status", "code"});
  Step::ExpectError e;
  if (m.count("status")) {
    e.status = static_cast<int>(r.IntOf(m["status"], "status", 100, 599));
    if (*e.status < 400) r.Fail(m["status"], "expect-error status must be 4xx or 5xx");
  }
  if (m.count("code")) e.code = r.Text(m["code"], "code");
  return e;
}

Step::ExpectResponse ReadExpectResponse(const Reader& r, const YAML::Node& n) {
  auto m = r.Map(n, "expect-response", {"status", "body"});
  Step::ExpectResponse e;
  if (m.count("status")) e.status = static_cast<int>(r.IntOf(m["status"], "status", 100, 599));
  if (m.count("body")) e.body = r.ExpectedJson(m["body"]);
  return e;
}

// The step's keys: `at`, the expectations of its outcome, and its one action
// (whose name and fields are returned).
std::pair<std::string, YAML::Node> ReadStepKeys(const Reader& r, const YAML::Node& n, Step& step,
                                                std::optional<Instant>& last_at) {
  std::string action;
  YAML::Node body;
  for (auto it = n.begin(); it != n.end(); ++it) {
    std::string key = r.Text(it->first, "a step key");
    if (key == "at") {
      if (step.at) r.Fail(it->first, "duplicate key \"at\"");
      step.at = r.InstantOf(it->second, "at");
      if (last_at && *step.at < *last_at) r.Fail(it->second, "at " + step.at->ToString() + " is earlier than a previous step's time");
      last_at = step.at;
    } else if (key == "expect-error") {
      step.expect_error = ReadExpectError(r, it->second);
    } else if (key == "expect-response") {
      step.expect_response = ReadExpectResponse(r, it->second);
    } else if (Actions().count(key)) {
      if (!action.empty()) r.Fail(it->first, "a step has exactly one action; found \"" + action + "\" and \"" + Q(key) + "\"");
      action = key;
      body = it->second;
    } else {
      std::string list;
      for (const auto& [name, shape] : Actions()) list += (list.empty() ? "" : ", ") + name;
      r.Fail(it->first, "unknown key \"" + Q(key) + "\" in a step (actions: " + list + "; or at, expect-error, expect-response)");
    }
  }
  return {action, body};
}

}  // namespace

Step ReadStep(const Reader& r, const YAML::Node& n, Refs& refs, std::optional<Instant>& last_at) {
  if (!n.IsMap()) r.Fail(n, "a step must be a mapping with one action");
  Step step;
  step.where = r.Where(n);
  auto [action, body] = ReadStepKeys(r, n, step, last_at);
  if (action.empty()) r.Fail(n, "a step needs one action");
  if (step.expect_error && step.expect_response) r.Fail(n, "a step can't have both expect-error and expect-response");
  if (step.expect_response && action != "request") r.Fail(n, "expect-response is only for request steps");
  Fields fields = ReadFields(r, action, body, n);
  step.action = Actions().find(action)->second.decode(fields, refs, last_at);
  return step;
}

}  // namespace pcsim::replay
