// What pcsim::gtest::SandboxTest costs per test: SetUp plus TearDown, with
// and without the loopback HTTP server, and with a first customer bought.
#include <benchmark/benchmark.h>

#include "pcsim/gtest/sandbox_test.h"

namespace {

class Probe : public pcsim::gtest::SandboxTest {
 public:
  void Up() { SetUp(); }
  void Down() { TearDown(); }
  void StartHttp() { benchmark::DoNotOptimize(BaseUrl()); }
  void BuyOne() {
    auto customer = NewCustomer();
    benchmark::DoNotOptimize(BuyAnnualMonthly(customer.id, "CFQ7TTC0LFLZ:0001", 10));
  }
  void TestBody() override {}
};

void BM_SandboxTestSetUpTearDown(benchmark::State& state) {
  for (auto _ : state) {
    Probe probe;
    probe.Up();
    probe.Down();
  }
}
BENCHMARK(BM_SandboxTestSetUpTearDown);

void BM_SandboxTestWithHttpServer(benchmark::State& state) {
  for (auto _ : state) {
    Probe probe;
    probe.Up();
    probe.StartHttp();
    probe.Down();
  }
}
BENCHMARK(BM_SandboxTestWithHttpServer)->Unit(benchmark::kMicrosecond);

void BM_SandboxTestBuyOneSubscription(benchmark::State& state) {
  for (auto _ : state) {
    Probe probe;
    probe.Up();
    probe.BuyOne();
    probe.Down();
  }
}
BENCHMARK(BM_SandboxTestBuyOneSubscription)->Unit(benchmark::kMicrosecond);

}  // namespace

BENCHMARK_MAIN();
