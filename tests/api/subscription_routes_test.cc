// Subscriptions on the wire. Covered documented examples: subscriptions-get-nce,
// subscriptions-patch-quantity-nce, subscriptions-patch-quantity-reduce-error,
// subscriptions-patch-autorenew-nce, subscriptions-cancel,
// subscriptions-schedule-next-term, subscriptions-transition-eligibilities,
// subscriptions-transition-post. Not covered: subscriptions-suspend-legacy and
// subscriptions-list-software-triennial (legacy and software offers are not in
// the simulated catalog; their keys are a subset of the NCE resource's).
#include <fstream>
#include <map>

#include "tests/api/api_fixture.h"

namespace pcsim::api::testing {
namespace {

using json = nlohmann::json;

constexpr const char* kBusinessBasic = "CFQ7TTC0LH18:0001:CFQ7TTC0K971";
constexpr const char* kE3 = "CFQ7TTC0LFLZ:0001:CFQ7TTC0K5F7";

class SubscriptionRoutesTest : public ApiTest {
 protected:
  void SetUp() override {
    Start();
    customer = CreateCustomer();
  }
  std::string Path(const std::string& sub) { return "/v1/customers/" + customer + "/subscriptions/" + sub; }
  std::string customer;
};

TEST_F(SubscriptionRoutesTest, GetSubscriptionAsDocumented) {
  std::string id = Buy(customer, kBusinessBasic, 15, "P1Y", "monthly");
  ASSERT_FALSE(id.empty());
  auto sub = CallJson("GET", Path(id));
  ExpectDocumentedShape(DocResponseBody(DocExample("subscriptions-get-nce")), sub);
  EXPECT_EQ(sub["offerId"], kBusinessBasic);
  EXPECT_EQ(sub["status"], "active");
  EXPECT_EQ(sub["billingCycle"], "monthly");
  EXPECT_EQ(sub["termDuration"], "P1Y");
  EXPECT_EQ(sub["commitmentEndDate"], "2027-01-14T00:00:00Z");
  EXPECT_EQ(sub["commitmentEndDateTime"], "2027-01-14T23:59:59Z");
  EXPECT_EQ(sub["attributes"]["objectType"], "Subscription");
  EXPECT_EQ(sub["refundableQuantity"]["totalQuantity"], 15);
  EXPECT_EQ(sub["refundOptions"][0]["type"], "Full");
  auto list = CallJson("GET", "/v1/customers/" + customer + "/subscriptions");
  EXPECT_EQ(list["totalCount"], 1);
  auto by_order = CallJson("GET", "/v1/customers/" + customer + "/subscriptions?order_id=" + sub["orderId"].get<std::string>());
  EXPECT_EQ(by_order["totalCount"], 1);
  EXPECT_EQ(CallJson("GET", "/v1/customers/" + customer + "/subscriptions?order_id=nope")["totalCount"], 0);
  EXPECT_EQ(Call("GET", Path(id).substr(0, Path(id).size() - 36) + "00000000-0000-0000-0000-000000000000").status, 404);
}

TEST_F(SubscriptionRoutesTest, PatchTheFullResourceChangesQuantity) {
  std::string id = Buy(customer, kBusinessBasic, 10, "P1M", "monthly");
  auto sub = CallJson("GET", Path(id));
  sub["quantity"] = 12;
  auto patched = CallJson("PATCH", Path(id), sub, 200);
  ExpectDocumentedShape(DocResponseBody(DocExample("subscriptions-patch-quantity-nce")), patched);
  EXPECT_EQ(patched["quantity"], 12);
  EXPECT_EQ(patched["autoRenewEnabled"], true);
  EXPECT_EQ(patched["refundableQuantity"]["totalQuantity"], 12);
}

TEST_F(SubscriptionRoutesTest, ReductionAfter168HoursIsRefusedAsDocumented) {
  std::string id = Buy(customer, kBusinessBasic, 10, "P1Y", "monthly");
  Advance("P8D");
  auto sub = CallJson("GET", Path(id));
  sub["quantity"] = 8;
  auto error = CallJson("PATCH", Path(id), sub, 400);
  EXPECT_EQ(error, DocResponseBody(DocExample("subscriptions-patch-quantity-reduce-error")));
  EXPECT_EQ(CallJson("GET", Path(id))["quantity"], 10);
}

TEST_F(SubscriptionRoutesTest, PatchWithoutAutoRenewEnabledTurnsItOff) {
  // Update a subscription by ID: a body without autoRenewEnabled sets it false.
  std::string id = Buy(customer, kBusinessBasic, 10, "P1Y", "monthly");
  auto patched = CallJson("PATCH", Path(id), nlohmann::json{{"quantity", 11}}, 200);
  EXPECT_EQ(patched["quantity"], 11);
  EXPECT_EQ(patched["autoRenewEnabled"], false);
  patched = CallJson("PATCH", Path(id), nlohmann::json{{"autoRenewEnabled", true}, {"quantity", 11}}, 200);
  EXPECT_EQ(patched["autoRenewEnabled"], true);
}

TEST_F(SubscriptionRoutesTest, AutoRenewOffAsDocumented) {
  std::string id = Buy(customer, kBusinessBasic, 10, "P1Y", "monthly");
  auto example = DocExample("subscriptions-patch-autorenew-nce");
  auto sub = CallJson("GET", Path(id));
  sub["autoRenewEnabled"] = false;
  auto patched = CallJson("PATCH", Path(id), sub, 200);
  ExpectDocumentedShape(DocResponseBody(example), patched, {"links.offer", "links.entitlement"});
  EXPECT_EQ(patched["autoRenewEnabled"], false);
}

TEST_F(SubscriptionRoutesTest, CancelInsideTheWindowAsDocumented) {
  std::string id = Buy(customer, kBusinessBasic, 10, "P1M", "monthly");
  Advance("P2D");
  auto sub = CallJson("GET", Path(id));
  sub["status"] = "deleted";
  auto cancelled = CallJson("PATCH", Path(id), sub, 200);
  EXPECT_EQ(cancelled["status"], "deleted");
  ExpectDocumentedShape(DocResponseBody(DocExample("subscriptions-cancel")), cancelled,
                        {"links.offer", "links.entitlement", "refundOptions"});
  auto again = CallJson("PATCH", Path(id), nlohmann::json{{"quantity", 3}}, 400);
  EXPECT_EQ(again["code"], 2011);
}

TEST_F(SubscriptionRoutesTest, CancelAfterTheWindowIs900117) {
  std::string id = Buy(customer, kBusinessBasic, 10, "P1Y", "monthly");
  Advance("P8D");
  auto error = CallJson("PATCH", Path(id), nlohmann::json{{"status", "deleted"}}, 400);
  EXPECT_EQ(error["code"], 900117);
}

TEST_F(SubscriptionRoutesTest, ScheduleNextTermInstructions) {
  std::string id = Buy(customer, kE3, 10, "P1Y", "monthly");
  auto sub = CallJson("GET", Path(id));
  sub["scheduledNextTermInstructions"] = {
      {"product", {{"productId", "CFQ7TTC0LFLX"}, {"skuId", "0001"}, {"availabilityId", "CFQ7TTC0K5DK"},
                   {"billingCycle", "Annual"}, {"termDuration", "P1Y"}}},
      {"quantity", 12}};
  auto patched = CallJson("PATCH", Path(id), sub, 200);
  ExpectDocumentedShape(DocResponseBody(DocExample("subscriptions-schedule-next-term")), patched,
                        {"links.offer", "links.entitlement", "scheduledNextTermInstructions.product.promotionId",
                         "scheduledNextTermInstructions.customTermEndDate", "customTermEndDate", "refundOptions"});
  EXPECT_EQ(patched["scheduledNextTermInstructions"]["quantity"], 12);
  EXPECT_EQ(patched["scheduledNextTermInstructions"]["product"]["billingCycle"], "annual");
  // A PATCH without the instructions deletes them.
  patched.erase("scheduledNextTermInstructions");
  patched = CallJson("PATCH", Path(id), patched, 200);
  EXPECT_FALSE(patched.contains("scheduledNextTermInstructions"));
}

TEST_F(SubscriptionRoutesTest, StaleEtagIs2055) {
  std::string id = Buy(customer, kBusinessBasic, 10, "P1Y", "monthly");
  auto sub = CallJson("GET", Path(id));
  std::string etag = sub["attributes"]["etag"];
  sub["quantity"] = 11;
  CallJson("PATCH", Path(id), sub, 200, {{"If-Match", "\"" + etag + "\""}});
  sub["quantity"] = 12;
  auto error = CallJson("PATCH", Path(id), sub, 400, {{"If-Match", "\"" + etag + "\""}});
  EXPECT_EQ(error["code"], 2055);
}

TEST_F(SubscriptionRoutesTest, WrongTypesAndUnknownEnumsAre400) {
  std::string id = Buy(customer, kBusinessBasic, 10, "P1Y", "monthly");
  EXPECT_EQ(CallJson("PATCH", Path(id), nlohmann::json{{"quantity", "twelve"}}, 400)["code"], 800002);
  EXPECT_EQ(CallJson("PATCH", Path(id), nlohmann::json{{"quantity", -3}}, 400)["code"], 900275);
  EXPECT_EQ(CallJson("PATCH", Path(id), nlohmann::json{{"status", "paused"}}, 400)["code"], 900126);
  EXPECT_EQ(CallJson("PATCH", Path(id), nlohmann::json{{"quantity", 1e300}}, 400)["code"], 800002);
  EXPECT_EQ(Call("PATCH", Path(id), "{").status, 400);
}

TEST_F(SubscriptionRoutesTest, SuspendAndReactivate) {
  std::string id = Buy(customer, kBusinessBasic, 10, "P1Y", "monthly");
  auto s = CallJson("PATCH", Path(id), nlohmann::json{{"status", "Suspended"}}, 200);
  EXPECT_EQ(s["status"], "suspended");
  EXPECT_EQ(s["autoRenewEnabled"], false);
  EXPECT_EQ(CallJson("PATCH", Path(id), nlohmann::json{{"status", "suspended"}, {"quantity", 12}}, 400)["code"], 800091);
  s = CallJson("PATCH", Path(id), nlohmann::json{{"status", "active"}}, 200);
  EXPECT_EQ(s["status"], "active");
}

TEST_F(SubscriptionRoutesTest, TransitionEligibilitiesAndPostAsDocumented) {
  std::string id = Buy(customer, kE3, 10, "P1Y", "monthly");
  auto eligibilities = CallJson("GET", Path(id) + "/transitionEligibilities?eligibilityType=immediate");
  ExpectDocumentedShape(DocResponseBody(DocExample("subscriptions-transition-eligibilities")), eligibilities,
                        {"items[0].subscriptionEligibilities"});
  EXPECT_EQ(eligibilities["items"][0]["catalogItemId"], "CFQ7TTC0LFLX:0001:CFQ7TTC0K5DK");
  EXPECT_EQ(eligibilities["items"][0]["eligibilities"][0]["isEligible"], true);
  auto example = DocExample("subscriptions-transition-post");
  nlohmann::json body = {{"fromCatalogItemId", kE3}, {"fromSubscriptionId", id},
                         {"toCatalogItemId", "CFQ7TTC0LFLX:0001:CFQ7TTC0K5DK"}, {"quantity", 4},
                         {"transitionType", "transition_only"}};
  Advance("P10D");
  auto transition = CallJson("POST", Path(id) + "/transitions", body, 200);
  // The sample spells "Events" with a capital E, unlike every other key of the
  // API; the simulator writes "events".
  ExpectDocumentedShape(DocResponseBody(example), transition, {"Events"});
  EXPECT_EQ(transition["events"][0]["name"], "Conversion");
  EXPECT_EQ(transition["attributes"]["objectType"], "Transition");
  EXPECT_NE(transition["toSubscriptionId"], id);
  EXPECT_EQ(CallJson("GET", Path(id))["quantity"], 6);
  EXPECT_EQ(CallJson("GET", Path(transition["toSubscriptionId"]))["quantity"], 4);
  body["toCatalogItemId"] = "CFQ7TTC0LF8Q:0001:CFQ7TTC0K5DR";  // a downgrade
  EXPECT_EQ(Call("POST", Path(id) + "/transitions", body.dump()).status, 400);
}

TEST_F(SubscriptionRoutesTest, TransitionToALongerTermStartsANewTerm) {
  std::string id = Buy(customer, kE3, 10, "P1M", "monthly");
  nlohmann::json body = {{"toCatalogItemId", kE3}, {"quantity", 10}, {"termDuration", "P1Y"},
                         {"billingCycle", "monthly"}, {"transitionType", "transition_only"}};
  CallJson("POST", Path(id) + "/transitions", body, 200);
  auto sub = CallJson("GET", Path(id));
  EXPECT_EQ(sub["termDuration"], "P1Y");
  EXPECT_EQ(sub["commitmentEndDate"], "2027-01-14T00:00:00Z");
  body["termDuration"] = "P1M";
  EXPECT_EQ(CallJson("POST", Path(id) + "/transitions", body, 400)["code"], 800122);
}

TEST_F(SubscriptionRoutesTest, CustomTermEndDatesListMonthEndsAndAlignedSubscriptions) {
  std::string id = Buy(customer, kE3, 10, "P1Y", "monthly");
  auto dates = CallJson("GET", "/v1/customers/" + customer + "/subscriptions/customTermEndDates?term_duration=P1Y");
  bool month_end = false, aligned = false;
  for (auto& item : dates["items"]) {
    if (item["allowedCustomTermEndDateType"] == "calendarMonthAligned" &&
        item["allowedCustomTermEndDate"] == "2026-12-31T00:00:00Z")
      month_end = true;
    if (item["allowedCustomTermEndDateType"] == "subscriptionAligned" &&
        item["allowedCustomTermEndDate"] == "2027-01-14T00:00:00Z" && item["cotermSubscriptionIds"][0] == id)
      aligned = true;
  }
  EXPECT_TRUE(month_end);
  EXPECT_TRUE(aligned);
  EXPECT_EQ(Call("GET", "/v1/customers/" + customer + "/subscriptions/customTermEndDates").status, 400);
}

// The dates the route lists are the dates a purchase is checked against: the
// end of an annual term and its yearly anniversaries inside a triennial
// term, never a monthly term's end for an annual or triennial one.
TEST_F(SubscriptionRoutesTest, CustomTermEndDatesAreTheDatesAPurchaseAccepts) {
  std::string annual = Buy(customer, kE3, 10, "P1Y", "monthly");            // ends 2027-01-14
  std::string monthly = Buy(customer, kBusinessBasic, 5, "P1M", "monthly");  // ends 2026-02-14
  Advance("2026-03-02T09:00:00Z");                                          // renewed: ends 2026-03-14
  auto aligned = [&](const std::string& term) {
    std::map<std::string, std::vector<std::string>> out;
    auto dates = CallJson("GET", "/v1/customers/" + customer + "/subscriptions/customTermEndDates?term_duration=" + term);
    for (auto& item : dates["items"])
      if (item["allowedCustomTermEndDateType"] == "subscriptionAligned")
        out[item["allowedCustomTermEndDate"]] = item["cotermSubscriptionIds"].get<std::vector<std::string>>();
    return out;
  };
  using Dates = std::map<std::string, std::vector<std::string>>;
  EXPECT_EQ(aligned("P3Y"), (Dates{{"2027-01-14T00:00:00Z", {annual}},
                                   {"2028-01-14T00:00:00Z", {annual}},
                                   {"2029-01-14T00:00:00Z", {annual}}}));
  EXPECT_EQ(aligned("P1Y"), (Dates{{"2027-01-14T00:00:00Z", {annual}}}));
  EXPECT_EQ(aligned("P1M"), (Dates{{"2026-03-14T00:00:00Z", {monthly}}}));
  auto only = CallJson("GET", "/v1/customers/" + customer + "/subscriptions/customTermEndDates?term_duration=P3Y"
                       "&target_coterm_subscription_id=" + monthly);
  EXPECT_EQ(only["totalCount"], 0) << only.dump();
  EXPECT_EQ(CallJson("GET", "/v1/customers/" + customer + "/subscriptions/customTermEndDates?term_duration=P3Y"
                     "&target_coterm_subscription_id=00000000-0000-0000-0000-000000000000", nullptr, 404)["code"],
            20003);

  // A cart takes every line and marks the refused ones with the error of
  // code 900242 (as Partner Center's cart does); the accepted ones carry none.
  auto line_error = [&](const std::string& term, const std::string& end) {
    nlohmann::json line = {{"id", 0}, {"catalogItemId", kE3}, {"quantity", 1}, {"termDuration", term},
                           {"billingCycle", "monthly"}, {"customTermEndDate", end}};
    auto cart = CallJson("POST", "/v1/customers/" + customer + "/carts",
                         nlohmann::json{{"lineItems", nlohmann::json::array({line})}}, 201);
    const auto& item = cart["lineItems"][0];
    return item.contains("error") ? item["error"]["errorCode"].get<std::string>() : std::string();
  };
  EXPECT_EQ(line_error("P3Y", "2028-01-14T00:00:00Z"), "");
  EXPECT_EQ(line_error("P1Y", "2027-01-14T00:00:00Z"), "");
  for (auto [term, end] : {std::pair{"P3Y", "2028-01-15T00:00:00Z"}, {"P1Y", "2028-01-14T00:00:00Z"},
                           {"P1Y", "2026-03-14T00:00:00Z"}})
    EXPECT_EQ(line_error(term, end), "InvalidCustomTermEndDate") << term << " " << end;
}

TEST_F(SubscriptionRoutesTest, TrialConversion) {
  std::string id = Buy(customer, "CFQ7TTC0LGZT:0002:CFQ7TTC0K6WC", 5, "P1M", "monthly");
  auto conversions = CallJson("GET", Path(id) + "/conversions");
  ASSERT_EQ(conversions["totalCount"], 1);
  EXPECT_EQ(conversions["items"][0]["targetOfferId"], "CFQ7TTC0LGZT:0001:CFQ7TTC0K6WB");
  auto result = CallJson("POST", Path(id) + "/conversions",
                         nlohmann::json{{"targetOfferId", "CFQ7TTC0LGZT:0001:CFQ7TTC0K6WB"}, {"quantity", 5},
                                        {"billingCycle", "monthly"}, {"termDuration", "P1M"}},
                         200);
  EXPECT_EQ(result["subscriptionId"], id);
  auto sub = CallJson("GET", Path(id));
  EXPECT_EQ(sub["isTrial"], false);
  EXPECT_EQ(sub["offerId"], "CFQ7TTC0LGZT:0001:CFQ7TTC0K6WB");
}

TEST_F(SubscriptionRoutesTest, ProvisioningStatusIsPendingUntilTheOrderCompletes) {
  json line = {{"id", 0}, {"catalogItemId", kE3}, {"quantity", 5}, {"termDuration", "P1Y"}, {"billingCycle", "monthly"}};
  auto cart = CallJson("POST", "/v1/customers/" + customer + "/carts", {{"lineItems", json::array({line})}}, 201);
  CallJson("POST", "/v1/customers/" + customer + "/carts/" + cart.value("id", "") + "/checkout", nullptr, 201);
  // The subscription exists at once; its order completes after the provisioning delay.
  std::string id = router->sandbox().subscriptions().back()->id;
  auto pending = CallJson("GET", Path(id) + "/provisioningstatus");
  EXPECT_EQ(pending["status"], "pending");
  Advance("PT5M");
  auto status = CallJson("GET", Path(id) + "/provisioningstatus");
  ExpectDocumentedShape(DocResponseBody(DocExample("subscription-provisioning-status")), status);
  EXPECT_EQ(status["status"], "success");
  EXPECT_EQ(status["quantity"], 5);
  EXPECT_EQ(status["endDate"], "2027-01-14T00:00:00Z");
  EXPECT_EQ(status["attributes"]["objectType"], "SubscriptionProvisioningStatus");
  // The SKU's GUID is the one its catalog entry shows as provisioningId.
  auto sku = CallJson("GET", "/v1/products/CFQ7TTC0LFLZ/skus/0001?country=US");
  EXPECT_EQ(status["skuId"], sku["dynamicAttributes"]["provisioningId"]);
  EXPECT_EQ(CallJson("GET", Path("00000000-0000-0000-0000-000000000000") + "/provisioningstatus", nullptr, 404)["code"],
            20003);
}

TEST_F(SubscriptionRoutesTest, LegacyUpgradesApiNamesTheTransitionsRoutes) {
  std::string id = Buy(customer, kBusinessBasic, 3, "P1Y", "monthly");
  const uint64_t before = router->StateDigest();
  for (const char* method : {"GET", "POST"}) {
    auto error = CallJson(method, Path(id) + "/upgrades", method == std::string("POST") ? json::object() : json(nullptr), 400);
    EXPECT_EQ(error["code"], 800042);
    EXPECT_NE(error["description"].get<std::string>().find("transitionEligibilities"), std::string::npos);
  }
  EXPECT_EQ(router->StateDigest(), before);
}

TEST_F(SubscriptionRoutesTest, UsageSummaryOfALicenseSubscriptionIsNotSupported) {
  std::string id = Buy(customer, kBusinessBasic, 3, "P1Y", "monthly");
  EXPECT_EQ(CallJson("GET", Path(id) + "/usagesummary", nullptr, 400)["code"], 800042);
}

// A catalog in which Microsoft 365 E5 Security is an add-on of Microsoft 365 E3.
std::shared_ptr<const Catalog> CatalogWithAnAddOn() {
  std::ifstream in(std::string(PCSIM_SOURCE_DIR) + "/fixtures/catalog/default.json");
  json catalog = json::parse(in);
  for (auto& product : catalog["products"])
    if (product["id"] == "CFQ7TTC0MQ5X") {
      product["skus"][0]["isAddOn"] = true;
      product["skus"][0]["prerequisiteSkus"] = json::array({"CFQ7TTC0LFLZ:0001"});
    }
  auto built = Catalog::FromJson(catalog.dump(), "add-on-catalog.json");
  EXPECT_TRUE(built.ok()) << built.status().ToString();
  return built.ok() ? *built : nullptr;
}

TEST_F(SubscriptionRoutesTest, AddOnsAreTheSubscriptionsWhoseSkuNeedsThisOne) {
  RouterOptions options;
  options.sandbox.start = *Instant::Parse("2026-01-15T09:00:00Z");
  options.sandbox.catalog = CatalogWithAnAddOn();
  router = std::make_unique<Router>(options);
  customer = CreateCustomer();
  std::string e3 = Buy(customer, kE3, 10, "P1Y", "monthly");
  std::string basic = Buy(customer, kBusinessBasic, 2, "P1Y", "monthly");
  EXPECT_EQ(CallJson("GET", Path(e3) + "/addons")["totalCount"], 0);
  std::string security = Buy(customer, "CFQ7TTC0MQ5X:0001:CFQ7TTC0K7Q2", 10, "P1Y", "monthly");
  ASSERT_FALSE(security.empty());
  auto add_ons = CallJson("GET", Path(e3) + "/addons");
  ASSERT_EQ(add_ons["totalCount"], 1);
  EXPECT_EQ(add_ons["items"][0]["id"], security);
  EXPECT_EQ(add_ons["items"][0]["attributes"]["objectType"], "Subscription");
  EXPECT_EQ(add_ons["links"]["self"]["uri"], "/customers/" + customer + "/subscriptions/" + e3 + "/addons");
  EXPECT_EQ(CallJson("GET", Path(basic) + "/addons")["totalCount"], 0);
  EXPECT_EQ(CallJson("GET", Path(security) + "/addons")["totalCount"], 0);
}

}  // namespace
}  // namespace pcsim::api::testing
