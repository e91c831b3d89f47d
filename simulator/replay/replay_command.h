// `pcsim replay PATH... [--junit FILE] [--report DIR] [--tag T] [--jobs N]
// [--policy-override KEY=VALUE]`: runs scenario files and folders, prints one
// line per scenario and a closing "N passed, M failed", and exits 0 (all
// passed), 1 (a scenario failed) or 2 (a file is not a valid scenario, or bad
// usage). Output is the same whatever --jobs is.
#pragma once

#include <iosfwd>
#include <string>
#include <vector>

namespace pcsim::replay {

int ReplayCommand(const std::vector<std::string>& args, std::ostream& out, std::ostream& err);

// The scenario files under the paths (files as given; folders recursively:
// *.yaml, *.yml, *.json), sorted.
std::vector<std::string> CollectScenarioFiles(const std::vector<std::string>& paths, std::string* error);

}  // namespace pcsim::replay
