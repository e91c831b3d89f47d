// Tenancy and auth: a partner is the tenant of its token, and never sees or
// changes another partner's customers, carts, orders, subscriptions, invoices
// or line items (404, as if they did not exist, and nothing changes); indirect
// resellers on one customer tenant (docs/decisions.md, section 10);
// `--auth strict` (only tokens from POST /_sim/token, expired by the simulated
// clock); App+User versus app-only (Partner Center authentication).
#include "tests/api/api_fixture.h"

#include <cctype>
#include <string>
#include <vector>

namespace pcsim::api::testing {
namespace {

constexpr const char* kE3 = "CFQ7TTC0LFLZ:0001:CFQ7TTC0K5F7";
constexpr const char* kPartnerA = "0b5e6f1a-0000-4000-8000-00000000000a";
constexpr const char* kPartnerB = "0b5e6f1a-0000-4000-8000-00000000000b";

HeaderList As(const std::string& tid, const std::string& extra = R"("amr":["pwd","mfa"])") {
  return {{"Authorization", "Bearer " + UnsignedJwt(R"({"tid":")" + tid + R"(",)" + extra + "}")}};
}

class TenancyTest : public ApiTest {
 protected:
  void SetUp() override { Start("2026-01-15T09:00:00Z", Environment::Production, kV1KeepsServing); }

  // Like CreateCustomer and Buy, as partner `tid`.
  std::string CustomerOf(const std::string& tid, const std::string& reseller = "") {
    nlohmann::json body = {
        {"companyProfile", {{"domain", "t" + std::to_string(++counter_) + ".onmicrosoft.com"}}},
        {"billingProfile",
         {{"culture", "en-US"}, {"email", "a@contoso.example"}, {"language", "en"}, {"companyName", "Tenant " + tid},
          {"defaultAddress",
           {{"firstName", "Ada"}, {"lastName", "Lovelace"}, {"addressLine1", "1 Main Street"}, {"city", "Redmond"},
            {"state", "WA"}, {"postalCode", "98052"}, {"country", "US"}}}}}};
    if (!reseller.empty()) body["associatedPartnerId"] = reseller;
    auto created = CallJson("POST", "/v1/customers", body, 201, As(tid));
    std::string id = created.value("id", "");
    nlohmann::json agreement = {{"primaryContact", {{"firstName", "Ada"}, {"lastName", "Lovelace"}, {"email", "a@b.example"}}},
                                {"templateId", "117a77b0-9360-443b-8795-c6dedc750cf9"},
                                {"dateAgreed", router->sandbox().Now().ToString()},
                                {"type", "MicrosoftCustomerAgreement"}};
    CallJson("POST", "/v1/customers/" + id + "/agreements", agreement, 201, As(tid));
    return id;
  }
  std::string CartOf(const std::string& tid, const std::string& customer, int quantity = 3,
                     const std::string& reseller = "") {
    nlohmann::json line = {{"id", 0}, {"catalogItemId", kE3}, {"quantity", quantity}, {"termDuration", "P1Y"},
                           {"billingCycle", "monthly"}};
    if (!reseller.empty()) line["participants"] = {{{"key", "transaction_reseller"}, {"value", reseller}}};
    return CallJson("POST", "/v1/customers/" + customer + "/carts", nlohmann::json{{"lineItems", {line}}}, 201, As(tid))
        .value("id", "");
  }
  // Buys and returns {order, subscription}.
  std::pair<std::string, std::string> BuyAs(const std::string& tid, const std::string& customer,
                                            const std::string& reseller = "") {
    std::string cart = CartOf(tid, customer, 3, reseller);
    auto result = CallJson("POST", "/v1/customers/" + customer + "/carts/" + cart + "/checkout", nullptr, 201, As(tid));
    std::string order = result["orders"][0].value("id", "");
    Advance("PT5M");
    auto got = CallJson("GET", "/v1/customers/" + customer + "/orders/" + order, nullptr, 200, As(tid));
    return {order, got["lineItems"][0].value("subscriptionId", "")};
  }

  // What partner `tid` can read of `customer`, with statuses.
  std::string SnapshotOf(const std::string& tid, const std::string& customer, const std::string& subscription,
                         const std::string& order, const std::string& cart) {
    std::string out;
    for (const std::string& target :
         {std::string("/v1/customers"), "/v1/customers/" + customer, "/v1/customers/" + customer + "/subscriptions",
          "/v1/customers/" + customer + "/subscriptions/" + subscription, "/v1/customers/" + customer + "/orders",
          "/v1/customers/" + customer + "/orders/" + order, "/v1/customers/" + customer + "/carts/" + cart,
          "/v1/customers/" + customer + "/profiles/billing", "/v1/customers/" + customer + "/agreements",
          "/v1/customers/" + customer + "/qualifications", std::string("/v1/invoices"),
          std::string("/v1/invoices/unbilled/lineitems?provider=onetime&invoicelineitemtype=billinglineitems&currencycode=USD&period=current")}) {
      Response r = Call("GET", target, "", As(tid));
      out += target + " " + std::to_string(r.status) + " " + r.body + "\n";
    }
    return out + Call("GET", "/_sim/events").body;
  }

  int counter_ = 0;
};

int CodeOf(const Response& r) {
  auto j = nlohmann::json::parse(r.body, nullptr, false);
  return j.is_object() ? j.value("code", -1) : -1;
}

TEST_F(TenancyTest, TenantIdsAreComparedWithoutCase) {
  std::string customer = CustomerOf(kPartnerA);
  std::string upper = kPartnerA;
  for (char& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  EXPECT_EQ(Call("GET", "/v1/customers/" + customer, "", As(upper)).status, 200);
  EXPECT_EQ(Call("GET", "/v1/customers/" + customer, "", As(kPartnerB)).status, 404);
  // The control API answers in any case too, without a token.
  EXPECT_EQ(router->Handle(MakeRequest("GET", "/_SIM/clock")).status, 200);
}

TEST_F(TenancyTest, AnotherPartnerNeitherSeesNorChangesAnything) {
  std::string customer = CustomerOf(kPartnerA);
  auto [order, subscription] = BuyAs(kPartnerA, customer);
  std::string cart = CartOf(kPartnerA, customer);
  Advance("2026-03-07T00:00:00Z");  // January and February are invoiced
  auto invoices = CallJson("GET", "/v1/invoices", nullptr, 200, As(kPartnerA));
  ASSERT_GE(invoices["totalCount"].get<int>(), 1);
  std::string invoice = invoices["items"][0]["id"];

  std::string a_before = SnapshotOf(kPartnerA, customer, subscription, order, cart);
  const std::string c = "/v1/customers/" + customer;
  struct Attempt {
    std::string method, target, body;
  };
  const std::vector<Attempt> reads = {
      {"GET", c, ""},
      {"GET", c + "/profiles/billing", ""},
      {"GET", c + "/profiles/company", ""},
      {"GET", c + "/subscriptions", ""},
      {"GET", c + "/subscriptions/" + subscription, ""},
      {"GET", c + "/subscriptions/" + subscription + "/transitionEligibilities", ""},
      {"GET", c + "/subscriptions/" + subscription + "/conversions", ""},
      {"GET", c + "/subscriptions/customTermEndDates?term_duration=P1Y&term_start_date=2026-03-07", ""},
      {"GET", c + "/orders", ""},
      {"GET", c + "/orders/" + order, ""},
      {"GET", c + "/orders/" + order + "/provisioningstatus", ""},
      {"GET", c + "/carts/" + cart, ""},
      {"GET", c + "/agreements", ""},
      {"GET", c + "/qualifications", ""},
      {"GET", c + "/products?targetView=OnlineServices", ""},
      {"GET", "/v1/invoices/" + invoice, ""},
      {"GET", "/v1/invoices/" + invoice + "/lineitems?provider=onetime&invoicelineitemtype=billinglineitems", ""},
      {"GET", "/v1/invoices/" + invoice + "/lineitems/onetime/billinglineitems", ""},
      {"GET", "/v1/invoices/" + invoice + "/lineitems?provider=office&invoicelineitemtype=billinglineitems", ""},
      {"GET", "/v1/invoices/" + invoice + "/documents/statement", ""},
      {"GET", c + "/subscriptions/" + subscription + "/provisioningstatus", ""},
      {"GET", c + "/subscriptions/" + subscription + "/addons", ""},
      {"GET", c + "/subscriptions/" + subscription + "/usagesummary", ""},
      {"GET", c + "/subscriptions/" + subscription + "/upgrades", ""},
      {"GET", c + "/orders/" + order + "/lineitems/0/activationlinks", ""},
      {"GET", c + "/users", ""},
      {"GET", c + "/subscribedskus", ""},
      {"GET", c + "/offers", ""},
      {"GET", c + "/qualification", ""},
  };
  const std::vector<Attempt> writes = {
      {"PATCH", c, R"({"relationshipToPartner": "none"})"},
      {"DELETE", c, ""},
      {"PUT", c + "/profiles/billing", R"({"email": "x@y.example"})"},
      {"POST", c + "/agreements", R"({"primaryContact": {"firstName": "E", "lastName": "V", "email": "e@v.example"},
         "templateId": "117a77b0-9360-443b-8795-c6dedc750cf9", "dateAgreed": "2026-03-07T00:00:00Z",
         "type": "MicrosoftCustomerAgreement"})"},
      {"POST", c + "/qualifications", R"({"qualification": "Education"})"},
      {"POST", c + "/carts", std::string(R"({"lineItems": [{"id": 0, "catalogItemId": ")") + kE3 +
                                 R"(", "quantity": 1, "termDuration": "P1Y", "billingCycle": "monthly"}]})"},
      {"PUT", c + "/carts/" + cart, std::string(R"({"lineItems": [{"id": 0, "catalogItemId": ")") + kE3 +
                                        R"(", "quantity": 9, "termDuration": "P1Y", "billingCycle": "monthly"}]})"},
      {"POST", c + "/carts/" + cart + "/checkout", ""},
      {"PATCH", c + "/orders/" + order, R"({"status": "cancelled"})"},
      {"PATCH", c + "/subscriptions/" + subscription, R"({"quantity": 1, "autoRenewEnabled": false})"},
      {"PATCH", c + "/subscriptions/" + subscription, R"({"status": "suspended"})"},
      {"POST", c + "/subscriptions/" + subscription + "/transitions", R"({"toCatalogItemId": "x", "quantity": 1})"},
      {"POST", c + "/subscriptions/" + subscription + "/conversions", R"({"offerId": "x"})"},
      {"POST", c + "/orders", std::string(R"({"lineItems": [{"lineItemNumber": 0, "offerId": ")") + kE3 +
                                  R"(", "quantity": 1, "termDuration": "P1M"}]})"},
      {"POST", c + "/users", R"({"userPrincipalName": "a@b.example", "displayName": "A", "usageLocation": "US",
         "passwordProfile": {"password": "abCD123*"}})"},
      {"DELETE", c + "/users/00000000-0000-0000-0000-000000000000", ""},
  };
  for (const auto* list : {&reads, &writes}) {
    for (const Attempt& a : *list) {
      Response r = Call(a.method, a.target, a.body, As(kPartnerB));
      EXPECT_EQ(r.status, 404) << a.method << " " << a.target << " -> " << r.body;
      auto j = nlohmann::json::parse(r.body, nullptr, false);
      EXPECT_TRUE(j.is_object() && j.contains("code") && j.contains("description")) << r.body;
    }
  }
  // Partner B's own views are empty, and A sees exactly what it saw before.
  EXPECT_EQ(CallJson("GET", "/v1/customers", nullptr, 200, As(kPartnerB))["totalCount"], 0);
  EXPECT_EQ(CallJson("GET", "/v1/invoices", nullptr, 200, As(kPartnerB))["totalCount"], 0);
  EXPECT_EQ(CallJson("GET",
                     "/v1/invoices/unbilled/lineitems?provider=onetime&invoicelineitemtype=billinglineitems&currencycode=USD&period=current",
                     nullptr, 200, As(kPartnerB))["totalCount"],
            0);
  EXPECT_EQ(SnapshotOf(kPartnerA, customer, subscription, order, cart), a_before);
}

TEST_F(TenancyTest, IdsOfOneCustomerAreNotReachableThroughAnother) {
  // Even within one partner, a cart, order or subscription lives under its own customer.
  std::string first = CustomerOf(kPartnerA);
  std::string second = CustomerOf(kPartnerA);
  auto [order, subscription] = BuyAs(kPartnerA, first);
  std::string cart = CartOf(kPartnerA, first);
  const std::string c2 = "/v1/customers/" + second;
  for (const std::string& target : {c2 + "/subscriptions/" + subscription, c2 + "/orders/" + order, c2 + "/carts/" + cart})
    EXPECT_EQ(Call("GET", target, "", As(kPartnerA)).status, 404) << target;
  EXPECT_EQ(Call("PATCH", c2 + "/subscriptions/" + subscription, R"({"quantity": 1})", As(kPartnerA)).status, 404);
  EXPECT_EQ(Call("POST", c2 + "/carts/" + cart + "/checkout", "", As(kPartnerA)).status, 404);
  EXPECT_EQ(CallJson("GET", c2 + "/subscriptions", nullptr, 200, As(kPartnerA))["totalCount"], 0);
  // Partner B's own customer cannot reach A's ids either.
  std::string theirs = CustomerOf(kPartnerB);
  EXPECT_EQ(Call("GET", "/v1/customers/" + theirs + "/subscriptions/" + subscription, "", As(kPartnerB)).status, 404);
  EXPECT_EQ(Call("POST", "/v1/customers/" + theirs + "/carts/" + cart + "/checkout", "", As(kPartnerB)).status, 404);
  EXPECT_EQ(CallJson("GET", "/v1/customers/" + first + "/subscriptions/" + subscription, nullptr, 200,
                     As(kPartnerA))["quantity"],
            3);
}

TEST_F(TenancyTest, TheSameRequestIdFromTwoPartnersBuysTwice) {
  // Idempotency is per partner: B's retry key never replays A's response.
  std::string a = CustomerOf(kPartnerA);
  std::string b = CustomerOf(kPartnerB);
  HeaderList ha = As(kPartnerA), hb = As(kPartnerB);
  ha.emplace_back("MS-RequestId", "shared-request-id");
  hb.emplace_back("MS-RequestId", "shared-request-id");
  auto body = [](const std::string& domain) {
    return R"({"companyProfile": {"domain": ")" + domain + R"("}, "billingProfile": {"culture": "en-US",
      "email": "a@b.example", "language": "en", "companyName": "Same", "defaultAddress": {"firstName": "A",
      "lastName": "B", "addressLine1": "1 Main Street", "city": "Redmond", "state": "WA", "postalCode": "98052",
      "country": "US"}}})";
  };
  // (Domains are unique across partners, as tenant domains are.)
  Response first = Call("POST", "/v1/customers", body("first.onmicrosoft.com"), ha);
  Response replay = Call("POST", "/v1/customers", body("first.onmicrosoft.com"), ha);
  Response other = Call("POST", "/v1/customers", body("other.onmicrosoft.com"), hb);
  ASSERT_EQ(first.status, 201);
  EXPECT_EQ(replay.body, first.body);
  ASSERT_EQ(other.status, 201);
  EXPECT_NE(nlohmann::json::parse(other.body)["id"], nlohmann::json::parse(first.body)["id"]);
  EXPECT_EQ(CallJson("GET", "/v1/customers", nullptr, 200, As(kPartnerA))["totalCount"], 2);
  EXPECT_EQ(CallJson("GET", "/v1/customers", nullptr, 200, As(kPartnerB))["totalCount"], 2);
  (void)a;
  (void)b;
}

TEST_F(TenancyTest, IndirectResellersOnOneCustomerAsDocumented) {
  // The indirect provider's customer is associated with reseller 4812345; a
  // purchase naming reseller 4898765 carries that reseller instead.
  std::string customer = CustomerOf(kPartnerA, "4812345");
  auto got = CallJson("GET", "/v1/customers/" + customer, nullptr, 200, As(kPartnerA));
  EXPECT_EQ(got["associatedPartnerId"], "4812345");
  auto [o1, via_first] = BuyAs(kPartnerA, customer);
  auto [o2, via_second] = BuyAs(kPartnerA, customer, "4898765");
  auto all = CallJson("GET", "/v1/customers/" + customer + "/subscriptions", nullptr, 200, As(kPartnerA));
  EXPECT_EQ(all["totalCount"], 2);
  auto second = CallJson("GET", "/v1/customers/" + customer + "/subscriptions?mpn_id=4898765", nullptr, 200, As(kPartnerA));
  ASSERT_EQ(second["totalCount"], 1);
  EXPECT_EQ(second["items"][0]["id"], via_second);
  EXPECT_EQ(second["items"][0]["partnerId"], "4898765");
  auto first = CallJson("GET", "/v1/customers/" + customer + "/subscriptions?mpn_id=4812345", nullptr, 200, As(kPartnerA));
  ASSERT_EQ(first["totalCount"], 1);
  EXPECT_EQ(first["items"][0]["id"], via_first);
  EXPECT_EQ(CallJson("GET", "/v1/customers/" + customer + "/subscriptions?mpn_id=1111111", nullptr, 200,
                     As(kPartnerA))["totalCount"],
            0);
  // The provider finds its customers by reseller.
  auto by_reseller = CallJson(
      "GET", "/v1/customers?filter=%7B%22Field%22%3A%22IndirectReseller%22%2C%22Value%22%3A%224812345%22%2C%22Operator%22%3A%22starts_with%22%7D",
      nullptr, 200, As(kPartnerA));
  ASSERT_EQ(by_reseller["totalCount"], 1);
  EXPECT_EQ(by_reseller["items"][0]["id"], customer);
  // A reseller signed in as its own tenant is another partner: the provider's
  // customer and subscriptions are not its resources through this API.
  EXPECT_EQ(Call("GET", "/v1/customers/" + customer, "", As("4812345")).status, 404);
  EXPECT_EQ(Call("GET", "/v1/customers/" + customer + "/subscriptions/" + via_first, "", As("4812345")).status, 404);
  EXPECT_EQ(CallJson("GET", "/v1/customers", nullptr, 200, As("4812345"))["totalCount"], 0);
}

class StrictAuthTest : public ApiTest {
 protected:
  void SetUp() override {
    Start("2026-01-15T09:00:00Z", Environment::Production, {}, AuthMode::Strict);
  }
  HeaderList Token(const nlohmann::json& body) {
    auto t = CallJson("POST", "/_sim/token", body);
    return {{"Authorization", "Bearer " + t.value("token", "")}};
  }
};

TEST_F(StrictAuthTest, ForeignTokensAre401) {
  for (const std::string& token : {std::string("test-token"), UnsignedJwt(R"({"tid":"p","amr":["mfa"]})"),
                                   std::string("pcsim.0123456789abcdef0123456789abcdef")}) {
    Response r = Call("GET", "/v1/customers", "", {{"Authorization", "Bearer " + token}});
    EXPECT_EQ(r.status, 401) << token;
    EXPECT_EQ(CodeOf(r), 400);
  }
  EXPECT_EQ(CodeOf(Call("GET", "/v1/customers", "", {{"Authorization", ""}})), 800001);
}

TEST_F(StrictAuthTest, ExpiryIsJudgedByTheSimulatedClock) {
  HeaderList auth = Token({{"partner", kPartnerA}, {"expires-in", 3600}});
  EXPECT_EQ(Call("GET", "/v1/customers", "", auth).status, 200);
  Advance("PT59M59S");
  EXPECT_EQ(Call("GET", "/v1/customers", "", auth).status, 200);
  Advance("PT1S");  // now == expiresAt
  Response r = Call("GET", "/v1/customers", "", auth);
  EXPECT_EQ(r.status, 401);
  EXPECT_EQ(CodeOf(r), 400);
  EXPECT_NE(r.body.find("expired"), std::string::npos);
}

TEST_F(StrictAuthTest, ResetForgetsIssuedTokens) {
  HeaderList auth = Token({{"partner", kPartnerA}});
  EXPECT_EQ(Call("GET", "/v1/customers", "", auth).status, 200);
  CallJson("POST", "/_sim/reset", nlohmann::json::object());
  EXPECT_EQ(Call("GET", "/v1/customers", "", auth).status, 401);
}

TEST_F(StrictAuthTest, TokensCarryTheirPartner) {
  HeaderList a = Token({{"partner", kPartnerA}});
  HeaderList b = Token({{"partner", kPartnerB}});
  nlohmann::json body = {
      {"companyProfile", {{"domain", "s.onmicrosoft.com"}}},
      {"billingProfile",
       {{"culture", "en-US"}, {"email", "a@b.example"}, {"language", "en"}, {"companyName", "S"},
        {"defaultAddress",
         {{"firstName", "A"}, {"lastName", "B"}, {"addressLine1", "1 Main Street"}, {"city", "Redmond"},
          {"state", "WA"}, {"postalCode", "98052"}, {"country", "US"}}}}}};
  std::string id = CallJson("POST", "/v1/customers", body, 201, a).value("id", "");
  EXPECT_EQ(Call("GET", "/v1/customers/" + id, "", a).status, 200);
  EXPECT_EQ(Call("GET", "/v1/customers/" + id, "", b).status, 404);
  auto requests = CallJson("GET", "/_sim/requests");
  EXPECT_EQ(requests["items"].back()["partner"], kPartnerB);
}

// A tenant id is whatever the token says: one that a URL path cannot carry
// is named by a digest in its export's blob folder, and reads its blobs.
TEST_F(TenancyTest, AnyTenantIdReadsItsOwnExportBlobs) {
  const std::string tid = "tenant/with space?and&more";
  std::string customer = CustomerOf(tid);
  BuyAs(tid, customer);
  nlohmann::json op = Wait(Export("reconciliation/unbilled", {{"currencyCode", "USD"}, {"billingPeriod", "current"}}, As(tid)),
                 As(tid));
  ASSERT_EQ(op["status"], "succeeded") << op;
  const std::string root = op["resourceLocation"]["rootDirectory"];
  EXPECT_EQ(root.find("tenant"), std::string::npos) << root;
  EXPECT_NE(op["resourceLocation"]["sasToken"].get<std::string>().find("sktid=tenant%2Fwith%20space%3Fand%26more&"),
            std::string::npos);
  EXPECT_EQ(Rows(op, As(tid)).size(), 1u);
}

class AppOnlyTest : public ApiTest {
 protected:
  void SetUp() override { Start(); }
};

TEST_F(AppOnlyTest, AppOnlyIsRefusedOnlyWhereTheDocsSaySo) {
  std::string customer = CreateCustomer();
  HeaderList app = {{"Authorization", "Bearer " + UnsignedJwt(R"({"tid":")" + std::string(kDefaultPartnerTenantId) +
                                                             R"(","idtyp":"app","appid":"x"})")}};
  // App+User only: confirm MCA acceptance, get confirmations, create a qualification.
  nlohmann::json agreement = {{"primaryContact", {{"firstName", "A"}, {"lastName", "B"}, {"email", "a@b.example"}}},
                              {"templateId", "117a77b0-9360-443b-8795-c6dedc750cf9"},
                              {"dateAgreed", "2026-01-15T09:00:00Z"},
                              {"type", "MicrosoftCustomerAgreement"}};
  std::string before = Call("GET", "/v1/customers/" + customer + "/agreements").body;
  for (auto [method, target, body] : std::vector<std::tuple<std::string, std::string, std::string>>{
           {"POST", "/v1/customers/" + customer + "/agreements", agreement.dump()},
           {"GET", "/v1/customers/" + customer + "/agreements", ""},
           {"POST", "/v1/customers/" + customer + "/qualifications", R"({"qualification": "Education"})"}}) {
    Response r = Call(method, target, body, app);
    EXPECT_EQ(r.status, 403) << method << " " << target << " -> " << r.body;
    EXPECT_EQ(CodeOf(r), 900329) << r.body;
  }
  EXPECT_EQ(Call("GET", "/v1/customers/" + customer + "/agreements").body, before);
  EXPECT_EQ(CallJson("GET", "/v1/customers/" + customer + "/qualifications"), nlohmann::json::array());
  // Both: customers, carts, checkout, subscriptions, invoices, qualifications (GET).
  nlohmann::json line = {{"id", 0}, {"catalogItemId", kE3}, {"quantity", 2}, {"termDuration", "P1Y"},
                         {"billingCycle", "monthly"}};
  auto cart = CallJson("POST", "/v1/customers/" + customer + "/carts", nlohmann::json{{"lineItems", {line}}}, 201, app);
  CallJson("POST", "/v1/customers/" + customer + "/carts/" + cart.value("id", "") + "/checkout", nullptr, 201, app);
  EXPECT_EQ(CallJson("GET", "/v1/customers/" + customer + "/subscriptions", nullptr, 200, app)["totalCount"], 1);
  EXPECT_EQ(Call("GET", "/v1/customers/" + customer + "/qualifications", "", app).status, 200);
  EXPECT_EQ(Call("GET", "/v1/invoices", "", app).status, 200);
}

TEST_F(AppOnlyTest, JwtClaimsDecideTheCredentialType) {
  std::string customer = CreateCustomer();
  const std::string tid = std::string(R"("tid":")") + std::string(kDefaultPartnerTenantId) + "\"";
  const std::string agreements = "/v1/customers/" + customer + "/agreements";
  auto status = [&](const std::string& claims) {
    return Call("GET", agreements, "", {{"Authorization", "Bearer " + UnsignedJwt("{" + tid + "," + claims + "}")}}).status;
  };
  EXPECT_EQ(status(R"("idtyp":"app")"), 403);
  EXPECT_EQ(status(R"("appid":"a")"), 403);                        // app id, no user claims
  EXPECT_EQ(status(R"("appid":"a","scp":"user_impersonation")"), 200);  // delegated: App+User
  EXPECT_EQ(status(R"("appid":"a","upn":"ada@contoso.example")"), 200);
  EXPECT_EQ(status(R"("idtyp":"user","appid":"a")"), 200);
  EXPECT_EQ(status(R"("idtyp":7)"), 200);  // a malformed claim is not app-only
  // MFA is required of App+User calls from 2026-04-01; app-only calls are exempt.
  Advance("2026-04-01T00:00:00Z");
  EXPECT_EQ(status(R"("scp":"user_impersonation","amr":["pwd"])"), 401);
  EXPECT_EQ(status(R"("scp":"user_impersonation","amr":"mfa")"), 401);  // amr must be a list
  EXPECT_EQ(status(R"("scp":"user_impersonation","amr":["pwd","mfa"])"), 200);
  Response r = Call("GET", "/v1/customers", "", {{"Authorization", "Bearer " + UnsignedJwt("{" + tid + R"(,"idtyp":"app"})")}});
  EXPECT_EQ(r.status, 200);
}

}  // namespace
}  // namespace pcsim::api::testing
