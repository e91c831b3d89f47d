// Continuation tokens (the MS-ContinuationToken header of paged collections):
// "VERSION:POSITION:CHECK", the check a keyed digest, under the sandbox's
// seed, of the partner, the query's scope and the position. A token is good
// only for the partner, collection and query it was made for, and names the
// position of the next page.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "simulator/commerce/sandbox.h"

namespace pcsim::api {

// The header a token travels in, on a request and in a links.next.
inline constexpr std::string_view kContinuationTokenHeader = "MS-ContinuationToken";

// Which collection's tokens: each has its own version prefix and key, so
// that a token of one is not valid for another.
struct ContinuationTokenKind {
  std::string_view version;  // the prefix, "v1"
  std::string_view domain;   // mixed into the check
  uint64_t salt;             // mixed into the key with the seed
};

std::string MakeContinuationToken(const Sandbox& sandbox, const ContinuationTokenKind& kind, std::string_view partner,
                                  std::string_view scope, uint64_t position);
// The position `token` names, or nullopt when it is not a token of `kind`
// for this partner and scope (edited, forged, or of another query).
std::optional<uint64_t> ReadContinuationToken(const Sandbox& sandbox, const ContinuationTokenKind& kind,
                                              std::string_view partner, std::string_view scope,
                                              std::string_view token);

}  // namespace pcsim::api
