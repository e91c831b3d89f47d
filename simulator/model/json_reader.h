// Strict reading of JSON data files (catalog, policy, country rules): every
// value is checked for its type, unknown keys are errors, and an error names
// the file and the JSON path of the offending value.
#pragma once

#include <nlohmann/json.hpp>

#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "simulator/clock/time.h"
#include "simulator/model/status.h"
#include "simulator/money/decimal.h"

namespace pcsim {

// Raised inside loaders and turned into a Status at their boundary.
struct DataFileError {
  std::string message;
};

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
  [[noreturn]] void Fail(std::string_view key, std::string_view reason) const;

 private:
  const nlohmann::json* Find(std::string_view key);
  const nlohmann::json& Required(std::string_view key);

  const nlohmann::json& object_;
  std::string path_;
  std::set<std::string, std::less<>> seen_;
};

// Parses `text` as JSON; DataFileError with line/column context on failure.
nlohmann::json ParseJsonDocument(std::string_view text);
// "products[2]".
std::string IndexPath(const std::string& path, size_t index);

}  // namespace pcsim
