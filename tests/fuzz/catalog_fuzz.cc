// libFuzzer target: the catalog loader (format 1 JSON). Every input is a
// catalog or an error naming the source, line and column; nothing may throw.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "simulator/catalog/catalog.h"
#include "tests/fuzz/fuzz_support.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  auto catalog = pcsim::Catalog::FromJson(text, "fuzz.json");
  if (!catalog.ok()) pcsim::fuzz::CheckLocated(catalog.status().description(), "fuzz.json", text);
  return 0;
}
