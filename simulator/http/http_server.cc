#include "simulator/model/errors.h"
#include "simulator/http/http_server.h"

#include <httplib.h>

#include <arpa/inet.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <chrono>
#include <condition_variable>
#include <csignal>
#include <cstring>
#include <deque>
#include <exception>
#include <limits>
#include <map>
#include <thread>
#include <utility>
#include <vector>

#include "simulator/http/request_head.h"

namespace pcsim::http {
namespace {

using Clock = std::chrono::steady_clock;
using TimePoint = Clock::time_point;
using std::chrono::milliseconds;
using std::chrono::seconds;

// Matches every path, newlines included ('.' would not).
constexpr const char* kAnyPath = R"([\s\S]*)";

// A connection refused or closed with input still arriving keeps reading
// (and dropping) it this long after its answer, so that the kernel does not
// answer that input with a reset, which can destroy the answer before the
// client reads it.
constexpr auto kLingerTime = seconds(2);
// How long Stop() waits for the requests workers are running.
constexpr auto kStopGrace = seconds(5);
// Connections answered 503 at the cap also linger, up to this many beyond
// the cap; past that they are closed at once.
constexpr int kRefusalOverflow = 64;
// Descriptors the connection cap leaves free: the listening socket, epoll,
// the wake-up eventfd, the spare descriptor, stdio, --state-dir files and
// the lingering refusals above.
constexpr long kReservedDescriptors = 128;
constexpr size_t kFirstReadChunk = 4 * 1024;
constexpr size_t kReadChunk = 16 * 1024;
constexpr size_t kMaxBodyReadChunk = 256 * 1024;
// Pipelined requests a worker answers in a row before it hands the
// connection back (and lets the others' requests run).
constexpr int kRequestsPerTurn = 16;
// Connections accepted per event-loop turn.
constexpr int kAcceptsPerTurn = 64;
// The longest a connection handed back quietly by a worker waits before the
// event thread takes it (its next bytes make it take it at once).
constexpr int kQuietHandBackMs = 100;

// Pseudo-headers httplib adds to each request; they never came from the client.
bool IsPseudoHeader(const std::string& name) {
  return name == "REMOTE_ADDR" || name == "REMOTE_PORT" || name == "LOCAL_ADDR" || name == "LOCAL_PORT";
}

// Headers the transport computes itself; the router's values are ignored.
bool IsTransportHeader(std::string_view name) {
  return api::EqualsIgnoreCase(name, "Content-Type") || api::EqualsIgnoreCase(name, "Content-Length") ||
         api::EqualsIgnoreCase(name, "Transfer-Encoding") || api::EqualsIgnoreCase(name, "Connection") ||
         api::EqualsIgnoreCase(name, "Keep-Alive");
}

// Partner Center's error body for failures the transport detects before a
// request reaches the router (Partner Center REST error codes).
Status TransportError(int http_status, const std::string& detail = "") {
  switch (http_status) {
    case 400:
      return Error<Err::BodyNotParsable>(detail.empty() ? "The request is malformed." : detail);
    case 404:
      return Error<Err::TransportNotFound>(detail.empty() ? "No route matches the request." : detail);
    case 405:
      return Error<Err::MethodNotAllowed>();
    case 408:
      return Error<Err::RequestTimeout>(detail.empty() ? "The request was not received in time." : detail);
    case 413:
      return Error<Err::BodyTooLarge>(detail.empty() ? "The request body is too large." : detail);
    case 414:
      return Error<Err::UriTooLong>();
    case 416:
      return Error<Err::RangeNotSatisfiable>();
    case 417:
      return Error<Err::ExpectationFailed>();
    case 431:
      return Error<Err::HeadersTooLarge>(detail.empty() ? "The request header fields are too large." : detail);
    default:
      return ErrorWithStatus<Err::TransportOther>(http_status >= 400 && http_status < 600 ? http_status : 500,
                                                  detail.empty() ? "Unexpected service error." : detail);
  }
}

void WriteResponse(const api::Response& response, httplib::Response& res) {
  res.status = response.status;
  std::string content_type = response.content_type;
  for (const auto& [name, value] : response.headers) {
    if (api::EqualsIgnoreCase(name, "Content-Type")) {
      content_type = value;
      continue;
    }
    if (IsTransportHeader(name)) continue;
    res.set_header(name, value);
  }
  if (!response.body.empty()) {
    res.set_content(response.body, content_type.c_str());
  } else {
    res.body.clear();
  }
}

void WriteError(const Status& status, httplib::Response& res) { WriteResponse(api::ErrorResponse(status), res); }

const char* ReasonPhrase(int status) {
  switch (status) {
    case 400: return "Bad Request";
    case 408: return "Request Timeout";
    case 413: return "Payload Too Large";
    case 414: return "URI Too Long";
    case 431: return "Request Header Fields Too Large";
    case 503: return "Service Unavailable";
    default: return "Internal Server Error";
  }
}

// A refusal the event thread writes itself (no request reached httplib):
// Partner Center's error body, and the connection closes after it.
std::string RenderRefusal(int status, const std::string& detail) {
  api::Response response = api::ErrorResponse(TransportError(status, detail));
  std::string out = "HTTP/1.1 " + std::to_string(status) + " " + ReasonPhrase(status) +
                    "\r\nConnection: close\r\nContent-Type: " + response.content_type +
                    "\r\nContent-Length: " + std::to_string(response.body.size()) + "\r\n";
  if (status == 503) out += "Retry-After: 1\r\n";
  out += "\r\n";
  out += response.body;
  return out;
}

// What a handler tells the worker about the request it answered: injected
// faults to carry out, and whether the connection must close because the
// body was not read to its end.
struct RequestOutcome {
  int64_t delay_ms = 0;
  bool drop = false;
  bool body_unread = false;
};
thread_local RequestOutcome* tls_outcome = nullptr;

// A byte buffer with a moving start: bytes are appended at the end and
// consumed from the front without moving the rest.
class Buffer {
 public:
  const char* data() const { return data_.get() + begin_; }
  size_t size() const { return end_ - begin_; }
  bool empty() const { return begin_ == end_; }
  std::string_view view() const { return {data(), size()}; }
  size_t capacity() const { return capacity_; }

  void Consume(size_t n) {
    begin_ += n;
    if (begin_ == end_) begin_ = end_ = 0;
  }
  void Clear() { begin_ = end_ = 0; }
  void Truncate(size_t size) { end_ = begin_ + size; }
  // Room for at least `n` more bytes; returns where they go.
  char* Reserve(size_t n) {
    if (capacity_ - end_ >= n) return data_.get() + end_;
    const size_t size = end_ - begin_;
    if (size + n <= capacity_ && begin_ >= capacity_ / 2) {
      std::memmove(data_.get(), data_.get() + begin_, size);
    } else {
      size_t capacity = std::max<size_t>({capacity_ * 2, size + n, 4096});
      std::unique_ptr<char[]> bigger(new char[capacity]);
      if (size > 0) std::memcpy(bigger.get(), data_.get() + begin_, size);
      data_ = std::move(bigger);
      capacity_ = capacity;
    }
    begin_ = 0;
    end_ = size;
    return data_.get() + end_;
  }
  void Commit(size_t n) { end_ += n; }
  void Append(const char* p, size_t n) {
    std::memcpy(Reserve(n), p, n);
    end_ += n;
  }
  void Append(std::string_view s) { Append(s.data(), s.size()); }
  // Frees the memory of an empty buffer that grew large.
  void Trim(size_t keep) {
    if (empty() && capacity_ > keep) {
      data_.reset();
      capacity_ = begin_ = end_ = 0;
    }
  }

 private:
  std::unique_ptr<char[]> data_;
  size_t begin_ = 0, end_ = 0, capacity_ = 0;
};

// The timeout lists a connection can wait on; each holds its connections in
// the order of their start time, so the first one is the next to expire.
enum class WaitList : uint8_t { kIdle, kRequest, kWrite, kLinger, kCount, kNone = kCount };

struct Connection {
  explicit Connection(int socket) : fd(socket) {}
  const int fd;

  // Owned by whichever thread holds the connection: the event thread, or the
  // worker it handed the connection to (the hand-over goes through a mutex).
  Buffer in;                  // received bytes from the start of the current request
  Buffer out;                 // answer bytes not written yet
  RequestScan scan;           // of the request at the front of `in`
  TimePoint request_started;  // its first byte
  int served = 0;             // requests answered
  bool continue_sent = false; // "100 Continue" written for the current request
  bool peer_closed = false;   // the client shut down its side (recv returned 0)
  bool close_after_write = false;
  bool linger = false;        // with close_after_write: a lingering close
  bool failed = false;        // the socket failed: close at once
  bool read_socket = false;   // a worker read from the socket
  int64_t delay_ms = 0;       // set by a worker: hold the answer this long
  // An event came while a worker held the connection (under done_mutex_).
  bool event_while_busy = false;
  std::string remote_ip, local_ip;
  int remote_port = 0, local_port = 0;

  // The event thread's alone.
  bool busy = false;          // a worker holds the connection
  bool pending_in = true;     // the socket may have unread bytes
  bool hangup = false;        // epoll reported the client's end (or an error)
  bool lingering = false;
  bool closed = false;
  bool delayed = false;
  std::multimap<TimePoint, Connection*>::iterator delay_entry;
  WaitList wait = WaitList::kNone;
  TimePoint since;            // when the wait started
  Connection* prev = nullptr;
  Connection* next = nullptr;
  size_t index = 0;           // in Impl::connections_
  size_t pending_bytes = 0;   // counted in Impl::pending_bytes_
};

// Writes what the socket takes without blocking; false when it failed.
bool Flush(Connection& c) {
  while (!c.out.empty()) {
    ssize_t n = ::send(c.fd, c.out.data(), c.out.size(), MSG_NOSIGNAL | MSG_DONTWAIT);
    if (n > 0) {
      c.out.Consume(static_cast<size_t>(n));
    } else if (n < 0 && errno == EINTR) {
      continue;
    } else if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
      return true;
    } else {
      return false;
    }
  }
  return true;
}

// The numeric host and port of a socket address, as httplib reports them.
void AddressOf(const sockaddr_storage& addr, socklen_t length, std::string* ip, int* port) {
  char host[NI_MAXHOST];
  if (::getnameinfo(reinterpret_cast<const sockaddr*>(&addr), length, host, sizeof host, nullptr, 0,
                    NI_NUMERICHOST) == 0)
    *ip = host;
  if (addr.ss_family == AF_INET) *port = ntohs(reinterpret_cast<const sockaddr_in&>(addr).sin_port);
  if (addr.ss_family == AF_INET6) *port = ntohs(reinterpret_cast<const sockaddr_in6&>(addr).sin6_port);
}

// httplib's view of one request on a connection: reads come from the bytes
// the event thread buffered (for a chunked body, from the socket too, up to
// the request's deadline); writes go to the connection's output buffer.
class ConnectionStream final : public httplib::Stream {
 public:
  // `limit`: the request's bytes from the start of `c.in` (head and body);
  // reads end there. `from_socket`: past the buffered bytes, read the
  // socket until `deadline`.
  ConnectionStream(Connection& c, uint64_t limit, bool from_socket, TimePoint deadline)
      : c_(c), limit_(limit), from_socket_(from_socket), deadline_(deadline) {}

  bool is_readable() const override { return consumed_ < Buffered() || from_socket_; }
  bool is_writable() const override { return true; }

  ssize_t read(char* ptr, size_t size) override {
    if (consumed_ >= Buffered()) {
      if (!from_socket_ || consumed_ >= limit_) return 0;
      if (ssize_t n = Fill(); n <= 0) return n;
    }
    size_t n = std::min<size_t>(size, Buffered() - consumed_);
    std::memcpy(ptr, c_.in.data() + consumed_, n);
    consumed_ += n;
    return static_cast<ssize_t>(n);
  }

  ssize_t write(const char* ptr, size_t size) override {
    c_.out.Append(ptr, size);
    written_ += size;
    return static_cast<ssize_t>(size);
  }

  void get_remote_ip_and_port(std::string& ip, int& port) const override {
    ip = c_.remote_ip;
    port = c_.remote_port;
  }
  void get_local_ip_and_port(std::string& ip, int& port) const override {
    ip = c_.local_ip;
    port = c_.local_port;
  }

  // httplib 0.11.4's server looks at the socket in one place: built without
  // CPPHTTPLIB_USE_POLL, process_request answers 500 to any connection whose
  // descriptor is FD_SETSIZE (1024) or more, because select() could not wait
  // on it. Nothing here waits with select(): the request is already
  // buffered, and the socket belongs to the event thread. So the stream
  // reports no descriptor: -1 is below FD_SETSIZE and passes that check for
  // every connection however many are open, and any I/O attempted on it
  // would fail instead of reaching some other socket. (Debian's
  // libcpp-httplib.so 0.11.4 happens to be built with poll() and never asks,
  // but a select() build would.)
  socket_t socket() const override { return INVALID_SOCKET; }

  size_t consumed() const { return consumed_; }
  // Bytes this request wrote; those not sent yet are the last of c.out.
  size_t written() const { return written_; }

 private:
  size_t Buffered() const { return static_cast<size_t>(std::min<uint64_t>(c_.in.size(), limit_)); }

  // Reads more of the request from the socket: the byte count, 0 at the end
  // of the client's stream, -1 on an error or once the deadline has passed.
  ssize_t Fill() {
    c_.read_socket = true;
    for (;;) {
      size_t want = static_cast<size_t>(std::min<uint64_t>(kReadChunk, limit_ - c_.in.size()));
      ssize_t n = ::recv(c_.fd, c_.in.Reserve(want), want, 0);
      if (n > 0) {
        c_.in.Commit(static_cast<size_t>(n));
        return n;
      }
      if (n == 0) {
        c_.peer_closed = true;
        return 0;
      }
      if (errno == EINTR) continue;
      if (errno != EAGAIN && errno != EWOULDBLOCK) {
        c_.failed = true;
        return -1;
      }
      // What was written so far goes out first: the client may be waiting
      // for httplib's "100 Continue" before it sends the body.
      if (!Flush(c_)) {
        c_.failed = true;
        return -1;
      }
      auto left = std::chrono::ceil<milliseconds>(deadline_ - Clock::now()).count();
      if (left <= 0) return -1;
      pollfd p{c_.fd, POLLIN, 0};
      if (::poll(&p, 1, static_cast<int>(std::min<int64_t>(left, 60000))) < 0 && errno != EINTR) return -1;
    }
  }

  Connection& c_;
  const uint64_t limit_;
  const bool from_socket_;
  const TimePoint deadline_;
  size_t consumed_ = 0;
  size_t written_ = 0;
};

// httplib's server with its request handling open to us: we own the sockets
// and hand it one request at a time on a ConnectionStream.
class Engine : public httplib::Server {
 public:
  using httplib::Server::process_request;
};

}  // namespace

class HttpServer::Impl {
 public:
  Impl(api::Router& router, const HttpServerOptions& options);
  ~Impl();
  Impl(const Impl&) = delete;
  Impl& operator=(const Impl&) = delete;

  // Binds, listens and starts the threads.
  Status Start(int* port, int* max_connections);
  void Stop();

 private:
  struct List {
    Connection* head = nullptr;
    Connection* tail = nullptr;
  };

  void Install();
  Status Listen(int* port);

  // The event thread.
  void Run();
  void AcceptAll(TimePoint now);
  void Admit(int fd, const sockaddr_storage& peer, socklen_t peer_length, TimePoint now);
  bool EvictOne();
  void OnEvent(Connection* c, uint32_t events, TimePoint now);
  void Drive(Connection* c, TimePoint now);
  void Refuse(Connection* c, int status, const std::string& reason, TimePoint now);
  void Finish(Connection* c, TimePoint now);
  void Drain(Connection* c);
  void Close(Connection* c);
  void Wait(Connection* c, WaitList list, TimePoint since);
  void Unwait(Connection* c);
  void Expire(TimePoint now);
  int NextTimeoutMs(TimePoint now) const;
  void TakeCompletions(TimePoint now);
  void Dispatch(Connection* c);
  void SubmitJobs();
  void BeginStop(TimePoint now);
  void StopConnection(Connection* c, TimePoint now);
  void SetPending(Connection* c, size_t bytes);
  std::chrono::nanoseconds TimeoutOf(WaitList list) const;

  // Workers.
  void WorkerLoop();
  void Serve(Connection& c);
  void HandBack(Connection* c);

  api::Router& router_;
  const HttpServerOptions options_;
  const HeadLimits limits_;
  const uint64_t chunked_allowance_;  // bytes a chunked request may take on the wire
  const size_t max_pending_bytes_;
  int max_connections_ = 0;
  Engine engine_;
  const std::function<void(httplib::Request&)> drop_expect_;
  const std::function<void(httplib::Request&)> no_setup_;
  std::atomic<bool> stopping_{false};

  int listen_fd_ = -1;
  int epoll_fd_ = -1;
  int wake_fd_ = -1;
  int spare_fd_ = -1;  // closed to accept (and refuse) a connection when out of descriptors
  char listen_tag_ = 0, wake_tag_ = 0;
  std::thread event_thread_;
  std::vector<std::thread> workers_;

  // The event thread's state.
  std::vector<Connection*> connections_;
  std::vector<Connection*> graveyard_;  // closed during this turn, freed at its end
  std::vector<Connection*> ready_;      // complete requests for the workers
  List lists_[static_cast<size_t>(WaitList::kCount)];
  std::multimap<TimePoint, Connection*> delays_;
  size_t pending_bytes_ = 0;
  int busy_ = 0;
  bool stop_begun_ = false;
  bool busy_shut_down_ = false;
  TimePoint stop_deadline_;
  TimePoint accept_paused_until_;
  bool accept_paused_ = false;
  char drain_buffer_[16 * 1024];

  // Event thread -> workers.
  std::mutex jobs_mutex_;
  std::condition_variable jobs_cv_;
  std::deque<Connection*> jobs_;
  bool jobs_closed_ = false;

  // Workers -> event thread.
  std::mutex done_mutex_;
  std::vector<Connection*> done_;
  bool done_urgent_ = false;   // done_ holds a connection that needs the event thread now
  bool loop_sleeping_ = false;
};

HttpServer::Impl::Impl(api::Router& router, const HttpServerOptions& options)
    : router_(router),
      options_(options),
      limits_{options.max_header_bytes, static_cast<size_t>(std::max(0, options.max_headers)),
              options.max_target_bytes, options.max_body_bytes},
      chunked_allowance_(uint64_t{4} * options.max_body_bytes + 64 * 1024),
      max_pending_bytes_(std::max(options.max_pending_request_bytes,
                                  options.max_header_bytes + options.max_body_bytes + kMaxBodyReadChunk)),
      drop_expect_([](httplib::Request& req) { req.headers.erase("Expect"); }) {
  Install();
}

HttpServer::Impl::~Impl() {
  Stop();
  for (int fd : {listen_fd_, epoll_fd_, wake_fd_, spare_fd_})
    if (fd >= 0) ::close(fd);
}

void HttpServer::Impl::Install() {
  Engine& server = engine_;
  // Only the Keep-Alive header httplib writes reads these two.
  server.set_keep_alive_timeout(options_.keep_alive_timeout_seconds);
  server.set_keep_alive_max_count(static_cast<size_t>(std::max(1, options_.keep_alive_max_requests)));
  server.set_payload_max_length(options_.max_body_bytes);

  const size_t max_body = options_.max_body_bytes;
  auto too_large = [max_body] {
    return TransportError(413, "The request body is larger than " + std::to_string(max_body) + " bytes.");
  };

  // The one place a request crosses into the router.
  auto serve = [this](const httplib::Request& req, httplib::Response& res, std::string body) {
    try {
      api::HeaderList headers;
      headers.reserve(req.headers.size());
      for (const auto& [name, value] : req.headers)
        if (!IsPseudoHeader(name)) headers.emplace_back(name, value);
      // The raw target keeps the query parameters in the client's order.
      // HEAD is answered as GET; httplib leaves the body out.
      std::string method = req.method == "HEAD" ? "GET" : req.method;
      api::Request request = api::MakeRequest(std::move(method), req.target.empty() ? req.path : req.target,
                                              std::move(body), std::move(headers));
      api::Response response = router_.Handle(request);
      // Injected faults (/_sim/faults) the transport carries out: the answer
      // in real time later (so that client timeouts can be tested; the event
      // thread holds it, no thread waits), or the connection cut without an
      // answer.
      if (tls_outcome) {
        tls_outcome->delay_ms = response.delay_ms;
        tls_outcome->drop = response.drop_connection;
      }
      if (response.drop_connection) {
        res.status = 200;
        return;
      }
      WriteResponse(response, res);
    } catch (const std::exception& e) {
      WriteError(TransportError(500, std::string("Unexpected service error: ") + e.what()), res);
    } catch (...) {
      WriteError(TransportError(500), res);
    }
  };

  auto without_body = [serve](const httplib::Request& req, httplib::Response& res) { serve(req, res, req.body); };

  // Bodies are read here, not by httplib, so a chunked body is held to the
  // same limit as one with a Content-Length (the event thread refuses an
  // oversized Content-Length before the request gets here).
  auto with_body = [serve, max_body, too_large](const httplib::Request& req, httplib::Response& res,
                                                const httplib::ContentReader& reader) {
    try {
      // HTTP/1.1: no Content-Length and no chunked encoding means no body
      // (httplib would otherwise wait for the client to close).
      bool chunked = api::ToLower(req.get_header_value("Transfer-Encoding")).find("chunked") != std::string::npos;
      if (!chunked && !req.has_header("Content-Length")) {
        serve(req, res, std::string());
        return;
      }
      std::string body;
      bool over_limit = false;
      // Past the limit the read stops; the rest of the body is never read,
      // so the connection closes after the answer.
      bool read = reader([&](const char* data, size_t length) {
        if (body.size() + length > max_body) {
          over_limit = true;
          return false;
        }
        body.append(data, length);
        return true;
      });
      if (over_limit || res.status == 413) {
        if (tls_outcome) tls_outcome->body_unread = true;
        WriteError(too_large(), res);
        return;
      }
      if (!read) {
        if (tls_outcome) tls_outcome->body_unread = true;
        WriteError(TransportError(400, "The request body could not be read."), res);
        return;
      }
      res.status = -1;
      serve(req, res, std::move(body));
    } catch (...) {
      WriteError(TransportError(500), res);
    }
  };

  // GET (and HEAD) and OPTIONS carry no body: they go to the router before
  // httplib's routing, which would match each one against a regex.
  server.set_pre_routing_handler([without_body](const httplib::Request& req, httplib::Response& res) {
    if (req.method != "GET" && req.method != "HEAD" && req.method != "OPTIONS")
      return httplib::Server::HandlerResponse::Unhandled;
    without_body(req, res);
    return httplib::Server::HandlerResponse::Handled;
  });
  server.Post(kAnyPath, with_body);
  server.Put(kAnyPath, with_body);
  server.Patch(kAnyPath, with_body);
  server.Delete(kAnyPath, with_body);
  server.Post(kAnyPath, without_body);
  server.Put(kAnyPath, without_body);
  server.Patch(kAnyPath, without_body);
  server.Delete(kAnyPath, without_body);

  // Errors httplib produces itself (a method it does not know, a bad Range
  // header, a malformed chunked body) still get Partner Center's body.
  server.set_error_handler(httplib::Server::HandlerWithResponse([too_large](const httplib::Request&, httplib::Response& res) {
    if (!res.body.empty()) return httplib::Server::HandlerResponse::Unhandled;
    WriteError(res.status == 413 ? too_large() : TransportError(res.status), res);
    return httplib::Server::HandlerResponse::Handled;
  }));

  server.set_exception_handler([](const httplib::Request&, httplib::Response& res, std::exception_ptr ep) {
    std::string what = "Unexpected service error.";
    try {
      if (ep) std::rethrow_exception(ep);
    } catch (const std::exception& e) {
      what = std::string("Unexpected service error: ") + e.what();
    } catch (...) {
    }
    res.headers.clear();
    WriteError(TransportError(500, what), res);
  });
}

Status HttpServer::Impl::Listen(int* port) {
  const std::string where = options_.host + ":" + std::to_string(options_.port);
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* found = nullptr;
  if (int rc = ::getaddrinfo(options_.host.empty() ? nullptr : options_.host.c_str(),
                             std::to_string(options_.port).c_str(), &hints, &found);
      rc != 0)
    return Error<Err::ServiceError>("cannot listen on " + where + ": " + ::gai_strerror(rc));
  int error = 0;
  for (addrinfo* a = found; a != nullptr; a = a->ai_next) {
    int fd = ::socket(a->ai_family, a->ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC, a->ai_protocol);
    if (fd < 0) {
      error = errno;
      continue;
    }
    // SO_REUSEADDR allows a quick restart but still refuses a live listener
    // (SO_REUSEPORT, which httplib sets by default, would not).
    int yes = 1, no = 0;
    ::setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof yes);
    if (a->ai_family == AF_INET6) ::setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &no, sizeof no);
    if (::bind(fd, a->ai_addr, a->ai_addrlen) == 0 && ::listen(fd, SOMAXCONN) == 0) {
      listen_fd_ = fd;
      break;
    }
    error = errno;
    ::close(fd);
  }
  ::freeaddrinfo(found);
  if (listen_fd_ < 0)
    return Error<Err::ServiceError>("cannot listen on " + where + ": " + (error != 0 ? std::strerror(error) : "cannot bind"));
  sockaddr_storage bound{};
  socklen_t length = sizeof bound;
  std::string ip;
  *port = -1;
  if (::getsockname(listen_fd_, reinterpret_cast<sockaddr*>(&bound), &length) == 0) AddressOf(bound, length, &ip, port);
  if (*port <= 0) return Error<Err::ServiceError>("cannot listen on " + where + ": no port");
  return OkStatus();
}

Status HttpServer::Impl::Start(int* port, int* max_connections) {
  // The cap must fit the open-file limit: each connection is a descriptor.
  rlimit limit{};
  long fit = std::numeric_limits<int>::max();
  if (::getrlimit(RLIMIT_NOFILE, &limit) == 0 && limit.rlim_cur != RLIM_INFINITY) {
    long soft = static_cast<long>(limit.rlim_cur);
    fit = soft > 2 * kReservedDescriptors ? soft - kReservedDescriptors : soft / 2;
  }
  max_connections_ = static_cast<int>(std::max<long>(1, std::min<long>(options_.max_connections, fit)));
  *max_connections = max_connections_;

  if (Status status = Listen(port); !status.ok()) return status;
  epoll_fd_ = ::epoll_create1(EPOLL_CLOEXEC);
  wake_fd_ = ::eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
  spare_fd_ = ::open("/dev/null", O_RDONLY | O_CLOEXEC);
  if (epoll_fd_ < 0 || wake_fd_ < 0)
    return Error<Err::ServiceError>(std::string("cannot start the HTTP server: ") + std::strerror(errno));
  epoll_event listen_event{};
  listen_event.events = EPOLLIN;
  listen_event.data.ptr = &listen_tag_;
  epoll_event wake_event{};
  wake_event.events = EPOLLIN;
  wake_event.data.ptr = &wake_tag_;
  if (::epoll_ctl(epoll_fd_, EPOLL_CTL_ADD, listen_fd_, &listen_event) != 0 ||
      ::epoll_ctl(epoll_fd_, EPOLL_CTL_ADD, wake_fd_, &wake_event) != 0)
    return Error<Err::ServiceError>(std::string("cannot start the HTTP server: ") + std::strerror(errno));

  const int threads = std::max(1, options_.threads);
  for (int i = 0; i < threads; ++i) workers_.emplace_back([this] { WorkerLoop(); });
  event_thread_ = std::thread([this] { Run(); });
  return OkStatus();
}

void HttpServer::Impl::Stop() {
  if (event_thread_.joinable()) {
    stopping_ = true;
    uint64_t one = 1;
    [[maybe_unused]] ssize_t n = ::write(wake_fd_, &one, sizeof one);
    event_thread_.join();
  }
  {
    std::lock_guard<std::mutex> lock(jobs_mutex_);
    jobs_closed_ = true;
  }
  jobs_cv_.notify_all();
  for (auto& worker : workers_) worker.join();
  workers_.clear();
  // Whatever the event thread did not get to (it closes everything before it ends).
  for (Connection* c : connections_) {
    ::close(c->fd);
    delete c;
  }
  connections_.clear();
  for (Connection* c : graveyard_) delete c;
  graveyard_.clear();
}

// ----------------------------------------------------------------------------
// The event thread.

void HttpServer::Impl::Run() {
  std::vector<epoll_event> events(256);
  for (;;) {
    TimePoint now = Clock::now();
    if (stopping_ && !stop_begun_) BeginStop(now);
    if (stop_begun_) {
      if (connections_.empty()) break;
      if (!busy_shut_down_ && now >= stop_deadline_) {
        // Past the grace period: answers not written yet are abandoned, and
        // requests still running have their sockets cut, so that whatever
        // they wait on fails and they come back.
        busy_shut_down_ = true;
        std::vector<Connection*> all = connections_;
        for (Connection* c : all) {
          if (c->busy) {
            ::shutdown(c->fd, SHUT_RDWR);
          } else {
            Close(c);
          }
        }
      }
    }
    if (accept_paused_ && now >= accept_paused_until_ && listen_fd_ >= 0) {
      accept_paused_ = false;
      epoll_event listen_event{};
      listen_event.events = EPOLLIN;
      listen_event.data.ptr = &listen_tag_;
      ::epoll_ctl(epoll_fd_, EPOLL_CTL_MOD, listen_fd_, &listen_event);
    }
    Expire(now);
    SubmitJobs();
    for (Connection* c : graveyard_) delete c;
    graveyard_.clear();

    int timeout = NextTimeoutMs(now);
    // A connection a worker hands back quietly (see HandBack) waits for its
    // next event, or this long.
    if (busy_ > 0 && (timeout < 0 || timeout > kQuietHandBackMs)) timeout = kQuietHandBackMs;
    {
      std::lock_guard<std::mutex> lock(done_mutex_);
      if (done_urgent_) {
        timeout = 0;
      } else {
        loop_sleeping_ = true;
      }
    }
    int n = ::epoll_wait(epoll_fd_, events.data(), static_cast<int>(events.size()), timeout);
    {
      std::lock_guard<std::mutex> lock(done_mutex_);
      loop_sleeping_ = false;
    }
    now = Clock::now();
    // First the connections workers handed back, so that their events below
    // (the next request, often) find them here.
    TakeCompletions(now);
    for (int i = 0; i < n; ++i) {
      void* tag = events[static_cast<size_t>(i)].data.ptr;
      if (tag == &listen_tag_) {
        AcceptAll(now);
      } else if (tag == &wake_tag_) {
        uint64_t count;
        [[maybe_unused]] ssize_t r = ::read(wake_fd_, &count, sizeof count);
      } else {
        OnEvent(static_cast<Connection*>(tag), events[static_cast<size_t>(i)].events, now);
      }
    }
    TakeCompletions(now);
  }
  SubmitJobs();
  for (Connection* c : graveyard_) delete c;
  graveyard_.clear();
}

void HttpServer::Impl::AcceptAll(TimePoint now) {
  for (int i = 0; i < kAcceptsPerTurn && listen_fd_ >= 0; ++i) {
    sockaddr_storage peer{};
    socklen_t length = sizeof peer;
    int fd = ::accept4(listen_fd_, reinterpret_cast<sockaddr*>(&peer), &length, SOCK_NONBLOCK | SOCK_CLOEXEC);
    if (fd >= 0) {
      Admit(fd, peer, length, now);
      continue;
    }
    if (errno == EINTR || errno == ECONNABORTED) continue;
    if (errno == EAGAIN || errno == EWOULDBLOCK) return;
    if ((errno == EMFILE || errno == ENFILE) && EvictOne()) continue;
    if ((errno == EMFILE || errno == ENFILE) && spare_fd_ >= 0) {
      // Out of descriptors with nothing to close: free the spare one to
      // take the connection off the queue and refuse it.
      ::close(spare_fd_);
      spare_fd_ = -1;
      int refused = ::accept4(listen_fd_, nullptr, nullptr, SOCK_NONBLOCK | SOCK_CLOEXEC);
      if (refused >= 0) {
        std::string answer = RenderRefusal(503, "The server has too many open connections.");
        [[maybe_unused]] ssize_t w = ::send(refused, answer.data(), answer.size(), MSG_NOSIGNAL | MSG_DONTWAIT);
        ::close(refused);
      }
      spare_fd_ = ::open("/dev/null", O_RDONLY | O_CLOEXEC);
      if (refused >= 0 && spare_fd_ >= 0) continue;
    }
    // Out of memory or descriptors: stop accepting for a moment rather than
    // spin on a listening socket that stays readable.
    accept_paused_ = true;
    accept_paused_until_ = now + milliseconds(100);
    epoll_event listen_event{};
    listen_event.events = 0;
    listen_event.data.ptr = &listen_tag_;
    ::epoll_ctl(epoll_fd_, EPOLL_CTL_MOD, listen_fd_, &listen_event);
    return;
  }
}

void HttpServer::Impl::Admit(int fd, const sockaddr_storage& peer, socklen_t peer_length, TimePoint now) {
  bool refuse = false;
  if (static_cast<int>(connections_.size()) >= max_connections_ && !EvictOne()) {
    if (static_cast<int>(connections_.size()) >= max_connections_ + kRefusalOverflow) {
      std::string answer = RenderRefusal(503, "The server has too many open connections.");
      [[maybe_unused]] ssize_t w = ::send(fd, answer.data(), answer.size(), MSG_NOSIGNAL | MSG_DONTWAIT);
      ::close(fd);
      return;
    }
    refuse = true;
  }
  int yes = 1;
  ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &yes, sizeof yes);
  auto* c = new Connection(fd);
  AddressOf(peer, peer_length, &c->remote_ip, &c->remote_port);
  sockaddr_storage local{};
  socklen_t local_length = sizeof local;
  if (::getsockname(fd, reinterpret_cast<sockaddr*>(&local), &local_length) == 0)
    AddressOf(local, local_length, &c->local_ip, &c->local_port);
  // Edge-triggered: the connection is registered once, for good; an edge
  // that comes while a worker holds it is remembered in pending_in.
  epoll_event event{};
  event.events = EPOLLIN | EPOLLOUT | EPOLLRDHUP | EPOLLET;
  event.data.ptr = c;
  if (::epoll_ctl(epoll_fd_, EPOLL_CTL_ADD, fd, &event) != 0) {
    ::close(fd);
    delete c;
    return;
  }
  c->index = connections_.size();
  connections_.push_back(c);
  if (refuse) {
    Refuse(c, 503, "The server has too many open connections.", now);
    return;
  }
  Drive(c, now);
}

// Makes room at the connection cap: closes a lingering connection, else the
// longest-idle one. False when every connection is busy.
bool HttpServer::Impl::EvictOne() {
  for (WaitList list : {WaitList::kLinger, WaitList::kIdle}) {
    if (Connection* c = lists_[static_cast<size_t>(list)].head) {
      Close(c);
      return true;
    }
  }
  return false;
}

void HttpServer::Impl::OnEvent(Connection* c, uint32_t events, TimePoint now) {
  if (c->closed) return;
  if (events & (EPOLLIN | EPOLLRDHUP | EPOLLHUP | EPOLLERR)) c->pending_in = true;
  if (events & (EPOLLRDHUP | EPOLLHUP | EPOLLERR)) c->hangup = true;
  if (c->busy) {
    // Tells the worker, if it has not handed the connection back yet, to
    // wake this thread when it does.
    std::lock_guard<std::mutex> lock(done_mutex_);
    c->event_while_busy = true;
    return;
  }
  Drive(c, now);
}

// Moves a connection the event thread holds as far as it can go without
// waiting: writes pending answer bytes, reads, and hands a complete request
// to a worker.
void HttpServer::Impl::Drive(Connection* c, TimePoint now) {
  if (c->lingering) {
    Drain(c);
    return;
  }
  if (c->delayed) return;
  if (c->failed) {
    Close(c);
    return;
  }
  if (!c->out.empty()) {
    const size_t before = c->out.size();
    if (!Flush(*c)) {
      Close(c);
      return;
    }
    if (!c->out.empty()) {
      if (c->wait != WaitList::kWrite || c->out.size() != before) Wait(c, WaitList::kWrite, now);
      return;
    }
  }
  if (c->close_after_write) {
    Finish(c, now);
    return;
  }

  for (;;) {
    if (c->scan.state == RequestScan::State::kHead && c->scan.pos == 0 && !c->in.empty())
      c->in.Consume(LeadingEmptyLines(c->in.view()));
    if (!c->in.empty()) ScanRequest(c->in.view(), limits_, c->scan);
    if (c->scan.state == RequestScan::State::kComplete) {
      SetPending(c, 0);
      Dispatch(c);
      return;
    }
    if (c->scan.state == RequestScan::State::kRefused) {
      Refuse(c, c->scan.status, c->scan.reason, now);
      return;
    }
    if (!c->pending_in || c->peer_closed) break;
    SetPending(c, c->in.size());
    if (pending_bytes_ > max_pending_bytes_) {
      Refuse(c, 503, "The server holds too many incomplete requests.", now);
      return;
    }
    // A first read of 4 KiB holds most requests whole; an idle connection
    // keeps no more than that.
    size_t want = c->in.empty() ? kFirstReadChunk : kReadChunk;
    if (c->scan.state == RequestScan::State::kBody)
      want = static_cast<size_t>(
          std::clamp<uint64_t>(c->scan.total_bytes() - c->in.size(), kReadChunk, kMaxBodyReadChunk));
    const bool was_empty = c->in.empty();
    ssize_t n = ::recv(c->fd, c->in.Reserve(want), want, 0);
    if (n > 0) {
      c->in.Commit(static_cast<size_t>(n));
      if (was_empty) c->request_started = now;
      // A short read emptied the socket: the next bytes bring a new edge.
      // Not so the end of the stream if it came with these bytes: once epoll
      // has reported it, reading goes on until recv says so.
      if (static_cast<size_t>(n) < want && !c->hangup) c->pending_in = false;
    } else if (n == 0) {
      c->peer_closed = true;
      c->pending_in = false;
    } else if (errno == EAGAIN || errno == EWOULDBLOCK) {
      c->pending_in = false;
    } else if (errno != EINTR) {
      Close(c);
      return;
    }
  }

  // No complete request.
  if (c->in.empty()) {
    SetPending(c, 0);
    if (c->peer_closed) {
      Close(c);
      return;
    }
    if (c->wait != WaitList::kIdle) {
      c->in.Trim(kReadChunk);
      c->out.Trim(kReadChunk);
      Wait(c, WaitList::kIdle, now);
    }
    return;
  }
  SetPending(c, c->in.size());
  if (c->peer_closed) {
    // The client stopped sending in the middle of a request.
    if (c->scan.state == RequestScan::State::kBody) {
      Refuse(c, 400, "The request body ended before its Content-Length.", now);
    } else {
      Close(c);
    }
    return;
  }
  if (c->scan.state == RequestScan::State::kBody && c->scan.expect_continue && !c->continue_sent) {
    c->continue_sent = true;
    c->out.Append("HTTP/1.1 100 Continue\r\n\r\n");
    Drive(c, now);
    return;
  }
  if (c->wait != WaitList::kRequest) Wait(c, WaitList::kRequest, c->request_started);
}

// Answers with a refusal and closes the connection once it is written.
void HttpServer::Impl::Refuse(Connection* c, int status, const std::string& reason, TimePoint now) {
  SetPending(c, 0);
  c->in.Clear();
  c->scan = RequestScan{};
  c->out.Append(RenderRefusal(status, reason));
  c->close_after_write = true;
  c->linger = true;
  Drive(c, now);
}

// The last answer byte is written: close, or linger.
void HttpServer::Impl::Finish(Connection* c, TimePoint now) {
  if (!c->linger) {
    Close(c);
    return;
  }
  ::shutdown(c->fd, SHUT_WR);
  c->lingering = true;
  SetPending(c, 0);
  c->in.Clear();
  c->in.Trim(0);
  c->out.Trim(0);
  Wait(c, WaitList::kLinger, now);
  Drain(c);
}

// Reads and drops what a lingering connection sends; closes it at its end
// (or at the end of its linger time, for a client that sends without end).
void HttpServer::Impl::Drain(Connection* c) {
  for (int reads = 1;; ++reads) {
    ssize_t n = ::recv(c->fd, drain_buffer_, sizeof drain_buffer_, 0);
    if (n > 0) {
      if (reads % 64 == 0 && Clock::now() >= c->since + kLingerTime) break;
      continue;
    }
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) return;
    break;
  }
  Close(c);
}

void HttpServer::Impl::Close(Connection* c) {
  if (c->closed) return;
  Unwait(c);
  if (c->delayed) {
    delays_.erase(c->delay_entry);
    c->delayed = false;
  }
  SetPending(c, 0);
  // Removed from epoll first: a copy of the descriptor in a child between
  // fork and exec would keep it registered, and its events would name a
  // freed connection.
  ::epoll_ctl(epoll_fd_, EPOLL_CTL_DEL, c->fd, nullptr);
  ::close(c->fd);
  c->closed = true;
  Connection* last = connections_.back();
  last->index = c->index;
  connections_[c->index] = last;
  connections_.pop_back();
  graveyard_.push_back(c);
}

std::chrono::nanoseconds HttpServer::Impl::TimeoutOf(WaitList list) const {
  switch (list) {
    case WaitList::kIdle: return seconds(std::max(0, options_.keep_alive_timeout_seconds));
    case WaitList::kRequest: return seconds(std::max(0, options_.request_timeout_seconds));
    case WaitList::kWrite: return seconds(std::max(0, options_.write_timeout_seconds));
    default: return kLingerTime;
  }
}

void HttpServer::Impl::Wait(Connection* c, WaitList list, TimePoint since) {
  Unwait(c);
  List& l = lists_[static_cast<size_t>(list)];
  c->wait = list;
  c->since = since;
  // Kept in order of `since`; nearly always the newest, so from the tail.
  Connection* after = l.tail;
  while (after != nullptr && after->since > since) after = after->prev;
  c->prev = after;
  c->next = after != nullptr ? after->next : l.head;
  if (c->next != nullptr) {
    c->next->prev = c;
  } else {
    l.tail = c;
  }
  if (after != nullptr) {
    after->next = c;
  } else {
    l.head = c;
  }
}

void HttpServer::Impl::Unwait(Connection* c) {
  if (c->wait == WaitList::kNone) return;
  List& l = lists_[static_cast<size_t>(c->wait)];
  if (c->prev != nullptr) {
    c->prev->next = c->next;
  } else {
    l.head = c->next;
  }
  if (c->next != nullptr) {
    c->next->prev = c->prev;
  } else {
    l.tail = c->prev;
  }
  c->prev = c->next = nullptr;
  c->wait = WaitList::kNone;
}

void HttpServer::Impl::Expire(TimePoint now) {
  for (size_t i = 0; i < static_cast<size_t>(WaitList::kCount); ++i) {
    const auto list = static_cast<WaitList>(i);
    const auto timeout = TimeoutOf(list);
    while (Connection* c = lists_[i].head) {
      if (c->since + timeout > now) break;
      if (list == WaitList::kRequest) {
        Refuse(c, 408, "", now);
      } else {
        Close(c);
      }
    }
  }
  while (!delays_.empty() && delays_.begin()->first <= now) {
    Connection* c = delays_.begin()->second;
    delays_.erase(delays_.begin());
    c->delayed = false;
    Drive(c, now);
  }
}

int HttpServer::Impl::NextTimeoutMs(TimePoint now) const {
  TimePoint next = TimePoint::max();
  for (size_t i = 0; i < static_cast<size_t>(WaitList::kCount); ++i)
    if (const Connection* c = lists_[i].head) next = std::min(next, c->since + TimeoutOf(static_cast<WaitList>(i)));
  if (!delays_.empty()) next = std::min(next, delays_.begin()->first);
  if (stop_begun_ && !busy_shut_down_) next = std::min(next, stop_deadline_);
  if (accept_paused_) next = std::min(next, accept_paused_until_);
  if (next == TimePoint::max()) return -1;
  if (next <= now) return 0;
  return static_cast<int>(std::min<int64_t>(std::chrono::ceil<milliseconds>(next - now).count(), 60000));
}

void HttpServer::Impl::SetPending(Connection* c, size_t bytes) {
  pending_bytes_ = pending_bytes_ - c->pending_bytes + bytes;
  c->pending_bytes = bytes;
}

void HttpServer::Impl::Dispatch(Connection* c) {
  Unwait(c);
  c->busy = true;
  ++busy_;
  ready_.push_back(c);
}

void HttpServer::Impl::SubmitJobs() {
  if (ready_.empty()) return;
  {
    std::lock_guard<std::mutex> lock(jobs_mutex_);
    jobs_.insert(jobs_.end(), ready_.begin(), ready_.end());
  }
  // As many workers as there are requests, not all of them.
  const size_t wake = std::min(ready_.size(), workers_.size());
  for (size_t i = 0; i < wake; ++i) jobs_cv_.notify_one();
  ready_.clear();
}

void HttpServer::Impl::TakeCompletions(TimePoint now) {
  std::vector<Connection*> done;
  {
    std::lock_guard<std::mutex> lock(done_mutex_);
    if (done_.empty()) return;
    done.swap(done_);
    done_urgent_ = false;
  }
  for (Connection* c : done) {
    c->busy = false;
    --busy_;
    if (stop_begun_) {
      StopConnection(c, now);
      continue;
    }
    if (c->failed) {
      Close(c);
      continue;
    }
    if (c->delay_ms > 0) {
      c->delayed = true;
      c->delay_entry = delays_.emplace(now + milliseconds(c->delay_ms), c);
      c->delay_ms = 0;
      continue;
    }
    if (c->read_socket) {
      c->read_socket = false;
      c->pending_in = true;
    }
    if (!c->in.empty()) c->request_started = now;
    Drive(c, now);
  }
  // Give the vector's memory back for the next turn.
  std::lock_guard<std::mutex> lock(done_mutex_);
  if (done_.empty()) {
    done.clear();
    done_.swap(done);
  }
}

void HttpServer::Impl::BeginStop(TimePoint now) {
  stop_begun_ = true;
  stop_deadline_ = now + kStopGrace;
  if (listen_fd_ >= 0) {
    ::epoll_ctl(epoll_fd_, EPOLL_CTL_DEL, listen_fd_, nullptr);
    ::close(listen_fd_);
    listen_fd_ = -1;
  }
  std::vector<Connection*> all = connections_;
  for (Connection* c : all)
    if (!c->busy) StopConnection(c, now);
}

// While stopping: an answer already made (being written, or held by a
// latency fault) is written out within the grace period, then the
// connection closes; requests still arriving are abandoned. Connections a
// worker holds come here when it hands them back.
void HttpServer::Impl::StopConnection(Connection* c, TimePoint now) {
  if (c->delayed) {
    delays_.erase(c->delay_entry);
    c->delayed = false;
  }
  if (c->lingering || c->failed || c->out.empty() || busy_shut_down_) {
    Close(c);
    return;
  }
  c->close_after_write = true;
  c->linger = false;
  Drive(c, now);
}

// ----------------------------------------------------------------------------
// Workers.

void HttpServer::Impl::WorkerLoop() {
  for (;;) {
    Connection* c = nullptr;
    {
      std::unique_lock<std::mutex> lock(jobs_mutex_);
      jobs_cv_.wait(lock, [this] { return !jobs_.empty() || jobs_closed_; });
      if (jobs_.empty()) return;
      c = jobs_.front();
      jobs_.pop_front();
    }
    Serve(*c);
  }
}

// Answers the complete request at the front of c.in, and the ones pipelined
// behind it that are complete too, then hands the connection back.
void HttpServer::Impl::Serve(Connection& c) {
  const auto request_timeout = seconds(std::max(0, options_.request_timeout_seconds));
  const int max_requests = std::max(1, options_.keep_alive_max_requests);
  for (int turn = 1;; ++turn) {
    const bool chunked = c.scan.chunked;
    const uint64_t limit = chunked ? c.scan.head_bytes + chunked_allowance_ : c.scan.total_bytes();
    ConnectionStream stream(c, limit, chunked, c.request_started + request_timeout);
    RequestOutcome outcome;
    tls_outcome = &outcome;
    const bool close = stopping_.load(std::memory_order_relaxed) || c.served + 1 >= max_requests || c.peer_closed;
    bool closed = false;
    // A Content-Length body is already here: "100 Continue" was written by
    // the event thread if the client waits for it, and must not be again.
    const bool ok = engine_.process_request(stream, close, closed, chunked ? no_setup_ : drop_expect_);
    tls_outcome = nullptr;
    ++c.served;
    // The request's bytes go, read or not (a bodiless GET with a body, an
    // error answered before the body was read), except for a chunked body:
    // it ends where httplib stopped reading.
    c.in.Consume(chunked ? stream.consumed() : static_cast<size_t>(std::min<uint64_t>(limit, c.in.size())));
    c.scan = RequestScan{};
    c.continue_sent = false;
    if (outcome.drop) {
      c.out.Truncate(c.out.size() - std::min(c.out.size(), stream.written()));
      c.close_after_write = true;
      c.linger = !c.in.empty();
    } else if (!ok || closed || close || outcome.body_unread) {
      c.close_after_write = true;
      c.linger = !c.in.empty() || outcome.body_unread || !ok;
    }
    if (c.failed) break;
    if (outcome.delay_ms > 0 && !outcome.drop) {
      c.delay_ms = outcome.delay_ms;
      break;
    }
    if (!Flush(c)) {
      c.failed = true;
      break;
    }
    if (!c.out.empty() || c.close_after_write) break;
    if (c.in.empty() || turn >= kRequestsPerTurn || stopping_.load(std::memory_order_relaxed)) break;
    // A pipelined request: answered here if it is all in the buffer.
    c.in.Consume(LeadingEmptyLines(c.in.view()));
    if (c.in.empty()) break;
    ScanRequest(c.in.view(), limits_, c.scan);
    if (c.scan.state != RequestScan::State::kComplete) break;
    c.request_started = Clock::now();
  }
  HandBack(&c);
}

void HttpServer::Impl::HandBack(Connection* c) {
  // The common case, an answer written whole on a connection kept alive with
  // nothing more buffered, needs nothing from the event thread until the
  // client's next bytes wake it anyway: it is handed back quietly, without
  // waking the event thread (one thread hop less per request). Anything
  // else (a close, bytes left to write or to read, a held answer) wakes it.
  const bool urgent = c->failed || c->close_after_write || c->delay_ms > 0 || !c->out.empty() ||
                      !c->in.empty() || c->read_socket || stopping_.load(std::memory_order_relaxed);
  bool wake = false;
  {
    std::lock_guard<std::mutex> lock(done_mutex_);
    done_.push_back(c);
    if (urgent || c->event_while_busy) {
      done_urgent_ = true;
      wake = loop_sleeping_;
      loop_sleeping_ = false;
    }
    c->event_while_busy = false;
  }
  if (wake) {
    uint64_t one = 1;
    [[maybe_unused]] ssize_t n = ::write(wake_fd_, &one, sizeof one);
  }
}

// ----------------------------------------------------------------------------

HttpServer::HttpServer(api::Router& router, HttpServerOptions options)
    : router_(router), options_(std::move(options)) {}

HttpServer::~HttpServer() { Stop(); }

std::string HttpServer::BaseUrl() const {
  std::string host = options_.host;
  if (host.find(':') != std::string::npos) host = "[" + host + "]";
  return "http://" + host + ":" + std::to_string(port_);
}

Status HttpServer::Start() {
  std::lock_guard<std::mutex> lock(lifecycle_mutex_);
  if (started_) return Error<Err::ServiceError>("The server was already started.");
  // A client that disconnects mid-response must not kill the process (every
  // send says MSG_NOSIGNAL; this covers code that does not).
  std::signal(SIGPIPE, SIG_IGN);
  auto impl = std::make_unique<Impl>(router_, options_);
  int port = 0, max_connections = 0;
  if (Status status = impl->Start(&port, &max_connections); !status.ok()) return status;
  impl_ = std::move(impl);
  port_ = port;
  max_connections_ = max_connections;
  started_ = true;
  return OkStatus();
}

void HttpServer::Stop() {
  std::lock_guard<std::mutex> lock(lifecycle_mutex_);
  if (!started_) return;
  started_ = false;
  impl_->Stop();
  impl_.reset();
}

}  // namespace pcsim::http
