// The recon-rows expectation (docs/scenario-format.md, "Graph export rows"):
// which export to take (billed or unbilled, reconciliation or usage, the
// attribute set) and the rows it must hold. A row names the export's own
// attributes, in PascalCase as the export writes them, plus refs; a field the
// export does not have, or one the basic attribute set leaves out, is a
// mistake in the file (file:line), never a failed check.
#include <algorithm>
#include <cctype>
#include <climits>
#include <set>

#include "simulator/api/recon_rows.h"
#include "simulator/replay/scenario_parser.h"
#include "simulator/replay/yaml_reader.h"

namespace pcsim::replay {
namespace {

using Export = ReconRowsExpectation::Export;

// What a row field's value must be.
enum class RowKind { Text, Integer, Number, Date, List };

api::ExportKind ApiKind(Export source) {
  switch (source) {
    case Export::Billed: return api::ExportKind::BilledReconciliation;
    case Export::Unbilled: return api::ExportKind::UnbilledReconciliation;
    case Export::UsageBilled: return api::ExportKind::BilledUsage;
    case Export::UsageUnbilled: return api::ExportKind::UnbilledUsage;
  }
  return api::ExportKind::BilledReconciliation;
}

// The export writes money and rates as exact decimal numbers, a reconciliation
// row's quantities as integers, dates as date-times (docs/graph-billing.md, "Rows").
RowKind KindOf(std::string_view key, bool usage) {
  static constexpr std::string_view kDecimals[] = {
      "UnitPrice",          "EffectiveUnitPrice", "Subtotal",         "TaxTotal",
      "Total",              "PCToBCExchangeRate", "BillingPreTaxTotal", "PricingPreTaxTotal",
      "CreditPercentage",   "PartnerEarnedCreditPercentage"};
  if (key == "Quantity") return usage ? RowKind::Number : RowKind::Integer;
  if (key == "BillableQuantity") return RowKind::Integer;
  if (std::find(std::begin(kDecimals), std::end(kDecimals), key) != std::end(kDecimals)) return RowKind::Number;
  if (key == "ProductQualifiers") return RowKind::List;
  if (key.size() > 4 && key.substr(key.size() - 4) == "Date") return RowKind::Date;
  return RowKind::Text;
}

// "a billed export", "an unbilled export", "a usage-billed export", ...
std::string AnExport(const ReconRowsExpectation& e) {
  return (e.name == "unbilled" ? "an " : "a ") + e.name + " export";
}

bool Has(const std::vector<std::string_view>& names, std::string_view name) {
  return std::find(names.begin(), names.end(), name) != names.end();
}

std::string Listed(const std::vector<std::string_view>& names) {
  std::string list;
  for (std::string_view n : names) list += (list.empty() ? "" : ", ") + std::string(n);
  return list;
}

// The expected value of a row field, checked for its kind.
nlohmann::json RowValue(const Reader& r, const YAML::Node& n, const std::string& key, RowKind kind) {
  switch (kind) {
    case RowKind::Integer: r.IntOf(n, key, INT64_MIN, INT64_MAX); return ExpectedNumber(n.Scalar());
    case RowKind::Number: r.DecimalOf(n, key); return ExpectedNumber(n.Scalar());
    case RowKind::Date: r.DateOf(n, key); return n.Scalar();
    case RowKind::List: {
      if (!n.IsSequence()) r.Fail(n, key + " must be a list (such as [AddOn] or [])");
      nlohmann::json list = nlohmann::json::array();
      for (const auto& e : n) list.push_back(r.Text(e, key));
      return list;
    }
    case RowKind::Text: break;
  }
  // Text compares as text: SkuId 0001 is not the number 1.
  return r.Text(n, key);
}

// One expected row: refs (subscription, customer; azure in a usage export)
// and the export's attributes.
ExpectedLine ReadRow(const Reader& r, const YAML::Node& n, const ReconRowsExpectation& e, const Refs& refs) {
  if (!n.IsMap()) r.Fail(n, "an expected row must be a mapping of fields");
  const std::vector<std::string_view> full = api::ExportColumns(ApiKind(e.source), api::AttributeSet::Full);
  const std::vector<std::string_view> basic = api::ExportColumns(ApiKind(e.source), api::AttributeSet::Basic);
  ExpectedLine row;
  row.where = r.Where(n);
  std::set<std::string> seen;
  for (auto it = n.begin(); it != n.end(); ++it) {
    const std::string key = r.Text(it->first, "a row field");
    if (!seen.insert(key).second) r.Fail(it->first, "duplicate row field \"" + Q(key) + "\"");
    if (key == "subscription" || key == "customer" || (key == "azure" && e.usage())) {
      if (key == "subscription") RefOf(r, it->second, refs.subscriptions, "subscription");
      if (key == "customer") RefOf(r, it->second, refs.customers, "customer");
      if (key == "azure") RefOf(r, it->second, refs.azure, "Azure subscription");
      row.fields.push_back({key, r.Text(it->second, key), r.Where(it->second)});
      continue;
    }
    if (!Has(full, key))
      r.Fail(it->first, "unknown row field \"" + Q(key) + "\" of " + AnExport(e) +
                            " (allowed: subscription, customer, " + (e.usage() ? "azure, " : "") + Listed(full) +
                            ")");
    if (e.basic && !Has(basic, key))
      r.Fail(it->first, "row field \"" + key + "\" is not in the basic attribute set of " + AnExport(e) +
                            " (attribute-set: full has it)");
    row.fields.push_back({key, RowValue(r, it->second, key, KindOf(key, e.usage())), r.Where(it->second)});
  }
  return row;
}

// A billed export's invoice: a position (1 for the partner's first invoice),
// written as a plain integer, or an invoice id.
void ReadInvoice(const Reader& r, const YAML::Node& n, ReconRowsExpectation& e) {
  const std::string text = r.Text(n, "recon-rows invoice");
  if (n.Tag() != "!" && Decimal::Parse(text)) {
    e.invoice_position = static_cast<int>(r.IntOf(n, "recon-rows invoice", 1, 1000000));
    return;
  }
  if (text.empty()) r.Fail(n, "recon-rows invoice: an invoice id, or the invoice's position (1 for the first)");
  e.invoice_id = text;
}

std::string CurrencyOf(const Reader& r, const YAML::Node& n) {
  std::string code = r.Text(n, "recon-rows currency");
  bool letters = code.size() == 3;
  for (char& c : code) {
    letters = letters && std::isalpha(static_cast<unsigned char>(c));
    c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  }
  if (!letters) r.Fail(n, "recon-rows currency: \"" + Q(n.Scalar()) + "\" is not an ISO 4217 code (USD, EUR, ...)");
  return code;
}

ReconRowsExpectation ReadEntry(const Reader& r, const YAML::Node& n, const Refs& refs) {
  auto m = r.Map(n, "recon-rows",
                 {"export", "invoice", "billing-period", "currency", "attribute-set", "rows", "complete"});
  ReconRowsExpectation e;
  e.where = r.Where(n);
  e.name = r.OneOf(r.Require(m, n, "export", "recon-rows"), "recon-rows export",
                   {"billed", "unbilled", "usage-billed", "usage-unbilled"});
  e.source = e.name == "billed"     ? Export::Billed
             : e.name == "unbilled" ? Export::Unbilled
             : e.name == "usage-billed" ? Export::UsageBilled
                                        : Export::UsageUnbilled;
  if (e.billed()) {
    for (const std::string key : {"billing-period", "currency"})
      if (m.count(key))
        r.Fail(m[key], "recon-rows " + key + " is for unbilled exports; " + AnExport(e) + " names its invoice");
    ReadInvoice(r, r.Require(m, n, "invoice", "recon-rows of " + AnExport(e)), e);
  } else {
    if (m.count("invoice"))
      r.Fail(m["invoice"], "recon-rows invoice is for billed exports; " + AnExport(e) +
                               " names billing-period and currency");
    const std::string what = "recon-rows of " + AnExport(e);
    const YAML::Node& period = r.Require(m, n, "billing-period", what);
    e.last_period = r.OneOf(period, "recon-rows billing-period", {"current", "last"}) == "last";
    e.currency = CurrencyOf(r, r.Require(m, n, "currency", what));
  }
  if (m.count("attribute-set"))
    e.basic = r.OneOf(m["attribute-set"], "recon-rows attribute-set", {"full", "basic"}) == "basic";
  if (m.count("complete")) e.complete = r.BoolOf(m["complete"], "recon-rows complete");
  const YAML::Node& rows = r.Require(m, n, "rows", "recon-rows");
  if (!rows.IsSequence()) r.Fail(rows, "recon-rows rows must be a list");
  for (const auto& row : rows) e.rows.push_back(ReadRow(r, row, e, refs));
  return e;
}

}  // namespace

std::vector<ReconRowsExpectation> ReadReconRows(const Reader& r, const YAML::Node& n, const Refs& refs) {
  std::vector<ReconRowsExpectation> out;
  if (n.IsSequence()) {
    for (const auto& entry : n) out.push_back(ReadEntry(r, entry, refs));
    if (out.empty()) r.Fail(n, "recon-rows is an empty list");
  } else {
    out.push_back(ReadEntry(r, n, refs));
  }
  return out;
}

}  // namespace pcsim::replay
