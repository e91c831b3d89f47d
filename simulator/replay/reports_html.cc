// The HTML pages of a replay report (reports_internal.h): one page per
// scenario (its result, timeline, subscriptions and charge lines) and the
// index with pass or fail per scenario. Self-contained: no scripts, no
// network, the CSS inline.
#include <algorithm>
#include <map>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "simulator/api/resources.h"
#include "simulator/replay/reports_internal.h"

namespace pcsim::replay::report {
namespace {

// Page frame

constexpr std::string_view kCss =
    ":root{color-scheme:light}"
    "body{font-family:system-ui,-apple-system,\"Segoe UI\",Roboto,Helvetica,Arial,sans-serif;margin:0;padding:16px;"
    "color:#1f2328;background:#fff;line-height:1.45}"
    "main{max-width:1360px;margin:0 auto}"
    "h1{font-size:1.4rem;margin:0 0 .4rem;overflow-wrap:anywhere}h2{font-size:1.1rem;margin:1.6rem 0 .5rem}"
    "a{color:#0969da}"
    ".meta{color:#57606a;font-size:.9rem;margin:.2rem 0;overflow-wrap:anywhere}"
    ".badge{display:inline-block;padding:1px 8px;border-radius:10px;font-weight:600;font-size:.8rem;color:#fff}"
    ".badge.pass{background:#1a7f37}.badge.fail{background:#cf222e}.badge.error{background:#9a6700}"
    ".scroll{overflow-x:auto;-webkit-overflow-scrolling:touch;border:1px solid #d0d7de;border-radius:6px}"
    "table{border-collapse:collapse;font-size:.85rem;width:100%}"
    "th,td{border-bottom:1px solid #d0d7de;padding:4px 8px;text-align:left;white-space:nowrap;vertical-align:top}"
    "th{background:#f6f8fa;font-weight:600}"
    "td.num,th.num{text-align:right;font-variant-numeric:tabular-nums}"
    ".wrap{white-space:normal;overflow-wrap:anywhere}"
    ".pos{color:#1a7f37}.neg{color:#cf222e}.zero{color:#57606a}"
    "pre{white-space:pre-wrap;overflow-wrap:anywhere;background:#f6f8fa;padding:8px;border-radius:6px;"
    "font-size:.8rem;margin:.3rem 0}"
    "pre.failure{white-space:pre-wrap;overflow-wrap:anywhere;max-width:100%}"
    "tr.scenario.fail td:first-child{box-shadow:inset 4px 0 #cf222e}"
    "tr.scenario.error td:first-child{box-shadow:inset 4px 0 #9a6700}"
    "tr.scenario.fail,tr.failure-row.fail{background:#fff5f5}"
    "tr.scenario.error,tr.failure-row.error{background:#fffbea}"
    "tr.scenario.fail td,tr.scenario.error td{border-bottom:0}"
    "svg.timeline{display:block;min-width:720px;width:100%;height:auto}"
    ".legend{font-size:.8rem;color:#57606a;margin:.4rem 0}"
    ".legend span{display:inline-block;margin-right:12px;white-space:nowrap}"
    ".sw{display:inline-block;width:12px;height:12px;border-radius:2px;vertical-align:middle;margin-right:4px}"
    ".dot{display:inline-block;width:10px;height:10px;border-radius:50%;vertical-align:middle;margin-right:4px}"
    ".tri{display:inline-block;width:0;height:0;border-left:6px solid transparent;border-right:6px solid transparent;"
    "border-bottom:11px solid;vertical-align:middle;margin-right:4px}"
    ".dia{display:inline-block;width:8px;height:8px;transform:rotate(45deg);vertical-align:middle;margin:0 6px 0 2px;"
    "box-sizing:border-box}"
    ".badge.est{background:#0969da;margin-left:4px}"
    "tr.est td{background:#ddf4ff}tr.est td.term-text{font-weight:600;color:#0550ae}"
    "table.charges th,table.charges td{padding:4px 6px}"
    "tr.charge-row td{border-bottom:0}td.term-text{white-space:normal;min-width:9rem}"
    "tr.explain-row td{padding-top:0;white-space:normal}"
    "td.explain{overflow-wrap:anywhere;color:#424a53;font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;"
    "font-size:.78rem}"
    "tr.step-row.failed td{background:#fff5f5}"
    "@media (max-width:600px){body{padding:8px}table{font-size:.78rem}}";

std::string PageStart(const std::string& title) {
  std::string out;
  out += "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n";
  out += "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n";
  out += "<title>" + Html(title) + "</title>\n<style>";
  out += kCss;
  out += "</style>\n</head>\n<body>\n<main>\n";
  return out;
}

constexpr std::string_view kPageEnd = "</main>\n</body>\n</html>\n";

// The page's title, result, file, tags and, for a scenario that did not
// pass, its diff or reason.
std::string ScenarioHeading(const ScenarioResult& r) {
  std::string page = "<p class=\"meta\"><a href=\"../index.html\">\xE2\x86\x90 All scenarios</a></p>\n";
  page += "<h1>" + Html(DisplayTitle(r)) + "</h1>\n";
  page += "<p class=\"meta\"><span class=\"badge " + std::string(OutcomeClass(r.outcome)) + "\">" +
          OutcomeText(r.outcome) + "</span> <code>" + Html(r.file) + "</code></p>\n";
  if (!r.tags.empty()) {
    std::string tags;
    for (const auto& t : r.tags) tags += (tags.empty() ? "" : ", ") + t;
    page += "<p class=\"meta\">Tags: " + Html(tags) + "</p>\n";
  }
  if (r.outcome == Outcome::Failed) page += "<h2>Failure</h2>\n<pre class=\"failure\">" + Html(r.message) + "</pre>\n";
  if (r.outcome == Outcome::Invalid)
    page += "<h2>Invalid scenario</h2>\n<pre class=\"failure\">" + Html(r.message) + "</pre>\n";
  return page;
}

// One row per subscription.
std::string SubscriptionTable(const ScenarioData& data) {
  if (data.lanes.empty()) return "<p class=\"meta\">None.</p>\n";
  std::string rows;
  for (const Lane& lane : data.lanes) {
    const Subscription& s = *lane.sub;
    rows += "<tr class=\"subscription-row\" data-subscription=\"" + Html(lane.ref) + "\"><td>" + Html(lane.ref) +
            "</td><td><code>" + Html(s.id) + "</code></td><td>" + Html(s.offer->product->title) + "</td><td>" +
            Html(ToString(s.status)) + (s.in_est ? " (EST)" : "") + "</td><td class=\"num\">" +
            std::to_string(s.quantity) + "</td><td>" + Html(ToString(s.term)) + " " +
            Html(api::WireBillingCycle(s.billing)) + "</td><td>" + (s.auto_renew ? "on" : "off") + "</td><td>" +
            Html(s.term_start.ToString()) + " \xE2\x80\x93 " + Html(s.term_end.ToString()) +
            "</td><td class=\"num\">" + Html(TotalsText(lane.totals)) + "</td></tr>\n";
  }
  return "<div class=\"scroll\"><table class=\"subscriptions\">\n<thead><tr><th>Ref</th><th>Id</th>"
         "<th>Product</th><th>Status</th><th class=\"num\">Quantity</th><th>Term</th><th>Auto-renew</th>"
         "<th>Current term</th><th class=\"num\">Total charged</th></tr></thead>\n<tbody>\n" +
         rows + "</tbody>\n</table></div>\n";
}

// One row per ledger line, in ledger order, with the columns of Partner
// Center's reconciliation line that tell one charge from another, and under
// it a row with how its amount is computed. An EST line (termAndBillingCycle "Extended Service
// Term") is tinted and badged EST.
std::string ChargeTable(const ScenarioData& data) {
  if (data.wire.empty()) return "<p class=\"meta\">None.</p>\n";
  const Sandbox& sandbox = *data.sandbox;
  std::string rows;
  for (size_t i = 0; i < data.wire.size(); ++i) {
    const ChargeLine& line = sandbox.ledger().line(static_cast<uint32_t>(i));
    const api::Json& wire = data.wire[i];
    const bool est = (line.flags & kLineExtendedServiceTerm) != 0;
    const std::string ref = line.subscription < data.lanes.size() ? data.lanes[line.subscription].ref : std::string();
    const std::string invoice = WireField(wire, "invoiceNumber");
    rows += "<tr class=\"charge-row" + std::string(est ? " est" : "") + "\" data-subscription=\"" + Html(ref) +
            "\"><td class=\"num\">" + std::to_string(i + 1) + "</td><td>" + Html(ref) + "</td><td>" +
            Html(ToString(line.charge_type)) + (est ? "<span class=\"badge est\">EST</span>" : "") + "</td><td>" +
            Html(line.order_date.ToString()) + "</td><td>" + Html(line.charge_start.ToString()) + "</td><td>" +
            Html(line.charge_end.ToString()) + "</td><td class=\"term-text\">" + Html(data.term_texts[i]) +
            "</td><td class=\"num\">" + std::to_string(line.quantity) + "</td><td class=\"num\">" +
            Html(line.unit_price.Normalized().ToString()) + "</td><td class=\"num\">" +
            Html(line.effective_unit_price.Normalized().ToString()) + "</td><td class=\"num " + SignClass(line.total) +
            "\">" + Html(SignedMoney(line.total)) + "</td><td>" + Html(WireField(wire, "currency")) + "</td><td>" +
            (invoice.empty() ? "<span class=\"zero\">unbilled</span>" : Html(invoice)) + "</td></tr>\n";
    rows += "<tr class=\"explain-row" + std::string(est ? " est" : "") +
            "\"><td></td><td colspan=\"12\" class=\"explain\">" + Html(data.explanations[i]) + "</td></tr>\n";
  }
  return "<p class=\"meta\">Under each line, how its total is computed: the unit price, the part of the cycle "
         "charged, the quantity, and the rounding rule of the charge type with its policy key.</p>\n"
         "<div class=\"scroll\"><table class=\"charges\">\n<thead><tr><th class=\"num\">#</th><th>Ref</th>"
         "<th>chargeType</th><th>orderDate</th><th>chargeStart</th><th>chargeEnd</th><th>termAndBillingCycle</th>"
         "<th class=\"num\">quantity</th><th class=\"num\">unitPrice</th><th class=\"num\">effectiveUnitPrice</th>"
         "<th class=\"num\">total</th><th>currency</th><th>invoice</th></tr></thead>\n<tbody>\n" +
         rows + "</tbody>\n</table></div>\n";
}

// One row per step as it ran: its number, instant, what it did, its line
// and how it ended.
std::string StepTable(const ScenarioResult& r) {
  if (r.steps.empty()) return "<p class=\"meta\">None.</p>\n";
  std::string rows;
  for (const StepRecord& step : r.steps) {
    rows += "<tr class=\"step-row" + std::string(step.ok ? "" : " failed") + "\" data-step=\"" +
            std::to_string(step.number) + "\"><td class=\"num\">" + std::to_string(step.number) + "</td><td>" +
            Html(step.at.ToString()) + "</td><td class=\"wrap\">" + Html(step.summary) + "</td><td>" +
            Html(step.subscription) + "</td><td class=\"num\">" + std::to_string(step.where.line) + "</td><td>" +
            (step.status != 0 ? std::to_string(step.status) + " " : std::string()) +
            (step.ok ? "ended as written" : "<strong>did not end as written</strong>") + "</td></tr>\n";
  }
  return "<div class=\"scroll\"><table class=\"steps\">\n<thead><tr><th class=\"num\">#</th><th>at</th>"
         "<th>step</th><th>subscription</th><th class=\"num\">line</th><th>result</th></tr></thead>\n<tbody>\n" +
         rows + "</tbody>\n</table></div>\n";
}

// The changes of the journal the timeline marks, by instant (then lane).
std::string ChangeTable(const ScenarioData& data) {
  std::vector<std::pair<const EventMark*, const Lane*>> marks;
  for (const Lane& lane : data.lanes)
    for (const EventMark& m : lane.events) marks.push_back({&m, &lane});
  if (marks.empty()) return "<p class=\"meta\">None.</p>\n";
  std::stable_sort(marks.begin(), marks.end(), [](const auto& a, const auto& b) { return a.first->t < b.first->t; });
  std::string rows;
  for (const auto& [m, lane] : marks)
    rows += "<tr class=\"change-row\" data-subscription=\"" + Html(lane->ref) + "\"><td>" +
            Html(Instant::FromMicros(m->t * 1'000'000).ToString()) + "</td><td>" + Html(lane->ref) +
            "</td><td class=\"wrap\">" + Html(m->text) + "</td><td>" + Html(m->by) + "</td></tr>\n";
  return "<div class=\"scroll\"><table class=\"changes\">\n<thead><tr><th>at</th><th>subscription</th>"
         "<th>change</th><th>by</th></tr></thead>\n<tbody>\n" +
         rows + "</tbody>\n</table></div>\n";
}

// The clock, the totals, the timeline and the tables of a scenario that ran.
std::string ScenarioBody(const ScenarioData& data) {
  const Sandbox& sandbox = *data.sandbox;
  std::string page = "<p class=\"meta\">Clock at the end: " + Html(sandbox.Now().ToString()) + " \xC2\xB7 " +
                     std::to_string(data.wire.size()) + " charge lines \xC2\xB7 total " +
                     Html(TotalsText(data.totals)) + "</p>\n";
  page += "<h2>Timeline</h2>\n";
  if (data.lanes.empty()) page += "<p class=\"meta\">No subscriptions.</p>\n";
  else page += "<div class=\"scroll\">\n" + TimelineSvg(data) + "</div>\n" + TimelineLegend();
  page += "<h2>Subscriptions</h2>\n" + SubscriptionTable(data);
  page += "<h2>Charge lines</h2>\n" + ChargeTable(data);
  page += "<h2>Steps</h2>\n" + StepTable(*data.result);
  page += "<h2>Changes</h2>\n" + ChangeTable(data);
  return page;
}

// The counts by outcome, the number of lines, the totals and the CSV links.
std::string IndexSummary(const std::vector<IndexEntry>& entries) {
  size_t passed = 0, failed = 0, errors = 0, lines = 0;
  std::map<std::string, Decimal> totals;
  for (const IndexEntry& e : entries) {
    switch (e.result->outcome) {
      case Outcome::Passed: ++passed; break;
      case Outcome::Failed: ++failed; break;
      case Outcome::Invalid: ++errors; break;
    }
    lines += e.lines;
    for (const auto& [currency, amount] : e.totals) totals[currency] += amount;
  }
  std::string out = "<p class=\"summary\">" + std::to_string(entries.size()) +
                    " scenarios: <span class=\"badge pass\">" + std::to_string(passed) +
                    " passed</span> <span class=\"badge fail\">" + std::to_string(failed) +
                    " failed</span> <span class=\"badge error\">" + std::to_string(errors) + " errors</span></p>\n";
  out += "<p class=\"meta\">" + std::to_string(lines) + " charge lines \xC2\xB7 total " + Html(TotalsText(totals)) +
         " \xC2\xB7 <a href=\"lines.csv\">lines.csv</a> \xC2\xB7 <a href=\"subscriptions.csv\">subscriptions.csv</a></p>\n";
  if (failed + errors > 0)
    out += "<p class=\"meta\">Failures and errors come first, each with its diff or reason under it.</p>\n";
  return out;
}

// A scenario's row; one that did not pass has a second row with its diff or
// reason across the whole table, wrapped (pre.failure), never wider than it.
std::string IndexRows(const IndexEntry& e) {
  const ScenarioResult& r = *e.result;
  const std::string outcome = OutcomeClass(r.outcome);
  std::string out = "<tr class=\"scenario " + outcome + "\"><td><span class=\"badge " + outcome + "\">" +
                    OutcomeText(r.outcome) + "</span></td><td class=\"wrap\"><a href=\"scenarios/" + Html(e.slug) +
                    ".html\">" + Html(DisplayTitle(r)) + "</a></td><td class=\"wrap\"><code>" + Html(r.file) +
                    "</code></td><td class=\"num\">" + std::to_string(e.subscriptions) + "</td><td class=\"num\">" +
                    std::to_string(e.lines) + "</td><td class=\"num\">" + Html(TotalsText(e.totals)) + "</td></tr>\n";
  if (r.outcome != Outcome::Passed)
    out += "<tr class=\"failure-row " + outcome + "\"><td colspan=\"6\"><pre class=\"failure\">" +
           Html(r.message) + "</pre></td></tr>\n";
  return out;
}

}  // namespace

std::string ScenarioPage(const ScenarioResult& r, const ScenarioData* data) {
  std::string page = PageStart(DisplayTitle(r) + " \xE2\x80\x94 pcsim replay");
  page += ScenarioHeading(r);
  if (data) page += ScenarioBody(*data);
  page += kPageEnd;
  return page;
}

std::string IndexPage(const std::vector<IndexEntry>& entries) {
  std::string out = PageStart("pcsim replay report");
  out += "<h1>pcsim replay report</h1>\n" + IndexSummary(entries);
  out += "<div class=\"scroll\"><table class=\"scenarios\">\n<thead><tr><th>Result</th><th>Scenario</th><th>File</th>"
         "<th class=\"num\">Subscriptions</th><th class=\"num\">Lines</th><th class=\"num\">Total</th>"
         "</tr></thead>\n<tbody>\n";
  // Failures and errors first, then passes; each group in file order.
  for (const IndexEntry& e : entries)
    if (e.result->outcome != Outcome::Passed) out += IndexRows(e);
  for (const IndexEntry& e : entries)
    if (e.result->outcome == Outcome::Passed) out += IndexRows(e);
  out += "</tbody>\n</table></div>\n";
  out += kPageEnd;
  return out;
}

}  // namespace pcsim::replay::report
