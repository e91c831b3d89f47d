// What the router keeps: a write that fails part-way (an advance past its
// limits, an exception, a journal that cannot be written) leaves the state
// digest as it was; reads never change it; a refused write is not kept as the
// answer for its MS-RequestId; the history holds the commands since the last
// reset, and rebuilding from it gives the same state.
#include <map>

#include "tests/api/api_fixture.h"

namespace pcsim::api::testing {
namespace {

constexpr const char* kE3 = "CFQ7TTC0LFLZ:0001:CFQ7TTC0K5F7";

class RouterStateTest : public ApiTest {
 protected:
  void StartWith(RouterOptions options) { router = std::make_unique<Router>(std::move(options)); }
};

// Refuses every commit, or the ones it is told to.
class FailingJournal : public CommandJournal {
 public:
  Status Commit(const CommandRecord& command, const Response&) override {
    ++commits;
    if (fail) return Status(503, 800003, "The state dir cannot be written (disk full); the request changed nothing.");
    committed.push_back(command);
    return OkStatus();
  }
  bool fail = false;
  int commits = 0;
  std::vector<CommandRecord> committed;
};

TEST_F(RouterStateTest, AnAdvancePastTheEventLimitChangesNothing) {
  RouterOptions options;
  options.sandbox.start = *Instant::Parse("2026-01-15T09:00:00Z");
  options.advance.max_events = 40;
  StartWith(options);
  std::string customer = CreateCustomer();
  for (int i = 0; i < 3; ++i) Buy(customer, kE3, 5 + i, "P1Y", "monthly");
  const uint64_t before = router->StateDigest();
  const size_t history = router->History().size();
  auto refused = CallJson("POST", "/_sim/clock/advance", {{"by", "P2Y"}}, 400);
  EXPECT_NE(refused.value("description", "").find("runs more than 40 events"), std::string::npos) << refused;
  EXPECT_EQ(router->StateDigest(), before);
  EXPECT_EQ(router->History().size(), history);
  EXPECT_EQ(CallJson("GET", "/_sim/clock")["now"], "2026-01-15T09:15:00Z");  // three purchases, 5 minutes each
  // Within the limit it runs, and steps add up to the same book.
  auto done = CallJson("POST", "/_sim/clock/advance", {{"by", "P3M"}}, 200);
  EXPECT_LE(done["events"].get<int>(), 40);
}

TEST_F(RouterStateTest, AnAdvancePastTheYearLimitIsRefusedFirst) {
  RouterOptions options;
  options.advance.max_years = 2;
  StartWith(options);
  const uint64_t before = router->StateDigest();
  auto refused = CallJson("POST", "/_sim/clock/advance", {{"to", "2028-01-01T00:00:01Z"}}, 400);
  EXPECT_NE(refused.value("description", "").find("at most 2 simulated years"), std::string::npos) << refused;
  EXPECT_EQ(router->StateDigest(), before);
  CallJson("POST", "/_sim/clock/advance", {{"to", "2028-01-01T00:00:00Z"}}, 200);
}

TEST_F(RouterStateTest, AWriteThatThrowsPartWayChangesNothing) {
  Start();
  std::string customer = CreateCustomer();
  Buy(customer, kE3, 10, "P1Y", "monthly");
  router->AddRoute("POST", "/_sim/explode", [](RouteContext& ctx) -> Response {
    ctx.sandbox.AdvanceTo(ctx.sandbox.Now() + Duration::Days(90));  // three cycles charged ...
    throw std::runtime_error("out of memory");                       // ... then it fails
  });
  const uint64_t before = router->StateDigest();
  auto answer = CallJson("POST", "/_sim/explode", nullptr, 500);
  EXPECT_NE(answer.value("description", "").find("the request changed nothing"), std::string::npos);
  EXPECT_EQ(router->StateDigest(), before);
  EXPECT_EQ(CallJson("GET", "/_sim/clock")["now"], "2026-01-15T09:05:00Z");
}

TEST_F(RouterStateTest, ACommandThatCannotBeJournaledIsUndoneAndAnswered503) {
  Start();
  FailingJournal journal;
  router->SetJournal(&journal);
  std::string customer = CreateCustomer();
  std::string sub = Buy(customer, kE3, 10, "P1Y", "monthly");
  const std::string path = "/v1/customers/" + customer + "/subscriptions/" + sub;
  const uint64_t before = router->StateDigest();
  journal.fail = true;
  auto body = CallJson("GET", path);
  body["quantity"] = 12;
  auto refused = CallJson("PATCH", path, body, 503);
  EXPECT_EQ(refused.value("code", 0), 800003);
  EXPECT_EQ(router->StateDigest(), before);
  EXPECT_EQ(CallJson("GET", path)["quantity"], 10);
  journal.fail = false;
  EXPECT_EQ(CallJson("PATCH", path, body, 200)["quantity"], 12);
  router->SetJournal(nullptr);
}

TEST_F(RouterStateTest, OnlyCommandsThatChangedTheStateAreCommitted) {
  Start();
  FailingJournal journal;
  router->SetJournal(&journal);
  std::string customer = CreateCustomer();  // a customer and its agreement
  EXPECT_EQ(journal.commits, 2);
  Call("GET", "/v1/customers/" + customer);
  Call("POST", "/v1/validations/address", R"({"addressline1": "1 Main", "city": "Redmond", "state": "WA", "postalcode": "98052", "country": "US"})");
  Call("POST", "/v1/customers", "{not json");
  Call("POST", "/_sim/faults", R"([{"fault": "throttle", "path": "/v1/invoices"}])");
  Call("GET", "/v1/invoices");  // throttled: never ran
  Call("DELETE", "/_sim/faults");
  EXPECT_EQ(journal.commits, 2);
  ASSERT_EQ(journal.committed.size(), 2u);
  for (const CommandRecord& c : journal.committed) {
    for (const auto& [name, value] : c.headers) EXPECT_FALSE(EqualsIgnoreCase(name, "Authorization")) << value;
    ASSERT_TRUE(c.caller.has_value());
  }
  router->SetJournal(nullptr);
}

TEST_F(RouterStateTest, ReadsNeverChangeTheState) {
  Start();
  std::string customer = CreateCustomer();
  std::string sub = Buy(customer, kE3, 10, "P1Y", "monthly");
  Advance("P40D");
  const uint64_t before = router->StateDigest();
  for (const std::string& target : std::vector<std::string>{
           "/v1/customers", "/v1/customers/" + customer, "/v1/customers/" + customer + "/subscriptions/" + sub,
        "/v1/customers/" + customer + "/subscriptions/" + sub + "/transitionEligibilities",
        "/v1/customers/" + customer + "/subscriptions/" + sub + "/transitionEligibilities?eligibilityType=scheduled",
        "/v1/customers/" + customer + "/orders", "/v1/invoices", "/_sim/events", "/_sim/clock", "/_sim/digest",
           "/v1/products?country=US&targetView=OnlineServices"}) {
    EXPECT_LT(Call("GET", target).status, 300) << target;
    EXPECT_EQ(router->StateDigest(), before) << target;
  }
}

// Every route that reads (every GET, and the POSTs that only compute an
// answer), called with the ids of a populated book: none changes the state
// digest, which includes the seeded random source, so no read draws from it.
TEST_F(RouterStateTest, NoReadRouteChangesTheStateOrDrawsFromTheRandomSource) {
  Start();
  std::string customer = CreateCustomer();
  std::string sub = Buy(customer, kE3, 10, "P1Y", "monthly");
  nlohmann::json line = {{"id", 0}, {"catalogItemId", kE3}, {"quantity", 2}, {"termDuration", "P1Y"},
                         {"billingCycle", "monthly"}};
  std::string cart = CallJson("POST", "/v1/customers/" + customer + "/carts",
                              nlohmann::json{{"lineItems", nlohmann::json::array({line})}}, 201)
                         .value("id", "");
  Advance("P40D");
  std::string order = CallJson("GET", "/v1/customers/" + customer + "/orders")["items"][0].value("id", "");
  std::string invoice = CallJson("GET", "/v1/invoices")["items"][0].value("id", "");
  ASSERT_FALSE(order.empty());
  ASSERT_FALSE(invoice.empty());
  // The id a {} takes, by the segment before it.
  const std::map<std::string, std::string> ids = {
      {"customers", customer}, {"subscriptions", sub}, {"carts", cart}, {"orders", order}, {"invoices", invoice},
      {"products", "CFQ7TTC0LFLZ"}, {"skus", "0001"}, {"availabilities", "CFQ7TTC0K5F7"}, {"lineitems", "0"},
      {"sales", "pricesheets(Market='US',PricesheetView='updatedlicensebased')"}};
  const uint64_t before = router->StateDigest();
  int reads = 0, answered = 0;
  for (const RouteTable::Listed& route : router->Routes()) {
    if (route.kind != RouteKind::Read) continue;
    std::string target;
    std::string previous;
    for (const std::string& segment : SplitPath(route.pattern)) {
      auto id = ids.find(ToLower(previous));
      target += "/" + (segment != "{}" ? segment : id != ids.end() ? id->second : std::string("x"));
      previous = segment;
    }
    target += "?country=US&targetView=OnlineServices";
    Response r = Call(route.method, target, route.method == "GET" ? "" : "{}");
    ++reads;
    if (r.status < 300) ++answered;
    EXPECT_EQ(router->StateDigest(), before) << route.method << " " << route.pattern << " -> " << r.status;
  }
  EXPECT_GT(reads, 40);
  EXPECT_GT(answered, reads / 2) << "most reads must find what they read, or the check proves little";
}

TEST_F(RouterStateTest, ARefusedWriteIsNotKeptForItsRequestId) {
  Start();
  std::string customer = CreateCustomer();
  HeaderList id = {{"MS-RequestId", "cart-1"}};
  EXPECT_EQ(Call("POST", "/v1/customers/" + customer + "/carts", R"({"lineItems": []})", id).status, 400);
  nlohmann::json line = {{"id", 0}, {"catalogItemId", kE3}, {"quantity", 2}, {"termDuration", "P1Y"},
                         {"billingCycle", "monthly"}};
  Response made = Call("POST", "/v1/customers/" + customer + "/carts",
                       nlohmann::json{{"lineItems", nlohmann::json::array({line})}}.dump(), id);
  EXPECT_EQ(made.status, 201) << made.body;
  // The answer that changed the state is kept: the retry gets it again.
  Response again = Call("POST", "/v1/customers/" + customer + "/carts",
                        nlohmann::json{{"lineItems", nlohmann::json::array({line})}}.dump(), id);
  EXPECT_EQ(again.body, made.body);
}

TEST_F(RouterStateTest, TheHistoryRebuildsTheSameStateAndStartsAtAReset) {
  Start();
  std::string customer = CreateCustomer();
  Buy(customer, kE3, 10, "P1Y", "monthly");
  Advance("P3M");
  std::vector<CommandRecord> history = router->History();
  RouterOptions same;
  same.sandbox.start = *Instant::Parse("2026-01-15T09:00:00Z");
  Router fresh(same);
  for (const CommandRecord& c : history) EXPECT_LT(fresh.Replay(c).status, 400) << c.method << " " << c.path;
  EXPECT_EQ(fresh.StateDigest(), router->StateDigest());
  CallJson("POST", "/_sim/reset", {{"seed", 9}});
  ASSERT_EQ(router->History().size(), 1u);
  EXPECT_TRUE(router->History()[0].resets);
}

}  // namespace
}  // namespace pcsim::api::testing
