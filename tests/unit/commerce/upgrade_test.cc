// Upgrades, term changes and trial conversions (docs/decisions.md, sections 4
// and 6).
#include <gtest/gtest.h>

#include "tests/unit/testing/sandbox_fixture.h"

namespace pcsim::testing {
namespace {

class UpgradeTest : public SandboxTest {};

TEST_F(UpgradeTest, DowngradesAreRefused) {
  Start("2026-01-10");
  auto customer = AddCustomer("US");
  const auto& sub = Buy(customer, kMicrosoft365E3, 10, Term::P1Y, Billing::Monthly);
  auto r = sandbox->Upgrade({sub.id, std::string(kOffice365E1), std::nullopt, ""});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().http_status(), 400);
  EXPECT_EQ(r.status().code(), 900236);
  EXPECT_TRUE(Lines(sub, ChargeType::Convert).empty());
}

TEST_F(UpgradeTest, UpgradeIntoAnExistingSubscriptionMovesQuantity) {
  Start("2026-01-10");
  auto customer = AddCustomer("US");
  const auto& source = Buy(customer, kMicrosoft365E3, 10, Term::P1Y, Billing::Monthly);
  const auto& target = Buy(customer, "CFQ7TTC0LFLX:0001:CFQ7TTC0K5DK", 5, Term::P1Y, Billing::Monthly);
  AdvanceTo("2026-01-20");
  auto r = sandbox->Upgrade({source.id, "CFQ7TTC0LFLX:0001", 4, target.id});
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(Sub(source.id).quantity, 6);
  EXPECT_EQ(Sub(target.id).quantity, 9);
  auto refund = Lines(source, ChargeType::MoveQuantity);
  auto charge = Lines(target, ChargeType::MoveQuantity);
  ASSERT_EQ(refund.size(), 1u);
  ASSERT_EQ(charge.size(), 1u);
  // Cycle 01-10..02-09 (31 days), 21 days left. E3 37.80 x 21/31 = 25.6064 -> 25.60;
  // E5 59.85 x 21/31 = 40.5435 -> 40.54.
  ExpectLine(*refund[0], ChargeType::MoveQuantity, "2026-01-20", "2026-02-09", "-25.6", 4, "-102.40");
  ExpectLine(*charge[0], ChargeType::MoveQuantity, "2026-01-20", "2026-02-09", "40.54", 4, "162.16");
  EXPECT_EQ(refund[0]->reference, charge[0]->reference);
}

TEST_F(UpgradeTest, PartialUpgradeTargetInheritsTheSourcesCancellationWindow) {
  Start("2026-01-10");
  auto customer = AddCustomer("US");
  const auto& source = Buy(customer, kMicrosoft365E3, 10, Term::P1Y, Billing::Monthly);
  AdvanceTo("2026-01-15");
  auto target = sandbox->Upgrade({source.id, "CFQ7TTC0LFLX:0001", 3, ""});
  ASSERT_TRUE(target.ok()) << target.status().ToString();
  std::string target_id = (*target)->id;
  EXPECT_EQ((*target)->window_start, source.window_start);
  AdvanceTo("2026-01-17T00:00:01Z");  // 7 days after the source's purchase
  EXPECT_EQ(sandbox->Cancel(target_id).code(), 900117);
}

TEST_F(UpgradeTest, TermCanLengthenButNeverShorten) {
  Start("2026-01-10");
  auto customer = AddCustomer("US");
  const auto& sub = Buy(customer, kMicrosoft365E3, 10, Term::P1M, Billing::Monthly);
  AdvanceTo("2026-01-20");
  ASSERT_TRUE(sandbox->ChangeTerm(sub.id, Term::P1Y, Billing::Monthly).ok());
  const Subscription& changed = Sub(sub.id);
  EXPECT_EQ(changed.term, Term::P1Y);
  EXPECT_EQ(changed.term_start.ToString(), "2026-01-20");
  EXPECT_EQ(changed.term_end.ToString(), "2027-01-19");
  auto lines = Lines(sub, ChargeType::Convert);
  ASSERT_EQ(lines.size(), 2u);
  // P1M 43.20 x 21/31 = 29.2645 -> 29.26 refunded; P1Y monthly 37.80 charged for the first cycle.
  ExpectLine(*lines[0], ChargeType::Convert, "2026-01-20", "2026-02-09", "-29.26", 10, "-292.60");
  ExpectLine(*lines[1], ChargeType::Convert, "2026-01-20", "2026-02-19", "37.8", 10, "378.00");
  Status shorter = sandbox->ChangeTerm(sub.id, Term::P1M, std::nullopt);
  EXPECT_EQ(shorter.code(), 800122);
}

TEST_F(UpgradeTest, TrialConversionDefaultsToTheSkusPaidOffer) {
  Start("2026-01-10");
  auto customer = AddCustomer("US");
  const auto& trial = Buy(customer, kSalesTrial, 5, Term::P1M, Billing::Monthly);
  AdvanceTo("2026-01-20");
  auto paid = sandbox->ConvertTrial({trial.id, "", std::nullopt, std::nullopt, std::nullopt});
  ASSERT_TRUE(paid.ok()) << paid.status().ToString();
  EXPECT_EQ((*paid)->offer->catalog_item_id, kSalesEnterprise);
  EXPECT_FALSE((*paid)->is_trial);
  EXPECT_TRUE((*paid)->auto_renew);
  EXPECT_EQ((*paid)->term_start.ToString(), "2026-01-20");
  auto lines = Lines(trial, ChargeType::Convert);
  ASSERT_EQ(lines.size(), 2u);
  EXPECT_TRUE(lines[0]->flags & kLineTrial);
  // Dynamics 365 Sales Enterprise P1M: 105.00 x 1.2 = 126.00.
  ExpectLine(*lines[1], ChargeType::Convert, "2026-01-20", "2026-02-19", "126", 5, "630.00");
  EXPECT_EQ(sandbox->ConvertTrial({trial.id, "", std::nullopt, std::nullopt, std::nullopt}).status().code(), 800002);
}

}  // namespace
}  // namespace pcsim::testing
