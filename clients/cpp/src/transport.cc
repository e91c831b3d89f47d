#include "pcsim/client/transport.h"

#include <httplib.h>

#include <cctype>
#include <map>
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

std::optional<UrlParts> SplitAbsoluteUrl(std::string_view url) {
  const size_t scheme_end = url.find("://");
  if (scheme_end == std::string_view::npos) return std::nullopt;
  std::string scheme(url.substr(0, scheme_end));
  for (char& c : scheme) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (scheme != "http" && scheme != "https") return std::nullopt;
  const size_t host_from = scheme_end + 3;
  const size_t path_from = url.find_first_of("/?", host_from);
  std::string host(url.substr(host_from, path_from == std::string_view::npos ? std::string_view::npos
                                                                             : path_from - host_from));
  if (host.empty()) return std::nullopt;
  for (char& c : host) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  UrlParts parts;
  parts.origin = scheme + "://" + host;
  parts.path_and_query = path_from == std::string_view::npos ? "/" : std::string(url.substr(path_from));
  if (parts.path_and_query[0] == '?') parts.path_and_query.insert(0, "/");
  return parts;
}

StatusOr<HttpResponse> InProcessTransport::Send(const HttpRequest& request) {
  const auto url = SplitAbsoluteUrl(request.target);
  const std::string& target = url ? url->path_and_query : request.target;
  api::Request r = api::MakeRequest(request.method, target, request.body, request.headers);
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

namespace {

// The most connections to other origins than the base URL's kept open.
constexpr size_t kMaxOtherOrigins = 8;

void Configure(httplib::Client& client, const HttpTransportOptions& options) {
  client.set_connection_timeout(options.connect_timeout_seconds, 0);
  client.set_read_timeout(options.read_timeout_seconds, 0);
  client.set_write_timeout(options.write_timeout_seconds, 0);
  client.set_keep_alive(true);
}

}  // namespace

struct HttpTransport::Impl {
  Impl(const std::string& base_url, const HttpTransportOptions& transport_options)
      : client(base_url), options(transport_options) {
    if (auto url = SplitAbsoluteUrl(base_url)) origin = url->origin;
    Configure(client, options);
  }

  // The connection to `other` (an origin that is not the base URL's).
  httplib::Client& Other(const std::string& other) {
    auto it = others.find(other);
    if (it != others.end()) return *it->second;
    if (others.size() >= kMaxOtherOrigins) others.clear();
    auto client_of_other = std::make_unique<httplib::Client>(other);
    Configure(*client_of_other, options);
    return *others.emplace(other, std::move(client_of_other)).first->second;
  }

  httplib::Client client;
  HttpTransportOptions options;
  std::string origin;  // the base URL's, lowercase
  std::map<std::string, std::unique_ptr<httplib::Client>> others;
};

HttpTransport::HttpTransport(std::string base_url, HttpTransportOptions options)
    : base_url_(std::move(base_url)), impl_(std::make_unique<Impl>(base_url_, options)) {}

HttpTransport::~HttpTransport() = default;

StatusOr<HttpResponse> HttpTransport::Send(const HttpRequest& request) {
  httplib::Client* client = &impl_->client;
  std::string where = base_url_;
  std::string path = request.target;
  if (auto url = SplitAbsoluteUrl(request.target)) {
    path = std::move(url->path_and_query);
    if (url->origin != impl_->origin) {
      client = &impl_->Other(url->origin);
      where = url->origin;
    }
  }
  if (!client->is_valid()) return Status(kTransportFailure, 0, "not a usable base URL: " + where);
  httplib::Request req;
  req.method = request.method;
  req.path = path;
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
  httplib::Result result = client->send(req);
  if (!result)
    return Status(kTransportFailure, 0, request.method + " " + where + path + ": " + httplib::to_string(result.error()));
  HttpResponse out;
  out.status = result->status;
  for (const auto& [k, v] : result->headers) out.headers.emplace_back(k, v);
  out.body = std::move(result->body);
  return out;
}

}  // namespace pcsim::client
