// pcsim book import / pcsim reconcile (recon_command.h).
#include "tools/pcsim/recon_command.h"

#include <CLI/CLI.hpp>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <unistd.h>

#include "simulator/api/book_codec.h"
#include "simulator/audit/book_import.h"
#include "simulator/audit/reconcile.h"

namespace pcsim::tools {
namespace {

// The status's reason without the error catalogue's "Invalid request input: ".
std::string Reason(const Status& s) {
  std::string d = s.description();
  const std::string prefix = "Invalid request input: ";
  for (size_t at; (at = d.find(prefix)) != std::string::npos;) d.erase(at, prefix.size());
  return d;
}

int Fail(const std::string& command, const std::string& message) {
  std::cerr << "pcsim " << command << ": " << message << "\n";
  return 2;
}

int BookImport(const ReconFlags& f) {
  auto as_of = Instant::Parse(f.as_of);
  if (!as_of) return Fail("book import", "--as-of expects an RFC 3339 instant or a date, got \"" + f.as_of + "\"");
  audit::Interner texts;
  audit::ReconInput input;
  for (const std::string& file : f.import_files) {
    Status read = audit::ReadReconFile(file, audit::ReconNeeds::kImport, texts, input);
    if (!read.ok()) return Fail("book import", Reason(read));
  }
  if (Status checked = audit::CheckReconRows(input, texts); !checked.ok()) return Fail("book import", Reason(checked));
  auto book = audit::ImportBook(input, texts, *as_of, Policy::Microsoft());
  if (!book.ok()) return Fail("book import", Reason(book.status()));
  if (f.import_out.empty() || f.import_out == "-") {
    api::WriteBookJsonLines(*book, std::cout);
    return std::cout ? 0 : 2;
  }
  // Next to the target, then renamed over it: nothing partial.
  std::string tmp = f.import_out + ".tmp-" + std::to_string(::getpid());
  {
    std::ofstream out(tmp, std::ios::binary);
    api::WriteBookJsonLines(*book, out);
    out.close();
    if (!out) {
      std::filesystem::remove(tmp);
      return Fail("book import", f.import_out + ": cannot be written");
    }
  }
  std::error_code ec;
  std::filesystem::rename(tmp, f.import_out, ec);
  if (ec) {
    std::filesystem::remove(tmp, ec);
    return Fail("book import", f.import_out + ": cannot be written");
  }
  size_t subscriptions = 0;
  for (const auto& c : book->customers) subscriptions += c.subscriptions.size();
  std::cerr << "pcsim book import: " << book->customers.size() << " customer(s), " << subscriptions
            << " subscription(s), " << book->assumptions.size() << " assumption(s) written to " << f.import_out
            << "\n";
  return 0;
}

int Reconcile(const ReconFlags& f) {
  audit::ReconcileOptions options;
  if (!f.from.empty()) {
    options.from = Date::Parse(f.from);
    if (!options.from) return Fail("reconcile", "--from expects a date YYYY-MM-DD, got \"" + f.from + "\"");
  }
  if (!f.to.empty()) {
    options.to = Date::Parse(f.to);
    if (!options.to) return Fail("reconcile", "--to expects a date YYYY-MM-DD, got \"" + f.to + "\"");
  }
  auto tolerance = Decimal::Parse(f.tolerance);
  if (!tolerance || tolerance->IsNegative())
    return Fail("reconcile", "--tolerance expects a non-negative decimal, got \"" + f.tolerance + "\"");
  options.tolerance = *tolerance;
  auto shard = audit::Shard::Parse(f.shard);
  if (!shard) return Fail("reconcile", "--shard expects i/n with 0 <= i < n <= 4096, got \"" + f.shard + "\"");
  options.shard = *shard;
  auto book = api::ReadBookFile(f.book);
  if (!book.ok()) return Fail("reconcile", Reason(book.status()));
  auto t = std::chrono::steady_clock::now();
  auto result = audit::Reconcile(*book, f.actual, options);
  if (!result.ok()) return Fail("reconcile", Reason(result.status()));
  if (Status written = audit::WriteReconcileReport(audit::ReportOf(*result), f.out_dir, *shard); !written.ok())
    return Fail("reconcile", Reason(written));
  double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t).count();
  std::cout << "pcsim reconcile " << result->from.ToString() << ".." << result->to.ToString() << ": "
            << result->expected.rows.size() << " expected, " << result->actual.rows.size() - result->actual_outside
            << " actual";
  for (int i = 0; i < audit::kReconOutcomeCount; ++i)
    std::cout << "; " << audit::ToString(static_cast<audit::ReconOutcome>(i)) << " " << result->counts[i];
  std::cout << " (" << seconds << " s). Report: " << f.out_dir << "/reconcile.csv, " << f.out_dir
            << "/reconcile.html\n";
  return result->AllMatched() ? 0 : 1;
}

}  // namespace

CLI::App* AddReconCommands(CLI::App& app, ReconFlags* f) {
  CLI::App* book = app.add_subcommand("book", "books of subscriptions: import them from reconciliation files, or pull them from an API");
  CLI::App* import = book->add_subcommand(
      "import", "rebuild a book at --as-of from reconciliation rows (Graph v2 JSON lines, gzip or not, or the CSV)");
  import->add_option("FILE", f->import_files, "reconciliation files")->required()->type_name("");
  import->add_option("--as-of", f->as_of, "the book's instant, RFC 3339 or a date")->required()->type_name("INSTANT");
  import->add_option("--out", f->import_out, "the book file (JSON Lines; default stdout)")->type_name("BOOK.jsonl");
  import->footer("What the rows cannot say is chosen and listed in the book's assumptions. Exit 0: the book is\n"
                 "written; 2: a file is not valid (file, line or row, and the reason), nothing is written.");

  CLI::App* rec = app.add_subcommand("reconcile", "match a book's expected charge lines against actual reconciliation rows");
  rec->add_option("--book", f->book, "the book (JSON Lines or document)")->required()->type_name("BOOK");
  rec->add_option("--actual", f->actual, "actual rows: Graph v2 JSON lines (gzip or not) or the CSV (repeatable)")
      ->required()
      ->type_name("FILE");
  rec->add_option("--from", f->from, "first OrderDate of the period (default: the day after asOf)")->type_name("DATE");
  rec->add_option("--to", f->to, "last OrderDate of the period (default: the latest actual one)")->type_name("DATE");
  rec->add_option("--tolerance", f->tolerance, "allowed difference per line and total (default 0.00)")
      ->type_name("AMOUNT");
  rec->add_option("--out", f->out_dir, "the report folder (default reconcile)")->type_name("DIR");
  rec->add_option("--shard", f->shard, "only the customers of shard I of N (needs --from and --to; pcsim merge joins them)")
      ->type_name("I/N");
  rec->footer("Writes DIR/reconcile.csv and DIR/reconcile.html. Exit 0: everything matches within the\n"
              "tolerance; 1: differences; 2: bad input (file, line or row, and the reason), nothing written.");
  return book;
}

int RunReconCommand(const CLI::App& command, const ReconFlags& flags) {
  if (command.get_name() == "reconcile") return Reconcile(flags);
  if (command.get_subcommands().empty()) return Fail("book", "expected a verb: import or pull");
  return BookImport(flags);
}

}  // namespace pcsim::tools
