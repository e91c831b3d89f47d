// The expect section of a scenario: charge lines, usage lines, subscriptions,
// totals and invoices. Values keep how they were written (matching is to the
// written precision), and the numbers among them are checked here, so that a
// malformed one is an invalid file, never a failed or passing check.
#include <climits>

#include "simulator/replay/yaml_reader.h"

namespace pcsim::replay {
namespace {

enum class Kind { Text, Integer, Number };

// The fields of an expected charge line and of an expected usage line, with
// what their values must be.
const std::map<std::string, Kind, std::less<>>& LineFields() {
  static const std::map<std::string, Kind, std::less<>> kFields = {
      {"subscription", Kind::Text},      {"chargeType", Kind::Text},        {"orderDate", Kind::Text},
      {"chargeStartDate", Kind::Text},   {"chargeEndDate", Kind::Text},     {"unitPrice", Kind::Number},
      {"effectiveUnitPrice", Kind::Number}, {"quantity", Kind::Integer},    {"billableQuantity", Kind::Integer},
      {"subtotal", Kind::Number},        {"totalForCustomer", Kind::Number}, {"total", Kind::Number},
      {"termAndBillingCycle", Kind::Text}, {"billingFrequency", Kind::Text}, {"productId", Kind::Text},
      {"skuId", Kind::Text},             {"availabilityId", Kind::Text},    {"promotionId", Kind::Text},
      {"productQualifiers", Kind::Text}, {"currency", Kind::Text},          {"invoiceNumber", Kind::Text}};
  return kFields;
}

const std::map<std::string, Kind, std::less<>>& UsageLineFields() {
  static const std::map<std::string, Kind, std::less<>> kFields = {
      {"azure", Kind::Text},           {"usageDate", Kind::Text},         {"meterId", Kind::Text},
      {"quantity", Kind::Number},      {"unitPrice", Kind::Number},       {"effectiveUnitPrice", Kind::Number},
      {"rateOfPartnerEarnedCredit", Kind::Number}, {"hasPartnerEarnedCredit", Kind::Text},
      {"billingPreTaxTotal", Kind::Number}, {"pricingPreTaxTotal", Kind::Number}};
  return kFields;
}

// A number where one is due: an exact decimal, or an integer, quoted or not.
void CheckNumber(const Reader& r, const YAML::Node& n, const std::string& what, Kind kind) {
  if (kind == Kind::Integer) r.IntOf(n, what, INT64_MIN, INT64_MAX);
  if (kind == Kind::Number) r.DecimalOf(n, what);
}

ExpectedLine ReadExpectedLine(const Reader& r, const YAML::Node& n, const std::map<std::string, Kind, std::less<>>& allowed,
                              const Refs& refs) {
  if (!n.IsMap()) r.Fail(n, "an expected line must be a mapping of fields");
  ExpectedLine line;
  line.where = r.Where(n);
  std::set<std::string> seen;
  for (auto it = n.begin(); it != n.end(); ++it) {
    std::string key = r.Text(it->first, "a line field");
    auto field = allowed.find(key);
    if (field == allowed.end()) r.Fail(it->first, "unknown line field \"" + Q(key) + "\"");
    if (!seen.insert(key).second) r.Fail(it->first, "duplicate line field \"" + Q(key) + "\"");
    if (key == "subscription") RefOf(r, it->second, refs.subscriptions, "subscription");
    if (key == "azure") RefOf(r, it->second, refs.azure, "Azure subscription");
    if (key == "chargeType" && r.Text(it->second, key).empty()) r.Fail(it->second, "chargeType is empty");
    if (key.find("Date") != std::string::npos) r.DateOf(it->second, key);
    CheckNumber(r, it->second, key, field->second);
    line.fields.push_back({key, r.ExpectedJson(it->second), r.Where(it->second)});
  }
  return line;
}

std::vector<ExpectedLine> ReadExpectedLines(const Reader& r, const YAML::Node& n, const std::string& what,
                                            const std::map<std::string, Kind, std::less<>>& allowed, const Refs& refs) {
  if (!n.IsSequence()) r.Fail(n, what + " must be a list");
  std::vector<ExpectedLine> lines;
  for (const auto& l : n) lines.push_back(ReadExpectedLine(r, l, allowed, refs));
  return lines;
}

// The quantities among the expected fields of a subscription (quantity,
// refundableQuantity.totalQuantity, ...) are integers.
void CheckSubscriptionNumbers(const Reader& r, const YAML::Node& n, const std::string& path) {
  if (n.IsSequence()) {
    for (size_t i = 0; i < n.size(); ++i) CheckSubscriptionNumbers(r, n[i], path + "[" + std::to_string(i) + "]");
    return;
  }
  if (!n.IsMap()) return;
  for (auto it = n.begin(); it != n.end(); ++it) {
    std::string key = r.Text(it->first, "a key");
    bool quantity = key == "quantity" || (key.size() > 8 && key.compare(key.size() - 8, 8, "Quantity") == 0);
    if (quantity && !it->second.IsMap() && !it->second.IsSequence()) CheckNumber(r, it->second, path + "." + key, Kind::Integer);
    else CheckSubscriptionNumbers(r, it->second, path + "." + key);
  }
}

void ReadExpectedSubscriptions(const Reader& r, const YAML::Node& n, const Refs& refs, Expectations& e) {
  if (!n.IsMap()) r.Fail(n, "subscriptions must map refs to fields");
  for (auto it = n.begin(); it != n.end(); ++it) {
    std::string ref = RefOf(r, it->first, refs.subscriptions, "subscription");
    if (!it->second.IsMap()) r.Fail(it->second, "the expected fields of a subscription must be a mapping");
    CheckSubscriptionNumbers(r, it->second, ref);
    e.subscriptions[ref] = {r.Where(it->second), r.ExpectedJson(it->second)};
  }
}

Expectations::Amount AmountOf(const Reader& r, const YAML::Node& n, const std::string& what) {
  Decimal value = r.DecimalOf(n, what);
  return {r.Where(n), n.Scalar(), value};
}

void ReadTotals(const Reader& r, const YAML::Node& n, const Refs& refs, Expectations& e) {
  if (!n.IsMap()) r.Fail(n, "totals must map refs (or all) to amounts");
  for (auto it = n.begin(); it != n.end(); ++it) {
    std::string ref = r.Text(it->first, "a totals key");
    if (ref != "all") RefOf(r, it->first, refs.subscriptions, "subscription");
    e.totals[ref] = AmountOf(r, it->second, "total of " + Q(ref));
  }
}

void ReadInvoices(const Reader& r, const YAML::Node& n, Expectations& e) {
  if (!n.IsSequence()) r.Fail(n, "invoices must be a list");
  for (const auto& i : n) {
    auto im = r.Map(i, "an expected invoice", {"period", "total"});
    Expectations::InvoiceExpectation inv;
    inv.where = r.Where(i);
    inv.period = r.Text(r.Require(im, i, "period", "an expected invoice"), "period");
    if (!Date::Parse(inv.period + "-01")) r.Fail(im["period"], "period must be YYYY-MM");
    inv.total = AmountOf(r, r.Require(im, i, "total", "an expected invoice"), "total");
    e.invoices.push_back(inv);
  }
}

}  // namespace

Expectations ReadExpect(const Reader& r, const YAML::Node& n, const Refs& refs) {
  auto m = r.Map(n, "expect",
                 {"at", "lines", "lines-complete", "subscriptions", "totals", "invoices", "usage-lines", "usage-lines-complete",
                  "recon-rows"});
  Expectations e;
  if (m.count("at")) e.at = r.InstantOf(m["at"], "expect at");
  if (m.count("lines")) {
    e.has_lines = true;
    e.lines = ReadExpectedLines(r, m["lines"], "lines", LineFields(), refs);
  }
  if (m.count("lines-complete")) e.lines_complete = r.BoolOf(m["lines-complete"], "lines-complete");
  if (m.count("usage-lines")) {
    e.has_usage_lines = true;
    e.usage_lines = ReadExpectedLines(r, m["usage-lines"], "usage-lines", UsageLineFields(), refs);
  }
  if (m.count("usage-lines-complete")) e.usage_lines_complete = r.BoolOf(m["usage-lines-complete"], "usage-lines-complete");
  if (m.count("recon-rows")) e.recon_rows = ReadReconRows(r, m["recon-rows"], refs);
  if (m.count("subscriptions")) ReadExpectedSubscriptions(r, m["subscriptions"], refs, e);
  if (m.count("totals")) ReadTotals(r, m["totals"], refs, e);
  if (m.count("invoices")) ReadInvoices(r, m["invoices"], e);
  return e;
}

}  // namespace pcsim::replay
