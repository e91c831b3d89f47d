// Who may use the control plane (/_sim/): files a reset names.
#include <gmock/gmock.h>

#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "tests/api/api_fixture.h"

namespace pcsim::api::testing {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;
using ::testing::StartsWith;

int CodeOf(const Response& r) {
  auto j = nlohmann::json::parse(r.body, nullptr, false);
  return j.is_object() && j.contains("code") && j["code"].is_number() ? j["code"].get<int>() : -1;
}

std::string DescriptionOf(const Response& r) {
  auto j = nlohmann::json::parse(r.body, nullptr, false);
  return j.is_object() && j.contains("description") && j["description"].is_string() ? j["description"].get<std::string>()
                                                                                     : "";
}

// Partner Center's error body: {code, description, data, source}.
void ExpectErrorBody(const Response& r) {
  auto j = nlohmann::json::parse(r.body, nullptr, false);
  ASSERT_TRUE(j.is_object()) << r.body;
  EXPECT_TRUE(j["code"].is_number() && j["description"].is_string() && j["data"].is_array() &&
              j["source"] == "PartnerFD")
      << r.body;
}

std::string ReadText(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

std::string TempPath(const std::string& name) {
  return ::testing::TempDir() + "pcsim-control-" + std::to_string(::getpid()) + "-" + name;
}

// ----------------------------------------------------------------- reset's policy

class ResetPolicyTest : public ApiTest {
 protected:
  void SetUp() override { Start(); }

  Response Reset(const std::string& body) {
    return router->Handle(MakeRequest("POST", "/_sim/reset", body, {{"Content-Type", "application/json"}}));
  }
  Response ResetWithPolicyString(const std::string& policy) {
    return Reset(nlohmann::json{{"policy", policy}}.dump());
  }
  // A reset refused without touching the file it names: 400 800002, the
  // built-in names, and not a byte of the file.
  void ExpectRefusedWithoutReading(const std::string& path, const std::string& secret) {
    auto started = std::chrono::steady_clock::now();
    Response r = ResetWithPolicyString(path);
    EXPECT_LT(std::chrono::steady_clock::now() - started, std::chrono::seconds(2)) << path;
    EXPECT_EQ(r.status, 400) << path << ": " << r.body;
    EXPECT_EQ(CodeOf(r), 800002) << r.body;
    ExpectErrorBody(r);
    EXPECT_THAT(DescriptionOf(r), HasSubstr("files are not opened over HTTP"));
    EXPECT_THAT(DescriptionOf(r), HasSubstr("microsoft"));
    if (!secret.empty()) {
      EXPECT_THAT(r.body, Not(HasSubstr(secret)));
    }
  }
};

TEST_F(ResetPolicyTest, AFilePathIsRefusedEvenForAValidPolicyFile) {
  CreateCustomer();
  // A valid policy file: refused all the same, so it was not read.
  ExpectRefusedWithoutReading(std::string(PCSIM_SOURCE_DIR) + "/fixtures/policies/microsoft.json", "");
  std::string path = TempPath("secret.json");
  {
    std::ofstream out(path);
    out << "{\"format\": 1, \"name\": \"SECRET-POLICY-CONTENT\"\n";
  }
  ExpectRefusedWithoutReading(path, "SECRET-POLICY-CONTENT");
  std::remove(path.c_str());
  // The sandbox is as it was: the refused reset reset nothing.
  EXPECT_EQ(CallJson("GET", "/v1/customers")["totalCount"], 1);
}

TEST_F(ResetPolicyTest, EtcPasswdIsRefusedAndNotEchoed) {
  ExpectRefusedWithoutReading("/etc/passwd", "root:");
  ExpectRefusedWithoutReading("/etc/passwd", "/bin/");
}

TEST_F(ResetPolicyTest, AFifoIsRefusedPromptly) {
  std::string fifo = TempPath("policy.fifo");
  std::remove(fifo.c_str());
  ASSERT_EQ(::mkfifo(fifo.c_str(), 0600), 0);
  ExpectRefusedWithoutReading(fifo, "");
  std::remove(fifo.c_str());
}

TEST_F(ResetPolicyTest, ADirectoryOrADeviceIsRefused) {
  ExpectRefusedWithoutReading(::testing::TempDir(), "");
  ExpectRefusedWithoutReading("/dev/zero", "");
  ExpectRefusedWithoutReading("/proc/self/environ", "PATH=");
  ExpectRefusedWithoutReading("microsoft.json", "");
  ExpectRefusedWithoutReading("", "");
}

TEST_F(ResetPolicyTest, ALongNameIsQuotedShort) {
  Response r = ResetWithPolicyString(std::string(5000, 'x'));
  EXPECT_EQ(r.status, 400);
  EXPECT_LT(DescriptionOf(r).size(), 400u) << DescriptionOf(r);
}

TEST_F(ResetPolicyTest, TheBuiltInNameStillWorks) {
  Response r = ResetWithPolicyString("microsoft");
  EXPECT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(nlohmann::json::parse(r.body)["policy"], "microsoft");
}

TEST_F(ResetPolicyTest, AnInlinePolicyDocumentIsUsed) {
  std::string text = ReadText(std::string(PCSIM_SOURCE_DIR) + "/fixtures/policies/microsoft.json");
  ASSERT_FALSE(text.empty());
  nlohmann::json doc = nlohmann::json::parse(text);
  doc["name"] = "what-if";
  doc["parameters"]["invoices.idPrefix"]["value"] = "W";
  Response r = Reset(nlohmann::json{{"start", "2026-01-15T09:00:00Z"}, {"Policy", doc}}.dump(2));
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(nlohmann::json::parse(r.body)["policy"], "what-if");
  std::lock_guard lock(router->mutex());
  EXPECT_EQ(router->sandbox().policy().Str(PolicyKey::kInvoiceIdPrefix, Date::Ymd(2026, 1, 15)), "W");
}

TEST_F(ResetPolicyTest, AnInvalidInlineDocumentNamesItsLineAndColumn) {
  // The document's own lines and columns, not the body's: it starts mid-line.
  std::string body = "{\"start\": \"2026-02-01T00:00:00Z\", \"policy\": {\n  \"format\": 1,\n  \"name\": 5\n}}";
  Response r = Reset(body);
  EXPECT_EQ(r.status, 400) << r.body;
  EXPECT_EQ(CodeOf(r), 3000);
  ExpectErrorBody(r);
  EXPECT_THAT(DescriptionOf(r), StartsWith("reset policy:3:11: ")) << DescriptionOf(r);
  EXPECT_THAT(DescriptionOf(r), HasSubstr("(at name)"));
  // An unknown key on the first line: columns count from the document's start.
  r = Reset(R"({"policy": {"format": 1, "name": "x", "colour": "blue", "parameters": {}}})");
  EXPECT_EQ(CodeOf(r), 3000);
  EXPECT_THAT(DescriptionOf(r), StartsWith("reset policy:1:")) << DescriptionOf(r);
  // Nothing was reset.
  EXPECT_EQ(CallJson("GET", "/_sim/clock")["now"], "2026-01-15T09:00:00Z");
}

TEST_F(ResetPolicyTest, APolicyOfAnotherTypeIs400) {
  for (const char* body : {R"({"policy": 5})", R"({"policy": ["microsoft"]})", R"({"policy": true})"}) {
    Response r = Reset(body);
    EXPECT_EQ(r.status, 400) << body;
    EXPECT_EQ(CodeOf(r), 800002) << body << " " << r.body;
  }
}

TEST_F(ResetPolicyTest, AHugeInvalidDocumentIsQuotedAtMost1KiB) {
  // The offending value is quoted in the reason; the description is cut.
  std::string huge(200000, 'a');
  std::string body = R"({"policy": {"format": 1, "name": "x", "parameters": {"invoices.closeDay": {"value": ")" + huge +
                     R"(", "source": "s"}}}})";
  Response r = Reset(body);
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(CodeOf(r), 3000) << r.body.substr(0, 300);
  EXPECT_THAT(DescriptionOf(r), StartsWith("reset policy:1:"));
  EXPECT_LE(DescriptionOf(r).size(), 1024u);
}

}  // namespace
}  // namespace pcsim::api::testing
