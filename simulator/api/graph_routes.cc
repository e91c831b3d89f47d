// Microsoft Graph partner billing (docs/graph-billing.md), under /v1.0 and
// /beta, and the blob store its manifests point at:
//
//   POST {v}/reports/partners/billing/reconciliation/billed/export   {invoiceId, attributeSet}
//   POST {v}/reports/partners/billing/reconciliation/unbilled/export {currencyCode, billingPeriod, attributeSet}
//   POST {v}/reports/partners/billing/usage/billed/export            {invoiceId, attributeSet}
//   POST {v}/reports/partners/billing/usage/unbilled/export          {currencyCode, billingPeriod, attributeSet}
//        202, Location: {v}/reports/partners/billing/operations/{id}
//   GET  {v}/reports/partners/billing/operations/{id}   running (Retry-After), succeeded or failed
//   GET  {v}/reports/partners/billing/manifests/{id}    rootDirectory, sasToken, blobs
//   GET  /_blobs/billing/v1/PartnerTenantId=../ExportId=../Fragment=../PartitionType=default/{name}?{sas}
//        gzip-compressed JSON lines
//
// Pages: "Billed invoice reconciliation API v2 (GA)"; Microsoft Graph
// "billedReconciliation: export", "unbilledReconciliation: export",
// "billedUsage: export", "unbilledUsage: export", "Get operation", "Get
// manifest". Errors have Graph's body {"error": {"code", "message"}}; the
// blob store answers as Azure Storage does (XML).
#include <algorithm>
#include <cctype>
#include <string>
#include <string_view>

#include "simulator/api/compression.h"
#include "simulator/api/graph_exports.h"
#include "simulator/api/router.h"
#include "simulator/model/errors.h"
#include "simulator/model/seeded_random.h"

namespace pcsim::api {
namespace {

constexpr std::string_view kBlobRoot = "/_blobs/billing/v1";
// Operations a partner may keep in one sandbox (each holds its rows' indexes).
constexpr size_t kMaxExportsPerPartner = 1000;

// --- answers -------------------------------------------------------------------------

// Graph's error code for an HTTP status ("Microsoft Graph error responses and
// resource types").
std::string_view GraphCode(int status) {
  switch (status) {
    case 400: return "invalidRequest";
    case 401: return "unauthenticated";
    case 403: return "accessDenied";
    case 404: return "itemNotFound";
    case 405: return "notAllowed";
    case 409: return "conflict";
    case 413: return "invalidRequest";
    case 429: return "activityLimitReached";
    case 503: return "serviceNotAvailable";
    default: return status >= 500 ? "generalException" : "invalidRequest";
  }
}

Response AzureStorageError(const Status& status, std::string_view code) {
  Response r;
  r.status = status.http_status();
  r.content_type = "application/xml";
  r.body = "<?xml version=\"1.0\" encoding=\"utf-8\"?><Error><Code>" + std::string(code) + "</Code><Message>" +
           status.description() + "</Message></Error>";
  r.SetHeader("x-ms-error-code", std::string(code));
  return r;
}

// "http://HOST" from the request's Host header (what the client called),
// or "" for an in-process request: links are then paths.
std::string BaseUrl(const Request& request) {
  auto host = request.Header("Host");
  if (!host || host->empty() || host->size() > 255) return "";
  for (char c : *host)
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '-' || c == ':' || c == '[' || c == ']'))
      return "";
  return "http://" + *host;
}

std::string BillingRoot(const RouteContext& ctx) {
  // The version segment as the client wrote it: "v1.0" or "beta".
  return BaseUrl(ctx.request) + "/" + SplitPath(ctx.request.path)[0] + "/reports/partners/billing";
}

// The export's folder in the blob store. The partner's tenant id comes from
// its token: one that is not plain URL text (letters, digits, "-._~") is
// named by a digest of it, since a path cannot carry it.
std::string Directory(const RouteContext& ctx, const ExportOperation& op) {
  const std::string& tid = op.partner_tenant_id;
  const bool plain = !tid.empty() && PercentEncode(tid) == tid;
  return std::string(kBlobRoot) + "/PartnerTenantId=" + (plain ? tid : KeyedDigestHex(ctx.sandbox.seed(), tid)) +
         "/ExportId=" + op.id + "/Fragment=" + std::string(ToString(op.attribute_set)) + "/PartitionType=default";
}

// --- the export POST -----------------------------------------------------------------

struct ExportRequest {
  AttributeSet attribute_set = AttributeSet::Full;
  std::string invoice_id;
  std::string currency;
  bool last_period = false;
};

StatusOr<std::string> RequiredText(const nlohmann::json& body, std::string_view key) {
  auto value = StringField(body, key);
  if (!value.ok()) return Error<Err::GraphInvalidRequest>("'" + std::string(key) + "' must be a string.");
  if (!value->has_value() || (*value)->empty())
    return Error<Err::GraphInvalidRequest>("'" + std::string(key) + "' is required.");
  return **value;
}

// An enumeration value, compared as Graph does: case-insensitively
// (Microsoft's recon sample sends "Full").
bool IsValue(std::string_view text, std::string_view value) { return EqualsIgnoreCase(text, value); }

// Reads and checks the whole body before anything is kept. Parameter names
// are matched case-insensitively, as Graph does (Microsoft's recon sample
// sends "InvoiceId" and "AttributeSet").
StatusOr<ExportRequest> ReadExportRequest(const Request& request, bool billed) {
  auto body = ParseBody(request.body);
  if (!body.ok()) return Error<Err::GraphInvalidRequest>("The request body must be a JSON object.");
  for (auto it = body->begin(); it != body->end(); ++it) {
    const std::string key = ToLower(it.key());
    const bool known = key == "attributeset" || (billed ? key == "invoiceid" : (key == "currencycode" || key == "billingperiod"));
    if (!known)
      return Error<Err::GraphInvalidRequest>("The parameter '" + it.key() + "' is not a valid parameter of export.");
  }
  ExportRequest out;
  if (Field(*body, "attributeSet") != nullptr) {
    auto set = RequiredText(*body, "attributeSet");
    if (!set.ok()) return set.status();
    if (IsValue(*set, "full")) out.attribute_set = AttributeSet::Full;
    else if (IsValue(*set, "basic")) out.attribute_set = AttributeSet::Basic;
    else return Error<Err::GraphInvalidRequest>("attributeSet '" + *set + "' is not valid; use full or basic.");
  }
  if (billed) {
    auto id = RequiredText(*body, "invoiceId");
    if (!id.ok()) return id.status();
    out.invoice_id = *id;
    return out;
  }
  auto currency = RequiredText(*body, "currencyCode");
  if (!currency.ok()) return currency.status();
  bool letters = currency->size() == 3;
  for (char c : *currency) letters = letters && std::isalpha(static_cast<unsigned char>(c));
  if (!letters) return Error<Err::GraphInvalidRequest>("currencyCode '" + *currency + "' is not an ISO 4217 code.");
  out.currency = *currency;
  for (char& c : out.currency) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  auto period = RequiredText(*body, "billingPeriod");
  if (!period.ok()) return period.status();
  if (!IsValue(*period, "current") && !IsValue(*period, "last"))
    return Error<Err::GraphInvalidRequest>("billingPeriod '" + *period + "' is not valid; use current or last.");
  out.last_period = IsValue(*period, "last");
  return out;
}

const Invoice* VisibleInvoice(const RouteContext& ctx, std::string_view id) {
  for (const Invoice& inv : ctx.sandbox.ledger().invoices())
    if (EqualsIgnoreCase(inv.id, id)) return inv.partner_tenant_id == ctx.caller.partner_tenant_id ? &inv : nullptr;
  return nullptr;
}

void Fail(ExportOperation& op, const Status& status) {
  op.failure_code = std::to_string(status.code());
  op.failure_message = status.description();
}

// The rows of a billed export; a 404 for an invoice the caller cannot see.
Status SelectBilled(const RouteContext& ctx, const ExportRequest& request, ExportOperation& op) {
  const Invoice* inv = VisibleInvoice(ctx, request.invoice_id);
  if (inv == nullptr) return Error<Err::GraphInvoiceNotFound>(request.invoice_id);
  op.invoice = inv->index;
  op.period = inv->period_start;
  op.currency = inv->currency;
  const Sandbox& sandbox = ctx.sandbox;
  if (inv->period_start < sandbox.policy().DateOf(PolicyKey::kReconV2FirstPeriod, sandbox.Today())) {
    Fail(op, ErrorWithStatus<Err::ExportNoInvoiceData>(200, inv->id));
    return OkStatus();
  }
  if (op.kind == ExportKind::BilledReconciliation) {
    op.row_count = inv->lines.size();
  } else {
    UsageLineFilter filter;
    filter.partner_tenant_id = ctx.caller.partner_tenant_id;
    filter.invoice = inv->index;
    for (const UsageLine& line : sandbox.UsageLines(filter)) {
      AppendUsageRow(sandbox, line, op.attribute_set, op.usage_rows);
      ++op.row_count;
    }
  }
  if (op.row_count == 0) Fail(op, ErrorWithStatus<Err::ExportNoInvoiceData>(200, inv->id));
  return OkStatus();
}

// The rows of an unbilled export, as they are now.
void SelectUnbilled(const RouteContext& ctx, const ExportRequest& request, ExportOperation& op) {
  const Sandbox& sandbox = ctx.sandbox;
  op.currency = request.currency;
  op.period = sandbox.Today().FirstOfMonth();
  if (request.last_period) op.period = op.period.AddMonthsClamped(-1);
  if (op.kind == ExportKind::UnbilledReconciliation) {
    for (uint32_t i : sandbox.ledger().LinesOfPeriod(op.period)) {
      const ChargeLine& line = sandbox.ledger().line(i);
      if (line.invoice != kNoIndex || sandbox.PartnerOf(line) != ctx.caller.partner_tenant_id) continue;
      if (!EqualsIgnoreCase(sandbox.catalog().OfferAt(line.offer)->market->currency, op.currency)) continue;
      op.lines.push_back(i);
    }
    op.row_count = op.lines.size();
  } else {
    UsageLineFilter filter;
    filter.partner_tenant_id = ctx.caller.partner_tenant_id;
    filter.period = op.period;
    filter.unbilled_only = true;
    filter.currency = op.currency;
    for (const UsageLine& line : sandbox.UsageLines(filter)) {
      AppendUsageRow(sandbox, line, op.attribute_set, op.usage_rows);
      ++op.row_count;
    }
  }
  if (op.row_count == 0) Fail(op, ErrorWithStatus<Err::ExportNoData>(200));
}

// Whole seconds until `later`, rounded up, at least 1 (a Retry-After value).
std::string SecondsUntil(Instant now, Instant later) {
  const int64_t micros = (later - now).micros();
  return std::to_string(std::max<int64_t>(1, (micros + 999'999) / 1'000'000));
}

size_t ExportsOf(const RouteContext& ctx) {
  return ctx.router.exports().CountOf(ctx.caller.partner_tenant_id);
}

Response StartExport(RouteContext& ctx, ExportKind kind) {
  const bool billed = kind == ExportKind::BilledReconciliation || kind == ExportKind::BilledUsage;
  auto request = ReadExportRequest(ctx.request, billed);
  if (!request.ok()) return GraphErrorResponse(request.status());
  if (ExportsOf(ctx) >= kMaxExportsPerPartner)
    return GraphErrorResponse(Error<Err::GraphTooManyExports>(kMaxExportsPerPartner));
  const Sandbox& sandbox = ctx.sandbox;
  const Policy& policy = sandbox.policy();
  const Date today = sandbox.Today();
  ExportOperation op;
  op.partner_tenant_id = ctx.caller.partner_tenant_id;
  op.kind = kind;
  op.attribute_set = request->attribute_set;
  op.created = sandbox.Now();
  // Policy values are clamped to what a sandbox can hold: a year of delay, 2^32 rows.
  const int64_t delay = std::clamp<int64_t>(policy.Int(PolicyKey::kGraphExportDelaySeconds, today), 0, 366 * 86400);
  op.ready = op.created + Duration::Seconds(delay);
  op.rows_per_blob = static_cast<uint64_t>(
      std::clamp<int64_t>(policy.Int(PolicyKey::kGraphExportRowsPerBlob, today), 1, int64_t{1} << 32));
  if (billed) {
    if (Status s = SelectBilled(ctx, *request, op); !s.ok()) return GraphErrorResponse(s);
  } else {
    SelectUnbilled(ctx, *request, op);
  }
  const ExportOperation& kept = ctx.router.exports().Add(std::move(op), sandbox.seed());
  Response r;
  r.status = 202;
  r.content_type.clear();
  r.SetHeader("Location", BillingRoot(ctx) + "/operations/" + kept.id);
  r.SetHeader("Retry-After", SecondsUntil(kept.created, kept.ready));
  return r;
}

// --- operations, manifests, blobs ------------------------------------------------------

// The manifest of a succeeded export; each read issues a new SAS token.
Json ManifestJson(const RouteContext& ctx, const ExportOperation& operation) {
  const ExportOperation* op = &operation;
  const Instant now = ctx.sandbox.Now();
  const int64_t sas_hours =
      std::clamp<int64_t>(ctx.sandbox.policy().Int(PolicyKey::kGraphExportSasHours, ctx.sandbox.Today()), 1, 24 * 3660);
  Json blobs = Json::array();
  for (uint64_t i = 0; i < op->blob_count(); ++i)
    blobs.push_back(Json{{"name", BlobName(*op, i)}, {"partitionValue", "default"}});
  Json j = ObjectWithCapacity(11);
  j["id"] = op->id;
  j["schemaVersion"] = "1";
  j["dataFormat"] = "compressedJSON";
  j["createdDateTime"] = op->ready.ToString();
  j["eTag"] = KeyedDigestHex(ctx.sandbox.seed(), op->id).substr(0, 17);
  j["partnerTenantId"] = op->partner_tenant_id;
  j["rootDirectory"] = BaseUrl(ctx.request) + Directory(ctx, *op);
  j["sasToken"] = SasToken(ctx.sandbox.seed(), *op, now + Duration::Seconds(sas_hours * 3600));
  j["partitionType"] = "Default";
  j["blobCount"] = op->blob_count();
  j["blobs"] = std::move(blobs);
  return j;
}

Response GetManifest(RouteContext& ctx) {
  const ExportOperation* op = ctx.router.exports().Find(ToLower(ctx.params[0]), ctx.caller.partner_tenant_id);
  if (op == nullptr || ctx.sandbox.Now() < op->ready || op->failed())
    return GraphErrorResponse(Error<Err::GraphManifestNotFound>(ctx.params[0]));
  return JsonResponse(200, ManifestJson(ctx, *op));
}

Response GetOperation(RouteContext& ctx) {
  const ExportOperation* op = ctx.router.exports().Find(ToLower(ctx.params[0]), ctx.caller.partner_tenant_id);
  if (op == nullptr) return GraphErrorResponse(Error<Err::GraphOperationNotFound>(ctx.params[0]));
  const Instant now = ctx.sandbox.Now();
  Json j = ObjectWithCapacity(7);
  const bool running = now < op->ready;
  j["@odata.type"] = running       ? "#microsoft.graph.partners.billing.runningOperation"
                     : op->failed() ? "#microsoft.graph.partners.billing.failedOperation"
                                    : "#microsoft.graph.partners.billing.exportSuccessOperation";
  j["id"] = op->id;
  // As Graph writes them: the creation without a zone, the last action with
  // seven fraction digits.
  std::string created = op->created.ToString();
  j["createdDateTime"] = created.substr(0, std::min<size_t>(19, created.size()));
  j["lastActionDateTime"] = (running ? op->created : op->ready).ToStringWith7Fraction();
  j["status"] = running ? "running" : op->failed() ? "failed" : "succeeded";
  if (running) {
    Response r = JsonResponse(200, std::move(j));
    r.SetHeader("Retry-After", SecondsUntil(now, op->ready));
    return r;
  }
  if (op->failed()) {
    j["error"] = Json{{"code", op->failure_code}, {"message", op->failure_message}};
  } else {
    j["resourceLocation@odata.navigationLink"] = BillingRoot(ctx) + "/manifests/" + op->id;
    // Microsoft's published recon sample reads the manifest inline, from
    // resourceLocation: both forms are given.
    j["resourceLocation"] = ManifestJson(ctx, *op);
  }
  return JsonResponse(200, std::move(j));
}

// GET /_blobs/billing/v1/{PartnerTenantId=}/{ExportId=}/{Fragment=}/{PartitionType=}/{name}
Response GetBlob(RouteContext& ctx) {
  constexpr std::string_view kExportId = "ExportId=";
  const std::string& export_dir = ctx.params[1];
  const ExportOperation* op = nullptr;
  if (export_dir.size() > kExportId.size() && export_dir.compare(0, kExportId.size(), kExportId) == 0)
    op = ctx.router.exports().Find(export_dir.substr(kExportId.size()));
  const Status denied = Error<Err::BlobAuthenticationFailed>();
  // Without a known export there is no key to check a signature with.
  if (op == nullptr || ctx.sandbox.Now() < op->ready || op->failed())
    return AzureStorageError(denied, "AuthenticationFailed");
  if (CheckSas(ctx.sandbox.seed(), *op, ctx.request.Query("se"), ctx.request.Query("sig"), ctx.sandbox.Now()) !=
      SasCheck::Valid)
    return AzureStorageError(denied, "AuthenticationFailed");
  const std::string path = std::string(kBlobRoot) + "/" + ctx.params[0] + "/" + ctx.params[1] + "/" +
                           ctx.params[2] + "/" + ctx.params[3];
  auto index = BlobIndex(*op, ctx.params[4]);
  if (path != Directory(ctx, *op) || !index) return AzureStorageError(Error<Err::BlobNotFound>(), "BlobNotFound");
  Response r;
  r.content_type = "application/octet-stream";
  r.body = Gzip(BlobRows(ctx.sandbox, *op, *index));
  r.SetHeader("x-ms-blob-type", "BlockBlob");
  r.SetHeader("ETag", "\"" + KeyedDigestHex(ctx.sandbox.seed(), ctx.params[4]).substr(0, 16) + "\"");
  return r;
}

}  // namespace

std::string GraphErrorBody(int http_status, std::string_view message) {
  Json error = ObjectWithCapacity(2);
  error["code"] = GraphCode(http_status);
  error["message"] = std::string(message.substr(0, 1024));
  Json body;
  body["error"] = std::move(error);
  return Dump(body);
}

Response GraphErrorResponse(const Status& status) {
  const int http = status.http_status() == 0 ? 500 : status.http_status();
  Response r;
  r.status = http;
  r.body = GraphErrorBody(http, status.description());
  return r;
}

bool IsGraphPath(std::string_view path) {
  const std::vector<std::string> segments = SplitPath(path);
  return segments.size() >= 2 && (segments[0] == "v1.0" || EqualsIgnoreCase(segments[0], "beta")) &&
         EqualsIgnoreCase(segments[1], "reports");
}

bool IsBlobPath(std::string_view path) {
  const std::vector<std::string> segments = SplitPath(path);
  return !segments.empty() && segments[0] == "_blobs";
}

void RegisterGraphRoutes(RouteTable& table) {
  for (std::string_view version : {"v1.0", "beta"}) {
    const std::string root = "/" + std::string(version) + "/reports/partners/billing";
    table.Add("POST", root + "/reconciliation/billed/export",
              [](RouteContext& ctx) { return StartExport(ctx, ExportKind::BilledReconciliation); });
    table.Add("POST", root + "/reconciliation/unbilled/export",
              [](RouteContext& ctx) { return StartExport(ctx, ExportKind::UnbilledReconciliation); });
    table.Add("POST", root + "/usage/billed/export",
              [](RouteContext& ctx) { return StartExport(ctx, ExportKind::BilledUsage); });
    table.Add("POST", root + "/usage/unbilled/export",
              [](RouteContext& ctx) { return StartExport(ctx, ExportKind::UnbilledUsage); });
    table.Add("GET", root + "/operations/{}", GetOperation);
    table.Add("GET", root + "/manifests/{}", GetManifest);
  }
  table.Add("GET", std::string(kBlobRoot) + "/{}/{}/{}/{}/{}", GetBlob);
}

}  // namespace pcsim::api
