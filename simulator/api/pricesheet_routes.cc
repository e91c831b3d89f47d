// The price sheet (Get a price sheet), on the path of the pricing host
// api.partner.microsoft.com:
//
//   GET /v1.0/sales/pricesheets(Market='US',PricesheetView='updatedlicensebased')/$value
//       [?timeline=current|history|future][&month=YYYYMM]
//
// A CSV download (application/octet-stream, Content-Disposition: attachment;
// filename=sheets.csv); with deflate among the Accept-Encoding codings, a zip
// archive holding sheets.csv (filename=sheets.zip). docs/api.md, "The price
// sheet", lists the columns and where each value comes from.
//
// Rules from the page (Get a price sheet):
// - Market is a two-letter country code, PricesheetView the kind of sheet;
//   both are keys of the path segment, written as quoted strings.
// - timeline defaults to current; month (YYYYMM) is needed with history.
// - current covers the current month up to the day of the call; a past month
//   covers that whole month; future answers 404 when no price change is
//   planned.
// - Application-only tokens are not supported (403 900329).
//
// What the simulator decides (no public source settles it):
// - The segment is parsed strictly: pricesheets(...) holds exactly the keys
//   Market and PricesheetView, in either order, each once, each value in
//   single quotes ('' is a quote inside one, as in OData), no spaces outside
//   the quotes. Key names, the market and the view are read in any case, as
//   every enum value of pcsim is.
// - Views: updatedlicensebased (the catalog's dated license prices, through
//   Catalog::PriceAt), licensebasedest (what Sandbox::EstPrice charges for an
//   EST month, day by day) and azure_consumption (the rate card's meters, which
//   carry no dates); the others are 400.
// - A row is a span of days with one price; EffectiveEndDate is its last day,
//   or 11/30/9999 11:59:59 PM (the page's sample) when no later price is known.
// - UnitPrice and ERP Price are both the price the simulator charges: the
//   catalog has one price per entry.
// - history needs a month before the simulated current month; a month before
//   any price answers the header alone. A month with current or future is 400.
#include <algorithm>
#include <array>
#include <cctype>
#include <functional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "simulator/api/router.h"
#include "simulator/api/resources.h"
#include "simulator/api/zip_archive.h"
#include "simulator/model/csv.h"
#include "simulator/model/errors.h"

namespace pcsim::api {
namespace {

constexpr std::string_view kEntitySet = "pricesheets(";
constexpr std::string_view kOpenEnd = "11/30/9999 11:59:59 PM";
constexpr size_t kEchoedBytes = 200;

// The columns of the new-commerce sheet (Get a price sheet, "Response example
// for new commerce"), then Segment, which the sheets carry after ERP Price.
constexpr std::array<std::string_view, 19> kLicenseColumns = {
    "ProductTitle", "ProductId",     "SkuId",     "SkuTitle",          "Publisher",
    "SkuDescription", "UnitOfMeasure", "TermDuration", "BillingPlan",     "Market",
    "Currency",     "UnitPrice",     "PricingTierRangeMin", "PricingTierRangeMax", "EffectiveStartDate",
    "EffectiveEndDate", "Tags",      "ERP Price", "Segment"};
// The columns of the Azure sheet (Get a price sheet, the Azure response example).
constexpr std::array<std::string_view, 18> kAzureColumns = {
    "ProductTitle",  "ProductId",    "SkuId",     "SkuTitle",           "Publisher",
    "SkuDescription", "UnitOfMeasure", "TermDuration", "Market",         "Currency",
    "UnitPrice",     "PricingTierRangeMin", "PricingTierRangeMax", "EffectiveStartDate", "EffectiveEndDate",
    "MeterIds",      "MeterType",    "Tags"};

enum class View { License, Est, Azure };
enum class Timeline { Current, History, Future };

struct SheetKey {
  std::string market;  // upper case
  View view = View::License;
  std::string view_name;  // as documented, lower case
};

// The days a sheet covers: [from, until], or from `from` on (future).
struct Window {
  Timeline timeline = Timeline::Current;
  Date from;
  std::optional<Date> until;
};

// A span of days with one price: [start, end], or from `start` on.
struct Span {
  Date start;
  std::optional<Date> end;
  Decimal price;
};

std::string Echo(std::string_view text) { return std::string(text.substr(0, kEchoedBytes)); }

bool StartsWithIgnoreCase(std::string_view text, std::string_view prefix) {
  return text.size() >= prefix.size() && EqualsIgnoreCase(text.substr(0, prefix.size()), prefix);
}

// --- the path segment: pricesheets(Market='US',PricesheetView='...') --------------

using KeyValues = std::vector<std::pair<std::string, std::string>>;

// The key='value' pairs between the parentheses, in order.
StatusOr<KeyValues> ScanKeyValues(std::string_view inside, const std::string& segment) {
  auto bad = [&](const std::string& why) { return Error<Err::PriceSheetKeyInvalid>(Echo(segment), why); };
  KeyValues out;
  size_t i = 0;
  for (;;) {
    const size_t eq = inside.find('=', i);
    if (eq == std::string_view::npos) return bad("expected key='value'");
    std::string key(inside.substr(i, eq - i));
    if (key.empty()) return bad("a value without a key name");
    if (key.find_first_of(" \t") != std::string::npos) return bad("no spaces outside the quotes");
    i = eq + 1;
    if (i >= inside.size() || inside[i] != '\'') return bad("the value of " + Echo(key) + " is not in single quotes");
    std::string value;
    for (++i;; ++i) {
      if (i >= inside.size()) return bad("the value of " + Echo(key) + " has no closing quote");
      if (inside[i] != '\'') {
        value += inside[i];
      } else if (i + 1 < inside.size() && inside[i + 1] == '\'') {
        value += '\'';  // '' is a quote inside the value
        ++i;
      } else {
        break;
      }
    }
    out.emplace_back(std::move(key), std::move(value));
    if (++i == inside.size()) return out;
    if (inside[i] != ',') return bad("expected a comma after the value of " + Echo(out.back().first));
    ++i;
  }
}

// The Market and PricesheetView keys, each exactly once.
StatusOr<std::pair<std::string, std::string>> KeysOf(const std::string& segment) {
  auto bad = [&](const std::string& why) { return Error<Err::PriceSheetKeyInvalid>(Echo(segment), why); };
  if (segment.back() != ')') return bad("it does not end with ')'");
  auto pairs = ScanKeyValues(std::string_view(segment).substr(kEntitySet.size(),
                                                               segment.size() - kEntitySet.size() - 1),
                             segment);
  if (!pairs.ok()) return pairs.status();
  std::optional<std::string> market, view;
  for (auto& [key, value] : *pairs) {
    std::optional<std::string>* slot = EqualsIgnoreCase(key, "Market")           ? &market
                                       : EqualsIgnoreCase(key, "PricesheetView") ? &view
                                                                                 : nullptr;
    if (slot == nullptr) return bad("unknown key " + Echo(key) + " (the keys are Market and PricesheetView)");
    if (slot->has_value()) return bad(Echo(key) + " is given twice");
    *slot = std::move(value);
  }
  if (!market) return bad("Market is missing");
  if (!view) return bad("PricesheetView is missing");
  return std::make_pair(std::move(*market), std::move(*view));
}

std::set<std::string> CatalogMarkets(const Catalog& catalog) {
  std::set<std::string> out;
  for (const auto& offer : catalog.offers())
    for (const std::string& country : offer->market->countries) out.insert(country);
  return out;
}

StatusOr<SheetKey> ParseSheetKey(const Sandbox& sandbox, const std::string& segment) {
  auto keys = KeysOf(segment);
  if (!keys.ok()) return keys.status();
  const auto& [market, view] = *keys;
  SheetKey key;
  if (market.size() != 2 || !std::isalpha(static_cast<unsigned char>(market[0])) ||
      !std::isalpha(static_cast<unsigned char>(market[1])))
    return Error<Err::PriceSheetMarketInvalid>(Echo(market));
  for (char c : market) key.market.push_back(static_cast<char>(std::toupper(static_cast<unsigned char>(c))));
  const std::set<std::string> markets = CatalogMarkets(sandbox.catalog());
  if (!markets.count(key.market)) {
    std::string known;
    for (const std::string& m : markets) known += (known.empty() ? "" : ", ") + m;
    return Error<Err::PriceSheetMarketUnknown>(key.market, known);
  }
  key.view_name = ToLower(view);
  if (key.view_name == "updatedlicensebased") key.view = View::License;
  else if (key.view_name == "licensebasedest") key.view = View::Est;
  else if (key.view_name == "azure_consumption") key.view = View::Azure;
  else return Error<Err::PriceSheetViewInvalid>(Echo(view));
  return key;
}

// --- the query: timeline and month -----------------------------------------------

StatusOr<Date> ParseMonth(const std::string& text, Date today) {
  auto bad = [&](const std::string& why) { return Error<Err::PriceSheetMonthInvalid>(Echo(text), why); };
  if (text.size() != 6 || !std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; }))
    return bad("write it as YYYYMM (202601)");
  const int year = std::stoi(text.substr(0, 4));
  const int month = std::stoi(text.substr(4, 2));
  if (month < 1 || month > 12) return bad("the month must be 01 to 12");
  if (year < 1970) return bad("the calendar starts in 1970");
  const Date first = Date::Ymd(year, month, 1);
  const Date current = Date::Ymd(today.year(), today.month(), 1);
  if (first >= current)
    return bad("history is for months before the current month " + current.ToString().substr(0, 7) +
               " (use timeline=current or timeline=future)");
  return first;
}

StatusOr<Window> ParseWindow(const Request& request, Date today) {
  Window window;
  auto timeline = request.Query("timeline");
  const std::string name = timeline ? ToLower(*timeline) : "current";
  if (name == "current") window.timeline = Timeline::Current;
  else if (name == "history") window.timeline = Timeline::History;
  else if (name == "future") window.timeline = Timeline::Future;
  else return Error<Err::PriceSheetTimelineInvalid>(Echo(*timeline));
  auto month = request.Query("month");
  if (window.timeline != Timeline::History) {
    if (month) return Error<Err::PriceSheetMonthUnexpected>(name);
    window.from = window.timeline == Timeline::Current ? Date::Ymd(today.year(), today.month(), 1) : today.AddDays(1);
    if (window.timeline == Timeline::Current) window.until = today;
    return window;
  }
  if (!month) return Error<Err::PriceSheetMonthRequired>();
  auto first = ParseMonth(*month, today);
  if (!first.ok()) return first.status();
  window.from = *first;
  window.until = first->AddDays(first->DaysInMonth() - 1);
  return window;
}

// --- prices as spans of days -------------------------------------------------------

// The spans of `price_on`, a price that can change only on the `days` given:
// consecutive days with one price make one span; a day without a price ends
// the span before it.
std::vector<Span> SpansOf(std::vector<Date> days, const std::function<std::optional<Decimal>(Date)>& price_on) {
  std::sort(days.begin(), days.end());
  days.erase(std::unique(days.begin(), days.end()), days.end());
  std::vector<Span> spans;
  bool open = false;
  for (Date day : days) {
    std::optional<Decimal> price = price_on(day);
    if (open && price && *price == spans.back().price) continue;
    if (open) spans.back().end = day.AddDays(-1);
    open = price.has_value();
    if (open) spans.push_back(Span{day, std::nullopt, *price});
  }
  return spans;
}

bool InWindow(const Span& span, const Window& window) {
  if (window.timeline == Timeline::Future) return span.start >= window.from;
  return span.start <= *window.until && (!span.end || *span.end >= window.from);
}

// --- rows ----------------------------------------------------------------------------

std::string SheetDate(Date d, bool end_of_day) {
  return std::to_string(d.month()) + "/" + std::to_string(d.day()) + "/" + std::to_string(d.year()) +
         (end_of_day ? " 11:59:59 PM" : " 12:00:00 AM");
}

std::string EndText(const Span& span) { return span.end ? SheetDate(*span.end, true) : std::string(kOpenEnd); }

std::string Money(const Decimal& d) { return d.Normalized().ToString(); }

std::string_view SegmentText(Segment segment) {
  switch (segment) {
    case Segment::Commercial: return "Commercial";
    case Segment::Education: return "Education";
    case Segment::Government: return "Government";
    case Segment::Nonprofit: return "Charity";
  }
  return "Commercial";
}

bool SoldIn(const Offer& offer, const std::string& market) {
  const auto& countries = offer.market->countries;
  return std::find(countries.begin(), countries.end(), market) != countries.end();
}

void AppendLicenseRow(std::string& csv, const Offer& offer, const SheetKey& key, std::string_view term,
                      std::string_view billing, const Span& span) {
  const Product& p = *offer.product;
  const Sku& s = *offer.sku;
  const std::string price = Money(span.price);
  const std::array<std::string, kLicenseColumns.size()> fields = {
      p.title, p.id, s.id, s.title, p.publisher_name, s.description, "", std::string(term), std::string(billing),
      key.market, offer.market->currency, price, "", "", SheetDate(span.start, false), EndText(span), "License",
      price, std::string(SegmentText(offer.availability->segment))};
  AppendCsvRow(csv, fields);
}

// updatedlicensebased: each term and billing pair's dated prices.
size_t AppendLicenseRows(std::string& csv, const Sandbox& sandbox, const SheetKey& key, const Window& window) {
  size_t rows = 0;
  for (const auto& offer : sandbox.catalog().offers()) {
    if (offer->sku->IsUsageBased() || !SoldIn(*offer, key.market)) continue;
    for (Term term : {Term::P1M, Term::P1Y, Term::P3Y}) {
      for (Billing billing : {Billing::Monthly, Billing::Annual, Billing::Triennial}) {
        std::vector<Date> days;
        for (const PriceEntry& e : offer->market->prices)
          if (e.term == term && e.billing == billing) days.push_back(e.from);
        auto price_on = [&](Date d) { return sandbox.catalog().PriceAt(*offer, term, billing, d); };
        for (const Span& span : SpansOf(std::move(days), price_on)) {
          if (!InWindow(span, window)) continue;
          AppendLicenseRow(csv, *offer, key, ToString(term), BillingFrequencyText(billing), span);
          ++rows;
        }
      }
    }
  }
  return rows;
}

// licensebasedest: Sandbox::EstPrice, the price of an EST month. It depends
// on the day only through the catalog's and the policy's dated values, so it
// can change only on their dates.
size_t AppendEstRows(std::string& csv, const Sandbox& sandbox, const SheetKey& key, const Window& window) {
  std::vector<Date> policy_days;
  for (size_t k = 0; k < static_cast<size_t>(PolicyKey::kCount); ++k)
    for (const DatedPolicyValue& v : sandbox.policy().Parameter(static_cast<PolicyKey>(k)).values)
      policy_days.push_back(v.from);
  size_t rows = 0;
  for (const auto& offer : sandbox.catalog().offers()) {
    if (offer->sku->IsUsageBased() || !SoldIn(*offer, key.market) || !sandbox.IsEstEligibleOffer(*offer)) continue;
    std::vector<Date> days = policy_days;
    for (const PriceEntry& e : offer->market->prices) days.push_back(e.from);
    for (const EstPriceEntry& e : offer->market->est_prices) days.push_back(e.from);
    auto price_on = [&](Date d) { return sandbox.EstPrice(*offer, d); };
    for (const Span& span : SpansOf(std::move(days), price_on)) {
      if (!InWindow(span, window)) continue;
      AppendLicenseRow(csv, *offer, key, ToString(Term::P1M), BillingFrequencyText(Billing::Monthly), span);
      ++rows;
    }
  }
  return rows;
}

// azure_consumption: the rate card, in force for the whole month asked (its
// meters carry no dates, so there is never a future Azure sheet).
size_t AppendAzureRows(std::string& csv, const Sandbox& sandbox, const SheetKey& key, const Window& window) {
  if (window.timeline == Timeline::Future) return 0;
  size_t rows = 0;
  for (const auto& offer : sandbox.catalog().offers()) {
    if (!offer->sku->IsUsageBased() || !SoldIn(*offer, key.market)) continue;
    for (const Meter& m : offer->market->meters) {
      const std::array<std::string, kAzureColumns.size()> fields = {
          m.product_name, m.product_id, m.sku_id, m.sku_name, m.publisher_name, m.name, m.unit, "", key.market,
          offer->market->currency, Money(m.price), "", "", SheetDate(window.from, false), std::string(kOpenEnd),
          m.id, m.unit, "Azure"};
      AppendCsvRow(csv, fields);
      ++rows;
    }
  }
  return rows;
}

template <size_t N>
void AppendHeader(std::string& csv, const std::array<std::string_view, N>& columns) {
  AppendCsvRow(csv, std::vector<std::string>(columns.begin(), columns.end()));
}

// --- the response ---------------------------------------------------------------------

// Whether deflate is among the Accept-Encoding codings (with a q above 0).
bool WantsDeflate(const Request& request) {
  auto header = request.Header("Accept-Encoding");
  if (!header) return false;
  std::string_view rest = *header;
  while (!rest.empty()) {
    const size_t comma = rest.find(',');
    std::string item = ToLower(rest.substr(0, comma));
    rest = comma == std::string_view::npos ? std::string_view() : rest.substr(comma + 1);
    item.erase(std::remove_if(item.begin(), item.end(), [](char c) { return c == ' ' || c == '\t'; }), item.end());
    const size_t semi = item.find(';');
    if (item.substr(0, semi) != "deflate") continue;
    const size_t q = item.find("q=", semi == std::string::npos ? item.size() : semi);
    if (q == std::string::npos) return true;
    const std::string weight = item.substr(q + 2);
    return weight.find_first_not_of("0.") != std::string::npos;  // q=0, q=0.0, q=0.000: refused
  }
  return false;
}

Response Download(std::string body, std::string_view filename) {
  Response r;
  r.status = 200;
  r.content_type = "application/octet-stream";
  r.body = std::move(body);
  r.SetHeader("Content-Disposition", "attachment; filename=" + std::string(filename));
  r.SetHeader("Cache-Control", "private");
  return r;
}

Response GetPriceSheet(RouteContext& ctx) {
  const std::string& segment = ctx.params[0];
  if (!StartsWithIgnoreCase(segment, kEntitySet))
    return ErrorResponse(Error<Err::NoRoute>(ctx.request.method, ctx.request.path));
  if (ctx.caller.app_only) return ErrorResponse(Error<Err::AppOnlyNotSupported>());
  auto key = ParseSheetKey(ctx.sandbox, segment);
  if (!key.ok()) return ErrorResponse(key.status());
  const Date today = ctx.sandbox.Today();
  auto window = ParseWindow(ctx.request, today);
  if (!window.ok()) return ErrorResponse(window.status());
  std::string csv;
  size_t rows = 0;
  if (key->view == View::Azure) {
    AppendHeader(csv, kAzureColumns);
    rows = AppendAzureRows(csv, ctx.sandbox, *key, *window);
  } else {
    AppendHeader(csv, kLicenseColumns);
    rows = key->view == View::License ? AppendLicenseRows(csv, ctx.sandbox, *key, *window)
                                      : AppendEstRows(csv, ctx.sandbox, *key, *window);
  }
  if (window->timeline == Timeline::Future && rows == 0)
    return ErrorResponse(Error<Err::PriceSheetNoFuture>(key->view_name, key->market, today.ToString()));
  if (!WantsDeflate(ctx.request)) return Download(std::move(csv), "sheets.csv");
  auto zip = ZipOneFile("sheets.csv", csv, today);
  if (!zip.ok()) return ErrorResponse(zip.status());
  return Download(std::move(*zip), "sheets.zip");
}

}  // namespace

void RegisterPriceSheetRoutes(RouteTable& table) { table.Add("GET", "/v1.0/sales/{}/$value", GetPriceSheet); }

}  // namespace pcsim::api
