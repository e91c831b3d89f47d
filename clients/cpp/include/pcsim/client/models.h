// The Partner Center resources the typed client reads and writes (the pages
// Customer, Cart, Order, Subscription and Invoice resources). Each model
// carries the fields an integration usually needs as typed members and the
// whole resource as `raw`, so nothing the service sent is lost. Money is
// pcsim::Decimal, read from the JSON number's own digits, never through a
// binary float.
#pragma once

#include <nlohmann/json.hpp>

#include <optional>
#include <string>
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

}  // namespace pcsim::client
