#include "simulator/api/json_support.h"

#include "simulator/api/http_types.h"

namespace pcsim::api {
namespace {

// Marks a string as a number to be written unquoted; it cannot occur in
// other strings because Dump escapes control characters as \u0001.
constexpr char kNumberMark = '\x01';
constexpr std::string_view kEscapedMark = "\"\\u0001";

}  // namespace

Json Number(const Decimal& d) { return Json(std::string(1, kNumberMark) + d.Normalized().ToString()); }

std::optional<std::string> NumberText(const Json& v) {
  if (!v.is_string()) return std::nullopt;
  const std::string& s = v.get_ref<const std::string&>();
  if (s.empty() || s[0] != kNumberMark) return std::nullopt;
  return s.substr(1);
}

std::string Dump(const Json& j) {
  std::string text = j.dump(-1, ' ', false, nlohmann::detail::error_handler_t::replace);
  if (text.find(kEscapedMark) == std::string::npos) return text;
  std::string out;
  out.reserve(text.size());
  size_t pos = 0;
  for (;;) {
    size_t mark = text.find(kEscapedMark, pos);
    if (mark == std::string::npos) break;
    out.append(text, pos, mark - pos);
    size_t start = mark + kEscapedMark.size();
    size_t end = text.find('"', start);
    out.append(text, start, end - start);
    pos = end + 1;
  }
  out.append(text, pos, std::string::npos);
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
