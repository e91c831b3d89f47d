// HttpServer binds an api::Router to a TCP socket (control-api.md, "Server").
// It is the only code that knows about the HTTP library: every request, on
// any method and path, becomes an api::Request; the router's Response is
// written back as is. Request bodies above the limit get 413 with Partner
// Center's error body, slow clients are cut off by read/write timeouts, and
// no exception escapes a handler (500 with the error body).
#pragma once

#include <atomic>
#include <cstddef>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "simulator/api/router.h"
#include "simulator/model/status.h"

namespace httplib {
class Server;
}

namespace pcsim::http {

struct HttpServerOptions {
  std::string host = "127.0.0.1";
  int port = 0;                       // 0: pick a free port
  // Worker threads; each serves one connection at a time, for as long as it
  // is kept alive, so this is also how many clients are served at once.
  int threads = 64;
  size_t max_body_bytes = 1 << 20;    // larger request bodies get 413
  int read_timeout_seconds = 5;       // a client that stalls while sending is dropped
  int write_timeout_seconds = 5;      // a client that stops reading is dropped
  int keep_alive_timeout_seconds = 5; // an idle keep-alive connection is closed
  int keep_alive_max_requests = 1000; // then a kept-alive connection is closed (a new one queues fairly)
};

class HttpServer {
 public:
  // `router` must outlive the server.
  HttpServer(api::Router& router, HttpServerOptions options = {});
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;
  ~HttpServer();  // Stop()

  // Binds and starts listening on a background thread; returns once the
  // server accepts connections. An error when the address cannot be bound
  // (port taken, bad host) or the server was already started.
  Status Start();
  // The bound port (the chosen one when options.port was 0); 0 before Start.
  int port() const { return port_; }
  // "http://HOST:PORT".
  std::string BaseUrl() const;
  // Stops accepting, finishes in-flight requests, joins the threads.
  // Idempotent; safe to call before Start.
  void Stop();

 private:
  void Install();

  api::Router& router_;
  HttpServerOptions options_;
  std::unique_ptr<httplib::Server> server_;
  std::thread listener_;
  std::mutex lifecycle_mutex_;
  std::atomic<bool> listener_done_{false};
  bool started_ = false;
  int port_ = 0;
};

}  // namespace pcsim::http
