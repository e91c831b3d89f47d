// Reading and writing the book file (book_codec.h).
#include "simulator/api/book_codec.h"

#include <set>
#include <sstream>

#include "simulator/api/compression.h"
#include "simulator/api/http_types.h"
#include "simulator/api/json_support.h"
#include "simulator/api/resources.h"
#include "simulator/api/scheduled_action_codec.h"
#include "simulator/model/data_file.h"
#include "simulator/model/errors.h"
#include "simulator/model/json_reader.h"

namespace pcsim::api {
namespace {

// --- reading -------------------------------------------------------------------

// A date written YYYY-MM-DD or as an RFC 3339 instant (its day).
std::optional<Date> DayOf(const std::string& text) {
  if (auto d = Date::Parse(text)) return d;
  if (auto t = Instant::Parse(text)) return t->date();
  return std::nullopt;
}

Date DateAt(JsonObjectReader& r, std::string_view key) {
  std::string text = r.String(key);
  auto d = DayOf(text);
  if (!d) r.Fail(key, "not a date (YYYY-MM-DD or an RFC 3339 instant): \"" + Excerpt(text) + "\"");
  return *d;
}

std::optional<Date> OptionalDateAt(JsonObjectReader& r, std::string_view key) {
  if (!r.Has(key)) return std::nullopt;
  return DateAt(r, key);
}

template <typename T>
T Checked(JsonObjectReader& r, std::string_view key, StatusOr<T> value) {
  if (!value.ok()) r.Fail(key, value.status().description());
  return *std::move(value);
}

ActionOrigin OriginAt(JsonObjectReader& r, std::string_view key) {
  std::string text = r.String(key);
  for (auto o : {ActionOrigin::Partner, ActionOrigin::Backfill, ActionOrigin::AutoRenewOffRule})
    if (text == ToString(o)) return o;
  r.Fail(key, "expected partner, backfill or autoRenewOffRule");
}

SubscriptionStatus StatusAt(JsonObjectReader& r, std::string_view key) {
  std::string text = r.String(key);
  for (auto s : {SubscriptionStatus::Active, SubscriptionStatus::Suspended, SubscriptionStatus::Expired,
                 SubscriptionStatus::Disabled, SubscriptionStatus::Deleted})
    if (EqualsIgnoreCase(text, ToString(s))) return s;
  r.Fail(key, "not a subscription status: \"" + Excerpt(text) + "\"");
}

BookSubscription ReadSubscription(const nlohmann::json& j, const std::string& path, const BookSource& source) {
  if (!j.is_object()) {
    DataFileError e;
    e.path = path;
    e.reason = "a subscription must be an object";
    throw e;
  }
  JsonObjectReader r(j, path);
  BookSubscription s;
  s.source = source;
  s.id = r.String("id");
  s.offer_id = r.String("offerId");
  s.friendly_name = r.OptionalString("friendlyName").value_or("");
  s.order_id = r.OptionalString("orderId").value_or("");
  s.quantity = r.Int("quantity", INT32_MIN, INT32_MAX);
  if (r.Has("status")) s.status = StatusAt(r, "status");
  std::string term = r.String("termDuration");
  auto t = ParseTerm(term);
  if (!t) r.Fail("termDuration", "expected P1M, P1Y or P3Y");
  s.term = *t;
  std::string billing = r.String("billingCycle");
  auto b = ParseBilling(billing);
  if (!b) r.Fail("billingCycle", "expected monthly, annual or triennial");
  s.billing = *b;
  s.term_start = DateAt(r, "effectiveStartDate");
  s.term_end = DateAt(r, "commitmentEndDate");
  if (s.term_end < s.term_start) r.Fail("commitmentEndDate", "is before effectiveStartDate");
  s.custom_term_end = OptionalDateAt(r, "customTermEndDate");
  s.auto_renew = r.Bool("autoRenewEnabled");
  if (r.Has("unitPrice")) s.unit_price = r.DecimalString("unitPrice");
  s.promotion_id = r.OptionalString("promotionId").value_or("");
  s.reseller_id = r.OptionalString("partnerId").value_or("");
  if (auto created = r.OptionalString("creationDate")) {
    auto at = Instant::Parse(*created);
    if (!at) r.Fail("creationDate", "not an RFC 3339 instant");
    s.created = *at;
  }
  s.in_est = r.OptionalBool("isInExtendedServiceTerm").value_or(false);
  s.est_start = OptionalDateAt(r, "extendedServiceTermStartDate");
  if (s.in_est && !s.est_start)
    r.Fail("extendedServiceTermStartDate", "is required when isInExtendedServiceTerm is true");
  if (r.Has("scheduledNextTermInstructions"))
    s.next_term = Checked(r, "scheduledNextTermInstructions", ReadNextTerm(r.Object("scheduledNextTermInstructions")));
  const nlohmann::json& actions = r.Array("scheduledActions", false);
  if (actions.size() > 1) r.Fail("scheduledActions", "a subscription holds at most one scheduled action");
  if (actions.size() == 1) {
    JsonObjectReader a(actions[0], IndexPath(r.ChildPath("scheduledActions"), 0));
    BookScheduledAction action;
    // The action's own keys are Partner Center's; setBy is the book's.
    nlohmann::json request = actions[0];
    if (request.is_object()) request.erase("setBy");
    action.request = Checked(r, "scheduledActions", ReadScheduledAction(request));
    if (a.Has("setBy")) action.origin = OriginAt(a, "setBy");
    s.scheduled_action = std::move(action);
  }
  r.RejectUnknownKeys();
  return s;
}

BookCustomer ReadCustomer(const nlohmann::json& j, const std::string& path, const BookSource& source) {
  if (!j.is_object()) {
    DataFileError e;
    e.path = path;
    e.reason = "a customer must be an object";
    throw e;
  }
  JsonObjectReader r(j, path);
  BookCustomer c;
  c.source = source;
  c.id = r.String("id");
  c.company_name = r.String("companyName");
  c.domain = r.String("domain");
  c.country = r.String("country");
  c.reseller_id = r.OptionalString("resellerId").value_or("");
  const nlohmann::json& subs = r.Array("subscriptions", false);
  c.subscriptions.reserve(subs.size());
  for (size_t i = 0; i < subs.size(); ++i)
    c.subscriptions.push_back(ReadSubscription(subs[i], IndexPath(r.ChildPath("subscriptions"), i), source));
  r.RejectUnknownKeys();
  return c;
}

// The header's keys; `customers` is read by the caller (document layout).
void ReadHeader(const nlohmann::json& j, Book& book, bool document) {
  JsonObjectReader r(j, "");
  book.version = r.Int("pcsimBook", 0, 1 << 20);
  if (book.version != kBookFormatVersion)
    r.Fail("pcsimBook", "this pcsim reads book format " + std::to_string(kBookFormatVersion));
  std::string as_of = r.String("asOf");
  auto t = Instant::Parse(as_of);
  if (!t) r.Fail("asOf", "not an RFC 3339 instant");
  book.as_of = *t;
  if (r.Has("partner")) {
    JsonObjectReader p(r.Object("partner"), "partner");
    book.partner_tenant_id = p.OptionalString("tenantId").value_or("");
    book.partner_mpn_id = p.OptionalString("mpnId").value_or("");
    book.partner_name = p.OptionalString("name").value_or("");
    p.RejectUnknownKeys();
  }
  const nlohmann::json& resellers = r.Array("resellers", false);
  for (size_t i = 0; i < resellers.size(); ++i) {
    JsonObjectReader x(resellers[i], IndexPath("resellers", i));
    BookReseller reseller;
    reseller.id = x.String("id");
    reseller.mpn_id = x.OptionalString("mpnId").value_or("");
    reseller.name = x.OptionalString("name").value_or("");
    x.RejectUnknownKeys();
    book.resellers.push_back(std::move(reseller));
  }
  book.assumptions = r.OptionalStringList("assumptions");
  if (document) (void)r.Array("customers", false);
  r.RejectUnknownKeys();
}

Status LineError(const std::string& file, size_t line, const DataFileError& e) {
  return Error<Err::InvalidInput>(file + ":" + std::to_string(line) + ": " + e.Message());
}

StatusOr<Book> ParseJsonLines(std::string_view text, const std::string& file) {
  Book book;
  size_t line_no = 0, pos = 0;
  bool header = true;
  while (pos < text.size()) {
    size_t end = text.find('\n', pos);
    if (end == std::string_view::npos) end = text.size();
    std::string_view line = text.substr(pos, end - pos);
    pos = end + 1;
    ++line_no;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (line.find_first_not_of(" \t") == std::string_view::npos) continue;
    auto j = ParseExactJson(line);
    if (!j) return Error<Err::InvalidInput>(file + ":" + std::to_string(line_no) + ": not a complete JSON object (a "
                                            "truncated or malformed line)");
    try {
      if (header) {
        ReadHeader(*j, book, false);
        header = false;
      } else {
        book.customers.push_back(ReadCustomer(*j, "", BookSource{file, line_no}));
      }
    } catch (const DataFileError& e) {
      return LineError(file, line_no, e);
    }
  }
  if (header) return Error<Err::InvalidInput>(file + ": the book is empty (no header line)");
  return book;
}

StatusOr<Book> ParseDocument(std::string_view text, const std::string& file) {
  std::optional<JsonDocument> doc;
  try {
    doc.emplace(text);
  } catch (const DataFileError& e) {
    return Error<Err::InvalidInput>(LocatedMessage(file, text, nullptr, e));
  }
  Book book;
  try {
    ReadHeader(doc->root(), book, true);
    static const nlohmann::json kNone = nlohmann::json::array();
    const nlohmann::json& customers = doc->root().contains("customers") ? doc->root().at("customers") : kNone;
    if (!customers.is_array()) {
      DataFileError e;
      e.path = "customers";
      e.reason = "expected an array";
      e.node = &customers;
      throw e;
    }
    for (size_t i = 0; i < customers.size(); ++i) {
      auto offset = doc->ValueOffset(&customers[i]);
      size_t line = offset ? PositionOfOffset(text, *offset).line : 0;
      // Each subscription names its own line.
      BookCustomer c = ReadCustomer(customers[i], IndexPath("customers", i), BookSource{file, line});
      if (const auto* subs = customers[i].contains("subscriptions") ? &customers[i].at("subscriptions") : nullptr)
        for (size_t k = 0; k < c.subscriptions.size(); ++k)
          if (auto o = doc->ValueOffset(&(*subs)[k])) c.subscriptions[k].source.line = PositionOfOffset(text, *o).line;
      book.customers.push_back(std::move(c));
    }
  } catch (const DataFileError& e) {
    return Error<Err::InvalidInput>(LocatedMessage(file, text, &*doc, e));
  }
  return book;
}

// --- writing -------------------------------------------------------------------

std::string DayText(Date d) { return d.ToString(); }

Json NextTermJsonOf(const NextTermRequest& n) {
  Json product = ObjectWithCapacity(6);
  product["productId"] = n.product_id;
  product["skuId"] = n.sku_id;
  product["availabilityId"] = n.availability_id;
  if (n.billing) product["billingCycle"] = WireBillingCycle(*n.billing);
  if (n.term) product["termDuration"] = ToString(*n.term);
  if (!n.promotion_id.empty()) product["promotionId"] = n.promotion_id;
  Json j = ObjectWithCapacity(3);
  j["product"] = std::move(product);
  if (n.quantity) j["quantity"] = *n.quantity;
  if (n.custom_term_end) j["customTermEndDate"] = DayText(*n.custom_term_end);
  return j;
}

Json SubscriptionRecord(const BookSubscription& s) {
  Json j = ObjectWithCapacity(24);
  j["id"] = s.id;
  j["offerId"] = s.offer_id;
  if (!s.friendly_name.empty()) j["friendlyName"] = s.friendly_name;
  if (!s.order_id.empty()) j["orderId"] = s.order_id;
  j["quantity"] = s.quantity;
  j["status"] = ToString(s.status);
  j["termDuration"] = ToString(s.term);
  j["billingCycle"] = WireBillingCycle(s.billing);
  j["effectiveStartDate"] = DayText(s.term_start);
  j["commitmentEndDate"] = DayText(s.term_end);
  if (s.custom_term_end) j["customTermEndDate"] = DayText(*s.custom_term_end);
  j["autoRenewEnabled"] = s.auto_renew;
  if (s.unit_price) j["unitPrice"] = s.unit_price->ToString();
  if (!s.promotion_id.empty()) j["promotionId"] = s.promotion_id;
  if (!s.reseller_id.empty()) j["partnerId"] = s.reseller_id;
  if (s.created) j["creationDate"] = s.created->ToString();
  if (s.in_est) {
    j["isInExtendedServiceTerm"] = true;
    j["extendedServiceTermStartDate"] = DayText(*s.est_start);
  }
  if (s.next_term) j["scheduledNextTermInstructions"] = NextTermJsonOf(*s.next_term);
  if (s.scheduled_action) {
    const ScheduledActionRequest& a = s.scheduled_action->request;
    Json action = ObjectWithCapacity(5);
    action["scheduleType"] = ToString(a.schedule);
    action["actionType"] = ToString(a.action);
    if (a.effective_date) action["effectiveDate"] = DayText(*a.effective_date);
    if (a.instructions) action["instructions"] = NextTermJsonOf(*a.instructions);
    action["setBy"] = ToString(s.scheduled_action->origin);
    j["scheduledActions"] = Json::array({std::move(action)});
  }
  return j;
}

Json CustomerRecord(const BookCustomer& c) {
  Json j = ObjectWithCapacity(6);
  j["id"] = c.id;
  j["companyName"] = c.company_name;
  j["domain"] = c.domain;
  j["country"] = c.country;
  if (!c.reseller_id.empty()) j["resellerId"] = c.reseller_id;
  Json subs = Json::array();
  for (const BookSubscription& s : c.subscriptions) subs.push_back(SubscriptionRecord(s));
  j["subscriptions"] = std::move(subs);
  return j;
}

Json HeaderRecord(const Book& book) {
  Json j = ObjectWithCapacity(6);
  j["pcsimBook"] = book.version;
  j["asOf"] = book.as_of.ToString();
  Json partner = ObjectWithCapacity(3);
  if (!book.partner_tenant_id.empty()) partner["tenantId"] = book.partner_tenant_id;
  if (!book.partner_mpn_id.empty()) partner["mpnId"] = book.partner_mpn_id;
  if (!book.partner_name.empty()) partner["name"] = book.partner_name;
  j["partner"] = std::move(partner);
  Json resellers = Json::array();
  for (const BookReseller& r : book.resellers) {
    Json x = ObjectWithCapacity(3);
    x["id"] = r.id;
    if (!r.mpn_id.empty()) x["mpnId"] = r.mpn_id;
    if (!r.name.empty()) x["name"] = r.name;
    resellers.push_back(std::move(x));
  }
  j["resellers"] = std::move(resellers);
  j["assumptions"] = book.assumptions;
  return j;
}

NextTermRequest RequestOf(const NextTermInstructions& n) {
  NextTermRequest r;
  r.product_id = n.offer->product->id;
  r.sku_id = n.offer->sku->id;
  r.availability_id = n.offer->availability->id;
  r.term = n.term;
  r.billing = n.billing;
  r.quantity = n.quantity;
  r.promotion_id = n.promotion_id;
  r.custom_term_end = n.custom_term_end;
  return r;
}

}  // namespace

StatusOr<Book> ParseBook(std::string_view text, const std::string& file) {
  if (text.substr(0, 3) == "\xEF\xBB\xBF") text.remove_prefix(3);
  // JSON Lines: the first line is a whole object, and more lines follow.
  size_t first_end = text.find('\n');
  if (first_end != std::string_view::npos && text.find_first_not_of(" \t\r\n", first_end) != std::string_view::npos) {
    std::string_view first = text.substr(0, first_end);
    if (auto j = ParseExactJson(first); j && j->is_object() && !j->contains("customers"))
      return ParseJsonLines(text, file);
  }
  return ParseDocument(text, file);
}

StatusOr<Book> ReadBookFile(const std::string& path) {
  auto text = ReadDataFile(path, kMaxBookBytes);
  if (!text.ok()) return Error<Err::InvalidInput>(path + ": " + text.status().description());
  if (path.size() > 3 && path.compare(path.size() - 3, 3, ".gz") == 0) {
    auto plain = Gunzip(*text, kMaxBookBytes);
    if (!plain.ok()) return Error<Err::InvalidInput>(path + ": " + plain.status().description());
    return ParseBook(*plain, path);
  }
  return ParseBook(*text, path);
}

void WriteBookJsonLines(const Book& book, std::ostream& out) {
  out << Dump(HeaderRecord(book)) << '\n';
  for (const BookCustomer& c : book.customers) out << Dump(CustomerRecord(c)) << '\n';
}

std::string BookJsonLines(const Book& book) {
  std::ostringstream out;
  WriteBookJsonLines(book, out);
  return out.str();
}

Book BookOf(const Sandbox& sandbox) {
  Book book;
  book.as_of = sandbox.Now();
  std::set<std::string> resellers;
  for (const auto& c : sandbox.customers()) {
    if (c->deleted) continue;
    if (book.partner_tenant_id.empty()) book.partner_tenant_id = c->partner_tenant_id;
    BookCustomer bc;
    bc.id = c->id;
    bc.company_name = c->company_name;
    bc.domain = c->domain;
    bc.country = c->country();
    bc.reseller_id = c->associated_reseller;
    if (!bc.reseller_id.empty()) resellers.insert(bc.reseller_id);
    for (uint32_t i : sandbox.SubscriptionsOf(*c)) {
      const Subscription& s = sandbox.SubscriptionAt(i);
      if (s.status != SubscriptionStatus::Active && s.status != SubscriptionStatus::Suspended) continue;
      BookSubscription b;
      b.id = s.id;
      b.offer_id = s.offer->catalog_item_id;
      b.friendly_name = s.friendly_name;
      b.order_id = sandbox.OrderAt(s.order).id;
      b.quantity = s.quantity;
      b.status = s.status;
      b.term = s.in_est ? s.pre_est_term : s.term;
      b.billing = s.in_est ? s.pre_est_billing : s.billing;
      b.term_start = s.term_start;
      b.term_end = s.term_end;
      b.custom_term_end = s.custom_term_end;
      b.auto_renew = s.auto_renew;
      b.unit_price = s.unit_price;
      b.promotion_id = s.promotion_id;
      b.reseller_id = s.reseller_id;
      if (!b.reseller_id.empty()) resellers.insert(b.reseller_id);
      b.created = s.created;
      b.in_est = s.in_est;
      if (s.in_est) b.est_start = s.est_start;
      if (s.next_term) b.next_term = RequestOf(*s.next_term);
      if (s.scheduled_action) {
        BookScheduledAction a;
        a.request.schedule = s.scheduled_action->schedule;
        a.request.action = s.scheduled_action->action;
        a.request.effective_date = s.scheduled_action->effective_date;
        if (s.scheduled_action->instructions) a.request.instructions = RequestOf(*s.scheduled_action->instructions);
        a.origin = s.scheduled_action->origin;
        b.scheduled_action = std::move(a);
      }
      bc.subscriptions.push_back(std::move(b));
    }
    book.customers.push_back(std::move(bc));
  }
  for (const std::string& id : resellers) book.resellers.push_back(BookReseller{id, "", ""});
  return book;
}

StatusOr<BookSubscription> BookSubscriptionOfResource(const nlohmann::json& subscription) {
  // The resource's fields the book keeps, under the same names.
  static constexpr const char* kKept[] = {
      "id", "offerId", "friendlyName", "orderId", "quantity", "status", "termDuration", "billingCycle",
      "effectiveStartDate", "commitmentEndDate", "customTermEndDate", "autoRenewEnabled", "promotionId",
      "partnerId", "creationDate", "isInExtendedServiceTerm", "extendedServiceTermStartDate",
      "scheduledNextTermInstructions", "scheduledActions"};
  if (!subscription.is_object()) return Error<Err::InvalidInput>("a subscription must be an object.");
  nlohmann::json record = nlohmann::json::object();
  for (const char* key : kKept)
    if (const nlohmann::json* v = Field(subscription, key); v != nullptr && !v->is_null()) record[key] = *v;
  if (record.contains("partnerId") && record["partnerId"] == "") record.erase("partnerId");
  if (record.contains("promotionId") && record["promotionId"] == "") record.erase("promotionId");
  try {
    return ReadSubscription(record, "subscription", BookSource{"", 0});
  } catch (const DataFileError& e) {
    return Error<Err::InvalidInput>(e.Message());
  }
}

}  // namespace pcsim::api
