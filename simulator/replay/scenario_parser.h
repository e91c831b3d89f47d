// Reads scenario files (YAML, or JSON which is YAML too) into Scenario values.
// Every problem is a ScenarioError with file, line and reason: unknown keys,
// missing required keys, bad dates and durations, numbers that are not exact
// decimals, and references to customers or subscriptions never defined.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <variant>

#include "simulator/replay/scenario.h"

namespace pcsim::replay {

using ParseOutcome = std::variant<Scenario, ScenarioError>;

// Bounds on every scenario document, from a file, an HTTP body or est-report;
// beyond one the document is refused with file:line and the reason, before
// yaml-cpp or the reader walks it (simulator/replay/yaml_bounds.h).
// The library's largest file is 6 KiB; a file this large is a mistake or an attack.
constexpr size_t kMaxScenarioBytes = size_t{16} << 20;
// Nodes read, an alias counting the nodes it repeats: "billion laughs" files are tiny but expand to 10^9.
constexpr uint64_t kMaxScenarioNodes = 1'000'000;
// yaml-cpp and the reader recurse once per level; the library's scenarios nest at most 9 levels.
constexpr int kMaxScenarioDepth = 64;

ParseOutcome ParseScenarioText(const std::string& text, const std::string& file);
// Reads the file with ReadDataFile: a regular file of at most kMaxScenarioBytes.
ParseOutcome ParseScenarioFile(const std::string& path);

// Expected scalars keep how they were written: a plain number keeps its text
// (so it can be matched to its written precision), a boolean or null is
// marked, and a quoted scalar stays a string.
bool IsExpectedNumber(const nlohmann::json& v);
bool IsExpectedBool(const nlohmann::json& v);
bool IsExpectedNull(const nlohmann::json& v);
std::string ExpectedText(const nlohmann::json& v);  // the written text of a scalar
// `text` (an exact decimal) as an expected number, quoted in the file or not:
// matched as a number to its written precision.
nlohmann::json ExpectedNumber(std::string_view text);

}  // namespace pcsim::replay
