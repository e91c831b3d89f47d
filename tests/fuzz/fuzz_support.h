// Shared checks for the libFuzzer targets: a finding is reported with a
// message and abort(), so libFuzzer saves the input as a crash.
#pragma once

#include <cstdio>
#include <cstdlib>
#include <string>

namespace pcsim::fuzz {

[[noreturn]] inline void Fail(const std::string& what, const std::string& detail) {
  std::fprintf(stderr, "pcsim fuzz finding: %s\n%s\n", what.c_str(), detail.substr(0, 4000).c_str());
  std::abort();
}

}  // namespace pcsim::fuzz
