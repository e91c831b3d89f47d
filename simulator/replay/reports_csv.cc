// lines.csv and subscriptions.csv of a replay report (reports_internal.h),
// through the project's one CSV writer (simulator/model/csv.h).
#include <iterator>
#include <string>
#include <vector>

#include "simulator/api/resources.h"
#include "simulator/model/csv.h"
#include "simulator/replay/reports_internal.h"

namespace pcsim::replay::report {
namespace {

// lines.csv: Partner Center's reconciliation column names, each with the key
// of the API's line item it comes from.
constexpr const char* kLineColumns[][2] = {
    {"PartnerId", "partnerId"},
    {"CustomerId", "customerId"},
    {"CustomerName", "customerName"},
    {"CustomerDomainName", "customerDomainName"},
    {"CustomerCountry", "customerCountry"},
    {"InvoiceNumber", "invoiceNumber"},
    {"MPNID", "mpnId"},
    {"ResellerMPNID", "resellerMpnId"},
    {"OrderId", "orderId"},
    {"OrderDate", "orderDate"},
    {"ProductId", "productId"},
    {"SkuId", "skuId"},
    {"AvailabilityId", "availabilityId"},
    {"SkuName", "skuName"},
    {"ProductName", "productName"},
    {"ChargeType", "chargeType"},
    {"UnitPrice", "unitPrice"},
    {"Quantity", "quantity"},
    {"Subtotal", "subtotal"},
    {"TaxTotal", "taxTotal"},
    {"Total", "totalForCustomer"},
    {"Currency", "currency"},
    {"PriceAdjustmentDescription", "priceAdjustmentDescription"},
    {"PublisherName", "publisherName"},
    {"PublisherId", "publisherId"},
    {"SubscriptionDescription", "subscriptionDescription"},
    {"SubscriptionId", "subscriptionId"},
    {"ChargeStartDate", "chargeStartDate"},
    {"ChargeEndDate", "chargeEndDate"},
    {"TermAndBillingCycle", "termAndBillingCycle"},
    {"EffectiveUnitPrice", "effectiveUnitPrice"},
    {"UnitType", "unitType"},
    {"AlternateId", "alternateId"},
    {"BillableQuantity", "billableQuantity"},
    {"BillingFrequency", "billingFrequency"},
    {"PricingCurrency", "pricingCurrency"},
    {"PCToBCExchangeRate", "pcToBCExchangeRate"},
    {"PCToBCExchangeRateDate", "pcToBCExchangeRateDate"},
    {"MeterDescription", "meterDescription"},
    {"ReservationOrderId", "reservationOrderId"},
    {"CreditReasonCode", "creditReasonCode"},
    {"SubscriptionStartDate", "subscriptionStartDate"},
    {"SubscriptionEndDate", "subscriptionEndDate"},
    {"ReferenceId", "referenceId"},
    {"ProductQualifiers", "productQualifiers"},
    {"PromotionId", "promotionId"},
};

constexpr const char* kSubscriptionColumns[] = {
    "Scenario",         "SubscriptionRef",   "SubscriptionId",        "CustomerId",   "OfferId",
    "ProductName",      "Status",            "Quantity",              "TermDuration", "BillingCycle",
    "AutoRenewEnabled", "CommitmentStartDate", "CommitmentEndDate",   "InExtendedServiceTerm",
    "TotalCharged",
};

}  // namespace

void AppendLinesCsvHeader(std::string& csv) {
  std::vector<std::string> header = {"Scenario", "SubscriptionRef"};
  for (const auto& column : kLineColumns) header.push_back(column[0]);
  AppendCsvRow(csv, header);
}

void AppendSubscriptionsCsvHeader(std::string& csv) {
  AppendCsvRow(csv, std::vector<std::string>(std::begin(kSubscriptionColumns), std::end(kSubscriptionColumns)));
}

void AppendLinesCsvRows(const ScenarioData& data, std::string& csv) {
  const ScenarioResult& r = *data.result;
  for (const api::Json& wire : data.wire) {
    std::vector<std::string> row = {r.file, ScenarioRef(r, WireField(wire, "subscriptionId"))};
    for (const auto& column : kLineColumns) row.push_back(WireField(wire, column[1]));
    AppendCsvRow(csv, row);
  }
}

void AppendSubscriptionsCsvRows(const ScenarioData& data, std::string& csv) {
  const ScenarioResult& r = *data.result;
  for (const Lane& lane : data.lanes) {
    const Subscription& s = *lane.sub;
    const Customer& customer = data.sandbox->CustomerAt(s.customer);
    AppendCsvRow(csv, {r.file, ScenarioRef(r, s.id), s.id, customer.id, s.offer->catalog_item_id,
                       s.offer->product->title, std::string(ToString(s.status)), std::to_string(s.quantity),
                       std::string(ToString(s.term)), std::string(api::WireBillingCycle(s.billing)),
                       s.auto_renew ? "true" : "false", api::DateTimeOf(s.term_start), api::DateTimeOf(s.term_end),
                       s.in_est ? "true" : "false", WireMoney(lane.total)});
  }
}

}  // namespace pcsim::replay::report
