// The Azure plan on the wire: buying it through a cart, azureEntitlements,
// customer entitlements, the /_sim Azure control routes and daily rated
// usage line items with partner earned credit, against the documented samples.
#include <set>
#include <string>

#include "tests/api/api_fixture.h"

namespace pcsim::api::testing {
namespace {

using json = nlohmann::json;

constexpr const char* kAzurePlan = "DZH318Z0BPS6:0001:DZH318Z0JJ6R";
constexpr const char* kCompute = "6d5c0f2e-1b3a-4c7d-9e8f-0a1b2c3d4e01";  // 0.096 USD
constexpr const char* kUsage = "provider=onetime&invoicelineitemtype=usagelineitems";

class AzureRoutesTest : public ApiTest {
 protected:
  // Buys the Azure plan through a cart; returns the plan subscription id.
  std::string BuyPlan(const std::string& customer_id) {
    json line = {{"id", 0}, {"catalogItemId", kAzurePlan}, {"quantity", 1}, {"billingCycle", "monthly"}};
    auto cart = CallJson("POST", "/v1/customers/" + customer_id + "/carts", {{"lineItems", json::array({line})}}, 201);
    auto result = CallJson("POST", "/v1/customers/" + customer_id + "/carts/" + cart.value("id", "") + "/checkout",
                           nullptr, 201);
    Advance("PT5M");
    auto order = CallJson("GET", "/v1/customers/" + customer_id + "/orders/" + result["orders"][0].value("id", ""));
    return order["lineItems"][0].value("subscriptionId", "");
  }
  std::string PlanPath() const { return "/v1/customers/" + customer + "/subscriptions/" + plan; }
  std::string FirstAzure() { return CallJson("GET", PlanPath() + "/azureEntitlements")["items"][0].value("id", ""); }
  json Usage(const json& body, int status = 201) { return CallJson("POST", "/_sim/usage", body, status); }
  json Role(const std::string& azure, const std::string& role, int status = 200) {
    return CallJson("POST", "/_sim/azure-roles", {{"entitlement", azure}, {"role", role}, {"via", "GDAP"}}, status);
  }
  // 24 compute units on March 1 with partner earned credit (the partner is
  // Owner) and 24 on March 2 without (no role from March 2, 12:00); the clock
  // then at March 3.
  void UsageOnTwoDaysTheSecondWithoutCredit() {
    SetUpPlan();
    Role(azure, "Owner");
    Advance("2026-03-01T00:00:00Z");
    Usage({{"entitlement", azure}, {"meterId", kCompute}, {"quantity", "24"}});
    Advance("2026-03-02T12:00:00Z");
    Role(azure, "none");  // March 2 loses the credit
    Usage({{"entitlement", azure}, {"meterId", kCompute}, {"quantity", "24"}, {"date", "2026-03-02"}});
    Advance("2026-03-03T00:00:00Z");
  }
  void SetUpPlan(const std::string& start = "2026-02-28T00:00:00Z") {
    Start(start, Environment::Production, kV1KeepsServing);
    customer = CreateCustomer("US");
    plan = BuyPlan(customer);
    ASSERT_FALSE(plan.empty());
    azure = FirstAzure();
  }

  std::string customer, plan, azure;
};

TEST_F(AzureRoutesTest, AzurePlanIsListedUnderTargetViewMicrosoftAzure) {
  Start();
  json products = CallJson("GET", "/v1/products?country=US&targetView=MicrosoftAzure");
  ASSERT_EQ(products["totalCount"], 1);
  EXPECT_EQ(products["items"][0]["id"], "DZH318Z0BPS6");
  EXPECT_EQ(products["items"][0]["productType"]["id"], "Azure");
  json online = CallJson("GET", "/v1/products?country=US&targetView=OnlineServices");
  for (const auto& p : online["items"]) EXPECT_NE(p["id"], "DZH318Z0BPS6");
  json availability = CallJson("GET", "/v1/products/DZH318Z0BPS6/skus/0001/availabilities/DZH318Z0JJ6R?country=US");
  EXPECT_EQ(availability["isPurchasable"], true);
  EXPECT_EQ(availability["catalogItemId"], kAzurePlan);
}

TEST_F(AzureRoutesTest, PlanSubscriptionIsUsageBasedWithoutATerm) {
  SetUpPlan();
  json sub = CallJson("GET", PlanPath());
  EXPECT_EQ(sub["billingType"], "usage");
  EXPECT_EQ(sub["unitType"], "Usage-based");
  EXPECT_EQ(sub["termDuration"], "");
  EXPECT_EQ(sub["commitmentEndDate"], "9999-12-10T00:00:00Z");
  EXPECT_EQ(sub["autoRenewEnabled"], false);
  EXPECT_EQ(sub["offerId"], kAzurePlan);
  // No charge line for the plan itself.
  json unbilled = CallJson("GET", "/v1/invoices/unbilled/lineitems?provider=onetime&invoicelineitemtype=billinglineitems"
                                  "&currencycode=USD&period=current");
  EXPECT_EQ(unbilled["totalCount"], 0);
  // Seats and status don't change on a plan; its friendly name does.
  sub["quantity"] = 2;
  json error = CallJson("PATCH", PlanPath(), sub, 400);
  EXPECT_EQ(error["code"], 800002);
  sub["quantity"] = 1;
  sub["friendlyName"] = "Contoso Azure";
  EXPECT_EQ(CallJson("PATCH", PlanPath(), sub)["friendlyName"], "Contoso Azure");
}

TEST_F(AzureRoutesTest, SecondPlanForTheCustomerIsRefusedAtCheckout) {
  SetUpPlan();
  json line = {{"id", 0}, {"catalogItemId", kAzurePlan}, {"quantity", 1}, {"billingCycle", "monthly"}};
  auto cart = CallJson("POST", "/v1/customers/" + customer + "/carts", {{"lineItems", json::array({line})}}, 201);
  EXPECT_EQ(cart["lineItems"][0]["error"]["errorCode"], "QuotaNotAvailable");
  json error = CallJson("POST", "/v1/customers/" + customer + "/carts/" + cart.value("id", "") + "/checkout", nullptr, 403);
  EXPECT_EQ(error["code"], 800066);
  // A term on an Azure plan line is refused.
  line["termDuration"] = "P1Y";
  std::string other = CreateCustomer("US");
  auto bad = CallJson("POST", "/v1/customers/" + other + "/carts", {{"lineItems", json::array({line})}}, 201);
  EXPECT_EQ(bad["lineItems"][0]["error"]["errorCode"], "BillingPlanNotSupported");
}

TEST_F(AzureRoutesTest, DocExampleAzureEntitlementsList) {
  SetUpPlan();
  json example = DocExample("azure-entitlements-list");
  json doc = DocResponseBody(example);
  ASSERT_TRUE(doc.is_object());
  json ours = CallJson("GET", PlanPath() + "/azureEntitlements");
  ExpectDocumentedShape(doc, ours);
  ASSERT_EQ(ours["totalCount"], 1);
  EXPECT_EQ(ours["items"][0]["friendlyName"], doc["items"][0]["friendlyName"]);  // "Microsoft Azure"
  EXPECT_EQ(ours["items"][0]["status"], "active");
  EXPECT_EQ(ours["items"][0]["subscriptionId"], plan);
  EXPECT_EQ(ours["attributes"]["objectType"], "Collection");
}

TEST_F(AzureRoutesTest, AzureSubscriptionsAreAddedCancelledAndReactivated) {
  SetUpPlan();
  json added = CallJson("POST", "/_sim/azure-subscriptions", {{"plan", plan}, {"friendlyName", "Dev"}}, 201);
  std::string dev = added.value("id", "");
  EXPECT_EQ(added["friendlyName"], "Dev");
  EXPECT_EQ(CallJson("GET", PlanPath() + "/azureEntitlements")["totalCount"], 2);
  EXPECT_EQ(CallJson("GET", PlanPath() + "/azureEntitlements/" + dev)["status"], "active");

  json bad_reason = CallJson("POST", PlanPath() + "/azureEntitlements/" + dev + "/cancel", {{"cancellationReason", "bored"}}, 400);
  EXPECT_EQ(bad_reason["code"], 900307);
  json cancelled = CallJson("POST", PlanPath() + "/azureEntitlements/" + dev + "/cancel", {{"cancellationReason", "compromise"}});
  EXPECT_EQ(cancelled["status"], "inactive");
  json refused = Usage({{"entitlement", dev}, {"meterId", kCompute}, {"quantity", "1"}}, 400);
  EXPECT_NE(refused["description"].get<std::string>().find("inactive"), std::string::npos);
  Response reactivated = Call("POST", PlanPath() + "/azureEntitlements/" + dev + "/reactivate");
  EXPECT_EQ(reactivated.status, 202);
  EXPECT_EQ(CallJson("GET", PlanPath() + "/azureEntitlements/" + dev)["status"], "active");

  json missing = CallJson("GET", PlanPath() + "/azureEntitlements/00000000-0000-4000-8000-000000000000", nullptr, 404);
  EXPECT_EQ(missing["code"], 800111);
  json not_a_plan = CallJson("POST", "/_sim/azure-subscriptions", {{"plan", "nope"}}, 404);
  EXPECT_EQ(not_a_plan["code"], 20003);

  json entitlements = CallJson("GET", "/v1/customers/" + customer + "/entitlements");
  ASSERT_EQ(entitlements["totalCount"], 1);
  EXPECT_EQ(entitlements["items"][0]["productId"], "DZH318Z0BPS6");
  EXPECT_EQ(entitlements["items"][0]["quantity"], 2);
  EXPECT_EQ(entitlements["items"][0]["entitledArtifacts"].size(), 2u);
  EXPECT_EQ(CallJson("GET", "/v1/customers/" + customer + "/entitlements?entitlementType=software")["totalCount"], 0);
  CallJson("GET", "/v1/customers/" + customer + "/entitlements?entitlementType=bogus", nullptr, 400);
}

TEST_F(AzureRoutesTest, DocExampleUnbilledUsageLineItemsHaveEveryDocumentedKey) {
  SetUpPlan("2026-02-26T00:00:00Z");
  Role(azure, "Owner");  // at 00:05: February 26 earns nothing, February 27 earns the credit
  Advance("2026-02-27T00:00:00Z");
  Usage({{"entitlement", azure}, {"meterId", kCompute}, {"quantity", 24}, {"date", "2026-02-27"}});
  Advance("2026-03-02T00:00:00Z");
  json example = DocExample("invoices-unbilled-usage-lineitems");
  json doc = DocResponseBody(example);
  ASSERT_TRUE(doc.is_object());
  json ours = CallJson("GET", example["path_only"].get<std::string>());  // period=previous, currencycode=usd
  ASSERT_EQ(ours["totalCount"], 1);
  ExpectDocumentedShape(doc, ours, {"links.next"});
  const json& line = ours["items"][0];
  for (const char* key : {"partnerId", "customerId", "invoiceNumber", "productId", "skuId", "subscriptionId", "usageDate",
                          "meterId", "meterName", "unitOfMeasure", "unitPrice", "quantity", "billingPreTaxTotal",
                          "billingCurrency", "pricingPreTaxTotal", "pricingCurrency", "entitlementId",
                          "entitlementDescription", "pcToBCExchangeRate", "effectiveUnitPrice",
                          "rateOfPartnerEarnedCredit", "hasPartnerEarnedCredit", "rateOfCredit", "creditType",
                          "invoiceLineItemType", "billingProvider", "benefitType", "attributes"})
    EXPECT_TRUE(line.contains(key)) << key;
  EXPECT_EQ(line["attributes"]["objectType"], "DailyRatedUsageLineItem");
  EXPECT_EQ(line["invoiceLineItemType"], "usage_line_items");
  EXPECT_EQ(line["billingProvider"], "marketplace");
  EXPECT_EQ(line["entitlementId"], azure);
  EXPECT_EQ(line["subscriptionId"], plan);
  EXPECT_EQ(line["usageDate"], "2026-02-27T00:00:00Z");
  EXPECT_EQ(line["chargeStartDate"], "2026-02-01T00:00:00Z");
  EXPECT_EQ(line["chargeEndDate"], "2026-03-01T00:00:00Z");
  EXPECT_EQ(line["meterId"], kCompute);
  EXPECT_EQ(line["hasPartnerEarnedCredit"], true);
  Response raw = Call("GET", example["path_only"].get<std::string>());
  // Exact numbers on the wire: 0.096 x 0.85 = 0.0816; 0.0816 x 24 = 1.9584 -> 1.95.
  EXPECT_NE(raw.body.find("\"unitPrice\":0.096,"), std::string::npos) << raw.body;
  EXPECT_NE(raw.body.find("\"effectiveUnitPrice\":0.0816,"), std::string::npos);
  EXPECT_NE(raw.body.find("\"rateOfPartnerEarnedCredit\":0.15,"), std::string::npos);
  EXPECT_NE(raw.body.find("\"billingPreTaxTotal\":1.95,"), std::string::npos);
  EXPECT_NE(raw.body.find("\"pricingPreTaxTotal\":2.3,"), std::string::npos);
}

TEST_F(AzureRoutesTest, HasPartnerEarnedCreditFiltersBothWays) {
  UsageOnTwoDaysTheSecondWithoutCredit();
  const std::string base = std::string("/v1/invoices/unbilled/lineitems?") + kUsage + "&currencycode=USD&period=current";
  EXPECT_EQ(CallJson("GET", base)["totalCount"], 2);
  json with = CallJson("GET", base + "&hasPartnerEarnedCredit=true");
  ASSERT_EQ(with["totalCount"], 1);
  EXPECT_EQ(with["items"][0]["usageDate"], "2026-03-01T00:00:00Z");
  EXPECT_EQ(with["items"][0]["effectiveUnitPrice"], 0.0816);
  json without = CallJson("GET", base + "&hasPartnerEarnedCredit=false");
  ASSERT_EQ(without["totalCount"], 1);
  EXPECT_EQ(without["items"][0]["usageDate"], "2026-03-02T00:00:00Z");
  EXPECT_EQ(without["items"][0]["rateOfPartnerEarnedCredit"], 0);
  EXPECT_EQ(without["items"][0]["billingPreTaxTotal"], 2.3);
  json bad = CallJson("GET", base + "&hasPartnerEarnedCredit=maybe", nullptr, 400);
  EXPECT_EQ(bad["code"], 800002);
  CallJson("GET", "/v1/invoices/unbilled/lineitems?provider=onetime&invoicelineitemtype=billinglineitems"
                  "&currencycode=USD&period=current&hasPartnerEarnedCredit=true",
           nullptr, 400);
}

TEST_F(AzureRoutesTest, UsageLinesPageWithContinuationTokens) {
  SetUpPlan();
  for (int day = 1; day <= 5; ++day) {
    Advance("2026-03-0" + std::to_string(day) + "T00:00:00Z");
    Usage({{"entitlement", azure}, {"meterId", kCompute}, {"quantity", day}});
  }
  Advance("2026-03-06T00:00:00Z");
  const std::string base = std::string("/v1/invoices/unbilled/lineitems?") + kUsage + "&currencycode=USD&period=current";
  json first = CallJson("GET", base + "&size=2");
  ASSERT_EQ(first["totalCount"], 2);
  ASSERT_TRUE(first["links"].contains("next"));
  std::set<std::string> days;
  json page = first;
  for (int guard = 0; guard < 5; ++guard) {
    for (const auto& item : page["items"]) days.insert(item["usageDate"].get<std::string>());
    if (!page["links"].contains("next")) break;
    std::string token = page["links"]["next"]["headers"][0]["value"];
    page = CallJson("GET", base + "&size=2&seekOperation=Next", nullptr, 200, {{"MS-ContinuationToken", token}});
  }
  EXPECT_EQ(days.size(), 5u);
  json forged = CallJson("GET", base + "&size=2&seekOperation=Next", nullptr, 400, {{"MS-ContinuationToken", "v1:2:00"}});
  EXPECT_EQ(forged["code"], 800002);
}

TEST_F(AzureRoutesTest, BilledUsageIsOnTheInvoiceWithItsNumber) {
  SetUpPlan();
  Role(azure, "Contributor");
  // 24.5 hours for 3 days: lines 1.99 each; the invoice rounds the period once: 73.5 x 0.0816 = 5.9976 -> 5.99.
  for (int day = 1; day <= 3; ++day) {
    Advance("2026-03-0" + std::to_string(day) + "T00:00:00Z");
    Usage({{"entitlement", azure}, {"meterId", kCompute}, {"quantity", 24.5}});
  }
  Advance("2026-04-06T12:00:00Z");
  json invoices = CallJson("GET", "/v1/invoices");
  ASSERT_EQ(invoices["totalCount"], 1);
  std::string id = invoices["items"][0]["id"];
  Response raw = Call("GET", "/v1/invoices/" + id);
  EXPECT_NE(raw.body.find("\"totalCharges\":5.99,"), std::string::npos) << raw.body;
  json invoice = json::parse(raw.body);
  ASSERT_EQ(invoice["invoiceDetails"].size(), 2u);
  EXPECT_EQ(invoice["invoiceDetails"][1]["invoiceLineItemType"], "usage_line_items");
  json lines = CallJson("GET", "/v1" + invoice["invoiceDetails"][1]["links"]["self"]["uri"].get<std::string>());
  ASSERT_EQ(lines["totalCount"], 3);
  for (const auto& line : lines["items"]) {
    EXPECT_EQ(line["invoiceNumber"], id);
    EXPECT_EQ(line["billingPreTaxTotal"], 1.99);
  }
  EXPECT_EQ(CallJson("GET", "/v1/invoices/" + id + "/lineitems?" + kUsage + "&hasPartnerEarnedCredit=false")["totalCount"], 0);
  EXPECT_EQ(CallJson("GET", "/v1/invoices/" + id + "/lineitems/OneTime/UsageLineItems")["totalCount"], 3);
  EXPECT_EQ(CallJson("GET", std::string("/v1/invoices/unbilled/lineitems?") + kUsage +
                                "&currencycode=USD&period=previous")["totalCount"], 0);
}

TEST_F(AzureRoutesTest, BadUsageInputIsA4xxWithTheReason) {
  SetUpPlan("2026-03-10T00:00:00Z");
  auto code_of = [&](const json& body, int status) { return Usage(body, status)["code"]; };
  EXPECT_EQ(code_of({{"entitlement", "00000000-0000-4000-8000-000000000000"}, {"meterId", kCompute}, {"quantity", 1}}, 404), 800111);
  EXPECT_EQ(code_of({{"entitlement", azure}, {"meterId", "nope"}, {"quantity", 1}}, 404), 400013);
  EXPECT_EQ(code_of({{"entitlement", azure}, {"meterId", kCompute}, {"quantity", -1}}, 400), 800002);
  EXPECT_EQ(code_of({{"entitlement", azure}, {"meterId", kCompute}, {"quantity", "1e3"}}, 400), 800002);
  EXPECT_EQ(code_of({{"entitlement", azure}, {"meterId", kCompute}, {"quantity", true}}, 400), 800002);
  EXPECT_EQ(code_of({{"entitlement", azure}, {"meterId", kCompute}}, 400), 800002);
  EXPECT_EQ(code_of({{"entitlement", azure}, {"meterId", kCompute}, {"quantity", 1}, {"date", "2026-03-11"}}, 400), 800002);
  EXPECT_EQ(code_of({{"entitlement", azure}, {"meterId", kCompute}, {"quantity", 1}, {"date", "2026-03-09"}}, 400), 800002);
  EXPECT_EQ(code_of({{"entitlement", azure}, {"meterId", kCompute}, {"quantity", 1}, {"date", "yesterday"}}, 400), 800002);
  EXPECT_EQ(code_of({{"entitlement", 42}, {"meterId", kCompute}, {"quantity", 1}}, 400), 800002);
  // A quantity written as a JSON number stays exact: 0.1 + 0.2 is 0.3.
  Usage({{"entitlement", azure}, {"meterId", kCompute}, {"quantity", 0.1}});
  json day = Usage({{"entitlement", azure}, {"meterId", kCompute}, {"quantity", 0.2}});
  EXPECT_EQ(day["quantity"], 0.3);
  Response raw = Call("POST", "/_sim/usage", R"({"entitlement": ")" + azure + R"(", "meterId": ")" + kCompute +
                                                 R"(", "quantity": 0.000001})");
  EXPECT_EQ(raw.status, 201);
  EXPECT_NE(raw.body.find("\"quantity\":0.300001"), std::string::npos) << raw.body;

  EXPECT_EQ(Role(azure, "Administrator", 400)["code"], 800002);
  EXPECT_EQ(CallJson("POST", "/_sim/azure-roles", {{"entitlement", azure}, {"role", "Owner"}, {"via", "DAP"}}, 400)["code"], 800002);
  EXPECT_EQ(Role("00000000-0000-4000-8000-000000000000", "Owner", 404)["code"], 800111);
  Role(azure, "owner");
  json roles = CallJson("GET", "/_sim/azure-roles?entitlement=" + azure);
  ASSERT_EQ(roles["roles"].size(), 1u);
  EXPECT_EQ(roles["roles"][0]["role"], "Owner");
  EXPECT_EQ(roles["roles"][0]["from"], "2026-03-10T00:05:00Z");
}

TEST_F(AzureRoutesTest, SandboxEnvironmentLimitsAzureSubscriptionsPerPlan) {
  Start("2026-03-01T00:00:00Z", Environment::Sandbox, kV1KeepsServing);
  customer = CreateCustomer("US");
  plan = BuyPlan(customer);
  CallJson("POST", "/_sim/azure-subscriptions", {{"plan", plan}}, 201);
  CallJson("POST", "/_sim/azure-subscriptions", {{"plan", plan}}, 201);
  EXPECT_EQ(CallJson("POST", "/_sim/azure-subscriptions", {{"plan", plan}}, 400)["code"], 800018);
}

TEST_F(AzureRoutesTest, UsageSummaryTotalsTheMonthAsItsInvoiceWillBill) {
  UsageOnTwoDaysTheSecondWithoutCredit();
  json example = DocExample("subscription-usage-summary-azure-plan");
  json summary = CallJson("GET", PlanPath() + "/usagesummary");
  ExpectDocumentedShape(DocResponseBody(example), summary);
  EXPECT_EQ(summary["resourceId"], plan);
  EXPECT_EQ(summary["resourceName"], "Azure plan");
  EXPECT_EQ(summary["billingStartDate"], "2026-03-01T00:00:00Z");
  EXPECT_EQ(summary["billingEndDate"], "2026-04-01T00:00:00Z");
  EXPECT_EQ(summary["currencyCode"], "USD");
  // One total per Azure subscription and meter, rounded down once:
  // 24 x 0.0816 + 24 x 0.096 = 1.9584 + 2.304 = 4.2624 -> 4.26 (the two daily
  // lines rounded one by one would make 1.95 + 2.30 = 4.25).
  Response raw = Call("GET", PlanPath() + "/usagesummary");
  EXPECT_NE(raw.body.find("\"totalCost\":4.26,"), std::string::npos) << raw.body;
  EXPECT_NE(raw.body.find("\"usdTotalCost\":4.26,"), std::string::npos) << raw.body;
  EXPECT_EQ(summary["links"]["self"]["uri"], "/customers/" + customer + "/subscriptions/" + plan + "/usagesummary");
  EXPECT_EQ(summary["attributes"]["objectType"], "SubscriptionUsageSummary");
  // A new month starts from nothing.
  Advance("2026-04-01T00:00:00Z");
  EXPECT_EQ(CallJson("GET", PlanPath() + "/usagesummary")["totalCost"], 0);
}

}  // namespace
}  // namespace pcsim::api::testing
