// The Azure plan on the wire (Get a list of Azure entitlements for a
// subscription, Cancel an Azure subscription, Reactivate an Azure subscription;
// docs/decisions.md, section 11).
//
//   GET  /v1/customers/{c}/subscriptions/{plan}/azureEntitlements            Collection of AzureEntitlement
//   GET  /v1/customers/{c}/subscriptions/{plan}/azureEntitlements/{e}        one AzureEntitlement
//   POST /v1/customers/{c}/subscriptions/{plan}/azureEntitlements/{e}/cancel  {"cancellationReason"} -> 200
//   POST /v1/customers/{c}/subscriptions/{plan}/azureEntitlements/{e}/reactivate                    -> 202
//   GET  /v1/customers/{c}/entitlements[?entitlementType=azure]              the customer's Azure plans
//
// Azure creates Azure subscriptions and meters consumption, so the sandbox
// adds control routes for them (docs/control-api.md conventions: JSON in and out,
// the /v1 error body):
//
//   POST /_sim/azure-subscriptions  {"plan": SUBSCRIPTION_ID, "friendlyName"?}   -> 201 AzureEntitlement
//   POST /_sim/usage                {"entitlement": AZURE_SUBSCRIPTION_ID, "meterId", "quantity", "date"?}
//                                   -> 201 {entitlementId, meterId, usageDate, quantity (the day's total)}
//   POST /_sim/azure-roles          {"entitlement", "role": Owner|Contributor|Reader|none, "via"?: AOBO|Lighthouse|GDAP}
//                                   -> 200 {entitlementId, role, via, from}
//   GET  /_sim/azure-roles?entitlement=ID                                        -> the role history
//
// What the simulator decides (no public source settles it): a cancelled
// Azure subscription is inactive at once (Partner Center takes about ten
// minutes); the customer entitlements list holds one entitlement per Azure
// plan (entitlementType "azure") with one artifact per Azure subscription.
#include <cctype>

#include "simulator/model/errors.h"
#include "simulator/api/resources.h"
#include "simulator/api/router.h"

namespace pcsim::api {
namespace {

Status BadInput(std::string description) { return Error<Err::InvalidInput>(description); }

std::string PlanPath(const Sandbox& sandbox, const Subscription& plan) {
  return "/customers/" + sandbox.CustomerAt(plan.customer).id + "/subscriptions/" + plan.id;
}

// The Azure plan {plan} of customer {c} visible to the caller.
StatusOr<const Subscription*> VisiblePlan(RouteContext& ctx) {
  const Customer* customer = ctx.router.VisibleCustomer(ctx, ctx.params[0]);
  if (customer == nullptr) return Error<Err::CustomerNotFound>(ctx.params[0]);
  const Subscription* plan = ctx.sandbox.FindSubscription(ToLower(ctx.params[1]));
  if (plan == nullptr || plan->customer != customer->index)
    return Error<Err::SubscriptionNotFound>(ctx.params[1]);
  if (!Sandbox::IsAzurePlan(*plan))
    return BadInput("subscription " + plan->id + " is not an Azure plan; only an Azure plan has azureEntitlements.");
  return plan;
}

StatusOr<const AzureEntitlement*> VisibleEntitlement(RouteContext& ctx, const Subscription& plan) {
  const AzureEntitlement* e = ctx.sandbox.FindAzureEntitlement(ctx.params[2]);
  if (e == nullptr || e->plan != plan.index)
    return Error<Err::AzureSubscriptionNotInPlan>(ctx.params[2], plan.id);
  return e;
}

// The raw text of the top-level number `key` (case-insensitive) of a JSON
// body, so that a quantity written as a JSON number stays exact.
class NumberTextFinder : public nlohmann::json_sax<nlohmann::json> {
 public:
  explicit NumberTextFinder(std::string key) : key_(std::move(key)) {}
  std::optional<std::string> text;

  bool null() override { return true; }
  bool boolean(bool) override { return true; }
  bool number_integer(number_integer_t v) override { return Found(std::to_string(v)); }
  bool number_unsigned(number_unsigned_t v) override { return Found(std::to_string(v)); }
  bool number_float(number_float_t, const string_t& s) override { return Found(s); }
  bool string(string_t&) override { return true; }
  bool binary(binary_t&) override { return true; }
  bool start_object(std::size_t) override {
    ++depth_;
    return true;
  }
  bool key(string_t& k) override {
    current_ = ToLower(k);
    return true;
  }
  bool end_object() override {
    --depth_;
    return true;
  }
  bool start_array(std::size_t) override {
    ++depth_;
    return true;
  }
  bool end_array() override {
    --depth_;
    return true;
  }
  bool parse_error(std::size_t, const std::string&, const nlohmann::detail::exception&) override { return false; }

 private:
  bool Found(std::string s) {
    if (depth_ == 1 && current_ == key_) text = std::move(s);
    return true;
  }
  std::string key_;
  std::string current_;
  int depth_ = 0;
};

// An exact decimal field: a JSON string or number ("24.5", 24.5, 3).
StatusOr<Decimal> DecimalField(std::string_view body, const nlohmann::json& object, std::string_view key) {
  const nlohmann::json* v = Field(object, key);
  if (v == nullptr || v->is_null()) return BadInput(std::string(key) + " is required.");
  std::string text;
  if (v->is_string()) {
    text = v->get<std::string>();
  } else if (v->is_number()) {
    NumberTextFinder finder{ToLower(key)};
    bool parsed = nlohmann::json::sax_parse(std::string(body), &finder);
    if (!parsed || !finder.text) return BadInput(std::string(key) + " could not be read.");
    text = *finder.text;
  } else {
    return BadInput(std::string(key) + " must be a decimal number, not " + std::string(v->type_name()) + ".");
  }
  auto d = Decimal::Parse(text);
  if (!d) return BadInput(std::string(key) + " '" + text + "' is not an exact decimal (digits, an optional fraction, no exponent).");
  return *d;
}

StatusOr<std::string> RequiredString(const nlohmann::json& body, std::string_view key) {
  auto v = StringField(body, key);
  if (!v.ok()) return v.status();
  if (!v->has_value() || (*v)->empty()) return BadInput(std::string(key) + " is required.");
  return **v;
}

Json RoleJson(const AzureEntitlement& e, const AzureRoleChange& c) {
  Json j;
  j["entitlementId"] = e.id;
  j["role"] = ToString(c.role);
  j["via"] = ToString(c.via);
  j["from"] = c.at.ToString();
  return j;
}

// --- /v1 handlers ---------------------------------------------------------------------

Response ListAzureEntitlements(RouteContext& ctx) {
  auto plan = VisiblePlan(ctx);
  if (!plan.ok()) return ErrorResponse(plan.status());
  Json items = Json::array();
  auto it = ctx.sandbox.azure().entitlements_of_plan.find((*plan)->index);
  if (it != ctx.sandbox.azure().entitlements_of_plan.end())
    for (uint32_t i : it->second) items.push_back(AzureEntitlementJson(ctx.sandbox, ctx.sandbox.azure().entitlements[i]));
  return JsonResponse(200, CollectionJson(std::move(items), PlanPath(ctx.sandbox, **plan) + "/azureEntitlements"));
}

Response GetAzureEntitlement(RouteContext& ctx) {
  auto plan = VisiblePlan(ctx);
  if (!plan.ok()) return ErrorResponse(plan.status());
  auto e = VisibleEntitlement(ctx, **plan);
  if (!e.ok()) return ErrorResponse(e.status());
  return JsonResponse(200, AzureEntitlementJson(ctx.sandbox, **e));
}

Response CancelAzureEntitlement(RouteContext& ctx) {
  auto plan = VisiblePlan(ctx);
  if (!plan.ok()) return ErrorResponse(plan.status());
  auto e = VisibleEntitlement(ctx, **plan);
  if (!e.ok()) return ErrorResponse(e.status());
  auto body = ParseBody(ctx.request.body.empty() ? "{}" : ctx.request.body);
  if (!body.ok()) return ErrorResponse(body.status());
  auto reason = StringField(*body, "cancellationReason");
  if (!reason.ok()) return ErrorResponse(reason.status());
  if (!reason->has_value() || (ToLower(**reason) != "compromise" && ToLower(**reason) != "dunning"))
    return ErrorResponse(Error<Err::CancellationReasonInvalid>(reason->value_or("")));
  Status s = ctx.sandbox.CancelAzureSubscription((*e)->id);
  if (!s.ok()) return ErrorResponse(s);
  return JsonResponse(200, AzureEntitlementJson(ctx.sandbox, **e));
}

Response ReactivateAzureEntitlement(RouteContext& ctx) {
  auto plan = VisiblePlan(ctx);
  if (!plan.ok()) return ErrorResponse(plan.status());
  auto e = VisibleEntitlement(ctx, **plan);
  if (!e.ok()) return ErrorResponse(e.status());
  Status s = ctx.sandbox.ReactivateAzureSubscription((*e)->id);
  if (!s.ok()) return ErrorResponse(s);
  return JsonResponse(202, AzureEntitlementJson(ctx.sandbox, **e));
}

Response ListCustomerEntitlements(RouteContext& ctx) {
  const Customer* customer = ctx.router.VisibleCustomer(ctx, ctx.params[0]);
  if (customer == nullptr) return ErrorResponse(Error<Err::CustomerNotFound>(ctx.params[0]));
  auto type = ctx.request.Query("entitlementType");
  if (type && !type->empty() && ToLower(*type) != "azure" && ToLower(*type) != "software" &&
      ToLower(*type) != "virtualmachinereservedinstance")
    return ErrorResponse(Error<Err::UnableToParse>("enum: EntitlementType value \"" + *type + "\"."));
  const bool azure = !type || type->empty() || ToLower(*type) == "azure";
  Json items = Json::array();
  const Sandbox& sandbox = ctx.sandbox;
  if (azure)
    for (uint32_t i : sandbox.SubscriptionsOf(*customer)) {
      const Subscription& plan = sandbox.SubscriptionAt(i);
      if (!Sandbox::IsAzurePlan(plan) || plan.status == SubscriptionStatus::Deleted) continue;
      Json artifacts = Json::array();
      int active = 0;
      auto it = sandbox.azure().entitlements_of_plan.find(plan.index);
      if (it != sandbox.azure().entitlements_of_plan.end())
        for (uint32_t k : it->second) {
          const AzureEntitlement& e = sandbox.azure().entitlements[k];
          active += e.active ? 1 : 0;
          Json a;
          a["artifactType"] = "AzureSubscription";
          a["dynamicAttributes"] = Json{{"subscriptionId", e.id}, {"friendlyName", e.friendly_name},
                                        {"status", e.active ? "active" : "inactive"}};
          a["link"] = LinkJson(PlanPath(sandbox, plan) + "/azureEntitlements/" + e.id);
          artifacts.push_back(std::move(a));
        }
      Json j;
      j["includedEntitlements"] = Json::array();
      j["referenceOrder"] = Json{{"id", sandbox.OrderAt(plan.order).id}, {"lineItemId", "0"}, {"alternateId", plan.id}};
      j["productId"] = plan.offer->product->id;
      j["quantity"] = active;
      j["quantityDetails"] = Json::array({Json{{"quantity", active}, {"status", "Fulfilled"}}});
      j["entitledArtifacts"] = std::move(artifacts);
      j["skuId"] = plan.offer->sku->id;
      j["entitlementType"] = "azure";
      j["fulfillmentState"] = "Fulfilled";
      j["attributes"] = Attributes("Entitlement");
      items.push_back(std::move(j));
    }
  return JsonResponse(200, CollectionJson(std::move(items), "/customers/" + customer->id + "/entitlements"));
}

// --- /_sim handlers ---------------------------------------------------------------------

Response SimAddAzureSubscription(RouteContext& ctx) {
  auto body = ParseBody(ctx.request.body);
  if (!body.ok()) return ErrorResponse(body.status());
  auto plan = RequiredString(*body, "plan");
  if (!plan.ok()) return ErrorResponse(plan.status());
  auto name = StringField(*body, "friendlyName");
  if (!name.ok()) return ErrorResponse(name.status());
  auto e = ctx.sandbox.AddAzureSubscription(*plan, name->value_or(""));
  if (!e.ok()) return ErrorResponse(e.status());
  return JsonResponse(201, AzureEntitlementJson(ctx.sandbox, **e));
}

Response SimRecordUsage(RouteContext& ctx) {
  auto body = ParseBody(ctx.request.body);
  if (!body.ok()) return ErrorResponse(body.status());
  auto entitlement = RequiredString(*body, "entitlement");
  if (!entitlement.ok()) return ErrorResponse(entitlement.status());
  auto meter = RequiredString(*body, "meterId");
  if (!meter.ok()) return ErrorResponse(meter.status());
  auto quantity = DecimalField(ctx.request.body, *body, "quantity");
  if (!quantity.ok()) return ErrorResponse(quantity.status());
  auto date_text = StringField(*body, "date");
  if (!date_text.ok()) return ErrorResponse(date_text.status());
  Date day = ctx.sandbox.Today();
  if (date_text->has_value()) {
    auto d = Date::Parse(**date_text);
    if (!d) {
      auto at = Instant::Parse(**date_text);
      if (!at) return ErrorResponse(BadInput("date '" + **date_text + "' is not a date (YYYY-MM-DD)."));
      d = at->date();
    }
    day = *d;
  }
  Status s = ctx.sandbox.RecordUsage(*entitlement, *meter, *quantity, day);
  if (!s.ok()) return ErrorResponse(s);
  const AzureEntitlement* e = ctx.sandbox.FindAzureEntitlement(*entitlement);
  const Subscription& plan = ctx.sandbox.SubscriptionAt(e->plan);
  const Meter* m = ctx.sandbox.catalog().FindMeter(*plan.offer, *meter);
  UsageKey key{day, e->index, static_cast<uint32_t>(m - plan.offer->market->meters.data())};
  Json j;
  j["entitlementId"] = e->id;
  j["meterId"] = m->id;
  j["usageDate"] = DateTimeOf(day);
  j["quantity"] = Number(ctx.sandbox.azure().usage.at(key).quantity);
  return JsonResponse(201, j);
}

Response SimSetAzureRole(RouteContext& ctx) {
  auto body = ParseBody(ctx.request.body);
  if (!body.ok()) return ErrorResponse(body.status());
  auto entitlement = RequiredString(*body, "entitlement");
  if (!entitlement.ok()) return ErrorResponse(entitlement.status());
  auto role_text = RequiredString(*body, "role");
  if (!role_text.ok()) return ErrorResponse(role_text.status());
  auto role = ParseAzureRole(*role_text);
  if (!role) return ErrorResponse(BadInput("role '" + *role_text + "' is not Owner, Contributor, Reader or none."));
  auto via_text = StringField(*body, "via");
  if (!via_text.ok()) return ErrorResponse(via_text.status());
  AzureAccess via = AzureAccess::AOBO;
  if (via_text->has_value()) {
    auto v = ParseAzureAccess(**via_text);
    if (!v) return ErrorResponse(BadInput("via '" + **via_text + "' is not AOBO, Lighthouse or GDAP."));
    via = *v;
  }
  Status s = ctx.sandbox.SetAzureRole(*entitlement, *role, via);
  if (!s.ok()) return ErrorResponse(s);
  const AzureEntitlement& e = *ctx.sandbox.FindAzureEntitlement(*entitlement);
  return JsonResponse(200, RoleJson(e, e.roles.back()));
}

Response SimGetAzureRoles(RouteContext& ctx) {
  auto id = ctx.request.Query("entitlement");
  if (!id || id->empty()) return ErrorResponse(BadInput("the query parameter entitlement is required."));
  const AzureEntitlement* e = ctx.sandbox.FindAzureEntitlement(*id);
  if (e == nullptr) return ErrorResponse(Error<Err::AzureSubscriptionNotFound>(*id));
  Json items = Json::array();
  for (const auto& c : e->roles) items.push_back(RoleJson(*e, c));
  return JsonResponse(200, Json{{"entitlementId", e->id}, {"roles", std::move(items)}});
}

}  // namespace

// --- the wire form ------------------------------------------------------------------------

Json AzurePlanJson(const Sandbox& sandbox, const Subscription& plan) {
  const Customer& customer = sandbox.CustomerAt(plan.customer);
  const Offer& offer = *plan.offer;
  Json j;
  j["id"] = plan.id;
  j["offerId"] = offer.catalog_item_id;
  j["offerName"] = offer.sku->title;
  j["friendlyName"] = plan.friendly_name;
  j["productType"] = Json{{"id", offer.product->product_type}, {"displayName", offer.product->product_type}};
  j["quantity"] = plan.quantity;
  j["unitType"] = "Usage-based";
  j["hasPurchasableAddons"] = false;
  j["creationDate"] = plan.created.ToStringWith7Fraction();
  j["effectiveStartDate"] = DateTimeOf(plan.term_start);
  j["commitmentEndDate"] = DateTimeOf(plan.term_end);
  j["commitmentEndDateTime"] = EndOfDayOf(plan.term_end);
  j["status"] = ToString(plan.status);
  j["autoRenewEnabled"] = false;
  j["isTrial"] = false;
  j["billingType"] = "usage";
  j["billingCycle"] = "monthly";
  j["termDuration"] = "";
  j["renewalTermDuration"] = "";
  j["refundOptions"] = Json::array();
  j["isMicrosoftProduct"] = offer.product->publisher_name == "Microsoft Corporation";
  j["partnerId"] = plan.reseller_id;
  j["attentionNeeded"] = false;
  j["actionTaken"] = false;
  j["contractType"] = "subscription";
  Json links;
  links["product"] = LinkJson("/products/" + offer.product->id + "?country=" + customer.country());
  links["sku"] = LinkJson("/products/" + offer.product->id + "/skus/" + offer.sku->id + "?country=" + customer.country());
  links["availability"] = LinkJson("/products/" + offer.product->id + "/skus/" + offer.sku->id + "/availabilities/" +
                                   offer.availability->id + "?country=" + customer.country());
  links["azureEntitlements"] = LinkJson(PlanPath(sandbox, plan) + "/azureEntitlements");
  links["self"] = LinkJson(PlanPath(sandbox, plan));
  j["links"] = std::move(links);
  j["publisherName"] = offer.product->publisher_name;
  j["orderId"] = sandbox.OrderAt(plan.order).id;
  j["actions"] = Json::array();
  j["attributes"] = Json{{"etag", SubscriptionEtag(plan)}, {"objectType", "Subscription"}};
  return j;
}

Json AzureEntitlementJson(const Sandbox& sandbox, const AzureEntitlement& e) {
  const Subscription& plan = sandbox.SubscriptionAt(e.plan);
  Json j;
  j["id"] = e.id;
  j["friendlyName"] = e.friendly_name;
  j["status"] = e.active ? "active" : "inactive";
  j["subscriptionId"] = plan.id;
  j["links"] = Json{{"self", LinkJson(PlanPath(sandbox, plan) + "/azureEntitlements/" + e.id)}};
  j["attributes"] = Attributes("AzureEntitlement");
  return j;
}

Json UsageLineJson(const Sandbox& sandbox, const UsageLine& line) {
  const Subscription& plan = *line.plan;
  const Customer& customer = sandbox.CustomerAt(plan.customer);
  const Meter& meter = *line.meter;
  const std::string& currency = sandbox.CurrencyOf(line);
  const Date month = line.key->day.FirstOfMonth();
  std::string invoice_number;
  if (line.record->invoice != UINT32_MAX) invoice_number = sandbox.ledger().invoices()[line.record->invoice].id;
  Json j;
  j["partnerId"] = customer.partner_tenant_id;
  j["partnerName"] = "";
  j["customerId"] = customer.id;
  j["customerName"] = customer.company_name;
  j["customerDomainName"] = customer.domain;
  j["invoiceNumber"] = invoice_number;
  j["productId"] = meter.product_id;
  j["skuId"] = meter.sku_id;
  j["availabilityId"] = "";
  j["skuName"] = meter.sku_name;
  j["productName"] = meter.product_name;
  j["publisherName"] = meter.publisher_name;
  j["publisherId"] = "";
  j["subscriptionId"] = plan.id;
  j["subscriptionDescription"] = plan.offer->sku->title;
  j["chargeStartDate"] = DateTimeOf(month);
  j["chargeEndDate"] = DateTimeOf(month.AddMonthsClamped(1));
  j["usageDate"] = DateTimeOf(line.key->day);
  j["meterType"] = meter.unit;
  j["meterCategory"] = meter.category;
  j["meterId"] = meter.id;
  j["meterSubCategory"] = meter.subcategory;
  j["meterName"] = meter.name;
  j["meterRegion"] = meter.region;
  j["unitOfMeasure"] = meter.unit;
  j["resourceLocation"] = meter.region;
  j["consumedService"] = meter.service;
  j["resourceGroup"] = "";
  j["resourceUri"] = "/subscriptions/" + line.entitlement->id;
  j["tags"] = "";
  j["additionalInfo"] = "";
  j["serviceInfo1"] = "";
  j["serviceInfo2"] = "";
  j["customerCountry"] = customer.country();
  j["mpnId"] = "";
  j["resellerMpnId"] = plan.reseller_id;
  j["chargeType"] = "new";
  j["unitPrice"] = Number(line.amounts.unit_price);
  j["quantity"] = Number(line.record->quantity);
  j["unitType"] = "";
  j["billingPreTaxTotal"] = Number(line.amounts.billing_pre_tax_total);
  j["billingCurrency"] = currency;
  j["pricingPreTaxTotal"] = Number(line.amounts.pricing_pre_tax_total);
  j["pricingCurrency"] = currency;
  j["entitlementId"] = line.entitlement->id;
  j["entitlementDescription"] = line.entitlement->friendly_name;
  j["pcToBCExchangeRate"] = Number(Decimal::FromInt(1));
  j["pcToBCExchangeRateDate"] = DateTimeOf(month);
  j["effectiveUnitPrice"] = Number(line.amounts.effective_unit_price);
  j["rateOfPartnerEarnedCredit"] = Number(line.amounts.pec_rate);
  j["hasPartnerEarnedCredit"] = line.has_pec;
  j["rateOfCredit"] = Number(Decimal());
  j["creditType"] = "Credit Not Applied";
  j["invoiceLineItemType"] = "usage_line_items";
  j["billingProvider"] = "marketplace";
  j["benefitOrderId"] = "";
  j["benefitId"] = "";
  j["benefitType"] = "";
  j["attributes"] = Attributes("DailyRatedUsageLineItem");
  return j;
}

// An Azure plan's PATCH: only friendlyName may change; seats, term, billing
// and status belong to its Azure subscriptions (azureEntitlements).
Response PatchAzurePlan(RouteContext& ctx, const Subscription& plan, const nlohmann::json& body) {
  auto friendly = StringField(body, "friendlyName");
  if (!friendly.ok()) return ErrorResponse(friendly.status());
  auto status = StringField(body, "status");
  if (!status.ok()) return ErrorResponse(status.status());
  if (status->has_value() && ToLower(**status) != ToString(plan.status))
    return ErrorResponse(BadInput("the status of an Azure plan can't be changed here; cancel or reactivate its Azure "
                                  "subscriptions (azureEntitlements) instead."));
  auto quantity = IntField(body, "quantity");
  if (!quantity.ok()) return ErrorResponse(quantity.status());
  if (quantity->has_value() && **quantity != plan.quantity)
    return ErrorResponse(BadInput("an Azure plan has no seats to change."));
  if (friendly->has_value() && **friendly != plan.friendly_name) {
    Status s = ctx.sandbox.SetFriendlyName(plan.id, **friendly);
    if (!s.ok()) return ErrorResponse(s);
  }
  return JsonResponse(200, AzurePlanJson(ctx.sandbox, *ctx.sandbox.FindSubscription(plan.id)));
}

void RegisterAzureRoutes(RouteTable& table) {
  table.Add("GET", "/v1/customers/{}/subscriptions/{}/azureEntitlements", ListAzureEntitlements);
  table.Add("GET", "/v1/customers/{}/subscriptions/{}/azureEntitlements/{}", GetAzureEntitlement);
  table.Add("POST", "/v1/customers/{}/subscriptions/{}/azureEntitlements/{}/cancel", CancelAzureEntitlement);
  table.Add("POST", "/v1/customers/{}/subscriptions/{}/azureEntitlements/{}/reactivate", ReactivateAzureEntitlement);
  table.Add("GET", "/v1/customers/{}/entitlements", ListCustomerEntitlements);
  table.Add("POST", "/_sim/azure-subscriptions", SimAddAzureSubscription);
  table.Add("POST", "/_sim/usage", SimRecordUsage);
  table.Add("POST", "/_sim/azure-roles", SimSetAzureRole);
  table.Add("GET", "/_sim/azure-roles", SimGetAzureRoles);
}

}  // namespace pcsim::api
