#include "tests/property/state_oracle.h"

#include <map>
#include <string>

namespace pcsim::property {
namespace {

std::string Describe(const ChargeLine& l, uint32_t index) {
  return "line " + std::to_string(index) + " (" + std::string(ToString(l.charge_type)) + ", quantity " +
         std::to_string(l.quantity) + ", unit " + Decimal(l.unit_price).ToString() + ", effective " +
         Decimal(l.effective_unit_price).ToString() + ", total " + Decimal(l.total).ToString() + ", " +
         l.charge_start.ToString() + ".." + l.charge_end.ToString() + ")";
}

bool Runs(SubscriptionStatus s) { return s == SubscriptionStatus::Active || s == SubscriptionStatus::Suspended; }

}  // namespace

std::string CheckBook(const api::Router& router) {
  const Sandbox& sandbox = const_cast<api::Router&>(router).sandbox();
  const Ledger& ledger = sandbox.ledger();
  const Date today = sandbox.Today();
  std::map<uint32_t, int64_t> paid_today;  // subscription -> seats paid for today
  for (uint32_t i = 0; i < ledger.lines().size(); ++i) {
    const ChargeLine& l = ledger.line(i);
    if (l.subscription >= sandbox.subscriptions().size() || l.customer >= sandbox.customers().size() ||
        l.order >= sandbox.orders().size())
      return Describe(l, i) + " names a subscription, customer or order that does not exist";
    const Subscription& sub = sandbox.SubscriptionAt(l.subscription);
    if (sub.customer != l.customer) return Describe(l, i) + " names another customer than its subscription's";
    if (l.quantity < 1) return Describe(l, i) + " charges no seat";
    if (l.charge_start > l.charge_end) return Describe(l, i) + " ends before it starts";
    const bool refund = (l.flags & kLineRefund) != 0;
    const Decimal total = l.total, effective = l.effective_unit_price, unit = l.unit_price;
    if (refund ? (total > Decimal() || effective > Decimal()) : (total < Decimal() || effective < Decimal()))
      return Describe(l, i) + " has the sign of a " + (refund ? "charge" : "refund");
    const Decimal full = unit * static_cast<int64_t>(l.quantity);
    const Decimal magnitude = refund ? -total : total;
    if ((refund ? -effective : effective) == unit && magnitude != full)
      return Describe(l, i) + " is a whole cycle but does not total unit price x quantity = " + full.ToString();
    if (magnitude > full) return Describe(l, i) + " totals more than unit price x quantity = " + full.ToString();
    if (l.invoice != kNoIndex) {
      if (l.invoice >= ledger.invoices().size()) return Describe(l, i) + " names an invoice that does not exist";
      const auto& lines = ledger.invoices()[l.invoice].lines;
      if (std::find(lines.begin(), lines.end(), i) == lines.end())
        return Describe(l, i) + " names invoice " + ledger.invoices()[l.invoice].id + ", which does not hold it";
    }
    if (l.charge_type == ChargeType::New) {
      const Order& order = sandbox.OrderAt(l.order);
      bool found = false;
      for (const OrderLine& ol : order.lines)
        if (ol.subscription == l.subscription && ol.quantity == l.quantity) found = true;
      if (!found) return Describe(l, i) + " is a purchase its order " + order.id + " does not hold";
    }
    if (l.charge_start <= today && today <= l.charge_end)
      paid_today[l.subscription] += refund ? -int64_t{l.quantity} : int64_t{l.quantity};
  }
  for (const Invoice& invoice : ledger.invoices()) {
    Decimal sum;
    for (uint32_t line : invoice.lines) {
      if (line >= ledger.lines().size() || ledger.line(line).invoice != invoice.index)
        return "invoice " + invoice.id + " holds line " + std::to_string(line) + ", which names another invoice";
      sum += Decimal(ledger.line(line).total);
    }
    bool usage = false;
    for (const auto& [key, record] : sandbox.azure().usage)
      if (record.invoice == invoice.index) usage = true;
    if (!usage && sum != invoice.total)
      return "invoice " + invoice.id + " totals " + invoice.total.ToString() + " but its lines add up to " + sum.ToString();
  }
  for (const auto& s : sandbox.subscriptions()) {
    if (Sandbox::IsAzurePlan(*s) || sandbox.CustomerAt(s->customer).deleted) continue;
    const int64_t paid = paid_today.count(s->index) != 0 ? paid_today[s->index] : 0;
    const int64_t expected = Runs(s->status) ? s->quantity : 0;
    if (paid != expected)
      return "subscription " + s->id + " (" + std::string(ToString(s->status)) + ", " + std::to_string(s->quantity) +
             " seats) has " + std::to_string(paid) + " seats paid for " + today.ToString() + ", not " +
             std::to_string(expected);
    if (!Runs(s->status)) continue;
    const Sku& sku = *s->offer->sku;
    if (s->quantity < std::max(1, sku.minimum_quantity) || s->quantity > sku.maximum_quantity)
      return "subscription " + s->id + " holds " + std::to_string(s->quantity) + " seats, outside " +
             std::to_string(sku.minimum_quantity) + ".." + std::to_string(sku.maximum_quantity);
    if (s->RefundableQuantity(sandbox.Now()) > s->quantity)
      return "subscription " + s->id + " has more refundable seats than seats";
  }
  return "";
}

std::string CheckStep(api::Router& router, const GeneratedRequest& step, const api::Response& response,
                      uint64_t digest_before) {
  const api::Request& request = step.request;
  const std::string what = request.method + " " + request.path + " (" + step.action + ") -> " +
                           std::to_string(response.status);
  const auto& log = router.request_journal();
  const std::string fault = log.empty() ? "" : log.back().fault;
  if (response.status >= 500 && fault.empty()) return what + ": a 5xx nobody injected: " + response.body.substr(0, 600);
  const bool read = request.method == "GET" || step.action == "scenario";
  if (response.status >= 400 || read) {
    if (router.StateDigest() != digest_before)
      return what + ": " + (read ? "a read" : "a refused request") + " changed the state: " + response.body.substr(0, 600);
    return "";
  }
  if (std::string broken = CheckBook(router); !broken.empty()) return what + ": " + broken;
  // What was answered is what is kept (unless the answer is the one kept for
  // an MS-RequestId used before: a retry gets the first answer again).
  if (step.action == "patch-subscription" && response.status == 200 && !request.Header("MS-RequestId")) {
    api::HeaderList headers = {{"Authorization", "Bearer property"}};
    api::Response again = router.Handle(api::MakeRequest("GET", request.path, "", headers));
    if (again.body != response.body)
      return what + ": the answer differs from the subscription read right after:\n  answered " +
             response.body.substr(0, 400) + "\n  read     " + again.body.substr(0, 400);
  }
  return "";
}

}  // namespace pcsim::property
