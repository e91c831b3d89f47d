// libFuzzer target: the scenario parser (YAML or JSON text). Every input is
// either a Scenario or a ScenarioError naming the file and a line inside it;
// nothing may throw.
#include <cstddef>
#include <cstdint>
#include <string>
#include <variant>

#include "simulator/replay/scenario_parser.h"
#include "tests/fuzz/fuzz_support.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string text(reinterpret_cast<const char*>(data), size);
  pcsim::replay::ParseOutcome outcome = pcsim::replay::ParseScenarioText(text, "fuzz.yaml");
  if (const auto* error = std::get_if<pcsim::replay::ScenarioError>(&outcome)) {
    std::string message = error->ToString();
    if (message.rfind("fuzz.yaml:", 0) != 0) pcsim::fuzz::Fail("scenario error without file:line", message);
  }
  return 0;
}
