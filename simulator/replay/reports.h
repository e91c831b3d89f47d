// Audit reports of a replay (docs/scenario-format.md, "Runner"):
// lines.csv with every charge line under Partner Center's reconciliation
// column names, subscriptions.csv, one self-contained HTML page per scenario
// with a timeline (a lane per subscription: terms, charge cycles, status
// changes, a marker per charge with its amount), an index page with
// pass/fail, and JUnit XML. Output is deterministic: the same results give
// byte-identical files.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "simulator/model/status.h"
#include "simulator/replay/runner.h"

namespace pcsim::replay {

// Writes DIR/lines.csv, DIR/subscriptions.csv, DIR/index.html and one
// DIR/scenarios/<name>.html per scenario (created as needed).
Status WriteReports(const std::vector<ScenarioResult>& results, const std::string& dir);

// How long a replay took on the wall clock, measured by the command that
// ran it (replay_command.cc), never by the simulator: each scenario's run,
// and the whole run (less than their sum with --jobs N).
struct JUnitTimes {
  std::vector<int64_t> scenario_micros;  // one per result, in order
  int64_t total_micros = 0;
};

// One testsuite "pcsim replay", one testcase per scenario (classname = file,
// name = title); a failure's text is the diff, an invalid file an error.
// `time` on the testsuites, the testsuite and each testcase, in seconds with
// three decimals: from `times`, or time="0.000" everywhere when `times` is
// null (pcsim replay --junit-time zero), so that two replays give the same
// bytes.
std::string JUnitXml(const std::vector<ScenarioResult>& results, const JUnitTimes* times = nullptr);

}  // namespace pcsim::replay
