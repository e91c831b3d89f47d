// How the typed client reaches a Partner Center: a Transport sends one HTTP
// request and returns the answer. Two implementations: InProcessTransport
// calls an api::Router directly (no sockets), HttpTransport speaks HTTP to any
// base URL (pcsim serve, or the real https://api.partnercenter.microsoft.com).
#pragma once

#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "pcsim/client/models.h"
#include "simulator/model/status.h"

namespace pcsim::api {
class Router;
}

namespace pcsim::client {

struct HttpRequest {
  std::string method;  // "GET", "POST", "PATCH", ...
  // Percent-encoded path and query ("/v1/customers?size=40"), or an absolute
  // URL ("http://127.0.0.1:8080/_blobs/...?sig=..."): the links a service
  // returns (a Location, a manifest's rootDirectory) can be sent as they are.
  std::string target;
  HeaderList headers;
  std::string body;
};

struct HttpResponse {
  int status = 0;
  HeaderList headers;
  std::string body;

  std::optional<std::string> Header(std::string_view name) const;
};

// A request that never got an HTTP answer (connection refused, reset,
// timeout) is a Status with this http_status and code 0.
inline constexpr int kTransportFailure = 599;
inline bool IsTransportFailure(const Status& s) { return s.http_status() == kTransportFailure; }

class Transport {
 public:
  virtual ~Transport() = default;
  virtual StatusOr<HttpResponse> Send(const HttpRequest& request) = 0;
};

// Calls `router` in this process. The router must outlive the transport.
// An absolute target is sent as its path and query (the origin is dropped:
// everything is this router).
// Injected faults (/_sim/faults) act as they would on a socket, without
// waiting: a dropped connection is a transport failure, and added latency at
// or above `read_timeout` is a transport failure (the request ran; its answer
// came too late), below it the answer comes at once.
class InProcessTransport final : public Transport {
 public:
  explicit InProcessTransport(api::Router& router, std::chrono::milliseconds read_timeout = std::chrono::seconds(30))
      : router_(router), read_timeout_(read_timeout) {}
  StatusOr<HttpResponse> Send(const HttpRequest& request) override;

 private:
  api::Router& router_;
  std::chrono::milliseconds read_timeout_;
};

struct HttpTransportOptions {
  int connect_timeout_seconds = 5;
  int read_timeout_seconds = 30;
  int write_timeout_seconds = 30;
};

// HTTP/1.1 with keep-alive to `base_url` ("http://127.0.0.1:8080",
// "https://api.partnercenter.microsoft.com" when the library was built with
// TLS). One connection; Send() may be called from one thread at a time. An
// absolute target of another origin (Microsoft Graph, the blob store of an
// export) goes over a connection of its own to that origin, with the same
// timeouts (a few origins are kept open).
class HttpTransport final : public Transport {
 public:
  explicit HttpTransport(std::string base_url, HttpTransportOptions options = {});
  ~HttpTransport() override;
  HttpTransport(const HttpTransport&) = delete;
  HttpTransport& operator=(const HttpTransport&) = delete;

  StatusOr<HttpResponse> Send(const HttpRequest& request) override;
  const std::string& base_url() const { return base_url_; }

 private:
  struct Impl;
  std::string base_url_;
  std::unique_ptr<Impl> impl_;
};

// Percent-encodes one path segment or query value (RFC 3986 unreserved kept).
std::string UrlEncode(std::string_view text);

// An absolute http(s) URL split into its origin ("https://host:port") and
// its path and query ("/a/b?c", "/" when it has none); nullopt for a target
// that is not an absolute http(s) URL.
struct UrlParts {
  std::string origin;
  std::string path_and_query;
};
std::optional<UrlParts> SplitAbsoluteUrl(std::string_view url);

}  // namespace pcsim::client
