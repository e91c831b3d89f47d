#include "simulator/model/errors.h"
#include "simulator/commerce/est_report.h"

#include <algorithm>
#include <sstream>

namespace pcsim {
namespace {

std::string Csv(const std::string& s) {
  if (s.find_first_of(",\"\n") == std::string::npos) return s;
  std::string out = "\"";
  for (char c : s) out += c == '"' ? std::string("\"\"") : std::string(1, c);
  return out + "\"";
}

std::string_view OriginText(ActionOrigin o) {
  switch (o) {
    case ActionOrigin::Partner: return "Partner";
    case ActionOrigin::Backfill: return "Backfill";
    case ActionOrigin::AutoRenewOffRule: return "AutoRenewOffRule";
  }
  return "";
}

}  // namespace

StatusOr<std::string> EstAuditCsv(const Sandbox& sandbox, bool compare_to_renewal) {
  const Date from = sandbox.policy().DateOf(PolicyKey::kEstAuditDownloadFrom);
  if (sandbox.Today() < from)
    return Error<Err::ControlInvalidInput>("The EST audit download is available from " + from.ToString() + " (simulated today is " +
                                  sandbox.Today().ToString() + ").");
  std::vector<const Subscription*> subs;
  for (const auto& s : sandbox.subscriptions())
    if ((s->status == SubscriptionStatus::Active || s->status == SubscriptionStatus::Suspended) &&
        !Sandbox::IsAzurePlan(*s))  // an Azure plan has no term to end
      subs.push_back(s.get());
  std::stable_sort(subs.begin(), subs.end(), [](const Subscription* a, const Subscription* b) {
    return a->term_end != b->term_end ? a->term_end < b->term_end : a->id < b->id;
  });
  std::ostringstream out;
  out << "PartnerId,CustomerId,CustomerName,SubscriptionId,OfferId,ProductName,Quantity,TermEndDate,AutoRenewEnabled,"
         "ScheduledAction,ScheduledActionOrigin,InExtendedServiceTerm,EstEligible,ProjectedOutcome,Currency,"
         "EstPricePerSeatPerMonth,EstTotalPerMonth";
  if (compare_to_renewal) out << ",RenewalTerm,RenewalBilling,RenewalPricePerSeatPerMonth,RenewalTotalPerMonth,EstExtraPerMonth";
  out << ",ProjectedOutcomeCause\n";
  for (const Subscription* s : subs) {
    const Customer& c = sandbox.CustomerAt(s->customer);
    const Date renewal_day = s->term_end.AddDays(1);
    auto est = sandbox.EstPrice(*s->offer, renewal_day);
    bool eligible = s->in_est || sandbox.IsEstEligible(*s);
    const TermEndDecision decision = sandbox.DecideTermEnd(*s);
    out << Csv(c.partner_tenant_id) << "," << Csv(c.id) << "," << Csv(c.company_name) << "," << Csv(s->id) << ","
        << Csv(s->offer->catalog_item_id) << "," << Csv(s->offer->product->title) << "," << s->quantity << ","
        << s->term_end.ToString() << "," << (s->auto_renew ? "true" : "false") << ","
        << (s->scheduled_action ? std::string(ToString(s->scheduled_action->action)) : std::string()) << ","
        << (s->scheduled_action ? std::string(OriginText(s->scheduled_action->origin)) : std::string()) << ","
        << (s->in_est ? "true" : "false") << "," << (eligible ? "true" : "false") << "," << ToString(decision.outcome)
        << "," << s->offer->market->currency << "," << (est ? est->WithScale(2).ToString() : std::string()) << ","
        << (est ? (*est * s->quantity).WithScale(2).ToString() : std::string());
    if (compare_to_renewal) {
      Term term = s->in_est ? s->pre_est_term : s->term;
      Billing billing = s->in_est ? s->pre_est_billing : s->billing;
      auto price = sandbox.catalog().PriceAt(*s->offer, term, billing, renewal_day);
      std::optional<Decimal> per_month;
      if (price) per_month = ExactAmount(*price).Times(Fraction{1, BillingMonths(billing)}).RoundHalfUp(2);
      out << "," << ToString(term) << "," << ToString(billing) << ","
          << (per_month ? per_month->WithScale(2).ToString() : std::string()) << ","
          << (per_month ? (*per_month * s->quantity).WithScale(2).ToString() : std::string()) << ",";
      if (per_month && est) out << ((*est - *per_month) * s->quantity).WithScale(2).ToString();
    }
    out << "," << Csv(decision.cause) << "\n";
  }
  return out.str();
}

}  // namespace pcsim
