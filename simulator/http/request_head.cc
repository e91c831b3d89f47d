#include "simulator/http/request_head.h"

#include <algorithm>
#include <limits>

namespace pcsim::http {
namespace {

using State = RequestScan::State;

void Refuse(RequestScan& scan, int status, std::string reason) {
  scan.state = State::kRefused;
  scan.status = status;
  scan.reason = std::move(reason);
}

// RFC 9110 section 5.6.2: the characters of a token (header names, methods).
bool IsTokenChar(unsigned char c) {
  if ((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')) return true;
  switch (c) {
    case '!': case '#': case '$': case '%': case '&': case '\'': case '*': case '+': case '-': case '.':
    case '^': case '_': case '`': case '|': case '~':
      return true;
    default:
      return false;
  }
}

// Control characters other than HTAB (and DEL): never inside a header value.
bool IsControl(unsigned char c) { return (c < 0x20 && c != '\t') || c == 0x7f; }

bool IsOws(char c) { return c == ' ' || c == '\t'; }

std::string_view TrimOws(std::string_view s) {
  while (!s.empty() && IsOws(s.front())) s.remove_prefix(1);
  while (!s.empty() && IsOws(s.back())) s.remove_suffix(1);
  return s;
}

bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    char x = a[i], y = b[i];
    if (x >= 'A' && x <= 'Z') x = static_cast<char>(x - 'A' + 'a');
    if (y >= 'A' && y <= 'Z') y = static_cast<char>(y - 'A' + 'a');
    if (x != y) return false;
  }
  return true;
}

// A Content-Length value: digits, or a list of equal ones ("5, 5", which RFC
// 9110 section 8.6 lets a recipient read as 5). Saturates rather than
// overflows: a number that large is refused as too large.
bool ParseContentLength(std::string_view value, uint64_t* out) {
  bool have = false;
  uint64_t result = 0;
  while (true) {
    size_t comma = value.find(',');
    std::string_view item = TrimOws(value.substr(0, comma));
    if (item.empty()) return false;
    uint64_t n = 0;
    for (char c : item) {
      if (c < '0' || c > '9') return false;
      uint64_t digit = static_cast<uint64_t>(c - '0');
      n = n > (std::numeric_limits<uint64_t>::max() - digit) / 10 ? std::numeric_limits<uint64_t>::max()
                                                                   : n * 10 + digit;
    }
    if (have && n != result) return false;
    result = n;
    have = true;
    if (comma == std::string_view::npos) break;
    value.remove_prefix(comma + 1);
  }
  *out = result;
  return true;
}

// Checks a complete head (request line and header lines, each ending in
// CRLF, then the blank line; the line structure was checked while scanning).
void CheckHead(std::string_view head, const HeadLimits& limits, RequestScan& scan) {
  size_t eol = head.find("\r\n");
  std::string_view line = head.substr(0, eol);
  size_t sp1 = line.find(' ');
  size_t sp2 = sp1 == std::string_view::npos ? sp1 : line.find(' ', sp1 + 1);
  if (sp2 == std::string_view::npos || line.find(' ', sp2 + 1) != std::string_view::npos)
    return Refuse(scan, 400, "The request line is malformed.");
  std::string_view method = line.substr(0, sp1);
  std::string_view target = line.substr(sp1 + 1, sp2 - sp1 - 1);
  std::string_view version = line.substr(sp2 + 1);
  if (method.empty() || !std::all_of(method.begin(), method.end(), [](char c) { return IsTokenChar(c); }))
    return Refuse(scan, 400, "The request line is malformed.");
  if (target.empty() ||
      std::any_of(target.begin(), target.end(), [](char c) { return IsControl(c) || c == ' ' || c == '\t'; }))
    return Refuse(scan, 400, "The request target is malformed.");
  if (version != "HTTP/1.1" && version != "HTTP/1.0") return Refuse(scan, 400, "The HTTP version is not supported.");
  if (target.size() > limits.max_target_bytes) return Refuse(scan, 414, "");

  bool have_length = false;
  int transfer_encodings = 0;
  bool chunked = false;
  size_t start = eol + 2;
  while (start + 2 < head.size()) {  // the last line is the blank one
    size_t end = head.find("\r\n", start);
    line = head.substr(start, end - start);
    start = end + 2;
    if (IsOws(line.front())) return Refuse(scan, 400, "A header line is folded (obs-fold), which is not allowed.");
    size_t colon = line.find(':');
    if (colon == std::string_view::npos) return Refuse(scan, 400, "A header line has no colon.");
    std::string_view name = line.substr(0, colon);
    if (name.empty() || !std::all_of(name.begin(), name.end(), [](char c) { return IsTokenChar(c); }))
      return Refuse(scan, 400, "A header name has a character that is not allowed.");
    std::string_view value = line.substr(colon + 1);
    if (std::any_of(value.begin(), value.end(), [](char c) { return IsControl(c); }))
      return Refuse(scan, 400, "A header value has a control character.");
    value = TrimOws(value);
    if (EqualsIgnoreCase(name, "Content-Length")) {
      uint64_t length = 0;
      if (!ParseContentLength(value, &length) || (have_length && length != scan.content_length))
        return Refuse(scan, 400, "The Content-Length header is invalid.");
      have_length = true;
      scan.content_length = length;
    } else if (EqualsIgnoreCase(name, "Transfer-Encoding")) {
      ++transfer_encodings;
      chunked = EqualsIgnoreCase(value, "chunked");
    } else if (EqualsIgnoreCase(name, "Expect")) {
      scan.expect_continue = EqualsIgnoreCase(value, "100-continue");
    }
  }
  if (transfer_encodings > 0) {
    if (transfer_encodings > 1 || !chunked)
      return Refuse(scan, 400, "Transfer-Encoding other than chunked is not supported.");
    // A request with both is how requests are smuggled past proxies.
    if (have_length) return Refuse(scan, 400, "A request cannot have both Content-Length and Transfer-Encoding.");
    scan.chunked = true;
  }
  if (scan.content_length > limits.max_body_bytes)
    return Refuse(scan, 413, "The request body is larger than " + std::to_string(limits.max_body_bytes) + " bytes.");
}

}  // namespace

size_t LeadingEmptyLines(std::string_view data) {
  size_t i = 0;
  while (i < data.size()) {
    if (data[i] == '\n') {
      ++i;
    } else if (data[i] == '\r' && i + 1 < data.size() && data[i + 1] == '\n') {
      i += 2;
    } else {
      break;
    }
  }
  return i;
}

void ScanRequest(std::string_view data, const HeadLimits& limits, RequestScan& scan) {
  if (scan.state == State::kBody) {
    if (data.size() >= scan.total_bytes()) scan.state = State::kComplete;
    return;
  }
  if (scan.state != State::kHead) return;
  // A lone CR at the start may become an empty line the caller skips.
  if (scan.pos == 0 && data.size() == 1 && data[0] == '\r') return;

  for (size_t i = scan.pos; i < data.size(); ++i) {
    if (i >= limits.max_head_bytes) {
      if (scan.lines == 0) return Refuse(scan, 414, "");
      return Refuse(scan, 431, "The request head is larger than " + std::to_string(limits.max_head_bytes) + " bytes.");
    }
    const char c = data[i];
    if (c == '\n') {
      if (i == scan.line_start || data[i - 1] != '\r') return Refuse(scan, 400, "A line of the request head ends in a bare LF.");
      const size_t line_bytes = i + 1 - scan.line_start;  // with its CRLF
      if (line_bytes == 2) {
        if (scan.lines == 0) return Refuse(scan, 400, "The request line is malformed.");
        // The blank line: the head is complete.
        scan.head_bytes = i + 1;
        scan.pos = i + 1;
        CheckHead(data.substr(0, scan.head_bytes), limits, scan);
        if (scan.state == State::kRefused) return;
        scan.state = scan.chunked || data.size() >= scan.total_bytes() ? State::kComplete : State::kBody;
        return;
      }
      if (scan.lines == 0) {
        if (line_bytes > kMaxRequestLineBytes) return Refuse(scan, 414, "");
      } else {
        if (line_bytes > kMaxHeaderLineBytes)
          return Refuse(scan, 431, "A header line is longer than " + std::to_string(kMaxHeaderLineBytes) + " bytes.");
        if (scan.lines > limits.max_headers)
          return Refuse(scan, 431, "The request has more than " + std::to_string(limits.max_headers) + " headers.");
      }
      ++scan.lines;
      scan.line_start = i + 1;
    } else if (i > scan.line_start && data[i - 1] == '\r') {
      return Refuse(scan, 400, "The request head has a bare CR.");
    }
  }
  scan.pos = data.size();
  // A request line that cannot fit, before its end arrives.
  if (scan.lines == 0 &&
      scan.pos > std::min(kMaxRequestLineBytes, limits.max_target_bytes + 32))
    return Refuse(scan, 414, "");
}

}  // namespace pcsim::http
