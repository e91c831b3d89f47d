// Seat increases and decreases (docs/decisions.md, sections 4 and 6).
#include <gtest/gtest.h>

#include "tests/unit/testing/sandbox_fixture.h"

namespace pcsim::testing {
namespace {

class SeatChangeTest : public SandboxTest {};

TEST_F(SeatChangeTest, SeatsCanBeRemovedOnlyWithin168HoursOfBeingAdded) {
  Start("2026-01-10");
  auto customer = AddCustomer("US");
  const auto& sub = Buy(customer, kMicrosoft365E3, 10, Term::P1Y, Billing::Monthly);
  EXPECT_EQ(sub.RefundableQuantity(sandbox->Now()), 10);
  AdvanceTo("2026-01-16T23:59:59Z");
  ASSERT_TRUE(sandbox->ChangeQuantity(sub.id, 8).ok());
  AdvanceTo("2026-01-17T00:00:00Z");
  Status s = sandbox->ChangeQuantity(sub.id, 7);
  EXPECT_EQ(s.http_status(), 400);
  EXPECT_EQ(s.code(), 800090);
  EXPECT_EQ(s.description(), "Subscription quantity cannot be decreased.");
  EXPECT_EQ(Sub(sub.id).quantity, 8);
}

TEST_F(SeatChangeTest, SeatsAddedMidTermOpenTheirOwnReductionWindow) {
  Start("2026-01-10");
  auto customer = AddCustomer("US");
  const auto& sub = Buy(customer, kMicrosoft365E3, 10, Term::P1Y, Billing::Monthly);
  AdvanceTo("2026-03-01");
  EXPECT_EQ(sandbox->ChangeQuantity(sub.id, 9).code(), 800090);
  ASSERT_TRUE(sandbox->ChangeQuantity(sub.id, 15).ok());
  EXPECT_EQ(Sub(sub.id).RefundableQuantity(sandbox->Now()), 5);
  AdvanceTo("2026-03-05");
  EXPECT_EQ(sandbox->ChangeQuantity(sub.id, 9).code(), 800090);
  ASSERT_TRUE(sandbox->ChangeQuantity(sub.id, 10).ok());
  EXPECT_EQ(Sub(sub.id).RefundableQuantity(sandbox->Now()), 0);
}

TEST_F(SeatChangeTest, AddingSeatsToAnAnnualPrepaidTermIsProratedByMonths) {
  Start("2026-01-10");
  auto customer = AddCustomer("US");
  const auto& sub = Buy(customer, kBusinessBasic, 10, Term::P1Y, Billing::Annual);
  AdvanceTo("2026-03-25");
  ASSERT_TRUE(sandbox->ChangeQuantity(sub.id, 12).ok());
  auto lines = Lines(sub, ChargeType::AddQuantity);
  ASSERT_EQ(lines.size(), 2u);
  // Step 03-10..04-09 (31 days) has 16 days left, plus 9 whole months:
  // 72.00 x (9 x 31 + 16) / (31 x 12) = 57.0967...; x 10 -> 570.96; x 12 -> 685.16.
  ExpectLine(*lines[0], ChargeType::AddQuantity, "2026-03-25", "2027-01-09", "-57.0968", 10, "-570.96");
  ExpectLine(*lines[1], ChargeType::AddQuantity, "2026-03-25", "2027-01-09", "57.0968", 12, "685.16");
}

TEST_F(SeatChangeTest, AddedSeatsKeepTheTermsLockedPrice) {
  Start("2026-06-15");
  auto customer = AddCustomer("US");
  const auto& sub = Buy(customer, kBusinessBasic, 10, Term::P1Y, Billing::Monthly);
  EXPECT_EQ(sub.unit_price, Dec("6.30"));
  AdvanceTo("2026-07-15T00:00:00Z");  // list price is 7.35 from 2026-07-01
  ASSERT_TRUE(sandbox->ChangeQuantity(sub.id, 11).ok());
  auto lines = Lines(sub, ChargeType::AddQuantity);
  ASSERT_EQ(lines.size(), 2u);
  EXPECT_EQ(lines[1]->unit_price, Dec("6.30"));
  ExpectLine(*lines[1], ChargeType::AddQuantity, "2026-07-15", "2026-08-14", "6.3", 11, "69.30");
}

TEST_F(SeatChangeTest, QuantityChangesAreRefusedWhileSuspended) {
  Start("2026-01-10");
  auto customer = AddCustomer("US");
  const auto& sub = Buy(customer, kMicrosoft365E3, 10, Term::P1Y, Billing::Monthly);
  ASSERT_TRUE(sandbox->Suspend(sub.id).ok());
  EXPECT_EQ(sandbox->ChangeQuantity(sub.id, 12).code(), 800091);
  ASSERT_TRUE(sandbox->Reactivate(sub.id).ok());
  EXPECT_TRUE(sandbox->ChangeQuantity(sub.id, 12).ok());
}

TEST_F(SeatChangeTest, QuantityAboveTheSkuMaximumIsRefused) {
  Start("2026-01-10");
  auto customer = AddCustomer("US");
  const auto& sub = Buy(customer, kBusinessBasic, 10, Term::P1M, Billing::Monthly);
  Status s = sandbox->ChangeQuantity(sub.id, 301);
  EXPECT_EQ(s.http_status(), 403);
  EXPECT_EQ(s.code(), 800067);
  EXPECT_EQ(sandbox->ChangeQuantity(sub.id, 0).code(), 900275);
  EXPECT_EQ(sandbox->ChangeQuantity("no-such-subscription", 3).code(), 20003);
}

TEST_F(SeatChangeTest, AQuantityChangeDeletesScheduledNextTermInstructions) {
  Start("2026-01-10");
  auto customer = AddCustomer("US");
  const auto& sub = Buy(customer, kMicrosoft365E3, 10, Term::P1Y, Billing::Monthly);
  NextTermInstructions next{sub.offer, Term::P1Y, Billing::Annual, 20, std::nullopt, ""};
  ASSERT_TRUE(sandbox->SetNextTermInstructions(sub.id, next).ok());
  ASSERT_TRUE(Sub(sub.id).next_term.has_value());
  ASSERT_TRUE(sandbox->ChangeQuantity(sub.id, 11).ok());
  EXPECT_FALSE(Sub(sub.id).next_term.has_value());
}

}  // namespace
}  // namespace pcsim::testing
