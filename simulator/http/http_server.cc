// HttpServer: httplib's handlers, which carry each request to the router,
// binding the listening socket, starting and stopping the threads. The event
// thread is in event_loop.cc, the workers in workers.cc (http_server.h
// describes the design; http_server_impl.h declares HttpServer::Impl).
#include "simulator/http/http_server.h"

#include <httplib.h>

#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <csignal>
#include <cstring>
#include <exception>
#include <limits>
#include <mutex>
#include <string>
#include <thread>
#include <utility>

#include "simulator/http/connection.h"
#include "simulator/http/http_server_impl.h"
#include "simulator/http/wire.h"
#include "simulator/model/errors.h"

namespace pcsim::http {
namespace {

// Matches every path, newlines included ('.' would not).
constexpr const char* kAnyPath = R"([\s\S]*)";

Status TooLarge(size_t max_body) {
  return TransportError(413, "The request body is larger than " + std::to_string(max_body) + " bytes.");
}

// The one place a request crosses into the router.
void RouteRequest(api::Router& router, const httplib::Request& req, httplib::Response& res, std::string body) {
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
    api::Response response = router.Handle(request);
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
}

// A request on a method that may carry a body. Bodies are read here, not by
// httplib, so a chunked body is held to the same limit as one with a
// Content-Length (the event thread refuses an oversized Content-Length
// before the request gets here).
void RouteRequestWithBody(api::Router& router, size_t max_body, const httplib::Request& req,
                          httplib::Response& res, const httplib::ContentReader& reader) {
  try {
    // HTTP/1.1: no Content-Length and no chunked encoding means no body
    // (httplib would otherwise wait for the client to close).
    bool chunked = api::ToLower(req.get_header_value("Transfer-Encoding")).find("chunked") != std::string::npos;
    if (!chunked && !req.has_header("Content-Length")) {
      RouteRequest(router, req, res, std::string());
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
      WriteError(TooLarge(max_body), res);
      return;
    }
    if (!read) {
      if (tls_outcome) tls_outcome->body_unread = true;
      WriteError(TransportError(400, "The request body could not be read."), res);
      return;
    }
    res.status = -1;
    RouteRequest(router, req, res, std::move(body));
  } catch (...) {
    WriteError(TransportError(500), res);
  }
}

// Errors httplib produces itself (a method it does not know, a bad Range
// header, a malformed chunked body) still get Partner Center's body.
httplib::Server::HandlerResponse AnswerHttplibError(size_t max_body, httplib::Response& res) {
  if (!res.body.empty()) return httplib::Server::HandlerResponse::Unhandled;
  WriteError(res.status == 413 ? TooLarge(max_body) : TransportError(res.status), res);
  return httplib::Server::HandlerResponse::Handled;
}

// An exception that escaped a handler: 500 with Partner Center's body.
void AnswerException(httplib::Response& res, std::exception_ptr ep) {
  std::string what = "Unexpected service error.";
  try {
    if (ep) std::rethrow_exception(ep);
  } catch (const std::exception& e) {
    what = std::string("Unexpected service error: ") + e.what();
  } catch (...) {
  }
  res.headers.clear();
  WriteError(TransportError(500, what), res);
}

}  // namespace

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

// httplib's handlers: every request, on any method and path, goes to the
// router; every error httplib finds itself gets Partner Center's body.
void HttpServer::Impl::Install() {
  Engine& server = engine_;
  // Only the Keep-Alive header httplib writes reads these two.
  server.set_keep_alive_timeout(options_.keep_alive_timeout_seconds);
  server.set_keep_alive_max_count(static_cast<size_t>(std::max(1, options_.keep_alive_max_requests)));
  server.set_payload_max_length(options_.max_body_bytes);

  const size_t max_body = options_.max_body_bytes;
  auto without_body = [this](const httplib::Request& req, httplib::Response& res) {
    RouteRequest(router_, req, res, req.body);
  };
  auto with_body = [this, max_body](const httplib::Request& req, httplib::Response& res,
                                    const httplib::ContentReader& reader) {
    RouteRequestWithBody(router_, max_body, req, res, reader);
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

  server.set_error_handler(httplib::Server::HandlerWithResponse(
      [max_body](const httplib::Request&, httplib::Response& res) { return AnswerHttplibError(max_body, res); }));
  server.set_exception_handler([](const httplib::Request&, httplib::Response& res, std::exception_ptr ep) {
    AnswerException(res, ep);
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
  webhooks_ = std::make_unique<WebhookSender>(router_.webhook_dispatcher(), options_.webhooks);
  webhooks_->Start();
  port_ = port;
  max_connections_ = max_connections;
  started_ = true;
  return OkStatus();
}

void HttpServer::Stop() {
  std::lock_guard<std::mutex> lock(lifecycle_mutex_);
  if (!started_) return;
  started_ = false;
  webhooks_->Stop();
  webhooks_.reset();
  impl_->Stop();
  impl_.reset();
}

}  // namespace pcsim::http
