// Reconcile (reconcile.h): expected rows rendered by the API's own renderer,
// read back by the reader the actual rows go through, then matched in sorted
// passes: exact keys first, then looser ones for what is left.
#include "simulator/audit/reconcile.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <thread>
#include <unistd.h>

#include "simulator/api/recon_rows.h"
#include "simulator/audit/csv_reader.h"
#include "simulator/model/csv.h"
#include "simulator/model/data_file.h"
#include "simulator/model/errors.h"
#include "simulator/model/html_text.h"

namespace pcsim::audit {
namespace {

double SecondsSince(std::chrono::steady_clock::time_point t) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t).count();
}

Decimal Abs(Decimal d) { return d.IsNegative() ? -d : d; }

struct Key {
  uint32_t sub, type;
  Date start, end;
  int64_t quantity;
};

enum class Pass { kExact, kSameStart, kSameEnd, kSameType };

bool Less(const ReconRow& a, const ReconRow& b, Pass pass) {
  if (a.subscription != b.subscription) return a.subscription < b.subscription;
  if (a.charge_type != b.charge_type) return a.charge_type < b.charge_type;
  switch (pass) {
    case Pass::kExact:
      if (a.charge_start != b.charge_start) return a.charge_start < b.charge_start;
      if (a.charge_end != b.charge_end) return a.charge_end < b.charge_end;
      if (a.quantity != b.quantity) return a.quantity < b.quantity;
      return a.subtotal < b.subtotal;
    case Pass::kSameStart:
      if (a.charge_start != b.charge_start) return a.charge_start < b.charge_start;
      return a.charge_end < b.charge_end;
    case Pass::kSameEnd:
      if (a.charge_end != b.charge_end) return a.charge_end < b.charge_end;
      return a.charge_start < b.charge_start;
    case Pass::kSameType: return a.charge_start < b.charge_start;
  }
  return false;
}

bool Same(const ReconRow& a, const ReconRow& b, Pass pass) {
  if (a.subscription != b.subscription || a.charge_type != b.charge_type) return false;
  switch (pass) {
    case Pass::kExact:
      return a.charge_start == b.charge_start && a.charge_end == b.charge_end && a.quantity == b.quantity;
    case Pass::kSameStart: return a.charge_start == b.charge_start;
    case Pass::kSameEnd: return a.charge_end == b.charge_end;
    case Pass::kSameType: return true;
  }
  return false;
}

std::string Money(Decimal d) { return d.Normalized().ToString(); }

}  // namespace

std::string_view ToString(ReconOutcome o) {
  switch (o) {
    case ReconOutcome::kMatched: return "matched";
    case ReconOutcome::kAmountDiffers: return "amount differs";
    case ReconOutcome::kQuantityDiffers: return "quantity differs";
    case ReconOutcome::kDatesDiffer: return "dates differ";
    case ReconOutcome::kMissing: return "expected but missing";
    case ReconOutcome::kUnexpected: return "present but unexpected";
  }
  return "";
}

bool ReconcileResult::AllMatched() const { return ReportOf(*this).AllMatched(); }

StatusOr<ReconcileResult> Reconcile(const Book& whole_book, const std::vector<std::string>& actual_files,
                                    const ReconcileOptions& options) {
  const bool sharded = options.shard.count > 1;
  if (sharded && (!options.from || !options.to))
    return Error<Err::InvalidInput>("a shard needs --from and --to: every shard reconciles the same period");
  // A shard's customers only (Shard::Holds, as pcsim audit splits a book).
  Book shard_book;
  if (sharded) {
    shard_book.version = whole_book.version;
    shard_book.as_of = whole_book.as_of;
    shard_book.partner_tenant_id = whole_book.partner_tenant_id;
    shard_book.resellers = whole_book.resellers;
    for (const BookCustomer& c : whole_book.customers)
      if (options.shard.Holds(c.id)) shard_book.customers.push_back(c);
  }
  const Book& book = sharded ? shard_book : whole_book;
  SandboxOptions sandbox_options;
  sandbox_options.seed = options.seed;
  auto loaded = Sandbox::FromBook(book, sandbox_options);
  if (!loaded.ok()) return loaded.status();
  Sandbox& sandbox = **loaded;

  ReconcileResult result;
  result.tolerance = options.tolerance;
  Interner actual_texts;  // the actual rows' texts, read on their own thread
  Status actual_status = OkStatus();
  double actual_seconds = 0;
  auto read_actual = [&] {
    auto t = std::chrono::steady_clock::now();
    for (const std::string& f : actual_files) {
      actual_status = ReadReconFile(f, ReconNeeds::kReconcile, actual_texts, result.actual);
      if (!actual_status.ok()) return;
    }
    actual_status = CheckReconRows(result.actual, actual_texts);
    if (sharded)
      std::erase_if(result.actual.rows,
                    [&](const ReconRow& r) { return !options.shard.Holds(actual_texts.Text(r.customer)); });
    actual_seconds = SecondsSince(t);
  };

  const Date as_of_day = book.as_of.date();
  result.from = options.from.value_or(book.as_of == Instant::StartOf(as_of_day) ? as_of_day : as_of_day.AddDays(1));
  std::thread reader;
  if (options.to) {
    reader = std::thread(read_actual);
    result.to = *options.to;
  } else {
    read_actual();
    if (!actual_status.ok()) return actual_status;
    Date latest = result.from;
    for (const ReconRow& r : result.actual.rows) latest = std::max(latest, r.order_date);
    result.to = latest;
  }
  auto join = [&] {
    if (reader.joinable()) reader.join();
  };
  if (result.to < result.from) {
    join();
    return Error<Err::InvalidInput>("--to " + result.to.ToString() + " is before --from " + result.from.ToString());
  }

  // The expected rows: the API's rows, read back as the actual rows are.
  auto t_expected = std::chrono::steady_clock::now();
  sandbox.AdvanceTo(Instant::StartOf(result.to.AddDays(1)));
  Interner& texts = result.texts;
  // The ledger line of each expected row, in the order they are read back.
  std::vector<uint32_t> expected_lines;
  // How pcsim came to an expected row's amount: the simulator's own
  // derivation of the line (Sandbox::ExplainCharge).
  auto derivation = [&](uint32_t expected) {
    return "pcsim: " + sandbox.ExplainCharge(sandbox.ledger().line(expected_lines[expected]));
  };
  {
    std::string chunk;
    constexpr size_t kChunkBytes = size_t{32} << 20;
    const auto& lines = sandbox.ledger().lines();
    Status status = OkStatus();
    auto flush = [&] {
      if (!chunk.empty() && status.ok())
        status = ReadReconText(chunk, "pcsim", ReconNeeds::kReconcile, texts, result.expected);
      chunk.clear();
    };
    for (size_t i = 0; i < lines.size() && status.ok(); ++i) {
      const ChargeLine& line = lines[i];
      Date day = line.order_date.date();
      if (day < result.from || day > result.to) continue;
      api::AppendReconciliationRow(sandbox, line, api::AttributeSet::Full, false, chunk);
      expected_lines.push_back(static_cast<uint32_t>(i));
      if (chunk.size() > kChunkBytes) flush();
    }
    flush();
    if (!status.ok()) {
      join();
      return Error<Err::InvalidInput>("pcsim's own rows do not read back: " + status.description());
    }
  }
  result.seconds_expected = SecondsSince(t_expected);
  join();
  if (!actual_status.ok()) return actual_status;
  result.seconds_actual = actual_seconds;

  // One set of text ids: the actual rows' texts in the result's interner.
  auto t_match = std::chrono::steady_clock::now();
  {
    std::vector<uint32_t> map(actual_texts.size(), UINT32_MAX);
    auto to = [&](uint32_t& id) {
      if (map[id] == UINT32_MAX) map[id] = texts.Intern(actual_texts.Text(id));
      id = map[id];
    };
    for (ReconRow& r : result.actual.rows) {
      for (uint32_t* f : {&r.partner, &r.customer, &r.customer_name, &r.domain, &r.country, &r.invoice, &r.reseller,
                          &r.order_id, &r.product, &r.sku, &r.availability, &r.sku_name, &r.charge_type_text,
                          &r.currency, &r.subscription, &r.term_text, &r.promotion})
        to(*f);
      if (r.charge_type >= kOtherChargeType) {
        uint32_t id = r.charge_type - kOtherChargeType;
        to(id);
        r.charge_type = kOtherChargeType + id;
      }
    }
  }

  // The rows of the period, then the passes.
  std::vector<uint32_t> left_e(result.expected.rows.size()), left_a;
  for (uint32_t i = 0; i < left_e.size(); ++i) left_e[i] = i;
  left_a.reserve(result.actual.rows.size());
  for (uint32_t i = 0; i < result.actual.rows.size(); ++i) {
    Date d = result.actual.rows[i].order_date;
    if (d < result.from || d > result.to) {
      ++result.actual_outside;
      continue;
    }
    left_a.push_back(i);
  }
  const auto& E = result.expected.rows;
  const auto& A = result.actual.rows;
  std::vector<std::pair<int64_t, int64_t>> matched_pairs;  // for the totals
  matched_pairs.reserve(left_a.size());
  for (Pass pass : {Pass::kExact, Pass::kSameStart, Pass::kSameEnd, Pass::kSameType}) {
    std::sort(left_e.begin(), left_e.end(), [&](uint32_t x, uint32_t y) { return Less(E[x], E[y], pass); });
    std::sort(left_a.begin(), left_a.end(), [&](uint32_t x, uint32_t y) { return Less(A[x], A[y], pass); });
    std::vector<uint32_t> rest_e, rest_a;
    size_t i = 0, j = 0;
    while (i < left_e.size() && j < left_a.size()) {
      const ReconRow& e = E[left_e[i]];
      const ReconRow& a = A[left_a[j]];
      if (Same(e, a, pass)) {
        matched_pairs.emplace_back(left_e[i], left_a[j]);
        ReconPair p;
        p.expected = left_e[i];
        p.actual = left_a[j];
        if (pass == Pass::kExact) {
          if (Abs(e.subtotal - a.subtotal) <= options.tolerance) {
            ++result.counts[static_cast<int>(ReconOutcome::kMatched)];
          } else {
            p.outcome = ReconOutcome::kAmountDiffers;
            p.why = "Subtotal expected " + Money(e.subtotal) + ", actual " + Money(a.subtotal);
            if (e.unit_price != a.unit_price)
              p.why += "; UnitPrice expected " + Money(e.unit_price) + ", actual " + Money(a.unit_price);
            if (e.effective_unit_price != a.effective_unit_price)
              p.why += "; EffectiveUnitPrice expected " + Money(e.effective_unit_price) + ", actual " +
                       Money(a.effective_unit_price);
            p.why += ". " + derivation(left_e[i]);
          }
        } else if (pass == Pass::kSameStart && e.charge_end == a.charge_end) {
          p.outcome = ReconOutcome::kQuantityDiffers;
          p.why = "Quantity expected " + std::to_string(e.quantity) + ", actual " + std::to_string(a.quantity) +
                  "; Subtotal expected " + Money(e.subtotal) + ", actual " + Money(a.subtotal);
        } else {
          p.outcome = ReconOutcome::kDatesDiffer;
          p.why = "charge period expected " + e.charge_start.ToString() + ".." + e.charge_end.ToString() +
                  ", actual " + a.charge_start.ToString() + ".." + a.charge_end.ToString();
          if (e.quantity != a.quantity)
            p.why += "; Quantity expected " + std::to_string(e.quantity) + ", actual " + std::to_string(a.quantity);
          p.why += "; Subtotal expected " + Money(e.subtotal) + ", actual " + Money(a.subtotal);
        }
        if (p.outcome != ReconOutcome::kMatched) {
          ++result.counts[static_cast<int>(p.outcome)];
          result.pairs.push_back(std::move(p));
        }
        ++i;
        ++j;
      } else if (Less(e, a, pass)) {
        rest_e.push_back(left_e[i++]);
      } else {
        rest_a.push_back(left_a[j++]);
      }
    }
    rest_e.insert(rest_e.end(), left_e.begin() + static_cast<std::ptrdiff_t>(i), left_e.end());
    rest_a.insert(rest_a.end(), left_a.begin() + static_cast<std::ptrdiff_t>(j), left_a.end());
    left_e = std::move(rest_e);
    left_a = std::move(rest_a);
  }
  for (uint32_t e : left_e) {
    const ReconRow& r = E[e];
    result.pairs.push_back({ReconOutcome::kMissing, e, -1,
                            "pcsim expects " + std::string(texts.Text(r.charge_type_text)) + " " +
                                r.charge_start.ToString() + ".." + r.charge_end.ToString() + " x " +
                                std::to_string(r.quantity) + " = " + Money(r.subtotal) + " (" +
                                derivation(e) + ")"});
    ++result.counts[static_cast<int>(ReconOutcome::kMissing)];
  }
  for (uint32_t a : left_a) {
    const ReconRow& r = A[a];
    result.pairs.push_back({ReconOutcome::kUnexpected, -1, a,
                            result.actual.Where(r) + " holds " + std::string(texts.Text(r.charge_type_text)) + " " +
                                r.charge_start.ToString() + ".." + r.charge_end.ToString() + " x " +
                                std::to_string(r.quantity) + " = " + Money(r.subtotal) +
                                ", which the book does not make"});
    ++result.counts[static_cast<int>(ReconOutcome::kUnexpected)];
  }
  std::sort(result.pairs.begin(), result.pairs.end(), [&](const ReconPair& x, const ReconPair& y) {
    const ReconRow& rx = x.actual >= 0 ? A[x.actual] : E[x.expected];
    const ReconRow& ry = y.actual >= 0 ? A[y.actual] : E[y.expected];
    if (rx.customer != ry.customer) return texts.Text(rx.customer) < texts.Text(ry.customer);
    if (rx.subscription != ry.subscription) return texts.Text(rx.subscription) < texts.Text(ry.subscription);
    return rx.charge_start < ry.charge_start;
  });

  // Totals per invoice and per customer: the actual invoice of a paired line.
  std::map<std::string, ReconTotal> invoices, customers;
  auto add = [&](const ReconRow* e, const ReconRow* a) {
    const ReconRow& r = a != nullptr ? *a : *e;
    std::string invoice(texts.Text(r.invoice));
    if (invoice.empty()) invoice = "(not invoiced)";
    for (auto [map, key] : {std::pair{&invoices, invoice}, std::pair{&customers, std::string(texts.Text(r.customer))}}) {
      ReconTotal& t = (*map)[key];
      t.key = key;
      t.name = std::string(texts.Text(r.customer_name));
      t.currency = std::string(texts.Text(r.currency));
      if (e != nullptr) t.expected += e->subtotal;
      if (a != nullptr) t.actual += a->subtotal;
      ++t.lines;
    }
  };
  for (auto [e, a] : matched_pairs) add(&E[e], &A[a]);
  for (uint32_t e : left_e) add(&E[e], nullptr);
  for (uint32_t a : left_a) add(nullptr, &A[a]);
  for (auto& [k, t] : invoices) result.invoices.push_back(t);
  for (auto& [k, t] : customers) result.customers.push_back(t);
  result.seconds_match = SecondsSince(t_match);
  return result;
}

// --- the report ------------------------------------------------------------------------

namespace {


ReconReportLine LineOf(const ReconcileResult& r, const ReconPair& p) {
  const ReconRow* e = p.expected >= 0 ? &r.expected.rows[p.expected] : nullptr;
  const ReconRow* a = p.actual >= 0 ? &r.actual.rows[p.actual] : nullptr;
  const ReconRow& any = a != nullptr ? *a : *e;
  ReconReportLine l;
  l.outcome = std::string(ToString(p.outcome));
  l.customer = std::string(r.texts.Text(any.customer));
  l.invoice = std::string(r.texts.Text(any.invoice));
  l.subscription = std::string(r.texts.Text(any.subscription));
  l.charge_type = std::string(r.texts.Text(any.charge_type_text));
  l.start = any.charge_start.ToString();
  l.end = any.charge_end.ToString();
  if (e) l.expected_quantity = std::to_string(e->quantity), l.expected_subtotal = Money(e->subtotal);
  if (a) l.actual_quantity = std::to_string(a->quantity), l.actual_subtotal = Money(a->subtotal), l.actual_row = r.actual.Where(*a);
  l.difference = Money((a ? Decimal(a->subtotal) : Decimal()) - (e ? Decimal(e->subtotal) : Decimal()));
  l.why = p.why;
  return l;
}

auto LineKey(const ReconReportLine& l) {
  return std::tie(l.customer, l.subscription, l.charge_type, l.start, l.end, l.outcome, l.actual_row, l.why);
}

Status WriteFile(const std::filesystem::path& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary);
  out.write(text.data(), static_cast<std::streamsize>(text.size()));
  out.close();
  if (!out) return Error<Err::InvalidInput>(path.string() + ": cannot be written");
  return OkStatus();
}

const char* kCsvHeader =
    "kind,outcome,customer_id,invoice,subscription_id,charge_type,charge_start,charge_end,expected_quantity,"
    "actual_quantity,expected_subtotal,actual_subtotal,difference,actual_row,detail";

void CsvLine(std::string& csv, const std::string& kind, const ReconReportLine& l) {
  for (const std::string* f : {&kind, &l.outcome, &l.customer, &l.invoice, &l.subscription, &l.charge_type, &l.start,
                               &l.end, &l.expected_quantity, &l.actual_quantity, &l.expected_subtotal,
                               &l.actual_subtotal, &l.difference, &l.actual_row}) {
    csv += pcsim::CsvField(*f);
    csv.push_back(',');
  }
  csv += pcsim::CsvField(l.why);
  csv += "\r\n";
}

nlohmann::ordered_json TotalsJson(const std::vector<ReconTotal>& list) {
  nlohmann::ordered_json out = nlohmann::ordered_json::array();
  for (const ReconTotal& t : list)
    out.push_back({{"key", t.key}, {"name", t.name}, {"currency", t.currency}, {"expected", Money(t.expected)},
                   {"actual", Money(t.actual)}, {"lines", t.lines}});
  return out;
}

nlohmann::ordered_json SummaryJson(const ReconReport& r) {
  nlohmann::ordered_json j;
  j["pcsimReconcile"] = 1;
  j["from"] = r.from.ToString();
  j["to"] = r.to.ToString();
  j["tolerance"] = Money(r.tolerance);
  j["expectedLines"] = r.expected_lines;
  j["actualRows"] = r.actual_rows;
  j["actualOutside"] = r.actual_outside;
  nlohmann::ordered_json counts = nlohmann::ordered_json::object();
  for (int i = 0; i < kReconOutcomeCount; ++i) counts[std::string(ToString(static_cast<ReconOutcome>(i)))] = r.counts[i];
  j["counts"] = std::move(counts);
  j["invoices"] = TotalsJson(r.invoices);
  j["customers"] = TotalsJson(r.customers);
  return j;
}

}  // namespace

bool ReconReport::AllMatched() const {
  for (int i = 1; i < kReconOutcomeCount; ++i)
    if (counts[i] != 0) return false;
  for (const auto* totals : {&invoices, &customers})
    for (const ReconTotal& t : *totals)
      if (Abs(t.expected - t.actual) > tolerance) return false;
  return true;
}

ReconReport ReportOf(const ReconcileResult& result) {
  ReconReport r;
  r.from = result.from;
  r.to = result.to;
  r.tolerance = result.tolerance;
  r.expected_lines = result.expected.rows.size();
  r.actual_rows = result.actual.rows.size() - result.actual_outside;
  r.actual_outside = result.actual_outside;
  r.counts = result.counts;
  r.lines.reserve(result.pairs.size());
  for (const ReconPair& p : result.pairs) r.lines.push_back(LineOf(result, p));
  std::sort(r.lines.begin(), r.lines.end(), [](const auto& x, const auto& y) { return LineKey(x) < LineKey(y); });
  r.invoices = result.invoices;
  for (ReconTotal& t : r.invoices) t.name.clear();  // an invoice is the partner's, of many customers
  r.customers = result.customers;
  return r;
}

Status WriteReconcileReport(const ReconReport& report, const std::string& dir, const Shard& shard) {
  namespace fs = std::filesystem;
  // The CSV: every line that is not a match, then the totals.
  std::string csv = std::string(kCsvHeader) + "\r\n";
  for (const ReconReportLine& l : report.lines) CsvLine(csv, "line", l);
  auto total_line = [&](const char* kind, const ReconTotal& t, bool invoice) {
    ReconReportLine l;
    l.outcome = Abs(t.expected - t.actual) <= report.tolerance ? "matched" : "amount differs";
    (invoice ? l.invoice : l.customer) = t.key;
    l.expected_subtotal = Money(t.expected);
    l.actual_subtotal = Money(t.actual);
    l.difference = Money(t.actual - t.expected);
    l.why = (t.name.empty() ? "" : t.name + " ") + t.currency + ", " + std::to_string(t.lines) + " line(s)";
    CsvLine(csv, kind, l);
  };
  for (const ReconTotal& t : report.invoices) total_line("invoice", t, true);
  for (const ReconTotal& t : report.customers) total_line("customer", t, false);

  // The HTML: self-contained, no script, no outside reference.
  std::string html =
      "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>pcsim reconcile</title><style>"
      "body{font:14px system-ui,sans-serif;margin:2em}table{border-collapse:collapse;margin:1em 0}"
      "td,th{border:1px solid #ccc;padding:2px 6px;text-align:left;vertical-align:top}"
      ".ok{color:#176117}.bad{color:#a11}td.n{text-align:right}</style></head><body>\n";
  html += "<h1>Reconciliation " + report.from.ToString() + " to " + report.to.ToString() + "</h1>\n";
  html += std::string("<p class=\"") + (report.AllMatched() ? "ok\">Everything matches" : "bad\">Differences found") +
          " within a tolerance of " + Money(report.tolerance) + ". Expected lines: " +
          std::to_string(report.expected_lines) + "; actual rows in the period: " + std::to_string(report.actual_rows) +
          " (" + std::to_string(report.actual_outside) +
          " outside it).</p>\n<table><tr><th>Outcome</th><th>Lines</th></tr>";
  for (int i = 0; i < kReconOutcomeCount; ++i)
    html += "<tr><td>" + std::string(ToString(static_cast<ReconOutcome>(i))) + "</td><td class=\"n\">" +
            std::to_string(report.counts[i]) + "</td></tr>";
  html += "</table>\n";
  auto totals = [&](const char* title, const std::vector<ReconTotal>& list) {
    html += std::string("<h2>") + title + "</h2><table><tr><th>Id</th><th>Customer</th><th>Currency</th>"
            "<th>Expected</th><th>Actual</th><th>Difference</th><th>Lines</th></tr>";
    for (const ReconTotal& t : list) {
      bool ok = Abs(t.expected - t.actual) <= report.tolerance;
      html += std::string("<tr class=\"") + (ok ? "ok" : "bad") + "\"><td>";
      html += HtmlText(t.key);
      html += "</td><td>";
      html += HtmlText(t.name);
      html += "</td><td>" + t.currency + "</td><td class=\"n\">" + Money(t.expected) + "</td><td class=\"n\">" +
              Money(t.actual) + "</td><td class=\"n\">" + Money(t.actual - t.expected) + "</td><td class=\"n\">" +
              std::to_string(t.lines) + "</td></tr>";
    }
    html += "</table>\n";
  };
  totals("Per invoice", report.invoices);
  totals("Per customer", report.customers);
  html += "<h2>Lines that differ</h2><table><tr><th>Outcome</th><th>Customer</th><th>Subscription</th>"
          "<th>Charge</th><th>Period</th><th>Qty exp.</th><th>Qty act.</th><th>Expected</th><th>Actual</th>"
          "<th>Row</th><th>Why</th></tr>";
  constexpr size_t kHtmlLines = 10000;
  for (size_t i = 0; i < report.lines.size() && i < kHtmlLines; ++i) {
    const ReconReportLine& l = report.lines[i];
    html += "<tr><td class=\"bad\">" + l.outcome + "</td>";
    for (const std::string* f : {&l.customer, &l.subscription, &l.charge_type}) {
      html += "<td>";
      html += HtmlText(*f);
      html += "</td>";
    }
    html += "<td>" + l.start + ".." + l.end + "</td><td class=\"n\">" + l.expected_quantity + "</td><td class=\"n\">" +
            l.actual_quantity + "</td><td class=\"n\">" + l.expected_subtotal + "</td><td class=\"n\">" +
            l.actual_subtotal + "</td><td>";
    html += HtmlText(l.actual_row);
    html += "</td><td>";
    html += HtmlText(l.why);
    html += "</td></tr>\n";
  }
  html += "</table>\n";
  if (report.lines.size() > kHtmlLines)
    html += "<p>" + std::to_string(report.lines.size() - kHtmlLines) + " more in reconcile.csv.</p>\n";
  html += "</body></html>\n";

  // Into a new folder, which then takes DIR's place.
  std::error_code ec;
  fs::path target(dir);
  fs::path parent = target.parent_path().empty() ? fs::path(".") : target.parent_path();
  fs::create_directories(parent, ec);
  fs::path tmp = parent / (target.filename().string() + ".tmp-" + std::to_string(::getpid()));
  fs::remove_all(tmp, ec);
  if (!fs::create_directory(tmp, ec))
    return Error<Err::InvalidInput>(tmp.string() + ": cannot be created: " + ec.message());
  Status written = WriteFile(tmp / "reconcile.csv", csv);
  if (written.ok()) written = WriteFile(tmp / "reconcile.html", html);
  if (written.ok()) written = WriteFile(tmp / "reconcile.json", SummaryJson(report).dump(2) + "\n");
  if (written.ok() && shard.count > 1)
    written = WriteFile(tmp / "shard.json", ShardFolders::Json(shard));
  if (!written.ok()) {
    fs::remove_all(tmp, ec);
    return written;
  }
  fs::path old = parent / (target.filename().string() + ".old-" + std::to_string(::getpid()));
  bool had = fs::exists(target, ec);
  if (had) fs::rename(target, old, ec);
  if (ec) {
    fs::remove_all(tmp, ec);
    return Error<Err::InvalidInput>(dir + ": cannot be replaced");
  }
  fs::rename(tmp, target, ec);
  if (ec) {
    if (had) fs::rename(old, target, ec);
    fs::remove_all(tmp, ec);
    return Error<Err::InvalidInput>(dir + ": cannot be written");
  }
  if (had) fs::remove_all(old, ec);
  return OkStatus();
}


Status MergeReconcileReports(const std::vector<std::string>& dirs, const std::string& out_dir) {
  namespace fs = std::filesystem;
  if (dirs.empty()) return Error<Err::InvalidInput>("pcsim merge needs the shards' folders");
  ReconReport merged;
  std::optional<nlohmann::json> period;  // from, to, tolerance: the same in every shard
  ShardFolders shards;
  std::map<std::string, ReconTotal> invoices, customers;
  for (const std::string& dir : dirs) {
    auto summary_text = ReadDataFile((fs::path(dir) / "reconcile.json").string());
    if (!summary_text.ok()) return Error<Err::InvalidInput>(dir + ": not the folder of a reconcile shard");
    PCSIM_RETURN_IF_ERROR(shards.Add(dir));
    auto summary = nlohmann::json::parse(*summary_text, nullptr, false);
    if (summary.is_discarded() || !summary.contains("counts"))
      return Error<Err::InvalidInput>(dir + ": reconcile.json is damaged");
    nlohmann::json this_period = {{"from", summary.value("from", "")}, {"to", summary.value("to", "")},
                                  {"tolerance", summary.value("tolerance", "")}};
    if (period && *period != this_period) return Error<Err::InvalidInput>(dir + ": a shard of another period or tolerance");
    if (!period) {
      period = this_period;
      auto from = Date::Parse(this_period["from"].get<std::string>()), to = Date::Parse(this_period["to"].get<std::string>());
      auto tolerance = Decimal::Parse(this_period["tolerance"].get<std::string>());
      if (!from || !to || !tolerance) return Error<Err::InvalidInput>(dir + ": reconcile.json lacks its period");
      merged.from = *from;
      merged.to = *to;
      merged.tolerance = *tolerance;
    }
    try {
      merged.expected_lines += summary.at("expectedLines").get<size_t>();
      merged.actual_rows += summary.at("actualRows").get<size_t>();
      merged.actual_outside += summary.at("actualOutside").get<size_t>();
      for (int i = 0; i < kReconOutcomeCount; ++i)
        merged.counts[i] += summary.at("counts").at(std::string(ToString(static_cast<ReconOutcome>(i)))).get<size_t>();
      for (auto [list, into] : {std::pair{"invoices", &invoices}, std::pair{"customers", &customers}})
        for (const auto& t : summary.at(list)) {
          ReconTotal& total = (*into)[t.at("key").get<std::string>()];
          auto expected = Decimal::Parse(t.at("expected").get<std::string>());
          auto actual = Decimal::Parse(t.at("actual").get<std::string>());
          if (!expected || !actual) return Error<Err::InvalidInput>(dir + ": reconcile.json holds a bad amount");
          total.key = t.at("key").get<std::string>();
          total.name = t.at("name").get<std::string>();
          total.currency = t.at("currency").get<std::string>();
          total.expected += *expected;
          total.actual += *actual;
          total.lines += t.at("lines").get<size_t>();
        }
    } catch (const nlohmann::json::exception&) {
      return Error<Err::InvalidInput>(dir + ": reconcile.json is damaged");
    }
    auto csv = ReadDataFile((fs::path(dir) / "reconcile.csv").string(), size_t{8} << 30);
    if (!csv.ok()) return Error<Err::InvalidInput>(dir + "/reconcile.csv: " + csv.status().description());
    Status rows = ReadCsv(*csv, [&](size_t record, const std::vector<std::string_view>& f) {
      if (record == 1 || f.size() != 15 || f[0] != "line") return true;
      merged.lines.push_back(ReconReportLine{std::string(f[1]), std::string(f[2]), std::string(f[3]), std::string(f[4]),
                                             std::string(f[5]), std::string(f[6]), std::string(f[7]), std::string(f[8]),
                                             std::string(f[9]), std::string(f[10]), std::string(f[11]),
                                             std::string(f[12]), std::string(f[13]), std::string(f[14])});
      return true;
    });
    if (!rows.ok()) return Error<Err::InvalidInput>(dir + "/reconcile.csv: " + rows.description());
  }
  PCSIM_RETURN_IF_ERROR(shards.Complete());
  std::sort(merged.lines.begin(), merged.lines.end(), [](const auto& x, const auto& y) { return LineKey(x) < LineKey(y); });
  for (auto& [key, t] : invoices) merged.invoices.push_back(t);
  for (auto& [key, t] : customers) merged.customers.push_back(t);
  if (std::filesystem::exists(out_dir)) return Error<Err::InvalidInput>(out_dir + " exists: the merge writes a new folder");
  return WriteReconcileReport(merged, out_dir);
}

}  // namespace pcsim::audit
