// RequestScan without sockets: the same verdict whether a request arrives
// whole or a byte at a time, and where the request ends.
#include "simulator/http/request_head.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace pcsim::http {
namespace {

using namespace std::string_literals;
using State = RequestScan::State;

// Scans `bytes` as they would arrive `step` bytes at a time, stripping
// leading empty lines as the server does.
RequestScan ScanInSteps(const std::string& bytes, size_t step, const HeadLimits& limits = {}) {
  RequestScan scan;
  std::string buffer;
  for (size_t at = 0; at < bytes.size() && (scan.state == State::kHead || scan.state == State::kBody); at += step) {
    buffer += bytes.substr(at, step);
    if (scan.state == State::kHead && scan.pos == 0) buffer.erase(0, LeadingEmptyLines(buffer));
    ScanRequest(buffer, limits, scan);
  }
  return scan;
}

TEST(RequestScanTest, TheVerdictDoesNotDependOnHowTheBytesArrive) {
  const std::vector<std::pair<std::string, int>> cases = {
      {"GET / HTTP/1.1\r\nHost: x\r\n\r\n", 0},
      {"\r\n\r\nGET / HTTP/1.1\r\nHost: x\r\n\r\n", 0},
      {"POST / HTTP/1.1\r\nContent-Length: 5\r\n\r\nhello", 0},
      {"POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n", 0},
      {"GET / HTTP/1.1\r\nX-A: a\rb\r\n\r\n", 400},
      {"GET / HTTP/1.1\r\nX-A: a\nb\r\n\r\n", 400},
      {"GET / HTTP/1.1\r\nX-A: a\0b\r\n\r\n"s, 400},
      {"GET / HTTP/1.1\r\nX-A: a\r\n b\r\n\r\n", 400},
      {"GET / HTTP/1.1\r\nNoColon\r\n\r\n", 400},
      {"GET / HTTP/1.1\r\nX A: b\r\n\r\n", 400},
      {"GET / HTTP/2.0\r\n\r\n", 400},
      {"GET /" + std::string(9000, 'a') + " HTTP/1.1\r\n\r\n", 414},
      {"GET / HTTP/1.1\r\nX-A: " + std::string(9000, 'a') + "\r\n\r\n", 431},
      {"POST / HTTP/1.1\r\nContent-Length: 2000000\r\n\r\n", 413},
      {"POST / HTTP/1.1\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\n", 400},
      {"POST / HTTP/1.1\r\nContent-Length: 3, 3\r\n\r\nabc", 0},
  };
  for (const auto& [request, status] : cases) {
    RequestScan whole = ScanInSteps(request, request.size());
    RequestScan bytes = ScanInSteps(request, 1);
    EXPECT_EQ(whole.status, status) << request.substr(0, 80);
    EXPECT_EQ(bytes.status, status) << request.substr(0, 80);
    EXPECT_EQ(whole.state, status == 0 ? State::kComplete : State::kRefused) << request.substr(0, 80);
    EXPECT_EQ(bytes.state, whole.state) << request.substr(0, 80);
    EXPECT_EQ(bytes.head_bytes, whole.head_bytes) << request.substr(0, 80);
    EXPECT_EQ(bytes.content_length, whole.content_length) << request.substr(0, 80);
  }
}

TEST(RequestScanTest, FindsTheEndOfTheHeadAndTheBody) {
  const std::string head = "POST /v1/x HTTP/1.1\r\nContent-Length: 5\r\nExpect: 100-continue\r\n\r\n";
  RequestScan scan;
  ScanRequest(head, {}, scan);
  EXPECT_EQ(scan.state, State::kBody);
  EXPECT_EQ(scan.head_bytes, head.size());
  EXPECT_EQ(scan.total_bytes(), head.size() + 5);
  EXPECT_TRUE(scan.expect_continue);
  ScanRequest(head + "hel", {}, scan);
  EXPECT_EQ(scan.state, State::kBody);
  // Bytes past the body (a pipelined request) are not part of it.
  ScanRequest(head + "helloGET / HTTP/1.1\r\n\r\n", {}, scan);
  EXPECT_EQ(scan.state, State::kComplete);
  EXPECT_EQ(scan.total_bytes(), head.size() + 5);
}

TEST(RequestScanTest, TheLimitsAreOptions) {
  HeadLimits limits;
  limits.max_headers = 2;
  limits.max_head_bytes = 100;
  limits.max_target_bytes = 10;
  EXPECT_EQ(ScanInSteps("GET / HTTP/1.1\r\nA: 1\r\nB: 2\r\n\r\n", 1, limits).state, State::kComplete);
  EXPECT_EQ(ScanInSteps("GET / HTTP/1.1\r\nA: 1\r\nB: 2\r\nC: 3\r\n\r\n", 1, limits).status, 431);
  EXPECT_EQ(ScanInSteps("GET / HTTP/1.1\r\nA: " + std::string(100, 'a') + "\r\n\r\n", 7, limits).status, 431);
  EXPECT_EQ(ScanInSteps("GET /0123456789a HTTP/1.1\r\n\r\n", 3, limits).status, 414);
  // A head that never ends is refused once it passes the limit.
  RequestScan endless = ScanInSteps("GET / HTTP/1.1\r\n" + std::string(1000, 'x'), 10, limits);
  EXPECT_EQ(endless.status, 431);
}

}  // namespace
}  // namespace pcsim::http
