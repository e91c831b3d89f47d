// The activity log, GET /v1/auditrecords ("Get a record of Partner Center
// activity", "Auditing resources"; docs/activity-log.md): records of the
// partner's writes and of the system's, derived from the event journal, with
// their caller, the 90-day range, the filter, paging and tenancy.
#include "tests/api/api_fixture.h"

#include <string>
#include <vector>

#include "simulator/api/audit_records.h"

namespace pcsim::api::testing {
namespace {

constexpr const char* kE3 = "CFQ7TTC0LFLZ:0001:CFQ7TTC0K5F7";
constexpr const char* kPartner = "4f6c1a8e-2b7d-4e0f-9a3c-5d8e7f1b2c40";  // the default partner
constexpr const char* kOtherPartner = "0b5e6f1a-0000-4000-8000-00000000000b";
constexpr const char* kApp = "5d2f0a11-8c3e-4b7a-9f10-2a6b3c4d5e6f";

// An App+User caller whose token names its application and user.
HeaderList AsUser(const std::string& tid = kPartner) {
  return {{"Authorization", "Bearer " + UnsignedJwt(R"({"tid":")" + tid + R"(","appid":")" + kApp +
                                                    R"(","upn":"ops@fabrikam.example","scp":"user_impersonation",)"
                                                    R"("amr":["pwd","mfa"]})")}};
}

HeaderList With(HeaderList headers, std::vector<std::pair<std::string, std::string>> more) {
  for (auto& h : more) headers.push_back(std::move(h));
  return headers;
}

class AuditRecordsTest : public ApiTest {
 protected:
  void SetUp() override { Start("2026-01-15T09:00:00Z"); }

  std::string NewCustomer(const std::string& company, HeaderList headers) {
    nlohmann::json body = {
        {"companyProfile", {{"domain", company + ".onmicrosoft.com"}}},
        {"billingProfile",
         {{"culture", "en-US"}, {"email", "a@contoso.example"}, {"language", "en"}, {"companyName", company},
          {"defaultAddress",
           {{"firstName", "Ada"}, {"lastName", "Lovelace"}, {"addressLine1", "1 Main Street"}, {"city", "Redmond"},
            {"state", "WA"}, {"postalCode", "98052"}, {"country", "US"}}}}}};
    auto created = CallJson("POST", "/v1/customers", body, 201, headers);
    std::string id = created.value("id", "");
    nlohmann::json agreement = {{"primaryContact", {{"firstName", "Ada"}, {"lastName", "Lovelace"}, {"email", "a@b.example"}}},
                                {"templateId", "117a77b0-9360-443b-8795-c6dedc750cf9"},
                                {"dateAgreed", router->sandbox().Now().ToString()},
                                {"type", "MicrosoftCustomerAgreement"}};
    CallJson("POST", "/v1/customers/" + id + "/agreements", agreement, 201, headers);
    return id;
  }

  nlohmann::json Records(const std::string& query = "", HeaderList headers = AsUser(), int status = 200) {
    return CallJson("GET", "/v1/auditrecords" + query, nullptr, status, std::move(headers));
  }

  std::vector<std::string> Operations(const nlohmann::json& page) {
    std::vector<std::string> ops;
    for (const auto& r : page["items"]) ops.push_back(r["operationType"].get<std::string>());
    return ops;
  }
};

TEST_F(AuditRecordsTest, APartnerWriteNamesItsCallerAndCorrelationId) {
  std::string customer = NewCustomer("Relecloud", With(AsUser(), {{"MS-RequestId", "req-1"},
                                                                  {"MS-CorrelationId", "corr-1"}}));
  auto page = Records();
  ASSERT_EQ(page["totalCount"], 2) << page.dump(2);
  // 2026-01-15T09:00:00Z: 1,768,467,600 s after 1970 = 639,040,644,000,000,000 ticks after 0001-01-01.
  const std::string id = std::string(kPartner) + "_" + customer + "_addcustomer_639040644000000000_0";
  nlohmann::json expected = {
      {"id", id},
      {"partnerId", kPartner},
      {"customerId", customer},
      {"customerName", "Relecloud"},
      {"userPrincipalName", "ops@fabrikam.example"},
      {"applicationId", kApp},
      {"resourceType", "customer"},
      {"resourceOldValue", nullptr},
      {"resourceNewValue", R"({"kind":"customerCreated","customerId":")" + customer + R"("})"},
      {"operationType", "add_customer"},
      {"operationDate", "2026-01-15T09:00:00.0000000Z"},
      {"operationStatus", "succeeded"},
      {"originalCorrelationId", "corr-1"},
      {"customizedData",
       {{{"key", "Kind"}, {"value", "customerCreated"}},
        {{"key", "CustomerId"}, {"value", customer}},
        {{"key", "InitiatedBy"}, {"value", "partner"}}}},
      {"attributes", {{"objectType", "AuditRecord"}}}};
  EXPECT_EQ(page["items"][0], expected);
  EXPECT_EQ(page["items"][1]["operationType"], "create_agreement");
  EXPECT_EQ(page["items"][1]["resourceType"], "agreement");
  EXPECT_EQ(page["items"][1]["originalCorrelationId"], "corr-1");
  EXPECT_EQ(page["links"]["self"]["uri"], "/auditrecords?startDate=2025-12-16&size=500");
  EXPECT_FALSE(page["links"].contains("next"));
  EXPECT_EQ(AuditRecordId(router->sandbox(), 0), id);
  EXPECT_EQ(CallJson("GET", "/v1/auditrecords/" + id, nullptr, 200, AsUser()), expected);
}

TEST_F(AuditRecordsTest, AnOrderListsItsLinesAndARequestIdStandsInForTheCorrelationId) {
  std::string customer = NewCustomer("Relecloud", AsUser());
  nlohmann::json cart = {{"lineItems",
                          {{{"id", 0}, {"catalogItemId", kE3}, {"quantity", 25}, {"termDuration", "P1Y"},
                            {"billingCycle", "monthly"}, {"friendlyName", "E3 for sales"}}}}};
  auto created = CallJson("POST", "/v1/customers/" + customer + "/carts", cart, 201, AsUser());
  auto result = CallJson("POST", "/v1/customers/" + customer + "/carts/" + created.value("id", "") + "/checkout",
                         nullptr, 201, With(AsUser(), {{"MS-RequestId", "checkout-7"}}));
  const std::string order = result["orders"][0].value("id", "");
  Advance("PT5M");
  const std::string subscription =
      CallJson("GET", "/v1/customers/" + customer + "/orders/" + order)["lineItems"][0].value("subscriptionId", "");
  // A request with neither MS-CorrelationId nor MS-RequestId: null.
  EXPECT_EQ(Records()["items"][0]["originalCorrelationId"], nullptr);
  auto page = Records("?filter=" + PercentEncode(R"({"Field":"ResourceType","Value":"ORDER","Operator":"equals"})"));
  ASSERT_EQ(Operations(page), (std::vector<std::string>{"create_order", "update_order"})) << page.dump(2);
  const auto& create = page["items"][0];
  EXPECT_EQ(create["originalCorrelationId"], "checkout-7");
  EXPECT_EQ(create["customizedData"],
            nlohmann::json({{{"key", "OrderId"}, {"value", order}},
                            {{"key", "BillingCycle"}, {"value", "monthly"}},
                            {{"key", "OfferId-0"}, {"value", kE3}},
                            {{"key", "SubscriptionId-0"}, {"value", subscription}},
                            {{"key", "SubscriptionName-0"}, {"value", "E3 for sales"}},
                            {{"key", "Quantity-0"}, {"value", "25"}},
                            {{"key", "PartnerOnRecord-0"}, {"value", nullptr}},
                            {{"key", "InitiatedBy"}, {"value", "partner"}}}));
  // The order completes by itself a minute later: the system's record.
  const auto& complete = page["items"][1];
  EXPECT_EQ(complete["operationDate"], "2026-01-15T09:01:00.0000000Z");
  EXPECT_EQ(complete["userPrincipalName"], nullptr);
  EXPECT_EQ(complete["applicationId"], nullptr);
  EXPECT_EQ(complete["customizedData"].back(), nlohmann::json({{"key", "InitiatedBy"}, {"value", "system"}}));
}

TEST_F(AuditRecordsTest, ARenewalAfterTheClockAdvancesIsTheSystems) {
  std::string customer = NewCustomer("Relecloud", AsUser());
  std::string sub = Buy(customer, kE3, 3, "P1M", "monthly");
  Advance("2026-02-15T12:00:00Z");
  auto page = Records("?startDate=2026-02-15&endDate=2026-02-15");
  ASSERT_EQ(page["totalCount"], 1) << page.dump(2);
  const auto& r = page["items"][0];
  // The term of 2026-01-15 .. 2026-02-14 renews at 2026-02-15T00:00:00Z.
  EXPECT_EQ(r["id"], std::string(kPartner) + "_" + customer + "_updatesubscription_639067104000000000_" +
                         r["id"].get<std::string>().substr(r["id"].get<std::string>().rfind('_') + 1));
  EXPECT_EQ(r["operationType"], "update_subscription");
  EXPECT_EQ(r["resourceType"], "subscription");
  EXPECT_EQ(r["operationDate"], "2026-02-15T00:00:00.0000000Z");
  EXPECT_EQ(r["userPrincipalName"], nullptr);
  EXPECT_EQ(r["originalCorrelationId"], nullptr);
  EXPECT_EQ(r["resourceNewValue"],
            R"({"kind":"renewed","subscriptionId":")" + sub + R"(","customerId":")" + customer + R"(","quantity":3})");
  EXPECT_EQ(r["customizedData"],
            nlohmann::json({{{"key", "Kind"}, {"value", "renewed"}},
                            {{"key", "SubscriptionId"}, {"value", sub}},
                            {{"key", "CustomerId"}, {"value", customer}},
                            {{"key", "Quantity"}, {"value", "3"}},
                            {{"key", "InitiatedBy"}, {"value", "system"}}}));
  // The invoice of January closes on 2026-02-01: a ready_invoice record without a customer.
  auto invoices = Records("?filter=" + PercentEncode(R"({"Field":"ResourceType","Value":"invoice","Operator":"equals"})"));
  ASSERT_EQ(invoices["totalCount"], 1) << invoices.dump(2);
  EXPECT_EQ(invoices["items"][0]["operationType"], "ready_invoice");
  EXPECT_EQ(invoices["items"][0]["customerId"], nullptr);
  EXPECT_EQ(invoices["items"][0]["id"].get<std::string>().rfind(std::string(kPartner) + "__readyinvoice_", 0), 0u);
}

TEST_F(AuditRecordsTest, TheTwentyFourHourRuleIsTheSystemsAndTheTurnOffThePartners) {
  Start("2026-03-01T08:00:00Z");
  std::string customer = NewCustomer("Relecloud", AsUser());
  std::string sub = Buy(customer, kE3, 4, "P1Y", "monthly");
  const std::string path = "/v1/customers/" + customer + "/subscriptions/" + sub;
  nlohmann::json body = CallJson("GET", path);
  body["autoRenewEnabled"] = false;
  CallJson("PATCH", path, body, 200, With(AsUser(), {{"MS-RequestId", "auto-renew-off"}}));
  Advance("2026-03-03T00:00:00Z");  // the 24-hour rule sets an EST action on the second
  auto page = Records("?startDate=2026-03-01&filter=" +
                      PercentEncode(R"({"Field":"ResourceType","Value":"subscription","Operator":"equals"})"));
  ASSERT_EQ(page["totalCount"], 2) << page.dump(2);
  const auto& off = page["items"][0];
  EXPECT_EQ(off["resourceNewValue"], R"({"kind":"autoRenewChanged","subscriptionId":")" + sub +
                                         R"(","customerId":")" + customer + R"(","autoRenewEnabled":false})");
  EXPECT_EQ(off["userPrincipalName"], "ops@fabrikam.example");
  EXPECT_EQ(off["originalCorrelationId"], "auto-renew-off");
  const auto& rule = page["items"][1];
  EXPECT_EQ(rule["operationType"], "update_subscription");
  EXPECT_EQ(rule["operationDate"].get<std::string>().substr(0, 10), "2026-03-02");
  EXPECT_EQ(rule["userPrincipalName"], nullptr);
  EXPECT_EQ(rule["originalCorrelationId"], nullptr);
  EXPECT_EQ(rule["customizedData"],
            nlohmann::json({{{"key", "Kind"}, {"value", "scheduledActionSet"}},
                            {{"key", "SubscriptionId"}, {"value", sub}},
                            {{"key", "CustomerId"}, {"value", customer}},
                            {{"key", "ActionType"}, {"value", "RenewToExtendedServiceTerm"}},
                            {{"key", "SetBy"}, {"value", "autoRenewOffRule"}},
                            {{"key", "InitiatedBy"}, {"value", "system"}}}));
}

TEST_F(AuditRecordsTest, TheRangeIsNinetyDaysAndWholeDays) {
  NewCustomer("Relecloud", AsUser());
  Advance("2026-04-15T12:00:00Z");  // today: 2026-04-15; 90 days before: 2026-01-15
  EXPECT_EQ(Records("?startDate=2026-01-15")["totalCount"], 2);
  EXPECT_EQ(Records()["totalCount"], 0);  // 30 days by default: from 2026-03-16
  // The documented example's form of a date, a time of day ignored.
  auto page = Records("?startDate=1/15/2026%2012:00:00%20AM&endDate=2026-01-15");
  EXPECT_EQ(page["totalCount"], 2);
  EXPECT_EQ(page["links"]["self"]["uri"], "/auditrecords?startDate=2026-01-15&endDate=2026-01-15&size=500");
  EXPECT_EQ(Records("?startDate=2026-01-14&endDate=2026-01-14", AsUser(), 400),
            nlohmann::json({{"code", 800002},
                            {"description",
                             "Invalid request input: startDate 2026-01-14 is more than 90 days before today "
                             "(2026-04-15); activity log data is available for the previous 90 days only."},
                            {"data", nlohmann::json::array()},
                            {"source", "PartnerFD"}}));
  EXPECT_EQ(Records("?startDate=2026-02-30", AsUser(), 400)["description"],
            "Invalid request input: 'startDate' must be a date (yyyy-mm-dd), not '2026-02-30'.");
  EXPECT_EQ(Records("?startDate=2026-04-10&endDate=2026-04-01", AsUser(), 400)["description"],
            "Invalid request input: 'endDate' 2026-04-01 is before 'startDate' 2026-04-10.");
}

TEST_F(AuditRecordsTest, TheFilterMatchesCompanyNameCustomerIdOrResourceTypeIgnoringCase) {
  std::string relecloud = NewCustomer("Relecloud", AsUser());
  std::string fabrikam = NewCustomer("Fabrikam", AsUser());
  auto filter = [&](const std::string& json) { return Records("?filter=" + PercentEncode(json)); };
  auto by_name = filter(R"({"Field":"CompanyName","Value":"BRIKA","Operator":"substring"})");
  ASSERT_EQ(by_name["totalCount"], 2);
  EXPECT_EQ(by_name["items"][0]["customerId"], fabrikam);
  EXPECT_EQ(filter(R"({"Field":"CustomerId","Value":")" + relecloud + R"(","Operator":"equals"})")["totalCount"], 2);
  EXPECT_EQ(filter(R"({"Field":"ResourceType","Value":"agreement","Operator":"equals"})")["totalCount"], 2);
  EXPECT_EQ(filter(R"({"Field":"CompanyName","Value":"Relecloud Ltd","Operator":"equals"})")["totalCount"], 0);
  for (const char* bad : {R"({"Field":"Country","Value":"US","Operator":"equals"})",
                          R"({"Field":"CompanyName","Value":"x","Operator":"startswith"})",
                          R"({"Field":"CompanyName","Value":"x"})", R"({"Field":"CompanyName","Value":1,"Operator":"equals"})",
                          "not json"}) {
    auto error = Records("?filter=" + PercentEncode(bad), AsUser(), 400);
    EXPECT_EQ(error["code"], 800002) << bad;
  }
  EXPECT_EQ(Records("?filter=" + PercentEncode("[1]"), AsUser(), 400)["description"],
            "Invalid request input: filter is not a JSON object. Send the URL-encoded JSON "
            R"({"Field":"CompanyName|CustomerId|ResourceType","Value":"...","Operator":"substring|equals"}.)");
}

TEST_F(AuditRecordsTest, PagesFollowTheContinuationTokenOfLinksNext) {
  for (const char* company : {"Alpha", "Beta", "Gamma"}) NewCustomer(company, AsUser());  // 6 records
  std::vector<std::string> ids;
  auto page = Records("?size=4");
  ASSERT_EQ(page["totalCount"], 4);
  const auto& next = page["links"]["next"];
  EXPECT_EQ(next["uri"], "/auditrecords?startDate=2025-12-16&size=4");
  EXPECT_EQ(next["method"], "GET");
  ASSERT_EQ(next["headers"][0]["key"], "MS-ContinuationToken");
  const std::string token = next["headers"][0]["value"];
  EXPECT_EQ(token.rfind("a1:4:", 0), 0u) << token;
  auto second = Records("?size=4", With(AsUser(), {{"MS-ContinuationToken", token}}));
  ASSERT_EQ(second["totalCount"], 2);
  EXPECT_FALSE(second["links"].contains("next"));
  EXPECT_EQ(second["items"][0]["customerName"], "Gamma");
  // A token edited by hand, or sent with another query, is refused.
  std::string edited = token;
  edited[3] = '3';
  EXPECT_EQ(Records("?size=4", With(AsUser(), {{"MS-ContinuationToken", edited}}), 400)["description"],
            "Invalid request input: the MS-ContinuationToken is not valid for this query.");
  Records("?size=5", With(AsUser(), {{"MS-ContinuationToken", token}}), 400);
  EXPECT_EQ(Records("?size=0", AsUser(), 400)["code"], 800002);
  EXPECT_EQ(Records("?size=100000")["links"]["self"]["uri"], "/auditrecords?startDate=2025-12-16&size=500");
}

TEST_F(AuditRecordsTest, AnotherPartnerSeesNothingAndReadingChangesNothing) {
  NewCustomer("Relecloud", AsUser());
  const std::string id = AuditRecordId(router->sandbox(), 0);
  const uint64_t before = router->StateDigest();
  EXPECT_EQ(Records("", AsUser(kOtherPartner))["totalCount"], 0);
  EXPECT_EQ(CallJson("GET", "/v1/auditrecords/" + id, nullptr, 404, AsUser(kOtherPartner))["description"],
            "Audit record " + id + " was not found for this partner.");
  CallJson("GET", "/v1/auditrecords/" + id.substr(0, id.size() - 1) + "1x", nullptr, 404, AsUser());
  EXPECT_EQ(router->StateDigest(), before);
}

TEST_F(AuditRecordsTest, OnlyJournalKindsWithAResourceChangeHaveARecord) {
  EXPECT_FALSE(AuditOperationOf(JournalKind::Charged).has_value());
  EXPECT_FALSE(AuditOperationOf(JournalKind::CycleStarted).has_value());
  EXPECT_FALSE(AuditOperationOf(JournalKind::Purchased).has_value());
  EXPECT_EQ(AuditOperationOf(JournalKind::Upgraded)->operation_type, "upgrade_subscription");
  EXPECT_EQ(AuditOperationOf(JournalKind::TrialConverted)->operation_type, "convert_trial_subscription");
  EXPECT_EQ(AuditOperationOf(JournalKind::QualificationAdded)->operation_type, "update_customer_qualification");
  EXPECT_EQ(AuditOperationOf(JournalKind::ExtendedServiceTermStarted)->operation_type, "update_subscription");
  EXPECT_EQ(AuditRecordId(router->sandbox(), 0), "");  // no such entry
}

TEST_F(AuditRecordsTest, IdsAreTheSameInAReplayOfTheSameRequests) {
  auto run = [&] {
    Start("2026-01-15T09:00:00Z");
    NewCustomer("Relecloud", AsUser());
    Buy(router->sandbox().customers()[0]->id, kE3, 2, "P1M", "monthly");
    return Records().dump();
  };
  const std::string first = run();
  EXPECT_EQ(run(), first);
}

TEST_F(AuditRecordsTest, UserAccountsAreCustomerUserRecords) {
  std::string customer = NewCustomer("relecloud", AsUser());
  nlohmann::json user = {{"userPrincipalName", "ada@relecloud.onmicrosoft.com"}, {"displayName", "Ada"},
                         {"usageLocation", "US"}, {"passwordProfile", {{"password", "abCD123*"}}}};
  std::string id = CallJson("POST", "/v1/customers/" + customer + "/users", user, 200, AsUser())["id"];
  Call("DELETE", "/v1/customers/" + customer + "/users/" + id, "", AsUser());
  auto page = Records("?filter=%7B%22Field%22%3A%22ResourceType%22%2C%22Value%22%3A%22customer_user%22%2C%22Operator%22%3A%22equals%22%7D");
  ASSERT_EQ(page["totalCount"], 2) << page.dump(2);
  EXPECT_EQ(Operations(page), (std::vector<std::string>{"create_customer_user", "delete_customer_user"}));
  EXPECT_EQ(page["items"][1]["customerId"], customer);
  EXPECT_EQ(page["items"][1]["resourceNewValue"],
            R"({"kind":"userDeleted","customerId":")" + customer + R"(","userId":")" + id + R"("})");
}

}  // namespace
}  // namespace pcsim::api::testing
