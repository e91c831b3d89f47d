// The scenario reader's places and reasons: a place without a line (a file
// that can't be read, a command-line option) is named without ":0".
#include <gtest/gtest.h>

#include <filesystem>
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

// An Azure plan item as the price list writes it: its meters, and prices of 0.
constexpr const char* kAzurePlan =
    "scenario: an Azure plan listed at 0\n"
    "start: 2026-03-01\n"
    "catalog:\n"
    "  - item: DZH318Z0BPS6:0001:DZH318Z0JJ6R\n"
    "    name: Azure plan\n"
    "    meters:\n"
    "      - {id: vm-hours, unit: 1 Hour, price: \"0.10\", pec-eligible: false}\n"
    "    prices: PRICES\n"
    "customers:\n"
    "  - ref: contoso\n"
    "steps:\n"
    "  - purchase: {customer: contoso, item: DZH318Z0BPS6:0001:DZH318Z0JJ6R, quantity: 1, billing: monthly, ref: plan}\n"
    "  - azure-usage: {azure: plan, meter: vm-hours, quantity: 10}\n"
    "expect:\n"
    "  at: 2026-04-06T12:00:00Z\n"
    "  usage-lines:\n"
    "    - {azure: plan, usageDate: 2026-03-01, meterId: vm-hours, quantity: 10, unitPrice: 0.10, billingPreTaxTotal: 1.00}\n"
    "  invoices:\n"
    "    - {period: 2026-03, total: 1.00}\n";

std::string AzurePlanWith(const std::string& prices) {
  std::string text = kAzurePlan;
  return text.replace(text.find("PRICES"), 6, prices);
}

TEST(ScenarioParser, AnAzurePlanMayCarryPricesOfZero) {
  ParseOutcome parsed = ParseScenarioText(AzurePlanWith("{P1M/monthly: 0, P1Y/monthly: \"0.00\"}"), "azure.yaml");
  ASSERT_TRUE(std::holds_alternative<Scenario>(parsed)) << ErrorOf(parsed).ToString();
  RunOptions options;
  ScenarioResult result = RunScenario(std::get<Scenario>(parsed), options);
  EXPECT_EQ(result.outcome, Outcome::Passed) << result.message;
}

TEST(ScenarioParser, AnAzurePlanWithANonzeroPriceIsRefusedAtThePrices) {
  EXPECT_EQ(ErrorOf(ParseScenarioText(AzurePlanWith("{P1M/monthly: 0, P1Y/monthly: 2.5}"), "azure.yaml")).ToString(),
            "azure.yaml:8: catalog item DZH318Z0BPS6:0001:DZH318Z0JJ6R has meters (an Azure plan's rate card) and a "
            "nonzero price (P1Y/monthly: 2.5); an Azure plan's prices, if given, must all be 0");
  std::string changes = AzurePlanWith("{P1M/monthly: 0}");
  changes.insert(changes.find("customers:"), "    price-changes: [{from: 2026-06-01, prices: {P1M/monthly: 0}}]\n");
  EXPECT_EQ(ErrorOf(ParseScenarioText(changes, "azure.yaml")).ToString(),
            "azure.yaml:9: catalog item DZH318Z0BPS6:0001:DZH318Z0JJ6R has meters (an Azure plan's rate card) and "
            "price-changes");
}

// A purchase whose expectation names a field drift rewrites (docs/drift.md).
std::string DriftScenario(const std::string& drift) {
  return "scenario: drift\n"
         "start: 2026-01-15\n" +
         drift +
         "customers:\n"
         "  - ref: contoso\n"
         "steps:\n"
         "  - purchase: {customer: contoso, item: CFQ7TTC0LFLZ:0001:CFQ7TTC0K5F7, quantity: 3, term: P1Y, billing: "
         "monthly, ref: sub1}\n"
         "expect:\n"
         "  subscriptions:\n"
         "    sub1: {status: active, quantity: 3, contractType: subscription}\n";
}

ScenarioResult RunText(const std::string& text) {
  ParseOutcome parsed = ParseScenarioText(text, "drift.yaml");
  if (!std::holds_alternative<Scenario>(parsed)) {
    ADD_FAILURE() << ErrorOf(parsed).ToString();
    return {};
  }
  return RunScenario(std::get<Scenario>(parsed));
}

TEST(ScenarioParser, DriftRunsTheStepsAgainstGrownAnswers) {
  // The runner is a tolerant client: the steps and the untouched fields pass;
  // only the expectation on a drifted enum field sees the drift.
  EXPECT_EQ(RunText(DriftScenario("")).outcome, Outcome::Passed);
  EXPECT_EQ(RunText(DriftScenario("drift: false\n")).outcome, Outcome::Passed);
  ScenarioResult drifted = RunText(DriftScenario("drift: {seed: 7, unknown-fields: true}\n"));
  EXPECT_EQ(drifted.outcome, Outcome::Failed) << drifted.message;
  EXPECT_NE(drifted.message.find("contractType"), std::string::npos) << drifted.message;
  EXPECT_EQ(RunText(DriftScenario("drift: {new-enum-values: false}\n")).outcome, Outcome::Passed);
  EXPECT_EQ(ErrorOf(ParseScenarioText(DriftScenario("drift: {colour: red}\n"), "drift.yaml")).where.line, 3);
  EXPECT_EQ(ErrorOf(ParseScenarioText(DriftScenario("drift: sometimes\n"), "drift.yaml")).where.line, 3);
}

TEST(ScenarioParser, TheWholeLibraryPassesUnderDrift) {
  // Every scenario of scenarios/ with drift on: the runner reads grown answers
  // as a tolerant client does (no library expectation names a drifted field).
  int ran = 0;
  for (const auto& entry : std::filesystem::recursive_directory_iterator(std::string(PCSIM_SOURCE_DIR) + "/scenarios")) {
    if (!entry.is_regular_file() || entry.path().extension() != ".yaml") continue;
    ParseOutcome parsed = ParseScenarioFile(entry.path().string());
    ASSERT_TRUE(std::holds_alternative<Scenario>(parsed)) << ErrorOf(parsed).ToString();
    Scenario scenario = std::get<Scenario>(parsed);
    scenario.drift = DriftSpec{11, true, true};
    ScenarioResult result = RunScenario(scenario);
    EXPECT_EQ(result.outcome, Outcome::Passed) << entry.path() << ": " << result.message;
    ++ran;
  }
  EXPECT_GT(ran, 100);
}

}  // namespace
}  // namespace pcsim::replay
