// The transport's view of a request before httplib parses it: where its head
// ends, where its body ends, and whether it breaks one of the limits. The
// event thread of HttpServer reads a connection until ScanRequest says a
// request is complete, then hands it to a worker where httplib parses it
// again (this is not a parser: it finds the end of the head, checks the
// bytes of each line and reads Content-Length, Transfer-Encoding and Expect).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace pcsim::http {

struct HeadLimits {
  size_t max_head_bytes = 64 * 1024;  // request line + headers + the blank line
  size_t max_headers = 100;
  size_t max_target_bytes = 8 * 1024;
  size_t max_body_bytes = 1 << 20;    // a larger Content-Length is refused unread
};

// httplib's own limits, which the scan applies first so that httplib never
// meets a request it would refuse on its own: a request line or a header
// line longer than 8 KiB (CPPHTTPLIB_REQUEST_URI_MAX_LENGTH and
// CPPHTTPLIB_HEADER_MAX_LENGTH).
inline constexpr size_t kMaxRequestLineBytes = 8192;
inline constexpr size_t kMaxHeaderLineBytes = 8192;

// The scan of the request at the front of a connection's buffer. It is
// incremental: call ScanRequest again with the same object after more bytes
// arrive, and only the new bytes are looked at. Reset it (= {}) once the
// request has been consumed.
struct RequestScan {
  enum class State { kHead, kBody, kComplete, kRefused };
  State state = State::kHead;

  // Set once the head is complete.
  size_t head_bytes = 0;        // request line + headers + the blank line
  uint64_t content_length = 0;  // 0 without a Content-Length
  bool chunked = false;         // Transfer-Encoding: chunked; httplib reads the body
  bool expect_continue = false; // Expect: 100-continue

  // Set when refused: the status (400, 413, 414, 431) and the description
  // of Partner Center's error body.
  int status = 0;
  std::string reason;

  // The request's bytes when known: head + Content-Length.
  uint64_t total_bytes() const { return head_bytes + content_length; }

  // Progress of the head scan.
  size_t pos = 0;         // next byte to look at
  size_t line_start = 0;  // where the current line starts
  size_t lines = 0;       // complete lines so far (the request line included)
};

// Scans `data`, the buffered bytes of a connection from the start of a
// request (leading empty lines already removed by the caller), and updates
// `scan`: kHead or kBody while more bytes are needed, kComplete when the head
// (and a Content-Length body) is in `data`, kRefused with a status. A chunked
// request is complete once its head is: its body is read by httplib.
void ScanRequest(std::string_view data, const HeadLimits& limits, RequestScan& scan);

// The number of bytes at the front of `data` that are empty lines ("\r\n" or
// "\n"), which a server ignores before a request line (RFC 9112 section 2.2).
// A lone "\r" at the end is not counted (it may be the start of "\r\n").
size_t LeadingEmptyLines(std::string_view data);

}  // namespace pcsim::http
