#include "simulator/model/errors.h"
#include "simulator/api/json_support.h"

#include <charconv>
#include <cstdint>
#include <cstring>
#include <optional>
#include <string>
#include <vector>

#include "simulator/api/http_types.h"

namespace pcsim::api {
namespace {

// Exact numbers travel through the tree as binary values with this subtype: a
// request body can never produce a binary value, so no string a client sends
// (or a path segment, or a header) can pass itself off as a number.
constexpr std::uint64_t kNumberSubtype = 0x70;

// Builds the DOM of ParseExactJson: fractional numbers become their source text.
class ExactDomBuilder : public nlohmann::json_sax<nlohmann::json> {
 public:
  ExactDomBuilder(nlohmann::json& root, size_t max_depth) : root_(root), max_depth_(max_depth) {}

  bool null() override { return Add(nullptr); }
  bool boolean(bool v) override { return Add(v); }
  bool number_integer(number_integer_t v) override { return Add(v); }
  bool number_unsigned(number_unsigned_t v) override { return Add(v); }
  bool number_float(number_float_t, const string_t& text) override { return Add(text); }
  bool string(string_t& v) override { return Add(std::move(v)); }
  bool binary(binary_t& v) override { return Add(nlohmann::json::binary(std::move(v))); }
  bool start_object(std::size_t) override {
    if (stack_.size() >= max_depth_) return false;
    nlohmann::json* created = Add(nlohmann::json::object()) ? last_ : nullptr;
    stack_.push_back(created);
    return true;
  }
  bool key(string_t& k) override {
    key_ = std::move(k);
    return true;
  }
  bool end_object() override {
    stack_.pop_back();
    return true;
  }
  bool start_array(std::size_t) override {
    if (stack_.size() >= max_depth_) return false;
    nlohmann::json* created = Add(nlohmann::json::array()) ? last_ : nullptr;
    stack_.push_back(created);
    return true;
  }
  bool end_array() override {
    stack_.pop_back();
    return true;
  }
  bool parse_error(std::size_t, const std::string&, const nlohmann::detail::exception&) override { return false; }

 private:
  template <typename V>
  bool Add(V&& value) {
    if (stack_.empty()) {
      root_ = nlohmann::json(std::forward<V>(value));
      last_ = &root_;
    } else if (nlohmann::json* top = stack_.back(); top->is_object()) {
      last_ = &((*top)[key_] = nlohmann::json(std::forward<V>(value)));
    } else {
      top->push_back(nlohmann::json(std::forward<V>(value)));
      last_ = &top->back();
    }
    return true;
  }

  nlohmann::json& root_;
  size_t max_depth_;
  std::vector<nlohmann::json*> stack_;
  std::string key_;
  nlohmann::json* last_ = nullptr;
};

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

namespace {

// Whether `s` can be written between quotes as is: printable ASCII without
// '"' or '\\' (everything else goes through nlohmann's escaping, which also
// replaces invalid UTF-8).
bool PlainAscii(std::string_view s) {
  // Eight bytes at a time: a byte below 0x20 or from 0x80, a '"' or a '\\'
  // sets the high bit of its lane.
  constexpr uint64_t kOnes = 0x0101010101010101ull, kHigh = 0x8080808080808080ull;
  auto has_zero = [](uint64_t v) { return (v - kOnes) & ~v & kHigh; };
  size_t i = 0;
  for (; i + 8 <= s.size(); i += 8) {
    uint64_t w;
    std::memcpy(&w, s.data() + i, 8);
    if (((w | (w - kOnes * 0x20)) & kHigh) != 0 ||  // >= 0x80, or below 0x20 (borrow)
        has_zero(w ^ (kOnes * '"')) != 0 || has_zero(w ^ (kOnes * '\\')) != 0)
      break;
  }
  for (; i < s.size(); ++i) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    if (c < 0x20 || c >= 0x80 || c == '"' || c == '\\') return false;
  }
  return true;
}

void AppendString(std::string& out, const std::string& s) {
  if (PlainAscii(s)) {
    out.push_back('"');
    out.append(s);
    out.push_back('"');
    return;
  }
  out.append(Json(s).dump(-1, ' ', false, nlohmann::detail::error_handler_t::replace));
}

template <typename T>
void AppendInteger(std::string& out, T v) {
  char buffer[24];
  auto [end, ec] = std::to_chars(buffer, buffer + sizeof(buffer), v);
  out.append(buffer, end);
}

// Writes `j` compactly, as nlohmann's dump(-1) does, in one pass: values made
// by Number() unquoted.
void DumpTo(std::string& out, const Json& j) {
  switch (j.type()) {
    case Json::value_t::object: {
      out.push_back('{');
      bool first = true;
      for (const auto& [key, value] : j.get_ref<const Json::object_t&>()) {
        if (!first) out.push_back(',');
        first = false;
        AppendString(out, key);
        out.push_back(':');
        DumpTo(out, value);
      }
      out.push_back('}');
      return;
    }
    case Json::value_t::array: {
      out.push_back('[');
      bool first = true;
      for (const Json& value : j.get_ref<const Json::array_t&>()) {
        if (!first) out.push_back(',');
        first = false;
        DumpTo(out, value);
      }
      out.push_back(']');
      return;
    }
    case Json::value_t::string: {
      AppendString(out, j.get_ref<const std::string&>());
      return;
    }
    case Json::value_t::binary:
      if (auto text = NumberText(j)) {
        out.append(*text);
        return;
      }
      out.append(j.dump(-1, ' ', false, nlohmann::detail::error_handler_t::replace));
      return;
    case Json::value_t::number_integer:
      AppendInteger(out, j.get<int64_t>());
      return;
    case Json::value_t::number_unsigned:
      AppendInteger(out, j.get<uint64_t>());
      return;
    case Json::value_t::boolean:
      out.append(j.get<bool>() ? "true" : "false");
      return;
    case Json::value_t::null:
      out.append("null");
      return;
    default:  // floats, discarded: as nlohmann writes them
      out.append(j.dump(-1, ' ', false, nlohmann::detail::error_handler_t::replace));
      return;
  }
}

}  // namespace

std::string Dump(const Json& j) {
  std::string out;
  out.reserve(2048);
  DumpTo(out, j);
  return out;
}

Json ObjectWithCapacity(size_t keys) {
  Json j = Json::object();
  j.get_ref<Json::object_t&>().reserve(keys);
  return j;
}

std::string Base64(std::string_view in, bool url_safe) {
  const char* alphabet = url_safe ? "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
                                  : "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  uint32_t buffer = 0;
  int bits = 0;
  for (unsigned char c : in) {
    buffer = (buffer << 8) | c;
    bits += 8;
    while (bits >= 6) {
      bits -= 6;
      out.push_back(alphabet[(buffer >> bits) & 0x3F]);
    }
  }
  if (bits > 0) out.push_back(alphabet[(buffer << (6 - bits)) & 0x3F]);
  while (!url_safe && out.size() % 4 != 0) out.push_back('=');
  return out;
}

std::string DateTimeOf(Date d) { return d.ToString() + "T00:00:00Z"; }
std::string EndOfDayOf(Date d) { return d.ToString() + "T23:59:59Z"; }

NestingScan ScanNesting(std::string_view text, size_t begin, int max_depth) {
  int depth = 0;
  bool in_string = false, escaped = false;
  for (size_t i = begin; i < text.size(); ++i) {
    char c = text[i];
    if (in_string) {
      if (escaped) escaped = false;
      else if (c == '\\') escaped = true;
      else if (c == '"') in_string = false;
      continue;
    }
    if (c == '"') {
      in_string = true;
    } else if (c == '{' || c == '[') {
      if (++depth > max_depth) return NestingScan{i + 1, true};
    } else if ((c == '}' || c == ']') && --depth == 0) {
      return NestingScan{i + 1, false};
    }
  }
  return NestingScan{text.size(), false};
}

StatusOr<nlohmann::json> ParseBody(std::string_view body, bool object) {
  // Refuse deep nesting before the recursive parser sees it.
  if (ScanNesting(body, 0, 64).too_deep)
    return Error<Err::BodyNotParsable>("The request body is nested more than 64 levels deep.");
  nlohmann::json j = nlohmann::json::parse(body.begin(), body.end(), nullptr, false);
  if (j.is_discarded()) return Error<Err::BodyNotParsable>("The request body is not valid JSON.");
  if (object && !j.is_object()) return Error<Err::BodyNotParsable>("The request body must be a JSON object.");
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
  if (!v->is_string()) return Error<Err::InvalidInput>(std::string(key) + " must be a string.");
  return std::optional<std::string>(v->get<std::string>());
}

StatusOr<std::optional<int64_t>> IntField(const nlohmann::json& object, std::string_view key) {
  const nlohmann::json* v = Field(object, key);
  if (v == nullptr) return std::optional<int64_t>();
  if (v->is_number_integer() || v->is_number_unsigned()) {
    if (v->is_number_unsigned() && v->get<uint64_t>() > static_cast<uint64_t>(INT32_MAX))
      return Error<Err::InvalidInput>(std::string(key) + " is out of range.");
    int64_t n = v->get<int64_t>();
    if (n > INT32_MAX || n < INT32_MIN)
      return Error<Err::InvalidInput>(std::string(key) + " is out of range.");
    return std::optional<int64_t>(n);
  }
  return Error<Err::InvalidInput>(std::string(key) + " must be an integer.");
}

StatusOr<std::optional<bool>> BoolField(const nlohmann::json& object, std::string_view key) {
  const nlohmann::json* v = Field(object, key);
  if (v == nullptr) return std::optional<bool>();
  if (!v->is_boolean()) return Error<Err::InvalidInput>(std::string(key) + " must be true or false.");
  return std::optional<bool>(v->get<bool>());
}

std::optional<nlohmann::json> ParseExactJson(std::string_view text, size_t max_depth) {
  nlohmann::json root;
  ExactDomBuilder builder(root, max_depth);
  if (!nlohmann::json::sax_parse(text.begin(), text.end(), &builder, nlohmann::json::input_format_t::json, true))
    return std::nullopt;
  return root;
}

}  // namespace pcsim::api
