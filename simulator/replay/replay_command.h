// `pcsim replay PATH... [--junit FILE] [--junit-time wall|zero] [--report DIR]
// [--tag T] [--jobs N] [--policy-override KEY=VALUE]`: runs scenario files and folders, prints one
// line per scenario and a closing "N passed, M failed", and exits 0 (all
// passed), 1 (a scenario failed) or 2 (a file is not a valid scenario, no
// scenario carries any of the tags, or a path or report is unusable). Output
// is the same whatever --jobs is. The command line is parsed in tools/pcsim.
// This command, not the runner or the simulator, is what reads the wall clock
// (std::chrono::steady_clock), for JUnit's time only.
#pragma once

#include <iosfwd>
#include <string>
#include <utility>
#include <vector>

namespace pcsim::replay {

// What `pcsim replay` was asked for, its options already checked.
struct ReplayRequest {
  std::vector<std::string> paths;  // files and folders, at least one
  std::string junit;               // --junit FILE ("" none)
  // --junit-time wall|zero: JUnit's time attributes are the wall time each
  // scenario and the whole run took (wall, the default), or "0.000" (zero:
  // byte-identical files for identical input).
  bool junit_wall_time = true;
  std::string report_dir;          // --report DIR ("" none)
  std::vector<std::string> tags;   // --tag T...: run the scenarios that carry any of them
  int jobs = 1;                    // --jobs N: scenarios at a time
  std::vector<std::pair<std::string, std::string>> policy_overrides;  // --policy-override KEY=VALUE...
};

int Replay(const ReplayRequest& request, std::ostream& out, std::ostream& err);

// The scenario files under the paths (files as given; folders recursively:
// *.yaml, *.yml, *.json), sorted.
std::vector<std::string> CollectScenarioFiles(const std::vector<std::string>& paths, std::string* error);

}  // namespace pcsim::replay
