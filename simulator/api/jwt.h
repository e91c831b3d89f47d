// JSON Web Tokens (RFC 7519) as pcsim's token endpoint issues them and its
// API reads them: header.claims.signature, each part base64url. The
// signature is a keyed digest of the first two parts under the sandbox's
// token key, not an RSA signature: it tells a token this sandbox issued from
// an edited or foreign one, which is all a simulator needs (docs/security.md).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "simulator/api/json_support.h"

namespace pcsim::api {

std::string SignJwt(uint64_t key, const Json& header, const Json& claims);
// The claims of a token signed with `key`; nullopt for any other text.
std::optional<Json> VerifiedJwtClaims(uint64_t key, std::string_view token);
// The claims of any JWT, unverified (lenient auth reads them as they are);
// nullopt when the text is not a JWT with a JSON object for claims.
std::optional<Json> UnverifiedJwtClaims(std::string_view token);
// Base64url (or standard base64) without padding, decoded; nullopt for a
// character outside both alphabets.
std::optional<std::string> Base64UrlDecode(std::string_view in);

}  // namespace pcsim::api
