#include "simulator/model/errors.h"
#include "simulator/policy/policy.h"

#include <algorithm>

#include "simulator/model/data_file.h"
#include "simulator/model/json_reader.h"

namespace pcsim {

// Defined in the generated embedded_fixtures.cc.
extern const std::string_view kEmbeddedMicrosoftPolicy;

namespace {

constexpr std::array<PolicyParameterInfo, static_cast<size_t>(PolicyKey::kCount)> kParameters = {{
    {PolicyKey::kEffectiveUnitPriceDecimals, "billing.effectiveUnitPriceDecimals", PolicyType::Integer},
    {PolicyKey::kRoundingAddQuantity, "billing.rounding.addQuantity", PolicyType::Rounding},
    {PolicyKey::kRoundingRemoveQuantity, "billing.rounding.removeQuantity", PolicyType::Rounding},
    {PolicyKey::kRoundingCancelImmediate, "billing.rounding.cancelImmediate", PolicyType::Rounding},
    {PolicyKey::kRoundingConvert, "billing.rounding.convert", PolicyType::Rounding},
    {PolicyKey::kRoundingMoveQuantity, "billing.rounding.moveQuantity", PolicyType::Rounding},
    {PolicyKey::kRoundingChangeBillingPlan, "billing.rounding.changeBillingPlan", PolicyType::Rounding},
    {PolicyKey::kRoundingShortenedCycle, "billing.rounding.shortenedCycle", PolicyType::Rounding},
    {PolicyKey::kLongCycleProration, "billing.longCycleProration", PolicyType::String},
    {PolicyKey::kPromotionPriceDecimals, "billing.promotionPriceDecimals", PolicyType::Integer},
    {PolicyKey::kInvoiceCloseDay, "invoices.closeDay", PolicyType::Integer},
    {PolicyKey::kInvoiceIdPrefix, "invoices.idPrefix", PolicyType::String},
    {PolicyKey::kInvoiceIdDigits, "invoices.idDigits", PolicyType::Integer},
    {PolicyKey::kFullRefundHours, "cancellation.fullRefundHours", PolicyType::Integer},
    {PolicyKey::kCancellationWindowHours, "cancellation.windowHours", PolicyType::Integer},
    {PolicyKey::kSeatReductionWindowHours, "seats.reductionWindowHours", PolicyType::Integer},
    {PolicyKey::kTriennialMidTermBillingChangeAllowed, "billingPlan.triennialMidTermChangeAllowed", PolicyType::Bool},
    {PolicyKey::kExpiredDays, "lifecycle.expiredDays", PolicyType::Integer},
    {PolicyKey::kDisabledDays, "lifecycle.disabledDays", PolicyType::Integer},
    {PolicyKey::kSuspendedAtTermEndDisabledDays, "lifecycle.suspendedAtTermEndDisabledDays", PolicyType::Integer},
    {PolicyKey::kCancelledAtTermEndRetentionDays, "lifecycle.cancelledAtTermEndRetentionDays", PolicyType::Integer},
    {PolicyKey::kEstEnforcementDate, "est.enforcementDate", PolicyType::Date},
    {PolicyKey::kEstEligiblePurchasedFrom, "est.eligiblePurchasedFrom", PolicyType::Date},
    {PolicyKey::kEstUpliftPercent, "est.upliftPercent", PolicyType::Decimal},
    {PolicyKey::kEstNoMonthlyUpliftPercent, "est.noMonthlyPlanUpliftPercent", PolicyType::Decimal},
    {PolicyKey::kEstNoMonthlyBase, "est.noMonthlyPlanBase", PolicyType::String},
    {PolicyKey::kEstPriceDecimals, "est.priceDecimals", PolicyType::Integer},
    {PolicyKey::kEstTermAndBillingCycle, "est.termAndBillingCycle", PolicyType::String},
    {PolicyKey::kScheduledActionsSandboxFrom, "scheduledActions.sandboxFrom", PolicyType::Date},
    {PolicyKey::kScheduledActionsProductionFrom, "scheduledActions.productionFrom", PolicyType::Date},
    {PolicyKey::kBackfillStart, "est.backfillStart", PolicyType::Date},
    {PolicyKey::kBackfillEnd, "est.backfillEnd", PolicyType::Date},
    {PolicyKey::kAutoRenewOffRuleFrom, "est.autoRenewOffRuleFrom", PolicyType::Date},
    {PolicyKey::kAutoRenewOffRuleDelayHours, "est.autoRenewOffRuleDelayHours", PolicyType::Integer},
    {PolicyKey::kEstAuditDownloadFrom, "est.auditDownloadFrom", PolicyType::Date},
    {PolicyKey::kMfaRequiredFrom, "auth.mfaRequiredFrom", PolicyType::Date},
    {PolicyKey::kSandboxEnforceQuotas, "sandbox.enforceQuotas", PolicyType::Bool},
    {PolicyKey::kSandboxMaxCustomers, "sandbox.maxCustomers", PolicyType::Integer},
    {PolicyKey::kSandboxMaxSubscriptionsPerCustomer, "sandbox.maxSubscriptionsPerCustomer", PolicyType::Integer},
    {PolicyKey::kSandboxMaxSeatsPerSubscription, "sandbox.maxSeatsPerSubscription", PolicyType::Integer},
    {PolicyKey::kCartExpiryDays, "carts.expiryDays", PolicyType::Integer},
    {PolicyKey::kOrderProvisioningSeconds, "orders.provisioningSeconds", PolicyType::Integer},
    {PolicyKey::kTermTextP1MMonthly, "termAndBillingCycle.P1M.monthly", PolicyType::String},
    {PolicyKey::kTermTextP1YMonthly, "termAndBillingCycle.P1Y.monthly", PolicyType::String},
    {PolicyKey::kTermTextP1YAnnual, "termAndBillingCycle.P1Y.annual", PolicyType::String},
    {PolicyKey::kTermTextP3YMonthly, "termAndBillingCycle.P3Y.monthly", PolicyType::String},
    {PolicyKey::kTermTextP3YAnnual, "termAndBillingCycle.P3Y.annual", PolicyType::String},
    {PolicyKey::kTermTextP3YTriennial, "termAndBillingCycle.P3Y.triennial", PolicyType::String},
    {PolicyKey::kTermTextTrial, "termAndBillingCycle.trial", PolicyType::String},
    {PolicyKey::kPecRate, "azure.partnerEarnedCreditRate", PolicyType::Decimal},
    {PolicyKey::kUsageDataLagHours, "azure.usageDataLagHours", PolicyType::Integer},
    {PolicyKey::kSandboxMaxAzurePlans, "sandbox.maxAzurePlans", PolicyType::Integer},
    {PolicyKey::kSandboxMaxAzureSubscriptionsPerPlan, "sandbox.maxAzureSubscriptionsPerPlan", PolicyType::Integer},
    {PolicyKey::kSandboxAzureSpendLimit, "sandbox.azureSpendLimitUsd", PolicyType::Decimal},
    {PolicyKey::kReconV2FirstPeriod, "reconciliation.v2FirstPeriod", PolicyType::Date},
    {PolicyKey::kReconV1ServedUntil, "reconciliation.v1ServedUntil", PolicyType::Date},
    {PolicyKey::kReconV1KeepServing, "reconciliation.v1KeepServing", PolicyType::Bool},
    {PolicyKey::kGraphExportDelaySeconds, "graphExport.delaySeconds", PolicyType::Integer},
    {PolicyKey::kGraphExportRowsPerBlob, "graphExport.rowsPerBlob", PolicyType::Integer},
    {PolicyKey::kGraphExportSasHours, "graphExport.sasHours", PolicyType::Integer},
}};

std::optional<PolicyValue> ParseValueText(PolicyType type, std::string_view text) {
  switch (type) {
    case PolicyType::Integer: {
      auto d = Decimal::Parse(text);
      if (!d || d->scale() != 0) return std::nullopt;
      return PolicyValue(d->units());
    }
    case PolicyType::Decimal: {
      auto d = Decimal::Parse(text);
      if (!d) return std::nullopt;
      return PolicyValue(*d);
    }
    case PolicyType::Date: {
      auto d = Date::Parse(text);
      if (!d) return std::nullopt;
      return PolicyValue(*d);
    }
    case PolicyType::String: return PolicyValue(std::string(text));
    case PolicyType::Bool:
      if (text == "true") return PolicyValue(true);
      if (text == "false") return PolicyValue(false);
      return std::nullopt;
    case PolicyType::Rounding:
      if (text == "truncate-total") return PolicyValue(Rounding::TruncateTotal);
      if (text == "truncate-unit-price") return PolicyValue(Rounding::TruncateUnitPrice);
      return std::nullopt;
  }
  return std::nullopt;
}

std::string_view TypeHint(PolicyType type) {
  switch (type) {
    case PolicyType::Integer: return "an integer";
    case PolicyType::Decimal: return "an exact decimal";
    case PolicyType::Date: return "a date YYYY-MM-DD";
    case PolicyType::String: return "a string";
    case PolicyType::Bool: return "true or false";
    case PolicyType::Rounding: return "truncate-total or truncate-unit-price";
  }
  return "a value";
}

// A JSON value as the text ParseValueText reads: strings as they are, numbers
// by their literal text (never through a float), booleans as true/false.
std::optional<std::string> JsonValueText(const nlohmann::json& v) {
  if (v.is_string()) return v.get<std::string>();
  if (v.is_boolean()) return v.get<bool>() ? "true" : "false";
  if (v.is_number_integer()) return v.dump();
  return std::nullopt;  // floats are refused: write decimals as strings
}

PolicyValue ReadValue(JsonObjectReader& r, const nlohmann::json& v, std::string_view key, PolicyType type) {
  auto text = JsonValueText(v);
  if (!text) r.Fail(key, std::string("expected ") + std::string(TypeHint(type)) + " (decimals as strings)");
  auto parsed = ParseValueText(type, *text);
  if (!parsed) r.Fail(key, std::string("expected ") + std::string(TypeHint(type)) + ", got \"" + Excerpt(*text) + "\"");
  return *parsed;
}

void RequireOnlyKeys(const nlohmann::json& object, const std::string& path, std::initializer_list<std::string_view> allowed) {
  JsonObjectReader r(object, path);  // fails unless an object
  for (auto it = object.begin(); it != object.end(); ++it)
    if (std::find(allowed.begin(), allowed.end(), it.key()) == allowed.end()) {
      DataFileError error;
      error.path = r.ChildPath(it.key());
      error.reason = "unknown key";
      error.node = &object;
      error.key = it.key();
      error.at_key = true;
      throw error;
    }
}

std::vector<DatedPolicyValue> ReadDatedValues(const nlohmann::json& list, const std::string& path, PolicyType type) {
  std::vector<DatedPolicyValue> values;
  for (size_t i = 0; i < list.size(); ++i) {
    std::string item_path = IndexPath(path, i);
    RequireOnlyKeys(list[i], item_path, {"from", "value"});
    JsonObjectReader e(list[i], item_path);
    DatedPolicyValue dv;
    dv.from = e.DateString("from");
    if (!e.Has("value")) e.Fail("value", "missing required key");
    dv.value = ReadValue(e, list[i]["value"], "value", type);
    if (!values.empty() && dv.from <= values.back().from)
      e.Fail("from", "dated values must be in increasing order of date");
    values.push_back(std::move(dv));
  }
  if (values.empty()) {
    DataFileError error;
    error.path = path;
    error.reason = "must list at least one value";
    error.node = &list;
    throw error;
  }
  return values;
}

}  // namespace

const PolicyParameterInfo& InfoOf(PolicyKey key) { return kParameters[static_cast<size_t>(key)]; }

std::optional<PolicyKey> FindPolicyKey(std::string_view name) {
  for (const auto& p : kParameters)
    if (p.name == name) return p.key;
  return std::nullopt;
}

Policy Policy::Read(const nlohmann::json& document) {
  JsonObjectReader r(document, "");
  Policy policy;
  r.Int("format", 1, 1);
  policy.name_ = r.String("name");
  r.OptionalString("description");
  const auto& params = r.Object("parameters");
  JsonObjectReader parameters(params, "parameters");
  for (auto it = params.begin(); it != params.end(); ++it) {
    std::string path = parameters.ChildPath(it.key());
    auto key = FindPolicyKey(it.key());
    if (!key) {
      DataFileError error;
      error.path = path;
      error.reason = "unknown policy parameter";
      error.node = &params;
      error.key = it.key();
      error.at_key = true;
      throw error;
    }
    const auto& info = InfoOf(*key);
    RequireOnlyKeys(it.value(), path, {"value", "values", "source"});
    JsonObjectReader p(it.value(), path);
    PolicyParameter param;
    param.source = p.String("source");
    if (param.source.empty()) p.Fail("source", "must name a document or say \"assumption\"");
    bool has_value = p.Has("value"), has_values = p.Has("values");
    if (has_value == has_values) p.FailHere("give exactly one of \"value\" or \"values\"");
    if (has_value)
      param.values.push_back({Date::Ymd(1970, 1, 1), ReadValue(p, it.value()["value"], "value", info.type)});
    else
      param.values = ReadDatedValues(p.Array("values"), p.ChildPath("values"), info.type);
    policy.parameters_[Index(*key)] = std::move(param);
  }
  for (const auto& info : kParameters)
    if (policy.parameters_[Index(info.key)].values.empty())
      parameters.Fail(info.name, "missing required parameter");
  r.RejectUnknownKeys();
  return policy;
}

StatusOr<Policy> Policy::FromJson(std::string_view text, std::string_view source) {
  std::optional<JsonDocument> doc;
  try {
    doc.emplace(text);
    return Read(doc->root());
  } catch (const DataFileError& e) {
    return Error<Err::DocumentInvalid>(LocatedMessage(source, text, doc ? &*doc : nullptr, e));
  } catch (const nlohmann::json::exception& e) {
    return Error<Err::DocumentInvalid>(std::string(source) + ": " + e.what());
  }
}

StatusOr<Policy> Policy::FromJsonValue(const nlohmann::json& document, std::string_view source) {
  try {
    return Read(document);
  } catch (const DataFileError& e) {
    return Error<Err::DocumentInvalid>(std::string(source) + ": " + e.Message());
  } catch (const nlohmann::json::exception& e) {
    return Error<Err::DocumentInvalid>(std::string(source) + ": " + e.what());
  }
}

const Policy& Policy::Microsoft() {
  static const Policy policy = [] {
    auto p = FromJson(kEmbeddedMicrosoftPolicy, "embedded microsoft policy");
    if (!p.ok()) throw std::logic_error(p.status().description());
    return *p;
  }();
  return policy;
}

const std::vector<std::string>& Policy::BuiltinNames() {
  static const std::vector<std::string> names = {"microsoft"};
  return names;
}

const Policy* Policy::Builtin(std::string_view name) {
  if (name == "microsoft") return &Microsoft();
  return nullptr;
}

std::string Policy::BuiltinNamesText() {
  std::string out;
  for (const std::string& name : BuiltinNames()) out += (out.empty() ? "" : ", ") + name;
  return out;
}

StatusOr<Policy> Policy::Load(std::string_view name_or_path) {
  if (const Policy* builtin = Builtin(name_or_path)) return *builtin;
  const std::string path(name_or_path);
  auto text = ReadDataFile(path, kMaxFileBytes);
  if (!text.ok()) {
    const std::string& why = text.status().description();
    if (why.rfind("cannot read the file", 0) == 0)  // no such file: the name may be a mistyped built-in one
      return Error<Err::DocumentInvalid>("unknown policy \"" + Excerpt(path) + "\" (not a built-in name: " + BuiltinNamesText() +
                                  "; " + why + ")");
    return Error<Err::DocumentInvalid>(Excerpt(path) + ": " + why);
  }
  return FromJson(*text, name_or_path);
}

Status Policy::Override(std::string_view key, std::string_view value) {
  auto k = FindPolicyKey(key);
  if (!k) return Error<Err::DocumentInvalid>("unknown policy parameter \"" + Excerpt(key) + "\"");
  const auto& info = InfoOf(*k);
  PolicyParameter& param = parameters_[Index(*k)];
  if (!value.empty() && value.front() == '[') {
    try {
      nlohmann::json list = ParseJsonDocument(value);
      if (!list.is_array()) return Error<Err::DocumentInvalid>(std::string(key) + ": expected a list of {from, value}");
      param.values = ReadDatedValues(list, std::string(key), info.type);
    } catch (const DataFileError& e) {
      // A syntax error gives its column in the value: "policy override KEY:1:9: malformed JSON: ...".
      return Error<Err::DocumentInvalid>("policy override " + (e.offset ? LocatedMessage(key, value, nullptr, e) : e.Message()));
    }
  } else {
    auto parsed = ParseValueText(info.type, value);
    if (!parsed)
      return Error<Err::DocumentInvalid>("policy override " + std::string(key) + ": expected " + std::string(TypeHint(info.type)) +
                                  ", got \"" + Excerpt(value) + "\"");
    param.values = {{Date::Ymd(1970, 1, 1), *parsed}};
  }
  param.overridden = true;
  param.source = "override";
  return OkStatus();
}

const PolicyValue& Policy::ValueAt(PolicyKey key, Date at) const {
  const auto& values = parameters_[Index(key)].values;
  const DatedPolicyValue* best = &values.front();
  for (const auto& v : values)
    if (v.from <= at) best = &v;
  return best->value;
}

std::string Policy::ToText(const PolicyValue& v) {
  struct Visitor {
    std::string operator()(int64_t n) const { return std::to_string(n); }
    std::string operator()(const Decimal& d) const { return d.ToString(); }
    std::string operator()(const Date& d) const { return d.ToString(); }
    std::string operator()(const std::string& s) const { return s; }
    std::string operator()(bool b) const { return b ? "true" : "false"; }
    std::string operator()(Rounding r) const {
      return r == Rounding::TruncateTotal ? "truncate-total" : "truncate-unit-price";
    }
  };
  return std::visit(Visitor{}, v);
}

}  // namespace pcsim
