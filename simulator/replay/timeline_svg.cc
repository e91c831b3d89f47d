// The SVG timeline of a scenario page (reports_internal.h): an axis with month
// (or day) ticks, a row of the scenario's steps, then a lane per subscription
// with its status bands, terms, the changes the journal records (seats,
// auto-renew, scheduled actions and who set them), charge cycles and a marker
// per charge with its amount (EST charges ringed).
#include <algorithm>
#include <cstdint>
#include <limits>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "simulator/api/resources.h"
#include "simulator/replay/reports_internal.h"

namespace pcsim::replay::report {
namespace {

struct BandStyle {
  const char* name;
  const char* color;
};
constexpr BandStyle kBands[] = {
    {"active", "#4ac26b"},  {"suspended", "#eac54f"}, {"expired", "#fb8f44"},
    {"disabled", "#a475f9"}, {"deleted", "#6e7781"},  {"est", "#54aeff"},
};
const BandStyle& StyleOf(Band b) { return kBands[static_cast<int>(b)]; }

constexpr const char* kPositive = "#1a7f37";
constexpr const char* kNegative = "#cf222e";
constexpr const char* kZero = "#57606a";
const char* AmountColor(Decimal d) { return d.IsZero() ? kZero : d.IsNegative() ? kNegative : kPositive; }

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

constexpr const char* kMonths[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                   "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};

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
  // The first row where [l, r) fits, or -1 (nothing is placed).
  int TryPlace(int64_t l, int64_t r) {
    for (size_t i = 0; i < rows_.size(); ++i) {
      bool free = true;
      for (const auto& [a, b] : rows_[i])
        if (l < b && a < r) { free = false; break; }
      if (free) {
        rows_[i].push_back({l, r});
        return static_cast<int>(i);
      }
    }
    return -1;
  }
  // The first row where [l, r) fits, else the least crowded row.
  int Place(int64_t l, int64_t r) {
    if (int row = TryPlace(l, r); row >= 0) return row;
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
constexpr int64_t kStepRows = 3;
constexpr int64_t kStepRowHeight = 18;
// The steps' row, below the axis (none when the scenario has no steps).
int64_t StepsHeight(const ScenarioResult& r) { return r.steps.empty() ? 0 : 8 + kStepRows * kStepRowHeight + 4; }
// A lane, from its top y: label (y+14), status (y+20), term (y+34), marks of
// changes (two rows, y+60 and y+76), charge cycles (y+88, four rows) and
// charge markers (y+118, three rows).
constexpr int64_t kLaneHeight = 170;
constexpr int64_t kMarkRowsY = 60;
constexpr int64_t kCyclesY = 88;
constexpr int64_t kChargesY = 118;

// Colours of the marks (the legend repeats them).
constexpr const char* kStepColor = "#24292f";
constexpr const char* kStepFailedColor = "#cf222e";
constexpr const char* kSeatsColor = "#8250df";
constexpr const char* kAutoRenewColor = "#bc4c00";
constexpr const char* kActionColor = "#0550ae";
constexpr const char* kChangeColor = "#57606a";
constexpr const char* kEstRing = "#0969da";

std::string Rect(int64_t x0, int64_t x1, int64_t y, int64_t h, const std::string& attrs) {
  int64_t w = std::max<int64_t>(x1 - x0, 100);  // at least one pixel wide
  return "<rect x=\"" + Px(x0) + "\" y=\"" + Int(y) + "\" width=\"" + Px(w) + "\" height=\"" + Int(h) + "\" " +
         attrs;
}

// The time range of the picture: from the first creation, term start,
// transition or charge to the clock at the end or the last charge's end.
Axis AxisOf(const ScenarioData& data) {
  const Sandbox& sandbox = *data.sandbox;
  const std::vector<Lane>& lanes = data.lanes;
  const Ledger& ledger = sandbox.ledger();
  Axis axis;
  axis.t0 = std::numeric_limits<int64_t>::max();
  axis.t1 = Seconds(sandbox.Now());
  for (const StepRecord& step : data.result->steps) {
    axis.t0 = std::min(axis.t0, Seconds(step.at));
    axis.t1 = std::max(axis.t1, Seconds(step.at));
  }
  for (const Lane& lane : lanes) {
    for (const EventMark& m : lane.events) {
      axis.t0 = std::min(axis.t0, m.t);
      axis.t1 = std::max(axis.t1, m.t);
    }
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
  return axis;
}

// The opening <svg> tag and its <title>.
void DrawFrame(std::string& out, const Axis& axis, int64_t height) {
  out += "<svg class=\"timeline\" viewBox=\"0 0 " + Int(Axis::kWidth) + " " +
         Int(height) +
         "\" role=\"img\" aria-label=\"Timeline of the steps and the subscriptions: terms, status, changes, charge "
         "cycles and charges\"" +
         " font-family=\"system-ui, -apple-system, 'Segoe UI', Roboto, Helvetica, Arial, sans-serif\">\n";
  out += "<title>Timeline from " + Html(Instant::FromMicros(axis.t0 * 1'000'000).ToString()) + " to " +
         Html(Instant::FromMicros(axis.t1 * 1'000'000).ToString()) + "</title>\n";
}

// The axis with month (or day) ticks, grid lines and the clock at the end.
void DrawAxis(std::string& out, const Axis& axis, Instant now, int64_t plot_bottom) {
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
  int64_t now_x = axis.X(Seconds(now));
  out += "<line class=\"clock\" x1=\"" + Px(now_x) + "\" y1=\"20\" x2=\"" + Px(now_x) + "\" y2=\"" +
         Int(plot_bottom) + "\" stroke=\"#24292f\" stroke-width=\"1\" stroke-dasharray=\"4 3\"><title>" +
         Html("clock at the end: " + now.ToString()) + "</title></line>\n";
  out += "</g>\n";
}

// The lane's opening <g>, its background and separator, and its label.
void DrawLaneHeading(std::string& out, const Lane& lane, size_t index, int64_t y) {
  const Subscription& sub = *lane.sub;
  out += "<g class=\"lane\" id=\"lane-" + std::to_string(index) + "\" data-subscription=\"" + Html(lane.ref) +
         "\" data-subscription-id=\"" + Html(sub.id) + "\">\n";
  if (index % 2 == 1)
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
}

// Status over time: one band per transition, until the next one.
void DrawStatusBands(std::string& out, const Lane& lane, const Axis& axis, int64_t y) {
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
}

struct TermBar {
  Date start, end;
  Term term;
  Billing billing;
};

// One bar per distinct subscriptionStart..End of the lane's lines, plus the
// current term, in order.
std::vector<TermBar> TermBars(const Ledger& ledger, const Lane& lane) {
  const Subscription& sub = *lane.sub;
  std::map<std::pair<Date, Date>, TermBar> terms;
  for (uint32_t i : lane.lines) {
    const ChargeLine& line = ledger.line(i);
    terms.emplace(std::make_pair(line.subscription_start, line.subscription_end),
                  TermBar{line.subscription_start, line.subscription_end, line.term, line.billing});
  }
  terms.emplace(std::make_pair(sub.term_start, sub.term_end), TermBar{sub.term_start, sub.term_end, sub.term, sub.billing});
  std::vector<TermBar> bars;
  for (const auto& [key, bar] : terms) bars.push_back(bar);
  return bars;
}

// Terms: a term ends where the next one starts.
void DrawTerms(std::string& out, const Ledger& ledger, const Lane& lane, const Axis& axis, int64_t y) {
  const std::vector<TermBar> bars = TermBars(ledger, lane);
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
}

// Charge cycles: thin segments, stacked when they overlap.
void DrawChargeCycles(std::string& out, const Ledger& ledger, const Lane& lane, const Axis& axis, int64_t y) {
  RowPacker cycles(4);
  for (uint32_t i : lane.lines) {
    const ChargeLine& line = ledger.line(i);
    int64_t x0 = axis.X(Seconds(line.charge_start)), x1 = axis.X(Seconds(line.charge_end.AddDays(1)));
    int row = cycles.Place(x0, std::max(x1, x0 + 100));
    if (x1 - x0 > 400) x1 -= 100;  // a one-pixel gap shows where one cycle ends and the next begins
    out += Rect(x0, x1, y + kCyclesY + row * 5, 3,
                "class=\"cycle\" fill=\"" + std::string(AmountColor(line.total)) + "\" fill-opacity=\"0.75\"><title>" +
                    Html(std::string(ToString(line.charge_type)) + " cycle " + line.charge_start.ToString() +
                         " \xE2\x80\x93 " + line.charge_end.ToString()) +
                    "</title></rect>\n");
  }
}

// The tooltip of a charge marker: the line, its termAndBillingCycle and how
// its amount is computed.
std::string ChargeTip(const ScenarioData& data, uint32_t index, const std::string& amount) {
  const Sandbox& sandbox = *data.sandbox;
  const ChargeLine& line = sandbox.ledger().line(index);
  const std::string currency = sandbox.catalog().OfferAt(line.offer)->market->currency;
  return std::string(ToString(line.charge_type)) + " " + line.order_date.ToString() + ": " + amount + " " + currency +
         "\n" + data.term_texts[index] + "\n" + data.explanations[index] + "\ncharge " +
         line.charge_start.ToString() + " \xE2\x80\x93 " + line.charge_end.ToString();
}

// One marker per charge line, at its order date, with its amount; an EST
// charge is ringed and its amount reads "EST +445.00".
void DrawChargeMarkers(std::string& out, const ScenarioData& data, const Lane& lane, const Axis& axis, int64_t y) {
  const Ledger& ledger = data.sandbox->ledger();
  RowPacker markers(3);
  for (uint32_t i : lane.lines) {
    const ChargeLine& line = ledger.line(i);
    const bool est = (line.flags & kLineExtendedServiceTerm) != 0;
    const std::string amount = SignedMoney(line.total);
    const std::string text = est ? "EST " + amount : amount;
    const char* color = AmountColor(line.total);
    int64_t x = axis.X(Seconds(line.order_date));
    int64_t text_width = static_cast<int64_t>(text.size()) * 600;
    bool left = x + 800 + text_width > (Axis::kWidth - 4) * 100;
    int64_t l = left ? x - 800 - text_width : x - 600;
    int64_t r = left ? x + 600 : x + 800 + text_width;
    int row = markers.Place(l, r);
    int64_t cy = y + kChargesY + row * 18;
    out += "<circle class=\"charge" + std::string(est ? " est" : "") + "\" data-subscription=\"" + Html(lane.ref) +
           "\" data-total=\"" + Html(amount) + "\" data-charge-type=\"" + Html(ToString(line.charge_type)) +
           "\" data-line=\"" + std::to_string(i) + "\" data-explanation=\"" + Html(data.explanations[i]) +
           "\" cx=\"" + Px(x) + "\" cy=\"" + Int(cy) + "\" r=\"5\" fill=\"" + color + "\" stroke=\"" +
           (est ? kEstRing : "#fff") + "\" stroke-width=\"" + (est ? "2" : "1") + "\"><title>" +
           Html(ChargeTip(data, i, amount)) + "</title></circle>\n";
    out += "<text class=\"amount\" x=\"" + Px(left ? x - 800 : x + 800) + "\" y=\"" + Int(cy + 4) +
           "\" font-size=\"10\" fill=\"" + color + "\"" + (left ? " text-anchor=\"end\"" : "") +
           (est ? " font-weight=\"600\"" : "") + ">" + Html(text) + "</text>\n";
  }
}

// The shape of a mark, centred on (x, cy), in hundredths of a pixel for x.
std::string MarkShape(Mark mark, int64_t x, int64_t cy, const std::string& title, const std::string& attrs) {
  auto point = [&](int64_t dx, int64_t dy) { return Px(x + dx * 100) + "," + Int(cy + dy); };
  std::string shape;
  switch (mark) {
    case Mark::Seats:
      shape = "<polygon points=\"" + point(0, -6) + " " + point(6, 5) + " " + point(-6, 5) + "\" fill=\"" +
              kSeatsColor + "\"";
      break;
    case Mark::AutoRenew:
      shape = "<rect x=\"" + Px(x - 500) + "\" y=\"" + Int(cy - 5) + "\" width=\"10\" height=\"10\" fill=\"" +
              kAutoRenewColor + "\"";
      break;
    case Mark::Action:
    case Mark::RuleAction:
      shape = "<polygon points=\"" + point(0, -6) + " " + point(6, 0) + " " + point(0, 6) + " " + point(-6, 0) +
              "\" fill=\"" + (mark == Mark::Action ? kActionColor : "#fff") + "\" stroke=\"" + kActionColor +
              "\" stroke-width=\"2\"";
      break;
    case Mark::Change:
      shape = "<rect x=\"" + Px(x - 400) + "\" y=\"" + Int(cy - 4) +
              "\" width=\"8\" height=\"8\" fill=\"#fff\" stroke=\"" + kChangeColor + "\" stroke-width=\"2\"";
      break;
  }
  return shape + " " + attrs + "><title>" + Html(title) + "</title></" +
         (mark == Mark::AutoRenew || mark == Mark::Change ? "rect" : "polygon") + ">\n";
}

const char* MarkName(Mark m) {
  switch (m) {
    case Mark::Seats: return "seats";
    case Mark::AutoRenew: return "auto-renew";
    case Mark::Action: return "action";
    case Mark::RuleAction: return "rule-action";
    case Mark::Change: return "change";
  }
  return "change";
}

const char* MarkColor(Mark m) {
  switch (m) {
    case Mark::Seats: return kSeatsColor;
    case Mark::AutoRenew: return kAutoRenewColor;
    case Mark::Action:
    case Mark::RuleAction: return kActionColor;
    case Mark::Change: return kChangeColor;
  }
  return kChangeColor;
}

// The changes the journal records for the lane's subscription: a mark each,
// labelled when the label fits beside it (two rows); the tooltip has it all.
void DrawEventMarks(std::string& out, const Lane& lane, const Axis& axis, int64_t y) {
  RowPacker rows(2);
  for (const EventMark& m : lane.events) {
    const int64_t x = axis.X(m.t);
    const int64_t text_width = static_cast<int64_t>(m.label.size()) * 560;
    const bool left = x + 900 + text_width > (Axis::kWidth - 4) * 100;
    const int64_t l = left ? x - 900 - text_width : x - 700;
    const int64_t r = left ? x + 700 : x + 900 + text_width;
    int row = rows.TryPlace(l, r);
    const bool labelled = row >= 0;
    if (!labelled) row = rows.Place(x - 700, x + 700);
    const int64_t cy = y + kMarkRowsY + row * 16;
    const std::string title = m.text + "\n" + Instant::FromMicros(m.t * 1'000'000).ToString() + "\nby " + m.by;
    out += MarkShape(m.mark, x, cy, title,
                     "class=\"mark mark-" + std::string(MarkName(m.mark)) + "\" data-subscription=\"" +
                         Html(lane.ref) + "\" data-label=\"" + Html(m.label) + "\" data-by=\"" + Html(m.by) + "\"");
    if (labelled)
      out += "<text class=\"mark-label\" x=\"" + Px(left ? x - 900 : x + 900) + "\" y=\"" + Int(cy + 4) +
             "\" font-size=\"10\" fill=\"" + MarkColor(m.mark) + "\"" + (left ? " text-anchor=\"end\"" : "") + ">" +
             Html(m.label) + "</text>\n";
  }
}

// The scenario's steps: a numbered marker each at the instant its request
// was sent (red when the step did not end as written), labelled with its
// action when the label fits (three rows), and a faint line down the lanes.
void DrawSteps(std::string& out, const ScenarioResult& r, const Axis& axis, int64_t y, int64_t plot_bottom) {
  if (r.steps.empty()) return;
  out += "<g class=\"steps\">\n";
  out += "<text x=\"" + Int(Axis::kLeft) + "\" y=\"" + Int(y + 2) +
         "\" font-size=\"10\" fill=\"#57606a\">steps</text>\n";
  RowPacker rows(static_cast<int>(kStepRows));
  for (const StepRecord& step : r.steps) {
    const int64_t x = axis.X(Seconds(step.at));
    const std::string number = std::to_string(step.number);
    const int64_t text_width = static_cast<int64_t>(step.action.size()) * 560;
    const int64_t badge = static_cast<int64_t>(number.size()) * 600 + 800;  // the numbered marker's width
    const bool left = x + badge / 2 + 300 + text_width > (Axis::kWidth - 4) * 100;
    const int64_t l = left ? x - badge / 2 - 300 - text_width : x - badge / 2;
    const int64_t rt = left ? x + badge / 2 : x + badge / 2 + 300 + text_width;
    int row = rows.TryPlace(l, rt);
    const bool labelled = row >= 0;
    if (!labelled) row = rows.Place(x - badge / 2, x + badge / 2);
    const int64_t cy = y + 12 + row * kStepRowHeight;
    const char* color = step.ok ? kStepColor : kStepFailedColor;
    const std::string title = "step " + number + " (line " + std::to_string(step.where.line) + "): " + step.summary +
                              "\n" + step.at.ToString() + "\n" +
                              (step.ok ? "ended as written" : "did not end as written") +
                              (step.status != 0 ? " (HTTP " + std::to_string(step.status) + ")" : std::string());
    out += "<line class=\"step-line\" x1=\"" + Px(x) + "\" y1=\"" + Int(cy + 7) + "\" x2=\"" + Px(x) + "\" y2=\"" +
           Int(plot_bottom) + "\" stroke=\"" + color + "\" stroke-opacity=\"0.18\" stroke-width=\"1\"/>\n";
    out += "<g class=\"step" + std::string(step.ok ? "" : " failed") + "\" data-step=\"" + number +
           "\" data-action=\"" + Html(step.action) + "\"><title>" + Html(title) + "</title>";
    out += "<rect x=\"" + Px(x - badge / 2) + "\" y=\"" + Int(cy - 7) + "\" width=\"" + Px(badge) +
           "\" height=\"14\" rx=\"7\" fill=\"" + color + "\"/>";
    out += "<text x=\"" + Px(x) + "\" y=\"" + Int(cy + 4) +
           "\" font-size=\"10\" font-weight=\"600\" fill=\"#fff\" text-anchor=\"middle\">" + number + "</text>";
    if (labelled)
      out += "<text class=\"step-label\" x=\"" + Px(left ? x - badge / 2 - 300 : x + badge / 2 + 300) + "\" y=\"" +
             Int(cy + 4) + "\" font-size=\"10\" fill=\"" + color + "\"" + (left ? " text-anchor=\"end\"" : "") +
             ">" + Html(step.action) + "</text>";
    out += "</g>\n";
  }
  out += "</g>\n";
}

}  // namespace

std::string TimelineSvg(const ScenarioData& data) {
  const Sandbox& sandbox = *data.sandbox;
  const std::vector<Lane>& lanes = data.lanes;
  const Axis axis = AxisOf(data);
  const int64_t steps_height = StepsHeight(*data.result);
  const int64_t lanes_top = kAxisHeight + steps_height;
  const int64_t height = lanes_top + kLaneHeight * static_cast<int64_t>(lanes.size()) + 8;
  std::string out;
  DrawFrame(out, axis, height);
  DrawAxis(out, axis, sandbox.Now(), height - 8);
  DrawSteps(out, *data.result, axis, kAxisHeight, height - 8);
  for (size_t li = 0; li < lanes.size(); ++li) {
    const Lane& lane = lanes[li];
    const int64_t y = lanes_top + kLaneHeight * static_cast<int64_t>(li);
    DrawLaneHeading(out, lane, li, y);
    DrawStatusBands(out, lane, axis, y);
    DrawTerms(out, sandbox.ledger(), lane, axis, y);
    DrawEventMarks(out, lane, axis, y);
    DrawChargeCycles(out, sandbox.ledger(), lane, axis, y);
    DrawChargeMarkers(out, data, lane, axis, y);
    out += "</g>\n";
  }
  out += "</svg>\n";
  return out;
}

std::string TimelineLegend() {
  std::string out = "<p class=\"legend\">";
  for (const BandStyle& b : kBands)
    out += std::string("<span><i class=\"sw\" style=\"background:") + b.color + "\"></i>" + b.name + "</span>";
  out += "<span><i class=\"sw\" style=\"background:#0969da\"></i>term</span>";
  out += "<span><i class=\"sw\" style=\"background:#6e7781;height:4px\"></i>charge cycle</span>";
  out += std::string("<span><i class=\"dot\" style=\"background:") + kPositive + "\"></i>charge (+)</span>";
  out += std::string("<span><i class=\"dot\" style=\"background:") + kNegative + "\"></i>refund (\xE2\x88\x92)</span>";
  out += std::string("<span><i class=\"dot\" style=\"background:") + kPositive + ";box-shadow:0 0 0 2px " + kEstRing +
         "\"></i>EST charge</span>";
  out += std::string("<span><i class=\"sw\" style=\"background:") + kStepColor +
         ";width:16px;border-radius:6px\"></i>step (red: did not end as written)</span>";
  out += std::string("<span><i class=\"tri\" style=\"border-bottom-color:") + kSeatsColor + "\"></i>seat change</span>";
  out += std::string("<span><i class=\"sw\" style=\"background:") + kAutoRenewColor + "\"></i>auto-renew on/off</span>";
  out += std::string("<span><i class=\"dia\" style=\"background:") + kActionColor +
         "\"></i>scheduled action set by the partner</span>";
  out += std::string("<span><i class=\"dia\" style=\"background:#fff;border:2px solid ") + kActionColor +
         "\"></i>set by a rule (backfill, autoRenewOffRule)</span>";
  out += std::string("<span><i class=\"sw\" style=\"background:#fff;border:2px solid ") + kChangeColor +
         ";width:8px;height:8px\"></i>other change (next term, billing, term, upgrade, trial)</span>";
  out += "<span>dashed line: clock at the end</span>";
  out += "</p>\n";
  return out;
}

}  // namespace pcsim::replay::report
