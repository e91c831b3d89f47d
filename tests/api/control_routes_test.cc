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
  RouterOptions options;
  options.sandbox.start = *Instant::Parse("2026-01-15T09:00:00Z");
  options.auth = AuthMode::Strict;
  router = std::make_unique<Router>(options);
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
