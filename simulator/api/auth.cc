// Who calls a route: the bearer token of the request, issued by
// POST /_sim/token or by the token endpoint (token_routes.cc), or in lenient
// auth any token, a JWT's claims read without checking its signature
// (docs/auth.md).
#include <optional>
#include <string>
#include <string_view>

#include "simulator/api/jwt.h"
#include "simulator/api/router.h"
#include "simulator/model/errors.h"

namespace pcsim::api {
namespace {

// The caller a JWT's claims name.
Caller CallerFromClaims(const Json& claims) {
  Caller caller;
  // Tenant ids are GUIDs: "ABC..." and "abc..." are one partner.
  if (auto tid = claims.find("tid"); tid != claims.end() && tid->is_string())
    caller.partner_tenant_id = ToLower(tid->get<std::string>());
  auto idtyp = claims.find("idtyp");
  bool user_claims = claims.contains("scp") || claims.contains("upn") || claims.contains("unique_name");
  caller.app_only = (idtyp != claims.end() && idtyp->is_string() && *idtyp == "app") ||
                    (claims.contains("appid") && !user_claims && idtyp == claims.end());
  caller.mfa = false;
  if (auto amr = claims.find("amr"); amr != claims.end() && amr->is_array())
    for (const auto& m : *amr)
      if (m.is_string() && m == "mfa") caller.mfa = true;
  if (auto oid = claims.find("oid"); oid != claims.end() && oid->is_string()) caller.user_id = *oid;
  for (const char* claim : {"appid", "azp"})
    if (auto v = claims.find(claim); caller.application_id.empty() && v != claims.end() && v->is_string())
      caller.application_id = *v;
  if (!caller.app_only)
    for (const char* claim : {"upn", "unique_name", "preferred_username"})
      if (auto v = claims.find(claim); caller.user_principal_name.empty() && v != claims.end() && v->is_string())
        caller.user_principal_name = *v;
  return caller;
}

// The audience a route expects: Microsoft Graph's for the billing exports,
// the pricing API's (or Partner Center's) for the price sheet, Partner
// Center's for everything else.
bool AudienceFits(std::string_view path, std::string_view aud) {
  if (IsGraphPath(path)) return aud == kGraphAudience;
  const std::vector<std::string> segments = SplitPath(path);
  if (segments.size() >= 2 && segments[0] == "v1.0" && EqualsIgnoreCase(segments[1], "sales"))
    return aud == kPricingAudience || aud == kPartnerCenterAudience;
  return aud == kPartnerCenterAudience;
}

}  // namespace

std::string Router::IssueToken(const Caller& caller, Instant expires) {
  std::string token = "pcsim." + sandbox_->random().Hex(32);
  tokens_[token] = IssuedToken{caller, expires};
  return token;
}

uint64_t Router::TokenSigningKey() const { return sandbox_->seed() ^ 0x9E3779B97F4A7C15ULL; }

StatusOr<Caller> Router::Authenticate(const Request& request) {
  auto header = request.Header("Authorization");
  if (!header || header->empty())
    return Error<Err::TokenMissing>();
  std::string_view value = *header;
  if (value.size() < 8 || !EqualsIgnoreCase(value.substr(0, 7), "Bearer ") || value.substr(7).empty())
    return Error<Err::AuthorizationMalformed>();
  std::string token(value.substr(7));
  while (!token.empty() && token.front() == ' ') token.erase(token.begin());
  if (auto it = tokens_.find(token); it != tokens_.end()) {
    if (sandbox_->Now() >= it->second.expires) return Error<Err::TokenExpired>();
    return it->second.caller;
  }
  // A token of the token endpoint: its expiry on the simulated clock and its
  // audience are checked in either mode.
  if (auto claims = VerifiedJwtClaims(TokenSigningKey(), token)) {
    const Json& exp = (*claims)["exp"];
    if (!exp.is_number_integer() || sandbox_->Now().micros() / 1'000'000 >= exp.get<int64_t>())
      return Error<Err::TokenExpired>();
    const std::string aud = claims->value("aud", "");
    if (!AudienceFits(request.path, aud)) return Error<Err::TokenAudienceInvalid>(aud);
    return CallerFromClaims(*claims);
  }
  if (options_.auth == AuthMode::Strict)
    return Error<Err::TokenUnknown>();
  if (auto claims = UnverifiedJwtClaims(token)) return CallerFromClaims(*claims);
  return Caller{};
}

}  // namespace pcsim::api
