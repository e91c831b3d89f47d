// Each fault /_sim/faults injects, met by the C++ client's retry handling:
// throttling and server errors are retried after Retry-After with the same
// MS-RequestId, a dropped or timed-out request is retried and applied once,
// a 202 is polled until the change shows, a pending order completes when its
// time has passed, and the rate limiter admits 500 requests a minute.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <httplib.h>

#include <algorithm>
#include <chrono>

#include "pcsim/gtest/sandbox_test.h"

namespace pcsim::client {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;
using namespace pcsim::gtest;
using namespace std::chrono_literals;

class FaultRetryTest : public SandboxTest {
 protected:
  api::RouterOptions Options() const override { return StartingAt("2026-01-15T09:00:00Z"); }

  void SetUp() override {
    SandboxTest::SetUp();
    customer_ = NewCustomer();
    sub_ = BuyAnnualMonthly(customer_.id, "CFQ7TTC0LFLZ:0001", 10);  // Microsoft 365 E3
  }

  std::string SubscriptionPath() const { return "/v1/customers/" + customer_.id + "/subscriptions/" + sub_.id; }

  // The entries of GET /_sim/requests with a "fault".
  std::vector<std::pair<int, std::string>> FaultedRequests() {
    std::vector<std::pair<int, std::string>> out;
    auto r = client().Call("GET", "/_sim/requests");
    EXPECT_TRUE(r.ok());
    nlohmann::json requests = nlohmann::json::parse(r->body);
    for (const auto& item : requests["items"])
      if (item.contains("fault")) out.emplace_back(item["status"].get<int>(), item["fault"].get<std::string>());
    return out;
  }

  // The addQuantity lines of the subscription with `quantity`.
  int AddQuantityLines(int quantity) {
    int n = 0;
    for (const auto& l : ChargeLinesOf(sub_.id)) n += l.charge_type == "addQuantity" && l.quantity == quantity;
    return n;
  }

  Customer customer_;
  Subscription sub_;
};

TEST_F(FaultRetryTest, ThrottledReadsAreRetriedAfterRetryAfterInSimulatedTime) {
  InjectFaults(R"([{"fault": "throttle", "method": "GET", "path": "/v1/customers/*/subscriptions/*",
                    "count": 2, "retryAfter": 5}])");
  Instant before = Now();
  uint64_t sent = client().requests_sent();
  EXPECT_THAT(client().GetSubscription(customer_.id, sub_.id), SubscriptionIs("active", 10));
  EXPECT_EQ(client().requests_sent() - sent, 3u);
  EXPECT_THAT(ClientWaits(), ElementsAre(5000ms, 5000ms));
  EXPECT_EQ(Now() - before, Duration::Seconds(10));
  EXPECT_THAT(FaultedRequests(), ElementsAre(std::pair(429, "throttle"), std::pair(429, "throttle")));
  // The rule is spent: the next read is answered at once.
  EXPECT_THAT(client().GetSubscription(customer_.id, sub_.id), SubscriptionIs("active", 10));
  EXPECT_EQ(ClientWaits().size(), 2u);
}

TEST_F(FaultRetryTest, TheThrottleAnswerIsPartnerCentersOverHttp) {
  InjectFaults(R"([{"fault": "throttle", "path": "/v1/customers/**", "count": 1, "retryAfter": 57}])");
  RetryPolicy once;
  once.max_attempts = 1;
  ClientOptions options = ClientOptionsWithSimulatedWaits();
  options.retry = once;
  auto raw = PartnerCenterClient::OverHttp(BaseUrl(), options);
  auto r = raw.Call("GET", SubscriptionPath());
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().http_status(), 429);
  EXPECT_EQ(r.status().code(), 429);
  EXPECT_EQ(r.status().description(), "Rate limit is exceeded. Try again in 57 seconds.");
  // The wire bytes: Retry-After and the throttling body's own shape.
  httplib::Client http(BaseUrl());
  InjectFaults(R"([{"fault": "throttle", "path": "/v1/**", "count": 1, "retryAfter": 57}])");
  auto answer = http.Get(SubscriptionPath(), {{"Authorization", "Bearer x"}});
  ASSERT_TRUE(answer);
  EXPECT_EQ(answer->status, 429);
  EXPECT_EQ(answer->get_header_value("Retry-After"), "57");
  EXPECT_EQ(answer->body, R"({"statusCode":429,"message":"Rate limit is exceeded. Try again in 57 seconds."})");
}

TEST_F(FaultRetryTest, ServerErrorsAreRetriedAndTheWriteIsAppliedOnce) {
  InjectFaults(R"([{"fault": "error", "status": 503, "retryAfter": 2, "method": "PATCH", "count": 1},
                   {"fault": "error", "status": 500, "method": "PATCH", "count": 1}])");
  EXPECT_THAT(client().SetQuantity(customer_.id, sub_.id, 12), SubscriptionIs("active", 12));
  // 503 waited its Retry-After; 500 has none and waited the default second.
  EXPECT_THAT(ClientWaits(), ElementsAre(2000ms, 1000ms));
  EXPECT_THAT(FaultedRequests(), ElementsAre(std::pair(503, "error"), std::pair(500, "error")));
  EXPECT_EQ(AddQuantityLines(12), 1);
}

TEST_F(FaultRetryTest, AServerErrorThatOutlastsTheRetriesIsReturnedAndChangesNothing) {
  InjectFaults(R"([{"fault": "error", "status": 500, "method": "PATCH"}])");
  auto r = client().SetQuantity(customer_.id, sub_.id, 12);
  EXPECT_THAT(r, IsPartnerCenterError(800003));
  EXPECT_EQ(r.status().http_status(), 500);
  EXPECT_EQ(ClientWaits().size(), 3u);  // four attempts
  ClearFaults();
  EXPECT_THAT(client().GetSubscription(customer_.id, sub_.id), SubscriptionIs("active", 10));
  EXPECT_EQ(AddQuantityLines(12), 0);
}

TEST_F(FaultRetryTest, ATimedOutPatchIsRetriedAndAnsweredFromItsFirstResultInProcess) {
  // The in-process transport times out at 2 s; the PATCH runs, its answer
  // comes 5 s late, the client retries with the same MS-RequestId.
  InjectFaults(R"([{"fault": "latency", "delayMs": 5000, "method": "PATCH", "count": 1}])");
  ClientOptions options = ClientOptionsWithSimulatedWaits();
  options.request_id = [] { return std::string("0f0f0f0f-0000-4000-8000-000000000001"); };
  PartnerCenterClient api(std::make_shared<InProcessTransport>(router(), 2000ms), options);
  EXPECT_THAT(api.SetQuantity(customer_.id, sub_.id, 12), SubscriptionIs("active", 12));
  EXPECT_THAT(ClientWaits(), ElementsAre(1000ms));
  EXPECT_EQ(AddQuantityLines(12), 1);
}

TEST_F(FaultRetryTest, ATimedOutPatchIsRetriedOverHttp) {
  // Real time: the server waits 1.5 s before answering; the client reads for 1 s.
  InjectFaults(R"([{"fault": "latency", "delayMs": 1500, "method": "PATCH", "count": 1}])");
  HttpTransportOptions transport;
  transport.read_timeout_seconds = 1;
  PartnerCenterClient api(std::make_shared<HttpTransport>(BaseUrl(), transport), ClientOptionsWithSimulatedWaits());
  EXPECT_THAT(api.SetQuantity(customer_.id, sub_.id, 12), SubscriptionIs("active", 12));
  EXPECT_THAT(ClientWaits(), ElementsAre(1000ms));
  EXPECT_EQ(AddQuantityLines(12), 1);
  // Below the timeout, latency only delays the answer.
  InjectFaults(R"([{"fault": "latency", "delayMs": 300, "method": "GET", "count": 1}])");
  auto start = std::chrono::steady_clock::now();
  EXPECT_THAT(api.GetSubscription(customer_.id, sub_.id), SubscriptionIs("active", 12));
  EXPECT_GE(std::chrono::steady_clock::now() - start, 300ms);
  EXPECT_EQ(ClientWaits().size(), 1u);
}

TEST_F(FaultRetryTest, ADroppedConnectionIsRetriedWhetherOrNotTheRequestRan) {
  // Not applied: the connection is cut before the PATCH runs.
  InjectFaults(R"([{"fault": "drop", "method": "PATCH", "count": 1}])");
  EXPECT_THAT(http_client().SetQuantity(customer_.id, sub_.id, 12), SubscriptionIs("active", 12));
  EXPECT_EQ(AddQuantityLines(12), 1);
  // Applied: the PATCH ran, then the connection was cut; the retry is
  // answered from the first result, so the seats change once.
  InjectFaults(R"([{"fault": "drop", "applied": true, "method": "PATCH", "count": 1}])");
  EXPECT_THAT(http_client().SetQuantity(customer_.id, sub_.id, 14), SubscriptionIs("active", 14));
  EXPECT_EQ(AddQuantityLines(14), 1);
  EXPECT_THAT(ClientWaits(), ElementsAre(1000ms, 1000ms));
  EXPECT_THAT(FaultedRequests(), ElementsAre(std::pair(0, "drop"), std::pair(200, "drop")));
  // In process the same: a transport failure, retried.
  InjectFaults(R"([{"fault": "drop", "applied": true, "method": "PATCH", "count": 1}])");
  EXPECT_THAT(client().SetQuantity(customer_.id, sub_.id, 15), SubscriptionIs("active", 15));
  EXPECT_EQ(AddQuantityLines(15), 1);
}

TEST_F(FaultRetryTest, AnAcceptedPatchIsAppliedLaterAndTheClientPollsUntilItShows) {
  InjectFaults(R"([{"fault": "accepted", "after": "PT30S", "count": 1}])");
  Instant patched_at = Now();
  EXPECT_THAT(client().SetQuantity(customer_.id, sub_.id, 12), SubscriptionIs("active", 12));
  // 202 with Retry-After: 30; the client waited 30 s (simulated) and read Location.
  EXPECT_THAT(ClientWaits(), ElementsAre(30000ms));
  EXPECT_EQ(AddQuantityLines(12), 1);
  EXPECT_THAT(FaultedRequests(), ElementsAre(std::pair(202, "accepted"), std::pair(200, "accepted (applied)")));
  auto requests = nlohmann::json::parse(client().Call("GET", "/_sim/requests")->body)["items"];
  for (const auto& r : requests)
    if (r.value("fault", "") == "accepted (applied)") {
      EXPECT_EQ(r["at"], (patched_at + Duration::Seconds(30)).ToString());
    }
}

TEST_F(FaultRetryTest, AnAcceptedPatchAnswers202WithLocationAndChangesNothingYet) {
  InjectFaults(R"([{"fault": "accepted", "after": "PT2M", "path": "/v1/customers/*/subscriptions/*"}])");
  httplib::Client http(BaseUrl());
  auto current = http.Get(SubscriptionPath(), {{"Authorization", "Bearer x"}});
  ASSERT_TRUE(current);
  nlohmann::json body = nlohmann::json::parse(current->body);
  body["quantity"] = 20;
  auto answer = http.Patch(SubscriptionPath(), {{"Authorization", "Bearer x"}}, body.dump(), "application/json");
  ASSERT_TRUE(answer);
  EXPECT_EQ(answer->status, 202);
  EXPECT_EQ(answer->get_header_value("Location"), SubscriptionPath());
  EXPECT_EQ(answer->get_header_value("Retry-After"), "120");
  EXPECT_EQ(answer->body, "");
  EXPECT_THAT(client().GetSubscription(customer_.id, sub_.id), SubscriptionIs("active", 10));
  AdvanceBy("PT119S");
  EXPECT_THAT(client().GetSubscription(customer_.id, sub_.id), SubscriptionIs("active", 10));
  AdvanceBy("PT1S");
  EXPECT_THAT(client().GetSubscription(customer_.id, sub_.id), SubscriptionIs("active", 20));
  // A client that stops polling too early gets a 202 error, not a stale answer.
  RetryPolicy impatient;
  impatient.max_polls = 2;  // each wait is capped at max_wait (60 s): two cover the 120 s
  ClientOptions options = ClientOptionsWithSimulatedWaits();
  options.retry = impatient;
  auto api = PartnerCenterClient::InProcess(router(), options);
  options.sleep = [](std::chrono::milliseconds) {};  // waits without the clock moving
  auto frozen = PartnerCenterClient::InProcess(router(), options);
  auto r = frozen.SetQuantity(customer_.id, sub_.id, 25);
  EXPECT_EQ(r.status().http_status(), 202);
  AdvanceBy("PT2M");
  EXPECT_THAT(client().GetSubscription(customer_.id, sub_.id), SubscriptionIs("active", 25));
  // Two polls are enough when the client's waits move the clock past the due instant.
  EXPECT_THAT(api.SetQuantity(customer_.id, sub_.id, 26), SubscriptionIs("active", 26));
}

TEST_F(FaultRetryTest, AnOrderHeldPendingCompletesWhenItsTimeHasPassed) {
  InjectFaults(R"([{"fault": "pending", "for": "PT2H", "path": "/v1/customers/*/carts/*/checkout", "count": 1}])");
  CartLineItem line;
  line.catalog_item_id = sub_.offer_id;
  line.quantity = 3;
  line.term_duration = "P1Y";
  line.billing_cycle = "Monthly";
  auto cart = client().CreateCart(customer_.id, {line});
  ASSERT_TRUE(cart.ok()) << cart.status().ToString();
  auto checkout = client().Checkout(customer_.id, cart->id);
  ASSERT_TRUE(checkout.ok()) << checkout.status().ToString();
  ASSERT_EQ(checkout->orders.size(), 1u);
  const std::string order = checkout->orders[0].id;
  EXPECT_EQ(checkout->orders[0].status, "pending");
  AdvanceBy("PT1M");  // the usual provisioning time
  EXPECT_EQ(client().GetOrder(customer_.id, order)->status, "pending");
  AdvanceBy("PT1H58M");
  EXPECT_EQ(client().GetOrder(customer_.id, order)->status, "pending");
  AdvanceBy("PT1M");
  EXPECT_EQ(client().GetOrder(customer_.id, order)->status, "completed");
  // The next order completes after the usual minute.
  auto next = client().Checkout(customer_.id, client().CreateCart(customer_.id, {line})->id);
  ASSERT_TRUE(next.ok());
  AdvanceBy("PT1M");
  EXPECT_EQ(client().GetOrder(customer_.id, next->orders[0].id)->status, "completed");
}

TEST_F(FaultRetryTest, TheRateLimiterAdmits500SubscriptionRequestsAMinutePerPartner) {
  InjectFaults(R"({"rateLimit": {"requestsPerMinute": 500}})");
  RetryPolicy once;
  once.max_attempts = 1;
  ClientOptions options = ClientOptionsWithSimulatedWaits();
  options.retry = once;
  auto api = PartnerCenterClient::InProcess(router(), options);
  for (int i = 0; i < 500; ++i) ASSERT_TRUE(api.GetSubscription(customer_.id, sub_.id).ok()) << i;
  AdvanceBy("PT20S");
  auto limited = api.GetSubscription(customer_.id, sub_.id);
  EXPECT_EQ(limited.status().http_status(), 429);
  EXPECT_EQ(limited.status().description(), "Rate limit is exceeded. Try again in 40 seconds.");
  // Orders are limited on their own; other routes are not limited.
  EXPECT_TRUE(api.ListOrders(customer_.id).ok());
  EXPECT_TRUE(api.GetCustomer(customer_.id).ok());
  // The client with retries waits the 40 s (simulated) and gets through.
  EXPECT_THAT(client().GetSubscription(customer_.id, sub_.id), SubscriptionIs("active", 10));
  EXPECT_THAT(ClientWaits(), ElementsAre(40000ms));
  auto faults = nlohmann::json::parse(client().Call("GET", "/_sim/faults")->body);
  EXPECT_EQ(faults["rateLimit"]["throttled"], 2);
}

TEST_F(FaultRetryTest, ProbabilityDrawsFromTheSeededGeneratorSoRunsRepeat) {
  auto pattern = [this](int seed) {
    ClearFaults();
    InjectFaults(R"({"seed": )" + std::to_string(seed) +
                 R"(, "rules": [{"fault": "throttle", "method": "GET", "probability": 0.3}]})");
    RetryPolicy once;
    once.max_attempts = 1;
    ClientOptions options = ClientOptionsWithSimulatedWaits();
    options.retry = once;
    auto api = PartnerCenterClient::InProcess(router(), options);
    std::string out;
    for (int i = 0; i < 64; ++i) out += api.GetSubscription(customer_.id, sub_.id).ok() ? '.' : 'x';
    return out;
  };
  std::string first = pattern(7);
  EXPECT_EQ(pattern(7), first);
  EXPECT_NE(pattern(8), first);
  size_t throttled = std::count(first.begin(), first.end(), 'x');
  EXPECT_GT(throttled, 5u);
  EXPECT_LT(throttled, 40u);
}

TEST_F(FaultRetryTest, SkipLetsTheFirstRequestsThroughAndPartnersAreMatched) {
  InjectFaults(R"([{"fault": "error", "method": "GET", "skip": 2, "count": 1},
                   {"fault": "error", "partner": "11111111-1111-1111-1111-111111111111"}])");
  RetryPolicy once;
  once.max_attempts = 1;
  ClientOptions options = ClientOptionsWithSimulatedWaits();
  options.retry = once;
  auto api = PartnerCenterClient::InProcess(router(), options);
  EXPECT_TRUE(api.GetSubscription(customer_.id, sub_.id).ok());
  EXPECT_TRUE(api.GetSubscription(customer_.id, sub_.id).ok());
  EXPECT_EQ(api.GetSubscription(customer_.id, sub_.id).status().http_status(), 500);
  EXPECT_TRUE(api.GetSubscription(customer_.id, sub_.id).ok());
  EXPECT_THAT(ClientWaits(), IsEmpty());
}

}  // namespace
}  // namespace pcsim::client
