#include "simulator/replay/runner.h"

#include <algorithm>
#include <exception>
#include <functional>
#include <set>
#include <sstream>

#include "simulator/api/resources.h"
#include "simulator/model/data_file.h"
#include "simulator/model/errors.h"
#include "simulator/replay/scenario_parser.h"

namespace pcsim::replay {
namespace {

using nlohmann::json;

struct Invalid {
  SourceLocation where;
  std::string reason;
};

struct StepFailure {
  std::string message;
};

// A valid address per country for scenario customers (postal code
// overridable with `postal-code`).
struct SampleAddress {
  const char* country;
  const char* city;
  const char* state;
  const char* postal_code;
  const char* phone;
};
constexpr SampleAddress kAddresses[] = {
    {"US", "Redmond", "WA", "98052", ""},        {"CA", "Toronto", "ON", "M5V 2T6", ""},
    {"MX", "Ciudad de Mexico", "CMX", "06000", ""}, {"GB", "London", "", "SW1A 1AA", ""},
    {"DE", "Berlin", "", "10115", ""},           {"FR", "Paris", "", "75001", ""},
    {"NL", "Amsterdam", "", "1012 AB", ""},      {"IE", "Dublin", "", "D02 X285", ""},
    {"ES", "Madrid", "", "28001", ""},           {"IT", "Roma", "", "00184", ""},
    {"AT", "Wien", "", "1010", ""},              {"BE", "Bruxelles", "", "1000", ""},
    {"AU", "Sydney", "NSW", "2000", ""},         {"JP", "Tokyo", "", "100-0001", ""},
    {"IN", "Mumbai", "", "400001", "+91 22 1234 5678"}, {"BR", "Sao Paulo", "", "01310-100", ""},
};

class Run {
 public:
  Run(const Scenario& s, const RunOptions& o, ScenarioResult& r) : scenario_(s), options_(o), result_(r) {}

  void Execute() {
    BuildSandbox();
    CreateCustomers();
    for (size_t i = 0; i < scenario_.steps.size(); ++i) {
      step_index_ = i;
      RunStep(scenario_.steps[i]);
    }
    if (scenario_.expect && !options_.skip_expectations) CheckExpectations(*scenario_.expect);
  }

  std::vector<std::string> failures;

 private:
  // --- setup ------------------------------------------------------------------
  SourceLocation PolicyWhere() const {
    return scenario_.policy_where.file.empty() ? SourceLocation{scenario_.file, 1} : scenario_.policy_where;
  }

  StatusOr<Policy> LoadPolicy() {
    if (scenario_.inline_policy) return Policy::FromJsonValue(*scenario_.inline_policy, "inline policy");
    if (Policy::Builtin(scenario_.policy) == nullptr && !options_.policy_files)
      throw Invalid{PolicyWhere(),
                    "policy \"" + Excerpt(scenario_.policy) +
                        "\": files are not opened over HTTP; a scenario run there may name a built-in policy (" +
                        Policy::BuiltinNamesText() +
                        ") or write the policy inline (policy files are read by pcsim replay and est-report)"};
    return Policy::Load(scenario_.policy);
  }

  void BuildSandbox() {
    auto policy = LoadPolicy();
    if (!policy.ok()) throw Invalid{PolicyWhere(), policy.status().description()};
    for (size_t i = 0; i < scenario_.policy_overrides.size(); ++i) {
      Status s = policy->Override(scenario_.policy_overrides[i].first, scenario_.policy_overrides[i].second);
      if (!s.ok()) throw Invalid{scenario_.policy_override_lines[i], s.description()};
    }
    for (const auto& [key, value] : options_.policy_overrides) {
      Status s = policy->Override(key, value);
      if (!s.ok()) throw Invalid{{"--policy-override", 0}, s.description()};
    }
    api::RouterOptions options;
    options.sandbox.start = scenario_.start;
    options.sandbox.policy = std::move(*policy);
    options.sandbox.environment = *ParseEnvironment(scenario_.environment);
    options.sandbox.seed = scenario_.seed;
    options.advance = options_.advance_limits;
    if (!scenario_.catalog.empty()) options.sandbox.catalog = BuildCatalog();
    result_.router = std::make_unique<api::Router>(options);
  }

  std::shared_ptr<const Catalog> BuildCatalog() {
    CatalogData data = Catalog::Default()->data();
    for (const CatalogItemSpec& item : scenario_.catalog) {
      if (!item.meters.empty() && (!item.prices.empty() || !item.price_changes.empty() || item.est_price))
        throw Invalid{item.where, "catalog item " + item.item + " has both meters (an Azure rate card) and prices"};
      std::string product_id = item.item.substr(0, item.item.find(':'));
      std::string sku_id = item.item.substr(product_id.size() + 1, item.item.rfind(':') - product_id.size() - 1);
      std::string availability_id = item.item.substr(item.item.rfind(':') + 1);
      auto product = std::find_if(data.products.begin(), data.products.end(), [&](const Product& p) { return p.id == product_id; });
      if (product == data.products.end()) {
        Product p;
        p.id = product_id;
        p.title = item.name.empty() ? product_id : item.name;
        data.products.push_back(p);
        product = data.products.end() - 1;
      }
      auto sku = std::find_if(product->skus.begin(), product->skus.end(), [&](const Sku& s) { return s.id == sku_id; });
      if (sku == product->skus.end()) {
        Sku s;
        s.id = sku_id;
        s.title = item.name.empty() ? product->title : item.name;
        product->skus.push_back(s);
        sku = product->skus.end() - 1;
      }
      if (!item.name.empty()) sku->title = item.name;
      if (!item.meters.empty()) {
        // An Azure plan: usage-based, one per customer, listed under targetView MicrosoftAzure.
        sku->billing_type = "usage";
        sku->minimum_quantity = sku->maximum_quantity = 1;
        if (!sku->max_subscriptions_per_customer) sku->max_subscriptions_per_customer = 1;
        sku->est_eligible = false;
        if (product->skus.size() == 1) {
          product->product_type = "Azure";
          product->target_view = "MicrosoftAzure";
        }
      } else if (sku->IsUsageBased()) {
        throw Invalid{item.where, "catalog item " + item.item + " is an Azure plan: give meters, not prices"};
      }
      if (item.min_quantity) sku->minimum_quantity = *item.min_quantity;
      if (item.max_quantity) sku->maximum_quantity = *item.max_quantity;
      if (item.max_subscriptions_per_customer) sku->max_subscriptions_per_customer = item.max_subscriptions_per_customer;
      sku->is_trial = item.trial;
      sku->est_eligible = item.est_eligible && !item.trial;
      for (const std::string& target : item.upgrades_to) {
        std::string ps = target.substr(0, target.rfind(':'));
        if (std::count(target.begin(), target.end(), ':') == 1) ps = target;
        if (std::find(sku->upgrade_targets.begin(), sku->upgrade_targets.end(), ps) == sku->upgrade_targets.end())
          sku->upgrade_targets.push_back(ps);
      }
      auto availability = std::find_if(sku->availabilities.begin(), sku->availabilities.end(),
                                       [&](const Availability& a) { return a.id == availability_id; });
      if (availability == sku->availabilities.end()) {
        Availability a;
        a.id = availability_id;
        sku->availabilities.push_back(a);
        availability = sku->availabilities.end() - 1;
      }
      availability->segment = *ParseSegment(item.segment);
      // The item's market replaces whatever served its countries before. An
      // item without `country` serves US and every customer of the scenario
      // (so that `currency: EUR` with a DE customer prices that customer).
      std::vector<std::string> countries = {item.country};
      if (!item.country_given)
        for (const auto& c : scenario_.customers)
          if (std::find(countries.begin(), countries.end(), c.country) == countries.end()) countries.push_back(c.country);
      for (Market& m : availability->markets)
        for (const auto& country : countries)
          m.countries.erase(std::remove(m.countries.begin(), m.countries.end(), country), m.countries.end());
      availability->markets.erase(std::remove_if(availability->markets.begin(), availability->markets.end(),
                                                 [](const Market& m) { return m.countries.empty(); }),
                                  availability->markets.end());
      Market market;
      market.countries = countries;
      market.currency = item.currency;
      auto add_prices = [&](Date from, const std::map<std::string, Decimal>& prices) {
        for (const auto& [pair, price] : prices) {
          PriceEntry e;
          e.from = from;
          e.term = *ParseTerm(pair.substr(0, pair.find('/')));
          e.billing = *ParseBilling(pair.substr(pair.find('/') + 1));
          e.price = price;
          market.prices.push_back(e);
        }
      };
      add_prices(Date::Ymd(1970, 1, 1), item.prices);
      for (const auto& change : item.price_changes) add_prices(change.from, change.prices);
      if (item.est_price) market.est_prices.push_back({Date::Ymd(1970, 1, 1), *item.est_price});
      for (const auto& m : item.meters) {
        Meter meter;
        meter.id = m.id;
        meter.name = m.name.empty() ? m.id : m.name;
        meter.unit = m.unit.empty() ? "1 Unit" : m.unit;
        meter.price = m.price;
        meter.pec_eligible = m.pec_eligible;
        if (std::any_of(market.meters.begin(), market.meters.end(), [&](const Meter& x) { return x.id == m.id; }))
          throw Invalid{item.where, "meter " + m.id + " is listed twice"};
        market.meters.push_back(std::move(meter));
      }
      if (market.prices.empty() && market.meters.empty())
        throw Invalid{item.where, "catalog item " + item.item + " needs prices"};
      availability->markets.push_back(std::move(market));
      for (const auto& p : item.promotions) {
        data.promotions.erase(std::remove_if(data.promotions.begin(), data.promotions.end(),
                                             [&](const Promotion& existing) { return existing.id == p.id; }),
                              data.promotions.end());
        Promotion promo;
        promo.id = p.id;
        promo.catalog_item_id = item.item;
        promo.countries = countries;
        promo.discount_percent = p.discount_percent;
        for (const auto& t : p.terms) promo.terms.push_back(*ParseTerm(t));
        promo.from = p.from;
        promo.until = p.until;
        data.promotions.push_back(std::move(promo));
      }
    }
    auto built = Catalog::Build(std::move(data));
    if (!built.ok()) throw Invalid{scenario_.catalog.front().where, built.status().description()};
    return *built;
  }

  void CreateCustomers() {
    int n = 0;
    for (const CustomerSpecYaml& c : scenario_.customers) {
      ++n;
      const SampleAddress* sample = nullptr;
      for (const auto& a : kAddresses)
        if (c.country == a.country) sample = &a;
      if (sample == nullptr && c.postal_code.empty())
        throw Invalid{c.where, "no built-in address for country " + c.country + "; give postal-code"};
      json address = {{"FirstName", "Ada"}, {"LastName", "Lovelace"}, {"AddressLine1", "1 Main Street"},
                      {"City", sample != nullptr ? sample->city : "City"},
                      {"State", sample != nullptr ? sample->state : ""},
                      {"PostalCode", c.postal_code.empty() ? sample->postal_code : c.postal_code},
                      {"Country", c.country}};
      if (sample != nullptr && *sample->phone) address["PhoneNumber"] = sample->phone;
      std::string domain = c.domain.empty() ? c.ref + std::to_string(n) + ".onmicrosoft.com" : c.domain;
      json body = {{"CompanyProfile", {{"Domain", domain}}},
                   {"BillingProfile",
                    {{"Culture", "en-US"}, {"Language", "en"}, {"Email", "admin@" + domain},
                     {"CompanyName", c.ref}, {"DefaultAddress", address}}}};
      if (!c.reseller.empty()) body["associatedPartnerId"] = c.reseller;
      api::Response r = Send("POST", "/v1/customers", body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
      if (r.status != 201) throw Invalid{c.where, "customer " + c.ref + " could not be created: " + r.body};
      std::string id = json::parse(r.body)["id"];
      result_.customer_refs[c.ref] = id;
      if (!c.mca_none) {
        Instant date = c.mca ? Instant::StartOf(*c.mca) : scenario_.start;
        if (date > scenario_.start) throw Invalid{c.where, "the mca date of " + c.ref + " is after the scenario's start"};
        api::Response a = Attest(id, date);
        if (a.status != 201) throw Invalid{c.where, "the MCA of " + c.ref + " could not be attested: " + a.body};
      }
      if (!c.qualification.empty()) {
        std::string name = c.qualification == "education"    ? "Education"
                           : c.qualification == "government" ? "GovernmentCommunityCloud"
                                                             : "Nonprofit";
        // Setup, not a step: the customer starts out qualified.
        api::Response q = Send("POST", "/_sim/qualifications",
                               nlohmann::json{{"customer", id}, {"qualification", name}}.dump());
        if (q.status != 201) throw Invalid{c.where, "the qualification of " + c.ref + " could not be set: " + q.body};
      }
    }
  }

  // --- transport --------------------------------------------------------------
  const Sandbox& sandbox() const { return result_.router->sandbox(); }

  api::Response Send(const std::string& method, const std::string& target, const std::string& body = "",
                     api::HeaderList headers = {}) {
    bool has_auth = std::any_of(headers.begin(), headers.end(),
                                [](const auto& h) { return api::EqualsIgnoreCase(h.first, "Authorization"); });
    if (!has_auth) headers.emplace_back("Authorization", "Bearer scenario-partner");
    if (!body.empty()) headers.emplace_back("Content-Type", "application/json");
    api::Response r = result_.router->Handle(api::MakeRequest(method, target, body, std::move(headers)));
    // The events of the whole run are bounded as one request's are (a
    // scenario posted over HTTP holds the serving router's lock while it runs).
    if (options_.advance_limits.max_events != 0 && r.status == 200 && api::EqualsIgnoreCase(target, "/_sim/clock/advance")) {
      events_ += json::parse(r.body, nullptr, false).value("events", uint64_t{0});
      if (events_ > options_.advance_limits.max_events)
        throw Invalid{step_index_ < scenario_.steps.size() ? scenario_.steps[step_index_].where : SourceLocation{scenario_.file, 1},
                      "the scenario runs more than " + std::to_string(options_.advance_limits.max_events) +
                          " events in all, the limit of one request of this server; run it with pcsim replay"};
    }
    return r;
  }

  api::Response Attest(const std::string& customer_id, Instant date) {
    ++attestations_;
    json agreement = {{"primaryContact", {{"firstName", "Ada"}, {"lastName", "Lovelace"},
                                          {"email", "ada" + std::to_string(attestations_) + "@example.com"}}},
                      {"templateId", std::string(kMcaTemplateId)},
                      {"dateAgreed", date.ToString()},
                      {"type", "MicrosoftCustomerAgreement"}};
    return Send("POST", "/v1/customers/" + customer_id + "/agreements", agreement.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
  }

  // --- steps --------------------------------------------------------------------
  std::string StepName(const Step& step) const {
    return "step " + std::to_string(step_index_ + 1) + " (" + step.action + ", " + step.where.ToString() + ")";
  }

  [[noreturn]] void FailStep(const Step& step, const std::string& what) {
    throw StepFailure{StepName(step) + ": " + what};
  }

  std::string Field(const Step& step, const char* key) const {
    auto it = step.fields.find(key);
    return it == step.fields.end() || !it->is_string() ? std::string() : it->get<std::string>();
  }
  bool Has(const Step& step, const char* key) const { return step.fields.contains(key); }

  std::string CustomerId(const std::string& ref) { return result_.customer_refs.at(ref); }
  std::string SubscriptionId(const std::string& ref) { return result_.subscription_refs.at(ref); }
  std::string SubscriptionPath(const std::string& ref) {
    std::string id = SubscriptionId(ref);
    const Subscription* s = sandbox().FindSubscription(id);
    return "/v1/customers/" + sandbox().CustomerAt(s->customer).id + "/subscriptions/" + id;
  }

  // A helper request that must succeed for the step to be meaningful.
  json MustGet(const Step& step, const std::string& target) {
    api::Response r = Send("GET", target);
    if (r.status != 200) FailStep(step, "GET " + target + " answered " + std::to_string(r.status) + ": " + r.body);
    return json::parse(r.body);
  }

  // PATCH of the full resource with `change` applied, as integrations should.
  api::Response PatchSubscription(const Step& step, const std::string& ref, const std::function<void(json&)>& change) {
    std::string path = SubscriptionPath(ref);
    json sub = MustGet(step, path);
    change(sub);
    return Send("PATCH", path, sub.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
  }

  std::string Substitute(std::string text) {
    for (const auto* refs : {&result_.customer_refs, &result_.subscription_refs})
      for (const auto& [ref, id] : *refs) {
        std::string token = "{" + ref + "}";
        for (size_t pos; (pos = text.find(token)) != std::string::npos;) text.replace(pos, token.size(), id);
      }
    return text;
  }

  json SubstituteJson(const json& j) {
    if (j.is_string()) return Substitute(j.get<std::string>());
    if (j.is_array()) {
      json a = json::array();
      for (const auto& e : j) a.push_back(SubstituteJson(e));
      return a;
    }
    if (j.is_object()) {
      json o = json::object();
      for (auto it = j.begin(); it != j.end(); ++it) o[it.key()] = SubstituteJson(*it);
      return o;
    }
    return j;
  }

  void RunStep(const Step& step) {
    if (step.at) {
      api::Response r = Send("POST", "/_sim/clock/advance", json{{"to", step.at->ToString()}}.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
      if (r.status != 200) FailStep(step, "advancing to " + step.at->ToString() + " failed: " + r.body);
    }
    std::optional<std::string> new_ref;
    api::Response r = Perform(step, &new_ref);
    CheckOutcome(step, r);
    if (new_ref && r.status < 300) RecordRef(step, *new_ref, r);
  }

  api::Response Perform(const Step& step, std::optional<std::string>* new_ref) {
    const std::string& a = step.action;
    if (a == "purchase") return Purchase(step, new_ref);
    if (a == "set-quantity")
      return PatchSubscription(step, Field(step, "subscription"),
                               [&](json& s) { s["quantity"] = std::stoi(Field(step, "quantity")); });
    if (a == "cancel") return PatchSubscription(step, Field(step, "subscription"), [](json& s) { s["status"] = "deleted"; });
    if (a == "suspend") return PatchSubscription(step, Field(step, "subscription"), [](json& s) { s["status"] = "suspended"; });
    if (a == "reactivate") return PatchSubscription(step, Field(step, "subscription"), [](json& s) { s["status"] = "active"; });
    if (a == "set-auto-renew")
      return PatchSubscription(step, Field(step, "subscription"),
                               [&](json& s) { s["autoRenewEnabled"] = Field(step, "enabled") == "true"; });
    if (a == "change-billing")
      return PatchSubscription(step, Field(step, "subscription"),
                               [&](json& s) { s["billingCycle"] = Field(step, "billing"); });
    if (a == "schedule-next-term") return ScheduleNextTerm(step);
    if (a == "schedule-action") return ScheduleAction(step);
    if (a == "upgrade") {
      std::string path = SubscriptionPath(Field(step, "subscription"));
      json sub = MustGet(step, path);
      json body = {{"fromCatalogItemId", sub["offerId"]}, {"fromSubscriptionId", sub["id"]},
                   {"toCatalogItemId", Field(step, "to")},
                   {"quantity", Has(step, "quantity") ? std::stoi(Field(step, "quantity")) : sub["quantity"].get<int>()},
                   {"transitionType", "transition_only"}};
      if (Has(step, "into")) body["toSubscriptionId"] = SubscriptionId(Field(step, "into"));
      if (Has(step, "ref")) *new_ref = Field(step, "ref");
      return Send("POST", path + "/transitions", body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
    }
    if (a == "convert-trial") {
      std::string path = SubscriptionPath(Field(step, "subscription"));
      json body = json::object();
      if (Has(step, "to")) body["targetOfferId"] = Field(step, "to");
      if (Has(step, "quantity")) body["quantity"] = std::stoi(Field(step, "quantity"));
      if (Has(step, "term")) body["termDuration"] = Field(step, "term");
      if (Has(step, "billing")) body["billingCycle"] = Field(step, "billing");
      return Send("POST", path + "/conversions", body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
    }
    if (a == "attest-mca") {
      Instant date = Has(step, "date") ? *Instant::Parse(Field(step, "date")) : sandbox().Now();
      return Attest(CustomerId(Field(step, "customer")), date);
    }
    if (a == "request") {
      api::HeaderList headers;
      if (Has(step, "headers"))
        for (auto it = step.fields["headers"].begin(); it != step.fields["headers"].end(); ++it)
          headers.emplace_back(it.key(), it->is_string() ? Substitute(it->get<std::string>()) : it->dump());
      std::string body = Has(step, "body") ? SubstituteJson(step.fields["body"]).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) : std::string();
      return Send(Field(step, "method"), Substitute(Field(step, "path")), body, headers);
    }
    if (a == "advance") {
      json body = Has(step, "to") ? json{{"to", Field(step, "to")}} : json{{"by", Field(step, "by")}};
      return Send("POST", "/_sim/clock/advance", body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
    }
    if (a == "add-azure-subscription") {
      json body = {{"plan", SubscriptionId(Field(step, "plan"))}};
      if (Has(step, "name")) body["friendlyName"] = Field(step, "name");
      *new_ref = Field(step, "ref");
      return Send("POST", "/_sim/azure-subscriptions", body.dump());
    }
    if (a == "azure-usage") {
      json body = {{"entitlement", AzureId(step, Field(step, "azure"))}, {"meterId", Field(step, "meter")},
                   {"quantity", Field(step, "quantity")}};
      if (Has(step, "date")) body["date"] = Field(step, "date");
      return Send("POST", "/_sim/usage", body.dump());
    }
    if (a == "set-azure-role") {
      json body = {{"entitlement", AzureId(step, Field(step, "azure"))}, {"role", Field(step, "role")}};
      if (Has(step, "via")) body["via"] = Field(step, "via");
      return Send("POST", "/_sim/azure-roles", body.dump());
    }
    throw Invalid{step.where, "the " + a + " step is not supported by this build yet"};
  }

  // An Azure subscription by ref: one added by add-azure-subscription, or an
  // Azure plan's ref for the plan's first Azure subscription.
  std::string AzureId(const Step& step, const std::string& ref) {
    if (auto it = result_.azure_refs.find(ref); it != result_.azure_refs.end()) return it->second;
    auto sub = result_.subscription_refs.find(ref);
    if (sub == result_.subscription_refs.end()) FailStep(step, "no Azure subscription is named " + ref);
    const Subscription* plan = sandbox().FindSubscription(sub->second);
    const auto& of_plan = sandbox().azure().entitlements_of_plan;
    auto it = plan == nullptr ? of_plan.end() : of_plan.find(plan->index);
    if (it == of_plan.end() || it->second.empty()) FailStep(step, ref + " is not an Azure plan");
    return sandbox().azure().entitlements[it->second.front()].id;
  }

  api::Response Purchase(const Step& step, std::optional<std::string>* new_ref) {
    std::string customer = CustomerId(Field(step, "customer"));
    json line = {{"id", 0}, {"catalogItemId", Field(step, "item")}, {"quantity", std::stoi(Field(step, "quantity"))},
                 {"billingCycle", Field(step, "billing")}};
    if (Has(step, "term")) line["termDuration"] = Field(step, "term");
    if (Has(step, "promotion")) line["promotionId"] = Field(step, "promotion");
    if (Has(step, "reseller")) line["participants"] = json::array({{{"key", "transaction_reseller"}, {"value", Field(step, "reseller")}}});
    if (Has(step, "custom-term-end")) line["customTermEndDate"] = Field(step, "custom-term-end") + "T00:00:00Z";
    if (Has(step, "name")) line["friendlyName"] = Field(step, "name");
    api::Response cart = Send("POST", "/v1/customers/" + customer + "/carts", json{{"lineItems", json::array({line})}}.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
    if (cart.status != 201) return cart;
    std::string cart_id = json::parse(cart.body)["id"];
    *new_ref = Field(step, "ref");
    return Send("POST", "/v1/customers/" + customer + "/carts/" + cart_id + "/checkout");
  }

  api::Response ScheduleNextTerm(const Step& step) {
    return PatchSubscription(step, Field(step, "subscription"), [&](json& s) {
      json current = s.contains("scheduledNextTermInstructions") ? s["scheduledNextTermInstructions"] : json::object();
      std::string offer = s["offerId"];
      json product = current.contains("product") ? current["product"] : json::object();
      std::string item = Has(step, "item") ? Field(step, "item") : offer;
      if (std::count(item.begin(), item.end(), ':') == 2) {
        product["productId"] = item.substr(0, item.find(':'));
        product["skuId"] = item.substr(item.find(':') + 1, item.rfind(':') - item.find(':') - 1);
        product["availabilityId"] = item.substr(item.rfind(':') + 1);
      }
      product["termDuration"] = Has(step, "term") ? Field(step, "term") : product.value("termDuration", s["termDuration"].get<std::string>());
      product["billingCycle"] = Has(step, "billing") ? Field(step, "billing") : product.value("billingCycle", s["billingCycle"].get<std::string>());
      current["product"] = product;
      current["quantity"] = Has(step, "quantity") ? std::stoi(Field(step, "quantity")) : current.value("quantity", s["quantity"].get<int>());
      s["scheduledNextTermInstructions"] = current;
    });
  }

  api::Response ScheduleAction(const Step& step) {
    return PatchSubscription(step, Field(step, "subscription"), [&](json& s) {
      std::string action = Field(step, "action");
      s["scheduledActions"] = json::array({{{"scheduleType", "TermEnd"}, {"actionType", action}}});
    });
  }

  void RecordRef(const Step& step, const std::string& ref, const api::Response& r) {
    json body = json::parse(r.body, nullptr, false);
    std::string id;
    if (step.action == "purchase") {
      std::string order_id = body["orders"][0]["id"];
      std::string customer = CustomerId(Field(step, "customer"));
      json subs = MustGet(step, "/v1/customers/" + customer + "/subscriptions?order_id=" + order_id);
      if (subs["items"].empty()) FailStep(step, "the order " + order_id + " has no subscription");
      id = subs["items"][0]["id"];
    } else if (step.action == "upgrade") {
      id = body.value("toSubscriptionId", "");
    } else if (step.action == "add-azure-subscription") {
      id = body.value("id", "");
      if (id.empty()) FailStep(step, "no Azure subscription id to name " + ref);
      result_.azure_refs[ref] = id;
      return;
    }
    if (id.empty()) FailStep(step, "no subscription id to name " + ref);
    result_.subscription_refs[ref] = id;
  }

  void CheckOutcome(const Step& step, const api::Response& r) {
    json body = json::parse(r.body, nullptr, false);
    if (step.expect_error) {
      const auto& e = *step.expect_error;
      bool status_ok = e.status ? r.status == *e.status : (r.status >= 400 && r.status < 500);
      std::string code = body.is_object() && body.contains("code")
                             ? (body["code"].is_string() ? body["code"].get<std::string>() : body["code"].dump(-1, ' ', false, nlohmann::json::error_handler_t::replace))
                             : "";
      if (!status_ok || (e.code && code != *e.code))
        FailStep(step, "expected error " + (e.status ? std::to_string(*e.status) : std::string("4xx")) +
                           (e.code ? " code " + *e.code : std::string()) + ", got " + std::to_string(r.status) +
                           (code.empty() ? "" : " code " + code) + ": " + r.body.substr(0, 300));
      return;
    }
    if (step.expect_response) {
      const auto& e = *step.expect_response;
      if (e.status && r.status != *e.status)
        FailStep(step, "expected status " + std::to_string(*e.status) + ", got " + std::to_string(r.status) + ": " + r.body.substr(0, 300));
      if (e.body) {
        std::string why;
        if (body.is_discarded() || !Subset(*e.body, body, "body", &why)) FailStep(step, "response body differs: " + why);
      }
      return;
    }
    if (r.status >= 300) FailStep(step, "failed with " + std::to_string(r.status) + ": " + r.body.substr(0, 400));
  }

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

  static bool Mismatch(const std::string& path, const std::string& wanted, const json& actual, std::string* why) {
    *why = path + ": expected " + wanted + ", got " + actual.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
    return false;
  }

  // A scalar as written against an actual JSON value: numbers to the written
  // precision, dates by day, everything else exactly.
  static bool ScalarMatches(const json& expected, const json& actual) {
    std::string want = ExpectedText(expected);
    if (IsExpectedNull(expected)) return actual.is_null();
    if (IsExpectedBool(expected)) return actual.is_boolean() && (actual.get<bool>() ? "true" : "false") == want;
    std::string have = actual.is_string() ? actual.get<std::string>() : actual.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
    if (IsExpectedNumber(expected)) {
      auto w = Decimal::Parse(want);
      auto h = Decimal::Parse(have);
      if (!w || !h) return false;
      return h->RoundHalfUp(w->scale()) == *w;
    }
    if (want == have) return true;
    // Dates match by day.
    if (want.size() == 10 && Date::Parse(want) && have.size() >= 10 && have.substr(0, 10) == want &&
        Instant::Parse(have))
      return true;
    return false;
  }

  // The fields of one actual charge line, under the scenario format's names.
  // A wire value with money as its exact decimal text.
  static json Plain(const api::Json& v) {
    if (auto text = api::NumberText(v)) return *text;
    return json::parse(api::Dump(v));
  }

  json ActualLine(const ChargeLine& line) {
    api::Json wire = api::LineItemJson(sandbox(), line);
    json f;
    f["subscription"] = RefOrId(result_, wire["subscriptionId"].get<std::string>());
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
  json ActualUsageLine(const UsageLine& line) {
    api::Json wire = api::UsageLineJson(sandbox(), line);
    json f;
    std::string id = wire["entitlementId"].get<std::string>();
    f["azure"] = id;
    for (const auto& [ref, azure_id] : result_.azure_refs)
      if (azure_id == id) f["azure"] = ref;
    if (f["azure"] == id)  // the first Azure subscription of a plan goes by the plan's ref
      for (const auto& [ref, sub_id] : result_.subscription_refs)
        if (sub_id == line.plan->id) {
          const auto& of_plan = sandbox().azure().entitlements_of_plan.at(line.plan->index);
          if (!of_plan.empty() && of_plan.front() == line.entitlement->index) f["azure"] = ref;
        }
    for (const char* key : {"usageDate", "meterId", "quantity", "unitPrice", "effectiveUnitPrice",
                            "rateOfPartnerEarnedCredit", "hasPartnerEarnedCredit", "billingPreTaxTotal",
                            "pricingPreTaxTotal"})
      f[key] = Plain(wire[key]);
    return f;
  }

  static bool LineMatches(const ExpectedLine& e, const json& actual, std::vector<std::string>* differing) {
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
          differing->push_back(field.name + ": expected " + (field.value.is_array() ? field.value.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) : ExpectedText(field.value)) +
                               ", actual " + (a.is_string() ? a.get<std::string>() : a.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace)));
      }
    }
    return ok;
  }

  static std::string Describe(const json& actual) {
    static const std::vector<const char*> kLineKeys = {"subscription", "chargeType", "chargeStartDate", "chargeEndDate",
                                                       "unitPrice", "effectiveUnitPrice", "quantity", "totalForCustomer"};
    static const std::vector<const char*> kUsageKeys = {"azure", "usageDate", "meterId", "quantity", "unitPrice",
                                                        "effectiveUnitPrice", "hasPartnerEarnedCredit", "billingPreTaxTotal"};
    std::string out = "{";
    for (const char* key : actual.contains("usageDate") ? kUsageKeys : kLineKeys) {
      std::string v = actual[key].is_string() ? actual[key].get<std::string>() : actual[key].dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
      if (v.size() > 10 && v[10] == 'T') v = v.substr(0, 10);
      out += std::string(out.size() > 1 ? ", " : "") + key + ": " + v;
    }
    return out + "}";
  }

  static std::string DescribeExpected(const ExpectedLine& e) {
    std::string out = "{";
    for (const auto& f : e.fields)
      out += std::string(out.size() > 1 ? ", " : "") + f.name + ": " +
             (f.value.is_array() ? f.value.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) : ExpectedText(f.value));
    return out + "}";
  }

  // Order-insensitive matching of expected to actual lines (bipartite).
  void MatchLines(const std::vector<ExpectedLine>& expected, const std::vector<json>& actual, bool complete,
                  const std::string& what) {
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
    for (size_t i = 0; i < n; ++i) {
      if (matched[i]) continue;
      // The closest actual line: the most fields in common.
      size_t best = m;
      std::vector<std::string> best_diff;
      for (size_t j = 0; j < m; ++j) {
        std::vector<std::string> diff;
        LineMatches(expected[i], actual[j], &diff);
        if (best == m || diff.size() < best_diff.size()) {
          best = j;
          best_diff = diff;
        }
      }
      std::ostringstream out;
      out << expected[i].where.ToString() << ": no " << what << " matches\n    expected " << DescribeExpected(expected[i]);
      if (best < m) {
        out << "\n    closest  " << Describe(actual[best]);
        for (const auto& d : best_diff) out << "\n      " << d;
      } else {
        out << "\n    (there are no actual " << what << "s)";
      }
      failures.push_back(out.str());
    }
    if (complete && m != n) {
      std::ostringstream out;
      out << scenario_.file << ": expected exactly " << n << " " << what << "s, found " << m;
      size_t shown = 0;
      for (size_t j = 0; j < m && shown < 10; ++j)
        if (owner[j] < 0) {
          out << "\n    unexpected " << Describe(actual[j]);
          ++shown;
        }
      failures.push_back(out.str());
    }
  }

  void CheckExpectations(const Expectations& e) {
    if (e.at) {
      api::Response r = Send("POST", "/_sim/clock/advance", json{{"to", e.at->ToString()}}.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
      if (r.status != 200) failures.push_back(scenario_.file + ": advancing to expect.at failed: " + r.body);
    }
    std::vector<json> actual;
    Instant now = sandbox().Now();
    for (const ChargeLine& line : sandbox().ledger().lines())
      if (line.order_date <= now) actual.push_back(ActualLine(line));
    if (e.has_lines) MatchLines(e.lines, actual, e.lines_complete, "line");
    if (e.has_usage_lines) {
      std::vector<json> usage;
      for (const UsageLine& line : sandbox().UsageLines(UsageLineFilter{})) usage.push_back(ActualUsageLine(line));
      MatchLines(e.usage_lines, usage, e.usage_lines_complete, "usage line");
    }
    for (const auto& [ref, expected] : e.subscriptions) {
      json sub = json::parse(Send("GET", SubscriptionPath(ref)).body);
      const Subscription* state = sandbox().FindSubscription(SubscriptionId(ref));
      sub["est"] = state != nullptr && state->in_est;
      std::string why;
      if (!Subset(expected.second, sub, ref, &why)) failures.push_back(expected.first.ToString() + ": subscription " + why);
    }
    for (const auto& [ref, written] : e.totals) {
      Decimal sum;
      for (const json& line : actual)
        if (ref == "all" || line["subscription"] == ref)
          sum += Decimal::Parse(line["totalForCustomer"].get<std::string>()).value_or(Decimal());
      auto want = *Decimal::Parse(written.second);
      if (sum.RoundHalfUp(want.scale()) != want)
        failures.push_back(written.first.ToString() + ": total of " + ref + ": expected " + written.second + ", actual " +
                           sum.ToString());
    }
    for (const auto& inv : e.invoices) {
      Decimal sum;
      bool found = false;
      for (const Invoice& i : sandbox().ledger().invoices())
        if (i.period_start.ToString().substr(0, 7) == inv.period) {
          sum += i.total;
          found = true;
        }
      auto want = *Decimal::Parse(inv.total);
      if (!found) failures.push_back(inv.where.ToString() + ": no invoice closed for period " + inv.period);
      else if (sum.RoundHalfUp(want.scale()) != want)
        failures.push_back(inv.where.ToString() + ": invoice total of " + inv.period + ": expected " + inv.total +
                           ", actual " + sum.ToString());
    }
  }

  const Scenario& scenario_;
  const RunOptions& options_;
  ScenarioResult& result_;
  size_t step_index_ = 0;
  uint64_t events_ = 0;  // fired by the advances so far
  int attestations_ = 0;
};

}  // namespace

void RegisterScenarioRoutes(api::Router& router) {
  router.AddRoute("POST", "/_sim/scenarios/run", [](api::RouteContext& ctx) {
    if (ctx.request.body.empty())
      return api::ErrorResponse(Error<Err::ControlInvalidInput>("The body must be a scenario document (YAML or JSON)."));
    ParseOutcome parsed = ParseScenarioText(ctx.request.body, "request");
    if (auto* e = std::get_if<ScenarioError>(&parsed)) return api::ErrorResponse(Error<Err::ControlInvalidInput>(e->ToString()));
    RunOptions options;
    options.advance_limits = ctx.router.options().advance;
    ScenarioResult result = RunScenario(std::get<Scenario>(parsed), options);
    api::Json body;
    body["title"] = result.title;
    body["outcome"] = result.outcome == Outcome::Passed ? "passed" : result.outcome == Outcome::Failed ? "failed" : "invalid";
    body["passed"] = result.outcome == Outcome::Passed;
    body["message"] = result.message;
    api::Json lines = api::Json::array();
    if (result.router)
      for (const ChargeLine& line : result.router->sandbox().ledger().lines()) {
        api::Json l = api::LineItemJson(result.router->sandbox(), line);
        l["subscriptionRef"] = RefOrId(result, l["subscriptionId"].get<std::string>());
        lines.push_back(std::move(l));
      }
    body["lines"] = std::move(lines);
    if (result.outcome == Outcome::Invalid) return api::ErrorResponse(Error<Err::ControlInvalidInput>(result.message));
    return api::JsonResponse(200, body);
  }, api::RouteKind::Read);  // the scenario runs in a sandbox of its own
}

std::string RefOrId(const ScenarioResult& result, const std::string& subscription_id) {
  for (const auto& [ref, id] : result.subscription_refs)
    if (id == subscription_id) return ref;
  return subscription_id;
}

ScenarioResult RunScenario(const Scenario& scenario, const RunOptions& options) {
  ScenarioResult result;
  result.file = scenario.file;
  result.title = scenario.title;
  result.tags = scenario.tags;
  Run run(scenario, options, result);
  try {
    run.Execute();
    if (!run.failures.empty()) {
      result.outcome = Outcome::Failed;
      for (const auto& f : run.failures) result.message += (result.message.empty() ? "" : "\n") + f;
    }
  } catch (const Invalid& e) {
    result.outcome = Outcome::Invalid;
    result.message = e.where.ToString() + ": " + e.reason;
  } catch (const StepFailure& f) {
    result.outcome = Outcome::Failed;
    result.message = f.message;
  } catch (const std::exception& e) {
    // A defect of the simulator, reported against the file instead of ending the run.
    result.outcome = Outcome::Invalid;
    result.message = scenario.file + ": internal error: " + e.what();
  }
  return result;
}

}  // namespace pcsim::replay
