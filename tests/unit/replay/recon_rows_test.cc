// The recon-rows expectation (docs/scenario-format.md, "Graph export rows"):
// mistakes in a file are refused with file:line and a reason; rows are read
// through the Graph routes and matched like charge lines, money as exact
// decimals; a failed match names the closest row; and the check leaves the
// scenario's own sandbox exactly as the steps left it.
#include <gtest/gtest.h>

#include <string>
#include <variant>

#include "simulator/replay/runner.h"
#include "simulator/replay/scenario_parser.h"

namespace pcsim::replay {
namespace {

// Contoso buys 10 seats of E3 (annual term, billed monthly, USD 37.80) on
// 2026-01-15 and raises them to 12 on 2026-01-25; January closes on
// 2026-02-06. Line 14 on is the expect section, EXPECT below.
constexpr const char* kHead =
    "scenario: a seat change in a billed export\n"            // 1
    "start: 2026-01-15\n"                                      // 2
    "customers:\n"                                             // 3
    "  - ref: contoso\n"                                       // 4
    "steps:\n"                                                 // 5
    "  - purchase: {customer: contoso, item: CFQ7TTC0LFLZ:0001:CFQ7TTC0K5F7, quantity: 10, term: P1Y, "
    "billing: monthly, ref: e3}\n"                             // 6
    "  - at: 2026-01-25\n"                                     // 7
    "    set-quantity: {subscription: e3, quantity: 12}\n"     // 8
    "expect:\n"                                                // 9
    "  at: 2026-02-06\n"                                       // 10
    "  recon-rows:\n";                                         // 11

// The three rows of the invoice's billed export.
constexpr const char* kBilledRows =
    "    export: billed\n"                                                                           // 12
    "    invoice: 1\n"                                                                               // 13
    "    rows:\n"                                                                                    // 14
    "      - {subscription: e3, customer: contoso, ChargeType: new, Quantity: 10, UnitPrice: \"37.80\", "
    "Total: \"378.00\", ChargeStartDate: 2026-01-15, ProductQualifiers: []}\n"                       // 15
    "      - {subscription: e3, ChargeType: addQuantity, Quantity: 10, Total: \"-256.06\"}\n"        // 16
    "      - {subscription: e3, ChargeType: addQuantity, Quantity: 12, Total: \"307.27\"}\n";        // 17

std::string Scenario(const std::string& recon_rows) { return std::string(kHead) + recon_rows; }

std::string ErrorOf(const std::string& text) {
  ParseOutcome parsed = ParseScenarioText(text, "x.yaml");
  const auto* e = std::get_if<ScenarioError>(&parsed);
  return e != nullptr ? e->ToString() : "(parsed)";
}

ScenarioResult Replay(const std::string& text) {
  ParseOutcome parsed = ParseScenarioText(text, "x.yaml");
  if (const auto* e = std::get_if<ScenarioError>(&parsed)) {
    ScenarioResult invalid;
    invalid.outcome = Outcome::Invalid;
    invalid.message = e->ToString();
    return invalid;
  }
  return RunScenario(std::get<replay::Scenario>(parsed));
}

std::string Replace(std::string text, const std::string& from, const std::string& to) {
  const size_t at = text.find(from);
  EXPECT_NE(at, std::string::npos) << from;
  return at == std::string::npos ? text : text.replace(at, from.size(), to);
}

// --- mistakes in the file ------------------------------------------------------------

TEST(ReconRowsParser, ReadsTheExportAndTheRows) {
  ParseOutcome parsed = ParseScenarioText(Scenario(kBilledRows), "x.yaml");
  ASSERT_TRUE(std::holds_alternative<replay::Scenario>(parsed)) << ErrorOf(Scenario(kBilledRows));
  const auto& recon = std::get<replay::Scenario>(parsed).expect->recon_rows;
  ASSERT_EQ(recon.size(), 1u);
  EXPECT_EQ(recon[0].where.ToString(), "x.yaml:12");
  EXPECT_EQ(recon[0].source, ReconRowsExpectation::Export::Billed);
  EXPECT_EQ(recon[0].invoice_position, 1);
  EXPECT_FALSE(recon[0].basic);
  EXPECT_TRUE(recon[0].complete);
  ASSERT_EQ(recon[0].rows.size(), 3u);
  EXPECT_EQ(recon[0].rows[1].where.ToString(), "x.yaml:16");
  // Quoted money is a number all the same.
  EXPECT_TRUE(IsExpectedNumber(recon[0].rows[0].fields[4].value)) << recon[0].rows[0].fields[4].name;
}

TEST(ReconRowsParser, ReadsAListOfExportsAnInvoiceIdAndAnUnbilledPeriod) {
  ParseOutcome parsed = ParseScenarioText(
      Scenario("    - {export: usage-billed, invoice: \"7\", rows: [], complete: false}\n"
               "    - {export: unbilled, billing-period: last, currency: eur, attribute-set: basic, rows: []}\n"),
      "x.yaml");
  ASSERT_TRUE(std::holds_alternative<replay::Scenario>(parsed));
  const auto& recon = std::get<replay::Scenario>(parsed).expect->recon_rows;
  ASSERT_EQ(recon.size(), 2u);
  EXPECT_EQ(recon[0].invoice_position, 0);
  EXPECT_EQ(recon[0].invoice_id, "7");  // quoted: an id, not a position
  EXPECT_FALSE(recon[0].complete);
  EXPECT_TRUE(recon[1].last_period);
  EXPECT_EQ(recon[1].currency, "EUR");
  EXPECT_TRUE(recon[1].basic);
}

TEST(ReconRowsParser, RefusesAFieldTheExportDoesNotHave) {
  const std::string text = Replace(Scenario(kBilledRows), "Total: \"-256.06\"", "Totl: \"-256.06\"");
  EXPECT_EQ(ErrorOf(text).rfind("x.yaml:16: unknown row field \"Totl\" of a billed export (allowed: subscription, "
                                "customer, PartnerId, CustomerId, ",
                                0),
            0u)
      << ErrorOf(text);
  // A usage attribute is not a reconciliation row's, nor is azure.
  EXPECT_EQ(ErrorOf(Replace(Scenario(kBilledRows), "Quantity: 12,", "UsageDate: 2026-01-25,")).substr(0, 45),
            "x.yaml:17: unknown row field \"UsageDate\" of a");
  EXPECT_EQ(ErrorOf(Replace(Scenario(kBilledRows), "Quantity: 12,", "azure: e3,")).substr(0, 42),
            "x.yaml:17: unknown row field \"azure\" of a ");
}

TEST(ReconRowsParser, RefusesAFieldTheBasicSetLeavesOut) {
  const std::string text = Replace(Replace(Scenario(kBilledRows), "    invoice: 1\n", "    invoice: 1\n    attribute-set: basic\n"),
                                   "ChargeType: new,", "ChargeType: new, CustomerDomainName: contoso1.onmicrosoft.com,");
  EXPECT_EQ(ErrorOf(text), "x.yaml:16: row field \"CustomerDomainName\" is not in the basic attribute set of a billed "
                           "export (attribute-set: full has it)");
}

TEST(ReconRowsParser, RefusesValuesOfTheWrongKind) {
  EXPECT_EQ(ErrorOf(Replace(Scenario(kBilledRows), "Total: \"307.27\"", "Total: 307.2O")),
            "x.yaml:17: Total: \"307.2O\" is not an exact decimal number");
  EXPECT_EQ(ErrorOf(Replace(Scenario(kBilledRows), "Quantity: 12,", "Quantity: 1.5,")),
            "x.yaml:17: Quantity: \"1.5\" is not an integer");
  EXPECT_EQ(ErrorOf(Replace(Scenario(kBilledRows), "2026-01-15, Product", "2026-02-30, Product")),
            "x.yaml:15: ChargeStartDate: \"2026-02-30\" is not a date (YYYY-MM-DD) or an RFC 3339 instant");
  EXPECT_EQ(ErrorOf(Replace(Scenario(kBilledRows), "ProductQualifiers: []", "ProductQualifiers: AddOn")),
            "x.yaml:15: ProductQualifiers must be a list (such as [AddOn] or [])");
  EXPECT_EQ(ErrorOf(Replace(Scenario(kBilledRows), "{subscription: e3, ChargeType: addQuantity, Quantity: 12",
                            "{subscription: e4, ChargeType: addQuantity, Quantity: 12")),
            "x.yaml:17: unknown subscription ref \"e4\" (define it first)");
}

TEST(ReconRowsParser, RefusesAnExportWithoutWhatItNeeds) {
  EXPECT_EQ(ErrorOf(Replace(Scenario(kBilledRows), "    invoice: 1\n", "")),
            "x.yaml:12: recon-rows of a billed export: missing required key \"invoice\"");
  EXPECT_EQ(ErrorOf(Replace(Scenario(kBilledRows), "    invoice: 1\n", "    invoice: 0\n")),
            "x.yaml:13: recon-rows invoice: 0 is out of range (1 to 1000000)");
  EXPECT_EQ(ErrorOf(Replace(Scenario(kBilledRows), "export: billed", "export: billd")),
            "x.yaml:12: recon-rows export: \"billd\" is not billed, unbilled, usage-billed or usage-unbilled");
  EXPECT_EQ(ErrorOf(Replace(Scenario(kBilledRows), "export: billed", "export: unbilled")),
            "x.yaml:13: recon-rows invoice is for billed exports; an unbilled export names billing-period and currency");
  EXPECT_EQ(ErrorOf(Scenario("    {export: unbilled, billing-period: current, currency: US, rows: []}\n")),
            "x.yaml:12: recon-rows currency: \"US\" is not an ISO 4217 code (USD, EUR, ...)");
  EXPECT_EQ(ErrorOf(Scenario("    {export: billed, invoice: 1, currency: USD, rows: []}\n")),
            "x.yaml:12: recon-rows currency is for unbilled exports; a billed export names its invoice");
  EXPECT_EQ(ErrorOf(Replace(Scenario(kBilledRows), "    rows:\n", "    rowz:\n")).substr(0, 51),
            "x.yaml:14: unknown key \"rowz\" in recon-rows (allowe");
}

// --- matching ---------------------------------------------------------------------------

TEST(ReconRowsCheck, MatchesTheRowsOfTheExportReadThroughGraph) {
  ScenarioResult result = Replay(Scenario(kBilledRows));
  EXPECT_EQ(result.outcome, Outcome::Passed) << result.message;
}

TEST(ReconRowsCheck, ARowThatMatchesNothingNamesTheClosestRow) {
  ScenarioResult result = Replay(Replace(Scenario(kBilledRows), "Total: \"307.27\"", "Total: \"307.28\""));
  ASSERT_EQ(result.outcome, Outcome::Failed);
  EXPECT_EQ(result.message,
            "x.yaml:17: no billed row matches\n"
            "    expected {subscription: e3, ChargeType: addQuantity, Quantity: 12, Total: 307.28}\n"
            "    closest  {subscription: e3, ChargeType: addQuantity, ChargeStartDate: 2026-01-25, ChargeEndDate: "
            "2026-02-14, UnitPrice: 37.8, EffectiveUnitPrice: 25.6065, Quantity: 12, Total: 307.27}\n"
            "      Total: expected 307.28, actual 307.27");
}

TEST(ReconRowsCheck, MoneyIsComparedAsAnExactDecimalToItsWrittenPrecision) {
  // "37.80" is 37.8; "37.85" is not, and 37.8 is not rounded to meet it.
  ScenarioResult result = Replay(Replace(Scenario(kBilledRows), "UnitPrice: \"37.80\"", "UnitPrice: \"37.85\""));
  ASSERT_EQ(result.outcome, Outcome::Failed);
  EXPECT_NE(result.message.find("x.yaml:15: no billed row matches"), std::string::npos) << result.message;
  EXPECT_NE(result.message.find("      UnitPrice: expected 37.85, actual 37.8"), std::string::npos) << result.message;
}

TEST(ReconRowsCheck, CompleteListsTheRowsNoExpectationTook) {
  ScenarioResult result = Replay(Replace(Scenario(kBilledRows),
                                      "      - {subscription: e3, ChargeType: addQuantity, Quantity: 10, Total: \"-256.06\"}\n", ""));
  ASSERT_EQ(result.outcome, Outcome::Failed);
  EXPECT_EQ(result.message,
            "x.yaml:12: expected exactly 2 billed rows, found 3\n"
            "    unexpected {subscription: e3, ChargeType: addQuantity, ChargeStartDate: 2026-01-25, ChargeEndDate: "
            "2026-02-14, UnitPrice: 37.8, EffectiveUnitPrice: -25.6065, Quantity: 10, Total: -256.06}");
  const std::string partial = Replace(Replace(Scenario(kBilledRows),
                                              "      - {subscription: e3, ChargeType: addQuantity, Quantity: 10, Total: \"-256.06\"}\n",
                                              ""),
                                      "    rows:\n", "    complete: false\n    rows:\n");
  EXPECT_EQ(Replay(partial).outcome, Outcome::Passed) << Replay(partial).message;
}

TEST(ReconRowsCheck, AnExportWithoutRowsFailsWithGraphsReason) {
  ScenarioResult none = Replay(Scenario("    {export: billed, invoice: 2, rows: []}\n"));
  ASSERT_EQ(none.outcome, Outcome::Failed);
  EXPECT_EQ(none.message, "x.yaml:12: the billed export of invoice 2: the partner has 1 invoice, so no invoice 2");
  // On 2026-02-06 nothing of February is charged yet: Graph's "no data" failure.
  ScenarioResult empty = Replay(Scenario("    {export: unbilled, billing-period: current, currency: USD, rows: []}\n"));
  ASSERT_EQ(empty.outcome, Outcome::Failed);
  EXPECT_EQ(empty.message, "x.yaml:12: the unbilled export of USD for the current period: the export failed: 5000 "
                           "No data available");
}

TEST(ReconRowsCheck, LeavesTheScenariosSandboxAsTheStepsLeftIt) {
  // The same steps without recon-rows: the same clock and the same state,
  // although each export ran 300 simulated seconds on the scratch copy.
  ScenarioResult with = Replay(Scenario(kBilledRows));
  ScenarioResult without = Replay(Replace(Scenario(kBilledRows), "  recon-rows:\n" + std::string(kBilledRows), ""));
  ASSERT_EQ(with.outcome, Outcome::Passed) << with.message;
  ASSERT_EQ(without.outcome, Outcome::Passed) << without.message;
  EXPECT_EQ(with.router->sandbox().Now(), *Instant::Parse("2026-02-06"));
  EXPECT_EQ(with.router->StateDigest(), without.router->StateDigest());
  EXPECT_EQ(with.router->History().size(), without.router->History().size());
}

}  // namespace
}  // namespace pcsim::replay
