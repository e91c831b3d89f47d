// The rules as dated data. Every number, date, rounding mode and wording the
// simulator decides with is a policy parameter (docs/decisions.md): it has
// a type, a source (a document name or "assumption"), and one or more values,
// each in force from a date. The value applied is the one in force on the day
// of the event. A policy can be overridden per key (scenarios, `--policy-override`).
#pragma once

#include <array>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include <nlohmann/json.hpp>

#include "simulator/clock/time.h"
#include "simulator/model/status.h"
#include "simulator/money/decimal.h"
#include "simulator/money/proration.h"

namespace pcsim {

enum class PolicyType : uint8_t { Integer, Decimal, Date, String, Bool, Rounding };

// Every parameter the simulator reads. The names are the keys of the policy file.
enum class PolicyKey : uint16_t {
  kEffectiveUnitPriceDecimals,
  kRoundingAddQuantity,
  kRoundingRemoveQuantity,
  kRoundingCancelImmediate,
  kRoundingConvert,
  kRoundingMoveQuantity,
  kRoundingChangeBillingPlan,
  kRoundingShortenedCycle,
  kLongCycleProration,  // "months" or "days"
  kPromotionPriceDecimals,
  kInvoiceCloseDay,
  kInvoiceIdPrefix,
  kInvoiceIdDigits,
  kFullRefundHours,
  kCancellationWindowHours,
  kSeatReductionWindowHours,
  kTriennialMidTermBillingChangeAllowed,
  kExpiredDays,
  kDisabledDays,
  kSuspendedAtTermEndDisabledDays,
  kCancelledAtTermEndRetentionDays,
  kEstEnforcementDate,
  kEstEligiblePurchasedFrom,
  kEstUpliftPercent,
  kEstNoMonthlyUpliftPercent,
  kEstNoMonthlyBase,  // "P1Y/annual" (divided by 12) or "P1Y/monthly"
  kEstPriceDecimals,
  kEstTermAndBillingCycle,
  kScheduledActionsSandboxFrom,
  kScheduledActionsProductionFrom,
  kBackfillStart,
  kBackfillEnd,
  kAutoRenewOffRuleFrom,
  kAutoRenewOffRuleDelayHours,
  kEstAuditDownloadFrom,
  kMfaRequiredFrom,
  kSandboxEnforceQuotas,
  kSandboxMaxCustomers,
  kSandboxMaxSubscriptionsPerCustomer,
  kSandboxMaxSeatsPerSubscription,
  kCartExpiryDays,
  kOrderProvisioningSeconds,
  kTermTextP1MMonthly,
  kTermTextP1YMonthly,
  kTermTextP1YAnnual,
  kTermTextP3YMonthly,
  kTermTextP3YAnnual,
  kTermTextP3YTriennial,
  kTermTextTrial,
  kPecRate,
  kUsageDataLagHours,
  kSandboxMaxAzurePlans,
  kSandboxMaxAzureSubscriptionsPerPlan,
  kSandboxAzureSpendLimit,
  kReconV2FirstPeriod,
  kReconV1ServedUntil,
  kReconV1KeepServing,
  kGraphExportDelaySeconds,
  kGraphExportRowsPerBlob,
  kGraphExportSasHours,
  kCount
};

struct PolicyParameterInfo {
  PolicyKey key;
  std::string_view name;
  PolicyType type;
};
const PolicyParameterInfo& InfoOf(PolicyKey key);
std::optional<PolicyKey> FindPolicyKey(std::string_view name);

using PolicyValue = std::variant<int64_t, Decimal, Date, std::string, bool, Rounding>;

struct DatedPolicyValue {
  Date from;  // in force from this day (00:00Z)
  PolicyValue value;
};

struct PolicyParameter {
  std::vector<DatedPolicyValue> values;  // sorted by `from`
  std::string source;                    // document name, or "assumption"
  bool overridden = false;
};

class Policy {
 public:
  // A policy file is refused beyond this size (the embedded one is 8 KiB).
  static constexpr size_t kMaxFileBytes = size_t{16} << 20;

  // Parses a policy file (format 1); every parameter must be present.
  static StatusOr<Policy> FromJson(std::string_view text, std::string_view source);
  // The same from a parsed document (a policy written inline in a scenario);
  // errors read "SOURCE: PATH: reason".
  static StatusOr<Policy> FromJsonValue(const nlohmann::json& document, std::string_view source);
  // The embedded default "microsoft" policy (fixtures/policies/microsoft.json).
  static const Policy& Microsoft();
  // The names of the built-in (embedded) policies: "microsoft".
  static const std::vector<std::string>& BuiltinNames();
  // A built-in policy by name, or null: never opens a file (the control API
  // takes only these names over HTTP).
  static const Policy* Builtin(std::string_view name);
  // "microsoft" (the built-in names, joined by ", ").
  static std::string BuiltinNamesText();
  // A built-in policy by name, else the policy file at that path: a regular
  // file of at most kMaxFileBytes (a FIFO or a device is refused without
  // blocking).
  static StatusOr<Policy> Load(std::string_view name_or_path);

  const std::string& name() const { return name_; }

  // Replaces a parameter by one value in force at all times. `value` is the
  // parameter's text ("2026-04-01", "168", "truncate-total", "true", "3.5");
  // a JSON list of {"from", "value"} objects sets dated values (before the
  // first date, the first value applies).
  Status Override(std::string_view key, std::string_view value);

  int64_t Int(PolicyKey key, Date at) const { return std::get<int64_t>(ValueAt(key, at)); }
  Decimal Dec(PolicyKey key, Date at) const { return std::get<Decimal>(ValueAt(key, at)); }
  Date DateOf(PolicyKey key, Date at) const { return std::get<Date>(ValueAt(key, at)); }
  // Most dates in the calendar never change; this reads the latest value.
  Date DateOf(PolicyKey key) const { return std::get<Date>(parameters_[Index(key)].values.back().value); }
  const std::string& Str(PolicyKey key, Date at) const { return std::get<std::string>(ValueAt(key, at)); }
  bool Bool(PolicyKey key, Date at) const { return std::get<bool>(ValueAt(key, at)); }
  Rounding RoundingOf(PolicyKey key, Date at) const { return std::get<Rounding>(ValueAt(key, at)); }

  const PolicyParameter& Parameter(PolicyKey key) const { return parameters_[Index(key)]; }
  // The parameter's values as text, for reports and the README.
  static std::string ToText(const PolicyValue& v);

 private:
  static size_t Index(PolicyKey key) { return static_cast<size_t>(key); }
  // Reads a format 1 document; throws DataFileError.
  static Policy Read(const nlohmann::json& document);
  const PolicyValue& ValueAt(PolicyKey key, Date at) const;

  std::string name_;
  std::array<PolicyParameter, static_cast<size_t>(PolicyKey::kCount)> parameters_;
};

}  // namespace pcsim
