// The Partner Center resources the typed client reads and writes (the pages
// Customer, Cart, Order, Subscription and Invoice resources), and the
// operations, manifests and rows of Microsoft Graph's partner billing
// exports. Each model carries the fields an integration usually needs as
// typed members and the whole resource as `raw`, so nothing the service sent
// is lost. Money is pcsim::Decimal, read from the JSON number's own digits,
// never through a binary float.
#pragma once

#include <nlohmann/json.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "simulator/money/decimal.h"

namespace pcsim::client {

using HeaderList = std::vector<std::pair<std::string, std::string>>;

struct Address {
  std::string first_name;
  std::string last_name;
  std::string address_line1;
  std::string city;
  std::string state;
  std::string postal_code;
  std::string country;  // ISO 3166 alpha-2, "US"
};

// What POST /v1/customers needs.
struct NewCustomer {
  std::string company_name;
  std::string domain;  // "contoso.onmicrosoft.com"
  std::string email;
  std::string culture = "en-US";
  std::string language = "en";
  Address address;
};

struct Customer {
  std::string id;
  std::string company_name;
  std::string domain;
  std::string country;
  std::string relationship_to_partner;
  nlohmann::json raw;
};

// The Microsoft Customer Agreement acceptance (POST /v1/customers/{id}/agreements).
struct AgreementAcceptance {
  std::string first_name;
  std::string last_name;
  std::string email;
  std::string date_agreed;  // RFC 3339
  std::string template_id = "117a77b0-9360-443b-8795-c6dedc750cf9";
  std::string type = "MicrosoftCustomerAgreement";
};

struct Availability {
  std::string id;
  std::string product_id;
  std::string sku_id;
  std::string catalog_item_id;  // "PRODUCT:SKU:AVAILABILITY", what a cart line takes
  std::vector<std::string> term_durations;  // "P1M", "P1Y", "P3Y"
  nlohmann::json raw;
};

// One line of a new cart.
struct CartLineItem {
  std::string catalog_item_id;
  int quantity = 1;
  std::string term_duration;  // "P1Y"
  std::string billing_cycle;  // "Monthly", "Annual", "Triennial"
  std::string promotion_id;   // optional
  std::string custom_term_end_date;  // optional, RFC 3339
  std::string friendly_name;  // optional
};

struct CartLineError {
  int line_item_id = 0;
  std::string error_code;
  std::string error_description;
};

struct Cart {
  std::string id;
  std::vector<nlohmann::json> line_items;
  std::vector<CartLineError> errors;
  nlohmann::json raw;
};

struct OrderLineItem {
  int line_item_number = 0;
  std::string offer_id;
  std::string subscription_id;
  int quantity = 0;
};

struct Order {
  std::string id;
  std::string status;  // "pending", "completed", "cancelled"
  std::string creation_date;
  std::vector<OrderLineItem> line_items;
  nlohmann::json raw;
};

struct CheckoutResult {
  std::vector<Order> orders;
  std::vector<CartLineError> errors;
  nlohmann::json raw;
};

// One entry of a subscription's scheduledActions.
struct ScheduledAction {
  std::string schedule_type = "TermEnd";  // "TermEnd" or "CustomDate"
  std::string action_type;  // "Cancel", "RenewToNewTerm", "RenewToExtendedServiceTerm", "Transition"
  std::string effective_date;  // for CustomDate
  nlohmann::json instructions;  // ScheduledNextTermInstructions, or null
};

struct Subscription {
  std::string id;
  std::string customer_id;  // from the request path; Partner Center's resource has no such key
  std::string offer_id;
  std::string offer_name;
  std::string friendly_name;
  int quantity = 0;
  std::string status;  // "active", "suspended", "deleted", "expired", "disabled", "pending"
  bool auto_renew_enabled = false;
  std::string billing_cycle;  // "monthly", "annual", ...
  std::string term_duration;  // "P1Y"
  std::string creation_date;
  std::string effective_start_date;  // RFC 3339
  std::string commitment_end_date;   // RFC 3339
  std::string order_id;
  bool is_trial = false;
  bool is_in_extended_service_term = false;
  std::vector<ScheduledAction> scheduled_actions;
  std::string etag;
  nlohmann::json raw;  // the resource as received; UpdateSubscription sends it back with the typed fields applied

  // "YYYY-MM-DD" of commitment_end_date.
  std::string CommitmentEndDay() const { return commitment_end_date.substr(0, 10); }
};

struct Invoice {
  std::string id;
  std::string invoice_date;
  std::string currency_code;
  Decimal total_charges;
  Decimal amount_due;
  nlohmann::json raw;
};

// A new-commerce reconciliation line (billed or unbilled).
struct InvoiceLineItem {
  std::string invoice_number;
  std::string customer_id;
  std::string subscription_id;
  std::string order_id;
  std::string product_id;
  std::string sku_id;
  std::string availability_id;
  std::string charge_type;  // "new", "cycleCharge", "addQuantity", "removeQuantity", "cancelImmediate", "renew", ...
  int quantity = 0;
  Decimal unit_price;
  Decimal effective_unit_price;
  Decimal subtotal;
  Decimal tax_total;
  Decimal total_for_customer;
  std::string currency;
  std::string charge_start_date;  // RFC 3339
  std::string charge_end_date;
  std::string term_and_billing_cycle;
  std::string billing_frequency;
  nlohmann::json raw;  // fractional numbers are kept as their exact decimal text (strings)
};

// Which price sheet to download (Get a price sheet).
struct PriceSheetRequest {
  std::string market = "US";                 // two-letter country code
  std::string view = "updatedlicensebased";  // or "licensebasedest", "azure_consumption"
  std::string timeline;                      // empty: the service's default, current; "history", "future"
  std::string month;                         // YYYYMM, with timeline "history"
};

// --- Microsoft Graph partner billing exports (docs/graph-billing.md) ---------------

enum class BillingExportKind { BilledReconciliation, UnbilledReconciliation, BilledUsage, UnbilledUsage };
// Which attributes each row carries: every one, or those a reconciliation needs.
enum class ExportAttributeSet { Full, Basic };
// An unbilled export's period: the calendar month of today, or the one before.
enum class ExportBillingPeriod { Current, Last };

// What POST {graph}/reports/partners/billing/{reconciliation|usage}/{billed|unbilled}/export sends.
struct BillingExportRequest {
  BillingExportKind kind = BillingExportKind::BilledReconciliation;
  ExportAttributeSet attribute_set = ExportAttributeSet::Full;
  std::string invoice_id;     // billed exports
  std::string currency_code;  // unbilled exports: "USD"
  ExportBillingPeriod billing_period = ExportBillingPeriod::Current;  // unbilled exports

  static BillingExportRequest Billed(BillingExportKind kind, std::string invoice_id,
                                     ExportAttributeSet set = ExportAttributeSet::Full) {
    return {kind, set, std::move(invoice_id), "", ExportBillingPeriod::Current};
  }
  static BillingExportRequest Unbilled(BillingExportKind kind, std::string currency_code, ExportBillingPeriod period,
                                       ExportAttributeSet set = ExportAttributeSet::Full) {
    return {kind, set, "", std::move(currency_code), period};
  }
};

// A GET of an export's operation.
struct BillingOperation {
  std::string id;
  std::string status;  // "notStarted", "running", "succeeded", "failed"
  std::string created_date_time;
  std::string last_action_date_time;
  std::string manifest_url;  // succeeded: resourceLocation@odata.navigationLink
  // failed: Microsoft's error code ("5000") and message.
  std::string error_code;
  std::string error_message;
  int64_t retry_after_seconds = 0;  // running: the answer's Retry-After (0 when absent)
  nlohmann::json raw;  // the whole answer (a succeeded one has the manifest inline in resourceLocation)
};

struct ExportBlob {
  std::string name;  // "part-00000-{id}.c000.json.gz"
  std::string partition_value;
};

// An export's manifest: where its blobs are and the SAS token that reads them.
struct ExportManifest {
  std::string id;
  std::string schema_version;
  std::string data_format;  // "compressedJSON"
  std::string created_date_time;
  std::string etag;
  std::string partner_tenant_id;
  std::string root_directory;  // absolute ("https://...blob.core.windows.net/...") or a path (in process)
  std::string sas_token;       // without a leading '?'; valid for a limited time
  std::string partition_type;
  int64_t blob_count = 0;
  std::vector<ExportBlob> blobs;
  nlohmann::json raw;

  // rootDirectory + "/" + name + "?" + sasToken.
  std::string BlobUrl(const ExportBlob& blob) const { return root_directory + "/" + blob.name + "?" + sas_token; }
};

// The rows of the exports come in two forms, one definition each: Text is
// std::string for rows a caller keeps (ReconciliationRow, UsageRow), and
// std::string_view for rows handed to a visitor while their blob is read
// (ReconciliationRowView, UsageRowView: no copy of any text; the views are
// valid only during the visitor's call).
//
// One row of a billed or unbilled reconciliation export: the columns of the
// new-commerce invoice reconciliation file (PascalCase keys on the wire).
// Keys absent from the row (the basic attribute set) are left empty or zero.
template <typename Text>
struct BasicReconciliationRow {
  Text partner_id, customer_id, customer_name, customer_domain_name, customer_country;
  Text invoice_number;  // empty in an unbilled export
  Text mpn_id, reseller_mpn_id, order_id, order_date;
  Text product_id, sku_id, availability_id, sku_name, product_name;
  Text charge_type;  // "new", "cycleCharge", "addQuantity", "removeQuantity", "renew", ...
  Decimal unit_price;
  int64_t quantity = 0;
  Decimal subtotal, tax_total, total;
  Text currency;
  Text price_adjustment_description, publisher_name, publisher_id, subscription_description;
  Text subscription_id;
  Text charge_start_date, charge_end_date;  // RFC 3339
  Text term_and_billing_cycle;
  Decimal effective_unit_price;
  Text unit_type, alternate_id;
  Decimal billable_quantity;
  Text billing_frequency;  // empty in an unbilled export
  Text pricing_currency;
  Decimal pc_to_bc_exchange_rate;
  Text pc_to_bc_exchange_rate_date;
  Text meter_description, reservation_order_id, credit_reason_code;
  Text subscription_start_date, subscription_end_date;
  Text reference_id;  // shared by the lines of one charge event
  std::vector<Text> product_qualifiers;  // "AddOn", "Trial"
  Text promotion_id;
};

// One row of a billed or unbilled usage export: a day of rated Azure usage
// (Microsoft Graph's "attributeSet enum type" keys).
template <typename Text>
struct BasicUsageRow {
  Text additional_info, availability_id, benefit_id, benefit_order_id, benefit_type;
  Text billing_currency;
  Decimal billing_pre_tax_total;
  Text charge_start_date, charge_end_date, charge_type, consumed_service;
  Decimal credit_percentage;
  Text credit_type, customer_country, customer_domain_name, customer_id, customer_name;
  Decimal effective_unit_price;
  Text entitlement_description, entitlement_id;
  Text invoice_number;  // empty in an unbilled export
  Text meter_category, meter_id, meter_name, meter_region, meter_sub_category, meter_type;
  Text mpn_id;
  Decimal partner_earned_credit_percentage;  // 0.15 for 15%
  Text partner_id, partner_name;
  Decimal pc_to_bc_exchange_rate;
  Text pricing_currency;
  Decimal pricing_pre_tax_total;
  Text product_id, product_name, publisher_id, publisher_name;
  Decimal quantity;
  Text resource_group, resource_location, resource_uri, service_info1, service_info2;
  Text sku_id, sku_name, subscription_description, subscription_id, tags, tier2_mpn_id, unit;
  Decimal unit_price;
  Text unit_type;
  Text usage_date;  // RFC 3339
};

using ReconciliationRow = BasicReconciliationRow<std::string>;
using ReconciliationRowView = BasicReconciliationRow<std::string_view>;
using UsageRow = BasicUsageRow<std::string>;
using UsageRowView = BasicUsageRow<std::string_view>;

}  // namespace pcsim::client
