// Where data file errors point: byte offsets to line:column, the source map of
// a JSON document (JsonDocument), and the messages of JsonObjectReader.
#include "simulator/model/json_reader.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>

namespace pcsim {
namespace {

std::string LineColumn(std::string_view text, size_t offset) {
  TextPosition p = PositionOfOffset(text, offset);
  return std::to_string(p.line) + ":" + std::to_string(p.column);
}

// "LINE:COLUMN" where the value at `path` starts, or "nowhere".
std::string Where(const JsonDocument& doc, const JsonPath& path) {
  const nlohmann::json* node = doc.Find(path);
  if (node == nullptr) return "nowhere";
  auto offset = doc.ValueOffset(node);
  if (!offset) return "unindexed";
  return LineColumn(doc.text(), *offset);
}

// The located message of what `read` throws on `text`, as a loader gives it.
template <typename F>
std::string ErrorOf(std::string_view text, F read) {
  std::optional<JsonDocument> doc;
  try {
    doc.emplace(text);
    read(doc->root());
  } catch (const DataFileError& e) {
    return LocatedMessage("f.json", text, doc ? &*doc : nullptr, e);
  }
  return "no error";
}

// ------------------------------------------------------------ PositionOfOffset

TEST(PositionOfOffsetTest, CountsLinesAndColumnsFromOne) {
  std::string_view text = "ab\ncd\n\nef";
  EXPECT_EQ(LineColumn(text, 0), "1:1");
  EXPECT_EQ(LineColumn(text, 1), "1:2");
  EXPECT_EQ(LineColumn(text, 2), "1:3");  // the '\n' ends line 1
  EXPECT_EQ(LineColumn(text, 3), "2:1");
  EXPECT_EQ(LineColumn(text, 6), "3:1");
  EXPECT_EQ(LineColumn(text, 8), "4:2");
  EXPECT_EQ(LineColumn(text, 9), "4:3");    // the end of the text
  EXPECT_EQ(LineColumn(text, 500), "4:3");  // clamped to the end
}

TEST(PositionOfOffsetTest, CrlfLineEndsCountOnce) {
  std::string_view text = "a\r\nbc\r\n\r\nd";
  EXPECT_EQ(LineColumn(text, 3), "2:1");
  EXPECT_EQ(LineColumn(text, 4), "2:2");
  EXPECT_EQ(LineColumn(text, 9), "4:1");
}

TEST(PositionOfOffsetTest, ColumnsCountCharactersNotBytes) {
  std::string_view text = "{\"caf\xC3\xA9\": \"\xE2\x82\xAC\", \"x\": 1}";  // {"café": "€", "x": 1}
  size_t x_value = text.find("1}");
  EXPECT_EQ(LineColumn(text, x_value), "1:20");
}

TEST(PositionOfOffsetTest, AByteOrderMarkIsNotAColumn) {
  std::string_view text = "\xEF\xBB\xBF{\"a\": 1}";
  EXPECT_EQ(LineColumn(text, 3), "1:1");
  EXPECT_EQ(LineColumn(text, 9), "1:7");
}

// ---------------------------------------------------------------- JsonDocument

TEST(JsonDocumentTest, TheDocumentStartsAtTheFirstLineAndColumn) {
  JsonDocument doc("{\"a\": 1}");
  EXPECT_EQ(Where(doc, {}), "1:1");
  EXPECT_EQ(Where(doc, {"a"}), "1:7");
  JsonDocument spaced("\n\n   [1, 2]");
  EXPECT_EQ(Where(spaced, {}), "3:4");
  EXPECT_EQ(Where(spaced, {size_t{1}}), "3:8");
}

TEST(JsonDocumentTest, LocatesNestedObjectsAndArrays) {
  JsonDocument doc(R"({
  "products": [
    {"id": "A", "skus": []},
    {
      "id": "B",
      "skus": [{"id": "S1", "prices": [[1, 2], {"price": "-1.00"}]}]
    }
  ],
  "after": true
})");
  EXPECT_EQ(Where(doc, {"products"}), "2:15");
  EXPECT_EQ(Where(doc, {"products", size_t{0}}), "3:5");
  EXPECT_EQ(Where(doc, {"products", size_t{0}, "skus"}), "3:25");
  EXPECT_EQ(Where(doc, {"products", size_t{1}}), "4:5");
  EXPECT_EQ(Where(doc, {"products", size_t{1}, "id"}), "5:13");
  EXPECT_EQ(Where(doc, {"products", size_t{1}, "skus", size_t{0}, "prices", size_t{0}, size_t{1}}), "6:44");
  EXPECT_EQ(Where(doc, {"products", size_t{1}, "skus", size_t{0}, "prices", size_t{1}, "price"}), "6:58");
  EXPECT_EQ(Where(doc, {"after"}), "9:12");
  EXPECT_EQ(Where(doc, {"products", size_t{2}}), "nowhere");
  EXPECT_EQ(Where(doc, {"missing"}), "nowhere");
}

TEST(JsonDocumentTest, EscapedStringsDoNotConfuseTheScan) {
  // A key and values holding \" \\ \u escapes, brackets, braces and commas.
  JsonDocument doc(R"({"a\"b": "x\\\",]}{", "c\u0064": ["\\", "\"[", {"e": "}"}], "f": 7})");
  EXPECT_EQ(Where(doc, {"a\"b"}), "1:10");
  EXPECT_EQ(Where(doc, {"cd"}), "1:34");
  EXPECT_EQ(Where(doc, {"cd", size_t{2}, "e"}), "1:54");
  EXPECT_EQ(Where(doc, {"f"}), "1:66");
  EXPECT_EQ(LineColumn(doc.text(), *doc.KeyOffset(&doc.root(), "cd")), "1:23");
}

TEST(JsonDocumentTest, KeysHoldingDotsAndBracketsAreOneStep) {
  JsonDocument doc(R"({"a": {"b": 1}, "a.b": {"[0]": 2, "x]": [3]}})");
  EXPECT_EQ(Where(doc, {"a", "b"}), "1:13");
  EXPECT_EQ(Where(doc, {"a.b"}), "1:24");
  EXPECT_EQ(Where(doc, {"a.b", "[0]"}), "1:32");
  EXPECT_EQ(Where(doc, {"a.b", "x]", size_t{0}}), "1:42");
  EXPECT_EQ(JsonPathText({"a.b", "x]", size_t{0}}), "a.b.x][0]");
}

TEST(JsonDocumentTest, LocatesValuesInACrlfFile) {
  JsonDocument doc("{\r\n  \"format\": 1,\r\n  \"name\": \"x\"\r\n}\r\n");
  EXPECT_EQ(Where(doc, {"format"}), "2:13");
  EXPECT_EQ(Where(doc, {"name"}), "3:11");
}

TEST(JsonDocumentTest, ADuplicateKeyIsAnErrorAtItsSecondOccurrence) {
  std::string text = "{\"products\": [\n  {\"id\": \"A\",\n   \"id\": \"B\"}]}";
  try {
    JsonDocument doc(text);
    FAIL() << "accepted a duplicate key";
  } catch (const DataFileError& e) {
    EXPECT_EQ(LocatedMessage("f.json", text, nullptr, e),
              "f.json:3:4: duplicate key \"id\" (each key may appear once in an object) (at products[0].id)");
  }
}

TEST(JsonDocumentTest, TheSameKeyInTwoObjectsIsFine) {
  JsonDocument doc(R"([{"id": 1}, {"id": 2, "x": {"id": 3}}])");
  EXPECT_EQ(Where(doc, {size_t{1}, "x", "id"}), "1:35");
}

TEST(JsonDocumentTest, MalformedJsonNamesTheOffendingCharacter) {
  EXPECT_EQ(ErrorOf("{\n  \"format\": 1,\n  \"products\": [,]\n}\n", [](const nlohmann::json&) {}),
            "f.json:3:16: malformed JSON: syntax error while parsing value - unexpected ','; "
            "expected '[', '{', or a literal");
  EXPECT_EQ(ErrorOf("{\"a\": 1", [](const nlohmann::json&) {}),
            "f.json:1:8: malformed JSON: syntax error while parsing object - unexpected end of input; "
            "expected '}'");
  EXPECT_EQ(ErrorOf("", [](const nlohmann::json&) {}),
            "f.json:1:1: malformed JSON: syntax error while parsing value - unexpected end of input; "
            "expected '[', '{', or a literal");
}

TEST(JsonDocumentTest, ANumberTooLargeForADoubleIsLocatedAtTheNumber) {
  auto none = [](const nlohmann::json&) {};
  EXPECT_EQ(ErrorOf("{\n  \"format\": 1,\n  \"price\": 2222222.222e22222\n}\n", none),
            "f.json:3:12: number out of range: 2222222.222e22222 is too large for a number");
  // A string spelling the same number, and a shorter number before it, are not it.
  EXPECT_EQ(ErrorOf("[\"1e400\", 1e40, -1e400]", none),
            "f.json:1:17: number out of range: -1e400 is too large for a number");
  EXPECT_EQ(ErrorOf("[1e40, 1e400]", none), "f.json:1:8: number out of range: 1e400 is too large for a number");
  // The lexer ends the number where the grammar does: "1e400" then ".".
  EXPECT_EQ(ErrorOf("[1e400.5]", none), "f.json:1:2: number out of range: 1e400 is too large for a number");
  // An integer of 400 digits is read as a double, and overflows too.
  std::string digits(400, '9');
  EXPECT_EQ(ErrorOf("{\"n\": " + digits + "}", none),
            "f.json:1:7: number out of range: " + digits + " is too large for a number");
}

TEST(JsonDocumentTest, ParseJsonDocumentLocatesAnOverflowingNumber) {
  try {
    ParseJsonDocument("[{\"from\": \"2026-01-01\", \"value\": 1e999}]");
    ADD_FAILURE() << "no error";
  } catch (const DataFileError& e) {
    ASSERT_TRUE(e.offset.has_value());
    EXPECT_EQ(*e.offset, 33u);
    EXPECT_EQ(e.reason, "number out of range: 1e999 is too large for a number");
  }
}

TEST(JsonDocumentTest, DeepNestingIsIndexedWithoutRecursion) {
  std::string text = std::string(100000, '[') + "7" + std::string(100000, ']');
  JsonDocument doc(text);
  EXPECT_EQ(Where(doc, {}), "1:1");
  EXPECT_EQ(Where(doc, {size_t{0}, size_t{0}}), "1:3");
}

// ------------------------------------------------------------ JsonObjectReader

constexpr std::string_view kPriceFile = R"({
  "items": [
    {"term": "P1Y",
     "price": 12.5,
     "colour": "red"},
    {"term": "P1M"}
  ],
  "countries": ["US", "x"]
})";

TEST(JsonObjectReaderTest, AWrongTypeIsLocatedAtTheValue) {
  EXPECT_EQ(ErrorOf(kPriceFile,
                    [](const nlohmann::json& root) {
                      JsonObjectReader r(root, "");
                      JsonObjectReader item(r.Array("items")[0], IndexPath("items", 0));
                      item.String("term");
                      item.DecimalString("price");
                    }),
            "f.json:4:15: expected an exact decimal written as a string (e.g. \"12.50\") (at items[0].price)");
}

TEST(JsonObjectReaderTest, AnUnknownKeyIsLocatedAtTheKey) {
  EXPECT_EQ(ErrorOf(kPriceFile,
                    [](const nlohmann::json& root) {
                      JsonObjectReader item(root["items"][0], "items[0]");
                      item.String("term");
                      item.OptionalString("price");
                    }),
            "f.json:4:15: expected a string (at items[0].price)");
  EXPECT_EQ(ErrorOf(kPriceFile,
                    [](const nlohmann::json& root) {
                      JsonObjectReader item(root["items"][0], "items[0]");
                      item.String("term");
                      item.RejectUnknownKeys();  // "colour" sorts before "price"
                    }),
            "f.json:5:6: unknown key (at items[0].colour)");
}

TEST(JsonObjectReaderTest, AMissingKeyIsLocatedAtTheObjectMissingIt) {
  EXPECT_EQ(ErrorOf(kPriceFile,
                    [](const nlohmann::json& root) {
                      JsonObjectReader item(root["items"][1], "items[1]");
                      item.String("term");
                      item.DecimalString("price");
                    }),
            "f.json:6:5: missing required key (at items[1].price)");
}

TEST(JsonObjectReaderTest, AListElementIsLocatedAtTheElement) {
  EXPECT_EQ(ErrorOf(kPriceFile,
                    [](const nlohmann::json& root) {
                      JsonObjectReader r(root, "");
                      auto countries = r.StringList("countries");
                      r.FailAt("countries", 1, "\"" + countries[1] + "\" is not a country");
                    }),
            "f.json:8:23: \"x\" is not a country (at countries[1])");
}

TEST(JsonObjectReaderTest, ADocumentThatIsNotAnObjectIsLocatedAtItsStart) {
  EXPECT_EQ(ErrorOf("\n  [1]", [](const nlohmann::json& root) { JsonObjectReader r(root, ""); }),
            "f.json:2:3: expected an object");
}

TEST(LocatedMessageTest, AnErrorOutsideTheDocumentKeepsTheOldForm) {
  nlohmann::json elsewhere = {{"a", 1}};
  JsonDocument doc("{}");
  DataFileError e;
  e.path = "a";
  e.reason = "bad";
  e.node = &elsewhere;
  EXPECT_EQ(LocatedMessage("f.json", doc.text(), &doc, e), "f.json: a: bad");
}

}  // namespace
}  // namespace pcsim
