// 16 clients at once against one sandbox, over real loopback HTTP and the
// in-process router: purchases (cart + checkout, each checkout sent twice at
// the same time with one MS-RequestId), seat changes with If-Match, cancels,
// clock moves, tokens, scenario runs and journal reads. After every batch the
// state must be exactly what the acknowledged responses say: no lost seat
// change, one order per MS-RequestId, charge lines that add up to the
// subscriptions. Built and run under ThreadSanitizer by .ci/run.
#include <gtest/gtest.h>
#include <httplib.h>
#include <nlohmann/json.hpp>

#include <atomic>
#include <map>
#include <memory>
#include <mutex>
#include <random>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "simulator/http/http_server.h"
#include "simulator/replay/runner.h"

namespace pcsim {
namespace {

using nlohmann::json;

constexpr int kThreads = 16;
constexpr int kBatches = 6;
constexpr int kOpsPerBatch = 10;
constexpr int kCustomers = 4;
const char* const kItems[] = {"CFQ7TTC0LFLZ:0001:CFQ7TTC0K5F7", "CFQ7TTC0LF8R:0001:CFQ7TTC0K5DM",
                              "CFQ7TTC0LF8Q:0001:CFQ7TTC0K5DR"};

struct Reply {
  int status = 0;  // 0: no response
  std::string body;
  json Json() const { return json::parse(body, nullptr, false); }
};

// One client: an HTTP connection of its own, or the router called in process.
class Client {
 public:
  Client(api::Router& router, int port, bool http) : router_(router) {
    if (http) {
      http_ = std::make_unique<httplib::Client>("127.0.0.1", port);
      http_->set_connection_timeout(10, 0);
      http_->set_read_timeout(60, 0);
      http_->set_write_timeout(60, 0);
    }
  }

  Reply Send(const std::string& method, const std::string& target, const json& body = nullptr,
             api::HeaderList headers = {}) {
    return SendText(method, target, body.is_null() ? "" : body.dump(), std::move(headers));
  }

  Reply SendText(const std::string& method, const std::string& target, const std::string& text,
                 api::HeaderList headers = {}) {
    bool has_auth = false;
    for (const auto& h : headers) has_auth |= h.first == "Authorization";
    if (!has_auth) headers.emplace_back("Authorization", "Bearer stress");
    Reply reply;
    if (!http_) {
      api::Response r = router_.Handle(api::MakeRequest(method, target, text, std::move(headers)));
      reply.status = r.status;
      reply.body = std::move(r.body);
      return reply;
    }
    httplib::Headers h;
    for (auto& [k, v] : headers) h.emplace(k, v);
    httplib::Result res = method == "GET"   ? http_->Get(target, h)
                          : method == "PATCH" ? http_->Patch(target, h, text, "application/json")
                                              : http_->Post(target, h, text, "application/json");
    if (!res) {
      ADD_FAILURE() << method << " " << target << ": no response: " << httplib::to_string(res.error());
      return reply;
    }
    reply.status = res->status;
    reply.body = res->body;
    return reply;
  }

 private:
  api::Router& router_;
  std::unique_ptr<httplib::Client> http_;
};

struct TrackedSubscription {
  std::string id;
  std::string customer;
  int quantity = 0;  // the purchase plus every acknowledged change
  bool cancelled = false;
};

// What the clients were told, under one mutex.
struct Ledger {
  std::mutex mu;
  std::vector<std::string> customers;
  // MS-RequestId of a checkout -> the order ids its responses named.
  std::map<std::string, std::set<std::string>> orders_by_request;
  std::map<std::string, std::string> customer_of_request;
  struct PendingOrder {
    std::string customer, path;
    int quantity = 0;
  };
  std::vector<PendingOrder> pending_orders;
  std::vector<TrackedSubscription> subscriptions;
  int acknowledged_changes = 0;
  int refused_stale_etags = 0;
};

class ConcurrencyStressTest : public ::testing::Test {
 protected:
  void SetUp() override {
    // The stress reads the v1 unbilled lines: keep v1 serving them after the
    // v2 cutover (docs/graph-billing.md).
    api::RouterOptions router_options;
    router_options.sandbox.policy = Policy::Microsoft();
    EXPECT_TRUE(router_options.sandbox.policy->Override("reconciliation.v1KeepServing", "true").ok());
    router_ = std::make_unique<api::Router>(router_options);
    replay::RegisterScenarioRoutes(*router_);
    http::HttpServerOptions options;
    options.threads = kThreads;
    server_ = std::make_unique<http::HttpServer>(*router_, options);
    Status started = server_->Start();
    ASSERT_TRUE(started.ok()) << started.description();
    Client setup(*router_, server_->port(), true);
    for (int i = 0; i < kCustomers; ++i) {
      Reply c = setup.Send("POST", "/v1/customers",
                           {{"companyProfile", {{"domain", "stress" + std::to_string(i) + ".onmicrosoft.com"}}},
                            {"billingProfile",
                             {{"email", "a@stress.example"},
                              {"culture", "en-US"},
                              {"language", "en"},
                              {"companyName", "Stress " + std::to_string(i)},
                              {"defaultAddress",
                               {{"firstName", "A"},
                                {"lastName", "B"},
                                {"addressLine1", "1 Microsoft Way"},
                                {"city", "Redmond"},
                                {"state", "WA"},
                                {"postalCode", "98052"},
                                {"country", "US"}}}}}});
      ASSERT_EQ(c.status, 201) << c.body;
      std::string id = c.Json()["id"];
      Reply a = setup.Send("POST", "/v1/customers/" + id + "/agreements",
                           {{"primaryContact", {{"firstName", "A"}, {"lastName", "B"}, {"email", "a@stress.example"}}},
                            {"templateId", "117a77b0-9360-443b-8795-c6dedc750cf9"},
                            {"dateAgreed", "2026-01-01T00:00:00Z"},
                            {"type", "MicrosoftCustomerAgreement"}});
      ASSERT_LT(a.status, 300) << a.body;
      ledger_.customers.push_back(id);
    }
  }

  void TearDown() override { server_->Stop(); }

  // Cart + checkout; the checkout is sent by two clients at the same time
  // with one MS-RequestId, and both must get the same single order.
  void Buy(Client& client, Client& twin, std::mt19937& rng, const std::string& request_id) {
    const std::string customer = ledger_.customers[rng() % kCustomers];
    const int quantity = 1 + static_cast<int>(rng() % 20);
    Reply cart = client.Send("POST", "/v1/customers/" + customer + "/carts",
                             {{"lineItems",
                               {{{"id", 0},
                                 {"catalogItemId", kItems[rng() % 3]},
                                 {"quantity", quantity},
                                 {"termDuration", "P1Y"},
                                 {"billingCycle", "annual"}}}}});
    ASSERT_EQ(cart.status, 201) << cart.body;
    const std::string path = "/v1/customers/" + customer + "/carts/" + cart.Json()["id"].get<std::string>() + "/checkout";
    api::HeaderList headers = {{"MS-RequestId", request_id}};
    Reply second;
    std::thread retry([&] { second = twin.Send("POST", path, nullptr, headers); });
    Reply first = client.Send("POST", path, nullptr, headers);
    retry.join();
    ASSERT_EQ(first.status, second.status) << first.body << "\n" << second.body;
    EXPECT_EQ(first.body, second.body);
    if (first.status != 201) return;  // e.g. a seat limit: nothing was bought
    std::lock_guard<std::mutex> lock(ledger_.mu);
    for (const Reply* r : {&first, &second}) {
      json orders = r->Json()["orders"];
      ASSERT_EQ(orders.size(), 1u) << r->body;
      ledger_.orders_by_request[request_id].insert(orders[0]["id"].get<std::string>());
    }
    ledger_.customer_of_request[request_id] = customer;
    ledger_.pending_orders.push_back(
        {customer, "/v1/customers/" + customer + "/orders/" + first.Json()["orders"][0]["id"].get<std::string>(), quantity});
  }

  // GET, change, PATCH back with If-Match; a stale ETag is retried.
  void Change(Client& client, std::mt19937& rng, bool cancel) {
    TrackedSubscription target;
    {
      std::lock_guard<std::mutex> lock(ledger_.mu);
      if (ledger_.subscriptions.empty()) return;
      target = ledger_.subscriptions[rng() % ledger_.subscriptions.size()];
    }
    const std::string path = "/v1/customers/" + target.customer + "/subscriptions/" + target.id;
    const int delta = rng() % 5 == 0 ? -1 : 1 + static_cast<int>(rng() % 3);
    for (int attempt = 0; attempt < 4; ++attempt) {
      Reply got = client.Send("GET", path);
      ASSERT_EQ(got.status, 200) << got.body;
      json sub = got.Json();
      if (sub["status"] != "active") return;
      const int before = sub["quantity"];
      if (cancel) sub["status"] = "deleted";
      else sub["quantity"] = before + delta;
      Reply patched = client.Send("PATCH", path, sub, {{"If-Match", sub["attributes"]["etag"].get<std::string>()}});
      if (patched.status == 200) {
        std::lock_guard<std::mutex> lock(ledger_.mu);
        for (auto& s : ledger_.subscriptions)
          if (s.id == target.id) {
            if (cancel) s.cancelled = true;
            else s.quantity += delta;  // relative to what the clients were told
          }
        ++ledger_.acknowledged_changes;
        return;
      }
      json error = patched.Json();
      if (patched.status == 400 && error["code"] == 2055) {
        std::lock_guard<std::mutex> lock(ledger_.mu);
        ++ledger_.refused_stale_etags;
        continue;
      }
      // Refused by a rule (seats older than 168 hours, the cancel window):
      // nothing changed.
      ASSERT_EQ(patched.status, 400) << patched.body;
      return;
    }
  }

  void Worker(int thread, int batch) {
    std::mt19937 rng(static_cast<uint32_t>(1000 * batch + thread));
    const bool http = thread % 4 != 3;  // a quarter of the clients call the router in process
    Client client(*router_, server_->port(), http);
    Client twin(*router_, server_->port(), http);
    for (int op = 0; op < kOpsPerBatch; ++op) {
      const int kind = static_cast<int>(rng() % 100);
      if (kind < 25) {
        Buy(client, twin, rng, "buy-" + std::to_string(batch) + "-" + std::to_string(thread) + "-" + std::to_string(op));
      } else if (kind < 65) {
        Change(client, rng, /*cancel=*/false);
      } else if (kind < 69) {
        Change(client, rng, /*cancel=*/true);
      } else if (kind < 79) {
        Reply r = client.Send("POST", "/_sim/clock/advance", {{"by", "PT" + std::to_string(1 + rng() % 12) + "H"}});
        EXPECT_EQ(r.status, 200) << r.body;
      } else if (kind < 85) {
        Reply token = client.Send("POST", "/_sim/token", {{"partner", "stress-partner-" + std::to_string(thread)}, {"expires-in", 1000000000}});
        ASSERT_EQ(token.status, 200) << token.body;
        Reply list = client.Send("GET", "/v1/customers", nullptr,
                                 {{"Authorization", "Bearer " + token.Json()["token"].get<std::string>()}});
        ASSERT_EQ(list.status, 200) << list.body;
        EXPECT_EQ(list.Json()["totalCount"], 0) << "another partner's customers were visible";
      } else if (kind < 87) {
        Reply run = client.SendText("POST", "/_sim/scenarios/run",
                                "scenario: tiny\nstart: 2026-01-01\ncustomers:\n  - ref: c\n    country: US\nsteps:\n"
                                "  - purchase: {customer: c, item: CFQ7TTC0LFLZ:0001:CFQ7TTC0K5F7, quantity: 3, "
                                "term: P1Y, billing: annual, ref: s}\nexpect:\n  subscriptions:\n    s: {quantity: 3}\n");
        ASSERT_EQ(run.status, 200) << run.body;
        EXPECT_EQ(run.Json()["passed"], true) << run.body;
      } else {
        const char* reads[] = {"/_sim/requests", "/_sim/events?kind=charged", "/_sim/clock", "/v1/invoices"};
        Reply r = client.Send("GET", reads[rng() % 4]);
        EXPECT_EQ(r.status, 200) << r.body;
      }
    }
  }

  // Every charge line the API reports: billed (every invoice) and unbilled
  // (this month and the one before).
  std::vector<json> AllLines(Client& client) {
    std::vector<json> lines;
    Reply invoices = client.Send("GET", "/v1/invoices");
    EXPECT_EQ(invoices.status, 200) << invoices.body;
    const json invoice_list = invoices.Json();
    for (const auto& inv : invoice_list["items"]) {
      Reply r = client.Send("GET", "/v1/invoices/" + inv["id"].get<std::string>() +
                                       "/lineitems?provider=onetime&invoicelineitemtype=billinglineitems&size=2000");
      EXPECT_EQ(r.status, 200) << r.body;
      const json page = r.Json();
      for (const auto& l : page["items"]) lines.push_back(l);
    }
    for (const char* period : {"current", "previous"}) {
      Reply r = client.Send("GET", std::string("/v1/invoices/unbilled/lineitems?provider=onetime&invoicelineitemtype="
                                               "billinglineitems&currencycode=USD&size=2000&period=") + period);
      EXPECT_EQ(r.status, 200) << r.body;
      const json page = r.Json();
      for (const auto& l : page["items"]) lines.push_back(l);
    }
    return lines;
  }

  // With every client stopped: the state is what the responses said.
  void CheckInvariants(int batch) {
    SCOPED_TRACE("after batch " + std::to_string(batch));
    Client client(*router_, server_->port(), true);
    // Orders stay pending for a simulated minute.
    ASSERT_EQ(client.Send("POST", "/_sim/clock/advance", {{"by", "PT5M"}}).status, 200);
    for (const auto& pending : ledger_.pending_orders) {
      Reply order = client.Send("GET", pending.path);
      ASSERT_EQ(order.status, 200) << order.body;
      json o = order.Json();
      ASSERT_EQ(o["lineItems"].size(), 1u) << order.body;
      ledger_.subscriptions.push_back({o["lineItems"][0]["subscriptionId"], pending.customer, pending.quantity, false});
    }
    ledger_.pending_orders.clear();

    // One order per MS-RequestId, and no order nobody was told about.
    std::map<std::string, size_t> expected_orders;
    for (const auto& [request_id, orders] : ledger_.orders_by_request) {
      EXPECT_EQ(orders.size(), 1u) << request_id << " named several orders";
      ++expected_orders[ledger_.customer_of_request[request_id]];
    }
    for (const std::string& customer : ledger_.customers) {
      Reply orders = client.Send("GET", "/v1/customers/" + customer + "/orders");
      ASSERT_EQ(orders.status, 200) << orders.body;
      EXPECT_EQ(orders.Json()["totalCount"].get<size_t>(), expected_orders[customer]) << customer;
    }

    // Every acknowledged seat change and cancel is there.
    for (const TrackedSubscription& s : ledger_.subscriptions) {
      Reply got = client.Send("GET", "/v1/customers/" + s.customer + "/subscriptions/" + s.id);
      ASSERT_EQ(got.status, 200) << got.body;
      json sub = got.Json();
      EXPECT_EQ(sub["quantity"], s.quantity) << s.id;
      EXPECT_EQ(sub["status"], s.cancelled ? "deleted" : "active") << s.id;
    }

    // The charge lines add up to the subscriptions: seats charged minus seats
    // refunded is the quantity (0 once cancelled), and the API reports every
    // line of the ledger exactly once.
    std::vector<json> lines = AllLines(client);
    size_t ledger_lines = 0;
    {
      std::lock_guard<std::mutex> lock(router_->mutex());
      ledger_lines = router_->sandbox().ledger().lines().size();
    }
    EXPECT_EQ(lines.size(), ledger_lines);
    std::map<std::string, int> seats;
    for (const json& l : lines) {
      const std::string price = l["effectiveUnitPrice"].dump();
      seats[l["subscriptionId"]] += (price.front() == '-' ? -1 : 1) * l["quantity"].get<int>();
    }
    for (const TrackedSubscription& s : ledger_.subscriptions)
      EXPECT_EQ(seats[s.id], s.cancelled ? 0 : s.quantity) << "charge lines of " << s.id;
  }

  std::unique_ptr<api::Router> router_;
  std::unique_ptr<http::HttpServer> server_;
  Ledger ledger_;
};

TEST_F(ConcurrencyStressTest, SixteenClientsLoseNothing) {
  for (int batch = 0; batch < kBatches; ++batch) {
    std::vector<std::thread> threads;
    for (int t = 0; t < kThreads; ++t) threads.emplace_back([this, t, batch] { Worker(t, batch); });
    for (auto& t : threads) t.join();
    CheckInvariants(batch);
    if (HasFailure()) break;
  }
  // The run did what it is meant to: purchases, changes and contention.
  EXPECT_GT(ledger_.subscriptions.size(), 50u);
  EXPECT_GT(ledger_.acknowledged_changes, 100);
  std::cout << "subscriptions " << ledger_.subscriptions.size() << ", acknowledged changes "
            << ledger_.acknowledged_changes << ", stale ETags retried " << ledger_.refused_stale_etags << "\n";
}

}  // namespace
}  // namespace pcsim
