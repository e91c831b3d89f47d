// MockPartnerCenterClient stands in for the client in unit tests.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "pcsim/client/mock_partner_center_client.h"

namespace pcsim::client {
namespace {

using ::testing::Return;

// Integration code written against the interface.
int CountActiveSeats(PartnerCenterApi& api, const std::string& customer) {
  auto subs = api.ListSubscriptions(customer);
  if (!subs.ok()) return -1;
  int seats = 0;
  for (const auto& s : *subs)
    if (s.status == "active") seats += s.quantity;
  return seats;
}

TEST(MockPartnerCenterClient, StandsInForTheClient) {
  MockPartnerCenterClient pc;
  Subscription a, b, c;
  a.status = "active";
  a.quantity = 10;
  b.status = "suspended";
  b.quantity = 5;
  c.status = "active";
  c.quantity = 2;
  EXPECT_CALL(pc, ListSubscriptions("customer-1")).WillOnce(Return(std::vector<Subscription>{a, b, c}));
  EXPECT_CALL(pc, ListSubscriptions("customer-2")).WillOnce(Return(Status(404, 600002, "customer not found")));
  EXPECT_EQ(CountActiveSeats(pc, "customer-1"), 12);
  EXPECT_EQ(CountActiveSeats(pc, "customer-2"), -1);
  EXPECT_CALL(pc, GetPriceSheet(::testing::_)).WillOnce(Return(std::string("ProductTitle,ProductId\r\n")));
  EXPECT_EQ(*pc.GetPriceSheet({}), "ProductTitle,ProductId\r\n");
}

}  // namespace
}  // namespace pcsim::client
