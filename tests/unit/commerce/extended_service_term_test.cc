// The end of term from 2026 (docs/decisions.md, sections 7-9).
#include <gtest/gtest.h>

#include "simulator/commerce/est_report.h"
#include "tests/unit/testing/sandbox_fixture.h"

namespace pcsim::testing {
namespace {

class ExtendedServiceTermTest : public SandboxTest {
 protected:
  ScheduledAction Action(ScheduledActionType type) {
    ScheduledAction a;
    a.action = type;
    return a;
  }
};

TEST_F(ExtendedServiceTermTest, AutoRenewOffAfterEnforcementEntersEstAtThreePercentOverTheMonthlyPrice) {
  Start("2025-06-01");
  auto customer = AddCustomer("US");
  const auto& sub = Buy(customer, kMicrosoft365E3, 10, Term::P1Y, Billing::Annual);  // ends 2026-05-31
  ASSERT_TRUE(sandbox->SetAutoRenew(sub.id, false).ok());
  EXPECT_TRUE(sandbox->IsEstEligible(Sub(sub.id)));
  AdvanceTo("2026-06-01T01:00:00Z");
  const Subscription& s = Sub(sub.id);
  EXPECT_TRUE(s.in_est);
  EXPECT_EQ(s.status, SubscriptionStatus::Active);
  EXPECT_FALSE(s.auto_renew);
  auto est = Lines(sub, ChargeType::Renew);
  ASSERT_EQ(est.size(), 1u);
  // P1M list on 2026-06-01: 36.00 x 1.2 = 43.20; x 1.03 = 44.496 -> 44.50.
  ExpectLine(*est[0], ChargeType::Renew, "2026-06-01", "2026-06-30", "44.5", 10, "445.00");
  EXPECT_TRUE(est[0]->flags & kLineExtendedServiceTerm);
  EXPECT_EQ(sandbox->TermAndBillingCycleText(*est[0]), "Extended Service Term");
  // Month to month, at the current price: from July the list is 39.00 x 1.2 x 1.03 = 48.204 -> 48.20.
  AdvanceTo("2026-07-01T01:00:00Z");
  est = Lines(sub, ChargeType::Renew);
  ASSERT_EQ(est.size(), 2u);
  ExpectLine(*est[1], ChargeType::Renew, "2026-07-01", "2026-07-31", "48.2", 10, "482.00");
}

TEST_F(ExtendedServiceTermTest, BeforeEnforcementTheGracePathStillApplies) {
  Start("2025-05-01");
  auto customer = AddCustomer("US");
  const auto& sub = Buy(customer, kMicrosoft365E3, 10, Term::P1Y, Billing::Annual);  // ends 2026-04-30
  ASSERT_TRUE(sandbox->SetAutoRenew(sub.id, false).ok());
  AdvanceTo("2026-05-01T01:00:00Z");
  EXPECT_EQ(Sub(sub.id).status, SubscriptionStatus::Expired);
  EXPECT_FALSE(Sub(sub.id).in_est);
}

TEST_F(ExtendedServiceTermTest, PurchasedBeforeApril2025IsNotEligible) {
  Start("2025-03-15");
  auto customer = AddCustomer("US");
  const auto& sub = Buy(customer, kBusinessCentral, 5, Term::P3Y, Billing::Annual);  // ends 2028-03-14
  ASSERT_TRUE(sandbox->SetAutoRenew(sub.id, false).ok());
  EXPECT_FALSE(sandbox->IsEstEligible(Sub(sub.id)));
  AdvanceTo("2028-03-15T01:00:00Z");
  EXPECT_EQ(Sub(sub.id).status, SubscriptionStatus::Expired);
}

TEST_F(ExtendedServiceTermTest, AnIneligibleSkuAndTrialsTakeTheGracePath) {
  Start("2026-03-01");
  auto customer = AddCustomer("US");
  const auto& security = Buy(customer, kE5Security, 5, Term::P1Y, Billing::Annual);
  ASSERT_TRUE(sandbox->SetAutoRenew(security.id, false).ok());
  EXPECT_FALSE(sandbox->IsEstEligible(Sub(security.id)));
  const auto& trial = Buy(customer, kSalesTrial, 5, Term::P1M, Billing::Monthly);
  EXPECT_FALSE(sandbox->IsEstEligible(Sub(trial.id)));
  AdvanceTo("2027-03-01T01:00:00Z");
  EXPECT_EQ(Sub(security.id).status, SubscriptionStatus::Expired);
  EXPECT_NE(Sub(trial.id).status, SubscriptionStatus::Active);
}

TEST_F(ExtendedServiceTermTest, ExplicitCancelAfterEnforcementDisablesAtTermEnd) {
  Start("2026-03-01");
  auto customer = AddCustomer("US");
  const auto& sub = Buy(customer, kMicrosoft365E3, 10, Term::P1Y, Billing::Monthly);
  ASSERT_TRUE(sandbox->SetScheduledAction(sub.id, Action(ScheduledActionType::Cancel)).ok());
  EXPECT_FALSE(Sub(sub.id).auto_renew);
  AdvanceTo("2027-03-01T01:00:00Z");
  EXPECT_EQ(Sub(sub.id).status, SubscriptionStatus::Disabled);
  EXPECT_FALSE(Sub(sub.id).in_est);
  EXPECT_EQ(Lines(sub).size(), 12u);  // no charge after the term
  AdvanceTo("2027-05-30");
  EXPECT_EQ(Sub(sub.id).status, SubscriptionStatus::Deleted);
}

TEST_F(ExtendedServiceTermTest, NoMonthlyPlanDerivesFromTheAnnualPriceWith23Percent) {
  Start("2026-03-01");
  auto customer = AddCustomer("US");
  // E5 Security has no P1M offer; make it eligible for this test.
  CatalogEditor editor;
  for (Product& p : editor.data().products)
    for (Sku& s : p.skus)
      if (p.id == "CFQ7TTC0MQ5X") s.est_eligible = true;
  Start("2026-03-01", editor.Build());
  customer = AddCustomer("US");
  const auto& sub = Buy(customer, kE5Security, 4, Term::P1Y, Billing::Annual);
  ASSERT_TRUE(sandbox->SetAutoRenew(sub.id, false).ok());
  // 144.00 / 12 x 1.23 = 14.76.
  EXPECT_EQ(sandbox->EstPrice(*sub.offer, Day("2027-03-01")), Dec("14.76"));
  AdvanceTo("2027-03-01T01:00:00Z");
  auto est = Lines(sub, ChargeType::Renew);
  ASSERT_EQ(est.size(), 1u);
  ExpectLine(*est[0], ChargeType::Renew, "2027-03-01", "2027-03-31", "14.76", 4, "59.04");
}

TEST_F(ExtendedServiceTermTest, TheEstPriceListWinsOverTheDerivedPrice) {
  Start("2026-03-01");
  auto customer = AddCustomer("US");
  EXPECT_EQ(sandbox->EstPrice(*sandbox->ResolveOffer(kBusinessPremium, "US"), Day("2026-06-01")), Dec("27.19"));
  EXPECT_EQ(sandbox->EstPrice(*sandbox->ResolveOffer(kBusinessBasic, "US"), Day("2026-06-01")), Dec("7.42"));
}

TEST_F(ExtendedServiceTermTest, EstRefusesQuantityAndBillingChangesAndCancelsAnyTimeProratedByDays) {
  Start("2026-05-10");
  auto customer = AddCustomer("US");
  const auto& sub = Buy(customer, kMicrosoft365E3, 10, Term::P1M, Billing::Monthly);  // ends 2026-06-09
  ASSERT_TRUE(sandbox->SetAutoRenew(sub.id, false).ok());
  AdvanceTo("2026-06-10T01:00:00Z");
  ASSERT_TRUE(Sub(sub.id).in_est) << ToString(Sub(sub.id).status);
  EXPECT_EQ(sandbox->ChangeQuantity(sub.id, 12).code(), 800095);
  EXPECT_EQ(sandbox->ChangeBillingPlan(sub.id, Billing::Annual).code(), 800097);
  AdvanceTo("2026-06-30");
  ASSERT_TRUE(sandbox->Cancel(sub.id).ok());
  auto refund = Lines(sub, ChargeType::CancelImmediate);
  ASSERT_EQ(refund.size(), 1u);
  // EST month 06-10..07-09 at 43.20 x 1.03 = 44.50; 10 days left: 44.50 x 10/30 = 14.8333 -> 14.83.
  ExpectLine(*refund[0], ChargeType::CancelImmediate, "2026-06-30", "2026-07-09", "-14.83", 10, "-148.30");
  EXPECT_EQ(Sub(sub.id).status, SubscriptionStatus::Deleted);
}

TEST_F(ExtendedServiceTermTest, LeavingEstForANewTermStartsItToday) {
  Start("2026-05-10");
  auto customer = AddCustomer("US");
  const auto& sub = Buy(customer, kMicrosoft365E3, 10, Term::P1M, Billing::Monthly);
  ASSERT_TRUE(sandbox->SetAutoRenew(sub.id, false).ok());
  AdvanceTo("2026-06-20");
  ASSERT_TRUE(Sub(sub.id).in_est);
  ASSERT_TRUE(sandbox->ChangeTerm(sub.id, Term::P1Y, Billing::Monthly).ok());
  const Subscription& s = Sub(sub.id);
  EXPECT_FALSE(s.in_est);
  EXPECT_TRUE(s.auto_renew);
  EXPECT_EQ(s.term_start.ToString(), "2026-06-20");
  EXPECT_EQ(s.term_end.ToString(), "2027-06-19");
  auto convert = Lines(sub, ChargeType::Convert);
  ASSERT_EQ(convert.size(), 2u);
  // 44.50 x 20/30 = 29.6666 -> 29.66 refunded; P1Y monthly on 2026-06-20: 36.00 x 1.05 = 37.80.
  ExpectLine(*convert[0], ChargeType::Convert, "2026-06-20", "2026-07-09", "-29.66", 10, "-296.60");
  ExpectLine(*convert[1], ChargeType::Convert, "2026-06-20", "2026-07-19", "37.8", 10, "378.00");
}

TEST_F(ExtendedServiceTermTest, TheTwentyFourHourRuleSetsAnEstActionADayLater) {
  Start("2026-03-01T08:00:00Z");
  auto customer = AddCustomer("US");
  const auto& sub = Buy(customer, kMicrosoft365E3, 10, Term::P1Y, Billing::Monthly);
  ASSERT_TRUE(sandbox->SetAutoRenew(sub.id, false).ok());
  AdvanceTo("2026-03-02T07:00:00Z");
  EXPECT_FALSE(Sub(sub.id).scheduled_action.has_value());
  AdvanceTo("2026-03-02T09:00:00Z");
  ASSERT_TRUE(Sub(sub.id).scheduled_action.has_value());
  EXPECT_EQ(Sub(sub.id).scheduled_action->action, ScheduledActionType::RenewToExtendedServiceTerm);
  EXPECT_EQ(Sub(sub.id).scheduled_action->origin, ActionOrigin::AutoRenewOffRule);
  EXPECT_FALSE(Sub(sub.id).auto_renew);
}

TEST_F(ExtendedServiceTermTest, ACancelWithinTheDayDefusesTheTwentyFourHourRule) {
  Start("2026-03-01T08:00:00Z");
  auto customer = AddCustomer("US");
  const auto& sub = Buy(customer, kMicrosoft365E3, 10, Term::P1Y, Billing::Monthly);
  ASSERT_TRUE(sandbox->SetAutoRenew(sub.id, false).ok());
  AdvanceTo("2026-03-01T20:00:00Z");
  ASSERT_TRUE(sandbox->SetScheduledAction(sub.id, Action(ScheduledActionType::Cancel)).ok());
  AdvanceTo("2026-03-03");
  ASSERT_TRUE(Sub(sub.id).scheduled_action.has_value());
  EXPECT_EQ(Sub(sub.id).scheduled_action->action, ScheduledActionType::Cancel);
}

TEST_F(ExtendedServiceTermTest, TheTwentyFourHourRuleStartsOnItsPolicyDate) {
  Start("2026-01-10");
  auto customer = AddCustomer("US");
  const auto& early = Buy(customer, kMicrosoft365E3, 10, Term::P1Y, Billing::Monthly);
  const auto& late = Buy(customer, kMicrosoft365E3, 10, Term::P1Y, Billing::Monthly);
  AdvanceTo("2026-01-12");
  ASSERT_TRUE(sandbox->SetAutoRenew(early.id, false).ok());  // before 2026-02-16: no 24-hour rule
  AdvanceTo("2026-01-20");
  EXPECT_FALSE(Sub(early.id).scheduled_action.has_value());
  AdvanceTo("2026-02-17T10:00:00Z");
  // The backfill caught the early one.
  ASSERT_TRUE(Sub(early.id).scheduled_action.has_value());
  EXPECT_EQ(Sub(early.id).scheduled_action->origin, ActionOrigin::Backfill);
  ASSERT_TRUE(sandbox->SetAutoRenew(late.id, false).ok());
  AdvanceTo("2026-02-18T10:00:01Z");
  ASSERT_TRUE(Sub(late.id).scheduled_action.has_value());
  EXPECT_EQ(Sub(late.id).scheduled_action->origin, ActionOrigin::AutoRenewOffRule);
}

TEST_F(ExtendedServiceTermTest, TheBackfillSetsEstActionsAtSeededInstantsButNeverReplacesACancel) {
  // In the sandbox environment scheduled actions exist from 2025-11-03, so a
  // partner's Cancel can be there before the backfill.
  Start("2026-01-10", nullptr, Environment::Sandbox);
  auto customer = AddCustomer("US");
  const auto& off = Buy(customer, kMicrosoft365E3, 10, Term::P1Y, Billing::Monthly);
  const auto& cancel = Buy(customer, kMicrosoft365E3, 5, Term::P1Y, Billing::Monthly);
  const auto& on = Buy(customer, kMicrosoft365E3, 3, Term::P1Y, Billing::Monthly);
  ASSERT_TRUE(sandbox->SetAutoRenew(off.id, false).ok());
  ASSERT_TRUE(sandbox->SetScheduledAction(cancel.id, Action(ScheduledActionType::Cancel)).ok());
  Instant when = sandbox->BackfillInstant(Sub(off.id));
  EXPECT_GE(when, At("2026-02-06"));
  EXPECT_LT(when, At("2026-02-16"));
  sandbox->AdvanceTo(when - Duration::Seconds(1));
  EXPECT_FALSE(Sub(off.id).scheduled_action.has_value());
  sandbox->AdvanceTo(when);
  ASSERT_TRUE(Sub(off.id).scheduled_action.has_value());
  EXPECT_EQ(Sub(off.id).scheduled_action->action, ScheduledActionType::RenewToExtendedServiceTerm);
  EXPECT_EQ(Sub(off.id).scheduled_action->origin, ActionOrigin::Backfill);
  AdvanceTo("2026-02-16T00:00:01Z");
  EXPECT_EQ(Sub(cancel.id).scheduled_action->action, ScheduledActionType::Cancel);
  EXPECT_EQ(Sub(cancel.id).scheduled_action->origin, ActionOrigin::Partner);
  EXPECT_FALSE(Sub(on.id).scheduled_action.has_value());
}

TEST_F(ExtendedServiceTermTest, BackfillInstantsAreDeterministicPerSeed) {
  Start("2026-01-10");
  auto customer = AddCustomer("US");
  const auto& sub = Buy(customer, kMicrosoft365E3, 10, Term::P1Y, Billing::Monthly);
  Instant a = sandbox->BackfillInstant(sub);
  std::string id = sub.id;
  Start("2026-01-10");
  customer = AddCustomer("US");
  EXPECT_EQ(Buy(customer, kMicrosoft365E3, 10, Term::P1Y, Billing::Monthly).id, id);
  EXPECT_EQ(sandbox->BackfillInstant(Sub(id)), a);
}

TEST_F(ExtendedServiceTermTest, ScheduledActionsAreRefusedBeforeTheirDate) {
  Start("2026-01-10");
  auto customer = AddCustomer("US");
  const auto& sub = Buy(customer, kMicrosoft365E3, 10, Term::P1Y, Billing::Monthly);
  Status s = sandbox->SetScheduledAction(sub.id, Action(ScheduledActionType::Cancel));
  EXPECT_EQ(s.http_status(), 400);
  EXPECT_NE(s.description().find("2026-02-16"), std::string::npos);
  Start("2025-11-03", nullptr, Environment::Sandbox);
  customer = AddCustomer("US");
  const auto& in_sandbox = Buy(customer, kMicrosoft365E3, 10, Term::P1Y, Billing::Monthly);
  EXPECT_TRUE(sandbox->SetScheduledAction(in_sandbox.id, Action(ScheduledActionType::Cancel)).ok());
}

TEST_F(ExtendedServiceTermTest, RenewToNewTermTurnsAutoRenewOnAndRenews) {
  Start("2026-03-01");
  auto customer = AddCustomer("US");
  const auto& sub = Buy(customer, kMicrosoft365E3, 10, Term::P1M, Billing::Monthly);
  ASSERT_TRUE(sandbox->SetAutoRenew(sub.id, false).ok());
  ASSERT_TRUE(sandbox->SetScheduledAction(sub.id, Action(ScheduledActionType::RenewToNewTerm)).ok());
  EXPECT_TRUE(Sub(sub.id).auto_renew);
  AdvanceTo("2026-04-01T01:00:00Z");
  EXPECT_EQ(Lines(sub, ChargeType::Renew).size(), 1u);
  EXPECT_FALSE(Sub(sub.id).in_est);
}

TEST_F(ExtendedServiceTermTest, TheAuditDownloadListsOutcomesByTermEnd) {
  Start("2026-02-01");
  EXPECT_EQ(EstAuditCsv(*sandbox, false).status().code(), 800002);
  Start("2026-03-01");
  auto customer = AddCustomer("US");
  Buy(customer, kMicrosoft365E3, 10, Term::P1Y, Billing::Monthly);
  const auto& est = Buy(customer, kBusinessBasic, 5, Term::P1M, Billing::Monthly);
  ASSERT_TRUE(sandbox->SetAutoRenew(est.id, false).ok());
  AdvanceTo("2026-05-10");  // the P1M term now ends 2026-06-09 (renewed? no: auto-renew off -> grace in April)
  Start("2026-05-10");
  customer = AddCustomer("US");
  Buy(customer, kMicrosoft365E3, 10, Term::P1Y, Billing::Monthly);
  const auto& est2 = Buy(customer, kBusinessBasic, 5, Term::P1M, Billing::Monthly);
  ASSERT_TRUE(sandbox->SetAutoRenew(est2.id, false).ok());
  auto csv = EstAuditCsv(*sandbox, true);
  ASSERT_TRUE(csv.ok());
  std::string text = *csv;
  EXPECT_NE(text.find("ProjectedOutcome"), std::string::npos);
  // The project's one CSV writer (simulator/model/csv.h): RFC 4180 records ending with CRLF.
  EXPECT_NE(text.find(",EstExtraPerMonth,ProjectedOutcomeCause\r\n"), std::string::npos) << text;
  EXPECT_EQ(text.substr(text.size() - 2), "\r\n");
  EXPECT_EQ(text.find('\n'), text.find("\r\n") + 1);
  size_t est_row = text.find(est2.id), renew_row = text.find("CFQ7TTC0LFLZ");
  ASSERT_NE(est_row, std::string::npos);
  EXPECT_LT(est_row, renew_row);  // ends 2026-06-09, before 2027-05-09
  // Business Basic on 2026-06-10: 7.20 x 1.03 = 7.416 -> 7.42 per seat; x 5 = 37.10;
  // renewing P1M costs 7.20 x 5 = 36.00 (the July price change comes later).
  EXPECT_NE(text.find(",EST,USD,7.42,37.10,P1M,monthly,7.20,36.00,1.10"), std::string::npos) << text;
  EXPECT_NE(text.find(",Renew,USD,"), std::string::npos) << text;
}

}  // namespace
}  // namespace pcsim::testing

namespace pcsim::testing {
namespace {

class CustomDateActionTest : public SandboxTest {};

TEST_F(CustomDateActionTest, ATransitionRunsOnItsEffectiveDate) {
  Start("2026-03-01");
  auto customer = AddCustomer("US");
  const auto& sub = Buy(customer, kMicrosoft365E3, 10, Term::P1Y, Billing::Monthly);
  ScheduledAction action;
  action.schedule = ScheduleType::CustomDate;
  action.action = ScheduledActionType::Transition;
  action.effective_date = Day("2026-04-01");
  action.instructions = NextTermInstructions{sandbox->ResolveOffer("CFQ7TTC0LFLX:0001", "US"), Term::P1Y,
                                             Billing::Monthly, 10, std::nullopt, ""};
  ASSERT_TRUE(sandbox->SetScheduledAction(sub.id, action).ok());
  AdvanceTo("2026-03-31T23:00:00Z");
  EXPECT_EQ(Sub(sub.id).offer->catalog_item_id, kMicrosoft365E3);
  AdvanceTo("2026-04-01T00:00:01Z");
  EXPECT_EQ(Sub(sub.id).offer->catalog_item_id, "CFQ7TTC0LFLX:0001:CFQ7TTC0K5DK");
  EXPECT_FALSE(Sub(sub.id).scheduled_action.has_value());
  auto convert = Lines(sub, ChargeType::Convert);
  ASSERT_EQ(convert.size(), 2u);
  // On a cycle boundary the whole cycle converts: E3 37.80 refunded, E5 59.85 charged.
  ExpectLine(*convert[0], ChargeType::Convert, "2026-04-01", "2026-04-30", "-37.8", 10, "-378.00");
  ExpectLine(*convert[1], ChargeType::Convert, "2026-04-01", "2026-04-30", "59.85", 10, "598.50");
}

TEST_F(CustomDateActionTest, OnlyTransitionsCanHaveACustomDate) {
  Start("2026-03-01");
  auto customer = AddCustomer("US");
  const auto& sub = Buy(customer, kMicrosoft365E3, 10, Term::P1Y, Billing::Monthly);
  ScheduledAction cancel;
  cancel.schedule = ScheduleType::CustomDate;
  cancel.action = ScheduledActionType::Cancel;
  cancel.effective_date = Day("2026-04-01");
  EXPECT_EQ(sandbox->SetScheduledAction(sub.id, cancel).http_status(), 400);
  ScheduledAction late;
  late.schedule = ScheduleType::CustomDate;
  late.action = ScheduledActionType::Transition;
  late.effective_date = Day("2027-04-01");  // after the term end
  late.instructions = NextTermInstructions{sandbox->ResolveOffer("CFQ7TTC0LFLX:0001", "US"), Term::P1Y,
                                           Billing::Monthly, 10, std::nullopt, ""};
  EXPECT_EQ(sandbox->SetScheduledAction(sub.id, late).http_status(), 400);
}

}  // namespace
}  // namespace pcsim::testing
