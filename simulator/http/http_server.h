// HttpServer binds an api::Router to a TCP socket (docs/control-api.md, "The server").
// It is the only code that knows about the HTTP library: every request, on
// any method and path, becomes an api::Request; the router's Response is
// written back as is. Every refusal carries Partner Center's error body, and
// no exception escapes a handler (500 with the error body).
//
// Design: one event thread and a few workers.
//  - The event thread owns every connection's socket (epoll, non-blocking).
//    It accepts, reads into the connection's buffer until a request's head
//    is complete ("\r\n\r\n") and, for a Content-Length body, until the body
//    is too, checking the limits below as bytes arrive. Only a complete
//    request goes to a worker. An idle keep-alive connection or a client
//    that sends one byte a second costs a buffer, never a thread, so neither
//    can keep other clients waiting (httplib's own server gives each
//    connection a pool thread for as long as it is open: 64 idle
//    connections stop it).
//  - A worker runs httplib's request handling (parsing, our handlers,
//    writing the response) over a Stream on the buffered bytes; the
//    response goes into the connection's output buffer, which the worker
//    tries to write at once (non-blocking). What the socket does not take is
//    written by the event thread when it becomes writable, so a client that
//    stops reading holds no worker either. A worker answers the requests a
//    client pipelined behind the first itself, in order.
//  - A chunked body is read by httplib in the worker, from the socket, up to
//    the request's deadline.
//  - Webhooks: a WebhookSender thread POSTs the router's deliveries to the
//    registered receivers (webhook_sender.h), never a worker.
//  - Injected faults: an answer delayed by a `latency` fault is held by the
//    event thread until its timer fires (a worker never sleeps); `drop`
//    closes the connection without an answer.
// Timeouts are measured with the steady clock only.
#pragma once

#include <cstddef>
#include <memory>
#include <mutex>
#include <string>

#include "simulator/api/router.h"
#include "simulator/http/webhook_sender.h"
#include "simulator/model/status.h"

namespace pcsim::http {

struct HttpServerOptions {
  std::string host = "127.0.0.1";
  int port = 0;                        // 0: pick a free port
  // Worker threads: how many requests run at once. Requests are short and
  // the router runs one at a time under its lock, so a few workers keep the
  // cores busy; idle and slow connections take none.
  int threads = 8;
  size_t max_body_bytes = 1 << 20;     // a larger Content-Length or chunked body gets 413
  size_t max_header_bytes = 64 << 10;  // request line + headers; more gets 431
  int max_headers = 100;               // more header lines get 431
  size_t max_target_bytes = 8 << 10;   // a longer request target gets 414 (httplib's limit too)
  // A request whose head (and Content-Length body) is not complete this long
  // after its first byte gets 408 and its connection is closed; a chunked
  // body must be complete by then too.
  int request_timeout_seconds = 10;
  int write_timeout_seconds = 5;       // a client that takes no answer bytes this long is dropped
  int keep_alive_timeout_seconds = 5;  // an idle keep-alive connection is closed
  int keep_alive_max_requests = 1000;  // then a kept-alive connection is closed
  // Open connections. At the cap, a new connection closes the longest-idle
  // ones; with none idle it gets 503 (Retry-After: 1). Lowered at Start to
  // fit the process's open-file limit (RLIMIT_NOFILE) with room to spare.
  int max_connections = 4096;
  // Bytes held at once for requests still arriving (heads and bodies not
  // yet complete, over all connections); a request that would go beyond
  // gets 503. At least max_header_bytes + max_body_bytes.
  size_t max_pending_request_bytes = 64 << 20;
  // The webhook sender's timeouts and pauses between attempts (webhook_sender.h).
  WebhookSenderOptions webhooks;
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
  // The connection cap in force (options.max_connections, lowered to fit
  // the open-file limit); 0 before Start.
  int max_connections() const { return max_connections_; }
  // Stops accepting, lets in-flight requests finish (a bounded wait),
  // closes every connection and joins the threads. Idempotent; safe to
  // call before Start.
  void Stop();

 private:
  class Impl;

  api::Router& router_;
  HttpServerOptions options_;
  std::unique_ptr<Impl> impl_;
  std::unique_ptr<WebhookSender> webhooks_;  // while started
  std::mutex lifecycle_mutex_;
  bool started_ = false;
  int port_ = 0;
  int max_connections_ = 0;
};

}  // namespace pcsim::http
