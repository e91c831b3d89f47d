// A Microsoft Graph billed reconciliation export of one large invoice: the
// generated book's January, one row per subscription, through api::Router as
// a client calls it (POST export, operation, manifest, every blob).
//
//   tools/dev bench graph_export
//   build/tests/bench/graph_export_bench --benchmark_filter=GraphExport/1000000
//
// produce_s: the server's side, from the POST to the last blob answered
// (rows rendered and gzip-compressed; of_which_render_s and of_which_gzip_s
// time the two steps again, apart). parse_s: the client's side, every
// blob gunzipped and read into the typed client's ReconciliationRow records
// (exact Decimal money). json_mb is the
// uncompressed size; the MB/s counters divide it by each time.
#include <benchmark/benchmark.h>

#include <chrono>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "pcsim/client/partner_center_client.h"
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
std::unique_ptr<api::Router> RouterWithInvoice(int subscriptions, std::string* invoice_id) {
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
    }
  return router;
}

nlohmann::json Get(api::Router& router, const std::string& target) {
  api::Response r = router.Handle(api::MakeRequest("GET", target, "", {{"Authorization", "Bearer bench"}}));
  return nlohmann::json::parse(r.body);
}

// The server's side: every blob of the export, compressed. Sets the
// operation's id.
std::vector<std::string> Produce(api::Router& router, const std::string& invoice_id, std::string* operation_id) {
  api::Response started = router.Handle(api::MakeRequest(
      "POST", "/v1.0/reports/partners/billing/reconciliation/billed/export",
      nlohmann::json{{"invoiceId", invoice_id}, {"attributeSet", "full"}}.dump(),
      {{"Authorization", "Bearer bench"}, {"Content-Type", "application/json"}}));
  nlohmann::json op = Get(router, PathOf(*started.Header("Location")));
  *operation_id = op["id"];
  nlohmann::json manifest = Get(router, PathOf(op["resourceLocation@odata.navigationLink"]));
  std::vector<std::string> blobs;
  for (const auto& blob : manifest["blobs"])
    blobs.push_back(router
                        .Handle(api::MakeRequest("GET", PathOf(manifest["rootDirectory"]) + "/" +
                                                            blob["name"].get<std::string>() + "?" +
                                                            manifest["sasToken"].get<std::string>()))
                        .body);
  return blobs;
}

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
    *render_s += std::chrono::duration<double>(t1 - t0).count();
    *gzip_s += std::chrono::duration<double>(t2 - t1).count();
  }
}

void BM_GraphExportBilledReconciliation(benchmark::State& state) {
  std::string invoice_id;
  auto router = RouterWithInvoice(static_cast<int>(state.range(0)), &invoice_id);
  double produce_s = 0, parse_s = 0, json_bytes = 0, gzip_bytes = 0, rows = 0, blobs = 0, render_s = 0, gzip_s = 0;
  for (auto _ : state) {
    const auto t0 = Clock::now();
    std::string operation_id;
    std::vector<std::string> compressed = Produce(*router, invoice_id, &operation_id);
    const auto t1 = Clock::now();
    rows = json_bytes = gzip_bytes = 0;
    for (const std::string& gz : compressed) {
      auto text = api::Gunzip(gz, size_t{1} << 32);
      if (!text.ok()) state.SkipWithError("a blob does not inflate");
      gzip_bytes += static_cast<double>(gz.size());
      json_bytes += static_cast<double>(text->size());
      auto parsed = client::ReconciliationRowsFromJsonLines(*text);
      if (!parsed.ok()) state.SkipWithError(parsed.status().ToString().c_str());
      rows += static_cast<double>(parsed->size());
    }
    const auto t2 = Clock::now();
    produce_s = std::chrono::duration<double>(t1 - t0).count();
    parse_s = std::chrono::duration<double>(t2 - t1).count();
    blobs = static_cast<double>(compressed.size());
    RenderAndCompress(*router, operation_id, &render_s, &gzip_s);
  }
  state.counters["rows"] = rows;
  state.counters["blobs"] = blobs;
  state.counters["json_mb"] = json_bytes / 1e6;
  state.counters["gzip_mb"] = gzip_bytes / 1e6;
  state.counters["produce_s"] = produce_s;
  state.counters["parse_s"] = parse_s;
  state.counters["of_which_render_s"] = render_s;
  state.counters["of_which_gzip_s"] = gzip_s;
  state.counters["produce_json_mb_per_s"] = json_bytes / 1e6 / produce_s;
  state.counters["parse_json_mb_per_s"] = json_bytes / 1e6 / parse_s;
}
BENCHMARK(BM_GraphExportBilledReconciliation)->Arg(100000)->Arg(1000000)->Unit(benchmark::kSecond)->Iterations(1);

}  // namespace
}  // namespace pcsim

BENCHMARK_MAIN();
