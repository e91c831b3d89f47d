// Unit tests for simulator/catalog/catalog.h: the embedded default catalog
// (fixtures/catalog/default.json) and Catalog::FromJson validation.
#include "simulator/catalog/catalog.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <fstream>
#include <optional>
#include <regex>
#include <ostream>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

namespace pcsim {

static void PrintTo(const Decimal& d, std::ostream* os) { *os << d.ToString(); }
static void PrintTo(const Date& d, std::ostream* os) { *os << d.ToString(); }

namespace {

using ::testing::HasSubstr;

constexpr const char* kBusinessBasic = "CFQ7TTC0LH18:0001:CFQ7TTC0K971";
constexpr const char* kBusinessPremium = "CFQ7TTC0LCHC:0002:CFQ7TTC0K5GH";
constexpr const char* kE5Security = "CFQ7TTC0MQ5X:0001:CFQ7TTC0K7Q2";
constexpr const char* kPromotionId = "39NFJQT1Q5KW:0001:39NFJQT1Q5KN";

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

class DefaultCatalogTest : public ::testing::Test {
 protected:
  const Offer& OfferOf(std::string_view item, std::string_view country) {
    const Offer* offer = catalog_->FindOffer(item, country);
    EXPECT_NE(offer, nullptr) << item << " in " << country;
    if (offer == nullptr) throw std::runtime_error("offer not found");
    return *offer;
  }
  // The price as text, or "none".
  std::string Price(std::string_view item, std::string_view country, Term term, Billing billing,
                    std::string_view day) {
    auto p = catalog_->PriceAt(OfferOf(item, country), term, billing, Day(day));
    return p ? p->ToString() : "none";
  }

  std::shared_ptr<const Catalog> catalog_ = Catalog::Default();
};

// ---------------------------------------------------------------- Default()

TEST_F(DefaultCatalogTest, DefaultReturnsTheSameSharedInstance) {
  ASSERT_NE(catalog_, nullptr);
  EXPECT_EQ(Catalog::Default().get(), catalog_.get());
}

TEST_F(DefaultCatalogTest, FindOfferResolvesBusinessBasicInTheUsMarket) {
  const Offer& offer = OfferOf(kBusinessBasic, "US");
  EXPECT_EQ(offer.catalog_item_id, kBusinessBasic);
  EXPECT_EQ(offer.ProductSkuId(), "CFQ7TTC0LH18:0001");
  EXPECT_EQ(offer.product->id, "CFQ7TTC0LH18");
  EXPECT_EQ(offer.product->title, "Microsoft 365 Business Basic");
  EXPECT_EQ(offer.sku->id, "0001");
  EXPECT_EQ(offer.availability->id, "CFQ7TTC0K971");
  EXPECT_EQ(offer.availability->segment, Segment::Commercial);
  EXPECT_EQ(offer.market->currency, "USD");
  EXPECT_EQ(offer.market->countries, (std::vector<std::string>{"US"}));
  EXPECT_EQ(catalog_->OfferAt(offer.index), &offer);
}

TEST_F(DefaultCatalogTest, BusinessBasicSkuAttributes) {
  const Sku* sku = catalog_->FindSku("CFQ7TTC0LH18", "0001");
  ASSERT_NE(sku, nullptr);
  EXPECT_EQ(sku->minimum_quantity, 1);
  EXPECT_EQ(sku->maximum_quantity, 300);
  EXPECT_EQ(sku->max_subscriptions_per_customer, 2);
  EXPECT_EQ(sku->seat_cap_group, "business");
  EXPECT_TRUE(sku->est_eligible);
  EXPECT_FALSE(sku->is_trial);
  EXPECT_FALSE(sku->is_add_on);
  EXPECT_EQ(sku->upgrade_targets, (std::vector<std::string>{"CFQ7TTC0LDPB:0001", "CFQ7TTC0LCHC:0002"}));
  EXPECT_TRUE(sku->prerequisite_skus.empty());
}

TEST_F(DefaultCatalogTest, BusinessBasicMonthlyPriceRisesOnJulyFirst2026) {
  EXPECT_EQ(Price(kBusinessBasic, "US", Term::P1M, Billing::Monthly, "2026-01-01"), "7.20");
  EXPECT_EQ(Price(kBusinessBasic, "US", Term::P1M, Billing::Monthly, "2026-06-30"), "7.20");
  EXPECT_EQ(Price(kBusinessBasic, "US", Term::P1M, Billing::Monthly, "2026-07-01"), "8.40");
}

TEST_F(DefaultCatalogTest, BusinessBasicAnnualPrices) {
  EXPECT_EQ(Price(kBusinessBasic, "US", Term::P1Y, Billing::Annual, "2026-01-01"), "72.00");
  EXPECT_EQ(Price(kBusinessBasic, "US", Term::P1Y, Billing::Annual, "2026-07-01"), "84.00");
}

TEST_F(DefaultCatalogTest, BusinessBasicAnnualTermMonthlyBillingRisesOnAprilFirst2025) {
  EXPECT_EQ(Price(kBusinessBasic, "US", Term::P1Y, Billing::Monthly, "2025-03-31"), "6.00");
  EXPECT_EQ(Price(kBusinessBasic, "US", Term::P1Y, Billing::Monthly, "2025-04-01"), "6.30");
  EXPECT_EQ(Price(kBusinessBasic, "US", Term::P1Y, Billing::Monthly, "2026-07-01"), "7.35");
}

TEST_F(DefaultCatalogTest, PriceAtUsesTheEarliestEntryFromItsStartDate) {
  EXPECT_EQ(Price(kBusinessBasic, "US", Term::P1M, Billing::Monthly, "2022-01-01"), "6.00");
  EXPECT_EQ(Price(kBusinessBasic, "US", Term::P1M, Billing::Monthly, "2022-02-28"), "6.00");
  EXPECT_EQ(Price(kBusinessBasic, "US", Term::P1M, Billing::Monthly, "2022-03-01"), "7.20");
}

TEST_F(DefaultCatalogTest, PriceAtIsNulloptBeforeTheFirstPriceOrForAnUnlistedPair) {
  EXPECT_EQ(Price(kBusinessBasic, "US", Term::P1M, Billing::Monthly, "2021-12-31"), "none");
  EXPECT_EQ(Price(kBusinessBasic, "US", Term::P3Y, Billing::Triennial, "2026-01-01"), "none");
  EXPECT_EQ(Price(kBusinessBasic, "US", Term::P1M, Billing::Annual, "2026-01-01"), "none");
}

TEST_F(DefaultCatalogTest, PriceAtReturnsTheDecimalAsWritten) {
  auto p = catalog_->PriceAt(OfferOf(kBusinessBasic, "US"), Term::P1M, Billing::Monthly, Day("2026-01-01"));
  ASSERT_TRUE(p.has_value());
  EXPECT_EQ(*p, Dec("7.2"));
  EXPECT_EQ(p->scale(), 2);
}

TEST_F(DefaultCatalogTest, TheEurMarketServesGermany) {
  const Offer& de = OfferOf(kBusinessBasic, "DE");
  EXPECT_EQ(de.market->currency, "EUR");
  EXPECT_EQ(de.catalog_item_id, kBusinessBasic);
  EXPECT_NE(&de, &OfferOf(kBusinessBasic, "US"));
  EXPECT_EQ(&de, &OfferOf(kBusinessBasic, "FR"));  // one offer per market
  EXPECT_EQ(Price(kBusinessBasic, "DE", Term::P1M, Billing::Monthly, "2026-01-01"), "6.72");
  EXPECT_EQ(Price(kBusinessBasic, "DE", Term::P1Y, Billing::Monthly, "2025-04-01"), "5.88");
}

TEST_F(DefaultCatalogTest, TheGbpMarketServesTheUnitedKingdom) {
  EXPECT_EQ(OfferOf(kBusinessBasic, "GB").market->currency, "GBP");
  EXPECT_EQ(Price(kBusinessBasic, "GB", Term::P1Y, Billing::Annual, "2026-01-01"), "58.80");
}

TEST_F(DefaultCatalogTest, FindOfferReturnsNullForAnUnknownCountryOrItem) {
  EXPECT_EQ(catalog_->FindOffer(kBusinessBasic, "ZZ"), nullptr);
  EXPECT_EQ(catalog_->FindOffer(kBusinessBasic, "JP"), nullptr);
  EXPECT_EQ(catalog_->FindOffer(kBusinessBasic, ""), nullptr);
  EXPECT_EQ(catalog_->FindOffer("CFQ7TTC0LH18:0001:XXXXXXXXXXXX", "US"), nullptr);
  EXPECT_EQ(catalog_->FindOffer("CFQ7TTC0LH18:0001", "US"), nullptr);
  EXPECT_EQ(catalog_->FindOffer(kE5Security, "DE"), nullptr);  // US-only offer
}

TEST_F(DefaultCatalogTest, FindAnyOfferReturnsTheFirstMarket) {
  const Offer* any = catalog_->FindAnyOffer(kBusinessBasic);
  ASSERT_NE(any, nullptr);
  EXPECT_EQ(any->market->currency, "USD");
  EXPECT_EQ(catalog_->FindAnyOffer("nope"), nullptr);
}

TEST_F(DefaultCatalogTest, OffersOfSkuListsTheAvailabilitiesSoldInTheCountry) {
  auto gb = catalog_->OffersOfSku("CFQ7TTC0LH18:0001", "GB");
  ASSERT_EQ(gb.size(), 1u);
  EXPECT_EQ(gb[0]->catalog_item_id, kBusinessBasic);
  EXPECT_EQ(gb[0]->market->currency, "GBP");
  EXPECT_TRUE(catalog_->OffersOfSku("CFQ7TTC0LH18:0001", "JP").empty());
  EXPECT_TRUE(catalog_->OffersOfSku("CFQ7TTC0LH18:9999", "US").empty());
}

TEST_F(DefaultCatalogTest, BusinessPremiumHasAnEstPriceFromFebruaryFirst2026) {
  const Offer& offer = OfferOf(kBusinessPremium, "US");
  auto est = catalog_->EstPriceAt(offer, Day("2026-03-01"));
  ASSERT_TRUE(est.has_value());
  EXPECT_EQ(est->ToString(), "27.19");
  EXPECT_EQ(catalog_->EstPriceAt(offer, Day("2026-02-01")), Dec("27.19"));
  EXPECT_EQ(catalog_->EstPriceAt(offer, Day("2026-01-31")), std::nullopt);
  EXPECT_EQ(catalog_->EstPriceAt(offer, Day("2025-06-01")), std::nullopt);
}

TEST_F(DefaultCatalogTest, EstPricesArePerMarket) {
  EXPECT_EQ(catalog_->EstPriceAt(OfferOf(kBusinessPremium, "DE"), Day("2026-03-01")), std::nullopt);
  EXPECT_EQ(catalog_->EstPriceAt(OfferOf(kBusinessBasic, "US"), Day("2026-03-01")), std::nullopt);
}

TEST_F(DefaultCatalogTest, SeatCapOfTheBusinessGroupIs300) {
  EXPECT_EQ(catalog_->SeatCap("business"), 300);
  EXPECT_EQ(catalog_->SeatCap("enterprise"), std::nullopt);
  EXPECT_EQ(catalog_->SeatCap(""), std::nullopt);
}

TEST_F(DefaultCatalogTest, FindPromotionReturnsTheFixturePromotion) {
  const Promotion* promo = catalog_->FindPromotion(kPromotionId);
  ASSERT_NE(promo, nullptr);
  EXPECT_EQ(promo->id, kPromotionId);
  EXPECT_EQ(promo->catalog_item_id, "CFQ7TTC0LFLZ:0001:CFQ7TTC0K5F7");
  EXPECT_EQ(promo->countries, (std::vector<std::string>{"US"}));
  EXPECT_EQ(promo->discount_percent, Decimal::FromInt(15));
  EXPECT_EQ(promo->terms, (std::vector<Term>{Term::P1Y, Term::P3Y}));
  EXPECT_EQ(promo->from, Date::Ymd(2026, 1, 1));
  EXPECT_EQ(promo->until, Date::Ymd(2026, 6, 30));
  EXPECT_NE(catalog_->FindOffer(promo->catalog_item_id, "US"), nullptr);
  EXPECT_EQ(catalog_->FindPromotion("unknown"), nullptr);
}

TEST_F(DefaultCatalogTest, PromotionCoversItsDatesInclusively) {
  const Promotion* promo = catalog_->FindPromotion(kPromotionId);
  ASSERT_NE(promo, nullptr);
  EXPECT_FALSE(promo->Covers(Day("2025-12-31"), Term::P1Y));
  EXPECT_TRUE(promo->Covers(Day("2026-01-01"), Term::P1Y));
  EXPECT_TRUE(promo->Covers(Day("2026-03-15"), Term::P1Y));
  EXPECT_TRUE(promo->Covers(Day("2026-06-30"), Term::P1Y));
  EXPECT_FALSE(promo->Covers(Day("2026-07-01"), Term::P1Y));
}

TEST_F(DefaultCatalogTest, PromotionCoversOnlyItsTerms) {
  const Promotion* promo = catalog_->FindPromotion(kPromotionId);
  ASSERT_NE(promo, nullptr);
  EXPECT_TRUE(promo->Covers(Day("2026-03-01"), Term::P1Y));
  EXPECT_TRUE(promo->Covers(Day("2026-03-01"), Term::P3Y));
  EXPECT_FALSE(promo->Covers(Day("2026-03-01"), Term::P1M));
}

TEST_F(DefaultCatalogTest, E5SecurityHasNoMonthlyTerm) {
  const Offer& offer = OfferOf(kE5Security, "US");
  EXPECT_FALSE(catalog_->HasTerm(offer, Term::P1M, Day("2026-01-01")));
  EXPECT_TRUE(catalog_->HasTerm(offer, Term::P1Y, Day("2026-01-01")));
  EXPECT_FALSE(catalog_->HasTerm(offer, Term::P3Y, Day("2026-01-01")));
  EXPECT_FALSE(catalog_->FindSku("CFQ7TTC0MQ5X", "0001")->est_eligible);
}

TEST_F(DefaultCatalogTest, HasTermOnlyCountsPricesInForceByTheDay) {
  const Offer& offer = OfferOf(kBusinessBasic, "US");
  EXPECT_TRUE(catalog_->HasTerm(offer, Term::P1M, Day("2022-01-01")));
  EXPECT_FALSE(catalog_->HasTerm(offer, Term::P1M, Day("2021-12-31")));
  EXPECT_TRUE(catalog_->HasTerm(OfferOf("CFQ7TTC0LHXM:0001:CFQ7TTC0K8ZQ", "US"), Term::P3Y, Day("2026-01-01")));
  EXPECT_EQ(Price("CFQ7TTC0LHXM:0001:CFQ7TTC0K8ZQ", "US", Term::P3Y, Billing::Triennial, "2026-01-01"), "2880.00");
}

TEST_F(DefaultCatalogTest, FindProductSkuAndAvailability) {
  const Product* product = catalog_->FindProduct("CFQ7TTC0LCHC");
  ASSERT_NE(product, nullptr);
  EXPECT_EQ(product->title, "Microsoft 365 Business Premium");
  EXPECT_EQ(product->product_type, "OnlineServicesNCE");
  EXPECT_EQ(product->publisher_name, "Microsoft Corporation");
  EXPECT_EQ(catalog_->FindProduct("XXXXXXXXXXXX"), nullptr);
  EXPECT_EQ(catalog_->FindSku("CFQ7TTC0LCHC", "0001"), nullptr);
  ASSERT_NE(catalog_->FindSku("CFQ7TTC0LCHC", "0002"), nullptr);
  const Availability* a = catalog_->FindAvailability("CFQ7TTC0LHPV", "0001", "CFQ7TTC0K4N6");
  ASSERT_NE(a, nullptr);
  EXPECT_EQ(a->segment, Segment::Education);
  EXPECT_EQ(catalog_->FindAvailability("CFQ7TTC0LHPV", "0001", "CFQ7TTC0K971"), nullptr);
}

TEST_F(DefaultCatalogTest, TrialSkuConvertsToThePaidSku) {
  const Sku* trial = catalog_->FindSku("CFQ7TTC0LGZT", "0002");
  ASSERT_NE(trial, nullptr);
  EXPECT_TRUE(trial->is_trial);
  EXPECT_FALSE(trial->est_eligible);
  EXPECT_EQ(trial->maximum_quantity, 25);
  EXPECT_EQ(trial->trial_converts_to, "CFQ7TTC0LGZT:0001");
  EXPECT_EQ(Price("CFQ7TTC0LGZT:0002:CFQ7TTC0K6WC", "US", Term::P1M, Billing::Monthly, "2026-01-01"), "0.00");
}

TEST_F(DefaultCatalogTest, OfferIndexesArePositionsInOffers) {
  ASSERT_FALSE(catalog_->offers().empty());
  for (size_t i = 0; i < catalog_->offers().size(); ++i) {
    EXPECT_EQ(catalog_->offers()[i]->index, i);
    EXPECT_EQ(catalog_->OfferAt(static_cast<uint32_t>(i)), catalog_->offers()[i].get());
  }
  // 3 business SKUs in 3 markets + 12 single-market availabilities + the Azure plan in 3 markets.
  EXPECT_EQ(catalog_->offers().size(), 24u);
}

// ---------------------------------------------------------------- Segment

TEST(SegmentTest, ParseIsCaseInsensitiveAndToStringIsLowerCase) {
  EXPECT_EQ(ParseSegment("Education"), Segment::Education);
  EXPECT_EQ(ParseSegment("NONPROFIT"), Segment::Nonprofit);
  EXPECT_EQ(ParseSegment("commercial"), Segment::Commercial);
  EXPECT_EQ(ParseSegment("government"), Segment::Government);
  EXPECT_EQ(ParseSegment("retail"), std::nullopt);
  EXPECT_EQ(ToString(Segment::Government), "government");
  EXPECT_EQ(ToString(Segment::Commercial), "commercial");
}

// ---------------------------------------------------------------- FromJson

// A minimal valid catalog; tests break one thing at a time.
nlohmann::json MinimalCatalog() {
  return nlohmann::json::parse(R"({
    "format": 1,
    "seatCapGroups": {"small": 10},
    "products": [{
      "id": "AAAAAAAAAAA1",
      "title": "Product A",
      "skus": [{
        "id": "0001",
        "title": "SKU A1",
        "availabilities": [{
          "id": "BBBBBBBBBBB1",
          "markets": [{
            "countries": ["US"],
            "currency": "USD",
            "prices": [
              {"from": "2025-01-01", "term": "P1M", "billing": "monthly", "price": "10.00"},
              {"from": "2025-01-01", "term": "P1Y", "billing": "annual", "price": "100.00"}
            ]
          }]
        }]
      }]
    }]
  })");
}

nlohmann::json& FirstSku(nlohmann::json& doc) { return doc["products"][0]["skus"][0]; }
nlohmann::json& FirstPrice(nlohmann::json& doc) {
  return FirstSku(doc)["availabilities"][0]["markets"][0]["prices"][0];
}

// Catalogs are loaded as nlohmann writes them with an indent of 2: one key a
// line, keys sorted.
StatusOr<std::shared_ptr<const Catalog>> Load(const nlohmann::json& doc) {
  return Catalog::FromJson(doc.dump(2), "test.json");
}

// The error of a catalog that must fail to load, "test.json:LINE:COLUMN:
// REASON (at PATH)", split into the message without its position
// ("test.json: REASON (at PATH)") and the text of the file from that
// position to the end of its line.
struct LoadError {
  std::string message;
  std::string at;
};

LoadError LoadErrorOf(const nlohmann::json& doc) {
  auto c = Load(doc);
  EXPECT_FALSE(c.ok()) << "catalog unexpectedly loaded";
  if (c.ok()) return {};
  EXPECT_EQ(c.status().http_status(), 400);
  EXPECT_EQ(c.status().code(), 3000);
  const std::string& description = c.status().description();
  std::smatch m;
  static const std::regex kLocated(R"(^test\.json:(\d+):(\d+): (.*)$)");
  if (!std::regex_match(description, m, kLocated)) {
    ADD_FAILURE() << "no line and column: " << description;
    return {description, ""};
  }
  std::string text = doc.dump(2);  // ASCII: a column is a byte
  size_t start = 0;
  for (size_t line = 1; line < std::stoul(m[1].str()) && start != std::string::npos; ++line)
    start = text.find('\n', start) + 1;
  size_t at = start + std::stoul(m[2].str()) - 1;
  if (at > text.size()) return {"test.json: " + m[3].str(), "(past the end)"};
  return {"test.json: " + m[3].str(), text.substr(at, text.find('\n', at) - at)};
}

std::string ErrorOf(const nlohmann::json& doc) { return LoadErrorOf(doc).message; }
std::string ErrorAt(const nlohmann::json& doc) { return LoadErrorOf(doc).at; }

TEST(CatalogFromJsonTest, AcceptsTheMinimalCatalogWithDefaults) {
  auto c = Load(MinimalCatalog());
  ASSERT_TRUE(c.ok()) << c.status().description();
  const Sku* sku = (*c)->FindSku("AAAAAAAAAAA1", "0001");
  ASSERT_NE(sku, nullptr);
  EXPECT_EQ(sku->minimum_quantity, 1);
  EXPECT_EQ(sku->maximum_quantity, 10000);
  EXPECT_TRUE(sku->est_eligible);
  EXPECT_EQ(sku->max_subscriptions_per_customer, std::nullopt);
  EXPECT_EQ((*c)->FindProduct("AAAAAAAAAAA1")->product_type, "OnlineServicesNCE");
  const Offer* offer = (*c)->FindOffer("AAAAAAAAAAA1:0001:BBBBBBBBBBB1", "US");
  ASSERT_NE(offer, nullptr);
  EXPECT_EQ(offer->availability->segment, Segment::Commercial);
  EXPECT_EQ((*c)->PriceAt(*offer, Term::P1Y, Billing::Annual, Date::Ymd(2025, 6, 1)), Dec("100"));
  EXPECT_EQ((*c)->SeatCap("small"), 10);
  EXPECT_TRUE((*c)->data().promotions.empty());
}

TEST(CatalogFromJsonTest, TrialSkusAreNotEstEligibleByDefault) {
  auto doc = MinimalCatalog();
  FirstSku(doc)["isTrial"] = true;
  auto c = Load(doc);
  ASSERT_TRUE(c.ok()) << c.status().description();
  EXPECT_FALSE((*c)->FindSku("AAAAAAAAAAA1", "0001")->est_eligible);
}

TEST(CatalogFromJsonTest, RejectsMalformedJsonAtTheOffendingCharacter) {
  auto c = Catalog::FromJson(R"({"format": 1, "products": [)", "broken.json");
  ASSERT_FALSE(c.ok());
  EXPECT_EQ(c.status().code(), 3000);
  EXPECT_EQ(c.status().description(),
            "broken.json:1:28: malformed JSON: syntax error while parsing value - unexpected end of input; expected "
            "'[', '{', or a literal");
}

TEST(CatalogFromJsonTest, RejectsADocumentThatIsNotAnObject) {
  auto c = Catalog::FromJson("[]", "list.json");
  ASSERT_FALSE(c.ok());
  EXPECT_EQ(c.status().description(), "list.json:1:1: expected an object");
}

TEST(CatalogFromJsonTest, RejectsADuplicateKeyAtItsSecondOccurrence) {
  auto c = Catalog::FromJson("{\"format\": 1,\n \"products\": [],\n \"format\": 1}", "dup.json");
  ASSERT_FALSE(c.ok());
  EXPECT_EQ(c.status().description(),
            "dup.json:3:2: duplicate key \"format\" (each key may appear once in an object) (at format)");
}

TEST(CatalogFromJsonTest, RejectsANumberTooLargeForADoubleAtTheNumber) {
  auto c = Catalog::FromJson("{\"format\": 1,\n \"seatCapGroups\": {\"business\": 2222222.222e22222}}", "big.json");
  ASSERT_FALSE(c.ok());
  EXPECT_EQ(c.status().description(),
            "big.json:2:32: number out of range: 2222222.222e22222 is too large for a number");
}

TEST(CatalogFromJsonTest, RejectsAnUnknownFormat) {
  auto doc = MinimalCatalog();
  doc["format"] = 2;
  EXPECT_EQ(ErrorOf(doc), "test.json: must be between 1 and 1 (at format)");
  EXPECT_EQ(ErrorAt(doc), "2,");
}

TEST(CatalogFromJsonTest, RejectsAnUnknownKeyNamingItsLineAndJsonPath) {
  auto doc = MinimalCatalog();
  FirstSku(doc)["colour"] = "blue";
  EXPECT_EQ(Load(doc).status().description(), "test.json:35:11: unknown key (at products[0].skus[0].colour)");
  EXPECT_EQ(ErrorAt(doc), "\"colour\": \"blue\",");
}

TEST(CatalogFromJsonTest, RejectsAnUnknownTopLevelKey) {
  auto doc = MinimalCatalog();
  doc["extras"] = nlohmann::json::array();
  EXPECT_EQ(ErrorOf(doc), "test.json: unknown key (at extras)");
  EXPECT_EQ(ErrorAt(doc), "\"extras\": [],");
}

TEST(CatalogFromJsonTest, RejectsAnUnknownKeyInAPrice) {
  auto doc = MinimalCatalog();
  FirstPrice(doc)["currency"] = "USD";
  EXPECT_EQ(ErrorOf(doc), "test.json: unknown key (at products[0].skus[0].availabilities[0].markets[0].prices[0].currency)");
  EXPECT_EQ(ErrorAt(doc), "\"currency\": \"USD\",");
}

TEST(CatalogFromJsonTest, RejectsAPriceWrittenAsAJsonNumber) {
  auto doc = MinimalCatalog();
  FirstPrice(doc)["price"] = 10.0;
  EXPECT_EQ(ErrorOf(doc),
            "test.json: expected an exact decimal written as a string (e.g. \"12.50\") (at "
            "products[0].skus[0].availabilities[0].markets[0].prices[0].price)");
  EXPECT_EQ(ErrorAt(doc), "10.0,");
}

TEST(CatalogFromJsonTest, RejectsAPriceThatIsNotADecimal) {
  auto doc = MinimalCatalog();
  FirstPrice(doc)["price"] = "1e3";
  EXPECT_EQ(ErrorOf(doc),
            "test.json: not an exact decimal: \"1e3\" (at products[0].skus[0].availabilities[0].markets[0].prices[0].price)");
  EXPECT_EQ(ErrorAt(doc), "\"1e3\",");
}

TEST(CatalogFromJsonTest, RejectsANegativePrice) {
  auto doc = MinimalCatalog();
  FirstPrice(doc)["price"] = "-1.00";
  EXPECT_EQ(ErrorOf(doc),
            "test.json: must not be negative (at products[0].skus[0].availabilities[0].markets[0].prices[0].price)");
  EXPECT_EQ(ErrorAt(doc), "\"-1.00\",");
}

TEST(CatalogFromJsonTest, RejectsAMonthlyTermBilledAnnually) {
  auto doc = MinimalCatalog();
  FirstPrice(doc)["billing"] = "annual";  // P1M annual
  EXPECT_EQ(ErrorOf(doc),
            "test.json: a P1M term cannot be billed annual (at "
            "products[0].skus[0].availabilities[0].markets[0].prices[0].billing)");
  EXPECT_EQ(ErrorAt(doc), "\"annual\",");
}

TEST(CatalogFromJsonTest, RejectsAnAnnualTermBilledTriennially) {
  auto doc = MinimalCatalog();
  FirstPrice(doc)["term"] = "P1Y";
  FirstPrice(doc)["billing"] = "triennial";
  EXPECT_THAT(ErrorOf(doc), HasSubstr("a P1Y term cannot be billed triennial (at products[0]"));
  EXPECT_EQ(ErrorAt(doc), "\"triennial\",");
}

TEST(CatalogFromJsonTest, RejectsAnUnknownTermOrBilling) {
  auto doc = MinimalCatalog();
  FirstPrice(doc)["term"] = "P2Y";
  EXPECT_THAT(ErrorOf(doc), HasSubstr("unknown term \"P2Y\" (P1M, P1Y or P3Y) (at products[0]"));
  EXPECT_EQ(ErrorAt(doc), "\"P2Y\"");
  doc = MinimalCatalog();
  FirstPrice(doc)["billing"] = "none";
  EXPECT_THAT(ErrorOf(doc), HasSubstr("unknown billing \"none\""));
  EXPECT_EQ(ErrorAt(doc), "\"none\",");
}

TEST(CatalogFromJsonTest, RejectsAnInvalidPriceDate) {
  auto doc = MinimalCatalog();
  FirstPrice(doc)["from"] = "2025-02-30";
  EXPECT_THAT(ErrorOf(doc), HasSubstr("not a date (YYYY-MM-DD): \"2025-02-30\" (at products[0]"));
  EXPECT_EQ(ErrorAt(doc), "\"2025-02-30\",");
}

// The checks across items (duplicates, references) point at the item too.
TEST(CatalogFromJsonTest, RejectsDuplicateSkus) {
  auto doc = MinimalCatalog();
  doc["products"][0]["skus"].push_back(FirstSku(doc));
  EXPECT_EQ(ErrorOf(doc), "test.json: duplicate SKU AAAAAAAAAAA1:0001 (at products[0].skus[1].id)");
  EXPECT_EQ(ErrorAt(doc), "\"0001\",");
}

TEST(CatalogFromJsonTest, RejectsDuplicateProducts) {
  auto doc = MinimalCatalog();
  doc["products"].push_back(doc["products"][0]);
  EXPECT_EQ(ErrorOf(doc), "test.json: duplicate product AAAAAAAAAAA1 (at products[1].id)");
  EXPECT_EQ(ErrorAt(doc), "\"AAAAAAAAAAA1\",");
}

TEST(CatalogFromJsonTest, RejectsAnUpgradeTargetThatDoesNotExist) {
  auto doc = MinimalCatalog();
  FirstSku(doc)["upgradeTargets"] = {"AAAAAAAAAAA1:0001", "ZZZZZZZZZZZ9:0001"};
  EXPECT_EQ(ErrorOf(doc),
            "test.json: AAAAAAAAAAA1:0001 upgrade target ZZZZZZZZZZZ9:0001 is not a SKU of this catalog (at "
            "products[0].skus[0].upgradeTargets[1])");
  EXPECT_EQ(ErrorAt(doc), "\"ZZZZZZZZZZZ9:0001\"");
}

TEST(CatalogFromJsonTest, AcceptsAnUpgradeTargetInTheSameCatalog) {
  auto doc = MinimalCatalog();
  auto second = FirstSku(doc);
  second["id"] = "0002";
  second["availabilities"][0]["id"] = "BBBBBBBBBBB2";
  doc["products"][0]["skus"].push_back(second);
  FirstSku(doc)["upgradeTargets"] = {"AAAAAAAAAAA1:0002"};
  auto c = Load(doc);
  ASSERT_TRUE(c.ok()) << c.status().description();
  EXPECT_EQ((*c)->FindSku("AAAAAAAAAAA1", "0001")->upgrade_targets, (std::vector<std::string>{"AAAAAAAAAAA1:0002"}));
}

TEST(CatalogFromJsonTest, RejectsAPrerequisiteOrTrialConversionThatDoesNotExist) {
  auto doc = MinimalCatalog();
  FirstSku(doc)["prerequisiteSkus"] = {"ZZZZZZZZZZZ9:0001"};
  EXPECT_EQ(ErrorOf(doc),
            "test.json: AAAAAAAAAAA1:0001 prerequisite ZZZZZZZZZZZ9:0001 is not a SKU of this catalog (at "
            "products[0].skus[0].prerequisiteSkus[0])");
  EXPECT_EQ(ErrorAt(doc), "\"ZZZZZZZZZZZ9:0001\"");
  doc = MinimalCatalog();
  FirstSku(doc)["trialConvertsTo"] = "ZZZZZZZZZZZ9:0001";
  EXPECT_EQ(ErrorOf(doc),
            "test.json: AAAAAAAAAAA1:0001 trial conversion ZZZZZZZZZZZ9:0001 is not a SKU of this catalog (at "
            "products[0].skus[0].trialConvertsTo)");
  EXPECT_EQ(ErrorAt(doc), "\"ZZZZZZZZZZZ9:0001\"");
}

TEST(CatalogFromJsonTest, RejectsAnUnknownSeatCapGroup) {
  auto doc = MinimalCatalog();
  FirstSku(doc)["seatCapGroup"] = "huge";
  EXPECT_EQ(ErrorOf(doc),
            "test.json: SKU AAAAAAAAAAA1:0001 names unknown seatCapGroup huge (at products[0].skus[0].seatCapGroup)");
  EXPECT_EQ(ErrorAt(doc), "\"huge\",");
}

TEST(CatalogFromJsonTest, RejectsANonPositiveSeatCap) {
  auto doc = MinimalCatalog();
  doc["seatCapGroups"]["small"] = 0;
  EXPECT_EQ(ErrorOf(doc), "test.json: expected a positive integer up to 1000000 (at seatCapGroups.small)");
  EXPECT_EQ(ErrorAt(doc), "0");
}

// A seat cap beyond the range of int must be rejected, not wrapped by
// get<int>() (4294967297 once became a cap of 1).
TEST(CatalogFromJsonTest, RejectsASeatCapBeyondIntRange) {
  auto doc = MinimalCatalog();
  doc["seatCapGroups"]["small"] = 4294967297LL;
  auto c = Load(doc);
  EXPECT_FALSE(c.ok()) << "SeatCap(\"small\") = " << (c.ok() ? *(*c)->SeatCap("small") : 0);
  EXPECT_EQ(ErrorOf(doc), "test.json: expected a positive integer up to 1000000 (at seatCapGroups.small)");
  EXPECT_EQ(ErrorAt(doc), "4294967297");
}

TEST(CatalogFromJsonTest, RejectsAWrongLengthId) {
  auto doc = MinimalCatalog();
  FirstSku(doc)["id"] = "001";
  EXPECT_EQ(ErrorOf(doc), "test.json: must be 4 letters or digits, got \"001\" (at products[0].skus[0].id)");
  EXPECT_EQ(ErrorAt(doc), "\"001\",");
}

// A missing key points at the object that lacks it.
TEST(CatalogFromJsonTest, RejectsAMissingRequiredKey) {
  auto doc = MinimalCatalog();
  FirstSku(doc).erase("title");
  EXPECT_EQ(Load(doc).status().description(), "test.json:7:9: missing required key (at products[0].skus[0].title)");
  EXPECT_EQ(ErrorAt(doc), "{");
}

TEST(CatalogFromJsonTest, RejectsABadCountryCode) {
  auto doc = MinimalCatalog();
  FirstSku(doc)["availabilities"][0]["markets"][0]["countries"] = {"US", "us"};
  EXPECT_EQ(ErrorOf(doc),
            "test.json: \"us\" is not an ISO 3166 alpha-2 code (at "
            "products[0].skus[0].availabilities[0].markets[0].countries[1])");
  EXPECT_EQ(ErrorAt(doc), "\"us\"");
}

TEST(CatalogFromJsonTest, RejectsACountryInTwoMarketsOfOneAvailability) {
  auto doc = MinimalCatalog();
  auto& markets = FirstSku(doc)["availabilities"][0]["markets"];
  markets.push_back(markets[0]);
  markets[1]["currency"] = "EUR";
  EXPECT_EQ(ErrorOf(doc),
            "test.json: AAAAAAAAAAA1:0001:BBBBBBBBBBB1 lists country US in two markets (at "
            "products[0].skus[0].availabilities[0].markets[1].countries[0])");
  EXPECT_EQ(ErrorAt(doc), "\"US\"");
}

TEST(CatalogFromJsonTest, RejectsAMarketWithoutPrices) {
  auto doc = MinimalCatalog();
  FirstSku(doc)["availabilities"][0]["markets"][0]["prices"] = nlohmann::json::array();
  EXPECT_THAT(ErrorOf(doc), HasSubstr("must list at least one price"));
  EXPECT_THAT(ErrorOf(doc), HasSubstr("(at products[0].skus[0].availabilities[0].markets[0].prices)"));
  EXPECT_EQ(ErrorAt(doc), "[]");
}

TEST(CatalogFromJsonTest, RejectsMinimumAboveMaximumQuantity) {
  auto doc = MinimalCatalog();
  FirstSku(doc)["minimumQuantity"] = 50;
  FirstSku(doc)["maximumQuantity"] = 10;
  EXPECT_EQ(ErrorOf(doc), "test.json: is larger than maximumQuantity (at products[0].skus[0].minimumQuantity)");
  EXPECT_EQ(ErrorAt(doc), "50,");
}

TEST(CatalogFromJsonTest, RejectsAnUnknownSegment) {
  auto doc = MinimalCatalog();
  FirstSku(doc)["availabilities"][0]["segment"] = "retail";
  EXPECT_EQ(ErrorOf(doc), "test.json: unknown segment \"retail\" (at products[0].skus[0].availabilities[0].segment)");
  EXPECT_EQ(ErrorAt(doc), "\"retail\"");
}

nlohmann::json PromotionJson(std::string item) {
  return {{"id", "PROMO1"},
          {"catalogItemId", std::move(item)},
          {"countries", {"US"}},
          {"discountPercent", "20"},
          {"terms", {"P1Y"}},
          {"from", "2026-01-01"},
          {"until", "2026-01-31"}};
}

TEST(CatalogFromJsonTest, LoadsAPromotion) {
  auto doc = MinimalCatalog();
  doc["promotions"] = nlohmann::json::array({PromotionJson("AAAAAAAAAAA1:0001:BBBBBBBBBBB1")});
  auto c = Load(doc);
  ASSERT_TRUE(c.ok()) << c.status().description();
  const Promotion* promo = (*c)->FindPromotion("PROMO1");
  ASSERT_NE(promo, nullptr);
  EXPECT_EQ(promo->discount_percent, Decimal::FromInt(20));
  EXPECT_TRUE(promo->Covers(Date::Ymd(2026, 1, 31), Term::P1Y));
  EXPECT_FALSE(promo->Covers(Date::Ymd(2026, 2, 1), Term::P1Y));
}

TEST(CatalogFromJsonTest, RejectsAPromotionForAnUnknownItem) {
  auto doc = MinimalCatalog();
  doc["promotions"] = nlohmann::json::array({PromotionJson("AAAAAAAAAAA1:0001:XXXXXXXXXXXX")});
  EXPECT_EQ(ErrorOf(doc),
            "test.json: promotion PROMO1 names unknown item AAAAAAAAAAA1:0001:XXXXXXXXXXXX (at "
            "promotions[0].catalogItemId)");
  EXPECT_EQ(ErrorAt(doc), "\"AAAAAAAAAAA1:0001:XXXXXXXXXXXX\",");
}

TEST(CatalogFromJsonTest, RejectsAPromotionEndingBeforeItStarts) {
  auto doc = MinimalCatalog();
  auto promo = PromotionJson("AAAAAAAAAAA1:0001:BBBBBBBBBBB1");
  promo["until"] = "2025-12-31";
  doc["promotions"] = nlohmann::json::array({promo});
  EXPECT_EQ(ErrorOf(doc), "test.json: is before from (at promotions[0].until)");
  EXPECT_EQ(ErrorAt(doc), "\"2025-12-31\"");
}

TEST(CatalogFromJsonTest, RejectsADiscountAboveOneHundredPercent) {
  auto doc = MinimalCatalog();
  auto promo = PromotionJson("AAAAAAAAAAA1:0001:BBBBBBBBBBB1");
  promo["discountPercent"] = "100.01";
  doc["promotions"] = nlohmann::json::array({promo});
  EXPECT_EQ(ErrorOf(doc), "test.json: must be between 0 and 100 (at promotions[0].discountPercent)");
  EXPECT_EQ(ErrorAt(doc), "\"100.01\",");
}

TEST(CatalogFromJsonTest, TheEmbeddedCatalogMatchesTheFixtureFile) {
  std::ifstream in(std::string(PCSIM_SOURCE_DIR) + "/fixtures/catalog/default.json");
  ASSERT_TRUE(in) << "cannot open the fixture";
  std::stringstream text;
  text << in.rdbuf();
  auto c = Catalog::FromJson(text.str(), "default.json");
  ASSERT_TRUE(c.ok()) << c.status().description();
  EXPECT_EQ((*c)->offers().size(), Catalog::Default()->offers().size());
  EXPECT_EQ((*c)->data().products.size(), Catalog::Default()->data().products.size());
}

}  // namespace
}  // namespace pcsim
