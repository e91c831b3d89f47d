// A Microsoft Graph billed reconciliation export of one large invoice: the
// generated book's January, one row per subscription, through api::Router as
// a client calls it (POST export, operation, manifest, every blob).
//
//   tools/dev bench GraphExport
//   build/tests/bench/graph_export_bench --benchmark_filter=/1000000
//
// produce_s: the server's side, from the POST to the last blob answered
// (rows rendered and gzip-compressed; of_which_render_s and of_which_gzip_s
// time the two steps again, apart). The client's side is the typed client's
// own code, every blob downloaded (from the bytes the server answered, so no
// server time is counted) and gunzipped: visit_s reads the rows as views
// (VisitReconciliationRows, the way to read a large export) and adds up
// their exact Decimal totals, which must equal the invoice's; parse_s keeps
// every row as an owned ReconciliationRow (ReadReconciliationRows). json_mb
// is the uncompressed size; the MB/s counters divide it by each time.
#include <benchmark/benchmark.h>

#include <chrono>
#include <map>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "pcsim/client/partner_center_client.h"
#include "pcsim/client/transport.h"
#include "simulator/api/compression.h"
#include "simulator/api/router.h"
#include "tests/bench/book_builder.h"

namespace pcsim {
namespace {

using Clock = std::chrono::steady_clock;

std::string PathOf(const std::string& url) {
  return url.rfind("http://", 0) == 0 ? url.substr(url.find('/', 7)) : url;
}

// A router whose January invoice has one line per subscription of the book.
std::unique_ptr<api::Router> RouterWithInvoice(int subscriptions, std::string* invoice_id, Decimal* invoice_total) {
  api::RouterOptions options;
  options.sandbox.start = Instant::StartOf(Date::Ymd(2026, 1, 1));
  options.sandbox.seed = 7;
  Policy policy = Policy::Microsoft();
  (void)policy.Override("graphExport.delaySeconds", "0");
  options.sandbox.policy = std::move(policy);
  auto router = std::make_unique<api::Router>(options);
  Sandbox& book = router->mutable_sandbox_for_setup();
  BuyBook(book, subscriptions);
  book.AdvanceTo(Instant::StartOf(Date::Ymd(2026, 2, 7)));
  size_t most = 0;
  for (const Invoice& inv : book.ledger().invoices())
    if (inv.lines.size() > most) {
      most = inv.lines.size();
      *invoice_id = inv.id;
      *invoice_total = inv.total;
    }
  return router;
}

nlohmann::json Get(api::Router& router, const std::string& target) {
  api::Response r = router.Handle(api::MakeRequest("GET", target, "", {{"Authorization", "Bearer bench"}}));
  return nlohmann::json::parse(r.body);
}

// The server's side: every blob of the export, compressed, by its path. Sets
// the operation's id and the manifest's path.
std::map<std::string, std::string> Produce(api::Router& router, const std::string& invoice_id,
                                           std::string* operation_id, std::string* manifest_path) {
  api::Response started = router.Handle(api::MakeRequest(
      "POST", "/v1.0/reports/partners/billing/reconciliation/billed/export",
      nlohmann::json{{"invoiceId", invoice_id}, {"attributeSet", "full"}}.dump(),
      {{"Authorization", "Bearer bench"}, {"Content-Type", "application/json"}}));
  nlohmann::json op = Get(router, PathOf(*started.Header("Location")));
  *operation_id = op["id"];
  *manifest_path = PathOf(op["resourceLocation@odata.navigationLink"]);
  nlohmann::json manifest = Get(router, *manifest_path);
  std::map<std::string, std::string> blobs;
  for (const auto& blob : manifest["blobs"]) {
    const std::string path = PathOf(manifest["rootDirectory"]) + "/" + blob["name"].get<std::string>();
    blobs[path] = router.Handle(api::MakeRequest("GET", path + "?" + manifest["sasToken"].get<std::string>())).body;
  }
  return blobs;
}

// The client's transport: the router, except that a blob is answered with
// the bytes it already answered (the download costs no server time).
class AnsweredBlobs final : public client::Transport {
 public:
  AnsweredBlobs(api::Router& router, const std::map<std::string, std::string>& blobs)
      : router_(router), blobs_(blobs) {}
  StatusOr<client::HttpResponse> Send(const client::HttpRequest& request) override {
    const std::string path = PathOf(request.target.substr(0, request.target.find('?')));
    if (auto it = blobs_.find(path); it != blobs_.end()) return client::HttpResponse{200, {}, it->second};
    return router_.Send(request);
  }

 private:
  client::InProcessTransport router_;
  const std::map<std::string, std::string>& blobs_;
};

double Seconds(Clock::time_point from, Clock::time_point to) { return std::chrono::duration<double>(to - from).count(); }

// The server's side split in two, for the profile: rendering the rows of
// every blob, and compressing them.
void RenderAndCompress(api::Router& router, const std::string& operation_id, double* render_s, double* gzip_s) {
  const api::ExportOperation* op = router.exports().Find(operation_id);
  *render_s = *gzip_s = 0;
  for (uint64_t i = 0; op != nullptr && i < op->blob_count(); ++i) {
    const auto t0 = Clock::now();
    std::string rows = api::BlobRows(router.sandbox(), *op, i);
    const auto t1 = Clock::now();
    benchmark::DoNotOptimize(api::Gzip(rows));
    const auto t2 = Clock::now();
    *render_s += Seconds(t0, t1);
    *gzip_s += Seconds(t1, t2);
  }
}

void BM_GraphExportBilledReconciliation(benchmark::State& state) {
  std::string invoice_id;
  Decimal invoice_total;
  auto router = RouterWithInvoice(static_cast<int>(state.range(0)), &invoice_id, &invoice_total);
  double produce_s = 0, visit_s = 0, parse_s = 0, json_bytes = 0, gzip_bytes = 0, rows = 0, render_s = 0, gzip_s = 0;
  size_t blobs = 0;
  for (auto _ : state) {
    const auto t0 = Clock::now();
    std::string operation_id, manifest_path;
    const std::map<std::string, std::string> compressed = Produce(*router, invoice_id, &operation_id, &manifest_path);
    const auto t1 = Clock::now();
    client::PartnerCenterClient partner(std::make_shared<AnsweredBlobs>(*router, compressed));
    auto manifest = partner.GetExportManifest(manifest_path);
    if (!manifest.ok()) return state.SkipWithError(manifest.status().ToString().c_str());
    const auto t2 = Clock::now();
    Decimal total;
    rows = 0;
    Status visited = partner.VisitReconciliationRows(*manifest, [&](const client::ReconciliationRowView& row) {
      total += row.total;
      rows += 1;
      return OkStatus();
    });
    const auto t3 = Clock::now();
    if (!visited.ok()) return state.SkipWithError(visited.ToString().c_str());
    if (total != invoice_total) return state.SkipWithError("the rows' totals do not add up to the invoice's");
    auto owned = partner.ReadReconciliationRows(*manifest);
    const auto t4 = Clock::now();
    if (!owned.ok() || owned->size() != static_cast<size_t>(rows)) return state.SkipWithError("rows lost");
    produce_s = Seconds(t0, t1);
    visit_s = Seconds(t2, t3);
    parse_s = Seconds(t3, t4);
    blobs = compressed.size();
    json_bytes = gzip_bytes = 0;
    for (const auto& [path, gz] : compressed) {
      gzip_bytes += static_cast<double>(gz.size());
      json_bytes += static_cast<double>(api::Gunzip(gz, size_t{1} << 32)->size());
    }
    RenderAndCompress(*router, operation_id, &render_s, &gzip_s);
  }
  state.counters["rows"] = rows;
  state.counters["blobs"] = static_cast<double>(blobs);
  state.counters["json_mb"] = json_bytes / 1e6;
  state.counters["gzip_mb"] = gzip_bytes / 1e6;
  state.counters["produce_s"] = produce_s;
  state.counters["visit_s"] = visit_s;
  state.counters["parse_s"] = parse_s;
  state.counters["of_which_render_s"] = render_s;
  state.counters["of_which_gzip_s"] = gzip_s;
  state.counters["produce_json_mb_per_s"] = json_bytes / 1e6 / produce_s;
  state.counters["visit_json_mb_per_s"] = json_bytes / 1e6 / visit_s;
  state.counters["parse_json_mb_per_s"] = json_bytes / 1e6 / parse_s;
}
BENCHMARK(BM_GraphExportBilledReconciliation)->Arg(100000)->Arg(1000000)->Unit(benchmark::kSecond)->Iterations(1);

}  // namespace
}  // namespace pcsim

BENCHMARK_MAIN();
