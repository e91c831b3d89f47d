// The catalog: products, SKUs and availabilities with dated prices per market,
// EST prices, seat limits, upgrade paths and promotions. A Catalog is
// immutable once built; sandboxes share one through shared_ptr<const Catalog>,
// and a scenario's additions build a new one over a copy of the data.
#pragma once

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "simulator/clock/term_dates.h"
#include "simulator/clock/time.h"
#include "simulator/model/json_path.h"
#include "simulator/model/status.h"
#include "simulator/money/decimal.h"

namespace pcsim {

enum class Segment : uint8_t { Commercial, Education, Government, Nonprofit };
std::string_view ToString(Segment s);  // "commercial", ...
std::optional<Segment> ParseSegment(std::string_view text);

// A price per seat per billing period of one term/billing pair, in force from `from`.
struct PriceEntry {
  Date from;
  Term term = Term::P1M;
  Billing billing = Billing::Monthly;
  Decimal price;
};

// An EST price per seat per month, in force from `from`.
struct EstPriceEntry {
  Date from;
  Decimal price;
};

// One meter of an Azure rate card (docs/decisions.md, section 11): the
// pay-as-you-go price per unit in the market's currency. Meters of
// reservations, savings plans, spot and third-party products are flagged
// pec_eligible = false and never earn partner earned credit.
struct Meter {
  std::string id;           // meterId
  std::string name;         // meterName
  std::string category;     // meterCategory
  std::string subcategory;  // meterSubCategory
  std::string region;       // meterRegion
  std::string unit;         // unitOfMeasure
  std::string service;      // consumedService
  std::string product_id;   // the usage line's productId / skuId / names
  std::string sku_id;
  std::string product_name;
  std::string sku_name;
  std::string publisher_name = "Microsoft";
  Decimal price;
  bool pec_eligible = true;
};

struct Market {
  std::vector<std::string> countries;  // ISO 3166 alpha-2
  std::string currency;                // ISO 4217
  std::vector<PriceEntry> prices;
  std::vector<EstPriceEntry> est_prices;
  std::vector<Meter> meters;  // the rate card of a usage-based SKU (Azure plan)
};

struct Availability {
  std::string id;
  Segment segment = Segment::Commercial;
  std::vector<Market> markets;
};

struct Sku {
  std::string id;
  std::string title;
  std::string description;
  int minimum_quantity = 1;
  int maximum_quantity = 10000;
  bool is_trial = false;
  bool is_add_on = false;
  std::optional<int> max_subscriptions_per_customer;
  std::string seat_cap_group;  // empty: none
  bool est_eligible = true;
  std::vector<std::string> prerequisite_skus;  // "productId:skuId"
  std::vector<std::string> upgrade_targets;    // "productId:skuId"
  std::string trial_converts_to;               // "productId:skuId"
  std::string terms_of_use_uri;                // the SKU's termsOfUseUri; empty: none (null)
  // "license" (seats at a price per billing period) or "usage" (an Azure
  // plan: no term, rated per meter from the market's rate card).
  std::string billing_type = "license";
  std::vector<Availability> availabilities;
  bool IsUsageBased() const { return billing_type == "usage"; }
};

struct Product {
  std::string id;
  std::string title;
  std::string description;
  std::string product_type = "OnlineServicesNCE";
  std::string publisher_name = "Microsoft Corporation";
  std::string target_view = "OnlineServices";  // the products list's targetView ("MicrosoftAzure")
  std::vector<Sku> skus;
};

struct Promotion {
  std::string id;
  std::string catalog_item_id;
  std::vector<std::string> countries;
  Decimal discount_percent;
  std::vector<Term> terms;
  Date from;
  Date until;  // inclusive
  bool Covers(Date d, Term t) const;
};

// The plain, copyable data behind a Catalog.
struct CatalogData {
  std::map<std::string, int> seat_cap_groups;
  std::vector<Product> products;
  std::vector<Promotion> promotions;
};

// A purchasable thing: one availability in one market.
struct Offer {
  const Product* product = nullptr;
  const Sku* sku = nullptr;
  const Availability* availability = nullptr;
  const Market* market = nullptr;
  std::string catalog_item_id;  // productId:skuId:availabilityId
  uint32_t index = 0;           // position in Catalog::offers()
  std::string ProductSkuId() const { return product->id + ":" + sku->id; }
};

class Catalog {
 public:
  // Validates and indexes `data`; an error names the offending item.
  static StatusOr<std::shared_ptr<const Catalog>> Build(CatalogData data);
  // Parses a catalog file (format 1). Errors read "SOURCE:LINE:COLUMN: reason (at PATH)".
  static StatusOr<std::shared_ptr<const Catalog>> FromJson(std::string_view text, std::string_view source);
  // The catalog embedded in the binary (fixtures/catalog/default.json).
  static std::shared_ptr<const Catalog> Default();

  Catalog(const Catalog&) = delete;
  Catalog& operator=(const Catalog&) = delete;

  const CatalogData& data() const { return data_; }
  const std::vector<std::unique_ptr<Offer>>& offers() const { return offers_; }

  const Product* FindProduct(std::string_view product_id) const;
  const Sku* FindSku(std::string_view product_id, std::string_view sku_id) const;
  const Availability* FindAvailability(std::string_view product_id, std::string_view sku_id,
                                       std::string_view availability_id) const;
  // The offer of `catalog_item_id` for a customer in `country`, or null.
  const Offer* FindOffer(std::string_view catalog_item_id, std::string_view country) const;
  // Any offer of the availability (first market), or null.
  const Offer* FindAnyOffer(std::string_view catalog_item_id) const;
  // The offers of the SKU "productId:skuId" for `country` (one per availability).
  std::vector<const Offer*> OffersOfSku(std::string_view product_sku_id, std::string_view country) const;
  const Offer* OfferAt(uint32_t index) const { return offers_[index].get(); }

  // The list price in force on `day` for the pair, or nullopt when the offer
  // has no such pair on that day.
  std::optional<Decimal> PriceAt(const Offer& offer, Term term, Billing billing, Date day) const;
  // The EST price list entry in force on `day`, if the catalog has one.
  std::optional<Decimal> EstPriceAt(const Offer& offer, Date day) const;
  // Whether the offer ever lists this term (on any day up to `day`).
  bool HasTerm(const Offer& offer, Term term, Date day) const;

  // The meter `meter_id` of the offer's rate card, or null.
  const Meter* FindMeter(const Offer& offer, std::string_view meter_id) const;

  const Promotion* FindPromotion(std::string_view id) const;
  // Seat cap of a group ("business": 300), if any.
  std::optional<int> SeatCap(std::string_view group) const;

 private:
  explicit Catalog(CatalogData data) : data_(std::move(data)) {}
  // On an error, `where` is the path of the offending value in a catalog file.
  Status Index(JsonPath* where);

  CatalogData data_;
  std::vector<std::unique_ptr<Offer>> offers_;
  std::unordered_map<std::string, std::vector<const Offer*>> offers_by_item_;
};

}  // namespace pcsim
