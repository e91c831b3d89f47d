// The audit's output folder (audit_files.h).
#include "simulator/audit/audit_files.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <functional>
#include <ostream>
#include <map>
#include <set>

#include "simulator/audit/csv_reader.h"
#include "simulator/model/csv.h"
#include "simulator/model/data_file.h"
#include "simulator/model/errors.h"
#include "simulator/model/html_text.h"

namespace pcsim::audit {
namespace fs = std::filesystem;
namespace {

constexpr size_t kMaxAuditFileBytes = size_t{8} << 30;

const std::vector<std::string> kSubscriptionColumns = {
    "CustomerId", "CustomerName", "SubscriptionId", "OfferId", "ProductName", "Quantity", "Currency",
    "TermEndDate", "Outcome", "DecidedBy", "Charges", "EstMonths", "EstCost", "RenewalCostInstead",
    "AvoidEstCall", "Cause"};
const std::vector<std::string> kMonthColumns = {"CustomerId", "CustomerName", "Month", "Currency", "Charges",
                                                "EstCharges"};
const std::vector<std::string> kSubscriptionMonthColumns = {"CustomerId", "SubscriptionId", "Month", "Charges"};

std::string Money(const Decimal& d) { return d.WithScale(2).ToString(); }

// Appends records to a buffer that goes to `out` a megabyte at a time: a
// million rows never sit in memory as one string.
class CsvWriter {
 public:
  explicit CsvWriter(std::ostream& out) : out_(out) {}
  ~CsvWriter() { Flush(); }
  template <typename Fields>
  void Row(const Fields& fields) {
    AppendCsvRow(buffer_, fields);
    if (buffer_.size() > (size_t{1} << 20)) Flush();
  }
  void Row(std::initializer_list<std::string_view> fields) {
    AppendCsvRow(buffer_, fields);
    if (buffer_.size() > (size_t{1} << 20)) Flush();
  }
  void Flush() {
    out_.write(buffer_.data(), static_cast<std::streamsize>(buffer_.size()));
    buffer_.clear();
  }

 private:
  std::ostream& out_;
  std::string buffer_;
};

void SubscriptionsCsv(const AuditData& data, std::ostream& out) {
  CsvWriter csv(out);
  csv.Row(kSubscriptionColumns);
  for (const SubscriptionAudit& s : data.subscriptions)
    csv.Row({s.customer_id, s.customer_name, s.subscription_id, s.offer_id, s.product_name,
             std::to_string(s.quantity), s.currency, s.term_end.ToString(), s.outcome, s.decided_by,
             Money(s.charges), std::to_string(s.est_months), Money(s.est_cost),
             s.renewal_cost ? Money(*s.renewal_cost) : std::string(), s.avoid_call, s.cause});
}

void MonthsCsv(const AuditData& data, std::ostream& out) {
  CsvWriter csv(out);
  csv.Row(kMonthColumns);
  for (const CustomerMonth& m : data.months)
    csv.Row({m.customer_id, m.customer_name, m.month, m.currency, Money(m.charges), Money(m.est_charges)});
}

void SubscriptionMonthsCsv(const AuditData& data, std::ostream& out) {
  CsvWriter csv(out);
  csv.Row(kSubscriptionMonthColumns);
  for (const SubscriptionAudit& s : data.subscriptions)
    for (const auto& [month, amount] : s.months) csv.Row({s.customer_id, s.subscription_id, month, Money(amount)});
}

// --- what the report shows ---------------------------------------------------------

struct Totals {
  std::map<std::string, Decimal> charges, est;  // by currency
  std::map<std::string, std::map<std::string, std::pair<Decimal, Decimal>>> months;  // currency -> month -> (all, EST)
  std::map<std::string, int> outcomes;
  int est_subscriptions = 0;
};

Totals TotalsOf(const AuditData& data) {
  Totals t;
  for (const CustomerMonth& m : data.months) {
    t.charges[m.currency] += m.charges;
    t.est[m.currency] += m.est_charges;
    auto& cell = t.months[m.currency][m.month];
    cell.first += m.charges;
    cell.second += m.est_charges;
  }
  for (const SubscriptionAudit& s : data.subscriptions) {
    ++t.outcomes[s.outcome.empty() ? "none before --to" : s.outcome];
    if (s.outcome == "EST") ++t.est_subscriptions;
  }
  return t;
}

nlohmann::ordered_json SummaryJson(const std::vector<AuditRun>& runs) {
  nlohmann::ordered_json j;
  j["asOf"] = runs.front().data.as_of.ToString();
  j["to"] = runs.front().data.to.ToString();
  nlohmann::ordered_json list = nlohmann::ordered_json::array();
  for (const AuditRun& run : runs) {
    Totals t = TotalsOf(run.data);
    nlohmann::ordered_json r;
    r["name"] = run.name.empty() ? "baseline" : run.name;
    r["subscriptions"] = run.data.subscriptions.size();
    r["outcomes"] = t.outcomes;
    nlohmann::ordered_json currencies = nlohmann::ordered_json::object();
    for (const auto& [currency, amount] : t.charges) {
      nlohmann::ordered_json c;
      c["charges"] = Money(amount);
      c["estCharges"] = Money(t.est[currency]);
      nlohmann::ordered_json months = nlohmann::ordered_json::object();
      for (const auto& [month, cell] : t.months[currency]) months[month] = Money(cell.first);
      c["months"] = std::move(months);
      currencies[currency] = std::move(c);
    }
    r["currencies"] = std::move(currencies);
    list.push_back(std::move(r));
  }
  j["runs"] = std::move(list);
  return j;
}


// Monthly charges of one currency: a bar per month (its EST part darker),
// and a line per what-if.
std::string MonthChart(const std::string& currency, const std::vector<AuditRun>& runs,
                       const std::vector<Totals>& totals) {
  const auto& base = totals.front().months.at(currency);
  std::vector<std::string> months;
  for (const auto& [month, cell] : base) months.push_back(month);
  for (const Totals& t : totals)
    if (auto it = t.months.find(currency); it != t.months.end())
      for (const auto& [month, cell] : it->second)
        if (!base.count(month)) months.push_back(month);
  std::sort(months.begin(), months.end());
  Decimal top = Decimal::FromInt(1);
  for (const Totals& t : totals)
    if (auto it = t.months.find(currency); it != t.months.end())
      for (const auto& [month, cell] : it->second) top = std::max(top, cell.first);
  const int width = 960, height = 300, left = 90, bottom = 40, plot_h = height - bottom - 20;
  const int n = static_cast<int>(months.size());
  const int slot = n > 0 ? (width - left - 10) / n : 1;
  auto scaled = [&](const Decimal& amount) {
    // amount / top * plot_h, rounded down to a pixel, in exact arithmetic.
    Decimal cents = (amount * int64_t{100}).RoundDown(0), top_cents = (top * int64_t{100}).RoundDown(0);
    int64_t a = std::stoll(cents.ToString()), b = std::max<int64_t>(1, std::stoll(top_cents.ToString()));
    return static_cast<int>(a * plot_h / b);
  };
  std::string svg = "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"" + std::to_string(width) + "\" height=\"" +
                    std::to_string(height) + "\" role=\"img\" aria-label=\"charges per month in " + HtmlText(currency) +
                    "\">\n";
  svg += "<text x=\"4\" y=\"14\" font-size=\"12\">" + HtmlText(currency) + " per month (max " + Money(top) +
         ")</text>\n";
  for (int i = 0; i < n; ++i) {
    auto it = base.find(months[static_cast<size_t>(i)]);
    int x = left + i * slot;
    if (it != base.end()) {
      int h = scaled(it->second.first), e = scaled(it->second.second);
      int y = height - bottom - h;
      svg += "<rect class=\"all\" x=\"" + std::to_string(x + 1) + "\" y=\"" + std::to_string(y) + "\" width=\"" +
             std::to_string(std::max(1, slot - 2)) + "\" height=\"" + std::to_string(h) + "\"><title>" +
             HtmlText(months[static_cast<size_t>(i)]) + ": " + Money(it->second.first) + " (EST " +
             Money(it->second.second) + ")</title></rect>\n";
      if (e > 0)
        svg += "<rect class=\"est\" x=\"" + std::to_string(x + 1) + "\" y=\"" + std::to_string(height - bottom - e) +
               "\" width=\"" + std::to_string(std::max(1, slot - 2)) + "\" height=\"" + std::to_string(e) + "\"/>\n";
    }
    if (i % std::max(1, n / 12) == 0)
      svg += "<text x=\"" + std::to_string(x) + "\" y=\"" + std::to_string(height - bottom + 14) +
             "\" font-size=\"10\">" + HtmlText(months[static_cast<size_t>(i)]) + "</text>\n";
  }
  static const char* kColours[] = {"#d62728", "#2ca02c", "#9467bd", "#8c564b", "#e377c2"};
  for (size_t r = 1; r < runs.size(); ++r) {
    auto it = totals[r].months.find(currency);
    if (it == totals[r].months.end()) continue;
    std::string points;
    for (int i = 0; i < n; ++i)
      if (auto m = it->second.find(months[static_cast<size_t>(i)]); m != it->second.end())
        points += std::to_string(left + i * slot + slot / 2) + "," +
                  std::to_string(height - bottom - scaled(m->second.first)) + " ";
    svg += "<polyline fill=\"none\" stroke-width=\"2\" stroke=\"" + std::string(kColours[(r - 1) % 5]) +
           "\" points=\"" + points + "\"><title>" + HtmlText(runs[r].name) + "</title></polyline>\n";
  }
  // The legend: the bars, their EST part, and each what-if's line.
  int x = 300;
  auto legend = [&](const std::string& colour, const std::string& label) {
    svg += "<rect x=\"" + std::to_string(x) + "\" y=\"5\" width=\"12\" height=\"12\" fill=\"" + colour +
           "\"/><text x=\"" + std::to_string(x + 16) + "\" y=\"15\" font-size=\"12\">" + HtmlText(label) + "</text>\n";
    x += 24 + 7 * static_cast<int>(label.size());
  };
  legend("#4c78a8", "baseline");
  legend("#f58518", "of which EST");
  for (size_t r = 1; r < runs.size(); ++r) legend(kColours[(r - 1) % 5], "what-if " + runs[r].name);
  svg += "</svg>\n";
  return svg;
}

std::string ReportHtml(const std::vector<AuditRun>& runs) {
  const AuditData& base = runs.front().data;
  std::vector<Totals> totals;
  for (const AuditRun& r : runs) totals.push_back(TotalsOf(r.data));
  std::string h = "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>pcsim audit " +
                  HtmlText(base.as_of.ToString()) + " to " + HtmlText(base.to.ToString()) + "</title>\n<style>\n"
                  "body{font-family:system-ui,sans-serif;margin:1.5em;max-width:1400px}"
                  "table{border-collapse:collapse;margin:.5em 0 1.5em}td,th{border:1px solid #ccc;padding:.25em .5em;"
                  "text-align:left;vertical-align:top}td.n{text-align:right;font-variant-numeric:tabular-nums}"
                  "code{font-size:.85em;word-break:break-all}.all{fill:#4c78a8}.est{fill:#f58518}"
                  "</style></head><body>\n";
  h += "<h1>Audit of the book from " + HtmlText(base.as_of.ToString()) + " to " + HtmlText(base.to.ToString()) + "</h1>\n";
  h += "<p>" + std::to_string(base.subscriptions.size()) +
       " subscriptions. Charges are the lines pcsim makes for the book in this period; EST lines are the paid "
       "Extended Service Term months (orange in the chart).</p>\n";
  // Runs side by side.
  h += "<h2>Runs</h2>\n<table><tr><th>run</th><th>currency</th><th>charges</th><th>of which EST</th>"
       "<th>subscriptions going into EST</th></tr>\n";
  for (size_t r = 0; r < runs.size(); ++r)
    for (const auto& [currency, amount] : totals[r].charges)
      h += "<tr><td>" + HtmlText(runs[r].name.empty() ? "baseline" : runs[r].name) + "</td><td>" + HtmlText(currency) +
           "</td><td class=\"n\">" + Money(amount) + "</td><td class=\"n\">" + Money(totals[r].est[currency]) +
           "</td><td class=\"n\">" + std::to_string(totals[r].est_subscriptions) + "</td></tr>\n";
  h += "</table>\n<h2>Term-end outcomes</h2>\n<table><tr><th>outcome</th><th>subscriptions</th></tr>\n";
  for (const auto& [outcome, count] : totals.front().outcomes)
    h += "<tr><td>" + HtmlText(outcome) + "</td><td class=\"n\">" + std::to_string(count) + "</td></tr>\n";
  h += "</table>\n<h2>Charges per month</h2>\n";
  for (const auto& [currency, months] : totals.front().months) h += MonthChart(currency, runs, totals);
  // The subscriptions that go into EST, costliest first.
  std::vector<const SubscriptionAudit*> est;
  for (const SubscriptionAudit& s : base.subscriptions)
    if (s.outcome == "EST") est.push_back(&s);
  std::stable_sort(est.begin(), est.end(), [](const auto* a, const auto* b) {
    return a->est_cost != b->est_cost ? a->est_cost > b->est_cost : a->subscription_id < b->subscription_id;
  });
  constexpr size_t kShown = 200;
  h += "<h2>Subscriptions that go into EST (" + std::to_string(est.size()) + ")</h2>\n";
  if (est.size() > kShown)
    h += "<p>The " + std::to_string(kShown) + " costliest; subscriptions.csv lists them all.</p>\n";
  h += "<table><tr><th>customer</th><th>subscription</th><th>product</th><th>seats</th><th>term end</th>"
       "<th>decided by</th><th>EST months</th><th>EST cost</th><th>renewing instead</th><th>call that avoids it</th>"
       "</tr>\n";
  for (size_t i = 0; i < est.size() && i < kShown; ++i) {
    const SubscriptionAudit& s = *est[i];
    h += "<tr><td>" + HtmlText(s.customer_name) + "</td><td><code>" + HtmlText(s.subscription_id) + "</code></td><td>" +
         HtmlText(s.product_name) + "</td><td class=\"n\">" + std::to_string(s.quantity) + "</td><td>" +
         s.term_end.ToString() + "</td><td>" + HtmlText(s.decided_by) + "</td><td class=\"n\">" +
         std::to_string(s.est_months) + "</td><td class=\"n\">" + Money(s.est_cost) + " " + HtmlText(s.currency) +
         "</td><td class=\"n\">" + (s.renewal_cost ? Money(*s.renewal_cost) : std::string()) +
         "</td><td><code>" + HtmlText(s.avoid_call) + "</code></td></tr>\n";
  }
  h += "</table>\n";
  // Customers, largest first.
  std::map<std::pair<std::string, std::string>, std::pair<std::string, Decimal>> by_customer;
  for (const CustomerMonth& m : base.months) {
    auto& c = by_customer[{m.customer_id, m.currency}];
    c.first = m.customer_name;
    c.second += m.charges;
  }
  std::vector<std::pair<std::pair<std::string, std::string>, std::pair<std::string, Decimal>>> customers(
      by_customer.begin(), by_customer.end());
  std::stable_sort(customers.begin(), customers.end(),
                   [](const auto& a, const auto& b) { return a.second.second > b.second.second; });
  h += "<h2>Customers (" + std::to_string(customers.size()) + ")</h2>\n";
  if (customers.size() > kShown) h += "<p>The " + std::to_string(kShown) + " largest; customer-months.csv has all.</p>\n";
  h += "<table><tr><th>customer</th><th>id</th><th>charges</th></tr>\n";
  for (size_t i = 0; i < customers.size() && i < kShown; ++i)
    h += "<tr><td>" + HtmlText(customers[i].second.first) + "</td><td><code>" + HtmlText(customers[i].first.first) +
         "</code></td><td class=\"n\">" + Money(customers[i].second.second) + " " + HtmlText(customers[i].first.second) +
         "</td></tr>\n";
  h += "</table>\n</body></html>\n";
  return h;
}

// --- reading a folder back -----------------------------------------------------

Status ReadCsvFile(const fs::path& path, const std::vector<std::string>& columns,
                   const std::function<Status(const std::vector<std::string_view>&)>& row) {
  auto text = ReadDataFile(path.string(), kMaxAuditFileBytes);
  if (!text.ok()) return Error<Err::InvalidInput>(path.string() + ": " + text.status().description());
  Status failed = OkStatus();
  Status read = ReadCsv(*text, [&](size_t record, const std::vector<std::string_view>& fields) {
    if (record == 1) {
      if (fields.size() != columns.size() || !std::equal(fields.begin(), fields.end(), columns.begin()))
        failed = Error<Err::InvalidInput>(path.string() + ":1: not the audit's header");
      return failed.ok();
    }
    if (fields.size() != columns.size()) {
      failed = Error<Err::InvalidInput>(path.string() + ": row " + std::to_string(record) + ": " +
                                        std::to_string(fields.size()) + " fields, expected " +
                                        std::to_string(columns.size()));
      return false;
    }
    failed = row(fields);
    if (!failed.ok()) failed = Error<Err::InvalidInput>(path.string() + ": row " + std::to_string(record) + ": " +
                                                      failed.description());
    return failed.ok();
  });
  if (!read.ok()) return Error<Err::InvalidInput>(path.string() + ": " + read.description());
  return failed;
}

StatusOr<Decimal> MoneyOf(std::string_view text) {
  auto d = Decimal::Parse(text);
  if (!d) return Error<Err::InvalidInput>("not an amount: " + std::string(text));
  return *d;
}

Status ReadRun(const fs::path& dir, bool subscription_months, AuditData& data) {
  std::map<std::pair<std::string, std::string>, size_t> index;
  PCSIM_RETURN_IF_ERROR(ReadCsvFile(dir / "subscriptions.csv", kSubscriptionColumns, [&](const auto& f) -> Status {
    SubscriptionAudit s;
    s.customer_id = f[0];
    s.customer_name = f[1];
    s.subscription_id = f[2];
    s.offer_id = f[3];
    s.product_name = f[4];
    s.quantity = std::stoi(std::string(f[5]));
    s.currency = f[6];
    auto end = Date::Parse(f[7]);
    if (!end) return Error<Err::InvalidInput>("TermEndDate is not a date");
    s.term_end = *end;
    s.outcome = f[8];
    s.decided_by = f[9];
    auto charges = MoneyOf(f[10]);
    auto est_cost = MoneyOf(f[12]);
    if (!charges.ok()) return charges.status();
    if (!est_cost.ok()) return est_cost.status();
    s.charges = *charges;
    s.est_months = std::stoi(std::string(f[11]));
    s.est_cost = *est_cost;
    if (!f[13].empty()) {
      auto renewal = MoneyOf(f[13]);
      if (!renewal.ok()) return renewal.status();
      s.renewal_cost = *renewal;
    }
    s.avoid_call = f[14];
    s.cause = f[15];
    index[{s.customer_id, s.subscription_id}] = data.subscriptions.size();
    data.subscriptions.push_back(std::move(s));
    return OkStatus();
  }));
  PCSIM_RETURN_IF_ERROR(ReadCsvFile(dir / "customer-months.csv", kMonthColumns, [&](const auto& f) -> Status {
    CustomerMonth m;
    m.customer_id = f[0];
    m.customer_name = f[1];
    m.month = f[2];
    m.currency = f[3];
    auto charges = MoneyOf(f[4]), est = MoneyOf(f[5]);
    if (!charges.ok()) return charges.status();
    if (!est.ok()) return est.status();
    m.charges = *charges;
    m.est_charges = *est;
    data.months.push_back(std::move(m));
    return OkStatus();
  }));
  if (subscription_months)
    PCSIM_RETURN_IF_ERROR(ReadCsvFile(dir / "subscription-months.csv", kSubscriptionMonthColumns,
                                      [&](const auto& f) -> Status {
                                        auto it = index.find({std::string(f[0]), std::string(f[1])});
                                        if (it == index.end()) return Error<Err::InvalidInput>("unknown subscription");
                                        auto amount = MoneyOf(f[3]);
                                        if (!amount.ok()) return amount.status();
                                        data.subscriptions[it->second].months[std::string(f[2])] = *amount;
                                        return OkStatus();
                                      }));
  return OkStatus();
}

Status WriteFile(const fs::path& path, const std::function<void(std::ostream&)>& write) {
  std::ofstream out(path, std::ios::binary);
  write(out);
  out.close();
  if (!out) return Error<Err::InvalidInput>("cannot write " + path.string());
  return OkStatus();
}

Status WriteFile(const fs::path& path, const std::string& text) {
  return WriteFile(path, [&](std::ostream& out) { out << text; });
}

nlohmann::ordered_json MetaJson(const std::vector<AuditRun>& runs, bool subscription_months) {
  nlohmann::ordered_json meta;
  meta["pcsimAudit"] = 1;
  meta["asOf"] = runs.front().data.as_of.ToString();
  meta["to"] = runs.front().data.to.ToString();
  meta["subscriptionMonths"] = subscription_months;
  nlohmann::ordered_json names = nlohmann::ordered_json::array();
  for (size_t r = 1; r < runs.size(); ++r) names.push_back(runs[r].name);
  meta["whatIfs"] = std::move(names);
  return meta;
}

}  // namespace

Status WriteAuditFolder(const std::vector<AuditRun>& runs, const std::string& out_dir, bool subscription_months,
                        const Shard& shard) {
  if (runs.empty()) return Error<Err::InvalidInput>("nothing to write");
  std::error_code ec;
  const fs::path out(out_dir);
  if (fs::exists(out, ec)) return Error<Err::InvalidInput>(out_dir + " exists: the audit writes a new folder");
  fs::path temp = out;
  temp += ".partial";
  fs::remove_all(temp, ec);
  if (!fs::create_directories(temp, ec)) return Error<Err::InvalidInput>("cannot create " + temp.string() + ": " + ec.message());
  auto written = [&]() -> Status {
    PCSIM_RETURN_IF_ERROR(WriteFile(temp / "audit.json", MetaJson(runs, subscription_months).dump(2) + "\n"));
    if (shard.count > 1)
      PCSIM_RETURN_IF_ERROR(WriteFile(temp / "shard.json", ShardFolders::Json(shard)));
    for (const AuditRun& run : runs) {
      fs::path dir = run.name.empty() ? temp : temp / "what-if" / run.name;
      fs::create_directories(dir, ec);
      const AuditData& data = run.data;
      PCSIM_RETURN_IF_ERROR(WriteFile(dir / "subscriptions.csv", [&](std::ostream& o) { SubscriptionsCsv(data, o); }));
      PCSIM_RETURN_IF_ERROR(WriteFile(dir / "customer-months.csv", [&](std::ostream& o) { MonthsCsv(data, o); }));
      if (subscription_months)
        PCSIM_RETURN_IF_ERROR(
            WriteFile(dir / "subscription-months.csv", [&](std::ostream& o) { SubscriptionMonthsCsv(data, o); }));
    }
    // A shard's summary and report are those of its part; merge renders the whole.
    PCSIM_RETURN_IF_ERROR(WriteFile(temp / "summary.json", SummaryJson(runs).dump(2) + "\n"));
    return WriteFile(temp / "report.html", ReportHtml(runs));
  }();
  if (!written.ok()) {
    fs::remove_all(temp, ec);
    return written;
  }
  fs::rename(temp, out, ec);
  if (ec) {
    fs::remove_all(temp, ec);
    return Error<Err::InvalidInput>("cannot rename the output to " + out_dir);
  }
  return OkStatus();
}

Status MergeAuditFolders(const std::vector<std::string>& dirs, const std::string& out_dir) {
  if (dirs.empty()) return Error<Err::InvalidInput>("pcsim merge needs the shards' folders");
  std::optional<nlohmann::json> meta;
  ShardFolders shards;
  std::vector<AuditRun> runs;
  for (const std::string& dir : dirs) {
    auto meta_text = ReadDataFile((fs::path(dir) / "audit.json").string());
    if (!meta_text.ok()) return Error<Err::InvalidInput>(dir + ": not the folder of an audit shard");
    PCSIM_RETURN_IF_ERROR(shards.Add(dir));
    auto m = nlohmann::json::parse(*meta_text, nullptr, false);
    if (m.is_discarded()) return Error<Err::InvalidInput>(dir + ": audit.json is damaged");
    if (meta && *meta != m) return Error<Err::InvalidInput>(dir + ": a shard of another audit (audit.json differs)");
    if (!meta) {
      meta = m;
      runs.push_back({"", {}});
      for (const auto& name : m.value("whatIfs", nlohmann::json::array())) runs.push_back({name.get<std::string>(), {}});
      for (AuditRun& run : runs) {
        auto as_of = Instant::Parse(m.value("asOf", "")), to = Instant::Parse(m.value("to", ""));
        if (!as_of || !to) return Error<Err::InvalidInput>(dir + ": audit.json lacks asOf or to");
        run.data.as_of = *as_of;
        run.data.to = *to;
      }
    }
    const bool months = m.value("subscriptionMonths", false);
    for (AuditRun& run : runs)
      PCSIM_RETURN_IF_ERROR(ReadRun(run.name.empty() ? fs::path(dir) : fs::path(dir) / "what-if" / run.name, months, run.data));
  }
  PCSIM_RETURN_IF_ERROR(shards.Complete());
  for (AuditRun& run : runs) {
    std::stable_sort(run.data.subscriptions.begin(), run.data.subscriptions.end(), [](const auto& x, const auto& y) {
      return std::tie(x.customer_id, x.subscription_id) < std::tie(y.customer_id, y.subscription_id);
    });
    std::stable_sort(run.data.months.begin(), run.data.months.end(), [](const auto& x, const auto& y) {
      return std::tie(x.customer_id, x.month, x.currency) < std::tie(y.customer_id, y.month, y.currency);
    });
  }
  return WriteAuditFolder(runs, out_dir, meta->value("subscriptionMonths", false), Shard{});
}

}  // namespace pcsim::audit
