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
#include "tests/bench/book_builder.h"

namespace pcsim {
namespace {

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
    SandboxOptions options;
    options.start = Instant::StartOf(Date::Ymd(2026, 1, 1));
    options.seed = 7;
    auto sandbox = std::make_unique<Sandbox>(options);
    BuyBook(*sandbox, count);
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
