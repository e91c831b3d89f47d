// The reconcile benchmark: a deterministic book (book_builder.h), its charge
// lines written as a reconciliation CSV of about --rows rows (47 columns,
// M/D/YYYY dates, through pcsim's own row renderer), then `Reconcile` of the
// book against that CSV, timed; and, in the same run, DuckDB loading the same
// file (tools/bench-recon/load.mjs, when its node_modules are installed).
//
//   recon_bench [--rows N] [--dir DIR]     (defaults 1000000, /tmp/pcsim-recon-bench)
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <string>

#include "simulator/api/book_codec.h"
#include "simulator/api/recon_rows.h"
#include "simulator/audit/reconcile.h"
#include "tests/bench/book_builder.h"

int main(int argc, char** argv) {
  using namespace pcsim;
  size_t rows = 1000000;
  std::string dir = "/tmp/pcsim-recon-bench";
  for (int i = 1; i + 1 < argc; i += 2) {
    std::string flag = argv[i];
    if (flag == "--rows") rows = std::stoul(argv[i + 1]);
    if (flag == "--dir") dir = argv[i + 1];
  }
  std::filesystem::create_directories(dir);
  const std::string csv_path = dir + "/recon-" + std::to_string(rows) + ".csv";
  const std::string book_path = dir + "/book-" + std::to_string(rows) + ".jsonl";
  const std::string to_path = dir + "/to-" + std::to_string(rows) + ".txt";

  if (!std::filesystem::exists(csv_path) || !std::filesystem::exists(to_path)) {
    auto t = std::chrono::steady_clock::now();
    SandboxOptions options;  // January 1, 2026
    options.seed = 3;
    Sandbox sandbox(options);
    // About 14 lines a subscription over the 23 months that follow.
    BuyBook(sandbox, static_cast<int>(rows / 14 + 10));
    const Instant as_of = sandbox.Now();
    std::ofstream(book_path, std::ios::binary) << api::BookJsonLines(api::BookOf(sandbox));
    sandbox.AdvanceTo(Instant::StartOf(Date::Ymd(2028, 1, 1)));
    std::string csv, json;
    if (!audit::AppendReconCsvHeader(csv).ok()) return 2;
    std::ofstream out(csv_path, std::ios::binary);
    size_t written = 0;
    Date last;
    for (const ChargeLine& l : sandbox.ledger().lines()) {
      if (l.order_date <= as_of || l.order_date.date() == as_of.date()) continue;
      // Whole days only: the period then ends on the last day written.
      if (written >= rows && l.order_date.date() != last) break;
      api::AppendReconciliationRow(sandbox, l, api::AttributeSet::Full, false, json);
      last = l.order_date.date();
      ++written;
      if (json.size() > (size_t{16} << 20)) {
        if (!audit::AppendReconCsvRows(json, csv).ok()) return 2;
        json.clear();
        out << csv;
        csv.clear();
      }
    }
    if (!audit::AppendReconCsvRows(json, csv).ok()) return 2;
    out << csv;
    out.close();
    std::ofstream(to_path) << as_of.date().AddDays(1).ToString() << " " << last.ToString() << "\n";
    std::cout << "generated " << written << " rows, " << std::filesystem::file_size(csv_path) / 1e6 << " MB in "
              << std::chrono::duration<double>(std::chrono::steady_clock::now() - t).count() << " s\n";
  }

  std::string from, to;
  std::ifstream(to_path) >> from >> to;
  auto book = api::ReadBookFile(book_path);
  if (!book.ok()) {
    std::cerr << book.status().description() << "\n";
    return 2;
  }
  audit::ReconcileOptions options;
  options.seed = 3;
  options.from = Date::Parse(from);
  options.to = Date::Parse(to);
  auto t = std::chrono::steady_clock::now();
  auto result = audit::Reconcile(*book, {csv_path}, options);
  double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t).count();
  if (!result.ok()) {
    std::cerr << result.status().description() << "\n";
    return 2;
  }
  std::cout << "pcsim reconcile rows=" << result->actual.rows.size() << " expected=" << result->expected.rows.size()
            << " matched=" << result->counts[0] << " seconds=" << seconds << " (expected side "
            << result->seconds_expected << " s, CSV read " << result->seconds_actual << " s in parallel, match "
            << result->seconds_match << " s)\n";
  const std::string node_dir = std::string(PCSIM_SOURCE_DIR) + "/tools/bench-recon";
  if (std::filesystem::exists(node_dir + "/node_modules/@duckdb/node-api")) {
    std::cout.flush();
    int rc = std::system(("node " + node_dir + "/load.mjs " + csv_path).c_str());
    if (rc != 0) std::cout << "duckdb: node exited with " << rc << "\n";
  } else {
    std::cout << "duckdb: run npm install in tools/bench-recon to compare\n";
  }
  return result->AllMatched() ? 0 : 1;
}
