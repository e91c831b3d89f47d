#include "simulator/replay/scenario_parser.h"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <set>

#include "simulator/clock/term_dates.h"
#include "simulator/model/data_file.h"

namespace pcsim::replay {
namespace {

constexpr std::string_view kNumberMark = "\x1F" "n:";
constexpr std::string_view kBoolMark = "\x1F" "b:";
constexpr std::string_view kNullMark = "\x1F" "0";

struct Failure {
  ScenarioError error;
};

class Reader {
 public:
  explicit Reader(std::string file) : file_(std::move(file)) {}

  SourceLocation Where(const YAML::Node& n) const { return {file_, n.Mark().line + 1}; }
  [[noreturn]] void Fail(const YAML::Node& n, std::string reason) const { throw Failure{{Where(n), std::move(reason)}}; }
  [[noreturn]] void Fail(SourceLocation where, std::string reason) const { throw Failure{{std::move(where), std::move(reason)}}; }

  // The keys of a mapping, checked against `allowed`; duplicates are errors.
  std::map<std::string, YAML::Node> Map(const YAML::Node& n, const std::string& what,
                                        std::initializer_list<std::string_view> allowed) const {
    if (!n.IsMap()) Fail(n, what + " must be a mapping");
    std::map<std::string, YAML::Node> out;
    for (auto it = n.begin(); it != n.end(); ++it) {
      if (!it->first.IsScalar()) Fail(it->first, what + ": keys must be plain words");
      std::string key = it->first.Scalar();
      if (std::find(allowed.begin(), allowed.end(), key) == allowed.end()) {
        std::string list;
        for (auto a : allowed) list += (list.empty() ? "" : ", ") + std::string(a);
        Fail(it->first, "unknown key \"" + key + "\" in " + what + " (allowed: " + list + ")");
      }
      if (out.count(key) != 0) Fail(it->first, "duplicate key \"" + key + "\" in " + what);
      out[key] = it->second;
    }
    return out;
  }

  const YAML::Node& Require(const std::map<std::string, YAML::Node>& m, const YAML::Node& owner, const std::string& key,
                            const std::string& what) const {
    auto it = m.find(key);
    if (it == m.end()) Fail(owner, what + ": missing required key \"" + key + "\"");
    return it->second;
  }

  std::string Text(const YAML::Node& n, const std::string& what) const {
    if (!n.IsScalar()) Fail(n, what + " must be a single value");
    return n.Scalar();
  }

  Instant InstantOf(const YAML::Node& n, const std::string& what) const {
    auto t = Instant::Parse(Text(n, what));
    if (!t) Fail(n, what + ": \"" + n.Scalar() + "\" is not a date (YYYY-MM-DD) or an RFC 3339 instant");
    // The simulated calendar spans 1970 to 9000 (terms and renewals run past the last date).
    if (t->date().year() < 1970 || t->date().year() > 9000)
      Fail(n, what + ": \"" + n.Scalar() + "\" is outside the years 1970 to 9000");
    return *t;
  }

  Date DateOf(const YAML::Node& n, const std::string& what) const { return InstantOf(n, what).date(); }

  Decimal DecimalOf(const YAML::Node& n, const std::string& what) const {
    auto d = Decimal::Parse(Text(n, what));
    if (!d) Fail(n, what + ": \"" + n.Scalar() + "\" is not an exact decimal number");
    return *d;
  }

  int64_t IntOf(const YAML::Node& n, const std::string& what, int64_t min, int64_t max) const {
    auto d = Decimal::Parse(Text(n, what));
    if (!d || d->scale() != 0) Fail(n, what + ": \"" + n.Scalar() + "\" is not an integer");
    if (d->units() < min || d->units() > max)
      Fail(n, what + ": " + n.Scalar() + " is out of range (" + std::to_string(min) + " to " + std::to_string(max) + ")");
    return d->units();
  }

  bool BoolOf(const YAML::Node& n, const std::string& what) const {
    std::string t = Text(n, what);
    if (t == "true") return true;
    if (t == "false") return false;
    Fail(n, what + ": expected true or false, got \"" + t + "\"");
  }

  std::vector<std::string> StringList(const YAML::Node& n, const std::string& what) const {
    if (!n.IsSequence()) Fail(n, what + " must be a list");
    std::vector<std::string> out;
    for (const auto& e : n) out.push_back(Text(e, what));
    return out;
  }

  // A YAML value as JSON for request bodies: plain integers and decimals
  // become numbers, true/false booleans, null/~ null; quoted scalars strings.
  nlohmann::json BodyJson(const YAML::Node& n) const {
    switch (n.Type()) {
      case YAML::NodeType::Null: return nullptr;
      case YAML::NodeType::Sequence: {
        nlohmann::json a = nlohmann::json::array();
        for (const auto& e : n) a.push_back(BodyJson(e));
        return a;
      }
      case YAML::NodeType::Map: {
        nlohmann::json o = nlohmann::json::object();
        for (auto it = n.begin(); it != n.end(); ++it) o[Text(it->first, "a key")] = BodyJson(it->second);
        return o;
      }
      case YAML::NodeType::Scalar: {
        const std::string& s = n.Scalar();
        if (n.Tag() == "!") return s;  // quoted
        if (s == "true") return true;
        if (s == "false") return false;
        if (s == "null" || s == "~") return nullptr;
        if (auto d = Decimal::Parse(s)) {
          if (d->scale() == 0) return d->units();
          nlohmann::json number = nlohmann::json::parse(s, nullptr, false);
          if (!number.is_discarded()) return number;
        }
        return s;
      }
      default: return nullptr;
    }
  }

  // A YAML value as an expectation: plain scalars keep their text, marked.
  nlohmann::json ExpectedJson(const YAML::Node& n) const {
    switch (n.Type()) {
      case YAML::NodeType::Null: return std::string(kNullMark);
      case YAML::NodeType::Sequence: {
        nlohmann::json a = nlohmann::json::array();
        for (const auto& e : n) a.push_back(ExpectedJson(e));
        return a;
      }
      case YAML::NodeType::Map: {
        nlohmann::json o = nlohmann::json::object();
        for (auto it = n.begin(); it != n.end(); ++it) o[Text(it->first, "a key")] = ExpectedJson(it->second);
        return o;
      }
      case YAML::NodeType::Scalar: {
        const std::string& s = n.Scalar();
        if (n.Tag() == "!") return s;
        if (s == "true" || s == "false") return std::string(kBoolMark) + s;
        if (s == "null" || s == "~") return std::string(kNullMark);
        if (Decimal::Parse(s)) return std::string(kNumberMark) + s;
        return s;
      }
      default: return nullptr;
    }
  }

  const std::string& file() const { return file_; }

 private:
  std::string file_;
};

// The fields each action takes: required first, then optional.
struct ActionShape {
  std::vector<std::string_view> required;
  std::vector<std::string_view> optional;
};

const std::map<std::string, ActionShape, std::less<>>& Actions() {
  static const std::map<std::string, ActionShape, std::less<>> kActions = {
      {"purchase", {{"customer", "item", "quantity", "billing", "ref"}, {"term", "promotion", "reseller", "custom-term-end", "name"}}},
      {"set-quantity", {{"subscription", "quantity"}, {}}},
      {"cancel", {{"subscription"}, {}}},
      {"suspend", {{"subscription"}, {}}},
      {"reactivate", {{"subscription"}, {}}},
      {"set-auto-renew", {{"subscription", "enabled"}, {}}},
      {"schedule-action", {{"subscription", "action"}, {}}},
      {"schedule-next-term", {{"subscription"}, {"item", "quantity", "term", "billing"}}},
      {"upgrade", {{"subscription", "to"}, {"quantity", "ref", "into"}}},
      {"change-billing", {{"subscription", "billing"}, {}}},
      {"convert-trial", {{"subscription"}, {"to", "quantity", "term", "billing"}}},
      {"attest-mca", {{"customer"}, {"date"}}},
      {"request", {{"method", "path"}, {"body", "headers"}}},
      {"advance", {{}, {"to", "by"}}},
      {"add-azure-subscription", {{"plan", "ref"}, {"name"}}},
      {"azure-usage", {{"azure", "meter", "quantity"}, {"date"}}},
      {"set-azure-role", {{"azure", "role"}, {"via"}}},
  };
  return kActions;
}

const std::set<std::string, std::less<>> kLineFields = {
    "subscription", "chargeType", "orderDate", "chargeStartDate", "chargeEndDate", "unitPrice",
    "effectiveUnitPrice", "quantity", "billableQuantity", "subtotal", "totalForCustomer", "total",
    "termAndBillingCycle", "billingFrequency", "productId", "skuId", "availabilityId", "promotionId",
    "productQualifiers", "currency", "invoiceNumber"};
const std::set<std::string, std::less<>> kUsageLineFields = {
    "azure", "usageDate", "meterId", "quantity", "unitPrice", "effectiveUnitPrice", "rateOfPartnerEarnedCredit",
    "hasPartnerEarnedCredit", "billingPreTaxTotal", "pricingPreTaxTotal"};

void CheckTerm(const Reader& r, const YAML::Node& n, const std::string& what) {
  if (!ParseTerm(r.Text(n, what))) r.Fail(n, what + ": \"" + n.Scalar() + "\" is not a term (P1M, P1Y, P3Y)");
}

void CheckBilling(const Reader& r, const YAML::Node& n, const std::string& what) {
  auto b = ParseBilling(r.Text(n, what));
  if (!b || *b == Billing::None) r.Fail(n, what + ": \"" + n.Scalar() + "\" is not a billing cycle (monthly, annual, triennial)");
}

void CheckItem(const Reader& r, const YAML::Node& n, const std::string& what) {
  std::string s = r.Text(n, what);
  if (std::count(s.begin(), s.end(), ':') != 2 && std::count(s.begin(), s.end(), ':') != 1)
    r.Fail(n, what + ": \"" + s + "\" is not productId:skuId:availabilityId");
}

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
      r.Fail(it->first, what + ": \"" + key + "\" is not a TERM/BILLING pair such as P1Y/monthly");
    Decimal price = r.DecimalOf(it->second, what + " " + key);
    if (price.IsNegative()) r.Fail(it->second, what + " " + key + ": a price can't be negative");
    out[std::string(ToString(*term)) + "/" + std::string(ToString(*billing))] = price;
  }
  return out;
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
    r.Fail(m["item"], "item: \"" + c.item + "\" is not productId:skuId:availabilityId");
  if (m.count("name")) c.name = r.Text(m["name"], "name");
  if (m.count("currency")) c.currency = r.Text(m["currency"], "currency");
  if (m.count("country")) {
    c.country = r.Text(m["country"], "country");
    c.country_given = true;
  }
  if (m.count("segment")) {
    c.segment = r.Text(m["segment"], "segment");
    static const std::set<std::string> kSegments = {"commercial", "education", "government", "nonprofit"};
    if (!kSegments.count(c.segment)) r.Fail(m["segment"], "segment: \"" + c.segment + "\" is not commercial, education, government or nonprofit");
  }
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
  if (m.count("price-changes")) {
    if (!m["price-changes"].IsSequence()) r.Fail(m["price-changes"], "price-changes must be a list");
    for (const auto& e : m["price-changes"]) {
      auto pm = r.Map(e, "a price change", {"from", "prices"});
      CatalogItemSpec::PriceChange change;
      change.from = r.DateOf(r.Require(pm, e, "from", "a price change"), "from");
      change.prices = Prices(r, r.Require(pm, e, "prices", "a price change"), "prices");
      c.price_changes.push_back(std::move(change));
    }
  }
  if (m.count("promotions")) {
    if (!m["promotions"].IsSequence()) r.Fail(m["promotions"], "promotions must be a list");
    for (const auto& e : m["promotions"]) {
      auto pm = r.Map(e, "a promotion", {"id", "discount-percent", "terms", "from", "until"});
      CatalogItemSpec::PromotionSpec p;
      p.id = r.Text(r.Require(pm, e, "id", "a promotion"), "id");
      p.discount_percent = r.DecimalOf(r.Require(pm, e, "discount-percent", "a promotion"), "discount-percent");
      if (p.discount_percent.IsNegative() || p.discount_percent > Decimal::FromInt(100))
        r.Fail(pm["discount-percent"], "discount-percent must be between 0 and 100");
      p.terms = r.StringList(r.Require(pm, e, "terms", "a promotion"), "terms");
      for (size_t i = 0; i < p.terms.size(); ++i) CheckTerm(r, pm["terms"][i], "terms");
      p.from = r.DateOf(r.Require(pm, e, "from", "a promotion"), "from");
      p.until = r.DateOf(r.Require(pm, e, "until", "a promotion"), "until");
      if (p.until < p.from) r.Fail(pm["until"], "until is before from");
      c.promotions.push_back(std::move(p));
    }
  }
  if (m.count("meters")) {
    if (!m["meters"].IsSequence()) r.Fail(m["meters"], "meters must be a list");
    for (const auto& e : m["meters"]) {
      auto mm = r.Map(e, "a meter", {"id", "name", "unit", "price", "pec-eligible"});
      CatalogItemSpec::MeterSpec meter;
      meter.id = r.Text(r.Require(mm, e, "id", "a meter"), "id");
      if (mm.count("name")) meter.name = r.Text(mm["name"], "name");
      if (mm.count("unit")) meter.unit = r.Text(mm["unit"], "unit");
      meter.price = r.DecimalOf(r.Require(mm, e, "price", "a meter"), "price");
      if (meter.price.IsNegative()) r.Fail(mm["price"], "a meter's price must not be negative");
      if (mm.count("pec-eligible")) meter.pec_eligible = r.BoolOf(mm["pec-eligible"], "pec-eligible");
      c.meters.push_back(std::move(meter));
    }
  }
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

struct Refs {
  std::set<std::string> customers;
  std::set<std::string> subscriptions;
  std::set<std::string> azure;
};

void CheckRef(const Reader& r, const YAML::Node& n, const std::set<std::string>& known, const std::string& kind) {
  std::string ref = r.Text(n, kind);
  if (!known.count(ref)) r.Fail(n, "unknown " + kind + " ref \"" + ref + "\" (define it first)");
}

Step ReadStep(const Reader& r, const YAML::Node& n, Refs& refs, std::optional<Instant>& last_at) {
  if (!n.IsMap()) r.Fail(n, "a step must be a mapping with one action");
  Step step;
  step.where = r.Where(n);
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
      auto m = r.Map(it->second.IsNull() ? YAML::Node(YAML::NodeType::Map) : it->second, "expect-error", {"status", "code"});
      Step::ExpectError e;
      if (m.count("status")) {
        e.status = static_cast<int>(r.IntOf(m["status"], "status", 100, 599));
        if (*e.status < 400) r.Fail(m["status"], "expect-error status must be 4xx or 5xx");
      }
      if (m.count("code")) e.code = r.Text(m["code"], "code");
      step.expect_error = e;
    } else if (key == "expect-response") {
      auto m = r.Map(it->second, "expect-response", {"status", "body"});
      Step::ExpectResponse e;
      if (m.count("status")) e.status = static_cast<int>(r.IntOf(m["status"], "status", 100, 599));
      if (m.count("body")) e.body = r.ExpectedJson(m["body"]);
      step.expect_response = e;
    } else if (Actions().count(key)) {
      if (!action.empty()) r.Fail(it->first, "a step has exactly one action; found \"" + action + "\" and \"" + key + "\"");
      action = key;
      body = it->second;
    } else {
      std::string list;
      for (const auto& [name, shape] : Actions()) list += (list.empty() ? "" : ", ") + name;
      r.Fail(it->first, "unknown key \"" + key + "\" in a step (actions: " + list + "; or at, expect-error, expect-response)");
    }
  }
  if (action.empty()) r.Fail(n, "a step needs one action");
  if (step.expect_error && step.expect_response) r.Fail(n, "a step can't have both expect-error and expect-response");
  if (step.expect_response && action != "request") r.Fail(n, "expect-response is only for request steps");
  step.action = action;
  const ActionShape& shape = Actions().find(action)->second;
  std::vector<std::string_view> allowed(shape.required);
  allowed.insert(allowed.end(), shape.optional.begin(), shape.optional.end());
  if (!body.IsMap()) r.Fail(body.IsDefined() ? body : n, action + " needs a mapping of its fields");
  std::map<std::string, YAML::Node> fields;
  for (auto it = body.begin(); it != body.end(); ++it) {
    std::string key = r.Text(it->first, "a field");
    if (std::find(allowed.begin(), allowed.end(), key) == allowed.end()) {
      std::string list;
      for (auto a : allowed) list += (list.empty() ? "" : ", ") + std::string(a);
      r.Fail(it->first, "unknown field \"" + key + "\" in " + action + " (allowed: " + list + ")");
    }
    if (fields.count(key)) r.Fail(it->first, "duplicate field \"" + key + "\" in " + action);
    fields[key] = it->second;
    step.field_lines[key] = r.Where(it->second);
  }
  for (auto req : shape.required)
    if (!fields.count(std::string(req))) r.Fail(body, action + ": missing required field \"" + std::string(req) + "\"");
  // Field-level checks and references.
  for (auto& [key, node] : fields) {
    std::string what = action + " " + key;
    if (key == "customer") CheckRef(r, node, refs.customers, "customer");
    else if (key == "subscription" || key == "into" || key == "plan") CheckRef(r, node, refs.subscriptions, "subscription");
    else if (key == "azure") CheckRef(r, node, refs.azure, "Azure subscription");
    else if (key == "quantity" && action != "azure-usage") r.IntOf(node, what, 0, 1000000);
    else if (key == "quantity") r.DecimalOf(node, what);
    else if (key == "term") CheckTerm(r, node, what);
    else if (key == "billing") CheckBilling(r, node, what);
    else if (key == "item" || key == "to") {
      if (action != "advance") CheckItem(r, node, what);
      else r.InstantOf(node, what);
    } else if (key == "custom-term-end" || key == "date") r.DateOf(node, what);
    else if (key == "enabled") r.BoolOf(node, what);
    else if (key == "by") {
      if (!CalendarDuration::Parse(r.Text(node, what))) r.Fail(node, what + ": \"" + node.Scalar() + "\" is not an ISO 8601 duration such as P30D");
    } else if (key == "action") {
      std::string a = r.Text(node, what);
      if (a != "Cancel" && a != "RenewToNewTerm" && a != "RenewToExtendedServiceTerm")
        r.Fail(node, what + ": \"" + a + "\" is not Cancel, RenewToNewTerm or RenewToExtendedServiceTerm");
    } else if (key == "method") {
      std::string m = r.Text(node, what);
      static const std::set<std::string> kMethods = {"GET", "POST", "PUT", "PATCH", "DELETE"};
      if (!kMethods.count(m)) r.Fail(node, what + ": \"" + m + "\" is not GET, POST, PUT, PATCH or DELETE");
    } else if (key == "role") {
      std::string role = r.Text(node, what);
      if (role != "Owner" && role != "Contributor" && role != "Reader" && role != "none")
        r.Fail(node, what + ": \"" + role + "\" is not Owner, Contributor, Reader or none");
    } else if (key == "via") {
      std::string via = r.Text(node, what);
      if (via != "AOBO" && via != "Lighthouse" && via != "GDAP") r.Fail(node, what + ": \"" + via + "\" is not AOBO, Lighthouse or GDAP");
    } else if (key == "headers") {
      if (!node.IsMap()) r.Fail(node, what + " must map header names to values");
    }
  }
  if (action == "advance" && (fields.count("to") == fields.count("by")))
    r.Fail(body, "advance needs exactly one of \"to\" or \"by\"");
  if (action == "advance" && fields.count("to")) {
    Instant to = r.InstantOf(fields["to"], "advance to");
    if (last_at && to < *last_at) r.Fail(fields["to"], "advance to " + to.ToString() + " is earlier than a previous step's time");
    last_at = to;
  }
  // The step's fields as JSON (requests keep typed bodies).
  step.fields = nlohmann::json::object();
  for (auto& [key, node] : fields) {
    if (key == "body" || key == "headers") step.fields[key] = r.BodyJson(node);
    else step.fields[key] = node.IsScalar() ? nlohmann::json(node.Scalar()) : r.BodyJson(node);
  }
  if (fields.count("ref")) {
    std::string ref = r.Text(fields["ref"], "ref");
    auto& set = action == "add-azure-subscription" ? refs.azure : refs.subscriptions;
    if (set.count(ref) || refs.azure.count(ref) || refs.customers.count(ref))
      r.Fail(fields["ref"], "ref \"" + ref + "\" is already defined");
    set.insert(ref);
    // A purchased Azure plan's ref also names the plan's first Azure subscription.
    if (action == "purchase") refs.azure.insert(ref);
  }
  return step;
}

ExpectedLine ReadExpectedLine(const Reader& r, const YAML::Node& n, const std::set<std::string, std::less<>>& allowed,
                              const Refs& refs, bool usage) {
  if (!n.IsMap()) r.Fail(n, "an expected line must be a mapping of fields");
  ExpectedLine line;
  line.where = r.Where(n);
  std::set<std::string> seen;
  for (auto it = n.begin(); it != n.end(); ++it) {
    std::string key = r.Text(it->first, "a line field");
    if (!allowed.count(key)) r.Fail(it->first, "unknown line field \"" + key + "\"");
    if (!seen.insert(key).second) r.Fail(it->first, "duplicate line field \"" + key + "\"");
    if (key == "subscription") CheckRef(r, it->second, refs.subscriptions, "subscription");
    if (key == "azure") CheckRef(r, it->second, refs.azure, "Azure subscription");
    if (key == "chargeType" && r.Text(it->second, key).empty()) r.Fail(it->second, "chargeType is empty");
    if (key.find("Date") != std::string::npos) r.DateOf(it->second, key);
    line.fields.push_back({key, r.ExpectedJson(it->second), r.Where(it->second)});
  }
  (void)usage;
  return line;
}

Expectations ReadExpect(const Reader& r, const YAML::Node& n, const Refs& refs) {
  auto m = r.Map(n, "expect",
                 {"at", "lines", "lines-complete", "subscriptions", "totals", "invoices", "usage-lines", "usage-lines-complete"});
  Expectations e;
  if (m.count("at")) e.at = r.InstantOf(m["at"], "expect at");
  if (m.count("lines")) {
    e.has_lines = true;
    if (!m["lines"].IsSequence()) r.Fail(m["lines"], "lines must be a list");
    for (const auto& l : m["lines"]) e.lines.push_back(ReadExpectedLine(r, l, kLineFields, refs, false));
  }
  if (m.count("lines-complete")) e.lines_complete = r.BoolOf(m["lines-complete"], "lines-complete");
  if (m.count("usage-lines")) {
    e.has_usage_lines = true;
    if (!m["usage-lines"].IsSequence()) r.Fail(m["usage-lines"], "usage-lines must be a list");
    for (const auto& l : m["usage-lines"]) e.usage_lines.push_back(ReadExpectedLine(r, l, kUsageLineFields, refs, true));
  }
  if (m.count("usage-lines-complete")) e.usage_lines_complete = r.BoolOf(m["usage-lines-complete"], "usage-lines-complete");
  if (m.count("subscriptions")) {
    if (!m["subscriptions"].IsMap()) r.Fail(m["subscriptions"], "subscriptions must map refs to fields");
    for (auto it = m["subscriptions"].begin(); it != m["subscriptions"].end(); ++it) {
      CheckRef(r, it->first, refs.subscriptions, "subscription");
      if (!it->second.IsMap()) r.Fail(it->second, "the expected fields of a subscription must be a mapping");
      e.subscriptions[it->first.Scalar()] = {r.Where(it->second), r.ExpectedJson(it->second)};
    }
  }
  if (m.count("totals")) {
    if (!m["totals"].IsMap()) r.Fail(m["totals"], "totals must map refs (or all) to amounts");
    for (auto it = m["totals"].begin(); it != m["totals"].end(); ++it) {
      std::string ref = r.Text(it->first, "a totals key");
      if (ref != "all") CheckRef(r, it->first, refs.subscriptions, "subscription");
      r.DecimalOf(it->second, "total of " + ref);
      e.totals[ref] = {r.Where(it->second), it->second.Scalar()};
    }
  }
  if (m.count("invoices")) {
    if (!m["invoices"].IsSequence()) r.Fail(m["invoices"], "invoices must be a list");
    for (const auto& i : m["invoices"]) {
      auto im = r.Map(i, "an expected invoice", {"period", "total"});
      Expectations::InvoiceExpectation inv;
      inv.where = r.Where(i);
      inv.period = r.Text(r.Require(im, i, "period", "an expected invoice"), "period");
      if (!Date::Parse(inv.period + "-01")) r.Fail(im["period"], "period must be YYYY-MM");
      r.DecimalOf(r.Require(im, i, "total", "an expected invoice"), "total");
      inv.total = im["total"].Scalar();
      e.invoices.push_back(inv);
    }
  }
  return e;
}

Scenario Read(const Reader& r, const YAML::Node& root) {
  auto m = r.Map(root, "the scenario",
                 {"scenario", "description", "tags", "start", "policy", "policy-overrides", "environment", "seed",
                  "catalog", "customers", "steps", "expect"});
  Scenario s;
  s.file = r.file();
  s.title = r.Text(r.Require(m, root, "scenario", "the scenario"), "scenario");
  if (m.count("description")) s.description = r.Text(m["description"], "description");
  if (m.count("tags")) s.tags = r.StringList(m["tags"], "tags");
  s.start = r.InstantOf(r.Require(m, root, "start", "the scenario"), "start");
  if (m.count("policy")) s.policy = r.Text(m["policy"], "policy");
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
  Refs refs;
  if (m.count("catalog")) {
    if (!m["catalog"].IsSequence()) r.Fail(m["catalog"], "catalog must be a list of items");
    for (const auto& c : m["catalog"]) s.catalog.push_back(ReadCatalogItem(r, c));
  }
  if (m.count("customers")) {
    if (!m["customers"].IsSequence()) r.Fail(m["customers"], "customers must be a list");
    for (const auto& c : m["customers"]) {
      s.customers.push_back(ReadCustomer(r, c));
      if (!refs.customers.insert(s.customers.back().ref).second) r.Fail(c, "customer ref \"" + s.customers.back().ref + "\" is defined twice");
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

bool IsExpectedNumber(const nlohmann::json& v) { return v.is_string() && v.get_ref<const std::string&>().rfind(kNumberMark, 0) == 0; }
bool IsExpectedBool(const nlohmann::json& v) { return v.is_string() && v.get_ref<const std::string&>().rfind(kBoolMark, 0) == 0; }
bool IsExpectedNull(const nlohmann::json& v) { return v.is_string() && v.get_ref<const std::string&>() == kNullMark; }

std::string ExpectedText(const nlohmann::json& v) {
  if (!v.is_string()) return v.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  const std::string& s = v.get_ref<const std::string&>();
  if (IsExpectedNumber(v)) return s.substr(kNumberMark.size());
  if (IsExpectedBool(v)) return s.substr(kBoolMark.size());
  if (IsExpectedNull(v)) return "null";
  return s;
}

ParseOutcome ParseScenarioText(const std::string& text, const std::string& file) {
  Reader reader(file);
  try {
    YAML::Node root = YAML::Load(text);
    if (!root.IsDefined() || root.IsNull()) return ScenarioError{{file, 1}, "the file is empty"};
    return Read(reader, root);
  } catch (const Failure& f) {
    return f.error;
  } catch (const YAML::Exception& e) {
    return ScenarioError{{file, e.mark.line + 1}, "not valid YAML: " + e.msg};
  }
}

ParseOutcome ParseScenarioFile(const std::string& path) {
  auto text = ReadDataFile(path);
  if (!text.ok()) {
    // "cannot read PATH: REASON": the location already names the file.
    std::string reason = text.status().description();
    const std::string prefix = "cannot read " + path + ": ";
    if (reason.rfind(prefix, 0) == 0) reason = reason.substr(prefix.size());
    return ScenarioError{{path, 0}, "cannot read the file (" + reason + ")"};
  }
  return ParseScenarioText(*text, path);
}

}  // namespace pcsim::replay
