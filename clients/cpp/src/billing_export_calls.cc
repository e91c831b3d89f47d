// The calls on Microsoft Graph's partner billing exports
// (docs/graph-billing.md): the POST that starts one, the polls of its
// operation (with the caller's wait hook in between: the client never waits
// on the wall clock for an export), its manifest, and its blobs, downloaded
// with the manifest's SAS token, gunzipped and read as rows
// (export_rows_json.cc).
#include "pcsim/client/partner_center_client.h"

#include <algorithm>
#include <iterator>
#include <thread>
#include <utility>

#include "client_internal.h"
#include "simulator/api/compression.h"
#include "simulator/api/http_types.h"

namespace pcsim::client {

using nlohmann::json;
using namespace internal;

namespace {

std::string RouteOf(BillingExportKind kind) {
  switch (kind) {
    case BillingExportKind::BilledReconciliation: return "reconciliation/billed";
    case BillingExportKind::UnbilledReconciliation: return "reconciliation/unbilled";
    case BillingExportKind::BilledUsage: return "usage/billed";
    case BillingExportKind::UnbilledUsage: return "usage/unbilled";
  }
  return "reconciliation/billed";
}

bool IsBilled(BillingExportKind kind) {
  return kind == BillingExportKind::BilledReconciliation || kind == BillingExportKind::BilledUsage;
}

// The POST's body: {invoiceId} or {currencyCode, billingPeriod}, and attributeSet.
json ExportBody(const BillingExportRequest& request) {
  json body = json::object();
  if (IsBilled(request.kind)) {
    body["invoiceId"] = request.invoice_id;
  } else {
    body["currencyCode"] = request.currency_code;
    body["billingPeriod"] = request.billing_period == ExportBillingPeriod::Current ? "current" : "last";
  }
  body["attributeSet"] = request.attribute_set == ExportAttributeSet::Full ? "full" : "basic";
  return body;
}

// A string, or an integer's digits (an error code may be either), or "".
std::string CodeText(const json& j, const char* key) {
  auto it = j.find(key);
  if (it == j.end()) return "";
  if (it->is_number_integer()) return std::to_string(it->get<int64_t>());
  return it->is_string() ? it->get<std::string>() : "";
}

BillingOperation OperationFrom(json j, const HttpResponse& response) {
  BillingOperation op;
  op.id = Str(j, "id");
  op.status = Str(j, "status");
  op.created_date_time = Str(j, "createdDateTime");
  op.last_action_date_time = Str(j, "lastActionDateTime");
  op.manifest_url = Str(j, "resourceLocation@odata.navigationLink");
  if (auto e = j.find("error"); e != j.end() && e->is_object()) {
    op.error_code = CodeText(*e, "code");
    op.error_message = Str(*e, "message");
  }
  if (auto wait = RetryAfter(response)) op.retry_after_seconds = (wait->count() + 999) / 1000;
  op.raw = std::move(j);
  return op;
}

// A failed operation as an error: Microsoft's numeric code ("5000") as
// code(), its message as the description; http_status 200, the GET's.
Status FailedExport(const BillingOperation& op) {
  const std::string& code = op.error_code;
  const bool numeric = !code.empty() && code.size() <= 9 && std::all_of(code.begin(), code.end(), [](char c) {
    return c >= '0' && c <= '9';
  });
  std::string message = op.error_message.empty() ? "the export " + op.id + " failed" : op.error_message;
  if (!numeric && !code.empty()) message = code + ": " + message;
  return Status(200, numeric ? std::stoi(code) : 0, std::move(message));
}

ExportManifest ManifestFrom(json j) {
  ExportManifest m;
  m.id = Str(j, "id");
  m.schema_version = Str(j, "schemaVersion");
  m.data_format = Str(j, "dataFormat");
  m.created_date_time = Str(j, "createdDateTime");
  m.etag = Str(j, "eTag");
  m.partner_tenant_id = Str(j, "partnerTenantId");
  m.root_directory = Str(j, "rootDirectory");
  while (!m.root_directory.empty() && m.root_directory.back() == '/') m.root_directory.pop_back();
  m.sas_token = Str(j, "sasToken");
  if (!m.sas_token.empty() && m.sas_token[0] == '?') m.sas_token.erase(0, 1);
  m.partition_type = Str(j, "partitionType");
  if (auto it = j.find("blobCount"); it != j.end() && it->is_number_integer()) m.blob_count = it->get<int64_t>();
  if (auto it = j.find("blobs"); it != j.end() && it->is_array())
    for (const json& b : *it)
      if (b.is_object()) m.blobs.push_back({Str(b, "name"), Str(b, "partitionValue")});
  m.raw = std::move(j);
  return m;
}

// A JSON object from a Graph answer, or a 502.
StatusOr<json> ObjectOf(const HttpResponse& response, const std::string& what) {
  auto j = ParseJson(response);
  if (!j.ok()) return j.status();
  if (!j->is_object()) return Status(502, 0, what + " is not a JSON object");
  return std::move(*j);
}

// Every row of every blob of `manifest`, in blob order, read by `parse`.
template <typename Row, typename Parse>
StatusOr<std::vector<Row>> ReadRows(PartnerCenterClient& client, const ExportManifest& manifest, Parse parse) {
  std::vector<Row> rows;
  for (const ExportBlob& blob : manifest.blobs) {
    auto text = client.DownloadExportBlob(manifest, blob);
    if (!text.ok()) return text.status();
    auto part = parse(*text);
    if (!part.ok()) return part.status().Prefixed("blob " + blob.name + ": ");
    if (rows.empty()) {
      rows = std::move(*part);
      rows.reserve(rows.size() * manifest.blobs.size());  // blobs but the last are equally full
    } else {
      std::move(part->begin(), part->end(), std::back_inserter(rows));
    }
  }
  return rows;
}

// Every row of every blob of `manifest`, in blob order, handed to `visit`
// by `for_each`; one blob in memory at a time.
template <typename Visitor, typename ForEach>
Status VisitRows(PartnerCenterClient& client, const ExportManifest& manifest, const Visitor& visit, ForEach for_each) {
  for (const ExportBlob& blob : manifest.blobs) {
    auto text = client.DownloadExportBlob(manifest, blob);
    if (!text.ok()) return text.status();
    if (Status s = for_each(*text, visit); !s.ok()) return s.Prefixed("blob " + blob.name + ": ");
  }
  return OkStatus();
}

}  // namespace

ExportWait SleepOnTheWallClock() {
  return [](int64_t seconds) { std::this_thread::sleep_for(std::chrono::seconds(std::max<int64_t>(0, seconds))); };
}

StatusOr<HttpResponse> PartnerCenterClient::GraphCall(const std::string& method, const std::string& target,
                                                      const std::string& body) {
  HttpRequest request;
  request.method = method;
  request.target = target;
  request.body = body;
  request.headers = {{"Accept", "application/json"}, {"client-request-id", NextRequestId()}};
  if (!body.empty()) request.headers.emplace_back("Content-Type", "application/json");
  return SendAuthorized(std::move(request), kGraphResource);
}

StatusOr<std::string> PartnerCenterClient::StartBillingExport(const BillingExportRequest& request) {
  std::string root = options_.graph_root;
  while (!root.empty() && root.back() == '/') root.pop_back();
  auto r = GraphCall("POST", root + "/reports/partners/billing/" + RouteOf(request.kind) + "/export",
                     ExportBody(request).dump());
  if (!r.ok()) return r.status();
  auto location = r->Header("Location");
  if (!location || location->empty())
    return Status(502, 0, "the export was accepted (HTTP " + std::to_string(r->status) + ") without a Location");
  return *location;
}

StatusOr<BillingOperation> PartnerCenterClient::GetExportOperation(const std::string& operation_url) {
  auto r = GraphCall("GET", operation_url);
  if (!r.ok()) return r.status();
  auto j = ObjectOf(*r, "the export operation " + operation_url);
  if (!j.ok()) return j.status();
  return OperationFrom(std::move(*j), *r);
}

StatusOr<BillingOperation> PartnerCenterClient::WaitForExport(const std::string& operation_url,
                                                              const ExportWait& wait) {
  const int polls = std::max(1, options_.retry.max_polls);
  const int64_t default_seconds = std::max<int64_t>(1, (options_.retry.default_wait.count() + 999) / 1000);
  for (int poll = 1;; ++poll) {
    auto op = GetExportOperation(operation_url);
    if (!op.ok()) return op.status();
    if (api::EqualsIgnoreCase(op->status, "succeeded")) {
      if (op->manifest_url.empty()) return Status(502, 0, "the export " + op->id + " succeeded without a manifest link");
      return op;
    }
    if (api::EqualsIgnoreCase(op->status, "failed")) return FailedExport(*op);
    if (!api::EqualsIgnoreCase(op->status, "running") && !api::EqualsIgnoreCase(op->status, "notStarted"))
      return Status(502, 0, "the export " + op->id + " has an unknown status '" + op->status + "'");
    if (poll >= polls)
      return Status(202, 0, "the export " + op->id + " is still " + op->status + " after " + std::to_string(polls) +
                                " polls");
    if (wait) wait(op->retry_after_seconds > 0 ? op->retry_after_seconds : default_seconds);
  }
}

StatusOr<ExportManifest> PartnerCenterClient::GetExportManifest(const std::string& manifest_url) {
  auto r = GraphCall("GET", manifest_url);
  if (!r.ok()) return r.status();
  auto j = ObjectOf(*r, "the export manifest " + manifest_url);
  if (!j.ok()) return j.status();
  ExportManifest manifest = ManifestFrom(std::move(*j));
  if (!manifest.blobs.empty() && manifest.root_directory.empty())
    return Status(502, 0, "the export manifest " + manifest.id + " has blobs but no rootDirectory");
  return manifest;
}

StatusOr<std::string> PartnerCenterClient::DownloadExportBlob(const ExportManifest& manifest, const ExportBlob& blob) {
  // No bearer token: the SAS token is the credential, and a storage account
  // is not the place to send a Graph token.
  HttpRequest request;
  request.method = "GET";
  request.target = manifest.BlobUrl(blob);
  request.headers = {{"Accept", "application/octet-stream"}, {"x-ms-client-request-id", NextRequestId()}};
  auto r = SendWithRetries(request);
  if (!r.ok()) return r.status().Prefixed("blob " + blob.name + ": ");
  auto text = api::Gunzip(r->body, options_.max_blob_bytes);
  if (!text.ok()) return Status(502, 0, "blob " + blob.name + ": " + text.status().description());
  return std::move(*text);
}

StatusOr<std::vector<ReconciliationRow>> PartnerCenterClient::ReadReconciliationRows(const ExportManifest& manifest) {
  return ReadRows<ReconciliationRow>(*this, manifest, ReconciliationRowsIn);
}

Status PartnerCenterClient::VisitReconciliationRows(const ExportManifest& manifest,
                                                    const ReconciliationRowVisitor& visit) {
  return VisitRows(*this, manifest, visit, ForEachReconciliationRowIn);
}

StatusOr<std::vector<UsageRow>> PartnerCenterClient::ReadUsageRows(const ExportManifest& manifest) {
  return ReadRows<UsageRow>(*this, manifest, UsageRowsIn);
}

Status PartnerCenterClient::VisitUsageRows(const ExportManifest& manifest, const UsageRowVisitor& visit) {
  return VisitRows(*this, manifest, visit, ForEachUsageRowIn);
}

StatusOr<std::vector<ReconciliationRow>> PartnerCenterClient::ExportBilledReconciliation(
    const std::string& invoice_id, ExportAttributeSet attribute_set, const ExportWait& wait) {
  auto operation = StartBillingExport(
      BillingExportRequest::Billed(BillingExportKind::BilledReconciliation, invoice_id, attribute_set));
  if (!operation.ok()) return operation.status();
  auto done = WaitForExport(*operation, wait);
  if (!done.ok()) return done.status();
  auto manifest = GetExportManifest(done->manifest_url);
  if (!manifest.ok()) return manifest.status();
  return ReadReconciliationRows(*manifest);
}

}  // namespace pcsim::client
