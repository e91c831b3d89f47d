// End of term: renewal with dated prices, scheduled next-term instructions,
// and the old grace path (docs/decisions.md, sections 6 and 7).
#include <gtest/gtest.h>

#include "tests/unit/testing/sandbox_fixture.h"

namespace pcsim::testing {
namespace {

class TermEndTest : public SandboxTest {};

TEST_F(TermEndTest, RenewalUsesThePriceListInForceOnTheRenewalDay) {
  Start("2026-06-10");
  auto customer = AddCustomer("US");
  const auto& sub = Buy(customer, kBusinessBasic, 10, Term::P1M, Billing::Monthly);
  EXPECT_EQ(sub.unit_price, Dec("7.20"));
  AdvanceTo("2026-07-10T00:00:00Z");
  auto renew = Lines(sub, ChargeType::Renew);
  ASSERT_EQ(renew.size(), 1u);
  // 7.00 x 1.2 = 8.40 from 2026-07-01.
  ExpectLine(*renew[0], ChargeType::Renew, "2026-07-10", "2026-08-09", "8.4", 10, "84.00");
  EXPECT_EQ(Sub(sub.id).term_start.ToString(), "2026-07-10");
  EXPECT_EQ(Sub(sub.id).term_end.ToString(), "2026-08-09");
}

TEST_F(TermEndTest, PriceStaysLockedForTheTerm) {
  Start("2026-06-15");
  auto customer = AddCustomer("US");
  const auto& sub = Buy(customer, kBusinessBasic, 10, Term::P1Y, Billing::Monthly);
  AdvanceTo("2027-06-14T23:00:00Z");
  auto cycles = Lines(sub, ChargeType::CycleCharge);
  ASSERT_EQ(cycles.size(), 11u);
  for (const auto* l : cycles) EXPECT_EQ(l->unit_price, Dec("6.30"));
  AdvanceTo("2027-06-15T01:00:00Z");
  auto renew = Lines(sub, ChargeType::Renew);
  ASSERT_EQ(renew.size(), 1u);
  // 7.00 x 1.05 = 7.35 for the new term.
  ExpectLine(*renew[0], ChargeType::Renew, "2027-06-15", "2027-07-14", "7.35", 10, "73.50");
}

TEST_F(TermEndTest, AutoRenewOffExpiresThenDisablesThenDeletes) {
  Start("2025-01-10");
  auto customer = AddCustomer("US");
  const auto& sub = Buy(customer, kMicrosoft365E3, 10, Term::P1Y, Billing::Annual);
  ASSERT_TRUE(sandbox->SetAutoRenew(sub.id, false).ok());
  AdvanceTo("2026-01-09T23:59:59Z");
  EXPECT_EQ(Sub(sub.id).status, SubscriptionStatus::Active);
  AdvanceTo("2026-01-10");
  EXPECT_EQ(Sub(sub.id).status, SubscriptionStatus::Expired);
  AdvanceTo("2026-02-08T23:00:00Z");
  EXPECT_EQ(Sub(sub.id).status, SubscriptionStatus::Expired);
  AdvanceTo("2026-02-09");
  EXPECT_EQ(Sub(sub.id).status, SubscriptionStatus::Disabled);
  AdvanceTo("2026-05-09T23:00:00Z");
  EXPECT_EQ(Sub(sub.id).status, SubscriptionStatus::Disabled);
  AdvanceTo("2026-05-10");
  EXPECT_EQ(Sub(sub.id).status, SubscriptionStatus::Deleted);
  EXPECT_EQ(Lines(sub).size(), 1u);  // never billed after the term
}

TEST_F(TermEndTest, SuspendedAtTermEndIsDisabledThenDeleted) {
  Start("2025-01-10");
  auto customer = AddCustomer("US");
  const auto& sub = Buy(customer, kMicrosoft365E3, 10, Term::P1Y, Billing::Annual);
  AdvanceTo("2025-12-01");
  ASSERT_TRUE(sandbox->Suspend(sub.id).ok());
  AdvanceTo("2026-01-10");
  EXPECT_EQ(Sub(sub.id).status, SubscriptionStatus::Disabled);
  // 30 + 90 days disabled.
  AdvanceTo("2026-05-09T23:00:00Z");
  EXPECT_EQ(Sub(sub.id).status, SubscriptionStatus::Disabled);
  AdvanceTo("2026-05-10");
  EXPECT_EQ(Sub(sub.id).status, SubscriptionStatus::Deleted);
}

TEST_F(TermEndTest, ScheduledNextTermInstructionsApplyAtRenewal) {
  Start("2026-01-10");
  auto customer = AddCustomer("US");
  const auto& sub = Buy(customer, kMicrosoft365E3, 10, Term::P1M, Billing::Monthly);
  const Offer* e5 = sandbox->ResolveOffer("CFQ7TTC0LFLX:0001", "US");
  ASSERT_NE(e5, nullptr);
  ASSERT_TRUE(sandbox->SetNextTermInstructions(sub.id, NextTermInstructions{e5, Term::P1Y, Billing::Annual, 15,
                                                                            std::nullopt, ""})
                  .ok());
  AdvanceTo("2026-02-10T01:00:00Z");
  const Subscription& renewed = Sub(sub.id);
  EXPECT_EQ(renewed.offer, e5);
  EXPECT_EQ(renewed.quantity, 15);
  EXPECT_EQ(renewed.term, Term::P1Y);
  EXPECT_EQ(renewed.term_end.ToString(), "2027-02-09");
  EXPECT_FALSE(renewed.next_term.has_value());
  auto renew = Lines(sub, ChargeType::Renew);
  ASSERT_EQ(renew.size(), 1u);
  // Microsoft 365 E5 annual: 57.00 x 12 = 684.00.
  ExpectLine(*renew[0], ChargeType::Renew, "2026-02-10", "2027-02-09", "684", 15, "10260.00");
}

TEST_F(TermEndTest, NextTermInstructionsRequireAutoRenewAndAnUpgradePath) {
  Start("2026-01-10");
  auto customer = AddCustomer("US");
  const auto& sub = Buy(customer, kMicrosoft365E3, 10, Term::P1Y, Billing::Monthly);
  const Offer* e1 = sandbox->ResolveOffer(kOffice365E1, "US");
  EXPECT_EQ(sandbox->SetNextTermInstructions(sub.id, NextTermInstructions{e1, Term::P1Y, Billing::Monthly, 10,
                                                                          std::nullopt, ""})
                .code(),
            900236);
  ASSERT_TRUE(sandbox->SetAutoRenew(sub.id, false).ok());
  EXPECT_EQ(sandbox->SetNextTermInstructions(sub.id, NextTermInstructions{sub.offer, Term::P1Y, Billing::Monthly, 12,
                                                                          std::nullopt, ""})
                .code(),
            800093);
}

TEST_F(TermEndTest, TurningAutoRenewOffDeletesNextTermInstructions) {
  Start("2026-01-10");
  auto customer = AddCustomer("US");
  const auto& sub = Buy(customer, kMicrosoft365E3, 10, Term::P1Y, Billing::Monthly);
  ASSERT_TRUE(sandbox->SetNextTermInstructions(sub.id, NextTermInstructions{sub.offer, Term::P1Y, Billing::Annual, 12,
                                                                            std::nullopt, ""})
                  .ok());
  ASSERT_TRUE(sandbox->SetAutoRenew(sub.id, false).ok());
  EXPECT_FALSE(Sub(sub.id).next_term.has_value());
}

TEST_F(TermEndTest, PromotionIsKeptAtRenewalOnlyInsideItsWindow) {
  Start("2026-01-15");
  auto customer = AddCustomer("US");
  const auto& sub = Buy(customer, kMicrosoft365E3, 10, Term::P1Y, Billing::Annual, kE3Promotion);
  AdvanceTo("2027-01-15T01:00:00Z");
  auto renew = Lines(sub, ChargeType::Renew);
  ASSERT_EQ(renew.size(), 1u);
  // The promotion ended 2026-06-30: 39.00 x 12 = 468.00 at list price.
  ExpectLine(*renew[0], ChargeType::Renew, "2027-01-15", "2028-01-14", "468", 10, "4680.00");
  EXPECT_EQ(renew[0]->promotion, kNoIndex);
  EXPECT_TRUE(Sub(sub.id).promotion_id.empty());
}

TEST_F(TermEndTest, MonthlyTermRenewsEveryMonthFollowingTheDrift) {
  Start("2021-01-31", CatalogEditor()
                          .Prices(kBusinessBasic, "USD", {"US"}, "2020-01-01", {"P1M/monthly=6.00"})
                          .Build());
  auto customer = AddCustomer("US");
  const auto& sub = Buy(customer, kBusinessBasic, 1, Term::P1M, Billing::Monthly);
  AdvanceTo("2021-04-01");
  auto lines = Lines(sub);
  ASSERT_EQ(lines.size(), 3u);
  EXPECT_EQ(lines[0]->charge_end.ToString(), "2021-02-27");
  EXPECT_EQ(lines[1]->charge_start.ToString(), "2021-02-28");
  EXPECT_EQ(lines[1]->charge_end.ToString(), "2021-03-27");
  EXPECT_EQ(lines[2]->charge_start.ToString(), "2021-03-28");
}

TEST_F(TermEndTest, AnUnrenewedTrialExpires) {
  Start("2026-01-10");
  auto customer = AddCustomer("US");
  const auto& trial = Buy(customer, kSalesTrial, 5, Term::P1M, Billing::Monthly);
  EXPECT_FALSE(trial.auto_renew);
  AdvanceTo("2026-02-10");
  EXPECT_EQ(Sub(trial.id).status, SubscriptionStatus::Expired);
  EXPECT_EQ(Lines(trial).size(), 1u);
}

// One decision per term end: what DecideTermEnd projects (the EST audit
// download reports it) is what the term end then does, case by case.
TEST_F(TermEndTest, TheProjectedOutcomeIsWhatTheTermEndDoes) {
  Start("2026-05-10");
  auto customer = AddCustomer("US");
  const auto& renews = Buy(customer, kBusinessBasic, 5, Term::P1M, Billing::Monthly);
  const auto& est = Buy(customer, kBusinessStandard, 5, Term::P1M, Billing::Monthly);
  ASSERT_TRUE(sandbox->SetAutoRenew(est.id, false).ok());
  const auto& cancels = Buy(customer, kOffice365E1, 5, Term::P1M, Billing::Monthly);
  ScheduledAction cancel;
  cancel.action = ScheduledActionType::Cancel;
  ASSERT_TRUE(sandbox->SetScheduledAction(cancels.id, cancel).ok());
  const auto& suspended = Buy(customer, kBusinessPremium, 5, Term::P1M, Billing::Monthly);
  const auto& trial = Buy(customer, kSalesTrial, 5, Term::P1M, Billing::Monthly);
  AdvanceTo("2026-05-20");
  ASSERT_TRUE(sandbox->Suspend(suspended.id).ok());

  struct Case {
    std::string id;
    TermEndOutcome outcome;
    SubscriptionStatus status;
    bool in_est;
  };
  const Case cases[] = {
      {renews.id, TermEndOutcome::kRenew, SubscriptionStatus::Active, false},
      {est.id, TermEndOutcome::kExtendedServiceTerm, SubscriptionStatus::Active, true},
      {cancels.id, TermEndOutcome::kCancel, SubscriptionStatus::Disabled, false},
      {suspended.id, TermEndOutcome::kDisableSuspended, SubscriptionStatus::Disabled, false},
      {trial.id, TermEndOutcome::kGrace, SubscriptionStatus::Expired, false},
  };
  for (const Case& c : cases) {
    TermEndDecision d = sandbox->DecideTermEnd(Sub(c.id));
    EXPECT_EQ(d.outcome, c.outcome) << c.id << ": " << d.cause;
    EXPECT_FALSE(d.cause.empty());
    EXPECT_EQ(d.renewal.has_value(), c.outcome == TermEndOutcome::kRenew);
  }
  const Decimal renewal_price = sandbox->DecideTermEnd(Sub(renews.id)).renewal->price;
  AdvanceTo("2026-06-10T01:00:00Z");  // every P1M term above ended on 2026-06-09
  for (const Case& c : cases) {
    EXPECT_EQ(Sub(c.id).status, c.status) << c.id;
    EXPECT_EQ(Sub(c.id).in_est, c.in_est) << c.id;
  }
  auto renewed = Lines(renews, ChargeType::Renew);
  ASSERT_EQ(renewed.size(), 1u);
  EXPECT_EQ(renewed[0]->unit_price, renewal_price);
}

TEST_F(TermEndTest, TimersFireInOrderAcrossYearsOfSimulatedTime) {
  Start("2026-01-10");
  auto customer = AddCustomer("US");
  const auto& sub = Buy(customer, kMicrosoft365E3, 10, Term::P1Y, Billing::Monthly);
  AdvanceTo("2029-01-10T01:00:00Z");
  auto lines = Lines(sub);
  // 36 monthly charges: new, 11 cycle charges, then renew + 11 twice, then the renew of 2029-01-10.
  ASSERT_EQ(lines.size(), 37u);
  for (size_t i = 1; i < lines.size(); ++i) EXPECT_LT(lines[i - 1]->charge_start, lines[i]->charge_start);
  EXPECT_EQ(Lines(sub, ChargeType::Renew).size(), 3u);
}

}  // namespace
}  // namespace pcsim::testing
