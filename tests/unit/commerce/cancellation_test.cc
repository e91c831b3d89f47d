// Cancellation windows (docs/decisions.md, section 6).
#include <gtest/gtest.h>

#include "tests/unit/testing/sandbox_fixture.h"

namespace pcsim::testing {
namespace {

class CancellationWindowTest : public SandboxTest {};

TEST_F(CancellationWindowTest, RefundIsTheWholeCycleWithin24Hours) {
  Start("2026-01-15T09:00:00Z");
  auto customer = AddCustomer("US");
  const auto& sub = Buy(customer, kMicrosoft365E3, 10, Term::P1Y, Billing::Monthly);
  AdvanceTo("2026-01-16T09:00:00Z");
  ASSERT_TRUE(sandbox->Cancel(sub.id).ok());
  auto refund = Lines(sub, ChargeType::CancelImmediate);
  ASSERT_EQ(refund.size(), 1u);
  // 37.80 per month (36.00 + 5% monthly billing), the whole cycle from its first day.
  ExpectLine(*refund[0], ChargeType::CancelImmediate, "2026-01-15", "2026-02-14", "-37.8", 10, "-378.00");
}

TEST_F(CancellationWindowTest, RefundIsProratedByDaysAfter24Hours) {
  Start("2026-01-15T09:00:00Z");
  auto customer = AddCustomer("US");
  const auto& sub = Buy(customer, kMicrosoft365E3, 10, Term::P1Y, Billing::Monthly);
  AdvanceTo("2026-01-16T09:00:01Z");
  ASSERT_TRUE(sandbox->Cancel(sub.id).ok());
  auto refund = Lines(sub, ChargeType::CancelImmediate);
  ASSERT_EQ(refund.size(), 1u);
  // 37.80 x 30/31 = 36.5806 -> 36.58; x 10 = 365.80.
  ExpectLine(*refund[0], ChargeType::CancelImmediate, "2026-01-16", "2026-02-14", "-36.58", 10, "-365.80");
  EXPECT_EQ(Sub(sub.id).status, SubscriptionStatus::Deleted);
  EXPECT_FALSE(Sub(sub.id).auto_renew);
}

TEST_F(CancellationWindowTest, CancellingAfter168HoursIsRefusedWith900117) {
  Start("2026-01-15T09:00:00Z");
  auto customer = AddCustomer("US");
  const auto& sub = Buy(customer, kMicrosoft365E3, 10, Term::P1Y, Billing::Monthly);
  AdvanceTo("2026-01-22T09:00:00Z");
  EXPECT_TRUE(sandbox->ValidatePurchase({customer, std::string(kBusinessBasic), 1, Term::P1M, Billing::Monthly, "",
                                          "", std::nullopt, ""})
                  .ok());
  AdvanceTo("2026-01-22T09:00:01Z");
  Status s = sandbox->Cancel(sub.id);
  EXPECT_EQ(s.http_status(), 400);
  EXPECT_EQ(s.code(), 900117);
  EXPECT_EQ(s.description(), "You have passed your 7-day cancellation window.");
  EXPECT_EQ(Sub(sub.id).status, SubscriptionStatus::Active);
  EXPECT_TRUE(Lines(sub, ChargeType::CancelImmediate).empty());
}

TEST_F(CancellationWindowTest, RenewalReopensTheWindow) {
  Start("2026-01-15");
  auto customer = AddCustomer("US");
  const auto& sub = Buy(customer, kBusinessBasic, 10, Term::P1M, Billing::Monthly);
  AdvanceTo("2026-02-01");
  EXPECT_EQ(sandbox->Cancel(sub.id).code(), 900117);
  AdvanceTo("2026-02-17");  // renewed 2026-02-15
  ASSERT_TRUE(sandbox->Cancel(sub.id).ok());
  auto refund = Lines(sub, ChargeType::CancelImmediate);
  ASSERT_EQ(refund.size(), 1u);
  // Cycle 02-15..03-14 has 28 days; 7.20 x 26/28 = 6.6857 -> 6.68.
  ExpectLine(*refund[0], ChargeType::CancelImmediate, "2026-02-17", "2026-03-14", "-6.68", 10, "-66.80");
}

TEST_F(CancellationWindowTest, ACancelledSubscriptionStopsBillingAndCannotChange) {
  Start("2026-01-15");
  auto customer = AddCustomer("US");
  const auto& sub = Buy(customer, kBusinessBasic, 10, Term::P1Y, Billing::Monthly);
  ASSERT_TRUE(sandbox->Cancel(sub.id).ok());
  AdvanceTo("2027-06-01");
  EXPECT_EQ(Lines(sub).size(), 2u);
  EXPECT_EQ(sandbox->ChangeQuantity(sub.id, 12).code(), 2011);
  EXPECT_EQ(sandbox->Cancel(sub.id).code(), 2011);
}

TEST_F(CancellationWindowTest, SuspendedSubscriptionsAreStillBilled) {
  Start("2026-01-15");
  auto customer = AddCustomer("US");
  const auto& sub = Buy(customer, kMicrosoft365E3, 10, Term::P1Y, Billing::Monthly);
  ASSERT_TRUE(sandbox->Suspend(sub.id).ok());
  EXPECT_FALSE(Sub(sub.id).auto_renew);
  AdvanceTo("2026-03-15T01:00:00Z");
  EXPECT_EQ(Lines(sub, ChargeType::CycleCharge).size(), 2u);
  EXPECT_EQ(Sub(sub.id).status, SubscriptionStatus::Suspended);
}

}  // namespace
}  // namespace pcsim::testing
