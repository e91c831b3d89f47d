// Sandbox::FromBook: a book's customers and subscriptions, as they are at its
// asOf, in a new sandbox (book.h, docs/book-format.md).
#include <algorithm>
#include <cctype>
#include <set>

#include "simulator/commerce/sandbox.h"
#include "simulator/model/errors.h"

namespace pcsim {
namespace {

Status BookError(const BookSource& where, const std::string& what, const std::string& reason) {
  return Error<Err::InvalidInput>(where.ToString() + ": " + what + ": " + reason);
}

}  // namespace

StatusOr<std::unique_ptr<Sandbox>> Sandbox::FromBook(const Book& book, SandboxOptions options) {
  if (book.version != kBookFormatVersion)
    return Error<Err::InvalidInput>("book format version " + std::to_string(book.version) + " is not " +
                                    std::to_string(kBookFormatVersion) + ".");
  options.start = book.as_of;
  auto sandbox = std::make_unique<Sandbox>(std::move(options));
  size_t subscriptions = 0;
  for (const BookCustomer& c : book.customers) subscriptions += c.subscriptions.size();
  sandbox->customer_index_.reserve(book.customers.size());
  sandbox->live_domains_.reserve(book.customers.size());
  sandbox->customers_.reserve(book.customers.size());
  sandbox->subscriptions_of_customer_.reserve(book.customers.size());
  sandbox->subscription_index_.reserve(subscriptions);
  sandbox->subscriptions_.reserve(subscriptions);
  sandbox->order_index_.reserve(subscriptions);
  sandbox->orders_.reserve(subscriptions);
  std::set<std::string> resellers;
  for (const BookReseller& r : book.resellers)
    if (r.id.empty() || !resellers.insert(r.id).second)
      return Error<Err::InvalidInput>("reseller id \"" + r.id + "\" is empty or listed twice.");
  for (const BookCustomer& c : book.customers) {
    if (!c.reseller_id.empty() && resellers.count(c.reseller_id) == 0)
      return BookError(c.source, "customer " + c.id, "resellerId " + c.reseller_id + " is not among the book's resellers");
    for (const BookSubscription& s : c.subscriptions)
      if (!s.reseller_id.empty() && resellers.count(s.reseller_id) == 0)
        return BookError(s.source, "subscription " + s.id,
                         "partnerId " + s.reseller_id + " is not among the book's resellers");
    PCSIM_RETURN_IF_ERROR(sandbox->LoadBookCustomer(book, c));
  }
  return sandbox;
}

Status Sandbox::LoadBookCustomer(const Book& book, const BookCustomer& r) {
  const std::string what = "customer " + r.id;
  if (r.id.empty()) return BookError(r.source, "customer", "id is required");
  if (customer_index_.count(r.id) != 0) return BookError(r.source, what, "the id appears twice in the book");
  if (r.company_name.empty()) return BookError(r.source, what, "companyName is required");
  if (r.domain.empty()) return BookError(r.source, what, "domain is required");
  if (live_domains_.count(r.domain) != 0) return BookError(r.source, what, "domain " + r.domain + " appears twice");
  std::string country = r.country;
  for (char& ch : country) ch = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
  if (country_rules_->Find(country) == nullptr)
    return BookError(r.source, what, "country \"" + r.country + "\" is not a market pcsim knows");

  auto c = std::make_unique<Customer>();
  c->index = static_cast<uint32_t>(customers_.size());
  c->id = r.id;
  c->commerce_id = random_.Guid();
  c->billing_profile_id = random_.Guid();
  c->partner_tenant_id = book.partner_tenant_id.empty() ? std::string(kDefaultPartnerTenantId) : book.partner_tenant_id;
  c->company_name = r.company_name;
  c->domain = r.domain;
  c->address.country = country;
  c->associated_reseller = r.reseller_id;
  c->created = Now();
  // The book says nothing of the agreement: a live customer has accepted it.
  c->agreements.push_back(AgreementRecord{std::string(kMcaTemplateId), "MicrosoftCustomerAgreement", Now(), "", "",
                                          "", "", ""});
  customer_index_[c->id] = c->index;
  live_domains_[c->domain] = c->index;
  subscriptions_of_customer_.emplace_back();
  customers_.push_back(std::move(c));
  const Customer& customer = *customers_.back();
  for (const BookSubscription& s : r.subscriptions) PCSIM_RETURN_IF_ERROR(LoadBookSubscription(customer, s));
  return OkStatus();
}

// Long on purpose: every field of a subscription record is checked, then the
// subscription is built in one place, in the order AddPurchase builds one.
Status Sandbox::LoadBookSubscription(const Customer& customer, const BookSubscription& r) {
  auto fail = [&](const std::string& reason) { return BookError(r.source, "subscription " + r.id, reason); };
  const Date today = Today();
  if (r.id.empty()) return BookError(r.source, "subscription", "id is required");
  if (subscription_index_.count(r.id) != 0) return fail("the id appears twice in the book");
  auto offer_or = OfferIn(r.offer_id, customer.country());
  if (!offer_or.ok()) return fail("offerId " + r.offer_id + ": " + offer_or.status().description());
  const Offer* offer = *offer_or;
  const Sku& sku = *offer->sku;
  if (r.quantity < sku.minimum_quantity || r.quantity > sku.maximum_quantity)
    return fail("quantity " + std::to_string(r.quantity) + " is outside " + std::to_string(sku.minimum_quantity) +
                ".." + std::to_string(sku.maximum_quantity));
  if (r.status != SubscriptionStatus::Active && r.status != SubscriptionStatus::Suspended)
    return fail("status " + std::string(ToString(r.status)) + ": a book holds active and suspended subscriptions");
  if (r.created && *r.created > Now()) return fail("creationDate is after the book's asOf");

  auto sub = std::make_unique<Subscription>();
  sub->index = static_cast<uint32_t>(subscriptions_.size());
  sub->id = r.id;
  sub->customer = customer.index;
  sub->reseller_id = r.reseller_id.empty() ? customer.associated_reseller : r.reseller_id;
  sub->offer = offer;
  sub->friendly_name = r.friendly_name.empty() ? sku.title : r.friendly_name;
  sub->quantity = static_cast<int>(r.quantity);
  sub->is_trial = sku.is_trial;
  sub->created = r.created.value_or(Now());
  sub->last_updated = Now();
  sub->status = r.status;

  OrderLine line;
  line.offer = offer;
  line.quantity = sub->quantity;
  line.friendly_name = sub->friendly_name;
  line.reseller_id = sub->reseller_id;
  auto order = std::make_unique<Order>();
  order->index = static_cast<uint32_t>(orders_.size());
  order->id = r.order_id.empty() ? random_.Hex(12) : r.order_id;
  order->customer = customer.index;
  order->created = sub->created;
  order->completes_at = sub->created;
  order->status = OrderStatus::Completed;
  order->currency = offer->market->currency;
  sub->order = order->index;
  line.subscription = sub->index;

  if (sku.IsUsageBased()) {
    order->lines.push_back(line);
    order_index_[order->id] = order->index;
    orders_.push_back(std::move(order));
    CreateAzurePlan(AddSubscription(std::move(sub)));
    return OkStatus();
  }
  if (!IsValidPair(r.term, r.billing))
    return fail("termDuration " + std::string(ToString(r.term)) + " is not billed " + std::string(ToString(r.billing)));
  sub->term = r.term;
  sub->billing = r.billing;
  sub->promotion_id = r.promotion_id;
  if (!r.in_est) {
    if (!(r.term_start <= today && today <= r.term_end))
      return fail("the term " + r.term_start.ToString() + ".." + r.term_end.ToString() + " does not hold asOf " +
                  today.ToString());
    Date natural_end = CycleCalendar::ForTerm(r.term_start, r.term, r.billing).term_end();
    std::optional<Date> custom_end = r.custom_term_end;
    if (custom_end && *custom_end != r.term_end)
      return fail("customTermEndDate " + custom_end->ToString() + " is not commitmentEndDate " + r.term_end.ToString());
    if (r.term_end > natural_end)
      return fail("commitmentEndDate " + r.term_end.ToString() + " is after the term's end " + natural_end.ToString());
    if (r.term_end != natural_end) custom_end = r.term_end;
    StartTerm(*sub, r.term_start, custom_end);
    CycleCalendar calendar = sub->Calendar();
    sub->cycle_index = calendar.IndexOf(today);
    sub->cycle = calendar.Clipped(sub->cycle_index);
    if (r.unit_price) {
      if (r.unit_price->IsNegative()) return fail("unitPrice is negative");
      sub->unit_price = *r.unit_price;
    } else {
      auto price = PriceOf(*offer, r.term, r.billing, r.term_start, r.promotion_id, customer.country());
      if (!price) price = PriceOf(*offer, r.term, r.billing, today, r.promotion_id, customer.country());
      if (!price) return fail("no unitPrice, and the price list has none for " + std::string(ToString(r.term)) + "/" +
                              std::string(ToString(r.billing)));
      sub->unit_price = *price;
    }
    sub->window_start = std::max(sub->created, Instant::StartOf(r.term_start));
    sub->auto_renew = r.auto_renew && !sub->is_trial;
  } else {
    if (!r.est_start || *r.est_start > today) return fail("extendedServiceTermStartDate is missing or after asOf");
    if (!IsEstEligibleOffer(*offer)) return fail("the offer cannot be in an Extended Service Term");
    // EST runs month by month from its start: the month that holds asOf.
    Date month = *r.est_start;
    int k = 0;
    while (r.est_start->AddMonthsClamped(k + 1) <= today) ++k;
    month = r.est_start->AddMonthsClamped(k);
    sub->in_est = true;
    sub->est_start = *r.est_start;
    sub->pre_est_term = r.term;
    sub->pre_est_billing = r.billing;
    sub->term = Term::P1M;
    sub->billing = Billing::Monthly;
    sub->promotion_id.clear();
    StartTerm(*sub, month, std::nullopt);
    sub->unit_price = EstPrice(*offer, month).value_or(r.unit_price.value_or(Decimal()));
    sub->window_start = Instant::StartOf(*r.est_start);
    sub->auto_renew = false;
    if (r.auto_renew) return fail("autoRenewEnabled is true in an Extended Service Term");
  }
  if (Now() < sub->window_start + Duration::Hours(policy_.Int(PolicyKey::kSeatReductionWindowHours, today)))
    sub->refundable.push_back(
        {sub->quantity, sub->window_start + Duration::Hours(policy_.Int(PolicyKey::kSeatReductionWindowHours, today))});
  line.term = sub->term;
  line.billing = sub->billing;
  line.promotion_id = sub->promotion_id;
  line.custom_term_end = sub->custom_term_end;
  line.unit_price = sub->unit_price;
  order->lines.push_back(line);
  order_index_[order->id] = order->index;
  orders_.push_back(std::move(order));
  Subscription& s = AddSubscription(std::move(sub));

  // The action and the instructions, checked as a PATCH checks them.
  if (r.scheduled_action) {
    auto action = ResolveAction(s, r.scheduled_action->request);
    if (!action.ok()) return fail("scheduledActions: " + action.status().description());
    if (*action) {
      std::optional<bool> coupled = AutoRenewOf(**action);
      if (coupled && *coupled != s.auto_renew)
        return fail("autoRenewEnabled " + std::string(s.auto_renew ? "true" : "false") + " contradicts the action " +
                    std::string(ToString((*action)->action)));
      (*action)->origin = r.scheduled_action->origin;
    }
    auto step = PlanScheduledAction(s, *action);
    if (!step.ok()) return fail("scheduledActions: " + step.status().description());
    ApplyScheduledAction(s, *step);
    if (s.scheduled_action) s.scheduled_action->origin = r.scheduled_action->origin;
  }
  if (r.next_term) {
    auto next = ResolveNextTerm(s, *r.next_term);
    if (!next.ok()) return fail("scheduledNextTermInstructions: " + next.status().description());
    Status checked = CheckNextTerm(s, *next);
    if (!checked.ok()) return fail("scheduledNextTermInstructions: " + checked.description());
    ApplyNextTerm(s, *next);
  }
  ScheduleNextBoundary(s);
  return OkStatus();
}

}  // namespace pcsim
