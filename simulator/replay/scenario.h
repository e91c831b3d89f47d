// A scenario file (docs/scenario-format.md, format 1) as typed data: the setup
// (start, policy, environment, seed, catalog additions, customers), the steps
// and the expectations, each with the line it came from.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "simulator/clock/time.h"
#include "simulator/model/status.h"
#include "simulator/money/decimal.h"

namespace pcsim::replay {

// Where something was written: "scenarios/nce/x.yaml:12".
struct SourceLocation {
  std::string file;
  int line = 0;
  std::string ToString() const { return file + ":" + std::to_string(line); }
};

// A scenario file that is not valid: exit code 2 with file:line and reason.
struct ScenarioError {
  SourceLocation where;
  std::string reason;
  std::string ToString() const { return where.ToString() + ": " + reason; }
};

struct CatalogItemSpec {
  SourceLocation where;
  std::string item;  // productId:skuId:availabilityId
  std::string name;
  std::string currency = "USD";
  std::string country = "US";
  bool country_given = false;  // without it, the item also serves the scenario's customers
  std::string segment = "commercial";
  std::map<std::string, Decimal> prices;  // "P1Y/monthly" -> price
  std::optional<Decimal> est_price;
  bool est_eligible = true;
  std::optional<int> min_quantity, max_quantity, max_subscriptions_per_customer;
  bool trial = false;
  std::vector<std::string> upgrades_to;
  struct PriceChange {
    Date from;
    std::map<std::string, Decimal> prices;
  };
  std::vector<PriceChange> price_changes;
  struct PromotionSpec {
    std::string id;
    Decimal discount_percent;
    std::vector<std::string> terms;
    Date from, until;
  };
  std::vector<PromotionSpec> promotions;
  struct MeterSpec {
    std::string id, name, unit;
    Decimal price;
    bool pec_eligible = true;
  };
  std::vector<MeterSpec> meters;
};

struct CustomerSpecYaml {
  SourceLocation where;
  std::string ref;
  std::string country = "US";
  std::string domain;
  std::string postal_code;
  std::optional<Date> mca;  // attestation date; nullopt with mca_none
  bool mca_none = false;
  std::string qualification;  // education, government, nonprofit
  std::string reseller;
};

// One step: an optional `at`, one action with its fields, and how it must end.
struct Step {
  SourceLocation where;
  std::optional<Instant> at;
  std::string action;             // "purchase", "set-quantity", ...
  nlohmann::json fields;          // the action's fields, as written (scalars as strings)
  std::map<std::string, SourceLocation> field_lines;
  struct ExpectError {
    std::optional<int> status;
    std::optional<std::string> code;
  };
  std::optional<ExpectError> expect_error;
  struct ExpectResponse {
    std::optional<int> status;
    std::optional<nlohmann::json> body;
  };
  std::optional<ExpectResponse> expect_response;
};

// An expected value as written: its text keeps the written precision.
struct ExpectedField {
  std::string name;
  nlohmann::json value;  // strings for scalars; lists/maps as written
  SourceLocation where;
};

struct ExpectedLine {
  SourceLocation where;
  std::vector<ExpectedField> fields;
};

struct Expectations {
  std::optional<Instant> at;
  std::vector<ExpectedLine> lines;
  bool has_lines = false;
  bool lines_complete = true;
  std::map<std::string, std::pair<SourceLocation, nlohmann::json>> subscriptions;  // ref -> fields
  std::map<std::string, std::pair<SourceLocation, std::string>> totals;           // ref or "all" -> amount text
  struct InvoiceExpectation {
    SourceLocation where;
    std::string period;  // YYYY-MM
    std::string total;
  };
  std::vector<InvoiceExpectation> invoices;
  std::vector<ExpectedLine> usage_lines;
  bool has_usage_lines = false;
  bool usage_lines_complete = true;
};

struct Scenario {
  std::string file;
  std::string title;
  std::string description;
  std::vector<std::string> tags;
  Instant start;
  // A built-in name, or a file path (read only from the command line, see
  // RunOptions::policy_files); or a policy document written inline.
  std::string policy = "microsoft";
  std::optional<nlohmann::json> inline_policy;
  SourceLocation policy_where;  // the `policy` key, or the file's first line
  std::vector<std::pair<std::string, std::string>> policy_overrides;  // key, value text
  std::vector<SourceLocation> policy_override_lines;
  std::string environment = "production";
  uint64_t seed = 1;
  std::vector<CatalogItemSpec> catalog;
  std::vector<CustomerSpecYaml> customers;
  std::vector<Step> steps;
  std::optional<Expectations> expect;
};

}  // namespace pcsim::replay
