// Running a book forward (audit.h).
#include "simulator/audit/audit.h"

#include <malloc.h>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <charconv>
#include <cstdio>
#include <map>
#include <tuple>

#include "simulator/commerce/est_report.h"
#include "simulator/model/data_file.h"
#include "simulator/model/errors.h"

namespace pcsim::audit {
namespace {

uint64_t Fnv1a(std::string_view text) {
  uint64_t h = 1469598103934665603ull;
  for (unsigned char c : text) h = (h ^ c) * 1099511628211ull;
  return h;
}

// "YYYY-MM" of the month `offset` months after `first`'s.
std::string MonthText(Date::YearMonthDay first, int offset) {
  int months = first.year * 12 + first.month - 1 + offset;
  char buf[16];
  std::snprintf(buf, sizeof buf, "%04d-%02d", months / 12, months % 12 + 1);
  return buf;
}

// Who decided a term end, from the decision and the action that carried it.
std::string DecidedBy(const Subscription& s, const TermEndDecision& d) {
  if (s.scheduled_action) return std::string(ToString(s.scheduled_action->origin));
  switch (d.outcome) {
    case TermEndOutcome::kRenew: return "autoRenew";
    case TermEndOutcome::kDisableSuspended: return "suspension";
    case TermEndOutcome::kExtendedServiceTerm: return s.in_est ? "inEst" : "autoRenewOff";
    case TermEndOutcome::kGrace: return "autoRenewOff";
    case TermEndOutcome::kCancel: return "partner";
  }
  return "";
}

// The PATCH that renews at term end instead of going into EST
// (Update a subscription by ID: the full resource, with these fields).
std::string AvoidCall(const Subscription& s, const Customer& c) {
  return "PATCH /v1/customers/" + c.id + "/subscriptions/" + s.id +
         " {\"autoRenewEnabled\":true,\"scheduledActions\":[{\"scheduleType\":\"TermEnd\",\"actionType\":"
         "\"RenewToNewTerm\"}]}";
}

Status PriceChange(CatalogData& data, const std::string& key, const std::string& value) {
  // price:ITEM[/TERM/BILLING]@DAY
  std::string spec = key.substr(6);
  size_t at = spec.rfind('@');
  if (at == std::string::npos) return Error<Err::InvalidInput>("a price change is price:ITEM[/TERM/BILLING]@DAY, got " + key);
  auto day = Date::Parse(spec.substr(at + 1));
  if (!day) return Error<Err::InvalidInput>("not a date in " + key);
  spec.resize(at);
  std::optional<Term> term;
  std::optional<Billing> billing;
  if (size_t slash = spec.find('/'); slash != std::string::npos) {
    std::string rest = spec.substr(slash + 1);
    spec.resize(slash);
    size_t slash2 = rest.find('/');
    if (slash2 == std::string::npos) return Error<Err::InvalidInput>("expected ITEM/TERM/BILLING in " + key);
    term = ParseTerm(rest.substr(0, slash2));
    billing = ParseBilling(rest.substr(slash2 + 1));
    if (!term || !billing) return Error<Err::InvalidInput>("unknown term or billing in " + key);
  }
  bool percent = !value.empty() && value.back() == '%';
  auto amount = Decimal::Parse(percent ? value.substr(0, value.size() - 1) : value);
  if (!amount) return Error<Err::InvalidInput>("a price change is an amount or a percentage (+5%), got " + value);
  if (!percent && !term) return Error<Err::InvalidInput>("an amount needs ITEM/TERM/BILLING: " + key);
  int changed = 0;
  for (Product& p : data.products)
    for (Sku& sku : p.skus)
      for (Availability& a : sku.availabilities) {
        std::string item = p.id + ":" + sku.id + ":" + a.id;
        if (spec != "*" && spec != item && spec != p.id + ":" + sku.id) continue;
        for (Market& m : a.markets) {
          std::vector<PriceEntry> added;
          for (const PriceEntry& e : m.prices) {
            if ((term && e.term != *term) || (billing && e.billing != *billing)) continue;
            // The entry in force on the day for this pair.
            const PriceEntry* current = nullptr;
            for (const PriceEntry& f : m.prices)
              if (f.term == e.term && f.billing == e.billing && f.from <= *day && (!current || f.from > current->from))
                current = &f;
            if (current != &e) continue;
            PriceEntry n = e;
            n.from = *day;
            // A percentage moves the price in force, rounded half up to the cent.
            n.price = percent ? ExactAmount(e.price).Times(Decimal::FromInt(100) + *amount).Times(Fraction{1, 100}).RoundHalfUp(2)
                              : *amount;
            added.push_back(n);
          }
          // Same-day entries are replaced.
          for (const PriceEntry& n : added) {
            std::erase_if(m.prices, [&](const PriceEntry& e) {
              return e.from == n.from && e.term == n.term && e.billing == n.billing;
            });
            m.prices.push_back(n);
            ++changed;
          }
        }
      }
  if (changed == 0) return Error<Err::InvalidInput>("the price change " + key + " matches no price in the catalog");
  return OkStatus();
}

}  // namespace

bool Shard::Holds(std::string_view customer_id) const {
  return count <= 1 || Fnv1a(customer_id) % static_cast<uint64_t>(count) == static_cast<uint64_t>(index);
}

std::optional<Shard> Shard::Parse(std::string_view text) {
  size_t slash = text.find('/');
  if (slash == std::string_view::npos) return std::nullopt;
  Shard s;
  auto a = std::from_chars(text.data(), text.data() + slash, s.index);
  auto b = std::from_chars(text.data() + slash + 1, text.data() + text.size(), s.count);
  if (a.ec != std::errc() || a.ptr != text.data() + slash || b.ec != std::errc() || b.ptr != text.data() + text.size())
    return std::nullopt;
  if (s.count < 1 || s.count > 4096 || s.index < 0 || s.index >= s.count) return std::nullopt;
  return s;
}

std::string ShardFolders::Json(const Shard& shard) {
  return "{\"index\": " + std::to_string(shard.index) + ", \"count\": " + std::to_string(shard.count) + "}\n";
}

Status ShardFolders::Add(const std::string& dir) {
  auto text = ReadDataFile(dir + "/shard.json");
  if (!text.ok()) return Error<Err::InvalidInput>(dir + ": not the folder of a shard (no shard.json)");
  auto j = nlohmann::json::parse(*text, nullptr, false);
  if (j.is_discarded() || !j.value("index", nlohmann::json()).is_number_integer() ||
      !j.value("count", nlohmann::json()).is_number_integer())
    return Error<Err::InvalidInput>(dir + ": shard.json is damaged");
  const int index = j["index"].get<int>(), n = j["count"].get<int>();
  if (count_ != 0 && n != count_)
    return Error<Err::InvalidInput>(dir + ": a shard of " + std::to_string(n) + ", not " + std::to_string(count_));
  count_ = n;
  if (!seen_.insert(index).second)
    return Error<Err::InvalidInput>(dir + ": shard " + std::to_string(index) + " given twice");
  return OkStatus();
}

Status ShardFolders::Complete() const {
  if (static_cast<int>(seen_.size()) == count_) return OkStatus();
  return Error<Err::InvalidInput>("shards " + std::to_string(seen_.size()) + " of " + std::to_string(count_) +
                                  " given: every shard 0.." + std::to_string(count_ - 1) + " is needed");
}

StatusOr<WhatIf> WhatIf::Parse(std::string_view text) {
  size_t colon = text.find(':');
  WhatIf w;
  if (colon == std::string_view::npos || colon == 0)
    return Error<Err::InvalidInput>("--what-if expects NAME:KEY=VALUE,..., got \"" + std::string(text) + "\"");
  w.name = std::string(text.substr(0, colon));
  for (char c : w.name)
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '-' && c != '_')
      return Error<Err::InvalidInput>("a what-if name is letters, digits, - and _: \"" + w.name + "\"");
  std::string_view rest = text.substr(colon + 1);
  while (!rest.empty()) {
    size_t comma = rest.find(',');
    std::string_view item = rest.substr(0, comma);
    // A price key holds colons and no comma; its value follows the last '='.
    size_t eq = item.rfind('=');
    if (eq == std::string_view::npos || eq == 0)
      return Error<Err::InvalidInput>("--what-if " + w.name + ": expected KEY=VALUE, got \"" + std::string(item) + "\"");
    w.changes.emplace_back(std::string(item.substr(0, eq)), std::string(item.substr(eq + 1)));
    if (comma == std::string_view::npos) break;
    rest.remove_prefix(comma + 1);
  }
  if (w.changes.empty()) return Error<Err::InvalidInput>("--what-if " + w.name + " changes nothing");
  return w;
}

StatusOr<AuditOptions> ApplyWhatIf(const AuditOptions& base, const WhatIf& what_if) {
  AuditOptions out = base;
  Policy policy = base.policy ? *base.policy : Policy::Microsoft();
  std::optional<CatalogData> data;
  for (const auto& [key, value] : what_if.changes) {
    if (key.rfind("price:", 0) == 0) {
      if (!data) data = (base.catalog ? base.catalog : Catalog::Default())->data();
      PCSIM_RETURN_IF_ERROR(PriceChange(*data, key, value));
      continue;
    }
    Status s = policy.Override(key, value);
    if (!s.ok()) return Error<Err::InvalidInput>("--what-if " + what_if.name + ": " + s.description());
  }
  out.policy = std::move(policy);
  if (data) {
    auto catalog = Catalog::Build(std::move(*data));
    if (!catalog.ok()) return Error<Err::InvalidInput>("--what-if " + what_if.name + ": " + catalog.status().description());
    out.catalog = *catalog;
  }
  return out;
}

StatusOr<AuditData> RunAudit(Book book, const AuditOptions& options) {
  if (options.to <= book.as_of)
    return Error<Err::InvalidInput>("--to " + options.to.ToString() + " is not after the book's asOf " +
                                    book.as_of.ToString());
  // The shard's customers only (a book is whole customers: nothing of one
  // customer depends on another's subscriptions).
  if (options.shard.count > 1)
    std::erase_if(book.customers, [&](const BookCustomer& c) { return !options.shard.Holds(c.id); });
  const Instant as_of = book.as_of;

  // Charges accumulate per subscription and per customer-month as they are
  // made; the lines themselves are not kept. Months are counted from asOf's
  // month; a customer's cells are in one flat table (its lines share the
  // currency of its market, so a second currency is rare and kept aside).
  struct Totals {
    Decimal charges, est_cost;
    int est_months = 0;
    std::map<int, Decimal> months;
  };
  struct Cell {
    Decimal charges, est;
    uint32_t offer = kNoIndex;  // the first line's offer: its currency
  };
  const Date::YearMonthDay first = as_of.date().ymd();
  const int month_count = (options.to.date().year() - first.year) * 12 + options.to.date().month() - first.month + 1;
  std::vector<Totals> totals;
  std::vector<Cell> cells;
  std::map<std::tuple<uint32_t, int, std::string>, std::pair<Decimal, Decimal>> other_currencies;
  const Sandbox* view = nullptr;
  SandboxOptions sandbox_options;
  sandbox_options.policy = options.policy;
  sandbox_options.catalog = options.catalog;
  sandbox_options.seed = options.seed;
  sandbox_options.keep_history = false;
  const bool per_month = options.subscription_months;
  sandbox_options.on_charge = [&](const ChargeLine& l) {
    if (l.subscription >= totals.size()) totals.resize(view->subscriptions().size());
    Totals& t = totals[l.subscription];
    const Decimal total = l.total;
    t.charges += total;
    const bool est = (l.flags & kLineExtendedServiceTerm) != 0;
    if (est) {
      t.est_cost += total;
      if (!(l.flags & kLineRefund)) ++t.est_months;
    }
    const Date::YearMonthDay ymd = l.order_date.date().ymd();
    const int month = (ymd.year - first.year) * 12 + ymd.month - first.month;
    if (per_month) t.months[month] += total;
    Cell& cell = cells[static_cast<size_t>(l.customer) * static_cast<size_t>(month_count) + static_cast<size_t>(month)];
    const Catalog& catalog = view->catalog();
    if (cell.offer == kNoIndex) cell.offer = l.offer;
    if (cell.offer == l.offer ||
        catalog.OfferAt(cell.offer)->market->currency == catalog.OfferAt(l.offer)->market->currency) {
      cell.charges += total;
      if (est) cell.est += total;
    } else {
      auto& other = other_currencies[{l.customer, month, catalog.OfferAt(l.offer)->market->currency}];
      other.first += total;
      if (est) other.second += total;
    }
  };
  auto loaded = Sandbox::FromBook(book, std::move(sandbox_options));
  if (!loaded.ok()) return loaded.status();
  book = Book();  // the sandbox holds what the run needs
  Sandbox& sandbox = **loaded;
  view = &sandbox;
  totals.resize(sandbox.subscriptions().size());
  cells.resize(sandbox.customers().size() * static_cast<size_t>(month_count));

  // Each live subscription's first term end in the run: decided just before
  // it is carried out, by the function that carries it out.
  struct Decision {
    Date term_end;
    std::string outcome, decided_by, cause;
    std::optional<Decimal> renewal_month;  // the renewal's price per month for all seats
  };
  std::vector<std::optional<Decision>> decisions(sandbox.subscriptions().size());
  std::vector<Date> term_ends(sandbox.subscriptions().size());  // as loaded
  for (const auto& sub : sandbox.subscriptions()) {
    term_ends[sub->index] = sub->term_end;
    if (Sandbox::IsAzurePlan(*sub)) continue;
    Instant fires = Instant::StartOf(sub->term_end.AddDays(1));
    if (fires > options.to) continue;
    uint32_t index = sub->index;
    sandbox.clock().Schedule(fires - Duration::Seconds(1), [&sandbox, &decisions, index] {
      const Subscription& s = sandbox.SubscriptionAt(index);
      if (s.status != SubscriptionStatus::Active && s.status != SubscriptionStatus::Suspended) return;
      TermEndDecision d = sandbox.DecideTermEnd(s);
      Decision out{s.term_end, std::string(ToString(d.outcome)), DecidedBy(s, d), d.cause, std::nullopt};
      if (auto price = RenewalPricePerSeatPerMonth(sandbox, s)) out.renewal_month = *price * s.quantity;
      decisions[index] = std::move(out);
    });
  }
  sandbox.AdvanceTo(options.to);

  AuditData data;
  data.as_of = as_of;
  data.to = options.to;
  // In the files' order, customer id then subscription id: indexes are
  // sorted, not the rows.
  std::vector<uint32_t> by_id(sandbox.customers().size());
  for (uint32_t i = 0; i < by_id.size(); ++i) by_id[i] = i;
  std::sort(by_id.begin(), by_id.end(),
            [&](uint32_t x, uint32_t y) { return sandbox.CustomerAt(x).id < sandbox.CustomerAt(y).id; });
  std::vector<const Subscription*> ordered;
  ordered.reserve(sandbox.subscriptions().size());
  for (uint32_t customer : by_id) {
    size_t first = ordered.size();
    for (uint32_t i : sandbox.SubscriptionsOf(sandbox.CustomerAt(customer))) ordered.push_back(&sandbox.SubscriptionAt(i));
    std::sort(ordered.begin() + static_cast<std::ptrdiff_t>(first), ordered.end(),
              [](const Subscription* x, const Subscription* y) { return x->id < y->id; });
  }
  data.subscriptions.reserve(ordered.size());
  for (const Subscription* sub : ordered) {
    const Customer& c = sandbox.CustomerAt(sub->customer);
    SubscriptionAudit a;
    a.customer_id = c.id;
    a.customer_name = c.company_name;
    a.subscription_id = sub->id;
    a.offer_id = sub->offer->catalog_item_id;
    a.product_name = sub->offer->product->title;
    a.currency = sub->offer->market->currency;
    const Totals& t = totals[sub->index];
    a.charges = t.charges;
    a.est_months = t.est_months;
    a.est_cost = t.est_cost;
    for (const auto& [month, amount] : t.months) a.months[MonthText(first, month)] = amount;
    a.term_end = term_ends[sub->index];
    if (const auto& d = decisions[sub->index]) {
      a.term_end = d->term_end;
      a.outcome = d->outcome;
      a.decided_by = d->decided_by;
      a.cause = d->cause;
      if (d->outcome == "EST") {
        if (d->renewal_month) a.renewal_cost = *d->renewal_month * t.est_months;
        a.avoid_call = AvoidCall(*sub, c);
      }
    }
    a.quantity = sub->quantity;
    data.subscriptions.push_back(std::move(a));
  }
  // Customer-months in the files' order: customer id, month, currency. The
  // sandbox goes first (its customers' ids and names, and the catalog, are
  // all the rows need): the rows and the sandbox are never in memory together.
  std::vector<std::pair<std::string, std::string>> names(sandbox.customers().size());
  for (uint32_t i = 0; i < names.size(); ++i) names[i] = {sandbox.CustomerAt(i).id, sandbox.CustomerAt(i).company_name};
  const std::shared_ptr<const Catalog> catalog = sandbox.catalog_ptr();
  loaded->reset();
  // glibc keeps the sandbox's freed small blocks; hand their pages back
  // before the rows take memory of their own.
  malloc_trim(0);
  size_t month_rows = other_currencies.size();
  for (const Cell& cell : cells) month_rows += cell.offer != kNoIndex;
  data.months.reserve(month_rows);
  for (uint32_t customer : by_id) {
    const auto& [id, name] = names[customer];
    for (int month = 0; month < month_count; ++month) {
      // The cell's currency and any other, in currency order.
      std::map<std::string, std::pair<Decimal, Decimal>> amounts;
      const Cell& cell = cells[static_cast<size_t>(customer) * static_cast<size_t>(month_count) + static_cast<size_t>(month)];
      if (cell.offer != kNoIndex)
        amounts[catalog->OfferAt(cell.offer)->market->currency] = {cell.charges, cell.est};
      for (auto it = other_currencies.lower_bound({customer, month, std::string()});
           it != other_currencies.end() && std::get<0>(it->first) == customer && std::get<1>(it->first) == month; ++it)
        amounts[std::get<2>(it->first)] = it->second;
      for (const auto& [currency, sums] : amounts)
        data.months.push_back(CustomerMonth{id, name, MonthText(first, month), currency, sums.first, sums.second});
    }
  }
  return data;
}

}  // namespace pcsim::audit
