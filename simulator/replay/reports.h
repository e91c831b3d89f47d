// Audit reports of a replay (docs/scenario-format.md, "Runner"):
// lines.csv with every charge line under Partner Center's reconciliation
// column names, subscriptions.csv, one self-contained HTML page per scenario
// with a timeline (a lane per subscription: terms, charge cycles, status
// changes, a marker per charge with its amount), an index page with
// pass/fail, and JUnit XML. Output is deterministic: the same results give
// byte-identical files.
#pragma once

#include <string>
#include <vector>

#include "simulator/model/status.h"
#include "simulator/replay/runner.h"

namespace pcsim::replay {

// Writes DIR/lines.csv, DIR/subscriptions.csv, DIR/index.html and one
// DIR/scenarios/<name>.html per scenario (created as needed).
Status WriteReports(const std::vector<ScenarioResult>& results, const std::string& dir);

// One testsuite "pcsim replay", one testcase per scenario (classname = file,
// name = title); a failure's text is the diff, an invalid file an error.
// time="0.000" on the testsuite and each testcase: nothing reads the wall
// clock, so two replays give the same bytes.
std::string JUnitXml(const std::vector<ScenarioResult>& results);

}  // namespace pcsim::replay
