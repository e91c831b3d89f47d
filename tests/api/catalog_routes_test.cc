// The product catalog against the documented examples
// (tests/api/data/partner-center-doc-examples.json) and the simulator's rules.
//
// Covered: catalog-availability-nce, catalog-sku-nce, catalog-product-nce.
// Each documented request was sent for Microsoft 365 Business Basic
// (CFQ7TTC0LH18:0001:CFQ7TTC0K971), the item the documented responses show;
// the documented request lines name Azure reservation items
// (DZH318Z0BQ3Q/0001/DZH318XZXPHL, DZH318Z0BQ3V/00G1) that the simulator's
// license-only catalog does not hold. Parts of the documented bodies are
// elided in the docs ("product": { ... }, "sku": { ... }, "…" list tails), so
// only the keys that are shown are compared.
// Not covered: none of the catalog-* examples.
#include "tests/api/api_fixture.h"

namespace pcsim::api::testing {
namespace {

constexpr char kBasic[] = "/v1/products/CFQ7TTC0LH18";
constexpr char kBasicAvailability[] = "/v1/products/CFQ7TTC0LH18/skus/0001/availabilities/CFQ7TTC0K971";

class CatalogRoutesTest : public ApiTest {
 protected:
  void SetUp() override { Start(); }

  void ExpectError(const std::string& target, int status, int code) {
    auto body = CallJson("GET", target, nullptr, status);
    EXPECT_EQ(body.value("code", 0), code) << target << " -> " << body.dump();
    EXPECT_TRUE(body.contains("description") && body.contains("source")) << body.dump();
  }
};

const nlohmann::json* FindTerm(const nlohmann::json& availability, const std::string& duration,
                               const std::string& billing) {
  for (const auto& t : availability["terms"])
    if (t["duration"] == duration && t["billingCycle"] == billing) return &t;
  return nullptr;
}

TEST_F(CatalogRoutesTest, AvailabilityAsDocumented) {
  auto example = DocExample("catalog-availability-nce");
  auto doc = DocResponseBody(example);
  ASSERT_TRUE(doc.is_object());
  auto ours = CallJson("GET", std::string(kBasicAvailability) + "?country=US");
  ExpectDocumentedShape(doc, ours);
  for (const char* key : {"id", "productId", "skuId", "catalogItemId", "defaultCurrency", "segment", "country",
                          "isPurchasable", "isRenewable"})
    EXPECT_EQ(ours[key], doc[key]) << key;
  EXPECT_EQ(ours["links"], doc["links"]);
  EXPECT_EQ(ours["attributes"]["objectType"], "Availability");

  // The documented term, with the policy's wording and the documented casing.
  const nlohmann::json* annual = FindTerm(ours, "P1Y", "Annual");
  ASSERT_NE(annual, nullptr) << ours["terms"].dump();
  const auto& doc_term = doc["terms"][0];
  EXPECT_EQ((*annual)["description"], doc_term["description"]);
  EXPECT_EQ((*annual)["cancellationPolicies"][0]["refundOptions"][0], doc_term["cancellationPolicies"][0]["refundOptions"][0]);
  auto partial = (*annual)["cancellationPolicies"][0]["refundOptions"][1];
  EXPECT_EQ(partial, (nlohmann::json{{"sequenceId", 1}, {"type", "Partial"}, {"expiresAfter", "P7D"}}));
  // Renewal instructions name the term ids listed in terms.
  bool renewal_found = false;
  for (const auto& r : ours["renewalInstructions"])
    if (r["applicableTermIds"][0] == (*annual)["id"]) {
      renewal_found = true;
      EXPECT_EQ(r["renewalOptions"][0], doc["renewalInstructions"][0]["renewalOptions"][0]);
    }
  EXPECT_TRUE(renewal_found);

  const nlohmann::json* monthly = FindTerm(ours, "P1M", "Monthly");
  ASSERT_NE(monthly, nullptr);
  EXPECT_EQ((*monthly)["description"], "One-Month commitment for monthly billing");
  const nlohmann::json* yearly_monthly = FindTerm(ours, "P1Y", "Monthly");
  ASSERT_NE(yearly_monthly, nullptr);
  EXPECT_EQ((*yearly_monthly)["description"], "One-Year commitment for monthly/yearly billing");
  EXPECT_EQ(ours["terms"].size(), 3u);
  std::set<std::string> ids;
  for (const auto& t : ours["terms"]) ids.insert(t["id"].get<std::string>());
  EXPECT_EQ(ids.size(), 3u) << "term ids are distinct";
  // Term ids are stable across reads.
  EXPECT_EQ(CallJson("GET", std::string(kBasicAvailability) + "?country=US")["terms"], ours["terms"]);

  // The embedded product and SKU are the full resources.
  EXPECT_EQ(ours["product"], CallJson("GET", std::string(kBasic) + "?country=US"));
  EXPECT_EQ(ours["sku"], CallJson("GET", std::string(kBasic) + "/skus/0001?country=US"));
}

TEST_F(CatalogRoutesTest, SkuAsDocumented) {
  auto doc = DocResponseBody(DocExample("catalog-sku-nce"));
  ASSERT_TRUE(doc.is_object());
  auto ours = CallJson("GET", std::string(kBasic) + "/skus/0001?country=US");
  ExpectDocumentedShape(doc, ours);
  for (const char* key : {"id", "productId", "title", "minimumQuantity", "maximumQuantity", "isTrial",
                          "supportedBillingCycles", "inventoryVariables", "provisioningVariables", "actions", "links"})
    EXPECT_EQ(ours[key], doc[key]) << key;
  EXPECT_EQ(ours["purchasePrerequisites"], nlohmann::json::array({"MicrosoftCustomerAgreement"}));
  const auto& dyn = ours["dynamicAttributes"];
  EXPECT_EQ(dyn["isAddon"], false);
  EXPECT_EQ(dyn["hasConstraints"], true);
  EXPECT_EQ(dyn["prerequisiteSkus"], nlohmann::json::array());
  EXPECT_EQ(dyn["upgradeTargetOffers"], (nlohmann::json{"CFQ7TTC0LDPB:0001", "CFQ7TTC0LCHC:0002"}));
  EXPECT_EQ(doc["dynamicAttributes"]["upgradeTargetOffers"][0], dyn["upgradeTargetOffers"][0]);
  EXPECT_EQ(dyn["billingType"], "license");
  EXPECT_EQ(dyn["conversionInstructions"], nlohmann::json::array());
  EXPECT_TRUE(ours.contains("termsOfUseUri") && ours["termsOfUseUri"].is_null())
      << "the default catalog names no terms of use";
  EXPECT_EQ(ours["attributes"]["objectType"], "Sku");

  // Collections of SKUs and availabilities.
  auto skus = CallJson("GET", std::string(kBasic) + "/skus?country=US");
  EXPECT_EQ(skus["totalCount"], 1);
  EXPECT_EQ(skus["items"][0], ours);
  EXPECT_EQ(skus["attributes"]["objectType"], "Collection");
  auto availabilities = CallJson("GET", std::string(kBasic) + "/skus/0001/availabilities?country=US");
  EXPECT_EQ(availabilities["totalCount"], 1);
  EXPECT_EQ(availabilities["items"][0]["catalogItemId"], "CFQ7TTC0LH18:0001:CFQ7TTC0K971");
  EXPECT_EQ(CallJson("GET", std::string(kBasic) + "/skus/0001/availabilities?country=US&targetSegment=commercial")["totalCount"], 1);
  EXPECT_EQ(CallJson("GET", std::string(kBasic) + "/skus/0001/availabilities?country=US&targetSegment=education")["totalCount"], 0);
  ExpectError(std::string(kBasic) + "/skus/0001/availabilities?country=US&targetSegment=retail", 403, 400030);
}

TEST_F(CatalogRoutesTest, ProductAsDocumented) {
  auto doc = DocResponseBody(DocExample("catalog-product-nce"));
  ASSERT_TRUE(doc.is_object());
  auto ours = CallJson("GET", std::string(kBasic) + "?country=US");
  ExpectDocumentedShape(doc, ours);
  for (const char* key : {"id", "title", "productType", "isMicrosoftProduct", "publisherName", "links"})
    EXPECT_EQ(ours[key], doc[key]) << key;
  EXPECT_EQ(ours["attributes"]["objectType"], "Product");
  // Country codes are read case-insensitively.
  EXPECT_EQ(CallJson("GET", std::string(kBasic) + "?country=us"), ours);
}

TEST_F(CatalogRoutesTest, ListsProductsByTargetViewAndSegment) {
  auto online = CallJson("GET", "/v1/products?country=US&targetView=OnlineServices");
  EXPECT_EQ(online["totalCount"], 14);
  EXPECT_EQ(online["items"].size(), 14u);
  EXPECT_EQ(online["attributes"]["objectType"], "Collection");
  EXPECT_EQ(online["links"]["self"]["uri"], "/products?country=US&targetView=OnlineServices");
  for (const auto& p : online["items"]) {
    EXPECT_EQ(p["attributes"]["objectType"], "Product");
    EXPECT_EQ(p["productType"]["id"], "OnlineServicesNCE");
  }
  // Known views this catalog holds nothing of: empty, not an error.
  for (const char* view : {"Azure", "AzureReservations", "Software", "MarketplaceSaaS"}) {
    auto empty = CallJson("GET", std::string("/v1/products?country=US&targetView=") + view);
    EXPECT_EQ(empty["totalCount"], 0) << view;
    EXPECT_EQ(empty["items"], nlohmann::json::array()) << view;
  }
  // The Azure plan is the one product of targetView MicrosoftAzure (azure_routes_test.cc).
  EXPECT_EQ(CallJson("GET", "/v1/products?country=US&targetView=MicrosoftAzure")["totalCount"], 1);
  ExpectError("/v1/products?country=US&targetView=Hardware", 403, 400036);
  ExpectError("/v1/products?country=US&targetView=OnlineServices&targetSegment=retail", 403, 400030);
  ExpectError("/v1/products?targetView=OnlineServices", 400, 800002);
  ExpectError("/v1/products?country=US", 400, 800002);

  auto education = CallJson("GET", "/v1/products?country=US&targetView=OnlineServices&targetSegment=education");
  ASSERT_EQ(education["totalCount"], 1);
  EXPECT_EQ(education["items"][0]["id"], "CFQ7TTC0LHPV");
  auto commercial = CallJson("GET", "/v1/products?country=US&targetView=onlineservices&targetSegment=Commercial");
  EXPECT_EQ(commercial["totalCount"], 13);

  // Another country lists only what is sold there.
  auto germany = CallJson("GET", "/v1/products?country=DE&targetView=OnlineServices");
  std::set<std::string> ids;
  for (const auto& p : germany["items"]) ids.insert(p["id"].get<std::string>());
  EXPECT_EQ(ids, (std::set<std::string>{"CFQ7TTC0LH18", "CFQ7TTC0LDPB", "CFQ7TTC0LCHC"}));
  EXPECT_EQ(CallJson("GET", "/v1/products?country=JP&targetView=OnlineServices")["totalCount"], 0);
}

TEST_F(CatalogRoutesTest, UnknownItemsAre404WithTheirCodes) {
  ExpectError("/v1/products/NOSUCHPRODUCT?country=US", 404, 400013);
  ExpectError("/v1/products/NOSUCHPRODUCT/skus?country=US", 404, 400013);
  ExpectError(std::string(kBasic) + "/skus/9999?country=US", 404, 400018);
  ExpectError(std::string(kBasic) + "/skus/9999/availabilities?country=US", 404, 400018);
  ExpectError(std::string(kBasic) + "/skus/0001/availabilities/NOSUCHAVAIL?country=US", 404, 400019);
  // Office 365 E1 is sold in the US only.
  ExpectError("/v1/products/CFQ7TTC0LF8Q?country=DE", 404, 400013);
  ExpectError(std::string(kBasic) + "?country=", 400, 800002);
  ExpectError(std::string(kBasic), 400, 800002);
  ExpectError(std::string(kBasic) + "?country=USA", 400, 800002);
}

TEST_F(CatalogRoutesTest, CustomerScopedReadsUseTheCustomersCountry) {
  std::string de = CreateCustomer("DE");
  std::string base = "/v1/customers/" + de + "/products";
  auto products = CallJson("GET", base + "?targetView=OnlineServices");
  EXPECT_EQ(products["totalCount"], 3);
  auto availability = CallJson("GET", base + "/CFQ7TTC0LH18/skus/0001/availabilities/CFQ7TTC0K971");
  EXPECT_EQ(availability["country"], "DE");
  EXPECT_EQ(availability["defaultCurrency"], (nlohmann::json{{"code", "EUR"}, {"symbol", "€"}}));
  EXPECT_EQ(availability["links"]["self"]["uri"],
            "/products/CFQ7TTC0LH18/skus/0001/availabilities/CFQ7TTC0K971?country=DE");
  EXPECT_EQ(CallJson("GET", base + "/CFQ7TTC0LH18")["id"], "CFQ7TTC0LH18");
  EXPECT_EQ(CallJson("GET", base + "/CFQ7TTC0LH18/skus")["totalCount"], 1);
  EXPECT_EQ(CallJson("GET", base + "/CFQ7TTC0LH18/skus/0001")["id"], "0001");
  EXPECT_EQ(CallJson("GET", base + "/CFQ7TTC0LH18/skus/0001/availabilities")["totalCount"], 1);
  ExpectError(base + "/CFQ7TTC0LF8Q", 404, 400013);
  ExpectError(base + "?targetView=Bogus", 403, 400036);
  ExpectError("/v1/customers/00000000-0000-0000-0000-000000000000/products?targetView=OnlineServices", 404, 1000);

  // A customer of another partner is not visible.
  std::string jwt = "eyJhbGciOiJub25lIn0.eyJ0aWQiOiJvdGhlci1wYXJ0bmVyIn0.sig";  // {"tid":"other-partner"}
  Response other = Call("GET", base + "?targetView=OnlineServices", "", {{"Authorization", "Bearer " + jwt}});
  EXPECT_EQ(other.status, 404) << other.body;
}

TEST_F(CatalogRoutesTest, TermsAreThoseWithAPriceToday) {
  // Microsoft 365 E5 Security has no one-month term.
  auto security = CallJson("GET", "/v1/products/CFQ7TTC0MQ5X/skus/0001/availabilities/CFQ7TTC0K7Q2?country=US");
  std::set<std::string> pairs;
  for (const auto& t : security["terms"])
    pairs.insert(t["duration"].get<std::string>() + "/" + t["billingCycle"].get<std::string>());
  EXPECT_EQ(pairs, (std::set<std::string>{"P1Y/Annual", "P1Y/Monthly"}));
  auto security_sku = CallJson("GET", "/v1/products/CFQ7TTC0MQ5X/skus/0001?country=US");
  EXPECT_EQ(security_sku["supportedBillingCycles"], (nlohmann::json{"annual", "monthly"}));
  EXPECT_EQ(security_sku["dynamicAttributes"]["hasConstraints"], false);

  // Three-year terms with their own wording.
  auto e3 = CallJson("GET", "/v1/products/CFQ7TTC0LFLZ/skus/0001/availabilities/CFQ7TTC0K5F7?country=US");
  EXPECT_EQ(e3["terms"].size(), 6u);
  const nlohmann::json* triennial = FindTerm(e3, "P3Y", "Triennial");
  ASSERT_NE(triennial, nullptr);
  EXPECT_EQ((*triennial)["description"], "Three-Year commitment for monthly/yearly billing");
  EXPECT_EQ(CallJson("GET", "/v1/products/CFQ7TTC0LFLZ/skus/0001?country=US")["supportedBillingCycles"],
            (nlohmann::json{"annual", "monthly", "triennial"}));

  // A trial: not renewable, the trial wording.
  auto trial = CallJson("GET", "/v1/products/CFQ7TTC0LGZT/skus/0002/availabilities/CFQ7TTC0K6WC?country=US");
  EXPECT_EQ(trial["isRenewable"], false);
  EXPECT_EQ(trial["renewalInstructions"], nlohmann::json::array());
  ASSERT_EQ(trial["terms"].size(), 1u);
  EXPECT_EQ(trial["terms"][0]["description"], "One-Month commitment for trial");
  EXPECT_EQ(trial["sku"]["isTrial"], true);

  // Before the first price of Business Basic (2022-01-01) nothing is purchasable.
  Start("2021-06-01T00:00:00Z");
  auto early = CallJson("GET", std::string(kBasicAvailability) + "?country=US");
  EXPECT_EQ(early["terms"], nlohmann::json::array());
  EXPECT_EQ(early["isPurchasable"], false);
  EXPECT_EQ(CallJson("GET", std::string(kBasic) + "/skus/0001?country=US")["supportedBillingCycles"],
            nlohmann::json::array());
}

TEST_F(CatalogRoutesTest, ListsThePromotionsActiveToday) {
  auto promotions = CallJson("GET", "/v1/productpromotions?country=US&segment=commercial");
  ASSERT_EQ(promotions["totalCount"], 1) << promotions.dump();
  const auto& p = promotions["items"][0];
  EXPECT_EQ(p["id"], "39NFJQT1Q5KW:0001:39NFJQT1Q5KN");
  EXPECT_EQ(p["startDate"], "2026-01-01T00:00:00Z");
  EXPECT_EQ(p["endDate"], "2026-06-30T23:59:59Z");
  EXPECT_EQ(p["attributes"]["objectType"], "ProductPromotion");
  std::set<std::string> terms;
  for (const auto& r : p["requiredProducts"]) {
    EXPECT_EQ(r["productId"], "CFQ7TTC0LFLZ");
    EXPECT_EQ(r["skuId"], "0001");
    EXPECT_EQ(r["pricingPolicies"][0], (nlohmann::json{{"policyType", "PercentDiscount"}, {"value", "0.15"}}));
    terms.insert(r["term"]["duration"].get<std::string>() + "/" + r["term"]["billingCycle"].get<std::string>());
  }
  EXPECT_EQ(terms, (std::set<std::string>{"P1Y/Annual", "P1Y/Monthly", "P3Y/Monthly", "P3Y/Annual", "P3Y/Triennial"}));
  EXPECT_EQ(CallJson("GET", "/v1/productpromotions/39NFJQT1Q5KW:0001:39NFJQT1Q5KN?country=US")["id"], p["id"]);

  EXPECT_EQ(CallJson("GET", "/v1/productpromotions?country=DE")["totalCount"], 0);
  EXPECT_EQ(CallJson("GET", "/v1/productpromotions?country=US&segment=education")["totalCount"], 0);
  ExpectError("/v1/productpromotions?country=US&segment=retail", 403, 400030);
  ExpectError("/v1/productpromotions", 400, 800002);

  Advance("2026-07-01T00:00:00Z");  // the promotion ended on 2026-06-30
  EXPECT_EQ(CallJson("GET", "/v1/productpromotions?country=US")["totalCount"], 0);
  ExpectError("/v1/productpromotions/39NFJQT1Q5KW:0001:39NFJQT1Q5KN?country=US", 404, 1000);
}

TEST_F(CatalogRoutesTest, TrialSkuNamesItsConversionAndAzurePlanItsBillingType) {
  auto trial = CallJson("GET", "/v1/products/CFQ7TTC0LGZT/skus/0002?country=US");
  EXPECT_EQ(trial["dynamicAttributes"]["conversionInstructions"],
            (nlohmann::json::array({{{"targetProductSku", "CFQ7TTC0LGZT:0001"}, {"conversionType", "trialToPaid"}}})));
  auto plan = CallJson("GET", "/v1/products/DZH318Z0BPS6/skus/0001?country=US");
  EXPECT_EQ(plan["dynamicAttributes"]["billingType"], "usage");
}

TEST_F(CatalogRoutesTest, LegacyOffersApiHasNoOffersAndNamesTheProductsApi) {
  auto offers = CallJson("GET", "/v1/offers?country=US");
  EXPECT_EQ(offers["totalCount"], 0);
  EXPECT_EQ(offers["links"]["self"]["uri"], "/offers?country=US");
  EXPECT_EQ(offers["attributes"]["objectType"], "Collection");
  ExpectError("/v1/offers", 400, 800002);  // the country is required
  ExpectError("/v1/offers/CFQ7TTC0LH18:0001:CFQ7TTC0K971?country=US", 400, 2100);
  ExpectError("/v1/offers/84A03D81-6B37-4D66-8D4A-FAEA24541538?country=US", 400, 2100);
  std::string customer = CreateCustomer();
  auto customer_offers = CallJson("GET", "/v1/customers/" + customer + "/offers");
  EXPECT_EQ(customer_offers["totalCount"], 0);
  EXPECT_EQ(customer_offers["links"]["self"]["uri"], "/customers/" + customer + "/offers");
  ExpectError("/v1/customers/00000000-0000-0000-0000-000000000000/offers", 404, 1000);
}

}  // namespace
}  // namespace pcsim::api::testing
