// Reading the rows of Microsoft Graph's billing export blobs (JSON lines,
// PascalCase keys; docs/graph-billing.md, "Rows") into ReconciliationRow and
// UsageRow. Each key is read by one table entry: text, exact money, or a
// whole number. Unknown keys are ignored; a key that is absent leaves its
// member empty or zero (the basic attribute set); a line that is not a JSON
// object, or a money value that is not an exact decimal number, is an error.
#include "pcsim/client/partner_center_client.h"

#include <simdjson.h>

#include <algorithm>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <unordered_map>
#include <utility>
#include <vector>

namespace pcsim::client {

namespace {

template <typename Row>
struct Keys {
  std::vector<std::pair<const char*, std::string Row::*>> text;
  std::vector<std::pair<const char*, Decimal Row::*>> money;
  std::vector<std::pair<const char*, int64_t Row::*>> whole;
};

const Keys<ReconciliationRow>& ReconciliationKeys() {
  using R = ReconciliationRow;
  static const Keys<R> keys = {
      {{"PartnerId", &R::partner_id}, {"CustomerId", &R::customer_id}, {"CustomerName", &R::customer_name},
       {"CustomerDomainName", &R::customer_domain_name}, {"CustomerCountry", &R::customer_country},
       {"InvoiceNumber", &R::invoice_number}, {"MpnId", &R::mpn_id}, {"ResellerMpnId", &R::reseller_mpn_id},
       {"OrderId", &R::order_id}, {"OrderDate", &R::order_date}, {"ProductId", &R::product_id},
       {"SkuId", &R::sku_id}, {"AvailabilityId", &R::availability_id}, {"SkuName", &R::sku_name},
       {"ProductName", &R::product_name}, {"ChargeType", &R::charge_type}, {"Currency", &R::currency},
       {"PriceAdjustmentDescription", &R::price_adjustment_description}, {"PublisherName", &R::publisher_name},
       {"PublisherId", &R::publisher_id}, {"SubscriptionDescription", &R::subscription_description},
       {"SubscriptionId", &R::subscription_id}, {"ChargeStartDate", &R::charge_start_date},
       {"ChargeEndDate", &R::charge_end_date}, {"TermAndBillingCycle", &R::term_and_billing_cycle},
       {"UnitType", &R::unit_type}, {"AlternateId", &R::alternate_id}, {"BillingFrequency", &R::billing_frequency},
       {"PricingCurrency", &R::pricing_currency}, {"PCToBCExchangeRateDate", &R::pc_to_bc_exchange_rate_date},
       {"MeterDescription", &R::meter_description}, {"ReservationOrderId", &R::reservation_order_id},
       {"CreditReasonCode", &R::credit_reason_code}, {"SubscriptionStartDate", &R::subscription_start_date},
       {"SubscriptionEndDate", &R::subscription_end_date}, {"ReferenceId", &R::reference_id},
       {"PromotionId", &R::promotion_id}},
      {{"UnitPrice", &R::unit_price}, {"Subtotal", &R::subtotal}, {"TaxTotal", &R::tax_total}, {"Total", &R::total},
       {"EffectiveUnitPrice", &R::effective_unit_price}, {"BillableQuantity", &R::billable_quantity},
       {"PCToBCExchangeRate", &R::pc_to_bc_exchange_rate}},
      {{"Quantity", &R::quantity}}};
  return keys;
}

const Keys<UsageRow>& UsageKeys() {
  using U = UsageRow;
  static const Keys<U> keys = {
      {{"AdditionalInfo", &U::additional_info}, {"AvailabilityId", &U::availability_id},
       {"BenefitID", &U::benefit_id}, {"BenefitOrderID", &U::benefit_order_id}, {"BenefitType", &U::benefit_type},
       {"BillingCurrency", &U::billing_currency}, {"ChargeStartDate", &U::charge_start_date},
       {"ChargeEndDate", &U::charge_end_date}, {"ChargeType", &U::charge_type},
       {"ConsumedService", &U::consumed_service}, {"CreditType", &U::credit_type},
       {"CustomerCountry", &U::customer_country}, {"CustomerDomainName", &U::customer_domain_name},
       {"CustomerId", &U::customer_id}, {"CustomerName", &U::customer_name},
       {"EntitlementDescription", &U::entitlement_description}, {"EntitlementId", &U::entitlement_id},
       {"InvoiceNumber", &U::invoice_number}, {"MeterCategory", &U::meter_category}, {"MeterId", &U::meter_id},
       {"MeterName", &U::meter_name}, {"MeterRegion", &U::meter_region}, {"MeterSubCategory", &U::meter_sub_category},
       {"MeterType", &U::meter_type}, {"MpnId", &U::mpn_id}, {"PartnerId", &U::partner_id},
       {"PartnerName", &U::partner_name}, {"PricingCurrency", &U::pricing_currency}, {"ProductId", &U::product_id},
       {"ProductName", &U::product_name}, {"PublisherId", &U::publisher_id}, {"PublisherName", &U::publisher_name},
       {"ResourceGroup", &U::resource_group}, {"ResourceLocation", &U::resource_location},
       {"ResourceURI", &U::resource_uri}, {"ServiceInfo1", &U::service_info1}, {"ServiceInfo2", &U::service_info2},
       {"SkuId", &U::sku_id}, {"SkuName", &U::sku_name}, {"SubscriptionDescription", &U::subscription_description},
       {"SubscriptionId", &U::subscription_id}, {"Tags", &U::tags}, {"Tier2MpnId", &U::tier2_mpn_id},
       {"Unit", &U::unit}, {"UnitType", &U::unit_type}, {"UsageDate", &U::usage_date}},
      {{"BillingPreTaxTotal", &U::billing_pre_tax_total}, {"CreditPercentage", &U::credit_percentage},
       {"EffectiveUnitPrice", &U::effective_unit_price},
       {"PartnerEarnedCreditPercentage", &U::partner_earned_credit_percentage},
       {"PCToBCExchangeRate", &U::pc_to_bc_exchange_rate}, {"PricingPreTaxTotal", &U::pricing_pre_tax_total},
       {"Quantity", &U::quantity}, {"UnitPrice", &U::unit_price}},
      {}};
  return keys;
}

// The member a key reads, with how its value is read.
template <typename Row>
struct Target {
  enum Kind : uint8_t { kText, kMoney, kWhole } kind = kText;
  std::string Row::*text = nullptr;
  Decimal Row::*money = nullptr;
  int64_t Row::*whole = nullptr;
};

template <typename Row>
std::unordered_map<std::string_view, Target<Row>> TargetsOf(const Keys<Row>& keys) {
  std::unordered_map<std::string_view, Target<Row>> targets;
  for (const auto& [key, member] : keys.text) targets[key] = {Target<Row>::kText, member, nullptr, nullptr};
  for (const auto& [key, member] : keys.money) targets[key] = {Target<Row>::kMoney, nullptr, member, nullptr};
  for (const auto& [key, member] : keys.whole) targets[key] = {Target<Row>::kWhole, nullptr, nullptr, member};
  return targets;
}

// A text value: a string as it is, null as "", anything else (an object of
// tags, a number) as its JSON text.
simdjson::error_code ReadText(simdjson::ondemand::value value, std::string& out) {
  simdjson::ondemand::json_type type;
  if (auto e = value.type().get(type)) return e;
  std::string_view text;
  if (type == simdjson::ondemand::json_type::string) {
    if (auto e = value.get_string().get(text)) return e;
    out.assign(text);
  } else if (type == simdjson::ondemand::json_type::null) {
    out.clear();
  } else if (type == simdjson::ondemand::json_type::object || type == simdjson::ondemand::json_type::array) {
    if (auto e = simdjson::to_json_string(value).get(text)) return e;
    out.assign(text);
  } else {
    out.assign(value.raw_json_token());
    while (!out.empty() && (out.back() == ' ' || out.back() == '\t' || out.back() == '\r' || out.back() == '\n'))
      out.pop_back();
  }
  return simdjson::SUCCESS;
}

// An exact number: a JSON number read from its own digits (never through a
// binary float), or a string of digits; null is 0.
std::optional<Decimal> ReadExact(simdjson::ondemand::value value) {
  simdjson::ondemand::json_type type;
  if (value.type().get(type)) return std::nullopt;
  if (type == simdjson::ondemand::json_type::null) return Decimal();
  std::string text;
  if (type != simdjson::ondemand::json_type::number && type != simdjson::ondemand::json_type::string) return std::nullopt;
  if (ReadText(value, text)) return std::nullopt;
  return Decimal::Parse(text);
}

template <typename Row>
Status ReadField(std::string_view key, simdjson::ondemand::value value, const Target<Row>& target, Row& row) {
  if (target.kind == Target<Row>::kText) {
    if (ReadText(value, row.*target.text)) return Status(502, 0, std::string(key) + " is not valid JSON");
    return OkStatus();
  }
  auto d = ReadExact(value);
  if (target.kind == Target<Row>::kMoney) {
    if (!d) return Status(502, 0, std::string(key) + " is not an exact decimal number");
    row.*target.money = *d;
    return OkStatus();
  }
  if (!d || d->Normalized().scale() != 0) return Status(502, 0, std::string(key) + " is not a whole number");
  row.*target.whole = d->Normalized().units();
  return OkStatus();
}

// ProductQualifiers: an array of texts.
Status ReadQualifiers(simdjson::ondemand::value value, std::vector<std::string>& out) {
  simdjson::ondemand::array array;
  if (value.get_array().get(array)) return Status(502, 0, "ProductQualifiers is not an array");
  for (auto element : array) {
    simdjson::ondemand::value item;
    if (element.get(item)) return Status(502, 0, "ProductQualifiers is not valid JSON");
    std::string text;
    if (ReadText(item, text)) return Status(502, 0, "ProductQualifiers is not valid JSON");
    out.push_back(std::move(text));
  }
  return OkStatus();
}

// One row object: the keys `targets` knows are read, others skipped.
template <typename Row>
Status ReadRow(simdjson::ondemand::document_reference document,
               const std::unordered_map<std::string_view, Target<Row>>& targets, Row& row) {
  simdjson::ondemand::object object;
  if (document.get_object().get(object)) return Status(502, 0, "not a JSON object");
  for (auto field : object) {
    std::string_view key;
    simdjson::ondemand::value value;
    if (field.unescaped_key().get(key) || field.value().get(value)) return Status(502, 0, "not valid JSON");
    if (auto it = targets.find(key); it != targets.end()) {
      PCSIM_RETURN_IF_ERROR(ReadField(key, value, it->second, row));
    } else if constexpr (std::is_same_v<Row, ReconciliationRow>) {
      if (key == "ProductQualifiers") PCSIM_RETURN_IF_ERROR(ReadQualifiers(value, row.product_qualifiers));
    }
  }
  return OkStatus();
}

// Every row of JSON lines, read with simdjson: a million rows of the full
// attribute set (1.4 GB) are read in seconds. Blank lines are skipped; the
// first bad row is an error naming it, never a partial answer.
template <typename Row>
StatusOr<std::vector<Row>> RowsFromJsonLines(std::string_view text, const Keys<Row>& keys) {
  static const auto targets = TargetsOf(keys);
  std::vector<Row> rows;
  if (text.find_first_not_of(" \t\r\n") == std::string_view::npos) return rows;
  rows.reserve(static_cast<size_t>(std::count(text.begin(), text.end(), '\n')) + 1);
  const simdjson::padded_string padded(text);
  simdjson::ondemand::parser parser;
  simdjson::ondemand::document_stream stream;
  if (parser.iterate_many(padded, std::max<size_t>(simdjson::dom::DEFAULT_BATCH_SIZE, 1 << 20)).get(stream))
    return Status(502, 0, "export rows: not JSON lines");
  // Line numbers for the errors: counted up to each row's first byte.
  size_t line = 1, counted_to = 0;
  auto line_at = [&](size_t offset) {
    line += static_cast<size_t>(std::count(text.begin() + counted_to, text.begin() + offset, '\n'));
    counted_to = offset;
    return "export row on line " + std::to_string(line) + ": ";
  };
  for (auto it = stream.begin(); it != stream.end(); ++it) {
    const size_t offset = std::min(it.current_index(), text.size());
    if (it.error()) return Status(502, 0, line_at(offset) + "not a JSON object");
    Row row;
    if (Status s = ReadRow(*it, targets, row); !s.ok()) return s.Prefixed(line_at(offset));
    rows.push_back(std::move(row));
  }
  if (stream.truncated_bytes() != 0)
    return Status(502, 0, line_at(text.size() - stream.truncated_bytes()) + "not a JSON object");
  return rows;
}

}  // namespace

StatusOr<std::vector<ReconciliationRow>> ReconciliationRowsFromJsonLines(std::string_view text) {
  return RowsFromJsonLines<ReconciliationRow>(text, ReconciliationKeys());
}

StatusOr<std::vector<UsageRow>> UsageRowsFromJsonLines(std::string_view text) {
  return RowsFromJsonLines<UsageRow>(text, UsageKeys());
}

}  // namespace pcsim::client
