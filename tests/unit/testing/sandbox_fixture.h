// Test helpers: a sandbox at a chosen instant with attested customers, a
// catalog editor for the prices of Microsoft's worked examples, and line
// lookups.
#pragma once

#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "simulator/commerce/sandbox.h"

namespace pcsim::testing {

Instant At(std::string_view text);
Date Day(std::string_view text);
Decimal Dec(std::string_view text);

// A copy of the default catalog's data with prices and paths changed.
class CatalogEditor {
 public:
  CatalogEditor();
  // Replaces the prices of `item` in the market of `currency` (created for
  // `countries` when missing). Each price is "TERM/billing=PRICE".
  CatalogEditor& Prices(std::string_view item, std::string_view currency, std::vector<std::string> countries,
                        std::string_view from, std::vector<std::string> prices);
  CatalogEditor& UpgradeTarget(std::string_view from_product_sku, std::string_view to_product_sku);
  std::shared_ptr<const Catalog> Build() const;
  CatalogData& data() { return data_; }

 private:
  CatalogData data_;
};

class SandboxTest : public ::testing::Test {
 protected:
  void Start(std::string_view instant, std::shared_ptr<const Catalog> catalog = nullptr,
             Environment environment = Environment::Production);
  // A customer with an MCA attested now (unless `attest` is false).
  std::string AddCustomer(std::string_view country = "US", bool attest = true);
  // Buys and expects success.
  const Subscription& Buy(std::string_view customer, std::string_view item, int quantity, Term term, Billing billing,
                          std::string_view promotion = "");
  Status TryBuy(std::string_view customer, std::string_view item, int quantity, Term term, Billing billing);
  void AdvanceTo(std::string_view instant) { sandbox->AdvanceTo(At(instant)); }
  const Subscription& Sub(const std::string& id) const { return *sandbox->FindSubscription(id); }

  std::vector<const ChargeLine*> Lines(const Subscription& sub) const;
  std::vector<const ChargeLine*> Lines(const Subscription& sub, ChargeType type) const;
  std::vector<const ChargeLine*> AllLines() const;

  std::unique_ptr<Sandbox> sandbox;
};

// Expects a line's dates and amounts (as text, compared exactly).
void ExpectLine(const ChargeLine& line, ChargeType type, std::string_view start, std::string_view end,
                std::string_view effective_unit_price, int quantity, std::string_view total);

inline constexpr std::string_view kBusinessBasic = "CFQ7TTC0LH18:0001:CFQ7TTC0K971";
inline constexpr std::string_view kBusinessStandard = "CFQ7TTC0LDPB:0001:CFQ7TTC0K4TS";
inline constexpr std::string_view kBusinessPremium = "CFQ7TTC0LCHC:0002:CFQ7TTC0K5GH";
inline constexpr std::string_view kOffice365E1 = "CFQ7TTC0LF8Q:0001:CFQ7TTC0K5DR";
inline constexpr std::string_view kMicrosoft365E3 = "CFQ7TTC0LFLZ:0001:CFQ7TTC0K5F7";
inline constexpr std::string_view kE5Security = "CFQ7TTC0MQ5X:0001:CFQ7TTC0K7Q2";
inline constexpr std::string_view kTeamsEssentials = "CFQ7TTC0RM8K:0001:CFQ7TTC0K3P1";
inline constexpr std::string_view kBusinessCentral = "CFQ7TTC0LHXM:0001:CFQ7TTC0K8ZQ";
inline constexpr std::string_view kFacultyA3 = "CFQ7TTC0LHPV:0001:CFQ7TTC0K4N6";
inline constexpr std::string_view kSalesTrial = "CFQ7TTC0LGZT:0002:CFQ7TTC0K6WC";
inline constexpr std::string_view kSalesEnterprise = "CFQ7TTC0LGZT:0001:CFQ7TTC0K6WB";
inline constexpr std::string_view kE3Promotion = "39NFJQT1Q5KW:0001:39NFJQT1Q5KN";

}  // namespace pcsim::testing
