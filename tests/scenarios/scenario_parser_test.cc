// The scenario reader's places and reasons: a place without a line (a file
// that can't be read, a command-line option) is named without ":0".
#include <gtest/gtest.h>

#include <string>
#include <variant>

#include "simulator/replay/runner.h"
#include "simulator/replay/scenario_parser.h"

namespace pcsim::replay {
namespace {

ScenarioError ErrorOf(const ParseOutcome& outcome) {
  const auto* e = std::get_if<ScenarioError>(&outcome);
  return e != nullptr ? *e : ScenarioError{{"(parsed)", 0}, "no error"};
}

TEST(SourceLocation, NamesTheLineOnlyWhenThereIsOne) {
  EXPECT_EQ((SourceLocation{"scenarios/x.yaml", 12}).ToString(), "scenarios/x.yaml:12");
  EXPECT_EQ((SourceLocation{"scenarios/x.yaml", 0}).ToString(), "scenarios/x.yaml");
  EXPECT_EQ((ScenarioError{{"--policy-override", 0}, "unknown parameter"}).ToString(),
            "--policy-override: unknown parameter");
}

TEST(ScenarioParser, AMissingFileIsNamedWithoutALine) {
  const std::string path = "/nonexistent-pcsim-folder/missing.yaml";
  ScenarioError e = ErrorOf(ParseScenarioFile(path));
  EXPECT_EQ(e.where.line, 0);
  EXPECT_EQ(e.ToString(), path + ": cannot read the file: No such file or directory");
}

TEST(ScenarioParser, ABadPolicyOverrideOnTheCommandLineIsNamedWithoutALine) {
  ParseOutcome parsed = ParseScenarioText("scenario: x\nstart: 2026-01-15\nsteps: []\n", "x.yaml");
  ASSERT_TRUE(std::holds_alternative<Scenario>(parsed));
  RunOptions options;
  options.policy_overrides.emplace_back("no-such-parameter", "1");
  ScenarioResult result = RunScenario(std::get<Scenario>(parsed), options);
  EXPECT_EQ(result.outcome, Outcome::Invalid);
  EXPECT_EQ(result.message.rfind("--policy-override: ", 0), 0u) << result.message;
}

}  // namespace
}  // namespace pcsim::replay
