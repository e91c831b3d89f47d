// Reading the JSON resources of Partner Center into the client's models, and
// the error body of a failed call.
#include "pcsim/client/partner_center_client.h"

#include <cstdlib>
#include <utility>

#include "client_internal.h"
#include "simulator/api/json_support.h"

namespace pcsim::client {

using nlohmann::json;

namespace internal {

std::string Str(const json& j, const char* key) {
  auto it = j.find(key);
  if (it == j.end() || !it->is_string()) return "";
  return it->get<std::string>();
}

int Int(const json& j, const char* key) {
  auto it = j.find(key);
  if (it == j.end()) return 0;
  if (it->is_number_integer()) return it->get<int>();
  return 0;
}

bool Bool(const json& j, const char* key) {
  auto it = j.find(key);
  return it != j.end() && it->is_boolean() && it->get<bool>();
}

// A money value of an exact DOM: the number's text, or an integer.
Decimal Money(const json& j, const char* key) {
  auto it = j.find(key);
  if (it == j.end()) return Decimal();
  if (it->is_number_integer()) return Decimal::FromInt(it->get<int64_t>());
  if (it->is_string()) {
    if (auto d = Decimal::Parse(it->get<std::string>())) return *d;
  }
  return Decimal();
}

StatusOr<json> ParseJson(const HttpResponse& response) {
  if (response.body.empty()) return json(nullptr);
  json j = json::parse(response.body, nullptr, false);
  if (j.is_discarded())
    return Status(502, 0, "the service answered " + std::to_string(response.status) + " with a body that is not JSON");
  return j;
}

StatusOr<json> ParseExact(const HttpResponse& response) {
  auto j = ParseExactJson(response.body);
  if (!j) return Status(502, 0, "the service answered with a body that is not JSON");
  return std::move(*j);
}

Customer CustomerFrom(const json& j) {
  Customer c;
  c.id = Str(j, "id");
  if (auto it = j.find("companyProfile"); it != j.end() && it->is_object()) {
    c.company_name = Str(*it, "companyName");
    c.domain = Str(*it, "domain");
  }
  if (auto it = j.find("billingProfile"); it != j.end() && it->is_object()) {
    if (c.company_name.empty()) c.company_name = Str(*it, "companyName");
    if (auto a = it->find("defaultAddress"); a != it->end() && a->is_object()) c.country = Str(*a, "country");
  }
  if (c.company_name.empty()) c.company_name = Str(j, "companyName");
  if (c.domain.empty()) c.domain = Str(j, "domain");
  c.relationship_to_partner = Str(j, "relationshipToPartner");
  c.raw = j;
  return c;
}

Order OrderFrom(const json& j) {
  Order o;
  o.id = Str(j, "id");
  o.status = Str(j, "status");
  o.creation_date = Str(j, "creationDate");
  if (auto it = j.find("lineItems"); it != j.end() && it->is_array())
    for (const json& l : *it)
      o.line_items.push_back(
          {Int(l, "lineItemNumber"), Str(l, "offerId"), Str(l, "subscriptionId"), Int(l, "quantity")});
  o.raw = j;
  return o;
}

std::vector<CartLineError> LineErrors(const json& j) {
  std::vector<CartLineError> out;
  if (auto it = j.find("orderErrors"); it != j.end() && it->is_array())
    for (const json& e : *it) out.push_back({Int(e, "orderGroupId"), Str(e, "code"), Str(e, "description")});
  if (auto it = j.find("lineItems"); it != j.end() && it->is_array())
    for (const json& l : *it)
      if (auto e = l.find("error"); e != l.end() && e->is_object())
        out.push_back({Int(l, "id"), Str(*e, "errorCode"), Str(*e, "errorDescription")});
  return out;
}

json ScheduledActionJson(const ScheduledAction& a) {
  json j = {{"scheduleType", a.schedule_type}, {"actionType", a.action_type}};
  if (!a.effective_date.empty()) j["effectiveDate"] = a.effective_date;
  if (!a.instructions.is_null()) j["instructions"] = a.instructions;
  return j;
}

Invoice InvoiceFrom(const json& j) {
  Invoice inv;
  inv.id = Str(j, "id");
  inv.invoice_date = Str(j, "invoiceDate");
  inv.currency_code = Str(j, "currencyCode");
  inv.total_charges = Money(j, "totalCharges");
  inv.amount_due = Money(j, "amountDue");
  inv.raw = j;
  return inv;
}

}  // namespace internal

using internal::Bool;
using internal::Int;
using internal::Money;
using internal::Str;

std::optional<nlohmann::json> ParseExactJson(std::string_view text) { return api::ParseExactJson(text); }

namespace {

// The text between <Tag> and </Tag> in an Azure Storage error body, or "".
std::string XmlElement(const std::string& xml, const std::string& tag) {
  const size_t open = xml.find("<" + tag + ">");
  if (open == std::string::npos) return "";
  const size_t from = open + tag.size() + 2;
  const size_t close = xml.find("</" + tag + ">", from);
  return close == std::string::npos ? "" : xml.substr(from, close - from);
}

}  // namespace

Status ErrorFromResponse(const HttpResponse& response) {
  json j = json::parse(response.body, nullptr, false);
  // Microsoft Graph: {"error": {"code": "itemNotFound", "message": "..."}}.
  if (j.is_object())
    if (auto e = j.find("error"); e != j.end() && e->is_object())
      return Status(response.status, 0, Str(*e, "code") + ": " + Str(*e, "message"));
  // Azure Storage (the export blobs): x-ms-error-code and an XML body.
  if (auto storage_code = response.Header("x-ms-error-code"))
    return Status(response.status, 0, *storage_code + ": " + XmlElement(response.body, "Message"));
  int code = 0;
  std::string description;
  if (j.is_object()) {
    if (auto it = j.find("code"); it != j.end()) {
      if (it->is_number_integer())
        code = it->get<int>();
      else if (it->is_string())
        code = std::atoi(it->get<std::string>().c_str());
    }
    description = Str(j, "description");
    if (description.empty()) description = Str(j, "message");  // the throttling body
    if (code == 0 && j.contains("statusCode") && j["statusCode"].is_number_integer()) code = j["statusCode"].get<int>();
  }
  if (description.empty())
    description = response.body.empty() ? "HTTP " + std::to_string(response.status) : response.body;
  return Status(response.status, code, description);
}

Subscription SubscriptionFromJson(const nlohmann::json& j, const std::string& customer_id) {
  Subscription s;
  s.id = Str(j, "id");
  s.customer_id = customer_id;
  s.offer_id = Str(j, "offerId");
  s.offer_name = Str(j, "offerName");
  s.friendly_name = Str(j, "friendlyName");
  s.quantity = Int(j, "quantity");
  s.status = Str(j, "status");
  s.auto_renew_enabled = Bool(j, "autoRenewEnabled");
  s.billing_cycle = Str(j, "billingCycle");
  s.term_duration = Str(j, "termDuration");
  s.creation_date = Str(j, "creationDate");
  s.effective_start_date = Str(j, "effectiveStartDate");
  s.commitment_end_date = Str(j, "commitmentEndDate");
  s.order_id = Str(j, "orderId");
  s.is_trial = Bool(j, "isTrial");
  s.is_in_extended_service_term = Bool(j, "isInExtendedServiceTerm");
  if (auto it = j.find("scheduledActions"); it != j.end() && it->is_array())
    for (const json& a : *it) {
      ScheduledAction action;
      action.schedule_type = Str(a, "scheduleType");
      action.action_type = Str(a, "actionType");
      action.effective_date = Str(a, "effectiveDate");
      if (auto in = a.find("instructions"); in != a.end()) action.instructions = *in;
      s.scheduled_actions.push_back(std::move(action));
    }
  if (auto it = j.find("attributes"); it != j.end() && it->is_object()) s.etag = Str(*it, "etag");
  s.raw = j;
  return s;
}

InvoiceLineItem InvoiceLineItemFromJson(const nlohmann::json& j) {
  InvoiceLineItem l;
  l.invoice_number = Str(j, "invoiceNumber");
  l.customer_id = Str(j, "customerId");
  l.subscription_id = Str(j, "subscriptionId");
  l.order_id = Str(j, "orderId");
  l.product_id = Str(j, "productId");
  l.sku_id = Str(j, "skuId");
  l.availability_id = Str(j, "availabilityId");
  l.charge_type = Str(j, "chargeType");
  auto q = Money(j, "quantity");
  l.quantity = static_cast<int>(q.units());
  l.unit_price = Money(j, "unitPrice");
  l.effective_unit_price = Money(j, "effectiveUnitPrice");
  l.subtotal = Money(j, "subtotal");
  l.tax_total = Money(j, "taxTotal");
  l.total_for_customer = Money(j, "totalForCustomer");
  l.currency = Str(j, "currency");
  l.charge_start_date = Str(j, "chargeStartDate");
  l.charge_end_date = Str(j, "chargeEndDate");
  l.term_and_billing_cycle = Str(j, "termAndBillingCycle");
  l.billing_frequency = Str(j, "billingFrequency");
  l.raw = j;
  return l;
}

}  // namespace pcsim::client
