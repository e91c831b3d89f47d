// ImportBook (book_import.h): rows grouped by subscription, the latest charge
// of each read as the subscription's state at asOf.
#include "simulator/audit/book_import.h"

#include <algorithm>
#include <map>
#include <set>
#include <unordered_map>

#include "simulator/commerce/sandbox.h"
#include "simulator/model/errors.h"

namespace pcsim::audit {
namespace {

struct TermText {
  Term term;
  Billing billing;
  bool trial = false, est = false;
  bool billing_known = true;  // false: the text names the term only
};

// The policy's TermAndBillingCycle texts on `day`. A text shared by two
// pairs (Partner Center's "One-Year commitment for monthly/yearly billing")
// names the term only: the charge periods then tell the billing plan.
std::map<std::string, TermText> TermTexts(const Policy& policy, Date day) {
  std::map<std::string, TermText> texts;
  auto add = [&](PolicyKey key, TermText t) {
    std::string text = policy.Str(key, day);
    auto [it, fresh] = texts.try_emplace(text, t);
    if (!fresh && (it->second.term != t.term || it->second.billing != t.billing)) it->second.billing_known = false;
  };
  add(PolicyKey::kTermTextP1MMonthly, {Term::P1M, Billing::Monthly});
  add(PolicyKey::kTermTextP1YMonthly, {Term::P1Y, Billing::Monthly});
  add(PolicyKey::kTermTextP1YAnnual, {Term::P1Y, Billing::Annual});
  add(PolicyKey::kTermTextP3YMonthly, {Term::P3Y, Billing::Monthly});
  add(PolicyKey::kTermTextP3YAnnual, {Term::P3Y, Billing::Annual});
  add(PolicyKey::kTermTextP3YTriennial, {Term::P3Y, Billing::Triennial});
  add(PolicyKey::kTermTextTrial, {Term::P1M, Billing::Monthly, true});
  add(PolicyKey::kEstTermAndBillingCycle, {Term::P1M, Billing::Monthly, false, true});
  return texts;
}

// The term a subscription's dates span: about 1, 12 or 36 months.
std::optional<Term> TermOfDates(Date start, Date end) {
  int days = end - start + 1;
  if (days >= 28 && days <= 31) return Term::P1M;
  if (days >= 365 && days <= 366) return Term::P1Y;
  if (days >= 1095 && days <= 1097) return Term::P3Y;
  return std::nullopt;
}

// The billing plan a full cycle's charge period spans.
std::optional<Billing> BillingOfPeriod(Date start, Date end) {
  int days = end - start + 1;
  if (days >= 28 && days <= 31) return Billing::Monthly;
  if (days >= 365 && days <= 366) return Billing::Annual;
  if (days >= 1095 && days <= 1097) return Billing::Triennial;
  return std::nullopt;
}

bool IsRefund(const ReconRow& r) { return r.subtotal.IsNegative() || r.effective_unit_price.IsNegative(); }

bool Later(const ReconRow& a, const ReconRow& b) {
  if (a.order_date != b.order_date) return a.order_date > b.order_date;
  if (a.charge_start != b.charge_start) return a.charge_start > b.charge_start;
  return false;
}

}  // namespace

StatusOr<Book> ImportBook(const ReconInput& input, const Interner& texts, Instant as_of, const Policy& policy) {
  const Date today = as_of.date();
  const auto term_texts = TermTexts(policy, today);
  auto text = [&](uint32_t id) { return std::string(texts.Text(id)); };

  // Each subscription's rows up to asOf, in file order.
  std::vector<uint32_t> subscription_order;
  std::unordered_map<uint32_t, std::vector<size_t>> rows_of;
  size_t after = 0;
  for (size_t i = 0; i < input.rows.size(); ++i) {
    const ReconRow& r = input.rows[i];
    if (r.order_date > today) {
      ++after;
      continue;
    }
    auto [it, fresh] = rows_of.try_emplace(r.subscription);
    if (fresh) subscription_order.push_back(r.subscription);
    it->second.push_back(i);
  }

  Book book;
  book.as_of = as_of;
  std::vector<std::string>& notes = book.assumptions;
  if (after > 0)
    notes.push_back("rows: " + std::to_string(after) + " row(s) with an OrderDate after asOf " + today.ToString() +
                    " are not part of the book");
  std::map<uint32_t, size_t> customer_at;  // customer id -> index in book.customers
  std::set<uint32_t> resellers;

  for (uint32_t sub_id : subscription_order) {
    const std::vector<size_t>& rows = rows_of[sub_id];
    const std::string sid = text(sub_id);
    // The latest charge, and the latest that is not a refund.
    const ReconRow* latest = nullptr;
    const ReconRow* latest_charge = nullptr;
    const ReconRow* earliest = nullptr;
    for (size_t i : rows) {
      const ReconRow& r = input.rows[i];
      if (latest == nullptr || !Later(*latest, r)) latest = &r;
      if (!IsRefund(r) && (latest_charge == nullptr || !Later(*latest_charge, r))) latest_charge = &r;
      if (earliest == nullptr || r.order_date < earliest->order_date) earliest = &r;
    }
    if (latest->charge_type == static_cast<uint32_t>(ChargeType::CancelImmediate) ||
        latest_charge == nullptr) {
      notes.push_back("subscription " + sid + ": its latest row (" + input.Where(*latest) +
                      ") cancels it: left out of the book");
      continue;
    }
    const ReconRow& r = *latest_charge;
    if (!r.has_subscription_dates)
      return Error<Err::InvalidInput>(input.Where(r) + ": SubscriptionStartDate and SubscriptionEndDate are empty");
    if (r.subscription_end < today) {
      notes.push_back("subscription " + sid + ": its term ended " + r.subscription_end.ToString() +
                      " before asOf and no later row renews it (" + input.Where(r) + "): left out of the book");
      continue;
    }

    // The customer.
    auto [cit, fresh_customer] = customer_at.try_emplace(r.customer, book.customers.size());
    if (fresh_customer) {
      BookCustomer c;
      c.source = {input.files[r.file], r.line};
      c.id = text(r.customer);
      c.company_name = text(r.customer_name);
      c.domain = text(r.domain);
      c.country = text(r.country);
      book.customers.push_back(std::move(c));
      if (book.partner_tenant_id.empty()) book.partner_tenant_id = text(r.partner);
    }
    BookCustomer& customer = book.customers[cit->second];

    BookSubscription s;
    s.source = {input.files[r.file], r.line};
    s.id = sid;
    s.offer_id = text(r.product) + ":" + text(r.sku) + ":" + text(r.availability);
    s.order_id = text(r.order_id);
    s.quantity = r.quantity;
    s.term_start = r.subscription_start;
    s.term_end = r.subscription_end;
    s.unit_price = r.unit_price;
    s.promotion_id = text(r.promotion);
    s.reseller_id = text(r.reseller);
    s.created = Instant::StartOf(earliest->order_date);
    if (!s.reseller_id.empty() && resellers.insert(r.reseller).second) {
      book.resellers.push_back({s.reseller_id, s.reseller_id, ""});
      notes.push_back("reseller " + s.reseller_id +
                      ": the rows give its MPN id (Tier2MpnId) only; it is used as its partnerId, its name is empty");
    }

    // Term and billing plan.
    auto tt = term_texts.find(text(r.term_text));
    std::optional<Term> term;
    std::optional<Billing> billing;
    bool est = false;
    if (tt != term_texts.end()) {
      term = tt->second.term;
      if (tt->second.billing_known) billing = tt->second.billing;
      est = tt->second.est;
    }
    if (est) {
      // In an Extended Service Term: the term before it is the latest non-EST row's.
      s.in_est = true;
      Date est_start = r.charge_start;
      const ReconRow* before = nullptr;
      for (size_t i : rows) {
        const ReconRow& o = input.rows[i];
        auto ot = term_texts.find(text(o.term_text));
        bool o_est = ot != term_texts.end() && ot->second.est;
        if (o_est && !IsRefund(o)) est_start = std::min(est_start, o.charge_start);
        if (!o_est && !IsRefund(o) && (before == nullptr || !Later(*before, o))) before = &o;
      }
      s.est_start = est_start;
      s.auto_renew = false;
      if (before != nullptr) {
        auto bt = term_texts.find(text(before->term_text));
        s.term = bt != term_texts.end() ? bt->second.term : TermOfDates(before->subscription_start, before->subscription_end).value_or(Term::P1Y);
        s.billing = BillingOfPeriod(before->charge_start, before->charge_end).value_or(Billing::Monthly);
        s.term_start = before->subscription_start;
        s.term_end = before->subscription_end;
      } else {
        s.term = Term::P1Y;
        s.billing = Billing::Monthly;
        s.term_start = est_start.AddDays(-365);
        s.term_end = est_start.AddDays(-1);
        notes.push_back("subscription " + sid + ": in an Extended Service Term since " + est_start.ToString() +
                        "; no row shows the term before it: P1Y billed monthly assumed");
      }
      s.unit_price.reset();
      notes.push_back("subscription " + sid + ": in an Extended Service Term; its monthly price is the EST price list's");
    } else {
      if (!term) {
        term = TermOfDates(r.subscription_start, r.subscription_end);
        if (!term)
          return Error<Err::InvalidInput>(input.Where(r) + ": TermAndBillingCycle \"" + text(r.term_text) +
                                          "\" is not a term pcsim knows, and the subscription dates " +
                                          r.subscription_start.ToString() + ".." + r.subscription_end.ToString() +
                                          " span no term");
        notes.push_back("subscription " + sid + ": TermAndBillingCycle \"" + text(r.term_text) +
                        "\" is not a policy text: term " + std::string(ToString(*term)) +
                        " taken from the subscription dates");
      }
      if (!billing) {
        // The full cycle charges (not prorated) show the billing plan.
        for (size_t i : rows) {
          const ReconRow& o = input.rows[i];
          if (IsRefund(o) || o.effective_unit_price != o.unit_price) continue;
          if (auto b = BillingOfPeriod(o.charge_start, o.charge_end); b && IsValidPair(*term, *b)) billing = b;
        }
        if (!billing) {
          billing = Billing::Monthly;
          notes.push_back("subscription " + sid + ": no full-cycle charge shows the billing plan: monthly assumed");
        }
      }
      s.term = *term;
      s.billing = *billing;
      // A price that changed within the term: the latest one is kept.
      for (size_t i : rows) {
        const ReconRow& o = input.rows[i];
        if (!IsRefund(o) && o.subscription_start == r.subscription_start && o.unit_price != r.unit_price) {
          notes.push_back("subscription " + sid + ": UnitPrice " + Decimal(o.unit_price).ToString() + " (" +
                          input.Where(o) + ") and " + Decimal(r.unit_price).ToString() + " (" + input.Where(r) +
                          ") in one term: the latest, " + Decimal(r.unit_price).ToString() + ", is kept");
          break;
        }
      }
      notes.push_back("subscription " + sid +
                      ": autoRenewEnabled true, no scheduled action, no next-term instructions (the rows do not say)");
    }
    notes.push_back("subscription " + sid + ": status active, friendly name the SKU's (the rows do not say)");
    customer.subscriptions.push_back(std::move(s));
  }

  // What the rows say must load: the same checks a book file gets.
  auto loaded = Sandbox::FromBook(book, SandboxOptions{});
  if (!loaded.ok()) return loaded.status();
  return book;
}

}  // namespace pcsim::audit
