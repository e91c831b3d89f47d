// Partner Center webhooks (docs/webhooks.md): the registration API, its
// errors and throttle, and the events pcsim derives from the event journal,
// seen through the in-process sink (Router::SetWebhookSink).
#include <algorithm>
#include <string>
#include <vector>

#include "tests/api/api_fixture.h"

namespace pcsim::api::testing {
namespace {

using nlohmann::json;

constexpr char kE3[] = "CFQ7TTC0LFLZ:0001:CFQ7TTC0K5F7";  // Microsoft 365 E3, USD
constexpr char kRegistration[] = "/webhooks/v1/registration";
constexpr char kUrl[] = "http://127.0.0.1:9/hooks";
constexpr char kPartner[] = "4f6c1a8e-2b7d-4e0f-9a3c-5d8e7f1b2c40";  // kDefaultPartnerTenantId

HeaderList AsPartner(const std::string& tid) {
  return {{"Authorization", "Bearer " + UnsignedJwt(json{{"tid", tid}}.dump())}};
}

struct Received {
  std::string event;
  std::string body;
  HeaderList headers;
};

class WebhookRoutesTest : public ApiTest {
 protected:
  void SetUp() override { StartWith(1); }

  void StartWith(uint64_t seed) {
    RouterOptions options;
    options.sandbox.start = *Instant::Parse("2026-01-15T09:00:00Z");
    options.sandbox.seed = seed;
    router = std::make_unique<Router>(options);
    router->SetWebhookSink([this](const WebhookDelivery& d) {
      received.push_back(Received{d.event_name, d.body, d.headers});
      return sink_status;
    });
  }

  json Register(const json& events, int expected = 200, HeaderList headers = {}) {
    return CallJson("POST", kRegistration, {{"WebhookUrl", kUrl}, {"WebhookEvents", events}}, expected,
                    std::move(headers));
  }

  // Expects `body` refused with 400, code 800002 and a description holding
  // `words`, and the state unchanged.
  void ExpectRefused(const std::string& method, const std::string& body, const std::string& words,
                     int code = 800002) {
    const uint64_t before = router->StateDigest();
    Response r = Call(method, kRegistration, body);
    EXPECT_EQ(r.status, 400) << body << " -> " << r.body;
    json error = json::parse(r.body, nullptr, false);
    EXPECT_EQ(error.value("code", 0), code) << r.body;
    EXPECT_NE(error.value("description", "").find(words), std::string::npos) << r.body;
    EXPECT_EQ(error.value("source", ""), "PartnerFD");
    EXPECT_EQ(router->StateDigest(), before) << body;
  }

  // The bodies received, each AuditUri checked (it names a record of the
  // activity log, of the event's subscription, at the event's instant) and
  // written as "{audit}".
  std::vector<std::string> Bodies() {
    std::vector<std::string> out;
    for (const Received& r : received) out.push_back(WithCheckedAuditUri(r.body));
    return out;
  }
  std::string WithCheckedAuditUri(const std::string& body) {
    json event = json::parse(body);
    if (event["AuditUri"].is_null()) return body;
    const std::string uri = event["AuditUri"];
    const std::string prefix = "https://api.partnercenter.microsoft.com/v1/auditrecords/";
    EXPECT_EQ(uri.rfind(prefix, 0), 0u) << uri;
    json record = CallJson("GET", uri.substr(prefix.size() - std::string("/v1/auditrecords/").size()));
    EXPECT_EQ(record["resourceType"], "subscription") << record.dump();
    EXPECT_NE(event["ResourceUri"].get<std::string>().find("/customers/" + record.value("customerId", "?") + "/"),
              std::string::npos)
        << record.dump();
    EXPECT_EQ(Instant::Parse(record.value("operationDate", "")), Instant::Parse(event.value("ResourceChangeUtcDate", "")))
        << record.dump();
    std::string out = body;
    out.replace(out.find(uri), uri.size(), "{audit}");
    return out;
  }

  std::vector<Received> received;
  int sink_status = 200;
};

std::string Header(const HeaderList& headers, const std::string& name) {
  for (const auto& [k, v] : headers)
    if (EqualsIgnoreCase(k, name)) return v;
  return "<missing>";
}

TEST_F(WebhookRoutesTest, RegisterAnswers200WithSubscriberIdAndTheViewOmitsIt) {
  json created = Register({"subscription-updated", "test-created"});
  const std::string id = created.value("SubscriberId", "");
  EXPECT_EQ(id.size(), 36u);
  EXPECT_EQ(created, (json{{"SubscriberId", id},
                           {"WebhookUrl", kUrl},
                           {"WebhookEvents", {"subscription-updated", "test-created"}}}));
  EXPECT_EQ(created.begin().key(), "SubscriberId");
  json viewed = CallJson("GET", kRegistration);
  EXPECT_EQ(viewed, (json{{"WebhookUrl", kUrl}, {"WebhookEvents", {"subscription-updated", "test-created"}}}));
  EXPECT_EQ(Call("GET", kRegistration).body,
            R"({"WebhookUrl":"http://127.0.0.1:9/hooks","WebhookEvents":["subscription-updated","test-created"]})");
}

TEST_F(WebhookRoutesTest, TheSubscriberIdComesFromTheSeed) {
  const std::string first = Register({"test-created"}).value("SubscriberId", "");
  StartWith(1);
  EXPECT_EQ(Register({"test-created"}).value("SubscriberId", ""), first);
  StartWith(2);
  EXPECT_NE(Register({"test-created"}).value("SubscriberId", ""), first);
}

TEST_F(WebhookRoutesTest, ASecondRegistrationIs409AndChangesNothing) {
  Register({"test-created"});
  const uint64_t before = router->StateDigest();
  Response r = Call("POST", kRegistration, json{{"WebhookUrl", "http://localhost:1/x"}, {"WebhookEvents", {"invoice-ready"}}}.dump());
  EXPECT_EQ(r.status, 409) << r.body;
  EXPECT_EQ(json::parse(r.body).value("code", 0), 409);
  EXPECT_EQ(router->StateDigest(), before);
  EXPECT_EQ(CallJson("GET", kRegistration)["WebhookUrl"], kUrl);
}

TEST_F(WebhookRoutesTest, UpdateKeepsTheSubscriberIdAndReplacesTheRest) {
  const std::string id = Register({"test-created"}).value("SubscriberId", "");
  json updated = CallJson("PUT", kRegistration,
                          {{"WebhookUrl", "https://localhost:8443/pc"},
                           {"WebhookEvents", {"invoice-ready", "INVOICE-READY", "usagerecords-thresholdexceeded"}},
                           {"SignatureTokenToMsSignatureHeader", true}});
  EXPECT_EQ(updated, (json{{"SubscriberId", id},
                           {"WebhookUrl", "https://localhost:8443/pc"},
                           {"WebhookEvents", {"invoice-ready", "usagerecords-thresholdExceeded"}},
                           {"SignatureTokenToMsSignatureHeader", true}}));
}

TEST_F(WebhookRoutesTest, UpdateAndDeleteWithoutARegistrationAre404) {
  for (const char* method : {"PUT", "DELETE", "GET"}) {
    Response r = Call(method, kRegistration,
                      std::string(method) == "PUT" ? json{{"WebhookUrl", kUrl}, {"WebhookEvents", {"test-created"}}}.dump() : "");
    EXPECT_EQ(r.status, 404) << method << " " << r.body;
    EXPECT_EQ(json::parse(r.body).value("code", 0), 1000) << method;
  }
}

TEST_F(WebhookRoutesTest, DeleteForgetsTheRegistration) {
  Register({"test-created"});
  Response r = Call("DELETE", kRegistration);
  EXPECT_EQ(r.status, 204);
  EXPECT_EQ(r.body, "");
  EXPECT_EQ(Call("GET", kRegistration).status, 404);
  Register({"test-created"});  // and a new one may be made
}

TEST_F(WebhookRoutesTest, EventsListsTheEventsPcsimSends) {
  EXPECT_EQ(Call("GET", "/webhooks/v1/registration/events").body,
            R"(["subscription-updated","invoice-ready","test-created"])");
}

TEST_F(WebhookRoutesTest, BadRegistrationsAreRefusedWithPartnerCentersErrorBody) {
  ExpectRefused("POST", "{not json", "not valid JSON", 900126);
  ExpectRefused("POST", "[]", "must be a JSON object", 900126);
  ExpectRefused("POST", R"({"WebhookEvents":["test-created"]})", "WebhookUrl is required");
  ExpectRefused("POST", R"({"WebhookUrl":7,"WebhookEvents":["test-created"]})", "WebhookUrl must be a string");
  ExpectRefused("POST", R"({"WebhookUrl":"ftp://127.0.0.1/x","WebhookEvents":["test-created"]})",
                "is not an http or https URL");
  ExpectRefused("POST", R"({"WebhookUrl":"https://example.com/hook","WebhookEvents":["test-created"]})",
                "is not on this machine");
  ExpectRefused("POST", R"({"WebhookUrl":"http://10.0.0.1/hook","WebhookEvents":["test-created"]})",
                "is not on this machine");
  ExpectRefused("POST", R"({"WebhookUrl":"http://127.0.0.1.example.com/","WebhookEvents":["test-created"]})",
                "is not on this machine");
  ExpectRefused("POST", R"({"WebhookUrl":"http://user@127.0.0.1/","WebhookEvents":["test-created"]})",
                "carries user information");
  ExpectRefused("POST", R"({"WebhookUrl":"http://127.0.0.1:70000/","WebhookEvents":["test-created"]})",
                "port that is not a number from 1 to 65535");
  ExpectRefused("POST", R"({"WebhookUrl":"http://127.0.0.1/","WebhookEvents":[]})", "one or more event names");
  ExpectRefused("POST", R"({"WebhookUrl":"http://127.0.0.1/","WebhookEvents":"test-created"})",
                "one or more event names");
  ExpectRefused("POST", R"({"WebhookUrl":"http://127.0.0.1/","WebhookEvents":[1]})", "must hold event names");
  ExpectRefused("POST", R"({"WebhookUrl":"http://127.0.0.1/","WebhookEvents":["subscription-renewed"]})",
                "'subscription-renewed' is not a Partner Center webhook event");
  ExpectRefused("POST", R"({"WebhookUrl":"http://127.0.0.1/","WebhookEvents":["customer-created"]})",
                "'customer-created' is not a Partner Center webhook event");
  ExpectRefused("POST",
                R"({"WebhookUrl":"http://127.0.0.1/","WebhookEvents":["test-created"],"SignatureTokenToMsSignatureHeader":"yes"})",
                "SignatureTokenToMsSignatureHeader must be true or false");
  // A refused update leaves the registration as it was.
  Register({"test-created"});
  ExpectRefused("PUT", R"({"WebhookUrl":"http://[::2]/","WebhookEvents":["test-created"]})", "is not on this machine");
  EXPECT_EQ(CallJson("GET", kRegistration)["WebhookUrl"], kUrl);
}

TEST_F(WebhookRoutesTest, LoopbackUrlsOfEveryFormAreAccepted) {
  for (const char* url : {"http://127.0.0.1/", "http://127.255.1.2:65535/a?b=c", "https://LOCALHOST:8443",
                          "http://[::1]:8080/hook"}) {
    Call("DELETE", kRegistration);
    Response r = Call("POST", kRegistration, json{{"WebhookUrl", url}, {"WebhookEvents", {"test-created"}}}.dump());
    EXPECT_EQ(r.status, 200) << url << " -> " << r.body;
  }
}

TEST_F(WebhookRoutesTest, ValidationEventsNeedARegistrationForTestCreated) {
  Response none = Call("POST", "/webhooks/v1/registration/validationEvents");
  EXPECT_EQ(none.status, 404) << none.body;
  Register({"invoice-ready"});
  const uint64_t before = router->StateDigest();
  Response r = Call("POST", "/webhooks/v1/registration/validationEvents");
  EXPECT_EQ(r.status, 400) << r.body;
  EXPECT_NE(r.body.find("Register for the test-created event"), std::string::npos) << r.body;
  EXPECT_EQ(router->StateDigest(), before);
  EXPECT_TRUE(received.empty());
}

TEST_F(WebhookRoutesTest, AValidationEventIsDeliveredAndItsStatusShowsEachAttempt) {
  Register({"test-created"});
  json sent = CallJson("POST", "/webhooks/v1/registration/validationEvents");
  const std::string id = sent.value("correlationId", "");
  ASSERT_EQ(id.size(), 36u);
  EXPECT_EQ(sent, (json{{"correlationId", id}}));
  ASSERT_EQ(received.size(), 1u);
  EXPECT_EQ(received[0].body, R"({"EventName":"test-created","ResourceUri":"https://api.partnercenter.microsoft.com/webhooks/v1/registration/validationEvents/)" +
                                  id + R"(","ResourceName":"test","AuditUri":null,"ResourceChangeUtcDate":"2026-01-15T09:00:00.0000000+00:00"})");
  json status = CallJson("GET", "/webhooks/v1/registration/validationEvents/" + id);
  EXPECT_EQ(status, (json{{"correlationId", id},
                          {"partnerId", kPartner},
                          {"status", "completed"},
                          {"callbackUrl", kUrl},
                          {"results",
                           {{{"responseCode", "OK"},
                             {"responseMessage", ""},
                             {"systemError", false},
                             {"dateTimeUtc", "2026-01-15T09:00:00.0000000"}}}}}));
  // Another partner does not see it; seven days later it is gone.
  Response other = Call("GET", "/webhooks/v1/registration/validationEvents/" + id, "",
                        AsPartner("0b0b0b0b-0000-4000-8000-000000000002"));
  EXPECT_EQ(other.status, 404);
  Advance("P7D");
  CallJson("GET", "/webhooks/v1/registration/validationEvents/" + id);
  Advance("PT1S");
  Response gone = Call("GET", "/webhooks/v1/registration/validationEvents/" + id);
  EXPECT_EQ(gone.status, 404) << gone.body;
  EXPECT_NE(gone.body.find("deleted seven days after"), std::string::npos);
}

TEST_F(WebhookRoutesTest, ValidationEventsAreThrottledToTwoPerSimulatedMinute) {
  Register({"test-created"});
  CallJson("POST", "/webhooks/v1/registration/validationEvents");
  Advance("PT30S");
  CallJson("POST", "/webhooks/v1/registration/validationEvents");
  const uint64_t before = router->StateDigest();
  Response third = Call("POST", "/webhooks/v1/registration/validationEvents");
  EXPECT_EQ(third.status, 429) << third.body;
  EXPECT_EQ(third.Header("Retry-After").value_or(""), "60");
  EXPECT_EQ(json::parse(third.body).value("code", 0), 429);
  EXPECT_EQ(router->StateDigest(), before);
  EXPECT_EQ(received.size(), 2u);
  // A minute after the first, one more may go.
  Advance("PT29S");
  EXPECT_EQ(Call("POST", "/webhooks/v1/registration/validationEvents").status, 429);
  Advance("PT1S");
  CallJson("POST", "/webhooks/v1/registration/validationEvents");
  EXPECT_EQ(received.size(), 3u);
}

TEST_F(WebhookRoutesTest, AFailingReceiverGetsTenAttempts) {
  Register({"test-created"});
  sink_status = 500;
  const std::string id = CallJson("POST", "/webhooks/v1/registration/validationEvents").value("correlationId", "");
  EXPECT_EQ(received.size(), 10u);
  json status = CallJson("GET", "/webhooks/v1/registration/validationEvents/" + id);
  EXPECT_EQ(status["status"], "completed");
  ASSERT_EQ(status["results"].size(), 10u);
  EXPECT_EQ(status["results"][9]["responseCode"], "InternalServerError");
  json deliveries = CallJson("GET", "/_sim/webhooks/deliveries");
  ASSERT_EQ(deliveries["totalCount"], 1);
  EXPECT_EQ(deliveries["items"][0]["state"], "failed");
  EXPECT_EQ(deliveries["items"][0]["attempts"].size(), 10u);
  EXPECT_EQ(deliveries["items"][0]["attempts"][9], (json{{"attempt", 10}, {"status", 500}, {"afterMs", 0}}));
}

TEST_F(WebhookRoutesTest, DeliveriesAreSignedAsPartnerCenterDocuments) {
  Register({"test-created"});
  CallJson("POST", "/webhooks/v1/registration/validationEvents");
  ASSERT_EQ(received.size(), 1u);
  const HeaderList& h = received[0].headers;
  EXPECT_EQ(Header(h, "Content-Type"), "application/json");
  EXPECT_EQ(Header(h, "X-MS-Signature-Algorithm"), "rsa-sha256");
  EXPECT_EQ(Header(h, "X-MS-Certificate-Url"), "https://api.partnercenter.microsoft.com/_sim/webhooks/certificate");
  const std::string auth = Header(h, "Authorization");
  ASSERT_EQ(auth.rfind("Signature ", 0), 0u) << auth;
  // RSA 2048: 256 bytes, 344 base64 characters.
  EXPECT_EQ(auth.size(), std::string("Signature ").size() + 344);
  EXPECT_EQ(Header(h, "x-ms-signature"), "<missing>");
  // The same seed signs the same body with the same bytes.
  StartWith(1);
  Register({"test-created"});
  CallJson("POST", "/webhooks/v1/registration/validationEvents");
  ASSERT_EQ(received.size(), 2u);
  EXPECT_EQ(received[1].body, received[0].body);
  EXPECT_EQ(Header(received[1].headers, "Authorization"), auth);
  // SignatureTokenToMsSignatureHeader moves it to x-ms-signature.
  CallJson("PUT", kRegistration,
           {{"WebhookUrl", kUrl}, {"WebhookEvents", {"test-created"}}, {"SignatureTokenToMsSignatureHeader", true}});
  Advance("PT1M");
  CallJson("POST", "/webhooks/v1/registration/validationEvents");
  ASSERT_EQ(received.size(), 3u);
  EXPECT_EQ(Header(received[2].headers, "Authorization"), "<missing>");
  EXPECT_EQ(Header(received[2].headers, "x-ms-signature").rfind("Signature ", 0), 0u);
}

TEST_F(WebhookRoutesTest, TheCertificateIsServedAsDerAndPem) {
  Response der = Call("GET", "/_sim/webhooks/certificate");
  EXPECT_EQ(der.status, 200);
  EXPECT_EQ(der.content_type, "application/pkix-cert");
  ASSERT_GT(der.body.size(), 700u);
  EXPECT_EQ(static_cast<unsigned char>(der.body[0]), 0x30);  // a DER SEQUENCE
  EXPECT_NE(der.body.find("pcsim"), std::string::npos);     // O=pcsim
  Response pem = Call("GET", "/_sim/webhooks/certificate?format=pem");
  EXPECT_EQ(pem.body.rfind("-----BEGIN CERTIFICATE-----", 0), 0u);
  EXPECT_EQ(Call("GET", "/_sim/webhooks/certificate?format=jwk").status, 400);
  // The same seed, the same certificate; another seed, another.
  StartWith(1);
  EXPECT_EQ(Call("GET", "/_sim/webhooks/certificate").body, der.body);
  StartWith(3);
  EXPECT_NE(Call("GET", "/_sim/webhooks/certificate").body, der.body);
}

// A purchase, a seat change, then a year: one subscription-updated for the
// seat change, one for the backfill's action, one at the term end (2027-01-15), and an
// invoice-ready for each month's invoice, in the order of their instants,
// each body exactly as Partner Center's.
TEST_F(WebhookRoutesTest, AYearOfChangesIsDeliveredInOrderOfItsInstants) {
  Register({"subscription-updated", "invoice-ready"});
  const std::string customer = CreateCustomer("US");
  const std::string sub = Buy(customer, kE3, 10, "P1Y", "monthly");
  EXPECT_TRUE(received.empty()) << received[0].body;  // a purchase is not an update
  CallJson("PATCH", "/v1/customers/" + customer + "/subscriptions/" + sub, {{"quantity", 12}});
  ASSERT_EQ(received.size(), 1u);
  const std::string sub_uri =
      "https://api.partnercenter.microsoft.com/webhooks/v1/customers/" + customer + "/subscriptions/" + sub;
  EXPECT_EQ(WithCheckedAuditUri(received[0].body), R"({"EventName":"subscription-updated","ResourceUri":")" + sub_uri +
                                  R"(","ResourceName":"subscription","AuditUri":"{audit}","ResourceChangeUtcDate":"2026-01-15T09:05:00.0000000+00:00"})");
  received.clear();
  Advance("P1Y");
  // What the journal says happened, mapped as docs/webhooks.md says.
  json events = CallJson("GET", "/_sim/events?since=2026-01-15T09:05:01Z");
  std::vector<std::string> expected;
  std::string last;
  for (const json& e : events["items"]) {
    const std::string kind = e.value("kind", "");
    std::string body;
    if (kind == "invoiceClosed") {
      body = R"({"EventName":"invoice-ready","ResourceUri":"https://api.partnercenter.microsoft.com/v1/invoices/)" +
             e.value("invoiceId", "") + R"(","ResourceName":"invoice","AuditUri":null,"ResourceChangeUtcDate":")";
    } else if (kind == "renewed" || kind == "scheduledActionSet" || kind == "extendedServiceTermStarted") {
      body = R"({"EventName":"subscription-updated","ResourceUri":")" + sub_uri +
             R"(","ResourceName":"subscription","AuditUri":"{audit}","ResourceChangeUtcDate":")";
    } else {
      EXPECT_TRUE(kind == "charged") << kind;
      continue;
    }
    Instant at = *Instant::Parse(e.value("at", ""));
    std::string date = at.ToStringWith7Fraction();
    body += date.substr(0, date.size() - 1) + "+00:00\"}";
    if (body != last) expected.push_back(body);
    last = body;
  }
  EXPECT_EQ(Bodies(), expected);
  // 12 invoices (closed on the 6th, February 2026 to January 2027); the
  // February 2026 backfill sets the EST action on its own (docs/decisions.md,
  // section 9), and the term end starts the EST: two subscription-updated.
  std::vector<std::string> names;
  for (const Received& r : received) names.push_back(r.event);
  std::vector<std::string> expected_names(14, "invoice-ready");
  expected_names[1] = expected_names[13] = "subscription-updated";
  EXPECT_EQ(names, expected_names);
  ASSERT_EQ(received.size(), 14u);
  EXPECT_NE(received[1].body.find("\"2026-02-15T22:18:44.0000000+00:00\""), std::string::npos) << received[1].body;
  EXPECT_NE(received[13].body.find("\"2027-01-15T00:00:00.0000000+00:00\""), std::string::npos) << received[13].body;
  // In order of their instants.
  for (size_t i = 1; i < received.size(); ++i)
    EXPECT_LE(received[i - 1].body.substr(received[i - 1].body.size() - 36),
              received[i].body.substr(received[i].body.size() - 36));
}

TEST_F(WebhookRoutesTest, OnlyTheRegisteredEventsOfTheCallersPartnerAreSent) {
  // Another partner's registration hears nothing of this partner's book.
  Register({"invoice-ready", "subscription-updated"}, 200, AsPartner("0b0b0b0b-0000-4000-8000-000000000002"));
  const std::string customer = CreateCustomer("US");
  const std::string sub = Buy(customer, kE3, 10, "P1Y", "monthly");
  CallJson("PATCH", "/v1/customers/" + customer + "/subscriptions/" + sub, {{"quantity", 12}});
  EXPECT_TRUE(received.empty());
  // This partner's registration for invoices only: the invoice, not the change.
  Register({"invoice-ready"});
  CallJson("PATCH", "/v1/customers/" + customer + "/subscriptions/" + sub, {{"quantity", 14}});
  Advance("2026-02-07T00:00:00Z");
  ASSERT_EQ(received.size(), 1u);
  EXPECT_EQ(received[0].event, "invoice-ready");
  EXPECT_NE(received[0].body.find("\"ResourceName\":\"invoice\""), std::string::npos) << received[0].body;
}

TEST_F(WebhookRoutesTest, ARefusedChangeSendsNothing) {
  Register({"subscription-updated"});
  const std::string customer = CreateCustomer("US");
  const std::string sub = Buy(customer, kE3, 10, "P1Y", "monthly");
  Response r = Call("PATCH", "/v1/customers/" + customer + "/subscriptions/" + sub,
                    json{{"quantity", 0}}.dump());
  EXPECT_GE(r.status, 400);
  Response too_far = Call("POST", "/_sim/clock/advance", R"({"by":"P200Y"})");
  EXPECT_EQ(too_far.status, 400);
  EXPECT_TRUE(received.empty());
}

TEST_F(WebhookRoutesTest, RegistrationsAreStateAndAResetForgetsThem) {
  const uint64_t empty = router->StateDigest();
  Register({"test-created"});
  CallJson("POST", "/webhooks/v1/registration/validationEvents");
  EXPECT_NE(router->StateDigest(), empty);
  EXPECT_EQ(CallJson("GET", "/_sim/webhooks/deliveries")["totalCount"], 1);
  CallJson("POST", "/_sim/reset");
  EXPECT_EQ(router->StateDigest(), empty);
  EXPECT_EQ(Call("GET", kRegistration).status, 404);
  EXPECT_EQ(CallJson("GET", "/_sim/webhooks/deliveries")["totalCount"], 0);
}

// A restart from a state dir replays the commands: the registration and its
// validation events come back, and nothing is sent again.
TEST_F(WebhookRoutesTest, AReplayRestoresRegistrationsWithoutSendingAgain) {
  Register({"test-created", "subscription-updated"}, 200, {{"Host", "127.0.0.1:8080"}});
  const std::string id = CallJson("POST", "/webhooks/v1/registration/validationEvents").value("correlationId", "");
  const std::string customer = CreateCustomer("US");
  const std::string sub = Buy(customer, kE3, 10, "P1Y", "monthly");
  CallJson("PATCH", "/v1/customers/" + customer + "/subscriptions/" + sub, {{"quantity", 12}});
  ASSERT_EQ(received.size(), 2u);
  EXPECT_NE(received[1].body.find("\"http://127.0.0.1:8080/webhooks/v1/customers/"), std::string::npos)
      << received[1].body;
  EXPECT_EQ(Header(received[1].headers, "X-MS-Certificate-Url"), "http://127.0.0.1:8080/_sim/webhooks/certificate");
  const uint64_t digest = router->StateDigest();
  std::vector<CommandRecord> history = router->History();

  std::vector<Received> again;
  RouterOptions options;
  options.sandbox.start = *Instant::Parse("2026-01-15T09:00:00Z");
  Router restored(options);
  restored.SetWebhookSink([&](const WebhookDelivery& d) {
    again.push_back(Received{d.event_name, d.body, d.headers});
    return 200;
  });
  for (const CommandRecord& c : history) restored.Replay(c);
  EXPECT_EQ(restored.StateDigest(), digest);
  EXPECT_TRUE(again.empty());
  // The next change is sent, with the base URL the registration was made through.
  Response patched = restored.Handle(MakeRequest("PATCH", "/v1/customers/" + customer + "/subscriptions/" + sub,
                                                 json{{"quantity", 14}}.dump(),
                                                 {{"Authorization", "Bearer t"}, {"Content-Type", "application/json"}}));
  EXPECT_EQ(patched.status, 200) << patched.body;
  ASSERT_EQ(again.size(), 1u);
  EXPECT_NE(again[0].body.find("\"http://127.0.0.1:8080/webhooks/v1/customers/" + customer), std::string::npos);
  Response status = restored.Handle(MakeRequest("GET", "/webhooks/v1/registration/validationEvents/" + id, "",
                                                {{"Authorization", "Bearer t"}}));
  EXPECT_EQ(status.status, 200) << status.body;
}

TEST_F(WebhookRoutesTest, WithoutASinkDeliveriesWaitInTheJournal) {
  router->SetWebhookSink({});
  Register({"test-created"});
  CallJson("POST", "/webhooks/v1/registration/validationEvents");
  json deliveries = CallJson("GET", "/_sim/webhooks/deliveries");
  ASSERT_EQ(deliveries["totalCount"], 1);
  EXPECT_EQ(deliveries["items"][0]["state"], "pending");
  EXPECT_EQ(deliveries["items"][0]["eventName"], "test-created");
  EXPECT_EQ(deliveries["items"][0]["url"], kUrl);
  EXPECT_EQ(deliveries["items"][0]["attempts"].size(), 0u);
  EXPECT_TRUE(received.empty());
}

}  // namespace
}  // namespace pcsim::api::testing
