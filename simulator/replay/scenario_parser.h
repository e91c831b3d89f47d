// Reads scenario files (YAML, or JSON which is YAML too) into Scenario values.
// Every problem is a ScenarioError with file, line and reason: unknown keys,
// missing required keys, bad dates and durations, numbers that are not exact
// decimals, and references to customers or subscriptions never defined.
#pragma once

#include <string>
#include <variant>

#include "simulator/replay/scenario.h"

namespace pcsim::replay {

using ParseOutcome = std::variant<Scenario, ScenarioError>;

ParseOutcome ParseScenarioText(const std::string& text, const std::string& file);
ParseOutcome ParseScenarioFile(const std::string& path);

// Expected scalars keep how they were written: a plain number keeps its text
// (so it can be matched to its written precision), a boolean or null is
// marked, and a quoted scalar stays a string.
bool IsExpectedNumber(const nlohmann::json& v);
bool IsExpectedBool(const nlohmann::json& v);
bool IsExpectedNull(const nlohmann::json& v);
std::string ExpectedText(const nlohmann::json& v);  // the written text of a scalar

}  // namespace pcsim::replay
