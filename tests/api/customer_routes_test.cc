// Customers, profiles, address validation, agreements, qualifications and
// relationship requests against the documented examples
// (tests/api/data/partner-center-doc-examples.json). Covered: customers-create,
// customers-get-by-id, customers-list, validations-address-verifiedshippable,
// validations-address-streetpartial, agreements-metadata-mca,
// agreements-create-mca, agreements-create-duplicate-error, agreements-list-mca,
// customers-qualification-post, customers-qualification-get,
// customers-remove-reseller-relationship, customers-delete-sandbox. Not
// covered: validations-address-legacy-400 (the pre-2021 behaviour; the
// simulator answers with the current 200 + status form), errors-404-partnerfd
// (/v1/profiles/mpn) and errors-400-validation (/v1/compliance/csp/...): both
// routes are outside the simulated surface; their error body shape is the one
// every error here uses.
#include "tests/api/api_fixture.h"

namespace pcsim::api::testing {
namespace {

class CustomerRoutesTest : public ApiTest {
 protected:
  void SetUp() override { Start(); }
};

TEST_F(CustomerRoutesTest, CreateCustomerAsDocumented) {
  auto example = DocExample("customers-create");
  nlohmann::json request = DocRequestBody(example);
  ASSERT_TRUE(request.is_object());
  auto created = CallJson("POST", "/v1/customers", request, 201);
  ExpectDocumentedShape(DocResponseBody(example), created);
  EXPECT_EQ(created["companyProfile"]["domain"], "xyz.ccsctp.net");
  EXPECT_EQ(created["attributes"]["objectType"], "Customer");
  EXPECT_EQ(created["companyProfile"]["attributes"]["objectType"], "CustomerCompanyProfile");
  EXPECT_EQ(created["billingProfile"]["attributes"]["objectType"], "CustomerBillingProfile");
  EXPECT_EQ(created["userCredentials"]["userName"], "admin");
  EXPECT_EQ(created["id"], created["companyProfile"]["tenantId"]);
  EXPECT_EQ(created["enableGDAPByDefault"], false);
  // The same relationship on create as on get and in the list.
  EXPECT_EQ(created["relationshipToPartner"], "reseller");
  const std::string id = created["id"];
  EXPECT_EQ(CallJson("GET", "/v1/customers/" + id)["relationshipToPartner"], "reseller");
  EXPECT_EQ(CallJson("GET", "/v1/customers?size=40")["items"][0]["relationshipToPartner"], "reseller");
  // A wrongly typed field refuses the whole request.
  const uint64_t before = router->StateDigest();
  request["companyProfile"]["domain"] = "other.onmicrosoft.com";
  request["enableGDAPByDefault"] = "yes";
  EXPECT_EQ(CallJson("POST", "/v1/customers", request, 400)["code"], 800002);
  EXPECT_EQ(router->StateDigest(), before);
}

TEST_F(CustomerRoutesTest, GetAndListCustomersAsDocumented) {
  std::string id = CreateCustomer();
  auto got = CallJson("GET", "/v1/customers/" + id);
  ExpectDocumentedShape(DocResponseBody(DocExample("customers-get-by-id")), got,
                        {"companyProfile.address.addressLine2", "companyProfile.address.addressLine3",
                         "billingProfile.defaultAddress.addressLine2", "billingProfile.defaultAddress.addressLine3",
                         "companyProfile.address.phoneNumber", "billingProfile.defaultAddress.phoneNumber",
                         "companyProfile.address.region", "billingProfile.defaultAddress.region"});
  EXPECT_EQ(got["companyProfile"]["links"]["self"]["uri"], "/customers/" + id + "/profiles/company");
  auto list = CallJson("GET", "/v1/customers?size=40");
  ExpectDocumentedShape(DocResponseBody(DocExample("customers-list")), list, {"links.next"});
  EXPECT_EQ(list["totalCount"], 1);
  EXPECT_EQ(list["attributes"]["objectType"], "Collection");
  // List items link themselves and their company profile, as the items of
  // "Get customers of an indirect reseller" do.
  EXPECT_EQ(list["items"][0]["links"]["self"]["uri"], "/customers/" + id);
  EXPECT_EQ(list["items"][0]["companyProfile"]["links"]["self"]["uri"], "/customers/" + id + "/profiles/company");
}

TEST_F(CustomerRoutesTest, ListPagesWithAContinuationToken) {
  for (int i = 0; i < 5; ++i) CreateCustomer();
  auto first = CallJson("GET", "/v1/customers?size=2");
  EXPECT_EQ(first["totalCount"], 2);
  ASSERT_TRUE(first["links"].contains("next"));
  auto next = first["links"]["next"];
  EXPECT_EQ(next["headers"][0]["key"], "MS-ContinuationToken");
  std::vector<std::string> seen;
  for (auto& c : first["items"]) seen.push_back(c["id"]);
  nlohmann::json page = first;
  while (page["links"].contains("next")) {
    std::string token = page["links"]["next"]["headers"][0]["value"];
    page = CallJson("GET", "/v1" + page["links"]["next"]["uri"].get<std::string>(), nullptr, 200,
                    {{"MS-ContinuationToken", token}});
    for (auto& c : page["items"]) seen.push_back(c["id"]);
  }
  EXPECT_EQ(seen.size(), 5u);
  EXPECT_EQ(Call("GET", "/v1/customers?size=2&seekOperation=Next").status, 400);
}

TEST_F(CustomerRoutesTest, ListFiltersByCompanyNamePrefix) {
  CreateCustomer();
  auto filter = R"({"Field":"CompanyName","Value":"cust","Operator":"starts_with"})";
  auto list = CallJson("GET", "/v1/customers?size=0&filter=" + std::string(filter));
  EXPECT_EQ(list["totalCount"], 0);
  list = CallJson("GET", std::string("/v1/customers?size=10&filter=") + filter);
  EXPECT_EQ(list["totalCount"], 1);
  auto none = R"({"Field":"CompanyName","Value":"fabrikam","Operator":"starts_with"})";
  EXPECT_EQ(CallJson("GET", std::string("/v1/customers?size=10&filter=") + none)["totalCount"], 0);
  EXPECT_EQ(Call("GET", "/v1/customers?filter=notjson").status, 400);
}

TEST_F(CustomerRoutesTest, InvalidAddressIsRefusedWithTheFieldNamed) {
  nlohmann::json body = {{"companyProfile", {{"domain", "bad.onmicrosoft.com"}}},
                         {"billingProfile",
                          {{"email", "a@b.example"}, {"companyName", "Bad"},
                           {"defaultAddress", {{"firstName", "A"}, {"lastName", "B"}, {"addressLine1", "1 Way"},
                                               {"city", "Redmond"}, {"state", "ZZ"}, {"postalCode", "98052"},
                                               {"country", "US"}}}}}};
  auto error = CallJson("POST", "/v1/customers", body, 400);
  EXPECT_EQ(error["code"], 2007);
  EXPECT_NE(error["description"].get<std::string>().find("Region"), std::string::npos);
  EXPECT_EQ(error["source"], "PartnerFD");
  EXPECT_TRUE(error["data"].is_array());
}

TEST_F(CustomerRoutesTest, MalformedAndWronglyTypedBodiesAre400) {
  EXPECT_EQ(Call("POST", "/v1/customers", "{not json").status, 400);
  EXPECT_EQ(Call("POST", "/v1/customers", "[]").status, 400);
  EXPECT_EQ(Call("POST", "/v1/customers", R"({"companyProfile": 5, "billingProfile": {}})").status, 400);
  EXPECT_EQ(Call("POST", "/v1/customers", R"({"companyProfile": {"domain": 7}, "billingProfile": {}})").status, 400);
  std::string deep(100, '[');
  EXPECT_EQ(Call("POST", "/v1/customers", deep).status, 400);
}

TEST_F(CustomerRoutesTest, AddressValidationAsDocumented) {
  auto ok_example = DocExample("validations-address-verifiedshippable");
  auto ok = CallJson("POST", "/v1/validations/address", DocRequestBody(ok_example), 200);
  ExpectDocumentedShape(DocResponseBody(ok_example), ok, {"validationMessage"});
  EXPECT_EQ(ok["status"], "VerifiedShippable");
  auto partial_example = DocExample("validations-address-streetpartial");
  nlohmann::json bad = DocRequestBody(partial_example);
  auto partial = CallJson("POST", "/v1/validations/address", bad, 200);
  EXPECT_EQ(partial["status"], DocResponseBody(partial_example)["status"]) << partial.dump();
  EXPECT_TRUE(partial.contains("validationMessage"));
  EXPECT_EQ(Call("POST", "/v1/validations/address", R"({"city":"Redmond"})").status, 400);
}

TEST_F(CustomerRoutesTest, AgreementsAsDocumented) {
  auto meta = CallJson("GET", "/v1/agreements?agreementType=MicrosoftCustomerAgreement");
  ExpectDocumentedShape(DocResponseBody(DocExample("agreements-metadata-mca")), meta);
  EXPECT_EQ(meta["items"][0]["templateId"], "117a77b0-9360-443b-8795-c6dedc750cf9");
  std::string id = CreateCustomer();
  auto example = DocExample("agreements-create-mca");
  nlohmann::json body = DocRequestBody(example);
  body["dateAgreed"] = "2026-01-10T00:00:00Z";
  body["primaryContact"]["email"] = "someone.else@contoso.example";
  auto created = CallJson("POST", "/v1/customers/" + id + "/agreements", body, 201);
  ExpectDocumentedShape(DocResponseBody(example), created);
  auto duplicate = CallJson("POST", "/v1/customers/" + id + "/agreements", body, 409);
  ExpectDocumentedShape(DocResponseBody(DocExample("agreements-create-duplicate-error")), duplicate);
  EXPECT_EQ(duplicate["errorName"], "PartnerConfirmedAgreementAlreadyExists");
  auto list = CallJson("GET", "/v1/customers/" + id + "/agreements?agreementType=MicrosoftCustomerAgreement");
  EXPECT_EQ(list["totalCount"], 2);
  ExpectDocumentedShape(DocResponseBody(DocExample("agreements-list-mca")), list);
  body["dateAgreed"] = "2027-01-01T00:00:00Z";
  body["primaryContact"]["email"] = "future@contoso.example";
  EXPECT_EQ(Call("POST", "/v1/customers/" + id + "/agreements", body.dump()).status, 400);
}

TEST_F(CustomerRoutesTest, AppOnlyCallsCannotAttestAnAgreement) {
  std::string id = CreateCustomer();
  nlohmann::json body = DocRequestBody(DocExample("agreements-create-mca"));
  auto r = Call("POST", "/v1/customers/" + id + "/agreements", body.dump(),
                {{"Authorization", "Bearer " + UnsignedJwt(R"({"tid":"4f6c1a8e-2b7d-4e0f-9a3c-5d8e7f1b2c40","idtyp":"app"})")}});
  EXPECT_EQ(r.status, 403);
  EXPECT_EQ(nlohmann::json::parse(r.body)["code"], 900329);
}

TEST_F(CustomerRoutesTest, OnePartnerNeverSeesAnothersCustomers) {
  std::string id = CreateCustomer();
  HeaderList other = {{"Authorization", "Bearer " + UnsignedJwt(R"({"tid":"other-partner","amr":["pwd","mfa"]})")}};
  EXPECT_EQ(Call("GET", "/v1/customers/" + id, "", other).status, 404);
  auto list = nlohmann::json::parse(Call("GET", "/v1/customers", "", other).body);
  EXPECT_EQ(list["totalCount"], 0);
  EXPECT_EQ(Call("GET", "/v1/customers/" + id).status, 200);
}

TEST_F(CustomerRoutesTest, MissingBearerTokenIs401) {
  auto r = router->Handle(MakeRequest("GET", "/v1/customers"));
  EXPECT_EQ(r.status, 401);
  auto body = nlohmann::json::parse(r.body);
  EXPECT_EQ(body["code"], 800001);
  EXPECT_EQ(body["source"], "PartnerFD");
}

TEST_F(CustomerRoutesTest, QualificationIsReviewedThenApproved) {
  std::string id = CreateCustomer();
  auto example = DocExample("customers-qualification-post");
  nlohmann::json body = {{"qualification", "Education"}, {"educationSegment", "K12"}, {"website", "contoso.edu"}};
  auto created = CallJson("POST", "/v1/customers/" + id + "/qualifications", body, 201);
  ExpectDocumentedShape(DocResponseBody(example), created);
  EXPECT_EQ(created["vettingStatus"], "InReview");
  Advance("PT2H");
  auto list = CallJson("GET", "/v1/customers/" + id + "/qualifications");
  ASSERT_TRUE(list.is_array());
  EXPECT_EQ(list[0]["vettingStatus"], "Approved");
  EXPECT_EQ(Call("POST", "/v1/customers/" + id + "/qualifications", R"({"qualification":"Wizardry"})").status, 400);
}

TEST_F(CustomerRoutesTest, DeleteIsOnlyAllowedInTheSandboxEnvironment) {
  std::string id = CreateCustomer();
  EXPECT_EQ(Call("DELETE", "/v1/customers/" + id).status, 403);
  Start("2026-01-15T09:00:00Z", Environment::Sandbox);
  id = CreateCustomer();
  EXPECT_EQ(Call("DELETE", "/v1/customers/" + id).status, 204);
  EXPECT_EQ(Call("GET", "/v1/customers/" + id).status, 404);
}

TEST_F(CustomerRoutesTest, RemoveResellerRelationship) {
  Start("2026-01-15T09:00:00Z", Environment::Sandbox);
  std::string id = CreateCustomer();
  auto example = DocExample("customers-remove-reseller-relationship");
  auto r = CallJson("PATCH", "/v1/customers/" + id, DocRequestBody(example), 200);
  EXPECT_EQ(r["relationshipToPartner"], "none");
  EXPECT_EQ(Call("GET", "/v1/customers/" + id).status, 404);
}

TEST_F(CustomerRoutesTest, BillingProfileUpdateChecksTheEtag) {
  std::string id = CreateCustomer();
  auto profile = CallJson("GET", "/v1/customers/" + id + "/profiles/billing");
  std::string etag = profile["attributes"]["etag"];
  profile["email"] = "new@contoso.example";
  auto updated = CallJson("PUT", "/v1/customers/" + id + "/profiles/billing", profile, 200,
                          {{"If-Match", "\"" + etag + "\""}});
  EXPECT_EQ(updated["email"], "new@contoso.example");
  auto stale = CallJson("PUT", "/v1/customers/" + id + "/profiles/billing", profile, 400, {{"If-Match", "\"" + etag + "\""}});
  EXPECT_EQ(stale["code"], 2055);
}

TEST_F(CustomerRoutesTest, UnknownRoutesAndMethodsAre4xx) {
  auto r = Call("GET", "/v1/nothing/here");
  EXPECT_EQ(r.status, 404);
  EXPECT_EQ(nlohmann::json::parse(r.body)["source"], "PartnerFD");
  Response not_allowed = Call("DELETE", "/v1/agreements");
  EXPECT_EQ(not_allowed.status, 405);
  // Partner Center's error body, with a Partner Center code (800042 "Not
  // supported"), never the HTTP status as a code.
  nlohmann::json error = nlohmann::json::parse(not_allowed.body);
  EXPECT_EQ(error["code"], 800042);
  EXPECT_EQ(error["source"], "PartnerFD");
  EXPECT_TRUE(error["data"].is_array());
  EXPECT_NE(error["description"].get<std::string>().find("DELETE"), std::string::npos);
  EXPECT_EQ(Call("GET", "/v1/customers/does-not-exist").status, 404);
}

TEST_F(CustomerRoutesTest, RetiredSynchronousQualificationAnswersItsOldForm) {
  std::string id = CreateCustomer();
  Response none = Call("GET", "/v1/customers/" + id + "/qualification");
  ASSERT_EQ(none.status, 200) << none.body;
  EXPECT_EQ(none.body, "\"none\"");
  CallJson("POST", "/v1/customers/" + id + "/qualifications", {{"qualification", "StateOwnedEntity"}}, 201);
  EXPECT_EQ(Call("GET", "/v1/customers/" + id + "/qualification").body, "\"none\"") << "in review";
  Advance("PT2H");
  EXPECT_EQ(Call("GET", "/v1/customers/" + id + "/qualification").body, "\"state_owned_entity\"");
  EXPECT_EQ(Call("GET", "/v1/customers/00000000-0000-0000-0000-000000000000/qualification").status, 404);
}

TEST_F(CustomerRoutesTest, RequestAndCorrelationIdsAreEchoedAndPostsReplay) {
  nlohmann::json body = DocRequestBody(DocExample("customers-create"));
  HeaderList headers = {{"MS-RequestId", "94e4e214-6b06-4fb7-96d1-94d559f9b47f"},
                        {"MS-CorrelationId", "ab993325-1605-4cf4-bac4-fb584142a31b"}};
  auto first = Call("POST", "/v1/customers", body.dump(), headers);
  auto second = Call("POST", "/v1/customers", body.dump(), headers);
  EXPECT_EQ(first.status, 201);
  EXPECT_EQ(second.status, 201);
  EXPECT_EQ(first.body, second.body);
  EXPECT_EQ(first.Header("MS-RequestId"), "94e4e214-6b06-4fb7-96d1-94d559f9b47f");
  EXPECT_EQ(first.Header("MS-CorrelationId"), "ab993325-1605-4cf4-bac4-fb584142a31b");
  EXPECT_EQ(nlohmann::json::parse(Call("GET", "/v1/customers").body)["totalCount"], 1);
}

}  // namespace
}  // namespace pcsim::api::testing
