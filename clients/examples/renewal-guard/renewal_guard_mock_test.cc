// The guard's choices, unit-tested against MockPartnerCenterClient: no sandbox.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "pcsim/client/mock_partner_center_client.h"
#include "renewal_guard.h"

namespace renewal_guard {
namespace {

using pcsim::client::Customer;
using pcsim::client::MockPartnerCenterClient;
using pcsim::client::ScheduledAction;
using pcsim::client::Subscription;
using ::testing::_;
using ::testing::ElementsAre;
using ::testing::Field;
using ::testing::Return;

Subscription Sub(std::string id, std::string offer, std::string term_end, bool auto_renew = false,
                 std::vector<std::string> actions = {}, std::string status = "active") {
  Subscription s;
  s.id = std::move(id);
  s.customer_id = "c1";
  s.offer_id = std::move(offer);
  s.commitment_end_date = term_end + "T00:00:00Z";
  s.auto_renew_enabled = auto_renew;
  s.status = std::move(status);
  for (auto& a : actions) {
    ScheduledAction action;
    action.action_type = a;
    s.scheduled_actions.push_back(action);
  }
  return s;
}

MATCHER_P(IsAction, type, "") { return arg.size() == 1 && arg[0].action_type == type && arg[0].schedule_type == "TermEnd"; }

TEST(RenewalGuard, ActsOnlyOnUnguardedTermsEndingSoon) {
  MockPartnerCenterClient pc;
  Customer c1;
  c1.id = "c1";
  EXPECT_CALL(pc, ListCustomers()).WillOnce(Return(std::vector<Customer>{c1}));
  Subscription trial = Sub("trial", "P:0001:A", "2026-05-10");
  trial.is_trial = true;
  EXPECT_CALL(pc, ListSubscriptions("c1"))
      .WillOnce(Return(std::vector<Subscription>{
          Sub("due", "P:0001:A", "2026-05-10"),                                   // acted on
          Sub("due-est", "E3:0001:A", "2026-05-31", false, {"RenewToExtendedServiceTerm"}),  // replaced
          Sub("last-day", "P:0001:A", "2026-05-01"),                              // today counts
          Sub("later", "P:0001:A", "2026-06-01"),                                 // 31 days away
          Sub("renews", "P:0001:A", "2026-05-10", true),                          // auto-renew on
          Sub("chosen", "P:0001:A", "2026-05-10", false, {"Cancel"}),             // explicit already
          Sub("ended", "P:0001:A", "2026-04-30"),
          Sub("suspended", "P:0001:A", "2026-05-10", false, {}, "suspended"),
          trial,
      }));
  EXPECT_CALL(pc, SetScheduledActions("c1", "due", IsAction("Cancel"))).WillOnce(Return(Subscription{}));
  EXPECT_CALL(pc, SetScheduledActions("c1", "due-est", IsAction("RenewToNewTerm"))).WillOnce(Return(Subscription{}));
  EXPECT_CALL(pc, SetScheduledActions("c1", "last-day", IsAction("Cancel")))
      .WillOnce(Return(pcsim::Status(400, 800002, "too late")));

  GuardPolicy policy;
  policy.per_offer["E3"] = Action::RenewToNewTerm;
  std::vector<std::string> log;
  RenewalGuard guard(pc, policy, [&log](const std::string& l) { log.push_back(l); });
  auto decisions = guard.RunOnce("2026-05-01");
  ASSERT_TRUE(decisions.ok());
  ASSERT_EQ(decisions->size(), 3u);
  EXPECT_TRUE((*decisions)[0].applied);
  EXPECT_EQ((*decisions)[1].action, Action::RenewToNewTerm);
  EXPECT_FALSE((*decisions)[2].applied);
  EXPECT_EQ((*decisions)[2].error, pcsim::Status(400, 800002, "too late").ToString());
  EXPECT_EQ(log.size(), 3u);
}

TEST(RenewalGuard, TheMostSpecificOfferRuleWins) {
  MockPartnerCenterClient pc;
  GuardPolicy policy;
  policy.per_offer["P"] = Action::RenewToNewTerm;
  policy.per_offer["P:0002"] = Action::Cancel;
  policy.per_offer["P:0003:B"] = Action::RenewToNewTerm;
  RenewalGuard guard(pc, policy, nullptr);
  EXPECT_EQ(guard.ActionFor("P:0001:A"), Action::RenewToNewTerm);
  EXPECT_EQ(guard.ActionFor("P:0002:A"), Action::Cancel);
  EXPECT_EQ(guard.ActionFor("P:0003:B"), Action::RenewToNewTerm);
  EXPECT_EQ(guard.ActionFor("Q:0001:A"), Action::Cancel);
}

TEST(RenewalGuard, AListingFailureEndsThePass) {
  MockPartnerCenterClient pc;
  EXPECT_CALL(pc, ListCustomers()).WillOnce(Return(pcsim::Status(429, 429, "Rate limit is exceeded.")));
  EXPECT_CALL(pc, SetScheduledActions(_, _, _)).Times(0);
  RenewalGuard guard(pc, GuardPolicy{}, nullptr);
  EXPECT_EQ(guard.RunOnce("2026-05-01").status().http_status(), 429);
}

TEST(DaysBetween, CountsCalendarDays) {
  EXPECT_EQ(DaysBetween("2026-02-27", "2026-03-01"), 2);
  EXPECT_EQ(DaysBetween("2028-02-27", "2028-03-01"), 3);
  EXPECT_EQ(DaysBetween("2026-05-01", "2026-04-30"), -1);
  EXPECT_FALSE(DaysBetween("2026-02-30", "2026-03-01").has_value());
  EXPECT_FALSE(DaysBetween("soon", "2026-03-01").has_value());
}

}  // namespace
}  // namespace renewal_guard
