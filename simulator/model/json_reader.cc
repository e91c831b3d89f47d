#include "simulator/model/json_reader.h"

namespace pcsim {

JsonObjectReader::JsonObjectReader(const nlohmann::json& object, std::string path)
    : object_(object), path_(std::move(path)) {
  if (!object_.is_object()) throw DataFileError{(path_.empty() ? "document" : path_) + ": expected an object"};
}

bool JsonObjectReader::Has(std::string_view key) const {
  auto it = object_.find(std::string(key));
  return it != object_.end() && !it->is_null();
}

const nlohmann::json* JsonObjectReader::Find(std::string_view key) {
  seen_.emplace(key);
  auto it = object_.find(std::string(key));
  if (it == object_.end() || it->is_null()) return nullptr;
  return &*it;
}

const nlohmann::json& JsonObjectReader::Required(std::string_view key) {
  const nlohmann::json* v = Find(key);
  if (v == nullptr) Fail(key, "missing required key");
  return *v;
}

void JsonObjectReader::Fail(std::string_view key, std::string_view reason) const {
  throw DataFileError{ChildPath(key) + ": " + std::string(reason)};
}

std::string JsonObjectReader::String(std::string_view key) {
  const auto& v = Required(key);
  if (!v.is_string()) Fail(key, "expected a string");
  return v.get<std::string>();
}

std::optional<std::string> JsonObjectReader::OptionalString(std::string_view key) {
  const auto* v = Find(key);
  if (v == nullptr) return std::nullopt;
  if (!v->is_string()) Fail(key, "expected a string");
  return v->get<std::string>();
}

int JsonObjectReader::Int(std::string_view key, int min, int max) {
  auto v = OptionalInt(key, min, max);
  if (!v) Fail(key, "missing required key");
  return *v;
}

std::optional<int> JsonObjectReader::OptionalInt(std::string_view key, int min, int max) {
  const auto* v = Find(key);
  if (v == nullptr) return std::nullopt;
  if (!v->is_number_integer()) Fail(key, "expected an integer");
  auto n = v->get<int64_t>();
  if (n < min || n > max)
    Fail(key, "must be between " + std::to_string(min) + " and " + std::to_string(max));
  return static_cast<int>(n);
}

bool JsonObjectReader::Bool(std::string_view key) {
  auto v = OptionalBool(key);
  if (!v) Fail(key, "missing required key");
  return *v;
}

std::optional<bool> JsonObjectReader::OptionalBool(std::string_view key) {
  const auto* v = Find(key);
  if (v == nullptr) return std::nullopt;
  if (!v->is_boolean()) Fail(key, "expected true or false");
  return v->get<bool>();
}

Decimal JsonObjectReader::DecimalString(std::string_view key) {
  const auto& v = Required(key);
  if (!v.is_string()) Fail(key, "expected an exact decimal written as a string (e.g. \"12.50\")");
  auto d = Decimal::Parse(v.get<std::string>());
  if (!d) Fail(key, "not an exact decimal: \"" + v.get<std::string>() + "\"");
  return *d;
}

Date JsonObjectReader::DateString(std::string_view key) {
  std::string s = String(key);
  auto d = Date::Parse(s);
  if (!d) Fail(key, "not a date (YYYY-MM-DD): \"" + s + "\"");
  return *d;
}

std::vector<std::string> JsonObjectReader::StringList(std::string_view key) {
  const auto& v = Required(key);
  if (!v.is_array()) Fail(key, "expected a list of strings");
  std::vector<std::string> out;
  for (const auto& e : v) {
    if (!e.is_string()) Fail(key, "expected a list of strings");
    out.push_back(e.get<std::string>());
  }
  return out;
}

std::vector<std::string> JsonObjectReader::OptionalStringList(std::string_view key) {
  if (!Has(key)) {
    seen_.emplace(key);
    return {};
  }
  return StringList(key);
}

const nlohmann::json& JsonObjectReader::Array(std::string_view key, bool required) {
  static const nlohmann::json kEmpty = nlohmann::json::array();
  const auto* v = Find(key);
  if (v == nullptr) {
    if (required) Fail(key, "missing required key");
    return kEmpty;
  }
  if (!v->is_array()) Fail(key, "expected a list");
  return *v;
}

const nlohmann::json& JsonObjectReader::Object(std::string_view key) {
  const auto& v = Required(key);
  if (!v.is_object()) Fail(key, "expected an object");
  return v;
}

void JsonObjectReader::RejectUnknownKeys() const {
  for (auto it = object_.begin(); it != object_.end(); ++it)
    if (seen_.find(it.key()) == seen_.end()) Fail(it.key(), "unknown key");
}

nlohmann::json ParseJsonDocument(std::string_view text) {
  try {
    return nlohmann::json::parse(text.begin(), text.end());
  } catch (const nlohmann::json::parse_error& e) {
    throw DataFileError{std::string("malformed JSON: ") + e.what()};
  }
}

std::string IndexPath(const std::string& path, size_t index) { return path + "[" + std::to_string(index) + "]"; }

}  // namespace pcsim
