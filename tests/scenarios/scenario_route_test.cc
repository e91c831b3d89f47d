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

// Over HTTP (a Host header): JSON or YAML bodies, never text/plain or a form,
// which any web page could make a browser send.
TEST_F(ScenarioRouteTest, OverHttpTheBodyIsYamlOrJson) {
  for (const char* type : {"application/yaml", "application/x-yaml", "text/yaml", "text/yaml; charset=utf-8"}) {
    auto r = router_.Handle(api::MakeRequest("POST", "/_sim/scenarios/run", kScenario,
                                             {{"Host", "127.0.0.1:8080"}, {"Content-Type", type}}));
    EXPECT_EQ(r.status, 200) << type << ": " << r.body;
  }
  for (const char* type : {"text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x"}) {
    auto r = router_.Handle(api::MakeRequest("POST", "/_sim/scenarios/run", kScenario,
                                             {{"Host", "127.0.0.1:8080"}, {"Content-Type", type}}));
    EXPECT_EQ(r.status, 403) << type << ": " << r.body;
  }
}

// A scenario run from a request opens no server file: its policy is a
// built-in name (the same scenario from a file, pcsim replay, may name one).
TEST_F(ScenarioRouteTest, ThePolicyIsABuiltInName) {
  std::string named = std::string("policy: microsoft\n") + kScenario;
  EXPECT_EQ(Run(named).status, 200);
  for (const std::string& path : {std::string(PCSIM_SOURCE_DIR) + "/fixtures/policies/microsoft.json",
                                  std::string("/etc/passwd")}) {
    auto r = Run("policy: " + path + "\n" + kScenario);
    EXPECT_EQ(r.status, 400) << r.body;
    auto body = nlohmann::json::parse(r.body);
    EXPECT_NE(body["description"].get<std::string>().find("files are not opened over HTTP"), std::string::npos)
        << r.body;
    EXPECT_EQ(r.body.find("root:"), std::string::npos);
  }
}

TEST_F(ScenarioRouteTest, TheRunDoesNotTouchTheServersSandbox) {
  Run(kScenario);
  EXPECT_TRUE(router_.sandbox().customers().empty());
}

}  // namespace
}  // namespace pcsim::replay
