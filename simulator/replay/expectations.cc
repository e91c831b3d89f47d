// The final expectations of a scenario (docs/scenario-format.md,
// "Expectations" and "Matching"): charge lines and usage lines matched in any
// order, subscriptions by subset, totals and invoices to the written
// precision. The book is read through the const sandbox() view or the router.
#include <functional>
#include <sstream>

#include "simulator/api/resources.h"
#include "simulator/replay/run_context.h"
#include "simulator/replay/scenario_parser.h"

namespace pcsim::replay {
namespace {

using nlohmann::json;

bool Mismatch(const std::string& path, const std::string& wanted, const json& actual, std::string* why) {
  *why = path + ": expected " + wanted + ", got " + Dump(actual);
  return false;
}

// A scalar as written against an actual JSON value: numbers to the written
// precision, dates by day, everything else exactly.
bool ScalarMatches(const json& expected, const json& actual) {
  std::string want = ExpectedText(expected);
  if (IsExpectedNull(expected)) return actual.is_null();
  if (IsExpectedBool(expected)) return actual.is_boolean() && (actual.get<bool>() ? "true" : "false") == want;
  std::string have = actual.is_string() ? actual.get<std::string>() : Dump(actual);
  if (IsExpectedNumber(expected)) {
    auto w = Decimal::Parse(want);
    auto h = Decimal::Parse(have);
    if (!w || !h) return false;
    return h->RoundHalfUp(w->scale()) == *w;
  }
  if (want == have) return true;
  // Dates match by day, a date-time without a zone too (an export's PCToBCExchangeRateDate).
  if (want.size() == 10 && Date::Parse(want) && have.size() >= 10 && have.substr(0, 10) == want &&
      (Instant::Parse(have) || (have.size() == 19 && Instant::Parse(have + "Z"))))
    return true;
  return false;
}

// The fields of one actual charge line, under the scenario format's names.
// A wire value with money as its exact decimal text.
json Plain(const api::Json& v) {
  if (auto text = api::NumberText(v)) return *text;
  return json::parse(api::Dump(v));
}

json ActualLine(const RunContext& run, const ChargeLine& line) {
  api::Json wire = api::LineItemJson(run.sandbox(), line);
  json f;
  f["subscription"] = RefOrId(run.result(), wire["subscriptionId"].get<std::string>());
  for (const char* key : {"chargeType", "orderDate", "chargeStartDate", "chargeEndDate", "unitPrice",
                          "effectiveUnitPrice", "quantity", "billableQuantity", "subtotal", "totalForCustomer",
                          "termAndBillingCycle", "productId", "skuId", "availabilityId", "promotionId",
                          "productQualifiers", "currency", "invoiceNumber"})
    f[key] = Plain(wire[key]);
  f["total"] = Plain(wire["totalForCustomer"]);
  f["billingFrequency"] = std::string(api::BillingFrequencyText(line.billing));
  return f;
}

// The fields of one daily rated usage line, under the scenario format's names.
json ActualUsageLine(const RunContext& run, const UsageLine& line) {
  api::Json wire = api::UsageLineJson(run.sandbox(), line);
  json f;
  f["azure"] = AzureRefOrId(run, wire["entitlementId"].get<std::string>());
  for (const char* key : {"usageDate", "meterId", "quantity", "unitPrice", "effectiveUnitPrice",
                          "rateOfPartnerEarnedCredit", "hasPartnerEarnedCredit", "billingPreTaxTotal",
                          "pricingPreTaxTotal"})
    f[key] = Plain(wire[key]);
  return f;
}

bool LineMatches(const ExpectedLine& e, const json& actual, std::vector<std::string>* differing) {
  bool ok = true;
  for (const ExpectedField& field : e.fields) {
    const json& a = actual.contains(field.name) ? actual[field.name] : json();
    bool match;
    if (field.value.is_array()) {
      match = a.is_array() && a.size() == field.value.size();
      for (size_t i = 0; match && i < a.size(); ++i) match = ScalarMatches(field.value[i], a[i]);
    } else {
      match = ScalarMatches(field.value, a);
    }
    if (!match) {
      ok = false;
      if (differing)
        differing->push_back(field.name + ": expected " + (field.value.is_array() ? Dump(field.value) : ExpectedText(field.value)) +
                             ", actual " + (a.is_string() ? a.get<std::string>() : Dump(a)));
    }
  }
  return ok;
}

// An actual line in a message: the kind's summary fields it has.
std::string Describe(const json& actual, const std::vector<std::string>& summary) {
  std::string out = "{";
  for (const std::string& key : summary) {
    if (!actual.contains(key)) continue;
    std::string v = actual[key].is_string() ? actual[key].get<std::string>() : Dump(actual[key]);
    if (v.size() > 10 && v[10] == 'T') v = v.substr(0, 10);
    out += std::string(out.size() > 1 ? ", " : "") + key + ": " + v;
  }
  return out + "}";
}

std::string DescribeExpected(const ExpectedLine& e) {
  std::string out = "{";
  for (const auto& f : e.fields)
    out += std::string(out.size() > 1 ? ", " : "") + f.name + ": " +
           (f.value.is_array() ? Dump(f.value) : ExpectedText(f.value));
  return out + "}";
}

// The message for an expected line nothing matched: the closest actual line
// (the most fields in common) and how it differs.
std::string Unmatched(const ExpectedLine& expected, const std::vector<json>& actual, const LineKind& kind) {
  const std::string& what = kind.what;
  size_t m = actual.size();
  size_t best = m;
  std::vector<std::string> best_diff;
  for (size_t j = 0; j < m; ++j) {
    std::vector<std::string> diff;
    LineMatches(expected, actual[j], &diff);
    if (best == m || diff.size() < best_diff.size()) {
      best = j;
      best_diff = diff;
    }
  }
  std::ostringstream out;
  out << expected.where.ToString() << ": no " << what << " matches\n    expected " << DescribeExpected(expected);
  if (best < m) {
    out << "\n    closest  " << Describe(actual[best], kind.summary);
    for (const auto& d : best_diff) out << "\n      " << d;
  } else {
    out << "\n    (there are no actual " << what << "s)";
  }
  return out.str();
}

}  // namespace

// Order-insensitive matching of expected to actual lines (bipartite).
void MatchLines(const std::string& where, const std::vector<ExpectedLine>& expected, const std::vector<json>& actual,
                bool complete, const LineKind& kind, std::vector<std::string>& failures) {
  const std::string& what = kind.what;
  size_t n = expected.size(), m = actual.size();
  std::vector<std::vector<bool>> ok(n, std::vector<bool>(m));
  for (size_t i = 0; i < n; ++i)
    for (size_t j = 0; j < m; ++j) ok[i][j] = LineMatches(expected[i], actual[j], nullptr);
  std::vector<int> owner(m, -1);
  std::function<bool(size_t, std::vector<bool>&)> augment = [&](size_t i, std::vector<bool>& seen) {
    for (size_t j = 0; j < m; ++j) {
      if (!ok[i][j] || seen[j]) continue;
      seen[j] = true;
      if (owner[j] < 0 || augment(static_cast<size_t>(owner[j]), seen)) {
        owner[j] = static_cast<int>(i);
        return true;
      }
    }
    return false;
  };
  std::vector<bool> matched(n, false);
  for (size_t i = 0; i < n; ++i) {
    std::vector<bool> seen(m, false);
    matched[i] = augment(i, seen);
  }
  for (size_t i = 0; i < n; ++i)
    if (!matched[i]) failures.push_back(Unmatched(expected[i], actual, kind));
  if (complete && m != n) {
    std::ostringstream out;
    out << where << ": expected exactly " << n << " " << what << "s, found " << m;
    size_t shown = 0;
    for (size_t j = 0; j < m && shown < 10; ++j)
      if (owner[j] < 0) {
        out << "\n    unexpected " << Describe(actual[j], kind.summary);
        ++shown;
      }
    failures.push_back(out.str());
  }
}

std::string AzureRefOrId(const RunContext& run, const std::string& entitlement_id) {
  for (const auto& [ref, id] : run.result().azure_refs)
    if (id == entitlement_id) return ref;
  // The first Azure subscription of a plan goes by the plan's ref.
  const AzureBook& azure = run.sandbox().azure();
  auto at = azure.entitlement_index.find(entitlement_id);
  if (at == azure.entitlement_index.end()) return entitlement_id;
  const AzureEntitlement& entitlement = azure.entitlements[at->second];
  auto of_plan = azure.entitlements_of_plan.find(entitlement.plan);
  if (of_plan == azure.entitlements_of_plan.end() || of_plan->second.empty() ||
      of_plan->second.front() != entitlement.index)
    return entitlement_id;
  const std::string& plan_id = run.sandbox().SubscriptionAt(entitlement.plan).id;
  const std::string plan_ref = RefOrId(run.result(), plan_id);
  return plan_ref == plan_id ? entitlement_id : plan_ref;
}

std::string CustomerRefOrId(const RunContext& run, const std::string& customer_id) {
  for (const auto& [ref, id] : run.result().customer_refs)
    if (id == customer_id) return ref;
  return customer_id;
}

namespace {

// Each expected subscription by subset of GET .../subscriptions/{id}, with
// `est` (whether the subscription is in its extended service term).
void CheckSubscriptions(RunContext& run, const Expectations& e, std::vector<std::string>& failures) {
  for (const auto& [ref, expected] : e.subscriptions) {
    json sub = json::parse(run.Send("GET", run.SubscriptionPath(ref)).body);
    const Subscription* state = run.sandbox().FindSubscription(run.SubscriptionId(ref));
    sub["est"] = state != nullptr && state->in_est;
    std::string why;
    if (!Subset(expected.second, sub, ref, &why)) failures.push_back(expected.first.ToString() + ": subscription " + why);
  }
}

void CheckTotals(const std::vector<json>& actual, const Expectations& e, std::vector<std::string>& failures) {
  for (const auto& [ref, want] : e.totals) {
    Decimal sum;
    for (const json& line : actual)
      if (ref == "all" || line["subscription"] == ref)
        sum += Decimal::Parse(line["totalForCustomer"].get<std::string>()).value_or(Decimal());
    if (sum.RoundHalfUp(want.value.scale()) != want.value)
      failures.push_back(want.where.ToString() + ": total of " + ref + ": expected " + want.text + ", actual " +
                         sum.ToString());
  }
}

void CheckInvoices(const RunContext& run, const Expectations& e, std::vector<std::string>& failures) {
  for (const auto& inv : e.invoices) {
    Decimal sum;
    bool found = false;
    for (const Invoice& i : run.sandbox().ledger().invoices())
      if (i.period_start.ToString().substr(0, 7) == inv.period) {
        sum += i.total;
        found = true;
      }
    const Decimal& want = inv.total.value;
    if (!found) failures.push_back(inv.where.ToString() + ": no invoice closed for period " + inv.period);
    else if (sum.RoundHalfUp(want.scale()) != want)
      failures.push_back(inv.where.ToString() + ": invoice total of " + inv.period + ": expected " + inv.total.text +
                         ", actual " + sum.ToString());
  }
}

}  // namespace

// --- matching ------------------------------------------------------------------
// `expected` (as written) matches `actual` (the wire JSON) by subset.
bool Subset(const json& expected, const json& actual, const std::string& path, std::string* why) {
  if (expected.is_object()) {
    if (!actual.is_object()) return Mismatch(path, "an object", actual, why);
    for (auto it = expected.begin(); it != expected.end(); ++it) {
      auto found = actual.find(it.key());
      bool empty_list = it->is_array() && it->empty();
      if (found == actual.end() || found->is_null()) {
        if (empty_list) continue;
        *why = path + "." + it.key() + " is missing";
        return false;
      }
      if (!Subset(*it, *found, path + "." + it.key(), why)) return false;
    }
    return true;
  }
  if (expected.is_array()) {
    if (expected.empty() && actual.is_null()) return true;
    if (!actual.is_array() || actual.size() != expected.size())
      return Mismatch(path, "a list of " + std::to_string(expected.size()), actual, why);
    for (size_t i = 0; i < expected.size(); ++i)
      if (!Subset(expected[i], actual[i], path + "[" + std::to_string(i) + "]", why)) return false;
    return true;
  }
  if (ScalarMatches(expected, actual)) return true;
  return Mismatch(path, ExpectedText(expected), actual, why);
}

std::vector<std::string> CheckExpectations(RunContext& run, const Expectations& e) {
  std::vector<std::string> failures;
  const std::string& file = run.scenario().file;
  if (e.at) {
    api::Response r = run.Send("POST", "/_sim/clock/advance", Dump(json{{"to", e.at->ToString()}}));
    if (r.status != 200) failures.push_back(file + ": advancing to expect.at failed: " + r.body);
  }
  std::vector<json> actual;
  Instant now = run.sandbox().Now();
  for (const ChargeLine& line : run.sandbox().ledger().lines())
    if (line.order_date <= now) actual.push_back(ActualLine(run, line));
  static const LineKind kLine{"line", {"subscription", "chargeType", "chargeStartDate", "chargeEndDate", "unitPrice",
                                       "effectiveUnitPrice", "quantity", "totalForCustomer"}};
  static const LineKind kUsageLine{"usage line", {"azure", "usageDate", "meterId", "quantity", "unitPrice",
                                                  "effectiveUnitPrice", "hasPartnerEarnedCredit", "billingPreTaxTotal"}};
  if (e.has_lines) MatchLines(file, e.lines, actual, e.lines_complete, kLine, failures);
  if (e.has_usage_lines) {
    std::vector<json> usage;
    for (const UsageLine& line : run.sandbox().UsageLines(UsageLineFilter{})) usage.push_back(ActualUsageLine(run, line));
    MatchLines(file, e.usage_lines, usage, e.usage_lines_complete, kUsageLine, failures);
  }
  CheckReconRows(run, e.recon_rows, failures);
  CheckSubscriptions(run, e, failures);
  CheckTotals(actual, e, failures);
  CheckInvoices(run, e, failures);
  return failures;
}

}  // namespace pcsim::replay
