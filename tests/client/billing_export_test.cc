// The typed client's Microsoft Graph billing export calls against a sandbox
// (docs/graph-billing.md), in process and over HTTP: the whole flow, polling
// on the simulated clock through the wait hook, several blobs, an expired
// SAS token, a legacy-period invoice (code 5000), and rows whose money
// equals the v1 line items of the same charges.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <chrono>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "pcsim/gtest/sandbox_test.h"

namespace pcsim::client {
namespace {

using namespace pcsim::gtest;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::SizeIs;
using ::testing::StartsWith;
using nlohmann::json;

constexpr char kE1[] = "CFQ7TTC0LF8Q:0001";     // Office 365 E1
constexpr char kE3[] = "CFQ7TTC0LFLZ:0001";     // Microsoft 365 E3, 37.80 a seat a month
constexpr char kBasic[] = "CFQ7TTC0LH18:0001";  // Microsoft 365 Business Basic

Decimal D(const char* text) { return *Decimal::Parse(text); }

// A sandbox from 2026-01-15 with the policy overrides of Overrides().
class BillingExportTest : public SandboxTest {
 protected:
  virtual std::vector<std::pair<std::string, std::string>> Overrides() const { return {}; }
  virtual const char* Start() const { return "2026-01-15T09:00:00Z"; }

  api::RouterOptions Options() const override {
    api::RouterOptions options = StartingAt(Start());
    options.sandbox.policy = Policy::Microsoft();
    for (const auto& [key, value] : Overrides())
      EXPECT_TRUE(options.sandbox.policy->Override(key, value).ok()) << key;
    return options;
  }

  // January's book, invoiced on February 7: E3 (10 seats, yearly paid
  // monthly) and Basic (3 seats, yearly) for one customer; E1 (4 seats,
  // monthly) for another, raised to 6 seats. Five charge lines.
  std::string InvoicedBook() {
    const Customer us = NewCustomer();
    const Customer other = NewCustomer();
    e3_ = BuyAnnualMonthly(us.id, kE3, 10).id;
    BuyAnnualAnnual(us.id, kBasic, 3);
    const Subscription e1 = BuyMonthlyMonthly(other.id, kE1, 4);
    EXPECT_TRUE(client().SetQuantity(other.id, e1.id, 6).ok());
    AdvanceTo("2026-02-07T00:00:00Z");
    auto invoices = client().ListInvoices();
    EXPECT_TRUE(invoices.ok() && invoices->size() == 1u);
    return invoices.ok() && !invoices->empty() ? invoices->front().id : "";
  }

  std::string e3_;
};

TEST_F(BillingExportTest, TheWholeFlowInProcessPollsOnTheSimulatedClock) {
  const std::string invoice = InvoicedBook();
  auto operation = client().StartBillingExport(
      BillingExportRequest::Billed(BillingExportKind::BilledReconciliation, invoice));
  ASSERT_TRUE(operation.ok()) << operation.status().ToString();
  EXPECT_THAT(*operation, StartsWith("/v1.0/reports/partners/billing/operations/"));  // in process: a path
  const Instant posted = Now();
  const uint64_t before = client().requests_sent();
  auto done = client().WaitForExport(*operation, SimulatedExportWait());
  ASSERT_TRUE(done.ok()) << done.status().ToString();
  // Running (Retry-After: 300, graphExport.delaySeconds), then succeeded:
  // two GETs, and the hook's one POST /_sim/clock/advance in between.
  EXPECT_THAT(ClientWaits(), ElementsAre(std::chrono::seconds(300)));
  EXPECT_EQ(client().requests_sent() - before, 2u + 1u);
  EXPECT_EQ(Now(), posted + Duration::Seconds(300));
  EXPECT_EQ(done->status, "succeeded");
  EXPECT_EQ(done->raw["resourceLocation"]["blobCount"], 1);

  auto manifest = client().GetExportManifest(done->manifest_url);
  ASSERT_TRUE(manifest.ok()) << manifest.status().ToString();
  EXPECT_EQ(manifest->id, done->id);
  EXPECT_EQ(manifest->data_format, "compressedJSON");
  EXPECT_EQ(manifest->blob_count, 1);
  ASSERT_THAT(manifest->blobs, SizeIs(1));
  EXPECT_THAT(manifest->BlobUrl(manifest->blobs[0]), StartsWith("/_blobs/billing/v1/PartnerTenantId="));
  EXPECT_THAT(manifest->sas_token, HasSubstr("&sig="));

  auto rows = client().ReadReconciliationRows(*manifest);
  ASSERT_TRUE(rows.ok()) << rows.status().ToString();
  ASSERT_THAT(*rows, SizeIs(5));
  const ReconciliationRow& first = (*rows)[0];
  EXPECT_EQ(first.invoice_number, invoice);
  EXPECT_EQ(first.subscription_id, e3_);
  EXPECT_EQ(first.charge_type, "new");
  EXPECT_EQ(first.quantity, 10);
  EXPECT_EQ(first.unit_price, D("37.80"));
  EXPECT_EQ(first.subtotal, D("378"));
  EXPECT_EQ(first.tax_total, D("0"));
  EXPECT_EQ(first.total, D("378"));
  EXPECT_EQ(first.currency, "USD");
  EXPECT_EQ(first.pc_to_bc_exchange_rate, D("1"));
  EXPECT_EQ(first.billing_frequency, "Monthly");
  EXPECT_THAT(first.product_qualifiers, SizeIs(0));
  EXPECT_FALSE(first.customer_domain_name.empty());
  EXPECT_FALSE(first.reference_id.empty());  // full attribute set
  EXPECT_EQ((*rows)[3].charge_type, "addQuantity");
  EXPECT_EQ((*rows)[3].subtotal, D("-48"));  // the 4 seats credited, at 12.00
  EXPECT_EQ((*rows)[4].quantity, 6);
}

TEST_F(BillingExportTest, TheWholeFlowOverHttpFollowsAbsoluteLinks) {
  const std::string invoice = InvoicedBook();
  PartnerCenterClient& http = http_client();
  auto operation =
      http.StartBillingExport(BillingExportRequest::Billed(BillingExportKind::BilledReconciliation, invoice));
  ASSERT_TRUE(operation.ok()) << operation.status().ToString();
  EXPECT_THAT(*operation, StartsWith(BaseUrl() + "/v1.0/reports/partners/billing/operations/"));
  auto done = http.WaitForExport(*operation, SimulatedExportWait());
  ASSERT_TRUE(done.ok()) << done.status().ToString();
  auto manifest = http.GetExportManifest(done->manifest_url);
  ASSERT_TRUE(manifest.ok()) << manifest.status().ToString();
  EXPECT_THAT(manifest->root_directory, StartsWith(BaseUrl() + "/_blobs/billing/v1/"));
  auto rows = http.ReadReconciliationRows(*manifest);
  ASSERT_TRUE(rows.ok()) << rows.status().ToString();
  EXPECT_THAT(*rows, SizeIs(5));

  // The convenience call, with the basic attribute set.
  auto basic = http.ExportBilledReconciliation(invoice, ExportAttributeSet::Basic, SimulatedExportWait());
  ASSERT_TRUE(basic.ok()) << basic.status().ToString();
  ASSERT_THAT(*basic, SizeIs(5));
  EXPECT_TRUE((*basic)[0].customer_domain_name.empty());  // not in the basic set
  for (size_t i = 0; i < basic->size(); ++i) EXPECT_EQ((*basic)[i].total, (*rows)[i].total) << i;
}

TEST_F(BillingExportTest, GraphErrorsCarryGraphsCode) {
  InvoicedBook();
  auto missing = client().StartBillingExport(
      BillingExportRequest::Billed(BillingExportKind::BilledReconciliation, "G999999999"));
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.status().http_status(), 404);
  EXPECT_THAT(missing.status().description(), StartsWith("itemNotFound: "));
  auto bad = client().StartBillingExport(
      BillingExportRequest::Unbilled(BillingExportKind::UnbilledUsage, "US", ExportBillingPeriod::Current));
  EXPECT_EQ(bad.status().http_status(), 400);
  EXPECT_THAT(bad.status().description(), StartsWith("invalidRequest: "));
  auto unknown = client().GetExportOperation("/v1.0/reports/partners/billing/operations/nope");
  EXPECT_EQ(unknown.status().http_status(), 404);
}

// A wait hook that lets no time pass: the export never ends, and the client
// stops after RetryPolicy::max_polls GETs.
class SlowExportTest : public BillingExportTest {
 protected:
  std::vector<std::pair<std::string, std::string>> Overrides() const override {
    return {{"graphExport.delaySeconds", "3600"}};
  }
};

TEST_F(SlowExportTest, PollingIsBoundedByMaxPolls) {
  const std::string invoice = InvoicedBook();
  auto operation = client().StartBillingExport(
      BillingExportRequest::Billed(BillingExportKind::BilledReconciliation, invoice));
  ASSERT_TRUE(operation.ok()) << operation.status().ToString();
  std::vector<int64_t> waits;
  const uint64_t before = client().requests_sent();
  auto done = client().WaitForExport(*operation, [&](int64_t seconds) { waits.push_back(seconds); });
  ASSERT_FALSE(done.ok());
  EXPECT_EQ(done.status().http_status(), 202);
  EXPECT_THAT(done.status().description(), HasSubstr("still running after 10 polls"));
  EXPECT_EQ(client().requests_sent() - before, 10u);
  EXPECT_EQ(waits, std::vector<int64_t>(9, 3600));
  // With the clock moving, the same operation succeeds after one wait.
  auto later = client().WaitForExport(*operation, SimulatedExportWait());
  EXPECT_TRUE(later.ok()) << later.status().ToString();
  EXPECT_THAT(ClientWaits(), ElementsAre(std::chrono::seconds(3600)));
}

// graphExport.rowsPerBlob 2: five rows in three blobs; a SAS token valid for
// two hours.
class SmallBlobsTest : public BillingExportTest {
 protected:
  std::vector<std::pair<std::string, std::string>> Overrides() const override {
    return {{"graphExport.rowsPerBlob", "2"}, {"graphExport.sasHours", "2"}, {"graphExport.delaySeconds", "0"}};
  }

  StatusOr<ExportManifest> ManifestOf(PartnerCenterClient& pc, const std::string& invoice) {
    auto operation =
        pc.StartBillingExport(BillingExportRequest::Billed(BillingExportKind::BilledReconciliation, invoice));
    if (!operation.ok()) return operation.status();
    auto done = pc.WaitForExport(*operation, SimulatedExportWait());
    if (!done.ok()) return done.status();
    manifest_url_ = done->manifest_url;
    return pc.GetExportManifest(manifest_url_);
  }

  std::string manifest_url_;  // of the last ManifestOf
};

TEST_F(SmallBlobsTest, RowsOfSeveralBlobsAreReadInOrder) {
  const std::string invoice = InvoicedBook();
  for (PartnerCenterClient* pc : {&client(), &http_client()}) {
    auto manifest = ManifestOf(*pc, invoice);
    ASSERT_TRUE(manifest.ok()) << manifest.status().ToString();
    EXPECT_EQ(manifest->blob_count, 3);
    ASSERT_THAT(manifest->blobs, SizeIs(3));
    auto rows = pc->ReadReconciliationRows(*manifest);
    ASSERT_TRUE(rows.ok()) << rows.status().ToString();
    ASSERT_THAT(*rows, SizeIs(5));
    EXPECT_EQ((*rows)[0].quantity, 10);
    EXPECT_EQ((*rows)[3].charge_type, "addQuantity");
    EXPECT_EQ((*rows)[4].quantity, 6);
    auto whole = pc->ExportBilledReconciliation(invoice, ExportAttributeSet::Full, SimulatedExportWait());
    ASSERT_TRUE(whole.ok()) << whole.status().ToString();
    for (size_t i = 0; i < rows->size(); ++i) {
      EXPECT_EQ((*whole)[i].reference_id, (*rows)[i].reference_id) << i;
      EXPECT_EQ((*whole)[i].total, (*rows)[i].total) << i;
    }
  }
  EXPECT_THAT(ClientWaits(), SizeIs(0));  // graphExport.delaySeconds 0: no poll waited
}

TEST_F(SmallBlobsTest, AnExpiredSasTokenIsRefusedAndANewManifestReadsAgain) {
  const std::string invoice = InvoicedBook();
  for (PartnerCenterClient* pc : {&client(), &http_client()}) {
    auto manifest = ManifestOf(*pc, invoice);
    ASSERT_TRUE(manifest.ok()) << manifest.status().ToString();
    AdvanceBy("PT2H");  // graphExport.sasHours
    auto refused = pc->ReadReconciliationRows(*manifest);
    ASSERT_FALSE(refused.ok());
    EXPECT_EQ(refused.status().http_status(), 403);
    EXPECT_THAT(refused.status().description(), HasSubstr("AuthenticationFailed: Server failed to authenticate"));
    auto again = pc->GetExportManifest(manifest_url_);
    ASSERT_TRUE(again.ok()) << again.status().ToString();
    EXPECT_NE(again->sas_token, manifest->sas_token);
    auto rows = pc->ReadReconciliationRows(*again);
    ASSERT_TRUE(rows.ok()) << rows.status().ToString();
    EXPECT_THAT(*rows, SizeIs(5));
  }
}

// v1 keeps serving line items (reconciliation.v1KeepServing), so that the
// rows can be compared with them.
class ExportAgainstV1Test : public BillingExportTest {
 protected:
  std::vector<std::pair<std::string, std::string>> Overrides() const override {
    return {{"reconciliation.v1KeepServing", "true"}};
  }
};

// Every typed value a reconciliation row (owned or a view) shares with the
// v1 line item of the same charge, money compared exactly.
template <typename Row>
void ExpectSameCharge(const Row& r, const InvoiceLineItem& l, size_t i) {
  EXPECT_EQ(r.invoice_number, l.invoice_number) << i;
  EXPECT_EQ(r.customer_id, l.customer_id) << i;
  EXPECT_EQ(r.subscription_id, l.subscription_id) << i;
  EXPECT_EQ(r.order_id, l.order_id) << i;
  EXPECT_EQ(r.product_id, l.product_id) << i;
  EXPECT_EQ(r.sku_id, l.sku_id) << i;
  EXPECT_EQ(r.availability_id, l.availability_id) << i;
  EXPECT_EQ(r.charge_type, l.charge_type) << i;
  EXPECT_EQ(r.quantity, l.quantity) << i;
  EXPECT_EQ(r.unit_price, l.unit_price) << i;
  EXPECT_EQ(r.effective_unit_price, l.effective_unit_price) << i;
  EXPECT_EQ(r.subtotal, l.subtotal) << i;
  EXPECT_EQ(r.tax_total, l.tax_total) << i;
  EXPECT_EQ(r.total, l.total_for_customer) << i;
  EXPECT_EQ(r.currency, l.currency) << i;
  EXPECT_EQ(r.charge_start_date, l.charge_start_date) << i;
  EXPECT_EQ(r.charge_end_date, l.charge_end_date) << i;
  EXPECT_EQ(r.term_and_billing_cycle, l.term_and_billing_cycle) << i;
  EXPECT_EQ(r.billing_frequency, l.billing_frequency) << i;
}

void ExpectSameCharges(const std::vector<ReconciliationRow>& rows, const std::vector<InvoiceLineItem>& v1) {
  ASSERT_EQ(rows.size(), v1.size());
  ASSERT_FALSE(rows.empty());
  for (size_t i = 0; i < rows.size(); ++i) ExpectSameCharge(rows[i], v1[i], i);
}

TEST_F(ExportAgainstV1Test, EveryRowsMoneyEqualsTheV1LineItem) {
  const std::string invoice = InvoicedBook();
  auto v1 = client().ListInvoiceLineItems(invoice);
  ASSERT_TRUE(v1.ok()) << v1.status().ToString();
  for (ExportAttributeSet set : {ExportAttributeSet::Full, ExportAttributeSet::Basic}) {
    auto rows = client().ExportBilledReconciliation(invoice, set, SimulatedExportWait());
    ASSERT_TRUE(rows.ok()) << rows.status().ToString();
    ExpectSameCharges(*rows, *v1);
  }
  // The same rows as views.
  auto billed = client().StartBillingExport(BillingExportRequest::Billed(BillingExportKind::BilledReconciliation, invoice));
  ASSERT_TRUE(billed.ok()) << billed.status().ToString();
  auto billed_done = client().WaitForExport(*billed, SimulatedExportWait());
  ASSERT_TRUE(billed_done.ok()) << billed_done.status().ToString();
  auto billed_manifest = client().GetExportManifest(billed_done->manifest_url);
  ASSERT_TRUE(billed_manifest.ok()) << billed_manifest.status().ToString();
  size_t visited = 0;
  Status views = client().VisitReconciliationRows(*billed_manifest, [&](const ReconciliationRowView& row) {
    if (visited < v1->size()) ExpectSameCharge(row, (*v1)[visited], visited);
    ++visited;
    return OkStatus();
  });
  ASSERT_TRUE(views.ok()) << views.ToString();
  EXPECT_EQ(visited, v1->size());
  // Unbilled: February's charges so far.
  AdvanceTo("2026-02-20T00:00:00Z");
  ASSERT_TRUE(client().SetQuantity((*v1)[0].customer_id, e3_, 12).ok());
  auto operation = client().StartBillingExport(BillingExportRequest::Unbilled(
      BillingExportKind::UnbilledReconciliation, "USD", ExportBillingPeriod::Current));
  ASSERT_TRUE(operation.ok()) << operation.status().ToString();
  auto done = client().WaitForExport(*operation, SimulatedExportWait());
  ASSERT_TRUE(done.ok()) << done.status().ToString();
  auto manifest = client().GetExportManifest(done->manifest_url);
  ASSERT_TRUE(manifest.ok()) << manifest.status().ToString();
  auto rows = client().ReadReconciliationRows(*manifest);
  ASSERT_TRUE(rows.ok()) << rows.status().ToString();
  auto unbilled = client().ListUnbilledLineItems("USD", "current");
  ASSERT_TRUE(unbilled.ok()) << unbilled.status().ToString();
  ExpectSameCharges(*rows, *unbilled);
  std::set<std::string> types;
  for (const ReconciliationRow& r : *rows) {
    EXPECT_TRUE(r.invoice_number.empty());
    types.insert(r.charge_type);
  }
  EXPECT_TRUE(types.count("addQuantity")) << "the seats added on February 20";
}

// An Azure plan from March 2026 with three days of usage.
class UsageExportTest : public ExportAgainstV1Test {
 protected:
  const char* Start() const override { return "2026-03-01T00:00:00Z"; }
};

// A money value of an exact DOM (an integer, or a fraction's text).
Decimal Exact(const json& j, const char* key) {
  const json& v = j.at(key);
  return v.is_number_integer() ? Decimal::FromInt(v.get<int64_t>()) : *Decimal::Parse(v.get<std::string>());
}

TEST_F(UsageExportTest, UsageRowsEqualTheV1DailyRatedUsage) {
  const Customer customer = NewCustomer();
  const json line = {{"id", 0}, {"catalogItemId", "DZH318Z0BPS6:0001:DZH318Z0JJ6R"}, {"quantity", 1},
                     {"billingCycle", "monthly"}};
  auto cart = client().Call("POST", "/v1/customers/" + customer.id + "/carts",
                            json{{"lineItems", json::array({line})}}.dump());
  ASSERT_TRUE(cart.ok()) << cart.status().ToString();
  auto checkout = client().Checkout(customer.id, json::parse(cart->body).value("id", ""));
  ASSERT_TRUE(checkout.ok() && !checkout->orders.empty());
  AdvanceBy("PT5M");
  auto order = client().GetOrder(customer.id, checkout->orders[0].id);
  ASSERT_TRUE(order.ok() && !order->line_items.empty());
  auto entitlements = client().Call("GET", "/v1/customers/" + customer.id + "/subscriptions/" +
                                               order->line_items[0].subscription_id + "/azureEntitlements");
  ASSERT_TRUE(entitlements.ok()) << entitlements.status().ToString();
  const std::string azure = json::parse(entitlements->body)["items"][0].value("id", "");
  for (int day = 0; day < 3; ++day) {
    AdvanceDays(1);
    const json usage = {{"entitlement", azure}, {"meterId", "6d5c0f2e-1b3a-4c7d-9e8f-0a1b2c3d4e01"},
                        {"quantity", 10.5 + day}};  // compute, 0.096 USD
    auto posted = client().Call("POST", "/_sim/usage", usage.dump());
    ASSERT_TRUE(posted.ok()) << posted.status().ToString();
  }
  AdvanceDays(2);
  auto operation = client().StartBillingExport(
      BillingExportRequest::Unbilled(BillingExportKind::UnbilledUsage, "USD", ExportBillingPeriod::Current));
  ASSERT_TRUE(operation.ok()) << operation.status().ToString();
  auto done = client().WaitForExport(*operation, SimulatedExportWait());
  ASSERT_TRUE(done.ok()) << done.status().ToString();
  auto manifest = client().GetExportManifest(done->manifest_url);
  ASSERT_TRUE(manifest.ok()) << manifest.status().ToString();
  auto rows = client().ReadUsageRows(*manifest);
  ASSERT_TRUE(rows.ok()) << rows.status().ToString();
  ASSERT_THAT(*rows, SizeIs(3));
  EXPECT_EQ((*rows)[0].quantity, D("10.5"));
  EXPECT_EQ((*rows)[2].quantity, D("12.5"));
  EXPECT_EQ((*rows)[0].unit_price, D("0.096"));
  EXPECT_EQ((*rows)[0].entitlement_id, azure);
  EXPECT_EQ((*rows)[0].billing_currency, "USD");
  auto v1 = client().GetAllPages("/v1/invoices/unbilled/lineitems?provider=onetime&invoicelineitemtype="
                                 "usagelineitems&currencycode=USD&period=current");
  ASSERT_TRUE(v1.ok()) << v1.status().ToString();
  ASSERT_EQ(v1->size(), rows->size());
  for (size_t i = 0; i < rows->size(); ++i) {
    const UsageRow& r = (*rows)[i];
    const json& l = (*v1)[i];
    EXPECT_EQ(r.quantity, Exact(l, "quantity")) << i;
    EXPECT_EQ(r.unit_price, Exact(l, "unitPrice")) << i;
    EXPECT_EQ(r.effective_unit_price, Exact(l, "effectiveUnitPrice")) << i;
    EXPECT_EQ(r.billing_pre_tax_total, Exact(l, "billingPreTaxTotal")) << i;
    EXPECT_EQ(r.pricing_pre_tax_total, Exact(l, "pricingPreTaxTotal")) << i;
    EXPECT_EQ(r.partner_earned_credit_percentage, Exact(l, "rateOfPartnerEarnedCredit")) << i;
    EXPECT_EQ(r.usage_date, l.value("usageDate", "")) << i;
    EXPECT_EQ(r.meter_id, l.value("meterId", "")) << i;
  }
}

// A sandbox in January 2024: its first invoice is of a period before
// reconciliation.v2FirstPeriod (2024-02), which only v1 serves.
class LegacyPeriodTest : public BillingExportTest {
 protected:
  const char* Start() const override { return "2024-01-10T00:00:00Z"; }
};

TEST_F(LegacyPeriodTest, AnInvoiceOfAPeriodBeforeV2FailsWithCode5000) {
  const Customer customer = NewCustomer();
  BuyMonthlyMonthly(customer.id, kE3, 2);
  AdvanceTo("2024-02-07T00:00:00Z");
  auto invoices = client().ListInvoices();
  ASSERT_TRUE(invoices.ok() && invoices->size() == 1u);
  const std::string invoice = invoices->front().id;
  for (PartnerCenterClient* pc : {&client(), &http_client()}) {
    auto rows = pc->ExportBilledReconciliation(invoice, ExportAttributeSet::Full, SimulatedExportWait());
    ASSERT_FALSE(rows.ok());
    EXPECT_THAT(rows, IsPartnerCenterError(5000));
    EXPECT_EQ(rows.status().http_status(), 200);
    EXPECT_EQ(rows.status().description(),
              "No reconciliation data available currently for Invoice " + invoice + ". Please try again later.");
  }
  // v1 serves that period.
  auto v1 = client().ListInvoiceLineItems(invoice);
  ASSERT_TRUE(v1.ok()) << v1.status().ToString();
  EXPECT_THAT(*v1, SizeIs(1));
}

}  // namespace
}  // namespace pcsim::client
