// Unit tests for simulator/catalog/country_rules.h with the embedded
// fixtures/countries/countries.json.
#include "simulator/catalog/country_rules.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace pcsim {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

Address UsAddress() {
  Address a;
  a.first_name = "Ada";
  a.last_name = "Lovelace";
  a.address_line1 = "1 Microsoft Way";
  a.city = "Redmond";
  a.state = "WA";
  a.postal_code = "98052";
  a.country = "US";
  return a;
}

Address DeAddress() {
  Address a;
  a.address_line1 = "Unter den Linden 1";
  a.city = "Berlin";
  a.postal_code = "10117";
  a.country = "DE";
  return a;
}

Address InAddress() {
  Address a;
  a.address_line1 = "1 Marine Drive";
  a.city = "Mumbai";
  a.postal_code = "400001";
  a.country = "IN";
  return a;
}

Address HuAddress() {
  Address a;
  a.address_line1 = "Andrassy ut 1";
  a.city = "Budapest";
  a.postal_code = "1061";
  a.country = "HU";
  a.phone_number = "+36 1 234 5678";
  return a;
}

class CountryRulesTest : public ::testing::Test {
 protected:
  std::shared_ptr<const CountryRules> rules_ = CountryRules::Default();
};

TEST_F(CountryRulesTest, DefaultReturnsTheSameSharedInstance) {
  ASSERT_NE(rules_, nullptr);
  EXPECT_EQ(CountryRules::Default().get(), rules_.get());
}

TEST_F(CountryRulesTest, FindIsCaseInsensitive) {
  const CountryRule* us = rules_->Find("us");
  ASSERT_NE(us, nullptr);
  EXPECT_EQ(us->code, "US");
  EXPECT_EQ(us->name, "United States");
  EXPECT_EQ(us->currency, "USD");
  EXPECT_TRUE(us->state_required);
  EXPECT_EQ(us->states.size(), 52u);
  EXPECT_EQ(rules_->Find("US"), us);
  EXPECT_EQ(rules_->Find("ZZ"), nullptr);
}

TEST_F(CountryRulesTest, FixtureRulesForHungary) {
  const CountryRule* hu = rules_->Find("HU");
  ASSERT_NE(hu, nullptr);
  EXPECT_EQ(hu->currency, "HUF");
  EXPECT_TRUE(hu->phone_required);
  EXPECT_TRUE(hu->registration_number_required);
  EXPECT_EQ(hu->registration_number_pattern, "^(\\d{7}|\\d{10})$");
  EXPECT_EQ(hu->postal_code_pattern, "^\\d{4}$");
}

TEST_F(CountryRulesTest, AValidUsAddressPasses) {
  Status s = rules_->Validate(UsAddress(), "");
  EXPECT_TRUE(s.ok()) << s.description();
  EXPECT_THAT(rules_->InvalidFields(UsAddress()), IsEmpty());
}

TEST_F(CountryRulesTest, UsZipPlusFourPasses) {
  Address a = UsAddress();
  a.postal_code = "98052-6399";
  EXPECT_TRUE(rules_->Validate(a, "").ok());
}

TEST_F(CountryRulesTest, UsStateIsCaseInsensitive) {
  Address a = UsAddress();
  a.state = "wa";
  EXPECT_TRUE(rules_->Validate(a, "").ok());
}

TEST_F(CountryRulesTest, BadUsZipFailsWithCode2007NamingPostalCode) {
  Address a = UsAddress();
  a.postal_code = "1234";
  Status s = rules_->Validate(a, "");
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.http_status(), 400);
  EXPECT_EQ(s.code(), 2007);
  EXPECT_THAT(s.description(), HasSubstr("PostalCode"));
  EXPECT_EQ(s.description(), "Address field invalid for property: 'PostalCode'");
}

TEST_F(CountryRulesTest, MissingUsZipFails) {
  Address a = UsAddress();
  a.postal_code.clear();
  Status s = rules_->Validate(a, "");
  EXPECT_EQ(s.code(), 2007);
  EXPECT_THAT(rules_->InvalidFields(a), ElementsAre("PostalCode"));
}

TEST_F(CountryRulesTest, UnknownUsStateFailsNamingRegion) {
  Address a = UsAddress();
  a.state = "XX";
  Status s = rules_->Validate(a, "");
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.code(), 2007);
  EXPECT_EQ(s.description(), "Address field invalid for property: 'Region'");
}

TEST_F(CountryRulesTest, MissingUsStateFailsNamingRegion) {
  Address a = UsAddress();
  a.state.clear();
  Status s = rules_->Validate(a, "");
  EXPECT_EQ(s.code(), 2007);
  EXPECT_THAT(s.description(), HasSubstr("'Region'"));
}

TEST_F(CountryRulesTest, ADeAddressWithoutStatePasses) {
  Status s = rules_->Validate(DeAddress(), "");
  EXPECT_TRUE(s.ok()) << s.description();
}

TEST_F(CountryRulesTest, ADeAddressWithBadPostalCodeFails) {
  Address a = DeAddress();
  a.postal_code = "1011";
  EXPECT_THAT(rules_->InvalidFields(a), ElementsAre("PostalCode"));
}

TEST_F(CountryRulesTest, IrelandDoesNotRequireAPostalCode) {
  Address a = DeAddress();
  a.country = "IE";
  a.city = "Dublin";
  a.postal_code.clear();
  EXPECT_TRUE(rules_->Validate(a, "").ok());
  a.postal_code = "D02 X285";
  EXPECT_TRUE(rules_->Validate(a, "").ok());
  a.postal_code = "12345";
  EXPECT_THAT(rules_->InvalidFields(a), ElementsAre("PostalCode"));
}

TEST_F(CountryRulesTest, AnInAddressWithoutPhoneFailsWith600051) {
  Status s = rules_->Validate(InAddress(), "");
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.http_status(), 400);
  EXPECT_EQ(s.code(), 600051);
  EXPECT_EQ(s.description(), "Customer phone number is required for country IN");
}

TEST_F(CountryRulesTest, AnInAddressWithPhonePasses) {
  Address a = InAddress();
  a.phone_number = "+91 22 1234 5678";
  Status s = rules_->Validate(a, "");
  EXPECT_TRUE(s.ok()) << s.description();
}

TEST_F(CountryRulesTest, AMalformedPhoneFailsNamingPhoneNumber) {
  Address a = UsAddress();
  a.phone_number = "call me";
  Status s = rules_->Validate(a, "");
  EXPECT_EQ(s.code(), 2007);
  EXPECT_THAT(s.description(), HasSubstr("PhoneNumber"));
}

TEST_F(CountryRulesTest, HungaryWithoutRegistrationNumberFailsWith600049) {
  Status s = rules_->Validate(HuAddress(), "");
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.code(), 600049);
  EXPECT_EQ(s.description(), "OrganizationRegistrationNumber is required for country HU");
}

TEST_F(CountryRulesTest, HungaryWithMalformedRegistrationNumberFailsWith600050) {
  Status s = rules_->Validate(HuAddress(), "12345");
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.code(), 600050);
  EXPECT_EQ(s.description(), "OrganizationRegistrationNumber has an invalid format, expected ^(\\d{7}|\\d{10})$");
  EXPECT_EQ(rules_->Validate(HuAddress(), "12345678").code(), 600050);  // 8 digits
  EXPECT_EQ(rules_->Validate(HuAddress(), "123456a").code(), 600050);
}

TEST_F(CountryRulesTest, HungaryWithValidRegistrationNumberPasses) {
  EXPECT_TRUE(rules_->Validate(HuAddress(), "1234567").ok());
  EXPECT_TRUE(rules_->Validate(HuAddress(), "1234567890").ok());
}

TEST_F(CountryRulesTest, PhoneIsCheckedBeforeRegistrationNumber) {
  Address a = HuAddress();
  a.phone_number.clear();
  EXPECT_EQ(rules_->Validate(a, "").code(), 600051);
}

TEST_F(CountryRulesTest, RegistrationNumberIsIgnoredWhereNotRequired) {
  EXPECT_TRUE(rules_->Validate(UsAddress(), "anything").ok());
}

TEST_F(CountryRulesTest, InvalidFieldsListsEveryBadField) {
  Address a = UsAddress();
  a.postal_code = "1234";
  a.state = "XX";
  a.city.clear();
  a.address_line1.clear();
  EXPECT_THAT(rules_->InvalidFields(a), ElementsAre("PostalCode", "Region", "City", "AddressLine1"));
  Status s = rules_->Validate(a, "");
  EXPECT_EQ(s.code(), 2007);
  EXPECT_EQ(s.description(), "Address field invalid for property: 'PostalCode', 'Region', 'City', 'AddressLine1'");
}

TEST_F(CountryRulesTest, UnknownCountryIsInvalid) {
  Address a = UsAddress();
  a.country = "ZZ";
  EXPECT_THAT(rules_->InvalidFields(a), ElementsAre("Country"));
  Status s = rules_->Validate(a, "");
  EXPECT_EQ(s.code(), 2007);
  EXPECT_EQ(s.description(), "Address is invalid: unsupported country 'ZZ'");
}

TEST_F(CountryRulesTest, CanadianPostalCodeAndProvince) {
  Address a = UsAddress();
  a.country = "CA";
  a.state = "ON";
  a.city = "Toronto";
  a.postal_code = "M5V 3L9";
  EXPECT_TRUE(rules_->Validate(a, "").ok());
  a.state = "WA";
  EXPECT_THAT(rules_->InvalidFields(a), ElementsAre("Region"));
}

// ---------------------------------------------------------------- FromJson

constexpr const char* kOneCountry = R"({
  "format": 1,
  "countries": {
    "XY": {
      "name": "Testland", "currency": "XYZ",
      "postalCodeRequired": true, "postalCodeRegex": "^\\d{3}$",
      "stateRequired": false, "states": [],
      "phoneRequired": false, "phoneRegex": null,
      "organizationRegistrationNumberRequired": false, "organizationRegistrationNumberRegex": null
    }
  }
})";

TEST(CountryRulesFromJsonTest, LoadsAMinimalFile) {
  auto r = CountryRules::FromJson(kOneCountry, "test.json");
  ASSERT_TRUE(r.ok()) << r.status().description();
  const CountryRule* xy = (*r)->Find("xy");
  ASSERT_NE(xy, nullptr);
  EXPECT_EQ(xy->name, "Testland");
  EXPECT_FALSE(xy->phone.has_value());
  Address a;
  a.country = "XY";
  a.city = "T";
  a.address_line1 = "1 Road";
  a.postal_code = "123";
  EXPECT_TRUE((*r)->Validate(a, "").ok());
  a.postal_code = "1234";
  EXPECT_THAT((*r)->InvalidFields(a), ElementsAre("PostalCode"));
}

TEST(CountryRulesFromJsonTest, RejectsAnInvalidRegex) {
  std::string text = kOneCountry;
  text.replace(text.find("^\\\\d{3}$"), 8, "[unclosed");
  auto r = CountryRules::FromJson(text, "test.json");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), 3000);
  EXPECT_EQ(r.status().description(), "test.json:6:54: not a valid regular expression (at countries.XY.postalCodeRegex)");
}

TEST(CountryRulesFromJsonTest, RejectsAnUnknownKey) {
  std::string text = kOneCountry;
  text.replace(text.find("\"name\""), 6, "\"nickname\": \"T\", \"name\"");
  auto r = CountryRules::FromJson(text, "test.json");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().description(), "test.json:5:7: unknown key (at countries.XY.nickname)");
}

TEST(CountryRulesFromJsonTest, RejectsACodeThatIsNotTwoLetters) {
  std::string text = kOneCountry;
  text.replace(text.find("\"XY\""), 4, "\"XYZ\"");
  auto r = CountryRules::FromJson(text, "test.json");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().description(), "test.json:4:5: not an ISO 3166 alpha-2 code (at countries.XYZ)");
}

TEST(CountryRulesFromJsonTest, RejectsMalformedJson) {
  auto r = CountryRules::FromJson("{\"format\": 1,", "test.json");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().description(),
            "test.json:1:14: malformed JSON: syntax error while parsing object key - unexpected end of input; "
            "expected string literal");
}

TEST(CountryRulesFromJsonTest, RejectsAMissingRequiredFlag) {
  std::string text = kOneCountry;
  text.replace(text.find("\"stateRequired\": false, "), 24, "");
  auto r = CountryRules::FromJson(text, "test.json");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().description(), "test.json:4:11: missing required key (at countries.XY.stateRequired)");
}

}  // namespace
}  // namespace pcsim
