// Hostile scenario documents: each bound of scenario_parser.h refuses with
// file:line and the reason, never a crash, a hang or bad_alloc; documents
// just inside the bounds still parse. And policy files: opened only when the
// caller allows it, never a FIFO, a device or a folder.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <pthread.h>
#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <fstream>
#include <future>
#include <sstream>
#include <string>
#include <variant>

#include "simulator/replay/runner.h"
#include "simulator/replay/scenario_parser.h"
#include "simulator/replay/yaml_bounds.h"
#include "tests/support/alias_bomb.h"

namespace pcsim::replay {
namespace {

using ::testing::HasSubstr;
using ::testing::StartsWith;

// The head of a scenario whose one step is a request with `body` (lines 1-7;
// the body's value starts on line 7, after "      body:").
constexpr const char* kHead =
    "scenario: hostile\n"
    "start: 2026-01-01\n"
    "steps:\n"
    "  - request:\n"
    "      method: POST\n"
    "      path: /_sim/clock/advance\n"
    "      body:";

ScenarioError ErrorOf(const ParseOutcome& outcome) {
  if (const auto* e = std::get_if<ScenarioError>(&outcome)) return *e;
  ADD_FAILURE() << "the document parsed";
  return {};
}

std::string Nested(int depth, const std::string& inner = "x") {
  return std::string(static_cast<size_t>(depth), '[') + inner + std::string(static_cast<size_t>(depth), ']');
}

// A block-style staircase of `levels` mappings starting at `indent` spaces.
std::string Staircase(int levels, int indent) {
  std::string text;
  for (int i = 0; i < levels; ++i) text += std::string(static_cast<size_t>(indent + 2 * i), ' ') + "k:\n";
  return text + std::string(static_cast<size_t>(indent + 2 * levels), ' ') + "x\n";
}

std::string WriteFile(const std::string& name, const std::string& text) {
  std::string path = ::testing::TempDir() + name;
  std::ofstream(path, std::ios::binary) << text;
  return path;
}

// --- aliases ------------------------------------------------------------------

TEST(ScenarioBoundsTest, AnAliasBombIsRefusedWhereItCrossesTheBound) {
  // Sizes with their collection: a 11, b 111, ..., f 1,111,111: line 13.
  ScenarioError e = ErrorOf(ParseScenarioText(pcsim::testing::AliasBomb(), "bomb.yaml"));
  EXPECT_EQ(e.ToString(), "bomb.yaml:13: the document expands to more than 1,000,000 nodes through YAML aliases");
}

TEST(ScenarioBoundsTest, ADocumentJustUnderTheNodeBoundParses) {
  // 1,019 nodes besides the aliases (the scenario, the step, the keys, the
  // list of 999), then k aliases of that 1,000-node list: k = 998 is 999,019
  // nodes, k = 999 is 1,000,019.
  auto document = [](int k) {
    std::string text = std::string(kHead) + "\n        pad: &p [x";
    for (int i = 1; i < 999; ++i) text += ", x";
    text += "]\n        list: [*p";
    for (int i = 1; i < k; ++i) text += ", *p";
    return text + "]\n";
  };
  ParseOutcome under = ParseScenarioText(document(998), "under.yaml");
  ASSERT_TRUE(std::holds_alternative<Scenario>(under)) << std::get<ScenarioError>(under).ToString();
  const Scenario& s = std::get<Scenario>(under);
  ASSERT_EQ(s.steps.size(), 1u);
  const auto& request = std::get<steps::Request>(s.steps[0].action);
  ASSERT_TRUE(request.body.has_value());
  EXPECT_EQ((*request.body)["list"].size(), 998u);
  EXPECT_EQ((*request.body)["list"][997].size(), 999u);
  EXPECT_EQ(ErrorOf(ParseScenarioText(document(999), "over.yaml")).ToString(),
            "over.yaml:9: the document expands to more than 1,000,000 nodes through YAML aliases");
}

TEST(ScenarioBoundsTest, ManyNodesWithoutAliasesAreRefusedToo) {
  std::string text = std::string(kHead) + " [0";
  for (int i = 1; i < 1'000'001; ++i) text += ",0";
  ScenarioError e = ErrorOf(ParseScenarioText(text + "]\n", "wide.yaml"));
  EXPECT_EQ(e.ToString(), "wide.yaml:7: the document has more than 1,000,000 nodes");
}

TEST(ScenarioBoundsTest, AnAliasInsideItsOwnNodeIsRefused) {
  // yaml-cpp builds "&a [x, *a]" as a list that holds itself: no walk of it ends.
  ScenarioError e = ErrorOf(ParseScenarioText(std::string(kHead) + " &loop [x, *loop]\n", "cycle.yaml"));
  EXPECT_EQ(e.ToString(), "cycle.yaml:7: the alias *loop refers to a node that contains it (a cycle)");
  e = ErrorOf(ParseScenarioText(std::string(kHead) + "\n        a: &m {k: [*m]}\n", "cycle.yaml"));
  EXPECT_EQ(e.ToString(), "cycle.yaml:8: the alias *m refers to a node that contains it (a cycle)");
}

TEST(ScenarioBoundsTest, NestingThroughAnAliasCounts) {
  // 40 levels under an anchor, used 30 levels deep: 5 + 30 + 40 levels once expanded.
  std::string text = std::string(kHead) + "\n        a: &deep " + Nested(40) + "\n        b: " + Nested(30, "*deep") + "\n";
  ScenarioError e = ErrorOf(ParseScenarioText(text, "alias-depth.yaml"));
  EXPECT_EQ(e.ToString(), "alias-depth.yaml:9: nesting deeper than 64 levels through the alias *deep");
}

// --- nesting ------------------------------------------------------------------

// The root mapping, steps, the step, the request and the body's mapping are 5
// levels: the body's key holds 59 more for 64 in all.
TEST(ScenarioBoundsTest, SixtyFourLevelsParseInFlowAndBlockStyle) {
  ParseOutcome flow = ParseScenarioText(std::string(kHead) + "\n        k: " + Nested(59) + "\n", "flow.yaml");
  ASSERT_TRUE(std::holds_alternative<Scenario>(flow)) << std::get<ScenarioError>(flow).ToString();
  // In block style the body's mapping is the first of the staircase.
  ParseOutcome block = ParseScenarioText(std::string(kHead) + "\n" + Staircase(60, 8), "block.yaml");
  ASSERT_TRUE(std::holds_alternative<Scenario>(block)) << std::get<ScenarioError>(block).ToString();
  EXPECT_EQ(ExactYamlNesting(std::string(kHead) + "\n" + Staircase(60, 8)), 64);
  EXPECT_EQ(EstimateYamlNesting(std::string(kHead) + "\n" + Staircase(60, 8)), 64);
}

TEST(ScenarioBoundsTest, SixtyFiveLevelsAreRefusedInFlowAndBlockStyle) {
  EXPECT_EQ(ErrorOf(ParseScenarioText(std::string(kHead) + "\n        k: " + Nested(60) + "\n", "flow.yaml")).ToString(),
            "flow.yaml:8: nesting deeper than 64 levels");
  // The 61st "k:" is on line 7 + 61.
  EXPECT_EQ(ErrorOf(ParseScenarioText(std::string(kHead) + "\n" + Staircase(61, 8), "block.yaml")).ToString(),
            "block.yaml:68: nesting deeper than 64 levels");
  std::string dashes;
  for (int i = 0; i < 70; ++i) dashes += "- ";
  EXPECT_EQ(ErrorOf(ParseScenarioText("scenario: x\nsteps:\n  " + dashes + "x\n", "dashes.yaml")).ToString(),
            "dashes.yaml:3: nesting deeper than 64 levels");
}

TEST(ScenarioBoundsTest, DepthBombsFailWithoutACrash) {
  // Far past the depth where yaml-cpp's own recursion stops (498 levels).
  EXPECT_EQ(ErrorOf(ParseScenarioText(Nested(1'000'000), "flow.yaml")).ToString(),
            "flow.yaml:1: nesting deeper than 64 levels");
  EXPECT_EQ(ErrorOf(ParseScenarioText(std::string(500'000, '{'), "open.yaml")).ToString(),
            "open.yaml:1: nesting deeper than 64 levels");
  std::string mappings;
  for (int i = 0; i < 100'000; ++i) mappings += "{a: ";
  EXPECT_EQ(ErrorOf(ParseScenarioText(mappings, "maps.yaml")).ToString(), "maps.yaml:1: nesting deeper than 64 levels");
  EXPECT_EQ(ErrorOf(ParseScenarioText(Staircase(1'000, 0), "stairs.yaml")).ToString(),
            "stairs.yaml:65: nesting deeper than 64 levels");
  std::string pairs;
  for (int i = 0; i < 100'000; ++i) pairs += "[a: ";
  EXPECT_EQ(ErrorOf(ParseScenarioText(pairs, "pairs.yaml")).ToString(), "pairs.yaml:1: nesting deeper than 64 levels");
}

// yaml-cpp recurses about 460 bytes per level and crashes on a 128 KiB stack
// past 280 levels; the text scan refuses the document before yaml-cpp sees it.
TEST(ScenarioBoundsTest, TheTextScanRefusesBeforeYamlCppRecurses) {
  struct Job {
    std::string text;
    std::string message;
  };
  std::vector<Job> jobs = {{Nested(10'000), ""}, {Staircase(600, 0), ""}};
  for (Job& job : jobs) {
    pthread_attr_t attributes;
    pthread_attr_init(&attributes);
    pthread_attr_setstacksize(&attributes, 128 * 1024);
    pthread_t thread;
    ASSERT_EQ(pthread_create(
                  &thread, &attributes,
                  [](void* arg) -> void* {
                    auto* j = static_cast<Job*>(arg);
                    ParseOutcome outcome = ParseScenarioText(j->text, "small-stack.yaml");
                    if (const auto* e = std::get_if<ScenarioError>(&outcome)) j->message = e->reason;
                    return nullptr;
                  },
                  &job),
              0);
    pthread_join(thread, nullptr);
    pthread_attr_destroy(&attributes);
    EXPECT_EQ(job.message, "nesting deeper than 64 levels");
  }
}

TEST(ScenarioBoundsTest, TheTextScanFollowsYamlStructure) {
  // Brackets in quotes, comments, block scalars and item ids are no nesting.
  EXPECT_EQ(EstimateYamlNesting("a: \"[[[[\"\nb: '[[['\nc: x # [[[[\nd: |\n  - - - [[[\n  {{{\ne: [A:B:C]\n"), 2);
  EXPECT_EQ(ExactYamlNesting("a: \"[[[[\"\nb: '[[['\nc: x # [[[[\nd: |\n  - - - [[[\n  {{{\ne: [A:B:C]\n"), 2);
  // A sequence at its mapping's column, compact entries.
  EXPECT_EQ(EstimateYamlNesting("a:\n- b: [c, {d: [e]}]\n  f:\n  - - g\n"), 6);
  EXPECT_EQ(ExactYamlNesting("a:\n- b: [c, {d: [e]}]\n  f:\n  - - g\n"), 6);
  // A flow collection as a key, pairs inside a sequence.
  EXPECT_EQ(EstimateYamlNesting("[a, [b]]: c\n"), 3);
  EXPECT_EQ(EstimateYamlNesting("[[a]: b]\n"), 3);
  EXPECT_EQ(ExactYamlNesting("[[a]: b]\n"), 3);
  // A key that is a sequence of several entries: its deepest entry counts, not its last.
  EXPECT_EQ(EstimateYamlNesting("[[[], x]: y]\n"), 4);
  EXPECT_EQ(ExactYamlNesting("[[[], x]: y]\n"), 4);
  // Where yaml-cpp reads YAML its own way, the scan follows it: a comment right
  // after a flow indicator, a lone "\r" that ends no line, ": x" under an empty
  // value (a mapping inside it, in flow style too), a tag that ends at a
  // character no tag holds, a tab counted as one column before a token, a
  // mapping placed at the column of the anchor or tag before its first key
  // (an empty one too), quotes inside a plain scalar (on its line or the
  // lines that go on with it), a tag before a pair in a flow sequence, a
  // tag that a ',' ends in flow style.
  for (const std::string text : {"a: [b, #c ]]]\n  [[c]]]\n", "a: [b, # \rc]]]\n  [c]]\n", "steps:\n:  - a: {b: c}\n",
                                  "![d]\n", " !dS\xf4" "2ca: x\n", "a: {b: : {c: d}}\n", "[a: : [b]]\n", "&a k:\n  - x\n", "{c\" \": [2, [3]]}\n",
                                  "a: b\n  \"c\nd: [[x]]\n", "! :\n: x\n", "[! ? a]\n", "[!,: [b]]\n",
                                  "a:\n  b:\n    c:\n      d:\n   \t\t\t\t [e]\n"}) {
    std::optional<int> exact = ExactYamlNesting(text);
    ASSERT_TRUE(exact.has_value()) << text;
    EXPECT_GE(EstimateYamlNesting(text), *exact) << text;
  }
  // Every scenario of the library: the scan's estimate is the depth yaml-cpp reads.
  for (const char* file : {"scenarios/nce/cancel-within-168-hours-prorated.yaml",
                           "scenarios/billing/microsoft/full-upgrade.yaml", "scenarios/api/address-validation.yaml"}) {
    std::ifstream in(std::string(PCSIM_SOURCE_DIR) + "/" + file, std::ios::binary);
    std::stringstream text;
    text << in.rdbuf();
    ASSERT_FALSE(text.str().empty()) << file;
    EXPECT_EQ(std::optional<int>(EstimateYamlNesting(text.str())), ExactYamlNesting(text.str())) << file;
  }
}

// --- size, control characters, quoting -----------------------------------------

TEST(ScenarioBoundsTest, AFileOverSixteenMiBIsRefusedBeforeItIsParsed) {
  std::string text = "scenario: big\ndescription: " + std::string(kMaxScenarioBytes, 'a') + "\n";
  std::string path = WriteFile("scenario-too-large.yaml", text);
  EXPECT_EQ(ErrorOf(ParseScenarioFile(path)).ToString(), path + ":1: the file is larger than 16 MiB");
  EXPECT_EQ(ErrorOf(ParseScenarioText(text, "body")).ToString(), "body:1: the document is larger than 16 MiB");
  std::remove(path.c_str());
}

TEST(ScenarioBoundsTest, AHugeScalarParsesAndIsQuotedAtMostOneKiB) {
  std::string big(3 << 20, 'a');
  std::string text = "scenario: x\ndescription: " + big + "\nstart: 2026-01-01\nsteps: []\n";
  ParseOutcome ok = ParseScenarioText(text, "big.yaml");
  ASSERT_TRUE(std::holds_alternative<Scenario>(ok)) << std::get<ScenarioError>(ok).ToString();
  EXPECT_EQ(std::get<Scenario>(ok).description.size(), big.size());
  // The same scalar where a date is due: the message quotes its first KiB.
  ScenarioError e = ErrorOf(ParseScenarioText("scenario: x\nstart: " + big + "\nsteps: []\n", "big.yaml"));
  EXPECT_THAT(e.ToString(), StartsWith("big.yaml:2: start: \"aaaa"));
  EXPECT_THAT(e.reason, HasSubstr("... (3,145,728 bytes)\" is not a date"));
  EXPECT_LT(e.reason.size(), 1200u);
  // A huge unknown key too.
  e = ErrorOf(ParseScenarioText("scenario: x\n? " + big + "\n: 1\n", "key.yaml"));
  EXPECT_LT(e.reason.size(), 1400u);
  EXPECT_THAT(e.ToString(), StartsWith("key.yaml:2: unknown key \"aaa"));
}

TEST(ScenarioBoundsTest, ControlCharactersAreRefused) {
  // yaml-cpp reads 0x04 as the end of the text ("a:\x04" is a mapping).
  EXPECT_EQ(ErrorOf(ParseScenarioText("scenario: x\nstart:\x04\n", "ctl.yaml")).ToString(),
            "ctl.yaml:2: not valid YAML: a control character (0x04) in the text (scenario files are UTF-8 text)");
  EXPECT_EQ(ErrorOf(ParseScenarioText(std::string("s\0c", 3), "nul.yaml")).ToString(),
            "nul.yaml:1: not valid YAML: a control character (0x00) in the text (scenario files are UTF-8 text)");
}

// --- policy files ------------------------------------------------------------------

std::string PolicyScenario(const std::string& policy) {
  return "scenario: policy from a file\nstart: 2026-01-15\npolicy: " + policy + "\nsteps: []\n";
}

Scenario Parsed(const std::string& text) {
  ParseOutcome parsed = ParseScenarioText(text, "policy.yaml");
  EXPECT_TRUE(std::holds_alternative<Scenario>(parsed)) << std::get<ScenarioError>(parsed).ToString();
  return std::holds_alternative<Scenario>(parsed) ? std::get<Scenario>(parsed) : Scenario{};
}

TEST(ScenarioPolicyTest, APolicyFileIsReadOnlyWhenTheCallerAllowsIt) {
  std::string policy = std::string(PCSIM_SOURCE_DIR) + "/fixtures/policies/microsoft.json";
  Scenario s = Parsed(PolicyScenario(policy));
  ScenarioResult refused = RunScenario(s);
  EXPECT_EQ(refused.outcome, Outcome::Invalid);
  EXPECT_THAT(refused.message, StartsWith("policy.yaml:3: policy \"" + policy + "\": files are not opened over HTTP"));
  RunOptions options;
  options.policy_files = true;
  ScenarioResult read = RunScenario(s, options);
  EXPECT_EQ(read.outcome, Outcome::Passed) << read.message;
  // The built-in name needs no file.
  EXPECT_EQ(RunScenario(Parsed(PolicyScenario("microsoft"))).outcome, Outcome::Passed);
}

// Runs `s` with policy files allowed, on another thread: the message, or
// "still running" when it has not ended within 5 s.
std::string RunWithin5s(const Scenario& s) {
  auto result = std::async(std::launch::async, [s] {
    RunOptions options;
    options.policy_files = true;
    return RunScenario(s, options).message;
  });
  if (result.wait_for(std::chrono::seconds(5)) != std::future_status::ready) {
    std::abort();  // a read that blocks would hang the test run: end it here
  }
  return result.get();
}

TEST(ScenarioPolicyTest, AFifoOrAFolderIsRefusedWithoutBlocking) {
  std::string fifo = ::testing::TempDir() + "scenario-policy.fifo";
  std::remove(fifo.c_str());
  ASSERT_EQ(::mkfifo(fifo.c_str(), 0600), 0);
  EXPECT_EQ(RunWithin5s(Parsed(PolicyScenario(fifo))), "policy.yaml:3: " + fifo + ": not a regular file (a FIFO)");
  std::remove(fifo.c_str());
  EXPECT_EQ(RunWithin5s(Parsed(PolicyScenario("/dev/zero"))),
            "policy.yaml:3: /dev/zero: not a regular file (a character device)");
  EXPECT_EQ(RunWithin5s(Parsed(PolicyScenario(std::string(PCSIM_SOURCE_DIR)))),
            "policy.yaml:3: " + std::string(PCSIM_SOURCE_DIR) + ": not a regular file (a folder)");
}

TEST(ScenarioPolicyTest, AnInlinePolicyIsRead) {
  std::ifstream in(std::string(PCSIM_SOURCE_DIR) + "/fixtures/policies/microsoft.json", std::ios::binary);
  std::stringstream json;
  json << in.rdbuf();
  std::string policy = json.str();
  policy.replace(policy.find("\"name\": \"microsoft\""), 19, "\"name\": \"inline-test\"");
  // The JSON document, indented under the key, is a YAML flow mapping.
  std::string indented;
  for (char c : policy) indented += c == '\n' ? std::string("\n  ") : std::string(1, c);
  Scenario s = Parsed(PolicyScenario(indented));
  ASSERT_TRUE(s.inline_policy.has_value());
  ScenarioResult result = RunScenario(s);
  ASSERT_EQ(result.outcome, Outcome::Passed) << result.message;
  EXPECT_EQ(result.router->sandbox().policy().name(), "inline-test");
  // A broken parameter names the policy's line and the parameter.
  std::string broken = indented;
  broken.replace(broken.find("\"value\": 6,"), 11, "\"value\": \"six\",");
  ScenarioResult invalid = RunScenario(Parsed(PolicyScenario(broken)));
  EXPECT_EQ(invalid.outcome, Outcome::Invalid);
  EXPECT_EQ(invalid.message,
            "policy.yaml:3: inline policy: parameters.invoices.closeDay.value: expected an integer, got \"six\"");
}

}  // namespace
}  // namespace pcsim::replay
