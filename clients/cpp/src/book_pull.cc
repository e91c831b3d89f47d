// PullBook: a Partner Center API's customers and subscriptions as a Book
// (book_pull.h).
#include "pcsim/client/book_pull.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <initializer_list>
#include <map>
#include <set>
#include <thread>
#include <utility>
#include <vector>

#include "simulator/api/book_codec.h"
#include "simulator/api/http_types.h"
#include "simulator/api/json_support.h"
#include "simulator/api/jwt.h"
#include "simulator/money/decimal.h"

namespace pcsim::client {
namespace {

using nlohmann::json;
using std::chrono::milliseconds;

// What one request came to: an answer to read (any status the caller
// handles), or a failure already described.
struct Answer {
  PullFailure failure = PullFailure::kNone;
  std::string error;
  HttpResponse response;
};

// Sends requests with the retry rules of book_pull.h.
class Fetcher {
 public:
  Fetcher(Transport& transport, const BookPullOptions& options, int* requests, int* retries)
      : transport_(transport), options_(options), requests_(requests), retries_(retries) {}

  Answer Send(const HttpRequest& request) {
    milliseconds backoff = options_.first_backoff;
    std::string last;
    const int attempts = std::max(1, options_.max_attempts);
    for (int attempt = 1; attempt <= attempts; ++attempt) {
      ++*requests_;
      auto sent = transport_.Send(request);
      std::optional<milliseconds> wait;
      if (!sent.ok()) {
        last = sent.status().description();
      } else {
        const int status = sent->status;
        const bool throttled = status == 429 || status == 503;
        if (!throttled && status != 500 && status != 502 && status != 504) return Answer{PullFailure::kNone, "", *sent};
        last = request.method + " " + request.target + " answered " + std::to_string(status) + Excerpt(sent->body);
        if (auto after = sent->Header("Retry-After")) {
          auto seconds = RetryAfterSeconds(*after);
          if (!seconds)
            return Failed(PullFailure::kServer, last + " with a Retry-After that is not a number of seconds: " + *after);
          wait = milliseconds(*seconds * 1000);
          if (*wait > options_.max_retry_after)
            return Failed(PullFailure::kServer, last + " and asks to wait " + *after + " s, longer than " +
                                                    std::to_string(options_.max_retry_after.count() / 1000) +
                                                    " s; try again later");
        }
      }
      if (attempt == attempts) break;
      if (!wait) {
        wait = backoff;
        backoff = std::min(backoff * 2, options_.max_backoff);
      }
      ++*retries_;
      if (options_.log)
        options_.log("retrying in " + std::to_string(wait->count()) + " ms (attempt " + std::to_string(attempt + 1) +
                     " of " + std::to_string(attempts) + "): " + last);
      if (options_.sleep) options_.sleep(*wait);
      else std::this_thread::sleep_for(*wait);
    }
    return Failed(PullFailure::kServer, last + " (gave up after " + std::to_string(attempts) + " attempts)");
  }

  // A GET whose answer must be a 200 JSON object; anything else is a failure
  // (a refusal of the caller is bad input, the rest the server's).
  std::pair<Answer, json> GetJson(const std::string& target, const HeaderList& extra = {}) {
    HttpRequest request;
    request.method = "GET";
    request.target = target;
    request.headers.emplace_back("Accept", "application/json");
    if (!options_.bearer_token.empty()) request.headers.emplace_back("Authorization", "Bearer " + options_.bearer_token);
    for (const auto& h : extra) request.headers.push_back(h);
    Answer answer = Send(request);
    if (answer.failure != PullFailure::kNone) return {answer, json()};
    const int status = answer.response.status;
    if (status != 200) {
      const bool caller = status == 400 || status == 401 || status == 403 || status == 404 || status == 405;
      return {Failed(caller ? PullFailure::kBadInput : PullFailure::kServer,
                     "GET " + target + " answered " + std::to_string(status) + Excerpt(answer.response.body)),
              json()};
    }
    json body = json::parse(answer.response.body, nullptr, false);
    if (!body.is_object())
      return {Failed(PullFailure::kServer, "GET " + target + " did not answer a JSON object" + Excerpt(answer.response.body)),
              json()};
    return {answer, std::move(body)};
  }

  static Answer Failed(PullFailure failure, std::string error) { return Answer{failure, std::move(error), {}}; }

  static std::string Excerpt(const std::string& body) {
    if (body.empty()) return "";
    std::string text = body.substr(0, 300);
    for (char& c : text)
      if (c == '\n' || c == '\r') c = ' ';
    return ": " + text + (body.size() > 300 ? "..." : "");
  }

 private:
  // Retry-After as delta-seconds (an HTTP date is not accepted: pcsim never
  // reads the wall clock to turn one into a wait).
  static std::optional<int64_t> RetryAfterSeconds(const std::string& text) {
    if (text.empty() || text.size() > 9) return std::nullopt;
    int64_t v = 0;
    for (char c : text) {
      if (c < '0' || c > '9') return std::nullopt;
      v = v * 10 + (c - '0');
    }
    return v;
  }

  Transport& transport_;
  const BookPullOptions& options_;
  int* requests_;
  int* retries_;
};

const json* Path(const json& j, std::initializer_list<std::string_view> keys) {
  const json* at = &j;
  for (std::string_view k : keys) {
    if (!at->is_object()) return nullptr;
    at = api::Field(*at, k);
    if (at == nullptr) return nullptr;
  }
  return at;
}

std::string StringAt(const json& j, std::initializer_list<std::string_view> keys) {
  const json* v = Path(j, keys);
  return v != nullptr && v->is_string() ? v->get<std::string>() : std::string();
}

// A link's target: "/customers?..." (relative to /v1, as Partner Center
// writes its links), "/v1/...", or an absolute URL.
std::string LinkTarget(const std::string& uri) {
  if (uri.rfind("http://", 0) == 0 || uri.rfind("https://", 0) == 0) return uri;
  std::string path = uri.empty() || uri[0] != '/' ? "/" + uri : uri;
  if (path.size() >= 4 && (path.compare(0, 4, "/v1/") == 0 || path.compare(0, 4, "/V1/") == 0)) return path;
  return "/v1" + path;
}

// A price as the order writes it: a JSON number (its text, not a double's
// rounding) or a string.
std::optional<Decimal> PriceOf(const json* v) {
  if (v == nullptr) return std::nullopt;
  if (v->is_string()) return Decimal::Parse(v->get<std::string>());
  if (v->is_number()) return Decimal::Parse(v->dump());
  return std::nullopt;
}

struct OrderPrice {
  Decimal price;
  std::string order_id;
  std::optional<Instant> created;
};

class Puller {
 public:
  Puller(Transport& transport, const BookPullOptions& options, BookPullResult& result)
      : options_(options), result_(result), fetch_(transport, options, &result.requests, &result.retries) {}

  bool Run() {
    if (!AsOf()) return false;
    Book& book = result_.book;
    book.partner_tenant_id = options_.partner_tenant_id.empty() ? TenantOfToken(options_.bearer_token)
                                                                : options_.partner_tenant_id;
    std::vector<std::string> ids;
    if (!CustomerIds(ids)) return false;
    for (const std::string& id : ids)
      if (!ReadCustomer(id)) return false;
    for (const std::string& r : resellers_) book.resellers.push_back(BookReseller{r, "", ""});
    return true;
  }

 private:
  bool Fail(const Answer& a) {
    result_.failure = a.failure;
    result_.error = a.error;
    return false;
  }
  bool Fail(PullFailure f, std::string error) { return Fail(Fetcher::Failed(f, std::move(error))); }

  bool AsOf() {
    if (options_.as_of) {
      result_.book.as_of = *options_.as_of;
      return true;
    }
    HeaderList extra;
    if (!options_.control_token.empty()) extra.emplace_back("X-Pcsim-Control-Token", options_.control_token);
    auto [answer, body] = fetch_.GetJson("/_sim/clock", extra);
    if (answer.failure == PullFailure::kServer) return Fail(answer);
    std::optional<Instant> now;
    if (answer.failure == PullFailure::kNone) now = Instant::Parse(StringAt(body, {"now"}));
    if (!now) {
      const int status = answer.response.status;
      if (status == 401)
        return Fail(PullFailure::kBadInput,
                    "the server's control API wants a control token (GET /_sim/clock answered 401): give "
                    "--control-token, or --as-of INSTANT");
      return Fail(PullFailure::kBadInput,
                  "the server does not tell its clock (GET /_sim/clock: it is not pcsim), so the book's instant is "
                  "unknown: give --as-of INSTANT (" +
                      (answer.error.empty() ? std::string("no \"now\" in its answer") : answer.error) + ")");
    }
    result_.book.as_of = *now;
    return true;
  }

  // Every page of GET /v1/customers.
  bool CustomerIds(std::vector<std::string>& ids) {
    std::string target = "/v1/customers?size=" + std::to_string(std::clamp(options_.page_size, 1, 500));
    HeaderList extra;
    std::set<std::string> seen_tokens;
    std::set<std::string> seen_ids;
    for (int page = 1;; ++page) {
      auto [answer, body] = fetch_.GetJson(target, extra);
      if (answer.failure != PullFailure::kNone) return Fail(answer);
      const json* items = api::Field(body, "items");
      if (items == nullptr || !items->is_array())
        return Fail(PullFailure::kServer, "GET " + target + ": the answer has no \"items\" array");
      for (const json& item : *items) {
        std::string id = StringAt(item, {"id"});
        if (id.empty()) return Fail(PullFailure::kServer, "GET " + target + ": a customer without an \"id\"");
        if (seen_ids.insert(id).second) ids.push_back(id);
      }
      if (options_.log)
        options_.log("customers page " + std::to_string(page) + ": " + std::to_string(items->size()) + " customers");
      const json* next = Path(body, {"links", "next"});
      if (next == nullptr || !next->is_object()) return true;
      std::string uri = StringAt(*next, {"uri"});
      if (uri.empty()) return Fail(PullFailure::kServer, "GET " + target + ": links.next has no uri");
      extra.clear();
      std::string token;
      if (const json* headers = api::Field(*next, "headers"); headers != nullptr && headers->is_array())
        for (const json& h : *headers) {
          std::string key = StringAt(h, {"key"}), value = StringAt(h, {"value"});
          if (key.empty()) continue;
          extra.emplace_back(key, value);
          if (api::EqualsIgnoreCase(key, "MS-ContinuationToken")) token = value;
        }
      if (!seen_tokens.insert(uri + "\n" + token).second)
        return Fail(PullFailure::kServer, "GET " + target + ": links.next repeats an earlier page (" + uri + ")");
      target = LinkTarget(uri);
    }
  }

  bool ReadCustomer(const std::string& id) {
    const std::string base = "/v1/customers/" + UrlEncode(id);
    auto [answer, customer] = fetch_.GetJson(base);
    if (answer.failure != PullFailure::kNone) return Fail(answer);
    BookCustomer c;
    c.id = StringAt(customer, {"id"});
    if (c.id.empty()) c.id = id;
    c.company_name = StringAt(customer, {"companyProfile", "companyName"});
    c.domain = StringAt(customer, {"companyProfile", "domain"});
    c.country = StringAt(customer, {"billingProfile", "defaultAddress", "country"});
    if (c.country.empty()) c.country = StringAt(customer, {"companyProfile", "address", "country"});
    c.reseller_id = StringAt(customer, {"associatedPartnerId"});
    if (!c.reseller_id.empty()) resellers_.insert(c.reseller_id);

    std::vector<json> subscriptions;
    if (!Collection(base + "/subscriptions", subscriptions)) return false;
    std::map<std::string, OrderPrice> prices;  // subscription id -> its order line's price
    bool orders_read = false;
    for (const json& s : subscriptions) {
      const std::string sid = StringAt(s, {"id"});
      const std::string status = StringAt(s, {"status"});
      if (!api::EqualsIgnoreCase(status, "active") && !api::EqualsIgnoreCase(status, "suspended")) {
        ++result_.skipped;
        result_.book.assumptions.push_back("subscription " + sid + " of customer " + c.id + ": skipped, status \"" +
                                           status + "\" (a book holds active and suspended subscriptions)");
        continue;
      }
      if (!orders_read) {
        if (!OrderPrices(base, prices)) return false;
        orders_read = true;
      }
      auto record = api::BookSubscriptionOfResource(s);
      if (!record.ok())
        return Fail(PullFailure::kServer,
                    "GET " + base + "/subscriptions: subscription " + sid + ": " + record.status().description());
      BookSubscription b = std::move(*record);
      auto price = prices.find(b.id);
      // The order's price is this term's only when the order was placed in
      // it (a renewal locks the price list's of its first day).
      if (price != prices.end() && (!price->second.created || price->second.created->date() >= b.term_start)) {
        b.unit_price = price->second.price;
      } else {
        result_.book.assumptions.push_back(
            "subscription " + b.id + " of customer " + c.id + ": unitPrice not known (" +
            (price == prices.end() ? std::string("no order line names it with a price")
                                   : "its order " + price->second.order_id + " is from before this term") +
            "), the price list's on " + b.term_start.ToString() + " is assumed");
      }
      if (!b.reseller_id.empty()) resellers_.insert(b.reseller_id);
      c.subscriptions.push_back(std::move(b));
    }
    result_.book.customers.push_back(std::move(c));
    return true;
  }

  // The items of a collection, every page.
  bool Collection(const std::string& first, std::vector<json>& out) {
    std::string target = first;
    HeaderList extra;
    std::set<std::string> seen;
    for (;;) {
      auto [answer, body] = fetch_.GetJson(target, extra);
      if (answer.failure != PullFailure::kNone) return Fail(answer);
      const json* items = api::Field(body, "items");
      if (items == nullptr || !items->is_array())
        return Fail(PullFailure::kServer, "GET " + target + ": the answer has no \"items\" array");
      for (const json& item : *items) out.push_back(item);
      const json* next = Path(body, {"links", "next"});
      if (next == nullptr || !next->is_object()) return true;
      std::string uri = StringAt(*next, {"uri"});
      extra.clear();
      std::string key = uri;
      if (const json* headers = api::Field(*next, "headers"); headers != nullptr && headers->is_array())
        for (const json& h : *headers) {
          extra.emplace_back(StringAt(h, {"key"}), StringAt(h, {"value"}));
          key += "\n" + extra.back().second;
        }
      if (uri.empty() || !seen.insert(key).second)
        return Fail(PullFailure::kServer, "GET " + target + ": links.next is empty or repeats an earlier page");
      target = LinkTarget(uri);
    }
  }

  // The price each order line says was paid, by subscription id.
  bool OrderPrices(const std::string& base, std::map<std::string, OrderPrice>& prices) {
    std::vector<json> orders;
    if (!Collection(base + "/orders?include_price=true", orders)) return false;
    for (const json& order : orders) {
      const std::string order_id = StringAt(order, {"id"});
      std::optional<Instant> created = Instant::Parse(StringAt(order, {"creationDate"}));
      const json* lines = api::Field(order, "lineItems");
      if (lines == nullptr || !lines->is_array()) continue;
      for (const json& line : *lines) {
        const std::string sid = StringAt(line, {"subscriptionId"});
        if (sid.empty()) continue;
        std::optional<Decimal> price = PriceOf(Path(line, {"pricing", "price"}));
        if (!price) price = PriceOf(Path(line, {"unitPrice"}));
        if (!price) continue;
        // The newest order naming the subscription wins.
        auto it = prices.find(sid);
        if (it == prices.end() || (created && it->second.created && *created > *it->second.created))
          prices[sid] = OrderPrice{*price, order_id, created};
      }
    }
    return true;
  }

  const BookPullOptions& options_;
  BookPullResult& result_;
  Fetcher fetch_;
  std::set<std::string> resellers_;
};

}  // namespace

std::string TenantOfToken(const std::string& token) {
  auto claims = api::UnverifiedJwtClaims(token);
  if (!claims) return "";
  auto tid = claims->find("tid");
  return tid != claims->end() && tid->is_string() ? tid->get<std::string>() : std::string();
}

BookPullResult PullBook(Transport& transport, const BookPullOptions& options) {
  BookPullResult result;
  Puller puller(transport, options, result);
  if (!puller.Run()) result.book = Book{};
  return result;
}

TokenResult ClientCredentialsToken(Transport& authority, const ClientCredentials& credentials,
                                   const BookPullOptions& retry_options) {
  TokenResult out;
  int requests = 0, retries = 0;
  Fetcher fetch(authority, retry_options, &requests, &retries);
  HttpRequest request;
  request.method = "POST";
  request.target = "/" + UrlEncode(credentials.tenant) + "/oauth2/token";
  request.headers.emplace_back("Content-Type", "application/x-www-form-urlencoded");
  request.headers.emplace_back("Accept", "application/json");
  request.body = "grant_type=client_credentials&client_id=" + UrlEncode(credentials.client_id) +
                 "&client_secret=" + UrlEncode(credentials.client_secret) + "&resource=" + UrlEncode(credentials.resource);
  Answer answer = fetch.Send(request);
  if (answer.failure != PullFailure::kNone) {
    out.failure = answer.failure;
    out.error = "token: " + answer.error;
    return out;
  }
  json body = json::parse(answer.response.body, nullptr, false);
  const int status = answer.response.status;
  if (status != 200) {
    out.failure = status >= 400 && status < 500 ? PullFailure::kBadInput : PullFailure::kServer;
    out.error = "token: POST " + request.target + " answered " + std::to_string(status) +
                Fetcher::Excerpt(answer.response.body);
    return out;
  }
  out.access_token = body.is_object() ? StringAt(body, {"access_token"}) : "";
  if (out.access_token.empty()) {
    out.failure = PullFailure::kServer;
    out.error = "token: POST " + request.target + " answered no access_token" + Fetcher::Excerpt(answer.response.body);
  }
  return out;
}

}  // namespace pcsim::client
