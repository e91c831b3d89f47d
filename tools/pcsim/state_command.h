// pcsim state check|repair (tools/pcsim/state_command.cc).
#pragma once

#include <string>
#include <vector>

namespace pcsim::tools {

// `args` starts with "state". Exit codes as in the usage text.
int StateCommand(const std::vector<std::string>& args, const std::string& version);

}  // namespace pcsim::tools
