// One scenario run (internal to the runner: runner.cc, catalog_builder.cc,
// step_runner.cc, expectations.cc): its sandbox behind an api::Router, the
// refs the steps named, and the one way in, Send. Expectations read the book
// through the router or the const sandbox() view, never by writing into it.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "simulator/replay/runner.h"

namespace pcsim::replay {

// The scenario can't run as written: "file:line: reason", outcome Invalid.
struct Invalid {
  SourceLocation where;
  std::string reason;
};

// A step did not end as the scenario says: outcome Failed.
struct StepFailure {
  std::string message;
};

class RunContext {
 public:
  RunContext(const Scenario& s, const RunOptions& o, ScenarioResult& r) : scenario_(s), options_(o), result_(r) {}

  const Scenario& scenario() const { return scenario_; }
  const RunOptions& options() const { return options_; }
  ScenarioResult& result() { return result_; }
  const ScenarioResult& result() const { return result_; }
  const Sandbox& sandbox() const { return result_.router->sandbox(); }

  // A request as an integration sends it: the scenario partner's token
  // unless the request has its own, JSON bodies.
  api::Response Send(const std::string& method, const std::string& target, const std::string& body = "",
                     api::HeaderList headers = {});
  // The same request to another router (a scratch copy of the scenario's):
  // the scenario partner's token, JSON bodies; no event accounting.
  static api::Response SendTo(api::Router& router, const std::string& method, const std::string& target,
                              const std::string& body = "", api::HeaderList headers = {});
  // POST .../agreements: the customer accepts the MCA on `date`.
  api::Response Attest(const std::string& customer_id, Instant date);

  std::string CustomerId(const std::string& ref) const { return result_.customer_refs.at(ref); }
  std::string SubscriptionId(const std::string& ref) const { return result_.subscription_refs.at(ref); }
  std::string SubscriptionPath(const std::string& ref) const;

  size_t step_index = 0;  // the step running (for messages)

 private:
  const Scenario& scenario_;
  const RunOptions& options_;
  ScenarioResult& result_;
  uint64_t events_ = 0;  // fired by the advances so far
  int attestations_ = 0;
};

// JSON text as requests carry it.
std::string Dump(const nlohmann::json& j);

// The scenario's catalog items over the default catalog (catalog_builder.cc).
std::shared_ptr<const Catalog> BuildCatalog(const Scenario& scenario);

// Runs one step; throws StepFailure when it does not end as written (step_runner.cc).
void RunStep(RunContext& run, const Step& step);

// The final expectations; the differences, each "file:line: what" (expectations.cc).
std::vector<std::string> CheckExpectations(RunContext& run, const Expectations& e);

// A kind of actual line in messages: its name ("line", "usage line", "billed
// row") and the fields that summarise one (those it has are shown).
struct LineKind {
  std::string what;
  std::vector<std::string> summary;
};

// Matches expected lines to actual ones in any order, each expected line
// taking a different actual line; a line nothing matches is a failure naming
// the closest actual line and each field that differs, and with `complete`
// so is a count that differs (at `where`) (expectations.cc).
void MatchLines(const std::string& where, const std::vector<ExpectedLine>& expected,
                const std::vector<nlohmann::json>& actual, bool complete, const LineKind& kind,
                std::vector<std::string>& failures);

// The ref naming an Azure subscription (one add-azure-subscription named, or
// the first of a plan by the plan's ref), or its id; the same for a customer.
std::string AzureRefOrId(const RunContext& run, const std::string& entitlement_id);
std::string CustomerRefOrId(const RunContext& run, const std::string& customer_id);

// The recon-rows expectations: each export taken through the Graph routes of
// a scratch copy of the scenario's router, never the router itself
// (recon_rows_check.cc).
void CheckReconRows(RunContext& run, const std::vector<ReconRowsExpectation>& expected,
                    std::vector<std::string>& failures);

// `expected` (as written) matches `actual` (the wire JSON) by subset; else
// `why` says where they differ (expectations.cc).
bool Subset(const nlohmann::json& expected, const nlohmann::json& actual, const std::string& path, std::string* why);

}  // namespace pcsim::replay
