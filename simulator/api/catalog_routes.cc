// The product catalog (Get a list of products, Get a SKU by ID, Get an
// availability by ID): products, SKUs and availabilities by country, globally
// and per customer (the customer's country), and the product promotions in
// force today.
//
// What the simulator decides here (no public source settles it):
// - targetView "OnlineServices" lists the catalog's license-based products;
//   the other documented views are known but hold nothing in this catalog, so
//   they answer an empty collection; any other view is 403 400036.
// - An availability lists only the term/billing pairs priced on the simulated
//   today; it is purchasable when it lists at least one. Term ids are stable
//   12-character tokens derived from the catalog item, term and billing.
// - Cancellation policies come from the policy (full refund hours, window
//   hours), written as ISO 8601 durations ("P1D", "P7D").
// - Links point at the global catalog ("/products/...?country=XX") also for
//   customer-scoped reads.
#include <algorithm>
#include <cctype>
#include <set>

#include "simulator/model/errors.h"
#include "simulator/api/resources.h"
#include "simulator/api/router.h"

namespace pcsim::api {
namespace {

constexpr std::string_view kOnlineServicesView = "OnlineServices";
constexpr std::string_view kKnownEmptyViews[] = {
    "Azure",           "AzureReservations",     "AzureReservationsVM", "AzureReservationsSQL",
    "AzureReservationsCosmosDb", "AzureAzureReservationsVM", "MicrosoftAzure", "Software",
    "SoftwareSUSELinux", "SoftwarePerpetual",    "SoftwareSubscriptions", "SpecializedOffers",
    "MarketplaceSaaS", "AzureAzureReservationsSQL", "AzureAzureReservationsCosmosDb"};

uint64_t Fnv1a(std::string_view text) {
  uint64_t h = 0xcbf29ce484222325ULL;
  for (unsigned char c : text) {
    h ^= c;
    h *= 0x100000001b3ULL;
  }
  return h;
}

// A stable availability term id such as "5aeco6mffyxo" (12 base-36 characters).
std::string TermId(const Offer& offer, Term term, Billing billing) {
  uint64_t h = Fnv1a(offer.catalog_item_id + "|" + std::string(ToString(term)) + "|" + std::string(ToString(billing)));
  static constexpr char kDigits[] = "0123456789abcdefghijklmnopqrstuvwxyz";
  std::string id;
  for (int i = 0; i < 12; ++i) {
    id.push_back(kDigits[h % 36]);
    h /= 36;
    if (h == 0) h = Fnv1a(id);
  }
  return id;
}

std::string HoursAsDuration(int64_t hours) {
  if (hours % 24 == 0) return "P" + std::to_string(hours / 24) + "D";
  return "PT" + std::to_string(hours) + "H";
}

std::string CurrencySymbol(std::string_view code) {
  if (code == "USD") return "$";
  if (code == "EUR") return "€";
  if (code == "GBP") return "£";
  return std::string(code);
}

std::string Upper(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
  return out;
}

// The term/billing pairs of an offer priced on `day`, in a stable order.
std::vector<std::pair<Term, Billing>> PricedPairs(const Sandbox& sandbox, const Offer& offer, Date day) {
  std::vector<std::pair<Term, Billing>> out;
  for (Term t : {Term::P1M, Term::P1Y, Term::P3Y})
    for (Billing b : {Billing::Monthly, Billing::Annual, Billing::Triennial})
      if (IsValidPair(t, b) && sandbox.catalog().PriceAt(offer, t, b, day)) out.emplace_back(t, b);
  return out;
}

const std::string& TermDescription(const Sandbox& sandbox, const Offer& offer, Term term, Billing billing) {
  const Policy& policy = sandbox.policy();
  Date day = sandbox.Today();
  if (offer.sku->is_trial) return policy.Str(PolicyKey::kTermTextTrial, day);
  switch (term) {
    case Term::P1M: return policy.Str(PolicyKey::kTermTextP1MMonthly, day);
    case Term::P1Y:
      return policy.Str(billing == Billing::Annual ? PolicyKey::kTermTextP1YAnnual : PolicyKey::kTermTextP1YMonthly, day);
    case Term::P3Y:
      return policy.Str(billing == Billing::Triennial ? PolicyKey::kTermTextP3YTriennial
                        : billing == Billing::Annual  ? PolicyKey::kTermTextP3YAnnual
                                                      : PolicyKey::kTermTextP3YMonthly,
                        day);
  }
  return policy.Str(PolicyKey::kTermTextP1MMonthly, day);
}

// --- scope: which country, and who asks --------------------------------------------

struct Scope {
  std::string country;
  size_t first_param = 0;  // index of the product id among the route params
};

// Reads the country from the query (global routes) or the customer (customer
// routes, whose first param is the customer id).
StatusOr<Scope> ScopeOf(RouteContext& ctx, bool customer_scoped) {
  Scope scope;
  if (customer_scoped) {
    const Customer* c = ctx.router.VisibleCustomer(ctx, ctx.params[0]);
    if (c == nullptr) return Error<Err::CustomerNotFound>(ctx.params[0]);
    scope.country = c->country();
    scope.first_param = 1;
    return scope;
  }
  auto country = ctx.request.Query("country");
  if (!country || country->empty())
    return Error<Err::InvalidInput>("the query parameter country is required (ISO 3166 alpha-2).");
  if (country->size() != 2) return Error<Err::InvalidInput>("country must be an ISO 3166 alpha-2 code.");
  scope.country = Upper(*country);
  return scope;
}

// The optional segment filter (targetSegment, or segment for promotions).
StatusOr<std::optional<Segment>> SegmentFilter(const RouteContext& ctx, std::string_view name) {
  auto text = ctx.request.Query(name);
  if (!text || text->empty()) return std::optional<Segment>();
  auto segment = ParseSegment(*text);
  if (!segment) return Error<Err::CatalogAccessDenied>(std::string(name), *text);
  return std::optional<Segment>(*segment);
}

std::vector<const Offer*> OffersOf(const Sandbox& sandbox, const Product& p, const Sku& s, const std::string& country,
                                   std::optional<Segment> segment = std::nullopt) {
  std::vector<const Offer*> out;
  for (const Offer* o : sandbox.catalog().OffersOfSku(p.id + ":" + s.id, country))
    if (!segment || o->availability->segment == *segment) out.push_back(o);
  return out;
}

bool ProductSold(const Sandbox& sandbox, const Product& p, const std::string& country,
                 std::optional<Segment> segment = std::nullopt) {
  for (const Sku& s : p.skus)
    if (!OffersOf(sandbox, p, s, country, segment).empty()) return true;
  return false;
}

// --- resources -------------------------------------------------------------------------

std::string ProductUri(const Product& p, const std::string& country) { return "/products/" + p.id + "?country=" + country; }
std::string SkuUri(const Product& p, const Sku& s, const std::string& country) {
  return "/products/" + p.id + "/skus/" + s.id + "?country=" + country;
}

Json ProductJson(const Product& p, const std::string& country) {
  Json j;
  j["id"] = p.id;
  j["title"] = p.title;
  j["description"] = p.description;
  j["productType"] = Json{{"id", p.product_type}, {"displayName", p.product_type}};
  j["isMicrosoftProduct"] = p.publisher_name == "Microsoft Corporation";
  j["publisherName"] = p.publisher_name;
  Json links;
  links["skus"] = LinkJson("/products/" + p.id + "/skus?country=" + country);
  links["self"] = LinkJson(ProductUri(p, country));
  j["links"] = std::move(links);
  j["attributes"] = Attributes("Product");
  return j;
}

Json SkuJson(const Sandbox& sandbox, const Product& p, const Sku& s, const std::string& country) {
  const Date today = sandbox.Today();
  std::set<Billing> cycles;
  for (const Offer* o : OffersOf(sandbox, p, s, country))
    for (const auto& [term, billing] : PricedPairs(sandbox, *o, today)) cycles.insert(billing);
  Json j;
  j["id"] = s.id;
  j["productId"] = p.id;
  j["title"] = s.title;
  j["description"] = s.description;
  j["termsOfUseUri"] = s.terms_of_use_uri.empty() ? Json(nullptr) : Json(s.terms_of_use_uri);
  j["minimumQuantity"] = s.minimum_quantity;
  j["maximumQuantity"] = s.maximum_quantity;
  j["isTrial"] = s.is_trial;
  Json supported = Json::array();
  if (s.IsUsageBased()) cycles.insert(Billing::Monthly);  // an Azure plan is billed monthly for its usage
  for (Billing b : {Billing::Annual, Billing::Monthly, Billing::Triennial})  // alphabetical, as documented
    if (cycles.count(b)) supported.push_back(WireBillingCycle(b));
  j["supportedBillingCycles"] = std::move(supported);
  j["purchasePrerequisites"] = Json::array({"MicrosoftCustomerAgreement"});
  j["inventoryVariables"] = Json::array();
  j["provisioningVariables"] = Json::array();
  j["actions"] = Json::array({"Refund"});
  Json dyn;
  dyn["isMicrosoftProduct"] = p.publisher_name == "Microsoft Corporation";
  dyn["hasConstraints"] = s.max_subscriptions_per_customer.has_value() || !s.seat_cap_group.empty();
  dyn["isAddon"] = s.is_add_on;
  dyn["prerequisiteSkus"] = s.prerequisite_skus;
  dyn["isSoftwareAssuranceApplicable"] = false;
  dyn["upgradeTargetOffers"] = s.upgrade_targets;
  if (!s.trial_converts_to.empty()) dyn["trialConversionTarget"] = s.trial_converts_to;
  dyn["billingType"] = s.billing_type;
  // The instructions for converting the SKU (Product resources documents only
  // a list): a trial's paid target, as GET .../conversions offers it.
  Json conversions = Json::array();
  if (!s.trial_converts_to.empty())
    conversions.push_back(Json{{"targetProductSku", s.trial_converts_to}, {"conversionType", "trialToPaid"}});
  dyn["conversionInstructions"] = std::move(conversions);
  if (s.max_subscriptions_per_customer) dyn["maxSubscriptionsPerCustomer"] = *s.max_subscriptions_per_customer;
  if (!s.seat_cap_group.empty())
    if (auto cap = sandbox.catalog().SeatCap(s.seat_cap_group)) dyn["seatCapGroupLimit"] = *cap;
  dyn["isEstEligible"] = s.est_eligible && !s.is_trial;
  dyn["provisioningId"] = SkuProvisioningId(p, s);
  dyn["internal"] = false;
  j["dynamicAttributes"] = std::move(dyn);
  Json links;
  links["availabilities"] = LinkJson("/products/" + p.id + "/skus/" + s.id + "/availabilities?country=" + country);
  links["self"] = LinkJson(SkuUri(p, s, country));
  j["links"] = std::move(links);
  j["attributes"] = Attributes("Sku");
  return j;
}

Json AvailabilityJson(const Sandbox& sandbox, const Offer& offer, const std::string& country) {
  const Product& p = *offer.product;
  const Sku& s = *offer.sku;
  const Date today = sandbox.Today();
  const Policy& policy = sandbox.policy();
  auto pairs = PricedPairs(sandbox, offer, today);
  Json j;
  j["id"] = offer.availability->id;
  j["productId"] = p.id;
  j["skuId"] = s.id;
  j["catalogItemId"] = offer.catalog_item_id;
  j["defaultCurrency"] = Json{{"code", offer.market->currency}, {"symbol", CurrencySymbol(offer.market->currency)}};
  j["segment"] = ToString(offer.availability->segment);
  j["country"] = country;
  j["isPurchasable"] = !pairs.empty() || (s.IsUsageBased() && !offer.market->meters.empty());
  j["isRenewable"] = !s.is_trial;
  Json renewals = Json::array();
  Json terms = Json::array();
  Json refund_options = Json::array();
  refund_options.push_back(Json{{"sequenceId", 0}, {"type", "Full"},
                                {"expiresAfter", HoursAsDuration(policy.Int(PolicyKey::kFullRefundHours, today))}});
  refund_options.push_back(Json{{"sequenceId", 1}, {"type", "Partial"},
                                {"expiresAfter", HoursAsDuration(policy.Int(PolicyKey::kCancellationWindowHours, today))}});
  for (const auto& [term, billing] : pairs) {
    std::string id = TermId(offer, term, billing);
    if (!s.is_trial) {
      Json option{{"renewToId", p.id + ":" + s.id}, {"isAutoRenewable", true}};
      renewals.push_back(Json{{"applicableTermIds", Json::array({id})}, {"renewalOptions", Json::array({option})}});
    }
    Json t;
    t["id"] = id;
    t["duration"] = ToString(term);
    t["description"] = TermDescription(sandbox, offer, term, billing);
    t["billingCycle"] = BillingFrequencyText(billing);  // "Annual", "Monthly": the documented casing
    t["cancellationPolicies"] = Json::array({Json{{"refundOptions", refund_options}}});
    terms.push_back(std::move(t));
  }
  j["renewalInstructions"] = std::move(renewals);
  j["terms"] = std::move(terms);
  j["product"] = ProductJson(p, country);
  j["sku"] = SkuJson(sandbox, p, s, country);
  j["links"] = Json{{"self", LinkJson("/products/" + p.id + "/skus/" + s.id + "/availabilities/" +
                                      offer.availability->id + "?country=" + country)}};
  j["attributes"] = Attributes("Availability");
  return j;
}

// --- lookups -----------------------------------------------------------------------------

StatusOr<const Product*> FindProduct(const Sandbox& sandbox, const std::string& id, const std::string& country) {
  const Product* p = sandbox.catalog().FindProduct(id);
  if (p == nullptr || !ProductSold(sandbox, *p, country))
    return Error<Err::ProductNotFound>(id, country);
  return p;
}

StatusOr<const Sku*> FindSku(const Sandbox& sandbox, const Product& p, const std::string& id, const std::string& country) {
  const Sku* s = sandbox.catalog().FindSku(p.id, id);
  if (s == nullptr || OffersOf(sandbox, p, *s, country).empty())
    return Error<Err::SkuNotFound>(p.id, id, country);
  return s;
}

// --- handlers ----------------------------------------------------------------------------

Response ListProducts(RouteContext& ctx, bool customer_scoped) {
  auto scope = ScopeOf(ctx, customer_scoped);
  if (!scope.ok()) return ErrorResponse(scope.status());
  auto view = ctx.request.Query("targetView");
  if (!view || view->empty())
    return ErrorResponse(Error<Err::InvalidInput>("the query parameter targetView is required."));
  auto segment = SegmentFilter(ctx, "targetSegment");
  if (!segment.ok()) return ErrorResponse(segment.status());
  bool online = EqualsIgnoreCase(*view, kOnlineServicesView);
  bool known = online;
  for (std::string_view v : kKnownEmptyViews) known = known || EqualsIgnoreCase(*view, v);
  if (!known) return ErrorResponse(Error<Err::TargetViewDenied>(*view));
  Json items = Json::array();
  for (const Product& p : ctx.sandbox.catalog().data().products)
    if (EqualsIgnoreCase(p.target_view, *view) && ProductSold(ctx.sandbox, p, scope->country, *segment))
      items.push_back(ProductJson(p, scope->country));
  std::string self = "/products?country=" + scope->country + "&targetView=" + *view;
  if (*segment) self += "&targetSegment=" + std::string(ToString(**segment));
  if (customer_scoped) self = "/customers/" + ctx.params[0] + "/products?targetView=" + *view;
  return JsonResponse(200, CollectionJson(std::move(items), self));
}

Response GetProduct(RouteContext& ctx, bool customer_scoped) {
  auto scope = ScopeOf(ctx, customer_scoped);
  if (!scope.ok()) return ErrorResponse(scope.status());
  auto p = FindProduct(ctx.sandbox, ctx.params[scope->first_param], scope->country);
  if (!p.ok()) return ErrorResponse(p.status());
  return JsonResponse(200, ProductJson(**p, scope->country));
}

Response ListSkus(RouteContext& ctx, bool customer_scoped) {
  auto scope = ScopeOf(ctx, customer_scoped);
  if (!scope.ok()) return ErrorResponse(scope.status());
  auto segment = SegmentFilter(ctx, "targetSegment");
  if (!segment.ok()) return ErrorResponse(segment.status());
  auto p = FindProduct(ctx.sandbox, ctx.params[scope->first_param], scope->country);
  if (!p.ok()) return ErrorResponse(p.status());
  Json items = Json::array();
  for (const Sku& s : (*p)->skus)
    if (!OffersOf(ctx.sandbox, **p, s, scope->country, *segment).empty())
      items.push_back(SkuJson(ctx.sandbox, **p, s, scope->country));
  return JsonResponse(200, CollectionJson(std::move(items), "/products/" + (*p)->id + "/skus?country=" + scope->country));
}

Response GetSku(RouteContext& ctx, bool customer_scoped) {
  auto scope = ScopeOf(ctx, customer_scoped);
  if (!scope.ok()) return ErrorResponse(scope.status());
  auto p = FindProduct(ctx.sandbox, ctx.params[scope->first_param], scope->country);
  if (!p.ok()) return ErrorResponse(p.status());
  auto s = FindSku(ctx.sandbox, **p, ctx.params[scope->first_param + 1], scope->country);
  if (!s.ok()) return ErrorResponse(s.status());
  return JsonResponse(200, SkuJson(ctx.sandbox, **p, **s, scope->country));
}

Response ListAvailabilities(RouteContext& ctx, bool customer_scoped) {
  auto scope = ScopeOf(ctx, customer_scoped);
  if (!scope.ok()) return ErrorResponse(scope.status());
  auto segment = SegmentFilter(ctx, "targetSegment");
  if (!segment.ok()) return ErrorResponse(segment.status());
  auto p = FindProduct(ctx.sandbox, ctx.params[scope->first_param], scope->country);
  if (!p.ok()) return ErrorResponse(p.status());
  auto s = FindSku(ctx.sandbox, **p, ctx.params[scope->first_param + 1], scope->country);
  if (!s.ok()) return ErrorResponse(s.status());
  Json items = Json::array();
  for (const Offer* o : OffersOf(ctx.sandbox, **p, **s, scope->country, *segment))
    items.push_back(AvailabilityJson(ctx.sandbox, *o, scope->country));
  return JsonResponse(200, CollectionJson(std::move(items), "/products/" + (*p)->id + "/skus/" + (*s)->id +
                                                                "/availabilities?country=" + scope->country));
}

Response GetAvailability(RouteContext& ctx, bool customer_scoped) {
  auto scope = ScopeOf(ctx, customer_scoped);
  if (!scope.ok()) return ErrorResponse(scope.status());
  auto p = FindProduct(ctx.sandbox, ctx.params[scope->first_param], scope->country);
  if (!p.ok()) return ErrorResponse(p.status());
  auto s = FindSku(ctx.sandbox, **p, ctx.params[scope->first_param + 1], scope->country);
  if (!s.ok()) return ErrorResponse(s.status());
  const std::string& id = ctx.params[scope->first_param + 2];
  for (const Offer* o : OffersOf(ctx.sandbox, **p, **s, scope->country))
    if (o->availability->id == id) return JsonResponse(200, AvailabilityJson(ctx.sandbox, *o, scope->country));
  return ErrorResponse(Error<Err::AvailabilityNotFoundInCountry>((*p)->id, (*s)->id, id, scope->country));
}

// --- promotions ---------------------------------------------------------------------------

std::optional<Json> PromotionJson(const Sandbox& sandbox, const Promotion& promo, const std::string& country,
                                  std::optional<Segment> segment) {
  const Date today = sandbox.Today();
  if (today < promo.from || today > promo.until) return std::nullopt;
  if (!promo.countries.empty() && std::find(promo.countries.begin(), promo.countries.end(), country) == promo.countries.end())
    return std::nullopt;
  const Offer* offer = sandbox.catalog().FindOffer(promo.catalog_item_id, country);
  if (offer == nullptr || (segment && offer->availability->segment != *segment)) return std::nullopt;
  Decimal share = Decimal::FromUnits(promo.discount_percent.units(), promo.discount_percent.scale() + 2).Normalized();
  Json required = Json::array();
  for (const auto& [term, billing] : PricedPairs(sandbox, *offer, today)) {
    if (std::find(promo.terms.begin(), promo.terms.end(), term) == promo.terms.end()) continue;
    Json r;
    r["productId"] = offer->product->id;
    r["skuId"] = offer->sku->id;
    r["term"] = Json{{"duration", ToString(term)}, {"billingCycle", BillingFrequencyText(billing)}};
    r["pricingPolicies"] = Json::array({Json{{"policyType", "PercentDiscount"}, {"value", share.ToString()}}});
    required.push_back(std::move(r));
  }
  Json j;
  j["id"] = promo.id;
  j["name"] = offer->sku->title;
  j["description"] = offer->sku->title + ": " + promo.discount_percent.Normalized().ToString() + "% off";
  j["startDate"] = DateTimeOf(promo.from);
  j["endDate"] = EndOfDayOf(promo.until);
  j["properties"] = Json{{"isAutoApplicable", false}};
  j["requiredProducts"] = std::move(required);
  j["catalogItemId"] = promo.catalog_item_id;
  j["attributes"] = Attributes("ProductPromotion");
  return j;
}

StatusOr<std::pair<std::string, std::optional<Segment>>> PromotionScope(RouteContext& ctx) {
  auto country = ctx.request.Query("country");
  if (!country || country->size() != 2)
    return Error<Err::InvalidInput>("the query parameter country is required (ISO 3166 alpha-2).");
  auto segment = SegmentFilter(ctx, "segment");
  if (!segment.ok()) return segment.status();
  return std::make_pair(Upper(*country), *segment);
}

Response ListPromotions(RouteContext& ctx) {
  auto scope = PromotionScope(ctx);
  if (!scope.ok()) return ErrorResponse(scope.status());
  Json items = Json::array();
  for (const Promotion& promo : ctx.sandbox.catalog().data().promotions)
    if (auto j = PromotionJson(ctx.sandbox, promo, scope->first, scope->second)) items.push_back(std::move(*j));
  return JsonResponse(200, CollectionJson(std::move(items), "/productpromotions?country=" + scope->first));
}

Response GetPromotion(RouteContext& ctx) {
  auto scope = PromotionScope(ctx);
  if (!scope.ok()) return ErrorResponse(scope.status());
  if (const Promotion* promo = ctx.sandbox.catalog().FindPromotion(ctx.params[0]))
    if (auto j = PromotionJson(ctx.sandbox, *promo, scope->first, scope->second)) return JsonResponse(200, *j);
  return ErrorResponse(Error<Err::PromotionNotFound>(ctx.params[0], scope->first, ctx.sandbox.Today().ToString()));
}

// The legacy offers API (Get a list of offers for a market; the offers of a
// customer in the REST reference). Legacy license-based offers are no longer
// sold and pcsim's catalog holds new-commerce items only, so the lists are
// empty collections (the country is still checked) and an offer by id is
// Partner Center's 400 2100, which names the products and SKUs APIs.
Response ListLegacyOffers(RouteContext& ctx, bool customer_scoped) {
  auto scope = ScopeOf(ctx, customer_scoped);
  if (!scope.ok()) return ErrorResponse(scope.status());
  std::string self = customer_scoped ? "/customers/" + ctx.params[0] + "/offers" : "/offers?country=" + scope->country;
  return JsonResponse(200, CollectionJson(Json::array(), self));
}

Response GetLegacyOffer(RouteContext& ctx, bool customer_scoped) {
  auto scope = ScopeOf(ctx, customer_scoped);
  if (!scope.ok()) return ErrorResponse(scope.status());
  return ErrorResponse(Error<Err::OffersApiItem>(ctx.params[scope->first_param]));
}

}  // namespace

std::string SkuProvisioningId(const Product& product, const Sku& sku) {
  return GuidFromNumber(0x70637369, Fnv1a(product.id + ":" + sku.id));
}

void RegisterCatalogRoutes(RouteTable& table) {
  using H = Response (*)(RouteContext&, bool);
  const std::pair<const char*, H> routes[] = {
      {"/products", &ListProducts},
      {"/products/{}", &GetProduct},
      {"/products/{}/skus", &ListSkus},
      {"/products/{}/skus/{}", &GetSku},
      {"/products/{}/skus/{}/availabilities", &ListAvailabilities},
      {"/products/{}/skus/{}/availabilities/{}", &GetAvailability},
      {"/offers", &ListLegacyOffers},
      {"/offers/{}", &GetLegacyOffer},
  };
  for (const auto& [path, handler] : routes) {
    H h = handler;
    table.Add("GET", std::string("/v1") + path, [h](RouteContext& ctx) { return h(ctx, false); });
    table.Add("GET", std::string("/v1/customers/{}") + path, [h](RouteContext& ctx) { return h(ctx, true); });
  }
  table.Add("GET", "/v1/productpromotions", ListPromotions);
  table.Add("GET", "/v1/productpromotions/{}", GetPromotion);
}

}  // namespace pcsim::api
