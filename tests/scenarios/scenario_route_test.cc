// POST /_sim/scenarios/run: a scenario over HTTP, through the same runner.
#include <gtest/gtest.h>


#include <nlohmann/json.hpp>

#include "simulator/replay/runner.h"

namespace pcsim::replay {
namespace {

constexpr const char* kScenario = R"(scenario: one purchase
start: 2026-01-15
customers:
  - ref: contoso
steps:
  - purchase: {customer: contoso, item: CFQ7TTC0LH18:0001:CFQ7TTC0K971, quantity: 10, term: P1M, billing: monthly, ref: s1}
expect:
  lines:
    # 7.20 x 10 = 72.00
    - {subscription: s1, chargeType: new, totalForCustomer: 72.00}
)";

class ScenarioRouteTest : public ::testing::Test {
 protected:
  void SetUp() override { RegisterScenarioRoutes(router_); }
  api::Response Run(const std::string& body) {
    return router_.Handle(api::MakeRequest("POST", "/_sim/scenarios/run", body));
  }
  api::Router router_;
};

TEST_F(ScenarioRouteTest, APassingScenario) {
  auto r = Run(kScenario);
  ASSERT_EQ(r.status, 200) << r.body;
  auto body = nlohmann::json::parse(r.body);
  EXPECT_EQ(body["outcome"], "passed");
  EXPECT_EQ(body["passed"], true);
  ASSERT_EQ(body["lines"].size(), 1u);
  EXPECT_EQ(body["lines"][0]["subscriptionRef"], "s1");
  EXPECT_EQ(body["lines"][0]["totalForCustomer"], 72);
}

TEST_F(ScenarioRouteTest, AFailingScenarioCarriesTheDiff) {
  std::string text = kScenario;
  text.replace(text.find("72.00}"), 6, "72.01}");
  auto body = nlohmann::json::parse(Run(text).body);
  EXPECT_EQ(body["outcome"], "failed");
  EXPECT_NE(body["message"].get<std::string>().find("totalForCustomer: expected 72.01, actual 72"), std::string::npos)
      << body["message"];
}

TEST_F(ScenarioRouteTest, AnInvalidScenarioIs400WithTheLine) {
  auto r = Run("scenario: x\nstart: 2026-02-30\nsteps: []\n");
  EXPECT_EQ(r.status, 400);
  auto body = nlohmann::json::parse(r.body);
  EXPECT_NE(body["description"].get<std::string>().find("request:2:"), std::string::npos) << r.body;
  EXPECT_EQ(Run("").status, 400);
}

TEST_F(ScenarioRouteTest, TheRunDoesNotTouchTheServersSandbox) {
  Run(kScenario);
  EXPECT_TRUE(router_.sandbox().customers().empty());
}

// --- hostile documents ---------------------------------------------------------

// Nine levels of ten aliases each (10^9 nodes once expanded) in a request body;
// the sixth level, on line 13, crosses the bound.
std::string AliasBomb() {
  std::string text =
      "scenario: bomb\nstart: 2026-01-15\nsteps:\n  - request:\n      method: POST\n      path: /v1/customers\n"
      "      body:\n        a: &a [x, x, x, x, x, x, x, x, x, x]\n";
  for (char level = 'b'; level <= 'i'; ++level) {
    std::string prev(1, static_cast<char>(level - 1));
    text += std::string("        ") + level + ": &" + level + " [*" + prev;
    for (int i = 1; i < 10; ++i) text += ", *" + prev;
    text += "]\n";
  }
  return text;
}

void ExpectErrorBody(const api::Response& r, const std::string& description) {
  EXPECT_EQ(r.status, 400) << r.body;
  auto body = nlohmann::json::parse(r.body, nullptr, false);
  ASSERT_TRUE(body.is_object()) << r.body;
  EXPECT_EQ(body["code"], 800002) << r.body;
  EXPECT_EQ(body["description"], description) << r.body;
  EXPECT_TRUE(body.contains("data") && body.contains("source")) << r.body;
}

TEST_F(ScenarioRouteTest, AnAliasBombIs400AndTheServerKeepsAnswering) {
  ExpectErrorBody(Run(AliasBomb()),
                  "request:13: the document expands to more than 1,000,000 nodes through YAML aliases");
  ExpectErrorBody(Run(std::string(100'000, '[')), "request:1: nesting deeper than 64 levels");
  ExpectErrorBody(Run("scenario: x\nstart: 2026-01-15\nsteps:\n  - request: &r {method: GET, path: /x, body: [*r]}\n"),
                  "request:4: the alias *r refers to a node that contains it (a cycle)");
  // The router still serves scenarios and the API.
  EXPECT_EQ(Run(kScenario).status, 200);
  EXPECT_EQ(router_.Handle(api::MakeRequest("GET", "/_sim/clock", "")).status, 200);
}

}  // namespace
}  // namespace pcsim::replay
