// Every charge line of the scenario library explained (Sandbox::DeriveCharge
// and ExplainCharge, the "how the total is computed" column of the reports):
// the derivation computes the stored amounts again, and the arithmetic the
// text writes, evaluated exactly, gives the stored total.
#include <gtest/gtest.h>

#include <filesystem>
#include <optional>
#include <sstream>
#include <stdexcept>
#include <string>
#include <variant>
#include <vector>

#include "simulator/money/decimal.h"
#include "simulator/replay/runner.h"
#include "simulator/replay/scenario_parser.h"

namespace pcsim::replay {
namespace {

const std::string kEllipsis = "\xE2\x80\xA6";

std::vector<std::string> Split(const std::string& text, const std::string& separator) {
  std::vector<std::string> parts;
  size_t start = 0;
  for (size_t pos; (pos = text.find(separator, start)) != std::string::npos; start = pos + separator.size())
    parts.push_back(text.substr(start, pos - start));
  parts.push_back(text.substr(start));
  return parts;
}

Decimal Number(const std::string& text) {
  std::optional<Decimal> d = Decimal::Parse(text);
  if (!d) throw std::runtime_error("not a number: \"" + text + "\"");
  return *d;
}

// "b/c" as a fraction.
Fraction Ratio(const std::string& text) {
  const size_t slash = text.find('/');
  return {std::stoll(text.substr(0, slash)), std::stoll(text.substr(slash + 1))};
}

// One step of an explanation, "LHS = VALUE" or "LHS = VALUE -> ROUNDED":
// LHS is a number followed by "/ N", "x N", "x b/c" or "x (a + b/c)". The
// value written must be the exact result (or its first four decimals and an
// ellipsis when it has more than six), the rounded one its ROUNDDOWN to two
// decimals. Returns the step's result: the rounded value, or the value.
Decimal Evaluate(const std::string& step, std::string* why) {
  const size_t eq = step.find(" = ");
  if (eq == std::string::npos) throw std::runtime_error("no \" = \" in \"" + step + "\"");
  std::istringstream lhs(step.substr(0, eq));
  std::string token;
  lhs >> token;
  ExactAmount value(Number(token));
  for (std::string op; lhs >> op;) {
    std::string operand;
    lhs >> operand;
    if (op == "/") {
      value = value.Times(Fraction{1, std::stoll(operand)});
    } else if (op == "x" && operand.front() == '(') {
      std::string plus, part;
      lhs >> plus >> part;
      const int64_t whole = std::stoll(operand.substr(1));
      const Fraction f = Ratio(part.substr(0, part.size() - 1));
      value = value.Times(Fraction{whole * f.den + f.num, f.den});
    } else if (op == "x" && operand.find('/') != std::string::npos) {
      value = value.Times(Ratio(operand));
    } else if (op == "x") {
      value = value.Times(static_cast<int64_t>(std::stoll(operand)));
    } else {
      throw std::runtime_error("unknown operator \"" + op + "\" in \"" + step + "\"");
    }
  }
  std::string rhs = step.substr(eq + 3), rounded;
  if (size_t arrow = rhs.find(" -> "); arrow != std::string::npos) {
    rounded = rhs.substr(arrow + 4);
    rhs = rhs.substr(0, arrow);
  }
  if (rhs.size() > kEllipsis.size() && rhs.compare(rhs.size() - kEllipsis.size(), kEllipsis.size(), kEllipsis) == 0) {
    if (value.Exactly(6)) *why += "\"" + rhs + "\" has an ellipsis but the value is exact; ";
    if (value.RoundDown(4) != Number(rhs.substr(0, rhs.size() - kEllipsis.size())))
      *why += "\"" + rhs + "\" is not the value truncated to four decimals; ";
  } else if (!value.Exactly() || *value.Exactly() != Number(rhs)) {
    *why += "\"" + rhs + "\" is not the exact value; ";
  }
  if (rounded.empty()) return value.Exactly() ? *value.Exactly() : value.RoundDown(2);
  if (value.RoundDown(2) != Number(rounded)) *why += "\"" + rounded + "\" is not ROUNDDOWN to two decimals; ";
  return Number(rounded);
}

// The total an explanation arrives at, each of its steps checked; a step
// after the first starts with the previous step's result.
Decimal ExplainedTotal(const std::string& explanation, std::string* why) {
  const std::string formula = explanation.substr(0, explanation.rfind(" ("));
  Decimal result;
  bool first = true;
  for (const std::string& step : Split(formula, "; ")) {
    if (!first && Number(step.substr(0, step.find(' '))) != result)
      *why += "\"" + step + "\" does not start with the previous result; ";
    result = Evaluate(step, why);
    first = false;
  }
  return result;
}

TEST(ChargeExplanation, TheEvaluatorReadsEachForm) {
  std::string why;
  EXPECT_EQ(ExplainedTotal("37.80 x 10 = 378.00 (whole cycle)", &why), Number("378"));
  EXPECT_EQ(ExplainedTotal("10.08 / 30 x 28 x 12 = 112.896 -> 112.89 (28 of 30 days; k: truncate-total)", &why),
            Number("112.89"));
  EXPECT_EQ(ExplainedTotal("-37.80 / 31 x 29 = -35.3612" + kEllipsis + " -> -35.36; -35.36 x 10 = -353.60 (x)", &why),
            Number("-353.6"));
  EXPECT_EQ(ExplainedTotal("-432.00 / 12 x (11 + 27/31) = -427.3548" + kEllipsis +
                               " -> -427.35; -427.35 x 10 = -4273.50 (11 months and 27 of 31 days, of 12 months)",
                           &why),
            Number("-4273.5"));
  EXPECT_EQ(why, "");
  ExplainedTotal("10.08 / 30 x 28 x 12 = 112.89 (wrong)", &why);
  EXPECT_NE(why, "");
}

TEST(ChargeExplanation, EveryLineOfTheLibraryIsExplainedToItsTotal) {
  size_t scenarios = 0, lines = 0, prorated = 0;
  for (const auto& entry : std::filesystem::recursive_directory_iterator(std::string(PCSIM_SOURCE_DIR) + "/scenarios")) {
    if (!entry.is_regular_file() || entry.path().extension() != ".yaml") continue;
    ParseOutcome parsed = ParseScenarioFile(entry.path().string());
    ASSERT_TRUE(std::holds_alternative<Scenario>(parsed)) << entry.path();
    RunOptions options;
    options.policy_files = true;
    ScenarioResult result = RunScenario(std::get<Scenario>(parsed), options);
    ASSERT_TRUE(result.router) << entry.path() << ": " << result.message;
    ++scenarios;
    const Sandbox& sandbox = result.router->sandbox();
    for (const ChargeLine& line : sandbox.ledger().lines()) {
      ++lines;
      const ChargeDerivation d = sandbox.DeriveCharge(line);
      const std::string text = sandbox.ExplainCharge(line);
      EXPECT_EQ(d.amount.total, line.total.value()) << entry.path() << ": " << text;
      EXPECT_EQ(d.amount.effective_unit_price, line.effective_unit_price.value()) << entry.path() << ": " << text;
      EXPECT_EQ(d.unit_price, line.unit_price.value()) << entry.path();
      if (!d.share.value.IsWhole()) ++prorated;
      std::string why;
      Decimal total;
      try {
        total = ExplainedTotal(text, &why);
      } catch (const std::exception& e) {
        ADD_FAILURE() << entry.path() << ": " << text << ": " << e.what();
        continue;
      }
      EXPECT_EQ(total, line.total.value()) << entry.path() << ": " << text;
      EXPECT_EQ(why, "") << entry.path() << ": " << text;
    }
  }
  EXPECT_GT(scenarios, 100u);
  EXPECT_GT(lines, 300u);
  EXPECT_GT(prorated, 30u);
}

}  // namespace
}  // namespace pcsim::replay
