// The generated book the benchmarks advance and export (book_builder.h).
#include "tests/bench/book_builder.h"

#include <iterator>
#include <string>
#include <vector>

#include "simulator/model/seeded_random.h"

namespace pcsim {
namespace {

struct BookItem {
  const char* item;
  Term term;
  Billing billing;
};

// Offers without a per-customer subscription limit, in every term/billing pair.
constexpr BookItem kItems[] = {
    {"CFQ7TTC0LFLZ:0001:CFQ7TTC0K5F7", Term::P1Y, Billing::Monthly},    // Microsoft 365 E3
    {"CFQ7TTC0LFLZ:0001:CFQ7TTC0K5F7", Term::P1Y, Billing::Annual},
    {"CFQ7TTC0LFLZ:0001:CFQ7TTC0K5F7", Term::P1M, Billing::Monthly},
    {"CFQ7TTC0LFLX:0001:CFQ7TTC0K5DK", Term::P3Y, Billing::Monthly},    // Microsoft 365 E5
    {"CFQ7TTC0LFLX:0001:CFQ7TTC0K5DK", Term::P3Y, Billing::Triennial},
    {"CFQ7TTC0LF8R:0001:CFQ7TTC0K5DM", Term::P1Y, Billing::Monthly},    // Office 365 E3
    {"CFQ7TTC0LF8Q:0001:CFQ7TTC0K5DR", Term::P1M, Billing::Monthly},    // Office 365 E1
    {"CFQ7TTC0LH16:0001:CFQ7TTC0K9FW", Term::P1Y, Billing::Annual},     // Exchange Online (Plan 1)
    {"CFQ7TTC0LHXM:0001:CFQ7TTC0K8ZQ", Term::P3Y, Billing::Annual},     // Business Central Essentials
    {"CFQ7TTC0MQ5X:0001:CFQ7TTC0K7Q2", Term::P1Y, Billing::Monthly},    // Microsoft 365 E5 Security
};

constexpr int kSubscriptionsPerCustomer = 10;

}  // namespace

void BuyBook(Sandbox& book, int count) {
  Sandbox* sandbox = &book;
  SeededRandom random(42);
  std::vector<std::string> customers;
  for (int i = 0; i * kSubscriptionsPerCustomer < count; ++i) {
    CustomerSpec spec;
    spec.company_name = "Customer " + std::to_string(i);
    spec.domain = "customer" + std::to_string(i) + ".onmicrosoft.com";
    spec.address = {"Ada", "Lovelace", "1 Main Street", "", "", "Redmond", "WA", "98052", "US", "", ""};
    auto c = sandbox->CreateCustomer(spec);
    AgreementRecord mca{std::string(kMcaTemplateId), "MicrosoftCustomerAgreement", sandbox->Now(), "Ada", "Lovelace",
                        "ada@example.com", "", ""};
    (void)sandbox->RecordAgreement((*c)->id, mca);
    customers.push_back((*c)->id);
  }
  const int per_day = (count + 27) / 28;
  int bought = 0;
  for (int day = 0; day < 28 && bought < count; ++day) {
    sandbox->AdvanceTo(Instant::StartOf(Date::Ymd(2026, 1, 1 + day)) + Duration::Hours(9));
    for (int i = 0; i < per_day && bought < count; ++i, ++bought) {
      const BookItem& item = kItems[random.Below(std::size(kItems))];
      PurchaseRequest r;
      r.customer_id = customers[static_cast<size_t>(bought / kSubscriptionsPerCustomer)];
      r.catalog_item_id = item.item;
      r.quantity = 1 + static_cast<int>(random.Below(50));
      r.term = item.term;
      r.billing = item.billing;
      auto sub = sandbox->Purchase(r);
      if (!sub.ok()) continue;
      std::string id = (*sub)->id;
      uint64_t roll = random.Below(100);
      if (roll < 15) {
        (void)sandbox->SetAutoRenew(id, false);
      } else if (roll < 35) {
        // A seat change some months into the term.
        Sandbox* sb = sandbox;
        int extra = 1 + static_cast<int>(random.Below(5));
        Instant when = sandbox->Now() + Duration::Days(static_cast<int64_t>(20 + random.Below(300)));
        sandbox->clock().Schedule(when, [sb, id, extra] {
          const Subscription* s = sb->FindSubscription(id);
          if (s != nullptr && s->status == SubscriptionStatus::Active) (void)sb->ChangeQuantity(id, s->quantity + extra);
        });
      }
    }
  }
}


}  // namespace pcsim
