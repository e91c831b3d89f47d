#include "tests/unit/testing/sandbox_fixture.h"

#include <algorithm>

#include "pcsim/gtest/builders.h"

namespace pcsim::testing {

Instant At(std::string_view text) {
  auto i = Instant::Parse(text);
  EXPECT_TRUE(i.has_value()) << text;
  return i.value_or(Instant());
}

Date Day(std::string_view text) {
  auto d = Date::Parse(text);
  EXPECT_TRUE(d.has_value()) << text;
  return d.value_or(Date());
}

Decimal Dec(std::string_view text) {
  auto d = Decimal::Parse(text);
  EXPECT_TRUE(d.has_value()) << text;
  return d.value_or(Decimal());
}

CatalogEditor::CatalogEditor() : data_(Catalog::Default()->data()) {}

CatalogEditor& CatalogEditor::Prices(std::string_view item, std::string_view currency,
                                     std::vector<std::string> countries, std::string_view from,
                                     std::vector<std::string> prices) {
  std::string text(item);
  std::string product = text.substr(0, text.find(':'));
  std::string sku = text.substr(text.find(':') + 1, 4);
  std::string availability = text.substr(text.rfind(':') + 1);
  for (Product& p : data_.products) {
    if (p.id != product) continue;
    for (Sku& s : p.skus) {
      if (s.id != sku) continue;
      for (Availability& a : s.availabilities) {
        if (a.id != availability) continue;
        Market* market = nullptr;
        for (Market& m : a.markets)
          if (m.currency == currency) market = &m;
        if (market == nullptr) {
          for (Market& m : a.markets)
            for (const auto& c : countries)
              m.countries.erase(std::remove(m.countries.begin(), m.countries.end(), c), m.countries.end());
          a.markets.push_back(Market{countries, std::string(currency), {}, {}, {}});
          market = &a.markets.back();
        }
        market->prices.clear();
        for (const std::string& entry : prices) {
          // "P1M/monthly=10.08"
          size_t slash = entry.find('/'), eq = entry.find('=');
          PriceEntry e;
          e.from = Day(from);
          e.term = *ParseTerm(entry.substr(0, slash));
          e.billing = *ParseBilling(entry.substr(slash + 1, eq - slash - 1));
          e.price = Dec(entry.substr(eq + 1));
          market->prices.push_back(e);
        }
        return *this;
      }
    }
  }
  ADD_FAILURE() << "no catalog item " << item;
  return *this;
}

CatalogEditor& CatalogEditor::UpgradeTarget(std::string_view from_product_sku, std::string_view to_product_sku) {
  std::string from(from_product_sku);
  for (Product& p : data_.products)
    for (Sku& s : p.skus)
      if (p.id + ":" + s.id == from) s.upgrade_targets.emplace_back(to_product_sku);
  return *this;
}

std::shared_ptr<const Catalog> CatalogEditor::Build() const {
  auto c = Catalog::Build(data_);
  EXPECT_TRUE(c.ok()) << c.status().ToString();
  return c.ok() ? *c : Catalog::Default();
}

void SandboxTest::Start(std::string_view instant, std::shared_ptr<const Catalog> catalog, Environment environment) {
  SandboxOptions options;
  options.start = At(instant);
  options.catalog = std::move(catalog);
  options.environment = environment;
  sandbox = std::make_unique<Sandbox>(options);
}

std::string SandboxTest::AddCustomer(std::string_view country, bool attest) {
  static int counter = 0;
  const client::NewCustomer sample = gtest::SampleCustomer(++counter, std::string(country));
  CustomerSpec spec;
  spec.company_name = sample.company_name;
  spec.domain = sample.domain;
  spec.email = sample.email;
  spec.address.first_name = sample.address.first_name;
  spec.address.last_name = sample.address.last_name;
  spec.address.address_line1 = sample.address.address_line1;
  spec.address.city = sample.address.city;
  spec.address.state = sample.address.state;
  spec.address.postal_code = sample.address.postal_code;
  spec.address.country = sample.address.country;
  auto c = sandbox->CreateCustomer(spec);
  EXPECT_TRUE(c.ok()) << c.status().ToString();
  if (!c.ok()) return "";
  std::string id = (*c)->id;
  if (attest) {
    const client::AgreementAcceptance mca = gtest::SampleAgreement(sample, sandbox->Now().ToString());
    AgreementRecord a;
    a.template_id = mca.template_id;
    a.type = mca.type;
    a.date_agreed = sandbox->Now();
    a.first_name = mca.first_name;
    a.last_name = mca.last_name;
    a.email = mca.email;
    Status s = sandbox->RecordAgreement(id, a);
    EXPECT_TRUE(s.ok()) << s.ToString();
  }
  return id;
}

Status SandboxTest::TryBuy(std::string_view customer, std::string_view item, int quantity, Term term, Billing billing) {
  PurchaseRequest r;
  r.customer_id = std::string(customer);
  r.catalog_item_id = std::string(item);
  r.quantity = quantity;
  r.term = term;
  r.billing = billing;
  auto s = sandbox->Purchase(r);
  return s.ok() ? OkStatus() : s.status();
}

const Subscription& SandboxTest::Buy(std::string_view customer, std::string_view item, int quantity, Term term,
                                     Billing billing, std::string_view promotion) {
  PurchaseRequest r;
  r.customer_id = std::string(customer);
  r.catalog_item_id = std::string(item);
  r.quantity = quantity;
  r.term = term;
  r.billing = billing;
  r.promotion_id = std::string(promotion);
  auto s = sandbox->Purchase(r);
  if (!s.ok()) {
    ADD_FAILURE() << "purchase failed: " << s.status().ToString();
    throw std::runtime_error("purchase failed");
  }
  return **s;
}

std::vector<const ChargeLine*> SandboxTest::AllLines() const {
  std::vector<const ChargeLine*> out;
  for (const auto& l : sandbox->ledger().lines()) out.push_back(&l);
  return out;
}

std::vector<const ChargeLine*> SandboxTest::Lines(const Subscription& sub) const {
  std::vector<const ChargeLine*> out;
  for (const auto& l : sandbox->ledger().lines())
    if (l.subscription == sub.index) out.push_back(&l);
  return out;
}

std::vector<const ChargeLine*> SandboxTest::Lines(const Subscription& sub, ChargeType type) const {
  std::vector<const ChargeLine*> out;
  for (const auto* l : Lines(sub))
    if (l->charge_type == type) out.push_back(l);
  return out;
}

void ExpectLine(const ChargeLine& line, ChargeType type, std::string_view start, std::string_view end,
                std::string_view effective_unit_price, int quantity, std::string_view total) {
  EXPECT_EQ(ToString(line.charge_type), ToString(type));
  EXPECT_EQ(line.charge_start.ToString(), start);
  EXPECT_EQ(line.charge_end.ToString(), end);
  EXPECT_EQ(line.effective_unit_price, Dec(effective_unit_price))
      << "effectiveUnitPrice " << line.effective_unit_price.ToString();
  EXPECT_EQ(line.quantity, quantity);
  EXPECT_EQ(line.total, Dec(total)) << "total " << line.total.ToString();
}

}  // namespace pcsim::testing
