#include "simulator/api/json_support.h"

#include "simulator/api/http_types.h"

namespace pcsim::api {
namespace {

// Exact numbers travel through the tree as binary values with this subtype: a
// request body can never produce a binary value, so no string a client sends
// (or a path segment, or a header) can pass itself off as a number.
constexpr std::uint64_t kNumberSubtype = 0x70;

using Serializer = nlohmann::detail::serializer<Json>;

// Writes `j` compactly; strings are escaped by nlohmann (invalid UTF-8 becomes
// U+FFFD), numbers made by Number() are written as their digits.
void Write(const Json& j, Serializer& serializer, std::string& out) {
  switch (j.type()) {
    case Json::value_t::object: {
      out.push_back('{');
      bool first = true;
      for (auto it = j.begin(); it != j.end(); ++it) {
        if (!first) out.push_back(',');
        first = false;
        serializer.dump(Json(it.key()), false, false, 0);
        out.push_back(':');
        Write(it.value(), serializer, out);
      }
      out.push_back('}');
      return;
    }
    case Json::value_t::array: {
      out.push_back('[');
      bool first = true;
      for (const Json& v : j) {
        if (!first) out.push_back(',');
        first = false;
        Write(v, serializer, out);
      }
      out.push_back(']');
      return;
    }
    case Json::value_t::binary:
      if (auto text = NumberText(j)) {
        out += *text;
        return;
      }
      serializer.dump(j, false, false, 0);
      return;
    default:
      serializer.dump(j, false, false, 0);
      return;
  }
}

}  // namespace

Json Number(const Decimal& d) {
  std::string text = d.Normalized().ToString();
  return Json::binary(std::vector<std::uint8_t>(text.begin(), text.end()), kNumberSubtype);
}

std::optional<std::string> NumberText(const Json& v) {
  if (!v.is_binary()) return std::nullopt;
  const auto& bytes = v.get_binary();
  if (!bytes.has_subtype() || bytes.subtype() != kNumberSubtype) return std::nullopt;
  return std::string(bytes.begin(), bytes.end());
}

std::string Dump(const Json& j) {
  std::string out;
  Serializer serializer(nlohmann::detail::output_adapter<char>(out), ' ', nlohmann::detail::error_handler_t::replace);
  Write(j, serializer, out);
  return out;
}

std::string DateTimeOf(Date d) { return d.ToString() + "T00:00:00Z"; }
std::string EndOfDayOf(Date d) { return d.ToString() + "T23:59:59Z"; }

StatusOr<nlohmann::json> ParseBody(std::string_view body, bool object) {
  // Refuse deep nesting before the recursive parser sees it.
  int depth = 0;
  bool in_string = false, escaped = false;
  for (char c : body) {
    if (in_string) {
      if (escaped) escaped = false;
      else if (c == '\\') escaped = true;
      else if (c == '"') in_string = false;
      continue;
    }
    if (c == '"') in_string = true;
    else if (c == '{' || c == '[') {
      if (++depth > 64) return BadRequest(900126, "The request body is nested more than 64 levels deep.");
    } else if (c == '}' || c == ']') {
      --depth;
    }
  }
  nlohmann::json j = nlohmann::json::parse(body.begin(), body.end(), nullptr, false);
  if (j.is_discarded()) return BadRequest(900126, "The request body is not valid JSON.");
  if (object && !j.is_object()) return BadRequest(900126, "The request body must be a JSON object.");
  return j;
}

const nlohmann::json* Field(const nlohmann::json& object, std::string_view key) {
  if (!object.is_object()) return nullptr;
  for (auto it = object.begin(); it != object.end(); ++it)
    if (EqualsIgnoreCase(it.key(), key)) return it->is_null() ? nullptr : &*it;
  return nullptr;
}

StatusOr<std::optional<std::string>> StringField(const nlohmann::json& object, std::string_view key) {
  const nlohmann::json* v = Field(object, key);
  if (v == nullptr) return std::optional<std::string>();
  if (!v->is_string()) return BadRequest(800002, "Invalid request input: " + std::string(key) + " must be a string.");
  return std::optional<std::string>(v->get<std::string>());
}

StatusOr<std::optional<int64_t>> IntField(const nlohmann::json& object, std::string_view key) {
  const nlohmann::json* v = Field(object, key);
  if (v == nullptr) return std::optional<int64_t>();
  if (v->is_number_integer() || v->is_number_unsigned()) {
    if (v->is_number_unsigned() && v->get<uint64_t>() > static_cast<uint64_t>(INT32_MAX))
      return BadRequest(800002, "Invalid request input: " + std::string(key) + " is out of range.");
    int64_t n = v->get<int64_t>();
    if (n > INT32_MAX || n < INT32_MIN)
      return BadRequest(800002, "Invalid request input: " + std::string(key) + " is out of range.");
    return std::optional<int64_t>(n);
  }
  return BadRequest(800002, "Invalid request input: " + std::string(key) + " must be an integer.");
}

StatusOr<std::optional<bool>> BoolField(const nlohmann::json& object, std::string_view key) {
  const nlohmann::json* v = Field(object, key);
  if (v == nullptr) return std::optional<bool>();
  if (!v->is_boolean()) return BadRequest(800002, "Invalid request input: " + std::string(key) + " must be true or false.");
  return std::optional<bool>(v->get<bool>());
}

}  // namespace pcsim::api
