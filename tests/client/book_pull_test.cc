// PullBook against pcsim's router in process: every customer page, the
// subscriptions kept and skipped, prices from orders, asOf from the clock,
// throttling waited out after Retry-After, a server that keeps failing.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <chrono>
#include <vector>

#include "pcsim/client/book_pull.h"
#include "pcsim/gtest/sandbox_test.h"
#include "simulator/api/book_codec.h"

namespace pcsim::client {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using namespace std::chrono_literals;

class BookPullTest : public pcsim::gtest::SandboxTest {
 protected:
  api::RouterOptions Options() const override { return pcsim::gtest::StartingAt("2026-01-15T09:00:00Z"); }

  BookPullOptions PullOptions() {
    BookPullOptions o;
    o.bearer_token = "any";
    o.page_size = 2;
    o.sleep = [this](std::chrono::milliseconds d) { waits_.push_back(d); };
    return o;
  }

  BookPullResult Pull(const BookPullOptions& options) {
    InProcessTransport transport(router());
    return PullBook(transport, options);
  }

  std::vector<std::chrono::milliseconds> waits_;
};

TEST_F(BookPullTest, PullsEveryPageAndMatchesTheSandboxsOwnBook) {
  for (int i = 0; i < 5; ++i) {
    auto c = NewCustomer();
    BuyAnnualMonthly(c.id, "CFQ7TTC0LFLZ:0001", 3 + i);
  }
  AdvanceBy("P40D");
  BookPullResult pulled = Pull(PullOptions());
  ASSERT_EQ(pulled.failure, PullFailure::kNone) << pulled.error;
  EXPECT_EQ(pulled.book.as_of, Now()) << "asOf: pcsim's simulated now";
  ASSERT_EQ(pulled.book.customers.size(), 5u) << "three pages of two";
  Book own = api::BookOf(router().sandbox());
  pulled.book.partner_tenant_id = own.partner_tenant_id;  // not in the API's answers for a non-JWT token
  // The order writes a price in its shortest form ("36"), the book as the price list has it ("36.00").
  for (Book* b : {&pulled.book, &own})
    for (BookCustomer& c : b->customers)
      for (BookSubscription& s : c.subscriptions)
        if (s.unit_price) s.unit_price = s.unit_price->Normalized();
  EXPECT_EQ(api::BookJsonLines(pulled.book), api::BookJsonLines(own));
  EXPECT_EQ(pulled.retries, 0);
  for (const BookCustomer& c : pulled.book.customers)
    for (const BookSubscription& s : c.subscriptions) EXPECT_TRUE(s.unit_price.has_value()) << "from the order";
}

TEST_F(BookPullTest, SkipsWhatIsNotActiveOrSuspendedAndSaysSo) {
  auto c = NewCustomer();
  auto kept = BuyAnnualMonthly(c.id, "CFQ7TTC0LFLZ:0001", 5);
  auto gone = BuyAnnualMonthly(c.id, "CFQ7TTC0LFLZ:0001", 2);
  ASSERT_TRUE(client().CancelSubscription(c.id, gone.id).ok());
  BookPullResult pulled = Pull(PullOptions());
  ASSERT_EQ(pulled.failure, PullFailure::kNone) << pulled.error;
  ASSERT_EQ(pulled.book.customers.size(), 1u);
  ASSERT_EQ(pulled.book.customers[0].subscriptions.size(), 1u);
  EXPECT_EQ(pulled.book.customers[0].subscriptions[0].id, kept.id);
  EXPECT_EQ(pulled.skipped, 1);
  ASSERT_EQ(pulled.book.assumptions.size(), 1u);
  EXPECT_THAT(pulled.book.assumptions[0], HasSubstr(gone.id));
}

TEST_F(BookPullTest, ThrottlingIsWaitedOutAfterRetryAfter) {
  auto c = NewCustomer();
  BuyAnnualMonthly(c.id, "CFQ7TTC0LFLZ:0001", 5);
  InjectFaults(R"([{"fault": "throttle", "method": "GET", "path": "/v1/customers/*/subscriptions", "count": 3,
                    "retryAfter": 7}])");
  BookPullResult pulled = Pull(PullOptions());
  ASSERT_EQ(pulled.failure, PullFailure::kNone) << pulled.error;
  EXPECT_EQ(pulled.retries, 3);
  EXPECT_THAT(waits_, ElementsAre(7000ms, 7000ms, 7000ms));
  EXPECT_EQ(pulled.book.customers.at(0).subscriptions.size(), 1u);
}

TEST_F(BookPullTest, ErrorsWithoutRetryAfterBackOffAndAServerThatKeepsFailingIsAServerFailure) {
  NewCustomer();
  InjectFaults(R"([{"fault": "error", "status": 500, "method": "GET", "path": "/v1/customers"}])");
  BookPullOptions options = PullOptions();
  options.max_attempts = 4;
  BookPullResult pulled = Pull(options);
  EXPECT_EQ(pulled.failure, PullFailure::kServer);
  EXPECT_THAT(pulled.error, HasSubstr("500"));
  EXPECT_THAT(pulled.error, HasSubstr("4 attempts"));
  EXPECT_THAT(waits_, ElementsAre(500ms, 1000ms, 2000ms));
  EXPECT_TRUE(pulled.book.customers.empty());
}

TEST_F(BookPullTest, AnExplicitAsOfIsKeptAndAServerWithoutAClockNeedsOne) {
  NewCustomer();
  BookPullOptions options = PullOptions();
  options.as_of = Instant::Parse("2026-01-16T00:00:00Z");
  BookPullResult pulled = Pull(options);
  ASSERT_EQ(pulled.failure, PullFailure::kNone) << pulled.error;
  EXPECT_EQ(pulled.book.as_of.ToString(), "2026-01-16T00:00:00Z");

  // A Partner Center without /_sim/: the clock route is not found.
  class NoClock final : public Transport {
   public:
    explicit NoClock(Transport& inner) : inner_(inner) {}
    StatusOr<HttpResponse> Send(const HttpRequest& request) override {
      if (request.target.rfind("/_sim/", 0) == 0) return HttpResponse{404, {}, R"({"code":1000})"};
      return inner_.Send(request);
    }

   private:
    Transport& inner_;
  };
  InProcessTransport inner(router());
  NoClock partner_center(inner);
  BookPullResult refused = PullBook(partner_center, PullOptions());
  EXPECT_EQ(refused.failure, PullFailure::kBadInput);
  EXPECT_THAT(refused.error, HasSubstr("--as-of"));
}

TEST_F(BookPullTest, TheClientCredentialsFlowGivesATokenForThePartner) {
  InProcessTransport authority(router());
  TokenResult token = ClientCredentialsToken(
      authority, ClientCredentials{"4f6c1a8e-2b7d-4e0f-9a3c-5d8e7f1b2c40", "app", "secret"}, PullOptions());
  ASSERT_EQ(token.failure, PullFailure::kNone) << token.error;
  EXPECT_EQ(TenantOfToken(token.access_token), "4f6c1a8e-2b7d-4e0f-9a3c-5d8e7f1b2c40");
  TokenResult refused = ClientCredentialsToken(authority, ClientCredentials{"4f6c1a8e-2b7d-4e0f-9a3c-5d8e7f1b2c40", "app", ""},
                                               PullOptions());
  EXPECT_EQ(refused.failure, PullFailure::kBadInput);
}

}  // namespace
}  // namespace pcsim::client
