#include "simulator/model/errors.h"
#include "simulator/commerce/est_report.h"

#include <algorithm>
#include <optional>
#include <string>
#include <vector>

#include "simulator/model/csv.h"

namespace pcsim {
namespace {

std::string_view OriginText(ActionOrigin o) {
  switch (o) {
    case ActionOrigin::Partner: return "Partner";
    case ActionOrigin::Backfill: return "Backfill";
    case ActionOrigin::AutoRenewOffRule: return "AutoRenewOffRule";
  }
  return "";
}

// Two decimals, or empty without a value.
std::string Amount(const std::optional<Decimal>& d) { return d ? d->WithScale(2).ToString() : std::string(); }

// One subscription's row, in the header's order.
std::vector<std::string> AuditRow(const Sandbox& sandbox, const Subscription& s, bool compare_to_renewal) {
  const Customer& c = sandbox.CustomerAt(s.customer);
  const Date renewal_day = s.term_end.AddDays(1);
  const std::optional<Decimal> est = sandbox.EstPrice(*s.offer, renewal_day);
  const bool eligible = s.in_est || sandbox.IsEstEligible(s);
  const TermEndDecision decision = sandbox.DecideTermEnd(s);
  std::optional<Decimal> est_total;
  if (est) est_total = *est * s.quantity;
  std::vector<std::string> row = {
      c.partner_tenant_id, c.id, c.company_name, s.id, s.offer->catalog_item_id, s.offer->product->title,
      std::to_string(s.quantity), s.term_end.ToString(), s.auto_renew ? "true" : "false",
      s.scheduled_action ? std::string(ToString(s.scheduled_action->action)) : std::string(),
      s.scheduled_action ? std::string(OriginText(s.scheduled_action->origin)) : std::string(),
      s.in_est ? "true" : "false", eligible ? "true" : "false", std::string(ToString(decision.outcome)),
      s.offer->market->currency, Amount(est), Amount(est_total)};
  if (compare_to_renewal) {
    const Term term = s.in_est ? s.pre_est_term : s.term;
    const Billing billing = s.in_est ? s.pre_est_billing : s.billing;
    std::optional<Decimal> per_month = RenewalPricePerSeatPerMonth(sandbox, s), total, extra;
    if (per_month) total = *per_month * s.quantity;
    if (per_month && est) extra = (*est - *per_month) * s.quantity;
    row.insert(row.end(), {std::string(ToString(term)), std::string(ToString(billing)), Amount(per_month),
                           Amount(total), Amount(extra)});
  }
  row.push_back(decision.cause);
  return row;
}

}  // namespace

std::optional<Decimal> RenewalPricePerSeatPerMonth(const Sandbox& sandbox, const Subscription& s) {
  const Term term = s.in_est ? s.pre_est_term : s.term;
  const Billing billing = s.in_est ? s.pre_est_billing : s.billing;
  auto price = sandbox.catalog().PriceAt(*s.offer, term, billing, s.term_end.AddDays(1));
  if (!price) return std::nullopt;
  return ExactAmount(*price).Times(Fraction{1, BillingMonths(billing)}).RoundHalfUp(2);
}

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
  std::string out;
  std::vector<std::string> header = {"PartnerId", "CustomerId", "CustomerName", "SubscriptionId", "OfferId",
                                     "ProductName", "Quantity", "TermEndDate", "AutoRenewEnabled", "ScheduledAction",
                                     "ScheduledActionOrigin", "InExtendedServiceTerm", "EstEligible",
                                     "ProjectedOutcome", "Currency", "EstPricePerSeatPerMonth", "EstTotalPerMonth"};
  if (compare_to_renewal)
    header.insert(header.end(), {"RenewalTerm", "RenewalBilling", "RenewalPricePerSeatPerMonth",
                                 "RenewalTotalPerMonth", "EstExtraPerMonth"});
  header.push_back("ProjectedOutcomeCause");
  AppendCsvRow(out, header);
  for (const Subscription* s : subs) AppendCsvRow(out, AuditRow(sandbox, *s, compare_to_renewal));
  return out;
}

}  // namespace pcsim
