// Scenario replay through replay::RunScenario, as `pcsim replay` does it:
// one scenario file (parsed once), and the whole scenarios/ library (read,
// parsed and run, every file each iteration).
//
//   tools/dev bench --benchmark_filter=Replay
#include <benchmark/benchmark.h>

#include <string>
#include <variant>
#include <vector>

#include "simulator/replay/replay_command.h"
#include "simulator/replay/runner.h"
#include "simulator/replay/scenario_parser.h"

namespace pcsim::replay {
namespace {

const std::string kLibrary = std::string(PCSIM_SOURCE_DIR) + "/scenarios";
// A full lifecycle: purchase, term end, 24-hour rule, EST months.
const std::string kOneScenario = kLibrary + "/est/s9-24-hour-rule.yaml";

void BM_ReplayOneScenario(benchmark::State& state) {
  ParseOutcome parsed = ParseScenarioFile(kOneScenario);
  if (!std::holds_alternative<Scenario>(parsed)) {
    state.SkipWithError(("cannot parse " + kOneScenario).c_str());
    return;
  }
  const Scenario& scenario = std::get<Scenario>(parsed);
  for (auto _ : state) {
    ScenarioResult result = RunScenario(scenario);
    if (result.outcome != Outcome::Passed) state.SkipWithError(("scenario did not pass: " + result.message).c_str());
    benchmark::DoNotOptimize(result);
  }
}
BENCHMARK(BM_ReplayOneScenario)->Unit(benchmark::kMicrosecond);

void BM_ReplayScenarioLibrary(benchmark::State& state) {
  std::string error;
  const std::vector<std::string> files = CollectScenarioFiles({kLibrary}, &error);
  if (files.empty() || !error.empty()) {
    state.SkipWithError(("no scenarios under " + kLibrary + ": " + error).c_str());
    return;
  }
  for (auto _ : state) {
    for (const std::string& file : files) {
      ParseOutcome parsed = ParseScenarioFile(file);
      if (!std::holds_alternative<Scenario>(parsed)) {
        state.SkipWithError(("cannot parse " + file).c_str());
        return;
      }
      ScenarioResult result = RunScenario(std::get<Scenario>(parsed));
      if (result.outcome != Outcome::Passed) {
        state.SkipWithError((file + " did not pass: " + result.message).c_str());
        return;
      }
      benchmark::DoNotOptimize(result);
    }
  }
  state.counters["scenarios"] = static_cast<double>(files.size());
}
BENCHMARK(BM_ReplayScenarioLibrary)->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace pcsim::replay

BENCHMARK_MAIN();
