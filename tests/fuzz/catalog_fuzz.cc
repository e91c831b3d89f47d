// libFuzzer target: the catalog loader (format 1 JSON). Every input is a
// catalog or an error naming the source; nothing may throw.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "simulator/catalog/catalog.h"
#include "tests/fuzz/fuzz_support.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  auto catalog = pcsim::Catalog::FromJson(text, "fuzz.json");
  if (!catalog.ok() && catalog.status().description().rfind("fuzz.json", 0) != 0)
    pcsim::fuzz::Fail("catalog error without the source name", catalog.status().description());
  return 0;
}
