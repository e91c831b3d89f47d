// The calls on customers, their agreements, offers' availabilities, carts and
// orders.
#include "pcsim/client/partner_center_client.h"

#include <utility>

#include "client_internal.h"

namespace pcsim::client {

using nlohmann::json;
using namespace internal;

StatusOr<Customer> PartnerCenterClient::CreateCustomer(const NewCustomer& c) {
  json address = {{"FirstName", c.address.first_name},
                  {"LastName", c.address.last_name},
                  {"AddressLine1", c.address.address_line1},
                  {"City", c.address.city},
                  {"State", c.address.state},
                  {"PostalCode", c.address.postal_code},
                  {"Country", c.address.country}};
  json body = {{"CompanyProfile", {{"Domain", c.domain}}},
               {"BillingProfile",
                {{"Culture", c.culture},
                 {"Email", c.email},
                 {"Language", c.language},
                 {"CompanyName", c.company_name},
                 {"DefaultAddress", address}}}};
  auto r = Call("POST", "/v1/customers", body.dump());
  if (!r.ok()) return r.status();
  auto j = ParseJson(*r);
  if (!j.ok()) return j.status();
  return CustomerFrom(*j);
}

StatusOr<Customer> PartnerCenterClient::GetCustomer(const std::string& customer_id) {
  return MapResource(Call("GET", "/v1/customers/" + UrlEncode(customer_id)),
                     [](const json& j) { return CustomerFrom(j); });
}

StatusOr<std::vector<Customer>> PartnerCenterClient::ListCustomers() {
  return MapItems(GetAllPages("/v1/customers?size=100"), [](const json& j) { return CustomerFrom(j); });
}

Status PartnerCenterClient::AcceptAgreement(const std::string& customer_id, const AgreementAcceptance& a) {
  json body = {{"primaryContact", {{"firstName", a.first_name}, {"lastName", a.last_name}, {"email", a.email}}},
               {"templateId", a.template_id},
               {"dateAgreed", a.date_agreed},
               {"type", a.type}};
  auto r = Call("POST", "/v1/customers/" + UrlEncode(customer_id) + "/agreements", body.dump());
  return r.ok() ? OkStatus() : r.status();
}

StatusOr<std::vector<Availability>> PartnerCenterClient::ListAvailabilities(const std::string& product_id,
                                                                            const std::string& sku_id,
                                                                            const std::string& country) {
  auto items = GetAllPages("/v1/products/" + UrlEncode(product_id) + "/skus/" + UrlEncode(sku_id) +
                           "/availabilities?country=" + UrlEncode(country));
  if (!items.ok()) return items.status();
  std::vector<Availability> out;
  for (const json& j : *items) {
    Availability a;
    a.id = Str(j, "id");
    a.product_id = Str(j, "productId");
    a.sku_id = Str(j, "skuId");
    a.catalog_item_id = Str(j, "catalogItemId");
    if (auto t = j.find("terms"); t != j.end() && t->is_array())
      for (const json& term : *t) a.term_durations.push_back(Str(term, "duration"));
    a.raw = j;
    out.push_back(std::move(a));
  }
  return out;
}

StatusOr<Cart> PartnerCenterClient::CreateCart(const std::string& customer_id, const std::vector<CartLineItem>& lines) {
  json items = json::array();
  int id = 0;
  for (const CartLineItem& l : lines) {
    json line = {{"id", id++},
                 {"catalogItemId", l.catalog_item_id},
                 {"quantity", l.quantity},
                 {"termDuration", l.term_duration},
                 {"billingCycle", l.billing_cycle}};
    if (!l.promotion_id.empty()) line["promotionId"] = l.promotion_id;
    if (!l.custom_term_end_date.empty()) line["customTermEndDate"] = l.custom_term_end_date;
    if (!l.friendly_name.empty()) line["friendlyName"] = l.friendly_name;
    items.push_back(std::move(line));
  }
  auto r = Call("POST", "/v1/customers/" + UrlEncode(customer_id) + "/carts", json{{"lineItems", items}}.dump());
  if (!r.ok()) return r.status();
  auto j = ParseJson(*r);
  if (!j.ok()) return j.status();
  Cart cart;
  cart.id = Str(*j, "id");
  if (auto it = j->find("lineItems"); it != j->end() && it->is_array())
    for (const json& l : *it) cart.line_items.push_back(l);
  cart.errors = LineErrors(*j);
  cart.raw = std::move(*j);
  return cart;
}

StatusOr<CheckoutResult> PartnerCenterClient::Checkout(const std::string& customer_id, const std::string& cart_id) {
  auto r = Call("POST", "/v1/customers/" + UrlEncode(customer_id) + "/carts/" + UrlEncode(cart_id) + "/checkout");
  if (!r.ok()) return r.status();
  auto j = ParseJson(*r);
  if (!j.ok()) return j.status();
  CheckoutResult result;
  if (auto it = j->find("orders"); it != j->end() && it->is_array())
    for (const json& o : *it) result.orders.push_back(OrderFrom(o));
  result.errors = LineErrors(*j);
  result.raw = std::move(*j);
  return result;
}

StatusOr<Order> PartnerCenterClient::GetOrder(const std::string& customer_id, const std::string& order_id) {
  return MapResource(Call("GET", "/v1/customers/" + UrlEncode(customer_id) + "/orders/" + UrlEncode(order_id)),
                     [](const json& j) { return OrderFrom(j); });
}

StatusOr<std::vector<Order>> PartnerCenterClient::ListOrders(const std::string& customer_id) {
  return MapItems(GetAllPages("/v1/customers/" + UrlEncode(customer_id) + "/orders"),
                  [](const json& j) { return OrderFrom(j); });
}

}  // namespace pcsim::client
