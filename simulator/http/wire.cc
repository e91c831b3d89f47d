#include "simulator/http/wire.h"

#include <httplib.h>

#include "simulator/api/router.h"
#include "simulator/model/errors.h"

namespace pcsim::http {

bool IsPseudoHeader(const std::string& name) {
  return name == "REMOTE_ADDR" || name == "REMOTE_PORT" || name == "LOCAL_ADDR" || name == "LOCAL_PORT";
}

bool IsTransportHeader(std::string_view name) {
  return api::EqualsIgnoreCase(name, "Content-Type") || api::EqualsIgnoreCase(name, "Content-Length") ||
         api::EqualsIgnoreCase(name, "Transfer-Encoding") || api::EqualsIgnoreCase(name, "Connection") ||
         api::EqualsIgnoreCase(name, "Keep-Alive");
}

Status TransportError(int http_status, const std::string& detail) {
  switch (http_status) {
    case 400:
      return Error<Err::BodyNotParsable>(detail.empty() ? "The request is malformed." : detail);
    case 404:
      return Error<Err::TransportNotFound>(detail.empty() ? "No route matches the request." : detail);
    case 405:
      return Error<Err::MethodNotAllowed>();
    case 408:
      return Error<Err::RequestTimeout>(detail.empty() ? "The request was not received in time." : detail);
    case 413:
      return Error<Err::BodyTooLarge>(detail.empty() ? "The request body is too large." : detail);
    case 414:
      return Error<Err::UriTooLong>();
    case 416:
      return Error<Err::RangeNotSatisfiable>();
    case 417:
      return Error<Err::ExpectationFailed>();
    case 431:
      return Error<Err::HeadersTooLarge>(detail.empty() ? "The request header fields are too large." : detail);
    default:
      return ErrorWithStatus<Err::TransportOther>(http_status >= 400 && http_status < 600 ? http_status : 500,
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

const char* ReasonPhrase(int status) {
  switch (status) {
    case 400: return "Bad Request";
    case 408: return "Request Timeout";
    case 413: return "Payload Too Large";
    case 414: return "URI Too Long";
    case 431: return "Request Header Fields Too Large";
    case 503: return "Service Unavailable";
    default: return "Internal Server Error";
  }
}

std::string RenderRefusal(int status, const std::string& detail) {
  api::Response response = api::ErrorResponse(TransportError(status, detail));
  std::string out = "HTTP/1.1 " + std::to_string(status) + " " + ReasonPhrase(status) +
                    "\r\nConnection: close\r\nContent-Type: " + response.content_type +
                    "\r\nContent-Length: " + std::to_string(response.body.size()) + "\r\n";
  if (status == 503) out += "Retry-After: 1\r\n";
  out += "\r\n";
  out += response.body;
  return out;
}

}  // namespace pcsim::http
