// Billing plan changes (docs/decisions.md, sections 4 and 6).
#include <gtest/gtest.h>

#include "tests/unit/testing/sandbox_fixture.h"

namespace pcsim::testing {
namespace {

class BillingPlanTest : public SandboxTest {};

TEST_F(BillingPlanTest, TriennialMidTermChangesAreRefusedFromApril2025) {
  Start("2025-04-01");
  auto customer = AddCustomer("US");
  const auto& sub = Buy(customer, kBusinessCentral, 5, Term::P3Y, Billing::Monthly);
  Status s = sandbox->ChangeBillingPlan(sub.id, Billing::Annual);
  EXPECT_EQ(s.http_status(), 400);
  EXPECT_EQ(s.code(), 800097);
  EXPECT_FALSE(Sub(sub.id).pending_billing.has_value());
}

TEST_F(BillingPlanTest, TriennialMidTermChangesWereAllowedBeforeApril2025) {
  Start("2025-03-01");
  auto customer = AddCustomer("US");
  const auto& sub = Buy(customer, kBusinessCentral, 5, Term::P3Y, Billing::Monthly);
  EXPECT_TRUE(sandbox->ChangeBillingPlan(sub.id, Billing::Annual).ok());
  EXPECT_EQ(Sub(sub.id).pending_billing, Billing::Annual);
}

TEST_F(BillingPlanTest, AnnualTermMonthlyToAnnualChargesTheRestOfTheTerm) {
  Start("2026-01-10");
  auto customer = AddCustomer("US");
  const auto& sub = Buy(customer, kMicrosoft365E3, 10, Term::P1Y, Billing::Monthly);
  ASSERT_TRUE(sandbox->ChangeBillingPlan(sub.id, Billing::Annual).ok());
  AdvanceTo("2026-02-10T01:00:00Z");
  auto lines = Lines(sub, ChargeType::ChangeBillingPlan);
  ASSERT_EQ(lines.size(), 1u);
  // 432.00 x 11/12 = 396.00.
  ExpectLine(*lines[0], ChargeType::ChangeBillingPlan, "2026-02-10", "2027-01-09", "396", 10, "3960.00");
  EXPECT_EQ(Sub(sub.id).billing, Billing::Annual);
  AdvanceTo("2026-12-31");
  EXPECT_TRUE(Lines(sub, ChargeType::CycleCharge).empty());
}

TEST_F(BillingPlanTest, UpfrontTermsChangeBillingOnlyAtRenewalAndMonthlyTermsNever) {
  Start("2026-01-10");
  auto customer = AddCustomer("US");
  const auto& annual = Buy(customer, kMicrosoft365E3, 10, Term::P1Y, Billing::Annual);
  EXPECT_EQ(sandbox->ChangeBillingPlan(annual.id, Billing::Monthly).code(), 800097);
  const auto& monthly = Buy(customer, kMicrosoft365E3, 10, Term::P1M, Billing::Monthly);
  EXPECT_EQ(sandbox->ChangeBillingPlan(monthly.id, Billing::Annual).code(), 800097);
}

}  // namespace
}  // namespace pcsim::testing
