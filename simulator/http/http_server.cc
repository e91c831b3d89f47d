#include "simulator/http/http_server.h"

#include <httplib.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <csignal>
#include <cstring>
#include <exception>
#include <filesystem>
#include <thread>
#include <utility>

namespace pcsim::http {
namespace {

// Matches every path, newlines included ('.' would not).
constexpr const char* kAnyPath = R"([\s\S]*)";

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
// request reaches the router (partner-center-api.md section 1.6).
Status TransportError(int http_status, const std::string& detail = "") {
  switch (http_status) {
    case 400:
      return Status(400, 900126, detail.empty() ? "The request is malformed." : detail);
    case 404:
      return Status(404, 1000, detail.empty() ? "No route matches the request." : detail);
    case 405:
      return Status(405, 405, "The method is not allowed.");
    case 413:
      return Status(413, 800002, detail.empty() ? "The request body is too large." : detail);
    case 414:
      return Status(414, 800002, "The request URI is too long.");
    case 416:
      return Status(416, 400, "The requested range is not satisfiable.");
    case 417:
      return Status(417, 400, "The expectation given in the Expect header cannot be met.");
    default:
      return Status(http_status >= 400 && http_status < 600 ? http_status : 500, 800003,
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

// The port of a socket address (IPv4 or IPv6), or -1.
int PortOf(const sockaddr_storage& a) {
  if (a.ss_family == AF_INET) return ntohs(reinterpret_cast<const sockaddr_in&>(a).sin_port);
  if (a.ss_family == AF_INET6) return ntohs(reinterpret_cast<const sockaddr_in6&>(a).sin6_port);
  return -1;
}

// Cuts the connection a request came on (a "drop" fault): finds the
// connected socket with the request's local and remote ports and shuts it
// down, so that the client reads end-of-stream without any answer. httplib
// does not hand the socket to handlers; this is the fault path only.
bool CutConnection(const httplib::Request& req) {
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator("/proc/self/fd", ec)) {
    int fd = -1;
    try {
      fd = std::stoi(entry.path().filename().string());
    } catch (...) {
      continue;
    }
    sockaddr_storage local{}, peer{};
    socklen_t local_len = sizeof local, peer_len = sizeof peer;
    if (::getsockname(fd, reinterpret_cast<sockaddr*>(&local), &local_len) != 0) continue;
    if (::getpeername(fd, reinterpret_cast<sockaddr*>(&peer), &peer_len) != 0) continue;
    if (PortOf(local) != req.local_port || PortOf(peer) != req.remote_port) continue;
    ::shutdown(fd, SHUT_RDWR);
    return true;
  }
  return false;
}

}  // namespace

HttpServer::HttpServer(api::Router& router, HttpServerOptions options)
    : router_(router), options_(std::move(options)) {}

HttpServer::~HttpServer() { Stop(); }

std::string HttpServer::BaseUrl() const {
  std::string host = options_.host;
  if (host.find(':') != std::string::npos) host = "[" + host + "]";
  return "http://" + host + ":" + std::to_string(port_);
}

void HttpServer::Install() {
  httplib::Server& server = *server_;
  const size_t threads = options_.threads > 0 ? static_cast<size_t>(options_.threads) : 1;
  server.new_task_queue = [threads] { return new httplib::ThreadPool(threads); };
  server.set_read_timeout(options_.read_timeout_seconds, 0);
  server.set_write_timeout(options_.write_timeout_seconds, 0);
  server.set_keep_alive_timeout(options_.keep_alive_timeout_seconds);
  server.set_keep_alive_max_count(static_cast<size_t>(std::max(1, options_.keep_alive_max_requests)));
  server.set_payload_max_length(options_.max_body_bytes);
  server.set_tcp_nodelay(true);
  // httplib's default also sets SO_REUSEPORT, which would let a second server
  // bind a port that is already taken; SO_REUSEADDR alone allows a quick
  // restart but still refuses a live listener.
  server.set_socket_options([this](auto sock) {
    int yes = 1;
    ::setsockopt(sock, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof(yes));
    listen_socket_ = static_cast<int>(sock);
  });

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
      // Injected faults (/_sim/faults) the transport carries out: a wait in
      // real time before the answer (so that client timeouts can be
      // tested), and a connection cut without an answer.
      if (response.delay_ms > 0) std::this_thread::sleep_for(std::chrono::milliseconds(response.delay_ms));
      if (response.drop_connection) {
        if (!CutConnection(req)) {
          // Fallback: the status line goes out, then the connection closes
          // before the promised body.
          res.status = 200;
          res.set_content_provider(
              1, "application/json", [](size_t, size_t, httplib::DataSink&) { return false; });
        }
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
  // same limit as one with a Content-Length (httplib itself refuses an
  // oversized Content-Length, skipping the body, and sets 413).
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
      // The rest of an oversized chunked body is read and dropped so the
      // connection stays in step, up to a bound on the work a client can cause.
      const size_t discard_limit = std::max<size_t>(max_body, 1 << 20) * 16;
      size_t discarded = 0;
      bool read = reader([&](const char* data, size_t length) {
        if (!over_limit && body.size() + length <= max_body) {
          body.append(data, length);
          return true;
        }
        over_limit = true;
        body.clear();
        discarded += length;
        return discarded <= discard_limit;
      });
      if (over_limit || res.status == 413) {
        WriteError(too_large(), res);
        return;
      }
      if (!read) {
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

  // Errors httplib produces itself (oversized Content-Length, malformed
  // request line, unsupported method) still get Partner Center's body.
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

Status HttpServer::Start() {
  std::lock_guard<std::mutex> lock(lifecycle_mutex_);
  if (started_) return Status(500, 800003, "The server was already started.");
  // A client that disconnects mid-response must not kill the process.
  std::signal(SIGPIPE, SIG_IGN);
  server_ = std::make_unique<httplib::Server>();
  Install();
  int port = 0;
  errno = 0;
  if (options_.port == 0) {
    port = server_->bind_to_any_port(options_.host);
  } else if (server_->bind_to_port(options_.host, options_.port)) {
    port = options_.port;
  } else {
    port = -1;
  }
  if (port <= 0) {
    int error = errno;
    server_.reset();
    std::string reason = error != 0 ? std::strerror(error) : "cannot bind";
    return Status(500, 800003,
                  "cannot listen on " + options_.host + ":" + std::to_string(options_.port) + ": " + reason);
  }
  // httplib listens with a backlog of 5: with more clients connecting at
  // once than that, the kernel drops or resets connections before they are
  // accepted. Listening again on the bound socket raises the backlog.
  if (listen_socket_ >= 0) ::listen(listen_socket_, SOMAXCONN);
  port_ = port;
  listener_done_ = false;
  listener_ = std::thread([this] {
    server_->listen_after_bind();
    listener_done_ = true;
  });
  // listen_after_bind marks the server running before its first accept();
  // Stop() relies on that, so wait for it (microseconds).
  while (!server_->is_running() && !listener_done_) std::this_thread::sleep_for(std::chrono::microseconds(200));
  started_ = true;
  if (listener_done_) {
    listener_.join();
    server_.reset();
    started_ = false;
    port_ = 0;
    return Status(500, 800003, "the server stopped while starting on " + options_.host);
  }
  return OkStatus();
}

void HttpServer::Stop() {
  std::lock_guard<std::mutex> lock(lifecycle_mutex_);
  if (!started_) return;
  started_ = false;
  server_->stop();
  if (listener_.joinable()) listener_.join();
  server_.reset();
}

}  // namespace pcsim::http
