// Dump: the wire text of a response, one pass, exact money numbers unquoted,
// everything else exactly as nlohmann's compact dump writes it.
#include <gtest/gtest.h>

#include <string>

#include "simulator/api/json_support.h"
#include "simulator/api/router.h"

namespace pcsim::api {
namespace {

std::string NlohmannDump(const Json& j) { return j.dump(-1, ' ', false, nlohmann::detail::error_handler_t::replace); }

TEST(DumpTest, WritesMoneyAsExactNumbers) {
  Json j = ObjectWithCapacity(4);
  j["unitPrice"] = Number(*Decimal::Parse("37.80"));
  j["total"] = Number(*Decimal::Parse("-94.08"));
  j["quantity"] = 10;
  j["prices"] = Json::array({Number(*Decimal::Parse("0.0001")), Number(*Decimal::Parse("1200"))});
  EXPECT_EQ(Dump(j), R"({"unitPrice":37.8,"total":-94.08,"quantity":10,"prices":[0.0001,1200]})");
}

TEST(DumpTest, MatchesNlohmannForEveryOtherValue) {
  Json j;
  j["plain"] = "Microsoft 365 E3";
  j["quote and backslash"] = "a \"b\" \\ c/d";
  j["controls"] = "tab\there\nnew\x01line\x1f\b\f\r";
  j["unicode"] = "Zürich – 東京";
  j["invalid utf8"] = std::string("bad \xff\xfe byte");
  j["del"] = "\x7f";
  j["empty"] = "";
  j["true"] = true;
  j["false"] = false;
  j["null"] = nullptr;
  j["negative"] = -42;
  j["unsigned"] = uint64_t{18446744073709551615u};
  j["min"] = INT64_MIN;
  j["float"] = 0.5;
  j["nested"] = Json{{"a", Json::array({1, "two", Json::object(), Json::array()})}, {"b", Json::object()}};
  j["ключ \"quoted\""] = 1;
  EXPECT_EQ(Dump(j), NlohmannDump(j));
  EXPECT_EQ(Dump(Json::array()), "[]");
  EXPECT_EQ(Dump(Json("x")), "\"x\"");
}

TEST(DumpTest, AStringStartingWithTheNumberMarkStaysAString) {
  // A client's friendly name is echoed back; it must not become raw JSON.
  Json j;
  j["friendlyName"] = std::string("\x01") + "1,\"injected\":true";
  j["digits"] = std::string("\x01") + "12";  // no string can pass itself off as a number
  j["number"] = Number(*Decimal::Parse("12.50"));
  EXPECT_EQ(Dump(j), R"({"friendlyName":"\u00011,\"injected\":true","digits":"\u000112","number":12.5})");
  EXPECT_FALSE(nlohmann::json::parse(Dump(j), nullptr, false).is_discarded());
}

TEST(DumpTest, JsonResponseRendersUnderTheRouterAndDirectly) {
  Json body;
  body["total"] = Number(*Decimal::Parse("378"));
  Response direct = JsonResponse(200, body);  // an lvalue: rendered at once
  EXPECT_EQ(direct.body, R"({"total":378})");
  EXPECT_EQ(direct.pending_json, nullptr);

  Response deferred = JsonResponse(201, Json(body));  // rendered by Router::Handle
  EXPECT_EQ(deferred.status, 201);
  EXPECT_TRUE(deferred.body.empty());
  ASSERT_NE(deferred.pending_json, nullptr);
  EXPECT_EQ(Dump(*deferred.pending_json), R"({"total":378})");
}

TEST(DumpTest, RouterAnswersWithTheRenderedBody) {
  Router router;
  Response r = router.Handle(MakeRequest("GET", "/_sim/clock"));
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.body, R"({"now":"2026-01-01T00:00:00Z"})");
  EXPECT_EQ(r.pending_json, nullptr);
}

}  // namespace
}  // namespace pcsim::api
