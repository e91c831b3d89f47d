// The price sheet (Get a price sheet): the CSV download of the pricing host's
// /v1.0/sales/pricesheets(Market='US',PricesheetView='...')/$value.
#include "pcsim/client/partner_center_client.h"

#include <string_view>

namespace pcsim::client {
namespace {

// A key's value as the quoted string the path segment holds ('' is a quote
// inside it), percent-encoded between its quotes.
std::string QuotedKey(std::string_view value) {
  std::string escaped;
  for (char c : value) {
    if (c == '\'') escaped += '\'';
    escaped += c;
  }
  return "'" + UrlEncode(escaped) + "'";
}

}  // namespace

StatusOr<std::string> PartnerCenterClient::GetPriceSheet(const PriceSheetRequest& request) {
  std::string target = "/v1.0/sales/pricesheets(Market=" + QuotedKey(request.market) +
                       ",PricesheetView=" + QuotedKey(request.view) + ")/$value";
  std::string query;
  if (!request.timeline.empty()) query += "&timeline=" + UrlEncode(request.timeline);
  if (!request.month.empty()) query += "&month=" + UrlEncode(request.month);
  if (!query.empty()) target += "?" + query.substr(1);
  // Any "deflate" among the codings asks for a zip archive, and some HTTP
  // stacks offer it on their own: this call asks for the CSV itself.
  auto response = Call("GET", target, "", {{"Accept-Encoding", "identity"}});
  if (!response.ok()) return response.status();
  if (response->body.rfind(std::string("PK\x03\x04", 4), 0) == 0)
    return Status(502, 0, "GET " + target + " answered a zip archive, not the CSV asked for");
  return std::move(response->body);
}

}  // namespace pcsim::client
