// pcsim book import and pcsim reconcile over rows pcsim's own renderers
// write: a book rebuilt from them, a reconcile that finds each altered row
// with its reason, bad files refused with file:row, and the command line's
// exit codes.
#include <gtest/gtest.h>

#include <cstdlib>
#include <map>
#include <set>
#include <sys/wait.h>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "simulator/api/book_codec.h"
#include "simulator/api/compression.h"
#include "simulator/api/recon_rows.h"
#include "simulator/audit/book_import.h"
#include "simulator/audit/reconcile.h"
#include "simulator/commerce/sandbox.h"
#include "tests/api/small_book.h"

namespace pcsim::audit {
namespace {

using api::Buy;
using api::kE3;
using api::kE5;
using api::kExchange;
using api::MakeCustomer;

// Two customers, monthly, annual and triennial terms, a seat change.
std::unique_ptr<Sandbox> Book() {
  SandboxOptions options;
  options.start = Instant::StartOf(Date::Ymd(2025, 9, 2)) + Duration::Hours(9);
  options.seed = 7;
  auto sandbox = std::make_unique<Sandbox>(options);
  std::string a = MakeCustomer(*sandbox, 1), b = MakeCustomer(*sandbox, 2);
  Buy(*sandbox, a, kE3, 10, Term::P1Y, Billing::Monthly);
  Buy(*sandbox, a, kE5, 4, Term::P1Y, Billing::Annual);
  sandbox->AdvanceTo(Instant::StartOf(Date::Ymd(2025, 10, 20)) + Duration::Hours(9));
  Buy(*sandbox, b, kE5, 25, Term::P3Y, Billing::Monthly);
  std::string monthly = Buy(*sandbox, b, kE3, 3, Term::P1M, Billing::Monthly);
  Buy(*sandbox, b, kExchange, 50, Term::P1Y, Billing::Annual);
  sandbox->AdvanceTo(Instant::StartOf(Date::Ymd(2026, 1, 10)) + Duration::Hours(9));
  EXPECT_TRUE(sandbox->ChangeQuantity(monthly, 5).ok());
  sandbox->AdvanceTo(Instant::StartOf(Date::Ymd(2026, 3, 15)) + Duration::Hours(12));
  return sandbox;
}

// The sandbox's lines from `after` on, as its billed reconciliation rows.
std::string Rows(const Sandbox& sandbox, Instant after = Instant::FromMicros(0)) {
  std::string out;
  for (const ChargeLine& l : sandbox.ledger().lines())
    if (l.order_date > after) api::AppendReconciliationRow(sandbox, l, api::AttributeSet::Full, false, out);
  return out;
}

std::string Csv(const std::string& rows) {
  std::string csv = "\xEF\xBB\xBF";
  EXPECT_TRUE(AppendReconCsvHeader(csv).ok());
  EXPECT_TRUE(AppendReconCsvRows(rows, csv).ok());
  return csv;
}

std::string TempDir() {
  auto dir = std::filesystem::temp_directory_path() /
             ("pcsim-recon-" + std::to_string(::testing::UnitTest::GetInstance()->random_seed()) + "-" +
              ::testing::UnitTest::GetInstance()->current_test_info()->name());
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  return dir.string();
}

void Write(const std::string& path, const std::string& text) {
  std::ofstream(path, std::ios::binary) << text;
}

std::vector<std::string> Lines(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream in(text);
  for (std::string l; std::getline(in, l);) out.push_back(l);
  return out;
}

std::string Join(const std::vector<std::string>& lines) {
  std::string out;
  for (const auto& l : lines) out += l + "\n";
  return out;
}

// Replaces the first `from` in `line` (which must hold it).
void Edit(std::string& line, const std::string& from, const std::string& to) {
  size_t at = line.find(from);
  ASSERT_NE(at, std::string::npos) << from << " in " << line;
  line.replace(at, from.size(), to);
}

// The imported book's subscriptions against the original's.
void ExpectSameSubscriptions(const pcsim::Book& original, const pcsim::Book& imported) {
  std::map<std::string, const BookSubscription*> got;
  for (const auto& c : imported.customers)
    for (const auto& s : c.subscriptions) got[s.id] = &s;
  size_t n = 0;
  for (const auto& c : original.customers)
    for (const auto& s : c.subscriptions) {
      ++n;
      ASSERT_TRUE(got.count(s.id)) << s.id;
      const BookSubscription& g = *got[s.id];
      EXPECT_EQ(g.offer_id, s.offer_id) << s.id;
      EXPECT_EQ(g.quantity, s.quantity) << s.id;
      EXPECT_EQ(g.term, s.term) << s.id;
      EXPECT_EQ(g.billing, s.billing) << s.id;
      EXPECT_EQ(g.term_start, s.term_start) << s.id;
      EXPECT_EQ(g.term_end, s.term_end) << s.id;
      ASSERT_TRUE(g.unit_price.has_value());
      EXPECT_EQ(*g.unit_price, s.unit_price.value_or(*g.unit_price)) << s.id;
      bool listed = false;
      for (const std::string& a : imported.assumptions) listed |= a.find(s.id + ": autoRenewEnabled") != std::string::npos;
      EXPECT_TRUE(listed) << "the auto-renew choice for " << s.id << " is listed";
    }
  EXPECT_EQ(got.size(), n);
  ASSERT_EQ(imported.customers.size(), original.customers.size());
  EXPECT_EQ(imported.customers[0].domain, original.customers[0].domain);
  EXPECT_EQ(imported.customers[0].company_name, original.customers[0].company_name);
  EXPECT_EQ(imported.customers[0].country, original.customers[0].country);
}

StatusOr<pcsim::Book> Import(const std::string& text, const std::string& name, Instant as_of) {
  Interner texts;
  ReconInput input;
  PCSIM_RETURN_IF_ERROR(ReadReconText(text, name, ReconNeeds::kImport, texts, input));
  PCSIM_RETURN_IF_ERROR(CheckReconRows(input, texts));
  return ImportBook(input, texts, as_of, Policy::Microsoft());
}

TEST(BookImportTest, FromGraphV2Rows) {
  auto sandbox = Book();
  auto book = Import(Rows(*sandbox), "billed.jsonl", sandbox->Now());
  ASSERT_TRUE(book.ok()) << book.status().description();
  ExpectSameSubscriptions(api::BookOf(*sandbox), *book);
  // It writes and loads as any book does.
  auto parsed = api::ParseBook(api::BookJsonLines(*book), "imported.jsonl");
  ASSERT_TRUE(parsed.ok()) << parsed.status().description();
  EXPECT_EQ(parsed->assumptions, book->assumptions);
}

TEST(BookImportTest, FromTheCsvAndGzip) {
  auto sandbox = Book();
  auto book = Import(Csv(Rows(*sandbox)), "recon.csv", sandbox->Now());
  ASSERT_TRUE(book.ok()) << book.status().description();
  ExpectSameSubscriptions(api::BookOf(*sandbox), *book);
  std::string dir = TempDir();
  Write(dir + "/billed.jsonl.gz", api::Gzip(Rows(*sandbox)));
  Interner texts;
  ReconInput input;
  ASSERT_TRUE(ReadReconFile(dir + "/billed.jsonl.gz", ReconNeeds::kImport, texts, input).ok());
  EXPECT_EQ(input.rows.size(), sandbox->ledger().lines().size());
}

struct PeriodSetup {
  std::unique_ptr<Sandbox> sandbox;
  pcsim::Book book;
  std::string actual;  // the rows after asOf
  ReconcileOptions options;
};

PeriodSetup Period() {
  PeriodSetup s;
  s.sandbox = Book();
  s.book = api::BookOf(*s.sandbox);
  const Instant as_of = s.sandbox->Now();
  s.sandbox->AdvanceTo(Instant::StartOf(Date::Ymd(2026, 11, 1)));
  s.actual = Rows(*s.sandbox, as_of);
  s.options.seed = s.sandbox->seed();
  s.options.from = Date::Ymd(2026, 3, 16);
  s.options.to = Date::Ymd(2026, 10, 31);  // the annual renewals of September and October are in it
  return s;
}

TEST(ReconcileTest, UnalteredRowsMatch) {
  PeriodSetup s = Period();
  std::string dir = TempDir();
  Write(dir + "/actual.jsonl", s.actual);
  auto result = Reconcile(s.book, {dir + "/actual.jsonl"}, s.options);
  ASSERT_TRUE(result.ok()) << result.status().description();
  EXPECT_GT(result->expected.rows.size(), 20u);
  EXPECT_EQ(result->counts[0], result->expected.rows.size());
  EXPECT_TRUE(result->AllMatched());
  // The CSV reconciles the same.
  Write(dir + "/actual.csv", Csv(s.actual));
  auto from_csv = Reconcile(s.book, {dir + "/actual.csv"}, s.options);
  ASSERT_TRUE(from_csv.ok()) << from_csv.status().description();
  EXPECT_TRUE(from_csv->AllMatched());
  ASSERT_TRUE(WriteReconcileReport(ReportOf(*from_csv), dir + "/report").ok());
  EXPECT_TRUE(std::filesystem::exists(dir + "/report/reconcile.html"));
}

TEST(ReconcileTest, EachAlteredRowIsFoundWithItsReason) {
  PeriodSetup s = Period();
  std::vector<std::string> rows = Lines(s.actual);
  // Five rows of five different subscriptions.
  std::vector<size_t> picked;
  std::set<std::string> subs;
  for (size_t i = 0; i < rows.size() && picked.size() < 5; ++i) {
    size_t at = rows[i].find("\"SubscriptionId\":\"");
    std::string sub = rows[i].substr(at + 18, 36);
    if (rows[i].find("\"Subtotal\":0,") != std::string::npos) continue;
    if (subs.insert(sub).second) picked.push_back(i);
  }
  ASSERT_EQ(picked.size(), 5u);
  std::string& price = rows[picked[0]];
  size_t at = price.find("\"Subtotal\":");
  price.insert(at + 11, "1");  // 10 times and more
  std::string& quantity = rows[picked[1]];
  at = quantity.find(",\"Quantity\":");
  quantity.insert(at + 12, "9");
  std::string& dates = rows[picked[2]];
  at = dates.find("\"ChargeEndDate\":\"");
  std::string end = dates.substr(at + 17, 10);
  Date moved = Date::Parse(end)->AddDays(-1);
  Edit(dates, "\"ChargeEndDate\":\"" + end, "\"ChargeEndDate\":\"" + moved.ToString());
  std::string extra = rows[picked[4]];
  Edit(extra, "\"SubscriptionId\":\"", "\"SubscriptionId\":\"ffff");
  rows.erase(rows.begin() + static_cast<std::ptrdiff_t>(picked[3]));
  rows.push_back(extra);
  std::string dir = TempDir();
  Write(dir + "/altered.jsonl", Join(rows));
  auto result = Reconcile(s.book, {dir + "/altered.jsonl"}, s.options);
  ASSERT_TRUE(result.ok()) << result.status().description();
  EXPECT_FALSE(result->AllMatched());
  EXPECT_EQ(result->counts[static_cast<int>(ReconOutcome::kAmountDiffers)], 1u);
  EXPECT_EQ(result->counts[static_cast<int>(ReconOutcome::kQuantityDiffers)], 1u);
  EXPECT_EQ(result->counts[static_cast<int>(ReconOutcome::kDatesDiffer)], 1u);
  EXPECT_EQ(result->counts[static_cast<int>(ReconOutcome::kMissing)], 1u);
  EXPECT_EQ(result->counts[static_cast<int>(ReconOutcome::kUnexpected)], 1u);
  for (const ReconPair& p : result->pairs)
    if (p.outcome == ReconOutcome::kAmountDiffers) {
      EXPECT_NE(p.why.find("Subtotal expected"), std::string::npos) << p.why;
      // The simulator's own derivation of the line: "pcsim: 37.80 x 10 = 378.00 ..." or a share of the cycle.
      EXPECT_NE(p.why.find("pcsim: "), std::string::npos) << p.why;
      EXPECT_NE(p.why.find(" = "), std::string::npos) << p.why;
      // ... ending in the expected subtotal.
      const std::string subtotal =
          Decimal(result->expected.rows[static_cast<size_t>(p.expected)].subtotal).WithScale(2).ToString();
      EXPECT_NE(p.why.find("= " + subtotal), std::string::npos) << p.why;
    }
  bool invoice_differs = false;
  for (const ReconTotal& t : result->invoices) invoice_differs |= t.expected != t.actual;
  EXPECT_TRUE(invoice_differs);
}

TEST(ReconcileTest, ShardsMergeIntoTheBytesOfOneRun) {
  PeriodSetup s = Period();
  std::vector<std::string> rows = Lines(s.actual);
  // Differences in both customers' lines: one line dropped, one doubled.
  rows.push_back(rows[1]);
  rows.erase(rows.begin() + 2);
  std::string dir = TempDir();
  Write(dir + "/actual.jsonl", Join(rows));
  auto single = Reconcile(s.book, {dir + "/actual.jsonl"}, s.options);
  ASSERT_TRUE(single.ok()) << single.status().description();
  ASSERT_FALSE(single->AllMatched());
  ASSERT_TRUE(WriteReconcileReport(ReportOf(*single), dir + "/single").ok());
  std::vector<std::string> shards;
  for (int i = 0; i < 2; ++i) {
    ReconcileOptions o = s.options;
    o.shard = Shard{i, 2};
    auto part = Reconcile(s.book, {dir + "/actual.jsonl"}, o);
    ASSERT_TRUE(part.ok()) << part.status().description();
    shards.push_back(dir + "/shard" + std::to_string(i));
    ASSERT_TRUE(WriteReconcileReport(ReportOf(*part), shards.back(), o.shard).ok());
  }
  ASSERT_TRUE(MergeReconcileReports(shards, dir + "/merged").ok());
  for (const char* file : {"reconcile.csv", "reconcile.html", "reconcile.json"}) {
    std::ifstream a(dir + "/single/" + file, std::ios::binary), b(dir + "/merged/" + file, std::ios::binary);
    std::stringstream x, y;
    x << a.rdbuf();
    y << b.rdbuf();
    EXPECT_FALSE(x.str().empty());
    EXPECT_EQ(y.str(), x.str()) << file;
  }
  EXPECT_FALSE(MergeReconcileReports({shards[0]}, dir + "/partial").ok()) << "a shard is missing";
  ReconcileOptions no_period = s.options;
  no_period.to.reset();
  no_period.shard = Shard{0, 2};
  EXPECT_FALSE(Reconcile(s.book, {dir + "/actual.jsonl"}, no_period).ok()) << "a shard needs --from and --to";
}

// A bad file: the reason and where.
struct BadFile {
  const char* name;
  bool csv;
  const char* from;
  const char* to;
  const char* message;
};

class BadReconFileTest : public ::testing::TestWithParam<BadFile> {};

TEST_P(BadReconFileTest, IsRefusedWithFileRowAndReason) {
  const BadFile& bad = GetParam();
  auto sandbox = Book();
  std::string rows = Rows(*sandbox);
  std::string text = bad.csv ? Csv(rows) : rows;
  std::string name = bad.csv ? "recon.csv" : "billed.jsonl";
  if (std::string(bad.from) == "<truncate>") {
    text.resize(text.size() - 40);
  } else {
    // The second occurrence when there are several: a row whose invoice
    // already has one before it.
    size_t at = text.find(bad.from, text.find(bad.from) + 1);
    if (at == std::string::npos) at = text.find(bad.from);
    ASSERT_NE(at, std::string::npos) << bad.from;
    text.replace(at, std::string(bad.from).size(), bad.to);
  }
  auto book = Import(text, name, sandbox->Now());
  ASSERT_FALSE(book.ok()) << bad.name;
  std::string message = book.status().description();
  EXPECT_NE(message.find(bad.message), std::string::npos) << message;
  EXPECT_NE(message.find(name + ":"), std::string::npos) << message;
}

INSTANTIATE_TEST_SUITE_P(
    Files, BadReconFileTest,
    ::testing::Values(
        BadFile{"MissingColumn", true, ",ChargeType,", ",ChargeKind,", "no column ChargeType"},
        BadFile{"NegativeSeats", false, ",\"Quantity\":", ",\"Quantity\":-", "is negative"},
        BadFile{"DatesOutOfOrder", false, "\"ChargeStartDate\":\"20", "\"ChargeStartDate\":\"29", "is before"},
        BadFile{"MixedCurrencies", false, "\"Currency\":\"USD\"", "\"Currency\":\"EUR\"", "Currency EUR differs"},
        BadFile{"TruncatedJsonLine", false, "<truncate>", "", "not a complete JSON object"},
        BadFile{"TruncatedCsvLine", true, "<truncate>", "", "fields, the header"},
        BadFile{"UnknownOffer", false, "\"ProductId\":\"CFQ7TTC0LH16\"", "\"ProductId\":\"CFQ7TTC0XXXX\"", "offerId"},
        BadFile{"DuplicateId", false, "\"CustomerDomainName\":\"customer2", "\"CustomerDomainName\":\"customer1",
                "a duplicate id"}),
    [](const auto& info) { return std::string(info.param.name); });

TEST(BadReconFileTest, TruncatedGzipIsRefused) {
  auto sandbox = Book();
  std::string gz = api::Gzip(Rows(*sandbox));
  gz.resize(gz.size() / 2);
  std::string dir = TempDir();
  Write(dir + "/billed.jsonl.gz", gz);
  Interner texts;
  ReconInput input;
  Status read = ReadReconFile(dir + "/billed.jsonl.gz", ReconNeeds::kImport, texts, input);
  ASSERT_FALSE(read.ok());
  EXPECT_NE(read.description().find("billed.jsonl.gz: not a complete gzip stream"), std::string::npos)
      << read.description();
}

// The command line: exit 0 when all matches, 1 on differences, 2 on bad input.
int RunPcsim(const std::string& args) {
  int status = std::system((std::string(PCSIM_BINARY) + " " + args + " >/dev/null 2>&1").c_str());
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

TEST(ReconCliTest, ExitCodes) {
  PeriodSetup s = Period();
  std::string dir = TempDir();
  Write(dir + "/book.jsonl", api::BookJsonLines(s.book));
  Write(dir + "/good.csv", Csv(s.actual));
  std::vector<std::string> rows = Lines(s.actual);
  rows.pop_back();
  Write(dir + "/short.jsonl", Join(rows));
  std::string bad = s.actual;
  bad.resize(bad.size() - 30);
  Write(dir + "/bad.jsonl", bad);
  const std::string period = " --from 2026-03-16 --to 2026-10-31";
  EXPECT_EQ(RunPcsim("reconcile --book " + dir + "/book.jsonl --actual " + dir + "/good.csv --out " + dir + "/r0" + period), 0);
  EXPECT_TRUE(std::filesystem::exists(dir + "/r0/reconcile.csv"));
  EXPECT_EQ(RunPcsim("reconcile --book " + dir + "/book.jsonl --actual " + dir + "/short.jsonl --out " + dir + "/r1" + period), 1);
  EXPECT_EQ(RunPcsim("reconcile --book " + dir + "/book.jsonl --actual " + dir + "/bad.jsonl --out " + dir + "/r2" + period), 2);
  EXPECT_FALSE(std::filesystem::exists(dir + "/r2")) << "nothing is written on bad input";
  Write(dir + "/all.jsonl", Rows(*Book()));
  EXPECT_EQ(RunPcsim("book import " + dir + "/all.jsonl --as-of 2026-03-15T12:00:00Z --out " + dir + "/imported.jsonl"), 0);
  EXPECT_TRUE(api::ReadBookFile(dir + "/imported.jsonl").ok());
  EXPECT_EQ(RunPcsim("book import " + dir + "/bad.jsonl --as-of 2026-03-15T12:00:00Z --out " + dir + "/no.jsonl"), 2);
  EXPECT_FALSE(std::filesystem::exists(dir + "/no.jsonl"));
  // Two processes, one shard each, then pcsim merge: the single run's files.
  const std::string rec = "reconcile --book " + dir + "/book.jsonl --actual " + dir + "/short.jsonl" + period;
  EXPECT_EQ(RunPcsim(rec + " --out " + dir + "/whole"), 1);
  EXPECT_EQ(RunPcsim(rec + " --shard 0/2 --out " + dir + "/s0"), 1);
  EXPECT_NE(RunPcsim(rec + " --shard 1/2 --out " + dir + "/s1"), 2);
  EXPECT_EQ(RunPcsim("merge " + dir + "/s0 " + dir + "/s1 --out " + dir + "/merged"), 0);
  EXPECT_EQ(std::system(("cmp -s " + dir + "/whole/reconcile.csv " + dir + "/merged/reconcile.csv").c_str()), 0);
  EXPECT_EQ(RunPcsim("reconcile --book " + dir + "/book.jsonl --actual " + dir + "/short.jsonl --shard 0/2 --out " +
                     dir + "/nope"),
            2)
      << "a shard needs --from and --to";
}

}  // namespace
}  // namespace pcsim::audit
