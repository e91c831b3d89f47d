// The one CSV writer (simulator/model/csv.h): RFC 4180 quoting, CRLF record
// ends, values otherwise verbatim.
#include "simulator/model/csv.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace pcsim {
namespace {

TEST(CsvTest, PlainFieldsAreWrittenAsTheyAre) {
  EXPECT_EQ(CsvField("abc"), "abc");
  EXPECT_EQ(CsvField("2026-01-15T00:00:00Z"), "2026-01-15T00:00:00Z");
  EXPECT_EQ(CsvField("One-Year commitment for monthly/yearly billing"),
            "One-Year commitment for monthly/yearly billing");
  EXPECT_EQ(CsvField("tab\there; semicolon 'single'"), "tab\there; semicolon 'single'");
  EXPECT_EQ(CsvField("caf\xC3\xA9"), "caf\xC3\xA9");
}

TEST(CsvTest, CommasAreQuoted) {
  EXPECT_EQ(CsvField("a,b"), "\"a,b\"");
  EXPECT_EQ(CsvField(","), "\",\"");
  EXPECT_EQ(CsvField("[\"Trial\",\"Paid\"]"), "\"[\"\"Trial\"\",\"\"Paid\"\"]\"");
}

TEST(CsvTest, QuotesAreDoubledInsideQuotes) {
  EXPECT_EQ(CsvField("say \"hi\""), "\"say \"\"hi\"\"\"");
  EXPECT_EQ(CsvField("\""), "\"\"\"\"");
  EXPECT_EQ(CsvField("[\"Trial\"]"), "\"[\"\"Trial\"\"]\"");
}

TEST(CsvTest, LineBreaksAreQuoted) {
  EXPECT_EQ(CsvField("line 1\nline 2"), "\"line 1\nline 2\"");
  EXPECT_EQ(CsvField("line 1\r\nline 2"), "\"line 1\r\nline 2\"");
  EXPECT_EQ(CsvField("a lone\rCR"), "\"a lone\rCR\"");
}

TEST(CsvTest, EmptyFieldsStayEmpty) {
  EXPECT_EQ(CsvField(""), "");
  std::string out;
  AppendCsvRow(out, {"", "x", "", ""});
  EXPECT_EQ(out, ",x,,\r\n");
  out.clear();
  AppendCsvRow(out, {""});
  EXPECT_EQ(out, "\r\n");
}

// No prefix before a leading = + - @ (documented in csv.h and in
// docs/scenario-format.md): the cells equal the API's values, and a refund's
// amount stays the number -94.08.
TEST(CsvTest, LeadingFormulaCharactersAreKeptVerbatim) {
  EXPECT_EQ(CsvField("=1+1"), "=1+1");
  EXPECT_EQ(CsvField("+100.8"), "+100.8");
  EXPECT_EQ(CsvField("-94.08"), "-94.08");
  EXPECT_EQ(CsvField("@SUM(A1:A2)"), "@SUM(A1:A2)");
  // Quoting still applies to them when they hold a special character.
  EXPECT_EQ(CsvField("=HYPERLINK(\"x\",\"y\")"), "\"=HYPERLINK(\"\"x\"\",\"\"y\"\")\"");
}

TEST(CsvTest, RowsEndWithCrlf) {
  std::string out;
  AppendCsvRow(out, {"PartnerId", "CustomerId"});
  std::vector<std::string> fields = {"p", "a, \"b\"\nc", "-1"};
  AppendCsvRow(out, fields);
  EXPECT_EQ(out, "PartnerId,CustomerId\r\np,\"a, \"\"b\"\"\nc\",-1\r\n");
  std::vector<std::string> none;
  std::string empty;
  AppendCsvRow(empty, none);
  EXPECT_EQ(empty, "\r\n");
}

}  // namespace
}  // namespace pcsim
