// The price sheet (Get a price sheet): the exact CSV of a small catalog for
// each view and timeline, the EST view against what an EST month is charged,
// the zip download opened with libzip, every refused request, and that no
// read changes the state.
#include <zip.h>

#include <cstdlib>
#include <ctime>
#include <optional>
#include <string>
#include <vector>

#include "simulator/catalog/catalog.h"
#include "tests/api/api_fixture.h"

namespace pcsim::api::testing {
namespace {

using json = nlohmann::json;

// Contoso Suite: commercial (US, and DE/FR in euros) with a July 2026 price
// change, and education (US, annual only: its EST price is the 23% one).
// Fabrikam Basic: a March 2026 price change and an EST price-list entry from
// May 2026. Adatum Tools: not EST-eligible. The Azure plan: one meter.
constexpr const char* kCatalog = R"({"format": 1, "products": [
  {"id": "CFQ7TTC0SUIT", "title": "Contoso Suite", "skus": [{"id": "0001", "title": "Contoso Suite",
    "description": "Mail, files and meetings, for teams.", "availabilities": [
      {"id": "CFQ7TTC0AV01", "markets": [
        {"countries": ["US"], "currency": "USD", "prices": [
          {"from": "2025-01-01", "term": "P1M", "billing": "monthly", "price": "12.00"},
          {"from": "2025-01-01", "term": "P1Y", "billing": "annual", "price": "120.00"},
          {"from": "2026-07-01", "term": "P1M", "billing": "monthly", "price": "13.20"},
          {"from": "2026-07-01", "term": "P1Y", "billing": "annual", "price": "132.00"}]},
        {"countries": ["DE", "FR"], "currency": "EUR", "prices": [
          {"from": "2025-01-01", "term": "P1M", "billing": "monthly", "price": "11.00"}]}]},
      {"id": "CFQ7TTC0AV02", "segment": "education", "markets": [
        {"countries": ["US"], "currency": "USD", "prices": [
          {"from": "2025-01-01", "term": "P1Y", "billing": "annual", "price": "60.00"}]}]}]}]},
  {"id": "CFQ7TTC0FABR", "title": "Fabrikam Basic", "skus": [{"id": "0001", "title": "Fabrikam Basic",
    "description": "Basic.", "availabilities": [{"id": "CFQ7TTC0AV03", "markets": [
      {"countries": ["US"], "currency": "USD", "prices": [
        {"from": "2025-01-01", "term": "P1M", "billing": "monthly", "price": "4.50"},
        {"from": "2026-03-01", "term": "P1M", "billing": "monthly", "price": "5.00"}],
       "estPrices": [{"from": "2026-05-01", "price": "5.50"}]}]}]}]},
  {"id": "CFQ7TTC0ADAT", "title": "Adatum Tools", "skus": [{"id": "0001", "title": "Adatum Tools",
    "estEligible": false, "availabilities": [{"id": "CFQ7TTC0AV04", "markets": [
      {"countries": ["US"], "currency": "USD", "prices": [
        {"from": "2025-01-01", "term": "P1Y", "billing": "annual", "price": "24.00"}]}]}]}]},
  {"id": "DZH318Z0BPS6", "title": "Azure plan", "productType": "Azure", "publisherName": "Microsoft",
   "targetView": "MicrosoftAzure", "skus": [{"id": "0001", "title": "Azure plan", "billingType": "usage",
    "maxSubscriptionsPerCustomer": 1, "availabilities": [{"id": "DZH318Z0JJ6R", "markets": [
      {"countries": ["US"], "currency": "USD", "meters": [
        {"id": "m1", "name": "D2s v3", "category": "Virtual Machines", "unit": "1 Hour",
         "productId": "DZH318Z0BQ4G", "skuId": "00TG", "productName": "Virtual Machines Dsv3 Series",
         "skuName": "D2s v3", "price": "0.096"}]}]}]}]}]})";

constexpr const char* kHeader =
    "ProductTitle,ProductId,SkuId,SkuTitle,Publisher,SkuDescription,UnitOfMeasure,TermDuration,BillingPlan,Market,"
    "Currency,UnitPrice,PricingTierRangeMin,PricingTierRangeMax,EffectiveStartDate,EffectiveEndDate,Tags,ERP Price,"
    "Segment\r\n";
constexpr const char* kSuite = "Contoso Suite,CFQ7TTC0SUIT,0001,Contoso Suite,Microsoft Corporation,"
                               "\"Mail, files and meetings, for teams.\",,";
constexpr const char* kFabrikam = "Fabrikam Basic,CFQ7TTC0FABR,0001,Fabrikam Basic,Microsoft Corporation,Basic.,,";
constexpr const char* kAdatum = "Adatum Tools,CFQ7TTC0ADAT,0001,Adatum Tools,Microsoft Corporation,,,";
constexpr const char* kOpen = "11/30/9999 11:59:59 PM";

// A row of a US license sheet after the product's own fields: the term and
// billing, the price (UnitPrice and ERP Price), the first and the last day
// ("" when no later price is known) and the segment.
std::string Row(const char* product, const char* term_billing, const char* price, const char* first,
                const char* last = "", const char* segment = "Commercial") {
  return std::string(product) + term_billing + ",US,USD," + price + ",,," + first + " 12:00:00 AM," +
         (*last ? std::string(last) + " 11:59:59 PM" : std::string(kOpen)) + ",License," + price + "," + segment +
         "\r\n";
}

std::string Sheet(const std::string& market, const std::string& view) {
  return "/v1.0/sales/pricesheets(Market='" + market + "',PricesheetView='" + view + "')/$value";
}

// One record of RFC 4180 text per element, its fields unquoted.
std::vector<std::vector<std::string>> ParseCsv(const std::string& text) {
  std::vector<std::vector<std::string>> rows(1, std::vector<std::string>(1));
  bool quoted = false;
  for (size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    const bool doubled = i + 1 < text.size() && text[i + 1] == c;
    if (quoted && c == '"' && doubled) {
      rows.back().back() += '"';
      ++i;
    } else if (c == '"') {
      quoted = !quoted;
    } else if (!quoted && c == ',') {
      rows.back().emplace_back();
    } else if (!quoted && c == '\r' && i + 1 < text.size() && text[i + 1] == '\n') {
      rows.emplace_back(1);
      ++i;
    } else {
      rows.back().back() += c;
    }
  }
  rows.pop_back();  // after the last CRLF
  return rows;
}

// The one file of a zip archive, read with libzip: {name, content}.
std::optional<std::pair<std::string, std::string>> Unzip(const std::string& bytes) {
  zip_error_t error;
  zip_error_init(&error);
  zip_source_t* source = zip_source_buffer_create(bytes.data(), bytes.size(), 0, &error);
  zip_t* archive = source ? zip_open_from_source(source, ZIP_RDONLY | ZIP_CHECKCONS, &error) : nullptr;
  zip_error_fini(&error);
  if (archive == nullptr) {
    if (source) zip_source_free(source);
    return std::nullopt;
  }
  std::optional<std::pair<std::string, std::string>> out;
  zip_stat_t stat;
  if (zip_get_num_entries(archive, 0) == 1 && zip_stat_index(archive, 0, 0, &stat) == 0) {
    std::string content(stat.size, '\0');
    if (zip_file_t* file = zip_fopen_index(archive, 0, 0)) {
      if (zip_fread(file, content.data(), stat.size) == static_cast<zip_int64_t>(stat.size))
        out.emplace(stat.name, std::move(content));
      zip_fclose(file);
    }
  }
  zip_discard(archive);  // frees the source too
  return out;
}

uint16_t LittleEndian16(const std::string& bytes, size_t at) {
  return static_cast<uint16_t>(static_cast<unsigned char>(bytes[at]) | static_cast<unsigned char>(bytes[at + 1]) << 8);
}

class PriceSheetTest : public ApiTest {
 protected:
  void StartWithCatalog(std::string_view start = "2026-06-15T09:00:00Z") {
    auto catalog = Catalog::FromJson(kCatalog, "pricesheet-test.json");
    ASSERT_TRUE(catalog.ok()) << catalog.status().description();
    RouterOptions options;
    options.sandbox.start = *Instant::Parse(start);
    options.sandbox.catalog = *catalog;
    router = std::make_unique<Router>(options);
  }
  // The CSV text of a 200 answer.
  std::string Csv(const std::string& target, HeaderList headers = {}) {
    Response r = Call("GET", target, "", std::move(headers));
    EXPECT_EQ(r.status, 200) << target << " -> " << r.body;
    EXPECT_EQ(r.content_type, "application/octet-stream");
    EXPECT_EQ(r.Header("Content-Disposition"), "attachment; filename=sheets.csv");
    return r.body;
  }
  // A refused request: its status and Partner Center error body.
  void ExpectError(const std::string& target, int status, int code, const std::string& says, HeaderList headers = {}) {
    const uint64_t before = router->StateDigest();
    Response r = Call("GET", target, "", std::move(headers));
    EXPECT_EQ(r.status, status) << target << " -> " << r.body;
    json body = json::parse(r.body, nullptr, false);
    ASSERT_TRUE(body.is_object()) << target << " -> " << r.body;
    EXPECT_EQ(body["code"], code) << target;
    EXPECT_NE(body.value("description", "").find(says), std::string::npos) << target << " -> " << body["description"];
    EXPECT_EQ(body["source"], "PartnerFD");
    EXPECT_EQ(router->StateDigest(), before) << target;
  }
};

TEST_F(PriceSheetTest, TheCurrentLicenseSheetListsThePricesInForceThisMonth) {
  StartWithCatalog();
  EXPECT_EQ(Csv(Sheet("US", "updatedlicensebased")),
            std::string(kHeader) +
                Row(kSuite, "P1M,Monthly", "12", "1/1/2025", "6/30/2026") +
                Row(kSuite, "P1Y,Annual", "120", "1/1/2025", "6/30/2026") +
                Row(kSuite, "P1Y,Annual", "60", "1/1/2025", "", "Education") +
                Row(kFabrikam, "P1M,Monthly", "5", "3/1/2026") +
                Row(kAdatum, "P1Y,Annual", "24", "1/1/2025"));
  // timeline=current is the default; another market has its own currency.
  EXPECT_EQ(Csv(Sheet("US", "updatedlicensebased") + "?timeline=current"), Csv(Sheet("US", "updatedlicensebased")));
  EXPECT_EQ(Csv(Sheet("DE", "updatedlicensebased")),
            std::string(kHeader) + kSuite + "P1M,Monthly,DE,EUR,11,,,1/1/2025 12:00:00 AM," + kOpen +
                ",License,11,Commercial\r\n");
}

TEST_F(PriceSheetTest, HistoryListsThePricesOfThatMonthAndFutureThoseThatStartAfterToday) {
  StartWithCatalog();
  EXPECT_EQ(Csv(Sheet("US", "updatedlicensebased") + "?timeline=history&month=202512"),
            std::string(kHeader) +
                Row(kSuite, "P1M,Monthly", "12", "1/1/2025", "6/30/2026") +
                Row(kSuite, "P1Y,Annual", "120", "1/1/2025", "6/30/2026") +
                Row(kSuite, "P1Y,Annual", "60", "1/1/2025", "", "Education") +
                Row(kFabrikam, "P1M,Monthly", "4.5", "1/1/2025", "2/28/2026") +
                Row(kAdatum, "P1Y,Annual", "24", "1/1/2025"));
  // Fabrikam's price changed on 2026-03-01: February has the old one, March the new one.
  std::string february = Csv(Sheet("US", "updatedlicensebased") + "?Timeline=History&Month=202602");
  EXPECT_NE(february.find(",4.5,,,1/1/2025 12:00:00 AM,2/28/2026 11:59:59 PM,"), std::string::npos) << february;
  EXPECT_EQ(february.find(",5,,,3/1/2026"), std::string::npos) << february;
  std::string march = Csv(Sheet("US", "updatedlicensebased") + "?timeline=HISTORY&month=202603");
  EXPECT_EQ(march.find(",4.5,"), std::string::npos) << march;
  EXPECT_NE(march.find(",5,,,3/1/2026 12:00:00 AM,"), std::string::npos) << march;
  // A month before any price: the header alone.
  EXPECT_EQ(Csv(Sheet("US", "updatedlicensebased") + "?timeline=history&month=202412"), kHeader);
  EXPECT_EQ(Csv(Sheet("US", "updatedlicensebased") + "?timeline=future"),
            std::string(kHeader) +
                Row(kSuite, "P1M,Monthly", "13.2", "7/1/2026") +
                Row(kSuite, "P1Y,Annual", "132", "7/1/2026"));
}

TEST_F(PriceSheetTest, TheEstSheetIsTheSimulatorsEstPrice) {
  StartWithCatalog();
  // P1M + 3% (12 -> 12.36), the annual price / 12 + 23% without a monthly
  // plan (60 -> 6.15), the EST price-list entry (5.50); Adatum is ineligible.
  EXPECT_EQ(Csv(Sheet("US", "licensebasedest")),
            std::string(kHeader) +
                Row(kSuite, "P1M,Monthly", "12.36", "1/1/2025", "6/30/2026") +
                Row(kSuite, "P1M,Monthly", "6.15", "1/1/2025", "", "Education") +
                Row(kFabrikam, "P1M,Monthly", "5.5", "5/1/2026"));
  EXPECT_EQ(Csv(Sheet("US", "licensebasedest") + "?timeline=history&month=202603"),
            std::string(kHeader) +
                Row(kSuite, "P1M,Monthly", "12.36", "1/1/2025", "6/30/2026") +
                Row(kSuite, "P1M,Monthly", "6.15", "1/1/2025", "", "Education") +
                Row(kFabrikam, "P1M,Monthly", "5.15", "3/1/2026", "4/30/2026"));
  // 13.20 + 3% = 13.596, rounded half up to 13.60.
  EXPECT_EQ(Csv(Sheet("US", "licensebasedest") + "?timeline=future"),
            std::string(kHeader) + Row(kSuite, "P1M,Monthly", "13.6", "7/1/2026"));
}

// What the EST sheet lists is what an EST month costs: a subscription that
// drifts into EST is charged the sheet's UnitPrice on that day.
TEST_F(PriceSheetTest, TheEstSheetPriceIsWhatAnEstMonthIsCharged) {
  StartWithCatalog("2026-04-10T09:00:00Z");
  std::string customer = CreateCustomer();
  std::vector<std::string> subs = {Buy(customer, "CFQ7TTC0SUIT:0001:CFQ7TTC0AV01", 3, "P1M", "monthly"),
                                   Buy(customer, "CFQ7TTC0FABR:0001:CFQ7TTC0AV03", 2, "P1M", "monthly")};
  for (const std::string& id : subs) {
    json sub = CallJson("GET", "/v1/customers/" + customer + "/subscriptions/" + id);
    sub["autoRenewEnabled"] = false;
    CallJson("PATCH", "/v1/customers/" + customer + "/subscriptions/" + id, sub);
  }
  Advance("2026-05-10T12:00:00Z");  // the terms ended on 2026-05-09: EST from 2026-05-10
  auto sheet = ParseCsv(Csv(Sheet("US", "licensebasedest")));
  // The month's charges, read as an integration does (the Graph export).
  std::vector<json> lines = ExportRows("reconciliation/unbilled", {{"currencyCode", "USD"}, {"billingPeriod", "current"}});
  int est_lines = 0;
  for (const json& line : lines) {
    if (line.value("TermAndBillingCycle", "") != "Extended Service Term") continue;
    ++est_lines;
    std::string charged = Decimal::Parse(line["UnitPrice"].dump())->Normalized().ToString();
    bool found = false;
    for (const auto& row : sheet)
      if (row[1] == line.value("ProductId", "") && row[18] == "Commercial") {
        EXPECT_EQ(row[11], charged) << line.dump();
        found = true;
      }
    EXPECT_TRUE(found) << line.dump();
  }
  EXPECT_EQ(est_lines, 2);
}

TEST_F(PriceSheetTest, TheAzureSheetIsTheRateCard) {
  StartWithCatalog();
  EXPECT_EQ(Csv(Sheet("US", "azure_consumption")),
            "ProductTitle,ProductId,SkuId,SkuTitle,Publisher,SkuDescription,UnitOfMeasure,TermDuration,Market,Currency,"
            "UnitPrice,PricingTierRangeMin,PricingTierRangeMax,EffectiveStartDate,EffectiveEndDate,MeterIds,MeterType,"
            "Tags\r\n"
            "Virtual Machines Dsv3 Series,DZH318Z0BQ4G,00TG,D2s v3,Microsoft,D2s v3,1 Hour,,US,USD,0.096,,,"
            "6/1/2026 12:00:00 AM,11/30/9999 11:59:59 PM,m1,1 Hour,Azure\r\n");
  std::string january = Csv(Sheet("US", "azure_consumption") + "?timeline=history&month=202601");
  EXPECT_NE(january.find(",0.096,,,1/1/2026 12:00:00 AM,"), std::string::npos) << january;
  // A market without an Azure plan: the header alone.
  EXPECT_EQ(ParseCsv(Csv(Sheet("DE", "azure_consumption"))).size(), 1u);
}

TEST_F(PriceSheetTest, KeysAreReadInAnyOrderAndCaseAndMayBePercentEncoded) {
  StartWithCatalog();
  const std::string expected = Csv(Sheet("US", "updatedlicensebased"));
  for (const char* target :
       {"/v1.0/sales/pricesheets(PricesheetView='updatedlicensebased',Market='US')/$value",
        "/v1.0/sales/PRICESHEETS(market='us',pricesheetview='UpdatedLicenseBased')/$VALUE",
        "/v1.0/sales/pricesheets(Market=%27US%27,PricesheetView=%27updatedlicensebased%27)/$value",
        "/V1.0/Sales/pricesheets%28Market%3D%27US%27%2CPricesheetView%3D%27updatedlicensebased%27%29/%24value"})
    EXPECT_EQ(Csv(target), expected) << target;
}

TEST_F(PriceSheetTest, DeflateAnswersAZipHoldingTheSameCsv) {
  StartWithCatalog();
  const std::string csv = Csv(Sheet("US", "updatedlicensebased"));
  for (const char* accept : {"deflate", "gzip, deflate", "br;q=1.0, Deflate;q=0.5"}) {
    Response r = Call("GET", Sheet("US", "updatedlicensebased"), "", {{"Accept-Encoding", accept}});
    ASSERT_EQ(r.status, 200) << accept;
    EXPECT_EQ(r.content_type, "application/octet-stream");
    EXPECT_EQ(r.Header("Content-Disposition"), "attachment; filename=sheets.zip");
    EXPECT_FALSE(r.Header("Content-Encoding").has_value());  // a zip file, not a transfer coding
    auto file = Unzip(r.body);
    ASSERT_TRUE(file.has_value()) << accept;
    EXPECT_EQ(file->first, "sheets.csv");
    EXPECT_EQ(file->second, csv);
    // Local file header: deflate (8), 12:00:00 on the simulated 2026-06-15.
    EXPECT_EQ(r.body.substr(0, 4), std::string("PK\x03\x04", 4));
    EXPECT_EQ(LittleEndian16(r.body, 8), 8);
    EXPECT_EQ(LittleEndian16(r.body, 10), 12 << 11);
    EXPECT_EQ(LittleEndian16(r.body, 12), (2026 - 1980) << 9 | 6 << 5 | 15);
  }
  for (const char* accept : {"gzip", "identity", "deflate;q=0", "gzip, deflate;q=0.000", "x-deflate"})
    EXPECT_EQ(Csv(Sheet("US", "updatedlicensebased"), {{"Accept-Encoding", accept}}), csv) << accept;
}

TEST_F(PriceSheetTest, TheZipBytesDependOnNeitherTheWallClockNorTheTimeZone) {
  StartWithCatalog();
  auto zip = [&] { return Call("GET", Sheet("US", "licensebasedest"), "", {{"Accept-Encoding", "deflate"}}).body; };
  const std::string first = zip();
  const char* saved = std::getenv("TZ");
  const std::optional<std::string> previous = saved ? std::optional<std::string>(saved) : std::nullopt;
  // Daylight saving starting at midnight, and a zone far from UTC.
  for (const char* tz : {"EST5EDT,M3.2.0/0,M11.1.0/0", "UTC-13:45", "UTC"}) {
    setenv("TZ", tz, 1);
    tzset();
    EXPECT_EQ(zip(), first) << tz;
  }
  if (previous) setenv("TZ", previous->c_str(), 1);
  else unsetenv("TZ");
  tzset();
}

TEST_F(PriceSheetTest, BadKeysAreRefusedWithTheCatalogueError) {
  StartWithCatalog();
  const std::string base = "/v1.0/sales/";
  const std::pair<const char*, const char*> bad[] = {
      {"pricesheets(Market='US')", "PricesheetView is missing"},
      {"pricesheets(PricesheetView='updatedlicensebased')", "Market is missing"},
      {"pricesheets(Market=US,PricesheetView='updatedlicensebased')", "not in single quotes"},
      {"pricesheets(Market='US',PricesheetView='updatedlicensebased',Market='US')", "given twice"},
      {"pricesheets(Market='US',PricesheetView='updatedlicensebased'", "does not end with ')'"},
      {"pricesheets(Market='US', PricesheetView='updatedlicensebased')", "no spaces outside the quotes"},
      {"pricesheets(Market ='US',PricesheetView='updatedlicensebased')", "no spaces outside the quotes"},
      {"pricesheets(Market='US',PricesheetView='updatedlicensebased',Currency='USD')", "unknown key Currency"},
      {"pricesheets(Market='US';PricesheetView='updatedlicensebased')", "expected a comma"},
      {"pricesheets(Market='US,PricesheetView='updatedlicensebased')", "expected a comma"},
      {"pricesheets(Market='US',PricesheetView='updatedlicensebased)", "no closing quote"},
      {"pricesheets()", "expected key='value'"},
      {"pricesheets(='US',PricesheetView='updatedlicensebased')", "without a key name"},
  };
  for (const auto& [segment, says] : bad) ExpectError(base + segment + "/$value", 400, 800002, says);
  ExpectError(Sheet("USA", "updatedlicensebased"), 400, 800002, "Market 'USA' is not a two-letter country code");
  ExpectError(Sheet("U1", "updatedlicensebased"), 400, 800002, "not a two-letter country code");
  ExpectError(Sheet("", "updatedlicensebased"), 400, 800002, "not a two-letter country code");
  ExpectError(Sheet("ZZ", "updatedlicensebased"), 400, 800002,
              "Market 'ZZ' has no price sheet: the catalog sells in DE, FR, US");
  ExpectError(Sheet("US", "azure_reservations"), 400, 800002, "PricesheetView 'azure_reservations' is not served");
  ExpectError(Sheet("US", "licensebased"), 400, 800002,
              "use updatedlicensebased, licensebasedest or azure_consumption");
  ExpectError(Sheet("US", "it''s"), 400, 800002, "PricesheetView 'it's' is not served");
}

TEST_F(PriceSheetTest, BadTimelinesAndMonthsAreRefused) {
  StartWithCatalog();
  const std::string sheet = Sheet("US", "updatedlicensebased");
  ExpectError(sheet + "?timeline=past", 400, 800002, "Invalid timeline 'past': use current, history or future");
  ExpectError(sheet + "?timeline=", 400, 800002, "Invalid timeline ''");
  ExpectError(sheet + "?timeline=history", 400, 800002, "timeline=history needs month=YYYYMM");
  ExpectError(sheet + "?timeline=history&month=2025-12", 400, 800002, "Invalid month '2025-12': write it as YYYYMM");
  ExpectError(sheet + "?timeline=history&month=20251", 400, 800002, "write it as YYYYMM");
  ExpectError(sheet + "?timeline=history&month=202513", 400, 800002, "the month must be 01 to 12");
  ExpectError(sheet + "?timeline=history&month=196912", 400, 800002, "the calendar starts in 1970");
  ExpectError(sheet + "?timeline=history&month=202606", 400, 800002, "before the current month 2026-06");
  ExpectError(sheet + "?timeline=history&month=202701", 400, 800002, "before the current month");
  ExpectError(sheet + "?month=202601", 400, 800002, "not with timeline=current");
  ExpectError(sheet + "?timeline=future&month=202607", 400, 800002, "not with timeline=future");
}

TEST_F(PriceSheetTest, NoPlannedChangeIsA404AsThePageSays) {
  StartWithCatalog();
  ExpectError(Sheet("DE", "updatedlicensebased") + "?timeline=future", 404, 1000,
              "No future price list: no updatedlicensebased price in market DE changes after 2026-06-15");
  ExpectError(Sheet("US", "azure_consumption") + "?timeline=future", 404, 1000, "azure_consumption");
  Advance("2026-07-01T00:00:00Z");  // the July prices are current now
  ExpectError(Sheet("US", "updatedlicensebased") + "?timeline=future", 404, 1000, "changes after 2026-07-01");
}

TEST_F(PriceSheetTest, OtherPathsMethodsAndAppOnlyTokens) {
  StartWithCatalog();
  ExpectError("/v1.0/sales/offermatrix(Market='US')/$value", 404, 1000, "No route matches GET");
  EXPECT_EQ(Call("POST", Sheet("US", "updatedlicensebased"), "{}").status, 405);
  const std::string app = UnsignedJwt(R"({"tid": "partner-a", "idtyp": "app", "appid": "x"})");
  ExpectError(Sheet("US", "updatedlicensebased"), 403, 900329, "application-only",
              {{"Authorization", "Bearer " + app}});
  EXPECT_EQ(Router(RouterOptions{}).Handle(MakeRequest("GET", Sheet("US", "updatedlicensebased"))).status, 401);
}

TEST_F(PriceSheetTest, ReadingEverySheetChangesNothing) {
  StartWithCatalog();
  std::string customer = CreateCustomer();
  Buy(customer, "CFQ7TTC0SUIT:0001:CFQ7TTC0AV01", 3, "P1Y", "annual");
  const uint64_t before = router->StateDigest();
  for (const char* view : {"updatedlicensebased", "licensebasedest", "azure_consumption"})
    for (const char* query : {"", "?timeline=history&month=202601", "?timeline=future"})
      for (const char* accept : {"identity", "deflate"})
        EXPECT_LT(Call("GET", Sheet("US", view) + query, "", {{"Accept-Encoding", accept}}).status, 500);
  EXPECT_EQ(router->StateDigest(), before);
}

}  // namespace
}  // namespace pcsim::api::testing
