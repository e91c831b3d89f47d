#include "simulator/api/continuation_token.h"

#include "simulator/model/seeded_random.h"

namespace pcsim::api {
namespace {

std::string Check(const Sandbox& sandbox, const ContinuationTokenKind& kind, std::string_view partner,
                  std::string_view scope, uint64_t position) {
  std::string message(kind.domain);
  for (std::string_view part : {partner, scope}) {
    message.push_back('\x1f');
    message.append(part);
  }
  message.push_back('\x1f');
  message += std::to_string(position);
  const uint64_t key = MixBits((sandbox.seed() ^ kind.salt) + 0x9E3779B97F4A7C15ULL);
  return KeyedDigestHex(key, message);
}

}  // namespace

std::string MakeContinuationToken(const Sandbox& sandbox, const ContinuationTokenKind& kind, std::string_view partner,
                                  std::string_view scope, uint64_t position) {
  return std::string(kind.version) + ":" + std::to_string(position) + ":" +
         Check(sandbox, kind, partner, scope, position);
}

std::optional<uint64_t> ReadContinuationToken(const Sandbox& sandbox, const ContinuationTokenKind& kind,
                                              std::string_view partner, std::string_view scope,
                                              std::string_view token) {
  const size_t a = token.find(':');
  if (a == std::string_view::npos || token.substr(0, a) != kind.version) return std::nullopt;
  const size_t b = token.find(':', a + 1);
  if (b == std::string_view::npos) return std::nullopt;
  const std::string_view digits = token.substr(a + 1, b - a - 1);
  if (digits.empty() || digits.size() > 12) return std::nullopt;
  uint64_t position = 0;
  for (char c : digits) {
    if (c < '0' || c > '9') return std::nullopt;
    position = position * 10 + static_cast<uint64_t>(c - '0');
  }
  if (token.substr(b + 1) != Check(sandbox, kind, partner, scope, position)) return std::nullopt;
  return position;
}

}  // namespace pcsim::api
