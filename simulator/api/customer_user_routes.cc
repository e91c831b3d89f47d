// A customer tenant's user accounts and licences: list, get, create and
// delete users (Get a list of all user accounts for a customer, Create user
// accounts for a customer, Delete a user account for a customer, Get a list
// of deleted users for a customer; User resources), and the SKUs the
// customer holds licences of (Get a list of available licenses; License
// resources).
//
// What the simulator decides here (docs/api.md, "Customer users"):
// - A user's principal name is NAME@ the customer's domain; one active user per
//   name. The password is checked against Microsoft Entra's policy (8 to 256
//   characters, three of lower case, upper case, digits and symbols) and
//   echoed in the create answer only, as Partner Center does; it is not kept.
// - A deleted user stays, inactive, with softDeletionTime; the list shows
//   active users unless the filter asks for inactive ones.
// - Licence assignment is not modelled: consumedUnits is 0 and every seat is
//   available. Service plans are not in the catalog: servicePlans is empty.
#include <algorithm>
#include <cctype>
#include <map>

#include "simulator/api/resources.h"
#include "simulator/api/router.h"
#include "simulator/model/errors.h"

namespace pcsim::api {
namespace {

// At most this many users (active or deleted) per customer: a bound on what
// requests can grow.
constexpr size_t kMaxUsersPerCustomer = 1000;

Response CustomerNotFound(std::string_view id) {
  return ErrorResponse(Error<Err::CustomerNotFound>(std::string(id)));
}

Json UserJson(const Customer& c, const CustomerUser& u) {
  Json j;
  j["usageLocation"] = u.usage_location;
  j["id"] = u.id;
  j["userPrincipalName"] = u.user_principal_name;
  j["firstName"] = u.first_name;
  j["lastName"] = u.last_name;
  j["displayName"] = u.display_name;
  if (!u.immutable_id.empty()) j["immutableId"] = u.immutable_id;
  j["lastDirectorySyncTime"] = nullptr;
  j["userDomainType"] = "none";
  j["state"] = u.deleted ? "inactive" : "active";
  j["softDeletionTime"] = u.deleted ? Json(u.deleted->ToStringWith7Fraction()) : Json(nullptr);
  j["links"] = Json{{"self", LinkJson("/customers/" + c.id + "/users/" + u.id)}};
  j["attributes"] = Attributes("CustomerUser");
  return j;
}

// Microsoft Entra's password policy: 8 to 256 characters, and three of the
// four kinds (lower case, upper case, digits, symbols).
Status CheckPassword(const std::string& password) {
  if (password.size() < 8 || password.size() > 256)
    return Error<Err::InvalidInput>("passwordProfile.password must have 8 to 256 characters.");
  bool lower = false, upper = false, digit = false, symbol = false;
  for (unsigned char ch : password) {
    if (std::islower(ch)) lower = true;
    else if (std::isupper(ch)) upper = true;
    else if (std::isdigit(ch)) digit = true;
    else symbol = true;
  }
  if (lower + upper + digit + symbol < 3)
    return Error<Err::InvalidInput>(
        "passwordProfile.password must hold three of: lower case letters, upper case letters, digits, symbols.");
  return OkStatus();
}

// ?filter={"Field":"UserState","Value":"Inactive","Operator":"equals"}: the
// state the list shows (active without a filter).
StatusOr<bool> ListsInactive(const Request& request) {
  auto filter = request.Query("filter");
  if (!filter || filter->empty()) return false;
  auto j = ParseExactJson(*filter);
  const nlohmann::json* field = j ? Field(*j, "Field") : nullptr;
  const nlohmann::json* value = j ? Field(*j, "Value") : nullptr;
  const nlohmann::json* op = j ? Field(*j, "Operator") : nullptr;
  if (field == nullptr || value == nullptr || !field->is_string() || !value->is_string() ||
      !EqualsIgnoreCase(field->get<std::string>(), "UserState") ||
      (op != nullptr && (!op->is_string() || !EqualsIgnoreCase(op->get<std::string>(), "equals"))))
    return Error<Err::InvalidInput>(
        "filter must be {\"Field\":\"UserState\",\"Value\":\"Active\"|\"Inactive\",\"Operator\":\"equals\"}.");
  const std::string v = value->get<std::string>();
  if (EqualsIgnoreCase(v, "Inactive")) return true;
  if (EqualsIgnoreCase(v, "Active")) return false;
  return Error<Err::InvalidInput>("filter Value must be Active or Inactive.");
}

Response ListUsers(RouteContext& ctx) {
  const Customer* c = ctx.router.VisibleCustomer(ctx, ctx.params[0]);
  if (c == nullptr) return CustomerNotFound(ctx.params[0]);
  auto inactive = ListsInactive(ctx.request);
  if (!inactive.ok()) return ErrorResponse(inactive.status());
  Json items = Json::array();
  for (const CustomerUser& u : c->users)
    if (u.deleted.has_value() == *inactive) items.push_back(UserJson(*c, u));
  return JsonResponse(200, CollectionJson(std::move(items), "/customers/" + c->id + "/users"));
}

const CustomerUser* FindUser(const Customer& c, std::string_view id) {
  for (const CustomerUser& u : c.users)
    if (EqualsIgnoreCase(u.id, id)) return &u;
  return nullptr;
}

Response GetUser(RouteContext& ctx) {
  const Customer* c = ctx.router.VisibleCustomer(ctx, ctx.params[0]);
  if (c == nullptr) return CustomerNotFound(ctx.params[0]);
  const CustomerUser* u = FindUser(*c, ctx.params[1]);
  if (u == nullptr) return ErrorResponse(Error<Err::UserNotFound>(ctx.params[1]));
  return JsonResponse(200, UserJson(*c, *u));
}

// POST /v1/customers/{id}/users: {usageLocation, userPrincipalName,
// firstName, lastName, displayName, immutableId, passwordProfile{password,
// forceChangePassword}}; 200 with the user and its id, as documented.
Response CreateUser(RouteContext& ctx) {
  const Customer* c = ctx.router.VisibleCustomer(ctx, ctx.params[0]);
  if (c == nullptr) return CustomerNotFound(ctx.params[0]);
  auto body = ParseBody(ctx.request.body);
  if (!body.ok()) return ErrorResponse(body.status());
  CustomerUser user;
  const std::pair<const char*, std::string*> fields[] = {
      {"userPrincipalName", &user.user_principal_name}, {"firstName", &user.first_name},
      {"lastName", &user.last_name},                    {"displayName", &user.display_name},
      {"usageLocation", &user.usage_location},          {"immutableId", &user.immutable_id}};
  for (const auto& [name, target] : fields) {
    auto v = StringField(*body, name);
    if (!v.ok()) return ErrorResponse(v.status());
    if (v->has_value()) *target = **v;
    if (target->size() > 256) return ErrorResponse(Error<Err::InvalidInput>(std::string(name) + " is longer than 256 characters."));
  }
  const nlohmann::json* profile = Field(*body, "passwordProfile");
  if (profile == nullptr || !profile->is_object())
    return ErrorResponse(Error<Err::InvalidInput>("passwordProfile {password, forceChangePassword} is required."));
  auto password = StringField(*profile, "password");
  if (!password.ok()) return ErrorResponse(password.status());
  if (!password->has_value()) return ErrorResponse(Error<Err::InvalidInput>("passwordProfile.password is required."));
  if (Status s = CheckPassword(**password); !s.ok()) return ErrorResponse(s);
  auto force = BoolField(*profile, "forceChangePassword");
  if (!force.ok()) return ErrorResponse(force.status());
  if (c->users.size() >= kMaxUsersPerCustomer)
    return ErrorResponse(Error<Err::InvalidInput>("a customer holds at most " + std::to_string(kMaxUsersPerCustomer) +
                                                  " users in pcsim."));
  auto created = ctx.sandbox.CreateUser(c->id, std::move(user));
  if (!created.ok()) return ErrorResponse(created.status());
  Json j = UserJson(*c, **created);
  j.erase("links");
  j["passwordProfile"] = Json{{"forceChangePassword", force->value_or(true)}, {"password", **password}};
  return JsonResponse(200, j);
}

Response DeleteUser(RouteContext& ctx) {
  const Customer* c = ctx.router.VisibleCustomer(ctx, ctx.params[0]);
  if (c == nullptr) return CustomerNotFound(ctx.params[0]);
  if (Status s = ctx.sandbox.DeleteUser(c->id, ctx.params[1]); !s.ok()) return ErrorResponse(s);
  Response r;
  r.status = 204;
  return r;
}

// GET /v1/customers/{id}/subscribedskus[?licenseGroupIds=group1]: one entry
// per licence SKU the customer has a subscription of (Azure plans hold no
// licences). Seats of active subscriptions (an Extended Service Term too) are
// activeUnits, of expired ones (the grace period) warningUnits, of suspended
// and disabled ones suspendedUnits; totalUnits is active plus warning, as
// License resources define it. Every SKU pcsim sells is in licence group
// "group1" (licences managed by Microsoft Entra); "group2" (Minecraft) is empty.
Response SubscribedSkus(RouteContext& ctx) {
  const Customer* c = ctx.router.VisibleCustomer(ctx, ctx.params[0]);
  if (c == nullptr) return CustomerNotFound(ctx.params[0]);
  bool group1 = true;
  bool filtered = false;
  for (const auto& [name, g] : ctx.request.query) {
    if (!EqualsIgnoreCase(name, "licenseGroupIds")) continue;
    if (!filtered) group1 = false;
    filtered = true;
    if (EqualsIgnoreCase(g, "group1")) group1 = true;
    else if (!EqualsIgnoreCase(g, "group2"))
      return ErrorResponse(Error<Err::UnableToParse>("enum: LicenseGroupId value \"" + g + "\"."));
  }
  struct Units {
    const Offer* offer = nullptr;
    int active = 0, warning = 0, suspended = 0;
  };
  std::map<std::string, Units> by_sku;  // "productId:skuId", in order
  if (group1) {
    for (uint32_t i : ctx.sandbox.SubscriptionsOf(*c)) {
      const Subscription& s = ctx.sandbox.SubscriptionAt(i);
      if (Sandbox::IsAzurePlan(s) || s.status == SubscriptionStatus::Deleted) continue;
      Units& u = by_sku[s.offer->ProductSkuId()];
      u.offer = s.offer;
      switch (s.status) {
        case SubscriptionStatus::Active: u.active += s.quantity; break;
        case SubscriptionStatus::Expired: u.warning += s.quantity; break;
        default: u.suspended += s.quantity; break;
      }
    }
  }
  Json items = Json::array();
  for (const auto& [id, u] : by_sku) {
    const int total = u.active + u.warning;
    Json j;
    j["availableUnits"] = total;  // nothing is assigned: consumedUnits is 0
    j["activeUnits"] = u.active;
    j["consumedUnits"] = 0;
    j["suspendedUnits"] = u.suspended;
    j["totalUnits"] = total;
    j["warningUnits"] = u.warning;
    j["productSku"] = Json{{"id", SkuProvisioningId(*u.offer->product, *u.offer->sku)},
                           {"name", u.offer->sku->title},
                           {"targetType", "User"},
                           {"licenseGroupId", "group1"}};
    j["servicePlans"] = Json::array();
    j["capabilityStatus"] = u.active > 0 ? "Enabled" : u.warning > 0 ? "Warning" : "Suspended";
    j["attributes"] = Attributes("SubscribedSku");
    items.push_back(std::move(j));
  }
  return JsonResponse(200, CollectionJson(std::move(items), "/customers/" + c->id + "/subscribedskus"));
}

}  // namespace

void RegisterCustomerUserRoutes(RouteTable& table) {
  table.Add("GET", "/v1/customers/{}/users", ListUsers);
  table.Add("POST", "/v1/customers/{}/users", CreateUser);
  table.Add("GET", "/v1/customers/{}/users/{}", GetUser);
  table.Add("DELETE", "/v1/customers/{}/users/{}", DeleteUser);
  table.Add("GET", "/v1/customers/{}/subscribedskus", SubscribedSkus);
}

}  // namespace pcsim::api
