// /_sim/faults: rules are checked before any is added, listed with their
// counters, removed one by one or all at once; they act on /v1 only, by
// method, path pattern and partner; a refused request changes nothing.
#include <gtest/gtest.h>

#include "tests/api/api_fixture.h"

namespace pcsim::api::testing {
namespace {

using nlohmann::json;

class FaultRoutesTest : public ApiTest {
 protected:
  void SetUp() override { Start(); }

  // POSTs `rules` and expects a 400 whose description contains `what`.
  void ExpectRefused(const std::string& body, const std::string& what) {
    Response r = Call("POST", "/_sim/faults", body);
    EXPECT_EQ(r.status, 400) << body;
    json error = json::parse(r.body, nullptr, false);
    EXPECT_EQ(error.value("code", 0), 800002) << r.body;
    EXPECT_NE(error.value("description", "").find(what), std::string::npos) << "wanted \"" << what << "\" in " << r.body;
  }
};

TEST_F(FaultRoutesTest, RulesAreListedWithTheirCountersAndRemoved) {
  Response posted = Call("POST", "/_sim/faults",
                        json::parse(R"([{"fault": "throttle", "method": "get", "path": "/v1/customers/*",
                                         "count": 2, "retryAfter": 9},
                                        {"fault": "error", "status": 503, "path": "/v1/invoices/**", "probability": 0.25},
                                        {"fault": "accepted"},
                                        {"fault": "pending", "for": "PT2H"},
                                        {"fault": "latency", "delayMs": 250, "skip": 3},
                                        {"fault": "drop", "applied": true, "partner": "p-1"}])").dump());
  ASSERT_EQ(posted.status, 201) << posted.body;
  // Keys in the order they are written.
  auto added = nlohmann::ordered_json::parse(posted.body);
  ASSERT_EQ(added["rules"].size(), 6u);
  EXPECT_EQ(added["rules"][0].dump(),
            R"({"id":1,"fault":"throttle","method":"GET","path":"/v1/customers/*","count":2,"probability":1,)"
            R"("retryAfter":9,"matched":0,"fired":0,"remaining":2})");
  EXPECT_EQ(added["rules"][1].dump(),
            R"({"id":2,"fault":"error","method":"*","path":"/v1/invoices/**","probability":0.25,"status":503,)"
            R"("matched":0,"fired":0})");
  EXPECT_EQ(added["rules"][2]["method"], "PATCH");
  EXPECT_EQ(added["rules"][2]["after"], "PT1M");
  EXPECT_EQ(added["rules"][3]["method"], "POST");
  EXPECT_EQ(added["rules"][3]["for"], "PT2H");
  EXPECT_EQ(added["rules"][4]["skip"], 3);
  EXPECT_EQ(added["rules"][5]["partner"], "p-1");
  EXPECT_EQ(added["rateLimit"].dump(), R"({"enabled":false,"requestsPerMinute":500,"throttled":0})");

  std::string customer = CreateCustomer();  // POST: matches no GET rule
  Response throttled = Call("GET", "/v1/customers/" + customer);
  EXPECT_EQ(throttled.status, 429);
  EXPECT_EQ(throttled.Header("Retry-After"), "9");
  json listed = CallJson("GET", "/_sim/faults");
  EXPECT_EQ(listed["rules"][0]["matched"], 1);
  EXPECT_EQ(listed["rules"][0]["fired"], 1);
  EXPECT_EQ(listed["rules"][0]["remaining"], 1);

  EXPECT_EQ(CallJson("DELETE", "/_sim/faults/1")["rules"].size(), 5u);
  EXPECT_EQ(Call("DELETE", "/_sim/faults/1").status, 404);
  EXPECT_EQ(Call("DELETE", "/_sim/faults/x").status, 404);
  EXPECT_EQ(CallJson("DELETE", "/_sim/faults")["rules"].size(), 0u);
  // Ids keep counting after a clear.
  json again = CallJson("POST", "/_sim/faults", json::parse(R"({"rules": [{"fault": "error"}]})"), 201);
  EXPECT_EQ(again["rules"][0]["id"], 7);
}

TEST_F(FaultRoutesTest, BadRulesAreRefusedAndNoneOfTheListIsAdded) {
  ExpectRefused(R"([{"fault": "throttle"}, {"fault": "explode"}])", "rules[1]: Invalid fault rule: unknown fault \"explode\"");
  ExpectRefused(R"([{"method": "GET"}])", "\"fault\" is required");
  ExpectRefused(R"([{"fault": "error", "status": 404}])", "\"status\" must be 500, 502, 503 or 504");
  ExpectRefused(R"([{"fault": "throttle", "status": 500}])", "\"status\" belongs to an \"error\" fault");
  ExpectRefused(R"([{"fault": "latency"}])", "needs \"delayMs\"");
  ExpectRefused(R"([{"fault": "latency", "delayMs": 0}])", "\"delayMs\" must be from 1 to 120000");
  ExpectRefused(R"([{"fault": "latency", "delayMs": "100"}])", "delayMs");
  ExpectRefused(R"([{"fault": "accepted", "method": "GET"}])", "applies to PATCH");
  ExpectRefused(R"([{"fault": "accepted", "after": "soon"}])", "not an ISO 8601 duration");
  ExpectRefused(R"([{"fault": "accepted", "after": "PT0S"}])", "longer than zero");
  ExpectRefused(R"([{"fault": "pending"}])", "\"for\" (an ISO 8601 duration such as PT2H) is required");
  ExpectRefused(R"([{"fault": "pending", "for": "PT1H", "method": "GET"}])", "applies to the POST");
  ExpectRefused(R"([{"fault": "drop", "applied": "yes"}])", "applied");
  ExpectRefused(R"([{"fault": "error", "probability": 1.5}])", "\"probability\" must be a number from 0 to 1");
  ExpectRefused(R"([{"fault": "error", "count": 0}])", "\"count\" must be at least 1");
  ExpectRefused(R"([{"fault": "error", "skip": -1}])", "\"skip\" must not be negative");
  ExpectRefused(R"([{"fault": "error", "method": "TRACE"}])", "\"method\" must be");
  ExpectRefused(R"([{"fault": "error", "path": "/_sim/clock"}])", "\"path\" is a /v1 path pattern");
  ExpectRefused(R"([{"fault": "error", "path": "v1/customers"}])", "\"path\" is a /v1 path pattern");
  ExpectRefused(R"([{"fault": "error", "retryAfter": -1}])", "\"retryAfter\" is whole seconds");
  ExpectRefused(R"([{"fault": "error", "colour": "red"}])", "unknown key \"colour\"");
  ExpectRefused(R"([])", "the list of rules is empty");
  ExpectRefused(R"({"rateLimit": {"requestsPerMinute": 0}})", "\"requestsPerMinute\" must be from 1 to 1000000");
  ExpectRefused(R"({"rateLimit": "on"})", "\"rateLimit\" is true, false");
  ExpectRefused(R"({"rulez": []})", "unknown key \"rulez\"");
  ExpectRefused(R"("throttle")", "the body is a list of rules");
  EXPECT_EQ(Call("POST", "/_sim/faults", "{not json").status, 400);
  EXPECT_EQ(CallJson("GET", "/_sim/faults")["rules"].size(), 0u);
  // At most 1000 rules at a time.
  json many = json::array();
  for (int i = 0; i < 1001; ++i) many.push_back({{"fault", "error"}, {"path", "/v1/nothing/here"}});
  ExpectRefused(many.dump(), "at most 1000 rules");
}

TEST_F(FaultRoutesTest, RulesMatchMethodPathAndPartnerAndNeverTheControlApi) {
  std::string customer = CreateCustomer();
  CallJson("POST", "/_sim/faults",
           json::parse(R"([{"fault": "error", "method": "GET", "path": "/v1/customers/*/subscriptions"},
                           {"fault": "error", "status": 502, "path": "/v1/**",
                            "partner": "aaaaaaaa-0000-0000-0000-000000000001"}])"),
           201);
  EXPECT_EQ(Call("GET", "/v1/customers/" + customer + "/subscriptions").status, 500);
  EXPECT_EQ(Call("GET", "/v1/CUSTOMERS/" + customer + "/Subscriptions/").status, 500);  // case, trailing slash
  EXPECT_EQ(Call("GET", "/v1/customers/" + customer).status, 200);
  EXPECT_EQ(Call("GET", "/v1/customers/" + customer + "/subscriptions/x").status, 404);
  EXPECT_EQ(Call("GET", "/_sim/clock").status, 200);
  // The second rule acts on its partner's requests only.
  HeaderList partner = {{"Authorization", "Bearer " + UnsignedJwt(R"({"tid": "aaaaaaaa-0000-0000-0000-000000000001"})")}};
  Response other = router->Handle(MakeRequest("GET", "/v1/customers", "", partner));
  EXPECT_EQ(other.status, 502);
  EXPECT_EQ(Call("GET", "/v1/customers").status, 200);
}

TEST_F(FaultRoutesTest, ARefusedRequestChangesNothingAndIsNotRememberedForItsRequestId) {
  std::string customer = CreateCustomer();
  CallJson("POST", "/_sim/faults", json::parse(R"([{"fault": "error", "method": "POST", "count": 1}])"), 201);
  HeaderList id = {{"MS-RequestId", "4a4a4a4a-0000-4000-8000-000000000001"}};
  json body = {{"lineItems", {{{"id", 0}, {"catalogItemId", "CFQ7TTC0LFLZ:0001:CFQ7TTC0K5F7"}, {"quantity", 2},
                               {"termDuration", "P1Y"}, {"billingCycle", "Monthly"}}}}};
  Response refused = Call("POST", "/v1/customers/" + customer + "/carts", body.dump(), id);
  EXPECT_EQ(refused.status, 500);
  EXPECT_EQ(json::parse(refused.body)["code"], 800003);
  // The retry with the same MS-RequestId runs (the refusal was not a result).
  Response created = Call("POST", "/v1/customers/" + customer + "/carts", body.dump(), id);
  EXPECT_EQ(created.status, 201);
  json requests = CallJson("GET", "/_sim/requests");
  json last_two = {requests["items"][requests["items"].size() - 2], requests["items"][requests["items"].size() - 1]};
  EXPECT_EQ(last_two[0]["status"], 500);
  EXPECT_EQ(last_two[0]["fault"], "error");
  EXPECT_EQ(last_two[1]["status"], 201);
  EXPECT_FALSE(last_two[1].contains("fault"));
}

TEST_F(FaultRoutesTest, AnAcceptedPatchOfAnUnknownSubscriptionIsRefusedAtOnce) {
  std::string customer = CreateCustomer();
  CallJson("POST", "/_sim/faults", json::parse(R"([{"fault": "accepted"}])"), 201);
  Response r = Call("PATCH", "/v1/customers/" + customer + "/subscriptions/00000000-0000-4000-8000-00000000dead",
                    R"({"quantity": 3})");
  EXPECT_EQ(r.status, 404);
  EXPECT_EQ(json::parse(r.body)["code"], 20003) << r.body;
  EXPECT_FALSE(r.Header("Location").has_value());
}

TEST_F(FaultRoutesTest, TheRateLimiterFromRouterOptionsSurvivesAResetButRulesDoNot) {
  RouterOptions options;
  options.sandbox.start = *Instant::Parse("2026-01-15T09:00:00Z");
  options.rate_limit.enabled = true;
  options.rate_limit.requests_per_minute = 3;
  router = std::make_unique<Router>(options);
  std::string customer = CreateCustomer();
  for (int i = 0; i < 3; ++i) EXPECT_EQ(Call("GET", "/v1/customers/" + customer + "/subscriptions").status, 200);
  Response limited = Call("GET", "/v1/customers/" + customer + "/subscriptions");
  EXPECT_EQ(limited.status, 429);
  EXPECT_EQ(limited.Header("Retry-After"), "60");
  EXPECT_EQ(limited.body, R"({"statusCode":429,"message":"Rate limit is exceeded. Try again in 60 seconds."})");
  CallJson("POST", "/_sim/faults", json::parse(R"([{"fault": "error"}])"), 201);
  CallJson("POST", "/_sim/reset", json::object());
  json faults = CallJson("GET", "/_sim/faults");
  EXPECT_EQ(faults["rules"].size(), 0u);
  EXPECT_EQ(faults["rateLimit"]["enabled"], true);
  EXPECT_EQ(faults["rateLimit"]["requestsPerMinute"], 3);
  // {"rateLimit": false} turns it off.
  CallJson("POST", "/_sim/faults", json::parse(R"({"rateLimit": false})"), 201);
  customer = CreateCustomer();
  for (int i = 0; i < 5; ++i) EXPECT_EQ(Call("GET", "/v1/customers/" + customer + "/subscriptions").status, 200);
}

}  // namespace
}  // namespace pcsim::api::testing
