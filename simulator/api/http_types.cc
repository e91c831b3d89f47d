#include "simulator/api/http_types.h"

#include <cctype>

namespace pcsim::api {
namespace {

// ASCII case folding (what std::tolower does in the "C" locale, without the
// locale lookup per character).
char AsciiLower(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; }

}  // namespace

bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i)
    if (AsciiLower(a[i]) != AsciiLower(b[i])) return false;
  return true;
}

std::string ToLower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = AsciiLower(c);
  return out;
}

namespace {

std::optional<std::string> Find(const HeaderList& list, std::string_view name) {
  for (const auto& [k, v] : list)
    if (EqualsIgnoreCase(k, name)) return v;
  return std::nullopt;
}

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

}  // namespace

std::optional<std::string> Request::Header(std::string_view name) const { return Find(headers, name); }
std::optional<std::string> Request::Query(std::string_view name) const { return Find(query, name); }
std::optional<std::string> Response::Header(std::string_view name) const { return Find(headers, name); }

void Response::SetHeader(std::string name, std::string value) {
  for (auto& [k, v] : headers)
    if (EqualsIgnoreCase(k, name)) {
      v = std::move(value);
      return;
    }
  headers.emplace_back(std::move(name), std::move(value));
}

namespace {

std::optional<std::string> Decode(std::string_view text, bool plus_is_space, bool keep_slash) {
  std::string out;
  out.reserve(text.size());
  for (size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (c == '%') {
      if (i + 2 >= text.size()) return std::nullopt;
      int hi = HexValue(text[i + 1]);
      int lo = HexValue(text[i + 2]);
      if (hi < 0 || lo < 0) return std::nullopt;
      if (keep_slash && hi * 16 + lo == '/') {
        out.append(text.substr(i, 3));
        i += 2;
        continue;
      }
      out.push_back(static_cast<char>(hi * 16 + lo));
      i += 2;
    } else if (c == '+' && plus_is_space) {
      out.push_back(' ');
    } else {
      out.push_back(c);
    }
  }
  return out;
}

}  // namespace

std::string PercentEncode(std::string_view text) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    const auto u = static_cast<unsigned char>(c);
    if (std::isalnum(u) || c == '-' || c == '.' || c == '_' || c == '~') {
      out.push_back(c);
    } else {
      out.push_back('%');
      out.push_back(kHex[u >> 4]);
      out.push_back(kHex[u & 0xF]);
    }
  }
  return out;
}

std::optional<std::string> PercentDecode(std::string_view text, bool plus_is_space) {
  return Decode(text, plus_is_space, false);
}

HeaderList ParseQuery(std::string_view query) {
  HeaderList out;
  size_t start = 0;
  while (start <= query.size()) {
    size_t end = query.find('&', start);
    if (end == std::string_view::npos) end = query.size();
    std::string_view part = query.substr(start, end - start);
    if (!part.empty()) {
      size_t eq = part.find('=');
      std::string_view key = part.substr(0, eq);
      std::string_view value = eq == std::string_view::npos ? std::string_view() : part.substr(eq + 1);
      auto k = PercentDecode(key, true);
      auto v = PercentDecode(value, true);
      out.emplace_back(k.value_or(std::string(key)), v.value_or(std::string(value)));
    }
    start = end + 1;
  }
  return out;
}

Request MakeRequest(std::string method, std::string_view target, std::string body, HeaderList headers) {
  Request r;
  r.method = std::move(method);
  size_t q = target.find('?');
  std::string_view path = target.substr(0, q);
  // An encoded slash stays encoded: it is part of a segment, never a separator.
  auto decoded = Decode(path, false, true);
  r.path = decoded.value_or(std::string(path));
  if (q != std::string_view::npos) r.query = ParseQuery(target.substr(q + 1));
  r.body = std::move(body);
  r.headers = std::move(headers);
  return r;
}

std::vector<std::string> SplitPath(std::string_view path) {
  std::vector<std::string> out;
  size_t start = 0;
  while (start < path.size()) {
    size_t end = path.find('/', start);
    if (end == std::string_view::npos) end = path.size();
    if (end > start) out.emplace_back(path.substr(start, end - start));  // "//" and trailing "/" collapse
    start = end + 1;
  }
  return out;
}

}  // namespace pcsim::api
