// Reading and writing the book file (book_codec.h).
#include "simulator/api/book_codec.h"

#include <simdjson.h>

#include <algorithm>
#include <functional>
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

// Records are read with simdjson: a book of a million subscriptions is
// hundreds of megabytes. An error is a DataFileError with the JSON path of
// the offending value; the caller adds the file and line.
[[noreturn]] void Fail(const std::string& path, const std::string& reason) {
  DataFileError e;
  e.path = path;
  e.reason = reason;
  throw e;
}

std::string Child(const std::string& path, std::string_view key) {
  return path.empty() ? std::string(key) : path + "." + std::string(key);
}

// A date written YYYY-MM-DD or as an RFC 3339 instant (its day).
std::optional<Date> DayOf(std::string_view text) {
  if (auto d = Date::Parse(text)) return d;
  if (auto t = Instant::Parse(text)) return t->date();
  return std::nullopt;
}

// The members of one object, each read by the caller's switch on its key,
// with the object's path for messages; a key given twice is an error.
class Members {
 public:
  Members(simdjson::ondemand::value value, std::string path, const char* what) : path_(std::move(path)) {
    if (value.get_object().get(object_)) Fail(path_, std::string(what) + " must be an object");
  }

  template <typename OnMember>
  void Each(OnMember&& on) {
    for (auto field : object_) {
      std::string_view key;
      if (field.unescaped_key().get(key)) Fail(path_, "a key is not a complete string");
      if (Has(key)) Fail(Child(path_, key), "the key is given twice");
      seen_.push_back(key);
      if (field.value().get(value_)) Fail(Child(path_, key), "the value is not complete");
      key_ = key;
      on(key);
    }
  }
  bool Has(std::string_view key) const { return std::find(seen_.begin(), seen_.end(), key) != seen_.end(); }
  void Require(std::initializer_list<const char*> keys) const {
    for (const char* k : keys)
      if (!Has(k)) Fail(Child(path_, k), "missing required key");
  }
  [[noreturn]] void Unknown() const { Fail(Child(path_, key_), "unknown key"); }
  std::string Here() const { return Child(path_, key_); }

  std::string String() {
    std::string_view out;
    if (value_.get_string().get(out)) Fail(Here(), "expected a string");
    return std::string(out);
  }
  bool Bool() {
    bool out = false;
    if (value_.get_bool().get(out)) Fail(Here(), "expected true or false");
    return out;
  }
  int64_t Int(int64_t min, int64_t max) {
    int64_t out = 0;
    if (value_.get_int64().get(out)) Fail(Here(), "expected a whole number");
    if (out < min || out > max) Fail(Here(), "out of range");
    return out;
  }
  Date Day() {
    std::string text = String();
    auto d = DayOf(text);
    if (!d) Fail(Here(), "not a date (YYYY-MM-DD or an RFC 3339 instant): \"" + Excerpt(text) + "\"");
    return *d;
  }
  Decimal Money() {
    std::string_view text;
    if (value_.get_string().get(text)) Fail(Here(), "expected an exact decimal written as a string (e.g. \"12.50\")");
    auto d = Decimal::Parse(text);
    if (!d) Fail(Here(), "not an exact decimal: \"" + Excerpt(text) + "\"");
    return *d;
  }
  // A rare nested value as exact JSON, for the readers shared with PATCH.
  nlohmann::json Json() {
    std::string_view raw;
    if (simdjson::to_json_string(value_).get(raw)) Fail(Here(), "the value is not complete");
    auto j = ParseExactJson(raw);
    if (!j) Fail(Here(), "the value is not valid JSON");
    return *j;
  }
  simdjson::ondemand::value& value() { return value_; }

 private:
  simdjson::ondemand::object object_;
  simdjson::ondemand::value value_;
  std::string path_;
  std::string_view key_;
  // The keys so far (views into the parser's buffer, valid for the document):
  // an object has a score of keys, so a list beats a set.
  std::vector<std::string_view> seen_;
};

template <typename T>
T Checked(const Members& m, StatusOr<T> value) {
  if (!value.ok()) Fail(m.Here(), value.status().description());
  return *std::move(value);
}

template <typename E>
E EnumOf(Members& m, std::initializer_list<E> values, const char* expected) {
  std::string text = m.String();
  for (E v : values)
    if (EqualsIgnoreCase(text, ToString(v))) return v;
  Fail(m.Here(), std::string("expected ") + expected + ", got \"" + Excerpt(text) + "\"");
}

// `line_of`: the line a value starts on (a document); null for JSON Lines.
using LineOf = std::function<size_t(simdjson::ondemand::value&)>;

BookSubscription ReadSubscription(simdjson::ondemand::value value, const std::string& path, BookSource source) {
  Members m(value, path, "a subscription");
  BookSubscription s;
  s.source = std::move(source);
  m.Each([&](std::string_view key) {
    if (key == "id") s.id = m.String();
    else if (key == "offerId") s.offer_id = m.String();
    else if (key == "friendlyName") s.friendly_name = m.String();
    else if (key == "orderId") s.order_id = m.String();
    else if (key == "quantity") s.quantity = m.Int(INT32_MIN, INT32_MAX);
    else if (key == "status")
      s.status = EnumOf(m, {SubscriptionStatus::Active, SubscriptionStatus::Suspended, SubscriptionStatus::Expired,
                            SubscriptionStatus::Disabled, SubscriptionStatus::Deleted}, "a subscription status");
    else if (key == "termDuration") s.term = EnumOf(m, {Term::P1M, Term::P1Y, Term::P3Y}, "P1M, P1Y or P3Y");
    else if (key == "billingCycle")
      s.billing = EnumOf(m, {Billing::Monthly, Billing::Annual, Billing::Triennial}, "monthly, annual or triennial");
    else if (key == "effectiveStartDate") s.term_start = m.Day();
    else if (key == "commitmentEndDate") s.term_end = m.Day();
    else if (key == "customTermEndDate") s.custom_term_end = m.Day();
    else if (key == "autoRenewEnabled") s.auto_renew = m.Bool();
    else if (key == "unitPrice") s.unit_price = m.Money();
    else if (key == "promotionId") s.promotion_id = m.String();
    else if (key == "partnerId") s.reseller_id = m.String();
    else if (key == "creationDate") {
      std::string text = m.String();
      auto at = Instant::Parse(text);
      if (!at) Fail(m.Here(), "not an RFC 3339 instant");
      s.created = *at;
    } else if (key == "isInExtendedServiceTerm") s.in_est = m.Bool();
    else if (key == "extendedServiceTermStartDate") s.est_start = m.Day();
    else if (key == "scheduledNextTermInstructions") s.next_term = Checked(m, ReadNextTerm(m.Json()));
    else if (key == "scheduledActions") {
      nlohmann::json actions = m.Json();
      if (!actions.is_array()) Fail(m.Here(), "expected an array");
      if (actions.size() > 1) Fail(m.Here(), "a subscription holds at most one scheduled action");
      if (actions.size() == 1) {
        BookScheduledAction action;
        nlohmann::json request = actions[0];
        if (request.is_object() && request.contains("setBy")) {
          const nlohmann::json& by = request["setBy"];
          bool known = false;
          for (auto o : {ActionOrigin::Partner, ActionOrigin::Backfill, ActionOrigin::AutoRenewOffRule})
            if (by.is_string() && by.get<std::string>() == ToString(o)) {
              action.origin = o;
              known = true;
            }
          if (!known) Fail(m.Here() + "[0].setBy", "expected partner, backfill or autoRenewOffRule");
          request.erase("setBy");
        }
        action.request = Checked(m, ReadScheduledAction(request));
        s.scheduled_action = std::move(action);
      }
    } else m.Unknown();
  });
  m.Require({"id", "offerId", "quantity", "termDuration", "billingCycle", "effectiveStartDate", "commitmentEndDate",
             "autoRenewEnabled"});
  if (s.term_end < s.term_start) Fail(Child(path, "commitmentEndDate"), "is before effectiveStartDate");
  if (s.in_est && !s.est_start)
    Fail(Child(path, "extendedServiceTermStartDate"), "is required when isInExtendedServiceTerm is true");
  return s;
}

BookCustomer ReadCustomer(simdjson::ondemand::value value, const std::string& path, BookSource source,
                          const LineOf& line_of) {
  Members m(value, path, "a customer");
  BookCustomer c;
  c.source = source;
  m.Each([&](std::string_view key) {
    if (key == "id") c.id = m.String();
    else if (key == "companyName") c.company_name = m.String();
    else if (key == "domain") c.domain = m.String();
    else if (key == "country") c.country = m.String();
    else if (key == "resellerId") c.reseller_id = m.String();
    else if (key == "subscriptions") {
      simdjson::ondemand::array subs;
      if (m.value().get_array().get(subs)) Fail(m.Here(), "expected an array");
      size_t i = 0;
      for (auto element : subs) {
        simdjson::ondemand::value v;
        if (element.get(v)) Fail(IndexPath(m.Here(), i), "the value is not complete");
        BookSource where = source;
        if (line_of) where.line = line_of(v);
        c.subscriptions.push_back(ReadSubscription(v, IndexPath(m.Here(), i), std::move(where)));
        ++i;
      }
    } else m.Unknown();
  });
  m.Require({"id", "companyName", "domain", "country"});
  return c;
}

// The header's keys; with `customers` (a document), each customer is read
// with `on_customers`.
void ReadHeader(simdjson::ondemand::value value, Book& book,
                const std::function<void(simdjson::ondemand::value&)>& on_customers) {
  Members m(value, "", "the header");
  m.Each([&](std::string_view key) {
    if (key == "pcsimBook") {
      book.version = static_cast<int>(m.Int(0, 1 << 20));
      if (book.version != kBookFormatVersion)
        Fail(m.Here(), "this pcsim reads book format " + std::to_string(kBookFormatVersion));
    } else if (key == "asOf") {
      std::string text = m.String();
      auto t = Instant::Parse(text);
      if (!t) Fail(m.Here(), "not an RFC 3339 instant");
      book.as_of = *t;
    } else if (key == "partner") {
      Members p(m.value(), "partner", "partner");
      p.Each([&](std::string_view k) {
        if (k == "tenantId") book.partner_tenant_id = p.String();
        else if (k == "mpnId") book.partner_mpn_id = p.String();
        else if (k == "name") book.partner_name = p.String();
        else p.Unknown();
      });
    } else if (key == "resellers") {
      simdjson::ondemand::array list;
      if (m.value().get_array().get(list)) Fail(m.Here(), "expected an array");
      size_t i = 0;
      for (auto element : list) {
        simdjson::ondemand::value v;
        if (element.get(v)) Fail(IndexPath("resellers", i), "the value is not complete");
        Members x(v, IndexPath("resellers", i), "a reseller");
        BookReseller r;
        x.Each([&](std::string_view k) {
          if (k == "id") r.id = x.String();
          else if (k == "mpnId") r.mpn_id = x.String();
          else if (k == "name") r.name = x.String();
          else x.Unknown();
        });
        x.Require({"id"});
        book.resellers.push_back(std::move(r));
        ++i;
      }
    } else if (key == "assumptions") {
      simdjson::ondemand::array list;
      if (m.value().get_array().get(list)) Fail(m.Here(), "expected an array of strings");
      for (auto element : list) {
        std::string_view text;
        if (element.get_string().get(text)) Fail(m.Here(), "expected an array of strings");
        book.assumptions.emplace_back(text);
      }
    } else if (key == "customers" && on_customers) {
      on_customers(m.value());
    } else m.Unknown();
  });
  m.Require({"pcsimBook", "asOf"});
}

std::string SimdjsonError(simdjson::error_code e) { return simdjson::error_message(e); }

StatusOr<Book> ParseJsonLines(const simdjson::padded_string& text, const std::string& file) {
  simdjson::ondemand::parser parser;
  Book book;
  std::string_view all(text.data(), text.size());
  size_t line_no = 0, pos = 0;
  bool header = true;
  while (pos < all.size()) {
    size_t end = all.find('\n', pos);
    if (end == std::string_view::npos) end = all.size();
    std::string_view line = all.substr(pos, end - pos);
    const size_t capacity = text.size() + simdjson::SIMDJSON_PADDING - pos;
    pos = end + 1;
    ++line_no;
    if (line.find_first_not_of(" \t\r") == std::string_view::npos) continue;
    auto where = [&] { return file + ":" + std::to_string(line_no); };
    try {
      simdjson::ondemand::document doc;
      if (auto e = parser.iterate(line.data(), line.size(), capacity).get(doc))
        return Error<Err::InvalidInput>(where() + ": not a complete JSON object (" + SimdjsonError(e) + ")");
      simdjson::ondemand::value root;
      if (auto e = doc.get_value().get(root))
        return Error<Err::InvalidInput>(where() + ": not a complete JSON object (" + SimdjsonError(e) + ")");
      if (header) {
        ReadHeader(root, book, nullptr);
        header = false;
      } else {
        book.customers.push_back(ReadCustomer(root, "", BookSource{file, line_no}, nullptr));
      }
      if (const char* rest = nullptr; !doc.current_location().get(rest))
        return Error<Err::InvalidInput>(where() + ": text after the object");
    } catch (const DataFileError& e) {
      return Error<Err::InvalidInput>(where() + ": " + e.Message());
    } catch (const simdjson::simdjson_error& e) {
      return Error<Err::InvalidInput>(where() + ": not a complete JSON object (" + e.what() + ")");
    }
  }
  if (header) return Error<Err::InvalidInput>(file + ": the book is empty (no header line)");
  return book;
}

StatusOr<Book> ParseDocument(const simdjson::padded_string& text, const std::string& file) {
  simdjson::ondemand::parser parser;
  std::string_view all(text.data(), text.size());
  // The line a value starts on, from its place in the text.
  size_t counted_to = 0, counted_line = 1;
  LineOf line_of = [&](simdjson::ondemand::value& v) -> size_t {
    const char* at = nullptr;
    if (v.current_location().get(at)) return 0;
    size_t offset = static_cast<size_t>(at - all.data());
    if (offset < counted_to) {
      counted_to = 0;
      counted_line = 1;
    }
    for (; counted_to < offset && counted_to < all.size(); ++counted_to)
      if (all[counted_to] == '\n') ++counted_line;
    return counted_line;
  };
  Book book;
  size_t line = 1;
  try {
    simdjson::ondemand::document doc;
    if (auto e = parser.iterate(text).get(doc))
      return Error<Err::InvalidInput>(file + ":1: not a JSON document (" + SimdjsonError(e) + ")");
    simdjson::ondemand::value root;
    if (auto e = doc.get_value().get(root))
      return Error<Err::InvalidInput>(file + ":1: not a JSON document (" + SimdjsonError(e) + ")");
    ReadHeader(root, book, [&](simdjson::ondemand::value& customers) {
      simdjson::ondemand::array list;
      if (customers.get_array().get(list)) Fail("customers", "expected an array");
      size_t i = 0;
      for (auto element : list) {
        simdjson::ondemand::value v;
        if (element.get(v)) Fail(IndexPath("customers", i), "the value is not complete");
        line = line_of(v);
        book.customers.push_back(ReadCustomer(v, IndexPath("customers", i), BookSource{file, line}, line_of));
        ++i;
      }
    });
    if (const char* rest = nullptr; !doc.current_location().get(rest))
      return Error<Err::InvalidInput>(file + ": text after the document");
  } catch (const DataFileError& e) {
    return Error<Err::InvalidInput>(file + ":" + std::to_string(line) + ": " + e.Message());
  } catch (const simdjson::simdjson_error& e) {
    return Error<Err::InvalidInput>(file + ":" + std::to_string(line) + ": not a complete JSON document (" + e.what() +
                                    ")");
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
  const simdjson::padded_string padded(text);
  // JSON Lines: the first line is a whole object without "customers", and
  // more lines follow.
  size_t first_end = text.find('\n');
  if (first_end != std::string_view::npos && text.find_first_not_of(" \t\r\n", first_end) != std::string_view::npos) {
    if (auto j = ParseExactJson(text.substr(0, first_end)); j && j->is_object() && !j->contains("customers"))
      return ParseJsonLines(padded, file);
  }
  return ParseDocument(padded, file);
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
  const simdjson::padded_string text(record.dump());
  simdjson::ondemand::parser parser;
  try {
    simdjson::ondemand::document doc = parser.iterate(text);
    return ReadSubscription(doc.get_value(), "subscription", BookSource{"", 0});
  } catch (const DataFileError& e) {
    return Error<Err::InvalidInput>(e.Message());
  } catch (const simdjson::simdjson_error& e) {
    return Error<Err::InvalidInput>(std::string("subscription: ") + e.what());
  }
}

}  // namespace pcsim::api
