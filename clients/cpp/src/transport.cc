#include "pcsim/client/transport.h"

#include <httplib.h>

#include <cctype>
#include <utility>

#include "simulator/api/http_types.h"
#include "simulator/api/router.h"

namespace pcsim::client {

std::optional<std::string> HttpResponse::Header(std::string_view name) const {
  for (const auto& [k, v] : headers)
    if (api::EqualsIgnoreCase(k, name)) return v;
  return std::nullopt;
}

std::string UrlEncode(std::string_view text) {
  static const char kHex[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(text.size());
  for (unsigned char c : text) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
      out.push_back(static_cast<char>(c));
    } else {
      out.push_back('%');
      out.push_back(kHex[c >> 4]);
      out.push_back(kHex[c & 0xF]);
    }
  }
  return out;
}

StatusOr<HttpResponse> InProcessTransport::Send(const HttpRequest& request) {
  api::Request r = api::MakeRequest(request.method, request.target, request.body, request.headers);
  api::Response answer = router_.Handle(r);
  if (answer.drop_connection)
    return Status(kTransportFailure, 0, request.method + " " + request.target + ": the connection was closed without an answer");
  if (answer.delay_ms >= read_timeout_.count())
    return Status(kTransportFailure, 0, request.method + " " + request.target + ": no answer within " +
                                            std::to_string(read_timeout_.count()) + " ms (timed out)");
  HttpResponse out;
  out.status = answer.status;
  out.headers = std::move(answer.headers);
  if (!out.Header("Content-Type")) out.headers.emplace_back("Content-Type", answer.content_type);
  out.body = std::move(answer.body);
  return out;
}

struct HttpTransport::Impl {
  explicit Impl(const std::string& base_url) : client(base_url) {}
  httplib::Client client;
};

HttpTransport::HttpTransport(std::string base_url, HttpTransportOptions options)
    : base_url_(std::move(base_url)), impl_(std::make_unique<Impl>(base_url_)) {
  impl_->client.set_connection_timeout(options.connect_timeout_seconds, 0);
  impl_->client.set_read_timeout(options.read_timeout_seconds, 0);
  impl_->client.set_write_timeout(options.write_timeout_seconds, 0);
  impl_->client.set_keep_alive(true);
}

HttpTransport::~HttpTransport() = default;

StatusOr<HttpResponse> HttpTransport::Send(const HttpRequest& request) {
  if (!impl_->client.is_valid())
    return Status(kTransportFailure, 0, "not a usable base URL: " + base_url_);
  httplib::Request req;
  req.method = request.method;
  req.path = request.target;
  std::string content_type;
  for (const auto& [k, v] : request.headers) {
    if (api::EqualsIgnoreCase(k, "Content-Type")) content_type = v;
    req.headers.emplace(k, v);
  }
  if (!request.body.empty()) {
    req.body = request.body;
    if (content_type.empty()) req.headers.emplace("Content-Type", "application/json");
  } else if (request.method == "POST" || request.method == "PATCH" || request.method == "PUT") {
    req.headers.emplace("Content-Length", "0");
  }
  httplib::Result result = impl_->client.send(req);
  if (!result)
    return Status(kTransportFailure, 0,
                  request.method + " " + base_url_ + request.target + ": " + httplib::to_string(result.error()));
  HttpResponse out;
  out.status = result->status;
  for (const auto& [k, v] : result->headers) out.headers.emplace_back(k, v);
  out.body = std::move(result->body);
  return out;
}

}  // namespace pcsim::client
