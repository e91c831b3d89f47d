// Billing periods close into invoices (docs/decisions.md, section 5).
#include <gtest/gtest.h>

#include "tests/unit/testing/sandbox_fixture.h"

namespace pcsim::testing {
namespace {

class InvoiceTest : public SandboxTest {};

TEST_F(InvoiceTest, APeriodClosesOnTheSixthIntoOneInvoicePerCurrency) {
  Start("2026-01-10");
  const auto& us = Buy(AddCustomer("US"), kBusinessBasic, 10, Term::P1M, Billing::Monthly);
  const auto& us2 = Buy(AddCustomer("US"), kMicrosoft365E3, 2, Term::P1Y, Billing::Annual);
  const auto& de = Buy(AddCustomer("DE"), kBusinessBasic, 10, Term::P1M, Billing::Monthly);
  AdvanceTo("2026-02-03");  // the February charges (renewals on 02-10) are not there yet
  EXPECT_TRUE(sandbox->ledger().invoices().empty());
  AdvanceTo("2026-02-05T23:59:59Z");
  EXPECT_TRUE(sandbox->ledger().invoices().empty());
  for (const auto* l : AllLines()) EXPECT_EQ(l->invoice, kNoIndex);
  AdvanceTo("2026-02-06");
  const auto& invoices = sandbox->ledger().invoices();
  ASSERT_EQ(invoices.size(), 2u);
  const Invoice* eur = invoices[0].currency == "EUR" ? &invoices[0] : &invoices[1];
  const Invoice* usd = invoices[0].currency == "USD" ? &invoices[0] : &invoices[1];
  // USD: 7.20 x 10 + 432.00 x 2 = 936.00; EUR: 6.72 x 10 = 67.20.
  EXPECT_EQ(usd->total, Dec("936.00"));
  EXPECT_EQ(eur->total, Dec("67.20"));
  EXPECT_EQ(usd->period_start.ToString(), "2026-01-01");
  EXPECT_EQ(usd->period_end.ToString(), "2026-01-31");
  EXPECT_EQ(usd->id.size(), 10u);
  EXPECT_EQ(usd->id[0], 'G');
  for (const auto* l : Lines(us)) EXPECT_EQ(l->invoice, usd->index);
  for (const auto* l : Lines(us2)) EXPECT_EQ(l->invoice, usd->index);
  for (const auto* l : Lines(de)) EXPECT_EQ(l->invoice, eur->index);
}

TEST_F(InvoiceTest, ALineBelongsToThePeriodOfItsOrderDate) {
  Start("2026-01-10");
  const auto& sub = Buy(AddCustomer("US"), kBusinessBasic, 10, Term::P1M, Billing::Monthly);
  AdvanceTo("2026-03-06T01:00:00Z");
  const auto& invoices = sandbox->ledger().invoices();
  ASSERT_EQ(invoices.size(), 2u);
  EXPECT_EQ(invoices[0].id, "G000000001");
  EXPECT_EQ(invoices[1].id, "G000000002");
  auto lines = Lines(sub);
  ASSERT_EQ(lines.size(), 2u);  // new 01-10 and renew 02-10; the 03-10 renewal is still to come
  EXPECT_EQ(lines[0]->invoice, invoices[0].index);
  EXPECT_EQ(lines[1]->invoice, invoices[1].index);
  AdvanceTo("2026-03-10T01:00:00Z");
  ASSERT_EQ(Lines(sub).size(), 3u);
  EXPECT_EQ(Lines(sub)[2]->invoice, kNoIndex);
}

TEST_F(InvoiceTest, AMonthWithoutChargesHasNoInvoice) {
  Start("2026-01-10");
  auto customer = AddCustomer("US");
  AdvanceTo("2026-04-01");
  EXPECT_TRUE(sandbox->ledger().invoices().empty());
  (void)customer;
}

TEST_F(InvoiceTest, TheJournalRecordsEveryChargeWithItsInstant) {
  Start("2026-01-10T08:30:00Z");
  const auto& sub = Buy(AddCustomer("US"), kBusinessBasic, 10, Term::P1M, Billing::Monthly);
  AdvanceTo("2026-02-10T01:00:00Z");
  int charged = 0;
  for (const auto& e : sandbox->journal())
    if (e.kind == JournalKind::Charged) {
      ++charged;
      EXPECT_EQ(sandbox->ledger().line(e.detail).order_date, e.at);
      EXPECT_EQ(e.subject, sub.index);
    }
  EXPECT_EQ(charged, 2);
  EXPECT_EQ(sandbox->journal().front().kind, JournalKind::CustomerCreated);
  EXPECT_EQ(sandbox->journal().front().at, At("2026-01-10T08:30:00Z"));
}

}  // namespace
}  // namespace pcsim::testing
