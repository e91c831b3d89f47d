// Who calls a /v1 route: the bearer token of the request, issued by
// POST /_sim/token, or in lenient auth any token, a JWT's claims read without
// checking its signature (docs/api.md, "Tenancy and auth").
#include <optional>
#include <string>
#include <string_view>

#include "simulator/api/router.h"
#include "simulator/model/errors.h"

namespace pcsim::api {
namespace {

std::optional<std::string> Base64UrlDecode(std::string_view in) {
  std::string out;
  int bits = 0;
  uint32_t buffer = 0;
  for (char c : in) {
    int v;
    if (c >= 'A' && c <= 'Z') v = c - 'A';
    else if (c >= 'a' && c <= 'z') v = c - 'a' + 26;
    else if (c >= '0' && c <= '9') v = c - '0' + 52;
    else if (c == '-' || c == '+') v = 62;
    else if (c == '_' || c == '/') v = 63;
    else if (c == '=') break;
    else return std::nullopt;
    buffer = (buffer << 6) | static_cast<uint32_t>(v);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out.push_back(static_cast<char>((buffer >> bits) & 0xFF));
    }
  }
  return out;
}

// Reads the claims of a JWT without checking its signature (lenient auth).
std::optional<Caller> CallerFromJwt(std::string_view token) {
  size_t a = token.find('.');
  if (a == std::string_view::npos) return std::nullopt;
  size_t b = token.find('.', a + 1);
  if (b == std::string_view::npos) return std::nullopt;
  auto payload = Base64UrlDecode(token.substr(a + 1, b - a - 1));
  if (!payload) return std::nullopt;
  nlohmann::json claims = nlohmann::json::parse(*payload, nullptr, false);
  if (claims.is_discarded() || !claims.is_object()) return std::nullopt;
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
  return caller;
}

}  // namespace

std::string Router::IssueToken(const Caller& caller, Instant expires) {
  std::string token = "pcsim." + sandbox_->random().Hex(32);
  tokens_[token] = IssuedToken{caller, expires};
  return token;
}

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
  if (options_.auth == AuthMode::Strict)
    return Error<Err::TokenUnknown>();
  if (auto caller = CallerFromJwt(token)) return *caller;
  return Caller{};
}

}  // namespace pcsim::api
