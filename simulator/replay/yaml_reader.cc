#include "simulator/replay/yaml_reader.h"

#include <algorithm>

#include "simulator/model/data_file.h"
#include "simulator/replay/scenario_parser.h"

namespace pcsim::replay {
namespace {

constexpr std::string_view kNumberMark = "\x1F" "n:";
constexpr std::string_view kBoolMark = "\x1F" "b:";
constexpr std::string_view kNullMark = "\x1F" "0";

std::string ListText(std::initializer_list<std::string_view> words) {
  std::string list;
  for (auto w : words) list += (list.empty() ? "" : ", ") + std::string(w);
  return list;
}

}  // namespace

std::string Q(std::string_view text) { return Excerpt(text); }

void Reader::Fail(const YAML::Node& n, std::string reason) const { throw ReadFailure{{Where(n), std::move(reason)}}; }
void Reader::Fail(SourceLocation where, std::string reason) const { throw ReadFailure{{std::move(where), std::move(reason)}}; }

std::map<std::string, YAML::Node> Reader::Map(const YAML::Node& n, const std::string& what,
                                              std::initializer_list<std::string_view> allowed) const {
  if (!n.IsMap()) Fail(n, what + " must be a mapping");
  std::map<std::string, YAML::Node> out;
  for (auto it = n.begin(); it != n.end(); ++it) {
    if (!it->first.IsScalar()) Fail(it->first, what + ": keys must be plain words");
    std::string key = it->first.Scalar();
    if (std::find(allowed.begin(), allowed.end(), key) == allowed.end())
      Fail(it->first, "unknown key \"" + Q(key) + "\" in " + what + " (allowed: " + ListText(allowed) + ")");
    if (out.count(key) != 0) Fail(it->first, "duplicate key \"" + Q(key) + "\" in " + what);
    out[key] = it->second;
  }
  return out;
}

const YAML::Node& Reader::Require(const std::map<std::string, YAML::Node>& m, const YAML::Node& owner,
                                  const std::string& key, const std::string& what) const {
  auto it = m.find(key);
  if (it == m.end()) Fail(owner, what + ": missing required key \"" + key + "\"");
  return it->second;
}

std::string Reader::Text(const YAML::Node& n, const std::string& what) const {
  if (!n.IsScalar()) Fail(n, what + " must be a single value");
  return n.Scalar();
}

Instant Reader::InstantOf(const YAML::Node& n, const std::string& what) const {
  auto t = Instant::Parse(Text(n, what));
  if (!t) Fail(n, what + ": \"" + Q(n.Scalar()) + "\" is not a date (YYYY-MM-DD) or an RFC 3339 instant");
  // The simulated calendar spans 1970 to 9000 (terms and renewals run past the last date).
  if (t->date().year() < 1970 || t->date().year() > 9000)
    Fail(n, what + ": \"" + Q(n.Scalar()) + "\" is outside the years 1970 to 9000");
  return *t;
}

Decimal Reader::DecimalOf(const YAML::Node& n, const std::string& what) const {
  auto d = Decimal::Parse(Text(n, what));
  if (!d) Fail(n, what + ": \"" + Q(n.Scalar()) + "\" is not an exact decimal number");
  return *d;
}

int64_t Reader::IntOf(const YAML::Node& n, const std::string& what, int64_t min, int64_t max) const {
  auto d = Decimal::Parse(Text(n, what));
  if (!d || d->scale() != 0) Fail(n, what + ": \"" + Q(n.Scalar()) + "\" is not an integer");
  if (d->units() < min || d->units() > max)
    Fail(n, what + ": " + Q(n.Scalar()) + " is out of range (" + std::to_string(min) + " to " + std::to_string(max) + ")");
  return d->units();
}

bool Reader::BoolOf(const YAML::Node& n, const std::string& what) const {
  std::string t = Text(n, what);
  if (t == "true") return true;
  if (t == "false") return false;
  Fail(n, what + ": expected true or false, got \"" + Q(t) + "\"");
}

std::vector<std::string> Reader::StringList(const YAML::Node& n, const std::string& what) const {
  if (!n.IsSequence()) Fail(n, what + " must be a list");
  std::vector<std::string> out;
  for (const auto& e : n) out.push_back(Text(e, what));
  return out;
}

Term Reader::TermOf(const YAML::Node& n, const std::string& what) const {
  auto t = ParseTerm(Text(n, what));
  if (!t) Fail(n, what + ": \"" + Q(n.Scalar()) + "\" is not a term (P1M, P1Y, P3Y)");
  return *t;
}

Billing Reader::BillingOf(const YAML::Node& n, const std::string& what) const {
  auto b = ParseBilling(Text(n, what));
  if (!b || *b == Billing::None)
    Fail(n, what + ": \"" + Q(n.Scalar()) + "\" is not a billing cycle (monthly, annual, triennial)");
  return *b;
}

std::string Reader::ItemOf(const YAML::Node& n, const std::string& what) const {
  std::string s = Text(n, what);
  auto colons = std::count(s.begin(), s.end(), ':');
  if (colons != 2 && colons != 1) Fail(n, what + ": \"" + Q(s) + "\" is not productId:skuId:availabilityId");
  return s;
}

std::string Reader::OneOf(const YAML::Node& n, const std::string& what,
                          std::initializer_list<std::string_view> allowed) const {
  std::string s = Text(n, what);
  if (std::find(allowed.begin(), allowed.end(), s) != allowed.end()) return s;
  std::string list;
  size_t i = 0;
  for (auto a : allowed) {
    list += (i == 0 ? "" : i + 1 == allowed.size() ? " or " : ", ") + std::string(a);
    ++i;
  }
  Fail(n, what + ": \"" + Q(s) + "\" is not " + list);
}

nlohmann::json Reader::BodyJson(const YAML::Node& n, bool decimal_text) const {
  switch (n.Type()) {
    case YAML::NodeType::Null: return nullptr;
    case YAML::NodeType::Sequence: {
      nlohmann::json a = nlohmann::json::array();
      for (const auto& e : n) a.push_back(BodyJson(e, decimal_text));
      return a;
    }
    case YAML::NodeType::Map: {
      nlohmann::json o = nlohmann::json::object();
      for (auto it = n.begin(); it != n.end(); ++it) {
        std::string key = Text(it->first, "a key");
        if (decimal_text && o.contains(key)) Fail(it->first, "duplicate key \"" + Q(key) + "\"");
        o[key] = BodyJson(it->second, decimal_text);
      }
      return o;
    }
    case YAML::NodeType::Scalar: {
      const std::string& s = n.Scalar();
      if (n.Tag() == "!") return s;  // quoted
      if (s == "true") return true;
      if (s == "false") return false;
      if (s == "null" || s == "~") return nullptr;
      if (auto d = Decimal::Parse(s)) {
        if (d->scale() == 0) return d->units();
        if (decimal_text) return s;
        nlohmann::json number = nlohmann::json::parse(s, nullptr, false);
        if (!number.is_discarded()) return number;
      }
      return s;
    }
    default: return nullptr;
  }
}

nlohmann::json Reader::ExpectedJson(const YAML::Node& n) const {
  switch (n.Type()) {
    case YAML::NodeType::Null: return std::string(kNullMark);
    case YAML::NodeType::Sequence: {
      nlohmann::json a = nlohmann::json::array();
      for (const auto& e : n) a.push_back(ExpectedJson(e));
      return a;
    }
    case YAML::NodeType::Map: {
      nlohmann::json o = nlohmann::json::object();
      for (auto it = n.begin(); it != n.end(); ++it) o[Text(it->first, "a key")] = ExpectedJson(it->second);
      return o;
    }
    case YAML::NodeType::Scalar: {
      const std::string& s = n.Scalar();
      if (n.Tag() == "!") return s;
      if (s == "true" || s == "false") return std::string(kBoolMark) + s;
      if (s == "null" || s == "~") return std::string(kNullMark);
      if (Decimal::Parse(s)) return std::string(kNumberMark) + s;
      return s;
    }
    default: return nullptr;
  }
}

std::string RefOf(const Reader& r, const YAML::Node& n, const std::set<std::string>& known, const std::string& kind) {
  std::string ref = r.Text(n, kind);
  if (!known.count(ref)) r.Fail(n, "unknown " + kind + " ref \"" + Q(ref) + "\" (define it first)");
  return ref;
}

bool IsExpectedNumber(const nlohmann::json& v) { return v.is_string() && v.get_ref<const std::string&>().rfind(kNumberMark, 0) == 0; }
nlohmann::json ExpectedNumber(std::string_view text) { return std::string(kNumberMark) + std::string(text); }
bool IsExpectedBool(const nlohmann::json& v) { return v.is_string() && v.get_ref<const std::string&>().rfind(kBoolMark, 0) == 0; }
bool IsExpectedNull(const nlohmann::json& v) { return v.is_string() && v.get_ref<const std::string&>() == kNullMark; }

std::string ExpectedText(const nlohmann::json& v) {
  if (!v.is_string()) return v.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  const std::string& s = v.get_ref<const std::string&>();
  if (IsExpectedNumber(v)) return s.substr(kNumberMark.size());
  if (IsExpectedBool(v)) return s.substr(kBoolMark.size());
  if (IsExpectedNull(v)) return "null";
  return s;
}

}  // namespace pcsim::replay
