// The scenario reader's tools (internal to the parser: scenario_parser.cc,
// step_parser.cc, expectation_parser.cc): typed reads of YAML nodes that
// throw ReadFailure with file:line and reason, and the refs defined so far.
#pragma once

#include <yaml-cpp/yaml.h>

#include <cstdint>
#include <initializer_list>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "simulator/replay/scenario.h"

namespace pcsim::replay {

// Thrown by Reader::Fail; ParseScenarioText turns it into its ScenarioError.
struct ReadFailure {
  ScenarioError error;
};

// Input quoted in a message: at most kMaxQuotedBytes of it.
std::string Q(std::string_view text);

class Reader {
 public:
  explicit Reader(std::string file) : file_(std::move(file)) {}

  SourceLocation Where(const YAML::Node& n) const { return {file_, n.Mark().line + 1}; }
  [[noreturn]] void Fail(const YAML::Node& n, std::string reason) const;
  [[noreturn]] void Fail(SourceLocation where, std::string reason) const;

  // The keys of a mapping, checked against `allowed`; duplicates are errors.
  std::map<std::string, YAML::Node> Map(const YAML::Node& n, const std::string& what,
                                        std::initializer_list<std::string_view> allowed) const;
  const YAML::Node& Require(const std::map<std::string, YAML::Node>& m, const YAML::Node& owner, const std::string& key,
                            const std::string& what) const;

  std::string Text(const YAML::Node& n, const std::string& what) const;
  Instant InstantOf(const YAML::Node& n, const std::string& what) const;
  Date DateOf(const YAML::Node& n, const std::string& what) const { return InstantOf(n, what).date(); }
  Decimal DecimalOf(const YAML::Node& n, const std::string& what) const;
  int64_t IntOf(const YAML::Node& n, const std::string& what, int64_t min, int64_t max) const;
  bool BoolOf(const YAML::Node& n, const std::string& what) const;
  std::vector<std::string> StringList(const YAML::Node& n, const std::string& what) const;
  Term TermOf(const YAML::Node& n, const std::string& what) const;
  Billing BillingOf(const YAML::Node& n, const std::string& what) const;
  // productId:skuId:availabilityId, or productId:skuId where a product and SKU will do.
  std::string ItemOf(const YAML::Node& n, const std::string& what) const;
  // One of `allowed`, exactly as written.
  std::string OneOf(const YAML::Node& n, const std::string& what, std::initializer_list<std::string_view> allowed) const;

  // A YAML value as JSON for request bodies: plain integers and decimals
  // become numbers, true/false booleans, null/~ null; quoted scalars strings.
  // With `decimal_text`, decimals stay strings (as a policy document writes them).
  nlohmann::json BodyJson(const YAML::Node& n, bool decimal_text = false) const;
  // A YAML value as an expectation: plain scalars keep their text, marked.
  nlohmann::json ExpectedJson(const YAML::Node& n) const;

  const std::string& file() const { return file_; }

 private:
  std::string file_;
};

// The refs defined so far, in file order.
struct Refs {
  std::set<std::string> customers;
  std::set<std::string> subscriptions;
  std::set<std::string> azure;
};

// The ref written at `n`, which must be one of `known`.
std::string RefOf(const Reader& r, const YAML::Node& n, const std::set<std::string>& known, const std::string& kind);

// One step (step_parser.cc); `last_at` is the latest time of the steps so far.
Step ReadStep(const Reader& r, const YAML::Node& n, Refs& refs, std::optional<Instant>& last_at);
// The expect section (expectation_parser.cc).
Expectations ReadExpect(const Reader& r, const YAML::Node& n, const Refs& refs);
// recon-rows: one export's expectation (a mapping) or a list of them (recon_rows_parser.cc).
std::vector<ReconRowsExpectation> ReadReconRows(const Reader& r, const YAML::Node& n, const Refs& refs);

}  // namespace pcsim::replay
