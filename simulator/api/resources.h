// Partner Center resources as JSON (the pages Customer, Cart, Order,
// Subscription and Invoice resources): the wire form of the sandbox's model types.
#pragma once

#include "simulator/api/json_support.h"
#include "simulator/commerce/sandbox.h"

namespace pcsim::api {

// {"objectType": object_type}: a resource's "attributes".
Json Attributes(std::string_view object_type);
// The currencySymbol of an invoice and its summaries ("$", "€", "£", else the code).
std::string InvoiceCurrencySymbol(const std::string& currency);

Json AddressJson(const Address& a);
Json CustomerJson(const Sandbox& sandbox, const Customer& c);
// The short form customer lists use.
Json CustomerListItemJson(const Customer& c);
Json CompanyProfileJson(const Customer& c);
Json BillingProfileJson(const Customer& c);
Json AgreementJson(const AgreementRecord& a);

// The subscription resource (Appendix A), with its ETag.
Json SubscriptionJson(const Sandbox& sandbox, const Subscription& s);
std::string SubscriptionEtag(const Subscription& s);

Json OrderJson(const Sandbox& sandbox, const Order& o);

// A new-commerce reconciliation line (OneTimeInvoiceLineItem, Get invoice line items).
Json LineItemJson(const Sandbox& sandbox, const ChargeLine& line);
Json InvoiceJson(const Sandbox& sandbox, const Invoice& inv, bool with_pdf_link);

// The Azure plan (azure_routes.cc): the plan subscription, an Azure
// subscription (AzureEntitlement) and a daily rated usage line
// (DailyRatedUsageLineItem of Invoice resources).
Json AzurePlanJson(const Sandbox& sandbox, const Subscription& plan);
Json AzureEntitlementJson(const Sandbox& sandbox, const AzureEntitlement& e);
Json UsageLineJson(const Sandbox& sandbox, const UsageLine& line);

// The GUID Partner Center identifies a SKU by outside the catalog: the SKU's
// provisioningId (dynamicAttributes), a subscription's provisioning status
// skuId and a subscribed SKU's productSku.id. Derived from the catalog ids,
// so stable across runs.
std::string SkuProvisioningId(const Product& product, const Sku& sku);
// One entry of the event journal as GET /_sim/events lists it: {at, kind,
// the ids it concerns, what its detail records, requestId?}.
Json JournalEntryJson(const Sandbox& sandbox, const JournalEntry& e);

// The catalog's wire names.
std::string_view WireBillingCycle(Billing b);  // "monthly", "annual", "triennial", "none"
std::string_view BillingFrequencyText(Billing b);  // "Monthly", "Annual", "Triennial"

}  // namespace pcsim::api
