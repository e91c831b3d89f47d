// The sandbox's one source of randomness. Every id and every random choice
// derives from the seed, so two replays of one scenario are byte-identical.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace pcsim {

class SeededRandom {
 public:
  explicit SeededRandom(uint64_t seed) : state_(seed) {}
  // SplitMix64: fully specified, identical on every platform.
  uint64_t Next() {
    uint64_t z = (state_ += 0x9E3779B97F4A7C15ULL);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
  }
  // Uniform in [0, bound) for bound > 0.
  uint64_t Below(uint64_t bound) { return Next() % bound; }
  // A lower-case GUID, e.g. "3f2504e0-4f89-41d3-9a0c-0305e82c3301".
  std::string Guid();
  // `n` lower-case hex digits (NCE order ids are 12).
  std::string Hex(int n);
  // The whole state: SeededRandom(state()) continues the same sequence.
  uint64_t state() const { return state_; }

 private:
  uint64_t state_;
};

// The SplitMix64 finaliser: a well-spread 64-bit hash of `z`.
uint64_t MixBits(uint64_t z);

// A GUID derived from a number, for ids that must not consume the generator
// (reference ids of charge lines are rendered from their sequence number).
std::string GuidFromNumber(uint64_t seed, uint64_t n);

// 32 lower-case hex digits: a keyed hash of `message`, the check part of the
// tokens the sandbox hands out (continuation tokens, SAS tokens). Anyone who
// knows the seed can make one: they catch edited and misplaced tokens, they
// are not a cryptographic signature (docs/security.md).
std::string KeyedDigestHex(uint64_t key, std::string_view message);

}  // namespace pcsim
