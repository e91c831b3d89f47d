// Hostile clients on a raw loopback socket: malformed request lines, invalid
// UTF-8 and control bytes in the path, query and headers, oversized headers
// and bodies, lying Content-Length, slow and half-closed clients. Each gets a
// 4xx with Partner Center's error body (or a closed connection when there is no
// request to answer), and the server keeps serving with its state unchanged.
#include "simulator/http/http_server.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <memory>
#include <string>

namespace pcsim::http {
namespace {

class HostileHttpTest : public ::testing::Test {
 protected:
  void SetUp() override {
    HttpServerOptions options;
    options.port = 0;
    options.threads = 2;
    options.max_body_bytes = 4096;
    options.request_timeout_seconds = 1;
    options.write_timeout_seconds = 1;
    options.keep_alive_timeout_seconds = 1;
    api::RouterOptions router_options;
    router_options.max_body_bytes = 4096;
    router_ = std::make_unique<api::Router>(router_options);
    server_ = std::make_unique<HttpServer>(*router_, options);
    Status status = server_->Start();
    ASSERT_TRUE(status.ok()) << status.description();
  }

  int Connect() const {
    int sock = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(static_cast<uint16_t>(server_->port()));
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    EXPECT_EQ(::connect(sock, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)), 0);
    timeval tv{5, 0};
    ::setsockopt(sock, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
    return sock;
  }

  // Sends `raw` and reads until the server closes the connection (every
  // request here says Connection: close or is refused), at most 5 s.
  std::string Exchange(const std::string& raw, bool half_close = false) const {
    int sock = Connect();
    size_t sent = 0;
    while (sent < raw.size()) {
      ssize_t n = ::send(sock, raw.data() + sent, raw.size() - sent, MSG_NOSIGNAL);
      if (n <= 0) break;  // the server may refuse early and close
      sent += static_cast<size_t>(n);
    }
    if (half_close) ::shutdown(sock, SHUT_WR);
    std::string out;
    char buffer[4096];
    for (;;) {
      ssize_t n = ::recv(sock, buffer, sizeof(buffer), 0);
      if (n <= 0) break;
      out.append(buffer, static_cast<size_t>(n));
    }
    ::close(sock);
    return out;
  }

  static int StatusOf(const std::string& response) {
    if (response.rfind("HTTP/1.1 ", 0) != 0 || response.size() < 12) return 0;
    return std::stoi(response.substr(9, 3));
  }
  static nlohmann::json BodyOf(const std::string& response) {
    size_t start = response.find("\r\n\r\n");
    if (start == std::string::npos) return nullptr;
    return nlohmann::json::parse(response.substr(start + 4), nullptr, false);
  }

  // A refusal with `status` and Partner Center's body.
  static void ExpectError(const std::string& response, int status, const std::string& what) {
    EXPECT_EQ(StatusOf(response), status) << what << ": " << response.substr(0, 400);
    auto body = BodyOf(response);
    ASSERT_TRUE(body.is_object()) << what << ": " << response.substr(0, 400);
    EXPECT_TRUE(body.contains("code") && body["description"].is_string() && body["data"].is_array() &&
                body["source"] == "PartnerFD")
        << what << ": " << body.dump();
  }

  // The server answers and nothing changed: the clock and the journal.
  void ExpectHealthy(const std::string& what) const {
    std::string clock = Exchange("GET /_sim/clock HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n");
    EXPECT_EQ(StatusOf(clock), 200) << what;
    EXPECT_EQ(BodyOf(clock), nlohmann::json({{"now", "2026-01-01T00:00:00Z"}})) << what;
    std::string customers = Exchange(
        "GET /v1/customers HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer t\r\nConnection: close\r\n\r\n");
    EXPECT_EQ(BodyOf(customers)["totalCount"], 0) << what;
    std::string events = Exchange("GET /_sim/events HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n");
    EXPECT_EQ(BodyOf(events)["totalCount"], 0) << what;
  }

  std::unique_ptr<api::Router> router_;
  std::unique_ptr<HttpServer> server_;
};

const std::string kBadUtf8 = "\xff\xfe\xc3\x28";
constexpr const char* kAuth = "Authorization: Bearer t\r\n";

TEST_F(HostileHttpTest, MalformedRequestLinesAre400) {
  for (const std::string& raw : {std::string("GARBAGE\r\n\r\n"), std::string("GET\r\n\r\n"),
                                 std::string("GET /_sim/clock HTTP/9.9\r\n\r\n"),
                                 std::string("GET /_sim/clock HTTP/1.1 extra\r\n\r\n"),
                                 std::string("\x01\x02\x03 / HTTP/1.1\r\n\r\n")}) {
    ExpectError(Exchange(raw), 400, raw);
  }
  ExpectHealthy("after malformed request lines");
}

TEST_F(HostileHttpTest, InvalidUtf8InPathQueryAndHeadersGetsValidJson) {
  std::string path = Exchange("GET /v1/customers/" + kBadUtf8 + " HTTP/1.1\r\nHost: localhost\r\n" + kAuth +
                              "Connection: close\r\n\r\n");
  ExpectError(path, 404, "invalid UTF-8 in the path");
  std::string encoded = Exchange("GET /v1/customers/%ff%fe%c3%28 HTTP/1.1\r\nHost: localhost\r\n" + std::string(kAuth) +
                                 "Connection: close\r\n\r\n");
  ExpectError(encoded, 404, "encoded invalid UTF-8 in the path");
  std::string query = Exchange("GET /v1/customers?size=" + kBadUtf8 + " HTTP/1.1\r\nHost: localhost\r\n" + kAuth +
                               "Connection: close\r\n\r\n");
  ExpectError(query, 400, "invalid UTF-8 in the query");
  std::string header = Exchange("GET /v1/customers/x HTTP/1.1\r\nHost: localhost\r\n" + std::string(kAuth) +
                                "MS-RequestId: " + kBadUtf8 + "\r\nConnection: close\r\n\r\n");
  ExpectError(header, 404, "invalid UTF-8 in MS-RequestId");
  std::string journal = Exchange("GET /_sim/requests HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n");
  EXPECT_EQ(StatusOf(journal), 200);
  EXPECT_TRUE(BodyOf(journal).is_object()) << journal;
  const std::string payload = "{\"a\": \"" + kBadUtf8 + "\"}";
  std::string body = Exchange("POST /v1/customers HTTP/1.1\r\nHost: localhost\r\n" + std::string(kAuth) +
                              "Content-Type: application/json\r\nContent-Length: " + std::to_string(payload.size()) +
                              "\r\nConnection: close\r\n\r\n" + payload);
  ExpectError(body, 400, "invalid UTF-8 in the body");
  ExpectHealthy("after invalid UTF-8");
}

TEST_F(HostileHttpTest, EncodedSlashesAndDotSegmentsDoNotReachOtherRoutes) {
  for (const char* target : {"/v1/customers%2Fx", "/v1/customers/x/..%2F..%2Fcustomers", "/v1/../_sim/reset",
                                    "/_sim%2Freset", "//v1///customers/./x"}) {
    std::string response = Exchange(std::string("GET ") + target + " HTTP/1.1\r\nHost: localhost\r\n" + kAuth + "Connection: close\r\n\r\n");
    ExpectError(response, 404, target);
  }
  ExpectHealthy("after path tricks");
}

TEST_F(HostileHttpTest, OversizedHeadersAndTargetsAreRefused) {
  std::string huge_header = "GET /_sim/clock HTTP/1.1\r\nHost: localhost\r\nX-Big: " + std::string(64 * 1024, 'a') +
                            "\r\nConnection: close\r\n\r\n";
  ExpectError(Exchange(huge_header), 431, "a 64 KiB header line");
  std::string many = "GET /_sim/clock HTTP/1.1\r\nHost: localhost\r\n";
  for (int i = 0; i < 500; ++i) many += "X-H" + std::to_string(i) + ": v\r\n";
  many += "Connection: close\r\n\r\n";
  ExpectError(Exchange(many), 431, "500 headers");
  ExpectError(Exchange("GET /v1/" + std::string(70 * 1024, 'a') + " HTTP/1.1\r\nHost: localhost\r\n" + kAuth +
                       "Connection: close\r\n\r\n"),
              414, "a 70 KiB target");
  ExpectHealthy("after oversized headers");
}

TEST_F(HostileHttpTest, LyingContentLengthsAreRefused) {
  // More body promised than sent before the client shut its side: 400, and
  // nothing is created.
  std::string short_body = Exchange("POST /v1/customers HTTP/1.1\r\nHost: localhost\r\n" + std::string(kAuth) +
                                    "Content-Length: 100\r\nConnection: close\r\n\r\n{\"a\":1}", true);
  ExpectError(short_body, 400, "a body shorter than its Content-Length");
  for (const char* length : {"-1", "abc", "1, 2"}) {
    std::string response = Exchange(std::string("POST /_sim/clock/advance HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nContent-Length: ") + length +
                                    "\r\nConnection: close\r\n\r\n{\"by\":\"P1D\"}");
    ExpectError(response, 400, length);
  }
  ExpectError(Exchange("POST /_sim/clock/advance HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nContent-Length: 99999999999999999999999\r\n"
                       "Connection: close\r\n\r\n{\"by\":\"P1D\"}"),
              413, "a Content-Length past 64 bits");
  std::string too_big = Exchange("POST /_sim/clock/advance HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nContent-Length: 1000000\r\n"
                                 "Connection: close\r\n\r\n{\"by\":\"P1D\"}");
  ExpectError(too_big, 413, "Content-Length over the limit");
  // A malformed chunked body.
  std::string chunked = Exchange("POST /_sim/clock/advance HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n"
                                 "Connection: close\r\n\r\nzz\r\n{}\r\n0\r\n\r\n");
  ExpectError(chunked, 400, "a malformed chunked body");
  ExpectHealthy("after lying lengths");
}

TEST_F(HostileHttpTest, SlowAndSilentClientsAreDroppedAndOthersServed) {
  // Three clients that open a connection and stall mid-request hold neither
  // worker (they never reach one); the request deadline (1 s) drops them.
  int stalled[3];
  for (int& s : stalled) {
    s = Connect();
    std::string partial = "POST /_sim/clock/advance HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nContent-Length: 20\r\n\r\n{\"by\":";
    ::send(s, partial.data(), partial.size(), MSG_NOSIGNAL);
  }
  auto started = std::chrono::steady_clock::now();
  ExpectHealthy("while slow clients stall");
  EXPECT_LT(std::chrono::steady_clock::now() - started, std::chrono::seconds(5));
  // The stalled connections are closed by the server.
  for (int s : stalled) {
    pollfd p{s, POLLIN, 0};
    ASSERT_EQ(::poll(&p, 1, 5000), 1);
    char c;
    EXPECT_LE(::recv(s, &c, 1, 0), 1);
    ::close(s);
  }
  // The stalled advance never ran.
  ExpectHealthy("after slow clients");
}

}  // namespace
}  // namespace pcsim::http
