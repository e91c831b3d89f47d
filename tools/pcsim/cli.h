// The pcsim command line: one parser (CLI11) for every subcommand, its
// options, their defaults and checks, and each subcommand's --help.
#pragma once

#include <string>
#include <vector>

namespace pcsim::tools {

// Parses `args` (the words after the program's name) and runs the
// subcommand. Returns the exit code: 0 success, 1 a check failed, 2 bad
// input or usage. A usage error is one line on stderr naming the option or
// argument; `--help` (or -h) prints the usage of the command it follows on
// stdout; no arguments at all print the usage on stderr (exit 2).
int RunCommandLine(const std::vector<std::string>& args);

}  // namespace pcsim::tools
