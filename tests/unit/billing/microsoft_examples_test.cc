// Microsoft's worked examples from "Billing scenarios for one-time and select
// recurring purchases in new commerce experience" (Partner Center docs), each
// replayed through the sandbox with the figures the page prints.
#include <gtest/gtest.h>

#include "tests/unit/testing/sandbox_fixture.h"

namespace pcsim::testing {
namespace {

// Microsoft 365 Business Standard at EUR 10.08 per seat per month, and the
// other prices the page uses.
std::shared_ptr<const Catalog> ExampleCatalog() {
  return CatalogEditor()
      .Prices(kBusinessStandard, "EUR", {"DE"}, "2020-01-01",
              {"P1M/monthly=10.08", "P1Y/monthly=10.08", "P1Y/annual=120.96"})
      .Prices(kOffice365E1, "EUR", {"DE"}, "2020-01-01", {"P1M/monthly=6.43", "P1Y/monthly=6.43"})
      .UpgradeTarget("CFQ7TTC0LDPB:0001", "CFQ7TTC0LF8Q:0001")
      .Prices(kBusinessStandard, "USD", {"US"}, "2020-01-01", {"P1M/monthly=12", "P1Y/monthly=12"})
      .Prices(kSalesTrial, "EUR", {"DE"}, "2020-01-01", {"P1M/monthly=0"})
      .Prices(kSalesEnterprise, "EUR", {"DE"}, "2020-01-01", {"P1M/monthly=52.61"})
      .Prices(kBusinessCentral, "USD", {"US"}, "2020-01-01", {"P3Y/annual=250", "P3Y/monthly=20"})
      .Build();
}

class MicrosoftExamplesTest : public SandboxTest {};

TEST_F(MicrosoftExamplesTest, NewMonthlyTermPurchaseChargesOneFullCycle) {
  Start("2021-06-18", ExampleCatalog());
  auto customer = AddCustomer("DE");
  const auto& sub = Buy(customer, kBusinessStandard, 10, Term::P1M, Billing::Monthly);
  auto lines = Lines(sub);
  ASSERT_EQ(lines.size(), 1u);
  ExpectLine(*lines[0], ChargeType::New, "2021-06-18", "2021-07-17", "10.08", 10, "100.80");
  EXPECT_EQ(lines[0]->unit_price, Dec("10.08"));
  EXPECT_EQ(sandbox->TermAndBillingCycleText(*lines[0]), "One-Month commitment for monthly billing");
}

TEST_F(MicrosoftExamplesTest, MonthlyTermRenewsWithARenewLine) {
  Start("2021-06-18", ExampleCatalog());
  auto customer = AddCustomer("DE");
  const auto& sub = Buy(customer, kBusinessStandard, 10, Term::P1M, Billing::Monthly);
  AdvanceTo("2021-07-18T12:00:00Z");
  auto renew = Lines(sub, ChargeType::Renew);
  ASSERT_EQ(renew.size(), 1u);
  ExpectLine(*renew[0], ChargeType::Renew, "2021-07-18", "2021-08-17", "10.08", 10, "100.80");
  EXPECT_EQ(renew[0]->order_date, At("2021-07-18"));
}

TEST_F(MicrosoftExamplesTest, AnnualTermMonthlyBillingChargesACycleChargeEachMonth) {
  Start("2021-06-18", ExampleCatalog());
  auto customer = AddCustomer("DE");
  const auto& sub = Buy(customer, kBusinessStandard, 10, Term::P1Y, Billing::Monthly);
  AdvanceTo("2021-07-18T01:00:00Z");
  auto cycles = Lines(sub, ChargeType::CycleCharge);
  ASSERT_EQ(cycles.size(), 1u);
  ExpectLine(*cycles[0], ChargeType::CycleCharge, "2021-07-18", "2021-08-17", "10.08", 10, "100.80");
}

TEST_F(MicrosoftExamplesTest, AnnualPrepaidChargesTheWholeTermOnce) {
  Start("2021-06-18", ExampleCatalog());
  auto customer = AddCustomer("DE");
  const auto& sub = Buy(customer, kBusinessStandard, 10, Term::P1Y, Billing::Annual);
  AdvanceTo("2022-06-17T23:00:00Z");
  auto lines = Lines(sub);
  ASSERT_EQ(lines.size(), 1u);
  ExpectLine(*lines[0], ChargeType::New, "2021-06-18", "2022-06-17", "120.96", 10, "1209.60");
}

// The two tables for purchases on the last day of a month.
TEST_F(MicrosoftExamplesTest, MonthlyTermBoughtOnTheLastDayOfAMonth) {
  struct Case {
    const char* bought;
    const char* ends;
  } cases[] = {{"2021-01-31", "2021-02-27"}, {"2021-02-28", "2021-03-27"}, {"2021-05-31", "2021-06-29"},
               {"2021-06-30", "2021-07-29"}, {"2021-07-31", "2021-08-30"}};
  for (const auto& c : cases) {
    Start(c.bought, ExampleCatalog());
    auto customer = AddCustomer("DE");
    const auto& sub = Buy(customer, kBusinessStandard, 1, Term::P1M, Billing::Monthly);
    EXPECT_EQ(sub.term_end.ToString(), c.ends) << c.bought;
    auto lines = Lines(sub);
    ASSERT_EQ(lines.size(), 1u);
    EXPECT_EQ(lines[0]->charge_end.ToString(), c.ends) << c.bought;
  }
}

TEST_F(MicrosoftExamplesTest, AnnualTermMonthlyCyclesBoughtOnTheLastDayOfAMonth) {
  Start("2021-01-31", ExampleCatalog());
  auto customer = AddCustomer("DE");
  const auto& sub = Buy(customer, kBusinessStandard, 1, Term::P1Y, Billing::Monthly);
  EXPECT_EQ(sub.term_end.ToString(), "2022-01-30");
  AdvanceTo("2022-01-30T12:00:00Z");
  const char* expected[][2] = {
      {"2021-01-31", "2021-02-27"}, {"2021-02-28", "2021-03-30"}, {"2021-03-31", "2021-04-29"},
      {"2021-04-30", "2021-05-30"}, {"2021-05-31", "2021-06-29"}, {"2021-06-30", "2021-07-30"},
      {"2021-07-31", "2021-08-30"}, {"2021-08-31", "2021-09-29"}, {"2021-09-30", "2021-10-30"},
      {"2021-10-31", "2021-11-29"}, {"2021-11-30", "2021-12-30"}, {"2021-12-31", "2022-01-30"}};
  auto lines = Lines(sub);
  ASSERT_EQ(lines.size(), 12u);
  for (size_t i = 0; i < 12; ++i) {
    EXPECT_EQ(lines[i]->charge_start.ToString(), expected[i][0]) << i;
    EXPECT_EQ(lines[i]->charge_end.ToString(), expected[i][1]) << i;
    EXPECT_EQ(ToString(lines[i]->charge_type), i == 0 ? "new" : "cycleCharge");
  }
}

TEST_F(MicrosoftExamplesTest, MonthlyTermBoughtOnTheDayBeforeTheLastDayOfAMonth) {
  struct Case {
    const char* bought;
    const char* ends;
  } cases[] = {{"2021-01-30", "2021-02-27"}, {"2021-02-27", "2021-03-26"}, {"2021-05-30", "2021-06-29"},
               {"2021-06-29", "2021-07-28"}, {"2021-07-30", "2021-08-29"}};
  for (const auto& c : cases) {
    Start(c.bought, ExampleCatalog());
    auto customer = AddCustomer("DE");
    const auto& sub = Buy(customer, kBusinessStandard, 1, Term::P1M, Billing::Monthly);
    EXPECT_EQ(sub.term_end.ToString(), c.ends) << c.bought;
  }
}

TEST_F(MicrosoftExamplesTest, AnnualTermMonthlyCyclesBoughtOnTheDayBeforeTheLastDayOfAMonth) {
  Start("2021-01-30", ExampleCatalog());
  auto customer = AddCustomer("DE");
  const auto& sub = Buy(customer, kBusinessStandard, 1, Term::P1Y, Billing::Monthly);
  EXPECT_EQ(sub.term_end.ToString(), "2022-01-29");
  AdvanceTo("2022-01-29T12:00:00Z");
  const char* expected[][2] = {
      {"2021-01-30", "2021-02-26"}, {"2021-02-27", "2021-03-29"}, {"2021-03-30", "2021-04-28"},
      {"2021-04-29", "2021-05-29"}, {"2021-05-30", "2021-06-28"}, {"2021-06-29", "2021-07-29"},
      {"2021-07-30", "2021-08-29"}, {"2021-08-30", "2021-09-28"}, {"2021-09-29", "2021-10-29"},
      {"2021-10-30", "2021-11-28"}, {"2021-11-29", "2021-12-29"}, {"2021-12-30", "2022-01-29"}};
  auto lines = Lines(sub);
  ASSERT_EQ(lines.size(), 12u);
  for (size_t i = 0; i < 12; ++i) {
    EXPECT_EQ(lines[i]->charge_start.ToString(), expected[i][0]) << i;
    EXPECT_EQ(lines[i]->charge_end.ToString(), expected[i][1]) << i;
  }
}

TEST_F(MicrosoftExamplesTest, AddingSeatsRefundsTheOldQuantityAndChargesTheNew) {
  Start("2021-06-18", ExampleCatalog());
  auto customer = AddCustomer("DE");
  const auto& sub = Buy(customer, kBusinessStandard, 10, Term::P1M, Billing::Monthly);
  AdvanceTo("2021-06-20");
  ASSERT_TRUE(sandbox->ChangeQuantity(sub.id, 12).ok());
  auto lines = Lines(sub, ChargeType::AddQuantity);
  ASSERT_EQ(lines.size(), 2u);
  // EUP = 10.08 / 30 x 28 = 9.408; totals truncated: 94.08 and 112.896 -> 112.89.
  ExpectLine(*lines[0], ChargeType::AddQuantity, "2021-06-20", "2021-07-17", "-9.408", 10, "-94.08");
  ExpectLine(*lines[1], ChargeType::AddQuantity, "2021-06-20", "2021-07-17", "9.408", 12, "112.89");
  EXPECT_EQ(lines[0]->reference, lines[1]->reference);
  EXPECT_EQ(lines[0]->unit_price, Dec("10.08"));
}

TEST_F(MicrosoftExamplesTest, RemovingSeatsRefundsTheOldQuantityAndChargesTheNew) {
  Start("2021-06-18", ExampleCatalog());
  auto customer = AddCustomer("DE");
  const auto& sub = Buy(customer, kBusinessStandard, 10, Term::P1M, Billing::Monthly);
  AdvanceTo("2021-06-20");
  ASSERT_TRUE(sandbox->ChangeQuantity(sub.id, 12).ok());
  ASSERT_TRUE(sandbox->ChangeQuantity(sub.id, 8).ok());
  auto lines = Lines(sub, ChargeType::RemoveQuantity);
  ASSERT_EQ(lines.size(), 2u);
  // 9.408 x 12 = 112.896 -> 112.89; 9.408 x 8 = 75.264 -> 75.26.
  ExpectLine(*lines[0], ChargeType::RemoveQuantity, "2021-06-20", "2021-07-17", "-9.408", 12, "-112.89");
  ExpectLine(*lines[1], ChargeType::RemoveQuantity, "2021-06-20", "2021-07-17", "9.408", 8, "75.26");
}

TEST_F(MicrosoftExamplesTest, SeveralSeatChangesInOneMonth) {
  Start("2022-03-05", ExampleCatalog());
  auto customer = AddCustomer("US");
  const auto& sub = Buy(customer, kBusinessStandard, 10, Term::P1M, Billing::Monthly);
  ASSERT_EQ(sub.term_end.ToString(), "2022-04-04");
  struct Step {
    const char* at;
    int quantity;
  } steps[] = {{"2022-03-07", 15}, {"2022-03-10", 25}, {"2022-03-12", 23}, {"2022-03-14", 20}, {"2022-03-25", 30}};
  for (const auto& s : steps) {
    AdvanceTo(s.at);
    Status st = sandbox->ChangeQuantity(sub.id, s.quantity);
    ASSERT_TRUE(st.ok()) << s.at << " " << st.ToString();
  }
  auto lines = Lines(sub);
  ASSERT_EQ(lines.size(), 11u);
  // Cycle 2022-03-05..2022-04-04 has 31 days; EUP = 12 / 31 x billing days.
  ExpectLine(*lines[0], ChargeType::New, "2022-03-05", "2022-04-04", "12", 10, "120.00");
  ExpectLine(*lines[1], ChargeType::AddQuantity, "2022-03-07", "2022-04-04", "-11.2258", 10, "-112.25");
  ExpectLine(*lines[2], ChargeType::AddQuantity, "2022-03-07", "2022-04-04", "11.2258", 15, "168.38");
  ExpectLine(*lines[3], ChargeType::AddQuantity, "2022-03-10", "2022-04-04", "-10.0645", 15, "-150.96");
  ExpectLine(*lines[4], ChargeType::AddQuantity, "2022-03-10", "2022-04-04", "10.0645", 25, "251.61");
  ExpectLine(*lines[5], ChargeType::RemoveQuantity, "2022-03-12", "2022-04-04", "-9.2903", 25, "-232.25");
  ExpectLine(*lines[6], ChargeType::RemoveQuantity, "2022-03-12", "2022-04-04", "9.2903", 23, "213.67");
  ExpectLine(*lines[7], ChargeType::RemoveQuantity, "2022-03-14", "2022-04-04", "-8.5161", 23, "-195.87");
  ExpectLine(*lines[8], ChargeType::RemoveQuantity, "2022-03-14", "2022-04-04", "8.5161", 20, "170.32");
  ExpectLine(*lines[9], ChargeType::AddQuantity, "2022-03-25", "2022-04-04", "-4.2581", 20, "-85.16");
  ExpectLine(*lines[10], ChargeType::AddQuantity, "2022-03-25", "2022-04-04", "4.2581", 30, "127.74");
}

TEST_F(MicrosoftExamplesTest, CancellingTwoDaysInRefundsTheUnusedDaysWithTheUnitPriceTruncated) {
  Start("2021-07-15", ExampleCatalog());
  auto customer = AddCustomer("DE");
  const auto& sub = Buy(customer, kBusinessStandard, 10, Term::P1M, Billing::Monthly);
  AdvanceTo("2021-07-17");
  ASSERT_TRUE(sandbox->Cancel(sub.id).ok());
  auto lines = Lines(sub);
  ASSERT_EQ(lines.size(), 2u);
  ExpectLine(*lines[0], ChargeType::New, "2021-07-15", "2021-08-14", "10.08", 10, "100.80");
  // 10.08 / 31 x 29 = 9.4297 -> 9.42; x 10 = 94.20 (not 94.29).
  ExpectLine(*lines[1], ChargeType::CancelImmediate, "2021-07-17", "2021-08-14", "-9.42", 10, "-94.20");
  EXPECT_EQ(Sub(sub.id).status, SubscriptionStatus::Deleted);
}

TEST_F(MicrosoftExamplesTest, FullUpgradeConvertsInPlace) {
  Start("2021-06-18", ExampleCatalog());
  auto customer = AddCustomer("DE");
  const auto& sub = Buy(customer, kBusinessStandard, 300, Term::P1M, Billing::Monthly);
  AdvanceTo("2021-06-25");
  auto upgraded = sandbox->Upgrade({sub.id, std::string(kOffice365E1), std::nullopt, ""});
  ASSERT_TRUE(upgraded.ok()) << upgraded.status().ToString();
  EXPECT_EQ((*upgraded)->id, sub.id);
  auto lines = Lines(sub);
  ASSERT_EQ(lines.size(), 3u);
  ExpectLine(*lines[0], ChargeType::New, "2021-06-18", "2021-07-17", "10.08", 300, "3024.00");
  // 10.08 / 30 x 23 = 7.728 -> 7.72 x 300; 6.43 / 30 x 23 = 4.9296 -> 4.92 x 300.
  ExpectLine(*lines[1], ChargeType::Convert, "2021-06-25", "2021-07-17", "-7.72", 300, "-2316.00");
  ExpectLine(*lines[2], ChargeType::Convert, "2021-06-25", "2021-07-17", "4.92", 300, "1476.00");
  EXPECT_EQ(lines[1]->reference, lines[2]->reference);
  EXPECT_EQ(sandbox->catalog().OfferAt(lines[1]->offer)->catalog_item_id, kBusinessStandard);
  EXPECT_EQ(sandbox->catalog().OfferAt(lines[2]->offer)->catalog_item_id, kOffice365E1);
  EXPECT_EQ(lines[2]->unit_price, Dec("6.43"));
}

TEST_F(MicrosoftExamplesTest, PartialUpgradeCreatesANewSubscription) {
  Start("2021-06-18", ExampleCatalog());
  auto customer = AddCustomer("DE");
  const auto& sub = Buy(customer, kBusinessStandard, 300, Term::P1M, Billing::Monthly);
  AdvanceTo("2021-06-25");
  auto target = sandbox->Upgrade({sub.id, std::string(kOffice365E1), 100, ""});
  ASSERT_TRUE(target.ok()) << target.status().ToString();
  EXPECT_NE((*target)->id, sub.id);
  EXPECT_EQ(Sub(sub.id).quantity, 200);
  EXPECT_EQ((*target)->quantity, 100);
  EXPECT_EQ((*target)->term_end, Sub(sub.id).term_end);
  auto refund = Lines(sub, ChargeType::Convert);
  auto charge = Lines(**target, ChargeType::Convert);
  ASSERT_EQ(refund.size(), 1u);
  ASSERT_EQ(charge.size(), 1u);
  ExpectLine(*refund[0], ChargeType::Convert, "2021-06-25", "2021-07-17", "-7.72", 100, "-772.00");
  ExpectLine(*charge[0], ChargeType::Convert, "2021-06-25", "2021-07-17", "4.92", 100, "492.00");
  EXPECT_EQ(refund[0]->reference, charge[0]->reference);
}

TEST_F(MicrosoftExamplesTest, TrialConvertedToPaidTheSameDay) {
  Start("2021-06-25", ExampleCatalog());
  auto customer = AddCustomer("DE");
  const auto& trial = Buy(customer, kSalesTrial, 25, Term::P1M, Billing::Monthly);
  ASSERT_TRUE(trial.is_trial);
  auto paid = sandbox->ConvertTrial({trial.id, std::string(kSalesEnterprise), std::nullopt, Term::P1M, Billing::Monthly});
  ASSERT_TRUE(paid.ok()) << paid.status().ToString();
  auto lines = Lines(trial);
  ASSERT_EQ(lines.size(), 3u);
  ExpectLine(*lines[0], ChargeType::New, "2021-06-25", "2021-07-24", "0", 25, "0");
  EXPECT_TRUE(lines[0]->flags & kLineTrial);
  ExpectLine(*lines[1], ChargeType::Convert, "2021-06-25", "2021-07-24", "0", 25, "0");
  EXPECT_TRUE(lines[1]->flags & kLineTrial);
  // 52.61 / 30 x 30 x 25 = 1315.25.
  ExpectLine(*lines[2], ChargeType::Convert, "2021-06-25", "2021-07-24", "52.61", 25, "1315.25");
  EXPECT_FALSE(lines[2]->flags & kLineTrial);
}

TEST_F(MicrosoftExamplesTest, BillingPlanAnnualToMonthlyTakesEffectAtTheNextCycle) {
  Start("2021-09-20", ExampleCatalog());
  auto customer = AddCustomer("US");
  const auto& sub = Buy(customer, kBusinessCentral, 10, Term::P3Y, Billing::Annual);
  AdvanceTo("2022-09-19");
  ASSERT_TRUE(sandbox->ChangeBillingPlan(sub.id, Billing::Monthly).ok());
  AdvanceTo("2022-09-20T01:00:00Z");
  auto lines = Lines(sub);
  ASSERT_EQ(lines.size(), 2u);
  ExpectLine(*lines[0], ChargeType::New, "2021-09-20", "2022-09-19", "250", 10, "2500");
  EXPECT_EQ(lines[0]->billing, Billing::Annual);
  ExpectLine(*lines[1], ChargeType::ChangeBillingPlan, "2022-09-20", "2022-10-19", "20", 10, "200");
  EXPECT_EQ(lines[1]->billing, Billing::Monthly);
  EXPECT_EQ(Sub(sub.id).term_end.ToString(), "2024-09-19");
}

TEST_F(MicrosoftExamplesTest, BillingPlanMonthlyToAnnualIsProratedByMonths) {
  Start("2021-09-20", ExampleCatalog());
  auto customer = AddCustomer("US");
  const auto& sub = Buy(customer, kBusinessCentral, 10, Term::P3Y, Billing::Monthly);
  AdvanceTo("2021-10-01");
  ASSERT_TRUE(sandbox->ChangeBillingPlan(sub.id, Billing::Annual).ok());
  AdvanceTo("2021-10-20T01:00:00Z");
  auto lines = Lines(sub);
  ASSERT_EQ(lines.size(), 2u);
  ExpectLine(*lines[0], ChargeType::New, "2021-09-20", "2021-10-19", "20", 10, "200");
  // 250 x 11/12 = 229.1666 -> 229.16; x 10 = 2291.60.
  ExpectLine(*lines[1], ChargeType::ChangeBillingPlan, "2021-10-20", "2022-09-19", "229.16", 10, "2291.60");
  EXPECT_EQ(lines[1]->unit_price, Dec("250"));
  // The next charge is the next anniversary, at the full annual price.
  AdvanceTo("2022-09-20T01:00:00Z");
  auto cycles = Lines(sub, ChargeType::CycleCharge);
  ASSERT_EQ(cycles.size(), 1u);
  ExpectLine(*cycles[0], ChargeType::CycleCharge, "2022-09-20", "2023-09-19", "250", 10, "2500");
}

}  // namespace
}  // namespace pcsim::testing
