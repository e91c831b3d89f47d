// billing_tests.cc of the README's consumer project: one SandboxTest, compiled against the
// installed pcsim package with the CMakeLists.txt the README shows.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "pcsim/gtest/sandbox_test.h"

using namespace pcsim::gtest;

class ConsumerTest : public SandboxTest {
 protected:
  pcsim::api::RouterOptions Options() const override { return StartingAt("2026-01-10T08:00:00Z"); }
};

TEST_F(ConsumerTest, BuysAndIsBilled) {
  auto customer = NewCustomer();
  auto sub = BuyAnnualMonthly(customer.id, "CFQ7TTC0LFLZ:0001", 10);
  EXPECT_THAT(sub, SubscriptionIs("active", 10));
  EXPECT_THAT(ChargeLinesOf(sub.id), HasChargeLine(Line().Type("new").Quantity(10).Total("378.00")));
  AdvanceDays(8);
  EXPECT_THAT(client().SetQuantity(customer.id, sub.id, 9), IsPartnerCenterError(800090));
}
