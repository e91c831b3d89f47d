#include "simulator/api/compression.h"

#include <stdexcept>

#include <zlib.h>

#include "simulator/model/errors.h"

namespace pcsim::api {
namespace {

constexpr int kGzipWindowBits = 15 + 16;  // zlib's flag for a gzip header and trailer
constexpr int kAutoWindowBits = 15 + 32;  // inflate: detect gzip or zlib

// zlib takes sizes as uInt: feed it at most this much at once.
constexpr size_t kChunk = size_t{1} << 30;

}  // namespace

std::string Gzip(std::string_view data) {
  z_stream zs{};
  if (deflateInit2(&zs, Z_BEST_SPEED, Z_DEFLATED, kGzipWindowBits, 8, Z_DEFAULT_STRATEGY) != Z_OK)
    throw std::runtime_error("zlib: deflateInit2 failed");
  std::string out;
  out.resize(deflateBound(&zs, static_cast<uLong>(std::min(data.size(), kChunk))) + 64);
  size_t produced = 0;
  size_t consumed = 0;
  int rc = Z_OK;
  while (rc != Z_STREAM_END) {
    if (zs.avail_in == 0) {
      const size_t n = std::min(data.size() - consumed, kChunk);
      zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data() + consumed));
      zs.avail_in = static_cast<uInt>(n);
      consumed += n;
    }
    if (produced == out.size()) out.resize(out.size() * 2);
    zs.next_out = reinterpret_cast<Bytef*>(out.data() + produced);
    zs.avail_out = static_cast<uInt>(std::min(out.size() - produced, kChunk));
    const uInt before = zs.avail_out;
    rc = deflate(&zs, consumed == data.size() ? Z_FINISH : Z_NO_FLUSH);
    produced += before - zs.avail_out;
    if (rc != Z_OK && rc != Z_STREAM_END && rc != Z_BUF_ERROR) {
      deflateEnd(&zs);
      throw std::runtime_error("zlib: deflate failed");
    }
  }
  deflateEnd(&zs);
  out.resize(produced);
  return out;
}

StatusOr<std::string> Gunzip(std::string_view gz, size_t max_bytes) {
  if (gz.size() > kChunk) return Error<Err::GzipMalformed>("the stream is larger than 1 GiB");
  z_stream zs{};
  if (inflateInit2(&zs, kAutoWindowBits) != Z_OK) return Error<Err::GzipMalformed>("zlib could not start");
  zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(gz.data()));
  zs.avail_in = static_cast<uInt>(gz.size());
  std::string out;
  char buffer[1 << 16];
  for (;;) {
    zs.next_out = reinterpret_cast<Bytef*>(buffer);
    zs.avail_out = sizeof buffer;
    const int rc = inflate(&zs, Z_NO_FLUSH);
    out.append(buffer, sizeof buffer - zs.avail_out);
    if (out.size() > max_bytes) {
      inflateEnd(&zs);
      return Error<Err::GzipMalformed>("it inflates beyond " + std::to_string(max_bytes) + " bytes");
    }
    if (rc == Z_STREAM_END) {
      if (zs.avail_in == 0) break;
      inflateReset(&zs);  // another member follows
      continue;
    }
    if (rc != Z_OK) {
      inflateEnd(&zs);
      return Error<Err::GzipMalformed>(zs.avail_in == 0 ? "it ends early" : "it is not a gzip stream");
    }
  }
  inflateEnd(&zs);
  return out;
}

}  // namespace pcsim::api
