// What the report writers of a replay share (reports.h): the text helpers,
// the facts gathered once per scenario, and the writer of each format.
//   reports.cc        WriteReports: gathers each scenario, writes the files
//   report_text.cc    text for HTML, XML and CSV cells, money, outcomes
//   reports_csv.cc    lines.csv and subscriptions.csv
//   reports_html.cc   the scenario pages and the index page
//   timeline_svg.cc   the SVG timeline of a scenario page
//   reports_junit.cc  JUnit XML
// Conventions, chosen once for every file:
// - lines.csv holds the values exactly as the API's reconciliation line
//   (api::LineItemJson) renders them: money as the exact decimal text of the
//   wire number ("100.8", "-94.08", never through a float), dates and instants
//   in the wire form (RFC 3339 UTC, "2026-01-15T00:00:00Z"), productQualifiers
//   as its JSON array text (["Trial"]). A CSV row therefore equals what an
//   integration reads from GET .../lineitems. subscriptions.csv uses the same
//   forms (dates as the subscription resource writes them).
// - CSV files are written by the project's one CSV writer
//   (simulator/model/csv.h): RFC 4180, CRLF line ends; a field is quoted when
//   it holds a comma, a double quote, CR or LF, and its double quotes are
//   doubled.
// - HTML pages show amounts with at least two decimals and a sign
//   ("+100.80", "-94.08"); that is also the text of data-total. Dates in the
//   HTML are YYYY-MM-DD, instants RFC 3339.
// - Nothing depends on the wall clock, on pointer values or on the iteration
//   order of unordered containers: equal results give byte-identical files.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "simulator/api/json_support.h"
#include "simulator/replay/runner.h"

namespace pcsim::replay::report {

// --- text (report_text.cc) ---------------------------------------------------

// Valid UTF-8 without the characters XML 1.0 and HTML forbid; each invalid
// sequence or forbidden character becomes U+FFFD.
std::string CleanText(std::string_view in);
// Text for HTML content and attribute values.
std::string Html(std::string_view in);
// Text for XML content (attribute = false) or an attribute value.
std::string Xml(std::string_view in, bool attribute);
// The text of a wire value: strings as they are, numbers as their exact
// digits, arrays and objects as compact JSON, null as empty.
std::string WireText(const api::Json& v);
// WireText of j[key], empty when missing.
std::string WireField(const api::Json& j, const char* key);
std::string FirstLine(std::string_view text);

// Money for people: the exact value with at least two decimals.
std::string Money(Decimal d);
// Same, signed: "+100.80", "-94.08", "0.00".
std::string SignedMoney(Decimal d);
// "pos", "neg" or "zero".
const char* SignClass(Decimal d);
// Exact money for the CSV files, as the wire writes it.
std::string WireMoney(Decimal d);
// "119.61 EUR; 10.00 USD", or "-" when empty.
std::string TotalsText(const std::map<std::string, Decimal>& by_currency);

std::string Int(int64_t v);
// A coordinate in hundredths of a pixel, written with two decimals.
std::string Px(int64_t hundredths);
int64_t Seconds(Instant i);
int64_t Seconds(Date d);

const char* OutcomeText(Outcome o);   // PASS, FAIL, ERROR
const char* OutcomeClass(Outcome o);  // pass, fail, error
std::string DisplayTitle(const ScenarioResult& r);
// The scenario's ref of a subscription, or empty.
std::string ScenarioRef(const ScenarioResult& r, const std::string& subscription_id);

// --- one scenario's facts (gathered in reports.cc) -----------------------------

// The status of a subscription over time, as the timeline colours it.
enum class Band { Active, Suspended, Expired, Disabled, Deleted, Est };

// The changes of a subscription the timeline marks, from the journal.
enum class Mark {
  Seats,       // a seat change
  AutoRenew,   // auto-renew turned on or off
  Action,      // a scheduled action set or removed by the partner
  RuleAction,  // a scheduled action set by a rule of 2026 (backfill, autoRenewOffRule)
  Change,      // next-term instructions, a billing plan or term change, an upgrade, a trial conversion
};

struct EventMark {
  int64_t t = 0;  // seconds
  Mark mark = Mark::Change;
  std::string label;  // short, on the timeline: "seats 10→12", "Cancel (partner)"
  std::string text;   // the whole sentence: tooltip and table
  std::string by;     // "partner (user@example.com)", "backfill", "autoRenewOffRule", "pcsim"
};

// Everything a scenario page needs about one subscription.
struct Lane {
  const Subscription* sub = nullptr;
  std::string ref;
  std::vector<uint32_t> lines;                        // ledger indexes, in ledger order
  std::vector<std::pair<int64_t, Band>> transitions;  // (seconds, band after)
  std::vector<EventMark> events;                      // in journal order
  std::map<std::string, Decimal> totals;              // by currency
  Decimal total;
};

// A scenario that ran (not an invalid one), read once under its router's lock.
struct ScenarioData {
  const ScenarioResult* result = nullptr;
  const Sandbox* sandbox = nullptr;
  std::vector<Lane> lanes;                 // one per subscription, in the sandbox's order
  std::vector<api::Json> wire;             // api::LineItemJson of each ledger line
  // Per ledger line: how its amount is computed (Sandbox::ExplainCharge) and
  // its termAndBillingCycle (Sandbox::TermAndBillingCycleText).
  std::vector<std::string> explanations;
  std::vector<std::string> term_texts;
  std::map<std::string, Decimal> totals;   // of every line, by currency
};

// --- the writers ------------------------------------------------------------------

// reports_csv.cc
void AppendLinesCsvHeader(std::string& csv);
void AppendSubscriptionsCsvHeader(std::string& csv);
// One row per ledger line, in ledger order.
void AppendLinesCsvRows(const ScenarioData& data, std::string& csv);
// One row per subscription, in the sandbox's order.
void AppendSubscriptionsCsvRows(const ScenarioData& data, std::string& csv);

// timeline_svg.cc: the SVG of the steps and the lanes, and its legend (a <p>).
std::string TimelineSvg(const ScenarioData& data);
std::string TimelineLegend();

// reports_html.cc
struct IndexEntry {
  const ScenarioResult* result = nullptr;
  std::string slug;
  size_t lines = 0;
  size_t subscriptions = 0;
  std::map<std::string, Decimal> totals;  // by currency
};
// A scenario's page; `data` is null for a scenario that did not run.
std::string ScenarioPage(const ScenarioResult& r, const ScenarioData* data);
std::string IndexPage(const std::vector<IndexEntry>& entries);

}  // namespace pcsim::replay::report
