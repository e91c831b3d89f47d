// Invoices and new-commerce reconciliation line items (Get a collection of
// invoices, Get invoice line items, Get invoice's unbilled reconciliation line
// items; docs/decisions.md, sections 4 and 5).
//
//   GET /v1/invoices?size=&offset=                         index paging, Collection of Invoice
//   GET /v1/invoices/{id}                                  one Invoice, with pdfDownloadLink
//   GET /v1/invoices/{id}/lineitems?provider=onetime&invoicelineitemtype=billinglineitems[&currencycode=][&size=]
//                                                          seek paging (MS-ContinuationToken)
//   GET /v1/invoices/{id}/lineitems/{provider}/{type}?size=&offset=   the older path form
//   GET /v1/invoices/unbilled/lineitems?provider=onetime&invoicelineitemtype=billinglineitems
//       &currencycode=USD&period=current|previous[&size=]  unbilled lines, seek paging
//   GET /v1/invoices/summary                               InvoiceSummary: the balance in the currency
//                                                          of the partner's latest invoice
//   GET /v1/invoices/summaries                             Collection of InvoiceSummary, one per currency
//   GET /v1/invoices/{id}/documents/statement              the invoice as a PDF (invoice_pdf.cc)
//
// A partner sees only its own invoices (Invoice::partner_tenant_id) and lines
// (the partner of the line's customer). Another partner's invoice is a 404,
// exactly like an unknown one.
//
// Line-item pages: `size` defaults to 2000 and is clamped to 2000; 0, a
// negative or a non-numeric size is a 400. When lines remain, links.next is
// {uri: ".../lineitems?...&size=N&seekOperation=Next", method: GET, headers:
// [{key: MS-ContinuationToken, value: TOKEN}]} and the collection carries
// "continuationToken": TOKEN. The next page is requested with
// seekOperation=Next and the header. A token is "v1:<offset>:<32 hex>", the
// hex being a keyed hash (sandbox seed + a fixed key) of the caller's
// partner, the collection it pages (invoice id or unbilled period and
// currency) and the offset: deterministic, no wall clock, and a token edited
// by hand, taken from another collection or another partner is a 400.
#include <algorithm>
#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "simulator/model/errors.h"
#include "simulator/api/invoice_pdf.h"
#include "simulator/api/continuation_token.h"
#include "simulator/api/resources.h"
#include "simulator/api/router.h"

namespace pcsim::api {
namespace {

constexpr int64_t kDefaultInvoicePageSize = 200;
constexpr int64_t kMaxLineItemPageSize = 2000;
// Line-item pages' continuation tokens.
constexpr ContinuationTokenKind kLineItemTokens{"v1", "pcsim-continuation", 0x5043534D436F6E74ULL};  // "PCSMCont"

Status BadParameter(std::string description) { return Error<Err::InvalidInput>(description); }

// --- query parameters -----------------------------------------------------------

// An integer query parameter: nullopt when absent; a 400 when it is not a
// base-10 integer. Very large values saturate at INT64_MAX / INT64_MIN.
StatusOr<std::optional<int64_t>> IntParam(const Request& request, std::string_view name) {
  auto text = request.Query(name);
  if (!text) return std::optional<int64_t>();
  std::string_view s = *text;
  bool negative = false;
  if (!s.empty() && (s.front() == '-' || s.front() == '+')) {
    negative = s.front() == '-';
    s.remove_prefix(1);
  }
  if (s.empty()) return BadParameter("'" + std::string(name) + "' must be an integer.");
  int64_t value = 0;
  for (char c : s) {
    if (c < '0' || c > '9') return BadParameter("'" + std::string(name) + "' must be an integer, not '" + *text + "'.");
    if (value > (INT64_MAX - (c - '0')) / 10) value = INT64_MAX;  // saturate
    else value = value * 10 + (c - '0');
  }
  return std::optional<int64_t>(negative ? -value : value);
}

// `size` of a line-item page: default and maximum 2000.
StatusOr<int64_t> LineItemPageSize(const Request& request) {
  auto size = IntParam(request, "size");
  if (!size.ok()) return size.status();
  if (!size->has_value()) return kMaxLineItemPageSize;
  if (**size <= 0) return BadParameter("'size' must be a positive integer (at most 2000).");
  return std::min(**size, kMaxLineItemPageSize);
}

StatusOr<int64_t> OffsetParam(const Request& request) {
  auto offset = IntParam(request, "offset");
  if (!offset.ok()) return offset.status();
  if (!offset->has_value()) return int64_t{0};
  if (**offset < 0) return BadParameter("'offset' must not be negative.");
  return **offset;
}

enum class LineItemType { Billing, Usage };

// provider and invoicelineitemtype, case-insensitive. Only the OneTime
// (modern, new commerce) provider has lines in the simulator; an invoice's
// legacy providers are answered by InvoiceLineItems.
StatusOr<LineItemType> ParseLineItemKind(const std::optional<std::string>& provider,
                                         const std::optional<std::string>& type) {
  if (!provider || provider->empty())
    return BadParameter("the 'provider' parameter is required (provider=onetime).");
  if (ToLower(*provider) != "onetime")
    return BadParameter("provider '" + *provider + "' is not supported; use provider=onetime.");
  if (!type || type->empty())
    return BadParameter("the 'invoicelineitemtype' parameter is required (billinglineitems or usagelineitems).");
  std::string t = ToLower(*type);
  if (t == "billinglineitems") return LineItemType::Billing;
  if (t == "usagelineitems") return LineItemType::Usage;
  return BadParameter("invoicelineitemtype '" + *type + "' is not supported; use billinglineitems or usagelineitems.");
}

std::string_view WireType(LineItemType t) { return t == LineItemType::Billing ? "billinglineitems" : "usagelineitems"; }

bool IsCurrencyCode(std::string_view s) {
  if (s.size() != 3) return false;
  for (char c : s)
    if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z'))) return false;
  return true;
}

// --- continuation tokens -----------------------------------------------------------

std::string MakeToken(const RouteContext& ctx, std::string_view scope, int64_t offset) {
  return MakeContinuationToken(ctx.sandbox, kLineItemTokens, ctx.caller.partner_tenant_id, scope,
                               static_cast<uint64_t>(offset));
}

StatusOr<int64_t> ReadToken(const RouteContext& ctx, std::string_view scope) {
  auto header = ctx.request.Header(kContinuationTokenHeader);
  if (!header || header->empty())
    return BadParameter("seekOperation=Next requires the MS-ContinuationToken header from links.next of the "
                        "previous page.");
  auto offset = ReadContinuationToken(ctx.sandbox, kLineItemTokens, ctx.caller.partner_tenant_id, scope, *header);
  if (!offset) return BadParameter("the MS-ContinuationToken is not valid for this collection.");
  return static_cast<int64_t>(*offset);
}

// The offset a page starts at: from the token when seekOperation=Next, else
// from `offset` (0 by default).
StatusOr<int64_t> PageStart(const RouteContext& ctx, std::string_view scope) {
  if (auto seek = ctx.request.Query("seekOperation")) {
    if (ToLower(*seek) != "next") return BadParameter("seekOperation '" + *seek + "' is not supported; use Next.");
    return ReadToken(ctx, scope);
  }
  return OffsetParam(ctx.request);
}

// --- rendering --------------------------------------------------------------------

// One page of line items. `base_uri` is the collection's URI with its
// filters (no size, offset or seekOperation).
Response LineItemPage(const RouteContext& ctx, size_t count, const std::function<Json(size_t)>& render,
                      std::string_view scope, const std::string& base_uri) {
  auto size = LineItemPageSize(ctx.request);
  if (!size.ok()) return ErrorResponse(size.status());
  auto start = PageStart(ctx, scope);
  if (!start.ok()) return ErrorResponse(start.status());
  const int64_t total = static_cast<int64_t>(count);
  const int64_t begin = std::min(*start, total);
  const int64_t end = std::min(total, begin + *size);
  Json items = Json::array();
  for (int64_t i = begin; i < end; ++i) items.push_back(render(static_cast<size_t>(i)));
  const std::string self = base_uri + "&size=" + std::to_string(*size);
  if (end >= total) return JsonResponse(200, CollectionJson(std::move(items), self));
  std::string token = MakeToken(ctx, scope, end);
  Json headers = Json::array({Json{{"key", std::string(kContinuationTokenHeader)}, {"value", token}}});
  Json collection = CollectionJson(std::move(items), self, LinkJson(self + "&seekOperation=Next", "GET", std::move(headers)));
  Json out;
  out["continuationToken"] = std::move(token);
  for (auto it = collection.begin(); it != collection.end(); ++it) out[it.key()] = std::move(it.value());
  return JsonResponse(200, std::move(out));
}

Response LineItemPage(const RouteContext& ctx, const std::vector<uint32_t>& lines, std::string_view scope,
                      const std::string& base_uri) {
  return LineItemPage(
      ctx, lines.size(), [&](size_t i) { return LineItemJson(ctx.sandbox, ctx.sandbox.ledger().line(lines[i])); },
      scope, base_uri);
}

// Daily rated usage lines (Azure plan), filtered by hasPartnerEarnedCredit
// when given (true or false; only with invoicelineitemtype=usagelineitems).
Response UsageLinePage(const RouteContext& ctx, UsageLineFilter filter, std::string scope, std::string base_uri) {
  if (auto pec = ctx.request.Query("hasPartnerEarnedCredit")) {
    std::string v = ToLower(*pec);
    if (v != "true" && v != "false")
      return ErrorResponse(BadParameter("hasPartnerEarnedCredit '" + *pec + "' is not true or false."));
    filter.has_pec = v == "true";
    base_uri += "&hasPartnerEarnedCredit=" + v;
    scope += "|pec=" + v;
  }
  filter.partner_tenant_id = ctx.caller.partner_tenant_id;
  std::vector<UsageLine> lines = ctx.sandbox.UsageLines(filter);
  return LineItemPage(
      ctx, lines.size(), [&](size_t i) { return UsageLineJson(ctx.sandbox, lines[i]); }, scope, base_uri);
}

Status RefuseCreditFilter(const RouteContext& ctx) {
  if (ctx.request.Query("hasPartnerEarnedCredit"))
    return BadParameter("hasPartnerEarnedCredit applies only to invoicelineitemtype=usagelineitems.");
  return OkStatus();
}

// Get invoice line items (and its unbilled and usage pages): new-commerce
// lines of billing periods from reconciliation.v2FirstPeriod are read through
// v1 until reconciliation.v1ServedUntil, then only through the Graph export
// (`export_path`, e.g. "reconciliation/billed"). reconciliation.v1KeepServing
// keeps v1 serving them.
Status CheckV1Serves(const Sandbox& sandbox, Date period, std::string_view export_path) {
  const Policy& policy = sandbox.policy();
  const Date today = sandbox.Today();
  if (policy.Bool(PolicyKey::kReconV1KeepServing, today)) return OkStatus();
  if (period < policy.DateOf(PolicyKey::kReconV2FirstPeriod, today)) return OkStatus();
  const Date until = policy.DateOf(PolicyKey::kReconV1ServedUntil, today);
  if (today < until) return OkStatus();
  return Error<Err::ReconciliationV1Retired>(period.ToString().substr(0, 7), until.ToString(), export_path);
}

std::string_view ExportPath(LineItemType type, bool billed) {
  if (type == LineItemType::Billing) return billed ? "reconciliation/billed" : "reconciliation/unbilled";
  return billed ? "usage/billed" : "usage/unbilled";
}

// The invoice `id` ("G000000001", or "OneTime-G000000001" as documented
// detail links write it) if the caller's partner owns it.
const Invoice* VisibleInvoice(const RouteContext& ctx, std::string_view id) {
  constexpr std::string_view kPrefix = "OneTime-";
  if (id.size() > kPrefix.size() && EqualsIgnoreCase(id.substr(0, kPrefix.size()), kPrefix)) id.remove_prefix(kPrefix.size());
  for (const Invoice& inv : ctx.sandbox.ledger().invoices())
    if (EqualsIgnoreCase(inv.id, id)) return inv.partner_tenant_id == ctx.caller.partner_tenant_id ? &inv : nullptr;
  return nullptr;
}

Response InvoiceNotFound(std::string_view id) {
  return ErrorResponse(Error<Err::InvoiceNotFound>(std::string(id)));
}

const std::string& CurrencyOf(const Sandbox& sandbox, const ChargeLine& line) {
  return sandbox.catalog().OfferAt(line.offer)->market->currency;
}

// The lines of an invoice, in ledger order, that the caller may see.
Response InvoiceLineItems(const RouteContext& ctx, const std::string& invoice_id,
                          const std::optional<std::string>& provider, const std::optional<std::string>& type) {
  const Invoice* inv = VisibleInvoice(ctx, invoice_id);
  if (inv == nullptr) return InvoiceNotFound(invoice_id);
  // The legacy providers (Get invoice line items: "azure" and "office" for
  // MS-AZR-0145P subscriptions and legacy Office offers) hold the lines of
  // legacy purchases; pcsim's are all new commerce (provider onetime), so
  // their pages are empty.
  if (provider && (EqualsIgnoreCase(*provider, "office") || EqualsIgnoreCase(*provider, "azure"))) {
    auto legacy = ParseLineItemKind(std::string("onetime"), type);
    if (!legacy.ok()) return ErrorResponse(legacy.status());
    return JsonResponse(200, CollectionJson(Json::array(), "/invoices/" + inv->id + "/lineitems?provider=" +
                                                               ToLower(*provider) + "&invoicelineitemtype=" +
                                                               std::string(WireType(*legacy))));
  }
  auto kind = ParseLineItemKind(provider, type);
  if (!kind.ok()) return ErrorResponse(kind.status());
  if (Status s = CheckV1Serves(ctx.sandbox, inv->period_start, ExportPath(*kind, true)); !s.ok())
    return ErrorResponse(s);
  std::string base = "/invoices/" + inv->id + "/lineitems?provider=onetime&invoicelineitemtype=" +
                     std::string(WireType(*kind));
  auto currency = ctx.request.Query("currencycode");
  if (currency) {
    if (!IsCurrencyCode(*currency)) return ErrorResponse(BadParameter("currencycode '" + *currency + "' is not a currency code."));
    base += "&currencycode=" + *currency;
  }
  std::string scope = "invoice|" + inv->id + "|" + std::string(WireType(*kind)) + "|" + ToLower(currency.value_or(""));
  if (*kind == LineItemType::Usage) {
    UsageLineFilter filter;
    filter.invoice = inv->index;
    filter.currency = currency;
    return UsageLinePage(ctx, filter, scope, base);
  }
  if (Status s = RefuseCreditFilter(ctx); !s.ok()) return ErrorResponse(s);
  std::vector<uint32_t> lines;
  {
    for (uint32_t i : inv->lines) {
      const ChargeLine& line = ctx.sandbox.ledger().line(i);
      if (ctx.sandbox.PartnerOf(line) != ctx.caller.partner_tenant_id) continue;
      if (currency && !EqualsIgnoreCase(CurrencyOf(ctx.sandbox, line), *currency)) continue;
      lines.push_back(i);
    }
  }
  return LineItemPage(ctx, lines, scope, base);
}

// --- handlers ---------------------------------------------------------------------

// Invoices are listed in the order they were issued (ascending id, which is
// also ascending invoiceDate): a new invoice is appended at the end, so the
// offsets of the pages already read do not move.
Response ListInvoices(RouteContext& ctx) {
  auto size = IntParam(ctx.request, "size");
  if (!size.ok()) return ErrorResponse(size.status());
  int64_t page = size->value_or(kDefaultInvoicePageSize);
  if (page <= 0) return ErrorResponse(BadParameter("'size' must be a positive integer."));
  auto offset = OffsetParam(ctx.request);
  if (!offset.ok()) return ErrorResponse(offset.status());
  std::vector<const Invoice*> visible;
  for (const Invoice& inv : ctx.sandbox.ledger().invoices())
    if (inv.partner_tenant_id == ctx.caller.partner_tenant_id) visible.push_back(&inv);
  const int64_t total = static_cast<int64_t>(visible.size());
  const int64_t begin = std::min(*offset, total);
  const int64_t end = std::min(total, begin + std::min(page, total - begin));
  Json items = Json::array();
  for (int64_t i = begin; i < end; ++i) items.push_back(InvoiceJson(ctx.sandbox, *visible[static_cast<size_t>(i)], false));
  const std::string size_text = std::to_string(page);
  std::optional<Json> next;
  if (end < total) next = LinkJson("/invoices?size=" + size_text + "&offset=" + std::to_string(end));
  return JsonResponse(200, CollectionJson(std::move(items), "/invoices?size=" + size_text + "&offset=" +
                                                                std::to_string(*offset), std::move(next)));
}

// --- the account balance (Get the partner's current account balance, Get invoice summaries) ---

// How Partner Center writes a date that has no value.
constexpr std::string_view kNoDate = "0001-01-01T00:00:00";

// The balance of a partner's invoices in one currency (`invoices`, in the
// order they were issued). pcsim records no payments, so every invoice is
// unpaid and the balance is their total; new-commerce invoices are one-time
// invoices, so the one detail is "OneTime".
Json InvoiceSummaryJson(const std::vector<const Invoice*>& invoices, const std::string& currency, bool top) {
  Decimal balance;
  for (const Invoice* inv : invoices) balance += inv->total;
  const std::string first = invoices.empty() ? std::string(kNoDate) : invoices.front()->invoice_date.ToString();
  const std::string latest = invoices.empty() ? std::string(kNoDate) : invoices.back()->invoice_date.ToString();
  Json j = ObjectWithCapacity(11);
  j["balanceAmount"] = Number(balance);
  j["currencyCode"] = currency;
  j["currencySymbol"] = InvoiceCurrencySymbol(currency);
  j["accountingDate"] = latest;
  j["firstInvoiceCreationDate"] = first;
  j["lastPaymentDate"] = kNoDate;
  j["lastPaymentAmount"] = Number(Decimal());
  j["latestInvoiceDate"] = latest;
  if (top) {
    Json details = Json::array();
    if (!invoices.empty())
      details.push_back(Json{{"invoiceType", "OneTime"}, {"summary", InvoiceSummaryJson(invoices, currency, false)}});
    j["details"] = std::move(details);
    j["links"] = Json{{"self", LinkJson("/invoices/summary")}};
  }
  j["attributes"] = Attributes("InvoiceSummary");
  return j;
}

// The caller's invoices by currency, each in the order they were issued.
std::map<std::string, std::vector<const Invoice*>> InvoicesByCurrency(const RouteContext& ctx) {
  std::map<std::string, std::vector<const Invoice*>> by_currency;
  for (const Invoice& inv : ctx.sandbox.ledger().invoices())
    if (inv.partner_tenant_id == ctx.caller.partner_tenant_id) by_currency[inv.currency].push_back(&inv);
  return by_currency;
}

// A partner without invoices has a balance of 0, in USD.
Response GetInvoiceSummary(RouteContext& ctx) {
  const Invoice* latest = nullptr;
  for (const Invoice& inv : ctx.sandbox.ledger().invoices())
    if (inv.partner_tenant_id == ctx.caller.partner_tenant_id) latest = &inv;
  if (latest == nullptr) return JsonResponse(200, InvoiceSummaryJson({}, "USD", true));
  return JsonResponse(200, InvoiceSummaryJson(InvoicesByCurrency(ctx)[latest->currency], latest->currency, true));
}

Response ListInvoiceSummaries(RouteContext& ctx) {
  Json items = Json::array();
  for (const auto& [currency, invoices] : InvoicesByCurrency(ctx)) items.push_back(InvoiceSummaryJson(invoices, currency, true));
  return JsonResponse(200, CollectionJson(std::move(items), "/invoices/summaries"));
}

Response GetInvoice(RouteContext& ctx) {
  const Invoice* inv = VisibleInvoice(ctx, ctx.params[0]);
  if (inv == nullptr) return InvoiceNotFound(ctx.params[0]);
  return JsonResponse(200, InvoiceJson(ctx.sandbox, *inv, true));
}

// Get invoice statement: the PDF, as an attachment named as Partner Center
// names it.
Response GetInvoiceStatement(RouteContext& ctx) {
  const Invoice* inv = VisibleInvoice(ctx, ctx.params[0]);
  if (inv == nullptr) return InvoiceNotFound(ctx.params[0]);
  Response r;
  r.content_type = "application/pdf";
  r.body = InvoiceStatementPdf(ctx.sandbox, *inv);
  r.SetHeader("Content-Disposition", "attachment; filename=Invoice_" + inv->id + ".pdf");
  return r;
}

Response GetInvoiceLineItems(RouteContext& ctx) {
  return InvoiceLineItems(ctx, ctx.params[0], ctx.request.Query("provider"), ctx.request.Query("invoicelineitemtype"));
}

// The older path form: /invoices/{id}/lineitems/OneTime/BillingLineItems.
Response GetInvoiceLineItemsByPath(RouteContext& ctx) {
  return InvoiceLineItems(ctx, ctx.params[0], ctx.params[1], ctx.params[2]);
}

// Lines not yet invoiced whose orderDate is in the current calendar month of
// the simulated today (period=current) or in the month before (previous).
Response GetUnbilledLineItems(RouteContext& ctx) {
  auto kind = ParseLineItemKind(ctx.request.Query("provider"), ctx.request.Query("invoicelineitemtype"));
  if (!kind.ok()) return ErrorResponse(kind.status());
  auto currency = ctx.request.Query("currencycode");
  if (!currency || currency->empty())
    return ErrorResponse(BadParameter("the 'currencycode' parameter is required for unbilled line items."));
  if (!IsCurrencyCode(*currency))
    return ErrorResponse(BadParameter("currencycode '" + *currency + "' is not a currency code."));
  auto period = ctx.request.Query("period");
  if (!period || period->empty())
    return ErrorResponse(BadParameter("the 'period' parameter is required (current or previous)."));
  const std::string period_text = ToLower(*period);
  Date month = ctx.sandbox.Today().FirstOfMonth();
  if (period_text == "previous") month = month.AddMonthsClamped(-1);
  else if (period_text != "current")
    return ErrorResponse(BadParameter("period '" + *period + "' is not supported; use current or previous."));
  if (Status s = CheckV1Serves(ctx.sandbox, month, ExportPath(*kind, false)); !s.ok()) return ErrorResponse(s);

  std::string base = "/invoices/unbilled/lineitems?provider=onetime&invoicelineitemtype=" +
                     std::string(WireType(*kind)) + "&currencycode=" + *currency + "&period=" + period_text;
  // The month is part of the scope: a token read in one month is not valid in the next.
  std::string scope = "unbilled|" + std::string(WireType(*kind)) + "|" + ToLower(*currency) + "|" + month.ToString();
  if (*kind == LineItemType::Usage) {
    UsageLineFilter filter;
    filter.period = month;
    filter.unbilled_only = true;
    filter.currency = *currency;
    return UsageLinePage(ctx, filter, scope, base);
  }
  if (Status s = RefuseCreditFilter(ctx); !s.ok()) return ErrorResponse(s);
  std::vector<uint32_t> lines;
  {
    for (uint32_t i : ctx.sandbox.ledger().LinesOfPeriod(month)) {
      const ChargeLine& line = ctx.sandbox.ledger().line(i);
      if (line.invoice != kNoIndex) continue;
      if (ctx.sandbox.PartnerOf(line) != ctx.caller.partner_tenant_id) continue;
      if (!EqualsIgnoreCase(CurrencyOf(ctx.sandbox, line), *currency)) continue;
      lines.push_back(i);
    }
  }
  return LineItemPage(ctx, lines, scope, base);
}

}  // namespace

void RegisterInvoiceRoutes(RouteTable& table) {
  // Before /v1/invoices/{}/lineitems, which would otherwise take "unbilled" for an invoice id.
  table.Add("GET", "/v1/invoices/unbilled/lineitems", GetUnbilledLineItems);
  table.Add("GET", "/v1/invoices", ListInvoices);
  // Before /v1/invoices/{}: "summary" is not an invoice id.
  table.Add("GET", "/v1/invoices/summary", GetInvoiceSummary);
  table.Add("GET", "/v1/invoices/summaries", ListInvoiceSummaries);
  table.Add("GET", "/v1/invoices/{}", GetInvoice);
  table.Add("GET", "/v1/invoices/{}/documents/statement", GetInvoiceStatement);
  table.Add("GET", "/v1/invoices/{}/lineitems", GetInvoiceLineItems);
  table.Add("GET", "/v1/invoices/{}/lineitems/{}/{}", GetInvoiceLineItemsByPath);
}

}  // namespace pcsim::api
