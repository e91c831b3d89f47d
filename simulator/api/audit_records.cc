// The activity log (audit_records.h; docs/activity-log.md).
#include "simulator/api/audit_records.h"

#include <algorithm>
#include <cstdint>
#include <string>
#include <vector>

#include "simulator/api/continuation_token.h"
#include "simulator/api/resources.h"
#include "simulator/api/router.h"
#include "simulator/model/errors.h"

namespace pcsim::api {
namespace {

// "Get a record of Partner Center activity": records of the previous 90 days
// only; 30 days when no startDate is given. The page size is pcsim's choice
// (the documented example asks for 500).
constexpr int kAvailableDays = 90;
constexpr int kDefaultDays = 30;
constexpr int64_t kMaxPageSize = 500;
constexpr ContinuationTokenKind kAuditTokens{"a1", "pcsim-auditrecords", 0x50435341756469ULL};  // "PCSAudi"
// .NET ticks (100 ns) from 0001-01-01 to 1970-01-01.
constexpr int64_t kUnixEpochTicks = 621'355'968'000'000'000;

Status BadParameter(std::string description) { return Error<Err::InvalidInput>(std::move(description)); }

std::string WithoutUnderscores(std::string_view s) {
  std::string out;
  for (char c : s)
    if (c != '_') out.push_back(c);
  return out;
}

// A customizedData entry {key, value}; the value a string or null.
Json Pair(std::string key, Json value) {
  Json p = ObjectWithCapacity(2);
  p["key"] = std::move(key);
  p["value"] = std::move(value);
  return p;
}

// A JSON value of the journal's facts as customizedData's string (or null).
Json AsText(const Json& v) {
  if (v.is_null() || v.is_string()) return v;
  if (auto text = NumberText(v)) return *text;
  return Dump(v);
}

std::string PascalCase(std::string_view key) {
  std::string out(key);
  if (!out.empty() && out[0] >= 'a' && out[0] <= 'z') out[0] = static_cast<char>(out[0] - 'a' + 'A');
  return out;
}

// What the entry records, as GET /_sim/events shows it, without the instant
// (operationDate) and the request id (originalCorrelationId).
Json EntryFacts(const Sandbox& sandbox, const JournalEntry& e) {
  Json facts = JournalEntryJson(sandbox, e);
  facts.erase("at");
  facts.erase("requestId");
  return facts;
}

Json CustomizedData(const Sandbox& sandbox, const JournalEntry& e, const Json& facts) {
  Json data = Json::array();
  if (e.kind == JournalKind::OrderCreated) {
    // As the documented create_order record lists an order: one group of keys per line.
    const Order& o = sandbox.OrderAt(e.subject);
    data.push_back(Pair("OrderId", o.id));
    data.push_back(Pair("BillingCycle", o.lines.empty() ? Json(nullptr)
                                                        : Json(std::string(WireBillingCycle(o.lines.front().billing)))));
    for (size_t i = 0; i < o.lines.size(); ++i) {
      const OrderLine& l = o.lines[i];
      const std::string n = std::to_string(i);
      data.push_back(Pair("OfferId-" + n, l.offer->catalog_item_id));
      data.push_back(Pair("SubscriptionId-" + n, l.subscription == kNoIndex
                                                     ? Json(nullptr)
                                                     : Json(sandbox.SubscriptionAt(l.subscription).id)));
      data.push_back(Pair("SubscriptionName-" + n, l.friendly_name));
      data.push_back(Pair("Quantity-" + n, std::to_string(l.quantity)));
      data.push_back(Pair("PartnerOnRecord-" + n, l.reseller_id.empty() ? Json(nullptr) : Json(l.reseller_id)));
    }
    return data;
  }
  for (const auto& [key, value] : facts.items()) data.push_back(Pair(PascalCase(key), AsText(value)));
  return data;
}

}  // namespace

std::optional<AuditOperation> AuditOperationOf(JournalKind kind) {
  switch (kind) {
    case JournalKind::CustomerCreated: return AuditOperation{"customer", "add_customer"};
    case JournalKind::AgreementAttested: return AuditOperation{"agreement", "create_agreement"};
    case JournalKind::QualificationAdded: return AuditOperation{"customer", "update_customer_qualification"};
    case JournalKind::OrderCreated: return AuditOperation{"order", "create_order"};
    case JournalKind::OrderCompleted: return AuditOperation{"order", "update_order"};
    case JournalKind::UserCreated: return AuditOperation{"customer_user", "create_customer_user"};
    case JournalKind::UserDeleted: return AuditOperation{"customer_user", "delete_customer_user"};
    case JournalKind::Upgraded: return AuditOperation{"subscription", "upgrade_subscription"};
    case JournalKind::TrialConverted: return AuditOperation{"subscription", "convert_trial_subscription"};
    case JournalKind::InvoiceClosed: return AuditOperation{"invoice", "ready_invoice"};
    case JournalKind::Purchased:
    case JournalKind::CycleStarted:
    case JournalKind::Charged:
      return std::nullopt;
    default:
      if (UpdatesSubscription(kind)) return AuditOperation{"subscription", "update_subscription"};
      return std::nullopt;
  }
}

std::string AuditRecordId(const Sandbox& sandbox, size_t journal_index) {
  if (journal_index >= sandbox.journal().size()) return {};
  const JournalEntry& e = sandbox.journal()[journal_index];
  auto op = AuditOperationOf(e.kind);
  if (!op) return {};
  const uint32_t customer = sandbox.CustomerOf(e);
  const int64_t ticks = kUnixEpochTicks + e.at.micros() * 10;
  std::string id = sandbox.PartnerOf(e);
  id += '_';
  if (customer != kNoIndex) id += sandbox.CustomerAt(customer).id;
  id += '_';
  id += WithoutUnderscores(op->operation_type);
  id += '_';
  id += std::to_string(ticks);
  id += '_';
  id += std::to_string(journal_index);
  return id;
}

std::optional<size_t> JournalIndexOfAuditRecord(const Sandbox& sandbox, std::string_view id) {
  size_t last = id.rfind('_');
  if (last == std::string_view::npos) return std::nullopt;
  std::string_view digits = id.substr(last + 1);
  if (digits.empty() || digits.size() > 12) return std::nullopt;
  size_t index = 0;
  for (char c : digits) {
    if (c < '0' || c > '9') return std::nullopt;
    index = index * 10 + static_cast<size_t>(c - '0');
  }
  const std::string expected = AuditRecordId(sandbox, index);
  if (expected.empty() || !EqualsIgnoreCase(expected, id)) return std::nullopt;
  return index;
}

Json AuditRecordJson(const Sandbox& sandbox, size_t journal_index) {
  const JournalEntry& e = sandbox.journal()[journal_index];
  const AuditOperation op = *AuditOperationOf(e.kind);
  const uint32_t customer = sandbox.CustomerOf(e);
  const RequestOrigin* origin = sandbox.RequestOf(e);
  auto text_or_null = [](const std::string* s) { return s == nullptr || s->empty() ? Json(nullptr) : Json(*s); };
  Json facts = EntryFacts(sandbox, e);
  Json r = ObjectWithCapacity(16);
  r["id"] = AuditRecordId(sandbox, journal_index);
  r["partnerId"] = sandbox.PartnerOf(e);
  r["customerId"] = customer == kNoIndex ? Json(nullptr) : Json(sandbox.CustomerAt(customer).id);
  r["customerName"] = customer == kNoIndex ? Json(nullptr) : Json(sandbox.CustomerAt(customer).company_name);
  r["userPrincipalName"] = text_or_null(origin ? &origin->user_principal_name : nullptr);
  r["applicationId"] = text_or_null(origin ? &origin->application_id : nullptr);
  r["resourceType"] = std::string(op.resource_type);
  // The journal keeps what changed, not the resource before and after it.
  r["resourceOldValue"] = nullptr;
  r["resourceNewValue"] = Dump(facts);
  r["operationType"] = std::string(op.operation_type);
  r["operationDate"] = e.at.ToStringWith7Fraction();
  r["operationStatus"] = "succeeded";
  r["originalCorrelationId"] =
      text_or_null(origin == nullptr ? nullptr
                                     : !origin->correlation_id.empty() ? &origin->correlation_id : &origin->request_id);
  Json data = CustomizedData(sandbox, e, facts);
  data.push_back(Pair("InitiatedBy", origin != nullptr ? "partner" : "system"));
  r["customizedData"] = std::move(data);
  r["attributes"] = Attributes("AuditRecord");
  return r;
}

namespace {

// "yyyy-mm-dd", an RFC 3339 instant, or the documented example's
// "6/1/2017 12:00:00 AM" (M/D/YYYY, a time of day optional). The range is
// whole days: a time of day is read and then left aside.
std::optional<Date> ParseAuditDate(std::string_view text) {
  if (auto d = Date::Parse(text)) return d;
  if (auto i = Instant::Parse(text)) return i->date();
  size_t space = text.find(' ');
  std::string_view day = text.substr(0, space);
  int parts[3] = {0, 0, 0};
  int n = 0;
  size_t digits = 0;
  for (char c : day) {
    if (c == '/') {
      if (digits == 0 || ++n > 2) return std::nullopt;
      digits = 0;
    } else if (c >= '0' && c <= '9' && digits < 4) {
      parts[n] = parts[n] * 10 + (c - '0');
      ++digits;
    } else {
      return std::nullopt;
    }
  }
  if (n != 2 || digits != 4 || parts[0] < 1 || parts[0] > 12 || parts[1] < 1 || parts[1] > 31)
    return std::nullopt;
  if (space != std::string_view::npos) {
    // h:mm:ss AM|PM
    std::string_view time = text.substr(space + 1);
    size_t sp = time.find(' ');
    if (sp == std::string_view::npos) return std::nullopt;
    std::string_view clock = time.substr(0, sp), half = time.substr(sp + 1);
    if (!EqualsIgnoreCase(half, "AM") && !EqualsIgnoreCase(half, "PM")) return std::nullopt;
    int fields = 1;
    digits = 0;
    for (char c : clock) {
      if (c == ':') {
        if (digits == 0 || ++fields > 3) return std::nullopt;
        digits = 0;
      } else if (c >= '0' && c <= '9' && digits < 2) {
        ++digits;
      } else {
        return std::nullopt;
      }
    }
    if (fields != 3 || digits != 2) return std::nullopt;
  }
  return Date::FromYmd(parts[2], parts[0], parts[1]);
}

struct AuditFilter {
  enum class FieldName { CompanyName, CustomerId, ResourceType } field = FieldName::CompanyName;
  bool substring = false;
  std::string value;  // lower case
};

StatusOr<std::optional<AuditFilter>> ParseFilter(const Request& request) {
  auto text = request.Query("filter");
  if (!text || text->empty()) return std::optional<AuditFilter>();
  auto invalid = [](std::string why) { return Error<Err::AuditFilterInvalid>(std::move(why)); };
  auto parsed = nlohmann::json::parse(*text, nullptr, false);
  if (parsed.is_discarded() || !parsed.is_object()) return invalid("is not a JSON object");
  AuditFilter f;
  bool has_field = false, has_value = false, has_operator = false;
  for (const auto& [key, value] : parsed.items()) {
    if (!value.is_string()) return invalid("has \"" + key.substr(0, 64) + "\" that is not a string");
    const std::string v = value.get<std::string>();
    if (EqualsIgnoreCase(key, "Field")) {
      has_field = true;
      if (EqualsIgnoreCase(v, "CompanyName")) f.field = AuditFilter::FieldName::CompanyName;
      else if (EqualsIgnoreCase(v, "CustomerId")) f.field = AuditFilter::FieldName::CustomerId;
      else if (EqualsIgnoreCase(v, "ResourceType")) f.field = AuditFilter::FieldName::ResourceType;
      else return invalid("names the field \"" + v.substr(0, 64) + "\"");
    } else if (EqualsIgnoreCase(key, "Value")) {
      has_value = true;
      f.value = ToLower(v);
    } else if (EqualsIgnoreCase(key, "Operator")) {
      has_operator = true;
      if (EqualsIgnoreCase(v, "substring")) f.substring = true;
      else if (EqualsIgnoreCase(v, "equals")) f.substring = false;
      else return invalid("names the operator \"" + v.substr(0, 64) + "\"");
    } else {
      return invalid("has the unknown key \"" + key.substr(0, 64) + "\"");
    }
  }
  if (!has_field || !has_value || !has_operator) return invalid("needs Field, Value and Operator");
  return std::optional<AuditFilter>(std::move(f));
}

bool Matches(const AuditFilter& f, std::string_view actual) {
  const std::string lower = ToLower(actual);
  return f.substring ? lower.find(f.value) != std::string::npos : lower == f.value;
}

// Whether the entry's record passes the filter.
bool Passes(const Sandbox& sandbox, const JournalEntry& e, const AuditOperation& op, const AuditFilter& f) {
  if (f.field == AuditFilter::FieldName::ResourceType) return Matches(f, op.resource_type);
  const uint32_t customer = sandbox.CustomerOf(e);
  if (customer == kNoIndex) return false;
  const Customer& c = sandbox.CustomerAt(customer);
  return Matches(f, f.field == AuditFilter::FieldName::CompanyName ? c.company_name : c.id);
}

StatusOr<std::optional<size_t>> ReadToken(const RouteContext& ctx, std::string_view scope) {
  auto header = ctx.request.Header(kContinuationTokenHeader);
  if (!header || header->empty()) return std::optional<size_t>();
  auto index = ReadContinuationToken(ctx.sandbox, kAuditTokens, ctx.caller.partner_tenant_id, scope, *header);
  if (!index) return BadParameter("the MS-ContinuationToken is not valid for this query.");
  return std::optional<size_t>(static_cast<size_t>(*index));
}

StatusOr<int64_t> PageSize(const Request& request) {
  auto text = request.Query("size");
  if (!text) return kMaxPageSize;
  const Status bad = BadParameter("'size' must be a positive integer (at most 500).");
  if (text->empty() || text->size() > 18) return bad;
  int64_t size = 0;
  for (char c : *text) {
    if (c < '0' || c > '9') return bad;
    size = size * 10 + (c - '0');
  }
  if (size <= 0) return bad;
  return std::min(size, kMaxPageSize);
}

Response List(RouteContext& ctx) {
  const Sandbox& sandbox = ctx.sandbox;
  const Date today = sandbox.Today();
  std::optional<Date> start, end;
  for (auto [name, out] : {std::pair<const char*, std::optional<Date>*>{"startDate", &start}, {"endDate", &end}}) {
    auto text = ctx.request.Query(name);
    if (!text || text->empty() || EqualsIgnoreCase(*text, "null")) continue;
    *out = ParseAuditDate(*text);
    if (!*out)
      return ErrorResponse(BadParameter("'" + std::string(name) + "' must be a date (yyyy-mm-dd), not '" +
                                        text->substr(0, 64) + "'."));
  }
  if (!start) start = today.AddDays(-kDefaultDays);
  if (*start < today.AddDays(-kAvailableDays))
    return ErrorResponse(Error<Err::AuditStartTooEarly>(start->ToString(), std::to_string(kAvailableDays),
                                                        today.ToString(), std::to_string(kAvailableDays)));
  const bool end_given = end.has_value();
  if (!end || *end > today) end = today;
  if (end_given && *end < *start)
    return ErrorResponse(BadParameter("'endDate' " + end->ToString() + " is before 'startDate' " +
                                      start->ToString() + "."));
  auto filter = ParseFilter(ctx.request);
  if (!filter.ok()) return ErrorResponse(filter.status());
  auto size = PageSize(ctx.request);
  if (!size.ok()) return ErrorResponse(size.status());

  // The query as the links repeat it (the self link of the documented example).
  std::string query = "startDate=" + start->ToString();
  if (end_given) query += "&endDate=" + end->ToString();
  query += "&size=" + std::to_string(*size);
  if (auto f = ctx.request.Query("filter"); f && !f->empty()) query += "&filter=" + PercentEncode(*f);
  auto token = ReadToken(ctx, query);
  if (!token.ok()) return ErrorResponse(token.status());

  // The journal is in time order: seek to the first entry of the range.
  const auto& journal = sandbox.journal();
  const Instant from = Instant::StartOf(*start), until = Instant::StartOf(end->AddDays(1));
  size_t i = static_cast<size_t>(
      std::lower_bound(journal.begin(), journal.end(), from, [](const JournalEntry& e, Instant t) { return e.at < t; }) -
      journal.begin());
  if (*token) i = std::max(i, **token);
  const std::string& partner = ctx.caller.partner_tenant_id;
  Json items = Json::array();
  std::optional<size_t> next;
  for (; i < journal.size() && journal[i].at < until; ++i) {
    const JournalEntry& e = journal[i];
    auto op = AuditOperationOf(e.kind);
    if (!op || sandbox.PartnerOf(e) != partner) continue;
    if (*filter && !Passes(sandbox, e, *op, **filter)) continue;
    if (static_cast<int64_t>(items.size()) == *size) {
      next = i;
      break;
    }
    items.push_back(AuditRecordJson(sandbox, i));
  }
  std::optional<Json> next_link;
  if (next) {
    const std::string t = MakeContinuationToken(sandbox, kAuditTokens, partner, query, *next);
    next_link = LinkJson("/auditrecords?" + query, "GET", Json::array({Json{{"key", std::string(kContinuationTokenHeader)}, {"value", t}}}));
  }
  return JsonResponse(200, CollectionJson(std::move(items), "/auditrecords?" + query, std::move(next_link)));
}

Response One(RouteContext& ctx) {
  const std::string& id = ctx.params[0];
  auto index = JournalIndexOfAuditRecord(ctx.sandbox, id);
  if (!index || ctx.sandbox.PartnerOf(ctx.sandbox.journal()[*index]) != ctx.caller.partner_tenant_id)
    return ErrorResponse(Error<Err::AuditRecordNotFound>(id.substr(0, 256)));
  return JsonResponse(200, AuditRecordJson(ctx.sandbox, *index));
}

}  // namespace

void RegisterAuditRoutes(RouteTable& table) {
  table.Add("GET", "/v1/auditrecords", List);
  table.Add("GET", "/v1/auditrecords/{}", One);
}

}  // namespace pcsim::api
