// Sandbox::Digest: every piece of state a request or a timer can change, fed
// to a StateHasher in a fixed order. The indexes (id -> position maps) are
// derived from the vectors and left out; so are the catalog and the country
// rules, which nothing changes after construction.
#include "simulator/commerce/sandbox.h"
#include "simulator/model/state_hasher.h"

namespace pcsim {
namespace {

void AddAddress(StateHasher& h, const Address& a) {
  for (const std::string* s : {&a.first_name, &a.last_name, &a.address_line1, &a.address_line2, &a.address_line3,
                               &a.city, &a.state, &a.postal_code, &a.country, &a.region, &a.phone_number})
    h.Add(*s);
}

void AddCustomer(StateHasher& h, const Customer& c) {
  h.Add(c.index);
  for (const std::string* s : {&c.id, &c.commerce_id, &c.billing_profile_id, &c.partner_tenant_id, &c.company_name,
                               &c.domain, &c.email, &c.culture, &c.language, &c.organization_registration_number,
                               &c.associated_reseller})
    h.Add(*s);
  AddAddress(h, c.address);
  h.Count(c.agreements.size());
  for (const AgreementRecord& a : c.agreements) {
    for (const std::string* s : {&a.template_id, &a.type, &a.first_name, &a.last_name, &a.email, &a.phone_number,
                                 &a.user_id})
      h.Add(*s);
    h.Add(a.date_agreed);
  }
  h.Count(c.qualifications.size());
  for (const Qualification& q : c.qualifications) {
    h.Add(q.name);
    h.Add(q.status);
    h.Add(q.created);
  }
  h.Count(c.users.size());
  for (const CustomerUser& u : c.users) {
    for (const std::string* s : {&u.id, &u.user_principal_name, &u.first_name, &u.last_name, &u.display_name,
                                 &u.usage_location, &u.immutable_id})
      h.Add(*s);
    h.Add(u.created);
    h.Add(u.deleted.has_value());
    if (u.deleted) h.Add(*u.deleted);
  }
  h.Add(c.created);
  h.Add(c.billing_profile_version);
  h.Add(c.deleted);
}

void AddOffer(StateHasher& h, const Offer* offer) { h.Add(offer == nullptr ? kNoIndex : offer->index); }

void AddOrder(StateHasher& h, const Order& o) {
  h.Add(o.index);
  h.Add(o.id);
  h.Add(o.customer);
  h.Add(o.created);
  h.Add(o.completes_at);
  h.Add(o.status);
  h.Add(o.currency);
  h.Count(o.lines.size());
  for (const OrderLine& l : o.lines) {
    h.Add(l.line_number);
    h.Add(l.subscription);
    AddOffer(h, l.offer);
    h.Add(l.term);
    h.Add(l.billing);
    h.Add(l.quantity);
    h.Add(l.friendly_name);
    h.Add(l.promotion_id);
    h.Add(l.reseller_id);
    h.Add(l.custom_term_end);
    h.Add(l.unit_price);
  }
}

void AddInstructions(StateHasher& h, const std::optional<NextTermInstructions>& n) {
  h.Add(n.has_value());
  if (!n) return;
  AddOffer(h, n->offer);
  h.Add(n->term);
  h.Add(n->billing);
  h.Add(n->quantity);
  h.Add(n->custom_term_end);
  h.Add(n->promotion_id);
}

void AddSubscriptionState(StateHasher& h, const Subscription& s) {
  h.Add(s.index);
  h.Add(s.customer);
  h.Add(s.order);
  h.Add(s.quantity);
  AddOffer(h, s.offer);
  h.Add(s.term);
  h.Add(s.billing);
  h.Add(s.is_trial);
  h.Add(s.status);
  h.Add(s.auto_renew);
  h.Add(s.in_est);
  h.Add(s.pre_est_term);
  h.Add(s.pre_est_billing);
  h.Add(s.term_start);
  h.Add(s.term_end);
  h.Add(s.cycle_anchor);
  h.Add(s.cycle.start);
  h.Add(s.cycle.end);
  h.Add(s.cycle_index);
  h.Add(s.custom_term_end);
  h.Add(s.pending_billing);
  h.Add(s.unit_price);
  h.Add(s.next_timer);
  h.Add(s.promotion_id);
  h.Add(s.version);
  h.Add(s.last_updated);
  h.Add(s.id);
  h.Add(s.reseller_id);
  h.Add(s.friendly_name);
  h.Add(s.created);
  h.Add(s.window_start);
  h.Count(s.refundable.size());
  for (const SeatBatch& b : s.refundable) {
    h.Add(b.quantity);
    h.Add(b.refundable_until);
  }
  AddInstructions(h, s.next_term);
  h.Add(s.scheduled_action.has_value());
  if (s.scheduled_action) {
    const ScheduledAction& a = *s.scheduled_action;
    h.Add(a.schedule);
    h.Add(a.action);
    h.Add(a.effective_date);
    AddInstructions(h, a.instructions);
    h.Add(a.origin);
  }
  h.Add(s.est_start);
  h.Add(s.auto_renew_rule_timer);
  h.Add(s.status_changed_at);
  h.Add(s.deletion_date);
}

void AddLine(StateHasher& h, const ChargeLine& l) {
  h.Add(l.order_date);
  for (uint32_t v : {l.subscription, l.customer, l.offer, l.order, l.invoice, l.promotion, l.reference}) h.Add(v);
  for (Date d : {l.charge_start, l.charge_end, l.subscription_start, l.subscription_end}) h.Add(d);
  h.Add(l.quantity);
  h.Add(l.unit_price);
  h.Add(l.effective_unit_price);
  h.Add(l.total);
  h.Add(l.charge_type);
  h.Add(l.term);
  h.Add(l.billing);
  h.Add(l.flags);
}

void AddAzure(StateHasher& h, const AzureBook& azure) {
  h.Count(azure.entitlements.size());
  for (const AzureEntitlement& e : azure.entitlements) {
    h.Add(e.index);
    h.Add(e.id);
    h.Add(e.plan);
    h.Add(e.friendly_name);
    h.Add(e.active);
    h.Add(e.created);
    h.Add(e.status_changed);
    h.Count(e.roles.size());
    for (const AzureRoleChange& r : e.roles) {
      h.Add(r.at);
      h.Add(r.role);
      h.Add(r.via);
    }
  }
  h.Count(azure.entitlements_of_plan.size());
  for (const auto& [plan, entitlements] : azure.entitlements_of_plan) {
    h.Add(plan);
    h.Count(entitlements.size());
    for (uint32_t e : entitlements) h.Add(e);
  }
  h.Count(azure.usage.size());
  for (const auto& [key, record] : azure.usage) {
    h.Add(key.day);
    h.Add(key.entitlement);
    h.Add(key.meter);
    h.Add(record.quantity);
    h.Add(record.invoice);
  }
}

}  // namespace

uint64_t Sandbox::Digest() const {
  StateHasher h;
  h.Add(clock_.Now());
  h.Add(clock_.next_sequence());
  h.Count(clock_.PendingTimers());
  clock_.ForEachPending([&h](Instant due, uint64_t sequence) {
    h.Add(due);
    h.Add(sequence);
  });
  h.Add(policy_.name());
  h.Add(environment_);
  h.Add(seed_);
  h.Add(random_.state());
  h.Count(customers_.size());
  for (const auto& c : customers_) AddCustomer(h, *c);
  h.Count(orders_.size());
  for (const auto& o : orders_) AddOrder(h, *o);
  h.Count(subscriptions_.size());
  for (const auto& s : subscriptions_) AddSubscriptionState(h, *s);
  h.Count(live_domains_.size());
  h.Add(ledger_.last_reference());
  h.Add(ledger_.next_invoice_number());
  h.Count(ledger_.lines().size());
  for (const ChargeLine& l : ledger_.lines()) AddLine(h, l);
  h.Count(ledger_.invoices().size());
  for (const Invoice& i : ledger_.invoices()) {
    h.Add(i.index);
    h.Add(i.id);
    h.Add(i.partner_tenant_id);
    h.Add(i.currency);
    h.Add(i.period_start);
    h.Add(i.period_end);
    h.Add(i.invoice_date);
    h.Add(i.total);
    h.Count(i.lines.size());
    for (uint32_t l : i.lines) h.Add(l);
  }
  h.Count(journal_.size());
  for (const JournalEntry& e : journal_) {
    h.Add(e.at);
    h.Add(e.subject);
    h.Add(e.detail);
    h.Add(e.kind);
    h.Add(e.request);
  }
  h.Count(requests_.size());
  for (const RequestOrigin& r : requests_)
    for (const std::string* f : {&r.request_id, &r.correlation_id, &r.application_id, &r.user_principal_name})
      h.Add(*f);
  AddAzure(h, azure_);
  return h.value();
}

}  // namespace pcsim
