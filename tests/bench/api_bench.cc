// One in-process API call through api::Router, the way the HTTP server and
// the scenario runner make it: GET a subscription, and PATCH its quantity with
// the full resource (alternating between two seat counts, so every call is a
// real change with its charge lines). The sandbox holds a book of
// subscriptions so lookups are not on an empty store.
//
//   tools/dev bench --benchmark_filter=Router
#include <benchmark/benchmark.h>

#include <nlohmann/json.hpp>

#include <memory>
#include <string>
#include <vector>

#include "simulator/api/router.h"

namespace pcsim {
namespace {

constexpr int kBookCustomers = 1000;
constexpr int kSubscriptionsPerCustomer = 2;

struct Book {
  std::unique_ptr<api::Router> router;
  std::string customer;
  std::string subscription;
};

// A router with 1,000 customers of 2 subscriptions each (bought directly on
// the sandbox, completed), and the ids of one in the middle.
Book MakeBook() {
  Book book;
  api::RouterOptions options;
  options.sandbox.start = Instant::StartOf(Date::Ymd(2026, 1, 5));
  book.router = std::make_unique<api::Router>(options);
  Sandbox& sandbox = book.router->mutable_sandbox_for_setup();
  for (int i = 0; i < kBookCustomers; ++i) {
    CustomerSpec spec;
    spec.company_name = "Customer " + std::to_string(i);
    spec.domain = "customer" + std::to_string(i) + ".onmicrosoft.com";
    spec.address = {"Ada", "Lovelace", "1 Main Street", "", "", "Redmond", "WA", "98052", "US", "", ""};
    auto c = sandbox.CreateCustomer(spec);
    AgreementRecord mca{std::string(kMcaTemplateId), "MicrosoftCustomerAgreement", sandbox.Now(), "Ada", "Lovelace",
                        "ada@example.com", "", ""};
    (void)sandbox.RecordAgreement((*c)->id, mca);
    for (int j = 0; j < kSubscriptionsPerCustomer; ++j) {
      PurchaseRequest r;
      r.customer_id = (*c)->id;
      r.catalog_item_id = j == 0 ? "CFQ7TTC0LFLZ:0001:CFQ7TTC0K5F7" : "CFQ7TTC0LF8R:0001:CFQ7TTC0K5DM";
      r.quantity = 10;
      r.term = Term::P1Y;
      r.billing = Billing::Monthly;
      auto s = sandbox.Purchase(r);
      if (i == kBookCustomers / 2 && j == 0 && s.ok()) {
        book.customer = (*c)->id;
        book.subscription = (*s)->id;
      }
    }
  }
  sandbox.AdvanceTo(sandbox.Now() + Duration::Hours(1));
  return book;
}

api::HeaderList Headers(bool with_body) {
  api::HeaderList h{{"Authorization", "Bearer bench-token"}, {"Accept", "application/json"}};
  if (with_body) h.emplace_back("Content-Type", "application/json");
  return h;
}

void BM_RouterGetSubscription(benchmark::State& state) {
  Book book = MakeBook();
  const std::string target = "/v1/customers/" + book.customer + "/subscriptions/" + book.subscription;
  size_t bytes = 0;
  for (auto _ : state) {
    api::Response r = book.router->Handle(api::MakeRequest("GET", target, "", Headers(false)));
    if (r.status != 200) state.SkipWithError(("GET answered " + std::to_string(r.status) + ": " + r.body).c_str());
    bytes = r.body.size();
    benchmark::DoNotOptimize(r);
  }
  state.counters["body_bytes"] = static_cast<double>(bytes);
}
BENCHMARK(BM_RouterGetSubscription)->Unit(benchmark::kMicrosecond);

void BM_RouterPatchQuantity(benchmark::State& state) {
  Book book = MakeBook();
  const std::string target = "/v1/customers/" + book.customer + "/subscriptions/" + book.subscription;
  api::Response got = book.router->Handle(api::MakeRequest("GET", target, "", Headers(false)));
  nlohmann::json resource = nlohmann::json::parse(got.body);
  std::string bodies[2];
  for (int i = 0; i < 2; ++i) {
    resource["quantity"] = 10 + (i == 0 ? 1 : 0);  // 11 seats, then back to 10 (inside the 168-hour window)
    bodies[i] = resource.dump();
  }
  int n = 0;
  for (auto _ : state) {
    api::Response r = book.router->Handle(api::MakeRequest("PATCH", target, bodies[n++ & 1], Headers(true)));
    if (r.status != 200) state.SkipWithError(("PATCH answered " + std::to_string(r.status) + ": " + r.body).c_str());
    benchmark::DoNotOptimize(r);
  }
}
BENCHMARK(BM_RouterPatchQuantity)->Unit(benchmark::kMicrosecond);

}  // namespace
}  // namespace pcsim

BENCHMARK_MAIN();
