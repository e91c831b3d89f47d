// Advances a generated book of subscriptions through three simulated years:
// mixed terms and billing plans, some seat changes mid-term, some auto-renew
// off. Counters: timed events fired, charge lines, invoices.
//
//   tools/dev bench --benchmark_filter=BookAdvance
//   /usr/bin/time -v build/tests/bench/book_advance_bench --benchmark_filter=BookAdvanceThreeYears/100000/
//
// book_rss_mib is the resident set after the book was bought, before the
// advance; peak_rss_mib is the process's peak resident set (getrusage) after the run:
// the book, its three years of lines and invoices, and what ran before it in
// the same process (run one size alone for its own figure).
#include <benchmark/benchmark.h>

#include <sys/resource.h>
#include <unistd.h>

#include <fstream>

#include <memory>
#include <string>
#include <vector>

#include "simulator/commerce/sandbox.h"

namespace pcsim {
namespace {

struct BookItem {
  const char* item;
  Term term;
  Billing billing;
};

// Offers without a per-customer subscription limit, in every term/billing pair.
constexpr BookItem kItems[] = {
    {"CFQ7TTC0LFLZ:0001:CFQ7TTC0K5F7", Term::P1Y, Billing::Monthly},    // Microsoft 365 E3
    {"CFQ7TTC0LFLZ:0001:CFQ7TTC0K5F7", Term::P1Y, Billing::Annual},
    {"CFQ7TTC0LFLZ:0001:CFQ7TTC0K5F7", Term::P1M, Billing::Monthly},
    {"CFQ7TTC0LFLX:0001:CFQ7TTC0K5DK", Term::P3Y, Billing::Monthly},    // Microsoft 365 E5
    {"CFQ7TTC0LFLX:0001:CFQ7TTC0K5DK", Term::P3Y, Billing::Triennial},
    {"CFQ7TTC0LF8R:0001:CFQ7TTC0K5DM", Term::P1Y, Billing::Monthly},    // Office 365 E3
    {"CFQ7TTC0LF8Q:0001:CFQ7TTC0K5DR", Term::P1M, Billing::Monthly},    // Office 365 E1
    {"CFQ7TTC0LH16:0001:CFQ7TTC0K9FW", Term::P1Y, Billing::Annual},     // Exchange Online (Plan 1)
    {"CFQ7TTC0LHXM:0001:CFQ7TTC0K8ZQ", Term::P3Y, Billing::Annual},     // Business Central Essentials
    {"CFQ7TTC0MQ5X:0001:CFQ7TTC0K7Q2", Term::P1Y, Billing::Monthly},    // Microsoft 365 E5 Security
};

constexpr int kSubscriptionsPerCustomer = 10;

// Buys `count` subscriptions spread over the first 28 days of January 2026.
std::unique_ptr<Sandbox> BuildBook(int count) {
  SandboxOptions options;
  options.start = Instant::StartOf(Date::Ymd(2026, 1, 1));
  options.seed = 7;
  auto sandbox = std::make_unique<Sandbox>(options);
  SeededRandom random(42);
  std::vector<std::string> customers;
  for (int i = 0; i * kSubscriptionsPerCustomer < count; ++i) {
    CustomerSpec spec;
    spec.company_name = "Customer " + std::to_string(i);
    spec.domain = "customer" + std::to_string(i) + ".onmicrosoft.com";
    spec.address = {"Ada", "Lovelace", "1 Main Street", "", "", "Redmond", "WA", "98052", "US", "", ""};
    auto c = sandbox->CreateCustomer(spec);
    AgreementRecord mca{std::string(kMcaTemplateId), "MicrosoftCustomerAgreement", sandbox->Now(), "Ada", "Lovelace",
                        "ada@example.com", "", ""};
    (void)sandbox->RecordAgreement((*c)->id, mca);
    customers.push_back((*c)->id);
  }
  const int per_day = (count + 27) / 28;
  int bought = 0;
  for (int day = 0; day < 28 && bought < count; ++day) {
    sandbox->AdvanceTo(Instant::StartOf(Date::Ymd(2026, 1, 1 + day)) + Duration::Hours(9));
    for (int i = 0; i < per_day && bought < count; ++i, ++bought) {
      const BookItem& item = kItems[random.Below(std::size(kItems))];
      PurchaseRequest r;
      r.customer_id = customers[static_cast<size_t>(bought / kSubscriptionsPerCustomer)];
      r.catalog_item_id = item.item;
      r.quantity = 1 + static_cast<int>(random.Below(50));
      r.term = item.term;
      r.billing = item.billing;
      auto sub = sandbox->Purchase(r);
      if (!sub.ok()) continue;
      std::string id = (*sub)->id;
      uint64_t roll = random.Below(100);
      if (roll < 15) {
        (void)sandbox->SetAutoRenew(id, false);
      } else if (roll < 35) {
        // A seat change some months into the term.
        Sandbox* sb = sandbox.get();
        int extra = 1 + static_cast<int>(random.Below(5));
        Instant when = sandbox->Now() + Duration::Days(static_cast<int64_t>(20 + random.Below(300)));
        sandbox->clock().Schedule(when, [sb, id, extra] {
          const Subscription* s = sb->FindSubscription(id);
          if (s != nullptr && s->status == SubscriptionStatus::Active) (void)sb->ChangeQuantity(id, s->quantity + extra);
        });
      }
    }
  }
  return sandbox;
}

// The resident set now (/proc/self/statm), in MiB.
double ResidentMiB() {
  std::ifstream statm("/proc/self/statm");
  long pages = 0, resident = 0;
  statm >> pages >> resident;
  return static_cast<double>(resident) * static_cast<double>(sysconf(_SC_PAGESIZE)) / (1024.0 * 1024.0);
}

void BM_BookAdvanceThreeYears(benchmark::State& state) {
  const int count = static_cast<int>(state.range(0));
  uint64_t events = 0;
  size_t lines = 0, invoices = 0, journal = 0;
  double book_rss = 0;
  for (auto _ : state) {
    state.PauseTiming();
    auto sandbox = BuildBook(count);
    book_rss = ResidentMiB();
    uint64_t fired_before = sandbox->clock().FiredTimers();
    state.ResumeTiming();
    sandbox->AdvanceTo(Instant::StartOf(Date::Ymd(2029, 1, 1)));
    state.PauseTiming();
    events = sandbox->clock().FiredTimers() - fired_before;
    lines = sandbox->ledger().lines().size();
    invoices = sandbox->ledger().invoices().size();
    journal = sandbox->journal().size();
    sandbox.reset();
    state.ResumeTiming();
  }
  state.counters["subscriptions"] = count;
  state.counters["timed_events"] = static_cast<double>(events);
  state.counters["charge_lines"] = static_cast<double>(lines);
  state.counters["invoices"] = static_cast<double>(invoices);
  state.counters["journal_entries"] = static_cast<double>(journal);
  state.counters["book_rss_mib"] = book_rss;
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  state.counters["peak_rss_mib"] = static_cast<double>(usage.ru_maxrss) / 1024.0;  // ru_maxrss is in KiB
}
BENCHMARK(BM_BookAdvanceThreeYears)->Arg(10000)->Arg(100000)->Arg(1000000)->Unit(benchmark::kMillisecond)->Iterations(1);

void BM_FreshSandboxWithDefaultCatalog(benchmark::State& state) {
  Catalog::Default();
  Policy::Microsoft();
  for (auto _ : state) {
    Sandbox sandbox;
    benchmark::DoNotOptimize(sandbox.Now());
  }
}
BENCHMARK(BM_FreshSandboxWithDefaultCatalog)->Unit(benchmark::kMicrosecond);

}  // namespace
}  // namespace pcsim

BENCHMARK_MAIN();
