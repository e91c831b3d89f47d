// An in-process Router with helpers to call it as a client would.
#pragma once

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include <memory>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "simulator/api/router.h"

namespace pcsim::api::testing {

// The policy override that keeps v1 serving new-commerce line items after
// the v2 cutover, for the tests of the v1 routes themselves
// (docs/graph-billing.md, "The v1 cutover").
inline const std::vector<std::pair<std::string, std::string>> kV1KeepsServing = {
    {"reconciliation.v1KeepServing", "true"}};

class ApiTest : public ::testing::Test {
 protected:
  // A fresh router whose clock starts at `start`, with the embedded policy
  // and `policy_overrides` (key, value) applied, in `auth` mode.
  void Start(std::string_view start = "2026-01-15T09:00:00Z", Environment environment = Environment::Production,
             std::vector<std::pair<std::string, std::string>> policy_overrides = {},
             AuthMode auth = AuthMode::Lenient);

  // Sends a request as the default partner (a bearer token that is not a JWT).
  Response Call(const std::string& method, const std::string& target, const std::string& body = "",
                HeaderList headers = {});
  // Calls and parses the JSON body (null when the body is empty).
  nlohmann::json CallJson(const std::string& method, const std::string& target, const nlohmann::json& body = nullptr,
                          int expected_status = 200, HeaderList headers = {});

  // A customer with an attested MCA; returns its id.
  std::string CreateCustomer(const std::string& country = "US");
  // Buys through a cart and checkout; returns the subscription id (after the
  // order has completed).
  std::string Buy(const std::string& customer, const std::string& item, int quantity, const std::string& term,
                  const std::string& billing);
  void Advance(const std::string& by_or_to);

  // Microsoft Graph billing exports (docs/graph-billing.md), as a client reads them.
  // Starts `kind` ("reconciliation/billed", "usage/unbilled", ...); returns
  // the operation's path from Location.
  std::string Export(const std::string& kind, const nlohmann::json& body, HeaderList headers = {});
  // Polls the operation, advancing the simulated clock by Retry-After, until
  // it no longer runs; returns it.
  nlohmann::json Wait(const std::string& operation, HeaderList headers = {});
  // Every row of a succeeded export, through its manifest and blobs.
  std::vector<nlohmann::json> Rows(const nlohmann::json& operation, HeaderList headers = {},
                                   size_t* blob_count = nullptr);
  // All three: the rows of an export of `kind` asked now.
  std::vector<nlohmann::json> ExportRows(const std::string& kind, const nlohmann::json& body);

  std::unique_ptr<Router> router;
};

// The Graph billing root.
inline constexpr char kBilling[] = "/v1.0/reports/partners/billing";
// The path of a link ("http://HOST/x" or "/x").
std::string PathOf(const std::string& url);

// An unsigned JWT carrying `payload_json` as its claims (lenient auth reads
// them without checking a signature).
std::string UnsignedJwt(const std::string& payload_json);

// A documented request/response pair from tests/api/data/partner-center-doc-examples.json
// (samples from the Partner Center REST API documentation); fails the test if absent.
nlohmann::json DocExample(const std::string& id);
// The documented body parsed leniently (comments, trailing commas removed), or null.
nlohmann::json DocResponseBody(const nlohmann::json& example);
nlohmann::json DocRequestBody(const nlohmann::json& example);

}  // namespace pcsim::api::testing

namespace pcsim::api::testing {

// Expects every key of `documented` (recursively; arrays by their first
// element) to be present in `ours` with the same JSON type, except the paths
// in `skip` ("links.offer"). Numbers match numbers, strings strings.
void ExpectDocumentedShape(const nlohmann::json& documented, const nlohmann::json& ours,
                           const std::set<std::string>& skip = {}, const std::string& path = "");

}  // namespace pcsim::api::testing
