// The catalog of a scenario: the default catalog with the scenario's items
// added, or their market replaced for the item's countries
// (docs/scenario-format.md, "Catalog items").
#include <algorithm>

#include "simulator/replay/run_context.h"

namespace pcsim::replay {
namespace {

struct ItemIds {
  std::string product, sku, availability;
};

ItemIds IdsOf(const std::string& item) {
  std::string product_id = item.substr(0, item.find(':'));
  std::string sku_id = item.substr(product_id.size() + 1, item.rfind(':') - product_id.size() - 1);
  return {product_id, sku_id, item.substr(item.rfind(':') + 1)};
}

Product& ProductOf(CatalogData& data, const CatalogItemSpec& item, const ItemIds& ids) {
  auto product = std::find_if(data.products.begin(), data.products.end(), [&](const Product& p) { return p.id == ids.product; });
  if (product != data.products.end()) return *product;
  Product p;
  p.id = ids.product;
  p.title = item.name.empty() ? ids.product : item.name;
  data.products.push_back(p);
  return data.products.back();
}

Sku& SkuOf(Product& product, const CatalogItemSpec& item, const ItemIds& ids) {
  auto sku = std::find_if(product.skus.begin(), product.skus.end(), [&](const Sku& s) { return s.id == ids.sku; });
  if (sku == product.skus.end()) {
    Sku s;
    s.id = ids.sku;
    s.title = item.name.empty() ? product.title : item.name;
    product.skus.push_back(s);
    sku = product.skus.end() - 1;
  }
  if (!item.name.empty()) sku->title = item.name;
  return *sku;
}

// The SKU's terms of sale: an Azure plan with meters, limits, trial, upgrades.
void ApplySkuSettings(Product& product, Sku& sku, const CatalogItemSpec& item) {
  if (!item.meters.empty()) {
    // An Azure plan: usage-based, one per customer, listed under targetView MicrosoftAzure.
    sku.billing_type = "usage";
    sku.minimum_quantity = sku.maximum_quantity = 1;
    if (!sku.max_subscriptions_per_customer) sku.max_subscriptions_per_customer = 1;
    sku.est_eligible = false;
    if (product.skus.size() == 1) {
      product.product_type = "Azure";
      product.target_view = "MicrosoftAzure";
    }
  } else if (sku.IsUsageBased()) {
    throw Invalid{item.where, "catalog item " + item.item + " is an Azure plan: give meters, not prices"};
  }
  if (item.min_quantity) sku.minimum_quantity = *item.min_quantity;
  if (item.max_quantity) sku.maximum_quantity = *item.max_quantity;
  if (item.max_subscriptions_per_customer) sku.max_subscriptions_per_customer = item.max_subscriptions_per_customer;
  sku.is_trial = item.trial;
  sku.est_eligible = item.est_eligible && !item.trial;
  for (const std::string& target : item.upgrades_to) {
    std::string ps = target.substr(0, target.rfind(':'));
    if (std::count(target.begin(), target.end(), ':') == 1) ps = target;
    if (std::find(sku.upgrade_targets.begin(), sku.upgrade_targets.end(), ps) == sku.upgrade_targets.end())
      sku.upgrade_targets.push_back(ps);
  }
}

Availability& AvailabilityOf(Sku& sku, const std::string& availability_id) {
  auto availability = std::find_if(sku.availabilities.begin(), sku.availabilities.end(),
                                   [&](const Availability& a) { return a.id == availability_id; });
  if (availability != sku.availabilities.end()) return *availability;
  Availability a;
  a.id = availability_id;
  sku.availabilities.push_back(a);
  return sku.availabilities.back();
}

// The item's market replaces whatever served its countries before. An item
// without `country` serves US and every customer of the scenario (so that
// `currency: EUR` with a DE customer prices that customer).
std::vector<std::string> ClaimCountries(Availability& availability, const CatalogItemSpec& item, const Scenario& scenario) {
  std::vector<std::string> countries = {item.country};
  if (!item.country_given)
    for (const auto& c : scenario.customers)
      if (std::find(countries.begin(), countries.end(), c.country) == countries.end()) countries.push_back(c.country);
  for (Market& m : availability.markets)
    for (const auto& country : countries)
      m.countries.erase(std::remove(m.countries.begin(), m.countries.end(), country), m.countries.end());
  availability.markets.erase(std::remove_if(availability.markets.begin(), availability.markets.end(),
                                            [](const Market& m) { return m.countries.empty(); }),
                             availability.markets.end());
  return countries;
}

void AddPrices(Market& market, Date from, const std::map<std::string, Decimal>& prices) {
  for (const auto& [pair, price] : prices) {
    PriceEntry e;
    e.from = from;
    e.term = *ParseTerm(pair.substr(0, pair.find('/')));
    e.billing = *ParseBilling(pair.substr(pair.find('/') + 1));
    e.price = price;
    market.prices.push_back(e);
  }
}

// The market of the item: its prices, or for an Azure plan its meters (the
// all-zero prices an Azure plan may carry are the price list's, not a rate).
Market MarketOf(const CatalogItemSpec& item, std::vector<std::string> countries) {
  Market market;
  market.countries = std::move(countries);
  market.currency = item.currency;
  if (item.meters.empty()) {
    AddPrices(market, Date::Ymd(1970, 1, 1), item.prices);
    for (const auto& change : item.price_changes) AddPrices(market, change.from, change.prices);
  }
  if (item.est_price) market.est_prices.push_back({Date::Ymd(1970, 1, 1), *item.est_price});
  for (const auto& m : item.meters) {
    Meter meter;
    meter.id = m.id;
    meter.name = m.name.empty() ? m.id : m.name;
    meter.unit = m.unit.empty() ? "1 Unit" : m.unit;
    meter.price = m.price;
    meter.pec_eligible = m.pec_eligible;
    if (std::any_of(market.meters.begin(), market.meters.end(), [&](const Meter& x) { return x.id == m.id; }))
      throw Invalid{item.where, "meter " + m.id + " is listed twice"};
    market.meters.push_back(std::move(meter));
  }
  if (market.prices.empty() && market.meters.empty()) throw Invalid{item.where, "catalog item " + item.item + " needs prices"};
  return market;
}

void AddPromotions(CatalogData& data, const CatalogItemSpec& item, const std::vector<std::string>& countries) {
  for (const auto& p : item.promotions) {
    data.promotions.erase(std::remove_if(data.promotions.begin(), data.promotions.end(),
                                         [&](const Promotion& existing) { return existing.id == p.id; }),
                          data.promotions.end());
    Promotion promo;
    promo.id = p.id;
    promo.catalog_item_id = item.item;
    promo.countries = countries;
    promo.discount_percent = p.discount_percent;
    for (const auto& t : p.terms) promo.terms.push_back(*ParseTerm(t));
    promo.from = p.from;
    promo.until = p.until;
    data.promotions.push_back(std::move(promo));
  }
}

}  // namespace

std::shared_ptr<const Catalog> BuildCatalog(const Scenario& scenario) {
  CatalogData data = Catalog::Default()->data();
  for (const CatalogItemSpec& item : scenario.catalog) {
    ItemIds ids = IdsOf(item.item);
    Product& product = ProductOf(data, item, ids);
    Sku& sku = SkuOf(product, item, ids);
    ApplySkuSettings(product, sku, item);
    Availability& availability = AvailabilityOf(sku, ids.availability);
    availability.segment = *ParseSegment(item.segment);
    std::vector<std::string> countries = ClaimCountries(availability, item, scenario);
    availability.markets.push_back(MarketOf(item, countries));
    AddPromotions(data, item, countries);
  }
  auto built = Catalog::Build(std::move(data));
  if (!built.ok()) throw Invalid{scenario.catalog.front().where, built.status().description()};
  return *built;
}

}  // namespace pcsim::replay
