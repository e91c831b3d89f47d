// The Microsoft identity platform's token endpoint, so that a client's own
// authentication code runs unchanged against pcsim (docs/auth.md):
//
//   POST /{tenant}/oauth2/token        v1.0: resource=https://api.partnercenter.microsoft.com
//   POST /{tenant}/oauth2/v2.0/token   v2.0: scope=https://api.partnercenter.microsoft.com/.default
//
// form-encoded, grant_type client_credentials (an app-only token) or
// refresh_token (an App+User token, and a new refresh token). The access
// token is a JWT of the v1.0 form Partner Center's tokens have (aud the
// resource URI, iss https://sts.windows.net/{tid}/, x5t and kid in the
// header), signed with the sandbox's token key and expiring on the simulated
// clock; pcsim's API accepts it in either auth mode and checks its audience.
// Errors have the identity platform's body. No state changes: a token carries
// everything needed to check it.
#include <cctype>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "simulator/api/jwt.h"
#include "simulator/api/router.h"
#include "simulator/model/errors.h"
#include "simulator/model/seeded_random.h"

namespace pcsim::api {
namespace {

constexpr int64_t kAccessTokenSeconds = 3600;
constexpr int64_t kRefreshTokenIdleDays = 90;
constexpr std::string_view kRefreshPrefix = "pcsim-rt.";

int64_t UnixSeconds(Instant t) { return t.micros() / 1'000'000; }

// A number from text, the same on every run and machine (ids derived from a
// request: GuidFromNumber of it).
uint64_t NumberOf(uint64_t seed, std::string_view text) {
  return std::stoull(KeyedDigestHex(seed, text).substr(0, 16), nullptr, 16);
}

// The identity platform's `error` for an AADSTS code.
std::string_view AadError(int code) {
  switch (code) {
    case 70000:
    case 700082: return "invalid_grant";
    case 70003: return "unsupported_grant_type";
    case 70011: return "invalid_scope";
    case 500011: return "invalid_resource";
    case 7000215:
    case 7000218: return "invalid_client";
    default: return "invalid_request";
  }
}

// {tenant} as a tenant id: a GUID, lower case.
std::optional<std::string> TenantId(std::string_view tenant) {
  if (tenant.size() != 36) return std::nullopt;
  for (size_t i = 0; i < tenant.size(); ++i) {
    const char c = tenant[i];
    const bool dash = i == 8 || i == 13 || i == 18 || i == 23;
    if (dash ? c != '-' : !std::isxdigit(static_cast<unsigned char>(c))) return std::nullopt;
  }
  return ToLower(tenant);
}

// The resource a v1 `resource` or a v2 `scope` names, as its canonical URI;
// nullopt for one pcsim does not serve. A v2 scope is "URI/.default" or
// "URI/permission", possibly beside openid, profile and offline_access.
std::optional<std::string> ResourceOf(std::string_view text, bool scope) {
  std::optional<std::string> found;
  size_t at = 0;
  while (at < text.size()) {
    size_t end = text.find(' ', at);
    if (end == std::string_view::npos) end = text.size();
    std::string_view item = text.substr(at, end - at);
    at = end + 1;
    if (item.empty() || (scope && (item == "openid" || item == "profile" || item == "offline_access"))) continue;
    if (scope) {
      const size_t slash = item.rfind('/');
      if (slash == std::string_view::npos || slash < 8) return std::nullopt;
      item = item.substr(0, slash);
    }
    while (!item.empty() && item.back() == '/') item.remove_suffix(1);
    std::optional<std::string> uri;
    for (std::string_view known : {kPartnerCenterAudience, kGraphAudience, kPricingAudience})
      if (EqualsIgnoreCase(item, known)) uri = std::string(known);
    if (!uri || (found && *found != *uri)) return std::nullopt;  // unknown, or a second resource
    found = uri;
  }
  return found;
}

struct TokenRequest {
  bool v2 = false;
  std::string tenant_id;
  HeaderList form;
  std::optional<std::string> Field(std::string_view name) const {
    for (const auto& [k, v] : form)
      if (k == name) return v;
    return std::nullopt;
  }
};

// The access token: v1.0 claims, as Partner Center's tokens carry them.
std::string AccessToken(const RouteContext& ctx, const std::string& resource, const Caller& caller,
                        const std::string& client_id) {
  const int64_t now = UnixSeconds(ctx.sandbox.Now());
  const std::string kid = Base64(KeyedDigestHex(ctx.sandbox.seed(), "signing key"), true).substr(0, 27);
  Json header = {{"typ", "JWT"}, {"alg", "RS256"}, {"x5t", kid}, {"kid", kid}};
  Json claims = ObjectWithCapacity(16);
  claims["aud"] = resource;
  claims["iss"] = "https://sts.windows.net/" + caller.partner_tenant_id + "/";
  claims["iat"] = now;
  claims["nbf"] = now;
  claims["exp"] = now + kAccessTokenSeconds;
  claims["amr"] = caller.app_only ? Json::array({"pwd"}) : caller.mfa ? Json::array({"pwd", "mfa"}) : Json::array({"pwd"});
  claims["appid"] = client_id;
  claims["appidacr"] = "1";
  if (caller.app_only) claims["idtyp"] = "app";
  const std::string oid = caller.app_only || caller.user_id.empty()
                              ? GuidFromNumber(ctx.sandbox.seed(), NumberOf(ctx.sandbox.seed(), client_id + caller.user_id))
                              : caller.user_id;
  claims["oid"] = oid;
  if (!caller.app_only) claims["scp"] = "user_impersonation";
  claims["sub"] = oid;
  claims["tid"] = caller.partner_tenant_id;
  if (!caller.app_only) claims["unique_name"] = "admin@" + caller.partner_tenant_id.substr(0, 8) + ".onmicrosoft.com";
  claims["ver"] = "1.0";
  return SignJwt(ctx.router.TokenSigningKey(), header, claims);
}

// The App+User caller a refresh token stands for, if this sandbox issued it
// to `client_id` (or to any client: one from POST /_sim/token) and it was
// used in the last 90 days.
StatusOr<Caller> CallerOfRefreshToken(const RouteContext& ctx, std::string_view token, std::string_view client_id) {
  std::optional<Json> claims;
  if (token.substr(0, kRefreshPrefix.size()) == kRefreshPrefix)
    claims = VerifiedJwtClaims(ctx.router.TokenSigningKey(), token.substr(kRefreshPrefix.size()));
  if (!claims || !(*claims)["tid"].is_string() || !(*claims)["used"].is_number_integer())
    return Error<Err::AadRefreshTokenInvalid>();
  const std::string appid = claims->value("appid", "");
  if (!appid.empty() && !EqualsIgnoreCase(appid, client_id)) return Error<Err::AadRefreshTokenInvalid>();
  const Instant used = Instant::FromMicros((*claims)["used"].get<int64_t>() * 1'000'000);
  if (ctx.sandbox.Now() >= used + Duration::Days(kRefreshTokenIdleDays))
    return Error<Err::AadRefreshTokenExpired>(used.date().ToString());
  Caller caller;
  caller.partner_tenant_id = (*claims)["tid"].get<std::string>();
  caller.app_only = false;
  caller.mfa = claims->value("mfa", false);
  caller.user_id = claims->value("oid", "");
  return caller;
}

Response TokenAnswer(const RouteContext& ctx, const TokenRequest& req, const std::string& resource,
                     const Caller& caller, const std::string& client_id, bool refresh) {
  const std::string access = AccessToken(ctx, resource, caller, client_id);
  const int64_t now = UnixSeconds(ctx.sandbox.Now());
  Json j = ObjectWithCapacity(10);
  j["token_type"] = "Bearer";
  if (!caller.app_only) j["scope"] = req.v2 ? resource + "/user_impersonation" : "user_impersonation";
  if (req.v2) {
    j["expires_in"] = kAccessTokenSeconds;
    j["ext_expires_in"] = kAccessTokenSeconds;
  } else {
    // v1.0 writes its numbers as strings.
    j["expires_in"] = std::to_string(kAccessTokenSeconds);
    j["ext_expires_in"] = std::to_string(kAccessTokenSeconds);
    j["expires_on"] = std::to_string(now + kAccessTokenSeconds);
    j["not_before"] = std::to_string(now);
    j["resource"] = resource;
  }
  j["access_token"] = access;
  if (refresh) j["refresh_token"] = IssueRefreshToken(ctx, caller, client_id);
  Response r = JsonResponse(200, j);
  r.SetHeader("Cache-Control", "no-store, no-cache");
  r.SetHeader("Pragma", "no-cache");
  return r;
}

StatusOr<std::string> Required(const TokenRequest& req, std::string_view name) {
  auto v = req.Field(name);
  if (!v || v->empty()) return Error<Err::AadParameterMissing>(std::string(name));
  return *v;
}

Response Token(RouteContext& ctx, bool v2) {
  TokenRequest req;
  req.v2 = v2;
  auto tenant = TenantId(ctx.params[0]);
  if (!tenant) return AadErrorResponse(ctx.sandbox, ctx.request, Error<Err::AadTenantInvalid>(ctx.params[0]));
  req.tenant_id = *tenant;
  req.form = ParseQuery(ctx.request.body);
  auto grant = Required(req, "grant_type");
  if (!grant.ok()) return AadErrorResponse(ctx.sandbox, ctx.request, grant.status());
  auto client_id = Required(req, "client_id");
  if (!client_id.ok()) return AadErrorResponse(ctx.sandbox, ctx.request, client_id.status());
  // The resource: v1 `resource`, v2 `scope`.
  std::optional<std::string> resource;
  if (v2) {
    if (req.Field("resource")) return AadErrorResponse(ctx.sandbox, ctx.request, Error<Err::AadResourceParameterUnsupported>());
    auto scope = req.Field("scope");
    if (!scope || scope->empty()) {
      if (*grant != "refresh_token") return AadErrorResponse(ctx.sandbox, ctx.request, Error<Err::AadParameterMissing>("scope"));
      resource = std::string(kPartnerCenterAudience);
    } else if (!(resource = ResourceOf(*scope, true))) {
      return AadErrorResponse(ctx.sandbox, ctx.request, Error<Err::AadScopeInvalid>(*scope));
    }
  } else {
    auto named = Required(req, "resource");
    if (!named.ok()) return AadErrorResponse(ctx.sandbox, ctx.request, named.status());
    if (!(resource = ResourceOf(*named, false)))
      return AadErrorResponse(ctx.sandbox, ctx.request, Error<Err::AadResourceNotFound>(*named, req.tenant_id));
  }
  if (*grant == "client_credentials") {
    auto secret = req.Field("client_secret");
    if (!secret) return AadErrorResponse(ctx.sandbox, ctx.request, Error<Err::AadClientSecretMissing>());
    if (secret->empty()) return AadErrorResponse(ctx.sandbox, ctx.request, Error<Err::AadClientSecretInvalid>());
    Caller caller;
    caller.partner_tenant_id = req.tenant_id;
    caller.app_only = true;
    return TokenAnswer(ctx, req, *resource, caller, *client_id, false);
  }
  if (*grant == "refresh_token") {
    auto token = Required(req, "refresh_token");
    if (!token.ok()) return AadErrorResponse(ctx.sandbox, ctx.request, token.status());
    auto caller = CallerOfRefreshToken(ctx, *token, *client_id);
    if (!caller.ok()) return AadErrorResponse(ctx.sandbox, ctx.request, caller.status());
    return TokenAnswer(ctx, req, *resource, *caller, *client_id, true);
  }
  return AadErrorResponse(ctx.sandbox, ctx.request, Error<Err::AadGrantUnsupported>(*grant));
}

}  // namespace

bool IsTokenPath(std::string_view path) {
  const std::vector<std::string> segments = SplitPath(path);
  return (segments.size() == 3 || segments.size() == 4) && EqualsIgnoreCase(segments[1], "oauth2") &&
         EqualsIgnoreCase(segments.back(), "token") && (segments.size() == 3 || segments[2] == "v2.0");
}

std::string IssueRefreshToken(const RouteContext& ctx, const Caller& caller, const std::string& client_id) {
  Json claims = {{"tid", caller.partner_tenant_id}, {"oid", caller.user_id}, {"mfa", caller.mfa},
                 {"appid", client_id}, {"used", UnixSeconds(ctx.sandbox.Now())}};
  return std::string(kRefreshPrefix) + SignJwt(ctx.router.TokenSigningKey(), Json{{"typ", "RT"}}, claims);
}

Response AadErrorResponse(const Sandbox& sandbox, const Request& request, const Status& status) {
  const Instant now = sandbox.Now();
  // The ids of this answer: derived from the request, so replays agree.
  const std::string trace = GuidFromNumber(sandbox.seed(), NumberOf(sandbox.seed(), request.body + now.ToString()));
  const std::string correlation = request.Header("client-request-id").value_or(trace);
  std::string timestamp = now.ToString();  // "2026-01-09 02:02:12Z", as the identity platform writes it
  if (timestamp.size() > 10) timestamp[10] = ' ';
  Json j = ObjectWithCapacity(7);
  j["error"] = AadError(status.code());
  j["error_description"] = status.description() + "\r\nTrace ID: " + trace + "\r\nCorrelation ID: " + correlation +
                           "\r\nTimestamp: " + timestamp;
  j["error_codes"] = Json::array({status.code()});
  j["timestamp"] = timestamp;
  j["trace_id"] = trace;
  j["correlation_id"] = correlation;
  j["error_uri"] = "https://login.microsoftonline.com/error?code=" + std::to_string(status.code());
  Response r = JsonResponse(status.http_status(), j);
  r.SetHeader("Cache-Control", "no-store, no-cache");
  return r;
}

void RegisterTokenRoutes(RouteTable& table) {
  table.Add("POST", "/{}/oauth2/token", [](RouteContext& ctx) { return Token(ctx, false); }, RouteKind::Read);
  table.Add("POST", "/{}/oauth2/v2.0/token", [](RouteContext& ctx) { return Token(ctx, true); }, RouteKind::Read);
}

}  // namespace pcsim::api
