// Hostile input at every route of api::Router: malformed and deeply nested
// JSON, invalid UTF-8 in bodies, paths, query strings and headers, wrong types,
// huge, negative and zero numbers, unknown enum values, path tricks and query
// parameter abuse. Every case must get a 4xx with Partner Center's error body
// {code, description, data, source}, and leave the sandbox exactly as it was
// (the snapshot below reads every resource and the event journal back).
#include "tests/api/api_fixture.h"

#include <functional>
#include <string>
#include <vector>

namespace pcsim::api::testing {
namespace {

constexpr const char* kE3 = "CFQ7TTC0LFLZ:0001:CFQ7TTC0K5F7";
const std::string kBadUtf8 = "\xff\xfe\xc3\x28\xed\xa0\x80";  // invalid bytes, a broken pair, a surrogate

class HostileInputTest : public ApiTest {
 protected:
  void SetUp() override {
    Start();
    customer = CreateCustomer();
    subscription = Buy(customer, kE3, 10, "P1Y", "monthly");
    nlohmann::json line = {{"id", 0}, {"catalogItemId", kE3}, {"quantity", 2}, {"termDuration", "P1Y"},
                           {"billingCycle", "monthly"}};
    cart = CallJson("POST", "/v1/customers/" + customer + "/carts",
                    nlohmann::json{{"lineItems", nlohmann::json::array({line})}}, 201)["id"];
    order = CallJson("GET", "/v1/customers/" + customer + "/orders")["items"][0]["id"];
  }

  // `{c}`, `{s}`, `{cart}` and `{o}` in a target become the fixture's ids.
  std::string Fill(std::string target) const {
    for (auto [from, to] : std::vector<std::pair<std::string, std::string>>{
             {"{c}", customer}, {"{s}", subscription}, {"{cart}", cart}, {"{o}", order}}) {
      for (size_t p = target.find(from); p != std::string::npos; p = target.find(from, p + to.size()))
        target.replace(p, from.size(), to);
    }
    return target;
  }

  // Everything a client can read back, with its status.
  std::string Snapshot() {
    std::string out;
    for (const char* target :
         {"/_sim/clock", "/_sim/events", "/v1/customers", "/v1/customers/{c}", "/v1/customers/{c}/profiles/billing",
          "/v1/customers/{c}/profiles/company", "/v1/customers/{c}/subscriptions", "/v1/customers/{c}/subscriptions/{s}",
          "/v1/customers/{c}/orders", "/v1/customers/{c}/carts/{cart}", "/v1/customers/{c}/agreements",
          "/v1/customers/{c}/qualifications", "/v1/invoices",
          "/v1/invoices/unbilled/lineitems?provider=onetime&invoicelineitemtype=billinglineitems&currencycode=USD&period=current"}) {
      Response r = Call("GET", Fill(target));
      out += std::string(target) + " " + std::to_string(r.status) + " " + r.body + "\n";
    }
    return out;
  }

  // Sends the request and checks the error: status, Partner Center's body,
  // the code when given, and an unchanged sandbox.
  nlohmann::json ExpectRefused(const std::string& method, const std::string& target, const std::string& body,
                               int status, std::optional<int> code = std::nullopt, HeaderList headers = {}) {
    std::string before = Snapshot();
    std::string filled = Fill(target);
    Response r = Call(method, filled, body, std::move(headers));
    std::string what = method + " " + target + " body=" + body.substr(0, 80);
    EXPECT_EQ(r.status, status) << what << " -> " << r.body.substr(0, 300);
    auto j = nlohmann::json::parse(r.body, nullptr, false);
    EXPECT_FALSE(j.is_discarded()) << what << " -> " << r.body.substr(0, 300);
    if (j.is_discarded()) return nullptr;
    EXPECT_TRUE(j.is_object() && j.contains("code") && j.contains("description") && j["data"].is_array() &&
                j["source"] == "PartnerFD")
        << what << " -> " << r.body.substr(0, 300);
    if (code) {
      EXPECT_EQ(j.value("code", -1), *code) << what << " -> " << r.body.substr(0, 300);
    }
    EXPECT_EQ(Snapshot(), before) << what;
    return j;
  }

  std::string customer, subscription, cart, order;
};

// Every route that reads a body, with a body it would accept.
struct BodyRoute {
  const char* method;
  const char* target;
};
const BodyRoute kBodyRoutes[] = {
    {"POST", "/v1/customers"},
    {"PATCH", "/v1/customers/{c}"},
    {"PUT", "/v1/customers/{c}/profiles/billing"},
    {"POST", "/v1/validations/address"},
    {"POST", "/v1/customers/{c}/agreements"},
    {"POST", "/v1/customers/{c}/qualifications"},
    {"POST", "/v1/customers/{c}/carts"},
    {"PUT", "/v1/customers/{c}/carts/{cart}"},
    {"PATCH", "/v1/customers/{c}/orders/{o}"},
    {"PATCH", "/v1/customers/{c}/subscriptions/{s}"},
    {"POST", "/v1/customers/{c}/subscriptions/{s}/transitions"},
    {"POST", "/v1/customers/{c}/subscriptions/{s}/conversions"},
    {"POST", "/_sim/clock/advance"},
    {"POST", "/_sim/reset"},
    {"POST", "/_sim/token"},
};

std::vector<std::string> MalformedBodies() {
  return {
      "{",
      "}",
      "{\"a\":}",
      "{'single': 'quotes'}",
      "{\"a\": 1,}",
      "[]",
      "null",
      "\"text\"",
      "42",
      "true",
      "{} {}",
      std::string("\0{}", 3),
      std::string(100000, '['),
      std::string(65, '[') + std::string(65, ']'),
      "{\"a\":" + std::string(5000, '{'),
      "{\"name\": \"" + kBadUtf8 + "\"}",
      "{\"" + kBadUtf8 + "\": 1}",
      "{\"name\": \"\\ud800\"}",  // a lone surrogate escape
      "\xef\xbb\xbf{\"BOM\": " + std::string(3, '['),
  };
}

TEST_F(HostileInputTest, MalformedBodiesAre400OnEveryRoute) {
  for (const BodyRoute& route : kBodyRoutes)
    for (const std::string& body : MalformedBodies()) ExpectRefused(route.method, route.target, body, 400, 900126);
}

TEST_F(HostileInputTest, NestingIsCountedOutsideStringsOnly) {
  // 64 levels are refused only when they are real; brackets inside a string are text.
  std::string brackets = std::string(200, '[');
  Response r = Call("POST", "/v1/validations/address",
                    R"({"addressLine1": ")" + brackets + R"(", "city": "Redmond", "state": "WA", "postalCode": "98052", "country": "US"})");
  EXPECT_EQ(r.status, 200) << r.body;
  ExpectRefused("POST", "/_sim/clock/advance", std::string(65, '[') + std::string(65, ']'), 400, 900126);
}

TEST_F(HostileInputTest, WrongTypesAreRefusedWithTheFieldNamed) {
  struct Case {
    const char* method;
    const char* target;
    std::string body;
    int status;
    int code;
    const char* field;
  };
  const std::vector<Case> cases = {
      {"POST", "/_sim/clock/advance", R"({"by": 30})", 400, 800002, "by"},
      {"POST", "/_sim/clock/advance", R"({"to": ["2027-01-01T00:00:00Z"]})", 400, 800002, "to"},
      {"POST", "/_sim/reset", R"({"seed": "7"})", 400, 800002, "seed"},
      {"POST", "/_sim/reset", R"({"start": 20260101})", 400, 800002, "start"},
      {"POST", "/_sim/reset", R"({"environment": true})", 400, 800002, "environment"},
      {"POST", "/_sim/token", R"({"partner": 7})", 400, 800002, "partner"},
      {"POST", "/_sim/token", R"({"app-only": "yes"})", 400, 800002, "app-only"},
      {"POST", "/_sim/token", R"({"expires-in": "3600"})", 400, 800002, "expires-in"},
      {"PATCH", "/v1/customers/{c}/subscriptions/{s}", R"({"autoRenewEnabled": "false"})", 400, 800002, "autoRenewEnabled"},
      {"PATCH", "/v1/customers/{c}/subscriptions/{s}", R"({"quantity": 1.5})", 400, 800002, "quantity"},
      {"PATCH", "/v1/customers/{c}/subscriptions/{s}", R"({"quantity": [12]})", 400, 800002, "quantity"},
  };
  for (const Case& c : cases) {
    auto j = ExpectRefused(c.method, c.target, c.body, c.status, c.code);
    EXPECT_NE(j.value("description", "").find(c.field), std::string::npos) << c.body << " -> " << j.dump();
  }
}

TEST_F(HostileInputTest, HugeNegativeAndZeroNumbersAreRefused) {
  const std::string sub = "/v1/customers/{c}/subscriptions/{s}";
  for (const char* q : {"0", "-1", "-2147483649", "2147483648", "9223372036854775808", "1e30", "1e400", "-0.0"}) {
    Response r = Call("PATCH", Fill(sub), std::string(R"({"quantity": )") + q + "}");
    EXPECT_EQ(r.status, 400) << q << " -> " << r.body;
  }
  // Refused without a change: the quantity is still 10.
  EXPECT_EQ(CallJson("GET", Fill(sub))["quantity"], 10);
  ExpectRefused("POST", "/_sim/token", R"({"expires-in": 0})", 400, 800002);
  ExpectRefused("POST", "/_sim/token", R"({"expires-in": -5})", 400, 800002);
  ExpectRefused("POST", "/_sim/token", R"({"expires-in": 99999999999999})", 400, 800002);
  ExpectRefused("POST", "/_sim/reset", R"({"seed": 18446744073709551616})", 400, 800002);
  ExpectRefused("POST", "/_sim/clock/advance", R"({"by": "P99999999999999999999Y"})", 400, 800002);
  ExpectRefused("POST", "/_sim/clock/advance", R"({"by": "P9999999Y"})", 400, 800002);
  ExpectRefused("POST", "/_sim/clock/advance", R"({"by": "-P1D"})", 400, 800002);
  ExpectRefused("POST", "/_sim/clock/advance", R"({"by": "PT-1H"})", 400, 800002);
  ExpectRefused("POST", "/_sim/clock/advance", R"({"to": "9999-12-31T23:59:59Z"})", 400, 800002);
  ExpectRefused("POST", "/_sim/clock/advance", R"({"to": "99999-01-01T00:00:00Z"})", 400, 800002);
  ExpectRefused("POST", "/_sim/clock/advance", R"({"to": "2026-02-30T00:00:00Z"})", 400, 800002);
  ExpectRefused("POST", "/_sim/clock/advance", R"({"to": "2027-01-01T00:00:00Z", "by": "P1D"})", 400, 800002);
  ExpectRefused("POST", "/_sim/clock/advance", "{}", 400, 800002);
}

TEST_F(HostileInputTest, UnknownEnumValuesAreRefused) {
  const std::string sub = "/v1/customers/{c}/subscriptions/{s}";
  ExpectRefused("PATCH", sub, R"({"status": "Frozen"})", 400, 900126);
  ExpectRefused("PATCH", sub, R"({"billingCycle": "fortnightly"})", 400);
  ExpectRefused("POST", "/_sim/reset", R"({"environment": "staging"})", 400, 800002);
  ExpectRefused("POST", "/_sim/reset", R"({"policy": "no-such-policy"})", 400);
  ExpectRefused("POST", "/_sim/reset", R"({"colour": "blue"})", 400, 800002);
  ExpectRefused("POST", "/_sim/reset", "{\"" + kBadUtf8 + "\": 1}", 400, 900126);
}

TEST_F(HostileInputTest, InvalidUtf8InThePathIsA404WithValidJson) {
  for (const std::string& target : std::vector<std::string>{
           "/v1/customers/" + kBadUtf8, "/v1/customers/{c}/subscriptions/" + kBadUtf8, "/v1/" + kBadUtf8,
        "/v1/invoices/" + kBadUtf8, "/v1/customers/%ff%fe", "/v1/customers/{c}/carts/%c3%28",
        "/v1/productpromotions/" + kBadUtf8 + "?country=US"}) {
    ExpectRefused("GET", target, "", 404);
  }
  ExpectRefused("PATCH", "/v1/customers/{c}/subscriptions/" + kBadUtf8, R"({"quantity": 11})", 404);
  ExpectRefused("POST", "/v1/customers/" + kBadUtf8 + "/carts", R"({"lineItems": []})", 404);
}

TEST_F(HostileInputTest, InvalidUtf8InQueriesAndHeadersIsHandled) {
  ExpectRefused("GET", "/v1/customers?size=" + kBadUtf8, "", 400, 800002);
  ExpectRefused("GET", "/v1/invoices/unbilled/lineitems?provider=onetime&invoicelineitemtype=billinglineitems&currencycode=" +
                           kBadUtf8 + "&period=current", "", 400);
  ExpectRefused("GET", "/_sim/events?since=" + kBadUtf8, "", 400, 800002);
  // A filter whose value is invalid UTF-8 is not valid JSON.
  ExpectRefused("GET", "/v1/customers?filter=%7B%22field%22%3A%22CompanyName%22%2C%22value%22%3A%22%ff%22%2C%22operator%22%3A%22starts_with%22%7D",
                "", 400, 800002);
  // Echoed header values and the request journal stay valid JSON.
  Response r = Call("GET", Fill("/v1/customers/{c}"), "", {{"MS-RequestId", kBadUtf8}, {"MS-CorrelationId", "\x01\x02"}});
  EXPECT_EQ(r.status, 200);
  Response journal = Call("GET", "/_sim/requests");
  auto j = nlohmann::json::parse(journal.body, nullptr, false);
  ASSERT_FALSE(j.is_discarded()) << journal.body;
  EXPECT_EQ(j["items"].back()["requestId"], "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd(\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd");
  // A bearer token that is not valid UTF-8 is just an unknown token (lenient: the default partner).
  EXPECT_EQ(Call("GET", "/v1/customers", "", {{"Authorization", "Bearer " + kBadUtf8}}).status, 200);
}

TEST_F(HostileInputTest, StringsThatLookLikeInternalMarkersStayStrings) {
  // A control character at the start of a value once made the writer emit a
  // bare number; the value must come back as the same string.
  nlohmann::json body = {{"lineItems", {{{"id", 0}, {"catalogItemId", kE3}, {"quantity", 1}, {"termDuration", "P1Y"},
                                         {"billingCycle", "monthly"}, {"friendlyName", "\x01" "12.5"}}}}};
  Response r = Call("POST", Fill("/v1/customers/{c}/carts"), body.dump());
  ASSERT_EQ(r.status, 201) << r.body;
  auto created = nlohmann::json::parse(r.body, nullptr, false);
  ASSERT_FALSE(created.is_discarded()) << r.body;
  EXPECT_EQ(created["lineItems"][0]["friendlyName"], "\x01" "12.5");
  Response echoed = Call("GET", "/v1/customers", "", {{"MS-RequestId", "\x01" "7"}});
  EXPECT_EQ(echoed.status, 200);
  auto requests = nlohmann::json::parse(Call("GET", "/_sim/requests").body, nullptr, false);
  ASSERT_FALSE(requests.is_discarded());
  EXPECT_EQ(requests["items"].back()["requestId"], "\x01" "7");
}

TEST_F(HostileInputTest, PathTricksNeverReachAnotherResource) {
  ExpectRefused("GET", "/v1/customers/{c}/../{c}", "", 404, 1000);
  ExpectRefused("GET", "/v1/customers/%2e%2e/customers", "", 404);
  ExpectRefused("GET", "/v1/customers/{c}%2Fsubscriptions", "", 404);
  ExpectRefused("GET", "/v1/customers/{c}%2fsubscriptions%2f{s}", "", 404);
  ExpectRefused("PATCH", "/v1/customers/{c}%2Fsubscriptions%2F{s}", R"({"quantity": 11})", 404);
  ExpectRefused("GET", "/v1/customers/{c}/subscriptions/{s}%00", "", 404);
  ExpectRefused("GET", "/v1/customers/" + std::string(100000, 'a'), "", 404);
  ExpectRefused("GET", "/v1" + std::string(20000, '/') + "x", "", 404);
  ExpectRefused("GET", "/v1/customers/{c}/subscriptions/{s}/" + std::string(5000, 'x'), "", 404);
  std::string many;
  for (int i = 0; i < 5000; ++i) many += "/a";
  ExpectRefused("GET", many, "", 404, 1000);
  ExpectRefused("GET", "/v1/customers/%zz", "", 404);
  ExpectRefused("GET", "/v1/customers/%", "", 404);
  ExpectRefused("FROB", "/v1/customers", "", 405);
  ExpectRefused("", "/v1/customers", "", 405);
  ExpectRefused("GET", "", "", 404, 1000);
  ExpectRefused("GET", "v1/customers/{c}/subscriptions/{s}/transitions", "", 405);
  // The error description echoes the path, bounded.
  auto j = ExpectRefused("GET", "/v1/x/" + std::string(100000, 'a'), "", 404, 1000);
  EXPECT_LE(j.value("description", "").size(), 1024u);
  // Double slashes collapse, as on the real service, and reach the same resource.
  EXPECT_EQ(Call("GET", Fill("//v1//customers//{c}")).body, Call("GET", Fill("/v1/customers/{c}")).body);
}

TEST_F(HostileInputTest, QueryParameterAbuseIs400) {
  for (const char* size : {"-1", "abc", "1e3", "99999999999999999999", "", "2.5", "501", "%20"})
    ExpectRefused("GET", std::string("/v1/customers?size=") + size, "", 400, 800002);
  ExpectRefused("GET", "/v1/customers?seekOperation=Next", "", 400, 800002);
  ExpectRefused("GET", "/v1/customers?seekOperation=Next", "", 400, 800002,
                {{"MS-ContinuationToken", "-5"}});
  ExpectRefused("GET", "/v1/customers?seekOperation=Next", "", 400, 800002,
                {{"MS-ContinuationToken", std::string(10000, '9')}});
  ExpectRefused("GET", "/v1/customers?filter=" + std::string(70, '%') , "", 400, 800002);
  ExpectRefused("GET", "/v1/customers?filter=%7B%7D", "", 400);
  ExpectRefused("GET", "/v1/customers?filter=" + std::string(100, '[') , "", 400, 800002);
  ExpectRefused("GET", "/v1/invoices/unbilled/lineitems?provider=onetime&invoicelineitemtype=billinglineitems&currencycode=USD&period=someday",
                "", 400);
  ExpectRefused("GET", "/v1/invoices/unbilled/lineitems?provider=frob&invoicelineitemtype=billinglineitems&currencycode=USD&period=current",
                "", 400);
  ExpectRefused("GET", "/v1/invoices?size=-3", "", 400);
  ExpectRefused("GET", "/_sim/events?since=yesterday", "", 400, 800002);
  ExpectRefused("GET", "/v1/customers/{c}/subscriptions/{s}/transitionEligibilities?eligibilityType=whenever", "", 400);
  // Stray separators and repeated parameters: the first value counts, junk is ignored.
  EXPECT_EQ(Call("GET", "/v1/customers?&&=&==&size=1&size=abc").status, 200);
  EXPECT_EQ(CallJson("GET", "/v1/customers?size=1&size=abc")["totalCount"], 1);
}

TEST_F(HostileInputTest, OversizedBodyIs413WithoutAChange) {
  RouterOptions options;
  options.sandbox.start = router->sandbox().Now();
  options.max_body_bytes = 1024;
  router = std::make_unique<Router>(options);
  customer = CreateCustomer();
  subscription = Buy(customer, kE3, 3, "P1Y", "monthly");
  cart = subscription;  // no open cart in this router; the snapshot reads a 404 both times
  order = CallJson("GET", "/v1/customers/" + customer + "/orders")["items"][0]["id"];
  std::string padded = R"({"quantity": 4, "pad": ")" + std::string(2000, 'x') + "\"}";
  ExpectRefused("PATCH", "/v1/customers/{c}/subscriptions/{s}", padded, 413, 800002);
  ExpectRefused("POST", "/_sim/reset", padded, 413, 800002);
}

TEST_F(HostileInputTest, MalformedAuthorizationIs401) {
  for (const std::string& value : {std::string(""), std::string("Bearer"), std::string("Bearer "), std::string("Basic abc"),
                                   std::string("Bearer\t"), std::string("Token abc.def")})
    ExpectRefused("GET", "/v1/customers/{c}", "", 401, 800001, {{"Authorization", value}});
  // A JWT with a payload that is not JSON or not an object is just a token.
  for (const std::string& token : {std::string("a.") + "!!!." + "c", std::string("a.bnVsbA.c"), std::string("..")})
    EXPECT_EQ(Call("GET", Fill("/v1/customers/{c}"), "", {{"Authorization", "Bearer " + token}}).status, 200) << token;
}

}  // namespace
}  // namespace pcsim::api::testing
