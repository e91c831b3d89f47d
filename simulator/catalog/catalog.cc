#include "simulator/model/errors.h"
#include "simulator/catalog/catalog.h"

#include <algorithm>
#include <cctype>
#include <set>

#include "simulator/model/json_reader.h"

namespace pcsim {

// Defined in the generated embedded_fixtures.cc.
extern const std::string_view kEmbeddedDefaultCatalog;

namespace {

// Prices are bounded so that any total (price x quantity, quantities up to
// 1,000,000) stays exact in 64-bit decimal arithmetic.
void CheckPrice(JsonObjectReader& r, const Decimal& price) {
  if (price.IsNegative()) r.Fail("price", "must not be negative");
  if (price >= Decimal::FromInt(1000000)) r.Fail("price", "must be below 1000000");
  if (price.Normalized().scale() > 6) r.Fail("price", "must have at most 6 decimals");
}

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

bool IsIdChar(char c) { return std::isalnum(static_cast<unsigned char>(c)) != 0; }

void CheckId(JsonObjectReader& r, std::string_view key, const std::string& id, size_t length) {
  if (id.size() != length || !std::all_of(id.begin(), id.end(), IsIdChar))
    r.Fail(key, "must be " + std::to_string(length) + " letters or digits, got \"" + id + "\"");
}

Market ReadMarket(const nlohmann::json& j, const std::string& path) {
  JsonObjectReader r(j, path);
  Market m;
  m.countries = r.StringList("countries");
  if (m.countries.empty()) r.Fail("countries", "must list at least one country");
  for (size_t i = 0; i < m.countries.size(); ++i) {
    const std::string& c = m.countries[i];
    if (c.size() != 2 || !std::isupper(static_cast<unsigned char>(c[0])) || !std::isupper(static_cast<unsigned char>(c[1])))
      r.FailAt("countries", i, "\"" + c + "\" is not an ISO 3166 alpha-2 code");
  }
  m.currency = r.String("currency");
  if (m.currency.size() != 3) r.Fail("currency", "\"" + m.currency + "\" is not an ISO 4217 code");
  const auto& prices = r.Array("prices", false);
  for (size_t i = 0; i < prices.size(); ++i) {
    JsonObjectReader p(prices[i], IndexPath(r.ChildPath("prices"), i));
    PriceEntry e;
    e.from = p.DateString("from");
    std::string term = p.String("term"), billing = p.String("billing");
    auto t = ParseTerm(term);
    if (!t) p.Fail("term", "unknown term \"" + term + "\" (P1M, P1Y or P3Y)");
    auto b = ParseBilling(billing);
    if (!b || *b == Billing::None) p.Fail("billing", "unknown billing \"" + billing + "\" (monthly, annual or triennial)");
    if (!IsValidPair(*t, *b)) p.Fail("billing", "a " + term + " term cannot be billed " + billing);
    e.term = *t;
    e.billing = *b;
    e.price = p.DecimalString("price");
    CheckPrice(p, e.price);
    p.RejectUnknownKeys();
    m.prices.push_back(e);
  }
  const auto& meters = r.Array("meters", false);
  std::set<std::string> meter_ids;
  for (size_t i = 0; i < meters.size(); ++i) {
    JsonObjectReader p(meters[i], IndexPath(r.ChildPath("meters"), i));
    Meter meter;
    meter.id = p.String("id");
    if (meter.id.empty()) p.Fail("id", "must not be empty");
    if (!meter_ids.insert(meter.id).second) p.Fail("id", "meter \"" + meter.id + "\" is listed twice");
    meter.name = p.String("name");
    if (meter.name.empty()) p.Fail("name", "must not be empty");
    meter.category = p.String("category");
    meter.subcategory = p.OptionalString("subcategory").value_or("");
    meter.region = p.OptionalString("region").value_or("");
    meter.unit = p.String("unit");
    if (meter.unit.empty()) p.Fail("unit", "must not be empty");
    meter.service = p.OptionalString("service").value_or("");
    meter.product_id = p.OptionalString("productId").value_or("");
    meter.sku_id = p.OptionalString("skuId").value_or("");
    meter.product_name = p.OptionalString("productName").value_or("");
    meter.sku_name = p.OptionalString("skuName").value_or("");
    meter.publisher_name = p.OptionalString("publisherName").value_or("Microsoft");
    meter.price = p.DecimalString("price");
    CheckPrice(p, meter.price);
    meter.pec_eligible = p.OptionalBool("pecEligible").value_or(true);
    p.RejectUnknownKeys();
    m.meters.push_back(std::move(meter));
  }
  if (m.prices.empty() && m.meters.empty()) r.Fail("prices", "must list at least one price (or, for a usage-based SKU, meters)");
  const auto& est = r.Array("estPrices", false);
  for (size_t i = 0; i < est.size(); ++i) {
    JsonObjectReader p(est[i], IndexPath(r.ChildPath("estPrices"), i));
    EstPriceEntry e{p.DateString("from"), p.DecimalString("price")};
    CheckPrice(p, e.price);
    p.RejectUnknownKeys();
    m.est_prices.push_back(e);
  }
  r.RejectUnknownKeys();
  return m;
}

Sku ReadSku(const nlohmann::json& j, const std::string& path) {
  JsonObjectReader r(j, path);
  Sku s;
  s.id = r.String("id");
  CheckId(r, "id", s.id, 4);
  s.title = r.String("title");
  s.description = r.OptionalString("description").value_or("");
  s.minimum_quantity = r.OptionalInt("minimumQuantity", 0, 1000000).value_or(1);
  s.maximum_quantity = r.OptionalInt("maximumQuantity", 1, 1000000).value_or(10000);
  if (s.minimum_quantity > s.maximum_quantity) r.Fail("minimumQuantity", "is larger than maximumQuantity");
  s.is_trial = r.OptionalBool("isTrial").value_or(false);
  s.is_add_on = r.OptionalBool("isAddOn").value_or(false);
  s.max_subscriptions_per_customer = r.OptionalInt("maxSubscriptionsPerCustomer", 1, 1000000);
  s.seat_cap_group = r.OptionalString("seatCapGroup").value_or("");
  s.est_eligible = r.OptionalBool("estEligible").value_or(!s.is_trial);
  s.prerequisite_skus = r.OptionalStringList("prerequisiteSkus");
  s.upgrade_targets = r.OptionalStringList("upgradeTargets");
  s.trial_converts_to = r.OptionalString("trialConvertsTo").value_or("");
  s.terms_of_use_uri = r.OptionalString("termsOfUseUri").value_or("");
  if (!s.terms_of_use_uri.empty() && s.terms_of_use_uri.rfind("https://", 0) != 0 &&
      s.terms_of_use_uri.rfind("http://", 0) != 0)
    r.Fail("termsOfUseUri", "is not an http(s) URL");
  s.billing_type = r.OptionalString("billingType").value_or("license");
  if (s.billing_type != "license" && s.billing_type != "usage")
    r.Fail("billingType", "unknown billing type \"" + s.billing_type + "\" (license or usage)");
  const auto& avs = r.Array("availabilities");
  for (size_t i = 0; i < avs.size(); ++i) {
    JsonObjectReader a(avs[i], IndexPath(r.ChildPath("availabilities"), i));
    Availability av;
    av.id = a.String("id");
    CheckId(a, "id", av.id, 12);
    std::string segment = a.OptionalString("segment").value_or("commercial");
    auto seg = ParseSegment(segment);
    if (!seg) a.Fail("segment", "unknown segment \"" + segment + "\"");
    av.segment = *seg;
    const auto& markets = a.Array("markets");
    for (size_t m = 0; m < markets.size(); ++m) {
      std::string market_path = IndexPath(a.ChildPath("markets"), m);
      av.markets.push_back(ReadMarket(markets[m], market_path));
      const Market& market = av.markets.back();
      // A usage-based SKU is rated from its rate card; a license SKU from its prices.
      if (s.IsUsageBased() && (market.meters.empty() || !market.prices.empty()))
        JsonObjectReader(markets[m], market_path).Fail("meters", "a usage-based SKU's market needs meters and no prices");
      if (!s.IsUsageBased() && !market.meters.empty())
        JsonObjectReader(markets[m], market_path).Fail("meters", "only a usage-based SKU (billingType usage) has meters");
    }
    if (av.markets.empty()) a.Fail("markets", "must list at least one market");
    a.RejectUnknownKeys();
    s.availabilities.push_back(std::move(av));
  }
  r.RejectUnknownKeys();
  return s;
}

CatalogData ReadCatalog(const nlohmann::json& doc) {
  JsonObjectReader r(doc, "");
  CatalogData data;
  int format = r.Int("format", 1, 1);
  (void)format;
  if (r.Has("seatCapGroups")) {
    const auto& groups = r.Object("seatCapGroups");
    JsonObjectReader g(groups, r.ChildPath("seatCapGroups"));
    for (auto it = groups.begin(); it != groups.end(); ++it) {
      if (!it.value().is_number_integer() || it.value().get<int64_t>() < 1 ||
          it.value().get<int64_t>() > 1000000)
        g.Fail(it.key(), "expected a positive integer up to 1000000");
      data.seat_cap_groups[it.key()] = it.value().get<int>();
    }
  }
  const auto& products = r.Array("products");
  for (size_t i = 0; i < products.size(); ++i) {
    JsonObjectReader p(products[i], IndexPath("products", i));
    Product product;
    product.id = p.String("id");
    CheckId(p, "id", product.id, 12);
    product.title = p.String("title");
    product.description = p.OptionalString("description").value_or("");
    product.product_type = p.OptionalString("productType").value_or("OnlineServicesNCE");
    product.publisher_name = p.OptionalString("publisherName").value_or("Microsoft Corporation");
    product.target_view = p.OptionalString("targetView").value_or("OnlineServices");
    const auto& skus = p.Array("skus");
    for (size_t s = 0; s < skus.size(); ++s) product.skus.push_back(ReadSku(skus[s], IndexPath(p.ChildPath("skus"), s)));
    p.RejectUnknownKeys();
    data.products.push_back(std::move(product));
  }
  const auto& promotions = r.Array("promotions", false);
  for (size_t i = 0; i < promotions.size(); ++i) {
    JsonObjectReader p(promotions[i], IndexPath("promotions", i));
    Promotion promo;
    promo.id = p.String("id");
    promo.catalog_item_id = p.String("catalogItemId");
    promo.countries = p.OptionalStringList("countries");
    promo.discount_percent = p.DecimalString("discountPercent");
    if (promo.discount_percent.IsNegative() || promo.discount_percent > Decimal::FromInt(100))
      p.Fail("discountPercent", "must be between 0 and 100");
    std::vector<std::string> terms = p.StringList("terms");
    for (size_t t = 0; t < terms.size(); ++t) {
      auto term = ParseTerm(terms[t]);
      if (!term) p.FailAt("terms", t, "unknown term \"" + terms[t] + "\"");
      promo.terms.push_back(*term);
    }
    promo.from = p.DateString("from");
    promo.until = p.DateString("until");
    if (promo.until < promo.from) p.Fail("until", "is before from");
    p.RejectUnknownKeys();
    data.promotions.push_back(std::move(promo));
  }
  r.RejectUnknownKeys();
  return data;
}

}  // namespace

std::string_view ToString(Segment s) {
  switch (s) {
    case Segment::Commercial: return "commercial";
    case Segment::Education: return "education";
    case Segment::Government: return "government";
    case Segment::Nonprofit: return "nonprofit";
  }
  return "commercial";
}

std::optional<Segment> ParseSegment(std::string_view text) {
  std::string t = Lower(text);
  for (Segment s : {Segment::Commercial, Segment::Education, Segment::Government, Segment::Nonprofit})
    if (t == ToString(s)) return s;
  return std::nullopt;
}

bool Promotion::Covers(Date d, Term t) const {
  return from <= d && d <= until && std::find(terms.begin(), terms.end(), t) != terms.end();
}

StatusOr<std::shared_ptr<const Catalog>> Catalog::Build(CatalogData data) {
  std::shared_ptr<Catalog> catalog(new Catalog(std::move(data)));
  JsonPath where;
  Status s = catalog->Index(&where);
  if (!s.ok()) return s;
  return std::shared_ptr<const Catalog>(std::move(catalog));
}

// The steps of `where` name the item at fault as the catalog file would:
// products[p].skus[s].availabilities[a].markets[m].countries[c], ...
Status Catalog::Index(JsonPath* where) {
  auto fail = [&](JsonPath path, std::string message) {
    *where = std::move(path);
    return Error<Err::DocumentInvalid>("catalog: " + message);
  };
  auto sku_path = [](size_t p, size_t s) { return JsonPath{"products", p, "skus", s}; };
  auto with = [](JsonPath path, std::initializer_list<JsonPathStep> steps) {
    path.insert(path.end(), steps);
    return path;
  };
  std::set<std::string> product_skus;
  for (size_t pi = 0; pi < data_.products.size(); ++pi) {
    const Product& p = data_.products[pi];
    if (FindProduct(p.id) != &p) return fail({"products", pi, "id"}, "duplicate product " + p.id);
    for (size_t si = 0; si < p.skus.size(); ++si) {
      const Sku& s = p.skus[si];
      if (!product_skus.insert(p.id + ":" + s.id).second)
        return fail(with(sku_path(pi, si), {"id"}), "duplicate SKU " + p.id + ":" + s.id);
      if (!s.seat_cap_group.empty() && data_.seat_cap_groups.count(s.seat_cap_group) == 0)
        return fail(with(sku_path(pi, si), {"seatCapGroup"}),
                    "SKU " + p.id + ":" + s.id + " names unknown seatCapGroup " + s.seat_cap_group);
      for (size_t ai = 0; ai < s.availabilities.size(); ++ai) {
        const Availability& a = s.availabilities[ai];
        JsonPath availability_path = with(sku_path(pi, si), {"availabilities", ai});
        std::string item = p.id + ":" + s.id + ":" + a.id;
        if (offers_by_item_.count(item) != 0)
          return fail(with(availability_path, {"id"}), "duplicate availability " + item);
        std::set<std::string> countries;
        for (size_t mi = 0; mi < a.markets.size(); ++mi) {
          const Market& m = a.markets[mi];
          for (size_t ci = 0; ci < m.countries.size(); ++ci)
            if (!countries.insert(m.countries[ci]).second)
              return fail(with(availability_path, {"markets", mi, "countries", ci}),
                          item + " lists country " + m.countries[ci] + " in two markets");
          auto offer = std::make_unique<Offer>();
          offer->product = &p;
          offer->sku = &s;
          offer->availability = &a;
          offer->market = &m;
          offer->catalog_item_id = item;
          offer->index = static_cast<uint32_t>(offers_.size());
          offers_by_item_[item].push_back(offer.get());
          offers_.push_back(std::move(offer));
        }
      }
    }
  }
  for (size_t pi = 0; pi < data_.products.size(); ++pi)
    for (size_t si = 0; si < data_.products[pi].skus.size(); ++si) {
      const Sku& s = data_.products[pi].skus[si];
      std::string owner = data_.products[pi].id + ":" + s.id;
      auto unknown = [&](JsonPath path, const std::string& ref, const char* what) {
        return fail(std::move(path), owner + " " + what + " " + ref + " is not a SKU of this catalog");
      };
      for (size_t i = 0; i < s.upgrade_targets.size(); ++i)
        if (product_skus.count(s.upgrade_targets[i]) == 0)
          return unknown(with(sku_path(pi, si), {"upgradeTargets", i}), s.upgrade_targets[i], "upgrade target");
      for (size_t i = 0; i < s.prerequisite_skus.size(); ++i)
        if (product_skus.count(s.prerequisite_skus[i]) == 0)
          return unknown(with(sku_path(pi, si), {"prerequisiteSkus", i}), s.prerequisite_skus[i], "prerequisite");
      if (!s.trial_converts_to.empty() && product_skus.count(s.trial_converts_to) == 0)
        return unknown(with(sku_path(pi, si), {"trialConvertsTo"}), s.trial_converts_to, "trial conversion");
    }
  for (size_t i = 0; i < data_.promotions.size(); ++i) {
    const Promotion& promo = data_.promotions[i];
    if (offers_by_item_.count(promo.catalog_item_id) == 0)
      return fail({"promotions", i, "catalogItemId"},
                  "promotion " + promo.id + " names unknown item " + promo.catalog_item_id);
  }
  return OkStatus();
}

StatusOr<std::shared_ptr<const Catalog>> Catalog::FromJson(std::string_view text, std::string_view source) {
  std::optional<JsonDocument> doc;
  try {
    doc.emplace(text);
    std::shared_ptr<Catalog> catalog(new Catalog(ReadCatalog(doc->root())));
    JsonPath where;
    Status s = catalog->Index(&where);
    if (!s.ok()) {
      // Index's messages start with "catalog: "; the file and position replace it.
      DataFileError error;
      error.reason = s.description();
      if (error.reason.rfind("catalog: ", 0) == 0) error.reason.erase(0, 9);
      error.path = JsonPathText(where);
      error.node = doc->Find(where);
      throw error;
    }
    return std::shared_ptr<const Catalog>(std::move(catalog));
  } catch (const DataFileError& e) {
    return Error<Err::DocumentInvalid>(LocatedMessage(source, text, doc ? &*doc : nullptr, e));
  } catch (const nlohmann::json::exception& e) {
    return Error<Err::DocumentInvalid>(std::string(source) + ": " + e.what());
  }
}

std::shared_ptr<const Catalog> Catalog::Default() {
  static const std::shared_ptr<const Catalog> catalog = [] {
    auto c = FromJson(kEmbeddedDefaultCatalog, "embedded default catalog");
    if (!c.ok()) throw std::logic_error(c.status().description());
    return *c;
  }();
  return catalog;
}

const Product* Catalog::FindProduct(std::string_view product_id) const {
  for (const Product& p : data_.products)
    if (p.id == product_id) return &p;
  return nullptr;
}

const Sku* Catalog::FindSku(std::string_view product_id, std::string_view sku_id) const {
  const Product* p = FindProduct(product_id);
  if (p == nullptr) return nullptr;
  for (const Sku& s : p->skus)
    if (s.id == sku_id) return &s;
  return nullptr;
}

const Availability* Catalog::FindAvailability(std::string_view product_id, std::string_view sku_id,
                                              std::string_view availability_id) const {
  const Sku* s = FindSku(product_id, sku_id);
  if (s == nullptr) return nullptr;
  for (const Availability& a : s->availabilities)
    if (a.id == availability_id) return &a;
  return nullptr;
}

const Offer* Catalog::FindOffer(std::string_view catalog_item_id, std::string_view country) const {
  auto it = offers_by_item_.find(std::string(catalog_item_id));
  if (it == offers_by_item_.end()) return nullptr;
  for (const Offer* o : it->second)
    for (const auto& c : o->market->countries)
      if (c == country) return o;
  return nullptr;
}

const Offer* Catalog::FindAnyOffer(std::string_view catalog_item_id) const {
  auto it = offers_by_item_.find(std::string(catalog_item_id));
  return it == offers_by_item_.end() || it->second.empty() ? nullptr : it->second.front();
}

std::vector<const Offer*> Catalog::OffersOfSku(std::string_view product_sku_id, std::string_view country) const {
  std::vector<const Offer*> out;
  for (const auto& o : offers_)
    if (o->ProductSkuId() == product_sku_id)
      for (const auto& c : o->market->countries)
        if (c == country) out.push_back(o.get());
  return out;
}

std::optional<Decimal> Catalog::PriceAt(const Offer& offer, Term term, Billing billing, Date day) const {
  const PriceEntry* best = nullptr;
  for (const PriceEntry& e : offer.market->prices)
    if (e.term == term && e.billing == billing && e.from <= day && (best == nullptr || e.from >= best->from)) best = &e;
  if (best == nullptr) return std::nullopt;
  return best->price;
}

std::optional<Decimal> Catalog::EstPriceAt(const Offer& offer, Date day) const {
  const EstPriceEntry* best = nullptr;
  for (const EstPriceEntry& e : offer.market->est_prices)
    if (e.from <= day && (best == nullptr || e.from >= best->from)) best = &e;
  if (best == nullptr) return std::nullopt;
  return best->price;
}

bool Catalog::HasTerm(const Offer& offer, Term term, Date day) const {
  for (const PriceEntry& e : offer.market->prices)
    if (e.term == term && e.from <= day) return true;
  return false;
}

const Meter* Catalog::FindMeter(const Offer& offer, std::string_view meter_id) const {
  for (const Meter& m : offer.market->meters)
    if (m.id == meter_id) return &m;
  return nullptr;
}

const Promotion* Catalog::FindPromotion(std::string_view id) const {
  for (const Promotion& p : data_.promotions)
    if (p.id == id) return &p;
  return nullptr;
}

std::optional<int> Catalog::SeatCap(std::string_view group) const {
  auto it = data_.seat_cap_groups.find(std::string(group));
  if (it == data_.seat_cap_groups.end()) return std::nullopt;
  return it->second;
}

}  // namespace pcsim
