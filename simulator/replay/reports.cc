// Audit reports of a replay (see reports.h).
//
// Conventions, chosen once for every file:
// - lines.csv holds the values exactly as the API's reconciliation line
//   (api::LineItemJson) renders them: money as the exact decimal text of the
//   wire number ("100.8", "-94.08", never through a float), dates and instants
//   in the wire form (RFC 3339 UTC, "2026-01-15T00:00:00Z"), productQualifiers
//   as its JSON array text (["Trial"]). A CSV row therefore equals what an
//   integration reads from GET .../lineitems. subscriptions.csv uses the same
//   forms (dates as the subscription resource writes them).
// - CSV files are written by the project's one CSV writer
//   (simulator/model/csv.h): RFC 4180, CRLF line ends; a field is quoted when
//   it holds a comma, a double quote, CR or LF, and its double quotes are
//   doubled.
// - HTML pages show amounts with at least two decimals and a sign
//   ("+100.80", "-94.08"); that is also the text of data-total. Dates in the
//   HTML are YYYY-MM-DD, instants RFC 3339.
// - Nothing depends on the wall clock, on pointer values or on the iteration
//   order of unordered containers: equal results give byte-identical files.
#include "simulator/replay/reports.h"

#include <algorithm>
#include <cerrno>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <exception>
#include <filesystem>
#include <fstream>
#include <limits>
#include <map>
#include <mutex>
#include <set>
#include <string_view>
#include <system_error>
#include <utility>
#include <vector>

#include "simulator/api/json_support.h"
#include "simulator/api/resources.h"
#include "simulator/model/csv.h"

namespace pcsim::replay {
namespace {

using api::Json;

// ---------------------------------------------------------------------------
// Text helpers

constexpr std::string_view kReplacement = "\xEF\xBF\xBD";  // U+FFFD

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
std::string Html(std::string_view in) {
  std::string clean = CleanText(in);
  std::string out;
  out.reserve(clean.size());
  for (char c : clean) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&#39;"; break;
      default: out += c;
    }
  }
  return out;
}

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

constexpr const char* kMonths[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                   "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};

int64_t Seconds(Instant i) { return i.micros() / 1'000'000; }
int64_t Seconds(Date d) { return Seconds(Instant::StartOf(d)); }

// ---------------------------------------------------------------------------
// File names

// A filesystem-safe name for a scenario file: its path without the extension,
// lower case, every run of other characters than [a-z0-9-] as one '_'
// ("scenarios/nce/add-seats.yaml" -> "scenarios_nce_add-seats"). Collisions
// get "_2", "_3", ... in the order of the results.
std::string Slug(const std::string& file, std::set<std::string>& used) {
  std::string path = file;
  for (std::string_view ext : {".yaml", ".yml", ".json"}) {
    if (path.size() > ext.size() && path.compare(path.size() - ext.size(), ext.size(), ext) == 0) {
      path.resize(path.size() - ext.size());
      break;
    }
  }
  std::string slug;
  for (char ch : path) {
    unsigned char c = static_cast<unsigned char>(ch);
    if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-') slug += static_cast<char>(c);
    else if (c >= 'A' && c <= 'Z') slug += static_cast<char>(c - 'A' + 'a');
    else if (!slug.empty() && slug.back() != '_') slug += '_';
  }
  while (!slug.empty() && slug.back() == '_') slug.pop_back();
  constexpr size_t kMaxLength = 100;
  if (slug.size() > kMaxLength) {
    slug = slug.substr(slug.size() - kMaxLength);
    while (!slug.empty() && (slug.front() == '_' || slug.front() == '-')) slug.erase(0, 1);
  }
  if (slug.empty() || slug.front() == '-') slug = "scenario" + slug;
  std::string unique = slug;
  for (int n = 2; used.count(unique); ++n) unique = slug + "_" + std::to_string(n);
  used.insert(unique);
  return unique;
}

// ---------------------------------------------------------------------------
// Page frame

constexpr std::string_view kCss =
    ":root{color-scheme:light}"
    "body{font-family:system-ui,-apple-system,\"Segoe UI\",Roboto,Helvetica,Arial,sans-serif;margin:0;padding:16px;"
    "color:#1f2328;background:#fff;line-height:1.45}"
    "main{max-width:1120px;margin:0 auto}"
    "h1{font-size:1.4rem;margin:0 0 .4rem}h2{font-size:1.1rem;margin:1.6rem 0 .5rem}"
    "a{color:#0969da}"
    ".meta{color:#57606a;font-size:.9rem;margin:.2rem 0}"
    ".badge{display:inline-block;padding:1px 8px;border-radius:10px;font-weight:600;font-size:.8rem;color:#fff}"
    ".badge.pass{background:#1a7f37}.badge.fail{background:#cf222e}.badge.error{background:#9a6700}"
    ".scroll{overflow-x:auto;-webkit-overflow-scrolling:touch;border:1px solid #d0d7de;border-radius:6px}"
    "table{border-collapse:collapse;font-size:.85rem;width:100%}"
    "th,td{border-bottom:1px solid #d0d7de;padding:4px 8px;text-align:left;white-space:nowrap;vertical-align:top}"
    "th{background:#f6f8fa;font-weight:600}"
    "td.num,th.num{text-align:right;font-variant-numeric:tabular-nums}"
    "td.msg{white-space:normal;min-width:16rem}"
    ".pos{color:#1a7f37}.neg{color:#cf222e}.zero{color:#57606a}"
    "pre{white-space:pre-wrap;word-break:break-word;background:#f6f8fa;padding:8px;border-radius:6px;"
    "font-size:.8rem;margin:.3rem 0}"
    "svg.timeline{display:block;min-width:720px;width:100%;height:auto}"
    ".legend{font-size:.8rem;color:#57606a;margin:.4rem 0}"
    ".legend span{display:inline-block;margin-right:12px;white-space:nowrap}"
    ".sw{display:inline-block;width:12px;height:12px;border-radius:2px;vertical-align:middle;margin-right:4px}"
    ".dot{display:inline-block;width:10px;height:10px;border-radius:50%;vertical-align:middle;margin-right:4px}"
    "@media (max-width:600px){body{padding:8px}table{font-size:.78rem}}";

std::string PageStart(const std::string& title) {
  std::string out;
  out += "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n";
  out += "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n";
  out += "<title>" + Html(title) + "</title>\n<style>";
  out += kCss;
  out += "</style>\n</head>\n<body>\n<main>\n";
  return out;
}

constexpr std::string_view kPageEnd = "</main>\n</body>\n</html>\n";

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

// ---------------------------------------------------------------------------
// Timeline

enum class Band { Active, Suspended, Expired, Disabled, Deleted, Est };
struct BandStyle {
  const char* name;
  const char* color;
};
constexpr BandStyle kBands[] = {
    {"active", "#4ac26b"},  {"suspended", "#eac54f"}, {"expired", "#fb8f44"},
    {"disabled", "#a475f9"}, {"deleted", "#6e7781"},  {"est", "#54aeff"},
};
const BandStyle& StyleOf(Band b) { return kBands[static_cast<int>(b)]; }

std::optional<Band> BandAfter(JournalKind kind) {
  switch (kind) {
    case JournalKind::Purchased:
    case JournalKind::Reactivated:
    case JournalKind::Renewed: return Band::Active;
    case JournalKind::Suspended: return Band::Suspended;
    case JournalKind::Expired: return Band::Expired;
    case JournalKind::Disabled: return Band::Disabled;
    case JournalKind::Cancelled:
    case JournalKind::Deleted: return Band::Deleted;
    case JournalKind::ExtendedServiceTermStarted: return Band::Est;
    default: return std::nullopt;
  }
}

constexpr const char* kPositive = "#1a7f37";
constexpr const char* kNegative = "#cf222e";
constexpr const char* kZero = "#57606a";
const char* AmountColor(Decimal d) { return d.IsZero() ? kZero : d.IsNegative() ? kNegative : kPositive; }

// Everything a scenario page needs about one subscription.
struct Lane {
  const Subscription* sub = nullptr;
  std::string ref;
  std::vector<uint32_t> lines;                         // ledger indexes, in ledger order
  std::vector<std::pair<int64_t, Band>> transitions;   // (seconds, band after)
  std::map<std::string, Decimal> totals;               // by currency
  Decimal total;
};

struct Axis {
  int64_t t0 = 0, t1 = 1;  // seconds
  static constexpr int64_t kWidth = 1000, kLeft = 16, kRight = 16;
  // x in hundredths of a pixel.
  int64_t X(int64_t t) const {
    t = std::clamp(t, t0, t1);
    __int128 plot = (kWidth - kLeft - kRight) * 100;
    return kLeft * 100 + static_cast<int64_t>(plot * (t - t0) / (t1 - t0));
  }
};

struct Tick {
  int64_t t;
  std::string label;
};

std::vector<Tick> Ticks(const Axis& axis) {
  std::vector<Tick> ticks;
  Date first = Instant::FromMicros(axis.t0 * 1'000'000).date();
  Date last = Instant::FromMicros(axis.t1 * 1'000'000).date();
  // Months first.
  std::vector<Date> months;
  Date d = first.FirstOfMonth();
  if (Seconds(d) < axis.t0) d = d.AddMonthsClamped(1);
  for (; Seconds(d) <= axis.t1; d = d.AddMonthsClamped(1)) months.push_back(d);
  if (months.size() >= 2) {
    int step = 1;
    for (int s : {1, 2, 3, 6, 12, 24, 60, 120}) {
      step = s;
      if ((static_cast<int>(months.size()) + s - 1) / s <= 12) break;
    }
    for (Date m : months) {
      if ((m.year() * 12 + m.month() - 1) % step != 0) continue;
      std::string label = step >= 12 ? std::to_string(m.year())
                                     : std::string(kMonths[m.month() - 1]) + " " + std::to_string(m.year());
      ticks.push_back({Seconds(m), label});
    }
    return ticks;
  }
  // A short range: days.
  int days = last - first + 1;
  int step = 1;
  for (int s : {1, 2, 7, 14, 28}) {
    step = s;
    if (days / s <= 12) break;
  }
  bool with_year = true;
  for (Date day = Seconds(first) < axis.t0 ? first.AddDays(1) : first; Seconds(day) <= axis.t1;
       day = day.AddDays(step)) {
    std::string label = std::to_string(day.day()) + " " + kMonths[day.month() - 1];
    if (with_year) label += " " + std::to_string(day.year());
    with_year = false;
    ticks.push_back({Seconds(day), label});
  }
  return ticks;
}

// Rows of non-overlapping intervals (in hundredths of a pixel); returns the
// first row where [l, r) fits, or the least crowded one.
class RowPacker {
 public:
  explicit RowPacker(int rows) : rows_(static_cast<size_t>(rows)) {}
  int Place(int64_t l, int64_t r) {
    for (size_t i = 0; i < rows_.size(); ++i) {
      bool free = true;
      for (const auto& [a, b] : rows_[i])
        if (l < b && a < r) { free = false; break; }
      if (free) {
        rows_[i].push_back({l, r});
        return static_cast<int>(i);
      }
    }
    size_t best = 0;
    for (size_t i = 1; i < rows_.size(); ++i)
      if (rows_[i].size() < rows_[best].size()) best = i;
    rows_[best].push_back({l, r});
    return static_cast<int>(best);
  }

 private:
  std::vector<std::vector<std::pair<int64_t, int64_t>>> rows_;
};

constexpr int64_t kAxisHeight = 36;
constexpr int64_t kLaneHeight = 136;

std::string Rect(int64_t x0, int64_t x1, int64_t y, int64_t h, const std::string& attrs) {
  int64_t w = std::max<int64_t>(x1 - x0, 100);  // at least one pixel wide
  return "<rect x=\"" + Px(x0) + "\" y=\"" + Int(y) + "\" width=\"" + Px(w) + "\" height=\"" + Int(h) + "\" " +
         attrs;
}

std::string Timeline(const Sandbox& sandbox, const std::vector<Lane>& lanes) {
  const Ledger& ledger = sandbox.ledger();
  Axis axis;
  axis.t0 = std::numeric_limits<int64_t>::max();
  axis.t1 = Seconds(sandbox.Now());
  for (const Lane& lane : lanes) {
    axis.t0 = std::min(axis.t0, Seconds(lane.sub->created));
    axis.t0 = std::min(axis.t0, Seconds(lane.sub->term_start));
    for (const auto& [t, band] : lane.transitions) {
      axis.t0 = std::min(axis.t0, t);
      axis.t1 = std::max(axis.t1, t);
    }
    for (uint32_t i : lane.lines) {
      const ChargeLine& line = ledger.line(i);
      axis.t0 = std::min({axis.t0, Seconds(line.order_date), Seconds(line.charge_start), Seconds(line.subscription_start)});
      axis.t1 = std::max({axis.t1, Seconds(line.order_date), Seconds(line.charge_end.AddDays(1))});
    }
  }
  if (axis.t1 <= axis.t0) axis.t1 = axis.t0 + 86'400;

  const int64_t height = kAxisHeight + kLaneHeight * static_cast<int64_t>(lanes.size()) + 8;
  const int64_t plot_bottom = height - 8;
  std::string out;
  out += "<svg class=\"timeline\" viewBox=\"0 0 " + Int(Axis::kWidth) + " " +
         Int(height) + "\" role=\"img\" aria-label=\"Timeline of the subscriptions: terms, charge cycles, status and charges\"" +
         " font-family=\"system-ui, -apple-system, 'Segoe UI', Roboto, Helvetica, Arial, sans-serif\">\n";
  out += "<title>Timeline from " + Html(Instant::FromMicros(axis.t0 * 1'000'000).ToString()) + " to " +
         Html(Instant::FromMicros(axis.t1 * 1'000'000).ToString()) + "</title>\n";

  // Axis with month (or day) ticks and grid lines.
  out += "<g class=\"axis\">\n";
  out += "<line x1=\"" + Px(axis.X(axis.t0)) + "\" y1=\"26\" x2=\"" + Px(axis.X(axis.t1)) +
         "\" y2=\"26\" stroke=\"#57606a\" stroke-width=\"1\"/>\n";
  int64_t last_label_end = -1'000'000;
  for (const Tick& tick : Ticks(axis)) {
    int64_t x = axis.X(tick.t);
    out += "<line class=\"grid\" x1=\"" + Px(x) + "\" y1=\"20\" x2=\"" + Px(x) + "\" y2=\"" + Int(plot_bottom) +
           "\" stroke=\"#d0d7de\" stroke-width=\"1\"/>\n";
    // The label: centred on its tick, kept inside the picture, and left out
    // when it would run into the previous one.
    const int64_t width = static_cast<int64_t>(tick.label.size()) * 650;  // about 6.5 px a character at 11 px
    const char* anchor = "middle";
    int64_t left = x - width / 2;
    if (left < 200) {
      anchor = "start";
      left = x;
    } else if (x + width / 2 > (Axis::kWidth - 2) * 100) {
      anchor = "end";
      left = x - width;
    }
    if (left < last_label_end + 800) continue;
    last_label_end = left + width;
    out += "<text class=\"tick\" x=\"" + Px(x) + "\" y=\"14\" font-size=\"11\" fill=\"#57606a\" text-anchor=\"" +
           anchor + "\">" + Html(tick.label) + "</text>\n";
  }
  int64_t now_x = axis.X(Seconds(sandbox.Now()));
  out += "<line class=\"clock\" x1=\"" + Px(now_x) + "\" y1=\"20\" x2=\"" + Px(now_x) + "\" y2=\"" +
         Int(plot_bottom) + "\" stroke=\"#24292f\" stroke-width=\"1\" stroke-dasharray=\"4 3\"><title>" +
         Html("clock at the end: " + sandbox.Now().ToString()) + "</title></line>\n";
  out += "</g>\n";

  for (size_t li = 0; li < lanes.size(); ++li) {
    const Lane& lane = lanes[li];
    const Subscription& sub = *lane.sub;
    const int64_t y = kAxisHeight + kLaneHeight * static_cast<int64_t>(li);
    out += "<g class=\"lane\" id=\"lane-" + std::to_string(li) + "\" data-subscription=\"" + Html(lane.ref) +
           "\" data-subscription-id=\"" + Html(sub.id) + "\">\n";
    if (li % 2 == 1)
      out += "<rect x=\"0\" y=\"" + Int(y) + "\" width=\"" + Int(Axis::kWidth) + "\" height=\"" + Int(kLaneHeight) +
             "\" fill=\"#f6f8fa\" fill-opacity=\"0.7\"/>\n";
    out += "<line x1=\"0\" y1=\"" + Int(y) + "\" x2=\"" + Int(Axis::kWidth) + "\" y2=\"" + Int(y) +
           "\" stroke=\"#d0d7de\" stroke-width=\"1\"/>\n";
    std::string label = lane.ref + " \xE2\x80\x94 " + sub.offer->product->title + " \xC2\xB7 " +
                        std::to_string(sub.quantity) + " \xC3\x97 " + std::string(ToString(sub.term)) + "/" +
                        std::string(api::WireBillingCycle(sub.billing)) + " \xC2\xB7 " +
                        std::string(ToString(sub.status)) + (sub.in_est ? " (EST)" : "");
    out += "<text class=\"lane-label\" x=\"" + Int(Axis::kLeft) + "\" y=\"" + Int(y + 14) +
           "\" font-size=\"12\" font-weight=\"600\" fill=\"#1f2328\">" + Html(label) + "</text>\n";

    // Status over time.
    for (size_t k = 0; k < lane.transitions.size(); ++k) {
      int64_t from = lane.transitions[k].first;
      int64_t to = k + 1 < lane.transitions.size() ? lane.transitions[k + 1].first : axis.t1;
      if (to <= from) continue;
      const BandStyle& style = StyleOf(lane.transitions[k].second);
      out += Rect(axis.X(from), axis.X(to), y + 20, 10,
                  "class=\"status status-" + std::string(style.name) + "\" data-status=\"" + style.name +
                      "\" fill=\"" + style.color + "\"><title>" +
                      Html(std::string(style.name) + ": " + Instant::FromMicros(from * 1'000'000).ToString() +
                           " \xE2\x80\x93 " + Instant::FromMicros(to * 1'000'000).ToString()) +
                      "</title></rect>\n");
    }

    // Terms: one bar per distinct subscriptionStart..End of the lines, plus
    // the current term; a term ends where the next one starts.
    struct TermBar {
      Date start, end;
      Term term;
      Billing billing;
    };
    std::map<std::pair<Date, Date>, TermBar> terms;
    for (uint32_t i : lane.lines) {
      const ChargeLine& line = ledger.line(i);
      terms.emplace(std::make_pair(line.subscription_start, line.subscription_end),
                    TermBar{line.subscription_start, line.subscription_end, line.term, line.billing});
    }
    terms.emplace(std::make_pair(sub.term_start, sub.term_end), TermBar{sub.term_start, sub.term_end, sub.term, sub.billing});
    std::vector<TermBar> bars;
    for (const auto& [key, bar] : terms) bars.push_back(bar);
    for (size_t k = 0; k < bars.size(); ++k) {
      int64_t from = Seconds(bars[k].start);
      int64_t to = Seconds(bars[k].end.AddDays(1));
      if (k + 1 < bars.size()) to = std::min(to, Seconds(bars[k + 1].start));
      if (to <= from || from >= axis.t1) continue;
      int64_t x0 = axis.X(from), x1 = axis.X(to);
      std::string text = std::string(ToString(bars[k].term)) + " " + std::string(api::WireBillingCycle(bars[k].billing));
      out += Rect(x0, x1, y + 34, 14,
                  "rx=\"3\" class=\"term\" fill=\"" + std::string(k % 2 ? "#218bff" : "#0969da") + "\"><title>" +
                      Html("term " + bars[k].start.ToString() + " \xE2\x80\x93 " + bars[k].end.ToString() + " (" +
                           text + ")") +
                      "</title></rect>\n");
      if (x1 - x0 >= static_cast<int64_t>(text.size() * 6 + 10) * 100)
        out += "<text x=\"" + Px(x0 + 400) + "\" y=\"" + Int(y + 45) + "\" font-size=\"10\" fill=\"#fff\">" +
               Html(text) + "</text>\n";
      if (Seconds(bars[k].end.AddDays(1)) > axis.t1)  // the term goes on after the picture
        out += "<text x=\"" + Px(axis.X(axis.t1) - 200) + "\" y=\"" + Int(y + 45) +
               "\" font-size=\"10\" fill=\"#fff\" text-anchor=\"end\">\xE2\x80\xBA</text>\n";
    }

    // Charge cycles: thin segments, stacked when they overlap.
    RowPacker cycles(4);
    for (uint32_t i : lane.lines) {
      const ChargeLine& line = ledger.line(i);
      int64_t x0 = axis.X(Seconds(line.charge_start)), x1 = axis.X(Seconds(line.charge_end.AddDays(1)));
      int row = cycles.Place(x0, std::max(x1, x0 + 100));
      if (x1 - x0 > 400) x1 -= 100;  // a one-pixel gap shows where one cycle ends and the next begins
      out += Rect(x0, x1, y + 52 + row * 5, 3,
                  "class=\"cycle\" fill=\"" + std::string(AmountColor(line.total)) + "\" fill-opacity=\"0.75\"><title>" +
                      Html(std::string(ToString(line.charge_type)) + " cycle " + line.charge_start.ToString() +
                           " \xE2\x80\x93 " + line.charge_end.ToString()) +
                      "</title></rect>\n");
    }

    // One marker per charge line, at its order date, with its amount.
    RowPacker markers(3);
    for (uint32_t i : lane.lines) {
      const ChargeLine& line = ledger.line(i);
      const std::string amount = SignedMoney(line.total);
      const char* color = AmountColor(line.total);
      int64_t x = axis.X(Seconds(line.order_date));
      int64_t text_width = static_cast<int64_t>(amount.size()) * 600;
      bool left = x + 800 + text_width > (Axis::kWidth - 4) * 100;
      int64_t l = left ? x - 800 - text_width : x - 600;
      int64_t r = left ? x + 600 : x + 800 + text_width;
      int row = markers.Place(l, r);
      int64_t cy = y + 84 + row * 18;
      const std::string currency = sandbox.catalog().OfferAt(line.offer)->market->currency;
      std::string tip = std::string(ToString(line.charge_type)) + " " + line.order_date.ToString() + ": " + amount +
                        " " + currency + "\n" + std::to_string(line.quantity) + " \xC3\x97 " +
                        Money(line.effective_unit_price) + " (unit price " + Money(line.unit_price) + ")\ncharge " +
                        line.charge_start.ToString() + " \xE2\x80\x93 " + line.charge_end.ToString();
      out += "<circle class=\"charge\" data-subscription=\"" + Html(lane.ref) + "\" data-total=\"" + Html(amount) +
             "\" data-charge-type=\"" + Html(ToString(line.charge_type)) + "\" data-line=\"" + std::to_string(i) +
             "\" cx=\"" + Px(x) + "\" cy=\"" + Int(cy) + "\" r=\"5\" fill=\"" + color +
             "\" stroke=\"#fff\" stroke-width=\"1\"><title>" + Html(tip) + "</title></circle>\n";
      out += "<text class=\"amount\" x=\"" + Px(left ? x - 800 : x + 800) + "\" y=\"" + Int(cy + 4) +
             "\" font-size=\"10\" fill=\"" + color + "\"" + (left ? " text-anchor=\"end\"" : "") + ">" + Html(amount) +
             "</text>\n";
    }
    out += "</g>\n";
  }
  out += "</svg>\n";
  return out;
}

std::string Legend() {
  std::string out = "<p class=\"legend\">";
  for (const BandStyle& b : kBands)
    out += std::string("<span><i class=\"sw\" style=\"background:") + b.color + "\"></i>" + b.name + "</span>";
  out += "<span><i class=\"sw\" style=\"background:#0969da\"></i>term</span>";
  out += "<span><i class=\"sw\" style=\"background:#6e7781;height:4px\"></i>charge cycle</span>";
  out += std::string("<span><i class=\"dot\" style=\"background:") + kPositive + "\"></i>charge (+)</span>";
  out += std::string("<span><i class=\"dot\" style=\"background:") + kNegative + "\"></i>refund (\xE2\x88\x92)</span>";
  out += "<span>dashed line: clock at the end</span>";
  out += "</p>\n";
  return out;
}

// ---------------------------------------------------------------------------
// Per scenario

constexpr const char* kLineColumns[][2] = {
    {"PartnerId", "partnerId"},
    {"CustomerId", "customerId"},
    {"CustomerName", "customerName"},
    {"CustomerDomainName", "customerDomainName"},
    {"CustomerCountry", "customerCountry"},
    {"InvoiceNumber", "invoiceNumber"},
    {"MPNID", "mpnId"},
    {"ResellerMPNID", "resellerMpnId"},
    {"OrderId", "orderId"},
    {"OrderDate", "orderDate"},
    {"ProductId", "productId"},
    {"SkuId", "skuId"},
    {"AvailabilityId", "availabilityId"},
    {"SkuName", "skuName"},
    {"ProductName", "productName"},
    {"ChargeType", "chargeType"},
    {"UnitPrice", "unitPrice"},
    {"Quantity", "quantity"},
    {"Subtotal", "subtotal"},
    {"TaxTotal", "taxTotal"},
    {"Total", "totalForCustomer"},
    {"Currency", "currency"},
    {"PriceAdjustmentDescription", "priceAdjustmentDescription"},
    {"PublisherName", "publisherName"},
    {"PublisherId", "publisherId"},
    {"SubscriptionDescription", "subscriptionDescription"},
    {"SubscriptionId", "subscriptionId"},
    {"ChargeStartDate", "chargeStartDate"},
    {"ChargeEndDate", "chargeEndDate"},
    {"TermAndBillingCycle", "termAndBillingCycle"},
    {"EffectiveUnitPrice", "effectiveUnitPrice"},
    {"UnitType", "unitType"},
    {"AlternateId", "alternateId"},
    {"BillableQuantity", "billableQuantity"},
    {"BillingFrequency", "billingFrequency"},
    {"PricingCurrency", "pricingCurrency"},
    {"PCToBCExchangeRate", "pcToBCExchangeRate"},
    {"PCToBCExchangeRateDate", "pcToBCExchangeRateDate"},
    {"MeterDescription", "meterDescription"},
    {"ReservationOrderId", "reservationOrderId"},
    {"CreditReasonCode", "creditReasonCode"},
    {"SubscriptionStartDate", "subscriptionStartDate"},
    {"SubscriptionEndDate", "subscriptionEndDate"},
    {"ReferenceId", "referenceId"},
    {"ProductQualifiers", "productQualifiers"},
    {"PromotionId", "promotionId"},
};

constexpr const char* kSubscriptionColumns[] = {
    "Scenario",         "SubscriptionRef",   "SubscriptionId",        "CustomerId",   "OfferId",
    "ProductName",      "Status",            "Quantity",              "TermDuration", "BillingCycle",
    "AutoRenewEnabled", "CommitmentStartDate", "CommitmentEndDate",   "InExtendedServiceTerm",
    "TotalCharged",
};

struct IndexEntry {
  const ScenarioResult* result = nullptr;
  std::string slug;
  size_t lines = 0;
  size_t subscriptions = 0;
  std::map<std::string, Decimal> totals;  // by currency
};

struct Output {
  std::string lines_csv;
  std::string subscriptions_csv;
  std::vector<std::pair<std::string, std::string>> pages;  // slug -> html
  std::vector<IndexEntry> index;
};

void RenderScenario(const ScenarioResult& r, const std::string& slug, Output& output) {
  IndexEntry entry;
  entry.result = &r;
  entry.slug = slug;

  std::string page = PageStart(DisplayTitle(r) + " \xE2\x80\x94 pcsim replay");
  page += "<p class=\"meta\"><a href=\"../index.html\">\xE2\x86\x90 All scenarios</a></p>\n";
  page += "<h1>" + Html(DisplayTitle(r)) + "</h1>\n";
  page += "<p class=\"meta\"><span class=\"badge " + std::string(OutcomeClass(r.outcome)) + "\">" +
          OutcomeText(r.outcome) + "</span> <code>" + Html(r.file) + "</code></p>\n";
  if (!r.tags.empty()) {
    std::string tags;
    for (const auto& t : r.tags) tags += (tags.empty() ? "" : ", ") + t;
    page += "<p class=\"meta\">Tags: " + Html(tags) + "</p>\n";
  }
  if (r.outcome == Outcome::Failed) page += "<h2>Failure</h2>\n<pre class=\"failure\">" + Html(r.message) + "</pre>\n";
  if (r.outcome == Outcome::Invalid)
    page += "<h2>Invalid scenario</h2>\n<pre class=\"failure\">" + Html(r.message) + "</pre>\n";

  if (r.outcome != Outcome::Invalid && r.router) {
    std::lock_guard<std::mutex> lock(r.router->mutex());
    const Sandbox& sandbox = r.router->sandbox();
    const Ledger& ledger = sandbox.ledger();
    const auto& subs = sandbox.subscriptions();

    std::vector<Lane> lanes(subs.size());
    for (size_t i = 0; i < subs.size(); ++i) {
      lanes[i].sub = subs[i].get();
      lanes[i].ref = RefOrId(r, subs[i]->id);
      lanes[i].transitions.push_back({Seconds(subs[i]->created), Band::Active});
    }
    const auto& journal = sandbox.journal();
    for (size_t i = 0; i < journal.size(); ++i) {
      const JournalEntry& e = journal[i];
      std::optional<Band> band = BandAfter(e.kind);
      if (!band || e.subject >= lanes.size()) continue;
      auto& tr = lanes[e.subject].transitions;
      int64_t t = std::max(Seconds(e.at), tr.front().first);
      if (tr.back().first == t) tr.back().second = *band;  // the last change at an instant wins
      else tr.push_back({t, *band});
    }
    for (Lane& lane : lanes) {  // merge equal neighbours
      std::vector<std::pair<int64_t, Band>> merged;
      for (const auto& tb : lane.transitions)
        if (merged.empty() || merged.back().second != tb.second) merged.push_back(tb);
      lane.transitions = std::move(merged);
    }

    // lines.csv rows and the charge table.
    std::string table;
    for (size_t i = 0; i < ledger.lines().size(); ++i) {
      const ChargeLine& line = ledger.line(static_cast<uint32_t>(i));
      const Json wire = api::LineItemJson(sandbox, line);
      const std::string ref = line.subscription < subs.size() ? lanes[line.subscription].ref : std::string();
      std::vector<std::string> row = {r.file, ScenarioRef(r, WireField(wire, "subscriptionId"))};
      for (const auto& column : kLineColumns) row.push_back(WireField(wire, column[1]));
      AppendCsvRow(output.lines_csv, row);

      const std::string currency = WireField(wire, "currency");
      entry.totals[currency] += line.total;
      ++entry.lines;
      if (line.subscription < subs.size()) {
        Lane& lane = lanes[line.subscription];
        lane.lines.push_back(static_cast<uint32_t>(i));
        lane.total += line.total;
        lane.totals[currency] += line.total;
      }
      const std::string invoice = WireField(wire, "invoiceNumber");
      table += "<tr class=\"charge-row\" data-subscription=\"" + Html(ref) + "\"><td class=\"num\">" +
               std::to_string(i + 1) + "</td><td>" + Html(ref) + "</td><td>" + Html(ToString(line.charge_type)) +
               "</td><td>" + Html(line.order_date.ToString()) + "</td><td>" + Html(line.charge_start.ToString()) +
               "</td><td>" + Html(line.charge_end.ToString()) + "</td><td class=\"num\">" +
               std::to_string(line.quantity) + "</td><td class=\"num\">" + Html(line.unit_price.Normalized().ToString()) +
               "</td><td class=\"num\">" + Html(line.effective_unit_price.Normalized().ToString()) +
               "</td><td class=\"num " + SignClass(line.total) + "\">" + Html(SignedMoney(line.total)) + "</td><td>" +
               Html(currency) + "</td><td>" + (invoice.empty() ? "<span class=\"zero\">unbilled</span>" : Html(invoice)) +
               "</td></tr>\n";
    }

    // subscriptions.csv rows and the subscription table.
    std::string sub_table;
    for (const Lane& lane : lanes) {
      const Subscription& s = *lane.sub;
      const Customer& customer = sandbox.CustomerAt(s.customer);
      AppendCsvRow(output.subscriptions_csv,
             {r.file, ScenarioRef(r, s.id), s.id, customer.id, s.offer->catalog_item_id,
              s.offer->product->title, std::string(ToString(s.status)), std::to_string(s.quantity),
              std::string(ToString(s.term)), std::string(api::WireBillingCycle(s.billing)),
              s.auto_renew ? "true" : "false", api::DateTimeOf(s.term_start), api::DateTimeOf(s.term_end),
              s.in_est ? "true" : "false", WireMoney(lane.total)});
      sub_table += "<tr class=\"subscription-row\" data-subscription=\"" + Html(lane.ref) + "\"><td>" +
                   Html(lane.ref) + "</td><td><code>" + Html(s.id) + "</code></td><td>" +
                   Html(s.offer->product->title) + "</td><td>" + Html(ToString(s.status)) + (s.in_est ? " (EST)" : "") +
                   "</td><td class=\"num\">" + std::to_string(s.quantity) + "</td><td>" + Html(ToString(s.term)) + " " +
                   Html(api::WireBillingCycle(s.billing)) + "</td><td>" + (s.auto_renew ? "on" : "off") + "</td><td>" +
                   Html(s.term_start.ToString()) + " \xE2\x80\x93 " + Html(s.term_end.ToString()) +
                   "</td><td class=\"num\">" + Html(TotalsText(lane.totals)) + "</td></tr>\n";
    }
    entry.subscriptions = lanes.size();

    page += "<p class=\"meta\">Clock at the end: " + Html(sandbox.Now().ToString()) + " \xC2\xB7 " +
            std::to_string(entry.lines) + " charge lines \xC2\xB7 total " + Html(TotalsText(entry.totals)) + "</p>\n";
    page += "<h2>Timeline</h2>\n";
    if (lanes.empty()) {
      page += "<p class=\"meta\">No subscriptions.</p>\n";
    } else {
      page += "<div class=\"scroll\">\n" + Timeline(sandbox, lanes) + "</div>\n" + Legend();
    }
    page += "<h2>Subscriptions</h2>\n";
    if (lanes.empty()) {
      page += "<p class=\"meta\">None.</p>\n";
    } else {
      page += "<div class=\"scroll\"><table class=\"subscriptions\">\n<thead><tr><th>Ref</th><th>Id</th>"
              "<th>Product</th><th>Status</th><th class=\"num\">Quantity</th><th>Term</th><th>Auto-renew</th>"
              "<th>Current term</th><th class=\"num\">Total charged</th></tr></thead>\n<tbody>\n" +
              sub_table + "</tbody>\n</table></div>\n";
    }
    page += "<h2>Charge lines</h2>\n";
    if (entry.lines == 0) {
      page += "<p class=\"meta\">None.</p>\n";
    } else {
      page += "<div class=\"scroll\"><table class=\"charges\">\n<thead><tr><th class=\"num\">#</th><th>Ref</th>"
              "<th>chargeType</th><th>orderDate</th><th>chargeStart</th><th>chargeEnd</th>"
              "<th class=\"num\">quantity</th><th class=\"num\">unitPrice</th><th class=\"num\">effectiveUnitPrice</th>"
              "<th class=\"num\">total</th><th>currency</th><th>invoice</th></tr></thead>\n<tbody>\n" +
              table + "</tbody>\n</table></div>\n";
    }
  }
  page += kPageEnd;
  output.pages.push_back({slug, std::move(page)});
  output.index.push_back(std::move(entry));
}

std::string IndexPage(const std::vector<IndexEntry>& entries) {
  size_t passed = 0, failed = 0, errors = 0, lines = 0;
  std::map<std::string, Decimal> totals;
  for (const IndexEntry& e : entries) {
    switch (e.result->outcome) {
      case Outcome::Passed: ++passed; break;
      case Outcome::Failed: ++failed; break;
      case Outcome::Invalid: ++errors; break;
    }
    lines += e.lines;
    for (const auto& [currency, amount] : e.totals) totals[currency] += amount;
  }
  std::string out = PageStart("pcsim replay report");
  out += "<h1>pcsim replay report</h1>\n";
  out += "<p class=\"summary\">" + std::to_string(entries.size()) + " scenarios: <span class=\"badge pass\">" +
         std::to_string(passed) + " passed</span> <span class=\"badge fail\">" + std::to_string(failed) +
         " failed</span> <span class=\"badge error\">" + std::to_string(errors) + " errors</span></p>\n";
  out += "<p class=\"meta\">" + std::to_string(lines) + " charge lines \xC2\xB7 total " + Html(TotalsText(totals)) +
         " \xC2\xB7 <a href=\"lines.csv\">lines.csv</a> \xC2\xB7 <a href=\"subscriptions.csv\">subscriptions.csv</a></p>\n";
  out += "<div class=\"scroll\"><table class=\"scenarios\">\n<thead><tr><th>Result</th><th>Scenario</th><th>File</th>"
         "<th class=\"num\">Subscriptions</th><th class=\"num\">Lines</th><th class=\"num\">Total</th>"
         "<th>Failure</th></tr></thead>\n<tbody>\n";
  for (const IndexEntry& e : entries) {
    const ScenarioResult& r = *e.result;
    out += "<tr class=\"scenario " + std::string(OutcomeClass(r.outcome)) + "\"><td><span class=\"badge " +
           OutcomeClass(r.outcome) + "\">" + OutcomeText(r.outcome) + "</span></td><td><a href=\"scenarios/" +
           Html(e.slug) + ".html\">" + Html(DisplayTitle(r)) + "</a></td><td><code>" + Html(r.file) +
           "</code></td><td class=\"num\">" + std::to_string(e.subscriptions) + "</td><td class=\"num\">" +
           std::to_string(e.lines) + "</td><td class=\"num\">" + Html(TotalsText(e.totals)) + "</td><td class=\"msg\">" +
           (r.outcome == Outcome::Passed ? std::string() : "<pre>" + Html(r.message) + "</pre>") + "</td></tr>\n";
  }
  out += "</tbody>\n</table></div>\n";
  out += kPageEnd;
  return out;
}

Status IoError(const std::string& what, const std::string& path, const std::string& reason) {
  return Status(500, 0, "cannot " + what + " " + path + (reason.empty() ? "" : ": " + reason));
}

Status WriteFile(const std::filesystem::path& path, const std::string& content) {
  std::ofstream f(path, std::ios::binary | std::ios::trunc);
  if (!f) return IoError("write", path.string(), std::strerror(errno));
  f.write(content.data(), static_cast<std::streamsize>(content.size()));
  f.close();
  if (!f) return IoError("write", path.string(), std::strerror(errno));
  return OkStatus();
}

Status CreateDirectory(const std::filesystem::path& path) {
  std::error_code ec;
  std::filesystem::create_directories(path, ec);
  if (ec) return IoError("create the report folder", path.string(), ec.message());
  if (!std::filesystem::is_directory(path, ec)) return IoError("create the report folder", path.string(), "not a directory");
  return OkStatus();
}

Status WriteReportsUnchecked(const std::vector<ScenarioResult>& results, const std::string& dir) {
  if (dir.empty()) return Status(400, 0, "no report folder given");
  Output output;
  {
    std::vector<std::string> header = {"Scenario", "SubscriptionRef"};
    for (const auto& column : kLineColumns) header.push_back(column[0]);
    AppendCsvRow(output.lines_csv, header);
    AppendCsvRow(output.subscriptions_csv, std::vector<std::string>(std::begin(kSubscriptionColumns), std::end(kSubscriptionColumns)));
  }
  std::set<std::string> used;
  for (const ScenarioResult& r : results) RenderScenario(r, Slug(r.file, used), output);

  const std::filesystem::path root(dir);
  PCSIM_RETURN_IF_ERROR(CreateDirectory(root));
  PCSIM_RETURN_IF_ERROR(CreateDirectory(root / "scenarios"));
  PCSIM_RETURN_IF_ERROR(WriteFile(root / "lines.csv", output.lines_csv));
  PCSIM_RETURN_IF_ERROR(WriteFile(root / "subscriptions.csv", output.subscriptions_csv));
  for (const auto& [slug, html] : output.pages) PCSIM_RETURN_IF_ERROR(WriteFile(root / "scenarios" / (slug + ".html"), html));
  PCSIM_RETURN_IF_ERROR(WriteFile(root / "index.html", IndexPage(output.index)));
  return OkStatus();
}

}  // namespace

Status WriteReports(const std::vector<ScenarioResult>& results, const std::string& dir) {
  try {
    return WriteReportsUnchecked(results, dir);
  } catch (const std::exception& e) {
    return Status(500, 0, "cannot write the reports to " + dir + ": " + e.what());
  } catch (...) {
    return Status(500, 0, "cannot write the reports to " + dir + ": unknown error");
  }
}

std::string JUnitXml(const std::vector<ScenarioResult>& results) {
  size_t failures = 0, errors = 0;
  for (const ScenarioResult& r : results) {
    if (r.outcome == Outcome::Failed) ++failures;
    if (r.outcome == Outcome::Invalid) ++errors;
  }
  const std::string counts = "tests=\"" + std::to_string(results.size()) + "\" failures=\"" +
                             std::to_string(failures) + "\" errors=\"" + std::to_string(errors) + "\"";
  std::string out = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
  out += "<testsuites name=\"pcsim replay\" " + counts + ">\n";
  out += "  <testsuite name=\"pcsim replay\" " + counts + " skipped=\"0\">\n";
  for (const ScenarioResult& r : results) {
    out += "    <testcase classname=\"" + Xml(r.file, true) + "\" name=\"" + Xml(DisplayTitle(r), true) + "\"";
    switch (r.outcome) {
      case Outcome::Passed: out += "/>\n"; continue;
      case Outcome::Failed:
        out += ">\n      <failure message=\"" + Xml(FirstLine(r.message), true) + "\" type=\"ScenarioFailed\">" +
               Xml(r.message, false) + "</failure>\n";
        break;
      case Outcome::Invalid:
        out += ">\n      <error message=\"" + Xml(FirstLine(r.message), true) + "\" type=\"InvalidScenario\">" +
               Xml(r.message, false) + "</error>\n";
        break;
    }
    out += "    </testcase>\n";
  }
  out += "  </testsuite>\n</testsuites>\n";
  return out;
}

}  // namespace pcsim::replay
