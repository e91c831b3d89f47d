// A digest of state, built by feeding every field in a fixed order. Two
// sandboxes (or one before and after a refused request) with equal digests hold
// the same state; tests compare digests instead of reading every resource
// back. 64 bits of SplitMix64 mixing: not a cryptographic hash.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>
#include <type_traits>
#include <vector>

#include "simulator/clock/time.h"
#include "simulator/model/seeded_random.h"
#include "simulator/money/decimal.h"

namespace pcsim {

class StateHasher {
 public:
  template <typename T>
    requires(std::is_integral_v<T> || std::is_enum_v<T>)
  void Add(T v) {
    Mix(static_cast<uint64_t>(v));
  }
  void Add(std::string_view s) {
    Mix(s.size());
    uint64_t word = 0;
    for (size_t i = 0; i < s.size(); ++i) {
      word = (word << 8) | static_cast<unsigned char>(s[i]);
      if (i % 8 == 7) {
        Mix(word);
        word = 0;
      }
    }
    Mix(word);
  }
  void Add(const char* s) { Add(std::string_view(s)); }
  void Add(Decimal d) {
    Mix(static_cast<uint64_t>(d.units()));
    Mix(static_cast<uint64_t>(d.scale()));
  }
  void Add(PackedDecimal d) { Add(Decimal(d)); }
  void Add(Date d) { Mix(static_cast<uint64_t>(d.days_since_epoch())); }
  void Add(Instant t) { Mix(static_cast<uint64_t>(t.micros())); }
  template <typename T>
  void Add(const std::optional<T>& v) {
    Mix(v.has_value());
    if (v) Add(*v);
  }
  // Marks where a collection of `n` items starts, so that moving an item from
  // one collection to the next changes the digest.
  void Count(size_t n) { Mix(0xC0117EC7u ^ n); }

  uint64_t value() const { return state_; }

 private:
  void Mix(uint64_t v) { state_ = MixBits(state_ ^ MixBits(v + 0x9E3779B97F4A7C15ULL * ++fed_)); }

  uint64_t state_ = 0x70C5'1A1E'5EED'0001ULL;
  uint64_t fed_ = 0;
};

}  // namespace pcsim
