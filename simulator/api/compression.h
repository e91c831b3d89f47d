// gzip streams (RFC 1952) through ISA-L's igzip: the Graph billing export
// blobs are gzip-compressed JSON lines, written here and read by the typed
// client and the tests.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "simulator/model/status.h"

namespace pcsim::api {

// `data` as one gzip member, compressed for speed (igzip's level 1):
// the export blobs are rendered on demand, so time matters more than the
// last bytes.
std::string Gzip(std::string_view data);
// The data of a gzip stream (one member or several, as gzip writes
// concatenated files). A malformed or truncated stream, one whose CRC does
// not match, or one that inflates beyond `max_bytes`, is an error, never a
// partial answer. The string keeps at least kGunzipSpareCapacity bytes of
// capacity past its end, so a SIMD JSON reader can read it in place.
inline constexpr size_t kGunzipSpareCapacity = 64;
StatusOr<std::string> Gunzip(std::string_view gz, size_t max_bytes);

}  // namespace pcsim::api
