// The framing of the files of a state dir (docs/state-dir.md), shared by the
// store that writes them (state_store.cc) and the reader that checks them
// (state_reader.cc). Internal to simulator/persist.
//
// On disk, a file is a sequence of frames:
//   "PCS2" | u32 n | u32 CRC-32 of (magic, n) | n bytes | u32 CRC-32 of the n bytes
// and the n bytes are u64 seq, u8 type, fields. Integers are little-endian;
// a string is a u32 length and bytes. The head has a checksum of its own, so
// that a damaged length is found where it is instead of passing for a record
// that runs past the end of the file.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <string_view>

namespace pcsim::persist::frame {

inline constexpr char kMagic[4] = {'P', 'C', 'S', '2'};
inline constexpr size_t kHeadBytes = 12;
inline constexpr size_t kFrameOverhead = kHeadBytes + 4;
inline constexpr uint32_t kMaxRecord = 1u << 30;

inline constexpr char kHeader = 'H';   // format, version, fingerprint, kind, base seq
inline constexpr char kCommand = 'C';  // a command, its answer, and whether it reset the state
inline constexpr char kEnd = 'E';      // the end of a snapshot: its record count

inline uint32_t Crc32(std::string_view data, uint32_t crc = 0) {
  static const std::array<uint32_t, 256> table = [] {
    std::array<uint32_t, 256> t{};
    for (uint32_t i = 0; i < 256; ++i) {
      uint32_t c = i;
      for (int k = 0; k < 8; ++k) c = (c & 1) ? 0xEDB88320u ^ (c >> 1) : c >> 1;
      t[i] = c;
    }
    return t;
  }();
  crc = ~crc;
  for (unsigned char ch : data) crc = table[(crc ^ ch) & 0xFF] ^ (crc >> 8);
  return ~crc;
}

// FNV-1a 64: the hash of an answer's body kept in a command record.
inline uint64_t Fnv1a(std::string_view bytes) {
  uint64_t h = 0xcbf29ce484222325ULL;
  for (unsigned char c : bytes) {
    h ^= c;
    h *= 0x100000001b3ULL;
  }
  return h;
}

}  // namespace pcsim::persist::frame
