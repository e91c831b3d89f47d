// Purchases and their preconditions (docs/decisions.md, section 10).
#include <gtest/gtest.h>

#include "tests/unit/testing/sandbox_fixture.h"

namespace pcsim::testing {
namespace {

class PurchaseTest : public SandboxTest {};

TEST_F(PurchaseTest, WithoutMcaAttestationIsForbiddenWith13605) {
  Start("2026-01-15");
  auto customer = AddCustomer("US", /*attest=*/false);
  Status s = TryBuy(customer, kBusinessBasic, 5, Term::P1M, Billing::Monthly);
  EXPECT_EQ(s.http_status(), 403);
  EXPECT_EQ(s.code(), 13605);
  EXPECT_TRUE(sandbox->subscriptions().empty());
  EXPECT_TRUE(sandbox->ledger().lines().empty());
}

TEST_F(PurchaseTest, AttestationDatedInTheFutureIsRefused) {
  Start("2026-01-15");
  auto customer = AddCustomer("US", false);
  AgreementRecord a{std::string(kMcaTemplateId), "MicrosoftCustomerAgreement", At("2026-01-16"), "Ada", "Lovelace",
                    "ada@contoso.example", "", ""};
  EXPECT_EQ(sandbox->RecordAgreement(customer, a).http_status(), 400);
  a.date_agreed = At("2026-01-14");
  EXPECT_TRUE(sandbox->RecordAgreement(customer, a).ok());
  EXPECT_EQ(sandbox->RecordAgreement(customer, a).code(), 600061);
}

TEST_F(PurchaseTest, EducationOfferNeedsAnApprovedQualification) {
  Start("2026-01-15");
  auto customer = AddCustomer("US");
  Status s = TryBuy(customer, kFacultyA3, 5, Term::P1Y, Billing::Monthly);
  EXPECT_EQ(s.http_status(), 403);
  EXPECT_EQ(s.code(), 800020);
  ASSERT_TRUE(sandbox->AddQualification(customer, {"Education", QualificationStatus::InReview, sandbox->Now()}).ok());
  EXPECT_EQ(TryBuy(customer, kFacultyA3, 5, Term::P1Y, Billing::Monthly).code(), 800020);
  ASSERT_TRUE(sandbox->AddQualification(customer, {"Education", QualificationStatus::Approved, sandbox->Now()}).ok());
  EXPECT_TRUE(TryBuy(customer, kFacultyA3, 5, Term::P1Y, Billing::Monthly).ok());
}

TEST_F(PurchaseTest, QuantityOutsideTheSkuLimitsIsRefusedWith900275) {
  Start("2026-01-15");
  auto customer = AddCustomer("US");
  EXPECT_EQ(TryBuy(customer, kBusinessBasic, 0, Term::P1M, Billing::Monthly).code(), 900275);
  EXPECT_EQ(TryBuy(customer, kBusinessBasic, 301, Term::P1M, Billing::Monthly).code(), 900275);
}

TEST_F(PurchaseTest, SmallBusinessOffersAllowTwoConcurrentSubscriptions) {
  Start("2026-01-15");
  auto customer = AddCustomer("US");
  Buy(customer, kBusinessBasic, 5, Term::P1M, Billing::Monthly);
  const auto& second = Buy(customer, kBusinessBasic, 5, Term::P1Y, Billing::Monthly);
  Status third = TryBuy(customer, kBusinessBasic, 5, Term::P1Y, Billing::Annual);
  EXPECT_EQ(third.http_status(), 403);
  EXPECT_EQ(third.code(), 800066);
  // A cancelled subscription no longer counts.
  ASSERT_TRUE(sandbox->Cancel(second.id).ok());
  EXPECT_TRUE(TryBuy(customer, kBusinessBasic, 5, Term::P1Y, Billing::Annual).ok());
}

TEST_F(PurchaseTest, BusinessFamilyIsCappedAt300SeatsPerCustomer) {
  Start("2026-01-15");
  auto customer = AddCustomer("US");
  Buy(customer, kBusinessBasic, 200, Term::P1M, Billing::Monthly);
  Status s = TryBuy(customer, kBusinessPremium, 101, Term::P1M, Billing::Monthly);
  EXPECT_EQ(s.http_status(), 403);
  EXPECT_EQ(s.code(), 800088);
  EXPECT_NE(s.description().find("remaining limit of 100"), std::string::npos) << s.description();
  EXPECT_TRUE(TryBuy(customer, kBusinessPremium, 100, Term::P1M, Billing::Monthly).ok());
}

TEST_F(PurchaseTest, SandboxEnvironmentEnforcesTheIntegrationSandboxQuotas) {
  Start("2026-01-15", nullptr, Environment::Sandbox);
  auto customer = AddCustomer("US");
  Status seats = TryBuy(customer, kMicrosoft365E3, 26, Term::P1M, Billing::Monthly);
  EXPECT_EQ(seats.code(), 800018);
  for (int i = 0; i < 5; ++i) ASSERT_TRUE(TryBuy(customer, kMicrosoft365E3, 25, Term::P1M, Billing::Monthly).ok());
  EXPECT_EQ(TryBuy(customer, kMicrosoft365E3, 1, Term::P1M, Billing::Monthly).code(), 800018);
  // The same purchase in production is fine.
  Start("2026-01-15", nullptr, Environment::Production);
  auto other = AddCustomer("US");
  EXPECT_TRUE(TryBuy(other, kMicrosoft365E3, 26, Term::P1M, Billing::Monthly).ok());
}

TEST_F(PurchaseTest, UnknownItemIsNotFoundAndForeignMarketIsRefused) {
  Start("2026-01-15");
  auto us = AddCustomer("US");
  EXPECT_EQ(TryBuy(us, "CFQ7TTC0XXXX:0001:CFQ7TTC0XXXX", 1, Term::P1M, Billing::Monthly).code(), 400019);
  auto de = AddCustomer("DE");
  Status s = TryBuy(de, kTeamsEssentials, 1, Term::P1M, Billing::Monthly);
  EXPECT_EQ(s.code(), 800070);
}

TEST_F(PurchaseTest, AnnualOnlySkuRefusesAMonthlyTerm) {
  Start("2026-01-15");
  auto customer = AddCustomer("US");
  EXPECT_EQ(TryBuy(customer, kE5Security, 5, Term::P1M, Billing::Monthly).code(), 800121);
  EXPECT_EQ(TryBuy(customer, kBusinessBasic, 5, Term::P1M, Billing::Annual).code(), 800121);
  EXPECT_TRUE(TryBuy(customer, kE5Security, 5, Term::P1Y, Billing::Annual).ok());
}

TEST_F(PurchaseTest, PricesComeFromTheMarketOfTheCustomer) {
  Start("2026-01-15");
  const auto& us = Buy(AddCustomer("US"), kBusinessBasic, 1, Term::P1M, Billing::Monthly);
  const auto& de = Buy(AddCustomer("DE"), kBusinessBasic, 1, Term::P1M, Billing::Monthly);
  const auto& gb = Buy(AddCustomer("GB"), kBusinessBasic, 1, Term::P1M, Billing::Monthly);
  // Annual-term list 6.00 USD, 5.60 EUR, 4.90 GBP; monthly term +20%.
  EXPECT_EQ(us.unit_price, Dec("7.20"));
  EXPECT_EQ(de.unit_price, Dec("6.72"));
  EXPECT_EQ(gb.unit_price, Dec("5.88"));
  EXPECT_EQ(us.offer->market->currency, "USD");
  EXPECT_EQ(de.offer->market->currency, "EUR");
  EXPECT_EQ(gb.offer->market->currency, "GBP");
}

TEST_F(PurchaseTest, MonthlyBillingOfAnAnnualTermCostsFivePercentMoreFromApril2025) {
  Start("2025-03-31");
  auto customer = AddCustomer("US");
  EXPECT_EQ(Buy(customer, kMicrosoft365E3, 1, Term::P1Y, Billing::Monthly).unit_price, Dec("36.00"));
  AdvanceTo("2025-04-01");
  EXPECT_EQ(Buy(customer, kMicrosoft365E3, 1, Term::P1Y, Billing::Monthly).unit_price, Dec("37.80"));
  EXPECT_EQ(Buy(customer, kMicrosoft365E3, 1, Term::P1Y, Billing::Annual).unit_price, Dec("432.00"));
}

TEST_F(PurchaseTest, PromotionLowersTheLockedPriceAndTagsTheLines) {
  Start("2026-01-15");
  auto customer = AddCustomer("US");
  const auto& sub = Buy(customer, kMicrosoft365E3, 10, Term::P1Y, Billing::Annual, kE3Promotion);
  // 432.00 x (1 - 15%) = 367.20.
  EXPECT_EQ(sub.unit_price, Dec("367.20"));
  auto lines = Lines(sub);
  ASSERT_EQ(lines.size(), 1u);
  ExpectLine(*lines[0], ChargeType::New, "2026-01-15", "2027-01-14", "367.20", 10, "3672.00");
  ASSERT_NE(lines[0]->promotion, kNoIndex);
  EXPECT_EQ(sandbox->catalog().data().promotions[lines[0]->promotion].id, kE3Promotion);
}

TEST_F(PurchaseTest, PromotionOutsideItsWindowOrTermIsInvalid) {
  Start("2026-01-15");
  auto customer = AddCustomer("US");
  PurchaseRequest r{customer, std::string(kMicrosoft365E3), 10, Term::P1M, Billing::Monthly,
                    std::string(kE3Promotion), "", std::nullopt, ""};
  EXPECT_EQ(sandbox->Purchase(r).status().code(), 27007);
  AdvanceTo("2026-07-01");
  r.term = Term::P1Y;
  EXPECT_EQ(sandbox->Purchase(r).status().code(), 27007);
}

TEST_F(PurchaseTest, CustomTermEndShortensAndProratesTheFirstCycle) {
  Start("2026-01-15");
  auto customer = AddCustomer("US");
  PurchaseRequest r{customer, std::string(kBusinessBasic), 10, Term::P1Y, Billing::Monthly, "", "",
                    Day("2026-12-31"), ""};
  auto sub = sandbox->Purchase(r);
  ASSERT_TRUE(sub.ok()) << sub.status().ToString();
  EXPECT_EQ((*sub)->term_end.ToString(), "2026-12-31");
  auto lines = Lines(**sub);
  ASSERT_EQ(lines.size(), 1u);
  // 6.30 x 17/31 = 3.4548 -> 3.45; x 10 = 34.50.
  ExpectLine(*lines[0], ChargeType::New, "2026-01-15", "2026-01-31", "3.45", 10, "34.50");
  AdvanceTo("2026-02-01T01:00:00Z");
  auto cycles = Lines(**sub, ChargeType::CycleCharge);
  ASSERT_EQ(cycles.size(), 1u);
  ExpectLine(*cycles[0], ChargeType::CycleCharge, "2026-02-01", "2026-02-28", "6.30", 10, "63.00");
}

TEST_F(PurchaseTest, CustomTermEndMustBeAMonthEndOrAnExistingEndDate) {
  Start("2026-01-15");
  auto customer = AddCustomer("US");
  PurchaseRequest r{customer, std::string(kBusinessBasic), 10, Term::P1Y, Billing::Monthly, "", "",
                    Day("2026-12-15"), ""};
  EXPECT_EQ(sandbox->Purchase(r).status().code(), 900242);
  const auto& existing = Buy(customer, kMicrosoft365E3, 1, Term::P1Y, Billing::Monthly);  // ends 2027-01-14
  AdvanceTo("2026-03-02");
  r.custom_term_end = existing.term_end;
  auto aligned = sandbox->Purchase(r);
  ASSERT_TRUE(aligned.ok()) << aligned.status().ToString();
  EXPECT_EQ((*aligned)->term_end, existing.term_end);
}

// Microsoft's "Align subscription end dates" triennial example: an annual
// subscription ends 2022-10-01; a triennial bought 2022-07-01 may end on that
// term's second anniversary, 2024-10-01 (27 months), and then renews for a
// full term, 2024-10-02 to 2027-10-01.
TEST_F(PurchaseTest, ATriennialTermMayEndOnALaterAnniversaryOfAnAnnualTerm) {
  Start("2021-10-02", CatalogEditor()
                          .Prices(kMicrosoft365E3, "USD", {"US"}, "2021-01-01", {"P1Y/annual=432.00"})
                          .Prices(kBusinessCentral, "USD", {"US"}, "2021-01-01",
                                  {"P1Y/annual=840.00", "P3Y/annual=840.00", "P3Y/triennial=2520.00"})
                          .Build());
  auto customer = AddCustomer("US");
  const auto& annual = Buy(customer, kMicrosoft365E3, 1, Term::P1Y, Billing::Annual);
  ASSERT_EQ(annual.term_end.ToString(), "2022-10-01");
  AdvanceTo("2022-07-01");

  // The dates the customTermEndDates route lists for a triennial term bought today.
  std::vector<std::string> aligned;
  for (const AllowedTermEnd& a : sandbox->AllowedTermEnds(*sandbox->FindCustomer(customer), Term::P3Y, Day("2022-07-01")))
    if (!a.calendar_month) aligned.push_back(a.end.ToString());
  EXPECT_EQ(aligned, (std::vector<std::string>{"2022-10-01", "2023-10-01", "2024-10-01"}));
  // An annual term bought the same day may align only with the term's end.
  PurchaseRequest r{customer, std::string(kBusinessCentral), 10, Term::P1Y, Billing::Annual, "", "",
                    Day("2023-10-01"), ""};
  EXPECT_EQ(sandbox->Purchase(r).status().code(), 900242);

  r.term = Term::P3Y;
  r.billing = Billing::Triennial;
  r.custom_term_end = Day("2024-10-01");
  auto bought = sandbox->Purchase(r);
  ASSERT_TRUE(bought.ok()) << bought.status().ToString();
  const std::string id = (*bought)->id;
  EXPECT_EQ(Sub(id).term_end.ToString(), "2024-10-01");
  auto first = Lines(Sub(id));
  ASSERT_EQ(first.size(), 1u);
  // A long cycle is prorated by months (policy longCycleProration): 27 whole
  // months of 36 and 1 day of September 2024's 30, 2520.00 x (27 + 1/30) / 36
  // = 1892.333... -> 1892.33 per seat, x 10.
  ExpectLine(*first[0], ChargeType::New, "2022-07-01", "2024-10-01", "1892.33", 10, "18923.30");

  AdvanceTo("2024-10-02T01:00:00Z");
  EXPECT_EQ(Sub(id).term_start.ToString(), "2024-10-02");
  EXPECT_EQ(Sub(id).term_end.ToString(), "2027-10-01");
  auto renewal = Lines(Sub(id), ChargeType::Renew);
  ASSERT_EQ(renewal.size(), 1u);
  ExpectLine(*renewal[0], ChargeType::Renew, "2024-10-02", "2027-10-01", "2520", 10, "25200.00");
}

TEST_F(PurchaseTest, NewCommerceOrdersArePendingThenComplete) {
  Start("2026-01-15T10:00:00Z");
  auto customer = AddCustomer("US");
  PurchaseRequest r{customer, std::string(kBusinessBasic), 3, Term::P1M, Billing::Monthly, "", "", std::nullopt, ""};
  auto order = sandbox->PlaceOrder({r});
  ASSERT_TRUE(order.ok());
  EXPECT_EQ((*order)->status, OrderStatus::Pending);
  EXPECT_EQ((*order)->id.size(), 12u);
  AdvanceTo("2026-01-15T10:01:00Z");
  EXPECT_EQ(sandbox->FindOrder((*order)->id)->status, OrderStatus::Completed);
}

TEST_F(PurchaseTest, AnOrderWithOneInvalidLineBuysNothing) {
  Start("2026-01-15");
  auto customer = AddCustomer("US");
  PurchaseRequest ok{customer, std::string(kBusinessBasic), 3, Term::P1M, Billing::Monthly, "", "", std::nullopt, ""};
  PurchaseRequest bad = ok;
  bad.quantity = 500;
  EXPECT_FALSE(sandbox->PlaceOrder({ok, bad}).ok());
  EXPECT_TRUE(sandbox->subscriptions().empty());
  EXPECT_TRUE(sandbox->orders().empty());
}

TEST_F(PurchaseTest, IdsAreDeterministicForASeed) {
  auto run = [this] {
    Start("2026-01-15");
    auto customer = AddCustomer("US");
    return customer + "/" + Buy(customer, kBusinessBasic, 1, Term::P1M, Billing::Monthly).id;
  };
  EXPECT_EQ(run(), run());
}

TEST_F(PurchaseTest, AddressIsValidatedPerCountry) {
  Start("2026-01-15");
  CustomerSpec spec;
  spec.company_name = "Fabrikam";
  spec.domain = "fabrikam.onmicrosoft.com";
  spec.address = {"Ada", "Lovelace", "1 Main Street", "", "", "Redmond", "WA", "9805", "US", "", ""};
  auto bad = sandbox->CreateCustomer(spec);
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.status().code(), 2007);
  EXPECT_NE(bad.status().description().find("PostalCode"), std::string::npos);
  spec.address.postal_code = "98052";
  EXPECT_TRUE(sandbox->CreateCustomer(spec).ok());
}

}  // namespace
}  // namespace pcsim::testing
