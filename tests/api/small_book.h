// A small book for the book and audit tests: two customers, each kind of
// subscription the term-end rules treat differently (monthly and annual
// billing, one, three and twelve months, auto-renew off before the backfill,
// a partner's Cancel, a seat change), at 2026-07-15.
#pragma once

#include <gtest/gtest.h>

#include <memory>
#include <string>

#include "simulator/commerce/sandbox.h"

namespace pcsim::api {

inline constexpr const char* kE3 = "CFQ7TTC0LFLZ:0001:CFQ7TTC0K5F7";
inline constexpr const char* kE5 = "CFQ7TTC0LFLX:0001:CFQ7TTC0K5DK";
inline constexpr const char* kExchange = "CFQ7TTC0LH16:0001:CFQ7TTC0K9FW";

inline std::string MakeCustomer(Sandbox& sandbox, int n) {
  CustomerSpec spec;
  spec.company_name = "Customer " + std::to_string(n);
  spec.domain = "customer" + std::to_string(n) + ".onmicrosoft.com";
  spec.address = {"Ada", "Lovelace", "1 Main Street", "", "", "Redmond", "WA", "98052", "US", "", ""};
  auto c = sandbox.CreateCustomer(spec);
  EXPECT_TRUE(c.ok()) << c.status().description();
  AgreementRecord mca{std::string(kMcaTemplateId), "MicrosoftCustomerAgreement", sandbox.Now(), "Ada", "Lovelace",
                      "ada@example.com", "", ""};
  EXPECT_TRUE(sandbox.RecordAgreement((*c)->id, mca).ok());
  return (*c)->id;
}

inline std::string Buy(Sandbox& sandbox, const std::string& customer, const char* item, int seats, Term term, Billing billing) {
  PurchaseRequest r;
  r.customer_id = customer;
  r.catalog_item_id = item;
  r.quantity = seats;
  r.term = term;
  r.billing = billing;
  auto sub = sandbox.Purchase(r);
  EXPECT_TRUE(sub.ok()) << sub.status().description();
  return (*sub)->id;
}

// A small book with each kind of subscription the rules treat differently.
inline std::unique_ptr<Sandbox> SmallBook() {
  SandboxOptions options;
  options.start = Instant::StartOf(Date::Ymd(2025, 6, 2)) + Duration::Hours(9);
  options.seed = 11;
  auto sandbox = std::make_unique<Sandbox>(options);
  std::string a = MakeCustomer(*sandbox, 1), b = MakeCustomer(*sandbox, 2);
  Buy(*sandbox, a, kE3, 10, Term::P1Y, Billing::Monthly);
  std::string off = Buy(*sandbox, a, kE3, 4, Term::P1Y, Billing::Annual);
  EXPECT_TRUE(sandbox->SetAutoRenew(off, false).ok());  // the backfill makes it EST
  sandbox->AdvanceTo(Instant::StartOf(Date::Ymd(2025, 9, 20)) + Duration::Hours(9));
  Buy(*sandbox, b, kE5, 25, Term::P3Y, Billing::Monthly);
  std::string monthly = Buy(*sandbox, b, kE3, 3, Term::P1M, Billing::Monthly);
  Buy(*sandbox, b, kExchange, 50, Term::P1Y, Billing::Annual);
  sandbox->AdvanceTo(Instant::StartOf(Date::Ymd(2026, 3, 10)) + Duration::Hours(9));
  EXPECT_TRUE(sandbox->ChangeQuantity(monthly, 5).ok());
  std::string cancel = Buy(*sandbox, a, kE5, 2, Term::P1Y, Billing::Monthly);
  ScheduledAction action;
  action.action = ScheduledActionType::Cancel;
  EXPECT_TRUE(sandbox->SetScheduledAction(cancel, action).ok()) << "the partner cancels at term end";
  sandbox->AdvanceTo(Instant::StartOf(Date::Ymd(2026, 7, 15)) + Duration::Hours(12));
  return sandbox;
}

}  // namespace pcsim::api
