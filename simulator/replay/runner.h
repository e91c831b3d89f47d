// Runs a scenario: a fresh sandbox with the scenario's policy, environment,
// seed, catalog additions and customers; every step through api::Router as an
// integration would send it; then the final expectations, with a readable
// diff on failure (docs/scenario-format.md, "Runner").
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "simulator/api/router.h"
#include "simulator/replay/scenario.h"

namespace pcsim::replay {

struct RunOptions {
  // Applied after the scenario's own policy-overrides (pcsim replay --policy-override).
  std::vector<std::pair<std::string, std::string>> policy_overrides;
  // Stop after the steps (pcsim est-report reads the book as the steps left it).
  bool skip_expectations = false;
  // Whether `policy: FILE` may open a file (a path as given, from the current
  // folder). Only a command line sets it; a scenario that came over HTTP may
  // name a built-in policy or write one inline, never a file of the server.
  bool policy_files = false;
  // How far one step may move the clock. A command line runs the user's own
  // files without limits; a scenario that came over HTTP gets the serving
  // router's (RegisterScenarioRoutes).
  api::AdvanceLimits advance_limits{0, 0};
};

enum class Outcome { Passed, Failed, Invalid };

// A step as it ran, for the reports (the markers of the timeline and the
// table of steps): recorded once its clock is set, before its request.
struct StepRecord {
  size_t number = 0;        // from 1, in file order
  std::string action;       // "set-quantity"
  std::string summary;      // "set-quantity sub1: 12 seats"
  SourceLocation where;     // the step's line
  Instant at;               // the simulated instant its request was sent
  std::string subscription;  // the ref of the subscription it names (a purchase's own), or empty
  int status = 0;           // the status of its answer (0: none came)
  bool ok = false;          // it ended as the scenario says
};

struct ScenarioResult {
  std::string file;
  std::string title;
  std::vector<std::string> tags;
  Outcome outcome = Outcome::Passed;
  // Failed: the diff (several lines). Invalid: "file:line: reason".
  std::string message;
  // The sandbox as the scenario left it (for reports), and the refs.
  std::unique_ptr<api::Router> router;
  std::map<std::string, std::string> subscription_refs;  // ref -> id
  std::map<std::string, std::string> customer_refs;      // ref -> id
  std::map<std::string, std::string> azure_refs;         // ref -> Azure subscription (entitlement) id
  std::vector<StepRecord> steps;                          // the steps that started, in order
};

ScenarioResult RunScenario(const Scenario& scenario, const RunOptions& options = {});

// Adds POST /_sim/scenarios/run to `router`: the body is a scenario document
// (YAML or JSON); the answer {outcome, passed, title, message} (400 with the
// file:line reason when it is not a valid scenario, or names a policy file).
void RegisterScenarioRoutes(api::Router& router);

// The name of a subscription in reports: its ref, or its id.
std::string RefOrId(const ScenarioResult& result, const std::string& subscription_id);

}  // namespace pcsim::replay
