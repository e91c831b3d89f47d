// The recon-rows expectations (docs/scenario-format.md, "Graph export rows"):
// each export is taken as an integration takes it, through the Graph routes
// (POST .../export, GET the operation, the manifest, every blob, gunzip, JSON
// lines), and its rows are matched like charge lines.
//
// An export is a command: it is kept in the router's state, and it succeeds
// only once the simulated clock has passed graphExport.delaySeconds. The
// expectations must leave the scenario's router exactly as the steps left it
// (reports read it; two replays give byte-identical reports), so the exports
// run on a scratch copy: a router with the scenario's options that replays
// the scenario router's command history (Router::History, the mechanism a
// state dir restores with), checked equal by its state digest. Every export
// is started there at the instant of the expectations; only the copy's clock
// is then advanced by Retry-After until the operations end. The copy is
// dropped afterwards.
#include <memory>
#include <stdexcept>

#include "simulator/api/compression.h"
#include "simulator/api/json_support.h"
#include "simulator/replay/run_context.h"

namespace pcsim::replay {
namespace {

using nlohmann::json;
using Export = ReconRowsExpectation::Export;

// Uncompressed bytes one check reads from all of its exports' blobs.
constexpr size_t kMaxExportBytes = size_t{64} << 20;
// Polls of one operation; Retry-After names the whole wait, so one advance ends it.
constexpr int kMaxPolls = 8;

// Why an export gave no rows to match.
struct ExportProblem {
  std::string what;
};

[[noreturn]] void Problem(std::string what) { throw ExportProblem{std::move(what)}; }

// --- the export, on a scratch copy of the scenario's router ----------------------------

std::string Describe(const ReconRowsExpectation& e) {
  std::string out = "the " + e.name + " export";
  if (e.billed())
    return out + " of invoice " + (e.invoice_position > 0 ? std::to_string(e.invoice_position) : e.invoice_id);
  return out + " of " + e.currency + " for the " + (e.last_period ? "last" : "current") + " period";
}

std::string ExportPath(Export source) {
  const std::string root = "/v1.0/reports/partners/billing/";
  switch (source) {
    case Export::Billed: return root + "reconciliation/billed/export";
    case Export::Unbilled: return root + "reconciliation/unbilled/export";
    case Export::UsageBilled: return root + "usage/billed/export";
    case Export::UsageUnbilled: return root + "usage/unbilled/export";
  }
  return root;
}

std::string Answer(const std::string& request, const api::Response& r) {
  return request + " answered " + std::to_string(r.status) + ": " + r.body.substr(0, 300);
}

class ExportSession {
 public:
  explicit ExportSession(RunContext& run) : router_(ScratchCopy(run)) {}

  // Starts the export at the current instant; the operation's path.
  std::string Start(const ReconRowsExpectation& e) {
    json body = {{"attributeSet", e.basic ? "basic" : "full"}};
    if (e.billed()) {
      body["invoiceId"] = e.invoice_position > 0 ? NthInvoice(e.invoice_position) : e.invoice_id;
    } else {
      body["currencyCode"] = e.currency;
      body["billingPeriod"] = e.last_period ? "last" : "current";
    }
    const std::string path = ExportPath(e.source);
    api::Response r = Send("POST", path, Dump(body));
    auto location = r.Header("Location");
    if (r.status != 202 || !location) Problem(Answer("POST " + path, r));
    return *location;
  }

  // Every row of the operation once it has ended, read through its manifest and blobs.
  std::vector<json> Rows(const std::string& operation) {
    const json op = Finished(operation);
    const std::string manifest_path = op.value("resourceLocation@odata.navigationLink", "");
    const json manifest = Get(manifest_path);
    const std::string root = manifest.value("rootDirectory", "");
    const std::string sas = manifest.value("sasToken", "");
    std::vector<json> rows;
    for (const json& blob : manifest.value("blobs", json::array()))
      ReadBlob(root + "/" + blob.value("name", "") + "?" + sas, rows);
    return rows;
  }

 private:
  static std::unique_ptr<api::Router> ScratchCopy(RunContext& run) {
    api::Router& original = *run.result().router;
    auto copy = std::make_unique<api::Router>(original.options());
    for (const api::CommandRecord& command : original.History()) copy->Replay(command);
    if (copy->StateDigest() != original.StateDigest())
      throw std::runtime_error("recon-rows: the scratch copy of the scenario's sandbox differs from it");
    return copy;
  }

  api::Response Send(const std::string& method, const std::string& target, const std::string& body = "") {
    return RunContext::SendTo(*router_, method, target, body);
  }

  json Get(const std::string& target) {
    api::Response r = Send("GET", target);
    json j = json::parse(r.body, nullptr, false);
    if (r.status != 200 || !j.is_object()) Problem(Answer("GET " + target, r));
    return j;
  }

  // The id of the partner's nth invoice, in the order GET /v1/invoices lists them.
  std::string NthInvoice(int n) {
    const json page = Get("/v1/invoices?size=" + std::to_string(n));
    const json items = page.value("items", json::array());
    if (!items.is_array() || items.size() < static_cast<size_t>(n))
      Problem("the partner has " + std::to_string(items.size()) + (items.size() == 1 ? " invoice" : " invoices") +
              ", so no invoice " + std::to_string(n));
    return items[static_cast<size_t>(n - 1)].value("id", "");
  }

  // Polls the operation; while it runs, advances the scratch clock by Retry-After.
  json Finished(const std::string& operation) {
    for (int poll = 0; poll < kMaxPolls; ++poll) {
      api::Response r = Send("GET", operation);
      json op = json::parse(r.body, nullptr, false);
      if (r.status != 200 || !op.is_object()) Problem(Answer("GET " + operation, r));
      const std::string status = op.value("status", "");
      if (status == "succeeded") return op;
      if (status == "failed") {
        const json error = op.value("error", json::object());
        Problem("the export failed: " + error.value("code", "") + " " + error.value("message", ""));
      }
      const std::string advance = Dump(json{{"by", "PT" + r.Header("Retry-After").value_or("1") + "S"}});
      api::Response a = Send("POST", "/_sim/clock/advance", advance);
      if (a.status != 200) Problem("running the export to its end: " + Answer("POST /_sim/clock/advance " + advance, a));
    }
    Problem("the export is still running after " + std::to_string(kMaxPolls) + " polls");
  }

  void ReadBlob(const std::string& target, std::vector<json>& rows) {
    api::Response r = Send("GET", target);
    if (r.status != 200) Problem(Answer("GET " + target, r));
    auto text = api::Gunzip(r.body, kMaxExportBytes - std::min(bytes_, kMaxExportBytes));
    if (!text.ok()) Problem("the blob " + target + " is not gzip (or larger than 64 MiB): " + text.status().description());
    bytes_ += text->size();
    size_t from = 0;
    for (size_t nl = text->find('\n'); nl != std::string::npos; from = nl + 1, nl = text->find('\n', from)) {
      // Rows are flat objects with one list: a few levels at most.
      auto row = api::ParseExactJson(std::string_view(*text).substr(from, nl - from), 4);
      if (!row || !row->is_object())
        Problem("row " + std::to_string(rows.size() + 1) + " of the blob " + target + " is not a JSON object");
      rows.push_back(std::move(*row));
    }
    if (from != text->size()) Problem("the blob " + target + " does not end with a newline");
  }

  std::unique_ptr<api::Router> router_;
  size_t bytes_ = 0;
};

// A row with the refs the scenario wrote: subscription, customer, and azure
// in a usage row (the ids themselves when no ref names them).
json WithRefs(const RunContext& run, json row, bool usage) {
  if (row.contains("SubscriptionId") && row["SubscriptionId"].is_string())
    row["subscription"] = RefOrId(run.result(), row["SubscriptionId"].get<std::string>());
  if (row.contains("CustomerId") && row["CustomerId"].is_string())
    row["customer"] = CustomerRefOrId(run, row["CustomerId"].get<std::string>());
  if (usage && row.contains("EntitlementId") && row["EntitlementId"].is_string())
    row["azure"] = AzureRefOrId(run, row["EntitlementId"].get<std::string>());
  return row;
}

LineKind KindOf(const ReconRowsExpectation& e) {
  if (e.usage())
    return {e.name + " row", {"azure", "UsageDate", "MeterId", "Quantity", "UnitPrice", "EffectiveUnitPrice",
                              "BillingPreTaxTotal"}};
  return {e.name + " row", {"subscription", "ChargeType", "ChargeStartDate", "ChargeEndDate", "UnitPrice",
                            "EffectiveUnitPrice", "Quantity", "Total"}};
}

}  // namespace

void CheckReconRows(RunContext& run, const std::vector<ReconRowsExpectation>& expected,
                    std::vector<std::string>& failures) {
  if (expected.empty()) return;
  ExportSession session(run);
  // Every export is started before any operation is run to its end: all of
  // them see the book at the instant of the expectations.
  std::vector<std::string> operations(expected.size()), problems(expected.size());
  for (size_t i = 0; i < expected.size(); ++i) {
    try {
      operations[i] = session.Start(expected[i]);
    } catch (const ExportProblem& p) {
      problems[i] = p.what;
    }
  }
  for (size_t i = 0; i < expected.size(); ++i) {
    const ReconRowsExpectation& e = expected[i];
    if (problems[i].empty()) {
      try {
        std::vector<json> actual;
        for (json& row : session.Rows(operations[i])) actual.push_back(WithRefs(run, std::move(row), e.usage()));
        MatchLines(e.where.ToString(), e.rows, actual, e.complete, KindOf(e), failures);
      } catch (const ExportProblem& p) {
        problems[i] = p.what;
      }
    }
    if (!problems[i].empty()) failures.push_back(e.where.ToString() + ": " + Describe(e) + ": " + problems[i]);
  }
}

}  // namespace pcsim::replay
