// A book: what a partner holds in Partner Center at one instant (its
// customers and their subscriptions, the indirect resellers), as
// docs/book-format.md describes the file. Sandbox::FromBook loads one into a
// new sandbox whose clock starts at the book's asOf, with every cycle, term
// end and 2026 rule scheduled as if the subscriptions had been bought there.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "simulator/clock/term_dates.h"
#include "simulator/clock/time.h"
#include "simulator/commerce/commerce_types.h"
#include "simulator/money/decimal.h"

namespace pcsim {

// The book file format version this build reads and writes.
inline constexpr int kBookFormatVersion = 1;

// Where a record comes from, for messages: "book.jsonl:12".
struct BookSource {
  std::string file;
  size_t line = 0;
  std::string ToString() const { return file + ":" + std::to_string(line); }
};

// A scheduled action as a book holds it: as a request names it, and who set it.
struct BookScheduledAction {
  ScheduledActionRequest request;
  ActionOrigin origin = ActionOrigin::Partner;  // actionSetBy
};

struct BookSubscription {
  BookSource source;
  std::string id;
  std::string offer_id;  // productId:skuId:availabilityId
  std::string friendly_name;
  std::string order_id;  // empty: one is made up
  int64_t quantity = 0;
  SubscriptionStatus status = SubscriptionStatus::Active;  // active or suspended
  Term term = Term::P1Y;
  Billing billing = Billing::Monthly;
  Date term_start;  // effectiveStartDate
  Date term_end;    // commitmentEndDate (inclusive)
  std::optional<Date> custom_term_end;
  bool auto_renew = true;
  // The price per seat per billing period locked for this term; nullopt:
  // the price list's on the term's first day (the loader says so).
  std::optional<Decimal> unit_price;
  std::string promotion_id;
  std::string reseller_id;  // partnerId of the indirect reseller
  std::optional<Instant> created;
  // In a paid Extended Service Term since `est_start`; `term` and `billing`
  // are then those of the term before it (a renewal out of EST uses them).
  bool in_est = false;
  std::optional<Date> est_start;
  std::optional<NextTermRequest> next_term;
  std::optional<BookScheduledAction> scheduled_action;
};

struct BookCustomer {
  BookSource source;
  std::string id;
  std::string company_name;
  std::string domain;
  std::string country;   // two letters: the market
  std::string reseller_id;
  std::vector<BookSubscription> subscriptions;
};

struct BookReseller {
  std::string id;       // partnerId (Partner Center's id for the reseller)
  std::string mpn_id;
  std::string name;
};

struct Book {
  int version = kBookFormatVersion;
  Instant as_of;
  std::string partner_tenant_id;
  std::string partner_mpn_id;
  std::string partner_name;
  std::vector<BookReseller> resellers;
  std::vector<BookCustomer> customers;
  // What the book's maker could not know and chose (an import from
  // reconciliation files): each line says what, for which record, and why.
  std::vector<std::string> assumptions;
};

}  // namespace pcsim
