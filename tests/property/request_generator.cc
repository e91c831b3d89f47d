#include "tests/property/request_generator.h"

#include "simulator/replay/runner.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <string>
#include <tuple>
#include <vector>

namespace pcsim::property {
namespace {

using json = nlohmann::json;

const std::vector<std::string> kTerms = {"P1M", "P1Y", "P3Y", "P1M", "P1Y", "P2Y", "p1y"};
const std::vector<std::string> kBillings = {"monthly", "annual", "triennial", "Monthly", "none", "one_time", "weekly"};

// Values that are wrong for almost any field.
json BadValue(Chooser& c) {
  switch (c.Below(12)) {
    case 0: return nullptr;
    case 1: return "";
    case 2: return "not-a-value";
    case 3: return -1;
    case 4: return 0;
    case 5: return 4294967296LL;
    case 6: return json::array();
    case 7: return json::object();
    case 8: return true;
    case 9: return 1.5;
    case 10: return std::string(300, 'z');
    default: return "1e400";
  }
}

std::string DateIn(const Sandbox& sandbox, int days) { return sandbox.Now().date().AddDays(days).ToString(); }

}  // namespace

api::RouterOptions RequestGenerator::NewRouterOptions() {
  api::RouterOptions options;
  static const char* kStarts[] = {"2025-03-20T08:00:00Z", "2025-11-01T00:00:00Z", "2026-01-28T10:00:00Z",
                                  "2026-02-10T12:00:00Z", "2026-04-20T09:00:00Z", "2026-06-30T23:00:00Z"};
  options.sandbox.start = *Instant::Parse(kStarts[chooser_.Below(std::size(kStarts))]);
  options.sandbox.environment = chooser_.OneIn(3) ? Environment::Sandbox : Environment::Production;
  options.sandbox.seed = 1 + chooser_.Below(1000);
  // Small limits, so that refused advances happen and are rolled back.
  options.advance.max_events = 200 + chooser_.Below(400);
  options.advance.max_years = 3;
  return options;
}

std::unique_ptr<api::Router> RequestGenerator::MakeRouter(const api::RouterOptions& options) {
  auto router = std::make_unique<api::Router>(options);
  replay::RegisterScenarioRoutes(*router);
  return router;
}

api::Request RequestGenerator::Make(std::string method, std::string target, const std::string& body) const {
  api::HeaderList headers = {{"Authorization", "Bearer property"}};
  if (!body.empty()) headers.emplace_back("Content-Type", "application/json");
  return api::MakeRequest(std::move(method), std::move(target), body, std::move(headers));
}

std::string RequestGenerator::AnyCustomer(api::Router& router) {
  const auto& customers = router.sandbox().customers();
  if (customers.empty() || chooser_.OneIn(25)) return "00000000-0000-0000-0000-000000000000";
  return customers[chooser_.Below(customers.size())]->id;
}

std::string RequestGenerator::AnySubscription(api::Router& router, bool azure_plan) {
  const Sandbox& sandbox = router.sandbox();
  std::vector<const Subscription*> subs;
  for (const auto& s : sandbox.subscriptions())
    if (Sandbox::IsAzurePlan(*s) == azure_plan) subs.push_back(s.get());
  if (subs.empty()) return "";
  const Subscription* s = subs[chooser_.Below(subs.size())];
  return sandbox.CustomerAt(s->customer).id + "|" + s->id;
}

std::string RequestGenerator::AnyItem(api::Router& router) {
  const auto& offers = router.sandbox().catalog().offers();
  if (chooser_.OneIn(20)) return "CFQ7TTC0XXXX:0001:NOPE";
  return offers[chooser_.Below(offers.size())]->catalog_item_id;
}

std::string RequestGenerator::CustomerBody() {
  ++customers_made_;
  static const char* kCountries[] = {"US", "DE", "GB", "US", "FR"};
  std::string country = kCountries[chooser_.Below(std::size(kCountries))];
  json address = {{"firstName", "Ada"}, {"lastName", "Lovelace"}, {"addressLine1", "1 Main Street"},
                  {"country", country}};
  if (country == "US") {
    address["city"] = "Redmond";
    address["state"] = "WA";
    address["postalCode"] = chooser_.OneIn(8) ? "9805" : "98052";
  } else if (country == "GB") {
    address["city"] = "London";
    address["postalCode"] = "SW1A 1AA";
  } else {
    address["city"] = country == "DE" ? "Berlin" : "Paris";
    address["postalCode"] = country == "DE" ? "10115" : "75001";
  }
  std::string domain = "c" + std::to_string(customers_made_ % (chooser_.OneIn(6) ? 2 : 1000)) + ".onmicrosoft.com";
  json body = {{"companyProfile", {{"domain", domain}}},
               {"billingProfile",
                {{"email", "a@example.com"}, {"culture", "en-US"}, {"language", "en"},
                 {"companyName", "Company " + std::to_string(customers_made_)}, {"defaultAddress", address}}}};
  return body.dump();
}

std::string RequestGenerator::CartBody(api::Router& router, const std::string& customer_id) {
  const Sandbox& sandbox = router.sandbox();
  const Customer* customer = sandbox.FindCustomer(customer_id);
  json lines = json::array();
  const uint64_t n = 1 + chooser_.Below(chooser_.OneIn(4) ? 3 : 1);
  for (uint64_t i = 0; i < n; ++i) {
    std::string item = AnyItem(router);
    std::string term = chooser_.Pick(kTerms), billing = chooser_.Pick(kBillings);
    // Mostly a line that can be bought: an offer of the customer's market,
    // with a term and billing plan it has a price for today.
    if (customer != nullptr && !chooser_.OneIn(4)) {
      std::vector<std::tuple<std::string, Term, Billing>> buyable;
      for (const auto& offer : sandbox.catalog().offers()) {
        const auto& countries = offer->market->countries;
        if (std::find(countries.begin(), countries.end(), customer->country()) == countries.end()) continue;
        for (Term t : {Term::P1M, Term::P1Y, Term::P3Y})
          for (Billing b : {Billing::Monthly, Billing::Annual, Billing::Triennial})
            if (IsValidPair(t, b) && sandbox.catalog().PriceAt(*offer, t, b, sandbox.Today()))
              buyable.emplace_back(offer->catalog_item_id, t, b);
      }
      // Now and then a trial (the only offer a conversion takes).
      std::vector<std::tuple<std::string, Term, Billing>> trials;
      for (const auto& entry : buyable)
        if (const Offer* o = sandbox.catalog().FindOffer(std::get<0>(entry), customer->country()); o && o->sku->is_trial)
          trials.push_back(entry);
      if (!trials.empty() && chooser_.OneIn(6)) buyable = trials;
      if (!buyable.empty()) {
        const auto& [id, t, b] = buyable[chooser_.Below(buyable.size())];
        item = id;
        term = std::string(ToString(t));
        billing = std::string(ToString(b));
      }
    }
    json line = {{"id", i}, {"catalogItemId", item}};
    static const std::vector<int64_t> kQuantities = {1, 2, 5, 10, 10, 12, 3, 25, 0, 301, 1000000};
    line["quantity"] = chooser_.Pick(kQuantities);
    if (item.rfind("DZH318Z0BPS6", 0) == 0) {  // the Azure plan: no term
      line["billingCycle"] = "monthly";
      line["quantity"] = 1;
    } else {
      line["termDuration"] = term;
      line["billingCycle"] = billing;
    }
    if (chooser_.OneIn(10)) line["customTermEndDate"] = DateIn(router.sandbox(), 20 + static_cast<int>(chooser_.Below(400)));
    if (chooser_.OneIn(12)) line["promotionId"] = "39NFJQT1Q5KP:0001:39NFJQT1Q5KN";
    lines.push_back(std::move(line));
  }
  return json{{"lineItems", std::move(lines)}}.dump();
}

// A next-term instructions object for `sub`'s offer or one of its targets.
static json Instructions(Chooser& c, const Sandbox& sandbox, const Subscription& sub) {
  const Offer* offer = sub.offer;
  const auto& targets = sub.offer->sku->upgrade_targets;
  if (!targets.empty() && c.OneIn(3))
    if (const Offer* t = sandbox.ResolveOffer(targets[c.Below(targets.size())], sandbox.CustomerAt(sub.customer).country()))
      offer = t;
  json product = {{"productId", offer->product->id}, {"skuId", offer->sku->id},
                  {"availabilityId", c.OneIn(15) ? std::string("NOPE") : offer->availability->id}};
  if (!c.OneIn(3)) product["termDuration"] = c.Pick(kTerms);
  if (!c.OneIn(3)) product["billingCycle"] = c.Pick(kBillings);
  json j = {{"product", product}};
  if (!c.OneIn(3)) j["quantity"] = static_cast<int64_t>(c.Below(12)) + (c.OneIn(10) ? -5 : 1);
  return j;
}

std::string RequestGenerator::PatchBody(api::Router& router, const std::string& customer_id,
                                        const std::string& subscription_id) {
  api::Response current = router.Handle(
      Make("GET", "/v1/customers/" + customer_id + "/subscriptions/" + subscription_id, ""));
  json body = json::parse(current.body, nullptr, false);
  if (!body.is_object()) body = json::object();
  const Sandbox& sandbox = router.sandbox();
  const Subscription* sub = sandbox.FindSubscription(subscription_id);
  const uint64_t changes = 1 + chooser_.Below(3);
  for (uint64_t i = 0; i < changes; ++i) {
    switch (chooser_.Below(9)) {
      case 0: {
        static const std::vector<int64_t> kDelta = {1, 2, 5, -1, -2, -5};
        int64_t q = body.value("quantity", 1);
        body["quantity"] = chooser_.OneIn(6) ? static_cast<int64_t>(chooser_.Below(400)) : q + chooser_.Pick(kDelta);
        break;
      }
      case 1: {
        static const std::vector<std::string> kStatus = {"active", "suspended", "deleted", "deleted", "expired", "none"};
        body["status"] = chooser_.Pick(kStatus);
        break;
      }
      case 2:
        if (chooser_.OneIn(2)) body.erase("autoRenewEnabled");
        else body["autoRenewEnabled"] = chooser_.OneIn(2);
        break;
      case 3: body["billingCycle"] = chooser_.Pick(kBillings); break;
      case 4: body["friendlyName"] = chooser_.OneIn(8) ? std::string(257, 'n') : "renamed " + std::to_string(i); break;
      case 5: {
        static const std::vector<std::string> kActions = {"Cancel", "RenewToExtendedServiceTerm", "RenewToNewTerm",
                                                          "Transition", "Cancel"};
        if (chooser_.OneIn(4)) {
          body["scheduledActions"] = json::array();
          break;
        }
        json action = {{"scheduleType", chooser_.OneIn(6) ? "CustomDate" : "TermEnd"},
                       {"actionType", chooser_.Pick(kActions)}};
        if (action["scheduleType"] == "CustomDate") action["effectiveDate"] = DateIn(sandbox, 1 + static_cast<int>(chooser_.Below(90)));
        if (sub != nullptr && chooser_.OneIn(2)) action["instructions"] = Instructions(chooser_, sandbox, *sub);
        body["scheduledActions"] = json::array({action});
        break;
      }
      case 6:
        if (sub != nullptr && !chooser_.OneIn(3)) body["scheduledNextTermInstructions"] = Instructions(chooser_, sandbox, *sub);
        else body.erase("scheduledNextTermInstructions");
        break;
      case 7:
        if (chooser_.OneIn(2)) body.erase("nextChargeInstructions");
        else body["nextChargeInstructions"] = {{"product", {{"billingCycle", chooser_.Pick(kBillings)}}}};
        break;
      default: body["termDuration"] = chooser_.Pick(kTerms); break;
    }
  }
  return body.dump();
}

std::string RequestGenerator::Corrupt(const std::string& text) {
  json body = json::parse(text, nullptr, false);
  if (!body.is_object() || body.empty() || chooser_.OneIn(10)) {
    static const char* kBroken[] = {"{", "[]", "null", "{\"a\":", "\xff\xfe", "{\"x\": 1} trailing"};
    return kBroken[chooser_.Below(std::size(kBroken))];
  }
  // Walk down to a random value and replace it.
  json* at = &body;
  for (int depth = 0; depth < 4; ++depth) {
    std::vector<json*> children;
    if (at->is_object())
      for (auto& [k, v] : at->items()) children.push_back(&v);
    else if (at->is_array())
      for (auto& v : *at) children.push_back(&v);
    if (children.empty()) break;
    json* child = children[chooser_.Below(children.size())];
    if (!(child->is_object() || child->is_array()) || chooser_.OneIn(3)) {
      at = child;
      break;
    }
    at = child;
  }
  *at = BadValue(chooser_);
  return body.dump();
}

GeneratedRequest RequestGenerator::Next(api::Router& router) {
  GeneratedRequest out;
  const Sandbox& sandbox = router.sandbox();
  auto with = [&](std::string action, api::Request request) {
    out.action = std::move(action);
    out.request = std::move(request);
    return out;
  };
  auto maybe_corrupt = [&](std::string body) {
    if (!chooser_.OneIn(4)) return body;
    out.corrupted = true;
    return Corrupt(body);
  };
  const std::string customer = AnyCustomer(router);
  const std::string base = "/v1/customers/" + customer;
  const Customer* known = sandbox.FindCustomer(customer);
  uint64_t action = chooser_.Below(40);
  // Mostly the way to a book: customers first, each attested, then carts
  // checked out; once there are subscriptions, more changes to them.
  if (sandbox.customers().empty() && !chooser_.OneIn(4)) action = 0;
  else if (sandbox.subscriptions().empty() && action >= 13 && !chooser_.OneIn(3)) action = 7 + chooser_.Below(6);
  else if (!sandbox.subscriptions().empty() && action >= 32 && chooser_.OneIn(2)) action = 13 + chooser_.Below(10);
  // A customer without the MCA buys nothing: mostly attest it first.
  if (known != nullptr && action >= 7 && action <= 12 && !known->HasMcaOn(sandbox.Now()) && !chooser_.OneIn(5))
    action = 3;
  switch (action) {
    case 0:
    case 1:
    case 2: return with("create-customer", Make("POST", "/v1/customers", maybe_corrupt(CustomerBody())));
    case 3:
    case 4: {
      json a = {{"primaryContact", {{"firstName", "Ada"}, {"lastName", "L"}, {"email", "a" + std::to_string(chooser_.Below(3)) + "@x.example"}}},
                {"templateId", "117a77b0-9360-443b-8795-c6dedc750cf9"},
                {"dateAgreed", chooser_.OneIn(8) ? "2099-01-01T00:00:00Z" : sandbox.Now().ToString()},
                {"type", "MicrosoftCustomerAgreement"}};
      return with("attest", Make("POST", base + "/agreements", maybe_corrupt(a.dump())));
    }
    case 5: {
      if (chooser_.OneIn(2))
        return with("qualification", Make("POST", "/_sim/qualifications",
                                          maybe_corrupt(json{{"customer", customer}, {"qualification", "Education"}}.dump())));
      return with("qualification", Make("POST", base + "/qualifications",
                                        maybe_corrupt(json{{"qualification", "Education"}, {"educationSegment", "K12"}}.dump())));
    }
    case 6:
      return with("billing-profile",
                  Make("PUT", base + "/profiles/billing",
                       maybe_corrupt(json{{"email", "b@x.example"}, {"companyName", "Renamed"}}.dump())));
    case 7:
    case 8:
    case 9: return with("create-cart", Make("POST", base + "/carts", maybe_corrupt(CartBody(router, customer))));
    case 10:
    case 11:
    case 12: {
      // A cart of this customer (or a wrong id).
      // Mostly an open cart of this customer; sometimes any cart, or none.
      std::vector<std::string> open, any;
      for (const auto& [id, c] : router.carts()) {
        if (c.customer_id != customer) continue;
        any.push_back(id);
        if (!c.ordered && sandbox.Now() < c.expires) open.push_back(id);
      }
      std::string cart = "00000000-0000-0000-0000-00000000cafe";
      if (!open.empty() && !chooser_.OneIn(5)) cart = chooser_.Pick(open);
      else if (!any.empty() && !chooser_.OneIn(3)) cart = chooser_.Pick(any);
      if (chooser_.OneIn(5))
        return with("update-cart", Make("PUT", base + "/carts/" + cart, maybe_corrupt(CartBody(router, customer))));
      api::Request r = Make("POST", base + "/carts/" + cart + "/checkout", "");
      if (chooser_.OneIn(4)) r.headers.emplace_back("MS-RequestId", "checkout-" + std::to_string(chooser_.Below(3)));
      return with("checkout", std::move(r));
    }
    case 13:
    case 14:
    case 15:
    case 16:
    case 17:
    case 18:
    case 19:
    case 20: {
      std::string pair = AnySubscription(router);
      if (pair.empty()) break;
      std::string c = pair.substr(0, pair.find('|')), s = pair.substr(pair.find('|') + 1);
      std::string body = PatchBody(router, c, s);
      api::Request r = Make("PATCH", "/v1/customers/" + c + "/subscriptions/" + s, maybe_corrupt(body));
      if (chooser_.OneIn(8)) r.headers.emplace_back("If-Match", "\"stale\"");
      if (chooser_.OneIn(6)) r.headers.emplace_back("MS-RequestId", "patch-" + std::to_string(chooser_.Below(4)));
      return with("patch-subscription", std::move(r));
    }
    case 21:
    case 22: {
      std::string pair = AnySubscription(router);
      if (pair.empty()) break;
      std::string c = pair.substr(0, pair.find('|')), s = pair.substr(pair.find('|') + 1);
      const Subscription* sub = sandbox.FindSubscription(s);
      json t = {{"quantity", sub->quantity - (chooser_.OneIn(3) ? 1 : 0)},
                {"transitionType", chooser_.OneIn(6) ? "bogus" : "transition_only"}};
      const auto& targets = sub->offer->sku->upgrade_targets;
      if (!targets.empty() && !chooser_.OneIn(3)) {
        const Offer* target = sandbox.ResolveOffer(targets[chooser_.Below(targets.size())], sandbox.CustomerAt(sub->customer).country());
        t["toCatalogItemId"] = target != nullptr ? target->catalog_item_id : "X:Y:Z";
        if (chooser_.OneIn(3)) {
          // Into an existing subscription of the target, if any.
          for (uint32_t i : sandbox.SubscriptionsOf(sandbox.CustomerAt(sub->customer)))
            if (target != nullptr && sandbox.SubscriptionAt(i).offer->sku == target->sku)
              t["toSubscriptionId"] = sandbox.SubscriptionAt(i).id;
        }
      } else {
        t["toCatalogItemId"] = sub->offer->catalog_item_id;
        t["termDuration"] = chooser_.Pick(kTerms);
        t["quantity"] = sub->quantity;
      }
      return with("transition", Make("POST", "/v1/customers/" + c + "/subscriptions/" + s + "/transitions",
                                     maybe_corrupt(t.dump())));
    }
    case 23: {
      // Mostly a trial (the only kind that converts).
      std::string pair = AnySubscription(router);
      std::vector<const Subscription*> trials;
      for (const auto& t : sandbox.subscriptions())
        if (t->is_trial) trials.push_back(t.get());
      if (!trials.empty() && !chooser_.OneIn(5)) {
        const Subscription* t = trials[chooser_.Below(trials.size())];
        pair = sandbox.CustomerAt(t->customer).id + "|" + t->id;
      }
      if (pair.empty()) break;
      std::string c = pair.substr(0, pair.find('|')), s = pair.substr(pair.find('|') + 1);
      json body = json::object();
      if (chooser_.OneIn(2)) body["termDuration"] = chooser_.Pick(kTerms);
      if (chooser_.OneIn(3)) body["quantity"] = static_cast<int64_t>(chooser_.Below(30));
      return with("conversion", Make("POST", "/v1/customers/" + c + "/subscriptions/" + s + "/conversions",
                                     maybe_corrupt(body.dump())));
    }
    case 24:
    case 25:
    case 26:
    case 27: {
      static const std::vector<std::string> kBy = {"PT1H", "PT5M", "P1D", "P3D", "P7D", "P10D", "P30D", "P45D", "P2M", "P1Y"};
      json body = {{"by", chooser_.Pick(kBy)}};
      if (chooser_.OneIn(10)) body = {{"to", "2020-01-01T00:00:00Z"}};
      if (chooser_.OneIn(15)) body = {{"by", "P9Y"}};
      if (chooser_.OneIn(15)) body = {{"to", "2031-01-01T00:00:00Z"}, {"by", "P1D"}};
      return with("advance", Make("POST", "/_sim/clock/advance", maybe_corrupt(body.dump())));
    }
    case 28: {
      switch (chooser_.Below(6)) {
        case 0: return with("token", Make("POST", "/_sim/token", maybe_corrupt(json{{"partner", "p2"}, {"expires-in", 600}}.dump())));
        case 1:
          if (chooser_.OneIn(8))
            return with("reset", Make("POST", "/_sim/reset", maybe_corrupt(json{{"seed", chooser_.Below(5)}}.dump())));
          return with("reset", Make("POST", "/_sim/reset", json{{"start", "1969-01-01"}}.dump()));
        case 2:
          return with("faults", Make("POST", "/_sim/faults",
                                     maybe_corrupt(json::array({{{"fault", chooser_.OneIn(2) ? "throttle" : "error"},
                                                                 {"count", 1},
                                                                 {"path", "/v1/customers/*/subscriptions/*"}}})
                                                       .dump())));
        case 3: return with("faults", Make("DELETE", "/_sim/faults", ""));
        case 4: {
          std::string scenario = chooser_.OneIn(2) ? "scenario: x\nstart: 2026-01-01\nsteps:\n  - advance: {by: P1D}\n"
                                                   : "scenario: [unclosed\n";
          return with("scenario", Make("POST", "/_sim/scenarios/run", scenario));
        }
        default: {
          api::Request r = Make("DELETE", base, "");
          if (chooser_.OneIn(3)) r = Make("PATCH", base, json{{"relationshipToPartner", "none"}}.dump());
          return with("delete-customer", std::move(r));
        }
      }
    }
    case 29:
    case 30: {
      // The Azure plan: usage, roles, subscriptions.
      std::string pair = AnySubscription(router, /*azure_plan=*/true);
      if (pair.empty()) {
        json line = {{"id", 0}, {"catalogItemId", "DZH318Z0BPS6:0001:DZH318Z0JJ6R"}, {"quantity", 1},
                     {"billingCycle", "monthly"}};
        return with("create-cart", Make("POST", base + "/carts", json{{"lineItems", json::array({line})}}.dump()));
      }
      std::string plan = pair.substr(pair.find('|') + 1);
      const auto& azure = sandbox.azure();
      std::string entitlement = "00000000-0000-0000-0000-0000000000aa";
      if (!azure.entitlements.empty()) entitlement = azure.entitlements[chooser_.Below(azure.entitlements.size())].id;
      switch (chooser_.Below(4)) {
        case 0:
          return with("azure-usage", Make("POST", "/_sim/usage",
                                          maybe_corrupt(json{{"entitlement", entitlement},
                                                             {"meterId", "6d5c0f2e-1b3a-4c7d-9e8f-0a1b2c3d4e01"},
                                                             {"quantity", chooser_.OneIn(5) ? "0.0000001" : "24"}}
                                                            .dump())));
        case 1:
          return with("azure-role", Make("POST", "/_sim/azure-roles",
                                         maybe_corrupt(json{{"entitlement", entitlement},
                                                            {"role", chooser_.OneIn(2) ? "Owner" : "none"},
                                                            {"via", "GDAP"}}
                                                           .dump())));
        case 2:
          return with("azure-subscription",
                      Make("POST", "/_sim/azure-subscriptions", maybe_corrupt(json{{"plan", plan}}.dump())));
        default: {
          std::string c = pair.substr(0, pair.find('|'));
          std::string path = "/v1/customers/" + c + "/subscriptions/" + plan + "/azureEntitlements/" + entitlement;
          if (chooser_.OneIn(2))
            return with("azure-cancel", Make("POST", path + "/cancel",
                                             maybe_corrupt(json{{"cancellationReason", "compromise"}}.dump())));
          return with("azure-reactivate", Make("POST", path + "/reactivate", ""));
        }
      }
    }
    case 31: {
      // Anything to anywhere.
      static const std::vector<std::string> kMethods = {"POST", "PUT", "PATCH", "DELETE"};
      static const std::vector<std::string> kPaths = {"/v1/customers", "/v1/customers/{c}/subscriptions",
                                                      "/v1/customers/{c}/carts", "/_sim/clock/advance",
                                                      "/v1/customers/{c}", "/v1/invoices", "/_sim/usage"};
      std::string path = chooser_.Pick(kPaths);
      if (auto p = path.find("{c}"); p != std::string::npos) path.replace(p, 3, customer);
      return with("garbage", Make(chooser_.Pick(kMethods), path, Corrupt("{\"x\": 1}")));
    }
    default: break;
  }
  // Reads, of every kind.
  std::string pair = AnySubscription(router);
  std::string c = pair.empty() ? customer : pair.substr(0, pair.find('|'));
  std::string s = pair.empty() ? "none" : pair.substr(pair.find('|') + 1);
  std::string invoice = sandbox.ledger().invoices().empty() ? "G000000001" : sandbox.ledger().invoices().back().id;
  const std::vector<std::string> reads = {
      "/v1/customers", "/v1/customers/" + c, "/v1/customers/" + c + "/subscriptions",
      "/v1/customers/" + c + "/subscriptions/" + s, "/v1/customers/" + c + "/subscriptions/" + s + "/transitionEligibilities",
      "/v1/customers/" + c + "/subscriptions/" + s + "/conversions", "/v1/customers/" + c + "/orders",
      "/v1/invoices", "/v1/invoices/" + invoice,
      "/v1/invoices/" + invoice + "/lineitems?provider=onetime&invoicelineitemtype=billinglineitems&size=2000",
      "/v1/invoices/unbilled/lineitems?provider=onetime&invoicelineitemtype=billinglineitems&currencycode=USD&period=current",
      "/_sim/events", "/_sim/requests", "/_sim/clock", "/_sim/reports/est", "/_sim/digest",
      "/v1/customers/" + c + "/subscriptions/customTermEndDates?term_duration=P1Y", "/v1/customers/" + c + "/entitlements"};
  return with("read", Make("GET", chooser_.Pick(reads), ""));
}

}  // namespace pcsim::property
