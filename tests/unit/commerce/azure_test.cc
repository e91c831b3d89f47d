// The Azure plan and partner earned credit (docs/decisions.md, section 11):
// the rating rules, the whole-day role rule, usage recording and its
// errors, the data lag, the invoice rule and the sandbox quotas.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "simulator/commerce/azure.h"
#include "tests/unit/testing/sandbox_fixture.h"

namespace pcsim::testing {
namespace {

constexpr std::string_view kAzurePlan = "DZH318Z0BPS6:0001:DZH318Z0JJ6R";
constexpr std::string_view kCompute = "6d5c0f2e-1b3a-4c7d-9e8f-0a1b2c3d4e01";     // 0.096 USD per hour
constexpr std::string_view kBandwidth = "6d5c0f2e-1b3a-4c7d-9e8f-0a1b2c3d4e03";   // 0.087 USD per GB
constexpr std::string_view kReservation = "6d5c0f2e-1b3a-4c7d-9e8f-0a1b2c3d4e04"; // 0.0605, no PEC

// --- the rating rules ----------------------------------------------------------------

TEST(AzureRatingTest, MicrosoftBillingSampleBills41017WithCredit) {
  // 555.950039 units x 0.868 x 0.85 = 410.1799... -> 410.17 (Azure plan billing).
  RatedUsage r = RateUsage(Dec("0.868"), Dec("555.950039"), Dec("0.15"), Dec("1"));
  EXPECT_EQ(r.effective_unit_price.ToString(), "0.7378");
  EXPECT_EQ(r.billing_pre_tax_total.ToString(), "410.17");
  EXPECT_EQ(r.pricing_pre_tax_total.ToString(), "482.56");  // 482.5646... rounded down
}

TEST(AzureRatingTest, WithoutCreditTheEffectivePriceIsTheUnitPrice) {
  RatedUsage r = RateUsage(Dec("0.096"), Dec("24"), Dec("0"), Dec("1"));
  EXPECT_EQ(r.effective_unit_price, Dec("0.096"));
  EXPECT_EQ(r.billing_pre_tax_total.ToString(), "2.30");  // 2.304
  EXPECT_EQ(r.pricing_pre_tax_total.ToString(), "2.30");
}

TEST(AzureRatingTest, BillingTotalRoundsDownBeforeAndAfterTheExchangeRate) {
  // ROUNDDOWN(ROUNDDOWN(1.00 x 10.009, 2) x 0.8333, 2) = ROUNDDOWN(10.00 x 0.8333) = 8.33,
  // where one rounding of 10.009 x 0.8333 = 8.3404... would also give 8.34 without the inner one.
  RatedUsage r = RateUsage(Dec("1.00"), Dec("10.009"), Dec("0"), Dec("0.8333"));
  EXPECT_EQ(r.billing_pre_tax_total.ToString(), "8.33");
  EXPECT_EQ(r.pricing_pre_tax_total.ToString(), "10.00");
}

TEST(AzureRatingTest, InvoiceTotalRoundsThePeriodsSumOnce) {
  // Three days whose lines each round down to 136.72 (sum 410.16); the period: 410.17.
  UsageTotal total;
  Decimal eup = Dec("0.7378");
  Decimal lines;
  for (const char* q : {"185.31668", "185.31668", "185.316679"}) {
    total.Add(Dec(q), eup);
    lines += RateUsage(Dec("0.868"), Dec(q), Dec("0.15"), Dec("1")).billing_pre_tax_total;
  }
  EXPECT_EQ(lines.ToString(), "410.16");
  EXPECT_EQ(total.RoundedDown().ToString(), "410.17");
}

TEST(AzureRatingTest, EmptyTotalIsZero) { EXPECT_EQ(UsageTotal().RoundedDown().ToString(), "0.00"); }

// --- the whole-day role rule ------------------------------------------------------------

AzureEntitlement WithRoles(std::vector<std::pair<const char*, AzureRole>> changes) {
  AzureEntitlement e;
  for (const auto& [at, role] : changes) e.roles.push_back({At(at), role, AzureAccess::GDAP});
  return e;
}

TEST(AzureRoleTest, RoleGrantedAtMidnightEarnsThatDay) {
  AzureEntitlement e = WithRoles({{"2026-03-01T00:00:00Z", AzureRole::Owner}});
  EXPECT_TRUE(e.EarnsCreditOn(Day("2026-03-01")));
  EXPECT_FALSE(e.EarnsCreditOn(Day("2026-02-28")));
}

TEST(AzureRoleTest, RoleGrantedDuringADayCountsFromTheNextDay) {
  AzureEntitlement e = WithRoles({{"2026-03-04T08:00:00Z", AzureRole::Contributor}});
  EXPECT_FALSE(e.EarnsCreditOn(Day("2026-03-04")));
  EXPECT_TRUE(e.EarnsCreditOn(Day("2026-03-05")));
}

TEST(AzureRoleTest, RoleRemovedDuringADayLosesThatDay) {
  AzureEntitlement e = WithRoles({{"2026-03-01T00:00:00Z", AzureRole::Owner}, {"2026-03-03T12:00:00Z", AzureRole::None}});
  EXPECT_TRUE(e.EarnsCreditOn(Day("2026-03-02")));
  EXPECT_FALSE(e.EarnsCreditOn(Day("2026-03-03")));
  EXPECT_FALSE(e.EarnsCreditOn(Day("2026-03-04")));
}

TEST(AzureRoleTest, RoleRemovedAtMidnightKeepsTheDayBefore) {
  AzureEntitlement e = WithRoles({{"2026-03-01T00:00:00Z", AzureRole::Owner}, {"2026-03-03T00:00:00Z", AzureRole::None}});
  EXPECT_TRUE(e.EarnsCreditOn(Day("2026-03-02")));
  EXPECT_FALSE(e.EarnsCreditOn(Day("2026-03-03")));
}

TEST(AzureRoleTest, ReaderNeverEarnsAndADowngradeToReaderLosesTheDay) {
  EXPECT_FALSE(WithRoles({{"2026-03-01T00:00:00Z", AzureRole::Reader}}).EarnsCreditOn(Day("2026-03-02")));
  AzureEntitlement e = WithRoles({{"2026-03-01T00:00:00Z", AzureRole::Owner}, {"2026-03-02T09:00:00Z", AzureRole::Reader}});
  EXPECT_FALSE(e.EarnsCreditOn(Day("2026-03-02")));
}

TEST(AzureRoleTest, OwnerToContributorDuringTheDayKeepsTheCredit) {
  AzureEntitlement e = WithRoles({{"2026-03-01T00:00:00Z", AzureRole::Owner}, {"2026-03-02T09:00:00Z", AzureRole::Contributor}});
  EXPECT_TRUE(e.EarnsCreditOn(Day("2026-03-02")));
}

TEST(AzureRoleTest, OnlyTheLastOfSeveralChangesAtOneInstantIsInForce) {
  AzureEntitlement e = WithRoles({{"2026-03-01T00:00:00Z", AzureRole::Owner},
                                  {"2026-03-02T09:00:00Z", AzureRole::None},
                                  {"2026-03-02T09:00:00Z", AzureRole::Owner}});
  EXPECT_TRUE(e.EarnsCreditOn(Day("2026-03-02")));
}

TEST(AzureRoleTest, RolesParseCaseInsensitively) {
  EXPECT_EQ(ParseAzureRole("owner"), AzureRole::Owner);
  EXPECT_EQ(ParseAzureRole("NONE"), AzureRole::None);
  EXPECT_EQ(ParseAzureRole("Administrator"), std::nullopt);
  EXPECT_EQ(ParseAzureAccess("gdap"), AzureAccess::GDAP);
  EXPECT_EQ(ParseAzureAccess("DAP"), std::nullopt);
}

// --- the sandbox ------------------------------------------------------------------------

class AzureSandboxTest : public SandboxTest {
 protected:
  // An Azure plan for a new customer; returns the plan's first Azure subscription id.
  std::string BuyPlan(std::string_view country = "US") {
    customer = AddCustomer(country);
    PurchaseRequest r;
    r.customer_id = customer;
    r.catalog_item_id = std::string(kAzurePlan);
    r.quantity = 1;
    auto plan_or = sandbox->Purchase(r);
    EXPECT_TRUE(plan_or.ok()) << plan_or.status().description();
    plan = (*plan_or)->id;
    return sandbox->azure().entitlements[sandbox->azure().entitlements_of_plan.at((*plan_or)->index).front()].id;
  }
  std::vector<UsageLine> Visible() const { return sandbox->UsageLines(UsageLineFilter{}); }

  std::string customer;
  std::string plan;
};

TEST_F(AzureSandboxTest, PlanStartsWithOneAzureSubscriptionAndNoChargeLine) {
  Start("2026-03-01T00:00:00Z");
  std::string azure = BuyPlan();
  const AzureEntitlement* e = sandbox->FindAzureEntitlement(azure);
  ASSERT_NE(e, nullptr);
  EXPECT_EQ(e->friendly_name, "Microsoft Azure");
  EXPECT_TRUE(e->active);
  EXPECT_TRUE(Sandbox::IsAzurePlan(Sub(plan)));
  EXPECT_TRUE(AllLines().empty());
  EXPECT_EQ(Sub(plan).term_end, Day("9999-12-10"));
}

TEST_F(AzureSandboxTest, SecondPlanForTheSameCustomerIsRefused) {
  Start("2026-03-01T00:00:00Z");
  BuyPlan();
  PurchaseRequest r;
  r.customer_id = customer;
  r.catalog_item_id = std::string(kAzurePlan);
  r.quantity = 1;
  Status s = sandbox->Purchase(r).status();
  EXPECT_EQ(s.http_status(), 403);
  EXPECT_EQ(s.code(), 800066);
}

TEST_F(AzureSandboxTest, AzurePlanHasNoSeatsToChange) {
  Start("2026-03-01T00:00:00Z");
  BuyPlan();
  Status s = sandbox->ChangeQuantity(plan, 2);
  EXPECT_EQ(s.http_status(), 400);
  EXPECT_EQ(s.code(), 800002);
  EXPECT_EQ(sandbox->Cancel(plan).code(), 800002);
}

TEST_F(AzureSandboxTest, UsageLineAppearsTheNextDayWithTheCreditOfItsDay) {
  Start("2026-03-01T00:00:00Z");
  std::string azure = BuyPlan();
  ASSERT_TRUE(sandbox->SetAzureRole(azure, AzureRole::Owner, AzureAccess::GDAP).ok());
  ASSERT_TRUE(sandbox->RecordUsage(azure, kCompute, Dec("24"), Day("2026-03-01")).ok());
  AdvanceTo("2026-03-01T23:59:59Z");
  EXPECT_TRUE(Visible().empty());
  AdvanceTo("2026-03-02T00:00:00Z");
  auto lines = Visible();
  ASSERT_EQ(lines.size(), 1u);
  EXPECT_TRUE(lines[0].has_pec);
  EXPECT_EQ(lines[0].amounts.effective_unit_price.ToString(), "0.0816");
  EXPECT_EQ(lines[0].amounts.billing_pre_tax_total.ToString(), "1.95");
  EXPECT_EQ(lines[0].amounts.pricing_pre_tax_total.ToString(), "2.30");
}

TEST_F(AzureSandboxTest, RecordsOfOneMeterAndDayAddUp) {
  Start("2026-03-01T00:00:00Z");
  std::string azure = BuyPlan();
  ASSERT_TRUE(sandbox->RecordUsage(azure, kBandwidth, Dec("10.5"), Day("2026-03-01")).ok());
  ASSERT_TRUE(sandbox->RecordUsage(azure, kBandwidth, Dec("0.25"), Day("2026-03-01")).ok());
  AdvanceTo("2026-03-02T00:00:00Z");
  auto lines = Visible();
  ASSERT_EQ(lines.size(), 1u);
  EXPECT_EQ(lines[0].record->quantity, Dec("10.75"));
  EXPECT_FALSE(lines[0].has_pec);  // no role
  EXPECT_EQ(lines[0].amounts.billing_pre_tax_total.ToString(), "0.93");  // 0.93525
}

TEST_F(AzureSandboxTest, ReservationMeterNeverEarnsCredit) {
  Start("2026-03-01T00:00:00Z");
  std::string azure = BuyPlan();
  ASSERT_TRUE(sandbox->SetAzureRole(azure, AzureRole::Owner, AzureAccess::AOBO).ok());
  ASSERT_TRUE(sandbox->RecordUsage(azure, kReservation, Dec("24"), Day("2026-03-01")).ok());
  AdvanceTo("2026-03-02T00:00:00Z");
  auto lines = Visible();
  ASSERT_EQ(lines.size(), 1u);
  EXPECT_FALSE(lines[0].has_pec);
  EXPECT_TRUE(lines[0].amounts.pec_rate.IsZero());
  EXPECT_EQ(lines[0].amounts.billing_pre_tax_total.ToString(), "1.45");
}

TEST_F(AzureSandboxTest, BadUsageIsRefusedWithAClearError) {
  Start("2026-03-10T12:00:00Z");
  std::string azure = BuyPlan();
  Status unknown = sandbox->RecordUsage("00000000-0000-4000-8000-000000000000", kCompute, Dec("1"), Day("2026-03-10"));
  EXPECT_EQ(unknown.http_status(), 404);
  EXPECT_EQ(unknown.code(), 800111);
  Status meter = sandbox->RecordUsage(azure, "no-such-meter", Dec("1"), Day("2026-03-10"));
  EXPECT_EQ(meter.http_status(), 404);
  EXPECT_NE(meter.description().find("no-such-meter"), std::string::npos);
  EXPECT_EQ(sandbox->RecordUsage(azure, kCompute, Dec("-1"), Day("2026-03-10")).code(), 800002);
  EXPECT_EQ(sandbox->RecordUsage(azure, kCompute, Dec("0"), Day("2026-03-10")).code(), 800002);
  EXPECT_EQ(sandbox->RecordUsage(azure, kCompute, Dec("0.0000001"), Day("2026-03-10")).code(), 800002);
  Status future = sandbox->RecordUsage(azure, kCompute, Dec("1"), Day("2026-03-11"));
  EXPECT_EQ(future.http_status(), 400);
  EXPECT_NE(future.description().find("in the future"), std::string::npos);
  Status before = sandbox->RecordUsage(azure, kCompute, Dec("1"), Day("2026-03-09"));
  EXPECT_NE(before.description().find("before Azure subscription"), std::string::npos);
  EXPECT_TRUE(sandbox->azure().usage.empty());
}

TEST_F(AzureSandboxTest, UsageOfAClosedPeriodOrAnInactiveSubscriptionIsRefused) {
  Start("2026-03-10T00:00:00Z");
  std::string azure = BuyPlan();
  ASSERT_TRUE(sandbox->RecordUsage(azure, kCompute, Dec("1"), Day("2026-03-10")).ok());
  AdvanceTo("2026-04-06T12:00:00Z");
  Status closed = sandbox->RecordUsage(azure, kCompute, Dec("1"), Day("2026-03-31"));
  EXPECT_NE(closed.description().find("closed"), std::string::npos);
  EXPECT_TRUE(sandbox->RecordUsage(azure, kCompute, Dec("1"), Day("2026-04-01")).ok());  // April is open
  ASSERT_TRUE(sandbox->CancelAzureSubscription(azure).ok());
  EXPECT_NE(sandbox->RecordUsage(azure, kCompute, Dec("1"), Day("2026-04-06")).description().find("inactive"),
            std::string::npos);
  EXPECT_EQ(sandbox->CancelAzureSubscription(azure).code(), 800002);
  ASSERT_TRUE(sandbox->ReactivateAzureSubscription(azure).ok());
  EXPECT_EQ(sandbox->ReactivateAzureSubscription(azure).code(), 900337);
  EXPECT_TRUE(sandbox->RecordUsage(azure, kCompute, Dec("1"), Day("2026-04-06")).ok());
}

TEST_F(AzureSandboxTest, InvoiceAddsUsageRoundedOncePerMeterToTheLicenseLines) {
  Start("2026-03-01T00:00:00Z");
  std::string azure = BuyPlan();
  ASSERT_TRUE(sandbox->SetAzureRole(azure, AzureRole::Owner, AzureAccess::GDAP).ok());
  // 3 days x 24.5 hours at 0.0816: lines 1.99 each (5.97); period 73.5 x 0.0816 = 5.9976 -> 5.99.
  for (const char* day : {"2026-03-01", "2026-03-02", "2026-03-03"}) {
    AdvanceTo(std::string(day) + "T00:00:00Z");
    ASSERT_TRUE(sandbox->RecordUsage(azure, kCompute, Dec("24.5"), Day(day)).ok());
  }
  // And a license purchase of the same customer: 10 x 36.00 x 1.05 = 378.
  Buy(customer, "CFQ7TTC0LFLZ:0001:CFQ7TTC0K5F7", 10, Term::P1Y, Billing::Monthly);
  AdvanceTo("2026-04-06T12:00:00Z");
  ASSERT_EQ(sandbox->ledger().invoices().size(), 1u);
  const Invoice& inv = sandbox->ledger().invoices()[0];
  EXPECT_EQ(inv.total.ToString(), "383.99");
  for (const auto& [key, record] : sandbox->azure().usage) EXPECT_EQ(record.invoice, inv.index);
}

TEST_F(AzureSandboxTest, UsageAloneMakesAnInvoicePerCurrency) {
  Start("2026-03-01T00:00:00Z");
  std::string eur = BuyPlan("DE");
  std::string usd = BuyPlan("US");
  ASSERT_TRUE(sandbox->RecordUsage(eur, kCompute, Dec("10"), Day("2026-03-01")).ok());  // 0.0912 x 10 = 0.912
  ASSERT_TRUE(sandbox->RecordUsage(usd, kCompute, Dec("10"), Day("2026-03-01")).ok());  // 0.096 x 10 = 0.96
  AdvanceTo("2026-04-06T00:00:00Z");
  const auto& invoices = sandbox->ledger().invoices();
  ASSERT_EQ(invoices.size(), 2u);
  EXPECT_EQ(invoices[0].currency, "EUR");
  EXPECT_EQ(invoices[0].total.ToString(), "0.91");
  EXPECT_EQ(invoices[1].currency, "USD");
  EXPECT_EQ(invoices[1].total.ToString(), "0.96");
}

TEST_F(AzureSandboxTest, SandboxEnvironmentAllowsThreeAzureSubscriptionsPerPlan) {
  Start("2026-03-01T00:00:00Z", nullptr, Environment::Sandbox);
  BuyPlan();
  ASSERT_TRUE(sandbox->AddAzureSubscription(plan, "second").ok());
  ASSERT_TRUE(sandbox->AddAzureSubscription(plan, "third").ok());
  Status fourth = sandbox->AddAzureSubscription(plan, "fourth").status();
  EXPECT_EQ(fourth.http_status(), 400);
  EXPECT_EQ(fourth.code(), 800018);
}

TEST_F(AzureSandboxTest, SandboxSpendLimitStopsUsageForTheCycle) {
  Start("2026-03-01T00:00:00Z", nullptr, Environment::Sandbox);
  std::string azure = BuyPlan();
  // Third-party meter at 1.28: 1562.5 x 1.28 = 2000.00, exactly the limit.
  ASSERT_TRUE(sandbox->RecordUsage(azure, "6d5c0f2e-1b3a-4c7d-9e8f-0a1b2c3d4e05", Dec("1562.5"), Day("2026-03-01")).ok());
  Status over = sandbox->RecordUsage(azure, kBandwidth, Dec("1"), Day("2026-03-01"));
  EXPECT_EQ(over.code(), 800018);
  AdvanceTo("2026-04-01T00:00:00Z");
  EXPECT_TRUE(sandbox->RecordUsage(azure, kBandwidth, Dec("1"), Day("2026-04-01")).ok());
}

TEST_F(AzureSandboxTest, ProductionHasNoAzureQuotas) {
  Start("2026-03-01T00:00:00Z");
  BuyPlan();
  for (int i = 0; i < 5; ++i) ASSERT_TRUE(sandbox->AddAzureSubscription(plan, "more").ok());
}

// --- the rate card in the catalog file ------------------------------------------------------

nlohmann::json AzureCatalog() {
  return nlohmann::json::parse(R"({
    "format": 1,
    "products": [{
      "id": "DZH318Z0BPS6", "title": "Azure plan", "productType": "Azure", "targetView": "MicrosoftAzure",
      "skus": [{
        "id": "0001", "title": "Azure plan", "billingType": "usage",
        "availabilities": [{
          "id": "DZH318Z0JJ6R",
          "markets": [{"countries": ["US"], "currency": "USD", "meters": [
            {"id": "m1", "name": "D2s v3", "category": "Virtual Machines", "unit": "1 Hour", "price": "0.096"}
          ]}]
        }]
      }]
    }]
  })");
}

nlohmann::json& FirstMarket(nlohmann::json& doc) { return doc["products"][0]["skus"][0]["availabilities"][0]["markets"][0]; }

std::string CatalogError(const nlohmann::json& doc) {
  auto c = Catalog::FromJson(doc.dump(), "rates.json");
  EXPECT_FALSE(c.ok());
  return c.ok() ? "" : c.status().description();
}

TEST(AzureRateCardTest, ValidRateCardLoadsWithItsMeters) {
  auto c = Catalog::FromJson(AzureCatalog().dump(), "rates.json");
  ASSERT_TRUE(c.ok()) << c.status().description();
  const Offer* offer = (*c)->FindOffer("DZH318Z0BPS6:0001:DZH318Z0JJ6R", "US");
  ASSERT_NE(offer, nullptr);
  EXPECT_TRUE(offer->sku->IsUsageBased());
  const Meter* m = (*c)->FindMeter(*offer, "m1");
  ASSERT_NE(m, nullptr);
  EXPECT_EQ(m->price, Dec("0.096"));
  EXPECT_TRUE(m->pec_eligible);
  EXPECT_EQ((*c)->FindMeter(*offer, "m2"), nullptr);
}

TEST(AzureRateCardTest, BadRateCardsAreNamedByPath) {
  {
    auto doc = AzureCatalog();
    FirstMarket(doc)["meters"][0]["price"] = "-0.01";
    EXPECT_NE(CatalogError(doc).find("meters[0].price"), std::string::npos);
  }
  {
    auto doc = AzureCatalog();
    FirstMarket(doc)["meters"][0]["price"] = "0.0000001";
    EXPECT_NE(CatalogError(doc).find("at most 6 decimals"), std::string::npos);
  }
  {
    auto doc = AzureCatalog();
    FirstMarket(doc)["meters"].push_back(FirstMarket(doc)["meters"][0]);
    EXPECT_NE(CatalogError(doc).find("listed twice"), std::string::npos);
  }
  {
    auto doc = AzureCatalog();
    FirstMarket(doc)["meters"] = nlohmann::json::array();
    EXPECT_NE(CatalogError(doc).find("meters"), std::string::npos);
  }
  {
    auto doc = AzureCatalog();
    FirstMarket(doc)["prices"] = nlohmann::json::parse(R"([{"from": "2025-01-01", "term": "P1M", "billing": "monthly", "price": "1"}])");
    EXPECT_NE(CatalogError(doc).find("needs meters and no prices"), std::string::npos);
  }
  {
    auto doc = AzureCatalog();
    FirstMarket(doc)["meters"][0]["pecEligible"] = "no";
    EXPECT_NE(CatalogError(doc).find("pecEligible"), std::string::npos);
  }
  {
    auto doc = AzureCatalog();
    doc["products"][0]["skus"][0]["billingType"] = "seat";
    EXPECT_NE(CatalogError(doc).find("billingType"), std::string::npos);
  }
  {
    auto doc = AzureCatalog();
    FirstMarket(doc)["meters"][0].erase("unit");
    EXPECT_NE(CatalogError(doc).find("unit"), std::string::npos);
  }
}

TEST(AzureRateCardTest, DefaultCatalogHasTheAzurePlanInThreeCurrencies) {
  auto catalog = Catalog::Default();
  for (auto [country, currency, compute] : {std::tuple{"US", "USD", "0.096"}, std::tuple{"DE", "EUR", "0.0912"},
                                            std::tuple{"GB", "GBP", "0.0768"}}) {
    const Offer* offer = catalog->FindOffer(kAzurePlan, country);
    ASSERT_NE(offer, nullptr) << country;
    EXPECT_EQ(offer->market->currency, currency);
    EXPECT_EQ(offer->market->meters.size(), 5u);
    ASSERT_NE(catalog->FindMeter(*offer, kCompute), nullptr);
    EXPECT_EQ(catalog->FindMeter(*offer, kCompute)->price, Dec(compute));
    EXPECT_FALSE(catalog->FindMeter(*offer, kReservation)->pec_eligible);
  }
}

}  // namespace
}  // namespace pcsim::testing
