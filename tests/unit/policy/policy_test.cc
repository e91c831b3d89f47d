// Unit tests for simulator/policy/policy.h with the embedded
// fixtures/policies/microsoft.json.
#include "simulator/policy/policy.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <future>
#include <fstream>
#include <optional>
#include <ostream>
#include <regex>
#include <sstream>
#include <string>

namespace pcsim {

static void PrintTo(const Date& d, std::ostream* os) { *os << d.ToString(); }
static void PrintTo(const Decimal& d, std::ostream* os) { *os << d.ToString(); }

namespace {

using ::testing::HasSubstr;

Date Day(std::string_view text) {
  auto d = Date::Parse(text);
  EXPECT_TRUE(d.has_value()) << text;
  return d.value_or(Date());
}

constexpr PolicyKey kAllKeys[] = {
    PolicyKey::kEffectiveUnitPriceDecimals,   PolicyKey::kRoundingAddQuantity,
    PolicyKey::kRoundingRemoveQuantity,       PolicyKey::kRoundingCancelImmediate,
    PolicyKey::kRoundingConvert,              PolicyKey::kRoundingMoveQuantity,
    PolicyKey::kRoundingChangeBillingPlan,    PolicyKey::kRoundingShortenedCycle,
    PolicyKey::kLongCycleProration,           PolicyKey::kPromotionPriceDecimals,
    PolicyKey::kInvoiceCloseDay,              PolicyKey::kInvoiceIdPrefix,
    PolicyKey::kInvoiceIdDigits,              PolicyKey::kFullRefundHours,
    PolicyKey::kCancellationWindowHours,      PolicyKey::kSeatReductionWindowHours,
    PolicyKey::kTriennialMidTermBillingChangeAllowed, PolicyKey::kExpiredDays,
    PolicyKey::kDisabledDays,                 PolicyKey::kSuspendedAtTermEndDisabledDays,
    PolicyKey::kCancelledAtTermEndRetentionDays, PolicyKey::kEstEnforcementDate,
    PolicyKey::kEstEligiblePurchasedFrom,     PolicyKey::kEstUpliftPercent,
    PolicyKey::kEstNoMonthlyUpliftPercent,    PolicyKey::kEstNoMonthlyBase,
    PolicyKey::kEstPriceDecimals,             PolicyKey::kEstTermAndBillingCycle,
    PolicyKey::kScheduledActionsSandboxFrom,  PolicyKey::kScheduledActionsProductionFrom,
    PolicyKey::kBackfillStart,                PolicyKey::kBackfillEnd,
    PolicyKey::kAutoRenewOffRuleFrom,         PolicyKey::kAutoRenewOffRuleDelayHours,
    PolicyKey::kEstAuditDownloadFrom,         PolicyKey::kMfaRequiredFrom,
    PolicyKey::kSandboxEnforceQuotas,         PolicyKey::kSandboxMaxCustomers,
    PolicyKey::kSandboxMaxSubscriptionsPerCustomer, PolicyKey::kSandboxMaxSeatsPerSubscription,
    PolicyKey::kCartExpiryDays,               PolicyKey::kOrderProvisioningSeconds,
    PolicyKey::kTermTextP1MMonthly,           PolicyKey::kTermTextP1YMonthly,
    PolicyKey::kTermTextP1YAnnual,            PolicyKey::kTermTextP3YMonthly,
    PolicyKey::kTermTextP3YAnnual,            PolicyKey::kTermTextP3YTriennial,
    PolicyKey::kTermTextTrial,                PolicyKey::kPecRate,
    PolicyKey::kUsageDataLagHours,            PolicyKey::kSandboxMaxAzurePlans,
    PolicyKey::kSandboxMaxAzureSubscriptionsPerPlan, PolicyKey::kSandboxAzureSpendLimit,
    PolicyKey::kReconV2FirstPeriod,           PolicyKey::kReconV1ServedUntil,
    PolicyKey::kReconV1KeepServing,           PolicyKey::kGraphExportDelaySeconds,
    PolicyKey::kGraphExportRowsPerBlob,       PolicyKey::kGraphExportSasHours,
};
static_assert(std::size(kAllKeys) == static_cast<size_t>(PolicyKey::kCount));

std::string FixtureText() {
  std::ifstream in(std::string(PCSIM_SOURCE_DIR) + "/fixtures/policies/microsoft.json");
  EXPECT_TRUE(in) << "cannot open fixtures/policies/microsoft.json";
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

nlohmann::json FixtureJson() { return nlohmann::json::parse(FixtureText()); }

// The error of a policy file (written by nlohmann with an indent of 2) that
// must fail to load, "test.json:LINE:COLUMN: REASON (at PATH)", split into the
// message without its position ("test.json: REASON (at PATH)") and the text
// of the file from that position to the end of its line.
struct LoadError {
  std::string message;
  std::string at;
};

LoadError LoadErrorOf(const nlohmann::json& doc) {
  std::string text = doc.dump(2);
  auto p = Policy::FromJson(text, "test.json");
  EXPECT_FALSE(p.ok()) << "policy unexpectedly loaded";
  if (p.ok()) return {};
  EXPECT_EQ(p.status().http_status(), 400);
  EXPECT_EQ(p.status().code(), 3000);
  const std::string& description = p.status().description();
  std::smatch m;
  static const std::regex kLocated(R"(^test\.json:(\d+):(\d+): (.*)$)");
  if (!std::regex_match(description, m, kLocated)) {
    ADD_FAILURE() << "no line and column: " << description;
    return {description, ""};
  }
  size_t start = 0;
  for (size_t line = 1; line < std::stoul(m[1].str()) && start != std::string::npos; ++line)
    start = text.find('\n', start) + 1;
  // Columns count characters: the fixture's sources hold a few non-ASCII
  // ones, but never before a value on its line.
  size_t at = start + std::stoul(m[2].str()) - 1;
  if (at > text.size()) return {"test.json: " + m[3].str(), "(past the end)"};
  return {"test.json: " + m[3].str(), text.substr(at, text.find('\n', at) - at)};
}

std::string ErrorOf(const nlohmann::json& doc) { return LoadErrorOf(doc).message; }
std::string ErrorAt(const nlohmann::json& doc) { return LoadErrorOf(doc).at; }

// ---------------------------------------------------------------- Microsoft()

TEST(PolicyTest, MicrosoftPolicyIsNamedMicrosoft) { EXPECT_EQ(Policy::Microsoft().name(), "microsoft"); }

TEST(PolicyTest, MicrosoftReturnsTheSameInstance) { EXPECT_EQ(&Policy::Microsoft(), &Policy::Microsoft()); }

TEST(PolicyTest, CancellationWindowIsOneWeek) {
  EXPECT_EQ(Policy::Microsoft().Int(PolicyKey::kCancellationWindowHours, Day("2026-01-01")), 168);
  EXPECT_EQ(Policy::Microsoft().Int(PolicyKey::kCancellationWindowHours, Day("1970-01-01")), 168);
  EXPECT_EQ(Policy::Microsoft().Int(PolicyKey::kFullRefundHours, Day("2026-01-01")), 24);
}

TEST(PolicyTest, TriennialMidTermBillingChangeStopsOnAprilFirst2025) {
  const Policy& p = Policy::Microsoft();
  EXPECT_TRUE(p.Bool(PolicyKey::kTriennialMidTermBillingChangeAllowed, Day("2025-03-31")));
  EXPECT_FALSE(p.Bool(PolicyKey::kTriennialMidTermBillingChangeAllowed, Day("2025-04-01")));
  EXPECT_FALSE(p.Bool(PolicyKey::kTriennialMidTermBillingChangeAllowed, Day("2030-01-01")));
  const auto& values = p.Parameter(PolicyKey::kTriennialMidTermBillingChangeAllowed).values;
  ASSERT_EQ(values.size(), 2u);
  EXPECT_EQ(values[0].from, Day("1970-01-01"));
  EXPECT_EQ(values[1].from, Day("2025-04-01"));
}

TEST(PolicyTest, EstEnforcementDateIsMayFourth2026) {
  EXPECT_EQ(Policy::Microsoft().DateOf(PolicyKey::kEstEnforcementDate), Day("2026-05-04"));
  EXPECT_EQ(Policy::Microsoft().DateOf(PolicyKey::kEstEnforcementDate, Day("2026-01-01")), Day("2026-05-04"));
}

TEST(PolicyTest, RoundingModesFollowMicrosoftExamples) {
  const Policy& p = Policy::Microsoft();
  Date d = Day("2026-01-01");
  EXPECT_EQ(p.RoundingOf(PolicyKey::kRoundingAddQuantity, d), Rounding::TruncateTotal);
  EXPECT_EQ(p.RoundingOf(PolicyKey::kRoundingRemoveQuantity, d), Rounding::TruncateTotal);
  EXPECT_EQ(p.RoundingOf(PolicyKey::kRoundingCancelImmediate, d), Rounding::TruncateUnitPrice);
  EXPECT_EQ(p.RoundingOf(PolicyKey::kRoundingConvert, d), Rounding::TruncateUnitPrice);
  EXPECT_EQ(p.RoundingOf(PolicyKey::kRoundingChangeBillingPlan, d), Rounding::TruncateUnitPrice);
}

TEST(PolicyTest, DecimalStringAndIntegerValues) {
  const Policy& p = Policy::Microsoft();
  Date d = Day("2026-01-01");
  EXPECT_EQ(p.Dec(PolicyKey::kEstUpliftPercent, d), Decimal::FromInt(3));
  EXPECT_EQ(p.Dec(PolicyKey::kEstNoMonthlyUpliftPercent, d), Decimal::FromInt(23));
  EXPECT_EQ(p.Dec(PolicyKey::kPecRate, d).ToString(), "0.15");
  EXPECT_EQ(p.Str(PolicyKey::kInvoiceIdPrefix, d), "G");
  EXPECT_EQ(p.Str(PolicyKey::kLongCycleProration, d), "months");
  EXPECT_EQ(p.Str(PolicyKey::kEstNoMonthlyBase, d), "P1Y/annual");
  EXPECT_EQ(p.Str(PolicyKey::kTermTextP1MMonthly, d), "One-Month commitment for monthly billing");
  EXPECT_EQ(p.Int(PolicyKey::kInvoiceIdDigits, d), 9);
  EXPECT_EQ(p.Int(PolicyKey::kEffectiveUnitPriceDecimals, d), 4);
  EXPECT_EQ(p.Int(PolicyKey::kSandboxMaxCustomers, d), 75);
  EXPECT_TRUE(p.Bool(PolicyKey::kSandboxEnforceQuotas, d));
  EXPECT_EQ(p.DateOf(PolicyKey::kMfaRequiredFrom), Day("2026-04-01"));
}

TEST(PolicyTest, EveryParameterOfTheEmbeddedPolicyHasASource) {
  for (PolicyKey key : kAllKeys) {
    const PolicyParameter& param = Policy::Microsoft().Parameter(key);
    EXPECT_FALSE(param.source.empty()) << InfoOf(key).name;
    EXPECT_FALSE(param.values.empty()) << InfoOf(key).name;
    EXPECT_FALSE(param.overridden) << InfoOf(key).name;
  }
}

TEST(PolicyTest, ParameterTableIsIndexedByKey) {
  for (PolicyKey key : kAllKeys) {
    EXPECT_EQ(InfoOf(key).key, key) << InfoOf(key).name;
    EXPECT_EQ(FindPolicyKey(InfoOf(key).name), key) << InfoOf(key).name;
  }
}

TEST(PolicyTest, FindPolicyKeyByName) {
  EXPECT_EQ(FindPolicyKey("cancellation.windowHours"), PolicyKey::kCancellationWindowHours);
  EXPECT_EQ(InfoOf(PolicyKey::kCancellationWindowHours).name, "cancellation.windowHours");
  EXPECT_EQ(InfoOf(PolicyKey::kCancellationWindowHours).type, PolicyType::Integer);
  EXPECT_EQ(InfoOf(PolicyKey::kEstEnforcementDate).type, PolicyType::Date);
  EXPECT_EQ(FindPolicyKey("cancellation.windowhours"), std::nullopt);
  EXPECT_EQ(FindPolicyKey(""), std::nullopt);
}

TEST(PolicyTest, ToTextWritesValuesAsInThePolicyFile) {
  EXPECT_EQ(Policy::ToText(PolicyValue(int64_t{168})), "168");
  EXPECT_EQ(Policy::ToText(PolicyValue(*Decimal::Parse("0.15"))), "0.15");
  EXPECT_EQ(Policy::ToText(PolicyValue(Date::Ymd(2026, 5, 4))), "2026-05-04");
  EXPECT_EQ(Policy::ToText(PolicyValue(std::string("G"))), "G");
  EXPECT_EQ(Policy::ToText(PolicyValue(true)), "true");
  EXPECT_EQ(Policy::ToText(PolicyValue(Rounding::TruncateTotal)), "truncate-total");
  EXPECT_EQ(Policy::ToText(PolicyValue(Rounding::TruncateUnitPrice)), "truncate-unit-price");
}

TEST(PolicyTest, LoadByNameReturnsTheMicrosoftPolicy) {
  auto p = Policy::Load("microsoft");
  ASSERT_TRUE(p.ok());
  EXPECT_EQ(p->name(), "microsoft");
  EXPECT_EQ(p->Int(PolicyKey::kCancellationWindowHours, Day("2026-01-01")), 168);
}

TEST(PolicyTest, LoadByPathReadsTheFile) {
  auto p = Policy::Load(std::string(PCSIM_SOURCE_DIR) + "/fixtures/policies/microsoft.json");
  ASSERT_TRUE(p.ok()) << p.status().description();
  EXPECT_EQ(p->name(), "microsoft");
}

TEST(PolicyTest, BuiltinResolvesOnlyBuiltInNames) {
  EXPECT_THAT(Policy::BuiltinNames(), ::testing::ElementsAre("microsoft"));
  EXPECT_EQ(Policy::BuiltinNamesText(), "microsoft");
  ASSERT_NE(Policy::Builtin("microsoft"), nullptr);
  EXPECT_EQ(Policy::Builtin("microsoft")->name(), "microsoft");
  // Never a file, even a valid policy file.
  EXPECT_EQ(Policy::Builtin(std::string(PCSIM_SOURCE_DIR) + "/fixtures/policies/microsoft.json"), nullptr);
  EXPECT_EQ(Policy::Builtin("Microsoft"), nullptr);
  EXPECT_EQ(Policy::Builtin(""), nullptr);
}

TEST(PolicyTest, LoadOfAnUnknownNameFails) {
  auto p = Policy::Load("/nonexistent/policy.json");
  ASSERT_FALSE(p.ok());
  EXPECT_EQ(p.status().code(), 3000);
  EXPECT_THAT(p.status().description(), HasSubstr("unknown policy \"/nonexistent/policy.json\""));
}

TEST(PolicyTest, LoadRefusesAFifoWithoutBlocking) {
  std::string fifo = ::testing::TempDir() + "policy.fifo";
  std::remove(fifo.c_str());
  ASSERT_EQ(::mkfifo(fifo.c_str(), 0600), 0);
  auto load = std::async(std::launch::async, [&] { return Policy::Load(fifo); });
  if (load.wait_for(std::chrono::seconds(5)) != std::future_status::ready) {
    std::remove(fifo.c_str());
    std::abort();  // Load blocked on the FIFO: end the run rather than hang it
  }
  auto p = load.get();
  ASSERT_FALSE(p.ok());
  EXPECT_EQ(p.status().code(), 3000);
  EXPECT_EQ(p.status().description(), fifo + ": not a regular file (a FIFO)");
  std::remove(fifo.c_str());
  EXPECT_EQ(Policy::Load("/dev/null").status().description(), "/dev/null: not a regular file (a character device)");
}

TEST(PolicyTest, LoadRefusesAFileOverTheCap) {
  std::string path = ::testing::TempDir() + "policy-too-large.json";
  std::ofstream(path, std::ios::binary) << std::string(Policy::kMaxFileBytes + 1, ' ');
  auto p = Policy::Load(path);
  ASSERT_FALSE(p.ok());
  EXPECT_EQ(p.status().description(), path + ": the file is larger than 16 MiB");
  std::remove(path.c_str());
}

TEST(PolicyTest, FromJsonValueReadsAParsedDocument) {
  std::ifstream in(std::string(PCSIM_SOURCE_DIR) + "/fixtures/policies/microsoft.json", std::ios::binary);
  std::stringstream text;
  text << in.rdbuf();
  nlohmann::json document = nlohmann::json::parse(text.str());
  auto p = Policy::FromJsonValue(document, "inline");
  ASSERT_TRUE(p.ok()) << p.status().description();
  EXPECT_EQ(p->Int(PolicyKey::kInvoiceCloseDay, Day("2026-01-01")), 6);
  document["parameters"]["invoices.closeDay"]["value"] = "six";
  auto broken = Policy::FromJsonValue(document, "scenario.yaml:3: inline policy");
  ASSERT_FALSE(broken.ok());
  EXPECT_EQ(broken.status().description(),
            "scenario.yaml:3: inline policy: parameters.invoices.closeDay.value: expected an integer, got \"six\"");
}

TEST(PolicyTest, MessagesQuoteAtMostOneKiBOfInput) {
  Policy p = Policy::Microsoft();
  Status s = p.Override("invoices.closeDay", std::string(100'000, '7') + "x");
  ASSERT_FALSE(s.ok());
  EXPECT_LT(s.description().size(), 1200u);
  EXPECT_THAT(s.description(), HasSubstr("... (100,001 bytes)"));
  s = p.Override(std::string(100'000, 'k'), "1");
  EXPECT_LT(s.description().size(), 1200u);
  EXPECT_LT(Policy::Load(std::string(100'000, 'p')).status().description().size(), 1200u);
}

// ---------------------------------------------------------------- Override

TEST(PolicyOverrideTest, OverridesAnInteger) {
  Policy p = Policy::Microsoft();
  Status s = p.Override("cancellation.windowHours", "72");
  ASSERT_TRUE(s.ok()) << s.description();
  EXPECT_EQ(p.Int(PolicyKey::kCancellationWindowHours, Day("2026-01-01")), 72);
  EXPECT_TRUE(p.Parameter(PolicyKey::kCancellationWindowHours).overridden);
  EXPECT_EQ(p.Parameter(PolicyKey::kCancellationWindowHours).source, "override");
  // The shared default is untouched.
  EXPECT_EQ(Policy::Microsoft().Int(PolicyKey::kCancellationWindowHours, Day("2026-01-01")), 168);
}

TEST(PolicyOverrideTest, OverridesADate) {
  Policy p = Policy::Microsoft();
  ASSERT_TRUE(p.Override("est.enforcementDate", "2026-06-01").ok());
  EXPECT_EQ(p.DateOf(PolicyKey::kEstEnforcementDate), Day("2026-06-01"));
}

TEST(PolicyOverrideTest, OverridesADatedValueWithOneValueForAllTime) {
  Policy p = Policy::Microsoft();
  ASSERT_TRUE(p.Override("billingPlan.triennialMidTermChangeAllowed", "true").ok());
  EXPECT_TRUE(p.Bool(PolicyKey::kTriennialMidTermBillingChangeAllowed, Day("2030-01-01")));
  EXPECT_EQ(p.Parameter(PolicyKey::kTriennialMidTermBillingChangeAllowed).values.size(), 1u);
}

TEST(PolicyOverrideTest, OverridesRoundingDecimalAndString) {
  Policy p = Policy::Microsoft();
  ASSERT_TRUE(p.Override("billing.rounding.addQuantity", "truncate-unit-price").ok());
  EXPECT_EQ(p.RoundingOf(PolicyKey::kRoundingAddQuantity, Day("2026-01-01")), Rounding::TruncateUnitPrice);
  ASSERT_TRUE(p.Override("est.upliftPercent", "3.5").ok());
  EXPECT_EQ(p.Dec(PolicyKey::kEstUpliftPercent, Day("2026-01-01")).ToString(), "3.5");
  ASSERT_TRUE(p.Override("invoices.idPrefix", "H").ok());
  EXPECT_EQ(p.Str(PolicyKey::kInvoiceIdPrefix, Day("2026-01-01")), "H");
}

TEST(PolicyOverrideTest, OverridesWithADatedList) {
  Policy p = Policy::Microsoft();
  Status s = p.Override("cancellation.windowHours", R"([{"from":"2026-01-01","value":72}])");
  ASSERT_TRUE(s.ok()) << s.description();
  EXPECT_EQ(p.Int(PolicyKey::kCancellationWindowHours, Day("2026-01-01")), 72);
  EXPECT_EQ(p.Int(PolicyKey::kCancellationWindowHours, Day("2027-01-01")), 72);
  const auto& values = p.Parameter(PolicyKey::kCancellationWindowHours).values;
  ASSERT_EQ(values.size(), 1u);
  EXPECT_EQ(values[0].from, Day("2026-01-01"));
  EXPECT_TRUE(p.Parameter(PolicyKey::kCancellationWindowHours).overridden);
}

TEST(PolicyOverrideTest, DatedListSwitchesValuesOnTheirDates) {
  Policy p = Policy::Microsoft();
  Status s = p.Override("cancellation.windowHours",
                        R"([{"from":"2025-01-01","value":100},{"from":"2026-01-01","value":72}])");
  ASSERT_TRUE(s.ok()) << s.description();
  EXPECT_EQ(p.Int(PolicyKey::kCancellationWindowHours, Day("2025-12-31")), 100);
  EXPECT_EQ(p.Int(PolicyKey::kCancellationWindowHours, Day("2026-01-01")), 72);
}

TEST(PolicyOverrideTest, DatedListOfDates) {
  Policy p = Policy::Microsoft();
  ASSERT_TRUE(p.Override("est.enforcementDate", R"([{"from":"2026-01-01","value":"2026-07-01"}])").ok());
  EXPECT_EQ(p.DateOf(PolicyKey::kEstEnforcementDate), Day("2026-07-01"));
}

TEST(PolicyOverrideTest, RejectsAnUnknownKey) {
  Policy p = Policy::Microsoft();
  Status s = p.Override("cancellation.windowDays", "7");
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.code(), 3000);
  EXPECT_EQ(s.description(), "unknown policy parameter \"cancellation.windowDays\"");
}

TEST(PolicyOverrideTest, RejectsAValueOfTheWrongType) {
  Policy p = Policy::Microsoft();
  Status s = p.Override("cancellation.windowHours", "seven days");
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.code(), 3000);
  EXPECT_EQ(s.description(), "policy override cancellation.windowHours: expected an integer, got \"seven days\"");
  EXPECT_FALSE(p.Override("cancellation.windowHours", "7.5").ok());
  EXPECT_FALSE(p.Override("cancellation.windowHours", "").ok());
  EXPECT_FALSE(p.Override("est.enforcementDate", "2026-02-30").ok());
  EXPECT_FALSE(p.Override("billingPlan.triennialMidTermChangeAllowed", "yes").ok());
  EXPECT_FALSE(p.Override("billing.rounding.addQuantity", "round-half-up").ok());
  EXPECT_FALSE(p.Override("est.upliftPercent", "3%").ok());
  // A failed override leaves the parameter as it was.
  EXPECT_EQ(p.Int(PolicyKey::kCancellationWindowHours, Day("2026-01-01")), 168);
  EXPECT_FALSE(p.Parameter(PolicyKey::kCancellationWindowHours).overridden);
}

TEST(PolicyOverrideTest, RejectsABadDatedList) {
  Policy p = Policy::Microsoft();
  EXPECT_FALSE(p.Override("cancellation.windowHours", R"([{"from":"2026-01-01","value":"x"}])").ok());
  EXPECT_FALSE(p.Override("cancellation.windowHours", R"([{"from":"2026-01-01","value":72,"note":1}])").ok());
  EXPECT_FALSE(p.Override("cancellation.windowHours", R"([{"value":72}])").ok());
  EXPECT_FALSE(p.Override("cancellation.windowHours", R"([{"from":"2026-01-01"}])").ok());
  EXPECT_FALSE(p.Override("cancellation.windowHours", "[]").ok());
  EXPECT_FALSE(p.Override("cancellation.windowHours", "[{").ok());
  EXPECT_FALSE(p.Override("cancellation.windowHours",
                          R"([{"from":"2026-01-01","value":1},{"from":"2025-01-01","value":2}])")
                   .ok());
  EXPECT_FALSE(p.Override("est.upliftPercent", R"([{"from":"2026-01-01","value":3.5}])").ok());
  EXPECT_EQ(p.Int(PolicyKey::kCancellationWindowHours, Day("2026-01-01")), 168);
  EXPECT_FALSE(p.Parameter(PolicyKey::kCancellationWindowHours).overridden);
}

TEST(PolicyOverrideTest, DatedListErrorNamesTheItem) {
  Policy p = Policy::Microsoft();
  Status s = p.Override("cancellation.windowHours", R"([{"from":"2026-01-01","value":72,"note":1}])");
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.description(), "policy override cancellation.windowHours[0].note: unknown key");
}

// ---------------------------------------------------------------- FromJson

TEST(PolicyFromJsonTest, TheFixtureFileLoads) {
  auto p = Policy::FromJson(FixtureText(), "microsoft.json");
  ASSERT_TRUE(p.ok()) << p.status().description();
  EXPECT_EQ(p->name(), "microsoft");
  for (PolicyKey key : kAllKeys)
    EXPECT_EQ(p->Parameter(key).source, Policy::Microsoft().Parameter(key).source) << InfoOf(key).name;
}

TEST(PolicyFromJsonTest, RejectsAFileMissingAParameter) {
  auto doc = FixtureJson();
  doc["parameters"].erase("cancellation.windowHours");
  EXPECT_EQ(ErrorOf(doc), "test.json: missing required parameter (at parameters.cancellation.windowHours)");
  EXPECT_EQ(ErrorAt(doc), "{");  // the parameters object
}

TEST(PolicyFromJsonTest, RejectsAParameterWithoutSource) {
  auto doc = FixtureJson();
  doc["parameters"]["cancellation.windowHours"].erase("source");
  EXPECT_EQ(ErrorOf(doc), "test.json: missing required key (at parameters.cancellation.windowHours.source)");
  EXPECT_EQ(ErrorAt(doc), "{");
}

TEST(PolicyFromJsonTest, RejectsAnEmptySource) {
  auto doc = FixtureJson();
  doc["parameters"]["cancellation.windowHours"]["source"] = "";
  EXPECT_EQ(ErrorOf(doc),
            "test.json: must name a document or say \"assumption\" (at parameters.cancellation.windowHours.source)");
  EXPECT_EQ(ErrorAt(doc), "\"\",");
}

TEST(PolicyFromJsonTest, RejectsAnUnknownParameterNameAtItsKey) {
  auto doc = FixtureJson();
  doc["parameters"]["cancellation.windowDays"] = {{"value", 7}, {"source", "assumption"}};
  EXPECT_EQ(ErrorOf(doc), "test.json: unknown policy parameter (at parameters.cancellation.windowDays)");
  EXPECT_EQ(ErrorAt(doc), "\"cancellation.windowDays\": {");
}

TEST(PolicyFromJsonTest, RejectsADecimalWrittenAsAFloat) {
  auto doc = FixtureJson();
  doc["parameters"]["est.upliftPercent"]["value"] = 3.5;
  EXPECT_EQ(ErrorOf(doc),
            "test.json: expected an exact decimal (decimals as strings) (at parameters.est.upliftPercent.value)");
  EXPECT_EQ(ErrorAt(doc), "3.5");
}

TEST(PolicyFromJsonTest, RejectsAnIntegerWrittenAsAFloat) {
  auto doc = FixtureJson();
  doc["parameters"]["cancellation.windowHours"]["value"] = 168.0;
  EXPECT_EQ(ErrorOf(doc),
            "test.json: expected an integer (decimals as strings) (at parameters.cancellation.windowHours.value)");
  EXPECT_EQ(ErrorAt(doc), "168.0");
}

TEST(PolicyFromJsonTest, AcceptsAnIntegerWrittenAsAJsonIntegerForADecimal) {
  auto doc = FixtureJson();
  doc["parameters"]["est.upliftPercent"]["value"] = 4;
  auto p = Policy::FromJson(doc.dump(), "test.json");
  ASSERT_TRUE(p.ok()) << p.status().description();
  EXPECT_EQ(p->Dec(PolicyKey::kEstUpliftPercent, Day("2026-01-01")), Decimal::FromInt(4));
}

TEST(PolicyFromJsonTest, RejectsAValueOfTheWrongType) {
  auto doc = FixtureJson();
  doc["parameters"]["est.enforcementDate"]["value"] = "May 4th";
  EXPECT_EQ(ErrorOf(doc),
            "test.json: expected a date YYYY-MM-DD, got \"May 4th\" (at parameters.est.enforcementDate.value)");
  EXPECT_EQ(ErrorAt(doc), "\"May 4th\"");
}

TEST(PolicyFromJsonTest, RejectsBothValueAndValues) {
  auto doc = FixtureJson();
  doc["parameters"]["cancellation.windowHours"]["values"] =
      nlohmann::json::array({{{"from", "2026-01-01"}, {"value", 72}}});
  EXPECT_EQ(ErrorOf(doc),
            "test.json: give exactly one of \"value\" or \"values\" (at parameters.cancellation.windowHours)");
  EXPECT_EQ(ErrorAt(doc), "{");
}

TEST(PolicyFromJsonTest, RejectsAnUnknownKeyInAParameter) {
  auto doc = FixtureJson();
  doc["parameters"]["cancellation.windowHours"]["note"] = "x";
  EXPECT_EQ(ErrorOf(doc), "test.json: unknown key (at parameters.cancellation.windowHours.note)");
  EXPECT_EQ(ErrorAt(doc), "\"note\": \"x\",");
}

TEST(PolicyFromJsonTest, RejectsDatedValuesOutOfOrder) {
  auto doc = FixtureJson();
  doc["parameters"]["billingPlan.triennialMidTermChangeAllowed"]["values"] = nlohmann::json::array(
      {{{"from", "2025-04-01"}, {"value", false}}, {{"from", "1970-01-01"}, {"value", true}}});
  EXPECT_EQ(ErrorOf(doc),
            "test.json: dated values must be in increasing order of date (at "
            "parameters.billingPlan.triennialMidTermChangeAllowed.values[1].from)");
  EXPECT_EQ(ErrorAt(doc), "\"1970-01-01\",");
}

TEST(PolicyFromJsonTest, RejectsAnEmptyListOfDatedValues) {
  auto doc = FixtureJson();
  doc["parameters"]["billingPlan.triennialMidTermChangeAllowed"]["values"] = nlohmann::json::array();
  EXPECT_EQ(ErrorOf(doc),
            "test.json: must list at least one value (at parameters.billingPlan.triennialMidTermChangeAllowed.values)");
  EXPECT_EQ(ErrorAt(doc), "[]");
}

TEST(PolicyFromJsonTest, RejectsAnUnknownTopLevelKey) {
  auto doc = FixtureJson();
  doc["version"] = 2;
  EXPECT_EQ(ErrorOf(doc), "test.json: unknown key (at version)");
  EXPECT_EQ(ErrorAt(doc), "\"version\": 2");
}

TEST(PolicyFromJsonTest, RejectsMalformedJsonAtTheEndOfTheText) {
  auto p = Policy::FromJson("{\"format\": 1, ", "test.json");
  ASSERT_FALSE(p.ok());
  EXPECT_EQ(p.status().description(),
            "test.json:1:15: malformed JSON: syntax error while parsing object key - unexpected end of input; "
            "expected string literal");
}

TEST(PolicyFromJsonTest, RejectsANumberTooLargeForADoubleAtTheNumber) {
  auto p = Policy::FromJson("{\"format\": 1, \"name\": \"x\",\n \"parameters\": {\"est.noMonthlyPlanUp\": {\"value\": 1e99999}}}",
                            "test.json");
  ASSERT_FALSE(p.ok());
  EXPECT_EQ(p.status().description(), "test.json:2:50: number out of range: 1e99999 is too large for a number");
  Policy policy = Policy::Microsoft();
  Status s = policy.Override("est.upliftPercent", "[{\"from\": \"2026-01-01\", \"value\": 1e999}]");
  EXPECT_EQ(s.description(),
            "policy override est.upliftPercent:1:34: number out of range: 1e999 is too large for a number");
}

// The file as written in the repository: the error names its line.
TEST(PolicyFromJsonTest, AnErrorInTheFixtureTextNamesItsLineAndColumn) {
  std::string text = FixtureText();
  std::string from = "\"carts.expiryDays\": {\"value\": 7,";
  size_t at = text.find(from);
  ASSERT_NE(at, std::string::npos);
  text.replace(at, from.size(), "\"carts.expiryDays\": {\"value\": \"7 days\",");
  auto p = Policy::FromJson(text, "microsoft.json");
  ASSERT_FALSE(p.ok());
  size_t line = static_cast<size_t>(std::count(text.begin(), text.begin() + static_cast<long>(at), '\n')) + 1;
  EXPECT_EQ(p.status().description(), "microsoft.json:" + std::to_string(line) +
                                          ":35: expected an integer, got \"7 days\" (at parameters.carts.expiryDays.value)");
}

}  // namespace
}  // namespace pcsim
