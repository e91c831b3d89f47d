// Subscriptions: get, list, PATCH (quantity, status, auto-renew, friendly
// name, next-term instructions, billing cycle), transitions (upgrades and
// longer terms), trial conversions and custom term end dates
// (Get a subscription by ID, Update a subscription by ID, Transition a new
// commerce subscription).
#include <algorithm>
#include <map>
#include <set>

#include "simulator/model/errors.h"
#include "simulator/api/resources.h"
#include "simulator/api/scheduled_action_codec.h"
#include "simulator/api/router.h"
#include "simulator/model/state_hasher.h"

namespace pcsim::api {
namespace {

Response CustomerNotFound(std::string_view id) {
  return ErrorResponse(Error<Err::CustomerNotFound>(std::string(id)));
}

Response SubscriptionNotFound(std::string_view id) {
  return ErrorResponse(Error<Err::SubscriptionNotFound>(std::string(id)));
}

// The customer and one of its subscriptions, as the caller may see them.
const Subscription* FindSubscription(RouteContext& ctx, Response* error) {
  const Customer* c = ctx.router.VisibleCustomer(ctx, ctx.params[0]);
  if (c == nullptr) {
    *error = CustomerNotFound(ctx.params[0]);
    return nullptr;
  }
  const Subscription* s = ctx.sandbox.FindSubscription(ToLower(ctx.params[1]));
  if (s == nullptr || s->customer != c->index) {
    *error = SubscriptionNotFound(ctx.params[1]);
    return nullptr;
  }
  return s;
}

Response ListSubscriptions(RouteContext& ctx) {
  const Customer* c = ctx.router.VisibleCustomer(ctx, ctx.params[0]);
  if (c == nullptr) return CustomerNotFound(ctx.params[0]);
  auto order_id = ctx.request.Query("order_id");
  auto mpn_id = ctx.request.Query("mpn_id");
  Json items = Json::array();
  for (uint32_t i : ctx.sandbox.SubscriptionsOf(*c)) {
    const Subscription& s = ctx.sandbox.SubscriptionAt(i);
    if (order_id && !EqualsIgnoreCase(ctx.sandbox.OrderAt(s.order).id, *order_id)) continue;
    if (mpn_id && s.reseller_id != *mpn_id) continue;
    items.push_back(SubscriptionJson(ctx.sandbox, s));
  }
  return JsonResponse(200, CollectionJson(std::move(items), "/customers/" + c->id + "/subscriptions"));
}

Response GetSubscription(RouteContext& ctx) {
  Response error;
  const Subscription* s = FindSubscription(ctx, &error);
  if (s == nullptr) return error;
  return JsonResponse(200, SubscriptionJson(ctx.sandbox, *s));
}

// Decodes a whole PATCH body: every field is read and checked for its type
// and enum values here; what may change, and how, is Sandbox::UpdateSubscription's.
StatusOr<SubscriptionUpdate> ReadSubscriptionUpdate(const std::string& id, const nlohmann::json& body) {
  SubscriptionUpdate u;
  u.subscription_id = id;
  auto status_text = StringField(body, "status");
  auto quantity = IntField(body, "quantity");
  auto auto_renew = BoolField(body, "autoRenewEnabled");
  auto friendly = StringField(body, "friendlyName");
  auto billing_text = StringField(body, "billingCycle");
  auto term_text = StringField(body, "termDuration");
  for (const Status* s : {&status_text.status(), &quantity.status(), &auto_renew.status(), &friendly.status(),
                          &billing_text.status(), &term_text.status()})
    if (!s->ok()) return *s;
  if (status_text->has_value()) {
    std::string st = ToLower(**status_text);
    if (st == "active") u.status = SubscriptionStatus::Active;
    else if (st == "suspended") u.status = SubscriptionStatus::Suspended;
    else if (st == "deleted") u.status = SubscriptionStatus::Deleted;
    else if (st == "expired") u.status = SubscriptionStatus::Expired;
    else if (st == "disabled") u.status = SubscriptionStatus::Disabled;
    else if (st == "pending" || st == "none")  // no subscription is ever in these
      return Error<Err::StatusChangeInvalid>(st);
    else return Error<Err::UnableToParse>("enum: status " + **status_text);
  }
  u.quantity = *quantity;
  u.auto_renew = *auto_renew;
  u.friendly_name = *friendly;
  if (term_text->has_value()) {
    u.term = ParseTerm(**term_text);
    if (!u.term) return Error<Err::UnableToParse>("enum: termDuration " + **term_text);
  }
  if (billing_text->has_value()) {
    u.billing = ParseBilling(**billing_text);
    if (!u.billing) return Error<Err::UnableToParse>("enum: billingCycle " + **billing_text);
  }
  if (const nlohmann::json* nci = Field(body, "nextChargeInstructions"); nci != nullptr && !nci->is_null()) {
    if (!nci->is_object())
      return Error<Err::InvalidInput>("nextChargeInstructions must be an object.");
    const nlohmann::json* product = Field(*nci, "product");
    if (product != nullptr && !product->is_null()) {
      if (!product->is_object())
        return Error<Err::InvalidInput>("nextChargeInstructions.product must be an object.");
      auto b = StringField(*product, "billingCycle");
      if (!b.ok()) return b.status();
      if (b->has_value()) {
        u.next_charge_billing = ParseBilling(**b);
        if (!u.next_charge_billing) return Error<Err::UnableToParse>("enum: billingCycle " + **b);
      }
    }
  }
  if (const nlohmann::json* actions = Field(body, "scheduledActions"); actions != nullptr && !actions->is_null()) {
    if (!actions->is_array())
      return Error<Err::InvalidInput>("scheduledActions must be a list.");
    if (actions->size() > 1)
      return Error<Err::InvalidInput>("a subscription holds at most one term-end action.");
    u.scheduled_action.emplace();
    if (!actions->empty()) {
      auto action = ReadScheduledAction((*actions)[0]);
      if (!action.ok()) return action.status();
      *u.scheduled_action = *action;
    }
  }
  if (const nlohmann::json* next = Field(body, "scheduledNextTermInstructions"); next != nullptr && !next->is_null()) {
    auto instructions = ReadNextTerm(*next);
    if (!instructions.ok()) return instructions.status();
    u.next_term = *instructions;
  }
  return u;
}

Response PatchSubscription(RouteContext& ctx) {
  Response error;
  const Subscription* found = FindSubscription(ctx, &error);
  if (found == nullptr) return error;
  if (auto match = ctx.request.Header("If-Match")) {
    std::string etag = *match;
    etag.erase(std::remove(etag.begin(), etag.end(), '"'), etag.end());
    if (etag.rfind("W/", 0) == 0) etag = etag.substr(2);
    if (etag != SubscriptionEtag(*found))
      return ErrorResponse(Error<Err::EtagStaleSubscription>());
  }
  auto body = ParseBody(ctx.request.body);
  if (!body.ok()) return ErrorResponse(body.status());
  if (Sandbox::IsAzurePlan(*found)) return PatchAzurePlan(ctx, *found, *body);
  auto update = ReadSubscriptionUpdate(found->id, *body);
  if (!update.ok()) return ErrorResponse(update.status());
  Status s = ctx.sandbox.UpdateSubscription(*update);
  if (!s.ok()) return ErrorResponse(s);
  return JsonResponse(200, SubscriptionJson(ctx.sandbox, *ctx.sandbox.FindSubscription(update->subscription_id)));
}

Response TransitionEligibilities(RouteContext& ctx) {
  Response error;
  const Subscription* s = FindSubscription(ctx, &error);
  if (s == nullptr) return error;
  std::string type = ctx.request.Query("eligibilityType").value_or("immediate");
  if (!EqualsIgnoreCase(type, "immediate") && !EqualsIgnoreCase(type, "scheduled"))
    return ErrorResponse(Error<Err::UnableToParse>("enum: eligibilityType " + type));
  const Customer& customer = ctx.sandbox.CustomerAt(s->customer);
  // A read changes nothing, so its operation id does not come from the seeded
  // source: it is derived from the subscription, its version and the instant.
  StateHasher operation;
  operation.Add(s->id);
  operation.Add(s->version);
  operation.Add(ctx.sandbox.Now());
  const std::string operation_id = GuidFromNumber(ctx.sandbox.seed(), operation.value());
  Json items = Json::array();
  for (const std::string& target : s->offer->sku->upgrade_targets) {
    const Offer* offer = ctx.sandbox.ResolveOffer(target, customer.country());
    if (offer == nullptr) continue;
    Json errors = Json::array();
    if (s->status != SubscriptionStatus::Active)
      errors.push_back(Json{{"code", 900258}, {"description", "The subscription must be active."}});
    if (s->is_trial) errors.push_back(Json{{"code", 800107}, {"description", "Trials are converted, not upgraded."}});
    bool priced = ctx.sandbox.catalog().PriceAt(*offer, s->term, s->billing, ctx.sandbox.Today()).has_value();
    if (!priced)
      errors.push_back(Json{{"code", 900268}, {"description", "The target has no price for this term and billing cycle."}});
    Json sub_eligibilities = Json::array();
    for (uint32_t i : ctx.sandbox.SubscriptionsOf(customer)) {
      const Subscription& other = ctx.sandbox.SubscriptionAt(i);
      if (other.offer->sku != offer->sku || other.status != SubscriptionStatus::Active) continue;
      bool ok = other.term_end >= s->term_end && TermMonths(other.term) >= TermMonths(s->term);
      sub_eligibilities.push_back(Json{{"isEligible", ok}, {"subscriptionId", other.id},
                                       {"subscriptionFriendlyName", other.friendly_name},
                                       {"subscriptionTermDuration", ToString(other.term)},
                                       {"subscriptionBillingCycle", WireBillingCycle(other.billing)},
                                       {"errors", Json::array()}});
    }
    Json item;
    item["operationId"] = operation_id;
    item["catalogItemId"] = offer->catalog_item_id;
    item["title"] = offer->sku->title;
    item["description"] = offer->sku->description;
    item["quantity"] = s->quantity;
    item["subscriptionEligibilities"] = std::move(sub_eligibilities);
    item["eligibilities"] = Json::array({Json{{"isEligible", errors.empty()},
                                              {"transitionType", "transition_only"},
                                              {"errors", errors}},
                                         Json{{"isEligible", errors.empty()},
                                              {"transitionType", "transition_with_license_transfer"},
                                              {"errors", errors}}});
    item["attributes"] = Json{{"objectType", "TransitionEligibility"}};
    items.push_back(std::move(item));
  }
  return JsonResponse(200, CollectionJson(std::move(items), "/customers/" + customer.id + "/subscriptions/" + s->id +
                                                                "/transitionEligibilities?eligibilityType=" + type));
}

Response PostTransition(RouteContext& ctx) {
  Response error;
  const Subscription* s = FindSubscription(ctx, &error);
  if (s == nullptr) return error;
  auto body = ParseBody(ctx.request.body);
  if (!body.ok()) return ErrorResponse(body.status());
  auto to_item = StringField(*body, "toCatalogItemId");
  auto to_sub = StringField(*body, "toSubscriptionId");
  auto quantity = IntField(*body, "quantity");
  auto term_text = StringField(*body, "termDuration");
  auto billing_text = StringField(*body, "billingCycle");
  auto type = StringField(*body, "transitionType");
  for (const Status* st : {&to_item.status(), &to_sub.status(), &quantity.status(), &term_text.status(),
                           &billing_text.status(), &type.status()})
    if (!st->ok()) return ErrorResponse(*st);
  if (!to_item->has_value()) return ErrorResponse(Error<Err::InvalidInput>("toCatalogItemId is required."));
  if (!quantity->has_value()) return ErrorResponse(Error<Err::InvalidInput>("quantity is required."));
  if (!type->has_value() || (!EqualsIgnoreCase(**type, "transition_only") &&
                             !EqualsIgnoreCase(**type, "transition_with_license_transfer")))
    return ErrorResponse(Error<Err::UnableToParse>("enum: transitionType (transition_only or transition_with_license_transfer)."));
  std::optional<Term> term;
  if (term_text->has_value()) {
    term = ParseTerm(**term_text);
    if (!term) return ErrorResponse(Error<Err::UnableToParse>("enum: termDuration " + **term_text));
  }
  std::optional<Billing> billing;
  if (billing_text->has_value()) {
    billing = ParseBilling(**billing_text);
    if (!billing) return ErrorResponse(Error<Err::UnableToParse>("enum: billingCycle " + **billing_text));
  }
  const std::string from_item = s->offer->catalog_item_id;
  const std::string from_id = s->id;
  std::string to_id;
  if (EqualsIgnoreCase(**to_item, from_item) && term && *term != s->term) {
    if (**quantity != s->quantity)
      return ErrorResponse(Error<Err::TermChangeAllSeats>(std::to_string(s->quantity)));
    Status st = ctx.sandbox.ChangeTerm(from_id, *term, billing);
    if (!st.ok()) return ErrorResponse(st);
    to_id = from_id;
  } else {
    auto result = ctx.sandbox.Upgrade({from_id, **to_item, static_cast<int>(**quantity), to_sub->value_or("")});
    if (!result.ok()) return ErrorResponse(result.status());
    to_id = (*result)->id;
  }
  Json j;
  j["id"] = ctx.sandbox.random().Guid();
  j["fromCatalogItemId"] = from_item;
  j["toCatalogItemId"] = **to_item;
  j["fromSubscriptionId"] = from_id;
  j["toSubscriptionId"] = to_id;
  j["quantity"] = **quantity;
  if (const Subscription* target = ctx.sandbox.FindSubscription(to_id)) {
    j["termDuration"] = ToString(target->term);
    j["billingCycle"] = WireBillingCycle(target->billing);
  }
  j["transitionType"] = ToLower(**type);
  j["status"] = "Completed";
  j["events"] = Json::array({Json{{"name", "Conversion"}, {"status", "Completed"},
                                  {"timestamp", ctx.sandbox.Now().ToString()},
                                  {"attributes", {{"objectType", "TransitionEvent"}}}}});
  j["attributes"] = Json{{"objectType", "Transition"}};
  return JsonResponse(200, std::move(j));
}

Response ListConversions(RouteContext& ctx) {
  Response error;
  const Subscription* s = FindSubscription(ctx, &error);
  if (s == nullptr) return error;
  Json items = Json::array();
  if (s->is_trial && !s->offer->sku->trial_converts_to.empty()) {
    const Offer* paid = ctx.sandbox.ResolveOffer(s->offer->sku->trial_converts_to,
                                                 ctx.sandbox.CustomerAt(s->customer).country());
    if (paid != nullptr)
      items.push_back(Json{{"offerId", s->offer->catalog_item_id}, {"targetOfferId", paid->catalog_item_id},
                           {"orderId", ctx.sandbox.OrderAt(s->order).id}, {"quantity", s->quantity},
                           {"billingCycle", "monthly"}, {"termDuration", "P1M"},
                           {"attributes", {{"objectType", "Conversion"}}}});
  }
  return JsonResponse(200, CollectionJson(std::move(items), "/customers/" + ctx.params[0] + "/subscriptions/" + s->id + "/conversions"));
}

Response PostConversion(RouteContext& ctx) {
  Response error;
  const Subscription* s = FindSubscription(ctx, &error);
  if (s == nullptr) return error;
  auto body = ParseBody(ctx.request.body);
  if (!body.ok()) return ErrorResponse(body.status());
  auto target = StringField(*body, "targetOfferId");
  auto quantity = IntField(*body, "quantity");
  auto term_text = StringField(*body, "termDuration");
  auto billing_text = StringField(*body, "billingCycle");
  for (const Status* st : {&target.status(), &quantity.status(), &term_text.status(), &billing_text.status()})
    if (!st->ok()) return ErrorResponse(*st);
  ConvertTrialRequest request{s->id, target->value_or(""), std::nullopt, std::nullopt, std::nullopt};
  if (quantity->has_value()) request.quantity = static_cast<int>(**quantity);
  if (term_text->has_value()) {
    request.term = ParseTerm(**term_text);
    if (!request.term) return ErrorResponse(Error<Err::UnableToParse>("enum: termDuration " + **term_text));
  }
  if (billing_text->has_value()) {
    request.billing = ParseBilling(**billing_text);
    if (!request.billing) return ErrorResponse(Error<Err::UnableToParse>("enum: billingCycle " + **billing_text));
  }
  std::string offer_id = s->offer->catalog_item_id;
  auto converted = ctx.sandbox.ConvertTrial(request);
  if (!converted.ok()) return ErrorResponse(converted.status());
  return JsonResponse(200, Json{{"offerId", offer_id}, {"targetOfferId", (*converted)->offer->catalog_item_id},
                                {"subscriptionId", (*converted)->id},
                                {"attributes", {{"objectType", "ConversionResult"}}}});
}

Response CustomTermEndDates(RouteContext& ctx) {
  const Customer* c = ctx.router.VisibleCustomer(ctx, ctx.params[0]);
  if (c == nullptr) return CustomerNotFound(ctx.params[0]);
  auto term_text = ctx.request.Query("term_duration");
  if (!term_text) term_text = ctx.request.Query("TermDuration");
  if (!term_text) return ErrorResponse(Error<Err::InvalidInput>("term_duration is required."));
  auto term = ParseTerm(*term_text);
  if (!term) return ErrorResponse(Error<Err::UnableToParse>("enum: term_duration " + *term_text));
  Date start = ctx.sandbox.Today();
  auto start_text = ctx.request.Query("term_start_date");
  if (!start_text) start_text = ctx.request.Query("TermStartDate");
  if (start_text) {
    auto t = Instant::Parse(*start_text);
    if (!t) return ErrorResponse(Error<Err::InvalidInput>("term_start_date is not a date."));
    start = t->date();
  }
  auto target_id = ctx.request.Query("target_coterm_subscription_id");
  if (!target_id) target_id = ctx.request.Query("TargetCotermSubscriptionId");
  const Subscription* target = nullptr;
  if (target_id) {
    target = ctx.sandbox.FindSubscription(ToLower(*target_id));
    if (target == nullptr || target->customer != c->index) return SubscriptionNotFound(*target_id);
  }
  Json items = Json::array();
  for (const AllowedTermEnd& allowed : ctx.sandbox.AllowedTermEnds(*c, *term, start, target)) {
    if (allowed.calendar_month) {
      items.push_back(Json{{"allowedCustomTermEndDateType", "calendarMonthAligned"},
                           {"allowedCustomTermEndDate", DateTimeOf(allowed.end)}});
      continue;
    }
    Json ids = Json::array();
    for (const Subscription* s : allowed.aligned_with) ids.push_back(s->id);
    items.push_back(Json{{"allowedCustomTermEndDateType", "subscriptionAligned"},
                         {"allowedCustomTermEndDate", DateTimeOf(allowed.end)}, {"cotermSubscriptionIds", ids}});
  }
  return JsonResponse(200, CollectionJson(std::move(items), "/customers/" + c->id + "/subscriptions/customTermEndDates?term_duration=" + *term_text));
}

// GET .../subscriptions/{id}/provisioningstatus (Get subscription
// provisioning status): "pending" while the order that bought it is, else
// "success"; the seats and the end of the current term.
Response ProvisioningStatus(RouteContext& ctx) {
  Response error;
  const Subscription* s = FindSubscription(ctx, &error);
  if (s == nullptr) return error;
  const bool pending = s->order != kNoIndex && ctx.sandbox.OrderAt(s->order).status == OrderStatus::Pending;
  Json j;
  j["skuId"] = SkuProvisioningId(*s->offer->product, *s->offer->sku);
  j["status"] = pending ? "pending" : "success";
  j["quantity"] = s->quantity;
  if (!Sandbox::IsAzurePlan(*s)) j["endDate"] = DateTimeOf(s->term_end);
  j["attributes"] = Attributes("SubscriptionProvisioningStatus");
  return JsonResponse(200, j);
}

// GET and POST .../subscriptions/{id}/upgrades: the upgrades API of legacy
// license-based subscriptions ("Upgrade resources" excludes new commerce).
// Every subscription pcsim sells is new commerce, so both answer 400 800042
// and name the routes to use instead.
Response LegacyUpgrades(RouteContext& ctx) {
  Response error;
  const Subscription* s = FindSubscription(ctx, &error);
  if (s == nullptr) return error;
  return ErrorResponse(Error<Err::NotSupported>(
      "subscription " + s->id + " is a new-commerce subscription: the upgrades API serves legacy license-based "
      "subscriptions only; use GET .../transitionEligibilities and POST .../transitions."));
}

// GET .../subscriptions/{id}/addons (Get a list of add-ons for a
// subscription): the customer's add-on subscriptions that depend on this
// one, that is whose SKU lists this subscription's SKU as a prerequisite (new
// commerce ties an add-on to a prerequisite SKU, not to a parent
// subscription), in order of creation.
Response ListAddOns(RouteContext& ctx) {
  Response error;
  const Subscription* s = FindSubscription(ctx, &error);
  if (s == nullptr) return error;
  const Customer& c = ctx.sandbox.CustomerAt(s->customer);
  const std::string parent_sku = s->offer->ProductSkuId();
  Json items = Json::array();
  for (uint32_t i : ctx.sandbox.SubscriptionsOf(c)) {
    const Subscription& add_on = ctx.sandbox.SubscriptionAt(i);
    const auto& prerequisites = add_on.offer->sku->prerequisite_skus;
    if (add_on.offer->sku->is_add_on &&
        std::find(prerequisites.begin(), prerequisites.end(), parent_sku) != prerequisites.end())
      items.push_back(SubscriptionJson(ctx.sandbox, add_on));
  }
  return JsonResponse(200, CollectionJson(std::move(items), "/customers/" + c.id + "/subscriptions/" + s->id + "/addons"));
}

// GET .../subscriptions/{id}/usagesummary (Get a customer's subscription
// usage summary), for an Azure plan: the current calendar month so far, the
// usage visible now (after the data lag) totalled as its invoice will bill it
// (per Azure subscription and meter, rounded down once), in the plan's
// currency. A license-based subscription has no usage: 400 800042.
Response UsageSummary(RouteContext& ctx) {
  Response error;
  const Subscription* s = FindSubscription(ctx, &error);
  if (s == nullptr) return error;
  if (!Sandbox::IsAzurePlan(*s))
    return ErrorResponse(Error<Err::NotSupported>("subscription " + s->id +
                                                  " is license-based: usage summaries are for Azure plans."));
  const Date month = ctx.sandbox.Today().FirstOfMonth();
  UsageLineFilter filter;
  filter.period = month;
  std::map<std::pair<uint32_t, uint32_t>, UsageTotal> totals;
  for (const UsageLine& line : ctx.sandbox.UsageLines(filter))
    if (line.plan == s) totals[{line.key->entitlement, line.key->meter}].Add(line.record->quantity, line.amounts.effective_unit_price);
  Decimal total;
  for (const auto& [where, sum] : totals) total += sum.RoundedDown();
  const Customer& c = ctx.sandbox.CustomerAt(s->customer);
  const std::string& currency = s->offer->market->currency;
  Json j;
  j["resourceId"] = s->id;
  j["resourceName"] = s->offer->sku->title;
  j["billingStartDate"] = DateTimeOf(month);
  j["billingEndDate"] = DateTimeOf(month.AddMonthsClamped(1));
  j["totalCost"] = Number(total);
  j["currencyCode"] = currency;
  if (currency == "USD") j["usdTotalCost"] = Number(total);
  j["lastModifiedDate"] = ctx.sandbox.Now().ToStringWith7Fraction();
  j["links"] = Json{{"self", LinkJson("/customers/" + c.id + "/subscriptions/" + s->id + "/usagesummary")}};
  j["attributes"] = Attributes("SubscriptionUsageSummary");
  return JsonResponse(200, j);
}

}  // namespace

void RegisterSubscriptionRoutes(RouteTable& table) {
  table.Add("GET", "/v1/customers/{}/subscriptions/customTermEndDates", CustomTermEndDates);
  table.Add("GET", "/v1/customers/{}/subscriptions", ListSubscriptions);
  table.Add("GET", "/v1/customers/{}/subscriptions/{}", GetSubscription);
  table.Add("PATCH", "/v1/customers/{}/subscriptions/{}", PatchSubscription);
  table.Add("GET", "/v1/customers/{}/subscriptions/{}/transitionEligibilities", TransitionEligibilities);
  table.Add("POST", "/v1/customers/{}/subscriptions/{}/transitions", PostTransition);
  table.Add("GET", "/v1/customers/{}/subscriptions/{}/conversions", ListConversions);
  table.Add("POST", "/v1/customers/{}/subscriptions/{}/conversions", PostConversion);
  table.Add("GET", "/v1/customers/{}/subscriptions/{}/provisioningstatus", ProvisioningStatus);
  table.Add("GET", "/v1/customers/{}/subscriptions/{}/upgrades", LegacyUpgrades);
  table.Add("POST", "/v1/customers/{}/subscriptions/{}/upgrades", LegacyUpgrades, RouteKind::Read);
  table.Add("GET", "/v1/customers/{}/subscriptions/{}/addons", ListAddOns);
  table.Add("GET", "/v1/customers/{}/subscriptions/{}/usagesummary", UsageSummary);
}

}  // namespace pcsim::api
