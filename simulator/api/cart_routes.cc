// Carts, checkout and orders (Create a cart, Update a cart, Checkout a cart,
// Cart resources, Order resources).
//
// What the simulator decides here (no public source settles it):
// - Every line of the catalog is a new-commerce license line, so every line
//   gets orderGroup "0" and a checkout places one order per group.
// - Lines are checked with Sandbox::ValidatePurchase when the cart is created
//   or replaced; a failure is reported on the line as a CartError
//   {errorCode, errorDescription} and the cart is still created (201). The
//   MCA attestation is not a line error: it is checked at checkout, where a
//   missing attestation fails the checkout with 403 13605. Error names:
//     400019 (unknown item), 800070 (not sold in the customer's country)
//                                    -> CatalogItemIdIsNotValid
//     900275 above the SKU maximum, 800088 (seat cap of the SKU's family)
//                                    -> MaxAllowedSeatsPerSubscriptionExceeded
//     900275 below the SKU minimum, missing termDuration/billingCycle
//                                    -> InvalidInput
//     800018 -> SandboxLimitExceeded     800066 -> QuotaNotAvailable
//     27007  -> InvalidPromotionId       900242 -> InvalidCustomTermEndDate
//     800121, unknown term, billing "one_time"/"none" -> BillingPlanNotSupported
//     anything else -> UnableToProcessCartLineItem
// - Checkout validates every group again (the customer may have changed since
//   the cart was made). A failed group becomes an orderErrors entry
//   {orderGroupId, code, description}; when no group succeeds, the checkout
//   answers the first failure's error body and status (e.g. 403 13605) and the
//   cart stays Active so that it can be checked out again.
// - A cart expires carts.expiryDays (policy) after its creation; checking out
//   or replacing an expired cart is 400 with code 800008 ("cart expired").
//   An expired cart can still be read.
// - PUT replaces the whole cart and answers 201, as documented.
// - PATCH of a new-commerce order with status "cancelled" is 400 800061: new
//   commerce is cancelled through the subscription (sandbox cancellation
//   matrix of Cancel an order from the integration sandbox).
#include <algorithm>
#include <cctype>
#include <set>

#include "simulator/model/errors.h"
#include "simulator/api/resources.h"
#include "simulator/api/router.h"

namespace pcsim::api {
namespace {

constexpr int kMaxAdditionalResellers = 5;

Response CustomerNotFound(std::string_view id) {
  return ErrorResponse(Error<Err::CustomerNotFound>(std::string(id)));
}

Status CartNotFound(std::string_view id) { return Error<Err::CartNotFound>(std::string(id)); }

std::string CamelKey(std::string key) {
  if (!key.empty()) key[0] = static_cast<char>(std::tolower(static_cast<unsigned char>(key[0])));
  return key;
}

// Billing cycles as sent ("Monthly", "monthly", "one_time", "OneTime") to
// their wire form; anything else is Partner Center's enum parse error.
StatusOr<std::string> NormalizeBilling(std::string_view text) {
  std::string key;
  for (char c : text)
    if (c != '_' && c != '-' && c != ' ') key.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
  if (key == "monthly" || key == "annual" || key == "triennial" || key == "none" || key == "unknown") return key;
  if (key == "onetime") return std::string("one_time");
  return Error<Err::UnableToParse>("enum: BillingCycleType value \"" + std::string(text) + "\".");
}

// --- reading a cart from a request body ------------------------------------------------------

struct CartInput {
  std::optional<bool> partner_on_record_attestation_accepted;
  std::vector<CartLine> lines;
};

Status ReadParticipants(const nlohmann::json& value, const std::string& where, CartLine* line) {
  if (!value.is_array()) return Error<Err::InvalidInput>(where + ".participants must be an array.");
  for (const auto& p : value) {
    auto key = StringField(p, "key");
    auto val = StringField(p, "value");
    if (!p.is_object() || !key.ok() || !val.ok() || !key->has_value() || !val->has_value() || (*val)->empty())
      return Error<Err::InvalidInput>("each of " + where + ".participants must be {\"key\": string, \"value\": string}.");
    if (EqualsIgnoreCase(**key, "transaction_reseller")) {
      if (!line->reseller_id.empty())
        return Error<Err::InvalidInput>(where + " names more than one transaction_reseller.");
      line->reseller_id = **val;
    } else if (EqualsIgnoreCase(**key, "additional_transaction_reseller")) {
      line->additional_resellers.push_back(**val);
      if (static_cast<int>(line->additional_resellers.size()) > kMaxAdditionalResellers)
        return Error<Err::InvalidInput>("at most " + std::to_string(kMaxAdditionalResellers) + " additional_transaction_reseller participants per line item.");
    } else {
      return Error<Err::InvalidInput>("unknown participant key \"" + **key + "\" in " + where + " (transaction_reseller or additional_transaction_reseller).");
    }
  }
  return OkStatus();
}

Status ReadLine(const nlohmann::json& item, size_t index, CartLine* line) {
  const std::string where = "lineItems[" + std::to_string(index) + "]";
  if (!item.is_object()) return Error<Err::InvalidInput>(where + " must be an object.");
  line->id = static_cast<int>(index);
  if (const nlohmann::json* id = Field(item, "id")) {
    if (id->is_number_integer() && id->get<int64_t>() >= 0 && id->get<int64_t>() <= INT32_MAX) {
      line->id = static_cast<int>(id->get<int64_t>());
    } else if (id->is_string() && !id->get<std::string>().empty() && id->get<std::string>().size() < 10 &&
               std::all_of(id->get_ref<const std::string&>().begin(), id->get_ref<const std::string&>().end(),
                           [](unsigned char c) { return std::isdigit(c) != 0; })) {
      line->id = std::stoi(id->get<std::string>());
    } else {
      return Error<Err::InvalidInput>(where + ".id must be a non-negative integer.");
    }
  }
  auto catalog_item = StringField(item, "catalogItemId");
  if (!catalog_item.ok()) return catalog_item.status();
  if (!catalog_item->has_value() || (*catalog_item)->empty())
    return Error<Err::InvalidInput>(where + ".catalogItemId is required.");
  line->catalog_item_id = **catalog_item;
  auto quantity = IntField(item, "quantity");
  if (!quantity.ok()) return quantity.status();
  if (!quantity->has_value()) return Error<Err::InvalidInput>(where + ".quantity is required.");
  if (**quantity <= 0)
    return Error<Err::InvalidInput>(where + ".quantity must be a positive integer.");
  line->quantity = static_cast<int>(**quantity);
  auto term = StringField(item, "termDuration");
  if (!term.ok()) return term.status();
  if (term->has_value()) {
    line->term_duration = **term;
    if (auto t = ParseTerm(line->term_duration)) line->term_duration = std::string(ToString(*t));
  }
  auto billing = StringField(item, "billingCycle");
  if (!billing.ok()) return billing.status();
  if (billing->has_value()) {
    auto normalized = NormalizeBilling(**billing);
    if (!normalized.ok()) return normalized.status();
    if (*normalized != "unknown") line->billing_cycle = *normalized;
  }
  auto friendly = StringField(item, "friendlyName");
  if (!friendly.ok()) return friendly.status();
  if (friendly->has_value()) line->friendly_name = **friendly;
  auto promotion = StringField(item, "promotionId");
  if (!promotion.ok()) return promotion.status();
  if (promotion->has_value()) line->promotion_id = **promotion;
  auto custom_end = StringField(item, "customTermEndDate");
  if (!custom_end.ok()) return custom_end.status();
  if (custom_end->has_value() && !(*custom_end)->empty()) {
    auto at = Instant::Parse(**custom_end);
    if (!at) return Error<Err::InvalidInput>(where + ".customTermEndDate is not a date: " + **custom_end);
    line->custom_term_end = at->date();
  }
  auto attestation = BoolField(item, "attestationAccepted");
  if (!attestation.ok()) return attestation.status();
  line->attestation_accepted = *attestation;
  if (const nlohmann::json* context = Field(item, "provisioningContext")) {
    if (!context->is_object())
      return Error<Err::InvalidInput>(where + ".provisioningContext must be an object of strings.");
    for (auto it = context->begin(); it != context->end(); ++it) {
      if (!it->is_string() && !it->is_null())
        return Error<Err::InvalidInput>(where + ".provisioningContext." + it.key() + " must be a string.");
      if (it->is_string()) line->provisioning_context[CamelKey(it.key())] = *it;
    }
  }
  if (const nlohmann::json* participants = Field(item, "participants"))
    PCSIM_RETURN_IF_ERROR(ReadParticipants(*participants, where, line));
  return OkStatus();
}

StatusOr<CartInput> ReadCart(std::string_view text) {
  auto body = ParseBody(text);
  if (!body.ok()) return body.status();
  CartInput input;
  auto attestation = BoolField(*body, "partnerOnRecordAttestationAccepted");
  if (!attestation.ok()) return attestation.status();
  input.partner_on_record_attestation_accepted = *attestation;
  const nlohmann::json* items = Field(*body, "lineItems");
  if (items == nullptr || !items->is_array() || items->empty())
    return Error<Err::InvalidInput>("lineItems must be a non-empty array of cart line items.");
  std::set<int> ids;
  for (size_t i = 0; i < items->size(); ++i) {
    CartLine line;
    PCSIM_RETURN_IF_ERROR(ReadLine((*items)[i], i, &line));
    if (!ids.insert(line.id).second)
      return Error<Err::InvalidInput>("line item id " + std::to_string(line.id) + " is used twice.");
    input.lines.push_back(std::move(line));
  }
  return input;
}

// --- validating lines ---------------------------------------------------------------------------

// The purchase a line asks for; an error status when its term or billing
// cannot describe one.
StatusOr<PurchaseRequest> PurchaseOf(const Sandbox& sandbox, const Customer& customer, const CartLine& line) {
  PurchaseRequest r;
  r.customer_id = customer.id;
  r.catalog_item_id = line.catalog_item_id;
  r.quantity = line.quantity;
  if (const Offer* offer = sandbox.catalog().FindOffer(line.catalog_item_id, customer.country());
      offer != nullptr && offer->sku->IsUsageBased()) {
    // An Azure plan has no term; it is billed monthly for its usage.
    if (!line.term_duration.empty())
      return Error<Err::AzureHasNoTerm>(line.term_duration, line.catalog_item_id);
    if (!line.billing_cycle.empty() && line.billing_cycle != "monthly")
      return Error<Err::AzureBilledMonthly>(line.billing_cycle, line.catalog_item_id);
    r.billing = Billing::Monthly;
    r.friendly_name = line.friendly_name;
    r.reseller_id = line.reseller_id;
    return r;
  }
  if (line.term_duration.empty())
    return Error<Err::InvalidInput>("termDuration is required for " + line.catalog_item_id + ".");
  auto term = ParseTerm(line.term_duration);
  if (!term) return Error<Err::TermNotValid>(line.term_duration, line.catalog_item_id);
  if (line.billing_cycle.empty())
    return Error<Err::InvalidInput>("billingCycle is required for " + line.catalog_item_id + ".");
  auto billing = ParseBilling(line.billing_cycle);
  if (!billing || *billing == Billing::None)
    return Error<Err::CartBillingNotAvailable>(line.billing_cycle, line.catalog_item_id);
  r.term = *term;
  r.billing = *billing;
  r.promotion_id = line.promotion_id;
  r.reseller_id = line.reseller_id;
  r.custom_term_end = line.custom_term_end;
  r.friendly_name = line.friendly_name;
  return r;
}

std::string CartErrorName(const Status& s, const CartLine& line, const Offer* offer) {
  switch (s.code()) {
    case 400019:
    case 800070: return "CatalogItemIdIsNotValid";
    case 900275:
      return offer != nullptr && line.quantity > offer->sku->maximum_quantity ? "MaxAllowedSeatsPerSubscriptionExceeded"
                                                                              : "InvalidInput";
    case 800088: return "MaxAllowedSeatsPerSubscriptionExceeded";
    case 800018: return "SandboxLimitExceeded";
    case 800066: return "QuotaNotAvailable";
    case 27007: return "InvalidPromotionId";
    case 900242: return "InvalidCustomTermEndDate";
    case 800121: return "BillingPlanNotSupported";
    case 800002:
      if (line.term_duration.empty() || line.billing_cycle.empty()) return "InvalidInput";
      return "UnableToProcessCartLineItem";
    default: return "UnableToProcessCartLineItem";
  }
}

void ValidateLines(const Sandbox& sandbox, const Customer& customer, Cart& cart) {
  for (CartLine& line : cart.lines) {
    line.order_group = "0";  // every line of this catalog is a new-commerce license line
    line.error.reset();
    auto found = sandbox.OfferIn(line.catalog_item_id, customer.country());
    const Offer* offer = found.ok() ? *found : nullptr;
    Status s = found.status();
    if (offer != nullptr) {
      auto request = PurchaseOf(sandbox, customer, line);
      s = request.ok() ? sandbox.ValidatePurchase(*request) : request.status();
    }
    if (s.ok() || s.code() == 13605) continue;  // the attestation is checked at checkout
    line.error = std::make_pair(CartErrorName(s, line, offer), s.description());
  }
}

// --- the wire form --------------------------------------------------------------------------------

// The currency of the customer's market (for lines whose item is unknown).
std::string MarketCurrency(const Sandbox& sandbox, const Customer& customer) {
  for (const auto& offer : sandbox.catalog().offers())
    for (const auto& c : offer->market->countries)
      if (c == customer.country()) return offer->market->currency;
  return "";
}

std::optional<Json> PricingJson(const Sandbox& sandbox, const Customer& customer, const CartLine& line) {
  if (line.error) return std::nullopt;
  const Offer* offer = sandbox.catalog().FindOffer(line.catalog_item_id, customer.country());
  auto request = PurchaseOf(sandbox, customer, line);
  if (offer == nullptr || !request.ok()) return std::nullopt;
  const Date today = sandbox.Today();
  auto list = sandbox.catalog().PriceAt(*offer, request->term, request->billing, today);
  if (!list) return std::nullopt;
  Decimal price = *sandbox.PriceOf(*offer, request->term, request->billing, today, line.promotion_id, customer.country());
  // The whole term's value: 12 monthly cycles of a P1Y term billed monthly.
  int cycles = std::max(1, TermMonths(request->term) / BillingMonths(request->billing));
  Json j;
  j["listPrice"] = Number(*list);
  j["discountedPrice"] = Number(price);
  j["proratedPrice"] = Number(price);
  j["price"] = Number(price);
  j["extendedPrice"] = Number(price * static_cast<int64_t>(line.quantity) * static_cast<int64_t>(cycles));
  return j;
}

Json CartLineJson(const Sandbox& sandbox, const Customer& customer, const CartLine& line) {
  const Offer* offer = sandbox.catalog().FindOffer(line.catalog_item_id, customer.country());
  Json j;
  j["id"] = line.id;
  j["catalogItemId"] = line.catalog_item_id;
  if (!line.friendly_name.empty()) j["friendlyName"] = line.friendly_name;
  j["quantity"] = line.quantity;
  j["currencyCode"] = offer != nullptr ? offer->market->currency : MarketCurrency(sandbox, customer);
  if (!line.billing_cycle.empty()) j["billingCycle"] = line.billing_cycle;
  if (!line.term_duration.empty()) j["termDuration"] = line.term_duration;
  if (line.custom_term_end) j["customTermEndDate"] = DateTimeOf(*line.custom_term_end);
  if (!line.reseller_id.empty() || !line.additional_resellers.empty()) {
    Json participants = Json::array();
    if (!line.reseller_id.empty())
      participants.push_back(Json{{"key", "transaction_reseller"}, {"value", line.reseller_id}});
    for (const auto& r : line.additional_resellers)
      participants.push_back(Json{{"key", "additional_transaction_reseller"}, {"value", r}});
    j["participants"] = std::move(participants);
  }
  if (!line.promotion_id.empty()) j["promotionId"] = line.promotion_id;
  if (line.attestation_accepted) j["attestationAccepted"] = *line.attestation_accepted;
  j["provisioningContext"] = Json(line.provisioning_context);
  j["orderGroup"] = line.order_group;
  if (auto pricing = PricingJson(sandbox, customer, line)) j["pricing"] = std::move(*pricing);
  if (line.error) j["error"] = Json{{"errorCode", line.error->first}, {"errorDescription", line.error->second}};
  return j;
}

Json CartJson(const Sandbox& sandbox, const Customer& customer, const Cart& cart) {
  Json j;
  j["id"] = cart.id;
  j["creationTimestamp"] = cart.created.ToStringWith7Fraction();
  j["lastModifiedTimestamp"] = cart.last_modified.ToStringWith7Fraction();
  j["expirationTimestamp"] = cart.expires.ToStringWith7Fraction();
  j["lastModifiedUser"] = cart.last_modified_user;
  j["status"] = cart.ordered ? "Ordered" : "Active";
  Json lines = Json::array();
  for (const CartLine& line : cart.lines) lines.push_back(CartLineJson(sandbox, customer, line));
  j["lineItems"] = std::move(lines);
  if (cart.partner_on_record_attestation_accepted)
    j["partnerOnRecordAttestationAccepted"] = *cart.partner_on_record_attestation_accepted;
  j["links"] = Json{{"self", LinkJson("/customers/" + customer.id + "/carts/" + cart.id)}};
  j["attributes"] = Attributes("Cart");
  return j;
}

// --- cart handlers ---------------------------------------------------------------------------------

std::string UserOf(const RouteContext& ctx) {
  return ctx.caller.user_id.empty() ? ctx.caller.partner_tenant_id : ctx.caller.user_id;
}

StatusOr<Cart*> FindCart(RouteContext& ctx, const Customer& customer, const std::string& id) {
  auto it = ctx.router.carts().find(ToLower(id));
  if (it == ctx.router.carts().end() || it->second.customer_id != customer.id ||
      it->second.partner_tenant_id != ctx.caller.partner_tenant_id)
    return CartNotFound(id);
  return &it->second;
}

// The cart of the route's {customer}/{cart}, if it may still change: not
// ordered, not expired.
StatusOr<Cart*> FindChangeableCart(RouteContext& ctx, const Customer& customer) {
  auto found = FindCart(ctx, customer, ctx.params[1]);
  if (!found.ok()) return found.status();
  const Cart& cart = **found;
  if (cart.ordered) return Error<Err::CartAlreadyOrdered>(cart.id);
  if (ctx.sandbox.Now() >= cart.expires)
    return Error<Err::CartExpired>(cart.id, cart.expires.ToString(),
                                   std::to_string(ctx.sandbox.policy().Int(PolicyKey::kCartExpiryDays,
                                                                           cart.created.date())));
  return found;
}

Response CreateCart(RouteContext& ctx) {
  const Customer* customer = ctx.router.VisibleCustomer(ctx, ctx.params[0]);
  if (customer == nullptr) return CustomerNotFound(ctx.params[0]);
  auto input = ReadCart(ctx.request.body);
  if (!input.ok()) return ErrorResponse(input.status());
  Sandbox& sandbox = ctx.sandbox;
  Cart cart;
  cart.id = sandbox.random().Guid();
  cart.customer_id = customer->id;
  cart.partner_tenant_id = ctx.caller.partner_tenant_id;
  cart.created = sandbox.Now();
  cart.last_modified = cart.created;
  cart.expires = cart.created + Duration::Days(sandbox.policy().Int(PolicyKey::kCartExpiryDays, sandbox.Today()));
  cart.last_modified_user = UserOf(ctx);
  cart.partner_on_record_attestation_accepted = input->partner_on_record_attestation_accepted;
  cart.lines = std::move(input->lines);
  ValidateLines(sandbox, *customer, cart);
  Json body = CartJson(sandbox, *customer, cart);
  ctx.router.carts()[cart.id] = std::move(cart);
  return JsonResponse(201, body);
}

Response GetCart(RouteContext& ctx) {
  const Customer* customer = ctx.router.VisibleCustomer(ctx, ctx.params[0]);
  if (customer == nullptr) return CustomerNotFound(ctx.params[0]);
  auto cart = FindCart(ctx, *customer, ctx.params[1]);
  if (!cart.ok()) return ErrorResponse(cart.status());
  return JsonResponse(200, CartJson(ctx.sandbox, *customer, **cart));
}

Response UpdateCart(RouteContext& ctx) {
  const Customer* customer = ctx.router.VisibleCustomer(ctx, ctx.params[0]);
  if (customer == nullptr) return CustomerNotFound(ctx.params[0]);
  auto found = FindChangeableCart(ctx, *customer);
  if (!found.ok()) return ErrorResponse(found.status());
  Cart& cart = **found;
  auto input = ReadCart(ctx.request.body);
  if (!input.ok()) return ErrorResponse(input.status());
  cart.lines = std::move(input->lines);
  if (input->partner_on_record_attestation_accepted)
    cart.partner_on_record_attestation_accepted = input->partner_on_record_attestation_accepted;
  cart.last_modified = ctx.sandbox.Now();
  cart.last_modified_user = UserOf(ctx);
  ValidateLines(ctx.sandbox, *customer, cart);
  return JsonResponse(201, CartJson(ctx.sandbox, *customer, cart));
}

Response Checkout(RouteContext& ctx) {
  const Customer* customer = ctx.router.VisibleCustomer(ctx, ctx.params[0]);
  if (customer == nullptr) return CustomerNotFound(ctx.params[0]);
  auto found = FindChangeableCart(ctx, *customer);
  if (!found.ok()) return ErrorResponse(found.status());
  Cart& cart = **found;

  struct Group {
    std::string id;
    std::vector<PurchaseRequest> requests;
    Status failure;
  };
  std::vector<Group> groups;
  for (const CartLine& line : cart.lines) {
    std::string group_id = line.order_group.empty() ? "0" : line.order_group;
    auto it = std::find_if(groups.begin(), groups.end(), [&](const Group& g) { return g.id == group_id; });
    if (it == groups.end()) it = groups.insert(groups.end(), Group{group_id, {}, OkStatus()});
    auto request = PurchaseOf(ctx.sandbox, *customer, line);
    if (!request.ok()) {
      if (it->failure.ok()) it->failure = request.status();
    } else {
      it->requests.push_back(std::move(*request));
    }
  }
  Json orders = Json::array();
  Json order_errors = Json::array();
  std::optional<Status> first_failure;
  for (Group& g : groups) {
    if (g.failure.ok()) {
      auto order = ctx.sandbox.PlaceOrder(g.requests);
      if (order.ok()) {
        orders.push_back(OrderJson(ctx.sandbox, **order));
        continue;
      }
      g.failure = order.status();
    }
    order_errors.push_back(Json{{"orderGroupId", g.id}, {"code", g.failure.code()}, {"description", g.failure.description()}});
    if (!first_failure) first_failure = g.failure;
  }
  if (orders.empty() && first_failure) return ErrorResponse(*first_failure);
  cart.ordered = true;
  cart.last_modified = ctx.sandbox.Now();
  cart.last_modified_user = UserOf(ctx);
  Json result;
  result["orders"] = std::move(orders);
  result["orderErrors"] = std::move(order_errors);
  result["attributes"] = Attributes("CartCheckoutResult");
  return JsonResponse(201, result);
}

// --- orders ------------------------------------------------------------------------------------------

// Whether `id` is a legacy offer id: a GUID, where new-commerce items are
// productId:skuId:availabilityId.
bool IsLegacyOfferId(std::string_view id) {
  if (id.size() != 36) return false;
  for (size_t i = 0; i < id.size(); ++i) {
    const bool dash = i == 8 || i == 13 || i == 18 || i == 23;
    if (dash ? id[i] != '-' : !std::isxdigit(static_cast<unsigned char>(id[i]))) return false;
  }
  return true;
}

// An order line of Create an order ({lineItemNumber, offerId, quantity,
// termDuration, friendlyName, customTermEndDate, partnerIdOnRecord,
// additionalPartnerIdsOnRecord, provisioningContext, promotionId,
// attestationAccepted}) read as the cart line it is the same as; the order's
// billingCycle applies to every line.
StatusOr<CartLine> ReadOrderLine(const nlohmann::json& item, size_t index, const std::string& billing_cycle) {
  const std::string where = "lineItems[" + std::to_string(index) + "]";
  if (!item.is_object()) return Error<Err::InvalidInput>(where + " must be an object.");
  nlohmann::json cart_line = nlohmann::json::object();
  nlohmann::json participants = nlohmann::json::array();
  for (auto it = item.begin(); it != item.end(); ++it) {
    const std::string key = ToLower(it.key());
    if (key == "lineitemnumber") cart_line["id"] = *it;
    else if (key == "offerid") cart_line["catalogItemId"] = *it;
    else if (key == "partneridonrecord" && it->is_string() && !it->get_ref<const std::string&>().empty())
      participants.push_back({{"key", "transaction_reseller"}, {"value", *it}});
    else if (key == "additionalpartneridsonrecord") {
      if (!it->is_array()) return Error<Err::InvalidInput>(where + ".additionalPartnerIdsOnRecord must be an array.");
      for (const auto& id : *it) participants.push_back({{"key", "additional_transaction_reseller"}, {"value", id}});
    } else if (key == "quantity" || key == "termduration" || key == "friendlyname" || key == "customtermenddate" ||
               key == "provisioningcontext" || key == "promotionid" || key == "attestationaccepted") {
      cart_line[it.key()] = *it;
    }
  }
  if (!participants.empty()) cart_line["participants"] = std::move(participants);
  if (!billing_cycle.empty()) cart_line["billingCycle"] = billing_cycle;
  CartLine line;
  PCSIM_RETURN_IF_ERROR(ReadLine(cart_line, index, &line));
  return line;
}

// POST /v1/customers/{id}/orders (Create an order for a customer): the lines
// of one order bought at once, without a cart, through the same purchase as
// a checkout (Sandbox::PlaceOrder: all lines or none). A line without
// termDuration takes the item's only term for the billing cycle. A legacy
// offer id is 403 2091: pcsim sells new-commerce items only.
Response CreateOrder(RouteContext& ctx) {
  const Customer* customer = ctx.router.VisibleCustomer(ctx, ctx.params[0]);
  if (customer == nullptr) return CustomerNotFound(ctx.params[0]);
  auto body = ParseBody(ctx.request.body);
  if (!body.ok()) return ErrorResponse(body.status());
  auto billing_text = StringField(*body, "billingCycle");
  if (!billing_text.ok()) return ErrorResponse(billing_text.status());
  std::string billing = "monthly";  // Create an order: monthly unless the order names another cycle
  if (billing_text->has_value()) {
    auto normalized = NormalizeBilling(**billing_text);
    if (!normalized.ok()) return ErrorResponse(normalized.status());
    if (*normalized != "unknown") billing = *normalized;
  }
  if (auto attestation = BoolField(*body, "partnerOnRecordAttestationAccepted"); !attestation.ok())
    return ErrorResponse(attestation.status());
  const nlohmann::json* items = Field(*body, "lineItems");
  if (items == nullptr || !items->is_array() || items->empty())
    return ErrorResponse(Error<Err::InvalidInput>("lineItems must be a non-empty array of order line items."));
  std::vector<PurchaseRequest> requests;
  std::set<int> numbers;
  for (size_t i = 0; i < items->size(); ++i) {
    auto line = ReadOrderLine((*items)[i], i, billing);
    if (!line.ok()) return ErrorResponse(line.status());
    if (!numbers.insert(line->id).second)
      return ErrorResponse(Error<Err::InvalidInput>("lineItemNumber " + std::to_string(line->id) + " is used twice."));
    if (IsLegacyOfferId(line->catalog_item_id))
      return ErrorResponse(Error<Err::OfferNoLongerAvailable>(line->catalog_item_id));
    auto offer = ctx.sandbox.OfferIn(line->catalog_item_id, customer->country());
    if (!offer.ok()) return ErrorResponse(offer.status());
    if (line->term_duration.empty() && !(*offer)->sku->IsUsageBased()) {
      std::vector<Term> terms;
      if (auto b = ParseBilling(line->billing_cycle))
        for (Term t : {Term::P1M, Term::P1Y, Term::P3Y})
          if (ctx.sandbox.catalog().PriceAt(**offer, t, *b, ctx.sandbox.Today())) terms.push_back(t);
      if (terms.empty()) return ErrorResponse(Error<Err::CartBillingNotAvailable>(line->billing_cycle, line->catalog_item_id));
      if (terms.size() > 1)
        return ErrorResponse(Error<Err::InvalidInput>("lineItems[" + std::to_string(i) + "].termDuration is required: " +
                                                      line->catalog_item_id + " has more than one term."));
      line->term_duration = std::string(ToString(terms.front()));
    }
    if ((*offer)->sku->IsUsageBased()) line->billing_cycle.clear();
    auto request = PurchaseOf(ctx.sandbox, *customer, *line);
    if (!request.ok()) return ErrorResponse(request.status());
    requests.push_back(std::move(*request));
  }
  auto order = ctx.sandbox.PlaceOrder(requests);
  if (!order.ok()) return ErrorResponse(order.status());
  return JsonResponse(201, OrderJson(ctx.sandbox, **order));
}

StatusOr<const Order*> FindCustomerOrder(const Sandbox& sandbox, const Customer& customer, const std::string& id) {
  const Order* o = sandbox.FindOrder(id);
  if (o == nullptr) o = sandbox.FindOrder(ToLower(id));
  if (o == nullptr || o->customer != customer.index) return Error<Err::OrderNotFound>(id);
  return o;
}

Response ListOrders(RouteContext& ctx) {
  const Customer* customer = ctx.router.VisibleCustomer(ctx, ctx.params[0]);
  if (customer == nullptr) return CustomerNotFound(ctx.params[0]);
  bool include = true;
  if (auto billing_type = ctx.request.Query("billingType"); billing_type && !billing_type->empty()) {
    std::string t = ToLower(*billing_type);
    if (t == "license") include = true;
    else if (t == "usage" || t == "none" || t == "benefit" || t == "software") include = false;
    else return ErrorResponse(Error<Err::UnableToParse>("enum: BillingType value \"" + *billing_type + "\"."));
  }
  Json items = Json::array();
  if (include)
    for (const auto& o : ctx.sandbox.orders())
      if (o->customer == customer->index) items.push_back(OrderJson(ctx.sandbox, *o));
  return JsonResponse(200, CollectionJson(std::move(items), "/customers/" + customer->id + "/orders"));
}

Response GetOrder(RouteContext& ctx) {
  const Customer* customer = ctx.router.VisibleCustomer(ctx, ctx.params[0]);
  if (customer == nullptr) return CustomerNotFound(ctx.params[0]);
  auto order = FindCustomerOrder(ctx.sandbox, *customer, ctx.params[1]);
  if (!order.ok()) return ErrorResponse(order.status());
  return JsonResponse(200, OrderJson(ctx.sandbox, **order));
}

Response ProvisioningStatus(RouteContext& ctx) {
  const Customer* customer = ctx.router.VisibleCustomer(ctx, ctx.params[0]);
  if (customer == nullptr) return CustomerNotFound(ctx.params[0]);
  auto order = FindCustomerOrder(ctx.sandbox, *customer, ctx.params[1]);
  if (!order.ok()) return ErrorResponse(order.status());
  const Order& o = **order;
  std::string status = o.status == OrderStatus::Completed   ? "fulfilled"
                       : o.status == OrderStatus::Cancelled ? "Unfulfilled"
                                                            : "PrefulfillmentPending";
  Json items = Json::array();
  for (const OrderLine& line : o.lines) {
    Json j;
    j["orderLineItemId"] = line.line_number;
    j["lineItemNumber"] = line.line_number;
    j["status"] = status;
    j["quantityProvisioningInformation"] = Json::array({Json{{"quantity", line.quantity}, {"status", status}}});
    j["attributes"] = Attributes("OrderLineItemProvisioningStatus");
    items.push_back(std::move(j));
  }
  return JsonResponse(200, CollectionJson(std::move(items), "/customers/" + customer->id + "/orders/" + o.id +
                                                                "/provisioningstatus"));
}

// GET .../orders/{id}/lineitems/{n}/activationlinks (Get activation link by
// order line item): the links a line needs to activate its subscription.
// Only third-party (marketplace) software is activated through a link; the
// Microsoft licence items pcsim sells need none, so the list is empty.
Response ActivationLinks(RouteContext& ctx) {
  const Customer* customer = ctx.router.VisibleCustomer(ctx, ctx.params[0]);
  if (customer == nullptr) return CustomerNotFound(ctx.params[0]);
  auto order = FindCustomerOrder(ctx.sandbox, *customer, ctx.params[1]);
  if (!order.ok()) return ErrorResponse(order.status());
  const std::string& number = ctx.params[2];
  auto line = std::find_if((*order)->lines.begin(), (*order)->lines.end(),
                           [&](const OrderLine& l) { return std::to_string(l.line_number) == number; });
  if (line == (*order)->lines.end())
    return ErrorResponse(Error<Err::InvalidInput>("order " + (*order)->id + " has no line item " + number + "."));
  return JsonResponse(200, CollectionJson(Json::array(), "/customers/" + customer->id + "/orders/" + (*order)->id +
                                                             "/lineitems/" + number + "/activationlinks"));
}

Response PatchOrder(RouteContext& ctx) {
  const Customer* customer = ctx.router.VisibleCustomer(ctx, ctx.params[0]);
  if (customer == nullptr) return CustomerNotFound(ctx.params[0]);
  auto order = FindCustomerOrder(ctx.sandbox, *customer, ctx.params[1]);
  if (!order.ok()) return ErrorResponse(order.status());
  auto body = ParseBody(ctx.request.body);
  if (!body.ok()) return ErrorResponse(body.status());
  auto status = StringField(*body, "status");
  if (!status.ok()) return ErrorResponse(status.status());
  if (!status->has_value() || !EqualsIgnoreCase(**status, "cancelled"))
    return ErrorResponse(Error<Err::InvalidInput>("an order can only be patched with status \"cancelled\"."));
  return ErrorResponse(Error<Err::OrderCancelViaSubscription>((*order)->id));
}

}  // namespace

void RegisterCartRoutes(RouteTable& table) {
  table.Add("POST", "/v1/customers/{}/carts", CreateCart);
  table.Add("GET", "/v1/customers/{}/carts/{}", GetCart);
  table.Add("PUT", "/v1/customers/{}/carts/{}", UpdateCart);
  table.Add("POST", "/v1/customers/{}/carts/{}/checkout", Checkout);
  table.Add("GET", "/v1/customers/{}/orders", ListOrders);
  table.Add("POST", "/v1/customers/{}/orders", CreateOrder);
  table.Add("GET", "/v1/customers/{}/orders/{}", GetOrder);
  table.Add("PATCH", "/v1/customers/{}/orders/{}", PatchOrder);
  table.Add("GET", "/v1/customers/{}/orders/{}/provisioningstatus", ProvisioningStatus);
  table.Add("GET", "/v1/customers/{}/orders/{}/lineitems/{}/activationlinks", ActivationLinks);
}

}  // namespace pcsim::api
