// Text helpers of the replay reports (reports_internal.h).
#include <cstdint>
#include <cstdio>
#include <exception>
#include <map>
#include <string>
#include <string_view>

#include "simulator/model/html_text.h"
#include "simulator/replay/reports_internal.h"

namespace pcsim::replay::report {

using api::Json;

namespace {

constexpr std::string_view kReplacement = "\xEF\xBF\xBD";  // U+FFFD

}  // namespace

// Valid UTF-8 without the characters XML 1.0 and HTML forbid: C0 controls
// other than tab, LF and CR, DEL, C1 controls, U+FFFE and U+FFFF. Each
// invalid byte sequence or forbidden character becomes U+FFFD.
std::string CleanText(std::string_view in) {
  std::string out;
  out.reserve(in.size());
  size_t i = 0;
  while (i < in.size()) {
    unsigned char c = static_cast<unsigned char>(in[i]);
    if (c < 0x80) {
      if ((c < 0x20 && c != '\t' && c != '\n' && c != '\r') || c == 0x7F) out += kReplacement;
      else out += static_cast<char>(c);
      ++i;
      continue;
    }
    int len = 0;
    uint32_t cp = 0;
    if (c >= 0xC2 && c <= 0xDF) { len = 2; cp = c & 0x1F; }
    else if (c >= 0xE0 && c <= 0xEF) { len = 3; cp = c & 0x0F; }
    else if (c >= 0xF0 && c <= 0xF4) { len = 4; cp = c & 0x07; }
    bool ok = len > 0 && i + static_cast<size_t>(len) <= in.size();
    for (int k = 1; ok && k < len; ++k) {
      unsigned char cc = static_cast<unsigned char>(in[i + static_cast<size_t>(k)]);
      if ((cc & 0xC0) != 0x80) ok = false;
      else cp = (cp << 6) | (cc & 0x3F);
    }
    if (ok) {
      if ((len == 3 && cp < 0x800) || (len == 4 && (cp < 0x10000 || cp > 0x10FFFF))) ok = false;  // overlong, range
      if (cp >= 0xD800 && cp <= 0xDFFF) ok = false;                                               // surrogates
      if (cp >= 0x80 && cp <= 0x9F) ok = false;                                                   // C1 controls
      if (cp == 0xFFFE || cp == 0xFFFF) ok = false;
    }
    if (!ok) {
      out += kReplacement;
      ++i;
      continue;
    }
    out.append(in.substr(i, static_cast<size_t>(len)));
    i += static_cast<size_t>(len);
  }
  return out;
}

// Text for HTML content and attribute values.
std::string Html(std::string_view in) { return HtmlText(CleanText(in)); }

// Text for XML: in an attribute, whitespace other than the space is written
// as a character reference so attribute normalisation keeps it; in content,
// CR is (line-end normalisation would drop it).
std::string Xml(std::string_view in, bool attribute) {
  std::string clean = CleanText(in);
  std::string out;
  out.reserve(clean.size());
  for (char c : clean) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&apos;"; break;
      case '\r': out += "&#13;"; break;
      case '\n': out += attribute ? "&#10;" : "\n"; break;
      case '\t': out += attribute ? "&#9;" : "\t"; break;
      default: out += c;
    }
  }
  return out;
}

// The text of a wire value: strings as they are, numbers (including the exact
// money numbers made by api::Number) as their digits, arrays and objects as
// compact JSON, null as empty.
std::string WireText(const Json& v) {
  if (v.is_null()) return "";
  if (auto number = api::NumberText(v)) return *number;
  if (v.is_string()) return v.get<std::string>();
  return api::Dump(v);
}

std::string WireField(const Json& j, const char* key) {
  auto it = j.find(key);
  return it == j.end() ? std::string() : WireText(*it);
}

std::string FirstLine(std::string_view text) {
  size_t end = text.find('\n');
  std::string line(text.substr(0, end));
  if (!line.empty() && line.back() == '\r') line.pop_back();
  return line;
}

// Money for people: the exact value with at least two decimals.
std::string Money(Decimal d) {
  Decimal n = d.Normalized();
  try {
    if (n.scale() < 2) n = n.WithScale(2);
  } catch (const std::exception&) {
  }
  return n.ToString();
}
// Same, signed: "+100.80", "-94.08", "0.00".
std::string SignedMoney(Decimal d) { return (d.IsZero() || d.IsNegative() ? "" : "+") + Money(d); }
const char* SignClass(Decimal d) { return d.IsZero() ? "zero" : d.IsNegative() ? "neg" : "pos"; }

// Exact money for the CSV files, as the wire writes it.
std::string WireMoney(Decimal d) { return d.Normalized().ToString(); }

std::string TotalsText(const std::map<std::string, Decimal>& by_currency) {
  std::string out;
  for (const auto& [currency, total] : by_currency) {
    if (!out.empty()) out += "; ";
    out += Money(total) + " " + currency;
  }
  return out.empty() ? "-" : out;
}

std::string Int(int64_t v) { return std::to_string(v); }

// A coordinate in hundredths of a pixel, written with two decimals.
std::string Px(int64_t hundredths) {
  bool negative = hundredths < 0;
  uint64_t a = negative ? static_cast<uint64_t>(-(hundredths + 1)) + 1 : static_cast<uint64_t>(hundredths);
  char buf[48];
  std::snprintf(buf, sizeof buf, "%s%llu.%02llu", negative ? "-" : "", static_cast<unsigned long long>(a / 100),
                static_cast<unsigned long long>(a % 100));
  return buf;
}

int64_t Seconds(Instant i) { return i.micros() / 1'000'000; }
int64_t Seconds(Date d) { return Seconds(Instant::StartOf(d)); }

const char* OutcomeText(Outcome o) {
  switch (o) {
    case Outcome::Passed: return "PASS";
    case Outcome::Failed: return "FAIL";
    case Outcome::Invalid: return "ERROR";
  }
  return "ERROR";
}
const char* OutcomeClass(Outcome o) {
  switch (o) {
    case Outcome::Passed: return "pass";
    case Outcome::Failed: return "fail";
    case Outcome::Invalid: return "error";
  }
  return "error";
}

// The scenario's ref of a subscription, or empty.
std::string ScenarioRef(const ScenarioResult& r, const std::string& subscription_id) {
  std::string ref = RefOrId(r, subscription_id);
  return r.subscription_refs.count(ref) ? ref : std::string();
}

std::string DisplayTitle(const ScenarioResult& r) { return r.title.empty() ? r.file : r.title; }

}  // namespace pcsim::replay::report
