// Invoices and OneTime reconciliation line items (Get a collection of invoices,
// Get invoice line items, Get invoice's unbilled reconciliation line items):
// the documented examples replayed against our ids, then the behaviour
// around billing-period close, continuation paging and partner isolation.
#include <algorithm>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "simulator/api/invoice_pdf.h"
#include "tests/api/api_fixture.h"

namespace pcsim::api::testing {
namespace {

using nlohmann::json;

constexpr char kE1[] = "CFQ7TTC0LF8Q:0001:CFQ7TTC0K5DR";      // Office 365 E1, USD only
constexpr char kE3[] = "CFQ7TTC0LFLZ:0001:CFQ7TTC0K5F7";      // Microsoft 365 E3, USD only
constexpr char kBasic[] = "CFQ7TTC0LH18:0001:CFQ7TTC0K971";   // Business Basic, USD/EUR/GBP

constexpr char kOneTimeBilling[] = "provider=onetime&invoicelineitemtype=billinglineitems";

// An (unsigned) JWT whose tid claim names another partner tenant.
HeaderList AsPartner(const std::string& tid) {
  return {{"Authorization", "Bearer " + UnsignedJwt(json{{"tid", tid}}.dump())}};
}

std::string JsonType(const json& j) { return j.is_number() ? "number" : j.type_name(); }

// Every key of `doc` exists in `ours` with the same JSON type, recursively.
// Arrays: each documented element is compared with our element at the same
// index (or our last one). Paths are written "a.b[].c"; `skip` lists paths
// not compared (each skip is justified where the set is built).
void ExpectShape(const json& doc, const json& ours, const std::string& path, const std::set<std::string>& skip) {
  if (skip.count(path)) return;
  if (doc.is_object()) {
    ASSERT_TRUE(ours.is_object()) << path << " is " << JsonType(ours) << " in ours, object in the docs";
    for (auto it = doc.begin(); it != doc.end(); ++it) {
      std::string p = path.empty() ? it.key() : path + "." + it.key();
      if (skip.count(p)) continue;
      if (!ours.contains(it.key())) {
        ADD_FAILURE() << "documented key " << p << " is missing";
        continue;
      }
      ExpectShape(*it, ours[it.key()], p, skip);
    }
  } else if (doc.is_array()) {
    ASSERT_TRUE(ours.is_array()) << path << " is " << JsonType(ours) << " in ours, array in the docs";
    if (ours.empty()) return;
    for (size_t i = 0; i < doc.size(); ++i)
      ExpectShape(doc[i], ours[std::min(i, ours.size() - 1)], path + "[]", skip);
  } else {
    EXPECT_EQ(JsonType(ours), JsonType(doc)) << path;
  }
}

// Documented line items are heterogeneous (one sample writes "quantity": "25",
// another "quantity": 1): every key of any documented item must be in ours,
// with a JSON type that at least one documented item uses for it.
// "attributes/objectType" is a typo key of one sample.
void ExpectLineItemShape(const json& doc_items, const json& ours) {
  ASSERT_TRUE(ours.is_object());
  std::map<std::string, std::set<std::string>> types;
  for (const json& item : doc_items)
    for (auto it = item.begin(); it != item.end(); ++it) types[it.key()].insert(JsonType(*it));
  for (const auto& [key, allowed] : types) {
    if (key == "attributes/objectType") continue;
    if (!ours.contains(key)) {
      ADD_FAILURE() << "documented line item key " << key << " is missing";
      continue;
    }
    EXPECT_TRUE(allowed.count(JsonType(ours[key]))) << key << " is " << JsonType(ours[key]);
  }
  EXPECT_EQ(ours["invoiceLineItemType"], "billing_line_items");
  EXPECT_EQ(ours["billingProvider"], "one_time");
  EXPECT_EQ(ours["attributes"]["objectType"], "OneTimeInvoiceLineItem");
  EXPECT_TRUE(ours["productQualifiers"].is_array());
}

// The documented request headers, minus Authorization (the fixture adds ours).
HeaderList DocHeaders(const json& example) {
  HeaderList out;
  for (const auto& h : example.value("request_headers", json::array()))
    if (h.size() == 2 && !EqualsIgnoreCase(h[0].get<std::string>(), "Authorization"))
      out.emplace_back(h[0].get<std::string>(), h[1].get<std::string>());
  return out;
}

std::string Replace(std::string text, const std::string& from, const std::string& to) {
  for (size_t pos = text.find(from); pos != std::string::npos; pos = text.find(from, pos + to.size()))
    text.replace(pos, from.size(), to);
  return text;
}

// The documented bodies that are not strict JSON, repaired the least possible:
// non-breaking spaces become spaces; the first line-items page wraps the
// collection in a broken object after "continuationToken"; the unbilled page
// closes its items array twice.
json RepairedDocBody(const json& example) {
  json strict = DocResponseBody(example);
  if (!strict.is_null()) return strict;
  std::string body = Replace(example.value("response_body", ""), "\xC2\xA0", " ");
  const std::string id = example.value("id", "");
  if (id == "invoices-lineitems-onetime-billing") {
    size_t key = body.find("\"continuationToken\"");
    size_t value_start = body.find('"', body.find(':', key)) + 1;
    std::string token = body.substr(value_start, body.find('"', value_start) - value_start);
    json j = json::parse(body.substr(body.find('{', key)), nullptr, false);
    if (j.is_discarded()) return nullptr;
    j["continuationToken"] = token;
    return j;
  }
  if (id == "invoices-unbilled-recon-lineitems") {
    size_t extra = body.find("    ]\n}\n");
    if (extra == std::string::npos) return nullptr;
    body.erase(extra, std::string("    ]\n}\n").size());
    json j = json::parse(body, nullptr, false);
    return j.is_discarded() ? json() : j;
  }
  return nullptr;
}

class InvoiceRoutesTest : public ApiTest {
 protected:
  void SetUp() override { Start("2026-01-15T09:00:00Z", Environment::Production, kV1KeepsServing); }

  Sandbox& sb() { return router->mutable_sandbox_for_setup(); }

  // A customer created and attested directly in the sandbox (no concurrent calls in tests).
  std::string DirectCustomer(const std::string& country = "US",
                             const std::string& partner = std::string(kDefaultPartnerTenantId)) {
    static int counter = 0;
    ++counter;
    CustomerSpec spec;
    spec.partner_tenant_id = partner;
    spec.company_name = "Fabrikam " + std::to_string(counter);
    spec.domain = "fabrikam" + std::to_string(counter) + "inv.onmicrosoft.com";
    spec.email = "admin@fabrikam.example";
    spec.address.first_name = "Ada";
    spec.address.last_name = "Lovelace";
    spec.address.address_line1 = "1 Main Street";
    spec.address.country = country;
    if (country == "US") {
      spec.address.city = "Redmond";
      spec.address.state = "WA";
      spec.address.postal_code = "98052";
    } else {
      spec.address.city = "Berlin";
      spec.address.postal_code = "10115";
    }
    auto c = sb().CreateCustomer(spec);
    EXPECT_TRUE(c.ok()) << c.status().ToString();
    if (!c.ok()) return "";
    AgreementRecord a;
    a.template_id = std::string(kMcaTemplateId);
    a.type = "MicrosoftCustomerAgreement";
    a.date_agreed = sb().Now();
    a.first_name = "Ada";
    a.last_name = "Lovelace";
    a.email = "ada@fabrikam.example";
    Status s = sb().RecordAgreement((*c)->id, a);
    EXPECT_TRUE(s.ok()) << s.ToString();
    return (*c)->id;
  }

  std::string DirectBuy(const std::string& customer, const std::string& item, int quantity, Term term,
                        Billing billing) {
    PurchaseRequest r;
    r.customer_id = customer;
    r.catalog_item_id = item;
    r.quantity = quantity;
    r.term = term;
    r.billing = billing;
    auto s = sb().Purchase(r);
    EXPECT_TRUE(s.ok()) << s.status().ToString();
    return s.ok() ? (*s)->id : "";
  }

  void AdvanceTo(const std::string& instant) { sb().AdvanceTo(*Instant::Parse(instant)); }

  json Get(const std::string& target, int status = 200, HeaderList headers = {}) {
    return CallJson("GET", target, nullptr, status, std::move(headers));
  }

  // The GET of a links.next: "/v1" + uri, with the link's headers.
  json Follow(const json& link, int status = 200, HeaderList extra = {}) {
    HeaderList headers = std::move(extra);
    for (const auto& h : link["headers"]) headers.emplace_back(h["key"].get<std::string>(), h["value"].get<std::string>());
    return Get("/v1" + link["uri"].get<std::string>(), status, headers);
  }

  std::vector<const Invoice*> InvoicesOf(const std::string& partner) {
    std::vector<const Invoice*> out;
    for (const Invoice& inv : sb().ledger().invoices())
      if (inv.partner_tenant_id == partner) out.push_back(&inv);
    return out;
  }

  const Invoice* InvoiceIn(const std::string& currency) {
    for (const Invoice* inv : InvoicesOf(std::string(kDefaultPartnerTenantId)))
      if (inv->currency == currency) return inv;
    return nullptr;
  }

  // January: a US customer with three USD lines (monthly, annual, monthly)
  // and a DE customer with one EUR line.
  void JanuaryPurchases() {
    us_ = DirectCustomer("US");
    DirectBuy(us_, kE3, 5, Term::P1M, Billing::Monthly);
    DirectBuy(us_, kBasic, 2, Term::P1Y, Billing::Annual);
    DirectBuy(us_, kE1, 3, Term::P1Y, Billing::Monthly);
    de_ = DirectCustomer("DE");
    DirectBuy(de_, kBasic, 4, Term::P1M, Billing::Monthly);
  }
  // ... closed into a USD and an EUR invoice on 2026-02-06.
  void TwoInvoices() {
    JanuaryPurchases();
    AdvanceTo("2026-02-06T12:00:00Z");
    ASSERT_EQ(sb().ledger().invoices().size(), 2u);
  }

  std::string us_, de_;
};

// --- the documented examples --------------------------------------------------------

TEST_F(InvoiceRoutesTest, DocExampleInvoicesList) {
  TwoInvoices();
  json example = DocExample("invoices-list");
  json doc = DocResponseBody(example);
  ASSERT_TRUE(doc.is_object());
  Response r = Call("GET", example["path_only"].get<std::string>(), "", DocHeaders(example));
  ASSERT_EQ(r.status, example["response_status"].get<int>()) << r.body;
  EXPECT_EQ(r.content_type, "application/json; charset=utf-8");
  json ours = json::parse(r.body);
  // Skipped: links.next (the sample pages 2 of more; ours with size=200 holds
  // both invoices - the next link is checked in InvoiceListIsIndexPaged);
  // items[].pdfDownloadLink (ours only when an invoice is fetched by id; the sample
  // shows it in the list too); items[].amendments / amendsOf (no amendments
  // are simulated).
  ExpectShape(doc, ours, "", {"links.next", "items[].pdfDownloadLink", "items[].amendments", "items[].amendsOf"});
  EXPECT_EQ(ours["totalCount"], 2);
  EXPECT_EQ(ours["attributes"]["objectType"], "Collection");
  EXPECT_EQ(ours["links"]["self"]["uri"], "/invoices?size=200&offset=0");
  for (const json& inv : ours["items"]) {
    EXPECT_EQ(inv["attributes"]["objectType"], "Invoice");
    EXPECT_FALSE(inv.contains("pdfDownloadLink"));
    EXPECT_EQ(inv["documentType"], "invoice");
    EXPECT_EQ(inv["invoiceType"], "OneTime");
    ASSERT_EQ(inv["invoiceDetails"].size(), 1u);
    EXPECT_EQ(inv["invoiceDetails"][0]["invoiceLineItemType"], "billing_line_items");
    EXPECT_EQ(inv["invoiceDetails"][0]["billingProvider"], "one_time");
    EXPECT_EQ(inv["invoiceDetails"][0]["attributes"]["objectType"], "InvoiceDetail");
  }
  // Issued order = ascending id.
  EXPECT_LT(ours["items"][0]["id"].get<std::string>(), ours["items"][1]["id"].get<std::string>());
}

TEST_F(InvoiceRoutesTest, DocExampleInvoiceGetById) {
  TwoInvoices();
  const Invoice* usd = InvoiceIn("USD");
  ASSERT_NE(usd, nullptr);
  json example = DocExample("invoices-get-by-id");
  json doc = DocResponseBody(example);
  ASSERT_TRUE(doc.is_object());
  std::string path = Replace(example["path_only"].get<std::string>(), "<invoice-id>", usd->id);
  Response r = Call("GET", path, "", DocHeaders(example));
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.Header("MS-RequestId").value_or(""), "8ac25aa5-9537-4b6d-b782-aa0c8e979e99");
  json ours = json::parse(r.body);
  ExpectShape(doc, ours, "", {});
  EXPECT_EQ(ours["id"], usd->id);
  EXPECT_EQ(ours["pdfDownloadLink"], "/invoices/" + usd->id + "/documents/statement");
  EXPECT_EQ(ours["status"], "active");
  EXPECT_EQ(ours["currencyCode"], "USD");
  EXPECT_EQ(ours["currencySymbol"], "$");
  EXPECT_EQ(ours["billingPeriodStartDate"], "2026-01-01T00:00:00Z");
  EXPECT_EQ(ours["billingPeriodEndDate"], "2026-01-31T00:00:00Z");
  EXPECT_EQ(ours["attributes"]["objectType"], "Invoice");
  EXPECT_EQ(ours["invoiceDetails"][0]["billingProvider"], "one_time");
  EXPECT_EQ(ours["invoiceDetails"][0]["invoiceLineItemType"], "billing_line_items");
  // The documented detail links prefix the id with the invoice type.
  EXPECT_EQ(Get("/v1/invoices/OneTime-" + usd->id)["id"], usd->id);
}

TEST_F(InvoiceRoutesTest, DocExampleOneTimeBillingLineItemsFirstAndNextPage) {
  TwoInvoices();
  const Invoice* usd = InvoiceIn("USD");
  ASSERT_NE(usd, nullptr);
  ASSERT_EQ(usd->lines.size(), 3u);

  json first = DocExample("invoices-lineitems-onetime-billing");
  json doc_first = RepairedDocBody(first);
  ASSERT_TRUE(doc_first.is_object()) << "could not repair the documented body";
  std::string path = Replace(first["path_only"].get<std::string>(), "G000024135", usd->id);
  ASSERT_NE(path.find(usd->id), std::string::npos);
  Response r = Call("GET", path, "", DocHeaders(first));
  ASSERT_EQ(r.status, 200) << r.body;
  json page1 = json::parse(r.body);
  // items: compared item by item below, against every documented item.
  ExpectShape(doc_first, page1, "", {"items[]"});
  ASSERT_EQ(page1["items"].size(), 2u);
  EXPECT_EQ(page1["totalCount"], 2);
  for (const json& item : page1["items"]) {
    ExpectLineItemShape(doc_first["items"], item);
    EXPECT_EQ(item["invoiceNumber"], usd->id);
  }
  ASSERT_TRUE(page1["links"].contains("next"));
  const json& next = page1["links"]["next"];
  EXPECT_EQ(next["method"], "GET");
  ASSERT_EQ(next["headers"].size(), 1u);
  EXPECT_EQ(next["headers"][0]["key"], "MS-ContinuationToken");
  EXPECT_EQ(next["headers"][0]["value"], page1["continuationToken"]);
  EXPECT_EQ(next["uri"], "/invoices/" + usd->id + "/lineitems?" + kOneTimeBilling + "&size=2&seekOperation=Next");

  // The documented next request: the older path, seekOperation=Next, the token in a header.
  json second = DocExample("invoices-lineitems-onetime-billing-next");
  json doc_second = RepairedDocBody(second);
  ASSERT_TRUE(doc_second.is_object());
  HeaderList headers;
  for (auto& [k, v] : DocHeaders(second))
    headers.emplace_back(k, EqualsIgnoreCase(k, "MS-ContinuationToken") ? page1["continuationToken"].get<std::string>() : v);
  r = Call("GET", Replace(second["path_only"].get<std::string>(), "G000024135", usd->id), "", headers);
  ASSERT_EQ(r.status, 200) << r.body;
  json page2 = json::parse(r.body);
  ExpectShape(doc_second, page2, "", {"items[]"});
  ASSERT_EQ(page2["items"].size(), 1u);
  ExpectLineItemShape(doc_second["items"], page2["items"][0]);
  EXPECT_FALSE(page2["links"].contains("next"));
  EXPECT_FALSE(page2.contains("continuationToken"));

  // billingFrequency of billed lines: the billing plan, as the docs spell it.
  std::multiset<std::string> frequencies;
  for (const json& item : page1["items"]) frequencies.insert(item["billingFrequency"].get<std::string>());
  frequencies.insert(page2["items"][0]["billingFrequency"].get<std::string>());
  EXPECT_EQ(frequencies, (std::multiset<std::string>{"Annual", "Monthly", "Monthly"}));
}

TEST_F(InvoiceRoutesTest, DocExampleUnbilledReconLineItems) {
  JanuaryPurchases();
  AdvanceTo("2026-02-03T00:00:00Z");  // January is the previous period, not yet closed
  json example = DocExample("invoices-unbilled-recon-lineitems");
  json doc = RepairedDocBody(example);
  ASSERT_TRUE(doc.is_object()) << "could not repair the documented body";
  std::string path = example["path_only"].get<std::string>();
  ASSERT_NE(path.find("/v1//invoices/"), std::string::npos);  // the documented double slash
  Response r = Call("GET", path, "", DocHeaders(example));
  ASSERT_EQ(r.status, 200) << r.body;
  json ours = json::parse(r.body);
  // links.next: ours holds everything on this page (3 lines, size 2000); the
  // next-link shape is compared below with size=1.
  ExpectShape(doc, ours, "", {"items[]", "links.next"});
  ASSERT_EQ(ours["items"].size(), 3u);
  for (const json& item : ours["items"]) {
    ExpectLineItemShape(doc["items"], item);
    EXPECT_EQ(item["invoiceNumber"], "");
    EXPECT_EQ(item["billingFrequency"], "");  // blank while unbilled
    EXPECT_EQ(item["currency"], "USD");
  }
  EXPECT_EQ(ours["links"]["self"]["uri"],
            "/invoices/unbilled/lineitems?provider=onetime&invoicelineitemtype=billinglineitems&currencycode=usd&"
            "period=previous&size=2000");

  json small = Get(Replace(path, "size=2000", "size=1"));
  ASSERT_TRUE(small["links"].contains("next"));
  ExpectShape(doc["links"]["next"], small["links"]["next"], "links.next", {});
  EXPECT_NE(small["links"]["next"]["uri"].get<std::string>().find("&seekOperation=Next"), std::string::npos);
  EXPECT_EQ(small["links"]["next"]["headers"][0]["key"], "MS-ContinuationToken");
}

TEST_F(InvoiceRoutesTest, DocExampleUnbilledUsageLineItemsIsAnEmptyCollection) {
  JanuaryPurchases();
  AdvanceTo("2026-02-03T00:00:00Z");
  json example = DocExample("invoices-unbilled-usage-lineitems");
  json doc = DocResponseBody(example);
  ASSERT_TRUE(doc.is_object());
  json ours = Get(example["path_only"].get<std::string>(), 200, DocHeaders(example));
  // This book has no Azure usage: no items to compare and no next link (azure_routes_test.cc has them).
  ExpectShape(doc, ours, "", {"items[]", "links.next"});
  EXPECT_EQ(ours["totalCount"], 0);
  EXPECT_TRUE(ours["items"].empty());
  EXPECT_EQ(ours["attributes"]["objectType"], doc["attributes"]["objectType"]);
  EXPECT_EQ(ours["links"]["self"]["uri"], doc["links"]["self"]["uri"]);
}

// --- behaviour ------------------------------------------------------------------------

TEST_F(InvoiceRoutesTest, PurchaseThroughCartIsUnbilledThenInvoicedOnTheSixth) {
  std::string customer = CreateCustomer("US");
  std::string sub = Buy(customer, kE3, 5, "P1M", "monthly");
  ASSERT_FALSE(sub.empty());
  const std::string unbilled = std::string("/v1/invoices/unbilled/lineitems?") + kOneTimeBilling + "&currencycode=USD";

  json current = Get(unbilled + "&period=current");
  ASSERT_EQ(current["items"].size(), 1u);
  EXPECT_EQ(current["items"][0]["subscriptionId"], sub);
  EXPECT_EQ(current["items"][0]["chargeType"], "new");
  EXPECT_EQ(current["items"][0]["invoiceNumber"], "");
  EXPECT_EQ(current["items"][0]["billingFrequency"], "");
  EXPECT_TRUE(Get(unbilled + "&period=previous")["items"].empty());
  EXPECT_TRUE(Get("/v1/invoices")["items"].empty());

  Advance("2026-02-05T23:00:00Z");  // February: January is now the previous period, still open
  EXPECT_TRUE(Get(unbilled + "&period=current")["items"].empty());
  json previous = Get(unbilled + "&period=previous");
  ASSERT_EQ(previous["items"].size(), 1u);
  EXPECT_EQ(previous["items"][0]["subscriptionId"], sub);
  EXPECT_TRUE(Get("/v1/invoices")["items"].empty());

  Advance("2026-02-06T12:00:00Z");  // the close
  EXPECT_TRUE(Get(unbilled + "&period=previous")["items"].empty());
  json invoices = Get("/v1/invoices");
  ASSERT_EQ(invoices["items"].size(), 1u);
  std::string id = invoices["items"][0]["id"].get<std::string>();
  json invoice = Get("/v1/invoices/" + id);
  EXPECT_EQ(invoice["currencyCode"], "USD");
  json lines = Get("/v1" + invoice["invoiceDetails"][0]["links"]["self"]["uri"].get<std::string>());
  ASSERT_EQ(lines["items"].size(), 1u);
  EXPECT_EQ(lines["items"][0]["invoiceNumber"], id);
  EXPECT_EQ(lines["items"][0]["subscriptionId"], sub);
  EXPECT_EQ(lines["items"][0]["billingFrequency"], "Monthly");
  EXPECT_EQ(lines["items"][0]["orderDate"].get<std::string>().substr(0, 10), "2026-01-15");

  Advance("2026-02-15T12:00:00Z");  // the P1M term renews on 02-15: a February line
  json renewed = Get(unbilled + "&period=current");
  ASSERT_EQ(renewed["items"].size(), 1u);
  EXPECT_EQ(renewed["items"][0]["chargeType"], "renew");
}

TEST_F(InvoiceRoutesTest, UnbilledIsFilteredByCurrencyAndPeriod) {
  JanuaryPurchases();
  const std::string unbilled = std::string("/v1/invoices/unbilled/lineitems?") + kOneTimeBilling;
  EXPECT_EQ(Get(unbilled + "&currencycode=USD&period=current")["items"].size(), 3u);
  json eur = Get(unbilled + "&currencycode=eur&period=Current");
  ASSERT_EQ(eur["items"].size(), 1u);
  EXPECT_EQ(eur["items"][0]["currency"], "EUR");
  EXPECT_EQ(eur["items"][0]["customerId"], de_);
  EXPECT_TRUE(Get(unbilled + "&currencycode=GBP&period=current")["items"].empty());
  EXPECT_TRUE(Get(unbilled + "&currencycode=USD&period=previous")["items"].empty());
}

TEST_F(InvoiceRoutesTest, LineItemsArePagedBy2000WithAContinuationToken) {
  // 2,500 lines in January: two purchases and 1,249 seat additions (two lines each).
  std::string customer = DirectCustomer("US");
  std::string sub = DirectBuy(customer, kE1, 1, Term::P1M, Billing::Monthly);
  DirectBuy(customer, kE1, 1, Term::P1Y, Billing::Annual);
  AdvanceTo("2026-01-15T09:30:00Z");
  for (int q = 2; q <= 1250; ++q) ASSERT_TRUE(sb().ChangeQuantity(sub, q).ok()) << q;
  ASSERT_EQ(sb().ledger().lines().size(), 2500u);

  // Unbilled, current period: 2000 + 500.
  const std::string unbilled =
      std::string("/v1/invoices/unbilled/lineitems?") + kOneTimeBilling + "&currencycode=USD&period=current";
  json u1 = Get(unbilled);
  ASSERT_EQ(u1["items"].size(), 2000u);
  EXPECT_EQ(u1["totalCount"], 2000);
  ASSERT_TRUE(u1.contains("continuationToken"));
  EXPECT_EQ(Get(unbilled)["continuationToken"], u1["continuationToken"]);  // deterministic
  json u2 = Follow(u1["links"]["next"]);
  EXPECT_EQ(u2["items"].size(), 500u);
  EXPECT_FALSE(u2["links"].contains("next"));
  // seekOperation in any casing, the token read from the header.
  json u2b = Get(unbilled + "&size=2000&seekoperation=NEXT", 200,
                 {{"MS-ContinuationToken", u1["continuationToken"].get<std::string>()}});
  EXPECT_EQ(u2b["items"], u2["items"]);

  AdvanceTo("2026-02-06T12:00:00Z");
  auto invoices = InvoicesOf(std::string(kDefaultPartnerTenantId));
  ASSERT_EQ(invoices.size(), 1u);
  const std::string id = invoices[0]->id;
  ASSERT_EQ(invoices[0]->lines.size(), 2500u);

  // size larger than 2000 is clamped.
  json p1 = Get("/v1/invoices/" + id + "/lineitems?provider=OneTime&invoicelineitemtype=BillingLineItems&size=5000");
  ASSERT_EQ(p1["items"].size(), 2000u);
  ASSERT_TRUE(p1["links"].contains("next"));
  EXPECT_EQ(p1["links"]["self"]["uri"], "/invoices/" + id + "/lineitems?" + kOneTimeBilling + "&size=2000");
  EXPECT_EQ(p1["links"]["next"]["uri"],
            "/invoices/" + id + "/lineitems?" + kOneTimeBilling + "&size=2000&seekOperation=Next");
  EXPECT_EQ(p1["links"]["next"]["headers"][0]["value"], p1["continuationToken"]);
  json p2 = Follow(p1["links"]["next"]);
  ASSERT_EQ(p2["items"].size(), 500u);
  EXPECT_EQ(p2["totalCount"], 500);
  EXPECT_FALSE(p2["links"].contains("next"));
  EXPECT_FALSE(p2.contains("continuationToken"));

  // Every line once, in ledger order, all on this invoice.
  std::vector<json> all(p1["items"].begin(), p1["items"].end());
  all.insert(all.end(), p2["items"].begin(), p2["items"].end());
  std::set<std::string> seen;
  for (size_t i = 0; i < all.size(); ++i) {
    EXPECT_EQ(all[i]["invoiceNumber"], id);
    const ChargeLine& line = sb().ledger().line(invoices[0]->lines[i]);
    EXPECT_EQ(all[i]["quantity"], line.quantity) << i;
    seen.insert(all[i]["referenceId"].get<std::string>() + "/" + all[i]["quantity"].dump() + "/" +
                all[i]["subtotal"].dump() + "/" + all[i]["subscriptionId"].get<std::string>());
  }
  EXPECT_EQ(seen.size(), 2500u);

  // The older path pages by index.
  json legacy = Get("/v1/invoices/" + id + "/lineitems/OneTime/BillingLineItems?size=2000&offset=2000");
  ASSERT_EQ(legacy["items"].size(), 500u);
  EXPECT_EQ(legacy["items"], p2["items"]);
  json legacy_first = Get("/v1/invoices/" + id + "/lineitems/onetime/billinglineitems?size=3&offset=0");
  ASSERT_EQ(legacy_first["items"].size(), 3u);
  EXPECT_EQ(legacy_first["items"][0], p1["items"][0]);
  EXPECT_TRUE(legacy_first["links"].contains("next"));
  EXPECT_EQ(Follow(legacy_first["links"]["next"])["items"][0], p1["items"][3]);
}

TEST_F(InvoiceRoutesTest, ForgedMissingAndForeignTokensAre400) {
  TwoInvoices();
  const Invoice* usd = InvoiceIn("USD");
  ASSERT_NE(usd, nullptr);
  const std::string base = "/v1/invoices/" + usd->id + "/lineitems?" + kOneTimeBilling + "&size=1";
  json p1 = Get(base);
  std::string token = p1["continuationToken"].get<std::string>();
  ASSERT_FALSE(token.empty());
  EXPECT_EQ(Get(base + "&seekOperation=Next", 200, {{"MS-ContinuationToken", token}})["items"].size(), 1u);

  auto expect_400 = [&](const std::string& target, HeaderList headers, const std::string& what) {
    Response r = Call("GET", target, "", std::move(headers));
    EXPECT_EQ(r.status, 400) << what << ": " << r.body;
    json body = json::parse(r.body, nullptr, false);
    EXPECT_EQ(body.value("code", 0), 800002) << what;
    EXPECT_FALSE(body.value("description", "").empty()) << what;
    EXPECT_TRUE(body.contains("source")) << what;
  };
  expect_400(base + "&seekOperation=Next", {}, "missing token");
  expect_400(base + "&seekOperation=Next", {{"MS-ContinuationToken", ""}}, "empty token");
  expect_400(base + "&seekOperation=Next", {{"MS-ContinuationToken", "AQAAAA=="}}, "documented sample token");
  std::string forged = token;
  size_t colon = forged.find(':', 3);
  forged.replace(3, colon - 3, "2");  // another offset, the same check
  expect_400(base + "&seekOperation=Next", {{"MS-ContinuationToken", forged}}, "forged offset");
  std::string flipped = token;
  flipped.back() = flipped.back() == '0' ? '1' : '0';
  expect_400(base + "&seekOperation=Next", {{"MS-ContinuationToken", flipped}}, "forged check");
  expect_400(base + "&seekOperation=Previous", {{"MS-ContinuationToken", token}}, "unknown seekOperation");

  // A token of another collection: the EUR invoice, the unbilled lines.
  const Invoice* eur = InvoiceIn("EUR");
  ASSERT_NE(eur, nullptr);
  expect_400("/v1/invoices/" + eur->id + "/lineitems?" + kOneTimeBilling + "&seekOperation=Next",
             {{"MS-ContinuationToken", token}}, "token of another invoice");
  DirectBuy(us_, kE3, 1, Term::P1M, Billing::Monthly);
  DirectBuy(us_, kE3, 1, Term::P1M, Billing::Monthly);
  const std::string unbilled =
      std::string("/v1/invoices/unbilled/lineitems?") + kOneTimeBilling + "&currencycode=USD&period=current&size=1";
  json u1 = Get(unbilled);
  ASSERT_TRUE(u1.contains("continuationToken"));
  expect_400(base + "&seekOperation=Next", {{"MS-ContinuationToken", u1["continuationToken"].get<std::string>()}},
             "unbilled token on an invoice");
  expect_400(unbilled + "&seekOperation=Next", {{"MS-ContinuationToken", token}}, "invoice token on unbilled");
  expect_400(Replace(unbilled, "USD", "EUR") + "&seekOperation=Next",
             {{"MS-ContinuationToken", u1["continuationToken"].get<std::string>()}}, "token of another currency");

  // Another partner's token for the same query.
  std::string other = DirectCustomer("US", "other-partner");
  DirectBuy(other, kE3, 1, Term::P1M, Billing::Monthly);
  DirectBuy(other, kE3, 2, Term::P1M, Billing::Monthly);
  json theirs = Get(unbilled, 200, AsPartner("other-partner"));
  ASSERT_TRUE(theirs.contains("continuationToken"));
  EXPECT_EQ(theirs["items"][0]["customerId"], other);
  HeaderList with_their_token = {{"MS-ContinuationToken", theirs["continuationToken"].get<std::string>()}};
  expect_400(unbilled + "&seekOperation=Next", with_their_token, "another partner's token");
  HeaderList as_them = AsPartner("other-partner");
  as_them.emplace_back("MS-ContinuationToken", theirs["continuationToken"].get<std::string>());
  EXPECT_EQ(Get(unbilled + "&seekOperation=Next", 200, as_them)["items"].size(), 1u);

  // A token from last month's "current" is not valid once the month changed.
  AdvanceTo("2026-03-01T00:00:00Z");
  expect_400(unbilled + "&seekOperation=Next", {{"MS-ContinuationToken", u1["continuationToken"].get<std::string>()}},
             "token of another month");
}

TEST_F(InvoiceRoutesTest, ParametersAreValidatedAndCaseInsensitive) {
  TwoInvoices();
  const Invoice* usd = InvoiceIn("USD");
  ASSERT_NE(usd, nullptr);
  const std::string lines = "/v1/invoices/" + usd->id + "/lineitems";
  auto status = [&](const std::string& target) { return Call("GET", target).status; };

  EXPECT_EQ(Get(lines + "?provider=OneTime&invoicelineitemtype=BillingLineItems")["items"].size(), 3u);
  EXPECT_EQ(Get(lines + "?PROVIDER=onetime&InvoiceLineItemType=billinglineitems")["items"].size(), 3u);
  EXPECT_EQ(Get(lines + "?" + kOneTimeBilling + "&currencycode=usd")["items"].size(), 3u);
  EXPECT_TRUE(Get(lines + "?" + kOneTimeBilling + "&currencycode=EUR")["items"].empty());
  EXPECT_EQ(Get("/v1/INVOICES/" + usd->id + "/LineItems/ONETIME/BILLINGLINEITEMS")["items"].size(), 3u);

  json usage = Get(lines + "?provider=OneTime&invoicelineitemtype=UsageLineItems");
  EXPECT_TRUE(usage["items"].empty());
  EXPECT_EQ(usage["totalCount"], 0);
  EXPECT_EQ(usage["attributes"]["objectType"], "Collection");
  EXPECT_TRUE(Get("/v1/invoices/" + usd->id + "/lineitems/OneTime/UsageLineItems")["items"].empty());

  for (std::string bad : {"size=0", "size=-1", "size=abc", "size=", "size=1.5"})
    EXPECT_EQ(status(lines + "?" + kOneTimeBilling + "&" + bad), 400) << bad;
  EXPECT_EQ(status(lines + "?invoicelineitemtype=billinglineitems"), 400);
  EXPECT_EQ(status(lines + "?provider=onetime"), 400);
  EXPECT_EQ(status(lines + "?provider=marketplace&invoicelineitemtype=billinglineitems"), 400);
  EXPECT_EQ(status(lines + "?provider=onetime&invoicelineitemtype=somethingelse"), 400);
  EXPECT_EQ(status(lines + "?" + kOneTimeBilling + "&currencycode=US%20D"), 400);
  EXPECT_EQ(status("/v1/invoices/" + usd->id + "/lineitems/Marketplace/BillingLineItems"), 400);
  EXPECT_EQ(status("/v1/invoices/" + usd->id + "/lineitems/OneTime/BillingLineItems?offset=-1"), 400);

  const std::string unbilled = std::string("/v1/invoices/unbilled/lineitems?") + kOneTimeBilling;
  EXPECT_EQ(status(unbilled + "&period=current"), 400);  // currencycode is required
  EXPECT_EQ(status(unbilled + "&currencycode=USD"), 400);  // period is required
  EXPECT_EQ(status(unbilled + "&currencycode=USD&period=last"), 400);
  EXPECT_EQ(status(unbilled + "&currencycode=USD&period=current&size=0"), 400);
  EXPECT_EQ(status("/v1/invoices/unbilled/lineitems?provider=office&invoicelineitemtype=billinglineitems"
                   "&currencycode=USD&period=current"), 400);
  EXPECT_EQ(status("/v1//invoices/unbilled/lineitems?provider=ONETIME&invoicelineitemtype=BILLINGLINEITEMS"
                   "&currencycode=USD&period=PREVIOUS"), 200);

  for (std::string bad : {"size=0", "size=-3", "size=x", "offset=-1", "offset=y"})
    EXPECT_EQ(status("/v1/invoices?" + bad), 400) << bad;

  Response error = Call("GET", lines + "?provider=marketplace&invoicelineitemtype=billinglineitems");
  json body = json::parse(error.body);
  EXPECT_EQ(body["code"], 800002);
  EXPECT_EQ(body["source"], "PartnerFD");
  EXPECT_TRUE(body["data"].is_array());
  EXPECT_NE(body["description"].get<std::string>().find("provider"), std::string::npos);
}

TEST_F(InvoiceRoutesTest, InvoiceListIsIndexPaged) {
  TwoInvoices();
  json first = Get("/v1/invoices?size=1&offset=0");
  ASSERT_EQ(first["items"].size(), 1u);
  EXPECT_EQ(first["totalCount"], 1);
  EXPECT_EQ(first["links"]["self"]["uri"], "/invoices?size=1&offset=0");
  ASSERT_TRUE(first["links"].contains("next"));
  EXPECT_EQ(first["links"]["next"]["uri"], "/invoices?size=1&offset=1");
  // Compared with the documented next link.
  json doc = DocResponseBody(DocExample("invoices-list"));
  ExpectShape(doc["links"]["next"], first["links"]["next"], "links.next", {});
  json second = Follow(first["links"]["next"]);
  ASSERT_EQ(second["items"].size(), 1u);
  EXPECT_FALSE(second["links"].contains("next"));
  EXPECT_NE(second["items"][0]["id"], first["items"][0]["id"]);
  EXPECT_TRUE(Get("/v1/invoices?offset=5")["items"].empty());
  EXPECT_EQ(Get("/v1/invoices")["items"].size(), 2u);  // default size 200
}

TEST_F(InvoiceRoutesTest, DocExampleAccountBalanceIsTheLatestInvoicesCurrency) {
  // No invoice yet: a zero balance, the documented empty dates, no details.
  json none = Get("/v1/invoices/summary");
  EXPECT_EQ(none["balanceAmount"], 0);
  EXPECT_EQ(none["latestInvoiceDate"], "0001-01-01T00:00:00");
  EXPECT_TRUE(none["details"].empty());
  TwoInvoices();
  DirectBuy(us_, kE3, 2, Term::P1M, Billing::Monthly);
  AdvanceTo("2026-03-06T12:00:00Z");  // a second USD invoice, the latest one
  json example = DocExample("invoices-summary");
  json doc = DocResponseBody(example);
  ASSERT_TRUE(doc.is_object());
  Response r = Call("GET", example["path_only"].get<std::string>(), "", DocHeaders(example));
  ASSERT_EQ(r.status, 200) << r.body;
  json ours = json::parse(r.body);
  ExpectShape(doc, ours, "", {});
  Decimal usd;
  std::vector<const Invoice*> usd_invoices;
  for (const Invoice* inv : InvoicesOf(std::string(kDefaultPartnerTenantId)))
    if (inv->currency == "USD") {
      usd += inv->total;
      usd_invoices.push_back(inv);
    }
  ASSERT_EQ(usd_invoices.size(), 2u);
  EXPECT_EQ(ours["currencyCode"], "USD");
  EXPECT_EQ(ours["currencySymbol"], "$");
  EXPECT_EQ(*Decimal::Parse(ours["balanceAmount"].dump()), usd) << "no payments are simulated: every invoice is unpaid";
  EXPECT_EQ(ours["firstInvoiceCreationDate"], usd_invoices[0]->invoice_date.ToString());
  EXPECT_EQ(ours["latestInvoiceDate"], usd_invoices[1]->invoice_date.ToString());
  EXPECT_EQ(ours["lastPaymentDate"], "0001-01-01T00:00:00");
  ASSERT_EQ(ours["details"].size(), 1u);
  EXPECT_EQ(ours["details"][0]["invoiceType"], "OneTime");
  EXPECT_EQ(ours["details"][0]["summary"]["balanceAmount"], ours["balanceAmount"]);
  EXPECT_EQ(ours["links"]["self"]["uri"], "/invoices/summary");
  EXPECT_EQ(ours["attributes"]["objectType"], "InvoiceSummary");
  // Another partner has no invoices: its own zero balance.
  EXPECT_EQ(Get("/v1/invoices/summary", 200, AsPartner("other-partner"))["balanceAmount"], 0);
}

TEST_F(InvoiceRoutesTest, DocExampleInvoiceSummariesOnePerCurrency) {
  TwoInvoices();
  json example = DocExample("invoices-summaries");
  json doc = DocResponseBody(example);
  ASSERT_TRUE(doc.is_object());
  Response r = Call("GET", example["path_only"].get<std::string>(), "", DocHeaders(example));
  ASSERT_EQ(r.status, 200) << r.body;
  json ours = json::parse(r.body);
  ExpectShape(doc, ours, "", {});
  EXPECT_EQ(ours["totalCount"], 2);
  ASSERT_EQ(ours["items"].size(), 2u);
  EXPECT_EQ(ours["items"][0]["currencyCode"], "EUR");
  EXPECT_EQ(ours["items"][0]["currencySymbol"], "€");
  EXPECT_EQ(ours["items"][1]["currencyCode"], "USD");
  for (const json& item : ours["items"]) {
    const Invoice* inv = InvoiceIn(item["currencyCode"].get<std::string>());
    ASSERT_NE(inv, nullptr);
    EXPECT_EQ(*Decimal::Parse(item["balanceAmount"].dump()), inv->total);
  }
  EXPECT_EQ(ours["links"]["self"]["uri"], "/invoices/summaries");
  EXPECT_EQ(Get("/v1/invoices/summaries", 200, AsPartner("other-partner"))["totalCount"], 0);
}

// A PDF string of the statement's text: WinAnsi, with '(', ')' and '\\'
// escaped as the content stream writes them.
std::string PdfText(const std::string& text) {
  std::string out;
  for (char c : text) {
    if (c == '(' || c == ')' || c == '\\') out.push_back('\\');
    out.push_back(c);
  }
  return "(" + out + ") Tj";
}

TEST_F(InvoiceRoutesTest, StatementIsAPdfOfTheInvoicesChargesAndTotal) {
  TwoInvoices();
  const Invoice* usd = InvoiceIn("USD");
  ASSERT_NE(usd, nullptr);
  // The link the invoice gives is the route that answers.
  const std::string link = Get("/v1/invoices/" + usd->id)["pdfDownloadLink"].get<std::string>();
  Response r = Call("GET", "/v1" + link);
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.content_type, "application/pdf");
  EXPECT_EQ(r.Header("Content-Disposition").value_or(""), "attachment; filename=Invoice_" + usd->id + ".pdf");
  ASSERT_GT(r.body.size(), 500u);
  EXPECT_EQ(r.body.substr(0, 5), "%PDF-");
  EXPECT_NE(r.body.rfind("%%EOF"), std::string::npos);
  const std::string& pdf = r.body;
  EXPECT_NE(pdf.find(PdfText("Invoice " + usd->id)), std::string::npos);
  EXPECT_NE(pdf.find(PdfText("Billing period: 2026-01-01 to 2026-01-31")), std::string::npos);
  EXPECT_NE(pdf.find(PdfText("Currency: USD")), std::string::npos);
  // Every line of the invoice is in one row (SKU, charge type), summed exactly.
  std::map<std::pair<std::string, std::string>, Decimal> sums;
  for (uint32_t i : usd->lines) {
    const ChargeLine& line = sb().ledger().line(i);
    sums[{sb().catalog().OfferAt(line.offer)->sku->title, std::string(ToString(line.charge_type))}] += line.total;
  }
  ASSERT_FALSE(sums.empty());
  for (const auto& [key, amount] : sums) {
    EXPECT_NE(pdf.find(PdfText(key.first)), std::string::npos) << key.first;
    EXPECT_NE(pdf.find(PdfText(amount.WithScale(2).ToString())), std::string::npos) << key.first;
  }
  EXPECT_NE(pdf.find(PdfText(usd->total.WithScale(2).ToString() + " USD")), std::string::npos);
  EXPECT_NE(pdf.find(PdfText("Page 1 of 1")), std::string::npos);
  // The same invoice, the same bytes; another partner's or an unknown one: 404.
  EXPECT_EQ(Call("GET", "/v1" + link).body, pdf);
  EXPECT_EQ(Call("GET", "/v1" + link, "", AsPartner("other-partner")).status, 404);
  EXPECT_EQ(Call("GET", "/v1/invoices/G999999999/documents/statement").status, 404);
}

TEST_F(InvoiceRoutesTest, StatementRunsOverPagesWithEveryRowOnce) {
  TwoInvoices();
  const Invoice* usd = InvoiceIn("USD");
  ASSERT_NE(usd, nullptr);
  ASSERT_EQ(usd->lines.size(), 3u);  // three SKUs: three rows
  const std::string pdf = InvoiceStatementPdf(sb(), *usd, 1);
  for (int page = 1; page <= 3; ++page)
    EXPECT_NE(pdf.find(PdfText("Page " + std::to_string(page) + " of 3")), std::string::npos) << page;
  EXPECT_EQ(pdf.find(PdfText("Page 4 of 3")), std::string::npos);
  for (uint32_t i : usd->lines) {
    const std::string title = PdfText(sb().catalog().OfferAt(sb().ledger().line(i).offer)->sku->title);
    const size_t at = pdf.find(title);
    EXPECT_NE(at, std::string::npos) << title;
    EXPECT_EQ(pdf.find(title, at + 1), std::string::npos) << title << " is on one page only";
  }
  EXPECT_EQ(InvoiceStatementPdf(sb(), *usd, 1), pdf);
}

TEST_F(InvoiceRoutesTest, UnknownInvoiceIs404WithAnErrorBody) {
  TwoInvoices();
  for (const std::string& target :
       {std::string("/v1/invoices/G999999999"), std::string("/v1/invoices/G999999999/lineitems?") + kOneTimeBilling,
        std::string("/v1/invoices/G999999999/lineitems/OneTime/BillingLineItems")}) {
    Response r = Call("GET", target);
    EXPECT_EQ(r.status, 404) << target;
    json body = json::parse(r.body);
    EXPECT_EQ(body["code"], 1000);
    EXPECT_NE(body["description"].get<std::string>().find("G999999999"), std::string::npos);
    EXPECT_EQ(body["source"], "PartnerFD");
  }
  EXPECT_EQ(Call("POST", "/v1/invoices", "{}").status, 405);
}

TEST_F(InvoiceRoutesTest, AnotherPartnerSeesNoneOfOurInvoicesOrLines) {
  TwoInvoices();
  const Invoice* usd = InvoiceIn("USD");
  ASSERT_NE(usd, nullptr);
  const HeaderList other = AsPartner("other-partner");
  json list = Get("/v1/invoices", 200, other);
  EXPECT_TRUE(list["items"].empty());
  EXPECT_EQ(list["totalCount"], 0);
  EXPECT_EQ(Call("GET", "/v1/invoices/" + usd->id, "", other).status, 404);
  EXPECT_EQ(Call("GET", "/v1/invoices/" + usd->id + "/lineitems?" + kOneTimeBilling, "", other).status, 404);
  EXPECT_EQ(Call("GET", "/v1/invoices/" + usd->id + "/lineitems/OneTime/BillingLineItems", "", other).status, 404);

  // Their own purchases: their unbilled lines and, after the close, their own invoice.
  std::string theirs = DirectCustomer("US", "other-partner");
  DirectBuy(theirs, kE3, 7, Term::P1M, Billing::Monthly);
  DirectBuy(us_, kE3, 1, Term::P1M, Billing::Monthly);
  const std::string unbilled =
      std::string("/v1/invoices/unbilled/lineitems?") + kOneTimeBilling + "&currencycode=USD&period=current";
  json their_unbilled = Get(unbilled, 200, other);
  ASSERT_EQ(their_unbilled["items"].size(), 1u);
  EXPECT_EQ(their_unbilled["items"][0]["customerId"], theirs);
  EXPECT_EQ(their_unbilled["items"][0]["partnerId"], "other-partner");
  json our_unbilled = Get(unbilled);
  ASSERT_EQ(our_unbilled["items"].size(), 1u);
  EXPECT_EQ(our_unbilled["items"][0]["customerId"], us_);

  AdvanceTo("2026-03-06T12:00:00Z");
  json their_list = Get("/v1/invoices", 200, other);
  ASSERT_EQ(their_list["items"].size(), 1u);
  std::string their_id = their_list["items"][0]["id"].get<std::string>();
  EXPECT_EQ(Get("/v1/invoices/" + their_id + "/lineitems?" + kOneTimeBilling, 200, other)["items"].size(), 1u);
  EXPECT_EQ(Call("GET", "/v1/invoices/" + their_id).status, 404);  // and we do not see theirs
  json ours = Get("/v1/invoices");  // a named value: the loop must not outlive a temporary
  for (const json& inv : ours["items"]) EXPECT_NE(inv["id"], their_id);
}

TEST_F(InvoiceRoutesTest, LegacyProvidersOfAnInvoiceAreEmpty) {
  TwoInvoices();
  const std::string id = InvoicesOf(std::string(kDefaultPartnerTenantId))[0]->id;
  json office = CallJson("GET", "/v1/invoices/" + id + "/lineitems?provider=office&invoicelineitemtype=billinglineitems&size=2&offset=0");
  EXPECT_EQ(office["totalCount"], 0);
  EXPECT_EQ(office["links"]["self"]["uri"], "/invoices/" + id + "/lineitems?provider=office&invoicelineitemtype=billinglineitems");
  json azure = CallJson("GET", "/v1/invoices/" + id + "/lineitems/Azure/UsageLineItems");
  EXPECT_EQ(azure["totalCount"], 0);
  EXPECT_EQ(CallJson("GET", "/v1/invoices/" + id + "/lineitems?provider=office&invoicelineitemtype=nope", nullptr, 400)["code"],
            800002);
  EXPECT_EQ(CallJson("GET", "/v1/invoices/" + id + "/lineitems?provider=marketplace&invoicelineitemtype=billinglineitems",
                     nullptr, 400)["code"],
            800002);
  EXPECT_EQ(CallJson("GET", "/v1/invoices/G000000000/lineitems?provider=office&invoicelineitemtype=billinglineitems",
                     nullptr, 404)["code"],
            1000);
}

}  // namespace
}  // namespace pcsim::api::testing
