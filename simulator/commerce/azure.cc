// The Azure plan, its Azure subscriptions, usage and partner earned credit
// (docs/decisions.md, section 11).
#include "simulator/model/errors.h"
#include "simulator/commerce/azure.h"

#include <algorithm>
#include <cctype>
#include <set>
#include <stdexcept>

#include "simulator/commerce/sandbox.h"

namespace pcsim {
namespace {

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

__int128 Pow10(int n) {
  __int128 p = 1;
  for (int i = 0; i < n; ++i) p *= 10;
  return p;
}

// The first Azure subscription of a new plan, as Partner Center names it.
constexpr std::string_view kFirstAzureSubscriptionName = "Microsoft Azure";
// The far commitment end date Partner Center shows for non-renewable usage subscriptions.
constexpr int kNoTermEndYear = 9999;

}  // namespace

// --- vocabulary ------------------------------------------------------------------

std::string_view ToString(AzureRole role) {
  switch (role) {
    case AzureRole::None: return "none";
    case AzureRole::Reader: return "Reader";
    case AzureRole::Contributor: return "Contributor";
    case AzureRole::Owner: return "Owner";
  }
  return "none";
}

std::optional<AzureRole> ParseAzureRole(std::string_view text) {
  std::string t = Lower(text);
  for (AzureRole r : {AzureRole::None, AzureRole::Reader, AzureRole::Contributor, AzureRole::Owner})
    if (t == Lower(ToString(r))) return r;
  return std::nullopt;
}

bool EarnsPartnerCredit(AzureRole role) { return role == AzureRole::Owner || role == AzureRole::Contributor; }

std::string_view ToString(AzureAccess access) {
  switch (access) {
    case AzureAccess::AOBO: return "AOBO";
    case AzureAccess::Lighthouse: return "Lighthouse";
    case AzureAccess::GDAP: return "GDAP";
  }
  return "AOBO";
}

std::optional<AzureAccess> ParseAzureAccess(std::string_view text) {
  std::string t = Lower(text);
  for (AzureAccess a : {AzureAccess::AOBO, AzureAccess::Lighthouse, AzureAccess::GDAP})
    if (t == Lower(ToString(a))) return a;
  return std::nullopt;
}

AzureRole AzureEntitlement::RoleAt(Instant at) const {
  AzureRole role = AzureRole::None;
  for (const AzureRoleChange& c : roles) {
    if (c.at > at) break;
    role = c.role;
  }
  return role;
}

bool AzureEntitlement::EarnsCreditOn(Date day) const {
  const Instant begin = Instant::StartOf(day);
  const Instant end = Instant::StartOf(day.AddDays(1));
  if (!EarnsPartnerCredit(RoleAt(begin))) return false;
  // Every role in force for some time during the day must earn it; of several
  // changes at one instant only the last is ever in force.
  for (size_t i = 0; i < roles.size(); ++i) {
    const AzureRoleChange& c = roles[i];
    if (c.at <= begin || c.at >= end) continue;
    if (i + 1 < roles.size() && roles[i + 1].at == c.at) continue;
    if (!EarnsPartnerCredit(c.role)) return false;
  }
  return true;
}

// --- the rating rules ---------------------------------------------------------------

RatedUsage RateUsage(Decimal unit_price, Decimal quantity, Decimal pec_rate, Decimal exchange_rate) {
  RatedUsage r;
  r.unit_price = unit_price;
  r.pec_rate = pec_rate;
  r.effective_unit_price = (unit_price * (Decimal::FromInt(1) - pec_rate)).Normalized();
  r.pricing_pre_tax_total = ExactAmount(unit_price).Times(quantity).RoundDown(2);
  Decimal billed = ExactAmount(r.effective_unit_price).Times(quantity).RoundDown(2);
  r.billing_pre_tax_total = ExactAmount(billed).Times(exchange_rate).RoundDown(2);
  return r;
}

void UsageTotal::Add(Decimal quantity, Decimal effective_unit_price) {
  int scale = quantity.scale() + effective_unit_price.scale();
  __int128 units = static_cast<__int128>(quantity.units()) * effective_unit_price.units();
  if (scale > 30 || scale_ > 30) throw std::overflow_error("usage amount has too many decimals");
  if (scale > scale_) {
    units_ *= Pow10(scale - scale_);
    scale_ = scale;
  } else {
    units *= Pow10(scale_ - scale);
  }
  units_ += units;
}

Decimal UsageTotal::RoundedDown() const {
  if (scale_ <= 2) return Decimal::FromUnits(static_cast<int64_t>(units_ * Pow10(2 - scale_)), 2);
  return Decimal::FromUnits(static_cast<int64_t>(units_ / Pow10(scale_ - 2)), 2);  // toward zero
}

// --- the Azure plan ---------------------------------------------------------------------

Status Sandbox::ValidateAzurePlanPurchase(const Customer& customer, const Offer& offer, int quantity,
                                          const std::vector<PurchaseRequest>& earlier) const {
  const Date today = Today();
  const Sku& sku = *offer.sku;
  if (quantity < sku.minimum_quantity || quantity > sku.maximum_quantity)
    return Error<Err::QuantityOutOfRangeLine>(std::to_string(quantity), std::to_string(sku.minimum_quantity), std::to_string(sku.maximum_quantity));
  int earlier_plans = 0;
  for (const auto& e : earlier) {
    const Offer* o = catalog_->FindOffer(e.catalog_item_id, customer.country());
    if (o != nullptr && o->sku->IsUsageBased()) ++earlier_plans;
  }
  // One Azure plan per customer (maxSubscriptionsPerCustomer of the SKU).
  int limit = sku.max_subscriptions_per_customer.value_or(1);
  if (ActiveSubscriptionsOfSku(customer, offer) + earlier_plans >= limit)
    return Error<Err::MaxAzurePlans>(std::to_string(limit), (limit == 1 ? "" : "s"), offer.ProductSkuId());
  if (environment_ == Environment::Sandbox && policy_.Bool(PolicyKey::kSandboxEnforceQuotas, today)) {
    int64_t max_plans = policy_.Int(PolicyKey::kSandboxMaxAzurePlans, today);
    int64_t plans = earlier_plans;
    for (const auto& sub : subscriptions_)
      if (IsAzurePlan(*sub) && sub->status != SubscriptionStatus::Deleted &&
          customers_[sub->customer]->partner_tenant_id == customer.partner_tenant_id)
        ++plans;
    if (plans >= max_plans)
      return Error<Err::SandboxAzurePlans>(std::to_string(max_plans));
  }
  return OkStatus();
}

void Sandbox::CreateAzurePlan(Subscription& plan) {
  const Date today = Today();
  plan.term = Term::P1M;
  plan.billing = Billing::Monthly;
  plan.term_start = today;
  plan.term_end = Date::Ymd(kNoTermEndYear, 12, 10);
  plan.cycle_anchor = today;
  plan.cycle = {today, today.FirstOfMonth().AddMonthsClamped(1).AddDays(-1)};
  plan.window_start = Now();
  plan.auto_renew = false;
  plan.status = SubscriptionStatus::Active;
  azure_.entitlements_of_plan[plan.index];
  Journal(JournalKind::Purchased, plan.index, static_cast<uint32_t>(plan.quantity));
  // Partner Center creates the plan's first Azure subscription with it.
  auto first = AddAzureSubscription(plan.id, std::string(kFirstAzureSubscriptionName));
  (void)first;
}

const AzureEntitlement* Sandbox::FindAzureEntitlement(std::string_view id) const {
  auto it = azure_.entitlement_index.find(Lower(id));
  return it == azure_.entitlement_index.end() ? nullptr : &azure_.entitlements[it->second];
}

StatusOr<const AzureEntitlement*> Sandbox::AddAzureSubscription(std::string_view plan_subscription_id,
                                                                std::string friendly_name) {
  const Subscription* plan = FindSubscription(plan_subscription_id);
  if (plan == nullptr) plan = FindSubscription(Lower(plan_subscription_id));
  if (plan == nullptr)
    return Error<Err::SubscriptionNotFound>(std::string(plan_subscription_id));
  if (!IsAzurePlan(*plan))
    return Error<Err::InvalidInput>("subscription " + plan->id + " is not an Azure plan.");
  if (plan->status != SubscriptionStatus::Active)
    return Error<Err::InvalidInput>("the Azure plan " + plan->id + " is " + std::string(ToString(plan->status)) + ".");
  const Date today = Today();
  const auto& existing = azure_.entitlements_of_plan[plan->index];
  if (environment_ == Environment::Sandbox && policy_.Bool(PolicyKey::kSandboxEnforceQuotas, today)) {
    int64_t max = policy_.Int(PolicyKey::kSandboxMaxAzureSubscriptionsPerPlan, today);
    if (static_cast<int64_t>(existing.size()) >= max)
      return Error<Err::SandboxAzurePerPlan>(std::to_string(max));
  }
  if (friendly_name.size() > 64)
    return Error<Err::InvalidInput>("friendlyName is longer than 64 characters.");
  AzureEntitlement e;
  e.index = static_cast<uint32_t>(azure_.entitlements.size());
  e.id = random_.Guid();
  e.plan = plan->index;
  e.friendly_name = friendly_name.empty() ? std::string(kFirstAzureSubscriptionName) : std::move(friendly_name);
  e.created = Now();
  e.status_changed = Now();
  azure_.entitlement_index[e.id] = e.index;
  azure_.entitlements_of_plan[plan->index].push_back(e.index);
  azure_.entitlements.push_back(std::move(e));
  return &azure_.entitlements.back();
}

Status Sandbox::CancelAzureSubscription(std::string_view entitlement_id) {
  const AzureEntitlement* found = FindAzureEntitlement(entitlement_id);
  if (found == nullptr) return Error<Err::AzureSubscriptionNotFound>(std::string(entitlement_id));
  AzureEntitlement& e = azure_.entitlements[found->index];
  if (!e.active) return Error<Err::InvalidInput>("Azure subscription " + e.id + " is already inactive.");
  e.active = false;
  e.status_changed = Now();
  return OkStatus();
}

Status Sandbox::ReactivateAzureSubscription(std::string_view entitlement_id) {
  const AzureEntitlement* found = FindAzureEntitlement(entitlement_id);
  if (found == nullptr) return Error<Err::AzureSubscriptionNotFound>(std::string(entitlement_id));
  AzureEntitlement& e = azure_.entitlements[found->index];
  if (e.active) return Error<Err::AzureAlreadyActive>(e.id);
  if (subscriptions_[e.plan]->status != SubscriptionStatus::Active)
    return Error<Err::AzurePlanInactive>(e.id);
  e.active = true;
  e.status_changed = Now();
  return OkStatus();
}

Status Sandbox::SetAzureRole(std::string_view entitlement_id, AzureRole role, AzureAccess via) {
  const AzureEntitlement* found = FindAzureEntitlement(entitlement_id);
  if (found == nullptr) return Error<Err::AzureSubscriptionNotFound>(std::string(entitlement_id));
  azure_.entitlements[found->index].roles.push_back({Now(), role, via});
  return OkStatus();
}

Status Sandbox::RecordUsage(std::string_view entitlement_id, std::string_view meter_id, Decimal quantity, Date day) {
  const AzureEntitlement* found = FindAzureEntitlement(entitlement_id);
  if (found == nullptr) return Error<Err::AzureSubscriptionNotFound>(std::string(entitlement_id));
  const AzureEntitlement& e = *found;
  const Subscription& plan = *subscriptions_[e.plan];
  const Meter* meter = catalog_->FindMeter(*plan.offer, meter_id);
  if (meter == nullptr)
    return Error<Err::MeterNotOnRateCard>(std::string(meter_id), plan.id, plan.offer->market->currency);
  if (quantity.IsNegative() || quantity.IsZero())
    return Error<Err::InvalidInput>("quantity must be positive, got " + quantity.ToString() + ".");
  if (quantity.Normalized().scale() > 6)
    return Error<Err::InvalidInput>("quantity has more than 6 decimals: " + quantity.ToString() + ".");
  if (quantity >= Decimal::FromInt(1000000000))
    return Error<Err::InvalidInput>("quantity must be below 1000000000.");
  const Date today = Today();
  if (day > today)
    return Error<Err::InvalidInput>("usage date " + day.ToString() + " is in the future (today is " + today.ToString() + ").");
  if (day < e.created.date())
    return Error<Err::InvalidInput>("usage date " + day.ToString() + " is before Azure subscription " + e.id + " was created (" + e.created.date().ToString() + ").");
  for (const Invoice& inv : ledger_.invoices())
    if (inv.period_start <= day && day <= inv.period_end)
      return Error<Err::InvalidInput>("the billing period of " + day.ToString() + " is closed; usage can only be recorded for an open period.");
  if (!e.active)
    return Error<Err::InvalidInput>("Azure subscription " + e.id + " is inactive.");
  if (plan.status != SubscriptionStatus::Active)
    return Error<Err::InvalidInput>("the Azure plan " + plan.id + " is " + std::string(ToString(plan.status)) + ".");
  const uint32_t meter_index = static_cast<uint32_t>(meter - plan.offer->market->meters.data());
  const UsageKey key{day, e.index, meter_index};
  Decimal before;
  if (auto it = azure_.usage.find(key); it != azure_.usage.end()) before = it->second.quantity;
  if (environment_ == Environment::Sandbox && policy_.Bool(PolicyKey::kSandboxEnforceQuotas, today)) {
    // The spend limit per billing cycle across the partner's plans, in the
    // plan's currency, at pay-as-you-go prices.
    const std::string& partner = customers_[plan.customer]->partner_tenant_id;
    const Date month = day.FirstOfMonth();
    UsageTotal spend;
    for (const auto& [k, r] : azure_.usage) {
      if (k.day.FirstOfMonth() != month) continue;
      const AzureEntitlement& other = azure_.entitlements[k.entitlement];
      const Subscription& other_plan = *subscriptions_[other.plan];
      if (customers_[other_plan.customer]->partner_tenant_id != partner) continue;
      spend.Add(r.quantity, other_plan.offer->market->meters[k.meter].price);
    }
    spend.Add(quantity, meter->price);
    Decimal limit = policy_.Dec(PolicyKey::kSandboxAzureSpendLimit, today);
    if (spend.RoundedDown() > limit)
      return Error<Err::SandboxAzureSpend>(limit.ToString());
  }
  azure_.usage[key].quantity = before + quantity;
  return OkStatus();
}

// --- daily rated usage lines ---------------------------------------------------------

UsageLine Sandbox::RateUsageLine(const UsageKey& key, const UsageRecord& record) const {
  UsageLine line;
  line.key = &key;
  line.record = &record;
  line.entitlement = &azure_.entitlements[key.entitlement];
  line.plan = subscriptions_[line.entitlement->plan].get();
  line.meter = &line.plan->offer->market->meters[key.meter];
  line.has_pec = line.meter->pec_eligible && line.entitlement->EarnsCreditOn(key.day);
  Decimal rate = line.has_pec ? policy_.Dec(PolicyKey::kPecRate, key.day) : Decimal();
  // Prices are in the market's currency: pricing and billing currency agree.
  line.amounts = RateUsage(line.meter->price, record.quantity, rate, Decimal::FromInt(1));
  return line;
}

const std::string& Sandbox::PartnerOf(const UsageLine& line) const {
  return customers_[line.plan->customer]->partner_tenant_id;
}

const std::string& Sandbox::CurrencyOf(const UsageLine& line) const { return line.plan->offer->market->currency; }

std::vector<UsageLine> Sandbox::UsageLines(const UsageLineFilter& filter) const {
  std::vector<UsageLine> out;
  const Instant now = Now();
  const Duration lag = Duration::Hours(policy_.Int(PolicyKey::kUsageDataLagHours, Today()));
  for (const auto& [key, record] : azure_.usage) {
    if (Instant::StartOf(key.day) + lag > now) break;  // ordered by day: the rest is later still
    if (filter.period && key.day.FirstOfMonth() != *filter.period) continue;
    if (filter.unbilled_only && record.invoice != UINT32_MAX) continue;
    if (filter.invoice && record.invoice != *filter.invoice) continue;
    UsageLine line = RateUsageLine(key, record);
    if (!filter.partner_tenant_id.empty() && PartnerOf(line) != filter.partner_tenant_id) continue;
    if (filter.currency && Lower(*filter.currency) != Lower(CurrencyOf(line))) continue;
    if (filter.has_pec && *filter.has_pec != line.has_pec) continue;
    out.push_back(line);
  }
  return out;
}

// --- the period close ------------------------------------------------------------------

std::vector<Ledger::BillingGroup> Sandbox::UsageBillingGroups(Date month_start) const {
  std::set<Ledger::BillingGroup> groups;
  for (const auto& [key, record] : azure_.usage) {
    if (key.day.FirstOfMonth() != month_start || record.invoice != UINT32_MAX) continue;
    const Subscription& plan = *subscriptions_[azure_.entitlements[key.entitlement].plan];
    groups.insert({customers_[plan.customer]->partner_tenant_id, plan.offer->market->currency});
  }
  return {groups.begin(), groups.end()};
}

void Sandbox::BillUsage(Date month_start, const std::vector<uint32_t>& invoices) {
  // Per invoice, one total per entitlement and meter, rounded down once.
  std::map<std::pair<uint32_t, std::pair<uint32_t, uint32_t>>, UsageTotal> totals;
  for (auto& [key, record] : azure_.usage) {
    if (key.day.FirstOfMonth() != month_start || record.invoice != UINT32_MAX) continue;
    UsageLine line = RateUsageLine(key, record);
    for (uint32_t i : invoices) {
      const Invoice& inv = ledger_.invoices()[i];
      if (inv.partner_tenant_id != PartnerOf(line) || inv.currency != CurrencyOf(line)) continue;
      record.invoice = i;
      totals[{i, {key.entitlement, key.meter}}].Add(record.quantity, line.amounts.effective_unit_price);
    }
  }
  for (const auto& [where, total] : totals) ledger_.AddToInvoice(where.first, total.RoundedDown());
}

}  // namespace pcsim
