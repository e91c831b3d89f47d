#include "tests/api/api_fixture.h"

#include <fstream>
#include <memory>
#include <sstream>

#include "pcsim/client/partner_center_client.h"
#include "pcsim/client/transport.h"
#include "pcsim/gtest/builders.h"
#include "simulator/api/compression.h"

namespace pcsim::api::testing {

namespace {
// CreateCustomer's numbering (customerN.onmicrosoft.com), from 1 in each new
// router: a test's domains do not depend on the tests that ran before it.
int customers_created = 0;
}  // namespace

void ApiTest::Start(std::string_view start, Environment environment,
                    std::vector<std::pair<std::string, std::string>> policy_overrides, AuthMode auth) {
  customers_created = 0;
  RouterOptions options;
  options.sandbox.start = *Instant::Parse(start);
  options.sandbox.environment = environment;
  options.auth = auth;
  if (!policy_overrides.empty()) {
    Policy policy = Policy::Microsoft();
    for (const auto& [key, value] : policy_overrides) {
      Status s = policy.Override(key, value);
      ASSERT_TRUE(s.ok()) << key << ": " << s.description();
    }
    options.sandbox.policy = std::move(policy);
  }
  router = std::make_unique<Router>(options);
}

Response ApiTest::Call(const std::string& method, const std::string& target, const std::string& body,
                       HeaderList headers) {
  bool has_auth = false;
  for (const auto& [k, v] : headers)
    if (EqualsIgnoreCase(k, "Authorization")) has_auth = true;
  if (!has_auth) headers.emplace_back("Authorization", "Bearer test-token");
  if (!body.empty()) headers.emplace_back("Content-Type", "application/json");
  return router->Handle(MakeRequest(method, target, body, headers));
}

nlohmann::json ApiTest::CallJson(const std::string& method, const std::string& target, const nlohmann::json& body,
                                 int expected_status, HeaderList headers) {
  Response r = Call(method, target, body.is_null() ? std::string() : body.dump(), std::move(headers));
  EXPECT_EQ(r.status, expected_status) << method << " " << target << " -> " << r.body;
  if (r.body.empty()) return nullptr;
  auto j = nlohmann::json::parse(r.body, nullptr, false);
  EXPECT_FALSE(j.is_discarded()) << r.body;
  return j;
}

std::string ApiTest::CreateCustomer(const std::string& country) {
  client::PartnerCenterClient partner(std::make_shared<client::InProcessTransport>(*router));
  client::NewCustomer spec = gtest::SampleCustomer(++customers_created, country);
  auto customer = partner.CreateCustomer(spec);
  EXPECT_TRUE(customer.ok()) << customer.status().ToString();
  if (!customer.ok()) return "";
  Status accepted = partner.AcceptAgreement(customer->id, gtest::SampleAgreement(spec, router->sandbox().Now().ToString()));
  EXPECT_TRUE(accepted.ok()) << accepted.ToString();
  return customer->id;
}

std::string ApiTest::Buy(const std::string& customer, const std::string& item, int quantity, const std::string& term,
                         const std::string& billing) {
  nlohmann::json line = {{"id", 0}, {"catalogItemId", item}, {"quantity", quantity}, {"termDuration", term},
                         {"billingCycle", billing}};
  nlohmann::json cart = {{"lineItems", nlohmann::json::array({line})}};
  auto created = CallJson("POST", "/v1/customers/" + customer + "/carts", cart, 201);
  auto result = CallJson("POST", "/v1/customers/" + customer + "/carts/" + created.value("id", "") + "/checkout",
                         nullptr, 201);
  std::string order_id = result["orders"][0].value("id", "");
  Advance("PT5M");
  auto order = CallJson("GET", "/v1/customers/" + customer + "/orders/" + order_id);
  return order["lineItems"][0].value("subscriptionId", "");
}

void ApiTest::Advance(const std::string& by_or_to) {
  nlohmann::json body = by_or_to.rfind("P", 0) == 0 ? nlohmann::json{{"by", by_or_to}} : nlohmann::json{{"to", by_or_to}};
  CallJson("POST", "/_sim/clock/advance", body, 200);
}

std::string PathOf(const std::string& url) {
  if (url.rfind("http://", 0) != 0) return url;
  return url.substr(url.find('/', 7));
}

std::string ApiTest::Export(const std::string& kind, const nlohmann::json& body, HeaderList headers) {
  Response r = Call("POST", std::string(kBilling) + "/" + kind + "/export", body.dump(), std::move(headers));
  EXPECT_EQ(r.status, 202) << r.body;
  EXPECT_TRUE(r.body.empty());
  auto location = r.Header("Location");
  EXPECT_TRUE(location.has_value());
  return location ? PathOf(*location) : "";
}

nlohmann::json ApiTest::Wait(const std::string& operation, HeaderList headers) {
  for (int i = 0; i < 10; ++i) {
    Response r = Call("GET", operation, "", headers);
    EXPECT_EQ(r.status, 200) << r.body;
    nlohmann::json op = nlohmann::json::parse(r.body);
    if (op["status"] != "running") return op;
    auto retry = r.Header("Retry-After");
    EXPECT_TRUE(retry.has_value());
    Advance("PT" + retry.value_or("1") + "S");
  }
  ADD_FAILURE() << "the export is still running";
  return nullptr;
}

std::vector<nlohmann::json> ApiTest::Rows(const nlohmann::json& op, HeaderList headers, size_t* blob_count) {
  nlohmann::json manifest = CallJson("GET", PathOf(op["resourceLocation@odata.navigationLink"]), nullptr, 200, headers);
  std::vector<nlohmann::json> rows;
  if (blob_count) *blob_count = manifest["blobs"].size();
  EXPECT_EQ(manifest["blobCount"], manifest["blobs"].size());
  for (const nlohmann::json& blob : manifest["blobs"]) {
    Response r = Call("GET", PathOf(manifest["rootDirectory"]) + "/" + blob["name"].get<std::string>() + "?" +
                                 manifest["sasToken"].get<std::string>());
    EXPECT_EQ(r.status, 200) << r.body;
    auto text = Gunzip(r.body, size_t{1} << 30);
    EXPECT_TRUE(text.ok());
    if (!text.ok()) continue;
    size_t from = 0;
    for (size_t nl = text->find('\n'); nl != std::string::npos; from = nl + 1, nl = text->find('\n', from))
      rows.push_back(nlohmann::json::parse(text->substr(from, nl - from)));
    EXPECT_EQ(from, text->size()) << "a blob ends with a newline";
  }
  return rows;
}

std::vector<nlohmann::json> ApiTest::ExportRows(const std::string& kind, const nlohmann::json& body) {
  return Rows(Wait(Export(kind, body)));
}

std::string UnsignedJwt(const std::string& payload_json) {
  return Base64(R"({"alg":"none","typ":"JWT"})", true) + "." + Base64(payload_json, true) + ".signature";
}

nlohmann::json DocExample(const std::string& id) {
  static const nlohmann::json all = [] {
    std::ifstream in(std::string(PCSIM_SOURCE_DIR) + "/tests/api/data/partner-center-doc-examples.json");
    std::stringstream buffer;
    buffer << in.rdbuf();
    return nlohmann::json::parse(buffer.str(), nullptr, false);
  }();
  if (all.is_array())
    for (const auto& e : all)
      if (e.value("id", "") == id) return e;
  ADD_FAILURE() << "no documented example " << id;
  return nlohmann::json::object();
}

namespace {

nlohmann::json ParseLenient(const nlohmann::json& example, const char* strict, const char* lenient) {
  for (const char* key : {strict, lenient}) {
    auto it = example.find(key);
    if (it == example.end() || it->is_null()) continue;
    if (it->is_string()) {
      auto j = nlohmann::json::parse(it->get<std::string>(), nullptr, false);
      if (!j.is_discarded()) return j;
    } else {
      return *it;
    }
  }
  return nullptr;
}

}  // namespace

nlohmann::json DocResponseBody(const nlohmann::json& example) {
  return ParseLenient(example, "response_body_json", "response_body_json_lenient");
}

nlohmann::json DocRequestBody(const nlohmann::json& example) {
  return ParseLenient(example, "request_body_json", "request_body_json_lenient");
}

}  // namespace pcsim::api::testing

namespace pcsim::api::testing {

void ExpectDocumentedShape(const nlohmann::json& documented, const nlohmann::json& ours,
                           const std::set<std::string>& skip, const std::string& path) {
  if (skip.count(path) != 0) return;
  if (documented.is_object()) {
    ASSERT_TRUE(ours.is_object()) << path << " should be an object, is " << ours.dump();
    for (auto it = documented.begin(); it != documented.end(); ++it) {
      std::string child = path.empty() ? it.key() : path + "." + it.key();
      if (skip.count(child) != 0) continue;
      if (!ours.contains(it.key())) {
        ADD_FAILURE() << "missing documented key " << child;
        continue;
      }
      ExpectDocumentedShape(*it, ours[it.key()], skip, child);
    }
  } else if (documented.is_array()) {
    ASSERT_TRUE(ours.is_array()) << path << " should be an array";
    if (!documented.empty() && !ours.empty()) ExpectDocumentedShape(documented[0], ours[0], skip, path + "[0]");
  } else if (documented.is_number()) {
    EXPECT_TRUE(ours.is_number()) << path << " should be a number, is " << ours.dump();
  } else if (documented.is_string()) {
    EXPECT_TRUE(ours.is_string()) << path << " should be a string, is " << ours.dump();
  } else if (documented.is_boolean()) {
    EXPECT_TRUE(ours.is_boolean()) << path << " should be a boolean, is " << ours.dump();
  }
}

}  // namespace pcsim::api::testing
