// The typed client over both transports: typed resources, Partner Center's
// error codes, paging through links.next, Retry-After on 429, exact money.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <chrono>
#include <set>

#include "pcsim/gtest/sandbox_test.h"

namespace pcsim::client {
namespace {

using ::testing::ElementsAre;
using ::testing::SizeIs;
using namespace pcsim::gtest;

class ClientTest : public SandboxTest {
 protected:
  // The client's v1 line-item calls are tested here: keep v1 serving them
  // after the v2 cutover (docs/graph-billing.md).
  api::RouterOptions Options() const override {
    api::RouterOptions options = StartingAt("2026-01-15T09:00:00Z");
    options.sandbox.policy = Policy::Microsoft();
    EXPECT_TRUE(options.sandbox.policy->Override("reconciliation.v1KeepServing", "true").ok());
    return options;
  }
};

TEST_F(ClientTest, BuysAndReadsTypedResourcesInProcess) {
  auto customer = NewCustomer();
  EXPECT_EQ(customer.country, "US");
  auto sub = BuyAnnualMonthly(customer.id, "CFQ7TTC0LFLZ:0001", 10);
  EXPECT_EQ(sub.offer_id, "CFQ7TTC0LFLZ:0001:CFQ7TTC0K5F7");
  EXPECT_EQ(sub.status, "active");
  EXPECT_EQ(sub.quantity, 10);
  EXPECT_TRUE(sub.auto_renew_enabled);
  EXPECT_EQ(sub.term_duration, "P1Y");
  EXPECT_EQ(sub.billing_cycle, "monthly");
  EXPECT_EQ(sub.CommitmentEndDay(), "2027-01-14");
  EXPECT_FALSE(sub.etag.empty());
  EXPECT_FALSE(sub.is_in_extended_service_term);

  auto listed = client().ListSubscriptions(customer.id);
  ASSERT_TRUE(listed.ok()) << listed.status().ToString();
  ASSERT_THAT(*listed, SizeIs(1));
  EXPECT_EQ((*listed)[0].id, sub.id);
  EXPECT_EQ((*listed)[0].customer_id, customer.id);
}

TEST_F(ClientTest, TheHttpTransportSeesTheSameSandbox) {
  auto customer = NewCustomer("DE");
  auto sub = BuyAnnualMonthly(customer.id, "CFQ7TTC0LDPB:0001", 3);
  auto over_http = http_client().GetSubscription(customer.id, sub.id);
  ASSERT_TRUE(over_http.ok()) << over_http.status().ToString();
  EXPECT_EQ(over_http->raw, sub.raw);
  EXPECT_THAT(http_client().SetQuantity(customer.id, sub.id, 5), SubscriptionIs("active", 5));
  EXPECT_THAT(client().GetSubscription(customer.id, sub.id), SubscriptionIs("active", 5));
}

TEST_F(ClientTest, ErrorsCarryPartnerCenterCodes) {
  auto customer = NewCustomer();
  auto sub = BuyAnnualMonthly(customer.id, "CFQ7TTC0LFLZ:0001", 10);
  AdvanceDays(8);
  auto refused = client().SetQuantity(customer.id, sub.id, 9);
  EXPECT_THAT(refused, IsPartnerCenterError(800090));
  EXPECT_EQ(refused.status().http_status(), 400);
  EXPECT_EQ(refused.status().description(), "Subscription quantity cannot be decreased.");
  EXPECT_THAT(client().GetSubscription(customer.id, "no-such-subscription"), IsPartnerCenterError(20003));
  EXPECT_EQ(client().GetCustomer("no-such-customer").status().http_status(), 404);
}

TEST_F(ClientTest, AStaleEtagIsRefused) {
  auto customer = NewCustomer();
  auto sub = BuyAnnualMonthly(customer.id, "CFQ7TTC0LFLZ:0001", 10);
  ASSERT_TRUE(client().SetQuantity(customer.id, sub.id, 11).ok());
  sub.quantity = 12;  // still carries the etag read before the change
  EXPECT_THAT(client().UpdateSubscription(sub), IsPartnerCenterError(2055));
}

TEST_F(ClientTest, FollowsEveryPageOfCustomers) {
  for (int i = 0; i < 230; ++i) NewCustomer();
  auto all = client().ListCustomers();
  ASSERT_TRUE(all.ok()) << all.status().ToString();
  EXPECT_THAT(*all, SizeIs(230));
  std::set<std::string> ids;
  for (const auto& c : *all) ids.insert(c.id);
  EXPECT_EQ(ids.size(), 230u);
  // 100 + 100 + 30: three requests.
  uint64_t before = client().requests_sent();
  ASSERT_TRUE(client().ListCustomers().ok());
  EXPECT_EQ(client().requests_sent() - before, 3u);
}

TEST_F(ClientTest, MoneyIsExact) {
  auto customer = NewCustomer();
  BuyAnnualMonthly(customer.id, "CFQ7TTC0LFLZ:0001", 10);
  auto lines = client().ListUnbilledLineItems("USD", "current");
  ASSERT_TRUE(lines.ok()) << lines.status().ToString();
  ASSERT_THAT(*lines, SizeIs(1));
  const InvoiceLineItem& l = (*lines)[0];
  EXPECT_EQ(l.charge_type, "new");
  EXPECT_EQ(l.quantity, 10);
  EXPECT_EQ(l.unit_price, *Decimal::Parse("37.8"));
  EXPECT_EQ(l.subtotal, *Decimal::Parse("378"));
  EXPECT_EQ(l.charge_start_date.substr(0, 10), "2026-01-15");
  EXPECT_EQ(l.charge_end_date.substr(0, 10), "2026-02-14");
}

TEST_F(ClientTest, DownloadsThePriceSheetOverBothTransports) {
  auto sheet = client().GetPriceSheet({});
  ASSERT_TRUE(sheet.ok()) << sheet.status().ToString();
  EXPECT_EQ(sheet->rfind("ProductTitle,ProductId,SkuId,SkuTitle,", 0), 0u) << *sheet;
  // Microsoft 365 E3, one year billed monthly: 37.80 from April 2025 until the July 2026 change.
  EXPECT_NE(sheet->find("Microsoft 365 E3,CFQ7TTC0LFLZ,0001,"), std::string::npos);
  EXPECT_NE(sheet->find(",P1Y,Monthly,US,USD,37.8,,,4/1/2025 12:00:00 AM,6/30/2026 11:59:59 PM,License,37.8,"
                        "Commercial\r\n"),
            std::string::npos);
  // Over HTTP too the client asks for the CSV itself (Accept-Encoding: identity), not the zip.
  auto over_http = http_client().GetPriceSheet({});
  ASSERT_TRUE(over_http.ok()) << over_http.status().ToString();
  EXPECT_EQ(*over_http, *sheet);
  PriceSheetRequest request;
  request.timeline = "future";
  auto future = http_client().GetPriceSheet(request);
  ASSERT_TRUE(future.ok()) << future.status().ToString();
  EXPECT_NE(future->find(",P1Y,Monthly,US,USD,40.95,,,7/1/2026 12:00:00 AM,"), std::string::npos);
  // The EST of December 2025: 43.20 + 3% = 44.496, rounded to 44.50.
  request.view = "licensebasedest";
  request.timeline = "history";
  request.month = "202512";
  auto est = client().GetPriceSheet(request);
  ASSERT_TRUE(est.ok()) << est.status().ToString();
  EXPECT_NE(est->find("Microsoft 365 E3,CFQ7TTC0LFLZ,"), std::string::npos);
  EXPECT_NE(est->find(",P1M,Monthly,US,USD,44.5,"), std::string::npos);
  PriceSheetRequest software;
  software.view = "software";
  EXPECT_THAT(client().GetPriceSheet(software), IsPartnerCenterError(800002));
  // A quote in a key is escaped as '' and comes back whole in the error.
  PriceSheetRequest quote;
  quote.market = "U'S";
  auto quoted = http_client().GetPriceSheet(quote);
  EXPECT_THAT(quoted, IsPartnerCenterError(800002));
  EXPECT_NE(quoted.status().description().find("Market 'U'S'"), std::string::npos) << quoted.status().ToString();
}

TEST(ParseExactJson, KeepsTheDigitsOfFractionalNumbers) {
  auto j = ParseExactJson(R"({"a": 0.1, "b": [1, 2.50, 1e-3], "c": {"d": 12345678901234567.89}})");
  ASSERT_TRUE(j.has_value());
  EXPECT_EQ((*j)["a"], "0.1");
  EXPECT_EQ((*j)["b"][0], 1);
  EXPECT_EQ((*j)["b"][1], "2.50");
  EXPECT_EQ((*j)["b"][2], "1e-3");
  EXPECT_EQ((*j)["c"]["d"], "12345678901234567.89");
  EXPECT_FALSE(ParseExactJson("{\"a\": ").has_value());
  EXPECT_FALSE(ParseExactJson("[1, 2] trailing").has_value());
}

// A transport that answers the first `throttled` requests with Partner
// Center's throttling response, then passes requests on; it records the
// MS-RequestId of each request.
class ThrottlingTransport : public Transport {
 public:
  ThrottlingTransport(std::shared_ptr<Transport> inner, int throttled, std::string retry_after, int status = 429)
      : inner_(std::move(inner)), throttled_(throttled), retry_after_(std::move(retry_after)), status_(status) {}
  StatusOr<HttpResponse> Send(const HttpRequest& request) override {
    for (const auto& [k, v] : request.headers)
      if (k == "MS-RequestId") request_ids.push_back(v);
    if (throttled_ > 0) {
      --throttled_;
      HttpResponse r;
      r.status = status_;
      if (!retry_after_.empty()) r.headers.emplace_back("Retry-After", retry_after_);
      r.body = R"({"statusCode": 429, "message": "Rate limit is exceeded. Try again in )" + retry_after_ + R"( seconds."})";
      return r;
    }
    return inner_->Send(request);
  }
  std::vector<std::string> request_ids;

 private:
  std::shared_ptr<Transport> inner_;
  int throttled_;
  std::string retry_after_;
  int status_;
};

class RetryTest : public ClientTest {
 protected:
  PartnerCenterClient Throttled(int times, std::string retry_after, RetryPolicy policy = {}, int status = 429) {
    transport_ = std::make_shared<ThrottlingTransport>(std::make_shared<InProcessTransport>(router()), times,
                                                       std::move(retry_after), status);
    ClientOptions options;
    options.retry = policy;
    options.sleep = [this](std::chrono::milliseconds d) { waits_.push_back(d.count()); };
    return PartnerCenterClient(transport_, options);
  }
  std::shared_ptr<ThrottlingTransport> transport_;
  std::vector<long long> waits_;
};

TEST_F(RetryTest, WaitsRetryAfterAndKeepsTheRequestId) {
  auto customer = NewCustomer();
  auto sub = BuyAnnualMonthly(customer.id, "CFQ7TTC0LFLZ:0001", 10);
  auto api = Throttled(2, "7");
  auto got = api.GetSubscription(customer.id, sub.id);
  ASSERT_TRUE(got.ok()) << got.status().ToString();
  EXPECT_THAT(waits_, ElementsAre(7000, 7000));
  ASSERT_THAT(transport_->request_ids, SizeIs(3));
  EXPECT_EQ(transport_->request_ids[0], transport_->request_ids[1]);
  EXPECT_EQ(transport_->request_ids[1], transport_->request_ids[2]);
}

TEST_F(RetryTest, AThrottledPatchIsAppliedOnce) {
  auto customer = NewCustomer();
  auto sub = BuyAnnualMonthly(customer.id, "CFQ7TTC0LFLZ:0001", 10);
  auto api = Throttled(0, "1");
  sub.quantity = 12;
  ASSERT_TRUE(api.UpdateSubscription(sub).ok());
  // The same PATCH again with the same MS-RequestId is answered from the
  // first response, not applied twice.
  ClientOptions options;
  options.request_id = [] { return std::string("11111111-2222-4333-8444-555555555555"); };
  auto fixed = PartnerCenterClient(std::make_shared<InProcessTransport>(router()), options);
  auto current = client().GetSubscription(customer.id, sub.id);
  current->quantity = 15;
  ASSERT_THAT(fixed.UpdateSubscription(*current), SubscriptionIs("active", 15));
  ASSERT_THAT(fixed.UpdateSubscription(*current), SubscriptionIs("active", 15));
  // A seat change is a pair of lines: the old quantity credited, the new one charged.
  EXPECT_THAT(ChargeLinesOf(sub.id), HasChargeLine(Line().Type("addQuantity").Quantity(15)));
  int add_lines = 0;
  for (const auto& l : ChargeLinesOf(sub.id)) add_lines += l.charge_type == "addQuantity" && l.quantity == 15;
  EXPECT_EQ(add_lines, 1);
}

TEST_F(RetryTest, GivesUpAfterMaxAttempts) {
  RetryPolicy policy;
  policy.max_attempts = 3;
  auto api = Throttled(10, "2", policy);
  auto r = api.ListCustomers();
  EXPECT_EQ(r.status().http_status(), 429);
  EXPECT_EQ(r.status().code(), 429);
  EXPECT_EQ(r.status().description(), "Rate limit is exceeded. Try again in 2 seconds.");
  EXPECT_THAT(waits_, ElementsAre(2000, 2000));
  EXPECT_EQ(api.requests_sent(), 3u);
}

TEST_F(RetryTest, DoesNotWaitLongerThanMaxWait) {
  RetryPolicy policy;
  policy.max_wait = std::chrono::seconds(30);
  auto api = Throttled(1, "57", policy);
  EXPECT_EQ(api.ListCustomers().status().http_status(), 429);
  EXPECT_TRUE(waits_.empty());
}

TEST_F(RetryTest, ServerBusyIsRetriedWithTheDefaultWait) {
  RetryPolicy policy;
  policy.default_wait = std::chrono::milliseconds(250);
  auto api = Throttled(1, "", policy, 503);
  EXPECT_TRUE(api.ListCustomers().ok());
  EXPECT_THAT(waits_, ElementsAre(250));
  policy.retry_server_busy = false;
  auto strict = Throttled(1, "", policy, 503);
  EXPECT_EQ(strict.ListCustomers().status().http_status(), 503);
}

TEST(HttpTransport, AnUnreachableServerIsATransportFailure) {
  HttpTransportOptions options;
  options.connect_timeout_seconds = 1;
  auto api = PartnerCenterClient(std::make_shared<HttpTransport>("http://127.0.0.1:1", options));
  auto r = api.ListCustomers();
  ASSERT_FALSE(r.ok());
  EXPECT_TRUE(IsTransportFailure(r.status())) << r.status().ToString();
}

TEST(UrlEncode, EscapesEverythingButUnreserved) {
  EXPECT_EQ(UrlEncode("a b/c?d=e&f~g.h_i-j"), "a%20b%2Fc%3Fd%3De%26f~g.h_i-j");
}

// The typed client is a tolerant client: against contract drift
// (docs/drift.md) it reads the same typed values.
class DriftedClientTest : public SandboxTest {
 protected:
  api::RouterOptions Options() const override {
    api::RouterOptions options = StartingAt("2026-01-15T09:00:00Z");
    options.drift.enabled = true;
    options.drift.seed = 5;
    return options;
  }
};

TEST_F(DriftedClientTest, ReadsTheSameTypedValues) {
  auto customer = NewCustomer();
  auto sub = BuyAnnualMonthly(customer.id, "CFQ7TTC0LFLZ:0001", 10);
  EXPECT_EQ(sub.offer_id, "CFQ7TTC0LFLZ:0001:CFQ7TTC0K5F7");
  EXPECT_EQ(sub.status, "active");
  EXPECT_EQ(sub.quantity, 10);
  EXPECT_EQ(sub.CommitmentEndDay(), "2027-01-14");
  // The answer did drift: an unseen contractType, which the typed model does not read.
  EXPECT_NE(sub.raw.value("contractType", ""), "subscription") << sub.raw.dump();
  EXPECT_THAT(client().SetQuantity(customer.id, sub.id, 12), SubscriptionIs("active", 12));
  auto listed = client().ListSubscriptions(customer.id);
  ASSERT_TRUE(listed.ok()) << listed.status().ToString();
  ASSERT_THAT(*listed, SizeIs(1));
  EXPECT_EQ((*listed)[0].id, sub.id);
}

}  // namespace
}  // namespace pcsim::client
