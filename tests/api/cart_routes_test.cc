// Carts, checkout and orders against the documented examples
// (tests/api/data/partner-center-doc-examples.json) and the simulator's rules.
//
// Covered (requests adapted to the default catalog at 2026-01-15):
//   carts-create-nce-pricing      verbatim PascalCase body; the documented item
//                                 (CFQ7TTC0LFLZ:0002:CFQ7TTC0K4TS) is replaced by
//                                 Microsoft 365 E3 CFQ7TTC0LFLZ:0001:CFQ7TTC0K5F7.
//   carts-create-attestation-participants
//                                 the documented items (CFQ7TTC0LH0Z, CFQ7TTC0LFLS)
//                                 are replaced by Business Basic and Office 365 E3;
//                                 the custom term end date by a valid month end.
//   carts-create-mixed            the documented lines are Azure, Azure RI,
//                                 perpetual software and SaaS items the license-only
//                                 catalog does not hold: the same six-line body is
//                                 sent with NCE items in their place (keeping ids,
//                                 provisioningContext and renewsTo); keys and types
//                                 are compared, not the legacy values
//                                 ("one_time"/"none" billing, orderGroup "OMS-0").
//   carts-update                  the documented bodies are not JSON (doubled brace,
//                                 missing comma): the request is rebuilt with the
//                                 documented PascalCase keys, the response is
//                                 compared after adding the missing comma. The
//                                 documented response key "ProvisioningContext" is
//                                 a typo for the camelCase key we emit.
//   carts-checkout-nce-order      full order shape, pending then completed.
//   carts-checkout-mixed          the CartCheckoutResult and order shapes; its
//                                 orders are Azure/RI/software, so values are not
//                                 compared.
//   orders-get-by-id, orders-list (its documented body misses a brace, added here),
//   orders-provisioning-status, orders-cancel-sandbox (the documented request is
//                                 sent; the documented 200 is for a perpetual
//                                 software order: new commerce answers 400 800061).
// Not covered:
//   - renewsTo on cart lines (carts-create-mixed line 5): a marketplace/SaaS trial
//     field; the simulator accepts it but does not echo it.
//   - line-level links.provisioningStatus and attributes.etag of the legacy order
//     in orders-list (legacy subscriptions; etag is optional, omitted when null).
//   - proratedPrice in order line pricing (carts-checkout-nce-order): OrderJson in
//     resources.cc does not emit it; see the disabled test at the end.
#include <regex>

#include "tests/api/api_fixture.h"

namespace pcsim::api::testing {
namespace {

constexpr char kBasic[] = "CFQ7TTC0LH18:0001:CFQ7TTC0K971";   // Microsoft 365 Business Basic
constexpr char kE3[] = "CFQ7TTC0LFLZ:0001:CFQ7TTC0K5F7";      // Microsoft 365 E3 (promotion in the catalog)
constexpr char kO365E3[] = "CFQ7TTC0LF8R:0001:CFQ7TTC0K5DM";  // Office 365 E3
constexpr char kO365E5[] = "CFQ7TTC0LF8S:0001:CFQ7TTC0K5DJ";  // Office 365 E5
constexpr char kPromotion[] = "39NFJQT1Q5KW:0001:39NFJQT1Q5KN";
// A JWT for another partner: {"alg":"none"} . {"tid":"other-partner"} . signature.
constexpr char kOtherPartnerJwt[] = "Bearer eyJhbGciOiJub25lIn0.eyJ0aWQiOiJvdGhlci1wYXJ0bmVyIn0.c2ln";

nlohmann::json Line(int id, const std::string& item, int quantity, const std::string& term, const std::string& billing) {
  return {{"id", id}, {"catalogItemId", item}, {"quantity", quantity}, {"termDuration", term}, {"billingCycle", billing}};
}

nlohmann::json CartBody(std::vector<nlohmann::json> lines) {
  nlohmann::json items = nlohmann::json::array();
  for (auto& l : lines) items.push_back(std::move(l));
  return {{"lineItems", std::move(items)}};
}

// A documented body that is not JSON, repaired by one regex replacement.
nlohmann::json RepairedDocBody(const std::string& id, const std::string& pattern, const std::string& replacement) {
  std::string text = DocExample(id).value("response_body", "");
  text = std::regex_replace(text, std::regex(pattern), replacement);
  auto j = nlohmann::json::parse(text, nullptr, false);
  EXPECT_FALSE(j.is_discarded()) << id << " could not be repaired";
  return j.is_discarded() ? nlohmann::json::object() : j;
}

void ExpectErrorBody(const nlohmann::json& body, int code) {
  EXPECT_EQ(body.value("code", 0), code) << body.dump();
  EXPECT_TRUE(body.contains("description") && body["description"].is_string()) << body.dump();
  EXPECT_TRUE(body.contains("data") && body["data"].is_array()) << body.dump();
  EXPECT_TRUE(body.contains("source")) << body.dump();
}

class CartRoutesTest : public ApiTest {
 protected:
  void SetUp() override {
    Start();
    customer = CreateCustomer();
  }

  std::string CartsPath(const std::string& c = "") { return "/v1/customers/" + (c.empty() ? customer : c) + "/carts"; }

  nlohmann::json CreateCart(const nlohmann::json& body, int status = 201, HeaderList headers = {}) {
    return CallJson("POST", CartsPath(), body, status, std::move(headers));
  }
  nlohmann::json Checkout(const std::string& cart_id, int status = 201, HeaderList headers = {}) {
    return CallJson("POST", CartsPath() + "/" + cart_id + "/checkout", nullptr, status, std::move(headers));
  }
  // Creating a cart with this body is a 400 with an error body.
  void ExpectBadCart(const std::string& raw_body, int code = 800002) {
    Response r = Call("POST", CartsPath(), raw_body);
    EXPECT_EQ(r.status, 400) << raw_body << " -> " << r.body;
    auto j = nlohmann::json::parse(r.body, nullptr, false);
    ASSERT_FALSE(j.is_discarded()) << r.body;
    ExpectErrorBody(j, code);
  }
  std::string LineError(const nlohmann::json& line) {
    return line.contains("error") ? line["error"].value("errorCode", "?") : "";
  }
  int ProvisioningSeconds() {
    return static_cast<int>(router->sandbox().policy().Int(PolicyKey::kOrderProvisioningSeconds, router->sandbox().Today()));
  }

  std::string customer;
};

using OrderRoutesTest = CartRoutesTest;

// --- documented examples -------------------------------------------------------------------------

TEST_F(CartRoutesTest, CreateNceCartWithPricingAsDocumented) {
  auto example = DocExample("carts-create-nce-pricing");
  nlohmann::json request = DocRequestBody(example);
  ASSERT_TRUE(request.is_object());
  ASSERT_TRUE(request.contains("LineItems"));  // the documented PascalCase keys, sent as they are
  request["LineItems"][0]["CatalogItemId"] = kE3;
  Response r = Call("POST", CartsPath(), request.dump());
  ASSERT_EQ(r.status, 201) << r.body;
  auto cart = nlohmann::json::parse(r.body);
  auto doc = DocResponseBody(example);
  ExpectDocumentedShape(doc, cart);
  EXPECT_EQ(cart["status"], "Active");
  EXPECT_EQ(cart["attributes"]["objectType"], "Cart");
  EXPECT_EQ(cart["links"]["self"]["uri"], "/customers/" + customer + "/carts/" + cart["id"].get<std::string>());
  EXPECT_EQ(cart["creationTimestamp"], "2026-01-15T09:00:00.0000000Z");
  EXPECT_EQ(cart["expirationTimestamp"], "2026-01-22T09:00:00.0000000Z");  // carts.expiryDays = 7
  const auto& line = cart["lineItems"][0];
  EXPECT_EQ(line["billingCycle"], "monthly");  // "Monthly" in, the wire spelling out
  EXPECT_EQ(line["termDuration"], "P1M");
  EXPECT_EQ(line["currencyCode"], "USD");
  EXPECT_EQ(line["orderGroup"], "0");
  EXPECT_EQ(line["provisioningContext"], nlohmann::json::object());
  EXPECT_FALSE(line.contains("error")) << line.dump();
  EXPECT_NE(r.body.find("\"pricing\":{\"listPrice\":43.2,\"discountedPrice\":43.2,\"proratedPrice\":43.2,"
                        "\"price\":43.2,\"extendedPrice\":43.2}"),
            std::string::npos)
      << r.body;

  // The documented pair: P1Y billed monthly, extendedPrice is the whole term (x12).
  request["LineItems"][0]["TermDuration"] = "P1Y";
  request["LineItems"][0]["Quantity"] = 2;
  Response yearly = Call("POST", CartsPath(), request.dump());
  ASSERT_EQ(yearly.status, 201) << yearly.body;
  EXPECT_NE(yearly.body.find("\"listPrice\":37.8,\"discountedPrice\":37.8,\"proratedPrice\":37.8,\"price\":37.8,"
                             "\"extendedPrice\":907.2}"),
            std::string::npos)
      << yearly.body;
}

TEST_F(CartRoutesTest, CreateCartWithAttestationAndParticipantsAsDocumented) {
  auto example = DocExample("carts-create-attestation-participants");
  nlohmann::json request = DocRequestBody(example);
  ASSERT_TRUE(request.is_object());
  request["lineItems"][0]["catalogItemId"] = kBasic;
  request["lineItems"][0]["customTermEndDate"] = "2026-01-31T00:00:00Z";  // a calendar month end inside the P1M term
  request["lineItems"][1]["catalogItemId"] = kO365E3;
  auto cart = CreateCart(request);
  auto doc = DocResponseBody(example);
  ExpectDocumentedShape(doc, cart, {"lineItems"});
  ASSERT_EQ(cart["lineItems"].size(), 2u);
  for (size_t i = 0; i < 2; ++i) {
    ExpectDocumentedShape(doc["lineItems"][i], cart["lineItems"][i]);
    EXPECT_FALSE(cart["lineItems"][i].contains("error")) << cart["lineItems"][i].dump();
    EXPECT_EQ(cart["lineItems"][i]["orderGroup"], doc["lineItems"][i]["orderGroup"]);
  }
  EXPECT_EQ(cart["lineItems"][0]["customTermEndDate"], "2026-01-31T00:00:00Z");
  EXPECT_EQ(cart["lineItems"][1]["participants"], doc["lineItems"][1]["participants"]);
  EXPECT_EQ(cart["partnerOnRecordAttestationAccepted"], true);

  // Checkout carries the reseller and the custom term end into the order.
  auto result = Checkout(cart["id"]);
  const auto& order = result["orders"][0];
  EXPECT_EQ(order["lineItems"][0]["customTermEndDate"], "2026-01-31T00:00:00Z");
  EXPECT_EQ(order["lineItems"][1]["partnerIdOnRecord"], "5357564");
}

TEST_F(CartRoutesTest, CreateMixedCartAsDocumented) {
  auto example = DocExample("carts-create-mixed");
  nlohmann::json request = DocRequestBody(example);
  ASSERT_TRUE(request.is_object());
  ASSERT_EQ(request["lineItems"].size(), 6u);
  const std::pair<const char*, const char*> replacements[] = {
      {kBasic, "monthly"},  // Microsoft Azure subscription (P1Y)
      {kO365E3, "annual"},  // Azure reservation, P1Y
      {kE3, "triennial"},   // Azure reservation, P3Y
      {kO365E5, "monthly"}, // perpetual software (no term)
      {"CFQ7TTC0RM8K:0001:CFQ7TTC0K3P1", "monthly"},  // SaaS, P1M
      {"CFQ7TTC0LGZT:0002:CFQ7TTC0K6WC", "monthly"},  // SaaS free trial, P1M (renewsTo kept)
  };
  for (size_t i = 0; i < 6; ++i) {
    request["lineItems"][i]["catalogItemId"] = replacements[i].first;
    request["lineItems"][i]["billingCycle"] = replacements[i].second;
  }
  request["lineItems"][3]["termDuration"] = "P1M";
  auto cart = CreateCart(request);
  auto doc = DocResponseBody(example);
  ExpectDocumentedShape(doc, cart, {"lineItems"});
  ASSERT_EQ(cart["lineItems"].size(), 6u);
  for (size_t i = 0; i < 6; ++i) {
    ExpectDocumentedShape(doc["lineItems"][i], cart["lineItems"][i], {"renewsTo"});
    EXPECT_EQ(cart["lineItems"][i]["id"], doc["lineItems"][i]["id"]);
    EXPECT_FALSE(cart["lineItems"][i].contains("error")) << cart["lineItems"][i].dump();
    EXPECT_EQ(cart["lineItems"][i]["orderGroup"], "0");
  }
  EXPECT_EQ(cart["lineItems"][1]["provisioningContext"], request["lineItems"][1]["provisioningContext"]);
  EXPECT_EQ(cart["lineItems"][2]["termDuration"], "P3Y");
  EXPECT_EQ(cart["lineItems"][2]["billingCycle"], "triennial");
}

TEST_F(CartRoutesTest, UpdateCartAsDocumented) {
  auto created = CreateCart(CartBody({Line(0, kBasic, 1, "P1M", "monthly")}));
  std::string id = created["id"];
  // The documented request, with its PascalCase keys, as valid JSON and an NCE item.
  nlohmann::json request = {
      {"Id", "b4c8fdea-cbe4-4d17-9576-13fcacbf9605"},
      {"CreationTimestamp", "2018-03-15T17:15:02.3840528Z"},
      {"LastModifiedTimestamp", "2018-03-15T17:15:02.3840528Z"},
      {"ExpirationTimestamp", "0001-01-01T00:00:00"},
      {"LastModifiedUser", "2713ccd7-ea3b-470a-9cfb-451d5d0482cc"},
      {"LineItems",
       {{{"Id", 0},
         {"CatalogItemId", kO365E3},
         {"FriendlyName", "A_sample_Azure_RI"},
         {"Quantity", 2},
         {"TermDuration", "P1Y"},
         {"BillingCycle", "Annual"},
         {"ProvisioningContext",
          {{"SubscriptionId", "3D5ECED6-1151-44C7-AEE6-70A4BB725666"}, {"Scope", "shared"}, {"Duration", "1Year"}}}}}}};
  Advance("PT1H");
  auto updated = CallJson("PUT", CartsPath() + "/" + id + "/", request, 201);
  auto doc = RepairedDocBody("carts-update", R"re(\}(\s*)"orderGroup")re", R"re(},$1"orderGroup")re");
  // The documented "ProvisioningContext" is the camelCase key with a typo.
  doc["lineItems"][0]["provisioningContext"] = doc["lineItems"][0]["ProvisioningContext"];
  doc["lineItems"][0].erase("ProvisioningContext");
  ExpectDocumentedShape(doc, updated);
  EXPECT_EQ(updated["id"], id);  // the path names the cart, not the body
  EXPECT_EQ(updated["creationTimestamp"], created["creationTimestamp"]);
  EXPECT_EQ(updated["expirationTimestamp"], created["expirationTimestamp"]);
  EXPECT_EQ(updated["lastModifiedTimestamp"], "2026-01-15T10:00:00.0000000Z");
  ASSERT_EQ(updated["lineItems"].size(), 1u);
  const auto& line = updated["lineItems"][0];
  EXPECT_EQ(line["friendlyName"], "A_sample_Azure_RI");
  EXPECT_EQ(line["quantity"], 2);
  EXPECT_EQ(line["billingCycle"], "annual");
  EXPECT_EQ(line["currencyCode"], "USD");
  EXPECT_EQ(line["orderGroup"], doc["lineItems"][0]["orderGroup"]);
  EXPECT_EQ(line["provisioningContext"], doc["lineItems"][0]["provisioningContext"]);
  EXPECT_EQ(CallJson("GET", CartsPath() + "/" + id), updated);
}

TEST_F(CartRoutesTest, CheckoutNceOrderAsDocumented) {
  auto cart = CreateCart(CartBody({Line(0, kO365E5, 1, "P1M", "monthly")}));
  auto result = Checkout(cart["id"]);
  ASSERT_EQ(result["orders"].size(), 1u) << result.dump();
  EXPECT_EQ(result["orderErrors"], nlohmann::json::array());
  auto doc = DocResponseBody(DocExample("carts-checkout-nce-order"));
  ASSERT_TRUE(doc.is_object());
  const auto order = result["orders"][0];
  // Pending: the subscription id appears once provisioning completed; proratedPrice: see the header.
  ExpectDocumentedShape(doc, order, {"lineItems[0].subscriptionId", "lineItems[0].pricing.proratedPrice"});
  EXPECT_FALSE(order["lineItems"][0].contains("subscriptionId"));
  std::string oid = order["id"];
  EXPECT_TRUE(std::regex_match(oid, std::regex("[0-9a-f]{12}"))) << oid;
  EXPECT_EQ(order["alternateId"], oid);
  EXPECT_EQ(order["referenceCustomerId"], customer);
  for (const char* key : {"billingCycle", "currencyCode", "currencySymbol", "status", "transactionType", "client", "attributes"})
    EXPECT_EQ(order[key], doc[key]) << key;
  const auto& line = order["lineItems"][0];
  for (const char* key : {"lineItemNumber", "termDuration", "transactionType", "quantity"})
    EXPECT_EQ(line[key], doc["lineItems"][0][key]) << key;
  EXPECT_EQ(line["offerId"], kO365E5);
  EXPECT_EQ(line["links"]["product"]["uri"], "/products/CFQ7TTC0LF8S?country=US");
  EXPECT_EQ(line["links"]["sku"]["uri"], "/products/CFQ7TTC0LF8S/skus/0001?country=US");
  EXPECT_EQ(line["links"]["availability"]["uri"], "/products/CFQ7TTC0LF8S/skus/0001/availabilities/CFQ7TTC0K5DJ?country=US");
  std::string self = "/customers/" + customer + "/orders/" + oid;
  EXPECT_EQ(order["links"]["self"]["uri"], self);
  EXPECT_EQ(order["links"]["provisioningStatus"]["uri"], self + "/provisioningstatus");
  EXPECT_EQ(order["links"]["patchOperation"]["uri"], self);
  EXPECT_EQ(order["links"]["patchOperation"]["method"], "PATCH");
  EXPECT_EQ(order["totalPrice"], 45.6);

  // After the provisioning delay the order is completed and names its subscription.
  Advance("PT" + std::to_string(ProvisioningSeconds()) + "S");
  auto completed = CallJson("GET", "/v1/customers/" + customer + "/orders/" + oid);
  ExpectDocumentedShape(doc, completed, {"lineItems[0].pricing.proratedPrice"});
  EXPECT_EQ(completed["status"], "completed");
  EXPECT_TRUE(completed["lineItems"][0]["subscriptionId"].is_string());
}

TEST_F(CartRoutesTest, CheckoutResultAsDocumented) {
  auto cart = CreateCart(CartBody({Line(0, kBasic, 1, "P1Y", "monthly"), Line(1, kO365E3, 3, "P1Y", "annual"),
                                   Line(2, kO365E5, 2, "P1M", "monthly")}));
  auto result = Checkout(cart["id"]);
  auto doc = DocResponseBody(DocExample("carts-checkout-mixed"));
  ASSERT_TRUE(doc.is_object());
  ExpectDocumentedShape(doc, result, {"orders"});
  ASSERT_EQ(result["orders"].size(), 1u);  // one order group: every line is a license line
  const auto& order = result["orders"][0];
  // Documented orders 1 and 2 are pending like ours (order 0 is a completed Azure order).
  for (size_t i = 1; i < doc["orders"].size(); ++i) ExpectDocumentedShape(doc["orders"][i], order);
  ExpectDocumentedShape(doc["orders"][0], order, {"lineItems[0].subscriptionId"});
  ASSERT_EQ(order["lineItems"].size(), 3u);
  for (int i = 0; i < 3; ++i) EXPECT_EQ(order["lineItems"][i]["lineItemNumber"], i);
  EXPECT_EQ(order["status"], "pending");
  EXPECT_EQ(order["transactionType"], "UserPurchase");
  EXPECT_EQ(result["orderErrors"], nlohmann::json::array());
  EXPECT_EQ(CallJson("GET", CartsPath() + "/" + cart["id"].get<std::string>())["status"], "Ordered");
}

TEST_F(OrderRoutesTest, GetOrderByIdAsDocumented) {
  auto cart = CreateCart(CartBody({Line(0, kBasic, 1, "P1M", "monthly")}));
  std::string oid = Checkout(cart["id"])["orders"][0]["id"];
  Advance("PT5M");
  auto order = CallJson("GET", "/v1/customers/" + customer + "/orders/" + oid);
  auto doc = DocResponseBody(DocExample("orders-get-by-id"));
  ASSERT_TRUE(doc.is_object());
  ExpectDocumentedShape(doc, order);
  EXPECT_EQ(order["status"], doc["status"]);  // "completed"
  EXPECT_EQ(order["attributes"], doc["attributes"]);
  EXPECT_EQ(order["links"]["provisioningStatus"]["uri"], "/customers/" + customer + "/orders/" + oid + "/provisioningstatus");
  // Order ids are read case-insensitively.
  std::string upper = oid;
  for (char& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  EXPECT_EQ(CallJson("GET", "/v1/customers/" + customer + "/orders/" + upper)["id"], oid);
  ExpectErrorBody(CallJson("GET", "/v1/customers/" + customer + "/orders/000000000000", nullptr, 404), 20000);
  // An order of another customer of the same partner is not found under this one.
  std::string other = CreateCustomer();
  ExpectErrorBody(CallJson("GET", "/v1/customers/" + other + "/orders/" + oid, nullptr, 404), 20000);
}

TEST_F(OrderRoutesTest, ListOrdersAsDocumented) {
  std::string first = Checkout(CreateCart(CartBody({Line(0, kBasic, 1, "P1M", "monthly")}))["id"])["orders"][0]["id"];
  Advance("PT5M");
  std::string second = Checkout(CreateCart(CartBody({Line(0, kO365E3, 2, "P1Y", "annual")}))["id"])["orders"][0]["id"];
  auto list = CallJson("GET", "/v1/customers/" + customer + "/orders");
  auto doc = RepairedDocBody("orders-list", R"re((\}\s*\n)(\s*\],\s*\n\s*"creationDate": "2018-03-06))re", "$1}\n$2");
  ASSERT_EQ(doc["items"].size(), 2u);
  ExpectDocumentedShape(doc, list, {"items"});
  ASSERT_EQ(list["totalCount"], 2);
  ASSERT_EQ(list["items"].size(), 2u);
  EXPECT_EQ(list["items"][0]["id"], first);
  EXPECT_EQ(list["items"][1]["id"], second);
  // Documented item 0 is pending, item 1 completed: compare each with ours of that status.
  EXPECT_EQ(list["items"][1]["status"], doc["items"][0]["status"]);
  EXPECT_EQ(list["items"][0]["status"], doc["items"][1]["status"]);
  ExpectDocumentedShape(doc["items"][0], list["items"][1]);
  ExpectDocumentedShape(doc["items"][1], list["items"][0],
                        {"lineItems[0].links.provisioningStatus", "attributes.etag"});
  EXPECT_EQ(list["links"]["self"]["uri"], "/customers/" + customer + "/orders");
  EXPECT_EQ(list["attributes"]["objectType"], "Collection");

  EXPECT_EQ(CallJson("GET", "/v1/customers/" + customer + "/orders?billingType=license")["totalCount"], 2);
  EXPECT_EQ(CallJson("GET", "/v1/customers/" + customer + "/orders?billingType=Usage")["totalCount"], 0);
  ExpectErrorBody(CallJson("GET", "/v1/customers/" + customer + "/orders?billingType=bogus", nullptr, 400), 900126);
  EXPECT_EQ(CallJson("GET", "/v1/customers/" + CreateCustomer() + "/orders")["totalCount"], 0);
}

TEST_F(OrderRoutesTest, ProvisioningStatusAsDocumented) {
  std::string oid = Checkout(CreateCart(CartBody({Line(0, kBasic, 1, "P1M", "monthly")}))["id"])["orders"][0]["id"];
  std::string path = "/v1/customers/" + customer + "/orders/" + oid + "/provisioningstatus";
  auto pending = CallJson("GET", path);
  ASSERT_EQ(pending["totalCount"], 1);
  EXPECT_EQ(pending["items"][0]["status"], "PrefulfillmentPending");
  EXPECT_EQ(pending["items"][0]["quantityProvisioningInformation"][0]["status"], "PrefulfillmentPending");

  Advance("PT" + std::to_string(ProvisioningSeconds()) + "S");
  auto done = CallJson("GET", path);
  auto doc = DocResponseBody(DocExample("orders-provisioning-status"));
  ASSERT_TRUE(doc.is_object());
  ExpectDocumentedShape(doc, done);
  EXPECT_EQ(done["items"][0]["orderLineItemId"], doc["items"][0]["orderLineItemId"]);
  EXPECT_EQ(done["items"][0]["lineItemNumber"], doc["items"][0]["lineItemNumber"]);
  EXPECT_EQ(done["items"][0]["status"], doc["items"][0]["status"]);
  EXPECT_EQ(done["items"][0]["quantityProvisioningInformation"], doc["items"][0]["quantityProvisioningInformation"]);
  EXPECT_EQ(done["attributes"], doc["attributes"]);
  ExpectErrorBody(CallJson("GET", "/v1/customers/" + customer + "/orders/000000000000/provisioningstatus", nullptr, 404),
                  20000);
}

TEST_F(OrderRoutesTest, CancelOrderAsDocumentedIsRefusedForNewCommerce) {
  for (Environment env : {Environment::Production, Environment::Sandbox}) {
    Start("2026-01-15T09:00:00Z", env);
    customer = CreateCustomer();
    std::string oid = Checkout(CreateCart(CartBody({Line(0, kBasic, 1, "P1M", "monthly")}))["id"])["orders"][0]["id"];
    auto example = DocExample("orders-cancel-sandbox");
    nlohmann::json request = DocRequestBody(example);
    ASSERT_TRUE(request.is_object());
    request["id"] = oid;
    auto error = CallJson("PATCH", "/v1/customers/" + customer + "/orders/" + oid, request, 400);
    ExpectErrorBody(error, 800061);
    // The order is untouched (the documented response is an Order; ours stays pending).
    auto order = CallJson("GET", "/v1/customers/" + customer + "/orders/" + oid);
    EXPECT_EQ(order["status"], "pending");
    ExpectDocumentedShape(DocResponseBody(example), order, {"lineItems[0].links"});
    ExpectErrorBody(CallJson("PATCH", "/v1/customers/" + customer + "/orders/" + oid,
                             nlohmann::json{{"status", "completed"}}, 400), 800002);
    ExpectErrorBody(CallJson("PATCH", "/v1/customers/" + customer + "/orders/000000000000", request, 404), 20000);
  }
}

// --- behaviour ------------------------------------------------------------------------------------

TEST_F(CartRoutesTest, CartExpiresAfterSevenSimulatedDays) {
  auto early = CreateCart(CartBody({Line(0, kBasic, 1, "P1M", "monthly")}));
  auto late = CreateCart(CartBody({Line(0, kO365E3, 1, "P1M", "monthly")}));
  Advance("P6DT23H59M");
  Checkout(early["id"]);  // still inside the seven days
  Advance("PT1M");        // exactly seven days after creation
  ExpectErrorBody(Checkout(late["id"], 400), 800008);
  auto got = CallJson("GET", CartsPath() + "/" + late["id"].get<std::string>());
  EXPECT_EQ(got["status"], "Active");  // an expired cart can still be read
  ExpectErrorBody(CallJson("PUT", CartsPath() + "/" + late["id"].get<std::string>(),
                           CartBody({Line(0, kBasic, 1, "P1M", "monthly")}), 400),
                  800008);
}

TEST_F(CartRoutesTest, CheckingOutTwiceIs800065) {
  auto cart = CreateCart(CartBody({Line(0, kBasic, 1, "P1M", "monthly")}));
  std::string id = cart["id"];
  Checkout(id);
  ExpectErrorBody(Checkout(id, 400), 800065);
  auto got = CallJson("GET", CartsPath() + "/" + id);
  EXPECT_EQ(got["status"], "Ordered");
  ExpectErrorBody(CallJson("PUT", CartsPath() + "/" + id, CartBody({Line(0, kBasic, 1, "P1M", "monthly")}), 400), 800065);
  EXPECT_EQ(CallJson("GET", "/v1/customers/" + customer + "/orders")["totalCount"], 1);

  // A checkout retried with the same MS-RequestId replays the first result.
  auto again = CreateCart(CartBody({Line(0, kO365E3, 1, "P1M", "monthly")}));
  HeaderList retry = {{"MS-RequestId", "5b4b4d3c-1111-4222-8333-944455556666"}};
  auto a = Checkout(again["id"], 201, retry);
  auto b = Checkout(again["id"], 201, retry);
  EXPECT_EQ(a, b);
  EXPECT_EQ(CallJson("GET", "/v1/customers/" + customer + "/orders")["totalCount"], 2);
}

TEST_F(CartRoutesTest, InvalidLinesCarryAnError) {
  auto body = CartBody({
      Line(0, "NOSUCHPRODUCT:0001:NOSUCHAVAIL", 1, "P1M", "monthly"),
      Line(1, kBasic, 301, "P1M", "monthly"),
      Line(2, kBasic, 1, "P3Y", "monthly"),
      Line(3, kBasic, 1, "P1M", "annual"),
      Line(4, kBasic, 1, "P2Y", "monthly"),
      Line(5, kBasic, 1, "P1M", "monthly"),
      Line(6, kE3, 1, "P1Y", "monthly"),
      Line(7, kBasic, 1, "P1M", "monthly"),
      Line(8, "CFQ7TTC0LHPV:0001:CFQ7TTC0K4N6", 1, "P1M", "monthly"),
      Line(9, kE3, 2, "P1Y", "monthly"),
  });
  body["lineItems"][5]["promotionId"] = "NOSUCHPROMO";
  body["lineItems"][6]["promotionId"] = kPromotion;
  body["lineItems"][7]["customTermEndDate"] = "2026-02-10T00:00:00Z";  // neither a month end nor a subscription's end
  body["lineItems"][9]["promotionId"] = kPromotion;
  body["lineItems"][9]["termDuration"] = "P1M";  // the promotion holds for P1Y/P3Y only
  Response r = Call("POST", CartsPath(), body.dump());
  ASSERT_EQ(r.status, 201) << r.body;
  auto cart = nlohmann::json::parse(r.body);
  const auto& lines = cart["lineItems"];
  EXPECT_EQ(LineError(lines[0]), "CatalogItemIdIsNotValid");
  EXPECT_EQ(LineError(lines[1]), "MaxAllowedSeatsPerSubscriptionExceeded");
  EXPECT_EQ(LineError(lines[2]), "BillingPlanNotSupported");
  EXPECT_EQ(LineError(lines[3]), "BillingPlanNotSupported");
  EXPECT_EQ(LineError(lines[4]), "BillingPlanNotSupported");
  EXPECT_EQ(LineError(lines[5]), "InvalidPromotionId");
  EXPECT_EQ(LineError(lines[6]), "") << lines[6].dump();
  EXPECT_EQ(LineError(lines[7]), "InvalidCustomTermEndDate");
  EXPECT_EQ(LineError(lines[8]), "UnableToProcessCartLineItem");
  EXPECT_EQ(LineError(lines[9]), "InvalidPromotionId");
  for (const auto& line : lines) {
    EXPECT_EQ(line["currencyCode"], "USD");
    if (line.contains("error")) {
      EXPECT_TRUE(line["error"]["errorDescription"].is_string());
      EXPECT_FALSE(line.contains("pricing")) << line.dump();
    }
  }
  // The promotion lowers the price: 37.80 x 0.85 = 32.13, x 12 cycles.
  EXPECT_NE(r.body.find("\"promotionId\":\"39NFJQT1Q5KW:0001:39NFJQT1Q5KN\",\"provisioningContext\":{},\"orderGroup\":\"0\","
                        "\"pricing\":{\"listPrice\":37.8,\"discountedPrice\":32.13,\"proratedPrice\":32.13,"
                        "\"price\":32.13,\"extendedPrice\":385.56}"),
            std::string::npos)
      << r.body;

  // A checkout of a cart with an unknown item fails as a whole.
  auto bad = CreateCart(CartBody({Line(0, "NOSUCHPRODUCT:0001:NOSUCHAVAIL", 1, "P1M", "monthly")}));
  ExpectErrorBody(Checkout(bad["id"], 404), 400019);
  auto too_many = CreateCart(CartBody({Line(0, kBasic, 301, "P1M", "monthly")}));
  ExpectErrorBody(Checkout(too_many["id"], 400), 900275);
  EXPECT_EQ(CallJson("GET", CartsPath() + "/" + too_many["id"].get<std::string>())["status"], "Active");
}

TEST_F(CartRoutesTest, SandboxQuotaIsALineError) {
  Start("2026-01-15T09:00:00Z", Environment::Sandbox);
  customer = CreateCustomer();
  auto cart = CreateCart(CartBody({Line(0, kO365E3, 26, "P1M", "monthly"), Line(1, kO365E3, 25, "P1M", "monthly")}));
  EXPECT_EQ(LineError(cart["lineItems"][0]), "SandboxLimitExceeded");
  EXPECT_EQ(LineError(cart["lineItems"][1]), "");
}

TEST_F(CartRoutesTest, MalformedBodiesAre400) {
  ExpectBadCart("not json", 900126);
  ExpectBadCart("[]", 900126);
  ExpectBadCart("{}");
  ExpectBadCart(R"({"lineItems": {}})");
  ExpectBadCart(R"({"lineItems": []})");
  ExpectBadCart(R"({"lineItems": [1]})");
  ExpectBadCart(R"({"lineItems": [{"quantity": 1, "termDuration": "P1M", "billingCycle": "monthly"}]})");
  ExpectBadCart(R"({"lineItems": [{"catalogItemId": "", "quantity": 1}]})");
  ExpectBadCart(R"({"lineItems": [{"catalogItemId": 42, "quantity": 1}]})");
  const std::string item = std::string("\"catalogItemId\": \"") + kBasic + "\"";
  ExpectBadCart(R"({"lineItems": [{)" + item + R"(, "termDuration": "P1M", "billingCycle": "monthly"}]})");
  for (const char* quantity : {"0", "-1", "\"1\"", "1.5", "true", "99999999999", "null"})
    ExpectBadCart(R"({"lineItems": [{)" + item + R"(, "quantity": )" + quantity +
                  R"(, "termDuration": "P1M", "billingCycle": "monthly"}]})");
  ExpectBadCart(R"({"lineItems": [{)" + item + R"(, "quantity": 1, "termDuration": "P1M", "billingCycle": "weekly"}]})",
                900126);
  ExpectBadCart(R"({"lineItems": [{)" + item + R"(, "quantity": 1, "termDuration": 12, "billingCycle": "monthly"}]})");
  ExpectBadCart(R"({"lineItems": [{)" + item + R"(, "quantity": 1, "billingCycle": ["monthly"]}]})");
  ExpectBadCart(R"({"lineItems": [{)" + item + R"(, "quantity": 1, "provisioningContext": "x"}]})");
  ExpectBadCart(R"({"lineItems": [{)" + item + R"(, "quantity": 1, "provisioningContext": {"scope": 1}}]})");
  ExpectBadCart(R"({"lineItems": [{)" + item + R"(, "quantity": 1, "participants": {}}]})");
  ExpectBadCart(R"({"lineItems": [{)" + item + R"(, "quantity": 1, "participants": [{"key": "x", "value": "1"}]}]})");
  ExpectBadCart(R"({"lineItems": [{)" + item + R"(, "quantity": 1, "participants": [{"key": "transaction_reseller"}]}]})");
  ExpectBadCart(R"({"lineItems": [{)" + item + R"(, "quantity": 1, "customTermEndDate": "tomorrow"}]})");
  ExpectBadCart(R"({"lineItems": [{)" + item + R"(, "quantity": 1, "attestationAccepted": "yes"}]})");
  ExpectBadCart(R"({"lineItems": [{)" + item + R"(, "quantity": 1, "id": -1}]})");
  ExpectBadCart(R"({"lineItems": [{)" + item + R"(, "quantity": 1, "id": 0}, {)" + item + R"(, "quantity": 1, "id": 0}]})");
  ExpectBadCart(R"({"PartnerOnRecordAttestationAccepted": "true", "lineItems": [{)" + item + R"(, "quantity": 1}]})");
  ExpectBadCart(std::string(200, '[') + std::string(200, ']'), 900126);
  // Missing term or billing is a line error, not a 400.
  auto cart = CreateCart(nlohmann::json{{"lineItems", {{{"catalogItemId", kBasic}, {"quantity", 1}}}}});
  EXPECT_EQ(LineError(cart["lineItems"][0]), "InvalidInput");
  EXPECT_EQ(cart["lineItems"][0]["id"], 0);
}

TEST_F(CartRoutesTest, RequestKeysAndEnumsAreCaseInsensitive) {
  nlohmann::json body = {{"LINEITEMS",
                          {{{"ID", "7"}, {"catalogitemid", kBasic}, {"QUANTITY", 3}, {"termduration", "p1y"},
                            {"BILLINGCYCLE", "ANNUAL"}, {"FriendlyName", "Head office"},
                            {"Participants", {{{"Key", "TRANSACTION_RESELLER"}, {"Value", "1234567"}}}}}}}};
  auto cart = CreateCart(body);
  const auto& line = cart["lineItems"][0];
  EXPECT_EQ(line["id"], 7);
  EXPECT_EQ(line["termDuration"], "P1Y");
  EXPECT_EQ(line["billingCycle"], "annual");
  EXPECT_EQ(line["friendlyName"], "Head office");
  EXPECT_EQ(line["participants"], (nlohmann::json{{{"key", "transaction_reseller"}, {"value", "1234567"}}}));
  EXPECT_FALSE(line.contains("error")) << line.dump();
  // "one_time" and "OneTime" are the same enum value; neither fits a license term.
  for (const char* billing : {"one_time", "OneTime"}) {
    auto c = CreateCart(CartBody({Line(0, kBasic, 1, "P1M", billing)}));
    EXPECT_EQ(c["lineItems"][0]["billingCycle"], "one_time");
    EXPECT_EQ(LineError(c["lineItems"][0]), "BillingPlanNotSupported");
  }
  // The cart id is read case-insensitively.
  std::string id = cart["id"];
  std::string upper = id;
  for (char& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  EXPECT_EQ(CallJson("GET", CartsPath() + "/" + upper)["id"], id);
}

TEST_F(CartRoutesTest, PostWithTheSameRequestIdReturnsTheSameCart) {
  auto body = CartBody({Line(0, kBasic, 1, "P1M", "monthly")});
  HeaderList same = {{"MS-RequestId", "0f9d7a1e-2b3c-4d5e-8f60-718293a4b5c6"}};
  auto first = CreateCart(body, 201, same);
  auto second = CreateCart(body, 201, same);
  EXPECT_EQ(first["id"], second["id"]);
  EXPECT_EQ(first, second);
  auto third = CreateCart(body, 201, {{"MS-RequestId", "1f9d7a1e-2b3c-4d5e-8f60-718293a4b5c6"}});
  EXPECT_NE(third["id"], first["id"]);
  auto fourth = CreateCart(body);
  EXPECT_NE(fourth["id"], third["id"]);
}

TEST_F(CartRoutesTest, CustomerOfAnotherPartnerIs404) {
  auto cart = CreateCart(CartBody({Line(0, kBasic, 1, "P1M", "monthly")}));
  std::string id = cart["id"];
  std::string oid = Checkout(CreateCart(CartBody({Line(0, kO365E3, 1, "P1M", "monthly")}))["id"])["orders"][0]["id"];
  HeaderList other = {{"Authorization", kOtherPartnerJwt}};
  std::string base = "/v1/customers/" + customer;
  auto body = CartBody({Line(0, kBasic, 1, "P1M", "monthly")}).dump();
  for (auto [method, path] : std::vector<std::pair<std::string, std::string>>{
           {"POST", base + "/carts"},
           {"GET", base + "/carts/" + id},
           {"PUT", base + "/carts/" + id},
           {"POST", base + "/carts/" + id + "/checkout"},
           {"GET", base + "/orders"},
           {"GET", base + "/orders/" + oid},
           {"GET", base + "/orders/" + oid + "/provisioningstatus"},
           {"PATCH", base + "/orders/" + oid}}) {
    Response r = Call(method, path, method == "GET" ? "" : body, other);
    EXPECT_EQ(r.status, 404) << method << " " << path << " -> " << r.body;
  }
  // Unknown customers too.
  Response r = Call("POST", "/v1/customers/00000000-0000-0000-0000-000000000000/carts", body);
  EXPECT_EQ(r.status, 404) << r.body;
  // The cart is untouched and still the partner's.
  EXPECT_EQ(CallJson("GET", CartsPath() + "/" + id)["status"], "Active");
}

TEST_F(CartRoutesTest, UnknownCartIs800008) {
  std::string missing = "/00000000-0000-0000-0000-000000000000";
  ExpectErrorBody(CallJson("GET", CartsPath() + missing, nullptr, 404), 800008);
  ExpectErrorBody(CallJson("PUT", CartsPath() + missing, CartBody({Line(0, kBasic, 1, "P1M", "monthly")}), 404), 800008);
  ExpectErrorBody(CallJson("POST", CartsPath() + missing + "/checkout", nullptr, 404), 800008);
  // A cart belongs to its customer.
  auto cart = CreateCart(CartBody({Line(0, kBasic, 1, "P1M", "monthly")}));
  std::string other = CreateCustomer();
  ExpectErrorBody(CallJson("GET", CartsPath(other) + "/" + cart["id"].get<std::string>(), nullptr, 404), 800008);
  ExpectErrorBody(CallJson("POST", CartsPath(other) + "/" + cart["id"].get<std::string>() + "/checkout", nullptr, 404),
                  800008);
}

TEST_F(CartRoutesTest, CheckoutWithoutMcaIs13605) {
  // A customer without the MCA attestation.
  nlohmann::json address = {{"FirstName", "Ada"}, {"LastName", "Lovelace"}, {"AddressLine1", "1 Main Street"},
                            {"City", "Redmond"}, {"State", "WA"}, {"PostalCode", "98052"}, {"Country", "US"}};
  nlohmann::json body = {{"CompanyProfile", {{"Domain", "nomca.onmicrosoft.com"}}},
                         {"BillingProfile",
                          {{"Culture", "en-US"}, {"Email", "admin@nomca.example"}, {"Language", "en"},
                           {"CompanyName", "No MCA"}, {"DefaultAddress", address}}}};
  std::string id = CallJson("POST", "/v1/customers", body, 201)["id"];
  auto cart = CallJson("POST", CartsPath(id), CartBody({Line(0, kBasic, 1, "P1M", "monthly")}), 201);
  EXPECT_FALSE(cart["lineItems"][0].contains("error")) << "the attestation is checked at checkout";
  std::string checkout = CartsPath(id) + "/" + cart["id"].get<std::string>() + "/checkout";
  ExpectErrorBody(CallJson("POST", checkout, nullptr, 403), 13605);
  EXPECT_EQ(CallJson("GET", CartsPath(id) + "/" + cart["id"].get<std::string>())["status"], "Active");
  nlohmann::json agreement = {{"primaryContact", {{"firstName", "Ada"}, {"lastName", "Lovelace"}, {"email", "ada@nomca.example"}}},
                              {"templateId", "117a77b0-9360-443b-8795-c6dedc750cf9"},
                              {"dateAgreed", router->sandbox().Now().ToString()},
                              {"type", "MicrosoftCustomerAgreement"}};
  CallJson("POST", "/v1/customers/" + id + "/agreements", agreement, 201);
  auto result = CallJson("POST", checkout, nullptr, 201);
  EXPECT_EQ(result["orders"].size(), 1u);
}

TEST_F(OrderRoutesTest, OrderIsPendingUntilTheProvisioningDelay) {
  auto result = Checkout(CreateCart(CartBody({Line(0, kBasic, 2, "P1Y", "annual")}))["id"]);
  std::string oid = result["orders"][0]["id"];
  std::string path = "/v1/customers/" + customer + "/orders/" + oid;
  EXPECT_EQ(result["orders"][0]["status"], "pending");
  Advance("PT" + std::to_string(ProvisioningSeconds() - 1) + "S");
  auto still = CallJson("GET", path);
  EXPECT_EQ(still["status"], "pending");
  EXPECT_FALSE(still["lineItems"][0].contains("subscriptionId"));
  Advance("PT1S");
  auto done = CallJson("GET", path);
  EXPECT_EQ(done["status"], "completed");
  ASSERT_TRUE(done["lineItems"][0]["subscriptionId"].is_string());
  EXPECT_EQ(done["lineItems"][0]["links"]["subscription"]["uri"],
            "/customers/" + customer + "/subscriptions/" + done["lineItems"][0]["subscriptionId"].get<std::string>());
  EXPECT_EQ(done["billingCycle"], "annual");
  EXPECT_EQ(done["lineItems"][0]["termDuration"], "P1Y");
  EXPECT_EQ(done["totalPrice"], 144);
}

// OrderJson (simulator/api/resources.cc) leaves proratedPrice out of the line
// pricing the documented NCE checkout shows. Enable once it is emitted.
TEST_F(OrderRoutesTest, OrderLinePricingCarriesProratedPrice) {
  auto result = Checkout(CreateCart(CartBody({Line(0, kO365E5, 1, "P1M", "monthly")}))["id"]);
  auto doc = DocResponseBody(DocExample("carts-checkout-nce-order"));
  ExpectDocumentedShape(doc["lineItems"][0]["pricing"], result["orders"][0]["lineItems"][0]["pricing"]);
}

// --- orders without a cart -------------------------------------------------------------------------

TEST_F(OrderRoutesTest, CreateOrderWithoutACartAsDocumented) {
  auto example = DocExample("order-create");
  nlohmann::json request = DocRequestBody(example);
  ASSERT_TRUE(request.is_object());
  // The documented PascalCase keys, with an item of the simulated catalog and
  // a term (Microsoft 365 E3 is sold for P1M and P1Y billed monthly).
  request["lineItems"][0]["offerId"] = kE3;
  request["lineItems"][0]["termDuration"] = "P1Y";
  request["lineItems"][0]["friendlyName"] = "Head office";
  const std::string reseller = request["lineItems"][0]["PartnerIdOnRecord"];
  auto order = CallJson("POST", "/v1/customers/" + customer + "/orders", request, 201);
  ExpectDocumentedShape(DocResponseBody(example), order,
                        {"lineItems[0].subscriptionId", "lineItems[0].additionalPartnerIdsOnRecord",
                         "lineItems[0].links.product", "lineItems[0].links.availability"});
  EXPECT_EQ(order["status"], "pending");
  EXPECT_EQ(order["billingCycle"], "monthly");
  ASSERT_EQ(order["lineItems"].size(), 1u);
  const auto& line = order["lineItems"][0];
  EXPECT_EQ(line["offerId"], kE3);
  EXPECT_EQ(line["termDuration"], "P1Y");
  EXPECT_EQ(line["quantity"], 1);
  EXPECT_EQ(line["friendlyName"], "Head office");
  EXPECT_EQ(line["partnerIdOnRecord"], reseller);
  // The same purchase as a checkout: one subscription and its first charge.
  ASSERT_EQ(router->sandbox().subscriptions().size(), 1u);
  const Subscription& sub = *router->sandbox().subscriptions()[0];
  EXPECT_EQ(sub.reseller_id, reseller);
  EXPECT_EQ(sub.term, Term::P1Y);
  EXPECT_EQ(sub.billing, Billing::Monthly);
  EXPECT_EQ(router->sandbox().ledger().lines().size(), 1u);
  Advance("PT5M");
  auto completed = CallJson("GET", "/v1/customers/" + customer + "/orders/" + order["id"].get<std::string>());
  EXPECT_EQ(completed["status"], "completed");
  EXPECT_EQ(completed["lineItems"][0]["subscriptionId"], sub.id);
}

TEST_F(OrderRoutesTest, CreateOrderTakesTheOnlyTermOfTheBillingCycle) {
  // Microsoft 365 E5 Security billed monthly is sold for P1Y only.
  nlohmann::json line = {{"lineItemNumber", 0}, {"offerId", "CFQ7TTC0MQ5X:0001:CFQ7TTC0K7Q2"}, {"quantity", 4}};
  auto order = CallJson("POST", "/v1/customers/" + customer + "/orders", {{"lineItems", {line}}}, 201);
  EXPECT_EQ(order["lineItems"][0]["termDuration"], "P1Y");
  EXPECT_EQ(order["billingCycle"], "monthly");
  // Microsoft 365 E3 billed monthly is sold for P1M and P1Y: the term must be named.
  line["offerId"] = kE3;
  auto error = CallJson("POST", "/v1/customers/" + customer + "/orders", {{"lineItems", {line}}}, 400);
  ExpectErrorBody(error, 800002);
  EXPECT_NE(error["description"].get<std::string>().find("termDuration"), std::string::npos);
  // A trial is never billed annually.
  line["offerId"] = "CFQ7TTC0LGZT:0002:CFQ7TTC0K6WC";
  ExpectErrorBody(CallJson("POST", "/v1/customers/" + customer + "/orders", {{"lineItems", {line}}, {"billingCycle", "annual"}},
                           400),
                  800121);
}

TEST_F(OrderRoutesTest, CreateOrderRefusesAllLinesOrNone) {
  const std::string path = "/v1/customers/" + customer + "/orders";
  const uint64_t before = router->StateDigest();
  nlohmann::json good = {{"lineItemNumber", 0}, {"offerId", kE3}, {"quantity", 2}, {"termDuration", "P1M"}};
  nlohmann::json bad = {{"lineItemNumber", 1}, {"offerId", kE3}, {"quantity", 0}, {"termDuration", "P1M"}};
  ExpectErrorBody(CallJson("POST", path, {{"lineItems", {good, bad}}}, 400), 800002);
  // A legacy offer id: legacy offers are no longer sold.
  nlohmann::json legacy = {{"lineItemNumber", 1}, {"offerId", "84A03D81-6B37-4D66-8D4A-FAEA24541538"}, {"quantity", 1}};
  ExpectErrorBody(CallJson("POST", path, {{"lineItems", {good, legacy}}}, 403), 2091);
  nlohmann::json unknown = {{"lineItemNumber", 1}, {"offerId", "NOPE:0001:NOPE"}, {"quantity", 1}, {"termDuration", "P1M"}};
  ExpectErrorBody(CallJson("POST", path, {{"lineItems", {good, unknown}}}, 404), 400019);
  nlohmann::json twice = good;
  ExpectErrorBody(CallJson("POST", path, {{"lineItems", {good, twice}}}, 400), 800002);
  ExpectErrorBody(CallJson("POST", path, {{"lineItems", nlohmann::json::array()}}, 400), 800002);
  ExpectErrorBody(CallJson("POST", path, {{"lineItems", {good}}, {"billingCycle", "weekly"}}, 400), 900126);
  Response not_object = Call("POST", path, "[1]");
  EXPECT_EQ(not_object.status, 400);
  EXPECT_EQ(router->StateDigest(), before);
}

TEST_F(OrderRoutesTest, ActivationLinksOfALicenseLineAreEmpty) {
  nlohmann::json line = {{"lineItemNumber", 0}, {"offerId", kE3}, {"quantity", 2}, {"termDuration", "P1M"}};
  auto order = CallJson("POST", "/v1/customers/" + customer + "/orders", {{"lineItems", {line}}}, 201);
  const std::string base = "/v1/customers/" + customer + "/orders/" + order["id"].get<std::string>() + "/lineitems/";
  auto links = CallJson("GET", base + "0/activationlinks");
  ExpectDocumentedShape(DocResponseBody(DocExample("order-line-item-activation-links")), links);
  EXPECT_EQ(links["totalCount"], 0);
  EXPECT_EQ(links["links"]["self"]["uri"],
            "/customers/" + customer + "/orders/" + order["id"].get<std::string>() + "/lineitems/0/activationlinks");
  ExpectErrorBody(CallJson("GET", base + "1/activationlinks", nullptr, 400), 800002);
  ExpectErrorBody(CallJson("GET", "/v1/customers/" + customer + "/orders/nope/lineitems/0/activationlinks", nullptr, 404),
                  20000);
}

}  // namespace
}  // namespace pcsim::api::testing
