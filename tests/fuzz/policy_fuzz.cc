// libFuzzer target: the policy loader (format 1 JSON). Every input is a
// policy or an error naming the source, line and column; nothing may throw.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "simulator/policy/policy.h"
#include "tests/fuzz/fuzz_support.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  auto policy = pcsim::Policy::FromJson(text, "fuzz.json");
  if (!policy.ok()) pcsim::fuzz::CheckLocated(policy.status().description(), "fuzz.json", text);
  return 0;
}
