// The identity platform's token endpoint (docs/auth.md): the v1.0 and v2.0
// client-credentials and refresh-token flows as the identity platform's pages
// show them, the JWTs it issues and how pcsim's API takes them (expiry on the
// simulated clock, audience, resets), and its error body.
#include <string>

#include "simulator/api/jwt.h"
#include "tests/api/api_fixture.h"

namespace pcsim::api::testing {
namespace {

using nlohmann::json;

constexpr char kTenant[] = "3b33e682-00c3-41ee-9dd2-a548adf56438";
constexpr char kClient[] = "625bc9f6-3bf6-4b6d-94ba-e97cf07a22de";
constexpr char kPartnerCenterForm[] = "resource=https%3A%2F%2Fapi.partnercenter.microsoft.com";

class TokenRoutesTest : public ApiTest {
 protected:
  void SetUp() override {
    Start("2026-01-15T09:00:00Z", Environment::Production, {}, AuthMode::Strict);
  }

  Response PostForm(const std::string& path, const std::string& form, HeaderList headers = {}) {
    headers.emplace_back("Content-Type", "application/x-www-form-urlencoded");
    return router->Handle(MakeRequest("POST", path, form, headers));
  }
  json TokenJson(const std::string& path, const std::string& form, int status = 200) {
    Response r = PostForm(path, form);
    EXPECT_EQ(r.status, status) << path << " " << form << " -> " << r.body;
    EXPECT_EQ(r.content_type, "application/json; charset=utf-8");
    return json::parse(r.body);
  }
  std::string V1(const std::string& tenant = kTenant) { return "/" + tenant + "/oauth2/token"; }
  std::string V2(const std::string& tenant = kTenant) { return "/" + tenant + "/oauth2/v2.0/token"; }
  std::string ClientCredentials(const std::string& resource_or_scope) {
    return "grant_type=client_credentials&client_id=" + std::string(kClient) + "&client_secret=s3cr%2Bt&" +
           resource_or_scope;
  }
  static HeaderList Bearer(const std::string& token) { return {{"Authorization", "Bearer " + token}}; }
  static json Part(const std::string& jwt, int index) {
    size_t from = 0;
    for (int i = 0; i < index; ++i) from = jwt.find('.', from) + 1;
    return json::parse(*Base64UrlDecode(jwt.substr(from, jwt.find('.', from) - from)));
  }
  int64_t NowSeconds() { return router->sandbox().Now().micros() / 1'000'000; }
};

TEST_F(TokenRoutesTest, V1ClientCredentialsGivesAnAppOnlyPartnerCenterToken) {
  json answer = TokenJson(V1(), ClientCredentials(kPartnerCenterForm));
  // v1.0 writes its numbers as strings ("Partner Center authentication").
  EXPECT_EQ(answer["token_type"], "Bearer");
  EXPECT_EQ(answer["expires_in"], "3600");
  EXPECT_EQ(answer["ext_expires_in"], "3600");
  EXPECT_EQ(answer["not_before"], std::to_string(NowSeconds()));
  EXPECT_EQ(answer["expires_on"], std::to_string(NowSeconds() + 3600));
  EXPECT_EQ(answer["resource"], "https://api.partnercenter.microsoft.com");
  EXPECT_FALSE(answer.contains("refresh_token")) << "the client-credentials flow grants no refresh token";
  const std::string token = answer["access_token"];
  json header = Part(token, 0);
  EXPECT_EQ(header["typ"], "JWT");
  EXPECT_EQ(header["alg"], "RS256");
  EXPECT_EQ(header["x5t"], header["kid"]);
  json claims = Part(token, 1);
  EXPECT_EQ(claims["aud"], "https://api.partnercenter.microsoft.com");
  EXPECT_EQ(claims["iss"], std::string("https://sts.windows.net/") + kTenant + "/");
  EXPECT_EQ(claims["tid"], kTenant);
  EXPECT_EQ(claims["appid"], kClient);
  EXPECT_EQ(claims["idtyp"], "app");
  EXPECT_EQ(claims["ver"], "1.0");
  EXPECT_EQ(claims["iat"], NowSeconds());
  EXPECT_EQ(claims["exp"], NowSeconds() + 3600);
  EXPECT_FALSE(claims.contains("scp"));
  // The same request at the same instant: the same token.
  EXPECT_EQ(TokenJson(V1(), ClientCredentials(kPartnerCenterForm))["access_token"], token);

  // --auth strict takes it: the caller is the tenant, app-only.
  json created = CallJson("POST", "/v1/customers", json::parse(R"({"companyProfile":{"domain":"tok.onmicrosoft.com"},
      "billingProfile":{"email":"a@tok.example","culture":"en-US","language":"en","companyName":"Tok",
      "defaultAddress":{"firstName":"A","lastName":"B","addressLine1":"1 Microsoft Way","city":"Redmond",
      "state":"WA","postalCode":"98052","country":"US"}}})"), 201, Bearer(token));
  const std::string customer = created["id"];
  EXPECT_EQ(CallJson("GET", "/v1/customers/" + customer, nullptr, 200, Bearer(token))["id"], customer);
  ASSERT_NE(router->sandbox().FindCustomer(customer), nullptr);
  EXPECT_EQ(router->sandbox().FindCustomer(customer)->partner_tenant_id, kTenant);
}

TEST_F(TokenRoutesTest, TokensExpireOnTheSimulatedClockAndOutliveAReset) {
  const std::string token = TokenJson(V1(), ClientCredentials(kPartnerCenterForm))["access_token"];
  EXPECT_EQ(Call("GET", "/v1/customers", "", Bearer(token)).status, 200);
  Advance("PT3599S");
  EXPECT_EQ(Call("GET", "/v1/customers", "", Bearer(token)).status, 200);
  Advance("PT1S");
  Response expired = Call("GET", "/v1/customers", "", Bearer(token));
  EXPECT_EQ(expired.status, 401);
  EXPECT_NE(expired.body.find("the token has expired"), std::string::npos) << expired.body;
  const std::string fresh = TokenJson(V1(), ClientCredentials(kPartnerCenterForm))["access_token"];
  EXPECT_EQ(Call("GET", "/v1/customers", "", Bearer(fresh)).status, 200);
  // A reset revokes no token (it carries all that checks it).
  EXPECT_EQ(Call("POST", "/_sim/reset", "{}").status, 200);
  EXPECT_EQ(Call("GET", "/v1/customers", "", Bearer(fresh)).status, 200);
  // An edited token is unknown.
  std::string edited = TokenJson(V1(), ClientCredentials(kPartnerCenterForm))["access_token"];
  edited[edited.size() - 2] = edited[edited.size() - 2] == 'A' ? 'B' : 'A';
  Response unknown = Call("GET", "/v1/customers", "", Bearer(edited));
  EXPECT_EQ(unknown.status, 401);
  EXPECT_NE(unknown.body.find("not issued by this sandbox"), std::string::npos) << unknown.body;
}

TEST_F(TokenRoutesTest, V2ScopesNameTheAudienceAndEachApiChecksIt) {
  json graph = TokenJson(V2(), ClientCredentials("scope=https%3A%2F%2Fgraph.microsoft.com%2F.default"));
  EXPECT_EQ(graph["expires_in"], 3600) << "v2.0 writes numbers as numbers";
  EXPECT_FALSE(graph.contains("resource"));
  const std::string graph_token = graph["access_token"];
  EXPECT_EQ(Part(graph_token, 1)["aud"], "https://graph.microsoft.com");
  // Graph takes it (an unknown operation is Graph's 404, not a 401)...
  Response op = Call("GET", std::string(kBilling) + "/operations/00000000-0000-4000-8000-000000000000", "",
                     Bearer(graph_token));
  EXPECT_EQ(op.status, 404) << op.body;
  // ... Partner Center does not (401 900420, as Partner Center answers a token of another audience).
  Response pc = Call("GET", "/v1/customers", "", Bearer(graph_token));
  EXPECT_EQ(pc.status, 401);
  json body = json::parse(pc.body);
  EXPECT_EQ(body["code"], 900420);
  EXPECT_EQ(body["description"],
            "The audience 'https://graph.microsoft.com' in the token is invalid and is no longer supported in Partner "
            "Center API.");
  // And the other way round, with Graph's body.
  const std::string pc_token =
      TokenJson(V2(), ClientCredentials("scope=https://api.partnercenter.microsoft.com/.default"))["access_token"];
  Response wrong = Call("GET", std::string(kBilling) + "/operations/x", "", Bearer(pc_token));
  EXPECT_EQ(wrong.status, 401);
  EXPECT_EQ(json::parse(wrong.body)["error"]["code"], "unauthenticated");
  // The price sheet takes a pricing API or a Partner Center token (App+User:
  // the app-only one passes the audience check and is refused after it).
  const std::string refresh = CallJson("POST", "/_sim/token", json{{"partner", kTenant}})["refresh_token"];
  const std::string pricing =
      TokenJson(V2(), "grant_type=refresh_token&client_id=c&scope=https://api.partner.microsoft.com/.default"
                      "&refresh_token=" + refresh)["access_token"];
  EXPECT_EQ(Part(pricing, 1)["aud"], "https://api.partner.microsoft.com");
  const std::string sheet = "/v1.0/sales/pricesheets(Market='US',PricesheetView='updatedlicensebased')/$value";
  EXPECT_EQ(Call("GET", sheet, "", Bearer(pricing)).status, 200);
  EXPECT_EQ(Call("GET", sheet, "", Bearer(pc_token)).status, 403);
  EXPECT_EQ(Call("GET", sheet, "", Bearer(graph_token)).status, 401);
}

TEST_F(TokenRoutesTest, RefreshTokensGiveAppPlusUserTokensWithMfa) {
  // The first refresh token comes with an App+User token from /_sim/token.
  json seeded = CallJson("POST", "/_sim/token", json{{"partner", kTenant}, {"mfa", true}});
  ASSERT_TRUE(seeded.contains("refresh_token"));
  const std::string form = "grant_type=refresh_token&client_id=" + std::string(kClient) +
                           "&client_secret=x&" + kPartnerCenterForm + "&refresh_token=";
  json answer = TokenJson(V1(), form + seeded["refresh_token"].get<std::string>());
  EXPECT_EQ(answer["scope"], "user_impersonation");
  ASSERT_TRUE(answer.contains("refresh_token"));
  json claims = Part(answer["access_token"], 1);
  EXPECT_EQ(claims["tid"], kTenant);
  EXPECT_EQ(claims["scp"], "user_impersonation");
  EXPECT_EQ(claims["amr"], json::array({"pwd", "mfa"}));
  EXPECT_FALSE(claims.contains("idtyp"));
  // App+User with MFA: a route that refuses app-only tokens takes it.
  EXPECT_EQ(Call("GET", "/v1/customers", "", Bearer(answer["access_token"])).status, 200);
  // The new refresh token is bound to this client...
  const std::string rotated = answer["refresh_token"];
  json other = TokenJson(V1(), "grant_type=refresh_token&client_id=another-client&" + std::string(kPartnerCenterForm) +
                                   "&refresh_token=" + rotated,
                         400);
  EXPECT_EQ(other["error"], "invalid_grant");
  EXPECT_EQ(other["error_codes"], json::array({70000}));
  // ... and lapses after 90 days unused (v2.0 here, with offline_access beside the scope).
  Advance("P91D");
  json lapsed = TokenJson(V2(), "grant_type=refresh_token&client_id=" + std::string(kClient) +
                                    "&scope=https%3A%2F%2Fapi.partnercenter.microsoft.com%2F.default%20offline_access"
                                    "&refresh_token=" + rotated,
                          400);
  EXPECT_EQ(lapsed["error_codes"], json::array({700082}));
  EXPECT_EQ(TokenJson(V1(), form + "garbage", 400)["error"], "invalid_grant");
}

TEST_F(TokenRoutesTest, ErrorsHaveTheIdentityPlatformsBody) {
  json missing = TokenJson(V1(), "client_id=x", 400);
  EXPECT_EQ(missing["error"], "invalid_request");
  EXPECT_EQ(missing["error_codes"], json::array({900144}));
  EXPECT_EQ(missing["error_description"].get<std::string>().find(
                "AADSTS900144: The request body must contain the following parameter: 'grant_type'.\r\nTrace ID: "),
            0u);
  EXPECT_NE(missing["error_description"].get<std::string>().find("\r\nTrace ID: "), std::string::npos);
  EXPECT_EQ(missing["timestamp"], "2026-01-15 09:00:00Z");
  EXPECT_EQ(missing["trace_id"].get<std::string>().size(), 36u);
  EXPECT_EQ(missing["error_uri"], "https://login.microsoftonline.com/error?code=900144");

  struct Case {
    std::string path, form;
    int status;
    std::string error;
    int code;
  };
  const std::string cc = "grant_type=client_credentials&client_id=c&";
  for (const Case& c : std::vector<Case>{
           {V1(), "grant_type=password&client_id=c&" + std::string(kPartnerCenterForm), 400, "unsupported_grant_type", 70003},
           {V1(), cc + "client_secret=s", 400, "invalid_request", 900144},
           {V1(), cc + "client_secret=s&resource=https://management.azure.com", 400, "invalid_resource", 500011},
           {V1(), cc + kPartnerCenterForm, 401, "invalid_client", 7000218},
           {V1(), cc + "client_secret=&" + kPartnerCenterForm, 401, "invalid_client", 7000215},
           {V1("contoso.onmicrosoft.com"), cc + "client_secret=s&" + kPartnerCenterForm, 400, "invalid_request", 90002},
           {V2(), cc + "client_secret=s&" + kPartnerCenterForm, 400, "invalid_request", 901002},
           {V2(), cc + "client_secret=s&scope=https://foo.example/.default", 400, "invalid_scope", 70011},
           {V2(), cc + "client_secret=s&scope=https://graph.microsoft.com/.default%20https://api.partnercenter.microsoft.com/.default",
            400, "invalid_scope", 70011},
       }) {
    json body = TokenJson(c.path, c.form, c.status);
    EXPECT_EQ(body["error"], c.error) << c.form;
    EXPECT_EQ(body["error_codes"], json::array({c.code})) << c.form;
  }
  // Another method: the identity platform's 405, never a 5xx.
  Response get = Call("GET", V1());
  EXPECT_EQ(get.status, 405);
  EXPECT_EQ(json::parse(get.body)["error_codes"], json::array({900561}));
}

}  // namespace
}  // namespace pcsim::api::testing
