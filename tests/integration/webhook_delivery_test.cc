// Webhook deliveries over real loopback sockets (docs/webhooks.md): a
// receiver registered with pcsim serve's HTTP server gets the events of a
// year in order, each signed as Partner Center documents, and the signature
// checks out the documented way (RSA-SHA256 over the UTF-8 body, with the
// public key of the certificate fetched from X-MS-Certificate-Url). A
// receiver that hangs or fails gets its retries and stalls nothing.
#include <gnutls/abstract.h>
#include <gnutls/gnutls.h>
#include <gnutls/x509.h>
#include <gtest/gtest.h>
#include <httplib.h>
#include <nlohmann/json.hpp>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "tests/integration/sample_bodies.h"
#include "simulator/http/http_server.h"

namespace pcsim::http {
namespace {

using nlohmann::json;
using pcsim::testing::SampleAgreementBody;
using pcsim::testing::SampleCustomerBody;

// A webhook receiver on a free loopback port that answers `status` (after
// `delay_ms`) and keeps what it got.
class Receiver {
 public:
  struct Got {
    std::string body;
    httplib::Headers headers;
  };

  Receiver() {
    server_.Post("/hooks", [this](const httplib::Request& req, httplib::Response& res) {
      if (delay_ms_ > 0) {
        std::unique_lock<std::mutex> lock(mutex_);
        released_.wait_for(lock, std::chrono::milliseconds(delay_ms_.load()), [&] { return stopping_; });
      }
      {
        std::lock_guard<std::mutex> lock(mutex_);
        got_.push_back(Got{req.body, req.headers});
      }
      arrived_.notify_all();
      res.status = status_;
      res.set_content("", "text/plain");
    });
    port_ = server_.bind_to_any_port("127.0.0.1");
    thread_ = std::thread([this] { server_.listen_after_bind(); });
    // Running before a test may stop it (a bounded wait).
    for (int i = 0; i < 500 && !server_.is_running(); ++i) std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
  ~Receiver() {
    {
      std::lock_guard<std::mutex> lock(mutex_);
      stopping_ = true;
    }
    released_.notify_all();
    server_.stop();
    thread_.join();
  }

  std::string Url() const { return "http://127.0.0.1:" + std::to_string(port_) + "/hooks"; }
  void Answer(int status, int delay_ms = 0) {
    status_ = status;
    delay_ms_ = delay_ms;
  }
  // Waits (a bounded real time) until `n` requests arrived; fails with a message otherwise.
  std::vector<Got> WaitFor(size_t n, int seconds = 20) {
    std::unique_lock<std::mutex> lock(mutex_);
    bool ok = arrived_.wait_for(lock, std::chrono::seconds(seconds), [&] { return got_.size() >= n; });
    EXPECT_TRUE(ok) << "the receiver got " << got_.size() << " of " << n << " deliveries in " << seconds << " s";
    return got_;
  }
  size_t count() {
    std::lock_guard<std::mutex> lock(mutex_);
    return got_.size();
  }

 private:
  httplib::Server server_;
  std::thread thread_;
  int port_ = 0;
  std::atomic<int> status_{200};
  std::atomic<int> delay_ms_{0};
  std::mutex mutex_;
  std::condition_variable arrived_, released_;
  bool stopping_ = false;
  std::vector<Got> got_;
};

// Verifies `signature_base64` over `body` with the public key of the DER
// certificate `der`, as Partner Center's sample does; also checks O=pcsim.
::testing::AssertionResult VerifiesWith(const std::string& der, const std::string& body,
                                        const std::string& signature_base64) {
  gnutls_x509_crt_t crt = nullptr;
  gnutls_pubkey_t key = nullptr;
  gnutls_datum_t der_datum{reinterpret_cast<unsigned char*>(const_cast<char*>(der.data())),
                           static_cast<unsigned>(der.size())};
  gnutls_datum_t b64{reinterpret_cast<unsigned char*>(const_cast<char*>(signature_base64.data())),
                     static_cast<unsigned>(signature_base64.size())};
  gnutls_datum_t sig{};
  gnutls_datum_t data{reinterpret_cast<unsigned char*>(const_cast<char*>(body.data())),
                      static_cast<unsigned>(body.size())};
  std::string failure;
  char org[128] = {};
  size_t org_size = sizeof org;
  if (gnutls_x509_crt_init(&crt) < 0 || gnutls_x509_crt_import(crt, &der_datum, GNUTLS_X509_FMT_DER) < 0)
    failure = "the certificate does not parse";
  else if (gnutls_x509_crt_get_dn_by_oid(crt, GNUTLS_OID_X520_ORGANIZATION_NAME, 0, 0, org, &org_size) < 0 ||
           std::string(org) != "pcsim")
    failure = std::string("the certificate's organization is '") + org + "'";
  else if (gnutls_pubkey_init(&key) < 0 || gnutls_pubkey_import_x509(key, crt, 0) < 0)
    failure = "no public key in the certificate";
  else if (gnutls_base64_decode2(&b64, &sig) < 0)
    failure = "the signature is not base64";
  else if (int r = gnutls_pubkey_verify_data2(key, GNUTLS_SIGN_RSA_SHA256, 0, &data, &sig); r < 0)
    failure = std::string("the signature does not verify: ") + gnutls_strerror(r);
  if (sig.data != nullptr) gnutls_free(sig.data);
  if (key != nullptr) gnutls_pubkey_deinit(key);
  if (crt != nullptr) gnutls_x509_crt_deinit(crt);
  if (!failure.empty()) return ::testing::AssertionFailure() << failure;
  return ::testing::AssertionSuccess();
}

class WebhookDeliveryTest : public ::testing::Test {
 protected:
  void Start(WebhookSenderOptions webhooks = {}) {
    api::RouterOptions options;
    options.sandbox.start = *Instant::Parse("2026-01-15T09:00:00Z");
    router_ = std::make_unique<api::Router>(options);
    HttpServerOptions http;
    http.port = 0;
    http.webhooks = webhooks;
    server_ = std::make_unique<HttpServer>(*router_, http);
    ASSERT_TRUE(server_->Start().ok());
    client_ = std::make_unique<httplib::Client>("127.0.0.1", server_->port());
    client_->set_read_timeout(10, 0);
    client_->set_default_headers({{"Authorization", "Bearer integration-test"}});
  }

  json Send(const std::string& method, const std::string& path, const json& body = nullptr, int status = 200) {
    std::string text = body.is_null() ? std::string() : body.dump();
    const auto started = std::chrono::steady_clock::now();
    httplib::Result res = method == "GET"     ? client_->Get(path)
                          : method == "POST"  ? client_->Post(path, text, "application/json")
                          : method == "PATCH" ? client_->Patch(path, text, "application/json")
                                              : client_->Put(path, text, "application/json");
    // No request waits for a receiver.
    EXPECT_LT(std::chrono::steady_clock::now() - started, std::chrono::seconds(3)) << method << " " << path;
    EXPECT_TRUE(res) << method << " " << path;
    if (!res) return nullptr;
    EXPECT_EQ(res->status, status) << method << " " << path << " -> " << res->body;
    if (res->body.empty()) return nullptr;
    return json::parse(res->body, nullptr, false);
  }

  std::string Customer() {
    json customer = Send("POST", "/v1/customers", SampleCustomerBody("contoso-hooks"), 201);
    std::string id = customer["id"];
    Send("POST", "/v1/customers/" + id + "/agreements",
         SampleAgreementBody("contoso-hooks", Send("GET", "/_sim/clock")["now"]), 201);
    return id;
  }

  std::string Buy(const std::string& customer) {
    json cart = Send("POST", "/v1/customers/" + customer + "/carts",
                     {{"LineItems", json::array({{{"Id", 0}, {"CatalogItemId", "CFQ7TTC0LFLZ:0001:CFQ7TTC0K5F7"},
                                                  {"Quantity", 10}, {"TermDuration", "P1Y"},
                                                  {"BillingCycle", "Monthly"}}})}},
                     201);
    json result = Send("POST", "/v1/customers/" + customer + "/carts/" + cart["id"].get<std::string>() + "/checkout",
                       nullptr, 201);
    std::string order = result["orders"][0]["id"];
    Send("POST", "/_sim/clock/advance", {{"by", "PT2M"}});
    return Send("GET", "/v1/customers/" + customer + "/orders/" + order)["lineItems"][0]["subscriptionId"];
  }

  json Deliveries() { return Send("GET", "/_sim/webhooks/deliveries"); }

  std::unique_ptr<api::Router> router_;
  std::unique_ptr<HttpServer> server_;
  std::unique_ptr<httplib::Client> client_;
};

TEST_F(WebhookDeliveryTest, AYearOfEventsArrivesInOrderSignedAndVerifiable) {
  Receiver receiver;
  Start();
  Send("POST", "/webhooks/v1/registration",
       {{"WebhookUrl", receiver.Url()}, {"WebhookEvents", {"subscription-updated", "invoice-ready", "test-created"}}});
  const std::string customer = Customer();
  const std::string sub = Buy(customer);
  Send("PATCH", "/v1/customers/" + customer + "/subscriptions/" + sub, {{"quantity", 12}});
  Send("POST", "/_sim/clock/advance", {{"by", "P1Y"}});
  // What the in-process journal says was sent, in order.
  json journal = Deliveries();
  const size_t n = journal["items"].size();
  ASSERT_EQ(n, 15u);  // the seat change, 12 invoices, the backfill's action, the term end
  std::vector<Receiver::Got> got = receiver.WaitFor(n);
  ASSERT_EQ(got.size(), n);
  const std::string base = "http://127.0.0.1:" + std::to_string(server_->port());
  // The AuditUri names the seat change's record in the activity log.
  const std::string audit_uri = json::parse(got[0].body).value("AuditUri", "");
  ASSERT_EQ(audit_uri.rfind(base + "/v1/auditrecords/", 0), 0u) << got[0].body;
  json record = Send("GET", audit_uri.substr(base.size()));
  EXPECT_EQ(record["operationType"], "update_subscription");
  EXPECT_EQ(record["customerId"], customer);
  EXPECT_EQ(got[0].body, R"({"EventName":"subscription-updated","ResourceUri":")" + base + "/webhooks/v1/customers/" +
                             customer + "/subscriptions/" + sub + R"(","ResourceName":"subscription","AuditUri":")" +
                             audit_uri + R"(","ResourceChangeUtcDate":"2026-01-15T09:02:00.0000000+00:00"})");
  std::string previous_date;
  int invoices = 0;
  std::string der;
  for (size_t i = 0; i < n; ++i) {
    EXPECT_EQ(got[i].body, journal["items"][i]["body"].get<std::string>()) << i;
    json body = json::parse(got[i].body);
    const std::string date = body["ResourceChangeUtcDate"];
    EXPECT_LE(previous_date, date) << i;
    previous_date = date;
    invoices += body["EventName"] == "invoice-ready";
    // The documented checks: the headers, the certificate, the signature.
    EXPECT_EQ(got[i].headers.find("Content-Type")->second, "application/json");
    EXPECT_EQ(got[i].headers.find("X-MS-Signature-Algorithm")->second, "rsa-sha256");
    const std::string cert_url = got[i].headers.find("X-MS-Certificate-Url")->second;
    ASSERT_EQ(cert_url, base + "/_sim/webhooks/certificate");
    if (der.empty()) {
      httplib::Client fetch(base);
      auto res = fetch.Get("/_sim/webhooks/certificate");
      ASSERT_TRUE(res);
      ASSERT_EQ(res->status, 200);
      der = res->body;
    }
    const std::string auth = got[i].headers.find("Authorization")->second;
    ASSERT_EQ(auth.rfind("Signature ", 0), 0u);
    EXPECT_TRUE(VerifiesWith(der, got[i].body, auth.substr(10))) << i;
    // A body changed by one byte does not verify.
    EXPECT_FALSE(VerifiesWith(der, got[i].body + " ", auth.substr(10))) << i;
  }
  EXPECT_EQ(invoices, 12);
  EXPECT_NE(got[n - 1].body.find("\"ResourceChangeUtcDate\":\"2027-01-15"), std::string::npos) << got[n - 1].body;
  // Every delivery in the journal is delivered at the first attempt (the
  // last one's record follows the receiver's answer: a bounded wait).
  json after;
  for (int i = 0; i < 100; ++i) {
    after = Deliveries();
    if (after["items"][n - 1]["state"] != "pending") break;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  for (const json& d : after["items"]) {
    EXPECT_EQ(d["state"], "delivered") << d.dump();
    EXPECT_EQ(d["attempts"].size(), 1u);
    EXPECT_EQ(d["attempts"][0]["status"], 200);
  }
}

TEST_F(WebhookDeliveryTest, AFailingReceiverGetsTenAttemptsAndTheServerKeepsAnswering) {
  Receiver receiver;
  receiver.Answer(500);
  WebhookSenderOptions fast;
  fast.first_retry_ms = 10;
  fast.max_retry_ms = 40;
  Start(fast);
  Send("POST", "/webhooks/v1/registration", {{"WebhookUrl", receiver.Url()}, {"WebhookEvents", {"test-created"}}});
  const std::string id = Send("POST", "/webhooks/v1/registration/validationEvents")["correlationId"];
  receiver.WaitFor(10);
  json status;
  for (int i = 0; i < 100; ++i) {  // the last attempt's record follows its answer
    status = Send("GET", "/webhooks/v1/registration/validationEvents/" + id);
    if (status["status"] == "completed") break;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  EXPECT_EQ(status["status"], "completed");
  ASSERT_EQ(status["results"].size(), 10u);
  for (const json& r : status["results"]) {
    EXPECT_EQ(r["responseCode"], "InternalServerError");
    EXPECT_EQ(r["systemError"], false);
  }
  EXPECT_EQ(receiver.count(), 10u);
  EXPECT_EQ(Deliveries()["items"][0]["state"], "failed");
}

TEST_F(WebhookDeliveryTest, AHangingReceiverTimesOutWithoutStallingTheServerOrTheClock) {
  Receiver receiver;
  receiver.Answer(200, 60'000);  // far beyond the read timeout
  WebhookSenderOptions fast;
  fast.read_timeout_ms = 300;
  fast.first_retry_ms = 10;
  fast.max_retry_ms = 20;
  Start(fast);
  Send("POST", "/webhooks/v1/registration", {{"WebhookUrl", receiver.Url()}, {"WebhookEvents", {"test-created"}}});
  Send("POST", "/webhooks/v1/registration/validationEvents");
  // While the receiver hangs, the server answers and the clock moves.
  for (int i = 0; i < 5; ++i) {
    Send("POST", "/_sim/clock/advance", {{"by", "P1D"}});
    Send("GET", "/_sim/clock");
  }
  EXPECT_EQ(Send("GET", "/_sim/clock")["now"], "2026-01-20T09:00:00Z");
  json d;
  for (int i = 0; i < 200; ++i) {  // 10 attempts of 0.3 s and short pauses
    d = Deliveries()["items"][0];
    if (d["state"] != "pending") break;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  EXPECT_EQ(d["state"], "failed") << d.dump();
  ASSERT_EQ(d["attempts"].size(), 10u) << d.dump();
  for (const json& a : d["attempts"]) {
    EXPECT_FALSE(a.contains("status")) << a.dump();
    EXPECT_EQ(a["error"], "Read") << a.dump();  // httplib's name for a read timeout
  }
}

TEST_F(WebhookDeliveryTest, ARefusedConnectionIsRetriedAndRecorded) {
  int port = 0;
  {
    Receiver gone;  // a port that was just free
    port = std::stoi(gone.Url().substr(gone.Url().rfind(':') + 1));
  }
  WebhookSenderOptions fast;
  fast.first_retry_ms = 5;
  fast.max_retry_ms = 10;
  Start(fast);
  Send("POST", "/webhooks/v1/registration",
       {{"WebhookUrl", "http://127.0.0.1:" + std::to_string(port) + "/hooks"}, {"WebhookEvents", {"test-created"}}});
  const std::string id = Send("POST", "/webhooks/v1/registration/validationEvents")["correlationId"];
  json status;
  for (int i = 0; i < 200; ++i) {
    status = Send("GET", "/webhooks/v1/registration/validationEvents/" + id);
    if (status["status"] == "completed") break;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  ASSERT_EQ(status["results"].size(), 10u) << status.dump();
  EXPECT_EQ(status["results"][0]["systemError"], true);
  EXPECT_EQ(status["results"][0]["responseCode"], "");
  EXPECT_EQ(status["results"][0]["responseMessage"], "Connection");
}

TEST_F(WebhookDeliveryTest, TheCertificateNeedsNoControlToken) {
  api::RouterOptions options;
  options.control_token = "secret-token";
  router_ = std::make_unique<api::Router>(options);
  HttpServerOptions http;
  http.port = 0;
  server_ = std::make_unique<HttpServer>(*router_, http);
  ASSERT_TRUE(server_->Start().ok());
  httplib::Client anonymous("127.0.0.1", server_->port());
  auto cert = anonymous.Get("/_sim/webhooks/certificate");
  ASSERT_TRUE(cert);
  EXPECT_EQ(cert->status, 200);
  auto journal = anonymous.Get("/_sim/webhooks/deliveries");
  ASSERT_TRUE(journal);
  EXPECT_EQ(journal->status, 401);
}

}  // namespace
}  // namespace pcsim::http
