// The calls on invoices and their billed and unbilled line items.
#include "pcsim/client/partner_center_client.h"

#include <utility>

#include "client_internal.h"

namespace pcsim::client {

using nlohmann::json;
using namespace internal;

StatusOr<std::vector<Invoice>> PartnerCenterClient::ListInvoices() {
  return MapItems(GetAllPages("/v1/invoices"), [](const json& j) { return InvoiceFrom(j); });
}

StatusOr<std::vector<InvoiceLineItem>> PartnerCenterClient::ListInvoiceLineItems(const std::string& invoice_id) {
  return MapItems(GetAllPages("/v1/invoices/" + UrlEncode(invoice_id) +
                              "/lineitems?provider=onetime&invoicelineitemtype=billinglineitems&size=2000"),
                  [](const json& j) { return InvoiceLineItemFromJson(j); });
}

StatusOr<std::vector<InvoiceLineItem>> PartnerCenterClient::ListUnbilledLineItems(const std::string& currency,
                                                                                  const std::string& period) {
  return MapItems(GetAllPages("/v1/invoices/unbilled/lineitems?provider=onetime&invoicelineitemtype=billinglineitems"
                              "&currencycode=" +
                              UrlEncode(currency) + "&period=" + UrlEncode(period) + "&size=2000"),
                  [](const json& j) { return InvoiceLineItemFromJson(j); });
}

}  // namespace pcsim::client
