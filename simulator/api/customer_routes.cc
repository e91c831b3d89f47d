// Customers, their profiles, address validation, agreements (MCA
// attestation), qualifications and relationship requests
// (Create a customer, Get a customer by ID, Validate an address, Confirm customer
// acceptance of the Microsoft Customer Agreement using Partner Center APIs).
#include <algorithm>
#include <cctype>

#include "simulator/model/errors.h"
#include "simulator/api/resources.h"
#include "simulator/api/router.h"

namespace pcsim::api {
namespace {

constexpr std::string_view kMcaLegacyTemplateId = "998b88de-aa99-4388-a42c-1b3517d49490";
constexpr int kCustomersPageSize = 100;

Response CustomerNotFound(std::string_view id) {
  return ErrorResponse(Error<Err::CustomerNotFound>(std::string(id)));
}

Status ReadString(const nlohmann::json& object, std::string_view key, std::string* out) {
  auto v = StringField(object, key);
  if (!v.ok()) return v.status();
  if (v->has_value()) *out = **v;
  return OkStatus();
}

Status ReadAddress(const nlohmann::json& object, Address* a) {
  if (!object.is_object()) return Error<Err::InvalidInput>("an address must be an object.");
  for (auto [key, field] : std::initializer_list<std::pair<std::string_view, std::string*>>{
           {"firstName", &a->first_name},     {"lastName", &a->last_name},
           {"addressLine1", &a->address_line1}, {"addressLine2", &a->address_line2},
           {"addressLine3", &a->address_line3}, {"city", &a->city},
           {"state", &a->state},              {"postalCode", &a->postal_code},
           {"country", &a->country},          {"region", &a->region},
           {"phoneNumber", &a->phone_number}})
    PCSIM_RETURN_IF_ERROR(ReadString(object, key, field));
  std::transform(a->country.begin(), a->country.end(), a->country.begin(),
                 [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
  if (a->first_name.size() > 50 || a->last_name.size() > 50 || a->address_line1.size() > 200 ||
      a->address_line2.size() > 200 || a->city.size() > 200)
    return Error<Err::InvalidInput>("an address field is longer than Partner Center allows.");
  return OkStatus();
}

Response CreateCustomer(RouteContext& ctx) {
  auto body = ParseBody(ctx.request.body);
  if (!body.ok()) return ErrorResponse(body.status());
  const nlohmann::json* company = Field(*body, "companyProfile");
  const nlohmann::json* billing = Field(*body, "billingProfile");
  if (company == nullptr || !company->is_object() || billing == nullptr || !billing->is_object())
    return ErrorResponse(Error<Err::InvalidInput>("companyProfile and billingProfile are required objects."));
  CustomerSpec spec;
  spec.partner_tenant_id = ctx.caller.partner_tenant_id;
  Status s = ReadString(*company, "domain", &spec.domain);
  if (s.ok()) s = ReadString(*company, "organizationRegistrationNumber", &spec.organization_registration_number);
  if (s.ok()) s = ReadString(*billing, "email", &spec.email);
  if (s.ok()) s = ReadString(*billing, "culture", &spec.culture);
  if (s.ok()) s = ReadString(*billing, "language", &spec.language);
  if (s.ok()) s = ReadString(*billing, "companyName", &spec.company_name);
  if (s.ok()) s = ReadString(*body, "associatedPartnerId", &spec.associated_reseller);
  if (!s.ok()) return ErrorResponse(s);
  const nlohmann::json* address = Field(*billing, "defaultAddress");
  if (address == nullptr) return ErrorResponse(Error<Err::InvalidInput>("billingProfile.defaultAddress is required."));
  s = ReadAddress(*address, &spec.address);
  if (!s.ok()) return ErrorResponse(s);
  if (spec.domain.find('.') == std::string::npos)
    return ErrorResponse(Error<Err::InvalidInput>("companyProfile.domain must be a domain name such as contoso.onmicrosoft.com."));
  if (!spec.email.empty() && spec.email.find('@') == std::string::npos)
    return ErrorResponse(Error<Err::InvalidInput>("billingProfile.email is not an email address."));
  auto gdap = BoolField(*body, "enableGDAPByDefault");
  if (!gdap.ok()) return ErrorResponse(gdap.status());
  auto created = ctx.sandbox.CreateCustomer(spec);
  if (!created.ok()) return ErrorResponse(created.status());
  // relationshipToPartner is "reseller" from creation on, as a get answers
  // (CustomerJson); the create page's example shows "none".
  Json j = CustomerJson(ctx.sandbox, **created);
  j["enableGDAPByDefault"] = gdap->value_or(false);
  j["userCredentials"] = Json{{"userName", "admin"}, {"password", ctx.sandbox.random().Hex(16)}};
  return JsonResponse(201, j);
}

bool Matches(const std::string& value, const std::string& op, const std::string& wanted) {
  std::string v = ToLower(value), w = ToLower(wanted);
  if (op == "equals") return v == w;
  if (op == "not_equals") return v != w;
  if (op == "starts_with") return v.rfind(w, 0) == 0;
  if (op == "not_starts_with") return v.rfind(w, 0) != 0;
  if (op == "substring") return v.find(w) != std::string::npos;
  return false;
}

Response ListCustomers(RouteContext& ctx) {
  int size = kCustomersPageSize;
  if (auto s = ctx.request.Query("size")) {
    auto d = Decimal::Parse(*s);
    if (!d || d->scale() != 0 || d->units() < 0 || d->units() > 500)
      return ErrorResponse(Error<Err::InvalidInput>("size must be an integer from 0 to 500."));
    size = static_cast<int>(d->units());
  }
  std::string field, op, value;
  if (auto f = ctx.request.Query("filter")) {
    auto filter = ParseBody(*f);
    if (!filter.ok()) return ErrorResponse(Error<Err::InvalidInput>("filter must be a JSON object."));
    Status s = ReadString(*filter, "field", &field);
    if (s.ok()) s = ReadString(*filter, "operator", &op);
    if (s.ok()) s = ReadString(*filter, "value", &value);
    if (!s.ok()) return ErrorResponse(s);
    op = ToLower(op);
    static const char* kOps[] = {"equals", "not_equals", "starts_with", "not_starts_with", "substring"};
    if (std::none_of(std::begin(kOps), std::end(kOps), [&](const char* o) { return op == o; }))
      return ErrorResponse(Error<Err::InvalidInput>("unsupported filter operator \"" + op + "\"."));
    if (!EqualsIgnoreCase(field, "CompanyName") && !EqualsIgnoreCase(field, "Domain") &&
        !EqualsIgnoreCase(field, "IndirectReseller"))
      return ErrorResponse(Error<Err::InvalidInput>("unsupported filter field \"" + field + "\"."));
  }
  size_t offset = 0;
  if (auto seek = ctx.request.Query("seekOperation"); seek && EqualsIgnoreCase(*seek, "Next")) {
    auto token = ctx.request.Header("MS-ContinuationToken");
    auto d = token ? Decimal::Parse(*token) : std::nullopt;
    if (!d || d->scale() != 0 || d->units() < 0)
      return ErrorResponse(Error<Err::InvalidInput>("MS-ContinuationToken is missing or invalid."));
    offset = static_cast<size_t>(d->units());
  }
  std::vector<const Customer*> visible;
  for (const auto& c : ctx.sandbox.customers()) {
    if (c->deleted || c->partner_tenant_id != ctx.caller.partner_tenant_id) continue;
    if (!field.empty()) {
      const std::string& v = EqualsIgnoreCase(field, "CompanyName") ? c->company_name
                             : EqualsIgnoreCase(field, "Domain")    ? c->domain
                                                                    : c->associated_reseller;
      if (!Matches(v, op, value)) continue;
    }
    visible.push_back(c.get());
  }
  Json items = Json::array();
  size_t end = std::min(visible.size(), offset + static_cast<size_t>(size));
  for (size_t i = offset; i < end; ++i) items.push_back(CustomerListItemJson(*visible[i]));
  std::optional<Json> next;
  if (end < visible.size() && size > 0) {
    std::string uri = "/customers?size=" + std::to_string(size) + "&seekOperation=Next";
    next = LinkJson(uri, "GET", Json::array({Json{{"key", "MS-ContinuationToken"}, {"value", std::to_string(end)}}}));
  }
  Json page = CollectionJson(std::move(items), "/customers?size=" + std::to_string(size), std::move(next));
  if (end < visible.size() && size > 0) page["continuationToken"] = std::to_string(end);
  return JsonResponse(200, std::move(page));
}

Response GetCustomer(RouteContext& ctx) {
  const Customer* c = ctx.router.VisibleCustomer(ctx, ctx.params[0]);
  if (c == nullptr) return CustomerNotFound(ctx.params[0]);
  return JsonResponse(200, CustomerJson(ctx.sandbox, *c));
}

Response DeleteCustomer(RouteContext& ctx) {
  const Customer* c = ctx.router.VisibleCustomer(ctx, ctx.params[0]);
  if (c == nullptr) return CustomerNotFound(ctx.params[0]);
  Status s = ctx.sandbox.DeleteCustomer(c->id);
  if (!s.ok()) return ErrorResponse(s);
  Response r;
  r.status = 204;
  return r;
}

Response PatchCustomer(RouteContext& ctx) {
  const Customer* c = ctx.router.VisibleCustomer(ctx, ctx.params[0]);
  if (c == nullptr) return CustomerNotFound(ctx.params[0]);
  auto body = ParseBody(ctx.request.body);
  if (!body.ok()) return ErrorResponse(body.status());
  auto relationship = StringField(*body, "relationshipToPartner");
  if (!relationship.ok()) return ErrorResponse(relationship.status());
  if (!relationship->has_value() || !EqualsIgnoreCase(**relationship, "none"))
    return ErrorResponse(Error<Err::InvalidInput>("only relationshipToPartner \"none\" (remove the reseller relationship) can be patched."));
  for (uint32_t i : ctx.sandbox.SubscriptionsOf(*c))
    if (ctx.sandbox.SubscriptionAt(i).status == SubscriptionStatus::Active ||
        ctx.sandbox.SubscriptionAt(i).status == SubscriptionStatus::Suspended)
      return ErrorResponse(Error<Err::ResellerInUse>());
  std::string id = c->id;
  if (ctx.sandbox.environment() == Environment::Sandbox) {
    Status s = ctx.sandbox.DeleteCustomer(id);
    if (!s.ok()) return ErrorResponse(s);
  }
  return JsonResponse(200, Json{{"id", id}, {"relationshipToPartner", "none"}, {"attributes", {{"objectType", "Customer"}}}});
}

Response GetCompanyProfile(RouteContext& ctx) {
  const Customer* c = ctx.router.VisibleCustomer(ctx, ctx.params[0]);
  if (c == nullptr) return CustomerNotFound(ctx.params[0]);
  return JsonResponse(200, CompanyProfileJson(*c));
}

Response GetBillingProfile(RouteContext& ctx) {
  const Customer* c = ctx.router.VisibleCustomer(ctx, ctx.params[0]);
  if (c == nullptr) return CustomerNotFound(ctx.params[0]);
  return JsonResponse(200, BillingProfileJson(*c));
}

Response PutBillingProfile(RouteContext& ctx) {
  const Customer* c = ctx.router.VisibleCustomer(ctx, ctx.params[0]);
  if (c == nullptr) return CustomerNotFound(ctx.params[0]);
  if (auto match = ctx.request.Header("If-Match")) {
    std::string etag = *match;
    etag.erase(std::remove(etag.begin(), etag.end(), '"'), etag.end());
    if (etag != BillingProfileJson(*c)["attributes"]["etag"].get<std::string>())
      return ErrorResponse(Error<Err::EtagStaleBillingProfile>());
  }
  auto body = ParseBody(ctx.request.body);
  if (!body.ok()) return ErrorResponse(body.status());
  CustomerSpec updated;
  updated.email = c->email;
  updated.culture = c->culture;
  updated.language = c->language;
  updated.company_name = c->company_name;
  updated.address = c->address;
  Status s = ReadString(*body, "email", &updated.email);
  if (s.ok()) s = ReadString(*body, "culture", &updated.culture);
  if (s.ok()) s = ReadString(*body, "language", &updated.language);
  if (s.ok()) s = ReadString(*body, "companyName", &updated.company_name);
  if (s.ok()) s = ReadString(*body, "firstName", &updated.address.first_name);
  if (s.ok()) s = ReadString(*body, "lastName", &updated.address.last_name);
  if (s.ok())
    if (const nlohmann::json* a = Field(*body, "defaultAddress")) s = ReadAddress(*a, &updated.address);
  if (s.ok()) s = ctx.sandbox.UpdateBillingProfile(c->id, updated);
  if (!s.ok()) return ErrorResponse(s);
  return JsonResponse(200, BillingProfileJson(*c));
}

Response ValidateAddress(RouteContext& ctx) {
  auto body = ParseBody(ctx.request.body);
  if (!body.ok()) return ErrorResponse(body.status());
  Address a;
  Status s = ReadAddress(*body, &a);
  if (!s.ok()) return ErrorResponse(s);
  for (auto [name, value] : std::initializer_list<std::pair<const char*, const std::string*>>{
           {"addressLine1", &a.address_line1}, {"city", &a.city}, {"postalCode", &a.postal_code}, {"country", &a.country}})
    if (value->empty()) return ErrorResponse(Error<Err::InvalidInput>(std::string(name) + " is required."));
  if (ctx.sandbox.country_rules().Find(a.country) == nullptr)
    return ErrorResponse(Error<Err::InvalidInput>("unsupported country \"" + a.country + "\"."));
  auto invalid = ctx.sandbox.country_rules().InvalidFields(a);
  // A street without a premises number only partly verifies.
  if (std::none_of(a.address_line1.begin(), a.address_line1.end(), [](unsigned char ch) { return std::isdigit(ch); }))
    invalid.push_back("AddressLine1");
  Json original = AddressJson(a);
  Json j;
  j["originalAddress"] = original;
  j["suggestedAddresses"] = Json::array();
  if (invalid.empty()) {
    j["suggestedAddresses"].push_back(original);
    j["status"] = "VerifiedShippable";
  } else {
    std::string fields;
    for (const auto& f : invalid) fields += (fields.empty() ? "'" : ", '") + f + "'";
    j["status"] = "StreetPartial";
    j["validationMessage"] = "Address field invalid for property: " + fields;
  }
  return JsonResponse(200, j);
}

Json AgreementMetadata(std::string_view type) {
  bool mca = type == "MicrosoftCustomerAgreement";
  return Json{{"templateId", mca ? "117a77b0-9360-443b-8795-c6dedc750cf9" : std::string(kMcaLegacyTemplateId)},
              {"agreementType", type},
              {"agreementLink", mca ? "https://aka.ms/customeragreement" : "https://aka.ms/cloudagreement"},
              {"versionRank", 0},
              {"attributes", {{"objectType", "AgreementMetaData"}}}};
}

Response ListAgreementMetadata(RouteContext& ctx) {
  std::string type = ctx.request.Query("agreementType").value_or("*");
  Json items = Json::array();
  if (type == "*" || EqualsIgnoreCase(type, "MicrosoftCustomerAgreement"))
    items.push_back(AgreementMetadata("MicrosoftCustomerAgreement"));
  if (type == "*" || EqualsIgnoreCase(type, "MicrosoftCloudAgreement"))
    items.push_back(AgreementMetadata("MicrosoftCloudAgreement"));
  if (items.empty()) return ErrorResponse(Error<Err::UnableToParse>("enum: agreementType " + type));
  return JsonResponse(200, CollectionJson(std::move(items), "/agreements?agreementType=" + type));
}

Response AppOnlyRefused() {
  return ErrorResponse(Error<Err::AppOnlyNotSupported>());
}

Response CreateAgreement(RouteContext& ctx) {
  if (ctx.caller.app_only) return AppOnlyRefused();
  const Customer* c = ctx.router.VisibleCustomer(ctx, ctx.params[0]);
  if (c == nullptr) return CustomerNotFound(ctx.params[0]);
  auto body = ParseBody(ctx.request.body);
  if (!body.ok()) return ErrorResponse(body.status());
  AgreementRecord a;
  std::string date;
  Status s = ReadString(*body, "templateId", &a.template_id);
  if (s.ok()) s = ReadString(*body, "type", &a.type);
  if (s.ok()) s = ReadString(*body, "dateAgreed", &date);
  const nlohmann::json* contact = Field(*body, "primaryContact");
  if (s.ok() && (contact == nullptr || !contact->is_object()))
    s = Error<Err::InvalidInput>("primaryContact is required.");
  if (s.ok()) s = ReadString(*contact, "firstName", &a.first_name);
  if (s.ok()) s = ReadString(*contact, "lastName", &a.last_name);
  if (s.ok()) s = ReadString(*contact, "email", &a.email);
  if (s.ok()) s = ReadString(*contact, "phoneNumber", &a.phone_number);
  if (!s.ok()) return ErrorResponse(s);
  if (a.type.empty()) a.type = "MicrosoftCustomerAgreement";
  if (!EqualsIgnoreCase(a.type, "MicrosoftCustomerAgreement") && !EqualsIgnoreCase(a.type, "MicrosoftCloudAgreement"))
    return ErrorResponse(Error<Err::UnableToParse>("enum: type " + a.type));
  a.type = EqualsIgnoreCase(a.type, "MicrosoftCustomerAgreement") ? "MicrosoftCustomerAgreement" : "MicrosoftCloudAgreement";
  std::string expected_template = a.type == "MicrosoftCustomerAgreement" ? "117a77b0-9360-443b-8795-c6dedc750cf9"
                                                                        : std::string(kMcaLegacyTemplateId);
  if (!EqualsIgnoreCase(a.template_id, expected_template))
    return ErrorResponse(Error<Err::InvalidInput>("templateId " + a.template_id + " is not the " + a.type + " template."));
  a.template_id = expected_template;
  if (date.empty()) {
    a.date_agreed = ctx.sandbox.Now();
  } else {
    auto t = Instant::Parse(date);
    if (!t) return ErrorResponse(Error<Err::InvalidInput>("dateAgreed is not a date: " + date));
    a.date_agreed = *t;
  }
  a.user_id = ctx.caller.user_id.empty() ? GuidFromNumber(ctx.sandbox.seed(), 0x75736572) : ctx.caller.user_id;
  s = ctx.sandbox.RecordAgreement(c->id, a);
  if (s.code() == 600061) {
    // The agreements API answers with its newer error shape (Confirm customer
    // acceptance of the Microsoft Customer Agreement).
    Json body;
    body["code"] = 600061;
    body["message"] = "A partner confirmed agreement already exists for the customer.";
    body["description"] = "A partner confirmed agreement already exists for the customer.";
    body["errorName"] = "PartnerConfirmedAgreementAlreadyExists";
    body["isRetryable"] = false;
    body["parameters"] = Json::object();
    body["errorMessageExtended"] = "InternalErrorCode=600061";
    body["data"] = Json::array();
    body["source"] = "PartnerFD";
    return JsonResponse(409, body);
  }
  if (!s.ok()) return ErrorResponse(s);
  return JsonResponse(201, AgreementJson(a));
}

Response ListAgreements(RouteContext& ctx) {
  if (ctx.caller.app_only) return AppOnlyRefused();
  const Customer* c = ctx.router.VisibleCustomer(ctx, ctx.params[0]);
  if (c == nullptr) return CustomerNotFound(ctx.params[0]);
  std::string type = ctx.request.Query("agreementType").value_or("*");
  Json items = Json::array();
  for (const auto& a : c->agreements)
    if (type == "*" || EqualsIgnoreCase(type, a.type)) items.push_back(AgreementJson(a));
  return JsonResponse(200, CollectionJson(std::move(items), "/customers/" + c->id + "/agreements"));
}

std::string_view VettingText(QualificationStatus s) {
  switch (s) {
    case QualificationStatus::Approved: return "Approved";
    case QualificationStatus::InReview: return "InReview";
    case QualificationStatus::Denied: return "Denied";
  }
  return "InReview";
}

Json QualificationJson(const Qualification& q) {
  return Json{{"qualification", q.name}, {"vettingStatus", VettingText(q.status)},
              {"vettingCreateDate", q.created.ToString()}};
}

Response CreateQualification(RouteContext& ctx) {
  if (ctx.caller.app_only) return AppOnlyRefused();
  const Customer* c = ctx.router.VisibleCustomer(ctx, ctx.params[0]);
  if (c == nullptr) return CustomerNotFound(ctx.params[0]);
  auto body = ParseBody(ctx.request.body);
  if (!body.ok()) return ErrorResponse(body.status());
  std::string name, segment, code;
  Status s = ReadString(*body, "qualification", &name);
  if (s.ok()) s = ReadString(*body, "educationSegment", &segment);
  if (s.ok()) s = ReadString(*body, "validationCode", &code);
  if (!s.ok()) return ErrorResponse(s);
  static const char* kKnown[] = {"Education", "GovernmentCommunityCloud", "StateOwnedEntity"};
  auto known = std::find_if(std::begin(kKnown), std::end(kKnown), [&](const char* k) { return EqualsIgnoreCase(name, k); });
  if (known == std::end(kKnown))
    return ErrorResponse(Error<Err::UnableToParse>("enum: qualification \"" + name + "\" (Education, GovernmentCommunityCloud or StateOwnedEntity)."));
  if (EqualsIgnoreCase(name, "Education") && !EqualsIgnoreCase(segment, "K12") && !EqualsIgnoreCase(segment, "HigherEducation"))
    return ErrorResponse(Error<Err::InvalidInput>("educationSegment must be K12 or HigherEducation."));
  if (EqualsIgnoreCase(name, "GovernmentCommunityCloud") && code.empty())
    return ErrorResponse(Error<Err::InvalidInput>("validationCode is required for GovernmentCommunityCloud."));
  // Vetting is asynchronous: the qualification is in review, then approved an
  // hour later in simulated time.
  Qualification q{*known, QualificationStatus::InReview, ctx.sandbox.Now()};
  s = ctx.sandbox.AddQualification(c->id, q);
  if (!s.ok()) return ErrorResponse(s);
  Sandbox* sandbox = &ctx.sandbox;
  std::string customer_id = c->id;
  ctx.sandbox.clock().Schedule(ctx.sandbox.Now() + Duration::Hours(1), [sandbox, customer_id, q] {
    Qualification approved = q;
    approved.status = QualificationStatus::Approved;
    (void)sandbox->AddQualification(customer_id, approved);
  });
  return JsonResponse(201, QualificationJson(q));
}

Response ListQualifications(RouteContext& ctx) {
  const Customer* c = ctx.router.VisibleCustomer(ctx, ctx.params[0]);
  if (c == nullptr) return CustomerNotFound(ctx.params[0]);
  Json items = Json::array();
  for (const auto& q : c->qualifications) items.push_back(QualificationJson(q));
  return JsonResponse(200, std::move(items));
}

// GET /v1/customers/{id}/qualification, the synchronous API Partner Center
// retired in February 2021 (API change log, December 2020) for the
// qualifications route: still answered, in its old form, a bare JSON string
// ("education"): the customer's first approved qualification in snake case,
// or "none".
Response LegacyQualification(RouteContext& ctx) {
  const Customer* c = ctx.router.VisibleCustomer(ctx, ctx.params[0]);
  if (c == nullptr) return CustomerNotFound(ctx.params[0]);
  std::string value = "none";
  for (const auto& q : c->qualifications) {
    if (q.status != QualificationStatus::Approved) continue;
    value.clear();
    for (char ch : q.name) {
      if (std::isupper(static_cast<unsigned char>(ch)) && !value.empty()) value.push_back('_');
      value.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(ch))));
    }
    break;
  }
  return JsonResponse(200, Json(value));
}

Response RelationshipRequest(RouteContext& ctx) {
  std::string url = "https://admin.microsoft.com/Adminportal/Home?invType=ResellerRelationship&partnerId=" +
                    ctx.caller.partner_tenant_id + "&msppId=0&DAP=false#/BillingAccounts/partner-invitation";
  return JsonResponse(200, Json{{"url", url}, {"attributes", {{"objectType", "RelationshipRequest"}}}});
}

}  // namespace

void RegisterCustomerRoutes(RouteTable& table) {
  table.Add("GET", "/v1/customers/relationshiprequests", RelationshipRequest);
  table.Add("POST", "/v1/customers", CreateCustomer);
  table.Add("GET", "/v1/customers", ListCustomers);
  table.Add("GET", "/v1/customers/{}", GetCustomer);
  table.Add("DELETE", "/v1/customers/{}", DeleteCustomer);
  table.Add("PATCH", "/v1/customers/{}", PatchCustomer);
  table.Add("GET", "/v1/customers/{}/profiles/company", GetCompanyProfile);
  table.Add("GET", "/v1/customers/{}/profiles/billing", GetBillingProfile);
  table.Add("PUT", "/v1/customers/{}/profiles/billing", PutBillingProfile);
  table.Add("POST", "/v1/validations/address", ValidateAddress, RouteKind::Read);
  table.Add("GET", "/v1/agreements", ListAgreementMetadata);
  table.Add("POST", "/v1/customers/{}/agreements", CreateAgreement);
  table.Add("GET", "/v1/customers/{}/agreements", ListAgreements);
  table.Add("POST", "/v1/customers/{}/qualifications", CreateQualification);
  table.Add("GET", "/v1/customers/{}/qualifications", ListQualifications);
  table.Add("GET", "/v1/customers/{}/qualification", LegacyQualification);
}

}  // namespace pcsim::api
