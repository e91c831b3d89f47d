// The Azure plan and partner earned credit (docs/decisions.md, section 11):
// Azure subscriptions (entitlements) under a customer's Azure plan, the
// partner's Azure role on each over time, the usage recorded per entitlement,
// meter and day, and the rules that rate it into daily rated usage lines and
// invoice totals. The state lives in a Sandbox (Sandbox::azure()); the
// commands that change it are Sandbox methods defined in azure.cc.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "simulator/catalog/catalog.h"
#include "simulator/clock/time.h"
#include "simulator/commerce/commerce_types.h"
#include "simulator/money/decimal.h"

namespace pcsim {

// The partner's Azure RBAC role on an Azure subscription. Owner and
// Contributor earn partner earned credit; Reader does not (Azure roles and
// permissions for PEC).
enum class AzureRole : uint8_t { None, Reader, Contributor, Owner };
std::string_view ToString(AzureRole role);              // "none", "Reader", "Contributor", "Owner"
std::optional<AzureRole> ParseAzureRole(std::string_view text);  // case-insensitive
bool EarnsPartnerCredit(AzureRole role);

// How the role was granted (recorded, not priced: every path earns PEC).
enum class AzureAccess : uint8_t { AOBO, Lighthouse, GDAP };
std::string_view ToString(AzureAccess access);  // "AOBO", "Lighthouse", "GDAP"
std::optional<AzureAccess> ParseAzureAccess(std::string_view text);

struct AzureRoleChange {
  Instant at;
  AzureRole role = AzureRole::None;
  AzureAccess via = AzureAccess::AOBO;
};

// One Azure subscription under an Azure plan.
struct AzureEntitlement {
  uint32_t index = 0;
  std::string id;     // the Azure subscription id (GUID)
  uint32_t plan = 0;  // the Azure plan's Subscription index
  std::string friendly_name;
  bool active = true;
  Instant created;
  Instant status_changed;
  std::vector<AzureRoleChange> roles;  // in time order

  AzureRole RoleAt(Instant at) const;
  // Whether a PEC-eligible role was held during the whole day [00:00Z, 24:00Z):
  // a role granted during the day counts from the next day; a role removed
  // during the day loses that day.
  bool EarnsCreditOn(Date day) const;
};

// Usage is kept per day, entitlement and meter (the meter's position in the
// plan market's rate card); the map orders lines by usage date first.
struct UsageKey {
  Date day;
  uint32_t entitlement = 0;
  uint32_t meter = 0;
  friend auto operator<=>(const UsageKey&, const UsageKey&) = default;
};

struct UsageRecord {
  Decimal quantity;              // the day's total
  uint32_t invoice = UINT32_MAX;  // the invoice it was billed on, or none yet
};

// The amounts of one daily rated usage line (section 11).
struct RatedUsage {
  Decimal unit_price;
  Decimal pec_rate;              // 0 or the policy's rate
  Decimal effective_unit_price;  // unit price x (1 - pec_rate), exact
  Decimal pricing_pre_tax_total;  // ROUNDDOWN(unit price x quantity, 2)
  Decimal billing_pre_tax_total;  // ROUNDDOWN(ROUNDDOWN(eup x quantity, 2) x exchange rate, 2)
};
// Rates `quantity` units at `unit_price` with a PEC rate of `pec_rate` (0 on a
// day without credit) and the pricing-to-billing currency exchange rate.
RatedUsage RateUsage(Decimal unit_price, Decimal quantity, Decimal pec_rate, Decimal exchange_rate);

// The invoice rule: the usage total of one meter and entitlement over a
// billing period is ROUNDDOWN(sum over its days of quantity x effective unit
// price, 2), one rounding for the period (Azure plan billing sample:
// 555.950039 units x 0.868 x 0.85 = 410.17).
class UsageTotal {
 public:
  void Add(Decimal quantity, Decimal effective_unit_price);
  Decimal RoundedDown() const;

 private:
  __int128 units_ = 0;
  int scale_ = 0;
};

// One daily rated usage line as the API shows it: a day's usage of a meter on
// an entitlement, rated.
struct UsageLine {
  const UsageKey* key = nullptr;
  const UsageRecord* record = nullptr;
  const AzureEntitlement* entitlement = nullptr;
  const Subscription* plan = nullptr;
  const Meter* meter = nullptr;
  bool has_pec = false;
  RatedUsage amounts;
};

// Which usage lines to list (the reconciliation filters).
struct UsageLineFilter {
  std::string partner_tenant_id;          // empty: every partner
  std::optional<std::string> currency;    // case-insensitive ISO 4217
  std::optional<Date> period;             // the billing period (first of the month) of the usage date
  std::optional<uint32_t> invoice;        // billed on this invoice (nullopt: any)
  bool unbilled_only = false;
  std::optional<bool> has_pec;            // hasPartnerEarnedCredit
};

// The Azure state of a sandbox.
struct AzureBook {
  std::vector<AzureEntitlement> entitlements;
  std::unordered_map<std::string, uint32_t> entitlement_index;  // id -> index
  std::map<uint32_t, std::vector<uint32_t>> entitlements_of_plan;  // plan subscription index -> entitlements
  std::map<UsageKey, UsageRecord> usage;
};

}  // namespace pcsim
