// The book file and Sandbox::FromBook: a book written from a sandbox reads
// back to the same bytes, and a sandbox loaded from it produces, from asOf
// on, the charge lines the original produces.
#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <sstream>
#include <string>
#include <tuple>
#include <vector>

#include "simulator/api/book_codec.h"
#include "simulator/commerce/sandbox.h"
#include "tests/api/small_book.h"

namespace pcsim::api {
namespace {

using LineKey = std::tuple<std::string, std::string, std::string, std::string, std::string, int, std::string, int>;

// The lines made after `from`, by what they bill (ids and references aside).
std::vector<LineKey> LinesAfter(const Sandbox& sandbox, Instant from) {
  std::vector<LineKey> out;
  for (const ChargeLine& l : sandbox.ledger().lines()) {
    if (l.order_date < from) continue;
    out.emplace_back(l.order_date.ToString(), sandbox.SubscriptionAt(l.subscription).id,
                     std::string(ToString(l.charge_type)), l.charge_start.ToString(), l.charge_end.ToString(),
                     l.quantity, Decimal(l.total).ToString(), l.flags);
  }
  // Lines of one instant come in the order of their timers, which a loaded
  // book schedules in its own order.
  std::sort(out.begin(), out.end());
  return out;
}

TEST(BookTest, WrittenBookReadsBackToTheSameBytes) {
  auto sandbox = SmallBook();
  std::string text = BookJsonLines(BookOf(*sandbox));
  auto book = ParseBook(text, "book.jsonl");
  ASSERT_TRUE(book.ok()) << book.status().description();
  EXPECT_EQ(BookJsonLines(*book), text);
  EXPECT_EQ(book->customers.size(), 2u);
  EXPECT_EQ(book->as_of, sandbox->Now());
}

TEST(BookTest, LoadedBookChargesWhatTheOriginalCharges) {
  auto original = SmallBook();
  const Instant as_of = original->Now();
  auto book = ParseBook(BookJsonLines(BookOf(*original)), "book.jsonl");
  ASSERT_TRUE(book.ok()) << book.status().description();
  SandboxOptions options;
  options.seed = original->seed();
  auto loaded = Sandbox::FromBook(*book, options);
  ASSERT_TRUE(loaded.ok()) << loaded.status().description();
  // The loaded sandbox is the original's book: writing it again gives the same book.
  EXPECT_EQ(BookJsonLines(BookOf(**loaded)), BookJsonLines(*book));

  const Instant to = Instant::StartOf(Date::Ymd(2028, 9, 1));
  original->AdvanceTo(to);
  (*loaded)->AdvanceTo(to);
  auto expected = LinesAfter(*original, as_of), actual = LinesAfter(**loaded, as_of);
  EXPECT_GT(expected.size(), 40u);
  EXPECT_EQ(actual, expected);
  bool est = false;
  for (const auto& l : actual) est |= (std::get<7>(l) & kLineExtendedServiceTerm) != 0;
  EXPECT_TRUE(est) << "the book holds a subscription that goes into EST";
}

TEST(BookTest, AJsonDocumentReadsLikeJsonLines) {
  auto sandbox = SmallBook();
  Book book = BookOf(*sandbox);
  std::string lines = BookJsonLines(book);
  // The document layout: the header with the customer lines as an array.
  std::istringstream in(lines);
  std::string header, line, customers;
  std::getline(in, header);
  while (std::getline(in, line)) customers += (customers.empty() ? "" : ",\n") + line;
  std::string document = header.substr(0, header.size() - 1) + ",\n\"customers\": [\n" + customers + "\n]}\n";
  auto parsed = ParseBook(document, "book.json");
  ASSERT_TRUE(parsed.ok()) << parsed.status().description();
  EXPECT_EQ(BookJsonLines(*parsed), lines);
  EXPECT_EQ(parsed->customers[1].subscriptions[0].source.line, 4u);
}

// What a bad book says: the file, the line, the field and why.
struct BadBook {
  const char* name;
  const char* edit_from;
  const char* edit_to;
  const char* message;
};

class BadBookTest : public ::testing::TestWithParam<BadBook> {};

TEST_P(BadBookTest, IsRefusedWithFileLineAndReason) {
  auto sandbox = SmallBook();
  std::string text = BookJsonLines(BookOf(*sandbox));
  const BadBook& bad = GetParam();
  size_t at = text.find(bad.edit_from);
  ASSERT_NE(at, std::string::npos) << bad.edit_from;
  text.replace(at, std::string(bad.edit_from).size(), bad.edit_to);
  auto book = ParseBook(text, "book.jsonl");
  std::string message;
  if (!book.ok()) {
    message = book.status().description();
  } else {
    auto loaded = Sandbox::FromBook(*book, {});
    ASSERT_FALSE(loaded.ok()) << bad.name;
    message = loaded.status().description();
  }
  EXPECT_NE(message.find(bad.message), std::string::npos) << message;
  EXPECT_NE(message.find("book.jsonl:"), std::string::npos) << message;
}

INSTANTIATE_TEST_SUITE_P(
    Books, BadBookTest,
    ::testing::Values(
        BadBook{"NegativeSeats", "\"quantity\":10,", "\"quantity\":-3,", "quantity -3 is outside"},
        BadBook{"UnknownOffer", "CFQ7TTC0LFLX:0001:CFQ7TTC0K5DK", "CFQ7TTC0XXXX:0001:CFQ7TTC0XXXX", "offerId"},
        BadBook{"MissingColumn", "\"termDuration\":\"P3Y\",", "", "termDuration"},
        BadBook{"DatesOutOfOrder", "\"effectiveStartDate\":\"2025-09-20\"", "\"effectiveStartDate\":\"2029-09-20\"",
                "is before effectiveStartDate"},
        BadBook{"TruncatedLine", "\"subscriptions\":[", "\"subscriptions\":[{\"id\":\"cut here\n", "not a complete JSON object"},
        BadBook{"DuplicateCustomer", "\"domain\":\"customer2.onmicrosoft.com\"", "\"domain\":\"customer1.onmicrosoft.com\"",
                "appears twice"},
        BadBook{"UnknownKey", "\"autoRenewEnabled\":", "\"autoRenew\":true,\"autoRenewEnabled\":", "autoRenew"},
        BadBook{"BadDecimal", "\"unitPrice\":\"", "\"unitPrice\":\"x", "not an exact decimal"}),
    [](const auto& info) { return std::string(info.param.name); });

}  // namespace
}  // namespace pcsim::api
