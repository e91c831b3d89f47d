// The typed client's own authentication (ClientOptions::app_credentials,
// docs/auth.md): tokens from the token endpoint of a server in --auth strict,
// the purchase flow and a Graph export run with them, in process and over
// HTTP, a token renewed after it expires on the simulated clock, and the
// endpoint's refusal as an error.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <memory>
#include <string>

#include "pcsim/gtest/builders.h"
#include "pcsim/gtest/sandbox_test.h"

namespace pcsim::client {
namespace {

using namespace pcsim::gtest;

constexpr char kTenant[] = "0e195b37-4574-4539-bc42-0e539b9684c0";

// Counts the token requests a client makes.
class CountingTransport final : public Transport {
 public:
  explicit CountingTransport(std::shared_ptr<Transport> inner) : inner_(std::move(inner)) {}
  StatusOr<HttpResponse> Send(const HttpRequest& request) override {
    if (request.target.find("/oauth2/token") != std::string::npos) ++token_requests;
    return inner_->Send(request);
  }
  int token_requests = 0;

 private:
  std::shared_ptr<Transport> inner_;
};

class AppCredentialsTest : public SandboxTest {
 protected:
  api::RouterOptions Options() const override {
    api::RouterOptions options = StartingAt("2026-01-15T09:00:00Z");
    options.auth = api::AuthMode::Strict;
    return options;
  }

  ClientOptions AppOptions(const std::string& authority) {
    ClientOptions options = ClientOptionsWithSimulatedWaits();
    options.access_token = "not-a-token-this-server-takes";
    AppCredentials app;
    app.authority = authority;
    app.tenant_id = kTenant;
    app.client_id = "625bc9f6-3bf6-4b6d-94ba-e97cf07a22de";
    app.client_secret = "s3cret";
    options.app_credentials = app;
    return options;
  }

  // Customer, agreement, cart, checkout: the purchase flow, as `pc`.
  void PurchaseFlow(PartnerCenterClient& pc) {
    client::NewCustomer spec = SampleCustomer(1);
    auto customer = pc.CreateCustomer(spec);
    ASSERT_TRUE(customer.ok()) << customer.status().ToString();
    ASSERT_TRUE(pc.AcceptAgreement(customer->id, SampleAgreement(spec, Now().ToString())).ok());
    CartLineItem line;
    line.catalog_item_id = "CFQ7TTC0LFLZ:0001:CFQ7TTC0K5F7";
    line.quantity = 10;
    line.term_duration = "P1Y";
    line.billing_cycle = "monthly";
    auto cart = pc.CreateCart(customer->id, {line});
    ASSERT_TRUE(cart.ok()) << cart.status().ToString();
    auto done = pc.Checkout(customer->id, cart->id);
    ASSERT_TRUE(done.ok()) << done.status().ToString();
    auto customers = pc.ListCustomers();
    ASSERT_TRUE(customers.ok()) << customers.status().ToString();
    ASSERT_EQ(customers->size(), 1u);
    // The customer is the token's tenant's.
    ASSERT_NE(router().sandbox().FindCustomer(customer->id), nullptr);
    EXPECT_EQ(router().sandbox().FindCustomer(customer->id)->partner_tenant_id, kTenant);
    customer_ = customer->id;
  }

  // The start of the Secure Application Model's flow: the refresh token that
  // comes with an App+User token of POST /_sim/token.
  std::string FirstRefreshToken() {
    auto r = client().Call("POST", "/_sim/token", "{\"partner\": \"" + std::string(kTenant) + "\"}");
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    return r.ok() ? nlohmann::json::parse(r->body).value("refresh_token", "") : "";
  }

  std::string customer_;
};

TEST_F(AppCredentialsTest, AppPlusUserTokensFromARefreshTokenRunThePurchaseFlowAndAreRenewed) {
  auto counting = std::make_shared<CountingTransport>(std::make_shared<InProcessTransport>(router()));
  ClientOptions options = AppOptions("");
  options.app_credentials->refresh_token = FirstRefreshToken();
  PartnerCenterClient pc(counting, options);
  PurchaseFlow(pc);
  EXPECT_EQ(counting->token_requests, 1) << "one token for Partner Center, kept";
  // An hour and a half later on the simulated clock the token has expired:
  // the 401 makes the client ask again (with the refresh token it was last
  // given), and the call succeeds.
  AdvanceBy("PT90M");
  auto again = pc.ListCustomers();
  ASSERT_TRUE(again.ok()) << again.status().ToString();
  EXPECT_EQ(counting->token_requests, 2);
  // Graph has its own audience: its own token; the invoice through the export.
  AdvanceTo("2026-02-07T00:00:00Z");
  auto invoices = pc.ListInvoices();
  ASSERT_TRUE(invoices.ok()) << invoices.status().ToString();
  ASSERT_FALSE(invoices->empty());
  auto rows = pc.ExportBilledReconciliation(invoices->front().id, ExportAttributeSet::Basic, SimulatedExportWait());
  ASSERT_TRUE(rows.ok()) << rows.status().ToString();
  EXPECT_FALSE(rows->empty());
  EXPECT_EQ(counting->token_requests, 4) << "Partner Center's renewed once more, then Graph's";
}

TEST_F(AppCredentialsTest, ClientCredentialsGiveAppOnlyTokens) {
  auto counting = std::make_shared<CountingTransport>(std::make_shared<InProcessTransport>(router()));
  PartnerCenterClient pc(counting, AppOptions(""));
  auto customers = pc.ListCustomers();
  ASSERT_TRUE(customers.ok()) << customers.status().ToString();
  // An app-only token: the agreement (App+User only, "Confirm customer
  // acceptance of the Microsoft Customer Agreement") is refused with 403 900329.
  client::NewCustomer spec = SampleCustomer(1);
  auto customer = pc.CreateCustomer(spec);
  ASSERT_TRUE(customer.ok()) << customer.status().ToString();
  EXPECT_EQ(pc.AcceptAgreement(customer->id, SampleAgreement(spec, Now().ToString())).code(), 900329);
  EXPECT_EQ(counting->token_requests, 1);
}

TEST_F(AppCredentialsTest, OverHttpTheAuthorityIsTheServer) {
  ClientOptions options = AppOptions(BaseUrl());
  options.app_credentials->refresh_token = FirstRefreshToken();
  PartnerCenterClient pc = PartnerCenterClient::OverHttp(BaseUrl(), options);
  PurchaseFlow(pc);
  auto subs = pc.ListSubscriptions(customer_);
  ASSERT_TRUE(subs.ok()) << subs.status().ToString();
  EXPECT_EQ(subs->size(), 1u);
}

TEST_F(AppCredentialsTest, TheEndpointsRefusalIsAnError) {
  ClientOptions options = AppOptions("");
  options.app_credentials->client_secret.clear();
  PartnerCenterClient pc(std::make_shared<InProcessTransport>(router()), options);
  auto customers = pc.ListCustomers();
  ASSERT_FALSE(customers.ok());
  EXPECT_EQ(customers.status().http_status(), 401);
  EXPECT_EQ(customers.status().code(), 7000215);
  EXPECT_EQ(customers.status().description(), "the token endpoint refused: AADSTS7000215: Invalid client secret is provided.");
}

}  // namespace
}  // namespace pcsim::client
