// Whole lifecycles over real loopback HTTP, as an integration sees them:
// the purchase lifecycle to the invoice (Create a cart, Checkout a cart, Get
// invoice line items), the invoice read through the Microsoft Graph billing
// export (docs/graph-billing.md), and the
// 24-hour rule of the 2026 calendar (docs/decisions.md, section 9).
#include <gtest/gtest.h>
#include <httplib.h>
#include <nlohmann/json.hpp>

#include <memory>
#include <string>

#include "tests/integration/sample_bodies.h"
#include "simulator/api/compression.h"
#include "simulator/http/http_server.h"

namespace pcsim::http {
namespace {

using nlohmann::json;
using pcsim::testing::SampleAgreementBody;
using pcsim::testing::SampleCustomerBody;

class LoopbackLifecycleTest : public ::testing::Test {
 protected:
  void StartAt(const std::string& start) {
    api::RouterOptions options;
    options.sandbox.start = *Instant::Parse(start);
    // These tests read the v1 line items: keep v1 serving them after the v2
    // cutover (docs/graph-billing.md).
    options.sandbox.policy = Policy::Microsoft();
    EXPECT_TRUE(options.sandbox.policy->Override("reconciliation.v1KeepServing", "true").ok());
    router_ = std::make_unique<api::Router>(options);
    HttpServerOptions http;
    http.port = 0;
    server_ = std::make_unique<HttpServer>(*router_, http);
    ASSERT_TRUE(server_->Start().ok());
    client_ = std::make_unique<httplib::Client>("127.0.0.1", server_->port());
    client_->set_read_timeout(10, 0);
    client_->set_default_headers({{"Authorization", "Bearer integration-test"}});
  }

  // Sends and returns the parsed body; expects `status`.
  json Send(const std::string& method, const std::string& path, const json& body = nullptr, int status = 200) {
    std::string text = body.is_null() ? std::string() : body.dump();
    httplib::Result res = method == "GET"     ? client_->Get(path)
                          : method == "POST"  ? client_->Post(path, text, "application/json")
                          : method == "PATCH" ? client_->Patch(path, text, "application/json")
                                              : client_->Put(path, text, "application/json");
    EXPECT_TRUE(res) << method << " " << path;
    if (!res) return nullptr;
    EXPECT_EQ(res->status, status) << method << " " << path << " -> " << res->body;
    if (res->body.empty()) return nullptr;
    return json::parse(res->body, nullptr, false);
  }

  void Advance(const json& body) { Send("POST", "/_sim/clock/advance", body); }

  std::string CreateAttestedCustomer() {
    json customer = Send("POST", "/v1/customers", SampleCustomerBody("fabrikam"), 201);
    std::string id = customer["id"];
    Send("POST", "/v1/customers/" + id + "/agreements",
         SampleAgreementBody("fabrikam", Send("GET", "/_sim/clock")["now"]), 201);
    return id;
  }

  std::string BuyThroughCart(const std::string& customer, const std::string& item, int quantity, const std::string& term,
                             const std::string& billing) {
    json cart = Send("POST", "/v1/customers/" + customer + "/carts",
                     {{"LineItems", json::array({{{"Id", 0}, {"CatalogItemId", item}, {"Quantity", quantity},
                                                  {"TermDuration", term}, {"BillingCycle", billing}}})}},
                     201);
    json result = Send("POST", "/v1/customers/" + customer + "/carts/" + cart["id"].get<std::string>() + "/checkout",
                       nullptr, 201);
    EXPECT_EQ(result["orders"][0]["status"], "pending");
    std::string order = result["orders"][0]["id"];
    Advance({{"by", "PT2M"}});
    json completed = Send("GET", "/v1/customers/" + customer + "/orders/" + order);
    EXPECT_EQ(completed["status"], "completed");
    return completed["lineItems"][0]["subscriptionId"];
  }

  std::unique_ptr<api::Router> router_;
  std::unique_ptr<HttpServer> server_;
  std::unique_ptr<httplib::Client> client_;
};

TEST_F(LoopbackLifecycleTest, FromCustomerToBilledLineItems) {
  StartAt("2026-01-15T09:00:00Z");
  std::string customer = CreateAttestedCustomer();
  std::string sub_id = BuyThroughCart(customer, "CFQ7TTC0LFLZ:0001:CFQ7TTC0K5F7", 10, "P1Y", "Monthly");
  std::string path = "/v1/customers/" + customer + "/subscriptions/" + sub_id;
  json sub = Send("GET", path);
  EXPECT_EQ(sub["status"], "active");
  EXPECT_EQ(sub["quantity"], 10);

  // More seats, then a refused reduction once 168 hours have passed.
  sub["quantity"] = 12;
  EXPECT_EQ(Send("PATCH", path, sub)["quantity"], 12);
  Advance({{"by", "P8D"}});
  sub = Send("GET", path);
  sub["quantity"] = 11;
  json refused = Send("PATCH", path, sub, 400);
  EXPECT_EQ(refused["code"], 800090);
  EXPECT_EQ(refused["description"], "Subscription quantity cannot be decreased.");

  // Auto-renew off.
  sub = Send("GET", path);
  sub["autoRenewEnabled"] = false;
  EXPECT_EQ(Send("PATCH", path, sub)["autoRenewEnabled"], false);

  // January closes on 2026-02-06 into an invoice.
  Advance({{"to", "2026-02-06T01:00:00Z"}});
  json invoices = Send("GET", "/v1/invoices");
  ASSERT_EQ(invoices["totalCount"], 1);
  std::string invoice = invoices["items"][0]["id"];
  // 37.80 x 10 = 378.00; seats added 2026-01-15 (same day): 37.80 x 31/31 on 12 minus 10 -> +75.60.
  EXPECT_EQ(invoices["items"][0]["totalCharges"], 453.6);
  json lines = Send("GET", "/v1/invoices/" + invoice +
                               "/lineitems?provider=onetime&invoicelineitemtype=billinglineitems&size=2000");
  ASSERT_EQ(lines["totalCount"], 3);
  for (const json& line : lines["items"]) {
    EXPECT_EQ(line["invoiceNumber"], invoice);
    EXPECT_EQ(line["subscriptionId"], sub_id);
    EXPECT_EQ(line["billingFrequency"], "Monthly");
  }
  json unbilled = Send("GET", "/v1/invoices/unbilled/lineitems?provider=onetime&invoicelineitemtype=billinglineitems"
                              "&currencycode=USD&period=current");
  EXPECT_EQ(unbilled["totalCount"], 0);  // the February cycle charge comes on 2026-02-15
}

class TwentyFourHourRuleTest : public LoopbackLifecycleTest {
 protected:
  void SetUp() override {
    StartAt("2026-03-02T10:00:00Z");
    customer_ = CreateAttestedCustomer();
    std::string id = BuyThroughCart(customer_, "CFQ7TTC0LFLZ:0001:CFQ7TTC0K5F7", 5, "P1Y", "Monthly");
    path_ = "/v1/customers/" + customer_ + "/subscriptions/" + id;
  }
  json Actions() { return Send("GET", path_)["scheduledActions"]; }
  std::string customer_, path_;
};

TEST_F(TwentyFourHourRuleTest, AutoRenewOffBecomesAnEstActionAfter24Hours) {
  json sub = Send("GET", path_);
  sub["autoRenewEnabled"] = false;
  Send("PATCH", path_, sub);
  Advance({{"by", "PT23H"}});
  EXPECT_TRUE(Actions().empty()) << Actions().dump();
  Advance({{"by", "PT2H"}});
  json actions = Actions();
  ASSERT_EQ(actions.size(), 1u) << actions.dump();
  EXPECT_EQ(actions[0]["actionType"], "RenewToExtendedServiceTerm");
  EXPECT_EQ(actions[0]["scheduleType"], "TermEnd");
  EXPECT_EQ(Send("GET", path_)["autoRenewEnabled"], false);
}

TEST_F(TwentyFourHourRuleTest, ACancelInTheSameRequestDefusesIt) {
  json sub = Send("GET", path_);
  sub["autoRenewEnabled"] = false;
  sub["scheduledActions"] = json::array({{{"scheduleType", "TermEnd"}, {"actionType", "Cancel"}}});
  Send("PATCH", path_, sub);
  Advance({{"by", "PT25H"}});
  json actions = Actions();
  ASSERT_EQ(actions.size(), 1u);
  EXPECT_EQ(actions[0]["actionType"], "Cancel");
}

TEST_F(TwentyFourHourRuleTest, ACancelWithinTheDayDefusesIt) {
  json sub = Send("GET", path_);
  sub["autoRenewEnabled"] = false;
  Send("PATCH", path_, sub);
  Advance({{"by", "PT12H"}});
  sub = Send("GET", path_);
  sub["scheduledActions"] = json::array({{{"scheduleType", "TermEnd"}, {"actionType", "Cancel"}}});
  Send("PATCH", path_, sub);
  Advance({{"by", "PT13H"}});
  json actions = Actions();
  ASSERT_EQ(actions.size(), 1u);
  EXPECT_EQ(actions[0]["actionType"], "Cancel");
}

TEST_F(TwentyFourHourRuleTest, AMinimalPatchTurnsAutoRenewOffAndTripsTheRule) {
  // Update a subscription by ID: a body without autoRenewEnabled sets it false.
  Send("PATCH", path_, {{"friendlyName", "Finance seats"}});
  Advance({{"by", "PT25H"}});
  json actions = Actions();
  ASSERT_EQ(actions.size(), 1u);
  EXPECT_EQ(actions[0]["actionType"], "RenewToExtendedServiceTerm");
}

// The Graph export over the wire: absolute links for the host called, the
// gzip blob through the transport byte for byte, Azure Storage's XML error
// for a bad SAS token and Graph's error body.
TEST_F(LoopbackLifecycleTest, InvoiceReadThroughTheGraphExport) {
  StartAt("2026-01-15T09:00:00Z");
  std::string customer = CreateAttestedCustomer();
  BuyThroughCart(customer, "CFQ7TTC0LFLZ:0001:CFQ7TTC0K5F7", 10, "P1Y", "Monthly");
  Advance({{"to", "2026-02-07T00:00:00Z"}});
  const std::string invoice = Send("GET", "/v1/invoices")["items"][0]["id"];
  const std::string base = "http://127.0.0.1:" + std::to_string(server_->port());
  auto path_of = [&](const std::string& url) {
    EXPECT_EQ(url.rfind(base, 0), 0u) << url;
    return url.substr(base.size());
  };
  const std::string billing = "/v1.0/reports/partners/billing";
  auto started = client_->Post(billing + "/reconciliation/billed/export", json{{"invoiceId", invoice}}.dump(),
                               "application/json");
  ASSERT_TRUE(started);
  ASSERT_EQ(started->status, 202) << started->body;
  const std::string operation = path_of(started->get_header_value("Location"));
  auto running = client_->Get(operation);
  ASSERT_TRUE(running);
  EXPECT_EQ(running->get_header_value("Retry-After"), "300");
  Advance({{"by", "PT300S"}});
  json op = Send("GET", operation);
  ASSERT_EQ(op["status"], "succeeded") << op;
  json manifest = Send("GET", path_of(op["resourceLocation@odata.navigationLink"]));
  const std::string blob = path_of(manifest["rootDirectory"]) + "/" + manifest["blobs"][0]["name"].get<std::string>();

  auto res = client_->Get(blob + "?" + manifest["sasToken"].get<std::string>());
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 200);
  EXPECT_EQ(res->get_header_value("Content-Type"), "application/octet-stream");
  ASSERT_GE(res->body.size(), 2u);
  EXPECT_EQ(static_cast<unsigned char>(res->body[0]), 0x1f);  // gzip's magic number, as sent
  EXPECT_EQ(static_cast<unsigned char>(res->body[1]), 0x8b);
  auto rows = api::Gunzip(res->body, size_t{1} << 20);
  ASSERT_TRUE(rows.ok());
  json row = json::parse(rows->substr(0, rows->find('\n')));
  EXPECT_EQ(row["InvoiceNumber"], invoice);
  EXPECT_EQ(row["Total"], 378);
  EXPECT_NE(rows->find("\"UnitPrice\":37.8,"), std::string::npos);

  auto denied = client_->Get(blob + "?se=2030-01-01T00%3A00%3A00Z&sig=00");
  ASSERT_TRUE(denied);
  EXPECT_EQ(denied->status, 403);
  EXPECT_EQ(denied->get_header_value("x-ms-error-code"), "AuthenticationFailed");
  EXPECT_NE(denied->body.find("<Code>AuthenticationFailed</Code>"), std::string::npos);
  json bad = Send("POST", billing + "/reconciliation/billed/export", {{"attributeSet", "basic"}}, 400);
  EXPECT_EQ(bad["error"]["code"], "invalidRequest");
  EXPECT_EQ(Send("GET", "/beta/reports/partners/billing/operations/unknown", nullptr, 404)["error"]["code"],
            "itemNotFound");
}

}  // namespace
}  // namespace pcsim::http
