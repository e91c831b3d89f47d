#include "simulator/model/errors.h"
#include "simulator/commerce/sandbox.h"

#include <algorithm>

namespace pcsim {

Sandbox::Sandbox(SandboxOptions options)
    : clock_(options.start),
      catalog_(options.catalog ? std::move(options.catalog) : Catalog::Default()),
      policy_(options.policy ? std::move(*options.policy) : Policy::Microsoft()),
      country_rules_(CountryRules::Default()),
      environment_(options.environment),
      seed_(options.seed),
      random_(options.seed),
      on_charge_(std::move(options.on_charge)),
      keep_history_(options.keep_history) {
  ScheduleInvoiceClose(Today().FirstOfMonth());
  ScheduleBackfill();
}

// --- lookups -----------------------------------------------------------------

const Customer* Sandbox::FindCustomer(std::string_view id) const {
  auto it = customer_index_.find(std::string(id));
  if (it == customer_index_.end() || customers_[it->second]->deleted) return nullptr;
  return customers_[it->second].get();
}

Customer* Sandbox::MutableCustomer(std::string_view id) { return const_cast<Customer*>(FindCustomer(id)); }

const Subscription* Sandbox::FindSubscription(std::string_view id) const {
  auto it = subscription_index_.find(std::string(id));
  if (it == subscription_index_.end()) return nullptr;
  return subscriptions_[it->second].get();
}

Subscription* Sandbox::Mutable(std::string_view id) { return const_cast<Subscription*>(FindSubscription(id)); }

const Order* Sandbox::FindOrder(std::string_view id) const {
  auto it = order_index_.find(std::string(id));
  return it == order_index_.end() ? nullptr : orders_[it->second].get();
}

const Offer* Sandbox::ResolveOffer(std::string_view item, std::string_view country) const {
  size_t colons = static_cast<size_t>(std::count(item.begin(), item.end(), ':'));
  if (colons == 2) return catalog_->FindOffer(item, country);
  if (colons == 1) {
    auto offers = catalog_->OffersOfSku(item, country);
    return offers.empty() ? nullptr : offers.front();
  }
  return nullptr;
}

std::string Sandbox::TermAndBillingCycleText(const ChargeLine& line) const {
  Date day = line.order_date.date();
  if (line.flags & kLineTrial) return policy_.Str(PolicyKey::kTermTextTrial, day);
  if (line.flags & kLineExtendedServiceTerm) return policy_.Str(PolicyKey::kEstTermAndBillingCycle, day);
  switch (line.term) {
    case Term::P1M: return policy_.Str(PolicyKey::kTermTextP1MMonthly, day);
    case Term::P1Y:
      return policy_.Str(line.billing == Billing::Annual ? PolicyKey::kTermTextP1YAnnual : PolicyKey::kTermTextP1YMonthly, day);
    case Term::P3Y:
      return policy_.Str(line.billing == Billing::Triennial ? PolicyKey::kTermTextP3YTriennial
                         : line.billing == Billing::Annual  ? PolicyKey::kTermTextP3YAnnual
                                                            : PolicyKey::kTermTextP3YMonthly,
                         day);
  }
  return "";
}

const std::string& Sandbox::PartnerOf(const ChargeLine& line) const {
  return customers_[line.customer]->partner_tenant_id;
}

uint32_t Sandbox::CustomerOf(const JournalEntry& e) const {
  switch (e.kind) {
    case JournalKind::CustomerCreated:
    case JournalKind::AgreementAttested:
    case JournalKind::QualificationAdded:
    case JournalKind::UserCreated:
    case JournalKind::UserDeleted:
      return e.subject;
    case JournalKind::OrderCreated:
    case JournalKind::OrderCompleted:
      return orders_[e.subject]->customer;
    case JournalKind::InvoiceClosed:
      return kNoIndex;
    default:
      return subscriptions_[e.subject]->customer;
  }
}

const std::string& Sandbox::PartnerOf(const JournalEntry& e) const {
  const uint32_t customer = CustomerOf(e);
  if (customer == kNoIndex) return ledger_.invoices()[e.subject].partner_tenant_id;
  return customers_[customer]->partner_tenant_id;
}

void Sandbox::Journal(JournalKind kind, uint32_t subject, uint32_t detail) {
  if (!keep_history_) return;
  if (current_request_ == kNoIndex && pending_request_) {
    current_request_ = static_cast<uint32_t>(requests_.size());
    requests_.push_back(std::move(*pending_request_));
    pending_request_.reset();
  }
  journal_.push_back(JournalEntry{Now(), subject, detail, kind, current_request_});
}

void Sandbox::SetRequest(RequestOrigin origin) {
  // Bounded copies: a client cannot grow the sandbox with long headers.
  for (std::string* s : {&origin.request_id, &origin.correlation_id, &origin.application_id,
                         &origin.user_principal_name})
    if (s->size() > 256) s->resize(256);
  current_request_ = kNoIndex;
  pending_request_ = std::move(origin);
}

void Sandbox::ClearRequest() {
  current_request_ = kNoIndex;
  pending_request_.reset();
}


void Sandbox::Touch(Subscription& sub) {
  ++sub.version;
  sub.last_updated = Now();
}


// --- purchases -----------------------------------------------------------------

int Sandbox::SeatsInGroup(const Customer& customer, std::string_view group) const {
  int seats = 0;
  for (uint32_t i : subscriptions_of_customer_[customer.index])
    if (const Subscription* s = subscriptions_[i].get(); s->offer->sku->seat_cap_group == group &&
        (s->status == SubscriptionStatus::Active || s->status == SubscriptionStatus::Suspended))
      seats += s->quantity;
  return seats;
}

int Sandbox::ActiveSubscriptionsOfSku(const Customer& customer, const Offer& offer) const {
  int n = 0;
  for (uint32_t i : subscriptions_of_customer_[customer.index])
    if (const Subscription* s = subscriptions_[i].get(); s->offer->sku == offer.sku &&
        (s->status == SubscriptionStatus::Active || s->status == SubscriptionStatus::Suspended))
      ++n;
  return n;
}

Status Sandbox::CheckCustomTermEnd(const Customer& customer, const PurchaseRequest& request) const {
  const Date end = *request.custom_term_end;
  if (IsAllowedTermEnd(customer, request.term, Today(), end)) return OkStatus();
  return Error<Err::InvalidCustomTermEndDate>(end.ToString());
}

Status Sandbox::ValidatePurchase(const PurchaseRequest& request) const { return ValidatePurchaseAgainst(request, {}); }

Status Sandbox::ValidatePurchaseAgainst(const PurchaseRequest& request,
                                        const std::vector<PurchaseRequest>& earlier) const {
  const Date today = Today();
  const Customer* customer = FindCustomer(request.customer_id);
  if (customer == nullptr) return Error<Err::CustomerNotFound>(request.customer_id);
  auto found = OfferIn(request.catalog_item_id, customer->country());
  if (!found.ok()) return found.status();
  const Offer* offer = *found;
  const Sku& sku = *offer->sku;
  if (!customer->HasMcaOn(Now()))
    return Error<Err::McaRequired>(customer->id);
  if (offer->availability->segment != Segment::Commercial) {
    std::string_view needed = offer->availability->segment == Segment::Education    ? "Education"
                              : offer->availability->segment == Segment::Government ? "GovernmentCommunityCloud"
                                                                                   : "Nonprofit";
    if (!customer->HasApprovedQualification(needed))
      return Error<Err::QualificationRequired>(request.catalog_item_id, std::string(needed));
  }
  if (sku.IsUsageBased()) return ValidateAzurePlanPurchase(*customer, *offer, request.quantity, earlier);
  if (!IsValidPair(request.term, request.billing) || !catalog_->HasTerm(*offer, request.term, today))
    return Error<Err::TermBillingNotValid>(std::string(ToString(request.term)), std::string(ToString(request.billing)), request.catalog_item_id);
  if (!catalog_->PriceAt(*offer, request.term, request.billing, today))
    return Error<Err::BillingNotAvailableForTerm>(std::string(ToString(request.billing)), std::string(ToString(request.term)), request.catalog_item_id);
  if (request.quantity < sku.minimum_quantity || request.quantity > sku.maximum_quantity)
    return Error<Err::QuantityOutOfRangeLine>(std::to_string(request.quantity), std::to_string(sku.minimum_quantity), std::to_string(sku.maximum_quantity));
  int earlier_same_sku = 0, earlier_group_seats = 0, earlier_lines = 0;
  for (const auto& e : earlier) {
    if (e.customer_id != request.customer_id) continue;
    ++earlier_lines;
    const Offer* o = catalog_->FindOffer(e.catalog_item_id, customer->country());
    if (o == nullptr) continue;
    if (o->sku == offer->sku) ++earlier_same_sku;
    if (!sku.seat_cap_group.empty() && o->sku->seat_cap_group == sku.seat_cap_group) earlier_group_seats += e.quantity;
  }
  if (environment_ == Environment::Sandbox && policy_.Bool(PolicyKey::kSandboxEnforceQuotas, today)) {
    int64_t max_seats = policy_.Int(PolicyKey::kSandboxMaxSeatsPerSubscription, today);
    int64_t max_subs = policy_.Int(PolicyKey::kSandboxMaxSubscriptionsPerCustomer, today);
    int held = 0;
    for (uint32_t i : subscriptions_of_customer_[customer->index])
      if (subscriptions_[i]->status != SubscriptionStatus::Deleted) ++held;
    if (request.quantity > max_seats)
      return Error<Err::SandboxLicenses>(std::to_string(max_seats));
    if (held + earlier_lines >= max_subs)
      return Error<Err::SandboxSubscriptions>(std::to_string(max_subs));
  }
  if (sku.max_subscriptions_per_customer &&
      ActiveSubscriptionsOfSku(*customer, *offer) + earlier_same_sku >= *sku.max_subscriptions_per_customer)
    return Error<Err::MaxSubscriptionsOfOffer>(std::to_string(*sku.max_subscriptions_per_customer), offer->ProductSkuId());
  if (!sku.seat_cap_group.empty()) {
    int cap = catalog_->SeatCap(sku.seat_cap_group).value_or(INT32_MAX);
    int remaining = cap - SeatsInGroup(*customer, sku.seat_cap_group) - earlier_group_seats;
    if (request.quantity > remaining)
      return Error<Err::SeatLimitPerItem>(std::to_string(request.quantity), std::to_string(std::max(remaining, 0)), request.catalog_item_id);
  }
  if (!sku.prerequisite_skus.empty()) {
    bool has = false;
    for (uint32_t i : subscriptions_of_customer_[customer->index])
      if (const Subscription* s = subscriptions_[i].get(); s->status == SubscriptionStatus::Active &&
          std::find(sku.prerequisite_skus.begin(), sku.prerequisite_skus.end(), s->offer->ProductSkuId()) !=
              sku.prerequisite_skus.end())
        has = true;
    if (!has)
      return Error<Err::InvalidInput>("add-on " + request.catalog_item_id + " requires an active subscription of one of its prerequisite SKUs.");
  }
  if (!request.promotion_id.empty() &&
      ApplicablePromotion(request.promotion_id, *offer, request.term, today, customer->country()) == nullptr)
    return Error<Err::PromotionInvalid>(request.promotion_id, request.catalog_item_id, today.ToString());
  if (request.custom_term_end) PCSIM_RETURN_IF_ERROR(CheckCustomTermEnd(*customer, request));
  return OkStatus();
}

const Promotion* Sandbox::ApplicablePromotion(std::string_view promotion_id, const Offer& offer, Term term, Date day,
                                              std::string_view country) const {
  if (promotion_id.empty()) return nullptr;
  const Promotion* promo = catalog_->FindPromotion(promotion_id);
  if (promo == nullptr || promo->catalog_item_id != offer.catalog_item_id || !promo->Covers(day, term)) return nullptr;
  if (!promo->countries.empty() &&
      std::find(promo->countries.begin(), promo->countries.end(), country) == promo->countries.end())
    return nullptr;
  return promo;
}

std::optional<Decimal> Sandbox::PriceOf(const Offer& offer, Term term, Billing billing, Date day,
                                        std::string_view promotion_id, std::string_view country) const {
  auto price = catalog_->PriceAt(offer, term, billing, day);
  const Promotion* promo = ApplicablePromotion(promotion_id, offer, term, day, country);
  if (!price || promo == nullptr) return price;
  Decimal keep = Decimal::FromInt(100) - promo->discount_percent;
  int places = static_cast<int>(policy_.Int(PolicyKey::kPromotionPriceDecimals, day));
  return ExactAmount(*price).Times(keep).Times(Fraction{1, 100}).RoundHalfUp(places);
}

StatusOr<const Offer*> Sandbox::OfferIn(std::string_view item, std::string_view country) const {
  if (const Offer* offer = catalog_->FindOffer(item, country)) return offer;
  if (catalog_->FindAnyOffer(item) != nullptr)
    return Error<Err::OfferNotInCountry>(std::string(item), std::string(country));
  return Error<Err::AvailabilityNotFound>(std::string(item));
}

CycleShare Sandbox::ShareOf(const Period& nominal, Billing billing, Date from) const {
  if (BillingMonths(billing) > 1 && policy_.Str(PolicyKey::kLongCycleProration, from) == "days")
    return DaysShareOf(nominal, from);
  return RemainingShareOf(nominal, billing, from, nominal.end);
}

LineAmount Sandbox::AmountOf(Decimal unit_price, Fraction share, int quantity, ChargeType type, bool refund,
                             Date today) const {
  LineAmount out;
  if (share.IsWhole()) {
    // A whole cycle is charged at the unit price whatever the rounding mode
    // (Prorate's first case, without building the exact amount).
    out.effective_unit_price = refund ? -unit_price : unit_price;
    out.total = refund ? -(unit_price * quantity) : unit_price * quantity;
    return out;
  }
  const Rounding rounding = policy_.RoundingOf(RoundingKeyOf(type), today);
  ProratedAmount amount = Prorate(unit_price, share, quantity, rounding, refund);
  int decimals = static_cast<int>(policy_.Int(PolicyKey::kEffectiveUnitPriceDecimals, today));
  out.effective_unit_price = amount.effective_unit_price.RoundHalfUp(decimals).Normalized();
  out.total = amount.total;
  if (rounding == Rounding::TruncateUnitPrice) out.truncated_unit_price = amount.effective_unit_price.Exactly();
  return out;
}

uint32_t Sandbox::Charge(const Subscription& sub, const Offer& offer, ChargeType type, uint32_t reference,
                         Period period, Decimal unit_price, Fraction share, int quantity, bool refund,
                         uint8_t extra_flags) {
  ChargeLine line;
  line.subscription = sub.index;
  line.customer = sub.customer;
  line.offer = offer.index;
  line.order = sub.order;
  if (!sub.promotion_id.empty()) {
    const auto& promos = catalog_->data().promotions;
    for (uint32_t i = 0; i < promos.size(); ++i)
      if (promos[i].id == sub.promotion_id) line.promotion = i;
  }
  line.reference = reference;
  line.order_date = Now();
  line.charge_start = period.start;
  line.charge_end = period.end;
  line.subscription_start = sub.term_start;
  line.subscription_end = sub.term_end;
  line.unit_price = unit_price;
  const LineAmount amount = AmountOf(unit_price, share, quantity, type, refund, Today());
  line.effective_unit_price = amount.effective_unit_price;
  line.total = amount.total;
  line.quantity = quantity;
  line.charge_type = type;
  line.term = sub.term;
  line.billing = sub.billing;
  line.flags = static_cast<uint8_t>((sub.is_trial ? kLineTrial : 0) | (offer.sku->is_add_on ? kLineAddOn : 0) |
                                    (refund ? kLineRefund : 0) | extra_flags);
  uint32_t index = ledger_.Add(line);
  if (on_charge_) on_charge_(ledger_.line(index));
  Journal(JournalKind::Charged, sub.index, index);
  return index;
}

void Sandbox::StartTerm(Subscription& sub, Date start, std::optional<Date> custom_end) const {
  sub.term_start = start;
  sub.custom_term_end = custom_end;
  CycleCalendar calendar = custom_end ? CycleCalendar::WithCustomEnd(start, *custom_end, sub.term, sub.billing)
                                      : CycleCalendar::ForTerm(start, sub.term, sub.billing);
  sub.cycle_anchor = calendar.anchor();
  sub.term_end = calendar.term_end();
  sub.cycle_index = calendar.FirstIndex();
  sub.cycle = calendar.Clipped(sub.cycle_index);
}

StatusOr<const Subscription*> Sandbox::Purchase(const PurchaseRequest& request) {
  auto order = PlaceOrder({request});
  if (!order.ok()) return order.status();
  return subscriptions_[(*order)->lines.front().subscription].get();
}

StatusOr<const Order*> Sandbox::PlaceOrder(const std::vector<PurchaseRequest>& lines) {
  if (lines.empty()) return Error<Err::InvalidInput>("an order needs at least one line item.");
  std::vector<PurchaseRequest> earlier;
  for (size_t i = 0; i < lines.size(); ++i) {
    if (lines[i].customer_id != lines.front().customer_id)
      return Error<Err::InvalidInput>("all line items of an order belong to one customer.");
    PCSIM_RETURN_IF_ERROR(ValidatePurchaseAgainst(lines[i], earlier));
    earlier.push_back(lines[i]);
  }
  const Customer& customer = *FindCustomer(lines.front().customer_id);
  Order& o = OpenOrder(customer);
  for (const PurchaseRequest& request : lines) AddPurchase(o, customer, request);
  uint32_t index = o.index;
  clock_.Schedule(o.completes_at, [this, index] { CompleteOrder(index); });
  return &o;
}

Order& Sandbox::OpenOrder(const Customer& customer) {
  auto order = std::make_unique<Order>();
  order->index = static_cast<uint32_t>(orders_.size());
  order->id = random_.Hex(12);
  order->customer = customer.index;
  order->created = Now();
  order->completes_at = Now() + Duration::Seconds(policy_.Int(PolicyKey::kOrderProvisioningSeconds, Today()));
  order->status = OrderStatus::Pending;
  Order& o = *order;
  order_index_[o.id] = o.index;
  orders_.push_back(std::move(order));
  Journal(JournalKind::OrderCreated, o.index);
  return o;
}

void Sandbox::AddPurchase(Order& o, const Customer& customer, const PurchaseRequest& request) {
  const Date today = Today();
  const Offer* offer = catalog_->FindOffer(request.catalog_item_id, customer.country());
  auto sub = std::make_unique<Subscription>();
  sub->index = static_cast<uint32_t>(subscriptions_.size());
  sub->id = random_.Guid();
  sub->customer = customer.index;
  sub->order = o.index;
  sub->reseller_id = request.reseller_id.empty() ? customer.associated_reseller : request.reseller_id;
  sub->offer = offer;
  sub->friendly_name = request.friendly_name.empty() ? offer->sku->title : request.friendly_name;
  sub->quantity = request.quantity;
  sub->term = request.term;
  sub->billing = request.billing;
  sub->is_trial = offer->sku->is_trial;
  sub->created = Now();
  sub->last_updated = Now();
  o.currency = offer->market->currency;
  OrderLine line;
  line.line_number = static_cast<int>(o.lines.size());
  line.subscription = sub->index;
  line.offer = offer;
  line.quantity = sub->quantity;
  line.friendly_name = sub->friendly_name;
  line.reseller_id = sub->reseller_id;
  if (offer->sku->IsUsageBased()) {
    // An Azure plan: no term and no charge line; its usage is rated per day.
    o.lines.push_back(line);
    CreateAzurePlan(AddSubscription(std::move(sub)));
    return;
  }
  StartTerm(*sub, today, request.custom_term_end);
  sub->window_start = Now();
  sub->promotion_id = request.promotion_id;
  sub->unit_price = *PriceOf(*offer, sub->term, sub->billing, today, sub->promotion_id, customer.country());
  sub->auto_renew = !sub->is_trial;
  sub->refundable.push_back(
      {sub->quantity, Now() + Duration::Hours(policy_.Int(PolicyKey::kSeatReductionWindowHours, today))});
  line.term = sub->term;
  line.billing = sub->billing;
  line.promotion_id = sub->promotion_id;
  line.custom_term_end = request.custom_term_end;
  line.unit_price = sub->unit_price;
  o.lines.push_back(line);

  Subscription& s = AddSubscription(std::move(sub));
  ScheduleBackfillOf(s);
  Journal(JournalKind::Purchased, s.index, static_cast<uint32_t>(s.quantity));
  CycleCalendar calendar = s.Calendar();
  Period nominal = calendar.Nominal(calendar.FirstIndex());
  Charge(s, *offer, ChargeType::New, ledger_.NewReference(), s.cycle, s.unit_price,
         Share(nominal, s.billing, s.cycle.start), s.quantity, false);
  ScheduleNextBoundary(s);
}

void Sandbox::HoldOrderPending(uint32_t index, Instant until) {
  Order& o = *orders_[index];
  if (o.status != OrderStatus::Pending) return;
  o.completes_at = until;
  clock_.Schedule(until, [this, index] { CompleteOrder(index); });
}

void Sandbox::CompleteOrder(uint32_t index) {
  Order& o = *orders_[index];
  // An order held pending longer ignores its first completion timer.
  if (o.status != OrderStatus::Pending || clock_.Now() < o.completes_at) return;
  o.status = OrderStatus::Completed;
  Journal(JournalKind::OrderCompleted, index);
}

Subscription& Sandbox::AddSubscription(std::unique_ptr<Subscription> sub) {
  Subscription& s = *sub;
  subscription_index_[s.id] = s.index;
  subscriptions_of_customer_[s.customer].push_back(s.index);
  subscriptions_.push_back(std::move(sub));
  return s;
}

// --- timed events ------------------------------------------------------------------

void Sandbox::ScheduleNextBoundary(Subscription& sub) {
  // The timer holds the subscription itself (subscriptions are never freed
  // before the sandbox): one memory fetch fewer than its index would cost.
  Subscription* target = &sub;
  sub.next_timer = clock_internal::ScheduleTouching(clock_, Instant::StartOf(sub.cycle.end.AddDays(1)),
                                                    [this, target] { OnBoundary(*target); }, &sub,
                                                    Subscription::kHotBytes);
}

void Sandbox::OnBoundary(Subscription& sub) {
  if (sub.status != SubscriptionStatus::Active && sub.status != SubscriptionStatus::Suspended) return;
  const Date today = Today();
  if (today > sub.term_end) {
    OnTermEnd(sub);
    return;
  }
  if (sub.pending_billing) {
    sub.billing = *sub.pending_billing;
    sub.pending_billing.reset();
    CycleCalendar calendar = sub.Calendar();
    int k = calendar.IndexOf(today);
    Period nominal = calendar.Nominal(k);
    sub.cycle_index = k;
    sub.cycle = {today, calendar.Clipped(k).end};
    const std::string& country = customers_[sub.customer]->country();
    auto price = PriceOf(*sub.offer, sub.term, sub.billing, sub.term_start, sub.promotion_id, country);
    if (!price) price = PriceOf(*sub.offer, sub.term, sub.billing, today, sub.promotion_id, country);
    sub.unit_price = *price;
    Touch(sub);
    Journal(JournalKind::BillingPlanChanged, sub.index);
    Charge(sub, *sub.offer, ChargeType::ChangeBillingPlan, ledger_.NewReference(), sub.cycle, sub.unit_price,
           Share(nominal, sub.billing, today), sub.quantity, false);
  } else {
    // The boundary is the day after the current cycle: the next cycle starts.
    sub.cycle = sub.Calendar().Clipped(++sub.cycle_index);
    Charge(sub, *sub.offer, ChargeType::CycleCharge, ledger_.NewReference(), sub.cycle, sub.unit_price,
           Fraction::Whole(), sub.quantity, false);
  }
  ScheduleNextBoundary(sub);
}

void Sandbox::EnterLifecycleState(Subscription& sub, SubscriptionStatus status, int days_until_next,
                                  std::optional<SubscriptionStatus> then, int then_days) {
  sub.status = status;
  sub.status_changed_at = Now();
  sub.refundable.clear();
  Touch(sub);
  Journal(status == SubscriptionStatus::Expired ? JournalKind::Expired
          : status == SubscriptionStatus::Disabled ? JournalKind::Disabled
                                                   : JournalKind::Deleted,
          sub.index);
  if (status == SubscriptionStatus::Deleted) return;
  SubscriptionStatus next = then.value_or(SubscriptionStatus::Deleted);
  Date when = Today().AddDays(days_until_next);
  sub.deletion_date = then ? when.AddDays(then_days) : when;
  uint32_t index = sub.index;
  sub.next_timer = clock_internal::ScheduleTouching(
      clock_, Instant::StartOf(when), [this, index, next, then_days] { OnLifecycleTimer(index, next, then_days); },
      &sub, sizeof sub);
}

void Sandbox::OnLifecycleTimer(uint32_t index, SubscriptionStatus next, int next_days) {
  Subscription& sub = *subscriptions_[index];
  if (sub.status == SubscriptionStatus::Deleted || sub.status == SubscriptionStatus::Active) return;
  EnterLifecycleState(sub, next, next_days, std::nullopt, 0);
}

void Sandbox::ScheduleInvoiceClose(Date month_start) {
  Date next_month = month_start.AddMonthsClamped(1);
  int day = static_cast<int>(policy_.Int(PolicyKey::kInvoiceCloseDay, next_month));
  day = std::clamp(day, 1, next_month.DaysInMonth());
  clock_.Schedule(Instant::StartOf(next_month.AddDays(day - 1)), [this, month_start, next_month] {
    CloseInvoices(month_start);
    ScheduleInvoiceClose(next_month);
  });
}

void Sandbox::CloseInvoices(Date month_start) {
  const Date today = Today();
  // Each customer holds its own copy of its partner's tenant id, and each
  // offer's market its own copy of the currency: look them up once per
  // customer and offer and hand out one view per distinct text, so that
  // consecutive lines of one group (whichever customer or offer) share views
  // the ledger recognises without comparing the text.
  std::vector<std::string_view> distinct;
  auto canonical = [&distinct](const std::string& text) {
    auto it = std::find(distinct.begin(), distinct.end(), std::string_view(text));
    return it == distinct.end() ? distinct.emplace_back(text) : *it;
  };
  std::vector<std::string_view> partner_of_customer(customers_.size());
  std::vector<std::string_view> currency_of_offer(catalog_->offers().size());
  auto created = ledger_.ClosePeriod(
      month_start, Now(), policy_.Str(PolicyKey::kInvoiceIdPrefix, today),
      static_cast<int>(policy_.Int(PolicyKey::kInvoiceIdDigits, today)),
      [&](const ChargeLine& line) {
        std::string_view& partner = partner_of_customer[line.customer];
        if (partner.data() == nullptr) partner = canonical(PartnerOf(line));
        std::string_view& currency = currency_of_offer[line.offer];
        if (currency.data() == nullptr) currency = canonical(catalog_->OfferAt(line.offer)->market->currency);
        return Ledger::BillingGroup{partner, currency};
      },
      UsageBillingGroups(month_start));
  BillUsage(month_start, created);
  for (uint32_t i : created) Journal(JournalKind::InvoiceClosed, i);
  if (!keep_history_) ledger_.ReleaseBilled();
}

}  // namespace pcsim
