#include "simulator/model/errors.h"
#include "simulator/api/control_guard.h"

#include <fcntl.h>
#include <sys/random.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstring>
#include <string>

namespace pcsim::api {
namespace {

// Request text quoted in a refusal is kept short.
std::string Quoted(std::string_view text) {
  constexpr size_t kMax = 100;
  if (text.size() <= kMax) return "\"" + std::string(text) + "\"";
  return "\"" + std::string(text.substr(0, kMax)) + "...\"";
}

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

bool IsDigits(std::string_view s) {
  return std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

bool IsAllowedHost(std::string_view host, const std::vector<std::string>& allowed_hosts) {
  return IsLoopbackHost(host) || std::find(allowed_hosts.begin(), allowed_hosts.end(), host) != allowed_hosts.end();
}

// An Origin is "scheme://host[:port]"; only http and https pages of an
// allowed host are the same site as the developer's own tools.
bool IsAllowedOrigin(std::string_view origin, const std::vector<std::string>& allowed_hosts) {
  origin = Trim(origin);
  size_t sep = origin.find("://");
  if (sep == std::string_view::npos) return false;  // "null" (a sandboxed page, a file)
  std::string_view scheme = origin.substr(0, sep);
  if (!EqualsIgnoreCase(scheme, "http") && !EqualsIgnoreCase(scheme, "https")) return false;
  std::string_view authority = origin.substr(sep + 3);
  if (authority.find_first_of("/?#@") != std::string_view::npos) return false;
  auto host = HostOf(authority);
  return host && IsAllowedHost(*host, allowed_hosts);
}

// The media type of a Content-Type value, lowercase, without parameters.
std::string MediaType(std::string_view content_type) {
  return ToLower(Trim(content_type.substr(0, content_type.find(';'))));
}

// GET /_sim/webhooks/certificate: the certificate a webhook receiver checks
// signatures with. It is public (Partner Center's is at a public URL), so a
// receiver needs no control token to fetch it.
bool IsWebhookCertificate(const Request& request, const std::vector<std::string>& segments) {
  return request.method == "GET" && segments.size() == 3 && EqualsIgnoreCase(segments[1], "webhooks") &&
         EqualsIgnoreCase(segments[2], "certificate");
}

bool IsScenarioRun(const std::vector<std::string>& segments) {
  return segments.size() == 3 && EqualsIgnoreCase(segments[1], "scenarios") && EqualsIgnoreCase(segments[2], "run");
}

bool IsBook(const std::vector<std::string>& segments) {
  return segments.size() == 2 && EqualsIgnoreCase(segments[1], "book");
}

Status CrossSite(std::string description) { return Error<Err::ControlForbidden>(std::move(description)); }

}  // namespace

std::optional<std::string> HostOf(std::string_view value) {
  value = Trim(value);
  std::string_view host, port;
  if (!value.empty() && value.front() == '[') {
    size_t close = value.find(']');
    if (close == std::string_view::npos || close < 3) return std::nullopt;
    host = value.substr(0, close + 1);
    for (char c : host.substr(1, host.size() - 2))
      if (!std::isxdigit(static_cast<unsigned char>(c)) && c != ':' && c != '.') return std::nullopt;
    std::string_view rest = value.substr(close + 1);
    if (!rest.empty()) {
      if (rest.front() != ':') return std::nullopt;
      port = rest.substr(1);
    }
  } else {
    size_t colon = value.find(':');
    host = value.substr(0, colon);
    if (colon != std::string_view::npos) port = value.substr(colon + 1);
    if (host.empty()) return std::nullopt;
    for (char c : host)
      if (!std::isalnum(static_cast<unsigned char>(c)) && c != '-' && c != '.' && c != '_') return std::nullopt;
  }
  if (port.size() > 5 || !IsDigits(port)) return std::nullopt;
  return ToLower(host);
}

bool IsLoopbackHost(std::string_view host) {
  if (host == "localhost" || host == "[::1]") return true;
  // 127.0.0.0/8, written as four decimal numbers.
  if (host.substr(0, 4) != "127.") return false;
  int parts = 0;
  size_t start = 0;
  while (start <= host.size()) {
    size_t dot = host.find('.', start);
    std::string_view part = host.substr(start, dot == std::string_view::npos ? std::string_view::npos : dot - start);
    if (part.empty() || part.size() > 3 || !IsDigits(part) || std::stoi(std::string(part)) > 255) return false;
    ++parts;
    if (dot == std::string_view::npos) break;
    start = dot + 1;
  }
  return parts == 4;
}

bool ConstantTimeEquals(std::string_view given, std::string_view expected) {
  // Every byte of `expected` is compared, whatever `given` holds; the
  // accumulator is volatile so that no early exit is compiled in.
  volatile unsigned char diff = given.size() == expected.size() ? 0 : 1;
  const size_t n = given.size();
  for (size_t i = 0; i < expected.size(); ++i) {
    const unsigned char g = n == 0 ? 0 : static_cast<unsigned char>(given[i % n]);
    diff = static_cast<unsigned char>(diff | (g ^ static_cast<unsigned char>(expected[i])));
  }
  return diff == 0;
}

Status CheckControlAccess(const Request& request, const std::vector<std::string>& segments,
                          std::string_view control_token, const std::vector<std::string>& allowed_hosts) {
  const auto host = request.Header("Host");
  const auto origin = request.Header("Origin");
  if (host || origin) {
    // Sent over HTTP: refuse what a web page of another site could send.
    if (host) {
      auto name = HostOf(*host);
      if (!name || !IsAllowedHost(*name, allowed_hosts))
        return CrossSite("The control API (/_sim/) answers only requests addressed to a loopback name (localhost, "
                         "127.0.0.1, [::1]) or to a name given with pcsim serve --allow-host; Host was " +
                         Quoted(*host) + ".");
    }
    if (origin && !IsAllowedOrigin(*origin, allowed_hosts))
      return CrossSite("The control API (/_sim/) refuses requests from web pages of other sites: Origin " +
                       Quoted(*origin) + " is not a loopback origin nor one of pcsim serve --allow-host.");
    const std::string& m = request.method;
    if ((m == "POST" || m == "PUT" || m == "PATCH" || m == "DELETE") && !request.body.empty()) {
      const std::string type = MediaType(request.Header("Content-Type").value_or(""));
      const bool yaml = IsScenarioRun(segments) &&
                        (type == "application/yaml" || type == "application/x-yaml" || type == "text/yaml");
      // A book (POST /_sim/book) may be sent as JSON Lines.
      const bool json_lines = IsBook(segments) && (type == "application/x-ndjson" || type == "application/jsonl");
      if (type != "application/json" && !yaml && !json_lines)
        return CrossSite(
            std::string("The control API (/_sim/) takes a request body only as application/json") +
            (IsScenarioRun(segments) ? " or YAML (application/yaml, application/x-yaml, text/yaml)" : "") +
            (IsBook(segments) ? " or JSON Lines (application/x-ndjson, application/jsonl)" : "") +
            " (any web page can make a browser send other types); Content-Type was " +
            (request.Header("Content-Type") ? Quoted(*request.Header("Content-Type")) : std::string("missing")) +
            ".");
    }
  }
  if (control_token.empty() || IsWebhookCertificate(request, segments)) return OkStatus();
  std::optional<std::string> given = request.Header(kControlTokenHeader);
  if (!given) {
    if (auto auth = request.Header("Authorization");
        auth && auth->size() > 7 && EqualsIgnoreCase(std::string_view(*auth).substr(0, 7), "Bearer "))
      given = std::string(Trim(std::string_view(*auth).substr(7)));
  }
  if (!given || given->empty())
    return Error<Err::ControlTokenMissing>(std::string(kControlTokenHeader));
  if (!ConstantTimeEquals(*given, control_token))
    return Error<Err::ControlTokenWrong>();
  return OkStatus();
}

StatusOr<std::string> GenerateControlToken() {
  unsigned char bytes[32];
  size_t have = 0;
  while (have < sizeof bytes) {
    ssize_t n = ::getrandom(bytes + have, sizeof bytes - have, 0);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    have += static_cast<size_t>(n);
  }
  if (have < sizeof bytes) {
    // Without getrandom (an old kernel): the same source through the device.
    int fd = ::open("/dev/urandom", O_RDONLY | O_CLOEXEC);
    if (fd < 0) return Error<Err::ServiceError>(std::string("no system random source: ") + std::strerror(errno));
    while (have < sizeof bytes) {
      ssize_t n = ::read(fd, bytes + have, sizeof bytes - have);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) break;
      have += static_cast<size_t>(n);
    }
    ::close(fd);
    if (have < sizeof bytes) return Error<Err::ServiceError>("the system random source gave too few bytes");
  }
  static const char kHex[] = "0123456789abcdef";
  std::string token = "pcsim-";
  for (unsigned char b : bytes) {
    token.push_back(kHex[b >> 4]);
    token.push_back(kHex[b & 0xF]);
  }
  return token;
}

}  // namespace pcsim::api
