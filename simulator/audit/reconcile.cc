// Reconcile (reconcile.h): expected rows rendered by the API's own renderer,
// read back by the reader the actual rows go through, then matched in sorted
// passes: exact keys first, then looser ones for what is left.
#include "simulator/audit/reconcile.h"

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <map>
#include <thread>
#include <unistd.h>

#include "simulator/api/recon_rows.h"
#include "simulator/model/csv.h"
#include "simulator/model/errors.h"

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

bool ReconcileResult::AllMatched() const {
  for (int i = 1; i < kReconOutcomeCount; ++i)
    if (counts[i] != 0) return false;
  for (const auto* totals : {&invoices, &customers})
    for (const ReconTotal& t : *totals)
      if (Abs(t.expected - t.actual) > tolerance) return false;
  return true;
}

StatusOr<ReconcileResult> Reconcile(const Book& book, const std::vector<std::string>& actual_files,
                                    const ReconcileOptions& options) {
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

void Html(std::string& out, std::string_view v) {
  for (char c : v) {
    switch (c) {
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '&': out += "&amp;"; break;
      case '"': out += "&quot;"; break;
      default: out.push_back(c);
    }
  }
}

struct Line {
  std::string kind, outcome, customer, invoice, subscription, charge_type, start, end, eq, aq, es, as, diff, row, why;
};

Line LineOf(const ReconcileResult& r, const ReconPair& p) {
  const ReconRow* e = p.expected >= 0 ? &r.expected.rows[p.expected] : nullptr;
  const ReconRow* a = p.actual >= 0 ? &r.actual.rows[p.actual] : nullptr;
  const ReconRow& any = a != nullptr ? *a : *e;
  Line l;
  l.kind = "line";
  l.outcome = std::string(ToString(p.outcome));
  l.customer = std::string(r.texts.Text(any.customer));
  l.invoice = std::string(r.texts.Text(any.invoice));
  l.subscription = std::string(r.texts.Text(any.subscription));
  l.charge_type = std::string(r.texts.Text(any.charge_type_text));
  l.start = any.charge_start.ToString();
  l.end = any.charge_end.ToString();
  if (e) l.eq = std::to_string(e->quantity), l.es = Money(e->subtotal);
  if (a) l.aq = std::to_string(a->quantity), l.as = Money(a->subtotal), l.row = r.actual.Where(*a);
  l.diff = Money((a ? Decimal(a->subtotal) : Decimal()) - (e ? Decimal(e->subtotal) : Decimal()));
  l.why = p.why;
  return l;
}

Status WriteFile(const std::filesystem::path& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary);
  out.write(text.data(), static_cast<std::streamsize>(text.size()));
  out.close();
  if (!out) return Error<Err::InvalidInput>(path.string() + ": cannot be written");
  return OkStatus();
}

}  // namespace

Status WriteReconcileReport(const ReconcileResult& result, const std::string& dir) {
  namespace fs = std::filesystem;
  // The CSV: every line that is not a match, then the totals.
  std::string csv =
      "kind,outcome,customer_id,invoice,subscription_id,charge_type,charge_start,charge_end,expected_quantity,"
      "actual_quantity,expected_subtotal,actual_subtotal,difference,actual_row,detail\r\n";
  auto csv_line = [&](const Line& l) {
    for (const std::string* f : {&l.kind, &l.outcome, &l.customer, &l.invoice, &l.subscription, &l.charge_type,
                                 &l.start, &l.end, &l.eq, &l.aq, &l.es, &l.as, &l.diff, &l.row}) {
      csv += pcsim::CsvField(*f);
      csv.push_back(',');
    }
    csv += pcsim::CsvField(l.why);
    csv += "\r\n";
  };
  for (const ReconPair& p : result.pairs) csv_line(LineOf(result, p));
  auto total_line = [&](const char* kind, const ReconTotal& t, bool invoice) {
    Line l;
    l.kind = kind;
    l.outcome = Abs(t.expected - t.actual) <= result.tolerance ? "matched" : "amount differs";
    (invoice ? l.invoice : l.customer) = t.key;
    l.es = Money(t.expected);
    l.as = Money(t.actual);
    l.diff = Money(t.actual - t.expected);
    l.why = t.name + " " + t.currency + ", " + std::to_string(t.lines) + " line(s)";
    csv_line(l);
  };
  for (const ReconTotal& t : result.invoices) total_line("invoice", t, true);
  for (const ReconTotal& t : result.customers) total_line("customer", t, false);

  // The HTML: self-contained, no script, no outside reference.
  std::string html =
      "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>pcsim reconcile</title><style>"
      "body{font:14px system-ui,sans-serif;margin:2em}table{border-collapse:collapse;margin:1em 0}"
      "td,th{border:1px solid #ccc;padding:2px 6px;text-align:left;vertical-align:top}"
      ".ok{color:#176117}.bad{color:#a11}td.n{text-align:right}</style></head><body>\n";
  html += "<h1>Reconciliation " + result.from.ToString() + " to " + result.to.ToString() + "</h1>\n";
  html += std::string("<p class=\"") + (result.AllMatched() ? "ok\">Everything matches" : "bad\">Differences found") +
          " within a tolerance of " + Money(result.tolerance) + ". Expected lines: " +
          std::to_string(result.expected.rows.size()) + "; actual rows in the period: " +
          std::to_string(result.actual.rows.size() - result.actual_outside) + " (" +
          std::to_string(result.actual_outside) + " outside it).</p>\n<table><tr><th>Outcome</th><th>Lines</th></tr>";
  for (int i = 0; i < kReconOutcomeCount; ++i)
    html += "<tr><td>" + std::string(ToString(static_cast<ReconOutcome>(i))) + "</td><td class=\"n\">" +
            std::to_string(result.counts[i]) + "</td></tr>";
  html += "</table>\n";
  auto totals = [&](const char* title, const std::vector<ReconTotal>& list) {
    html += std::string("<h2>") + title + "</h2><table><tr><th>Id</th><th>Customer</th><th>Currency</th>"
            "<th>Expected</th><th>Actual</th><th>Difference</th><th>Lines</th></tr>";
    for (const ReconTotal& t : list) {
      bool ok = Abs(t.expected - t.actual) <= result.tolerance;
      html += std::string("<tr class=\"") + (ok ? "ok" : "bad") + "\"><td>";
      Html(html, t.key);
      html += "</td><td>";
      Html(html, t.name);
      html += "</td><td>" + t.currency + "</td><td class=\"n\">" + Money(t.expected) + "</td><td class=\"n\">" +
              Money(t.actual) + "</td><td class=\"n\">" + Money(t.actual - t.expected) + "</td><td class=\"n\">" +
              std::to_string(t.lines) + "</td></tr>";
    }
    html += "</table>\n";
  };
  totals("Per invoice", result.invoices);
  totals("Per customer", result.customers);
  html += "<h2>Lines that differ</h2><table><tr><th>Outcome</th><th>Customer</th><th>Subscription</th>"
          "<th>Charge</th><th>Period</th><th>Qty exp.</th><th>Qty act.</th><th>Expected</th><th>Actual</th>"
          "<th>Row</th><th>Why</th></tr>";
  constexpr size_t kHtmlLines = 10000;
  for (size_t i = 0; i < result.pairs.size() && i < kHtmlLines; ++i) {
    Line l = LineOf(result, result.pairs[i]);
    html += "<tr><td class=\"bad\">" + l.outcome + "</td>";
    for (const std::string* f : {&l.customer, &l.subscription, &l.charge_type}) {
      html += "<td>";
      Html(html, *f);
      html += "</td>";
    }
    html += "<td>" + l.start + ".." + l.end + "</td><td class=\"n\">" + l.eq + "</td><td class=\"n\">" + l.aq +
            "</td><td class=\"n\">" + l.es + "</td><td class=\"n\">" + l.as + "</td><td>";
    Html(html, l.row);
    html += "</td><td>";
    Html(html, l.why);
    html += "</td></tr>\n";
  }
  html += "</table>\n";
  if (result.pairs.size() > kHtmlLines)
    html += "<p>" + std::to_string(result.pairs.size() - kHtmlLines) + " more in reconcile.csv.</p>\n";
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

}  // namespace pcsim::audit
