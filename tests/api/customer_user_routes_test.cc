// Customer users and subscribed SKUs on the wire. Covered documented
// examples: customer-users, customer-user-create, subscribed-skus.
#include "tests/api/api_fixture.h"

namespace pcsim::api::testing {
namespace {

using json = nlohmann::json;

constexpr const char* kE3 = "CFQ7TTC0LFLZ:0001:CFQ7TTC0K5F7";
constexpr const char* kBusinessBasic = "CFQ7TTC0LH18:0001:CFQ7TTC0K971";

class CustomerUserRoutesTest : public ApiTest {
 protected:
  void SetUp() override {
    Start();
    customer = CreateCustomer();
    domain = router->sandbox().FindCustomer(customer)->domain;
  }
  std::string Users() const { return "/v1/customers/" + customer + "/users"; }
  json NewUser(const std::string& name) const {
    return {{"usageLocation", "us"},
            {"userPrincipalName", name + "@" + domain},
            {"firstName", "First"},
            {"lastName", "Last"},
            {"displayName", name},
            {"passwordProfile", {{"password", "abCD123*"}, {"forceChangePassword", true}}}};
  }
  std::string customer, domain;
};

TEST_F(CustomerUserRoutesTest, CreateListAndDeleteUsersAsDocumented) {
  json example = DocExample("customer-user-create");
  json request = DocRequestBody(example);
  ASSERT_TRUE(request.is_object());
  request["userPrincipalName"] = "userid@" + domain;
  request["usageLocation"] = "US";
  json created = CallJson("POST", Users(), request, 200);
  ExpectDocumentedShape(DocResponseBody(example), created);
  EXPECT_EQ(created["userPrincipalName"], "userid@" + domain);
  EXPECT_EQ(created["immutableId"], "Some unique ID");
  EXPECT_EQ(created["state"], "active");
  EXPECT_EQ(created["passwordProfile"]["password"], "abCD123*");
  EXPECT_TRUE(created["softDeletionTime"].is_null());
  const std::string id = created["id"];
  EXPECT_EQ(id.size(), 36u);

  json second = CallJson("POST", Users(), NewUser("Daniel"), 200);
  EXPECT_EQ(second["usageLocation"], "US");
  json list = CallJson("GET", Users());
  ExpectDocumentedShape(DocResponseBody(DocExample("customer-users")), list);
  ASSERT_EQ(list["totalCount"], 2);
  EXPECT_EQ(list["items"][0]["id"], id);
  EXPECT_EQ(list["items"][1]["displayName"], "Daniel");
  EXPECT_FALSE(list["items"][0].contains("passwordProfile")) << "a password is echoed on create only";
  EXPECT_EQ(list["items"][0]["links"]["self"]["uri"], "/customers/" + customer + "/users/" + id);
  EXPECT_EQ(CallJson("GET", Users() + "/" + id)["userPrincipalName"], "userid@" + domain);

  Advance("P1D");
  Response deleted = Call("DELETE", Users() + "/" + id);
  EXPECT_EQ(deleted.status, 204);
  EXPECT_TRUE(deleted.body.empty());
  EXPECT_EQ(CallJson("GET", Users())["totalCount"], 1);
  json inactive = CallJson("GET", Users() + "?filter=" +
                                      "%7B%22Field%22%3A%22UserState%22%2C%22Value%22%3A%22Inactive%22%2C%22Operator%22%3A%22equals%22%7D");
  ASSERT_EQ(inactive["totalCount"], 1);
  EXPECT_EQ(inactive["items"][0]["state"], "inactive");
  EXPECT_EQ(inactive["items"][0]["softDeletionTime"], "2026-01-16T09:00:00.0000000Z");
  EXPECT_EQ(CallJson("DELETE", Users() + "/" + id, nullptr, 404)["code"], 60002);
  // The name is free again once its user is deleted.
  CallJson("POST", Users(), request, 200);

  // Journaled as events of the customer.
  json events = CallJson("GET", "/_sim/events?kind=userDeleted");
  ASSERT_EQ(events["totalCount"], 1);
  EXPECT_EQ(events["items"][0]["userId"], id);
  EXPECT_EQ(events["items"][0]["customerId"], customer);
}

TEST_F(CustomerUserRoutesTest, RefusedUsersChangeNothing) {
  CallJson("POST", Users(), NewUser("taken"), 200);
  const uint64_t before = router->StateDigest();
  auto refused = [&](json body, int status, int code) {
    json error = CallJson("POST", Users(), body, status);
    EXPECT_EQ(error["code"], code) << body.dump();
  };
  json u = NewUser("someone");
  u["userPrincipalName"] = "someone@contoso.example";
  refused(u, 400, 800002);  // not the customer's domain
  refused(NewUser("taken"), 400, 800002);
  refused(NewUser("bad name"), 400, 800002);
  u = NewUser("someone");
  u.erase("displayName");
  refused(u, 400, 800002);
  u = NewUser("someone");
  u["usageLocation"] = "USA";
  refused(u, 400, 800002);
  u = NewUser("someone");
  u["passwordProfile"]["password"] = "password";  // one kind of character
  refused(u, 400, 800002);
  u = NewUser("someone");
  u.erase("passwordProfile");
  refused(u, 400, 800002);
  u = NewUser("someone");
  u["firstName"] = 7;
  refused(u, 400, 800002);
  EXPECT_EQ(Call("POST", Users(), "{").status, 400);
  EXPECT_EQ(CallJson("GET", Users() + "?filter=%7B%7D", nullptr, 400)["code"], 800002);
  EXPECT_EQ(CallJson("GET", Users() + "/00000000-0000-0000-0000-000000000000", nullptr, 404)["code"], 60002);
  EXPECT_EQ(CallJson("GET", "/v1/customers/00000000-0000-0000-0000-000000000000/users", nullptr, 404)["code"], 1000);
  EXPECT_EQ(router->StateDigest(), before);
}

TEST_F(CustomerUserRoutesTest, SubscribedSkusCountSeatsByStatus) {
  std::string e3 = Buy(customer, kE3, 10, "P1M", "monthly");
  Buy(customer, kE3, 5, "P1M", "monthly");
  std::string basic = Buy(customer, kBusinessBasic, 3, "P1M", "monthly");
  json suspend = CallJson("GET", "/v1/customers/" + customer + "/subscriptions/" + basic);
  suspend["status"] = "suspended";
  CallJson("PATCH", "/v1/customers/" + customer + "/subscriptions/" + basic, suspend, 200);

  json skus = CallJson("GET", "/v1/customers/" + customer + "/subscribedskus");
  ExpectDocumentedShape(DocResponseBody(DocExample("subscribed-skus")), skus,
                        {"items[0].productSku.skuPartNumber"});
  ASSERT_EQ(skus["totalCount"], 2);
  // In catalog order of "productId:skuId": CFQ7TTC0LFLZ:0001 (E3), then CFQ7TTC0LH18:0001 (Business Basic).
  const json& e3_sku = skus["items"][0];
  EXPECT_EQ(e3_sku["productSku"]["name"], "Microsoft 365 E3");
  EXPECT_EQ(e3_sku["activeUnits"], 15);
  EXPECT_EQ(e3_sku["totalUnits"], 15);
  EXPECT_EQ(e3_sku["availableUnits"], 15);
  EXPECT_EQ(e3_sku["consumedUnits"], 0);
  EXPECT_EQ(e3_sku["suspendedUnits"], 0);
  EXPECT_EQ(e3_sku["capabilityStatus"], "Enabled");
  EXPECT_EQ(e3_sku["productSku"]["licenseGroupId"], "group1");
  EXPECT_EQ(e3_sku["productSku"]["id"],
            CallJson("GET", "/v1/products/CFQ7TTC0LFLZ/skus/0001?country=US")["dynamicAttributes"]["provisioningId"]);
  const json& basic_sku = skus["items"][1];
  EXPECT_EQ(basic_sku["activeUnits"], 0);
  EXPECT_EQ(basic_sku["suspendedUnits"], 3);
  EXPECT_EQ(basic_sku["totalUnits"], 0);
  EXPECT_EQ(basic_sku["capabilityStatus"], "Suspended");

  EXPECT_EQ(CallJson("GET", "/v1/customers/" + customer + "/subscribedskus?licenseGroupIds=Group1")["totalCount"], 2);
  EXPECT_EQ(CallJson("GET", "/v1/customers/" + customer + "/subscribedskus?licenseGroupIds=Group2")["totalCount"], 0);
  EXPECT_EQ(CallJson("GET", "/v1/customers/" + customer +
                                "/subscribedskus?licenseGroupIds=Group2&licenseGroupIds=Group1")["totalCount"],
            2);
  EXPECT_EQ(CallJson("GET", "/v1/customers/" + customer + "/subscribedskus?licenseGroupIds=group9", nullptr, 400)["code"],
            900126);

  // A cancelled subscription holds no licences.
  json cancel = CallJson("GET", "/v1/customers/" + customer + "/subscriptions/" + e3);
  cancel["status"] = "deleted";
  CallJson("PATCH", "/v1/customers/" + customer + "/subscriptions/" + e3, cancel, 200);
  EXPECT_EQ(CallJson("GET", "/v1/customers/" + customer + "/subscribedskus")["items"][0]["activeUnits"], 5);
}

}  // namespace
}  // namespace pcsim::api::testing
