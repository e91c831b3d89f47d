// GET /_sim/book and POST /_sim/book: the sandbox's book as JSON Lines, and a
// book replacing the whole state, all or nothing.
#include <gtest/gtest.h>

#include <string>

#include "simulator/api/book_codec.h"
#include "tests/api/api_fixture.h"

namespace pcsim::api::testing {
namespace {

constexpr const char* kE3 = "CFQ7TTC0LFLZ:0001:CFQ7TTC0K5F7";

class BookRoutesTest : public ApiTest {
 protected:
  void SetUp() override { Start("2026-01-15T09:00:00Z"); }

  std::string Digest() { return CallJson("GET", "/_sim/digest")["digest"].get<std::string>(); }

  std::string BookNow() {
    Response r = Call("GET", "/_sim/book");
    EXPECT_EQ(r.status, 200);
    EXPECT_NE(r.content_type.find("application/x-ndjson"), std::string::npos);
    return r.body;
  }
};

TEST_F(BookRoutesTest, GetAnswersTheBookOfTheSandboxNow) {
  std::string customer = CreateCustomer();
  std::string sub = Buy(customer, kE3, 10, "P1Y", "monthly");
  std::string text = BookNow();
  auto book = ParseBook(text, "answer");
  ASSERT_TRUE(book.ok()) << book.status().description();
  EXPECT_EQ(book->as_of, router->sandbox().Now());
  ASSERT_EQ(book->customers.size(), 1u);
  EXPECT_EQ(book->customers[0].id, customer);
  ASSERT_EQ(book->customers[0].subscriptions.size(), 1u);
  EXPECT_EQ(book->customers[0].subscriptions[0].id, sub);
  EXPECT_EQ(book->customers[0].subscriptions[0].quantity, 10);
  EXPECT_EQ(text, BookNow()) << "the same state gives the same bytes";
}

TEST_F(BookRoutesTest, AGoodBookReplacesTheStateAndShowsThroughV1) {
  std::string customer = CreateCustomer();
  std::string sub = Buy(customer, kE3, 7, "P1Y", "monthly");
  Advance("P20D");  // the purchase waited out the order's minute: now is 09:05
  const std::string book = BookNow();

  // Another state, then the book back.
  CallJson("POST", "/_sim/reset", {{"start", "2026-03-01T00:00:00Z"}});
  EXPECT_EQ(CallJson("GET", "/v1/customers")["totalCount"], 0);
  Response loaded = Call("POST", "/_sim/book", book, {{"Content-Type", "application/x-ndjson"}});
  ASSERT_EQ(loaded.status, 200) << loaded.body;
  auto answer = nlohmann::json::parse(loaded.body);
  EXPECT_EQ(answer["customers"], 1);
  EXPECT_EQ(answer["subscriptions"], 1);
  EXPECT_EQ(answer["now"], "2026-02-04T09:05:00Z");
  EXPECT_EQ(CallJson("GET", "/_sim/clock")["now"], "2026-02-04T09:05:00Z");

  auto customers = CallJson("GET", "/v1/customers");
  ASSERT_EQ(customers["totalCount"], 1);
  EXPECT_EQ(customers["items"][0]["id"], customer);
  auto s = CallJson("GET", "/v1/customers/" + customer + "/subscriptions/" + sub);
  EXPECT_EQ(s["quantity"], 7);
  EXPECT_EQ(s["status"], "active");
  EXPECT_EQ(s["offerId"], kE3);
  EXPECT_EQ(BookNow(), book) << "the loaded sandbox's book is the book it was loaded from";
}

TEST_F(BookRoutesTest, AJsonDocumentIsTakenToo) {
  const std::string document = R"({"pcsimBook": 1, "asOf": "2026-02-01T00:00:00Z", "customers": [
    {"id": "0b1c2d3e-4f50-6172-8394-a5b6c7d8e9f0", "companyName": "Fabrikam", "domain": "fabrikam.onmicrosoft.com",
     "country": "US", "subscriptions": [
       {"id": "5e6f7a8b-9c0d-1e2f-3a4b-5c6d7e8f9a0b", "offerId": "CFQ7TTC0LFLZ:0001:CFQ7TTC0K5F7", "quantity": 3,
        "status": "active", "termDuration": "P1Y", "billingCycle": "monthly",
        "effectiveStartDate": "2025-11-10", "commitmentEndDate": "2026-11-09", "autoRenewEnabled": true}]}]})";
  Response r = Call("POST", "/_sim/book", document);
  ASSERT_EQ(r.status, 200) << r.body;
  auto s = CallJson("GET", "/v1/customers/0b1c2d3e-4f50-6172-8394-a5b6c7d8e9f0/subscriptions/"
                    "5e6f7a8b-9c0d-1e2f-3a4b-5c6d7e8f9a0b");
  EXPECT_EQ(s["quantity"], 3);
  EXPECT_EQ(s["commitmentEndDate"].get<std::string>().substr(0, 10), "2026-11-09");
}

struct BadBook {
  const char* name;
  std::string body;
  const char* expected;  // in the description
};

class BadBookRouteTest : public BookRoutesTest, public ::testing::WithParamInterface<BadBook> {};

TEST_P(BadBookRouteTest, IsRefusedWithLineAndReasonAndChangesNothing) {
  std::string customer = CreateCustomer();
  Buy(customer, kE3, 10, "P1Y", "monthly");
  const std::string digest = Digest();
  const std::string book = BookNow();
  Response r = Call("POST", "/_sim/book", GetParam().body, {{"Content-Type", "application/x-ndjson"}});
  EXPECT_EQ(r.status, 400);
  auto error = nlohmann::json::parse(r.body);
  EXPECT_EQ(error["code"], 800002);
  EXPECT_NE(error["description"].get<std::string>().find(GetParam().expected), std::string::npos)
      << error["description"];
  EXPECT_TRUE(error.contains("source") && error.contains("data"));
  EXPECT_EQ(Digest(), digest);
  EXPECT_EQ(BookNow(), book);
}

const std::string kHeader = R"({"pcsimBook":1,"asOf":"2026-02-01T00:00:00Z"})";
const std::string kCustomer =
    R"({"id":"c1","companyName":"A","domain":"a.onmicrosoft.com","country":"US","subscriptions":[)";

INSTANTIATE_TEST_SUITE_P(
    Books, BadBookRouteTest,
    ::testing::Values(
        BadBook{"Empty", "", "book"},
        BadBook{"NotJson", "{nope", "book:1"},
        BadBook{"UnknownKeyOnLine2", kHeader + "\n" + R"({"id":"c1","colour":"red"})" + "\n", "book:2"},
        BadBook{"UnknownOffer",
                kHeader + "\n" + kCustomer +
                    R"({"id":"s1","offerId":"NOPE:0001:NOPE","quantity":1,"status":"active","termDuration":"P1Y","billingCycle":"monthly","effectiveStartDate":"2025-11-10","commitmentEndDate":"2026-11-09","autoRenewEnabled":true}]})" +
                    "\n",
                "book:2"},
        BadBook{"TermDoesNotHoldAsOf",
                kHeader + "\n" + kCustomer +
                    R"({"id":"s1","offerId":"CFQ7TTC0LFLZ:0001:CFQ7TTC0K5F7","quantity":1,"status":"active","termDuration":"P1Y","billingCycle":"monthly","effectiveStartDate":"2024-01-10","commitmentEndDate":"2025-01-09","autoRenewEnabled":true}]})" +
                    "\n",
                "does not hold asOf"}),
    [](const ::testing::TestParamInfo<BadBook>& info) { return std::string(info.param.name); });

TEST_F(BookRoutesTest, ALoadIsJournaledAndReplaysLikeAReset) {
  std::string customer = CreateCustomer();
  Buy(customer, kE3, 4, "P1Y", "monthly");
  const std::string book = BookNow();
  CallJson("POST", "/_sim/reset");
  ASSERT_EQ(Call("POST", "/_sim/book", book, {{"Content-Type", "application/x-ndjson"}}).status, 200);
  Advance("P1D");
  auto history = router->History();
  ASSERT_EQ(history.size(), 2u) << "the load starts the history, as a reset does";
  EXPECT_EQ(history[0].path, "/_sim/book");
  EXPECT_TRUE(history[0].resets);
  Router other(router->options());
  for (const CommandRecord& c : history) EXPECT_LT(other.Replay(c).status, 400);
  EXPECT_EQ(other.StateDigest(), router->StateDigest());
}

}  // namespace
}  // namespace pcsim::api::testing
