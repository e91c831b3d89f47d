#include "simulator/api/jwt.h"

#include "simulator/model/seeded_random.h"

namespace pcsim::api {
namespace {

std::string Signature(uint64_t key, std::string_view signed_part) {
  // Two digests side by side: 256 bits, the length of an HMAC-SHA256.
  return Base64(KeyedDigestHex(key, signed_part) + KeyedDigestHex(~key, signed_part), true);
}

}  // namespace

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

std::string SignJwt(uint64_t key, const Json& header, const Json& claims) {
  const std::string signed_part = Base64(header.dump(), true) + "." + Base64(claims.dump(), true);
  return signed_part + "." + Signature(key, signed_part);
}

std::optional<Json> UnverifiedJwtClaims(std::string_view token) {
  const size_t a = token.find('.');
  if (a == std::string_view::npos) return std::nullopt;
  const size_t b = token.find('.', a + 1);
  if (b == std::string_view::npos) return std::nullopt;
  auto payload = Base64UrlDecode(token.substr(a + 1, b - a - 1));
  if (!payload) return std::nullopt;
  Json claims = Json::parse(*payload, nullptr, false);
  if (claims.is_discarded() || !claims.is_object()) return std::nullopt;
  return claims;
}

std::optional<Json> VerifiedJwtClaims(uint64_t key, std::string_view token) {
  const size_t last = token.rfind('.');
  if (last == std::string_view::npos || token.substr(last + 1) != Signature(key, token.substr(0, last)))
    return std::nullopt;
  return UnverifiedJwtClaims(token);
}

}  // namespace pcsim::api
