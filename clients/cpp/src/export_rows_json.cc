// Reading the rows of Microsoft Graph's billing export blobs (JSON lines,
// PascalCase keys; docs/graph-billing.md, "Rows") into the row models, owned
// (ReconciliationRow, UsageRow) or as views handed to a visitor
// (ReconciliationRowView, UsageRowView). Each key is read by one table entry:
// text, exact money, a whole number or a list of texts. Unknown keys are
// ignored; a key that is absent leaves its member empty or zero (the basic
// attribute set); a line that is not a JSON object, or a money value that is
// not an exact decimal number, is an error.
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

#include "client_internal.h"

namespace pcsim::client {

namespace {

// The text type of a row model: std::string or std::string_view.
template <typename Row>
using TextOf = std::remove_cvref_t<decltype(std::declval<Row&>().customer_id)>;

template <typename Row>
struct Keys {
  using Text = TextOf<Row>;
  std::vector<std::pair<const char*, Text Row::*>> text;
  std::vector<std::pair<const char*, Decimal Row::*>> money;
  std::vector<std::pair<const char*, int64_t Row::*>> whole;
  std::vector<std::pair<const char*, std::vector<Text> Row::*>> lists;
};

template <typename Text>
const Keys<BasicReconciliationRow<Text>>& ReconciliationKeys() {
  using R = BasicReconciliationRow<Text>;
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
      {{"Quantity", &R::quantity}},
      {{"ProductQualifiers", &R::product_qualifiers}}};
  return keys;
}

template <typename Text>
const Keys<BasicUsageRow<Text>>& UsageKeys() {
  using U = BasicUsageRow<Text>;
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
      {},
      {}};
  return keys;
}

// The member a key reads, with how its value is read.
template <typename Row>
struct Target {
  using Text = TextOf<Row>;
  enum Kind : uint8_t { kText, kMoney, kWhole, kList } kind = kText;
  std::string_view key;
  Text Row::*text = nullptr;
  Decimal Row::*money = nullptr;
  int64_t Row::*whole = nullptr;
  std::vector<Text> Row::*list = nullptr;
};

// Every key a row model reads, found by its unescaped text.
template <typename Row>
struct Targets {
  explicit Targets(const Keys<Row>& keys) {
    using T = Target<Row>;
    for (const auto& [key, member] : keys.text) all.push_back({T::kText, key, member});
    for (const auto& [key, member] : keys.money) all.push_back({T::kMoney, key, nullptr, member});
    for (const auto& [key, member] : keys.whole) all.push_back({T::kWhole, key, nullptr, nullptr, member});
    for (const auto& [key, member] : keys.lists) all.push_back({T::kList, key, nullptr, nullptr, nullptr, member});
    for (const T& t : all) by_key.emplace(t.key, &t);  // `all` is complete: its addresses stay
  }
  const Target<Row>* Find(std::string_view key) const {
    auto it = by_key.find(key);
    return it == by_key.end() ? nullptr : it->second;
  }
  std::vector<Target<Row>> all;
  std::unordered_map<std::string_view, const Target<Row>*> by_key;
};

// A value as text: a string unescaped, null as "", anything else (an object
// of tags, a number) as its JSON text. The view is valid while the row is
// read (a string's unescaped text lives in the parser's buffer for the
// current document, any other text in the input).
simdjson::error_code ReadView(simdjson::ondemand::value value, std::string_view& out) {
  simdjson::ondemand::json_type type;
  if (auto e = value.type().get(type)) return e;
  switch (type) {
    case simdjson::ondemand::json_type::string: return value.get_string().get(out);
    case simdjson::ondemand::json_type::null: out = {}; return simdjson::SUCCESS;
    case simdjson::ondemand::json_type::object:
    case simdjson::ondemand::json_type::array: return simdjson::to_json_string(value).get(out);
    default:
      out = value.raw_json_token();
      while (!out.empty() && (out.back() == ' ' || out.back() == '\t' || out.back() == '\r' || out.back() == '\n'))
        out.remove_suffix(1);
      return simdjson::SUCCESS;
  }
}

// An exact number: a JSON number read from its own digits (never through a
// binary float), or a string of digits; null is 0.
std::optional<Decimal> ReadExact(simdjson::ondemand::value value) {
  simdjson::ondemand::json_type type;
  if (value.type().get(type)) return std::nullopt;
  if (type == simdjson::ondemand::json_type::null) return Decimal();
  if (type != simdjson::ondemand::json_type::number && type != simdjson::ondemand::json_type::string) return std::nullopt;
  std::string_view text;
  if (ReadView(value, text)) return std::nullopt;
  return Decimal::Parse(text);
}

// A list of texts (ProductQualifiers).
template <typename Text>
Status ReadList(std::string_view key, simdjson::ondemand::value value, std::vector<Text>& out) {
  simdjson::ondemand::array array;
  if (value.get_array().get(array)) return Status(502, 0, std::string(key) + " is not an array");
  for (auto element : array) {
    simdjson::ondemand::value item;
    std::string_view text;
    if (element.get(item) || ReadView(item, text)) return Status(502, 0, std::string(key) + " is not valid JSON");
    out.emplace_back(text);
  }
  return OkStatus();
}

template <typename Row>
Status ReadField(simdjson::ondemand::value value, const Target<Row>& target, Row& row) {
  switch (target.kind) {
    case Target<Row>::kText: {
      std::string_view text;
      if (ReadView(value, text)) return Status(502, 0, std::string(target.key) + " is not valid JSON");
      row.*target.text = TextOf<Row>(text);
      return OkStatus();
    }
    case Target<Row>::kList: return ReadList(target.key, value, row.*target.list);
    case Target<Row>::kMoney: {
      auto d = ReadExact(value);
      if (!d) return Status(502, 0, std::string(target.key) + " is not an exact decimal number");
      row.*target.money = *d;
      return OkStatus();
    }
    case Target<Row>::kWhole: break;
  }
  auto d = ReadExact(value);
  if (!d || d->Normalized().scale() != 0) return Status(502, 0, std::string(target.key) + " is not a whole number");
  row.*target.whole = d->Normalized().units();
  return OkStatus();
}

// One row object: the keys `targets` knows are read, others skipped. Rows
// of one export list their keys in the same order, so the key found at each
// position of the previous row (`seen`) is tried first, by its raw text,
// before a lookup of the unescaped key.
template <typename Row>
Status ReadRow(simdjson::ondemand::document_reference document, const Targets<Row>& targets,
               std::vector<const Target<Row>*>& seen, Row& row) {
  simdjson::ondemand::object object;
  if (document.get_object().get(object)) return Status(502, 0, "not a JSON object");
  size_t position = 0;
  for (auto element : object) {
    simdjson::ondemand::field field;
    if (std::move(element).get(field)) return Status(502, 0, "not valid JSON");
    if (position == seen.size()) seen.push_back(nullptr);
    const Target<Row>*& target = seen[position++];
    if (target == nullptr || !field.key().unsafe_is_equal(target->key)) {
      std::string_view key;
      if (field.unescaped_key().get(key)) return Status(502, 0, "not valid JSON");
      target = targets.Find(key);
    }
    if (target != nullptr) PCSIM_RETURN_IF_ERROR(ReadField(field.value(), *target, row));
  }
  return OkStatus();
}

// Every row of JSON lines (`json`, with simdjson's padding past its end),
// read with simdjson and handed to `visit`. Blank lines are skipped; the
// first bad row is an error naming its line, and no later row is visited.
template <typename Row, typename Visit>
Status ForEachRow(simdjson::padded_string_view json, const Keys<Row>& keys, Visit&& visit) {
  static const Targets<Row> targets(keys);
  const std::string_view text(json.data(), json.size());
  if (text.find_first_not_of(" \t\r\n") == std::string_view::npos) return OkStatus();
  simdjson::ondemand::parser parser;
  simdjson::ondemand::document_stream stream;
  if (parser.iterate_many(json.data(), json.size(), std::max<size_t>(simdjson::dom::DEFAULT_BATCH_SIZE, 1 << 20))
          .get(stream))
    return Status(502, 0, "export rows: not JSON lines");
  // Line numbers for the errors: counted up to each row's first byte.
  size_t line = 1, counted_to = 0;
  auto line_at = [&](size_t offset) {
    line += static_cast<size_t>(std::count(text.begin() + counted_to, text.begin() + offset, '\n'));
    counted_to = offset;
    return "export row on line " + std::to_string(line) + ": ";
  };
  std::vector<const Target<Row>*> seen;
  for (auto it = stream.begin(); it != stream.end(); ++it) {
    const size_t offset = std::min(it.current_index(), text.size());
    if (it.error()) return Status(502, 0, line_at(offset) + "not a JSON object");
    Row row;
    if (Status s = ReadRow(*it, targets, seen, row); !s.ok()) return s.Prefixed(line_at(offset));
    PCSIM_RETURN_IF_ERROR(visit(row));
  }
  if (stream.truncated_bytes() != 0)
    return Status(502, 0, line_at(text.size() - stream.truncated_bytes()) + "not a JSON object");
  return OkStatus();
}

// `text` with simdjson's padding: in place when the string has the spare
// capacity (a blob gunzipped by the client has), else a padded copy in `copy`.
simdjson::padded_string_view Padded(const std::string& text, simdjson::padded_string& copy) {
  if (text.capacity() - text.size() >= simdjson::SIMDJSON_PADDING)
    return simdjson::padded_string_view(text.data(), text.size(), text.capacity());
  copy = simdjson::padded_string(text);
  return copy;
}

template <typename Row>
StatusOr<std::vector<Row>> Collect(simdjson::padded_string_view json, const Keys<Row>& keys) {
  std::vector<Row> rows;
  rows.reserve(static_cast<size_t>(std::count(json.data(), json.data() + json.size(), '\n')) + 1);
  PCSIM_RETURN_IF_ERROR(ForEachRow(json, keys, [&](Row& row) {
    rows.push_back(std::move(row));
    return OkStatus();
  }));
  return rows;
}

}  // namespace

StatusOr<std::vector<ReconciliationRow>> ReconciliationRowsFromJsonLines(std::string_view text) {
  return Collect(simdjson::padded_string(text), ReconciliationKeys<std::string>());
}

StatusOr<std::vector<UsageRow>> UsageRowsFromJsonLines(std::string_view text) {
  return Collect(simdjson::padded_string(text), UsageKeys<std::string>());
}

Status ForEachReconciliationRow(std::string_view text, const ReconciliationRowVisitor& visit) {
  return ForEachRow(simdjson::padded_string(text), ReconciliationKeys<std::string_view>(), visit);
}

Status ForEachUsageRow(std::string_view text, const UsageRowVisitor& visit) {
  return ForEachRow(simdjson::padded_string(text), UsageKeys<std::string_view>(), visit);
}

namespace internal {

StatusOr<std::vector<ReconciliationRow>> ReconciliationRowsIn(const std::string& text) {
  simdjson::padded_string copy;
  return Collect(Padded(text, copy), ReconciliationKeys<std::string>());
}
StatusOr<std::vector<UsageRow>> UsageRowsIn(const std::string& text) {
  simdjson::padded_string copy;
  return Collect(Padded(text, copy), UsageKeys<std::string>());
}
Status ForEachReconciliationRowIn(const std::string& text, const ReconciliationRowVisitor& visit) {
  simdjson::padded_string copy;
  return ForEachRow(Padded(text, copy), ReconciliationKeys<std::string_view>(), visit);
}
Status ForEachUsageRowIn(const std::string& text, const UsageRowVisitor& visit) {
  simdjson::padded_string copy;
  return ForEachRow(Padded(text, copy), UsageKeys<std::string_view>(), visit);
}

}  // namespace internal

}  // namespace pcsim::client
