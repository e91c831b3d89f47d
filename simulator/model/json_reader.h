// Strict reading of JSON data files (catalog, policy, country rules): every
// value is checked for its type, unknown and duplicate keys are errors, and an
// error names the file, the line and column where the offending value starts,
// and its JSON path: "catalog.json:12:18: must not be negative (at products[0].skus[0]...)".
#pragma once

#include <nlohmann/json.hpp>

#include <cstddef>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "simulator/clock/time.h"
#include "simulator/model/json_path.h"
#include "simulator/model/status.h"
#include "simulator/money/decimal.h"

namespace pcsim {

// Raised inside loaders and turned into a Status at their boundary. It says
// what is wrong (`reason`), the JSON path of the offending value (`path`, ""
// for the whole document), and where that value is, as one of:
//   - `offset`: a byte offset in the text (malformed JSON, a duplicate key);
//   - `node` without `key`: the offending value;
//   - `node` with `key`: the object holding `key`; the key's value when the
//     object has the key (the key itself with `at_key`: an unknown key), else
//     the object (a missing key).
struct DataFileError {
  std::string path;
  std::string reason;
  const nlohmann::json* node = nullptr;
  std::optional<std::string> key;
  bool at_key = false;
  std::optional<size_t> offset;

  // "PATH: reason" (the reason alone for the document), without a position.
  std::string Message() const;
};

// A line and column, both from 1. Lines end at '\n' (so "\r\n" too); columns
// count characters (UTF-8 code points), and a byte order mark is not one.
struct TextPosition {
  size_t line = 1;
  size_t column = 1;
};
TextPosition PositionOfOffset(std::string_view text, size_t offset);

// A parsed JSON data file and where each of its values and keys starts in
// the text. Not copyable nor movable: its index holds addresses of its values.
class JsonDocument {
 public:
  // Parses `text`; DataFileError at the offending byte on malformed JSON or a
  // key given twice in one object. `text` must outlive the document.
  explicit JsonDocument(std::string_view text);
  JsonDocument(const JsonDocument&) = delete;
  JsonDocument& operator=(const JsonDocument&) = delete;

  const nlohmann::json& root() const { return root_; }
  std::string_view text() const { return text_; }

  // Byte offsets where a value of root() starts, and where a key of one of
  // its objects starts (its opening quote); nullopt for a value not in root().
  std::optional<size_t> ValueOffset(const nlohmann::json* value) const;
  std::optional<size_t> KeyOffset(const nlohmann::json* object, std::string_view key) const;
  // The value at `path`, or null when the path leads nowhere.
  const nlohmann::json* Find(const JsonPath& path) const;
  // Where `error` points, or nullopt when it names no value of root().
  std::optional<size_t> OffsetOf(const DataFileError& error) const;

 private:
  void Index();

  std::string_view text_;
  nlohmann::json root_;
  std::unordered_map<const nlohmann::json*, size_t> values_;
  std::map<std::pair<const nlohmann::json*, std::string>, size_t, std::less<>> keys_;
};

// "SOURCE:LINE:COLUMN: reason (at PATH)" for an error in `text` (parsed into
// `document`, null if it did not parse); "SOURCE: PATH: reason" if the error
// names no place in the text.
std::string LocatedMessage(std::string_view source, std::string_view text, const JsonDocument* document,
                           const DataFileError& error);

class JsonObjectReader {
 public:
  // `path` is the JSON path of `object` ("products[2].skus[0]").
  JsonObjectReader(const nlohmann::json& object, std::string path);

  const std::string& path() const { return path_; }
  bool Has(std::string_view key) const;

  std::string String(std::string_view key);
  std::optional<std::string> OptionalString(std::string_view key);
  int Int(std::string_view key, int min, int max);
  std::optional<int> OptionalInt(std::string_view key, int min, int max);
  bool Bool(std::string_view key);
  std::optional<bool> OptionalBool(std::string_view key);
  Decimal DecimalString(std::string_view key);  // an exact decimal written as a string
  Date DateString(std::string_view key);
  std::vector<std::string> StringList(std::string_view key);
  std::vector<std::string> OptionalStringList(std::string_view key);
  // The array under `key` (empty when absent and not required).
  const nlohmann::json& Array(std::string_view key, bool required = true);
  const nlohmann::json& Object(std::string_view key);
  std::string ChildPath(std::string_view key) const { return path_.empty() ? std::string(key) : path_ + "." + std::string(key); }

  // Fails on keys that were never asked for.
  void RejectUnknownKeys() const;
  // Fails at the value of `key` (at this object when it has no such key).
  [[noreturn]] void Fail(std::string_view key, std::string_view reason) const;
  // Fails at element `index` of the list under `key`.
  [[noreturn]] void FailAt(std::string_view key, size_t index, std::string_view reason) const;
  // Fails at this object itself.
  [[noreturn]] void FailHere(std::string_view reason) const;

 private:
  const nlohmann::json* Find(std::string_view key);
  const nlohmann::json& Required(std::string_view key);

  const nlohmann::json& object_;
  std::string path_;
  std::set<std::string, std::less<>> seen_;
};

// Parses `text` as JSON; DataFileError with the offending byte offset on failure.
nlohmann::json ParseJsonDocument(std::string_view text);
// "products[2]".
std::string IndexPath(const std::string& path, size_t index);

}  // namespace pcsim
