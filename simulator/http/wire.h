// Internal to HttpServer (simulator/http/), not part of pcsim's interface:
// what the transport writes on the wire itself. Partner Center's error body
// for the failures it detects, the router's Response written into httplib's,
// and the refusals the event thread writes without httplib.
#pragma once

#include <string>
#include <string_view>

#include "simulator/api/http_types.h"
#include "simulator/model/status.h"

namespace httplib {
struct Response;
}  // namespace httplib

namespace pcsim::http {

// Pseudo-headers httplib adds to each request; they never came from the client.
bool IsPseudoHeader(const std::string& name);

// Headers the transport computes itself; the router's values are ignored.
bool IsTransportHeader(std::string_view name);

// Partner Center's error body for failures the transport detects before a
// request reaches the router (Partner Center REST error codes).
Status TransportError(int http_status, const std::string& detail = "");

// The router's answer, as httplib writes it.
void WriteResponse(const api::Response& response, httplib::Response& res);
void WriteError(const Status& status, httplib::Response& res);

// The reason phrase of a status the event thread answers itself.
const char* ReasonPhrase(int status);

// A refusal the event thread writes itself (no request reached httplib):
// Partner Center's error body, and the connection closes after it.
std::string RenderRefusal(int status, const std::string& detail);

}  // namespace pcsim::http
