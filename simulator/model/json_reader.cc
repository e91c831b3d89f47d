#include "simulator/model/json_reader.h"

#include <algorithm>
#include <map>
#include <unordered_map>
#include <unordered_set>

#include "simulator/model/data_file.h"

namespace pcsim {

namespace {

// nlohmann's parse_error text without its "[json.exception...] parse error at
// line L, column C: " prefix (the position is given as FILE:LINE:COLUMN).
std::string ParseErrorReason(const nlohmann::json::parse_error& e) {
  std::string what = e.what();
  size_t colon = what.find(": ");
  if (what.rfind("[json.exception.", 0) == 0 && colon != std::string::npos) what.erase(0, colon + 2);
  return "malformed JSON: " + what;
}

size_t ParseErrorOffset(const nlohmann::json::parse_error& e, std::string_view text) {
  // `byte` counts the characters read, the offending one included (and the
  // end of the input as one more).
  size_t offset = e.byte > 0 ? e.byte - 1 : 0;
  return std::min(offset, text.size());
}

bool IsJsonSpace(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

// nlohmann reports a number too large for a double ("1e400") as out_of_range
// 406, "number overflow parsing 'TOKEN'", without its position. Parsing stops
// at the first such number, so it is the first number token outside a string
// that spells TOKEN; an earlier identical token would have overflowed first.
std::optional<size_t> NumberOverflowOffset(const nlohmann::json::out_of_range& e, std::string_view text) {
  if (e.id != 406) return std::nullopt;
  std::string_view what = e.what();
  constexpr std::string_view kLead = "number overflow parsing '";
  size_t begin = what.find(kLead);
  if (begin == std::string_view::npos || what.back() != '\'') return std::nullopt;
  begin += kLead.size();
  std::string_view token = what.substr(begin, what.size() - 1 - begin);
  auto number_char = [](char c) {
    return (c >= '0' && c <= '9') || c == '-' || c == '+' || c == '.' || c == 'e' || c == 'E';
  };
  for (size_t i = 0; i < text.size();) {
    char c = text[i];
    if (c == '"') {
      ++i;
      while (i < text.size() && text[i] != '"') i += text[i] == '\\' ? 2 : 1;
      ++i;
    } else if (c == '-' || (c >= '0' && c <= '9')) {
      // The lexer ends a number where the grammar does ("1e400." is "1e400"
      // then "."), so the token is a prefix of the run, ending where no
      // digit follows.
      size_t start = i;
      size_t after = start + token.size();
      if (text.substr(start, token.size()) == token && (after >= text.size() || text[after] < '0' || text[after] > '9'))
        return start;
      while (i < text.size() && number_char(text[i])) ++i;
    } else {
      ++i;
    }
  }
  return std::nullopt;
}

DataFileError NumberOverflowError(const nlohmann::json::out_of_range& e, std::string_view text) {
  auto offset = NumberOverflowOffset(e, text);
  if (!offset) throw e;
  std::string_view what = e.what();
  size_t begin = what.find('\'') + 1;
  DataFileError error;
  error.reason = "number out of range: " + std::string(what.substr(begin, what.size() - 1 - begin)) +
                 " is too large for a number";
  error.offset = *offset;
  return error;
}

constexpr std::string_view kByteOrderMark = "\xEF\xBB\xBF";

}  // namespace

std::string JsonPathText(const JsonPath& path) {
  std::string out;
  for (const auto& step : path) {
    if (const auto* key = std::get_if<std::string>(&step)) {
      if (!out.empty()) out += '.';
      out += *key;
    } else {
      out += "[" + std::to_string(std::get<size_t>(step)) + "]";
    }
  }
  return out;
}

std::string DataFileError::Message() const { return path.empty() ? reason : Excerpt(path) + ": " + reason; }

TextPosition PositionOfOffset(std::string_view text, size_t offset) {
  offset = std::min(offset, text.size());
  TextPosition pos;
  size_t i = text.substr(0, kByteOrderMark.size()) == kByteOrderMark ? kByteOrderMark.size() : 0;
  for (; i < offset; ++i) {
    auto c = static_cast<unsigned char>(text[i]);
    if (c == '\n') {
      ++pos.line;
      pos.column = 1;
    } else if ((c & 0xC0) != 0x80) {  // not a UTF-8 continuation byte
      ++pos.column;
    }
  }
  return pos;
}

// ------------------------------------------------------------- JsonDocument

namespace {

// Walks the text (valid JSON: nlohmann parsed it) beside a document's root,
// recording where each value and key starts. Iterative, so that any nesting
// depth nlohmann accepts is fine. A key given twice in one object is an
// error: the parsed document keeps only one of the two values.
class JsonIndexer {
 public:
  using Values = std::unordered_map<const nlohmann::json*, size_t>;
  using Keys = std::map<std::pair<const nlohmann::json*, std::string>, size_t, std::less<>>;

  JsonIndexer(std::string_view text, const nlohmann::json& root, Values& values, Keys& keys)
      : t_(text), root_(root), values_(values), keys_(keys) {
    pos_ = t_.substr(0, kByteOrderMark.size()) == kByteOrderMark ? kByteOrderMark.size() : 0;
  }

  // One pass over the text: each value, then what follows it.
  void Run() {
    const nlohmann::json* node = &root_;
    while (true) {
      // At the start of a value.
      SkipSpace();
      if (pos_ >= t_.size()) return;
      if (node != nullptr) values_.emplace(node, pos_);
      char c = t_[pos_];
      if (c == '{' || c == '[') {
        ++pos_;
        stack_.push_back(Frame{node, c == '{', 0, {}});
        SkipSpace();
        if (pos_ < t_.size() && (t_[pos_] == '}' || t_[pos_] == ']')) {
          ++pos_;
          stack_.pop_back();
        } else {
          node = Member(stack_.back());
          continue;
        }
      } else if (c == '"') {
        SkipString();
      } else {
        while (pos_ < t_.size() && !IsJsonSpace(t_[pos_]) && t_[pos_] != ',' && t_[pos_] != ']' && t_[pos_] != '}')
          ++pos_;
      }
      if (!AfterValue(&node)) return;
    }
  }

 private:
  struct Frame {
    const nlohmann::json* node;  // null when the text and the root disagree
    bool object;
    size_t next_index = 0;
    std::unordered_set<std::string> keys;
  };

  void SkipSpace() {
    while (pos_ < t_.size() && IsJsonSpace(t_[pos_])) ++pos_;
  }

  void SkipString() {  // at the opening quote
    ++pos_;
    while (pos_ < t_.size() && t_[pos_] != '"') pos_ += t_[pos_] == '\\' ? 2 : 1;
    pos_ = std::min(pos_ + 1, t_.size());
  }

  // The next member of an object (its key) or element of an array; the
  // value's node, or null.
  const nlohmann::json* Member(Frame& frame) { return frame.object ? ReadKey(frame) : Element(frame); }

  // Reads the key at pos_ and the colon after it; the value's node or null.
  const nlohmann::json* ReadKey(Frame& frame) {
    size_t start = pos_;
    SkipString();
    std::string_view token = t_.substr(start, pos_ - start);
    std::string key;
    if (token.find('\\') == std::string_view::npos) {
      key = std::string(token.substr(1, token.size() >= 2 ? token.size() - 2 : 0));
    } else {
      key = nlohmann::json::parse(token.begin(), token.end()).get<std::string>();
    }
    if (!frame.keys.insert(key).second) {
      DataFileError error;
      path_.emplace_back(key);
      error.path = JsonPathText(path_);
      error.reason = "duplicate key \"" + Excerpt(key) + "\" (each key may appear once in an object)";
      error.offset = start;
      throw error;
    }
    SkipSpace();
    if (pos_ < t_.size() && t_[pos_] == ':') ++pos_;
    path_.emplace_back(key);
    if (frame.node == nullptr || !frame.node->is_object()) return nullptr;
    keys_.emplace(std::make_pair(frame.node, key), start);
    auto it = frame.node->find(key);
    return it == frame.node->end() ? nullptr : &*it;
  }

  const nlohmann::json* Element(Frame& frame) {
    size_t i = frame.next_index++;
    path_.emplace_back(i);
    if (frame.node == nullptr || !frame.node->is_array() || i >= frame.node->size()) return nullptr;
    return &(*frame.node)[i];
  }

  // After a value: the next member or element (into *node; true), or the
  // end of containers and of the text (false).
  bool AfterValue(const nlohmann::json** node) {
    while (!stack_.empty()) {
      path_.pop_back();
      SkipSpace();
      if (pos_ >= t_.size()) return false;
      if (t_[pos_] == ',') {
        ++pos_;
        SkipSpace();
        *node = Member(stack_.back());
        return true;
      }
      ++pos_;  // '}' or ']'
      stack_.pop_back();
    }
    return false;
  }

  const std::string_view t_;
  const nlohmann::json& root_;
  Values& values_;
  Keys& keys_;
  size_t pos_ = 0;
  std::vector<Frame> stack_;
  JsonPath path_;
};

}  // namespace

JsonDocument::JsonDocument(std::string_view text) : text_(text), root_(ParseJsonDocument(text)) { Index(); }

void JsonDocument::Index() { JsonIndexer(text_, root_, values_, keys_).Run(); }

std::optional<size_t> JsonDocument::ValueOffset(const nlohmann::json* value) const {
  auto it = values_.find(value);
  if (it == values_.end()) return std::nullopt;
  return it->second;
}

std::optional<size_t> JsonDocument::KeyOffset(const nlohmann::json* object, std::string_view key) const {
  auto it = keys_.find(std::make_pair(object, std::string(key)));
  if (it == keys_.end()) return std::nullopt;
  return it->second;
}

const nlohmann::json* JsonDocument::Find(const JsonPath& path) const {
  const nlohmann::json* node = &root_;
  for (const auto& step : path) {
    if (const auto* key = std::get_if<std::string>(&step)) {
      if (!node->is_object()) return nullptr;
      auto it = node->find(*key);
      if (it == node->end()) return nullptr;
      node = &*it;
    } else {
      size_t index = std::get<size_t>(step);
      if (!node->is_array() || index >= node->size()) return nullptr;
      node = &(*node)[index];
    }
  }
  return node;
}

std::optional<size_t> JsonDocument::OffsetOf(const DataFileError& error) const {
  if (error.offset) return error.offset;
  if (error.node == nullptr) return std::nullopt;
  if (error.key && error.node->is_object()) {
    auto it = error.node->find(*error.key);
    if (it != error.node->end()) return error.at_key ? KeyOffset(error.node, *error.key) : ValueOffset(&*it);
  }
  return ValueOffset(error.node);
}

std::string LocatedMessage(std::string_view source, std::string_view text, const JsonDocument* document,
                           const DataFileError& error) {
  std::optional<size_t> offset = document != nullptr ? document->OffsetOf(error) : error.offset;
  if (!offset) return std::string(source) + ": " + error.Message();
  TextPosition p = PositionOfOffset(text, *offset);
  std::string out = std::string(source) + ":" + std::to_string(p.line) + ":" + std::to_string(p.column) + ": " + error.reason;
  if (!error.path.empty()) out += " (at " + Excerpt(error.path) + ")";
  return out;
}

// --------------------------------------------------------- JsonObjectReader

JsonObjectReader::JsonObjectReader(const nlohmann::json& object, std::string path)
    : object_(object), path_(std::move(path)) {
  if (!object_.is_object()) FailHere("expected an object");
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
  DataFileError error;
  error.path = ChildPath(key);
  error.reason = std::string(reason);
  error.node = &object_;
  error.key = std::string(key);
  throw error;
}

void JsonObjectReader::FailAt(std::string_view key, size_t index, std::string_view reason) const {
  auto it = object_.find(std::string(key));
  if (it == object_.end() || !it->is_array() || index >= it->size()) Fail(key, reason);
  DataFileError error;
  error.path = IndexPath(ChildPath(key), index);
  error.reason = std::string(reason);
  error.node = &(*it)[index];
  throw error;
}

void JsonObjectReader::FailHere(std::string_view reason) const {
  DataFileError error;
  error.path = path_;
  error.reason = std::string(reason);
  error.node = &object_;
  throw error;
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
  if (!d) Fail(key, "not an exact decimal: \"" + Excerpt(v.get<std::string>()) + "\"");
  return *d;
}

Date JsonObjectReader::DateString(std::string_view key) {
  std::string s = String(key);
  auto d = Date::Parse(s);
  if (!d) Fail(key, "not a date (YYYY-MM-DD): \"" + Excerpt(s) + "\"");
  return *d;
}

std::vector<std::string> JsonObjectReader::StringList(std::string_view key) {
  const auto& v = Required(key);
  if (!v.is_array()) Fail(key, "expected a list of strings");
  std::vector<std::string> out;
  for (size_t i = 0; i < v.size(); ++i) {
    if (!v[i].is_string()) FailAt(key, i, "expected a list of strings");
    out.push_back(v[i].get<std::string>());
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
  for (auto it = object_.begin(); it != object_.end(); ++it) {
    if (seen_.find(it.key()) != seen_.end()) continue;
    DataFileError error;
    error.path = ChildPath(it.key());
    error.reason = "unknown key";
    error.node = &object_;
    error.key = it.key();
    error.at_key = true;
    throw error;
  }
}

nlohmann::json ParseJsonDocument(std::string_view text) {
  try {
    return nlohmann::json::parse(text.begin(), text.end());
  } catch (const nlohmann::json::parse_error& e) {
    DataFileError error;
    error.reason = ParseErrorReason(e);
    error.offset = ParseErrorOffset(e, text);
    throw error;
  } catch (const nlohmann::json::out_of_range& e) {
    throw NumberOverflowError(e, text);
  }
}

std::string IndexPath(const std::string& path, size_t index) { return path + "[" + std::to_string(index) + "]"; }

}  // namespace pcsim
