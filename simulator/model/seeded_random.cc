#include "simulator/model/seeded_random.h"


namespace pcsim {
namespace {

std::string FormatGuid(uint64_t hi, uint64_t lo) {
  // Version 4 layout, as Partner Center's GUIDs mostly are.
  hi = (hi & 0xFFFFFFFFFFFF0FFFULL) | 0x0000000000004000ULL;
  lo = (lo & 0x3FFFFFFFFFFFFFFFULL) | 0x8000000000000000ULL;
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out(36, '-');
  size_t at = 0;
  // `digits` hex digits of `v` at `at`, then past the dash that follows.
  auto put = [&](uint64_t v, size_t digits) {
    for (size_t i = digits; i-- > 0; v >>= 4) out[at + i] = kHex[v & 0xF];
    at += digits + 1;
  };
  put(hi >> 32, 8);
  put((hi >> 16) & 0xFFFF, 4);
  put(hi & 0xFFFF, 4);
  put(lo >> 48, 4);
  put(lo & 0xFFFFFFFFFFFFULL, 12);
  return out;
}

}  // namespace

uint64_t MixBits(uint64_t z) {
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
  return z ^ (z >> 31);
}

std::string SeededRandom::Guid() {
  uint64_t hi = Next();
  uint64_t lo = Next();
  return FormatGuid(hi, lo);
}

std::string SeededRandom::Hex(int n) {
  static const char kDigits[] = "0123456789abcdef";
  std::string out;
  uint64_t bits = Next();
  for (int i = 0; i < n; ++i) {
    if (i == 16) bits = Next();
    out.push_back(kDigits[bits & 0xF]);
    bits >>= 4;
  }
  return out;
}

std::string GuidFromNumber(uint64_t seed, uint64_t n) {
  uint64_t a = MixBits(seed * 0x9E3779B97F4A7C15ULL + n);
  uint64_t b = MixBits(a ^ (n + 0x632BE59BD9B4E019ULL));
  return FormatGuid(a, b);
}

namespace {

uint64_t KeyedHash(uint64_t key, std::string_view message) {
  constexpr uint64_t kGolden = 0x9E3779B97F4A7C15ULL;
  uint64_t h = MixBits(key + kGolden);
  for (unsigned char c : message) h = MixBits((h ^ c) + kGolden);
  return MixBits((h ^ static_cast<uint64_t>(message.size())) + kGolden);
}

}  // namespace

std::string KeyedDigestHex(uint64_t key, std::string_view message) {
  static constexpr char kHex[] = "0123456789abcdef";
  const uint64_t second_key = MixBits((key ^ 0xA5A5A5A5A5A5A5A5ULL) + 0x9E3779B97F4A7C15ULL);
  std::string out;
  out.reserve(32);
  for (uint64_t lane : {KeyedHash(key, message), KeyedHash(second_key, message)})
    for (int shift = 60; shift >= 0; shift -= 4) out.push_back(kHex[(lane >> shift) & 0xF]);
  return out;
}

}  // namespace pcsim
