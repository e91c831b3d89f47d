// POST /_sim/scenarios/run: a scenario over HTTP, through the same runner.
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <chrono>
#include <cstdio>
#include <fstream>
#include <future>
#include <sstream>

#include <nlohmann/json.hpp>

#include "simulator/replay/runner.h"
#include "tests/support/alias_bomb.h"

namespace pcsim::replay {
namespace {

using pcsim::testing::AliasBomb;

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

// --- hostile documents ---------------------------------------------------------

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

// A scenario naming `policy` with the given value.
std::string WithPolicy(const std::string& policy) {
  std::string text = kScenario;
  return text.insert(text.find("customers:"), "policy: " + policy + "\n");
}

TEST_F(ScenarioRouteTest, APolicyFileIsNeverOpenedOverHttp) {
  const std::string refusal =
      ": files are not opened over HTTP; a scenario run there may name a built-in policy (microsoft) or write the "
      "policy inline (policy files are read by pcsim replay and est-report)";
  ExpectErrorBody(Run(WithPolicy("/etc/passwd")), "request:3: policy \"/etc/passwd\"" + refusal);
  // A valid policy file is refused the same: it is not read.
  std::string valid = std::string(PCSIM_SOURCE_DIR) + "/fixtures/policies/microsoft.json";
  ExpectErrorBody(Run(WithPolicy(valid)), "request:3: policy \"" + valid + "\"" + refusal);
  // A FIFO with no writer would block an open(); the request returns at once.
  std::string fifo = ::testing::TempDir() + "scenario-route-policy.fifo";
  std::remove(fifo.c_str());
  ASSERT_EQ(::mkfifo(fifo.c_str(), 0600), 0);
  auto answer = std::async(std::launch::async, [&] { return Run(WithPolicy(fifo)); });
  if (answer.wait_for(std::chrono::seconds(5)) != std::future_status::ready) {
    std::remove(fifo.c_str());
    std::abort();  // the route blocked on the FIFO: end the run rather than hang it
  }
  ExpectErrorBody(answer.get(), "request:3: policy \"" + fifo + "\"" + refusal);
  std::remove(fifo.c_str());
  // The built-in name runs.
  EXPECT_EQ(Run(WithPolicy("microsoft")).status, 200);
}

// The embedded policy written inline with a 24-hour cancellation window: a
// cancellation two days after the purchase is refused, as the step expects.
TEST_F(ScenarioRouteTest, AnInlinePolicyRunsOverHttp) {
  std::ifstream in(std::string(PCSIM_SOURCE_DIR) + "/fixtures/policies/microsoft.json", std::ios::binary);
  std::stringstream json;
  json << in.rdbuf();
  std::string policy = json.str();
  const std::string window = "\"cancellation.windowHours\": {\"value\": 168,";
  ASSERT_NE(policy.find(window), std::string::npos);
  policy.replace(policy.find(window), window.size(), "\"cancellation.windowHours\": {\"value\": 24,");
  std::string indented;
  for (char c : policy) indented += c == '\n' ? std::string("\n  ") : std::string(1, c);
  std::string text = "scenario: inline policy\nstart: 2026-01-15\npolicy: " + indented +
                     "\ncustomers:\n  - ref: c\nsteps:\n"
                     "  - purchase: {customer: c, item: CFQ7TTC0LH18:0001:CFQ7TTC0K971, quantity: 10, term: P1Y, "
                     "billing: monthly, ref: s1}\n"
                     "  - at: 2026-01-17\n    cancel: {subscription: s1}\n    expect-error: {status: 400}\n";
  auto r = Run(text);
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(nlohmann::json::parse(r.body)["outcome"], "passed") << r.body;
  // Under the embedded policy the same cancellation succeeds, and the step fails.
  std::string builtin = text.substr(0, text.find("policy: ")) + text.substr(text.find("\ncustomers:") + 1);
  auto failed = Run(builtin);
  ASSERT_EQ(failed.status, 200) << failed.body;
  EXPECT_EQ(nlohmann::json::parse(failed.body)["outcome"], "failed") << failed.body;
}

}  // namespace
}  // namespace pcsim::replay
