#include "pcsim/client/partner_center_client.h"

#include <unistd.h>

#include <atomic>

#include <cstdio>
#include <set>
#include <thread>
#include <utility>

#include "simulator/api/http_types.h"

namespace pcsim::client {
namespace {

using nlohmann::json;

// Builds the DOM for ParseExactJson: floats become their source text.
class ExactDomBuilder : public nlohmann::json_sax<json> {
 public:
  explicit ExactDomBuilder(json& root) : root_(root) {}

  bool null() override { return Add(nullptr); }
  bool boolean(bool v) override { return Add(v); }
  bool number_integer(number_integer_t v) override { return Add(v); }
  bool number_unsigned(number_unsigned_t v) override { return Add(v); }
  bool number_float(number_float_t, const string_t& text) override { return Add(text); }
  bool string(string_t& v) override { return Add(std::move(v)); }
  bool binary(binary_t& v) override { return Add(json::binary(std::move(v))); }
  bool start_object(std::size_t) override {
    json* created = Add(json::object()) ? last_ : nullptr;
    stack_.push_back(created);
    return true;
  }
  bool key(string_t& k) override {
    key_ = std::move(k);
    return true;
  }
  bool end_object() override {
    stack_.pop_back();
    return true;
  }
  bool start_array(std::size_t) override {
    json* created = Add(json::array()) ? last_ : nullptr;
    stack_.push_back(created);
    return true;
  }
  bool end_array() override {
    stack_.pop_back();
    return true;
  }
  bool parse_error(std::size_t, const std::string&, const nlohmann::detail::exception&) override { return false; }

 private:
  template <typename V>
  bool Add(V&& value) {
    if (stack_.empty()) {
      root_ = json(std::forward<V>(value));
      last_ = &root_;
    } else if (json* top = stack_.back(); top->is_object()) {
      last_ = &((*top)[key_] = json(std::forward<V>(value)));
    } else {
      top->push_back(json(std::forward<V>(value)));
      last_ = &top->back();
    }
    return true;
  }

  json& root_;
  std::vector<json*> stack_;
  std::string key_;
  json* last_ = nullptr;
};

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

}  // namespace

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

namespace {

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

}  // namespace

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

namespace {

// A links.next target: Partner Center's links usually omit /v1.
std::string LinkTarget(const std::string& uri) {
  if (uri.rfind("http://", 0) == 0 || uri.rfind("https://", 0) == 0) {
    size_t path = uri.find('/', uri.find("//") + 2);
    return path == std::string::npos ? "/" : LinkTarget(uri.substr(path));
  }
  std::string target = uri.empty() || uri[0] != '/' ? "/" + uri : uri;
  if (target.rfind("/v1/", 0) != 0 && target.rfind("/_sim/", 0) != 0) target = "/v1" + target;
  return target;
}

// Retry-After as delta-seconds (the HTTP-date form is not used by Partner Center).
std::optional<std::chrono::milliseconds> RetryAfter(const HttpResponse& r) {
  auto v = r.Header("Retry-After");
  if (!v || v->empty() || v->size() > 9) return std::nullopt;
  for (char c : *v)
    if (c < '0' || c > '9') return std::nullopt;
  return std::chrono::seconds(std::stol(*v));
}

// The items of a collection, each made into a model by `convert`.
template <typename F>
auto MapItems(StatusOr<std::vector<json>> items, F convert)
    -> StatusOr<std::vector<std::decay_t<decltype(convert(std::declval<const json&>()))>>> {
  if (!items.ok()) return items.status();
  std::vector<std::decay_t<decltype(convert(std::declval<const json&>()))>> out;
  out.reserve(items->size());
  for (const json& j : *items) out.push_back(convert(j));
  return out;
}

// One resource from a response, made into a model by `convert`.
template <typename F>
auto MapResource(StatusOr<HttpResponse> response, F convert)
    -> StatusOr<std::decay_t<decltype(convert(std::declval<const json&>()))>> {
  if (!response.ok()) return response.status();
  auto j = ParseJson(*response);
  if (!j.ok()) return j.status();
  return convert(*j);
}

}  // namespace

std::optional<nlohmann::json> ParseExactJson(std::string_view text) {
  json root;
  ExactDomBuilder builder(root);
  if (!json::sax_parse(text.begin(), text.end(), &builder, json::input_format_t::json, true)) return std::nullopt;
  return root;
}

Status ErrorFromResponse(const HttpResponse& response) {
  json j = json::parse(response.body, nullptr, false);
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

PartnerCenterClient::PartnerCenterClient(std::shared_ptr<Transport> transport, ClientOptions options)
    : transport_(std::move(transport)), options_(std::move(options)) {
  if (!options_.sleep) options_.sleep = [](std::chrono::milliseconds d) { std::this_thread::sleep_for(d); };
  if (options_.correlation_id.empty()) options_.correlation_id = "00000000-0000-4000-8000-00000000c11e";
}

PartnerCenterClient PartnerCenterClient::OverHttp(std::string base_url, ClientOptions options) {
  return PartnerCenterClient(std::make_shared<HttpTransport>(std::move(base_url)), std::move(options));
}

PartnerCenterClient PartnerCenterClient::InProcess(api::Router& router, ClientOptions options) {
  return PartnerCenterClient(std::make_shared<InProcessTransport>(router), std::move(options));
}

std::string PartnerCenterClient::NextRequestId() {
  if (options_.request_id) return options_.request_id();
  // Unique across the clients of a process (a process-wide counter) and
  // across processes sharing one sandbox (the process id): the service
  // answers a repeated MS-RequestId from its first result.
  static std::atomic<uint64_t> counter{0};
  char buf[48];
  std::snprintf(buf, sizeof buf, "%08x-0000-4000-8000-%012llx", static_cast<unsigned>(::getpid()),
                static_cast<unsigned long long>(++counter));
  return buf;
}

StatusOr<HttpResponse> PartnerCenterClient::Call(const std::string& method, const std::string& target,
                                                 const std::string& body, HeaderList extra_headers) {
  HttpRequest request;
  request.method = method;
  request.target = target;
  request.body = body;
  request.headers = {{"Authorization", "Bearer " + options_.access_token},
                     {"Accept", "application/json"},
                     {"MS-RequestId", NextRequestId()},
                     {"MS-CorrelationId", options_.correlation_id},
                     {"X-Locale", options_.locale},
                     {"MS-PartnerCenter-Client", "pcsim C++ client"}};
  if (!body.empty()) request.headers.emplace_back("Content-Type", "application/json");
  if (!options_.control_token.empty() && target.rfind("/_sim/", 0) == 0)
    request.headers.emplace_back("X-Pcsim-Control-Token", options_.control_token);
  for (auto& h : extra_headers) request.headers.push_back(std::move(h));
  const int attempts = std::max(1, options_.retry.max_attempts);
  for (int attempt = 1;; ++attempt) {
    ++requests_sent_;
    StatusOr<HttpResponse> response = transport_->Send(request);
    if (!response.ok()) {
      // No answer at all (dropped, reset, timed out): the request may or may
      // not have run; the retry's MS-RequestId makes that safe.
      if (!IsTransportFailure(response.status()) || !options_.retry.retry_transport_failures || attempt >= attempts)
        return response.status();
      options_.sleep(options_.retry.default_wait);
      continue;
    }
    const int status = response->status;
    if (status >= 200 && status < 300) return response;
    bool retryable = status == 429 || (status == 503 && options_.retry.retry_server_busy) ||
                     ((status == 500 || status == 502 || status == 504) && options_.retry.retry_server_errors);
    if (!retryable || attempt >= attempts) return ErrorFromResponse(*response);
    std::chrono::milliseconds wait = RetryAfter(*response).value_or(options_.retry.default_wait);
    if (wait > options_.retry.max_wait) return ErrorFromResponse(*response);
    options_.sleep(wait);
  }
}

StatusOr<std::vector<nlohmann::json>> PartnerCenterClient::GetAllPages(const std::string& target) {
  std::vector<json> items;
  std::string next_target = target;
  HeaderList headers;
  std::set<std::string> seen;
  for (int page = 0;; ++page) {
    auto response = Call("GET", next_target, "", headers);
    if (!response.ok()) return response.status();
    auto j = ParseExact(*response);
    if (!j.ok()) return j.status();
    if (!j->is_object() || !j->contains("items") || !(*j)["items"].is_array())
      return Status(502, 0, "GET " + next_target + " did not answer with a collection");
    for (json& item : (*j)["items"]) items.push_back(std::move(item));
    const json* next = nullptr;
    if (auto links = j->find("links"); links != j->end() && links->is_object())
      if (auto n = links->find("next"); n != links->end() && n->is_object()) next = &*n;
    if (next == nullptr) return items;
    next_target = LinkTarget(Str(*next, "uri"));
    headers.clear();
    if (auto h = next->find("headers"); h != next->end() && h->is_array())
      for (const json& kv : *h) headers.emplace_back(Str(kv, "key"), Str(kv, "value"));
    std::string key = next_target;
    for (const auto& [k, v] : headers) key += "\n" + k + ":" + v;
    if (!seen.insert(key).second)
      return Status(502, 0, "the service returned the same next page twice (" + next_target + ")");
  }
}

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

StatusOr<std::vector<Subscription>> PartnerCenterClient::ListSubscriptions(const std::string& customer_id) {
  return MapItems(GetAllPages("/v1/customers/" + UrlEncode(customer_id) + "/subscriptions"),
                  [&customer_id](const json& j) { return SubscriptionFromJson(j, customer_id); });
}

StatusOr<Subscription> PartnerCenterClient::GetSubscription(const std::string& customer_id,
                                                            const std::string& subscription_id) {
  return MapResource(
      Call("GET", "/v1/customers/" + UrlEncode(customer_id) + "/subscriptions/" + UrlEncode(subscription_id)),
      [&customer_id](const json& j) { return SubscriptionFromJson(j, customer_id); });
}

StatusOr<Subscription> PartnerCenterClient::UpdateSubscription(const Subscription& s) {
  json body = s.raw.is_object() ? s.raw : json::object();
  body["id"] = s.id;
  body["quantity"] = s.quantity;
  body["status"] = s.status;
  body["autoRenewEnabled"] = s.auto_renew_enabled;
  body["friendlyName"] = s.friendly_name;
  json actions = json::array();
  for (const ScheduledAction& a : s.scheduled_actions) actions.push_back(ScheduledActionJson(a));
  body["scheduledActions"] = std::move(actions);
  HeaderList headers;
  if (!s.etag.empty()) headers.emplace_back("If-Match", s.etag);
  auto r = Call("PATCH", "/v1/customers/" + UrlEncode(s.customer_id) + "/subscriptions/" + UrlEncode(s.id), body.dump(),
                std::move(headers));
  if (!r.ok()) return r.status();
  if (r->status == 202) return AwaitAccepted(*r, s);
  if (r->body.empty()) return GetSubscription(s.customer_id, s.id);
  auto j = ParseJson(*r);
  if (!j.ok()) return j.status();
  return SubscriptionFromJson(*j, s.customer_id);
}

StatusOr<Subscription> PartnerCenterClient::AwaitAccepted(const HttpResponse& accepted, const Subscription& wanted) {
  std::string location = accepted.Header("Location").value_or("");
  std::string target = location.empty() ? "/v1/customers/" + UrlEncode(wanted.customer_id) + "/subscriptions/" +
                                              UrlEncode(wanted.id)
                                        : LinkTarget(location);
  // Each poll waits the 202's Retry-After (or the poll answer's own), capped at max_wait.
  const std::chrono::milliseconds base = RetryAfter(accepted).value_or(options_.retry.default_wait);
  std::chrono::milliseconds wait = base;
  const int polls = std::max(1, options_.retry.max_polls);
  for (int poll = 1; poll <= polls; ++poll) {
    options_.sleep(std::min(wait, options_.retry.max_wait));
    auto r = Call("GET", target);
    if (!r.ok()) return r.status();
    auto j = ParseJson(*r);
    if (!j.ok()) return j.status();
    Subscription now = SubscriptionFromJson(*j, wanted.customer_id);
    bool applied = now.quantity == wanted.quantity && now.auto_renew_enabled == wanted.auto_renew_enabled &&
                   now.friendly_name == wanted.friendly_name && now.status == wanted.status;
    if (applied) return now;
    wait = RetryAfter(*r).value_or(base);
  }
  return Status(202, 0,
                "The change was accepted (202) but " + target + " did not show it after " + std::to_string(polls) +
                    " polls.");
}

StatusOr<Subscription> PartnerCenterClient::ReadModifyWrite(const std::string& customer_id,
                                                            const std::string& subscription_id,
                                                            const std::function<void(Subscription&)>& change) {
  auto s = GetSubscription(customer_id, subscription_id);
  if (!s.ok()) return s.status();
  change(*s);
  return UpdateSubscription(*s);
}

StatusOr<Subscription> PartnerCenterClient::SetQuantity(const std::string& customer_id,
                                                        const std::string& subscription_id, int quantity) {
  return ReadModifyWrite(customer_id, subscription_id, [&](Subscription& s) { s.quantity = quantity; });
}

StatusOr<Subscription> PartnerCenterClient::SetAutoRenew(const std::string& customer_id,
                                                         const std::string& subscription_id, bool enabled) {
  return ReadModifyWrite(customer_id, subscription_id, [&](Subscription& s) { s.auto_renew_enabled = enabled; });
}

StatusOr<Subscription> PartnerCenterClient::SetScheduledActions(const std::string& customer_id,
                                                                const std::string& subscription_id,
                                                                const std::vector<ScheduledAction>& actions) {
  return ReadModifyWrite(customer_id, subscription_id, [&](Subscription& s) { s.scheduled_actions = actions; });
}

StatusOr<Subscription> PartnerCenterClient::CancelSubscription(const std::string& customer_id,
                                                               const std::string& subscription_id) {
  return ReadModifyWrite(customer_id, subscription_id, [&](Subscription& s) { s.status = "deleted"; });
}

StatusOr<std::vector<Invoice>> PartnerCenterClient::ListInvoices() {
  return MapItems(GetAllPages("/v1/invoices"), [](const json& j) { return InvoiceFrom(j); });
}

StatusOr<std::vector<InvoiceLineItem>> PartnerCenterClient::ListInvoiceLineItems(const std::string& invoice_id) {
  return MapItems(GetAllPages("/v1/invoices/" + UrlEncode(invoice_id) +
                              "/lineitems?provider=onetime&invoicelineitemtype=billinglineitems&size=2000"),
                  [](const json& j) { return InvoiceLineItemFromJson(j); });
}

StatusOr<std::vector<InvoiceLineItem>> PartnerCenterClient::ListUnbilledLineItems(const std::string& currency,
                                                                                  const std::string& period) {
  return MapItems(GetAllPages("/v1/invoices/unbilled/lineitems?provider=onetime&invoicelineitemtype=billinglineitems"
                              "&currencycode=" +
                              UrlEncode(currency) + "&period=" + UrlEncode(period) + "&size=2000"),
                  [](const json& j) { return InvoiceLineItemFromJson(j); });
}

}  // namespace pcsim::client
