#include "simulator/replay/replay_command.h"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <optional>
#include <ostream>
#include <thread>

#include "simulator/replay/reports.h"
#include "simulator/replay/runner.h"
#include "simulator/replay/scenario_parser.h"

namespace pcsim::replay {
namespace {

namespace fs = std::filesystem;

bool IsScenarioFile(const fs::path& p) {
  std::string ext = p.extension().string();
  return ext == ".yaml" || ext == ".yml" || ext == ".json";
}

// Replay's steps.

// Parses every file first: an invalid file is a usage error (exit 2). Keeps
// the scenarios that carry one of `tags` (all when none is given). The exit
// code when replay stops here, else nullopt.
std::optional<int> ParseScenarios(const std::vector<std::string>& files, const std::vector<std::string>& tags,
                                  std::ostream& err, std::vector<Scenario>* scenarios) {
  bool invalid = false;
  for (const std::string& f : files) {
    ParseOutcome parsed = ParseScenarioFile(f);
    if (auto* e = std::get_if<ScenarioError>(&parsed)) {
      err << e->ToString() << "\n";
      invalid = true;
      continue;
    }
    Scenario& s = std::get<Scenario>(parsed);
    if (!tags.empty() && std::none_of(tags.begin(), tags.end(), [&](const std::string& t) {
          return std::find(s.tags.begin(), s.tags.end(), t) != s.tags.end();
        }))
      continue;
    scenarios->push_back(std::move(s));
  }
  if (invalid) return 2;
  if (!tags.empty() && scenarios->empty()) {
    std::string names;
    for (const std::string& t : tags) names += (names.empty() ? "\"" : ", \"") + t + "\"";
    err << "pcsim replay: no scenario matched the tag" << (tags.size() > 1 ? "s " : " ") << names << " in "
        << files.size() << (files.size() == 1 ? " file\n" : " files\n");
    return 2;
  }
  return std::nullopt;
}

using WallClock = std::chrono::steady_clock;

int64_t MicrosSince(WallClock::time_point start) {
  return std::chrono::duration_cast<std::chrono::microseconds>(WallClock::now() - start).count();
}

// Runs the scenarios, `jobs` at a time; the results are in file order. The
// wall time of each run and of the whole go to `times` (JUnit's time): the
// only use of the wall clock in a replay, here in the command, outside the
// runner and the simulated clock.
std::vector<ScenarioResult> RunScenarios(const std::vector<Scenario>& scenarios, const RunOptions& options, int jobs,
                                         JUnitTimes* times) {
  const WallClock::time_point started = WallClock::now();
  std::vector<ScenarioResult> results(scenarios.size());
  times->scenario_micros.assign(scenarios.size(), 0);
  std::atomic<size_t> next{0};
  auto worker = [&] {
    for (size_t i; (i = next.fetch_add(1)) < scenarios.size();) {
      const WallClock::time_point start = WallClock::now();
      results[i] = RunScenario(scenarios[i], options);
      times->scenario_micros[i] = MicrosSince(start);
    }
  };
  std::vector<std::thread> threads;
  for (int t = 1; t < std::min<int>(jobs, static_cast<int>(scenarios.size())); ++t) threads.emplace_back(worker);
  worker();
  for (auto& t : threads) t.join();
  times->total_micros = MicrosSince(started);
  return results;
}

struct Tally {
  int passed = 0, failed = 0;
  bool any_invalid = false;
};

// One line per scenario (PASS, FAIL with the difference, ERROR), counted.
Tally PrintResults(const std::vector<ScenarioResult>& results, std::ostream& out, std::ostream& err) {
  Tally tally;
  for (const ScenarioResult& r : results) {
    switch (r.outcome) {
      case Outcome::Passed:
        ++tally.passed;
        out << "PASS " << r.file << ": " << r.title << "\n";
        break;
      case Outcome::Failed:
        ++tally.failed;
        out << "FAIL " << r.file << ": " << r.title << "\n";
        for (size_t start = 0; start < r.message.size();) {
          size_t end = r.message.find('\n', start);
          if (end == std::string::npos) end = r.message.size();
          out << "  " << r.message.substr(start, end - start) << "\n";
          start = end + 1;
        }
        break;
      case Outcome::Invalid:
        ++tally.failed;
        tally.any_invalid = true;
        out << "ERROR " << r.file << ": " << r.title << "\n  " << r.message << "\n";
        err << r.message << "\n";
        break;
    }
  }
  return tally;
}

// --junit and --report: the exit code when one cannot be written, else nullopt.
std::optional<int> WriteReportFiles(const ReplayRequest& request, const std::vector<ScenarioResult>& results,
                                    const JUnitTimes& times, std::ostream& err) {
  if (!request.junit.empty()) {
    std::ofstream f(request.junit, std::ios::binary);
    if (!f) {
      err << "pcsim replay: cannot write " << request.junit << "\n";
      return 2;
    }
    f << JUnitXml(results, request.junit_wall_time ? &times : nullptr);
  }
  if (!request.report_dir.empty()) {
    Status s = WriteReports(results, request.report_dir);
    if (!s.ok()) {
      err << "pcsim replay: " << s.description() << "\n";
      return 2;
    }
  }
  return std::nullopt;
}

}  // namespace

std::vector<std::string> CollectScenarioFiles(const std::vector<std::string>& paths, std::string* error) {
  std::vector<std::string> files;
  for (const std::string& p : paths) {
    std::error_code ec;
    if (fs::is_directory(p, ec)) {
      std::vector<std::string> found;
      for (auto it = fs::recursive_directory_iterator(p, ec); !ec && it != fs::recursive_directory_iterator(); it.increment(ec))
        if (it->is_regular_file() && IsScenarioFile(it->path())) found.push_back(it->path().generic_string());
      std::sort(found.begin(), found.end());
      files.insert(files.end(), found.begin(), found.end());
    } else if (fs::is_regular_file(p, ec)) {
      files.push_back(p);
    } else {
      *error = "pcsim replay: no such file or folder: " + p;
      return {};
    }
  }
  return files;
}

int Replay(const ReplayRequest& request, std::ostream& out, std::ostream& err) {
  RunOptions options;
  options.policy_files = true;  // files named on the command line, and the policy files they name
  options.policy_overrides = request.policy_overrides;
  std::string error;
  std::vector<std::string> files = CollectScenarioFiles(request.paths, &error);
  if (!error.empty()) {
    err << error << "\n";
    return 2;
  }
  std::vector<Scenario> scenarios;
  if (std::optional<int> exit = ParseScenarios(files, request.tags, err, &scenarios)) return *exit;
  JUnitTimes times;
  std::vector<ScenarioResult> results = RunScenarios(scenarios, options, request.jobs, &times);
  const Tally tally = PrintResults(results, out, err);
  if (std::optional<int> exit = WriteReportFiles(request, results, times, err)) return *exit;
  out << tally.passed << " passed, " << tally.failed << " failed\n";
  if (tally.any_invalid) return 2;
  return tally.failed == 0 ? 0 : 1;
}

}  // namespace pcsim::replay
