// Contract-drift mode (docs/drift.md): /v1 answers gain one unknown field per
// object and unseen values in four constant enum fields, from a seed; nothing
// else of the answer and nothing of the state changes; off by default.
#include "tests/api/api_fixture.h"

#include <iterator>
#include <set>
#include <string>

namespace pcsim::api::testing {
namespace {

constexpr const char* kE3 = "CFQ7TTC0LFLZ:0001:CFQ7TTC0K5F7";

// The enum fields drift may rewrite: (objectType, field).
const std::set<std::pair<std::string, std::string>> kDriftingEnums = {{"Subscription", "unitType"},
                                                                      {"Subscription", "contractType"},
                                                                      {"Order", "transactionType"},
                                                                      {"OrderLineItem", "transactionType"}};

// Checks that `drifted` is `original` grown as drift grows it: every object
// keeps its keys, in order, with equal values (but the drifting enum fields,
// which take another value), and has exactly one key more, at its end.
// Returns the number of objects seen.
int ExpectGrownFrom(const nlohmann::json& original, const nlohmann::json& drifted, const std::string& path,
                    const std::string& type = "") {
  if (original.is_array()) {
    EXPECT_TRUE(drifted.is_array()) << path;
    if (!drifted.is_array() || drifted.size() != original.size()) {
      ADD_FAILURE() << path << " changed size";
      return 0;
    }
    int n = 0;
    for (size_t i = 0; i < original.size(); ++i)
      n += ExpectGrownFrom(original[i], drifted[i], path + "/" + std::to_string(i), type == "Order" ? "OrderLineItem" : "");
    return n;
  }
  if (!original.is_object()) {
    EXPECT_EQ(drifted, original) << path;
    return 0;
  }
  std::string own = type;
  if (original.contains("attributes") && original["attributes"].is_object() &&
      original["attributes"].contains("objectType"))
    own = original["attributes"]["objectType"].get<std::string>();
  EXPECT_EQ(drifted.size(), original.size() + 1) << path << ": " << drifted.dump();
  int n = 1;
  for (const auto& [key, value] : original.items()) {
    if (!drifted.contains(key)) {
      ADD_FAILURE() << path << "/" << key << " is gone";
      continue;
    }
    if (kDriftingEnums.count({own, key})) {
      EXPECT_NE(drifted[key], value) << path << "/" << key;
      EXPECT_TRUE(drifted[key].is_string()) << path << "/" << key;
      continue;
    }
    n += ExpectGrownFrom(value, drifted[key], path + "/" + key, own == "Order" && key == "lineItems" ? "Order" : "");
  }
  return n;
}

class DriftTest : public ApiTest {
 protected:
  void SetUp() override { Start("2026-01-15T09:00:00Z"); }

  // A customer with one subscription (its order completed); returns the subscription's path.
  std::string Book() {
    nlohmann::json body = {
        {"companyProfile", {{"domain", "relecloud.onmicrosoft.com"}}},
        {"billingProfile",
         {{"culture", "en-US"}, {"email", "a@contoso.example"}, {"language", "en"}, {"companyName", "Relecloud"},
          {"defaultAddress",
           {{"firstName", "Ada"}, {"lastName", "Lovelace"}, {"addressLine1", "1 Main Street"}, {"city", "Redmond"},
            {"state", "WA"}, {"postalCode", "98052"}, {"country", "US"}}}}}};
    customer_ = CallJson("POST", "/v1/customers", body, 201).value("id", "");
    nlohmann::json agreement = {{"primaryContact", {{"firstName", "Ada"}, {"lastName", "Lovelace"}, {"email", "a@b.example"}}},
                                {"templateId", "117a77b0-9360-443b-8795-c6dedc750cf9"},
                                {"dateAgreed", router->sandbox().Now().ToString()},
                                {"type", "MicrosoftCustomerAgreement"}};
    CallJson("POST", "/v1/customers/" + customer_ + "/agreements", agreement, 201);
    subscription_ = Buy(customer_, kE3, 3, "P1Y", "monthly");
    return "/v1/customers/" + customer_ + "/subscriptions/" + subscription_;
  }
  nlohmann::json SetDrift(const nlohmann::json& body) { return CallJson("POST", "/_sim/drift", body, 200); }

  std::string customer_, subscription_;
};

TEST_F(DriftTest, IsOffByDefault) {
  EXPECT_EQ(CallJson("GET", "/_sim/drift"),
            nlohmann::json({{"enabled", false}, {"seed", 1}, {"unknownFields", true}, {"newEnumValues", true}}));
  const std::string path = Book();
  auto subscription = CallJson("GET", path);
  EXPECT_EQ(subscription["contractType"], "subscription");
  EXPECT_FALSE(subscription.contains("channelType"));
}

TEST_F(DriftTest, ASubscriptionGrowsByOneFieldPerObjectAndTwoUnseenEnumValues) {
  const std::string path = Book();
  const std::string plain = Call("GET", path).body;
  EXPECT_EQ(SetDrift({{"enabled", true}, {"seed", 7}}),
            nlohmann::json({{"enabled", true}, {"seed", 7}, {"unknownFields", true}, {"newEnumValues", true}}));
  Response r = Call("GET", path);
  ASSERT_EQ(r.status, 200);
  auto original = nlohmann::ordered_json::parse(plain);
  auto drifted = nlohmann::ordered_json::parse(r.body);
  // The subscription, productType, a refund option, links and its four
  // links, refundableQuantity and its one batch, attributes.
  EXPECT_EQ(ExpectGrownFrom(original, drifted, ""), 11);
  // Seed 7, GET of this path: the exact values.
  EXPECT_EQ(drifted["unitType"], "Seats");
  EXPECT_EQ(drifted["billingType"], "license");  // it tells a license from an Azure plan: never drifted
  EXPECT_EQ(drifted["contractType"], "subscriptionWithTerms");
  EXPECT_EQ(drifted.begin().key(), "id");
  auto last = std::prev(drifted.end());
  EXPECT_EQ(last.key(), "channelType");
  EXPECT_EQ(*last, "automatic");
  EXPECT_EQ(drifted["productType"]["channelType"], "standard");
  EXPECT_EQ(drifted["refundOptions"][0]["tags"], nlohmann::ordered_json::array({"review"}));
  EXPECT_EQ(drifted["attributes"]["displayOrder"], 840);
  // links grows a relation whose value is a link under the resource's own.
  EXPECT_EQ(drifted["links"]["documentation"],
            nlohmann::ordered_json({{"uri", "/customers/" + customer_ + "/subscriptions/" + subscription_ + "/documentation"},
                            {"method", "GET"},
                            {"headers", nlohmann::json::array()}}));
  // Money and quantities are the original text.
  EXPECT_EQ(drifted["quantity"], 3);
  EXPECT_EQ(drifted["id"], subscription_);
  EXPECT_EQ(drifted["links"]["self"]["uri"], original["links"]["self"]["uri"]);
}

TEST_F(DriftTest, OrdersCollectionsAndMoneyKeepTheirValues) {
  Book();
  auto orders_path = "/v1/customers/" + customer_ + "/orders";
  const std::string plain = Call("GET", orders_path).body;
  SetDrift({{"enabled", true}, {"seed", 7}});
  const std::string drifted = Call("GET", orders_path).body;
  auto original = nlohmann::ordered_json::parse(plain);
  auto grown = nlohmann::ordered_json::parse(drifted);
  EXPECT_GT(ExpectGrownFrom(original, grown, ""), 5);
  // The money of an order line is the same text: an exact decimal, never re-rounded.
  const std::string price = original["items"][0]["lineItems"][0]["pricing"]["listPrice"].dump();
  EXPECT_NE(drifted.find("\"listPrice\":" + price), std::string::npos) << drifted;
}

TEST_F(DriftTest, TheSameSeedAndRequestsGiveTheSameBytesAndTheStateIsUntouched) {
  auto run = [&](bool drift, uint64_t seed) {
    Start("2026-01-15T09:00:00Z");
    if (drift) SetDrift({{"enabled", true}, {"seed", seed}});
    std::string path = Book();
    std::string bodies = Call("GET", path).body + Call("GET", "/v1/customers/" + customer_).body +
                         Call("GET", "/v1/customers/" + customer_ + "/subscriptions").body;
    return std::make_pair(bodies, router->StateDigest());
  };
  auto [plain, plain_digest] = run(false, 0);
  auto [first, first_digest] = run(true, 7);
  auto [second, second_digest] = run(true, 7);
  auto [other, other_digest] = run(true, 8);
  EXPECT_EQ(first, second);
  EXPECT_NE(first, plain);
  EXPECT_NE(first, other);
  EXPECT_EQ(first_digest, plain_digest);
  EXPECT_EQ(second_digest, plain_digest);
  EXPECT_EQ(other_digest, plain_digest);
}

TEST_F(DriftTest, ControlRoutesErrorsAndSwitchedOffPartsStayAsTheyAre) {
  const std::string path = Book();
  SetDrift({{"enabled", true}, {"seed", 3}});
  EXPECT_EQ(CallJson("GET", "/_sim/clock"), nlohmann::json({{"now", "2026-01-15T09:05:00Z"}}));
  auto error = CallJson("GET", "/v1/customers/" + customer_ + "/subscriptions/nope", nullptr, 404);
  EXPECT_EQ(error.size(), 4u) << error.dump();
  // Only unknown fields: the enums keep their documented values.
  SetDrift({{"newEnumValues", false}});
  auto only_fields = CallJson("GET", path);
  EXPECT_EQ(only_fields["unitType"], "Licenses");
  EXPECT_EQ(only_fields["contractType"], "subscription");
  // Only enum values: no field is added.
  SetDrift({{"newEnumValues", true}, {"unknownFields", false}});
  const std::string enums_only = Call("GET", path).body;
  SetDrift({{"enabled", false}});
  auto plain = nlohmann::ordered_json::parse(Call("GET", path).body);
  auto enums = nlohmann::ordered_json::parse(enums_only);
  EXPECT_EQ(enums.size(), plain.size());
  EXPECT_NE(enums["unitType"], "Licenses");
  enums["unitType"] = plain["unitType"];
  enums["contractType"] = plain["contractType"];
  EXPECT_EQ(enums, plain);
}

TEST_F(DriftTest, BadSettingsAreRefusedAndAResetReturnsToTheServersSetting) {
  EXPECT_EQ(CallJson("POST", "/_sim/drift", {{"enabled", "yes"}}, 400)["code"], 800002);
  EXPECT_EQ(CallJson("POST", "/_sim/drift", {{"colour", true}}, 400)["code"], 800002);
  EXPECT_EQ(CallJson("POST", "/_sim/drift", {{"seed", -1}}, 400)["code"], 800002);
  EXPECT_EQ(CallJson("GET", "/_sim/drift")["enabled"], false);
  SetDrift({{"enabled", true}});
  CallJson("POST", "/_sim/reset", nlohmann::json::object(), 200);
  EXPECT_EQ(CallJson("GET", "/_sim/drift")["enabled"], false);

  RouterOptions options;
  options.drift.enabled = true;
  options.drift.seed = 9;
  router = std::make_unique<Router>(options);
  CallJson("POST", "/_sim/reset", nlohmann::json::object(), 200);
  EXPECT_EQ(CallJson("GET", "/_sim/drift"),
            nlohmann::json({{"enabled", true}, {"seed", 9}, {"unknownFields", true}, {"newEnumValues", true}}));
}

}  // namespace
}  // namespace pcsim::api::testing
