#include "simulator/replay/scenario_parser.h"

#include <algorithm>

#include "simulator/model/data_file.h"
#include "simulator/replay/yaml_bounds.h"
#include "simulator/replay/yaml_reader.h"

namespace pcsim::replay {
namespace {

std::map<std::string, Decimal> Prices(const Reader& r, const YAML::Node& n, const std::string& what) {
  auto m = n;
  if (!m.IsMap()) r.Fail(n, what + " must map TERM/BILLING to a price");
  std::map<std::string, Decimal> out;
  for (auto it = m.begin(); it != m.end(); ++it) {
    std::string key = r.Text(it->first, what);
    size_t slash = key.find('/');
    auto term = slash == std::string::npos ? std::nullopt : ParseTerm(key.substr(0, slash));
    auto billing = slash == std::string::npos ? std::nullopt : ParseBilling(key.substr(slash + 1));
    if (!term || !billing || !IsValidPair(*term, *billing))
      r.Fail(it->first, what + ": \"" + Q(key) + "\" is not a TERM/BILLING pair such as P1Y/monthly");
    Decimal price = r.DecimalOf(it->second, what + " " + key);
    if (price.IsNegative()) r.Fail(it->second, what + " " + key + ": a price can't be negative");
    out[std::string(ToString(*term)) + "/" + std::string(ToString(*billing))] = price;
  }
  return out;
}

std::vector<CatalogItemSpec::PriceChange> ReadPriceChanges(const Reader& r, const YAML::Node& n) {
  if (!n.IsSequence()) r.Fail(n, "price-changes must be a list");
  std::vector<CatalogItemSpec::PriceChange> out;
  for (const auto& e : n) {
    auto pm = r.Map(e, "a price change", {"from", "prices"});
    CatalogItemSpec::PriceChange change;
    change.from = r.DateOf(r.Require(pm, e, "from", "a price change"), "from");
    change.prices = Prices(r, r.Require(pm, e, "prices", "a price change"), "prices");
    out.push_back(std::move(change));
  }
  return out;
}

std::vector<CatalogItemSpec::PromotionSpec> ReadPromotions(const Reader& r, const YAML::Node& n) {
  if (!n.IsSequence()) r.Fail(n, "promotions must be a list");
  std::vector<CatalogItemSpec::PromotionSpec> out;
  for (const auto& e : n) {
    auto pm = r.Map(e, "a promotion", {"id", "discount-percent", "terms", "from", "until"});
    CatalogItemSpec::PromotionSpec p;
    p.id = r.Text(r.Require(pm, e, "id", "a promotion"), "id");
    p.discount_percent = r.DecimalOf(r.Require(pm, e, "discount-percent", "a promotion"), "discount-percent");
    if (p.discount_percent.IsNegative() || p.discount_percent > Decimal::FromInt(100))
      r.Fail(pm["discount-percent"], "discount-percent must be between 0 and 100");
    p.terms = r.StringList(r.Require(pm, e, "terms", "a promotion"), "terms");
    for (size_t i = 0; i < p.terms.size(); ++i) r.TermOf(pm["terms"][i], "terms");
    p.from = r.DateOf(r.Require(pm, e, "from", "a promotion"), "from");
    p.until = r.DateOf(r.Require(pm, e, "until", "a promotion"), "until");
    if (p.until < p.from) r.Fail(pm["until"], "until is before from");
    out.push_back(std::move(p));
  }
  return out;
}

std::vector<CatalogItemSpec::MeterSpec> ReadMeters(const Reader& r, const YAML::Node& n) {
  if (!n.IsSequence()) r.Fail(n, "meters must be a list");
  std::vector<CatalogItemSpec::MeterSpec> out;
  for (const auto& e : n) {
    auto mm = r.Map(e, "a meter", {"id", "name", "unit", "price", "pec-eligible"});
    CatalogItemSpec::MeterSpec meter;
    meter.id = r.Text(r.Require(mm, e, "id", "a meter"), "id");
    if (mm.count("name")) meter.name = r.Text(mm["name"], "name");
    if (mm.count("unit")) meter.unit = r.Text(mm["unit"], "unit");
    meter.price = r.DecimalOf(r.Require(mm, e, "price", "a meter"), "price");
    if (meter.price.IsNegative()) r.Fail(mm["price"], "a meter's price must not be negative");
    if (mm.count("pec-eligible")) meter.pec_eligible = r.BoolOf(mm["pec-eligible"], "pec-eligible");
    out.push_back(std::move(meter));
  }
  return out;
}

// An item with meters is an Azure plan, rated from its meters: the price list
// shows such a plan at 0, so `prices` may come along, all zero; nothing else
// that prices seats may.
void CheckAzurePlan(const Reader& r, const CatalogItemSpec& c, std::map<std::string, YAML::Node>& m) {
  if (c.meters.empty()) return;
  for (const auto& [pair, price] : c.prices)
    if (!price.IsZero())
      r.Fail(m["prices"], "catalog item " + Q(c.item) + " has meters (an Azure plan's rate card) and a nonzero price (" +
                              pair + ": " + price.ToString() + "); an Azure plan's prices, if given, must all be 0");
  if (m.count("price-changes"))
    r.Fail(m["price-changes"], "catalog item " + Q(c.item) + " has meters (an Azure plan's rate card) and price-changes");
  if (m.count("est-price"))
    r.Fail(m["est-price"], "catalog item " + Q(c.item) + " has meters (an Azure plan's rate card) and an est-price");
}

CatalogItemSpec ReadCatalogItem(const Reader& r, const YAML::Node& n) {
  auto m = r.Map(n, "a catalog item",
                 {"item", "name", "currency", "country", "segment", "prices", "est-price", "est-eligible", "min-quantity",
                  "max-quantity", "max-subscriptions-per-customer", "trial", "upgrades-to", "price-changes",
                  "promotions", "meters"});
  CatalogItemSpec c;
  c.where = r.Where(n);
  c.item = r.Text(r.Require(m, n, "item", "a catalog item"), "item");
  if (std::count(c.item.begin(), c.item.end(), ':') != 2)
    r.Fail(m["item"], "item: \"" + Q(c.item) + "\" is not productId:skuId:availabilityId");
  if (m.count("name")) c.name = r.Text(m["name"], "name");
  if (m.count("currency")) c.currency = r.Text(m["currency"], "currency");
  if (m.count("country")) {
    c.country = r.Text(m["country"], "country");
    c.country_given = true;
  }
  if (m.count("segment"))
    c.segment = r.OneOf(m["segment"], "segment", {"commercial", "education", "government", "nonprofit"});
  if (m.count("prices")) c.prices = Prices(r, m["prices"], "prices");
  if (m.count("est-price")) c.est_price = r.DecimalOf(m["est-price"], "est-price");
  if (m.count("est-eligible")) c.est_eligible = r.BoolOf(m["est-eligible"], "est-eligible");
  if (m.count("min-quantity")) c.min_quantity = static_cast<int>(r.IntOf(m["min-quantity"], "min-quantity", 0, 1000000));
  if (m.count("max-quantity")) c.max_quantity = static_cast<int>(r.IntOf(m["max-quantity"], "max-quantity", 1, 1000000));
  if (m.count("max-subscriptions-per-customer"))
    c.max_subscriptions_per_customer =
        static_cast<int>(r.IntOf(m["max-subscriptions-per-customer"], "max-subscriptions-per-customer", 1, 1000000));
  if (m.count("trial")) c.trial = r.BoolOf(m["trial"], "trial");
  if (m.count("upgrades-to")) c.upgrades_to = r.StringList(m["upgrades-to"], "upgrades-to");
  if (m.count("price-changes")) c.price_changes = ReadPriceChanges(r, m["price-changes"]);
  if (m.count("promotions")) c.promotions = ReadPromotions(r, m["promotions"]);
  if (m.count("meters")) c.meters = ReadMeters(r, m["meters"]);
  CheckAzurePlan(r, c, m);
  return c;
}

CustomerSpecYaml ReadCustomer(const Reader& r, const YAML::Node& n) {
  auto m = r.Map(n, "a customer", {"ref", "country", "domain", "postal-code", "mca", "qualification", "reseller"});
  CustomerSpecYaml c;
  c.where = r.Where(n);
  c.ref = r.Text(r.Require(m, n, "ref", "a customer"), "ref");
  if (m.count("country")) c.country = r.Text(m["country"], "country");
  if (m.count("domain")) c.domain = r.Text(m["domain"], "domain");
  if (m.count("postal-code")) c.postal_code = r.Text(m["postal-code"], "postal-code");
  if (m.count("mca")) {
    if (r.Text(m["mca"], "mca") == "none") c.mca_none = true;
    else c.mca = r.DateOf(m["mca"], "mca");
  }
  if (m.count("qualification")) {
    c.qualification = r.Text(m["qualification"], "qualification");
    if (c.qualification != "education" && c.qualification != "government" && c.qualification != "nonprofit")
      r.Fail(m["qualification"], "qualification must be education, government or nonprofit");
  }
  if (m.count("reseller")) c.reseller = r.Text(m["reseller"], "reseller");
  return c;
}

Scenario Read(const Reader& r, const YAML::Node& root) {
  auto m = r.Map(root, "the scenario",
                 {"scenario", "description", "tags", "start", "policy", "policy-overrides", "environment", "seed",
                  "drift", "catalog", "customers", "steps", "expect"});
  Scenario s;
  s.file = r.file();
  s.title = r.Text(r.Require(m, root, "scenario", "the scenario"), "scenario");
  if (m.count("description")) s.description = r.Text(m["description"], "description");
  if (m.count("tags")) s.tags = r.StringList(m["tags"], "tags");
  s.start = r.InstantOf(r.Require(m, root, "start", "the scenario"), "start");
  s.policy_where = {r.file(), 1};
  if (m.count("policy")) {
    const YAML::Node& policy = m["policy"];
    s.policy_where = r.Where(policy);
    if (policy.IsMap()) {
      s.policy = "inline";
      s.inline_policy = r.BodyJson(policy, true);
    } else {
      s.policy = r.Text(policy, "policy (a built-in name, a file, or a policy document)");
      if (s.policy.empty()) r.Fail(policy, "policy is empty");
    }
  }
  if (m.count("policy-overrides")) {
    if (!m["policy-overrides"].IsMap()) r.Fail(m["policy-overrides"], "policy-overrides must map parameter names to values");
    for (auto it = m["policy-overrides"].begin(); it != m["policy-overrides"].end(); ++it) {
      std::string key = r.Text(it->first, "a policy parameter");
      std::string value = it->second.IsScalar() ? it->second.Scalar() : r.BodyJson(it->second).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
      s.policy_overrides.emplace_back(key, value);
      s.policy_override_lines.push_back(r.Where(it->first));
    }
  }
  if (m.count("environment")) {
    s.environment = r.Text(m["environment"], "environment");
    if (s.environment != "production" && s.environment != "sandbox")
      r.Fail(m["environment"], "environment must be production or sandbox");
  }
  if (m.count("seed")) s.seed = static_cast<uint64_t>(r.IntOf(m["seed"], "seed", 0, INT64_MAX));
  if (m.count("drift")) {
    // `drift: true`, or a map of the settings (each optional).
    const YAML::Node& node = m["drift"];
    if (node.IsMap()) {
      auto d = r.Map(node, "drift", {"seed", "unknown-fields", "new-enum-values"});
      DriftSpec spec;
      if (d.count("seed")) spec.seed = static_cast<uint64_t>(r.IntOf(d["seed"], "drift seed", 0, INT64_MAX));
      if (d.count("unknown-fields")) spec.unknown_fields = r.BoolOf(d["unknown-fields"], "drift unknown-fields");
      if (d.count("new-enum-values")) spec.new_enum_values = r.BoolOf(d["new-enum-values"], "drift new-enum-values");
      s.drift = spec;
    } else if (r.BoolOf(node, "drift (true, false or a map of seed, unknown-fields, new-enum-values)")) {
      s.drift = DriftSpec{};
    }
  }
  Refs refs;
  if (m.count("catalog")) {
    if (!m["catalog"].IsSequence()) r.Fail(m["catalog"], "catalog must be a list of items");
    for (const auto& c : m["catalog"]) s.catalog.push_back(ReadCatalogItem(r, c));
  }
  if (m.count("customers")) {
    if (!m["customers"].IsSequence()) r.Fail(m["customers"], "customers must be a list");
    for (const auto& c : m["customers"]) {
      s.customers.push_back(ReadCustomer(r, c));
      if (!refs.customers.insert(s.customers.back().ref).second) r.Fail(c, "customer ref \"" + Q(s.customers.back().ref) + "\" is defined twice");
    }
  }
  const YAML::Node& steps = r.Require(m, root, "steps", "the scenario");
  if (!steps.IsSequence()) r.Fail(steps, "steps must be a list");
  std::optional<Instant> last_at = s.start;
  for (const auto& step : steps) s.steps.push_back(ReadStep(r, step, refs, last_at));
  if (m.count("expect")) {
    s.expect = ReadExpect(r, m["expect"], refs);
    if (s.expect->at && last_at && *s.expect->at < *last_at) r.Fail(m["expect"]["at"], "expect at is earlier than the last step");
  }
  return s;
}

}  // namespace

ParseOutcome ParseScenarioText(const std::string& text, const std::string& file) {
  if (text.size() > kMaxScenarioBytes)
    return ScenarioError{{file, 1}, "the document is larger than " + SizeText(kMaxScenarioBytes)};
  // Cheap bounds first: the text scanned without yaml-cpp, then yaml-cpp's
  // events counted without building nodes; only then the load and the walk.
  if (auto e = FindControlCharacter(text)) return ScenarioError{{file, e->line}, e->reason};
  if (auto e = ScanYamlNesting(text, kMaxScenarioDepth)) return ScenarioError{{file, e->line}, e->reason};
  if (auto e = CheckYamlShape(text, {kMaxScenarioNodes, kMaxScenarioDepth}))
    return ScenarioError{{file, e->line}, e->reason};
  Reader reader(file);
  try {
    YAML::Node root = YAML::Load(text);
    if (!root.IsDefined() || root.IsNull()) return ScenarioError{{file, 1}, "the file is empty"};
    return Read(reader, root);
  } catch (const ReadFailure& f) {
    return f.error;
  } catch (const YAML::Exception& e) {
    return ScenarioError{{file, e.mark.line + 1}, "not valid YAML: " + Q(e.msg)};
  }
}

ParseOutcome ParseScenarioFile(const std::string& path) {
  auto text = ReadDataFile(path, kMaxScenarioBytes);
  if (!text.ok()) {
    const std::string& reason = text.status().description();
    // A size refusal points at the file's start; a file that cannot be opened
    // has no line (line 0: "PATH: cannot read the file: No such file or directory").
    return ScenarioError{{path, reason.rfind("the file is larger", 0) == 0 ? 1 : 0}, reason};
  }
  return ParseScenarioText(*text, path);
}

}  // namespace pcsim::replay
