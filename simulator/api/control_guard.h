// Who may use the control plane (/_sim/): the holder of the server's control
// token, from a loopback name or an allowed one, and never a web page of
// another site. Checked by api::Router for every /_sim/ request it handles
// (a recorded command replayed from a state dir is not checked again).
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "simulator/api/http_types.h"
#include "simulator/model/status.h"

namespace pcsim::api {

// The header that carries the control token. `Authorization: Bearer TOKEN`
// is accepted too when this header is absent.
inline constexpr std::string_view kControlTokenHeader = "X-Pcsim-Control-Token";

// Whether `request` may use the control route at `segments` (the first is
// "_sim"), given the server's control token (empty: none is needed) and the
// host names accepted besides the loopback ones (RouterOptions). Cross-site requests are 403 (code 403): a Host that is neither a
// loopback name nor an allowed one, an Origin that is not such a host, or a
// body a browser could send from any page without asking (a POST, PUT, PATCH
// or DELETE whose Content-Type is not application/json; YAML is accepted by
// POST /_sim/scenarios/run). These apply to requests with a Host or Origin
// header, as every HTTP client sends; in-process requests have neither. Then
// the token: missing is 401 with code 800001, wrong is 401 with code 400 (as
// a missing or a foreign partner token on /v1). OK when allowed.
Status CheckControlAccess(const Request& request, const std::vector<std::string>& segments,
                          std::string_view control_token, const std::vector<std::string>& allowed_hosts);

// The host of a Host header value or of an Origin's authority, lowercase and
// without the port: "Example.com:8080" -> "example.com", "[::1]:80" -> "[::1]".
// nullopt when it is not a host name or address.
std::optional<std::string> HostOf(std::string_view host_and_port);
// localhost, an IPv4 address in 127.0.0.0/8, or [::1] (as HostOf returns them).
bool IsLoopbackHost(std::string_view host);

// Equality whose time depends only on the length of `expected`, not on where
// `given` first differs (nor on its length).
bool ConstantTimeEquals(std::string_view given, std::string_view expected);

// A fresh control token from the system's random source (getrandom), never
// from the sandbox's seeded one: "pcsim-" and 64 hex digits.
StatusOr<std::string> GenerateControlToken();

}  // namespace pcsim::api
