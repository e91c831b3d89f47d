// The renewal guard against a simulated book, from April 2025 through the
// February 2026 backfill and the 2026-05-04 enforcement date to the end of
// 2026, one guard pass a day: no subscription it manages ever enters the
// Extended Service Term, and the charge lines are what the partner expects.
// The same book without the guard drifts into EST, so the checks can fail.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <map>

#include "pcsim/gtest/sandbox_test.h"
#include "renewal_guard.h"

namespace renewal_guard {
namespace {

using namespace pcsim::gtest;
using pcsim::client::InvoiceLineItem;
using pcsim::client::Subscription;
using ::testing::Contains;
using ::testing::HasSubstr;
using ::testing::Not;

class RenewalGuardBookTest : public SandboxTest {
 protected:
  pcsim::api::RouterOptions Options() const override { return StartingAt("2025-04-01T08:00:00Z"); }

  void SetUp() override {
    SandboxTest::SetUp();
    auto contoso = NewCustomer();
    auto fabrikam = NewCustomer();
    // Ends 2026-04-01, before enforcement; auto-renew off from the start.
    AdvanceTo("2025-04-02T09:00:00Z");
    book_["e5_early"] = BuyAnnualMonthly(fabrikam.id, "CFQ7TTC0LF8S:0001", 4);
    TurnAutoRenewOff("e5_early");
    // Monthly terms, auto-renew on until someone turns it off in July 2026.
    AdvanceTo("2025-04-15T09:00:00Z");
    book_["basic_monthly"] = BuyMonthlyMonthly(fabrikam.id, "CFQ7TTC0LH18:0001", 20);
    // Ends 2026-05-19: the backfill gives it an EST action; the partner renews E3.
    AdvanceTo("2025-05-20T09:00:00Z");
    book_["e3_renew"] = BuyAnnualMonthly(contoso.id, "CFQ7TTC0LFLZ:0001", 10);
    TurnAutoRenewOff("e3_renew");
    // Ends 2026-06-09, paid yearly; the partner lets it end.
    AdvanceTo("2025-06-10T09:00:00Z");
    book_["bp_cancel"] = BuyAnnualAnnual(contoso.id, "CFQ7TTC0LCHC:0002", 5);
    TurnAutoRenewOff("bp_cancel");
  }

  void TurnAutoRenewOff(const std::string& ref) {
    Subscription& s = book_[ref];
    ASSERT_TRUE(client().SetAutoRenew(s.customer_id, s.id, false).ok());
  }

  // Runs the book day by day to `last_day`; with a guard, one pass a day.
  // Returns the subscriptions seen in EST, and on which day first.
  std::map<std::string, std::string> RunTo(const std::string& last_day, RenewalGuard* guard) {
    std::map<std::string, std::string> in_est;
    while (Today().ToString() < last_day) {
      AdvanceTo(Today().AddDays(1).ToString() + "T06:00:00Z");
      if (Today().ToString() == "2026-07-01") {
        // Another system turns auto-renew off without a Cancel: 24 hours later
        // Partner Center sets RenewToExtendedServiceTerm.
        TurnAutoRenewOff("basic_monthly");
      }
      if (guard != nullptr) {
        auto decisions = guard->RunOnce(Today().ToString());
        EXPECT_TRUE(decisions.ok()) << Today().ToString() << ": " << decisions.status().ToString();
      }
      for (auto& [ref, s] : book_) {
        auto now = client().GetSubscription(s.customer_id, s.id);
        EXPECT_TRUE(now.ok()) << ref;
        if (now.ok() && now->is_in_extended_service_term && !in_est.count(ref)) in_est[ref] = Today().ToString();
      }
    }
    return in_est;
  }

  static bool IsEstLine(const InvoiceLineItem& l) { return l.term_and_billing_cycle == "Extended Service Term"; }

  std::map<std::string, Subscription> book_;
  std::vector<std::string> log_;
};

GuardPolicy PartnerPolicy() {
  GuardPolicy policy;
  policy.days_before_term_end = 30;
  policy.default_action = Action::Cancel;
  policy.per_offer["CFQ7TTC0LFLZ"] = Action::RenewToNewTerm;  // Microsoft 365 E3 is renewed
  return policy;
}

TEST_F(RenewalGuardBookTest, NoSubscriptionDriftsIntoEst) {
  RenewalGuard guard(client(), PartnerPolicy(), [this](const std::string& line) { log_.push_back(line); });
  auto in_est = RunTo("2026-12-31", &guard);
  EXPECT_TRUE(in_est.empty()) << "entered EST: " << ::testing::PrintToString(in_est);

  auto lines = ChargeLines();
  for (const auto& l : lines) EXPECT_FALSE(IsEstLine(l)) << DescribeLine(l);

  // What the guard did, and when: the first pass inside 30 days of each term end.
  EXPECT_THAT(log_, Contains(HasSubstr("2026-03-02 scheduled Cancel for subscription " + book_["e5_early"].id)));
  EXPECT_THAT(log_, Contains(HasSubstr("2026-04-19 scheduled RenewToNewTerm for subscription " + book_["e3_renew"].id)));
  EXPECT_THAT(log_, Contains(HasSubstr("2026-05-10 scheduled Cancel for subscription " + book_["bp_cancel"].id)));
  // Auto-renew was turned off that morning: the guard acts before the 24-hour rule does.
  EXPECT_THAT(log_, Contains(HasSubstr("2026-07-01 scheduled Cancel for subscription " + book_["basic_monthly"].id)));
  EXPECT_THAT(log_, Not(Contains(HasSubstr("WARNING"))));

  // Cancelled terms end and are never charged again.
  for (const char* ref : {"e5_early", "bp_cancel", "basic_monthly"}) {
    Subscription s = Get(book_[ref]);
    EXPECT_NE(s.status, "active") << ref;
    for (const auto& l : ChargeLinesOf(s.id))
      EXPECT_LE(l.charge_start_date.substr(0, 10), s.CommitmentEndDay()) << ref << " " << DescribeLine(l);
  }
  EXPECT_EQ(Get(book_["e5_early"]).CommitmentEndDay(), "2026-04-01");
  EXPECT_EQ(Get(book_["bp_cancel"]).CommitmentEndDay(), "2026-06-09");
  EXPECT_EQ(Get(book_["basic_monthly"]).CommitmentEndDay(), "2026-07-14");

  // E3 renewed for a new year on 2026-05-20 at the price of that day, billed monthly.
  Subscription e3 = Get(book_["e3_renew"]);
  EXPECT_THAT(e3, SubscriptionIs("active", 10));
  EXPECT_EQ(e3.CommitmentEndDay(), "2027-05-19");
  EXPECT_THAT(ChargeLinesOf(e3.id), HasChargeLine(Line().Type("renew").Quantity(10).UnitPrice("37.80")
                                                       .Subtotal("378.00").From("2026-05-20").To("2026-06-19")));
}

TEST_F(RenewalGuardBookTest, WithoutTheGuardTheBookDriftsIntoEst) {
  auto in_est = RunTo("2026-12-31", nullptr);
  EXPECT_EQ(in_est["e3_renew"], "2026-05-20");
  EXPECT_EQ(in_est["bp_cancel"], "2026-06-10");
  EXPECT_EQ(in_est["basic_monthly"], "2026-07-15");
  EXPECT_FALSE(in_est.count("e5_early"));  // its term ended before enforcement
  int est_lines = 0;
  for (const auto& l : ChargeLines()) est_lines += IsEstLine(l);
  EXPECT_GT(est_lines, 0);
}

TEST_F(RenewalGuardBookTest, AnAllRenewPolicyRenewsEverything) {
  GuardPolicy policy;
  policy.default_action = Action::RenewToNewTerm;
  RenewalGuard guard(client(), policy, nullptr);
  auto in_est = RunTo("2026-08-01", &guard);
  EXPECT_TRUE(in_est.empty()) << ::testing::PrintToString(in_est);
  for (const char* ref : {"e3_renew", "bp_cancel", "basic_monthly"})
    EXPECT_EQ(Get(book_[ref]).status, "active") << ref;
  EXPECT_EQ(Get(book_["bp_cancel"]).CommitmentEndDay(), "2027-06-09");
}

}  // namespace
}  // namespace renewal_guard
