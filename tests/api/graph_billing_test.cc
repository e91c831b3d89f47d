// Microsoft Graph partner billing exports (docs/graph-billing.md): the
// asynchronous flow (202, polling with Retry-After on the simulated clock,
// manifest, SAS-signed gzip blobs), the rows against the v1 line items of
// the same charges, the v1 cutover, partner isolation and bad input.
#include <map>
#include <set>
#include <string>
#include <vector>

#include "pcsim/client/partner_center_client.h"
#include "pcsim/client/transport.h"
#include "pcsim/gtest/builders.h"
#include "simulator/api/compression.h"
#include "tests/api/api_fixture.h"

namespace pcsim::api::testing {
namespace {

using nlohmann::json;

constexpr char kE1[] = "CFQ7TTC0LF8Q:0001:CFQ7TTC0K5DR";     // Office 365 E1, USD
constexpr char kE3[] = "CFQ7TTC0LFLZ:0001:CFQ7TTC0K5F7";     // Microsoft 365 E3, USD
constexpr char kBasic[] = "CFQ7TTC0LH18:0001:CFQ7TTC0K971";  // Business Basic, USD/EUR/GBP
constexpr char kAzurePlan[] = "DZH318Z0BPS6:0001:DZH318Z0JJ6R";
constexpr char kCompute[] = "6d5c0f2e-1b3a-4c7d-9e8f-0a1b2c3d4e01";  // 0.096 USD

HeaderList AsPartner(const std::string& tid) {
  return {{"Authorization", "Bearer " + UnsignedJwt(json{{"tid", tid}}.dump())}};
}

class GraphBillingTest : public ApiTest {
 protected:
  // A book with one January invoice: E3 monthly, Basic annual, E1 monthly
  // with a seat change, for two customers.
  void StartWithInvoice(std::vector<std::pair<std::string, std::string>> overrides = {}) {
    Start("2026-01-15T09:00:00Z", Environment::Production, std::move(overrides));
    us = CreateCustomer("US");
    // A name with characters JSON escapes: the rows must still equal v1's.
    other = CustomerNamed("Fabrikam \"Quoted\" \\ Tab\t Ltd");
    e3 = Buy(us, kE3, 10, "P1Y", "monthly");
    Buy(us, kBasic, 3, "P1Y", "annual");
    std::string e1 = Buy(other, kE1, 4, "P1M", "monthly");
    CallJson("PATCH", "/v1/customers/" + other + "/subscriptions/" + e1, {{"quantity", 6}});
    Advance("2026-02-07T00:00:00Z");
    json invoices = CallJson("GET", "/v1/invoices");
    ASSERT_EQ(invoices["items"].size(), 1u);
    invoice = invoices["items"][0].value("id", "");
  }

  std::string CustomerNamed(const std::string& name) {
    client::PartnerCenterClient partner(std::make_shared<client::InProcessTransport>(*router));
    client::NewCustomer spec = gtest::SampleCustomer(90, "US");
    spec.company_name = name;
    auto customer = partner.CreateCustomer(spec);
    EXPECT_TRUE(customer.ok()) << customer.status().ToString();
    if (!customer.ok()) return "";
    EXPECT_TRUE(partner.AcceptAgreement(customer->id, gtest::SampleAgreement(spec, router->sandbox().Now().ToString())).ok());
    return customer->id;
  }

  std::vector<json> V1Lines(const std::string& target) {
    std::vector<json> lines;
    json page = CallJson("GET", target);
    for (json& item : page["items"]) lines.push_back(std::move(item));
    EXPECT_FALSE(page["links"].contains("next")) << "the book fits one page";
    return lines;
  }

  std::string us, other, e3, invoice;
};

// The v1 key of a v2 reconciliation or usage key (camelCase, with the
// documented renames).
std::string V1Key(const std::string& v2) {
  static const std::map<std::string, std::string> renamed = {
      {"Total", "totalForCustomer"}, {"PCToBCExchangeRate", "pcToBCExchangeRate"},
      {"PCToBCExchangeRateDate", "pcToBCExchangeRateDate"}, {"BenefitID", "benefitId"},
      {"BenefitOrderID", "benefitOrderId"}, {"ResourceURI", "resourceUri"},
      {"Tier2MpnId", "resellerMpnId"}, {"Unit", "unitOfMeasure"},
      {"CreditPercentage", "rateOfCredit"}, {"PartnerEarnedCreditPercentage", "rateOfPartnerEarnedCredit"}};
  if (auto it = renamed.find(v2); it != renamed.end()) return it->second;
  std::string v1 = v2;
  v1[0] = static_cast<char>(std::tolower(static_cast<unsigned char>(v1[0])));
  return v1;
}

// Every key of each v2 row has the v1 line's value, row by row in order.
void ExpectSameCharges(const std::vector<json>& v2, const std::vector<json>& v1) {
  ASSERT_EQ(v2.size(), v1.size());
  ASSERT_FALSE(v2.empty());
  for (size_t i = 0; i < v2.size(); ++i)
    for (auto it = v2[i].begin(); it != v2[i].end(); ++it) {
      const std::string key = V1Key(it.key());
      ASSERT_TRUE(v1[i].contains(key)) << it.key();
      EXPECT_EQ(it.value(), v1[i][key]) << "row " << i << ": " << it.key();
    }
}

TEST_F(GraphBillingTest, BilledExportRunsOnTheSimulatedClockThenServesGzipRows) {
  StartWithInvoice();
  const std::string operation = Export("reconciliation/billed", {{"invoiceId", invoice}, {"attributeSet", "full"}});
  EXPECT_EQ(operation.rfind(std::string(kBilling) + "/operations/", 0), 0u) << operation;
  Response running = Call("GET", operation);
  json op = json::parse(running.body);
  EXPECT_EQ(op["@odata.type"], "#microsoft.graph.partners.billing.runningOperation");
  EXPECT_EQ(op["status"], "running");
  EXPECT_EQ(op["createdDateTime"], "2026-02-07T00:00:00");
  EXPECT_EQ(running.Header("Retry-After"), "300");  // graphExport.delaySeconds
  EXPECT_EQ(CallJson("GET", std::string(kBilling) + "/manifests/" + op["id"].get<std::string>(), nullptr, 404)
                ["error"]["code"], "itemNotFound");
  Advance("PT299S");
  EXPECT_EQ(Call("GET", operation).Header("Retry-After"), "1");
  Advance("PT1S");
  op = CallJson("GET", operation);
  EXPECT_EQ(op["@odata.type"], "#microsoft.graph.partners.billing.exportSuccessOperation");
  EXPECT_EQ(op["status"], "succeeded");
  EXPECT_EQ(op["lastActionDateTime"], "2026-02-07T00:05:00.0000000Z");
  EXPECT_EQ(op["resourceLocation"]["blobCount"], 1);
  json manifest = CallJson("GET", PathOf(op["resourceLocation@odata.navigationLink"]));
  EXPECT_EQ(manifest["dataFormat"], "compressedJSON");
  EXPECT_EQ(manifest["schemaVersion"], "1");
  EXPECT_EQ(manifest["partitionType"], "Default");
  EXPECT_EQ(manifest["partnerTenantId"], kDefaultPartnerTenantId);
  EXPECT_NE(manifest["sasToken"].get<std::string>().find("se=2026-02-07T12%3A05%3A00Z"), std::string::npos)
      << manifest["sasToken"];
  // E3 and Basic for us; E1 for the other customer, then its seat change
  // (4 seats credited, 6 charged), as the v1 line items show it.
  std::vector<json> rows = Rows(op);
  ASSERT_EQ(rows.size(), 5u);
  for (const json& row : rows) EXPECT_EQ(row["InvoiceNumber"], invoice);
  EXPECT_EQ(rows[0]["SubscriptionId"], e3);
  EXPECT_EQ(rows[0]["ChargeType"], "new");
  EXPECT_EQ(rows[0]["Quantity"], 10);
  EXPECT_EQ(rows[3]["ChargeType"], "addQuantity");
  EXPECT_EQ(rows[3]["Quantity"], 4);
  EXPECT_EQ(rows[4]["Quantity"], 6);
  // Money is written as exact decimals: E3 yearly, paid monthly, at 37.80 a
  // seat: 10 x 37.80 = 378.00; the credit of 4 x 12.00 is -48.
  Response blob = Call("GET", PathOf(manifest["rootDirectory"]) + "/" + manifest["blobs"][0]["name"].get<std::string>() +
                                  "?" + manifest["sasToken"].get<std::string>());
  std::string text = *Gunzip(blob.body, size_t{1} << 20);
  EXPECT_NE(text.find(R"("UnitPrice":37.8,"Quantity":10,"Subtotal":378,"TaxTotal":0,"Total":378,)"), std::string::npos)
      << text.substr(0, 2000);
  EXPECT_NE(text.find(R"("Subtotal":-48,)"), std::string::npos);
  EXPECT_EQ(blob.content_type, "application/octet-stream");
  EXPECT_FALSE(blob.Header("Content-Encoding").has_value());
}

TEST_F(GraphBillingTest, EveryRowEqualsTheV1LineOfTheSameCharge) {
  StartWithInvoice({{"reconciliation.v1KeepServing", "true"}});
  for (const char* set : {"full", "basic"}) {
    json op = Wait(Export("reconciliation/billed", {{"invoiceId", invoice}, {"attributeSet", set}}));
    ExpectSameCharges(Rows(op), V1Lines("/v1/invoices/" + invoice +
                                        "/lineitems?provider=onetime&invoicelineitemtype=billinglineitems"));
  }
  // Unbilled: February's charges so far (the E1 monthly renewal on February 15 is not there yet).
  Advance("2026-02-20T00:00:00Z");
  json op = Wait(Export("reconciliation/unbilled", {{"currencyCode", "USD"}, {"billingPeriod", "current"}}));
  ExpectSameCharges(Rows(op), V1Lines("/v1/invoices/unbilled/lineitems?provider=onetime&invoicelineitemtype="
                                      "billinglineitems&currencycode=USD&period=current"));
}

TEST_F(GraphBillingTest, UsageExportsEqualTheV1DailyRatedUsage) {
  Start("2026-03-01T00:00:00Z", Environment::Production, {{"reconciliation.v1KeepServing", "true"}});
  us = CreateCustomer("US");
  json line = {{"id", 0}, {"catalogItemId", kAzurePlan}, {"quantity", 1}, {"billingCycle", "monthly"}};
  json cart = CallJson("POST", "/v1/customers/" + us + "/carts", {{"lineItems", json::array({line})}}, 201);
  json order = CallJson("POST", "/v1/customers/" + us + "/carts/" + cart.value("id", "") + "/checkout", nullptr, 201);
  Advance("PT5M");
  std::string plan = CallJson("GET", "/v1/customers/" + us + "/orders/" + order["orders"][0].value("id", ""))
                         ["lineItems"][0].value("subscriptionId", "");
  std::string azure =
      CallJson("GET", "/v1/customers/" + us + "/subscriptions/" + plan + "/azureEntitlements")["items"][0].value("id", "");
  for (int day = 0; day < 3; ++day) {
    Advance("P1D");
    CallJson("POST", "/_sim/usage", {{"entitlement", azure}, {"meterId", kCompute}, {"quantity", 10.5 + day}}, 201);
  }
  Advance("P2D");
  json unbilled = Wait(Export("usage/unbilled", {{"currencyCode", "usd"}, {"billingPeriod", "current"}}));
  ExpectSameCharges(Rows(unbilled), V1Lines("/v1/invoices/unbilled/lineitems?provider=onetime&invoicelineitemtype="
                                            "usagelineitems&currencycode=USD&period=current"));
  Advance("2026-04-07T00:00:00Z");
  std::string id = CallJson("GET", "/v1/invoices")["items"][0].value("id", "");
  for (const char* set : {"full", "basic"}) {
    json billed = Wait(Export("usage/billed", {{"invoiceId", id}, {"attributeSet", set}}));
    std::vector<json> rows = Rows(billed);
    EXPECT_EQ(rows[0].size(), std::string(set) == "full" ? 54u : 30u);
    ExpectSameCharges(rows, V1Lines("/v1/invoices/" + id + "/lineitems?provider=onetime&invoicelineitemtype="
                                    "usagelineitems"));
  }
}

TEST_F(GraphBillingTest, AnUnbilledExportIsTheBookAtTheMomentOfThePost) {
  StartWithInvoice();
  Advance("2026-02-20T00:00:00Z");
  const std::string operation = Export("reconciliation/unbilled", {{"currencyCode", "USD"}, {"billingPeriod", "current"}});
  // After the POST: more seats are charged, and the month closes into an invoice.
  CallJson("PATCH", "/v1/customers/" + us + "/subscriptions/" + e3, {{"quantity", 12}});
  json op = Wait(operation);
  std::vector<json> rows = Rows(op);
  Advance("2026-03-07T00:00:00Z");
  std::vector<json> later = Rows(op);
  ASSERT_EQ(rows, later);
  for (const json& row : later) {
    EXPECT_EQ(row["InvoiceNumber"], "");
    EXPECT_NE(row["ChargeType"], "addQuantity");
  }
}

TEST_F(GraphBillingTest, RowsPerBlobSplitsAnExportIntoSeveralBlobs) {
  StartWithInvoice({{"graphExport.rowsPerBlob", "3"}, {"graphExport.delaySeconds", "0"}});
  json op = CallJson("GET", Export("reconciliation/billed", {{"invoiceId", invoice}}));
  EXPECT_EQ(op["status"], "succeeded");  // no delay: it succeeds at once
  size_t blobs = 0;
  std::vector<json> rows = Rows(op, {}, &blobs);
  EXPECT_EQ(blobs, 2u);
  EXPECT_EQ(rows.size(), 5u);
  EXPECT_EQ(rows[0].size(), 46u);  // the full set
}

TEST_F(GraphBillingTest, BlobsNeedTheManifestsUnexpiredSasToken) {
  StartWithInvoice();
  json op = Wait(Export("reconciliation/billed", {{"invoiceId", invoice}, {"attributeSet", "basic"}}));
  json manifest = CallJson("GET", PathOf(op["resourceLocation@odata.navigationLink"]));
  const std::string blob = PathOf(manifest["rootDirectory"]) + "/" + manifest["blobs"][0]["name"].get<std::string>();
  const std::string sas = manifest["sasToken"];
  auto expect_denied = [&](const std::string& target) {
    Response r = Call("GET", target);
    EXPECT_EQ(r.status, 403) << target;
    EXPECT_EQ(r.Header("x-ms-error-code"), "AuthenticationFailed");
    EXPECT_NE(r.body.find("<Code>AuthenticationFailed</Code>"), std::string::npos) << r.body;
  };
  expect_denied(blob);                                               // no token
  std::string forged = sas;
  forged.replace(forged.find("se=2026-02-07T12") + 14, 2, "23");     // a later expiry, same signature
  expect_denied(blob + "?" + forged);
  EXPECT_EQ(Call("GET", blob + "?" + sas).status, 200);
  Response missing = Call("GET", PathOf(manifest["rootDirectory"]) + "/part-00009-x.c000.json.gz?" + sas);
  EXPECT_EQ(missing.status, 404);
  EXPECT_EQ(missing.Header("x-ms-error-code"), "BlobNotFound");
  Advance("PT12H");                                                  // graphExport.sasHours
  expect_denied(blob + "?" + sas);
  // A new manifest read issues a new token.
  json again = CallJson("GET", PathOf(op["resourceLocation@odata.navigationLink"]));
  EXPECT_EQ(Call("GET", blob + "?" + again["sasToken"].get<std::string>()).status, 200);
}

TEST_F(GraphBillingTest, AnotherPartnerSeesNoExportManifestOrInvoice) {
  StartWithInvoice();
  const HeaderList stranger = AsPartner("11111111-2222-3333-4444-555555555555");
  json op = Wait(Export("reconciliation/billed", {{"invoiceId", invoice}}));
  const std::string id = op["id"];
  EXPECT_EQ(CallJson("GET", std::string(kBilling) + "/operations/" + id, nullptr, 404, stranger)["error"]["code"],
            "itemNotFound");
  EXPECT_EQ(CallJson("GET", std::string(kBilling) + "/manifests/" + id, nullptr, 404, stranger)["error"]["code"],
            "itemNotFound");
  Response r = Call("POST", std::string(kBilling) + "/reconciliation/billed/export",
                    json{{"invoiceId", invoice}}.dump(), stranger);
  EXPECT_EQ(r.status, 404);
  EXPECT_EQ(json::parse(r.body)["error"]["code"], "itemNotFound");
  // The stranger's own unbilled export has no rows of ours.
  json theirs = Wait(Export("reconciliation/unbilled", {{"currencyCode", "USD"}, {"billingPeriod", "last"}}, stranger),
                     stranger);
  EXPECT_EQ(theirs["status"], "failed");
  EXPECT_EQ(theirs["error"]["code"], "5000");
}

TEST_F(GraphBillingTest, AnInvoiceOfAPeriodBeforeV2FailsWithCode5000) {
  Start("2024-01-10T00:00:00Z");
  us = CreateCustomer("US");
  Buy(us, kE3, 2, "P1M", "monthly");
  Advance("2024-02-07T00:00:00Z");
  invoice = CallJson("GET", "/v1/invoices")["items"][0].value("id", "");
  json op = Wait(Export("reconciliation/billed", {{"invoiceId", invoice}}));
  EXPECT_EQ(op["@odata.type"], "#microsoft.graph.partners.billing.failedOperation");
  EXPECT_EQ(op["status"], "failed");
  EXPECT_EQ(op["error"]["code"], "5000");
  EXPECT_EQ(op["error"]["message"],
            "No reconciliation data available currently for Invoice " + invoice + ". Please try again later.");
  EXPECT_FALSE(op.contains("resourceLocation@odata.navigationLink"));
  // v1 serves that period, before and after the cutover.
  const std::string v1 = "/v1/invoices/" + invoice + "/lineitems?provider=onetime&invoicelineitemtype=billinglineitems";
  EXPECT_EQ(CallJson("GET", v1)["items"].size(), 1u);
  Advance("2025-05-01T00:00:00Z");
  EXPECT_EQ(CallJson("GET", v1)["items"].size(), 1u);
}

TEST_F(GraphBillingTest, V1StopsServingNewCommerceLinesAtTheCutover) {
  Start("2025-03-10T00:00:00Z");
  us = CreateCustomer("US");
  Buy(us, kE3, 2, "P1M", "monthly");
  Advance("2025-04-07T00:00:00Z");
  invoice = CallJson("GET", "/v1/invoices")["items"][0].value("id", "");
  const std::string billed = "/v1/invoices/" + invoice + "/lineitems?provider=onetime&invoicelineitemtype=";
  const std::string unbilled = "/v1/invoices/unbilled/lineitems?provider=onetime&currencycode=USD&period=current&"
                               "invoicelineitemtype=";
  EXPECT_EQ(CallJson("GET", billed + "billinglineitems")["items"].size(), 1u);  // before April 21, 2025
  Advance("2025-04-21T00:00:00Z");
  for (const std::string& target : {billed + "billinglineitems", billed + "usagelineitems",
                                    unbilled + "billinglineitems", unbilled + "usagelineitems"}) {
    json refused = CallJson("GET", target, nullptr, 400);
    EXPECT_EQ(refused["code"], 800002);
    EXPECT_NE(refused["description"].get<std::string>().find("served by the reconciliation API v2 only since 2025-04-21"),
              std::string::npos)
        << refused;
  }
  EXPECT_EQ(json::parse(Call("GET", billed + "billinglineitems").body)["description"].get<std::string>().find(
                "/v1.0/reports/partners/billing/reconciliation/billed/export") != std::string::npos,
            true);
}

TEST_F(GraphBillingTest, BadExportRequestsGetGraphErrorsAndChangeNothing) {
  StartWithInvoice();
  const uint64_t before = router->StateDigest();
  auto expect_error = [&](const std::string& kind, const std::string& body, int status, const std::string& code) {
    Response r = Call("POST", std::string(kBilling) + "/" + kind + "/export", body);
    EXPECT_EQ(r.status, status) << kind << " " << body << ": " << r.body;
    json error = json::parse(r.body, nullptr, false);
    ASSERT_TRUE(error.is_object()) << r.body;
    EXPECT_EQ(error["error"]["code"], code) << body;
    EXPECT_TRUE(error["error"]["message"].is_string());
  };
  expect_error("reconciliation/billed", "", 400, "invalidRequest");
  expect_error("reconciliation/billed", "[1]", 400, "invalidRequest");
  expect_error("reconciliation/billed", "{\"invoiceId\": ", 400, "invalidRequest");
  expect_error("reconciliation/billed", R"({"attributeSet": "full"})", 400, "invalidRequest");
  expect_error("reconciliation/billed", R"({"invoiceId": 42})", 400, "invalidRequest");
  expect_error("reconciliation/billed", R"({"invoiceId": "G1", "attributeSet": "all"})", 400, "invalidRequest");
  expect_error("reconciliation/billed", R"({"invoiceId": "G1", "extra": 1})", 400, "invalidRequest");
  expect_error("reconciliation/billed", R"({"invoiceId": "G999999999"})", 404, "itemNotFound");
  expect_error("usage/billed", R"({"invoiceId": "D123"})", 404, "itemNotFound");
  expect_error("reconciliation/unbilled", R"({"billingPeriod": "current"})", 400, "invalidRequest");
  expect_error("reconciliation/unbilled", R"({"currencyCode": "US", "billingPeriod": "current"})", 400,
               "invalidRequest");
  expect_error("reconciliation/unbilled", R"({"currencyCode": "USD", "billingPeriod": "previous"})", 400,
               "invalidRequest");
  expect_error("usage/unbilled", R"({"currencyCode": "USD"})", 400, "invalidRequest");
  EXPECT_EQ(router->StateDigest(), before);
  // Errors made before a route runs have Graph's body too.
  Response unknown = Call("GET", std::string(kBilling) + "/nothing/here");
  EXPECT_EQ(unknown.status, 404);
  EXPECT_EQ(json::parse(unknown.body)["error"]["code"], "itemNotFound");
  EXPECT_EQ(CallJson("GET", std::string(kBilling) + "/operations/nope", nullptr, 404)["error"]["code"], "itemNotFound");
}

TEST_F(GraphBillingTest, BetaServesTheSameExportsWithBetaLinks) {
  StartWithInvoice({{"graphExport.delaySeconds", "0"}});
  Response r = Call("POST", "/beta/reports/partners/billing/reconciliation/billed/export",
                    json{{"InvoiceId", invoice}, {"AttributeSet", "Full"}}.dump());  // as Microsoft's sample sends it
  ASSERT_EQ(r.status, 202) << r.body;
  const std::string operation = PathOf(*r.Header("Location"));
  EXPECT_EQ(operation.rfind("/beta/reports/partners/billing/operations/", 0), 0u);
  json op = CallJson("GET", operation);
  EXPECT_EQ(PathOf(op["resourceLocation@odata.navigationLink"]).rfind("/beta/", 0), 0u);
  EXPECT_EQ(Rows(op).size(), 5u);
}

TEST_F(GraphBillingTest, LinksAreAbsoluteForTheHostTheClientCalled) {
  StartWithInvoice({{"graphExport.delaySeconds", "0"}});
  HeaderList host = {{"Host", "127.0.0.1:8080"}};
  Response r = Call("POST", std::string(kBilling) + "/reconciliation/billed/export", json{{"invoiceId", invoice}}.dump(),
                    host);
  EXPECT_EQ(r.Header("Location").value_or("").rfind("http://127.0.0.1:8080/v1.0/reports/partners/billing/operations/", 0), 0u);
  json op = CallJson("GET", PathOf(*r.Header("Location")), nullptr, 200, host);
  EXPECT_EQ(op["resourceLocation"]["rootDirectory"].get<std::string>().rfind(
                "http://127.0.0.1:8080/_blobs/billing/v1/PartnerTenantId=", 0),
            0u);
}

TEST_F(GraphBillingTest, ExportsAreStateAReplayRebuilds) {
  StartWithInvoice();
  const uint64_t before = router->StateDigest();
  Export("reconciliation/billed", {{"invoiceId", invoice}});
  const uint64_t after = router->StateDigest();
  EXPECT_NE(before, after);
  // Reading an operation, a manifest or a blob changes nothing.
  Advance("PT5M");
  const uint64_t advanced = router->StateDigest();
  json op = Wait(Export("reconciliation/billed", {{"invoiceId", invoice}}));
  const uint64_t exported = router->StateDigest();
  Rows(op);
  EXPECT_EQ(router->StateDigest(), exported);
  EXPECT_NE(advanced, exported);
  Router replayed(router->options());
  for (const CommandRecord& command : router->History()) replayed.Replay(command);
  EXPECT_EQ(replayed.StateDigest(), router->StateDigest());
}

}  // namespace
}  // namespace pcsim::api::testing
