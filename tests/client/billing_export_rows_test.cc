// The export calls against a scripted transport, for what a sandbox never
// sends: malformed rows and blobs (errors, never a crash nor a partial
// answer), unknown keys, Graph at another origin, a failed operation with a
// code that is not a number. Also the URL splitting the transports route
// absolute links with, and the mock.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "pcsim/client/mock_partner_center_client.h"
#include "pcsim/client/partner_center_client.h"
#include "simulator/api/compression.h"

namespace pcsim::client {
namespace {

using ::testing::_;
using ::testing::HasSubstr;
using ::testing::Return;
using ::testing::SizeIs;
using nlohmann::json;

Decimal D(const char* text) { return *Decimal::Parse(text); }

// Answers each target with its scripted response (404 otherwise) and keeps
// every request.
class ScriptedTransport final : public Transport {
 public:
  StatusOr<HttpResponse> Send(const HttpRequest& request) override {
    requests.push_back(request);
    auto it = answers.find(request.target);
    if (it == answers.end()) return HttpResponse{404, {}, ""};
    return it->second;
  }

  std::map<std::string, HttpResponse> answers;
  std::vector<HttpRequest> requests;
};

std::optional<std::string> HeaderOf(const HttpRequest& r, const std::string& name) {
  for (const auto& [k, v] : r.headers)
    if (k == name) return v;
  return std::nullopt;
}

constexpr char kGraph[] = "https://graph.example/v1.0";
constexpr char kOperation[] = "https://graph.example/v1.0/reports/partners/billing/operations/op-1";
constexpr char kManifest[] = "https://graph.example/v1.0/reports/partners/billing/manifests/op-1";
constexpr char kRoot[] = "https://store.example/billing/ExportId=op-1";

class ScriptedExportTest : public ::testing::Test {
 protected:
  ScriptedExportTest() {
    ClientOptions options;
    options.access_token = "partner-center-token";
    options.graph_access_token = "graph-token";
    options.graph_root = kGraph;
    options.max_blob_bytes = 4096;
    options.sleep = [](std::chrono::milliseconds) {};
    pc = std::make_unique<PartnerCenterClient>(transport, options);
  }

  // An operation that succeeded, and its manifest listing `blobs`.
  void Succeeded(const std::vector<std::string>& blobs) {
    transport->answers[kOperation] = {
        200, {}, json{{"id", "op-1"}, {"status", "succeeded"}, {"resourceLocation@odata.navigationLink", kManifest}}.dump()};
    json list = json::array();
    for (const std::string& name : blobs) list.push_back({{"name", name}, {"partitionValue", "default"}});
    transport->answers[kManifest] = {200, {}, json{{"id", "op-1"}, {"rootDirectory", std::string(kRoot) + "/"},
                                                  {"sasToken", "?se=x&sig=y"}, {"blobCount", blobs.size()},
                                                  {"blobs", list}}.dump()};
  }

  void Blob(const std::string& name, std::string body) {
    transport->answers[std::string(kRoot) + "/" + name + "?se=x&sig=y"] = {200, {}, std::move(body)};
  }

  StatusOr<std::vector<ReconciliationRow>> Rows() {
    auto manifest = pc->GetExportManifest(kManifest);
    if (!manifest.ok()) return manifest.status();
    return pc->ReadReconciliationRows(*manifest);
  }

  std::shared_ptr<ScriptedTransport> transport = std::make_shared<ScriptedTransport>();
  std::unique_ptr<PartnerCenterClient> pc;
};

TEST_F(ScriptedExportTest, GraphAtAnotherOriginWithItsOwnTokenAndBlobsWithoutIt) {
  transport->answers[std::string(kGraph) + "/reports/partners/billing/reconciliation/unbilled/export"] = {
      202, {{"Location", kOperation}, {"Retry-After", "30"}}, ""};
  auto operation = pc->StartBillingExport(BillingExportRequest::Unbilled(
      BillingExportKind::UnbilledReconciliation, "EUR", ExportBillingPeriod::Last, ExportAttributeSet::Basic));
  ASSERT_TRUE(operation.ok()) << operation.status().ToString();
  EXPECT_EQ(*operation, kOperation);
  const HttpRequest& post = transport->requests.at(0);
  EXPECT_EQ(json::parse(post.body), (json{{"currencyCode", "EUR"}, {"billingPeriod", "last"}, {"attributeSet", "basic"}}));
  EXPECT_EQ(HeaderOf(post, "Authorization"), "Bearer graph-token");

  Succeeded({"part-00000.json.gz"});
  Blob("part-00000.json.gz", api::Gzip("{\"ChargeType\":\"new\",\"Total\":1.10,\"Quantity\":2,\"SomethingNew\":{\"a\":1}}\n"));
  auto rows = Rows();
  ASSERT_TRUE(rows.ok()) << rows.status().ToString();
  ASSERT_THAT(*rows, SizeIs(1));
  EXPECT_EQ((*rows)[0].total, D("1.1"));
  EXPECT_EQ((*rows)[0].quantity, 2);
  const HttpRequest& blob = transport->requests.back();
  EXPECT_EQ(blob.target, std::string(kRoot) + "/part-00000.json.gz?se=x&sig=y");
  EXPECT_FALSE(HeaderOf(blob, "Authorization").has_value()) << "the SAS token is the credential";
}

TEST_F(ScriptedExportTest, RowsOfEveryBlobOrAnErrorNeverAPartialAnswer) {
  Succeeded({"a.json.gz", "b.json.gz"});
  Blob("a.json.gz", api::Gzip("{\"Total\":1}\r\n\n{\"Total\":2}"));
  Blob("b.json.gz", api::Gzip("{\"Total\":3}\n"));
  auto rows = Rows();
  ASSERT_TRUE(rows.ok()) << rows.status().ToString();
  ASSERT_THAT(*rows, SizeIs(3));
  EXPECT_EQ((*rows)[2].total, D("3"));

  const std::string gz = api::Gzip("{\"Total\":3}\n");
  const std::vector<std::pair<std::string, std::string>> broken = {
      {"not gzip at all", "not a valid gzip stream"},
      {"{\"Total\":3}\n{\"Total\":4}\n", "not a valid gzip stream"},  // JSON lines, not compressed
      {gz.substr(0, gz.size() / 2), "not a valid gzip stream"},
      {api::Gzip(std::string(5000, ' ')), "inflates beyond 4096 bytes"},
      {api::Gzip("{\"Total\":1}\n{\"Total\": "), "line 2: not a JSON object"},
      {api::Gzip("[1, 2]\n"), "line 1: not a JSON object"},
      {api::Gzip("{\"Total\":\"abc\"}\n"), "Total is not an exact decimal number"},
      {api::Gzip("{\"Total\":1e-3}\n"), "Total is not an exact decimal number"},
      {api::Gzip("{\"Total\":true}\n"), "Total is not an exact decimal number"},
      {api::Gzip("{\"Quantity\":1.5}\n"), "Quantity is not a whole number"},
      {api::Gzip("{\"Quantity\":18446744073709551615}\n"), "Quantity is not a whole number"},
  };
  for (const auto& [body, why] : broken) {
    Blob("b.json.gz", body);
    auto bad = Rows();
    ASSERT_FALSE(bad.ok()) << why;
    EXPECT_EQ(bad.status().http_status(), 502) << why;
    EXPECT_THAT(bad.status().description(), HasSubstr("blob b.json.gz: ")) << why;
    EXPECT_THAT(bad.status().description(), HasSubstr(why));
  }
}

TEST_F(ScriptedExportTest, VisitsEveryRowOfEveryBlobInOrderAndNamesTheBlobOfAnError) {
  Succeeded({"a.json.gz", "b.json.gz"});
  Blob("a.json.gz", api::Gzip("{\"Total\":1,\"SubscriptionId\":\"s-1\"}\n{\"Total\":2,\"SubscriptionId\":\"s-2\"}\n"));
  Blob("b.json.gz", api::Gzip("{\"Total\":3,\"SubscriptionId\":\"s-3\"}\n"));
  auto manifest = pc->GetExportManifest(kManifest);
  ASSERT_TRUE(manifest.ok()) << manifest.status().ToString();
  std::vector<std::string> ids;
  Decimal total;
  Status visited = pc->VisitReconciliationRows(*manifest, [&](const ReconciliationRowView& row) {
    ids.emplace_back(row.subscription_id);
    total += row.total;
    return OkStatus();
  });
  ASSERT_TRUE(visited.ok()) << visited.ToString();
  EXPECT_EQ(ids, (std::vector<std::string>{"s-1", "s-2", "s-3"}));
  EXPECT_EQ(total, D("6"));

  Blob("b.json.gz", "not gzip");
  ids.clear();
  visited = pc->VisitReconciliationRows(*manifest, [&](const ReconciliationRowView& row) {
    ids.emplace_back(row.subscription_id);
    return OkStatus();
  });
  EXPECT_EQ(visited.http_status(), 502);
  EXPECT_THAT(visited.description(), HasSubstr("blob b.json.gz: "));
  EXPECT_EQ(ids, (std::vector<std::string>{"s-1", "s-2"})) << "the rows before the error were visited";
  size_t usage = 0;
  Blob("b.json.gz", api::Gzip("{\"Quantity\":0.5}\n"));
  visited = pc->VisitUsageRows(*manifest, [&](const UsageRowView&) {
    ++usage;
    return OkStatus();
  });
  EXPECT_TRUE(visited.ok()) << visited.ToString();
  EXPECT_EQ(usage, 3u);
}

TEST_F(ScriptedExportTest, AStoreErrorIsItsHttpErrorWithAzuresCode) {
  Succeeded({"a.json.gz"});
  transport->answers[std::string(kRoot) + "/a.json.gz?se=x&sig=y"] = {
      403, {{"x-ms-error-code", "AuthenticationFailed"}},
      "<?xml version=\"1.0\"?><Error><Code>AuthenticationFailed</Code><Message>No.</Message></Error>"};
  auto rows = Rows();
  EXPECT_EQ(rows.status().http_status(), 403);
  EXPECT_EQ(rows.status().description(), "blob a.json.gz: AuthenticationFailed: No.");
}

TEST_F(ScriptedExportTest, OperationsThatFailOrMakeNoSense) {
  transport->answers[kOperation] = {
      200, {}, json{{"id", "op-1"}, {"status", "failed"}, {"error", {{"code", "5000"}, {"message", "No data"}}}}.dump()};
  auto failed = pc->WaitForExport(kOperation, nullptr);
  EXPECT_EQ(failed.status().code(), 5000);
  EXPECT_EQ(failed.status().http_status(), 200);
  EXPECT_EQ(failed.status().description(), "No data");
  transport->answers[kOperation].body =
      json{{"id", "op-1"}, {"status", "failed"}, {"error", {{"code", "internalError"}, {"message", "Oops"}}}}.dump();
  EXPECT_EQ(pc->WaitForExport(kOperation, nullptr).status().description(), "internalError: Oops");
  transport->answers[kOperation].body = json{{"id", "op-1"}, {"status", "paused"}}.dump();
  EXPECT_THAT(pc->WaitForExport(kOperation, nullptr).status().description(), HasSubstr("unknown status 'paused'"));
  transport->answers[kOperation].body = json{{"id", "op-1"}, {"status", "succeeded"}}.dump();
  EXPECT_THAT(pc->WaitForExport(kOperation, nullptr).status().description(), HasSubstr("without a manifest link"));
  transport->answers[kOperation].body = "<html>";
  EXPECT_EQ(pc->WaitForExport(kOperation, nullptr).status().http_status(), 502);
  // Running without Retry-After: RetryPolicy::default_wait (1 s) between polls.
  transport->answers[kOperation].body = json{{"id", "op-1"}, {"status", "running"}}.dump();
  std::vector<int64_t> waits;
  auto running = pc->WaitForExport(kOperation, [&](int64_t s) { waits.push_back(s); });
  EXPECT_EQ(running.status().http_status(), 202);
  EXPECT_EQ(waits, std::vector<int64_t>(9, 1));
  transport->answers[kManifest] = {200, {}, "[]"};
  EXPECT_THAT(pc->GetExportManifest(kManifest).status().description(), HasSubstr("is not a JSON object"));
}

TEST(ExportRowsFromJsonLines, ReadsEveryKnownKeyAndIgnoresTheRest) {
  auto usage = UsageRowsFromJsonLines(
      R"({"Quantity":0.125,"UnitPrice":0.096,"Tags":{"env":"prod"},"ResourceURI":"/subscriptions/x","New":[1]})");
  ASSERT_TRUE(usage.ok()) << usage.status().ToString();
  ASSERT_THAT(*usage, SizeIs(1));
  EXPECT_EQ((*usage)[0].quantity, D("0.125"));
  EXPECT_EQ((*usage)[0].unit_price, D("0.096"));
  EXPECT_EQ((*usage)[0].tags, R"({"env":"prod"})");
  EXPECT_EQ((*usage)[0].resource_uri, "/subscriptions/x");
  auto recon = ReconciliationRowsFromJsonLines(R"({"ProductQualifiers":["AddOn","Trial"],"BillableQuantity":2.5})");
  ASSERT_TRUE(recon.ok()) << recon.status().ToString();
  EXPECT_EQ((*recon)[0].product_qualifiers, (std::vector<std::string>{"AddOn", "Trial"}));
  EXPECT_EQ((*recon)[0].billable_quantity, D("2.5"));
  EXPECT_TRUE(ReconciliationRowsFromJsonLines("").ok());
  EXPECT_FALSE(ReconciliationRowsFromJsonLines("{\"a\":").ok());
  EXPECT_FALSE(UsageRowsFromJsonLines("null").ok());
}

TEST(ExportRowsFromJsonLines, ViewsReadTheSameValuesAsOwnedRows) {
  // Escapes, a repeated layout (the key order of the first row is tried
  // first), a row with its keys in another order, an unknown key, nulls.
  const std::string text =
      R"({"CustomerName":"A \"quoted\" \\ name\twith \u00e9","Total":12.30,"Quantity":3,"ProductQualifiers":["AddOn"],"New":{"x":[1]}})"
      "\n"
      R"({"CustomerName":"B","Total":-0.01,"Quantity":1,"ProductQualifiers":[],"New":null})"
      "\n\n"
      R"({"Quantity":7,"CustomerN\u0061me":"C","Total":null,"SkuName":null})"
      "\n";
  auto owned = ReconciliationRowsFromJsonLines(text);
  ASSERT_TRUE(owned.ok()) << owned.status().ToString();
  ASSERT_THAT(*owned, SizeIs(3));
  size_t i = 0;
  Status s = ForEachReconciliationRow(text, [&](const ReconciliationRowView& row) {
    const ReconciliationRow& want = (*owned)[i++];
    EXPECT_EQ(row.customer_name, want.customer_name);
    EXPECT_EQ(row.total, want.total);
    EXPECT_EQ(row.quantity, want.quantity);
    EXPECT_EQ(std::vector<std::string>(row.product_qualifiers.begin(), row.product_qualifiers.end()),
              want.product_qualifiers);
    EXPECT_EQ(row.sku_name, "");
    return OkStatus();
  });
  ASSERT_TRUE(s.ok()) << s.ToString();
  EXPECT_EQ(i, 3u);
  EXPECT_EQ((*owned)[0].customer_name, "A \"quoted\" \\ name\twith \xC3\xA9");
  EXPECT_EQ((*owned)[0].total, D("12.3"));
  EXPECT_EQ((*owned)[0].product_qualifiers, std::vector<std::string>{"AddOn"});
  EXPECT_EQ((*owned)[2].customer_name, "C");
  EXPECT_EQ((*owned)[2].quantity, 7);
  EXPECT_EQ((*owned)[2].total, Decimal());

  size_t usage_rows = 0;
  ASSERT_TRUE(ForEachUsageRow(R"({"Quantity":0.5,"Tags":{"a":"b"}})", [&](const UsageRowView& row) {
                ++usage_rows;
                EXPECT_EQ(row.quantity, D("0.5"));
                EXPECT_EQ(row.tags, R"({"a":"b"})");
                return OkStatus();
              }).ok());
  EXPECT_EQ(usage_rows, 1u);
}

TEST(ExportRowsFromJsonLines, AVisitorsErrorOrABadRowStopsTheReading) {
  const std::string text = "{\"Total\":1}\n{\"Total\":2}\n{\"Total\":3}\n";
  std::vector<Decimal> seen;
  Status stopped = ForEachReconciliationRow(text, [&](const ReconciliationRowView& row) {
    seen.push_back(row.total);
    return seen.size() == 2 ? Status(499, 0, "enough") : OkStatus();
  });
  EXPECT_EQ(stopped.description(), "enough");
  EXPECT_EQ(seen, (std::vector<Decimal>{D("1"), D("2")}));
  seen.clear();
  Status bad = ForEachReconciliationRow("{\"Total\":1}\n{\"Total\":\"x\"}\n{\"Total\":3}\n",
                                        [&](const ReconciliationRowView& row) {
                                          seen.push_back(row.total);
                                          return OkStatus();
                                        });
  EXPECT_EQ(bad.http_status(), 502);
  EXPECT_THAT(bad.description(), HasSubstr("line 2: Total is not an exact decimal number"));
  EXPECT_EQ(seen, std::vector<Decimal>{D("1")});
}

TEST(SplitAbsoluteUrl, SplitsHttpUrlsOnly) {
  auto url = SplitAbsoluteUrl("HTTPS://Store.Example:443/a/b?sig=X%3D");
  ASSERT_TRUE(url.has_value());
  EXPECT_EQ(url->origin, "https://store.example:443");
  EXPECT_EQ(url->path_and_query, "/a/b?sig=X%3D");
  EXPECT_EQ(SplitAbsoluteUrl("http://h")->path_and_query, "/");
  EXPECT_EQ(SplitAbsoluteUrl("http://h?x=1")->path_and_query, "/?x=1");
  EXPECT_FALSE(SplitAbsoluteUrl("/v1.0/reports").has_value());
  EXPECT_FALSE(SplitAbsoluteUrl("ftp://h/x").has_value());
  EXPECT_FALSE(SplitAbsoluteUrl("http:///x").has_value());
}

// Integration code written against the interface.
Decimal InvoiceTotal(PartnerCenterApi& api, const std::string& invoice) {
  auto rows = api.ExportBilledReconciliation(invoice, ExportAttributeSet::Basic, [](int64_t) {});
  Decimal total;
  if (rows.ok())
    for (const ReconciliationRow& r : *rows) total += r.total;
  return total;
}

TEST(MockPartnerCenterClient, StandsInForTheExportCalls) {
  MockPartnerCenterClient pc;
  ReconciliationRow a, b;
  a.total = D("10.50");
  b.total = D("-2.25");
  EXPECT_CALL(pc, ExportBilledReconciliation("G000000001", ExportAttributeSet::Basic, _))
      .WillOnce(Return(std::vector<ReconciliationRow>{a, b}));
  EXPECT_EQ(InvoiceTotal(pc, "G000000001"), D("8.25"));
}

}  // namespace
}  // namespace pcsim::client
