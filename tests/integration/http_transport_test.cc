// The HTTP server's transport under load and abuse, on raw loopback sockets:
// idle keep-alive connections and slow clients must not keep a new client
// waiting, the head limits, the deadlines, the connection cap, injected
// latency and drops, pipelining. The only timing checks are liveness bounds
// (an answer within 1 s, a close within a deadline plus slack).
#include "simulator/http/http_server.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <arpa/inet.h>
#include <dirent.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/resource.h>
#include <sys/select.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdlib>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <utility>
#include <vector>

namespace pcsim::http {
namespace {

using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;
using std::chrono::seconds;

constexpr const char* kClockRequest = "GET /_sim/clock HTTP/1.1\r\nHost: localhost\r\n\r\n";

struct RawResponse {
  int status = 0;
  std::string head;
  std::string body;
  bool Has(const std::string& header_line) const { return head.find("\r\n" + header_line + "\r\n") != std::string::npos; }
};

// A client socket that writes raw bytes and reads answers one at a time.
class RawConnection {
 public:
  explicit RawConnection(int port) {
    fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(static_cast<uint16_t>(port));
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    connected_ = fd_ >= 0 && ::connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0;
  }
  ~RawConnection() {
    if (fd_ >= 0) ::close(fd_);
  }
  RawConnection(const RawConnection&) = delete;
  RawConnection& operator=(const RawConnection&) = delete;

  bool connected() const { return connected_; }
  int fd() const { return fd_; }

  bool Send(const std::string& bytes) {
    size_t sent = 0;
    while (sent < bytes.size()) {
      ssize_t n = ::send(fd_, bytes.data() + sent, bytes.size() - sent, MSG_NOSIGNAL);
      if (n <= 0) return false;
      sent += static_cast<size_t>(n);
    }
    return true;
  }

  // The next answer (head and Content-Length body), or nullopt when the
  // connection ends or nothing complete arrives within `timeout`.
  std::optional<RawResponse> Read(milliseconds timeout = milliseconds(5000)) {
    const auto deadline = Clock::now() + timeout;
    size_t head_end;
    while ((head_end = buffer_.find("\r\n\r\n")) == std::string::npos)
      if (!Fill(deadline)) return std::nullopt;
    RawResponse response;
    response.head = buffer_.substr(0, head_end + 2);
    if (response.head.rfind("HTTP/1.", 0) != 0 || response.head.size() < 12) return std::nullopt;
    response.status = std::atoi(response.head.c_str() + 9);
    size_t length = 0;
    std::string lower = response.head;
    for (char& ch : lower) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
    if (size_t at = lower.find("\r\ncontent-length:"); at != std::string::npos)
      length = std::strtoul(lower.c_str() + at + 17, nullptr, 10);
    while (buffer_.size() < head_end + 4 + length)
      if (!Fill(deadline)) return std::nullopt;
    response.body = buffer_.substr(head_end + 4, length);
    buffer_.erase(0, head_end + 4 + length);
    return response;
  }

  // True when the server closes the connection (end of stream or reset)
  // within `timeout`, dropping whatever else it sends.
  bool ClosedWithin(milliseconds timeout) {
    const auto deadline = Clock::now() + timeout;
    while (Clock::now() < deadline) {
      pollfd p{fd_, POLLIN, 0};
      int left = static_cast<int>(std::chrono::duration_cast<milliseconds>(deadline - Clock::now()).count());
      if (::poll(&p, 1, std::max(left, 1)) <= 0) continue;
      char chunk[4096];
      ssize_t n = ::recv(fd_, chunk, sizeof chunk, 0);
      if (n <= 0) return true;
    }
    return false;
  }

  // Everything until the server closes the connection (at most `timeout`).
  std::string ReadToEnd(milliseconds timeout = milliseconds(5000)) {
    const auto deadline = Clock::now() + timeout;
    while (Fill(deadline)) {
    }
    return std::exchange(buffer_, std::string());
  }

 private:
  bool Fill(Clock::time_point deadline) {
    auto left = std::chrono::duration_cast<milliseconds>(deadline - Clock::now()).count();
    if (left <= 0) return false;
    pollfd p{fd_, POLLIN, 0};
    if (::poll(&p, 1, static_cast<int>(left)) <= 0) return false;
    char chunk[16384];
    ssize_t n = ::recv(fd_, chunk, sizeof chunk, 0);
    if (n <= 0) return false;
    buffer_.append(chunk, static_cast<size_t>(n));
    return true;
  }

  int fd_ = -1;
  bool connected_ = false;
  std::string buffer_;
};

// Raises the soft open-file limit to hold `needed` descriptors; false when
// the hard limit is lower.
bool RaiseFileLimit(rlim_t needed) {
  rlimit limit{};
  if (::getrlimit(RLIMIT_NOFILE, &limit) != 0) return false;
  if (limit.rlim_cur >= needed) return true;
  if (limit.rlim_max != RLIM_INFINITY && limit.rlim_max < needed) return false;
  limit.rlim_cur = needed;
  return ::setrlimit(RLIMIT_NOFILE, &limit) == 0;
}

class HttpTransportTest : public ::testing::Test {
 protected:
  void StartServer(HttpServerOptions options = {}) {
    options.port = 0;
    router_ = std::make_unique<api::Router>();
    server_ = std::make_unique<HttpServer>(*router_, options);
    Status status = server_->Start();
    ASSERT_TRUE(status.ok()) << status.description();
  }

  int port() const { return server_->port(); }

  // One request on a new connection; its answer.
  std::optional<RawResponse> Call(const std::string& request, milliseconds timeout = milliseconds(5000)) {
    RawConnection c(port());
    if (!c.connected() || !c.Send(request)) return std::nullopt;
    return c.Read(timeout);
  }

  // A new client is answered 200 within 1 s (connect, send, read).
  void ExpectPromptAnswer(const std::string& what) {
    auto started = Clock::now();
    auto response = Call(kClockRequest, milliseconds(3000));
    auto took = Clock::now() - started;
    ASSERT_TRUE(response.has_value()) << what << ": no answer";
    EXPECT_EQ(response->status, 200) << what;
    EXPECT_LT(took, seconds(1)) << what << ": the answer took "
                                << std::chrono::duration_cast<milliseconds>(took).count() << " ms";
  }

  // A refusal with `status`, Partner Center's error body and Connection: close.
  static void ExpectRefusal(const std::optional<RawResponse>& response, int status, const std::string& what,
                            int code = 0) {
    ASSERT_TRUE(response.has_value()) << what << ": no answer";
    EXPECT_EQ(response->status, status) << what << ": " << response->head;
    EXPECT_TRUE(response->Has("Connection: close")) << what << ": " << response->head;
    auto body = nlohmann::json::parse(response->body, nullptr, false);
    ASSERT_TRUE(body.is_object()) << what << ": " << response->body;
    EXPECT_TRUE(body["code"].is_number() && body["description"].is_string() && body["data"].is_array() &&
                body["source"] == "PartnerFD")
        << what << ": " << body.dump();
    if (code != 0) {
      EXPECT_EQ(body["code"], code) << what;
    }
  }

  void InjectFaults(const std::string& rules) {
    auto response = Call("POST /_sim/faults HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
                         "Content-Length: " + std::to_string(rules.size()) + "\r\n\r\n" + rules);
    ASSERT_TRUE(response.has_value());
    ASSERT_EQ(response->status, 201) << response->body;
  }

  std::unique_ptr<api::Router> router_;
  std::unique_ptr<HttpServer> server_;
};

// The descriptors of this process that are the server's side of a
// connection to `port`.
std::vector<int> ServerSideDescriptors(int port) {
  std::vector<int> fds;
  DIR* dir = ::opendir("/proc/self/fd");
  if (dir == nullptr) return fds;
  while (dirent* entry = ::readdir(dir)) {
    int fd = std::atoi(entry->d_name);
    if (fd <= 2) continue;
    sockaddr_in local{};
    socklen_t length = sizeof local;
    if (::getsockname(fd, reinterpret_cast<sockaddr*>(&local), &length) != 0 || local.sin_family != AF_INET) continue;
    sockaddr_in peer{};
    length = sizeof peer;
    if (ntohs(local.sin_port) == port && ::getpeername(fd, reinterpret_cast<sockaddr*>(&peer), &length) == 0)
      fds.push_back(fd);
  }
  ::closedir(dir);
  return fds;
}

TEST_F(HttpTransportTest, AThousandIdleKeepAliveConnectionsDoNotDelayANewClient) {
  constexpr int kIdle = 1000;
  // Both ends of every connection are in this process.
  if (!RaiseFileLimit(2 * kIdle + 512)) GTEST_SKIP() << "the hard open-file limit is below " << 2 * kIdle + 512;
  HttpServerOptions options;
  options.keep_alive_timeout_seconds = 60;
  ASSERT_NO_FATAL_FAILURE(StartServer(options));
  ASSERT_GE(server_->max_connections(), kIdle + 1);

  std::vector<std::unique_ptr<RawConnection>> idle;
  for (int i = 0; i < kIdle; ++i) {
    auto c = std::make_unique<RawConnection>(port());
    ASSERT_TRUE(c->connected()) << "connection " << i;
    ASSERT_TRUE(c->Send(kClockRequest));
    auto response = c->Read();
    ASSERT_TRUE(response.has_value()) << "connection " << i;
    ASSERT_EQ(response->status, 200) << "connection " << i << ": " << response->head;
    idle.push_back(std::move(c));
  }
  // Many of the server's sockets are past FD_SETSIZE, and they were answered
  // 200 like the others (httplib built with select() would answer them 500).
  int past_fd_setsize = 0;
  for (int fd : ServerSideDescriptors(port())) past_fd_setsize += fd >= FD_SETSIZE;
  EXPECT_GT(past_fd_setsize, 0);

  ExpectPromptAnswer("with 1,000 idle keep-alive connections");
  // The idle connections are still served.
  for (int i : {0, kIdle / 2, kIdle - 1}) {
    ASSERT_TRUE(idle[static_cast<size_t>(i)]->Send(kClockRequest));
    auto response = idle[static_cast<size_t>(i)]->Read();
    ASSERT_TRUE(response.has_value()) << "connection " << i;
    EXPECT_EQ(response->status, 200);
  }
}

TEST_F(HttpTransportTest, TwoHundredSlowHeaderClientsDoNotDelayANewClient) {
  HttpServerOptions options;
  options.request_timeout_seconds = 60;
  ASSERT_NO_FATAL_FAILURE(StartServer(options));
  const std::string head = "GET /_sim/clock HTTP/1.1\r\nHost: localhost\r\nX-Slow: " + std::string(4000, 'a');
  std::vector<std::unique_ptr<RawConnection>> slow;
  for (int i = 0; i < 200; ++i) {
    slow.push_back(std::make_unique<RawConnection>(port()));
    ASSERT_TRUE(slow.back()->connected());
  }
  // One byte of the head on every connection every 20 ms; never the end.
  std::atomic<bool> done{false};
  std::thread trickle([&] {
    for (size_t at = 0; !done && at < head.size(); ++at) {
      for (auto& c : slow) c->Send(head.substr(at, 1));
      std::this_thread::sleep_for(milliseconds(20));
    }
  });
  std::this_thread::sleep_for(milliseconds(300));
  for (int i = 0; i < 3; ++i) ExpectPromptAnswer("with 200 clients sending their heads a byte at a time");
  done = true;
  trickle.join();
}

TEST_F(HttpTransportTest, HeadsOverTheSizeOrCountLimitAre431AndClosed) {
  ASSERT_NO_FATAL_FAILURE(StartServer());
  // 65 KiB of headers, each line well under 8 KiB.
  std::string big = "GET /_sim/clock HTTP/1.1\r\nHost: localhost\r\n";
  for (int i = 0; i < 65; ++i) big += "X-H" + std::to_string(i) + ": " + std::string(1024, 'a') + "\r\n";
  big += "\r\n";
  {
    RawConnection c(port());
    c.Send(big);
    ExpectRefusal(c.Read(), 431, "65 KiB of headers", 800002);
    EXPECT_TRUE(c.ClosedWithin(milliseconds(2000)));
  }
  // A client that never stops sending headers is refused at 64 KiB, not
  // read further.
  {
    RawConnection c(port());
    std::string endless = "GET /_sim/clock HTTP/1.1\r\n";
    while (endless.size() < 1024 * 1024) endless += "X-More: " + std::string(1000, 'b') + "\r\n";
    std::thread sender([&] { c.Send(endless); });
    ExpectRefusal(c.Read(), 431, "1 MiB of headers");
    EXPECT_TRUE(c.ClosedWithin(milliseconds(4000)));
    sender.join();
  }
  // 101 headers.
  std::string many = "GET /_sim/clock HTTP/1.1\r\n";
  for (int i = 0; i < 101; ++i) many += "X-H" + std::to_string(i) + ": v\r\n";
  {
    RawConnection c(port());
    c.Send(many + "\r\n");
    ExpectRefusal(c.Read(), 431, "101 headers", 800002);
    EXPECT_TRUE(c.ClosedWithin(milliseconds(2000)));
  }
  // 100 are allowed.
  std::string hundred = "GET /_sim/clock HTTP/1.1\r\n";
  for (int i = 0; i < 100; ++i) hundred += "X-H" + std::to_string(i) + ": v\r\n";
  auto ok = Call(hundred + "\r\n");
  ASSERT_TRUE(ok.has_value());
  EXPECT_EQ(ok->status, 200);
  // One line over 8 KiB.
  ExpectRefusal(Call("GET /_sim/clock HTTP/1.1\r\nX-Big: " + std::string(9000, 'a') + "\r\n\r\n"), 431,
                "a 9,000-byte header line");
  ExpectPromptAnswer("after oversized heads");
}

TEST_F(HttpTransportTest, ATargetOver8KiBIs414) {
  ASSERT_NO_FATAL_FAILURE(StartServer());
  ExpectRefusal(Call("GET /v1/" + std::string(9000, 'a') + " HTTP/1.1\r\nHost: localhost\r\n\r\n"), 414, "a 9 KiB target",
                800002);
  // Refused before the end of the line arrives.
  RawConnection c(port());
  c.Send("GET /v1/" + std::string(20000, 'a'));
  ExpectRefusal(c.Read(), 414, "a 20 KiB target without its end");
}

TEST_F(HttpTransportTest, ControlCharactersAndMalformedHeaderLinesAre400) {
  ASSERT_NO_FATAL_FAILURE(StartServer());
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"a NUL in a value", std::string("X-A: a\0b", 8)},
      {"a bare CR in a value", "X-A: a\rb"},
      {"a bare LF in a value", "X-A: a\nb"},
      {"a DEL in a value", "X-A: a\x7f" "b"},
      {"an escape in a value", "X-A: \x1b[31m"},
      {"a control character in a name", "X\x01A: v"},
      {"a space before the colon", "X-A : v"},
      {"a line without a colon", "NoColonHere"},
      {"an empty name", ": v"},
  };
  for (const auto& [what, line] : cases) {
    RawConnection c(port());
    c.Send("GET /_sim/clock HTTP/1.1\r\nHost: localhost\r\n" + line + "\r\n\r\n");
    ExpectRefusal(c.Read(), 400, what, 900126);
    EXPECT_TRUE(c.ClosedWithin(milliseconds(2000))) << what;
  }
  ExpectRefusal(Call("GET /_sim/clock HTTP/1.1\r\nHost: localhost\r\nX-A: a\r\n folded\r\n\r\n"), 400, "obs-fold", 900126);
  ExpectRefusal(Call("GET /_sim/clock HTTP/1.1\nHost: localhost\n\n"), 400, "LF line ends", 900126);
  ExpectRefusal(Call("GET  /_sim/clock HTTP/1.1\r\n\r\n"), 400, "two spaces in the request line", 900126);
  ExpectRefusal(Call("GET /_sim/\x01" "clock HTTP/1.1\r\n\r\n"), 400, "a control character in the target", 900126);
  // Horizontal tabs are allowed in values.
  auto ok = Call("GET /_sim/clock HTTP/1.1\r\nHost: localhost\r\nX-A: a\tb\r\n\r\n");
  ASSERT_TRUE(ok.has_value());
  EXPECT_EQ(ok->status, 200);
  ExpectPromptAnswer("after malformed heads");
}

TEST_F(HttpTransportTest, ContentLengthIsCheckedBeforeTheBodyIsRead) {
  HttpServerOptions options;
  options.max_body_bytes = 4096;
  ASSERT_NO_FATAL_FAILURE(StartServer(options));
  // Over the limit: 413 at once, with no body sent.
  RawConnection c(port());
  c.Send("POST /_sim/clock/advance HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nContent-Length: 10000000\r\n\r\n");
  ExpectRefusal(c.Read(milliseconds(1000)), 413, "Content-Length over the limit", 800002);
  EXPECT_TRUE(c.ClosedWithin(milliseconds(3000)));
  const std::string advance = "POST /_sim/clock/advance HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n";
  ExpectRefusal(Call(advance + "Content-Length: abc\r\n\r\n{}"), 400, "a Content-Length that is not a number", 900126);
  ExpectRefusal(Call(advance + "Content-Length: -1\r\n\r\n{}"), 400, "a negative Content-Length", 900126);
  ExpectRefusal(Call(advance + "Content-Length: 2\r\nContent-Length: 3\r\n\r\n{}"), 400, "two different lengths",
                900126);
  ExpectRefusal(Call(advance + "Content-Length: 2, 3\r\n\r\n{}"), 400, "a list of different lengths", 900126);
  ExpectRefusal(Call(advance + "Content-Length: 2\r\nTransfer-Encoding: chunked\r\n\r\n{}"), 400,
                "both Content-Length and Transfer-Encoding", 900126);
  ExpectRefusal(Call(advance + "Transfer-Encoding: gzip\r\n\r\n{}"), 400, "an unsupported transfer coding", 900126);
  // The same length twice is one length.
  const std::string body = R"({"by":"P1D"})";
  auto same = Call(advance + "Content-Length: 12\r\nContent-Length: 12\r\n\r\n" + body);
  ASSERT_TRUE(same.has_value());
  EXPECT_EQ(same->status, 200) << same->body;
}

TEST_F(HttpTransportTest, AHeadThatNeverCompletesGets408AtTheDeadline) {
  HttpServerOptions options;
  options.request_timeout_seconds = 1;
  ASSERT_NO_FATAL_FAILURE(StartServer(options));
  RawConnection head(port());
  head.Send("GET /_sim/clock HTTP/1.1\r\nHost: localhost\r\nX-Partial: ");
  RawConnection body(port());
  body.Send("POST /_sim/clock/advance HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nContent-Length: 20\r\n\r\n{\"by\":");
  auto started = Clock::now();
  ExpectRefusal(head.Read(milliseconds(2500)), 408, "an incomplete head", 800002);
  EXPECT_TRUE(head.ClosedWithin(milliseconds(2500)));
  ExpectRefusal(body.Read(milliseconds(2500)), 408, "an incomplete body", 800002);
  EXPECT_TRUE(body.ClosedWithin(milliseconds(2500)));
  EXPECT_LT(Clock::now() - started, milliseconds(3500));
  // The advance never ran.
  auto clock = Call(kClockRequest);
  ASSERT_TRUE(clock.has_value());
  EXPECT_NE(clock->body.find("2026-01-01T00:00:00Z"), std::string::npos) << clock->body;
}

TEST_F(HttpTransportTest, AnIdleKeepAliveConnectionIsClosedAfterItsTimeout) {
  HttpServerOptions options;
  options.keep_alive_timeout_seconds = 1;
  ASSERT_NO_FATAL_FAILURE(StartServer(options));
  RawConnection c(port());
  c.Send(kClockRequest);
  auto response = c.Read();
  ASSERT_TRUE(response.has_value());
  EXPECT_EQ(response->status, 200);
  EXPECT_TRUE(response->Has("Keep-Alive: timeout=1, max=1000")) << response->head;
  EXPECT_TRUE(c.ClosedWithin(milliseconds(2500)));
  // A connection that never sends a byte is idle too.
  RawConnection silent(port());
  EXPECT_TRUE(silent.ClosedWithin(milliseconds(2500)));
}

TEST_F(HttpTransportTest, AtTheConnectionCapTheLongestIdleConnectionMakesRoom) {
  HttpServerOptions options;
  options.max_connections = 20;
  ASSERT_NO_FATAL_FAILURE(StartServer(options));
  std::vector<std::unique_ptr<RawConnection>> idle;
  for (int i = 0; i < 20; ++i) {
    idle.push_back(std::make_unique<RawConnection>(port()));
    ASSERT_TRUE(idle.back()->Send(kClockRequest));
    auto response = idle.back()->Read();
    ASSERT_TRUE(response.has_value());
    ASSERT_EQ(response->status, 200);
    // The first is idle well before the others.
    if (i == 0) std::this_thread::sleep_for(milliseconds(300));
  }
  ExpectPromptAnswer("at the cap with idle connections");
  // The first (longest idle) was closed to make room; the last is open.
  EXPECT_TRUE(idle.front()->ClosedWithin(milliseconds(1000)));
  ASSERT_TRUE(idle.back()->Send(kClockRequest));
  auto response = idle.back()->Read();
  ASSERT_TRUE(response.has_value());
  EXPECT_EQ(response->status, 200);
}

TEST_F(HttpTransportTest, AtTheConnectionCapWithNoneIdleANewClientGets503) {
  HttpServerOptions options;
  options.max_connections = 20;
  options.request_timeout_seconds = 60;
  ASSERT_NO_FATAL_FAILURE(StartServer(options));
  std::vector<std::unique_ptr<RawConnection>> slow;
  for (int i = 0; i < 20; ++i) {
    slow.push_back(std::make_unique<RawConnection>(port()));
    ASSERT_TRUE(slow.back()->Send("GET /_sim/clock HTTP/1.1\r\nHost: localhost\r\nX-Slow: "));
  }
  std::this_thread::sleep_for(milliseconds(200));  // all accepted and read
  auto started = Clock::now();
  auto refused = Call(kClockRequest, milliseconds(3000));
  EXPECT_LT(Clock::now() - started, seconds(1));
  ExpectRefusal(refused, 503, "at the cap with slow clients", 800003);
  EXPECT_TRUE(refused->Has("Retry-After: 1")) << refused->head;
  // The slow clients finish; there is room again.
  for (auto& c : slow) {
    ASSERT_TRUE(c->Send("1\r\n\r\n"));
    auto response = c->Read();
    ASSERT_TRUE(response.has_value());
    EXPECT_EQ(response->status, 200);
  }
  ExpectPromptAnswer("after the slow clients finished");
}

TEST_F(HttpTransportTest, TheConnectionCapFitsTheOpenFileLimit) {
  HttpServerOptions options;
  options.max_connections = 1'000'000;
  ASSERT_NO_FATAL_FAILURE(StartServer(options));
  rlimit limit{};
  ASSERT_EQ(::getrlimit(RLIMIT_NOFILE, &limit), 0);
  if (limit.rlim_cur == RLIM_INFINITY) GTEST_SKIP() << "no open-file limit";
  EXPECT_GT(server_->max_connections(), 0);
  EXPECT_LT(static_cast<rlim_t>(server_->max_connections()), limit.rlim_cur);
}

TEST_F(HttpTransportTest, AHundredDelayedAnswersDoNotDelayAPlainRequest) {
  ASSERT_NO_FATAL_FAILURE(StartServer());
  ASSERT_NO_FATAL_FAILURE(InjectFaults(
      R"([{"fault": "latency", "delayMs": 2000, "method": "GET", "path": "/v1/customers", "count": 100}])"));
  std::vector<std::unique_ptr<RawConnection>> delayed;
  auto sent = Clock::now();
  for (int i = 0; i < 100; ++i) {
    delayed.push_back(std::make_unique<RawConnection>(port()));
    ASSERT_TRUE(delayed.back()->Send("GET /v1/customers HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer t\r\n\r\n"));
  }
  std::this_thread::sleep_for(milliseconds(200));
  ExpectPromptAnswer("with 100 answers held by a latency fault");
  for (auto& c : delayed) {
    auto response = c->Read(milliseconds(5000));
    ASSERT_TRUE(response.has_value());
    EXPECT_EQ(response->status, 200);
  }
  EXPECT_GE(Clock::now() - sent, milliseconds(2000));
}

TEST_F(HttpTransportTest, ADropFaultClosesTheConnectionWithoutAnAnswer) {
  ASSERT_NO_FATAL_FAILURE(StartServer());
  ASSERT_NO_FATAL_FAILURE(
      InjectFaults(R"([{"fault": "drop", "method": "GET", "path": "/v1/customers", "count": 1}])"));
  RawConnection c(port());
  // An answer before the dropped request still goes out; nothing after.
  c.Send(std::string(kClockRequest) + "GET /v1/customers HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer t\r\n\r\n");
  auto first = c.Read();
  ASSERT_TRUE(first.has_value());
  EXPECT_EQ(first->status, 200);
  EXPECT_EQ(c.ReadToEnd(), "");
  auto next = Call("GET /v1/customers HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer t\r\n\r\n");
  ASSERT_TRUE(next.has_value());
  EXPECT_EQ(next->status, 200);
}

TEST_F(HttpTransportTest, PipelinedRequestsAreAnsweredInOrder) {
  ASSERT_NO_FATAL_FAILURE(StartServer());
  ASSERT_NO_FATAL_FAILURE(
      InjectFaults(R"([{"fault": "latency", "delayMs": 300, "method": "GET", "path": "/v1/customers", "count": 1}])"));
  const std::string body = R"({"by":"P1D"})";
  RawConnection c(port());
  // Four requests in one send: the first answer is held 300 ms, and the
  // others still come after it, in order.
  ASSERT_TRUE(c.Send("GET /v1/customers HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer t\r\n\r\n"
                     "GET /v1/no-such-route HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer t\r\n\r\n"
                     "POST /_sim/clock/advance HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nContent-Length: " +
                     std::to_string(body.size()) + "\r\n\r\n" + body + kClockRequest));
  std::vector<int> statuses;
  std::vector<std::string> bodies;
  for (int i = 0; i < 4; ++i) {
    auto response = c.Read();
    ASSERT_TRUE(response.has_value()) << "answer " << i;
    statuses.push_back(response->status);
    bodies.push_back(response->body);
  }
  EXPECT_EQ(statuses, (std::vector<int>{200, 404, 200, 200}));
  EXPECT_NE(bodies[0].find("totalCount"), std::string::npos) << bodies[0];
  EXPECT_NE(bodies[3].find("2026-01-02T00:00:00Z"), std::string::npos) << bodies[3];
}

TEST_F(HttpTransportTest, ExpectContinueGetsA100BeforeTheBody) {
  ASSERT_NO_FATAL_FAILURE(StartServer());
  const std::string body = R"({"by":"P1D"})";
  RawConnection c(port());
  ASSERT_TRUE(c.Send("POST /_sim/clock/advance HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nExpect: 100-continue\r\nContent-Length: " +
                     std::to_string(body.size()) + "\r\n\r\n"));
  auto go_on = c.Read(milliseconds(1000));
  ASSERT_TRUE(go_on.has_value());
  EXPECT_EQ(go_on->status, 100);
  ASSERT_TRUE(c.Send(body));
  auto response = c.Read();
  ASSERT_TRUE(response.has_value());
  EXPECT_EQ(response->status, 200) << response->body;
  EXPECT_NE(response->body.find("2026-01-02"), std::string::npos) << response->body;
}

TEST_F(HttpTransportTest, ChunkedBodiesAreReadAndAStalledOneIsCutAtTheDeadline) {
  HttpServerOptions options;
  options.request_timeout_seconds = 1;
  ASSERT_NO_FATAL_FAILURE(StartServer(options));
  const std::string head = "POST /_sim/clock/advance HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n";
  auto ok = Call(head + "5\r\n{\"by\"\r\n7\r\n:\"P1D\"}\r\n0\r\n\r\n");
  ASSERT_TRUE(ok.has_value());
  EXPECT_EQ(ok->status, 200) << ok->body;
  // A chunked body that stops arriving: the worker reading it gives up at
  // the request's deadline, and the connection closes.
  RawConnection stalled(port());
  stalled.Send(head + "5\r\n{\"by\"\r\n");
  auto response = stalled.Read(milliseconds(3000));
  ASSERT_TRUE(response.has_value());
  EXPECT_EQ(response->status, 400);
  EXPECT_TRUE(stalled.ClosedWithin(milliseconds(3000)));
  ExpectPromptAnswer("after a stalled chunked body");
}

TEST_F(HttpTransportTest, HttpOneZeroAndConnectionCloseEndTheConnection) {
  ASSERT_NO_FATAL_FAILURE(StartServer());
  for (const std::string request : {"GET /_sim/clock HTTP/1.0\r\n\r\n",
                                    "GET /_sim/clock HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n"}) {
    RawConnection c(port());
    c.Send(request);
    auto response = c.Read();
    ASSERT_TRUE(response.has_value()) << request;
    EXPECT_EQ(response->status, 200);
    EXPECT_TRUE(c.ClosedWithin(milliseconds(1000))) << request;
  }
  // HTTP/1.0 with Keep-Alive stays open.
  RawConnection kept(port());
  kept.Send("GET /_sim/clock HTTP/1.0\r\nConnection: Keep-Alive\r\n\r\n");
  auto first = kept.Read();
  ASSERT_TRUE(first.has_value());
  kept.Send("GET /_sim/clock HTTP/1.0\r\nConnection: Keep-Alive\r\n\r\n");
  auto second = kept.Read();
  ASSERT_TRUE(second.has_value());
  EXPECT_EQ(second->status, 200);
}

TEST_F(HttpTransportTest, AKeptAliveConnectionClosesAfterItsLastRequest) {
  HttpServerOptions options;
  options.keep_alive_max_requests = 3;
  ASSERT_NO_FATAL_FAILURE(StartServer(options));
  RawConnection c(port());
  ASSERT_TRUE(c.Send(std::string(kClockRequest) + kClockRequest + kClockRequest + kClockRequest));
  for (int i = 0; i < 3; ++i) {
    auto response = c.Read();
    ASSERT_TRUE(response.has_value()) << i;
    EXPECT_EQ(response->status, 200);
    EXPECT_EQ(response->Has("Connection: close"), i == 2) << response->head;
  }
  EXPECT_TRUE(c.ClosedWithin(milliseconds(3000)));
}

TEST_F(HttpTransportTest, StopClosesConnectionsAndFinishesHeldAnswers) {
  ASSERT_NO_FATAL_FAILURE(StartServer());
  ASSERT_NO_FATAL_FAILURE(
      InjectFaults(R"([{"fault": "latency", "delayMs": 60000, "method": "GET", "path": "/v1/customers", "count": 1}])"));
  RawConnection idle(port());
  idle.Send(kClockRequest);
  ASSERT_TRUE(idle.Read().has_value());
  RawConnection held(port());
  held.Send("GET /v1/customers HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer t\r\n\r\n");
  std::this_thread::sleep_for(milliseconds(200));
  auto started = Clock::now();
  server_->Stop();
  EXPECT_LT(Clock::now() - started, seconds(1));
  EXPECT_TRUE(idle.ClosedWithin(milliseconds(1000)));
  // The held answer is written at the stop rather than lost.
  auto response = held.Read(milliseconds(1000));
  ASSERT_TRUE(response.has_value());
  EXPECT_EQ(response->status, 200);
  EXPECT_TRUE(held.ClosedWithin(milliseconds(1000)));
  RawConnection after(port());
  EXPECT_FALSE(after.connected());
}

}  // namespace
}  // namespace pcsim::http
