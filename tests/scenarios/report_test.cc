// The audit reports of a replay (reports.h): lines.csv and subscriptions.csv,
// the scenario pages with their timeline, the index and JUnit XML. Results
// come from small inline scenarios run in-process.
#include "simulator/replay/reports.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cctype>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <variant>
#include <vector>

#include "simulator/api/resources.h"
#include "simulator/replay/runner.h"
#include "simulator/replay/scenario_parser.h"

namespace pcsim::replay {
namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;
using ::testing::Not;

// --- scenarios ------------------------------------------------------------------

// One monthly subscription over two cycles; no expectations: passes.
constexpr const char* kMinimal =
    "scenario: t\n"
    "start: 2026-01-15\n"
    "customers:\n"
    "  - ref: c\n"
    "steps:\n"
    "  - purchase: {customer: c, item: CFQ7TTC0LH18:0001:CFQ7TTC0K971, quantity: 10, term: P1M, billing: monthly, ref: s1}\n"
    "  - advance: {to: 2026-03-01}\n";

// The example of docs/scenario-format.md (its catalog item sold in DE): a
// refund-and-recharge pair, 100.80, -94.08 and 112.89; the tests check the
// amounts in the reports.
constexpr const char* kAddSeats =
    "scenario: seats added mid cycle on a monthly term\n"
    "tags: [nce, quantity]\n"
    "start: 2021-06-18\n"
    "catalog:\n"
    "  - item: CFQ7TTC0LDPB:0001:CFQ7TTC0K4TS\n"
    "    name: Microsoft 365 Business Standard\n"
    "    currency: EUR\n"
    "    country: DE\n"
    "    prices: {P1M/monthly: \"10.08\"}\n"
    "customers:\n"
    "  - ref: contoso\n"
    "    country: DE\n"
    "steps:\n"
    "  - purchase: {customer: contoso, item: CFQ7TTC0LDPB:0001:CFQ7TTC0K4TS, quantity: 10, term: P1M, billing: monthly, ref: sub1}\n"
    "  - at: 2021-06-20\n"
    "    set-quantity: {subscription: sub1, quantity: 12}\n"
    "expect:\n"
    "  subscriptions:\n"
    "    sub1: {status: active, quantity: 12}\n";

// Two subscriptions; the second is cancelled inside the window (a refund).
constexpr const char* kTwoSubscriptions =
    "scenario: two subscriptions, one cancelled\n"
    "start: 2026-01-15\n"
    "customers:\n"
    "  - ref: c\n"
    "steps:\n"
    "  - purchase: {customer: c, item: CFQ7TTC0LH18:0001:CFQ7TTC0K971, quantity: 10, term: P1M, billing: monthly, ref: s1}\n"
    "  - purchase: {customer: c, item: CFQ7TTC0LH18:0001:CFQ7TTC0K971, quantity: 5, term: P1Y, billing: monthly, ref: s2}\n"
    "  - at: 2026-01-17\n"
    "    cancel: {subscription: s2}\n"
    "  - advance: {to: 2026-03-01}\n";

// The minimal scenario with a wrong quantity: fails. The title has markup characters.
constexpr const char* kFailing =
    "scenario: \"wrong <total> & \\\"quotes\\\" 'too'\"\n"
    "start: 2026-01-15\n"
    "customers:\n"
    "  - ref: c\n"
    "steps:\n"
    "  - purchase: {customer: c, item: CFQ7TTC0LH18:0001:CFQ7TTC0K971, quantity: 10, term: P1M, billing: monthly, ref: s1}\n"
    "expect:\n"
    "  subscriptions:\n"
    "    s1: {quantity: 11}\n";

// A monthly term with auto-renew off that enters an Extended Service Term on
// 2026-06-10 (docs/decisions.md, section 8): a new line, then two EST months
// charged as renew lines whose termAndBillingCycle is "Extended Service Term".
constexpr const char* kEst =
    "scenario: EST month to month\n"
    "start: 2026-05-10\n"
    "customers:\n"
    "  - ref: contoso\n"
    "steps:\n"
    "  - purchase: {customer: contoso, item: CFQ7TTC0LFLZ:0001:CFQ7TTC0K5F7, quantity: 10, term: P1M, billing: monthly, ref: e3}\n"
    "  - set-auto-renew: {subscription: e3, enabled: false}\n"
    "  - advance: {to: 2026-07-10T01:00:00Z}\n";

ScenarioResult RunText(const std::string& text, const std::string& file) {
  ParseOutcome parsed = ParseScenarioText(text, file);
  if (const auto* error = std::get_if<ScenarioError>(&parsed)) {
    ADD_FAILURE() << "scenario does not parse: " << error->ToString();
    ScenarioResult r;
    r.file = file;
    r.outcome = Outcome::Invalid;
    r.message = error->ToString();
    return r;
  }
  return RunScenario(std::get<Scenario>(parsed));
}

ScenarioResult InvalidResult(const std::string& file, const std::string& message) {
  ScenarioResult r;
  r.file = file;
  r.outcome = Outcome::Invalid;
  r.message = message;
  return r;
}

// --- helpers ----------------------------------------------------------------------

std::string ReadFile(const fs::path& path) {
  std::ifstream f(path, std::ios::binary);
  EXPECT_TRUE(f) << "cannot read " << path;
  std::ostringstream s;
  s << f.rdbuf();
  return s.str();
}

size_t Count(const std::string& text, const std::string& needle) {
  size_t n = 0;
  for (size_t pos = text.find(needle); pos != std::string::npos; pos = text.find(needle, pos + needle.size())) ++n;
  return n;
}

// RFC 4180 records (CRLF or LF line ends).
std::vector<std::vector<std::string>> ParseCsv(const std::string& text) {
  std::vector<std::vector<std::string>> rows;
  std::vector<std::string> row;
  std::string field;
  bool quoted = false, any = false;
  for (size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (quoted) {
      if (c == '"' && i + 1 < text.size() && text[i + 1] == '"') {
        field += '"';
        ++i;
      } else if (c == '"') {
        quoted = false;
      } else {
        field += c;
      }
      continue;
    }
    if (c == '"') {
      quoted = true;
      any = true;
    } else if (c == ',') {
      row.push_back(field);
      field.clear();
      any = true;
    } else if (c == '\r' || c == '\n') {
      if (c == '\r' && i + 1 < text.size() && text[i + 1] == '\n') ++i;
      row.push_back(field);
      rows.push_back(row);
      row.clear();
      field.clear();
      any = false;
    } else {
      field += c;
      any = true;
    }
  }
  if (any || !field.empty()) {
    row.push_back(field);
    rows.push_back(row);
  }
  return rows;
}

// The values of attribute `name` on every element that has `marker` in its tag.
std::vector<std::string> AttributeValues(const std::string& html, const std::string& marker, const std::string& name) {
  std::vector<std::string> values;
  for (size_t pos = html.find(marker); pos != std::string::npos; pos = html.find(marker, pos + 1)) {
    size_t tag_start = html.rfind('<', pos);
    size_t tag_end = html.find('>', pos);
    std::string tag = html.substr(tag_start, tag_end - tag_start);
    size_t a = tag.find(" " + name + "=\"");
    if (a == std::string::npos) {
      values.push_back("<missing>");
      continue;
    }
    a += name.size() + 3;
    values.push_back(tag.substr(a, tag.find('"', a) - a));
  }
  return values;
}

// The amount text of the pages and data-total: the exact total with at least
// two decimals, "+" when positive.
std::string SignedMoney(Decimal d) {
  Decimal n = d.Normalized();
  if (n.scale() < 2) n = n.WithScale(2);
  return (d.IsZero() || d.IsNegative() ? "" : "+") + n.ToString();
}

std::string XmlUnescape(const std::string& s) {
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] != '&') {
      out += s[i];
      continue;
    }
    size_t semi = s.find(';', i);
    std::string entity = s.substr(i + 1, semi - i - 1);
    if (entity == "amp") out += '&';
    else if (entity == "lt") out += '<';
    else if (entity == "gt") out += '>';
    else if (entity == "quot") out += '"';
    else if (entity == "apos") out += '\'';
    else if (entity.size() > 1 && entity[0] == '#') {
      long cp = entity[1] == 'x' ? std::stol(entity.substr(2), nullptr, 16) : std::stol(entity.substr(1));
      out += static_cast<char>(cp);  // enough for the tests: ASCII only
    }
    i = semi;
  }
  return out;
}

// A small XML well-formedness check: one root, balanced and properly nested
// elements, quoted attributes, no raw '<' or unknown entities in text or
// attribute values, no control characters XML 1.0 forbids. Returns an error
// or "". Collects the elements with their attributes (unescaped) in `elements`.
struct Element {
  std::string name;
  std::map<std::string, std::string> attributes;
  std::string text;  // direct text content, unescaped
};
std::string CheckXml(const std::string& xml, std::vector<Element>* elements) {
  auto bad_chars = [](const std::string& s) {
    for (unsigned char c : s)
      if (c < 0x20 && c != '\t' && c != '\n' && c != '\r') return true;
    return false;
  };
  auto bad_entities = [](const std::string& s) {
    for (size_t i = 0; i < s.size(); ++i) {
      if (s[i] == '<') return true;
      if (s[i] != '&') continue;
      size_t semi = s.find(';', i);
      if (semi == std::string::npos) return true;
      std::string e = s.substr(i + 1, semi - i - 1);
      if (e != "amp" && e != "lt" && e != "gt" && e != "quot" && e != "apos" &&
          !(e.size() > 1 && e[0] == '#' && e.find_first_not_of("0123456789", 1) == std::string::npos) &&
          !(e.size() > 2 && e[0] == '#' && e[1] == 'x'))
        return true;
    }
    return false;
  };
  if (bad_chars(xml)) return "forbidden control character";
  size_t pos = 0;
  if (xml.rfind("<?xml", 0) == 0) pos = xml.find("?>") + 2;
  std::vector<size_t> stack;  // indexes into elements
  bool root_seen = false;
  while (pos < xml.size()) {
    size_t lt = xml.find('<', pos);
    std::string text = xml.substr(pos, (lt == std::string::npos ? xml.size() : lt) - pos);
    if (bad_entities(text)) return "bad text: " + text;
    if (stack.empty() && text.find_first_not_of(" \t\r\n") != std::string::npos) return "text outside the root";
    if (!stack.empty()) (*elements)[stack.back()].text += XmlUnescape(text);
    if (lt == std::string::npos) break;
    size_t gt = lt;
    char quote = 0;
    for (++gt; gt < xml.size(); ++gt) {
      if (quote) {
        if (xml[gt] == quote) quote = 0;
      } else if (xml[gt] == '"' || xml[gt] == '\'') {
        quote = xml[gt];
      } else if (xml[gt] == '>') {
        break;
      }
    }
    if (gt >= xml.size()) return "unterminated tag";
    std::string tag = xml.substr(lt + 1, gt - lt - 1);
    pos = gt + 1;
    if (!tag.empty() && tag[0] == '/') {
      if (stack.empty() || (*elements)[stack.back()].name != tag.substr(1)) return "mismatched </" + tag.substr(1) + ">";
      stack.pop_back();
      continue;
    }
    bool self_closing = !tag.empty() && tag.back() == '/';
    if (self_closing) tag.pop_back();
    Element e;
    size_t i = 0;
    while (i < tag.size() && !isspace(static_cast<unsigned char>(tag[i]))) e.name += tag[i++];
    if (e.name.empty()) return "empty tag name";
    while (true) {
      while (i < tag.size() && isspace(static_cast<unsigned char>(tag[i]))) ++i;
      if (i >= tag.size()) break;
      size_t eq = tag.find('=', i);
      if (eq == std::string::npos || eq + 1 >= tag.size() || (tag[eq + 1] != '"' && tag[eq + 1] != '\''))
        return "unquoted attribute in <" + e.name + ">";
      std::string name = tag.substr(i, eq - i);
      size_t end = tag.find(tag[eq + 1], eq + 2);
      if (end == std::string::npos) return "unterminated attribute";
      std::string value = tag.substr(eq + 2, end - eq - 2);
      if (bad_entities(value)) return "bad attribute value: " + value;
      if (e.attributes.count(name)) return "duplicate attribute " + name;
      e.attributes[name] = XmlUnescape(value);
      i = end + 1;
    }
    if (stack.empty()) {
      if (root_seen) return "two roots";
      root_seen = true;
    }
    elements->push_back(e);
    if (!self_closing) stack.push_back(elements->size() - 1);
  }
  if (!stack.empty()) return "unclosed <" + (*elements)[stack.back()].name + ">";
  if (!root_seen) return "no root";
  return "";
}

// A unique scratch folder under /tmp, removed at the end of the test.
class ReportTest : public ::testing::Test {
 protected:
  void SetUp() override {
    static std::atomic<int> counter{0};
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    dir_ = fs::path("/tmp") / ("pcsim_report_test_" + std::to_string(::getpid()) + "_" +
                               std::to_string(counter++) + "_" + info->name());
    fs::remove_all(dir_);
  }
  void TearDown() override {
    std::error_code ec;
    fs::remove_all(dir_, ec);
  }
  fs::path dir_;
};

// --- lines.csv -------------------------------------------------------------------

TEST_F(ReportTest, LinesCsvHasTheReconciliationColumnsAndOneRowPerLedgerLine) {
  std::vector<ScenarioResult> results;
  results.push_back(RunText(kMinimal, "scenarios/minimal.yaml"));
  results.push_back(RunText(kAddSeats, "scenarios/nce/add_seats.yaml"));
  ASSERT_EQ(results[0].outcome, Outcome::Passed) << results[0].message;
  ASSERT_EQ(results[1].outcome, Outcome::Passed) << results[1].message;
  ASSERT_TRUE(WriteReports(results, dir_.string()).ok());

  const std::string text = ReadFile(dir_ / "lines.csv");
  const std::string header =
      "Scenario,SubscriptionRef,PartnerId,CustomerId,CustomerName,CustomerDomainName,CustomerCountry,InvoiceNumber,"
      "MPNID,ResellerMPNID,OrderId,OrderDate,ProductId,SkuId,AvailabilityId,SkuName,ProductName,ChargeType,UnitPrice,"
      "Quantity,Subtotal,TaxTotal,Total,Currency,PriceAdjustmentDescription,PublisherName,PublisherId,"
      "SubscriptionDescription,SubscriptionId,ChargeStartDate,ChargeEndDate,TermAndBillingCycle,EffectiveUnitPrice,"
      "UnitType,AlternateId,BillableQuantity,BillingFrequency,PricingCurrency,PCToBCExchangeRate,"
      "PCToBCExchangeRateDate,MeterDescription,ReservationOrderId,CreditReasonCode,SubscriptionStartDate,"
      "SubscriptionEndDate,ReferenceId,ProductQualifiers,PromotionId\r\n";
  ASSERT_EQ(text.substr(0, header.size()), header);

  auto rows = ParseCsv(text);
  ASSERT_FALSE(rows.empty());
  const auto& columns = rows[0];
  auto column = [&](const std::string& name) {
    auto it = std::find(columns.begin(), columns.end(), name);
    EXPECT_NE(it, columns.end()) << name;
    return static_cast<size_t>(it - columns.begin());
  };
  size_t expected_rows = 0;
  size_t row = 1;
  for (const ScenarioResult& r : results) {
    const Sandbox& sandbox = r.router->sandbox();
    const auto& lines = sandbox.ledger().lines();
    ASSERT_GT(lines.size(), 0u);
    expected_rows += lines.size();
    for (size_t i = 0; i < lines.size(); ++i, ++row) {
      ASSERT_LT(row, rows.size());
      const auto& fields = rows[row];
      ASSERT_EQ(fields.size(), columns.size()) << "row " << row;
      const ChargeLine& line = lines[i];
      EXPECT_EQ(fields[column("Scenario")], r.file);
      EXPECT_EQ(fields[column("SubscriptionRef")], RefOrId(r, sandbox.SubscriptionAt(line.subscription).id));
      EXPECT_EQ(fields[column("SubscriptionId")], sandbox.SubscriptionAt(line.subscription).id);
      EXPECT_EQ(fields[column("Total")], line.total.Normalized().ToString()) << "row " << row;
      EXPECT_EQ(fields[column("Subtotal")], line.total.Normalized().ToString());
      EXPECT_EQ(fields[column("Quantity")], std::to_string(line.quantity));
      EXPECT_EQ(fields[column("ChargeType")], std::string(ToString(line.charge_type)));
      EXPECT_EQ(fields[column("OrderDate")], line.order_date.ToString());
      EXPECT_EQ(fields[column("ChargeStartDate")], line.charge_start.ToString() + "T00:00:00Z");
    }
  }
  EXPECT_EQ(rows.size(), 1 + expected_rows);

  // The example's three lines, exactly.
  std::vector<std::string> totals;
  for (size_t i = 1; i < rows.size(); ++i)
    if (rows[i][column("Scenario")] == "scenarios/nce/add_seats.yaml") totals.push_back(rows[i][column("Total")]);
  EXPECT_THAT(totals, ::testing::ElementsAre("100.8", "-94.08", "112.89"));
  // Fields with commas are quoted (termAndBillingCycle texts may hold them,
  // productQualifiers always has brackets): the parse above kept every row
  // at the header's width, which it checked.
}

TEST_F(ReportTest, CsvQuotesCommasQuotesAndNewlines) {
  std::vector<ScenarioResult> results;
  results.push_back(RunText(kMinimal, "scenarios/a, \"quoted\"\nname.yaml"));
  ASSERT_EQ(results[0].outcome, Outcome::Passed) << results[0].message;
  ASSERT_TRUE(WriteReports(results, dir_.string()).ok());
  const std::string text = ReadFile(dir_ / "lines.csv");
  EXPECT_THAT(text, HasSubstr("\r\n\"scenarios/a, \"\"quoted\"\"\nname.yaml\",s1,"));
  auto rows = ParseCsv(text);
  ASSERT_GE(rows.size(), 2u);
  EXPECT_EQ(rows[1][0], "scenarios/a, \"quoted\"\nname.yaml");
  EXPECT_EQ(rows[1].size(), rows[0].size());
}

// EST lines carry termAndBillingCycle as Partner Center's reconciliation rows
// do: in lines.csv (TermAndBillingCycle), in the page's charge table and in
// the tooltip of each charge marker.
TEST_F(ReportTest, EstLinesShowTheirTermAndBillingCycle) {
  std::vector<ScenarioResult> results;
  results.push_back(RunText(kEst, "scenarios/est.yaml"));
  ASSERT_EQ(results[0].outcome, Outcome::Passed) << results[0].message;
  ASSERT_TRUE(WriteReports(results, dir_.string()).ok());

  auto rows = ParseCsv(ReadFile(dir_ / "lines.csv"));
  ASSERT_EQ(rows.size(), 4u);
  const auto& header = rows[0];
  const size_t term = std::find(header.begin(), header.end(), "TermAndBillingCycle") - header.begin();
  const size_t type = std::find(header.begin(), header.end(), "ChargeType") - header.begin();
  ASSERT_LT(term, header.size());
  const std::vector<std::string> expected = {"One-Month commitment for monthly billing", "Extended Service Term",
                                             "Extended Service Term"};
  for (size_t i = 0; i < expected.size(); ++i) {
    EXPECT_EQ(rows[i + 1][type], i == 0 ? "new" : "renew");
    EXPECT_EQ(rows[i + 1][term], expected[i]) << "line " << i;
  }

  const std::string page = ReadFile(dir_ / "scenarios" / "scenarios_est.html");
  EXPECT_THAT(page, HasSubstr("<th>chargeEnd</th><th>termAndBillingCycle</th>"));
  std::vector<std::string> cells;
  for (size_t pos = page.find("<td class=\"term-text\">"); pos != std::string::npos;
       pos = page.find("<td class=\"term-text\">", pos + 1)) {
    size_t open = pos + std::string("<td class=\"term-text\">").size();
    cells.push_back(page.substr(open, page.find("</td>", open) - open));
  }
  EXPECT_EQ(cells, expected);
  EXPECT_EQ(Count(page, "\nExtended Service Term\n"), 2u);  // the two EST markers' tooltips
  EXPECT_THAT(page, HasSubstr("data-status=\"est\""));
}

// The EST lines are marked (a tinted row badged EST, a ringed marker reading
// "EST +445.00"); every line says how its total is computed; the steps and
// the changes of the journal are marked on the timeline, the scheduled
// action with who set it.
TEST_F(ReportTest, ScenarioPageMarksStepsChangesAndEstLinesAndExplainsEveryTotal) {
  std::vector<ScenarioResult> results;
  results.push_back(RunText(kEst, "scenarios/est.yaml"));
  results.push_back(RunText(kAddSeats, "scenarios/add_seats.yaml"));
  ASSERT_EQ(results[0].outcome, Outcome::Passed) << results[0].message;
  ASSERT_EQ(results[1].outcome, Outcome::Passed) << results[1].message;
  ASSERT_TRUE(WriteReports(results, dir_.string()).ok());
  const std::string est = ReadFile(dir_ / "scenarios" / "scenarios_est.html");
  const std::string seats = ReadFile(dir_ / "scenarios" / "scenarios_add_seats.html");

  // Steps: a numbered marker each, labelled with its action, and a row each.
  ASSERT_EQ(results[0].steps.size(), 3u);
  EXPECT_EQ(results[0].steps[1].summary, "set-auto-renew e3: off");
  EXPECT_EQ(results[0].steps[1].at, Instant::StartOf(Date::Ymd(2026, 5, 10)));
  EXPECT_TRUE(results[0].steps[2].ok);
  EXPECT_THAT(AttributeValues(est, "<g class=\"step\"", "data-action"),
              ::testing::ElementsAre("purchase", "set-auto-renew", "advance"));
  EXPECT_EQ(Count(est, "<tr class=\"step-row\""), 3u);
  EXPECT_THAT(est, HasSubstr(">set-auto-renew e3: off</td>"));

  // Changes: auto-renew off by the partner, then the EST action the 24-hour
  // rule sets (docs/decisions.md, section 9).
  EXPECT_THAT(AttributeValues(est, "class=\"mark ", "data-label"),
              ::testing::ElementsAre("auto-renew off", "EST (autoRenewOffRule)"));
  const std::vector<std::string> by = AttributeValues(est, "class=\"mark ", "data-by");
  ASSERT_EQ(by.size(), 2u);
  EXPECT_EQ(by[0].rfind("partner", 0), 0u) << by[0];
  EXPECT_EQ(by[1], "autoRenewOffRule");
  EXPECT_THAT(est, HasSubstr("class=\"mark mark-rule-action\""));
  EXPECT_THAT(est, HasSubstr("<td class=\"wrap\">scheduled action RenewToExtendedServiceTerm set by "
                             "autoRenewOffRule</td><td>autoRenewOffRule</td>"));

  // EST lines: two months, marked in the table and on the timeline.
  EXPECT_EQ(Count(est, "<tr class=\"charge-row est\""), 2u);
  EXPECT_EQ(Count(est, "<span class=\"badge est\">EST</span>"), 2u);
  EXPECT_EQ(Count(est, "<circle class=\"charge est\""), 2u);
  EXPECT_THAT(est, HasSubstr(">EST +445.00</text>"));
  EXPECT_THAT(est, HasSubstr("<td class=\"term-text\">Extended Service Term</td>"));

  // Every line explained, in the table and in its marker.
  for (size_t k = 0; k < results.size(); ++k) {
    const std::string& html = k == 0 ? est : seats;
    const Sandbox& sandbox = results[k].router->sandbox();
    for (const ChargeLine& line : sandbox.ledger().lines()) {
      std::string text = sandbox.ExplainCharge(line);
      for (size_t pos; (pos = text.find('>')) != std::string::npos;) text.replace(pos, 1, "&gt;");
      EXPECT_THAT(html, HasSubstr("class=\"explain\">" + text + "</td>"));
      EXPECT_THAT(html, HasSubstr("data-explanation=\"" + text + "\""));
    }
  }
  EXPECT_THAT(est, HasSubstr("class=\"explain\">43.20 x 10 = 432.00 (whole cycle)</td>"));
  EXPECT_THAT(est, HasSubstr("<tr class=\"explain-row est\"><td></td><td colspan=\"12\" class=\"explain\">"
                             "44.50 x 10 = 445.00 (whole cycle)</td></tr>"));
  EXPECT_THAT(seats, HasSubstr("class=\"explain\">10.08 / 30 x 28 x 12 = 112.896 -&gt; 112.89 "
                               "(28 of 30 days; billing.rounding.addQuantity: truncate-total)</td>"));
  EXPECT_THAT(AttributeValues(seats, "class=\"mark ", "data-label"),
              ::testing::ElementsAre("seats 10\xE2\x86\x92" "12"));

  // The legend names every kind of mark.
  for (const char* name : {"EST charge", "step (red: did not end as written)", "seat change", "auto-renew on/off",
                           "scheduled action set by the partner", "set by a rule (backfill, autoRenewOffRule)"})
    EXPECT_THAT(est, HasSubstr(name));
}

// --- subscriptions.csv -------------------------------------------------------------

TEST_F(ReportTest, SubscriptionsCsvHasOneRowPerSubscription) {
  std::vector<ScenarioResult> results;
  results.push_back(RunText(kAddSeats, "scenarios/nce/add_seats.yaml"));
  results.push_back(RunText(kTwoSubscriptions, "scenarios/two.yaml"));
  ASSERT_EQ(results[0].outcome, Outcome::Passed) << results[0].message;
  ASSERT_EQ(results[1].outcome, Outcome::Passed) << results[1].message;
  ASSERT_TRUE(WriteReports(results, dir_.string()).ok());

  auto rows = ParseCsv(ReadFile(dir_ / "subscriptions.csv"));
  ASSERT_EQ(rows.size(), 4u);
  EXPECT_THAT(rows[0], ::testing::ElementsAre("Scenario", "SubscriptionRef", "SubscriptionId", "CustomerId", "OfferId",
                                              "ProductName", "Status", "Quantity", "TermDuration", "BillingCycle",
                                              "AutoRenewEnabled", "CommitmentStartDate", "CommitmentEndDate",
                                              "InExtendedServiceTerm", "TotalCharged"));
  const auto& sub1 = rows[1];
  EXPECT_EQ(sub1[0], "scenarios/nce/add_seats.yaml");
  EXPECT_EQ(sub1[1], "sub1");
  EXPECT_EQ(sub1[2], results[0].subscription_refs.at("sub1"));
  EXPECT_EQ(sub1[4], "CFQ7TTC0LDPB:0001:CFQ7TTC0K4TS");
  EXPECT_EQ(sub1[5], "Microsoft 365 Business Standard");
  EXPECT_EQ(sub1[6], "active");
  EXPECT_EQ(sub1[7], "12");
  EXPECT_EQ(sub1[8], "P1M");
  EXPECT_EQ(sub1[9], "monthly");
  EXPECT_EQ(sub1[10], "true");
  EXPECT_EQ(sub1[11], "2021-06-18T00:00:00Z");
  EXPECT_EQ(sub1[13], "false");
  EXPECT_EQ(sub1[14], "119.61");  // 100.80 - 94.08 + 112.89

  EXPECT_EQ(rows[2][1], "s1");
  EXPECT_EQ(rows[3][1], "s2");
  EXPECT_EQ(rows[3][6], "deleted");
  // Each TotalCharged is the exact sum of that subscription's lines.
  const Sandbox& sandbox = results[1].router->sandbox();
  for (size_t k = 0; k < 2; ++k) {
    Decimal sum;
    for (size_t i = 0; i < sandbox.ledger().lines().size(); ++i)
      if (sandbox.ledger().lines()[i].subscription == k) sum += sandbox.ledger().lines()[i].total;
    EXPECT_EQ(rows[2 + k][14], sum.Normalized().ToString());
  }
}

// --- scenario pages ------------------------------------------------------------------

TEST_F(ReportTest, ScenarioPageHasOneLanePerSubscriptionAndOneMarkerPerLine) {
  std::vector<ScenarioResult> results;
  results.push_back(RunText(kTwoSubscriptions, "scenarios/nce/two subscriptions.yaml"));
  results.push_back(RunText(kAddSeats, "scenarios/nce/add_seats.yaml"));
  ASSERT_EQ(results[0].outcome, Outcome::Passed) << results[0].message;
  ASSERT_EQ(results[1].outcome, Outcome::Passed) << results[1].message;
  ASSERT_TRUE(WriteReports(results, dir_.string()).ok());

  const fs::path two = dir_ / "scenarios" / "scenarios_nce_two_subscriptions.html";
  const fs::path seats = dir_ / "scenarios" / "scenarios_nce_add_seats.html";
  ASSERT_TRUE(fs::exists(two));
  ASSERT_TRUE(fs::exists(seats));

  for (size_t k = 0; k < results.size(); ++k) {
    const std::string html = ReadFile(k == 0 ? two : seats);
    const Sandbox& sandbox = results[k].router->sandbox();
    const auto& subs = sandbox.subscriptions();
    const auto& lines = sandbox.ledger().lines();

    EXPECT_EQ(html.rfind("<!DOCTYPE html>", 0), 0u);
    EXPECT_THAT(html, HasSubstr("<svg class=\"timeline\""));
    EXPECT_THAT(html, HasSubstr(results[k].title));
    EXPECT_THAT(html, Not(HasSubstr("http://")));
    EXPECT_THAT(html, Not(HasSubstr("https://")));
    EXPECT_THAT(html, Not(HasSubstr("<script")));
    EXPECT_THAT(html, Not(HasSubstr("<link")));

    // One lane per subscription, named by its ref.
    std::vector<std::string> lane_refs = AttributeValues(html, "<g class=\"lane\"", "data-subscription");
    ASSERT_EQ(lane_refs.size(), subs.size());
    for (size_t i = 0; i < subs.size(); ++i) EXPECT_EQ(lane_refs[i], RefOrId(results[k], subs[i]->id));

    // One charge marker per line, with its total and subscription.
    EXPECT_EQ(Count(html, "class=\"charge\""), lines.size());
    std::vector<std::string> marker_totals = AttributeValues(html, "<circle class=\"charge\"", "data-total");
    std::vector<std::string> marker_refs = AttributeValues(html, "<circle class=\"charge\"", "data-subscription");
    std::vector<std::string> expected_totals, expected_refs;
    // Markers are drawn lane by lane, each lane's lines in ledger order.
    for (size_t s = 0; s < subs.size(); ++s)
      for (size_t i = 0; i < lines.size(); ++i)
        if (lines[i].subscription == s) {
          expected_totals.push_back(SignedMoney(lines[i].total));
          expected_refs.push_back(RefOrId(results[k], subs[s]->id));
        }
    EXPECT_EQ(marker_totals, expected_totals);
    EXPECT_EQ(marker_refs, expected_refs);
    // Each marker has a tooltip.
    EXPECT_EQ(Count(html, "<circle class=\"charge\""), Count(html, "</circle>"));
    // The charge table: one row per line.
    EXPECT_EQ(Count(html, "<tr class=\"charge-row\""), lines.size());
  }

  const std::string seats_html = ReadFile(seats);
  EXPECT_THAT(AttributeValues(seats_html, "<circle class=\"charge\"", "data-total"),
              ::testing::ElementsAre("+100.80", "-94.08", "+112.89"));
  EXPECT_THAT(seats_html, HasSubstr(">+100.80</text>"));
  EXPECT_THAT(seats_html, HasSubstr(">-94.08</text>"));
  EXPECT_THAT(seats_html, HasSubstr("Microsoft 365 Business Standard"));

  // The cancelled subscription's lane shows it deleted after being active.
  const std::string two_html = ReadFile(two);
  size_t lane2 = two_html.find("<g class=\"lane\" id=\"lane-1\" data-subscription=\"s2\"");
  ASSERT_NE(lane2, std::string::npos);
  std::string lane2_text = two_html.substr(lane2, two_html.find("</g>", lane2) - lane2);
  EXPECT_THAT(lane2_text, HasSubstr("data-status=\"active\""));
  EXPECT_THAT(lane2_text, HasSubstr("data-status=\"deleted\""));
  EXPECT_THAT(lane2_text, HasSubstr("class=\"term\""));
  EXPECT_THAT(lane2_text, HasSubstr("class=\"cycle\""));
  // Month ticks on the axis.
  EXPECT_THAT(two_html, HasSubstr(">Feb 2026</text>"));
  EXPECT_THAT(two_html, HasSubstr(">Mar 2026</text>"));
}

TEST_F(ReportTest, PageNamesAreSafeAndUnique) {
  std::vector<ScenarioResult> results;
  results.push_back(RunText(kMinimal, "../Scenarios/My Test (1).yaml"));
  results.push_back(RunText(kMinimal, "../Scenarios/My Test (1).yml"));
  results.push_back(InvalidResult("", "bad"));
  ASSERT_TRUE(WriteReports(results, dir_.string()).ok());
  EXPECT_TRUE(fs::exists(dir_ / "scenarios" / "scenarios_my_test_1.html"));
  EXPECT_TRUE(fs::exists(dir_ / "scenarios" / "scenarios_my_test_1_2.html"));
  EXPECT_TRUE(fs::exists(dir_ / "scenarios" / "scenario.html"));
  const std::string index = ReadFile(dir_ / "index.html");
  EXPECT_THAT(index, HasSubstr("href=\"scenarios/scenarios_my_test_1.html\""));
  EXPECT_THAT(index, HasSubstr("href=\"scenarios/scenarios_my_test_1_2.html\""));
  EXPECT_THAT(index, HasSubstr("href=\"scenarios/scenario.html\""));
}

// --- index.html ------------------------------------------------------------------------

TEST_F(ReportTest, IndexListsPassFailAndError) {
  std::vector<ScenarioResult> results;
  results.push_back(RunText(kMinimal, "scenarios/minimal.yaml"));
  results.push_back(RunText(kFailing, "scenarios/failing.yaml"));
  results.push_back(InvalidResult("scenarios/broken.yaml", "scenarios/broken.yaml:3: unknown key <frobnicate>"));
  ASSERT_EQ(results[0].outcome, Outcome::Passed) << results[0].message;
  ASSERT_EQ(results[1].outcome, Outcome::Failed);
  ASSERT_FALSE(results[1].message.empty());
  ASSERT_TRUE(WriteReports(results, dir_.string()).ok());

  const std::string index = ReadFile(dir_ / "index.html");
  EXPECT_EQ(index.rfind("<!DOCTYPE html>", 0), 0u);
  EXPECT_THAT(index, Not(HasSubstr("http://")));
  EXPECT_THAT(index, Not(HasSubstr("https://")));
  EXPECT_THAT(index, Not(HasSubstr("<script")));
  EXPECT_EQ(Count(index, "<tr class=\"scenario "), 3u);
  EXPECT_THAT(index, HasSubstr("<tr class=\"scenario pass\">"));
  EXPECT_THAT(index, HasSubstr("<tr class=\"scenario fail\">"));
  EXPECT_THAT(index, HasSubstr("<tr class=\"scenario error\">"));
  EXPECT_THAT(index, HasSubstr(">PASS<"));
  EXPECT_THAT(index, HasSubstr(">FAIL<"));
  EXPECT_THAT(index, HasSubstr(">ERROR<"));
  EXPECT_THAT(index, HasSubstr("href=\"scenarios/scenarios_minimal.html\""));
  EXPECT_THAT(index, HasSubstr("href=\"scenarios/scenarios_failing.html\""));
  EXPECT_THAT(index, HasSubstr("href=\"scenarios/scenarios_broken.html\""));
  // Titles and failure texts are escaped.
  EXPECT_THAT(index, HasSubstr("wrong &lt;total&gt; &amp; &quot;quotes&quot; &#39;too&#39;"));
  EXPECT_THAT(index, HasSubstr("unknown key &lt;frobnicate&gt;"));
  EXPECT_THAT(index, Not(HasSubstr("<frobnicate>")));
  EXPECT_THAT(index, Not(HasSubstr("<total>")));
  EXPECT_THAT(index, HasSubstr("1 passed"));
  EXPECT_THAT(index, HasSubstr("1 failed"));
  EXPECT_THAT(index, HasSubstr("1 errors"));

  // The failing scenario's page shows its diff; the invalid one its reason.
  const std::string failing = ReadFile(dir_ / "scenarios" / "scenarios_failing.html");
  EXPECT_THAT(failing, HasSubstr("<pre class=\"failure\">"));
  const std::string broken = ReadFile(dir_ / "scenarios" / "scenarios_broken.html");
  EXPECT_THAT(broken, HasSubstr("unknown key &lt;frobnicate&gt;"));
  EXPECT_THAT(broken, Not(HasSubstr("<svg")));
  // Invalid scenarios have no CSV rows; the failing one does.
  auto rows = ParseCsv(ReadFile(dir_ / "lines.csv"));
  size_t failing_rows = 0, broken_rows = 0;
  for (size_t i = 1; i < rows.size(); ++i) {
    failing_rows += rows[i][0] == "scenarios/failing.yaml";
    broken_rows += rows[i][0] == "scenarios/broken.yaml";
  }
  EXPECT_EQ(failing_rows, results[1].router->sandbox().ledger().lines().size());
  EXPECT_EQ(broken_rows, 0u);
}

// The rules of the page's <style> for a selector, e.g. "pre.failure" -> "white-space:pre-wrap;...".
std::string CssRule(const std::string& html, const std::string& selector) {
  size_t style = html.find("<style>");
  size_t end = html.find("</style>", style);
  std::string css = html.substr(style, end - style);
  for (size_t pos = css.find(selector + "{"); pos != std::string::npos; pos = css.find(selector + "{", pos + 1)) {
    char before = pos == 0 ? '}' : css[pos - 1];
    if (before != '}' && before != '>') continue;  // a rule of its own, not the tail of another selector
    size_t open = pos + selector.size() + 1;
    return css.substr(open, css.find('}', open) - open);
  }
  return "";
}

// The visible text of an HTML page, word by word, each word with the
// elements it is in ("main>div>table>tbody>tr>td.wrap>a"). <style> and
// <title> are left out. Enough for the pages of the report.
struct Word {
  std::string text;
  std::vector<std::string> path;  // tag.class, outermost first
};
std::vector<Word> VisibleWords(const std::string& html) {
  static const std::set<std::string> kVoid = {"meta", "br", "link", "img", "input", "hr", "!DOCTYPE"};
  std::vector<Word> words;
  std::vector<std::string> stack;
  size_t pos = 0;
  while (pos < html.size()) {
    size_t lt = html.find('<', pos);
    std::string text = html.substr(pos, (lt == std::string::npos ? html.size() : lt) - pos);
    bool hidden = std::find(stack.begin(), stack.end(), "style") != stack.end() ||
                  std::find(stack.begin(), stack.end(), "title") != stack.end();
    if (!hidden) {
      std::istringstream in(text);
      for (std::string w; in >> w;) words.push_back({w, stack});
    }
    if (lt == std::string::npos) break;
    size_t gt = html.find('>', lt);
    std::string tag = html.substr(lt + 1, gt - lt - 1);
    pos = gt + 1;
    if (tag.empty()) continue;
    if (tag[0] == '/') {
      if (!stack.empty()) stack.pop_back();
      continue;
    }
    std::string name = tag.substr(0, tag.find_first_of(" \t\n"));
    if (kVoid.count(name) || tag.back() == '/') continue;
    size_t cls = tag.find(" class=\"");
    if (cls != std::string::npos) {
      cls += 8;
      std::string classes = tag.substr(cls, tag.find('"', cls) - cls);
      std::replace(classes.begin(), classes.end(), ' ', '.');
      name += "." + classes;
    }
    stack.push_back(name);
  }
  return words;
}

TEST_F(ReportTest, IndexListsFailuresFirstAndWrapsLongFailureTexts) {
  // A failure message with a 2,000-character word (a path with no space),
  // a long title and a long file name.
  const std::string long_word = "lineItems[0]." + std::string(1987, 'x');
  ASSERT_EQ(long_word.size(), 2000u);
  std::vector<ScenarioResult> results;
  results.push_back(RunText(kMinimal, "scenarios/minimal.yaml"));
  ScenarioResult failing;
  failing.file = "scenarios/" + std::string(300, 'f') + ".yaml";
  failing.title = "title-" + std::string(300, 't');
  failing.outcome = Outcome::Failed;
  failing.message = "scenarios/f.yaml:9: expected " + long_word + "\nsecond line <b>";
  results.push_back(std::move(failing));
  results.push_back(InvalidResult("scenarios/broken.yaml", "scenarios/broken.yaml:1: " + long_word));
  ASSERT_TRUE(WriteReports(results, dir_.string()).ok());
  const std::string index = ReadFile(dir_ / "index.html");

  // The failing and the invalid scenario come before the passing one, in file order.
  const size_t fail_row = index.find("<tr class=\"scenario fail\">");
  const size_t error_row = index.find("<tr class=\"scenario error\">");
  const size_t pass_row = index.find("<tr class=\"scenario pass\">");
  ASSERT_NE(pass_row, std::string::npos);
  EXPECT_LT(fail_row, error_row);
  EXPECT_LT(error_row, pass_row);
  EXPECT_THAT(index, HasSubstr("Failures and errors come first"));

  // Each failure text is in a <pre class="failure"> of a row of its own
  // across the table (no cell of a nowrap column holds it), escaped.
  EXPECT_EQ(Count(index, "<tr class=\"failure-row "), 2u);
  EXPECT_THAT(index, HasSubstr("<tr class=\"failure-row fail\"><td colspan=\"6\"><pre class=\"failure\">"
                               "scenarios/f.yaml:9: expected " + long_word + "\nsecond line &lt;b&gt;</pre></td></tr>"));
  EXPECT_THAT(index, HasSubstr("<tr class=\"failure-row error\"><td colspan=\"6\"><pre class=\"failure\">"));
  EXPECT_EQ(Count(index, "</th>"), 6u);  // no failure column to widen the table

  // The CSS that wraps them: pre-wrap keeps the diff's lines, overflow-wrap
  // breaks a word wherever it must, nothing wider than the table, and no
  // height limit (no text hidden behind a scroll bar); the page is at most
  // 1,360 px wide (fits a 1,400 px window; report_browser checks it in
  // Chromium).
  const std::string failure_css = CssRule(index, "pre.failure");
  EXPECT_THAT(failure_css, HasSubstr("white-space:pre-wrap"));
  EXPECT_THAT(failure_css, HasSubstr("overflow-wrap:anywhere"));
  EXPECT_THAT(failure_css, HasSubstr("max-width:100%"));
  EXPECT_THAT(failure_css, Not(HasSubstr("max-height")));
  EXPECT_THAT(CssRule(index, ".wrap"), HasSubstr("overflow-wrap:anywhere"));
  EXPECT_THAT(CssRule(index, ".wrap"), HasSubstr("white-space:normal"));
  EXPECT_THAT(CssRule(index, "main"), HasSubstr("max-width:1360px"));
  EXPECT_THAT(CssRule(index, "h1"), HasSubstr("overflow-wrap:anywhere"));

  // No unbreakable line: every visible word longer than 60 characters is in
  // a pre.failure or a .wrap cell, both of which break it.
  size_t long_words = 0;
  for (const Word& w : VisibleWords(index)) {
    if (w.text.size() <= 60) continue;
    ++long_words;
    bool breakable = std::any_of(w.path.begin(), w.path.end(), [](const std::string& e) {
      return e == "pre.failure" || e.find(".wrap") != std::string::npos;
    });
    std::string where;
    for (const auto& e : w.path) where += e + ">";
    EXPECT_TRUE(breakable) << w.text.substr(0, 40) << "... in " << where;
  }
  EXPECT_EQ(long_words, 4u);  // the two failure words, the title, the file

  // The scenario page: the same text wrapped the same way.
  const std::string page = ReadFile(dir_ / "scenarios" / "scenarios_broken.html");
  EXPECT_THAT(CssRule(page, "pre.failure"), HasSubstr("overflow-wrap:anywhere"));
  for (const Word& w : VisibleWords(page)) {
    if (w.text.size() <= 60) continue;
    EXPECT_TRUE(std::find(w.path.begin(), w.path.end(), "pre.failure") != w.path.end()) << w.text.substr(0, 40);
  }
}

// --- JUnit -------------------------------------------------------------------------------

TEST(JUnitXmlTest, IsWellFormedAndEscapesEverything) {
  std::vector<ScenarioResult> results;
  results.push_back(RunText(kMinimal, "scenarios/minimal.yaml"));
  results.push_back(RunText(kFailing, "scenarios/fail<&>.yaml"));
  ASSERT_EQ(results[1].outcome, Outcome::Failed);
  ScenarioResult handmade;
  handmade.file = "scenarios/x\"y'.yaml";
  handmade.title = "title with <tags> & \"quotes\" and 'apostrophes'";
  handmade.outcome = Outcome::Failed;
  handmade.message = "first <line> & \"more\" 'here'\nsecond line\r\n\tcontrol:\x01\x1f end]]>";
  results.push_back(std::move(handmade));
  results.push_back(InvalidResult("scenarios/broken.yaml", "scenarios/broken.yaml:3: unknown key <frobnicate> & co"));

  const std::string xml = JUnitXml(results);
  EXPECT_EQ(xml.rfind("<?xml version=\"1.0\" encoding=\"UTF-8\"?>", 0), 0u);
  std::vector<Element> elements;
  ASSERT_EQ(CheckXml(xml, &elements), "") << xml;

  ASSERT_GE(elements.size(), 2u);
  EXPECT_EQ(elements[0].name, "testsuites");
  EXPECT_EQ(elements[1].name, "testsuite");
  EXPECT_EQ(elements[1].attributes["name"], "pcsim replay");
  EXPECT_EQ(elements[1].attributes["tests"], "4");
  EXPECT_EQ(elements[1].attributes["failures"], "2");
  EXPECT_EQ(elements[1].attributes["errors"], "1");

  std::vector<Element> cases, failures, errors;
  for (const Element& e : elements) {
    if (e.name == "testcase") cases.push_back(e);
    if (e.name == "failure") failures.push_back(e);
    if (e.name == "error") errors.push_back(e);
  }
  ASSERT_EQ(cases.size(), 4u);
  EXPECT_EQ(cases[0].attributes["classname"], "scenarios/minimal.yaml");
  EXPECT_EQ(cases[0].attributes["name"], "t");
  EXPECT_EQ(cases[1].attributes["classname"], "scenarios/fail<&>.yaml");
  EXPECT_EQ(cases[1].attributes["name"], "wrong <total> & \"quotes\" 'too'");
  EXPECT_EQ(cases[2].attributes["classname"], "scenarios/x\"y'.yaml");
  EXPECT_EQ(cases[2].attributes["name"], "title with <tags> & \"quotes\" and 'apostrophes'");

  ASSERT_EQ(failures.size(), 2u);
  EXPECT_EQ(failures[0].text, results[1].message);
  EXPECT_EQ(failures[1].attributes["message"], "first <line> & \"more\" 'here'");
  // The full text survives, control characters replaced by U+FFFD.
  EXPECT_EQ(failures[1].text,
            "first <line> & \"more\" 'here'\nsecond line\r\n\tcontrol:\xEF\xBF\xBD\xEF\xBF\xBD end]]>");
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_EQ(errors[0].attributes["message"], "scenarios/broken.yaml:3: unknown key <frobnicate> & co");
  EXPECT_EQ(JUnitXml(results), xml);  // deterministic
}

// Without times (pcsim replay --junit-time zero) the testsuites, the
// testsuite and every testcase carry time="0.000", so that two replays give
// the same bytes (docs/scenario-format.md).
TEST(JUnitXmlTest, EveryTestcaseHasATime) {
  std::vector<ScenarioResult> results;
  results.push_back(RunText(kMinimal, "scenarios/minimal.yaml"));
  results.push_back(RunText(kFailing, "scenarios/failing.yaml"));
  results.push_back(InvalidResult("scenarios/broken.yaml", "scenarios/broken.yaml:1: bad"));
  ASSERT_EQ(results[1].outcome, Outcome::Failed);
  const std::string xml = JUnitXml(results);
  std::vector<Element> elements;
  ASSERT_EQ(CheckXml(xml, &elements), "") << xml;
  size_t cases = 0, suites = 0;
  for (const Element& e : elements) {
    if (e.name != "testcase" && e.name != "testsuite" && e.name != "testsuites") continue;
    (e.name == "testcase" ? cases : suites) += 1;
    ASSERT_TRUE(e.attributes.count("time")) << e.name << " " << e.attributes.at("name");
    EXPECT_EQ(e.attributes.at("time"), "0.000") << e.name;
  }
  EXPECT_EQ(cases, 3u);
  EXPECT_EQ(suites, 2u);
  EXPECT_EQ(Count(xml, "<testcase "), Count(xml, " time=\"0.000\"") - 2);
  EXPECT_EQ(JUnitXml(results), xml);
}

// With times (pcsim replay measures them on the wall clock, in the command)
// each testcase has its scenario's and the suites the whole run's, in
// seconds with three decimals.
TEST(JUnitXmlTest, MeasuredTimesAreSecondsWithThreeDecimals) {
  std::vector<ScenarioResult> results;
  results.push_back(RunText(kMinimal, "scenarios/minimal.yaml"));
  results.push_back(RunText(kFailing, "scenarios/failing.yaml"));
  results.push_back(InvalidResult("scenarios/broken.yaml", "scenarios/broken.yaml:1: bad"));
  JUnitTimes times;
  times.scenario_micros = {1'234'567, 499, 12'000'500};
  times.total_micros = 13'250'000;
  const std::string xml = JUnitXml(results, &times);
  std::vector<Element> elements;
  ASSERT_EQ(CheckXml(xml, &elements), "") << xml;
  std::vector<std::string> case_times, suite_times;
  for (const Element& e : elements) {
    if (e.name == "testcase") case_times.push_back(e.attributes.at("time"));
    if (e.name == "testsuite" || e.name == "testsuites") suite_times.push_back(e.attributes.at("time"));
  }
  EXPECT_THAT(case_times, ::testing::ElementsAre("1.235", "0.000", "12.001"));
  EXPECT_THAT(suite_times, ::testing::ElementsAre("13.250", "13.250"));
}

TEST(JUnitXmlTest, EmptyRunIsAnEmptySuite) {
  std::vector<Element> elements;
  const std::string xml = JUnitXml({});
  ASSERT_EQ(CheckXml(xml, &elements), "") << xml;
  ASSERT_EQ(elements.size(), 2u);
  EXPECT_EQ(elements[1].attributes["tests"], "0");
}

// --- determinism and errors ------------------------------------------------------------------

TEST_F(ReportTest, EqualResultsGiveByteIdenticalFiles) {
  auto run_all = [] {
    std::vector<ScenarioResult> results;
    results.push_back(RunText(kMinimal, "scenarios/minimal.yaml"));
    results.push_back(RunText(kAddSeats, "scenarios/nce/add_seats.yaml"));
    results.push_back(RunText(kTwoSubscriptions, "scenarios/two.yaml"));
    results.push_back(RunText(kFailing, "scenarios/failing.yaml"));
    results.push_back(InvalidResult("scenarios/broken.yaml", "scenarios/broken.yaml:1: bad"));
    return results;
  };
  std::vector<ScenarioResult> first = run_all();
  std::vector<ScenarioResult> second = run_all();
  ASSERT_TRUE(WriteReports(first, (dir_ / "a").string()).ok());
  ASSERT_TRUE(WriteReports(second, (dir_ / "b").string()).ok());

  std::vector<std::string> files_a, files_b;
  for (const auto& e : fs::recursive_directory_iterator(dir_ / "a"))
    if (e.is_regular_file()) files_a.push_back(fs::relative(e.path(), dir_ / "a").string());
  for (const auto& e : fs::recursive_directory_iterator(dir_ / "b"))
    if (e.is_regular_file()) files_b.push_back(fs::relative(e.path(), dir_ / "b").string());
  std::sort(files_a.begin(), files_a.end());
  std::sort(files_b.begin(), files_b.end());
  EXPECT_EQ(files_a, files_b);
  EXPECT_EQ(files_a.size(), 3u + first.size());  // lines.csv, subscriptions.csv, index.html + pages
  for (const std::string& f : files_a) EXPECT_EQ(ReadFile(dir_ / "a" / f), ReadFile(dir_ / "b" / f)) << f;

  // Writing the same results again gives the same bytes too.
  ASSERT_TRUE(WriteReports(first, (dir_ / "b").string()).ok());
  for (const std::string& f : files_a) EXPECT_EQ(ReadFile(dir_ / "a" / f), ReadFile(dir_ / "b" / f)) << f;
  EXPECT_EQ(JUnitXml(first), JUnitXml(second));
}

TEST_F(ReportTest, UnwritableFolderIsAStatusNotAnException) {
  fs::create_directories(dir_);
  { std::ofstream(dir_ / "plain-file") << "x"; }
  std::vector<ScenarioResult> results;
  results.push_back(RunText(kMinimal, "scenarios/minimal.yaml"));
  Status s = WriteReports(results, (dir_ / "plain-file" / "report").string());
  EXPECT_FALSE(s.ok());
  EXPECT_THAT(s.description(), HasSubstr("plain-file"));

  // A report folder whose scenarios/ is taken by a file.
  fs::create_directories(dir_ / "r");
  { std::ofstream(dir_ / "r" / "scenarios") << "x"; }
  s = WriteReports(results, (dir_ / "r").string());
  EXPECT_FALSE(s.ok());
  EXPECT_THAT(s.description(), HasSubstr("scenarios"));

  EXPECT_FALSE(WriteReports(results, "").ok());
}

TEST_F(ReportTest, NoScenariosStillWritesTheHeadersAndAnIndex) {
  ASSERT_TRUE(WriteReports({}, dir_.string()).ok());
  EXPECT_EQ(ParseCsv(ReadFile(dir_ / "lines.csv")).size(), 1u);
  EXPECT_EQ(ParseCsv(ReadFile(dir_ / "subscriptions.csv")).size(), 1u);
  EXPECT_THAT(ReadFile(dir_ / "index.html"), HasSubstr("0 scenarios"));
}

}  // namespace
}  // namespace pcsim::replay
