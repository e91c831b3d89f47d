// pcsim::client::PartnerCenterClient: a typed client for the Partner Center
// routes pcsim serves. Every call returns StatusOr<T> (or Status) carrying
// Partner Center's error code on failure (status.code() == 800090, ...);
// collections are followed through links.next and MS-ContinuationToken to the
// last page; 429 (and 503) answers are retried after their Retry-After,
// within a bounded RetryPolicy, with the same MS-RequestId so that a retried
// write is applied once. It also reads Microsoft Graph's partner billing
// exports (docs/graph-billing.md): start, poll, manifest, gzip blobs, rows.
//
// PartnerCenterApi is the interface integration code should depend on;
// MockPartnerCenterClient (pcsim/client/mock_partner_center_client.h)
// implements it for unit tests that start no sandbox at all.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "pcsim/client/models.h"
#include "pcsim/client/transport.h"
#include "simulator/model/status.h"

namespace pcsim::client {

// How a caller waits between two polls of an export: it is given the seconds
// the service asked for (Retry-After). A test against pcsim advances the
// simulated clock by them (POST /_sim/clock/advance; SandboxTest's
// SimulatedExportWait()); a real integration sleeps (SleepOnTheWallClock()).
// The client itself never waits on the wall clock for an export.
using ExportWait = std::function<void(int64_t seconds)>;
// A visitor of export rows (VisitReconciliationRows, ForEachReconciliationRow):
// an error it returns stops the reading and is returned.
using ReconciliationRowVisitor = std::function<Status(const ReconciliationRowView&)>;
using UsageRowVisitor = std::function<Status(const UsageRowView&)>;

// A wait that sleeps `seconds` on the wall clock, for a real Graph endpoint.
ExportWait SleepOnTheWallClock();

class PartnerCenterApi {
 public:
  virtual ~PartnerCenterApi() = default;

  // Customers (and the agreement a purchase needs).
  virtual StatusOr<Customer> CreateCustomer(const NewCustomer& customer) = 0;
  virtual StatusOr<Customer> GetCustomer(const std::string& customer_id) = 0;
  virtual StatusOr<std::vector<Customer>> ListCustomers() = 0;  // every page
  virtual Status AcceptAgreement(const std::string& customer_id, const AgreementAcceptance& acceptance) = 0;

  // Catalog.
  virtual StatusOr<std::vector<Availability>> ListAvailabilities(const std::string& product_id,
                                                                 const std::string& sku_id,
                                                                 const std::string& country) = 0;

  // Carts and orders.
  virtual StatusOr<Cart> CreateCart(const std::string& customer_id, const std::vector<CartLineItem>& lines) = 0;
  virtual StatusOr<CheckoutResult> Checkout(const std::string& customer_id, const std::string& cart_id) = 0;
  virtual StatusOr<Order> GetOrder(const std::string& customer_id, const std::string& order_id) = 0;
  virtual StatusOr<std::vector<Order>> ListOrders(const std::string& customer_id) = 0;

  // Subscriptions.
  virtual StatusOr<std::vector<Subscription>> ListSubscriptions(const std::string& customer_id) = 0;
  virtual StatusOr<Subscription> GetSubscription(const std::string& customer_id,
                                                 const std::string& subscription_id) = 0;
  // PATCH with the full resource (subscription.raw with the typed fields
  // applied) and If-Match: the etag it was read with. An answer of 202
  // Accepted (the change is applied later) is followed by polls of its
  // Location until the subscription shows the new quantity, status,
  // auto-renew flag and friendly name; if it never does within
  // RetryPolicy::max_polls, the error has http_status 202.
  virtual StatusOr<Subscription> UpdateSubscription(const Subscription& subscription) = 0;
  // Reads, changes one thing, PATCHes.
  virtual StatusOr<Subscription> SetQuantity(const std::string& customer_id, const std::string& subscription_id,
                                             int quantity) = 0;
  virtual StatusOr<Subscription> SetAutoRenew(const std::string& customer_id, const std::string& subscription_id,
                                              bool enabled) = 0;
  // An empty list clears the scheduled actions.
  virtual StatusOr<Subscription> SetScheduledActions(const std::string& customer_id,
                                                     const std::string& subscription_id,
                                                     const std::vector<ScheduledAction>& actions) = 0;
  // status "deleted" (inside the cancellation window).
  virtual StatusOr<Subscription> CancelSubscription(const std::string& customer_id,
                                                    const std::string& subscription_id) = 0;

  // Billing.
  virtual StatusOr<std::vector<Invoice>> ListInvoices() = 0;
  // provider=onetime, invoicelineitemtype=billinglineitems; every page.
  virtual StatusOr<std::vector<InvoiceLineItem>> ListInvoiceLineItems(const std::string& invoice_id) = 0;
  // period "current" or "previous"; every page.
  virtual StatusOr<std::vector<InvoiceLineItem>> ListUnbilledLineItems(const std::string& currency,
                                                                       const std::string& period) = 0;

  // Pricing: GET /v1.0/sales/pricesheets(Market='..',PricesheetView='..')/$value,
  // the sheet as its CSV text (asked for uncompressed). No planned change
  // with timeline "future" is an error with http_status 404.
  virtual StatusOr<std::string> GetPriceSheet(const PriceSheetRequest& request) = 0;

  // Microsoft Graph partner billing exports (docs/graph-billing.md), under
  // ClientOptions::graph_root. The export flow: StartBillingExport,
  // WaitForExport, GetExportManifest, then ReadReconciliationRows or
  // ReadUsageRows; ExportBilledReconciliation does all of it for an invoice.
  //
  // POSTs the export; the operation's URL, from the answer's Location
  // (absolute over HTTP, a path in process: either can be passed back).
  virtual StatusOr<std::string> StartBillingExport(const BillingExportRequest& request) = 0;
  // GETs the operation until it is no longer running, calling `wait` with
  // each answer's Retry-After (RetryPolicy::default_wait when it has none)
  // between two GETs (an empty `wait`: the next GET at once); at most
  // RetryPolicy::max_polls GETs. Returns the succeeded operation. A failed
  // one is an error with Microsoft's code (code() == 5000) and message, and
  // http_status 200 (the GET succeeded); one still running after max_polls
  // GETs is an error with http_status 202.
  virtual StatusOr<BillingOperation> WaitForExport(const std::string& operation_url, const ExportWait& wait) = 0;
  // GETs a succeeded export's manifest (BillingOperation::manifest_url). Each
  // read carries a new SAS token, valid for a limited time.
  virtual StatusOr<ExportManifest> GetExportManifest(const std::string& manifest_url) = 0;
  // Downloads every blob of `manifest` (without the bearer token: the SAS
  // token is the credential), gunzips it and reads its JSON lines, in blob
  // order. Unknown keys are ignored. A blob the store refuses (an expired SAS
  // token: 403) is its HTTP error; a blob that is not gzip, inflates beyond
  // ClientOptions::max_blob_bytes, has a line that is not a JSON object, or a
  // money value that is not an exact decimal number is an error with
  // http_status 502. Never a partial answer.
  virtual StatusOr<std::vector<ReconciliationRow>> ReadReconciliationRows(const ExportManifest& manifest) = 0;
  virtual StatusOr<std::vector<UsageRow>> ReadUsageRows(const ExportManifest& manifest) = 0;
  // The same rows handed one by one to `visit` as views, one blob in memory
  // at a time and no text copied: for exports too large to hold as owned
  // rows. Errors as above, or the visitor's own; the first one stops the
  // reading (the rows before it have been visited).
  virtual Status VisitReconciliationRows(const ExportManifest& manifest, const ReconciliationRowVisitor& visit) = 0;
  virtual Status VisitUsageRows(const ExportManifest& manifest, const UsageRowVisitor& visit) = 0;
  // The whole flow for a billed reconciliation export of one invoice: every
  // row of the invoice. Errors as above (an invoice of a period the export
  // does not serve: code 5000).
  virtual StatusOr<std::vector<ReconciliationRow>> ExportBilledReconciliation(const std::string& invoice_id,
                                                                             ExportAttributeSet attribute_set,
                                                                             const ExportWait& wait) = 0;
};

// Every call is retried the same way; a write keeps its MS-RequestId across
// its retries, so that one the service already ran is answered from its first
// result (Partner Center and pcsim both do this) instead of running twice.
struct RetryPolicy {
  int max_attempts = 4;  // the first try included
  std::chrono::milliseconds default_wait{1000};  // when Retry-After is absent or not delta-seconds
  std::chrono::milliseconds max_wait{60000};  // a longer Retry-After is not waited for: the error is returned
  bool retry_server_busy = true;  // 503 is retried like 429
  bool retry_server_errors = true;  // 500, 502 and 504 are retried after default_wait
  bool retry_transport_failures = true;  // a dropped connection or a timeout is retried after default_wait
  // A PATCH answered 202 Accepted: the resource named by Location is read
  // after each Retry-After until it shows the change, at most this many times.
  // WaitForExport GETs a running export's operation at most this many times.
  int max_polls = 10;
};

// The resources (token audiences) of the APIs the client calls.
inline constexpr char kPartnerCenterResource[] = "https://api.partnercenter.microsoft.com";
inline constexpr char kGraphResource[] = "https://graph.microsoft.com";

// Authentication through the identity platform's token endpoint
// (docs/auth.md): the client asks {authority}/{tenant_id}/oauth2/token for a
// token of each API it calls (Partner Center's, Microsoft Graph's), keeps it,
// and asks again when an answer is 401 (then sends the request once more). It
// never compares a token's expiry with a clock of its own, so it works against
// pcsim's simulated clock as against the real service.
struct AppCredentials {
  // "https://login.microsoftonline.com", a pcsim server's base URL, or empty:
  // the client's own transport (pcsim serves the token endpoint on its port).
  std::string authority;
  std::string tenant_id;  // the partner's tenant id
  std::string client_id;
  std::string client_secret;
  // Empty: app-only tokens (client credentials). Set: App+User tokens of the
  // Secure Application Model (grant_type=refresh_token); each answer's new
  // refresh token replaces it.
  std::string refresh_token;
};

struct ClientOptions {
  std::string access_token = "pcsim";  // sent as "Authorization: Bearer TOKEN"
  // Tokens from the token endpoint instead of access_token and
  // graph_access_token.
  std::optional<AppCredentials> app_credentials;
  // pcsim's control token (pcsim serve --control-token), sent as
  // "X-Pcsim-Control-Token: TOKEN" on /_sim/ calls only; empty: not sent.
  std::string control_token;
  std::string correlation_id;  // MS-CorrelationId; empty: one is made up per client
  std::string locale = "en-US";
  RetryPolicy retry;
  // Waits between retries; tests replace it to run without sleeping.
  std::function<void(std::chrono::milliseconds)> sleep;
  // The MS-RequestId of each logical call (kept across its retries);
  // empty: "PID-0000-4000-8000-" + a counter shared by the process's clients.
  std::function<std::string()> request_id;
  // Where Microsoft Graph's billing routes are: a path ("/v1.0", or "/beta")
  // goes through the client's transport, as pcsim serves Graph on its own
  // port; a real integration sets "https://graph.microsoft.com/v1.0".
  std::string graph_root = "/v1.0";
  // The bearer token of Graph requests (Graph's audience differs from
  // Partner Center's); empty: access_token.
  std::string graph_access_token;
  // The most bytes one export blob may inflate to; a larger one is an error.
  size_t max_blob_bytes = size_t{1} << 30;
};

class PartnerCenterClient final : public PartnerCenterApi {
 public:
  PartnerCenterClient(std::shared_ptr<Transport> transport, ClientOptions options = {});

  // Over HTTP to `base_url`.
  static PartnerCenterClient OverHttp(std::string base_url, ClientOptions options = {});
  // In this process, through `router` (which must outlive the client).
  static PartnerCenterClient InProcess(api::Router& router, ClientOptions options = {});

  StatusOr<Customer> CreateCustomer(const NewCustomer& customer) override;
  StatusOr<Customer> GetCustomer(const std::string& customer_id) override;
  StatusOr<std::vector<Customer>> ListCustomers() override;
  Status AcceptAgreement(const std::string& customer_id, const AgreementAcceptance& acceptance) override;
  StatusOr<std::vector<Availability>> ListAvailabilities(const std::string& product_id, const std::string& sku_id,
                                                         const std::string& country) override;
  StatusOr<Cart> CreateCart(const std::string& customer_id, const std::vector<CartLineItem>& lines) override;
  StatusOr<CheckoutResult> Checkout(const std::string& customer_id, const std::string& cart_id) override;
  StatusOr<Order> GetOrder(const std::string& customer_id, const std::string& order_id) override;
  StatusOr<std::vector<Order>> ListOrders(const std::string& customer_id) override;
  StatusOr<std::vector<Subscription>> ListSubscriptions(const std::string& customer_id) override;
  StatusOr<Subscription> GetSubscription(const std::string& customer_id, const std::string& subscription_id) override;
  StatusOr<Subscription> UpdateSubscription(const Subscription& subscription) override;
  StatusOr<Subscription> SetQuantity(const std::string& customer_id, const std::string& subscription_id,
                                     int quantity) override;
  StatusOr<Subscription> SetAutoRenew(const std::string& customer_id, const std::string& subscription_id,
                                      bool enabled) override;
  StatusOr<Subscription> SetScheduledActions(const std::string& customer_id, const std::string& subscription_id,
                                             const std::vector<ScheduledAction>& actions) override;
  StatusOr<Subscription> CancelSubscription(const std::string& customer_id,
                                            const std::string& subscription_id) override;
  StatusOr<std::vector<Invoice>> ListInvoices() override;
  StatusOr<std::vector<InvoiceLineItem>> ListInvoiceLineItems(const std::string& invoice_id) override;
  StatusOr<std::vector<InvoiceLineItem>> ListUnbilledLineItems(const std::string& currency,
                                                               const std::string& period) override;
  StatusOr<std::string> GetPriceSheet(const PriceSheetRequest& request) override;
  StatusOr<std::string> StartBillingExport(const BillingExportRequest& request) override;
  StatusOr<BillingOperation> WaitForExport(const std::string& operation_url, const ExportWait& wait) override;
  StatusOr<ExportManifest> GetExportManifest(const std::string& manifest_url) override;
  StatusOr<std::vector<ReconciliationRow>> ReadReconciliationRows(const ExportManifest& manifest) override;
  StatusOr<std::vector<UsageRow>> ReadUsageRows(const ExportManifest& manifest) override;
  Status VisitReconciliationRows(const ExportManifest& manifest, const ReconciliationRowVisitor& visit) override;
  Status VisitUsageRows(const ExportManifest& manifest, const UsageRowVisitor& visit) override;
  StatusOr<std::vector<ReconciliationRow>> ExportBilledReconciliation(const std::string& invoice_id,
                                                                     ExportAttributeSet attribute_set,
                                                                     const ExportWait& wait) override;
  // One GET of an export's operation (no waiting).
  StatusOr<BillingOperation> GetExportOperation(const std::string& operation_url);
  // One blob of `manifest`, downloaded and gunzipped: its JSON lines.
  StatusOr<std::string> DownloadExportBlob(const ExportManifest& manifest, const ExportBlob& blob);

  // The raw exchange, for routes without a typed method: sends with the
  // client's headers and retry policy; a non-2xx answer is its error Status.
  StatusOr<HttpResponse> Call(const std::string& method, const std::string& target, const std::string& body = "",
                              HeaderList extra_headers = {});
  // GET `target` and every following page; the items of all pages.
  StatusOr<std::vector<nlohmann::json>> GetAllPages(const std::string& target);

  // How many requests were sent, retries included (for tests of retry handling).
  uint64_t requests_sent() const { return requests_sent_; }
  Transport& transport() { return *transport_; }

 private:
  std::string NextRequestId();
  // Sends `request` as it is, within the retry policy; a non-2xx answer is
  // its error Status.
  StatusOr<HttpResponse> SendWithRetries(const HttpRequest& request);
  // The same with "Authorization: Bearer" the token of `resource`: the
  // options' token, or with app_credentials one from the token endpoint,
  // asked again (and the request sent once more) after a 401.
  StatusOr<HttpResponse> SendAuthorized(HttpRequest request, const std::string& resource);
  // A token of `resource` from the token endpoint (app_credentials).
  StatusOr<std::string> RequestToken(const std::string& resource);
  // A Graph request to `target` as given (a path, or a URL: a Location, a
  // navigation link), with the Graph token and a client-request-id.
  StatusOr<HttpResponse> GraphCall(const std::string& method, const std::string& target, const std::string& body = "");
  // Polls the Location of a 202 answer until the subscription shows `wanted`.
  StatusOr<Subscription> AwaitAccepted(const HttpResponse& accepted, const Subscription& wanted);
  // GET, apply `change`, PATCH with the etag that was read.
  StatusOr<Subscription> ReadModifyWrite(const std::string& customer_id, const std::string& subscription_id,
                                         const std::function<void(Subscription&)>& change);

  std::shared_ptr<Transport> transport_;
  ClientOptions options_;
  uint64_t requests_sent_ = 0;
  std::map<std::string, std::string> tokens_;  // resource -> the token the endpoint gave
};

// Partner Center's error body ({code, description}, or the throttling shape
// {statusCode, message}) as a Status with the response's HTTP status. A
// Microsoft Graph error ({"error": {code, message}}) and an Azure Storage one
// (x-ms-error-code, an XML body) have code 0 and the description
// "CODE: message" ("itemNotFound: ...", "AuthenticationFailed: ...").
Status ErrorFromResponse(const HttpResponse& response);

// The typed models from Partner Center JSON (money read from an exact DOM).
Subscription SubscriptionFromJson(const nlohmann::json& resource, const std::string& customer_id);
InvoiceLineItem InvoiceLineItemFromJson(const nlohmann::json& exact_resource);
// The rows of an export blob's JSON lines (uncompressed); empty lines are
// skipped. An error (http_status 502) names the first line that is not a
// JSON object or has a money or quantity value that is not exact.
StatusOr<std::vector<ReconciliationRow>> ReconciliationRowsFromJsonLines(std::string_view text);
StatusOr<std::vector<UsageRow>> UsageRowsFromJsonLines(std::string_view text);
// The same rows handed one by one to `visit` as views (valid only during the
// call), with nothing copied: the way to read a large export. The first
// error, the reader's or the visitor's, stops the reading and is returned;
// the rows before it have been visited.
Status ForEachReconciliationRow(std::string_view text, const ReconciliationRowVisitor& visit);
Status ForEachUsageRow(std::string_view text, const UsageRowVisitor& visit);

// JSON parsing that keeps every fractional number as its exact decimal text
// (a string); integers stay integers. nullopt for malformed JSON.
std::optional<nlohmann::json> ParseExactJson(std::string_view text);

}  // namespace pcsim::client
