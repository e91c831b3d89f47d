// A subscription PATCH is one command: the whole body is decoded and checked
// before anything changes, so a body with one bad field is refused whole and
// the sandbox's state digest is what it was. Also the combinations a
// cancellation or suspension refuses, and that a valid body still applies
// every field in one request.
#include "tests/api/api_fixture.h"

namespace pcsim::api::testing {
namespace {

constexpr const char* kE3 = "CFQ7TTC0LFLZ:0001:CFQ7TTC0K5F7";

class SubscriptionUpdateTest : public ApiTest {
 protected:
  void SetUp() override {
    Start("2026-03-02T09:00:00Z");
    customer = CreateCustomer();
    id = Buy(customer, kE3, 10, "P1Y", "monthly");
  }
  std::string Path() const { return "/v1/customers/" + customer + "/subscriptions/" + id; }
  nlohmann::json Get() { return CallJson("GET", Path()); }

  // PATCHes `body`; expects the status (and code), and, when refused, that
  // nothing at all changed.
  nlohmann::json Patch(const nlohmann::json& body, int status, std::optional<int> code = std::nullopt) {
    const uint64_t before = router->sandbox().Digest();
    const size_t lines = router->sandbox().ledger().lines().size();
    nlohmann::json answer = CallJson("PATCH", Path(), body, status);
    if (code) {
      EXPECT_EQ(answer.value("code", 0), *code) << answer.dump();
    }
    if (status >= 400) {
      EXPECT_EQ(router->sandbox().Digest(), before) << "a refused PATCH changed the state: " << body.dump();
      EXPECT_EQ(router->sandbox().ledger().lines().size(), lines);
      EXPECT_EQ(answer.value("source", ""), "PartnerFD");
    }
    return answer;
  }

  std::string customer, id;
};

TEST_F(SubscriptionUpdateTest, ValidSeatsWithAnInvalidActionChangeNothing) {
  auto body = Get();
  body["quantity"] = 12;
  body["scheduledActions"] = {{{"scheduleType", "TermEnd"}, {"actionType", "CancelSoon"}}};
  Patch(body, 400, 900126);
  EXPECT_EQ(Get()["quantity"], 10);
}

TEST_F(SubscriptionUpdateTest, TheTermNeverShortensAndLengthensOnlyByTransition) {
  auto body = Get();
  body["quantity"] = 12;
  body["termDuration"] = "P1M";
  Patch(body, 400, 800122);  // shorter than P1Y mid-term
  body["termDuration"] = "P3Y";
  Patch(body, 400, 800121);  // longer: a transition, not an update
  body["termDuration"] = "P1Y";
  Patch(body, 200);
  EXPECT_EQ(Get()["quantity"], 12);
}

TEST_F(SubscriptionUpdateTest, ValidSeatsWithInvalidNextChargeInstructionsChangeNothing) {
  auto body = Get();
  body["quantity"] = 12;
  body["nextChargeInstructions"] = {{"product", {{"billingCycle", "weekly"}}}, {"quantity", 12}};
  Patch(body, 400, 900126);
  body["nextChargeInstructions"] = "annual";
  Patch(body, 400, 800002);
  EXPECT_EQ(Get()["quantity"], 10);
}

TEST_F(SubscriptionUpdateTest, ValidSeatsWithUnknownNextTermOfferChangeNothing) {
  auto body = Get();
  body["quantity"] = 12;
  body["scheduledNextTermInstructions"] = {
      {"product", {{"productId", "CFQ7TTC0LFLZ"}, {"skuId", "0001"}, {"availabilityId", "NOPE"}}}, {"quantity", 12}};
  Patch(body, 404, 400019);
  body["scheduledNextTermInstructions"] = {
      {"product", {{"productId", "CFQ7TTC0LFLZ"}, {"skuId", "0001"}, {"availabilityId", "CFQ7TTC0K5F7"},
                   {"termDuration", "P9Y"}}}};
  Patch(body, 400, 900126);
  EXPECT_EQ(Get()["quantity"], 10);
}

TEST_F(SubscriptionUpdateTest, SeatsThatTheNextStepRefusesAreNotBilled) {
  // The quantity is valid on its own; the billing plan change beside it is
  // not (a P1Y term can't be billed triennially): no addQuantity line.
  auto body = Get();
  body["quantity"] = 15;
  body["billingCycle"] = "triennial";
  Patch(body, 400, 800097);
  EXPECT_EQ(Get()["quantity"], 10);
}

TEST_F(SubscriptionUpdateTest, BillingPlanAndAutoRenewWithAnInvalidFieldChangeNothing) {
  auto body = Get();
  body["billingCycle"] = "annual";
  body["autoRenewEnabled"] = false;
  body["friendlyName"] = std::string(300, 'x');
  Patch(body, 400, 800002);
  auto now = Get();
  EXPECT_EQ(now["autoRenewEnabled"], true);
  EXPECT_FALSE(now.contains("nextChargeInstructions"));
}

TEST_F(SubscriptionUpdateTest, ReactivationWithInvalidSeatsKeepsTheSuspension) {
  auto body = Get();
  body["status"] = "suspended";
  Patch(body, 200);
  body = Get();
  body["status"] = "active";
  body["quantity"] = 100000;  // above the SKU's maximum
  Patch(body, 403, 800067);
  EXPECT_EQ(Get()["status"], "suspended");
}

TEST_F(SubscriptionUpdateTest, CancelOrSuspendBesideAnInvalidFieldIsRefused) {
  for (const char* status : {"deleted", "suspended"}) {
    auto body = Get();
    body["status"] = status;
    body["scheduledActions"] = "Cancel";
    Patch(body, 400, 800002);
    body = Get();
    body["status"] = status;
    body["scheduledNextTermInstructions"] = {{"product", {{"productId", "X"}, {"skuId", "Y"}, {"availabilityId", "Z"}}}};
    Patch(body, 404, 400019);
    EXPECT_EQ(Get()["status"], "active") << status;
  }
}

TEST_F(SubscriptionUpdateTest, CancelOrSuspendRefuseOtherChanges) {
  for (const char* status : {"deleted", "suspended"}) {
    auto body = Get();
    body["status"] = status;
    body["quantity"] = 11;
    Patch(body, 400, 800095);
    body = Get();
    body["status"] = status;
    body["billingCycle"] = "annual";
    Patch(body, 400, 800097);
    body = Get();
    body["status"] = status;
    body["scheduledActions"] = {{{"actionType", "Cancel"}}};
    Patch(body, 400, 800002);
    EXPECT_EQ(Get()["status"], "active") << status;
  }
}

TEST_F(SubscriptionUpdateTest, CancelWithTheFullResourceAsReadIsAccepted) {
  // GET, set status, PATCH back: autoRenewEnabled true and every other field
  // as read are no contradiction; the cancellation turns auto-renew off.
  auto body = Get();
  body["status"] = "deleted";
  body["friendlyName"] = "leaving";
  auto answer = Patch(body, 200);
  EXPECT_EQ(answer["status"], "deleted");
  EXPECT_EQ(answer["autoRenewEnabled"], false);
  EXPECT_EQ(answer["friendlyName"], "leaving");
}

TEST_F(SubscriptionUpdateTest, CancelAsReadKeepsAnActionWithInstructions) {
  // A RenewToNewTerm action carrying its instructions, read back and sent
  // with the status changed: no contradiction.
  auto body = Get();
  body["scheduledActions"] = {
      {{"scheduleType", "TermEnd"},
       {"actionType", "RenewToNewTerm"},
       {"instructions",
        {{"product", {{"productId", "CFQ7TTC0LFLZ"}, {"skuId", "0001"}, {"availabilityId", "CFQ7TTC0K5F7"},
                      {"termDuration", "P1Y"}, {"billingCycle", "annual"}}},
         {"quantity", 10}}}}};
  Patch(body, 200);
  body = Get();
  ASSERT_EQ(body["scheduledActions"][0]["actionType"], "RenewToNewTerm");
  body["status"] = "deleted";
  EXPECT_EQ(Patch(body, 200)["status"], "deleted");
}

TEST_F(SubscriptionUpdateTest, SuspensionMayRenameInTheSameRequest) {
  auto body = Get();
  body["status"] = "suspended";
  body["friendlyName"] = "on hold";
  auto answer = Patch(body, 200);
  EXPECT_EQ(answer["status"], "suspended");
  EXPECT_EQ(answer["friendlyName"], "on hold");
  EXPECT_EQ(answer["autoRenewEnabled"], false);
}

TEST_F(SubscriptionUpdateTest, AValidBodyAppliesEveryFieldInOneRequest) {
  auto body = Get();
  body["quantity"] = 12;
  body["billingCycle"] = "annual";
  body["friendlyName"] = "renamed";
  body["scheduledNextTermInstructions"] = {
      {"product", {{"productId", "CFQ7TTC0LFLZ"}, {"skuId", "0001"}, {"availabilityId", "CFQ7TTC0K5F7"},
                   {"termDuration", "P1Y"}, {"billingCycle", "annual"}}},
      {"quantity", 12}};
  auto answer = Patch(body, 200);
  EXPECT_EQ(answer["quantity"], 12);
  EXPECT_EQ(answer["friendlyName"], "renamed");
  EXPECT_EQ(answer["nextChargeInstructions"]["product"]["billingCycle"], "annual");
  EXPECT_EQ(answer["scheduledNextTermInstructions"]["quantity"], 12);
  EXPECT_EQ(answer["autoRenewEnabled"], true);
}

TEST_F(SubscriptionUpdateTest, ANewActionDecidesAutoRenew) {
  auto body = Get();
  body["scheduledActions"] = {{{"scheduleType", "TermEnd"}, {"actionType", "Cancel"}}};
  body["autoRenewEnabled"] = true;  // as read: the Cancel turns it off
  auto answer = Patch(body, 200);
  EXPECT_EQ(answer["autoRenewEnabled"], false);
  EXPECT_EQ(answer["scheduledActions"][0]["actionType"], "Cancel");
}

TEST_F(SubscriptionUpdateTest, NextTermInstructionsWithAutoRenewOffAreRefusedWhole) {
  auto body = Get();
  body["autoRenewEnabled"] = false;
  body["quantity"] = 11;
  body["scheduledNextTermInstructions"] = {
      {"product", {{"productId", "CFQ7TTC0LFLZ"}, {"skuId", "0001"}, {"availabilityId", "CFQ7TTC0K5F7"}}}};
  Patch(body, 400, 800093);
  auto now = Get();
  EXPECT_EQ(now["quantity"], 10);
  EXPECT_EQ(now["autoRenewEnabled"], true);
}

// A subscription in an Extended Service Term: turning auto-renew on renews it
// today; instructions that can't apply refuse the whole request.
class EstUpdateTest : public SubscriptionUpdateTest {
 protected:
  void SetUp() override {
    Start("2026-04-10T09:00:00Z");
    customer = CreateCustomer();
    id = Buy(customer, kE3, 10, "P1M", "monthly");  // ends 2026-05-09, EST-eligible
    auto body = Get();
    body["autoRenewEnabled"] = false;
    Patch(body, 200);
    Advance("2026-05-11T00:00:00Z");
    ASSERT_TRUE(router->sandbox().FindSubscription(id)->in_est);
  }
};

TEST_F(EstUpdateTest, LeavingEstWithInvalidInstructionsChangesNothing) {
  auto body = Get();
  body["autoRenewEnabled"] = true;
  body["scheduledNextTermInstructions"] = {
      {"product", {{"productId", "CFQ7TTC0LFLZ"}, {"skuId", "0001"}, {"availabilityId", "CFQ7TTC0K5F7"},
                   {"termDuration", "P1Y"}, {"billingCycle", "triennial"}}}};
  Patch(body, 400, 800121);
  EXPECT_TRUE(router->sandbox().FindSubscription(id)->in_est);
  body = Get();
  body["scheduledActions"] = {{{"actionType", "RenewToNewTerm"},
                               {"instructions",
                                {{"product", {{"productId", "CFQ7TTC0LFLZ"}, {"skuId", "0001"},
                                              {"availabilityId", "CFQ7TTC0K5F7"}, {"termDuration", "P2Y"}}}}}}};
  Patch(body, 400, 900126);
  body = Get();
  body["quantity"] = 11;  // seats can't change in EST
  body["autoRenewEnabled"] = true;
  Patch(body, 400, 800095);
  EXPECT_TRUE(router->sandbox().FindSubscription(id)->in_est);
}

TEST_F(EstUpdateTest, AutoRenewOnLeavesEstAndTakesTheNewInstructions) {
  auto body = Get();
  body["autoRenewEnabled"] = true;
  body["scheduledNextTermInstructions"] = {
      {"product", {{"productId", "CFQ7TTC0LFLZ"}, {"skuId", "0001"}, {"availabilityId", "CFQ7TTC0K5F7"},
                   {"termDuration", "P1Y"}, {"billingCycle", "monthly"}}}};
  auto answer = Patch(body, 200);
  EXPECT_EQ(answer["isInExtendedServiceTerm"], false);
  EXPECT_EQ(answer["termDuration"], "P1M");
  EXPECT_EQ(answer["scheduledNextTermInstructions"]["product"]["termDuration"], "P1Y");
}

}  // namespace
}  // namespace pcsim::api::testing
