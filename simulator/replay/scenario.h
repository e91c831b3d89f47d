// A scenario file (docs/scenario-format.md, format 1) as typed data: the setup
// (start, policy, environment, seed, catalog additions, customers), the steps
// and the expectations, each with the line it came from.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <variant>
#include <vector>

#include <nlohmann/json.hpp>

#include "simulator/clock/term_dates.h"
#include "simulator/clock/time.h"
#include "simulator/model/status.h"
#include "simulator/money/decimal.h"

namespace pcsim::replay {

// Where something was written: "scenarios/nce/x.yaml:12".
struct SourceLocation {
  std::string file;
  int line = 0;
  // "file:line"; a place with no line (0: a file that could not be read, a
  // command-line option) is the file (or option) alone.
  std::string ToString() const { return line > 0 ? file + ":" + std::to_string(line) : file; }
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

// The actions of a step, each with its fields decoded and checked by the
// parser (docs/scenario-format.md, "Steps"). Refs name customers,
// subscriptions and Azure subscriptions defined before the step; items are
// productId:skuId[:availabilityId] as written.
namespace steps {

struct Purchase {
  static constexpr std::string_view kAction = "purchase";
  std::string customer, item;
  int quantity = 0;
  Billing billing = Billing::Monthly;
  std::string ref;
  std::optional<Term> term;
  std::optional<std::string> promotion, reseller, name;
  std::optional<Date> custom_term_end;
};

struct SetQuantity {
  static constexpr std::string_view kAction = "set-quantity";
  std::string subscription;
  int quantity = 0;
};

struct Cancel {
  static constexpr std::string_view kAction = "cancel";
  std::string subscription;
};

struct Suspend {
  static constexpr std::string_view kAction = "suspend";
  std::string subscription;
};

struct Reactivate {
  static constexpr std::string_view kAction = "reactivate";
  std::string subscription;
};

struct SetAutoRenew {
  static constexpr std::string_view kAction = "set-auto-renew";
  std::string subscription;
  bool enabled = false;
};

struct ChangeBilling {
  static constexpr std::string_view kAction = "change-billing";
  std::string subscription;
  Billing billing = Billing::Monthly;
};

struct ScheduleNextTerm {
  static constexpr std::string_view kAction = "schedule-next-term";
  std::string subscription;
  std::optional<std::string> item;
  std::optional<int> quantity;
  std::optional<Term> term;
  std::optional<Billing> billing;
};

struct ScheduleAction {
  static constexpr std::string_view kAction = "schedule-action";
  std::string subscription;
  std::string action;  // Cancel, RenewToNewTerm or RenewToExtendedServiceTerm
};

struct Upgrade {
  static constexpr std::string_view kAction = "upgrade";
  std::string subscription, to;
  std::optional<int> quantity;
  std::optional<std::string> ref;   // names the subscription the transition makes
  std::optional<std::string> into;  // an existing subscription that takes the seats
};

struct ConvertTrial {
  static constexpr std::string_view kAction = "convert-trial";
  std::string subscription;
  std::optional<std::string> to;
  std::optional<int> quantity;
  std::optional<Term> term;
  std::optional<Billing> billing;
};

struct AttestMca {
  static constexpr std::string_view kAction = "attest-mca";
  std::string customer;
  std::optional<Instant> date;  // default: the simulated now
};

struct Request {
  static constexpr std::string_view kAction = "request";
  std::string method;  // GET, POST, PUT, PATCH or DELETE
  std::string path;    // {ref} stands for the id of a customer or subscription
  std::optional<nlohmann::json> body;
  struct Header {
    std::string name, value;
    bool substitute = true;  // a header written as text has its {ref}s replaced
  };
  std::vector<Header> headers;
};

struct Advance {
  static constexpr std::string_view kAction = "advance";
  std::optional<Instant> to;
  std::optional<std::string> by;  // an ISO 8601 duration (CalendarDuration::Parse accepts it)
};

struct AddAzureSubscription {
  static constexpr std::string_view kAction = "add-azure-subscription";
  std::string plan, ref;
  std::optional<std::string> name;
};

struct AzureUsage {
  static constexpr std::string_view kAction = "azure-usage";
  std::string azure, meter;
  Decimal quantity;
  std::optional<Date> date;  // default: the simulated today
};

struct SetAzureRole {
  static constexpr std::string_view kAction = "set-azure-role";
  std::string azure;
  std::string role;               // Owner, Contributor, Reader or none
  std::optional<std::string> via;  // AOBO, Lighthouse or GDAP
};

}  // namespace steps

using StepAction =
    std::variant<steps::Purchase, steps::SetQuantity, steps::Cancel, steps::Suspend, steps::Reactivate,
                 steps::SetAutoRenew, steps::ChangeBilling, steps::ScheduleNextTerm, steps::ScheduleAction,
                 steps::Upgrade, steps::ConvertTrial, steps::AttestMca, steps::Request, steps::Advance,
                 steps::AddAzureSubscription, steps::AzureUsage, steps::SetAzureRole>;

// The action's name as a scenario writes it ("purchase", "set-quantity", ...).
inline std::string_view ActionName(const StepAction& action) {
  return std::visit([](const auto& a) { return std::decay_t<decltype(a)>::kAction; }, action);
}

// One step: an optional `at`, one action with its fields, and how it must end.
struct Step {
  SourceLocation where;
  std::optional<Instant> at;
  StepAction action;
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

// The rows of one Microsoft Graph billing export (docs/graph-billing.md),
// taken through the Graph routes when the expectations are checked
// (docs/scenario-format.md, "Graph export rows").
struct ReconRowsExpectation {
  enum class Export : uint8_t { Billed, Unbilled, UsageBilled, UsageUnbilled };
  SourceLocation where;
  Export source = Export::Billed;
  std::string name;  // as written: billed, unbilled, usage-billed, usage-unbilled
  // Billed exports: the partner's Nth invoice (from 1, in the order of GET
  // /v1/invoices), or an invoice id when invoice_position is 0.
  int invoice_position = 0;
  std::string invoice_id;
  // Unbilled exports: the period (current or last) and the currency (upper case).
  bool last_period = false;
  std::string currency;
  bool basic = false;  // attribute-set: basic
  std::vector<ExpectedLine> rows;
  bool complete = true;  // every row of the export is listed

  bool usage() const { return source == Export::UsageBilled || source == Export::UsageUnbilled; }
  bool billed() const { return source == Export::Billed || source == Export::UsageBilled; }
};

struct Expectations {
  std::optional<Instant> at;
  std::vector<ExpectedLine> lines;
  bool has_lines = false;
  bool lines_complete = true;
  std::map<std::string, std::pair<SourceLocation, nlohmann::json>> subscriptions;  // ref -> fields
  // An amount as written: its text (for messages) and its value, matched to
  // the written precision.
  struct Amount {
    SourceLocation where;
    std::string text;
    Decimal value;
  };
  std::map<std::string, Amount> totals;  // ref or "all" -> the sum of totalForCustomer
  struct InvoiceExpectation {
    SourceLocation where;
    std::string period;  // YYYY-MM
    Amount total;
  };
  std::vector<InvoiceExpectation> invoices;
  std::vector<ExpectedLine> usage_lines;
  bool has_usage_lines = false;
  bool usage_lines_complete = true;
  std::vector<ReconRowsExpectation> recon_rows;  // in file order
};

// The scenario's `drift` key: contract-drift mode for its run (docs/drift.md).
struct DriftSpec {
  uint64_t seed = 1;
  bool unknown_fields = true;
  bool new_enum_values = true;
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
  std::optional<DriftSpec> drift;  // none: answers as Partner Center documents them
  std::vector<CatalogItemSpec> catalog;
  std::vector<CustomerSpecYaml> customers;
  std::vector<Step> steps;
  std::optional<Expectations> expect;
};

}  // namespace pcsim::replay
