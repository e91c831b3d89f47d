// The /_sim control API (docs/control-api.md).
#include "tests/api/api_fixture.h"

namespace pcsim::api::testing {
namespace {

class ControlRoutesTest : public ApiTest {
 protected:
  void SetUp() override { Start("2026-01-15T09:00:00Z"); }
};

TEST_F(ControlRoutesTest, ClockAdvancesByDurationOrToAnInstant) {
  EXPECT_EQ(CallJson("GET", "/_sim/clock")["now"], "2026-01-15T09:00:00Z");
  auto r = CallJson("POST", "/_sim/clock/advance", nlohmann::json{{"by", "P30D"}});
  EXPECT_EQ(r["now"], "2026-02-14T09:00:00Z");
  EXPECT_TRUE(r["events"].is_number());
  r = CallJson("POST", "/_sim/clock/advance", nlohmann::json{{"to", "2026-03-01"}});
  EXPECT_EQ(r["now"], "2026-03-01T00:00:00Z");
}

TEST_F(ControlRoutesTest, TheClockNeverMovesBackwards) {
  auto error = CallJson("POST", "/_sim/clock/advance", nlohmann::json{{"to", "2025-01-01T00:00:00Z"}}, 400);
  EXPECT_EQ(error["source"], "PartnerFD");
  EXPECT_EQ(CallJson("GET", "/_sim/clock")["now"], "2026-01-15T09:00:00Z");
  CallJson("POST", "/_sim/clock/advance", nlohmann::json{{"by", "P1M"}, {"to", "2026-03-01"}}, 400);
  CallJson("POST", "/_sim/clock/advance", nlohmann::json{{"by", "thirty days"}}, 400);
  CallJson("POST", "/_sim/clock/advance", nlohmann::json::object(), 400);
}

TEST_F(ControlRoutesTest, AdvanceRunsDueEventsAndTheJournalShowsThem) {
  std::string customer = CreateCustomer();
  Buy(customer, "CFQ7TTC0LH18:0001:CFQ7TTC0K971", 3, "P1M", "monthly");
  auto r = CallJson("POST", "/_sim/clock/advance", nlohmann::json{{"to", "2026-02-15T01:00:00Z"}});
  EXPECT_GE(r["events"].get<int>(), 2);  // the renewal and the January invoice close
  auto events = CallJson("GET", "/_sim/events?kind=renewed");
  ASSERT_EQ(events["totalCount"], 1);
  EXPECT_EQ(events["items"][0]["at"], "2026-02-15T00:00:00Z");
  auto charges = CallJson("GET", "/_sim/events?kind=charged");
  ASSERT_EQ(charges["totalCount"], 2);
  EXPECT_EQ(charges["items"][1]["chargeType"], "renew");
  EXPECT_EQ(charges["items"][1]["total"], 21.6);
}

// The journal says which scheduled action was set and by whom: the partner
// (with the request id of its PATCH) or a 2026 rule (no request).
TEST_F(ControlRoutesTest, TheJournalNamesTheActionItsOriginAndTheRequest) {
  Start("2026-03-01T08:00:00Z");
  std::string customer = CreateCustomer();
  std::string cancelled = Buy(customer, "CFQ7TTC0LFLZ:0001:CFQ7TTC0K5F7", 3, "P1Y", "monthly");
  std::string off = Buy(customer, "CFQ7TTC0LFLZ:0001:CFQ7TTC0K5F7", 4, "P1Y", "monthly");
  auto patch = [&](const std::string& id, const std::string& request_id, auto edit) {
    std::string path = "/v1/customers/" + customer + "/subscriptions/" + id;
    nlohmann::json body = CallJson("GET", path);
    edit(body);
    CallJson("PATCH", path, body, 200, {{"MS-RequestId", request_id}});
  };
  patch(cancelled, "5f0e6a1c-cancel", [](nlohmann::json& b) {
    b["scheduledActions"] = {{{"scheduleType", "TermEnd"}, {"actionType", "Cancel"}}};
  });
  patch(off, "5f0e6a1c-auto-renew-off", [](nlohmann::json& b) { b["autoRenewEnabled"] = false; });
  Advance("2026-03-03T00:00:00Z");  // the 24-hour rule sets an EST action on the second

  auto set = CallJson("GET", "/_sim/events?kind=scheduledActionSet");
  ASSERT_EQ(set["totalCount"], 2) << set.dump();
  const auto& by_partner = set["items"][0];
  EXPECT_EQ(by_partner["subscriptionId"], cancelled);
  EXPECT_EQ(by_partner["actionType"], "Cancel");
  EXPECT_EQ(by_partner["setBy"], "partner");
  EXPECT_EQ(by_partner["requestId"], "5f0e6a1c-cancel");
  const auto& by_rule = set["items"][1];
  EXPECT_EQ(by_rule["subscriptionId"], off);
  EXPECT_EQ(by_rule["actionType"], "RenewToExtendedServiceTerm");
  EXPECT_EQ(by_rule["setBy"], "autoRenewOffRule");
  EXPECT_FALSE(by_rule.contains("requestId")) << by_rule.dump();
  auto turned_off = CallJson("GET", "/_sim/events?kind=autoRenewChanged");
  ASSERT_EQ(turned_off["totalCount"], 1) << turned_off.dump();
  EXPECT_EQ(turned_off["items"][0]["requestId"], "5f0e6a1c-auto-renew-off");
}

TEST_F(ControlRoutesTest, ResetStartsAnEmptySandbox) {
  CreateCustomer();
  auto r = CallJson("POST", "/_sim/reset", nlohmann::json{{"start", "2030-06-01T00:00:00Z"}, {"environment", "sandbox"}, {"seed", 9}});
  EXPECT_EQ(r["now"], "2030-06-01T00:00:00Z");
  EXPECT_EQ(r["environment"], "sandbox");
  EXPECT_EQ(CallJson("GET", "/v1/customers")["totalCount"], 0);
  CallJson("POST", "/_sim/reset", nlohmann::json{{"color", "blue"}}, 400);
  CallJson("POST", "/_sim/reset", nlohmann::json{{"policy", "no-such-policy"}}, 400);
}

TEST_F(ControlRoutesTest, RequestJournalRecordsCalls) {
  Call("GET", "/v1/customers", "", {{"MS-RequestId", "abc"}});
  auto requests = CallJson("GET", "/_sim/requests");
  ASSERT_GE(requests["totalCount"].get<int>(), 1);
  EXPECT_EQ(requests["items"][0]["path"], "/v1/customers");
  EXPECT_EQ(requests["items"][0]["status"], 200);
  EXPECT_EQ(requests["items"][0]["requestId"], "abc");
}

TEST_F(ControlRoutesTest, StrictAuthAcceptsOnlyIssuedTokensUntilTheyExpire) {
  Start("2026-01-15T09:00:00Z", Environment::Production, {}, AuthMode::Strict);
  EXPECT_EQ(Call("GET", "/v1/customers").status, 401);
  auto token = CallJson("POST", "/_sim/token", nlohmann::json{{"partner", "partner-a"}, {"expires-in", 3600}});
  HeaderList auth = {{"Authorization", "Bearer " + token["token"].get<std::string>()}};
  EXPECT_EQ(Call("GET", "/v1/customers", "", auth).status, 200);
  Advance("PT2H");
  EXPECT_EQ(Call("GET", "/v1/customers", "", auth).status, 401);
}

TEST_F(ControlRoutesTest, AppUserCallsWithoutMfaAreRefusedFromApril2026) {
  auto token = CallJson("POST", "/_sim/token", nlohmann::json{{"mfa", false}, {"expires-in", 86400 * 200}});
  HeaderList no_mfa = {{"Authorization", "Bearer " + token["token"].get<std::string>()}};
  EXPECT_EQ(Call("GET", "/v1/customers", "", no_mfa).status, 200);
  Advance("2026-04-01T00:00:00Z");
  auto r = Call("GET", "/v1/customers", "", no_mfa);
  EXPECT_EQ(r.status, 401);
  EXPECT_EQ(nlohmann::json::parse(r.body)["code"], 900421);
  auto app = CallJson("POST", "/_sim/token", nlohmann::json{{"app-only", true}, {"mfa", false}});
  EXPECT_EQ(Call("GET", "/v1/customers", "", {{"Authorization", "Bearer " + app["token"].get<std::string>()}}).status, 200);
}

}  // namespace
}  // namespace pcsim::api::testing
