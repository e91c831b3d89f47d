// Reading the rows of Microsoft Graph's billing export blobs (JSON lines,
// PascalCase keys; docs/graph-billing.md, "Rows") into ReconciliationRow and
// UsageRow. Each key is read by one table entry: text, exact money, or a
// whole number. Unknown keys are ignored; a key that is absent leaves its
// member empty or zero (the basic attribute set); a line that is not a JSON
// object, or a money value that is not an exact decimal number, is an error.
#include "pcsim/client/partner_center_client.h"

#include <limits>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace pcsim::client {

using nlohmann::json;

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

// A text value: a string as it is, null as "", anything else (an object of
// tags, a number) as its JSON text.
std::string Text(const json& value) {
  if (value.is_string()) return value.get<std::string>();
  if (value.is_null()) return "";
  return value.dump();
}

// An exact number of an exact DOM (ParseExactJson: a fraction is its text,
// an integer an integer); null is 0. nullopt for anything else.
std::optional<Decimal> ExactNumber(const json& value) {
  if (value.is_null()) return Decimal();
  if (value.is_number_integer()) {
    if (value.is_number_unsigned() && value.get<uint64_t>() > uint64_t(std::numeric_limits<int64_t>::max()))
      return std::nullopt;
    return Decimal::FromInt(value.get<int64_t>());
  }
  if (value.is_string()) return Decimal::Parse(value.get<std::string>());
  return std::nullopt;
}

// Reads the keys `keys` knows from one row object; the first bad value is an error.
template <typename Row>
Status ReadRow(const json& object, const Keys<Row>& keys, Row& row) {
  for (const auto& [key, member] : keys.text)
    if (auto it = object.find(key); it != object.end()) row.*member = Text(*it);
  for (const auto& [key, member] : keys.money)
    if (auto it = object.find(key); it != object.end()) {
      auto d = ExactNumber(*it);
      if (!d) return Status(502, 0, std::string(key) + " is not an exact decimal number: " + it->dump());
      row.*member = *d;
    }
  for (const auto& [key, member] : keys.whole)
    if (auto it = object.find(key); it != object.end()) {
      auto d = ExactNumber(*it);
      if (!d || d->Normalized().scale() != 0)
        return Status(502, 0, std::string(key) + " is not a whole number: " + it->dump());
      row.*member = d->Normalized().units();
    }
  return OkStatus();
}

// Every non-empty line of `text` as a Row, read by `read`.
template <typename Row, typename Read>
StatusOr<std::vector<Row>> RowsFromJsonLines(std::string_view text, Read read) {
  std::vector<Row> rows;
  size_t line_number = 0;
  for (size_t from = 0; from < text.size();) {
    size_t end = text.find('\n', from);
    if (end == std::string_view::npos) end = text.size();
    std::string_view line = text.substr(from, end - from);
    from = end + 1;
    ++line_number;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (line.empty()) continue;
    auto object = ParseExactJson(line);
    const std::string where = "export row on line " + std::to_string(line_number) + ": ";
    if (!object || !object->is_object()) return Status(502, 0, where + "not a JSON object");
    Row row;
    if (Status s = read(*object, row); !s.ok()) return s.Prefixed(where);
    row.raw = std::move(*object);
    rows.push_back(std::move(row));
  }
  return rows;
}

}  // namespace

StatusOr<std::vector<ReconciliationRow>> ReconciliationRowsFromJsonLines(std::string_view text) {
  return RowsFromJsonLines<ReconciliationRow>(text, [](const json& object, ReconciliationRow& row) {
    PCSIM_RETURN_IF_ERROR(ReadRow(object, ReconciliationKeys(), row));
    if (auto it = object.find("ProductQualifiers"); it != object.end() && it->is_array())
      for (const json& q : *it) row.product_qualifiers.push_back(Text(q));
    return OkStatus();
  });
}

StatusOr<std::vector<UsageRow>> UsageRowsFromJsonLines(std::string_view text) {
  return RowsFromJsonLines<UsageRow>(
      text, [](const json& object, UsageRow& row) { return ReadRow(object, UsageKeys(), row); });
}

}  // namespace pcsim::client
