// pcsim::gtest as an integration's tests use it: the fixture's clock and
// builders, the matchers (including what they say when they fail), scenario
// files run from a test, and the HTTP base URL.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <httplib.h>

#include "pcsim/gtest/sandbox_test.h"

namespace pcsim::gtest {
namespace {

using ::testing::Not;

TEST_F(SandboxTest, StartsAtTheDefaultInstantWithAnEmptyBook) {
  EXPECT_EQ(Now().ToString(), "2026-01-01T00:00:00Z");
  auto customers = client().ListCustomers();
  ASSERT_TRUE(customers.ok());
  EXPECT_TRUE(customers->empty());
  EXPECT_TRUE(ChargeLines().empty());
}

class MarchTest : public SandboxTest {
 protected:
  api::RouterOptions Options() const override { return StartingAt("2026-03-02T10:00:00Z"); }
};

TEST_F(MarchTest, AdvancesTheClock) {
  EXPECT_EQ(Now().ToString(), "2026-03-02T10:00:00Z");
  AdvanceBy("PT2H");
  EXPECT_EQ(Now().ToString(), "2026-03-02T12:00:00Z");
  AdvanceDays(3);
  EXPECT_EQ(Today().ToString(), "2026-03-05");
  AdvanceTo("2026-04-01");
  EXPECT_EQ(Now().ToString(), "2026-04-01T00:00:00Z");
}

TEST_F(MarchTest, BuildersBuyWithEveryTermAndBilling) {
  auto customer = NewCustomer();
  auto annual_monthly = BuyAnnualMonthly(customer.id, "CFQ7TTC0LFLZ:0001", 10);
  auto annual_annual = BuyAnnualAnnual(customer.id, "CFQ7TTC0LFLZ:0001", 2);
  auto monthly = BuyMonthlyMonthly(customer.id, "CFQ7TTC0LFLZ:0001", 1);
  EXPECT_EQ(annual_monthly.billing_cycle, "monthly");
  EXPECT_EQ(annual_annual.billing_cycle, "annual");
  EXPECT_EQ(monthly.term_duration, "P1M");
  EXPECT_EQ(monthly.CommitmentEndDay(), "2026-04-01");
  // 10 x 37.80 for 2026-03-02..2026-04-01.
  EXPECT_THAT(ChargeLinesOf(annual_monthly.id),
              HasChargeLine(Line().Type("new").Quantity(10).UnitPrice("37.80").Subtotal("378.00")
                                .From("2026-03-02").To("2026-04-01")));
  // The annual price of 36.00 x 12 = 432.00 per seat.
  EXPECT_THAT(ChargeLinesOf(annual_annual.id),
              HasChargeLine(Line().Type("new").Quantity(2).UnitPrice("432.00").Subtotal("864.00")));
}

TEST_F(MarchTest, MatchersExplainWhatTheySaw) {
  auto customer = NewCustomer();
  auto sub = BuyAnnualMonthly(customer.id, "CFQ7TTC0LFLZ:0001", 10);
  auto lines = ChargeLines();
  EXPECT_THAT(lines, Not(HasChargeLine(Line().Type("new").Quantity(11))));
  ::testing::StringMatchResultListener listener;
  EXPECT_FALSE(::testing::ExplainMatchResult(HasChargeLine(Line().Type("renew")), lines, &listener));
  EXPECT_THAT(listener.str(), ::testing::HasSubstr("chargeType: new, quantity: 10, unitPrice: 37.8"));

  EXPECT_THAT(sub, SubscriptionIs("active", 10));
  EXPECT_THAT(sub, Not(SubscriptionIs("active", 11)));
  auto refused = client().SetQuantity(customer.id, sub.id, 0);
  EXPECT_THAT(refused, Not(SubscriptionIs("active", 0)));
  EXPECT_THAT(refused.status(), Not(IsPartnerCenterError(800090)));  // 0 seats is another error
  EXPECT_THAT(client().GetSubscription(customer.id, sub.id), Not(IsPartnerCenterError(800090)));
}

TEST_F(MarchTest, TheBaseUrlServesTheSameSandbox) {
  auto customer = NewCustomer();
  const std::string& url = BaseUrl();
  ASSERT_EQ(url.rfind("http://127.0.0.1:", 0), 0u) << url;
  httplib::Client http(url);
  auto res = http.Get("/v1/customers/" + customer.id, {{"Authorization", "Bearer code-under-test"}});
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 200);
  EXPECT_NE(res->body.find(customer.id), std::string::npos);
  // Control calls over HTTP move the fixture's clock.
  auto moved = http.Post("/_sim/clock/advance", R"({"by": "P1D"})", "application/json");
  ASSERT_TRUE(moved);
  EXPECT_EQ(Now().ToString(), "2026-03-03T10:00:00Z");
}

// A sandbox whose control API is guarded: the fixture and its clients send
// the token on their /_sim/ calls; a caller without it is refused.
class GuardedTest : public SandboxTest {
 protected:
  api::RouterOptions Options() const override {
    api::RouterOptions options = StartingAt("2026-03-02T10:00:00Z");
    options.control_token = "fixture-control-token";
    return options;
  }
};

TEST_F(GuardedTest, TheFixtureAndItsClientsSendTheControlToken) {
  auto customer = NewCustomer();
  BuyAnnualMonthly(customer.id, "CFQ7TTC0LFLZ:0001", 10);  // waits for the order through /_sim/clock/advance
  AdvanceDays(2);
  EXPECT_EQ(Today().ToString(), "2026-03-04");
  InjectFaults(R"([{"fault": "throttle", "count": 1, "retryAfter": 5}])");
  auto listed = http_client().ListCustomers();  // throttled once: the wait moves the clock over HTTP
  ASSERT_TRUE(listed.ok()) << listed.status().ToString();
  EXPECT_THAT(ClientWaits(), ::testing::ElementsAre(std::chrono::milliseconds(5000)));
  auto requests = http_client().Call("GET", "/_sim/requests");
  ASSERT_TRUE(requests.ok());
  EXPECT_EQ(requests->status, 200);
  httplib::Client http(BaseUrl());
  auto refused = http.Post("/_sim/clock/advance", R"({"by": "P1D"})", "application/json");
  ASSERT_TRUE(refused);
  EXPECT_EQ(refused->status, 401);
  EXPECT_EQ(Today().ToString(), "2026-03-04");
}

TEST(RunScenario, ALibraryScenarioPasses) {
  EXPECT_TRUE(RunScenarioFile(std::string(PCSIM_SOURCE_DIR) +
                                           "/scenarios/nce/added-seats-open-their-own-reduction-window.yaml"));
}

TEST(RunScenario, AWrongExpectationFailsWithTheDiff) {
  auto result = RunScenarioText(R"(scenario: wrong price
start: 2026-01-10
customers:
  - ref: contoso
steps:
  - purchase: {customer: contoso, item: CFQ7TTC0LFLZ:0001:CFQ7TTC0K5F7, quantity: 10, term: P1Y, billing: monthly, ref: e3}
expect:
  lines:
    - {subscription: e3, chargeType: new, effectiveUnitPrice: 37.81, quantity: 10}
)");
  EXPECT_FALSE(result);
  EXPECT_THAT(result.message(), ::testing::HasSubstr("37.8"));
}

TEST(RunScenario, AnInvalidFileNamesItsLine) {
  auto result = RunScenarioText("scenario: x\nstart: 2026-13-01\n", "broken.yaml");
  EXPECT_FALSE(result);
  EXPECT_THAT(result.message(), ::testing::HasSubstr("broken.yaml:2"));
}

}  // namespace
}  // namespace pcsim::gtest
