// StateStore in process: a router's state survives a clean restart, a crash
// (the store dropped without Close), a torn last journal record and
// compaction; incompatible or corrupt files are refused with a clear error.
#include "simulator/persist/state_store.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

namespace pcsim::persist {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

const char* kE3 = "CFQ7TTC0LFLZ:0001:CFQ7TTC0K5F7";

std::string ReadAll(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

void WriteAll(const fs::path& path, const std::string& data) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << data;
}

class StateStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("pcsim-state-test-" + std::to_string(::getpid()) + "-" +
                                        ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }

  StateStoreOptions Options(uint64_t snapshot_every = 10000) {
    StateStoreOptions o;
    o.dir = dir_.string();
    o.fingerprint = "seed=1\n";
    o.version = "0.1.0";
    o.snapshot_every = snapshot_every;
    o.warn = [this](const std::string& w) { warnings_.push_back(w); };
    return o;
  }

  // A fresh router with the store opened on it; fails the test on error.
  // The previous router stays alive (without a store) to compare with.
  void Open(StateStoreOptions options, api::RouterOptions router_options = {}) {
    store_.reset();
    previous_ = std::move(router_);
    router_ = std::make_unique<api::Router>(router_options);
    auto opened = StateStore::Open(std::move(options), *router_);
    ASSERT_TRUE(opened.ok()) << opened.status().description();
    store_ = std::move(*opened);
  }
  // Opening must fail with a message containing `expected`.
  void ExpectOpenFails(StateStoreOptions options, const std::string& expected, api::RouterOptions router_options = {}) {
    store_.reset();
    router_ = std::make_unique<api::Router>(router_options);
    auto opened = StateStore::Open(std::move(options), *router_);
    ASSERT_FALSE(opened.ok()) << "opened, expected an error with: " << expected;
    EXPECT_NE(opened.status().description().find(expected), std::string::npos) << opened.status().description();
  }

  api::Response Call(const std::string& method, const std::string& target, const json& body = nullptr,
                     api::HeaderList headers = {}) {
    return CallOn(*router_, method, target, body, std::move(headers));
  }
  static api::Response CallOn(api::Router& router, const std::string& method, const std::string& target,
                              const json& body = nullptr, api::HeaderList headers = {}) {
    headers.emplace_back("Authorization", "Bearer t");
    return router.Handle(api::MakeRequest(method, target, body.is_null() ? "" : body.dump(), std::move(headers)));
  }
  json CallJson(const std::string& method, const std::string& target, const json& body = nullptr,
                api::HeaderList headers = {}) {
    api::Response r = Call(method, target, body, std::move(headers));
    EXPECT_LT(r.status, 300) << method << " " << target << ": " << r.body;
    return r.body.empty() ? json() : json::parse(r.body);
  }

  // A customer with an MCA, a 10-seat E3 purchase, a seat change, a token,
  // a GET that draws from the random source and a month of time.
  void BuildBook() {
    json customer = CallJson("POST", "/v1/customers",
                             {{"companyProfile", {{"domain", "contoso.onmicrosoft.com"}}},
                              {"billingProfile",
                               {{"email", "a@contoso.example"},
                                {"culture", "en-US"},
                                {"language", "en"},
                                {"companyName", "Contoso"},
                                {"defaultAddress",
                                 {{"firstName", "A"},
                                  {"lastName", "B"},
                                  {"addressLine1", "1 Microsoft Way"},
                                  {"city", "Redmond"},
                                  {"state", "WA"},
                                  {"postalCode", "98052"},
                                  {"country", "US"}}}}}});
    customer_ = customer["id"];
    CallJson("POST", "/v1/customers/" + customer_ + "/agreements",
             {{"primaryContact", {{"firstName", "A"}, {"lastName", "B"}, {"email", "a@contoso.example"}}},
              {"templateId", "117a77b0-9360-443b-8795-c6dedc750cf9"},
              {"dateAgreed", "2026-01-01T00:00:00Z"},
              {"type", "MicrosoftCustomerAgreement"}});
    json cart = CallJson("POST", "/v1/customers/" + customer_ + "/carts",
                         {{"lineItems",
                           {{{"id", 0}, {"catalogItemId", kE3}, {"quantity", 10}, {"termDuration", "P1Y"},
                             {"billingCycle", "monthly"}}}}});
    json checkout = CallJson("POST", "/v1/customers/" + customer_ + "/carts/" + cart["id"].get<std::string>() + "/checkout",
                             nullptr, {{"MS-RequestId", "checkout-1"}});
    std::string order = checkout["orders"][0]["id"];
    CallJson("POST", "/_sim/clock/advance", {{"by", "PT5M"}});
    subscription_ = CallJson("GET", "/v1/customers/" + customer_ + "/orders/" + order)["lineItems"][0]["subscriptionId"];
    json sub = CallJson("GET", "/v1/customers/" + customer_ + "/subscriptions/" + subscription_);
    sub["quantity"] = 14;
    CallJson("PATCH", "/v1/customers/" + customer_ + "/subscriptions/" + subscription_, sub);
    CallJson("GET", "/v1/customers/" + customer_ + "/subscriptions/" + subscription_ + "/transitionEligibilities");
    CallJson("POST", "/_sim/token", {{"partner", "p2"}});
    EXPECT_EQ(Call("GET", "/v1/customers/nope").status, 404);
    CallJson("POST", "/_sim/clock/advance", {{"by", "P30D"}});
  }

  // Everything a client can read back from `router`, as text. These reads
  // are in the request journal too: dump two routers at the same point.
  static std::string Dump(api::Router& router) {
    std::string out;
    for (const char* path : {"/_sim/clock", "/_sim/events", "/v1/customers", "/v1/invoices", "/_sim/requests"})
      out += std::string(path) + " " + CallOn(router, "GET", path).body + "\n";
    const json customers = json::parse(CallOn(router, "GET", "/v1/customers").body);
    for (const auto& c : customers["items"]) {
      std::string id = c["id"];
      out += CallOn(router, "GET", "/v1/customers/" + id + "/subscriptions").body + "\n";
    }
    out += CallOn(router, "GET",
                  "/v1/invoices/unbilled/lineitems?provider=onetime&invoicelineitemtype=billinglineitems"
                  "&currencycode=USD&period=current")
               .body;
    return out;
  }
  // The restored router reads exactly like the one it replaced.
  void ExpectSameAsBefore() {
    ASSERT_TRUE(previous_);
    std::string restored = Dump(*router_);
    EXPECT_EQ(restored, Dump(*previous_));
    EXPECT_NE(restored.find("Contoso"), std::string::npos);
  }

  fs::path dir_;
  std::vector<std::string> warnings_;
  std::unique_ptr<api::Router> router_;
  std::unique_ptr<api::Router> previous_;
  std::unique_ptr<StateStore> store_;
  std::string customer_, subscription_;
};

TEST_F(StateStoreTest, FaultRulesAreNotKeptButWhatTheyDidIs) {
  Open(Options());
  BuildBook();
  const std::string path = "/v1/customers/" + customer_ + "/subscriptions/" + subscription_;
  CallJson("POST", "/_sim/faults",
           json::parse(R"([{"fault": "throttle", "method": "GET", "path": "/v1/customers", "count": 1},
                           {"fault": "accepted", "after": "PT1H", "count": 1},
                           {"fault": "pending", "for": "P1D", "count": 1}])"));
  EXPECT_EQ(Call("GET", "/v1/customers").status, 429);
  json sub = CallJson("GET", path);
  sub["quantity"] = 20;
  EXPECT_EQ(Call("PATCH", path, sub).status, 202);
  json cart = CallJson("POST", "/v1/customers/" + customer_ + "/carts",
                       {{"lineItems", {{{"id", 0}, {"catalogItemId", kE3}, {"quantity", 2}, {"termDuration", "P1Y"},
                                        {"billingCycle", "monthly"}}}}});
  json checkout =
      CallJson("POST", "/v1/customers/" + customer_ + "/carts/" + cart["id"].get<std::string>() + "/checkout");
  const std::string order = "/v1/customers/" + customer_ + "/orders/" + checkout["orders"][0]["id"].get<std::string>();

  Open(Options());  // a crash: the store is dropped without Close
  // The rules are gone (test set-up, not state) ...
  EXPECT_EQ(CallJson("GET", "/_sim/faults")["rules"].size(), 0u);
  EXPECT_EQ(Call("GET", "/v1/customers").status, 200);
  // ... but the accepted change and the held order are kept.
  EXPECT_EQ(CallJson("GET", path)["quantity"], 14);
  CallJson("POST", "/_sim/clock/advance", {{"by", "PT1H"}});
  EXPECT_EQ(CallJson("GET", path)["quantity"], 20);
  EXPECT_EQ(CallJson("GET", order)["status"], "pending");
  CallJson("POST", "/_sim/clock/advance", {{"by", "P1D"}});
  EXPECT_EQ(CallJson("GET", order)["status"], "completed");
  Open(Options());  // and again, after they happened
  EXPECT_EQ(CallJson("GET", path)["quantity"], 20);
  EXPECT_EQ(CallJson("GET", order)["status"], "completed");
}

TEST_F(StateStoreTest, CleanRestartRestoresTheWholeState) {
  Open(Options());
  BuildBook();
  ASSERT_TRUE(store_->Close().ok());

  Open(Options());
  EXPECT_EQ(store_->stats().replayed_requests, 8u);
  EXPECT_EQ(store_->stats().restored_reads, 4u);
  ExpectSameAsBefore();
  // The next request gives what it gives without a restart: ids continue
  // the seed (the transitionEligibilities GET drew from it).
  EXPECT_EQ(Call("POST", "/_sim/token", {{"partner", "p3"}}).body,
            CallOn(*previous_, "POST", "/_sim/token", {{"partner", "p3"}}).body);
  // The restored subscription has the acknowledged seat count.
  json sub = CallJson("GET", "/v1/customers/" + customer_ + "/subscriptions/" + subscription_);
  EXPECT_EQ(sub["quantity"], 14);
  EXPECT_TRUE(warnings_.empty());
}

TEST_F(StateStoreTest, CrashWithoutCloseKeepsEveryAcknowledgedRequest) {
  Open(Options());
  BuildBook();
  store_.reset();  // no snapshot: only the journal
  EXPECT_FALSE(fs::exists(dir_ / "snapshot"));
  Open(Options());
  ExpectSameAsBefore();
}

TEST_F(StateStoreTest, TornLastRecordIsDroppedWithAWarning) {
  Open(Options());
  BuildBook();
  store_.reset();
  const uint64_t good_size = fs::file_size(dir_ / "journal");
  // A record cut short: its marker and a length promising more than is there.
  std::string journal = ReadAll(dir_ / "journal");
  WriteAll(dir_ / "journal", journal + std::string("PCS1\x40\x00\x00\x00partial", 15));
  Open(Options());
  ASSERT_EQ(warnings_.size(), 1u);
  EXPECT_NE(warnings_[0].find("incomplete (15 bytes"), std::string::npos) << warnings_[0];
  EXPECT_EQ(store_->stats().dropped_torn_bytes, 15u);
  EXPECT_EQ(fs::file_size(dir_ / "journal"), good_size);
  ExpectSameAsBefore();
}

TEST_F(StateStoreTest, ALastRecordWithABadChecksumIsTorn) {
  Open(Options());
  BuildBook();
  CallJson("POST", "/_sim/clock/advance", {{"to", "2026-03-01T00:00:00Z"}});
  store_.reset();
  // Damage the last record, the outcome of the advance (53 bytes): the
  // process died while writing it. The advance itself was written first.
  std::string journal = ReadAll(dir_ / "journal");
  journal[journal.size() - 6] ^= 0x5A;
  WriteAll(dir_ / "journal", journal);
  Open(Options());
  ASSERT_EQ(warnings_.size(), 1u);
  EXPECT_EQ(store_->stats().dropped_torn_bytes, 53u);
  EXPECT_EQ(store_->stats().replayed_requests, 9u);
  EXPECT_EQ(json::parse(Call("GET", "/_sim/clock").body)["now"], "2026-03-01T00:00:00Z");
}

TEST_F(StateStoreTest, DamageInsideTheJournalIsAnError) {
  Open(Options());
  BuildBook();
  store_.reset();
  std::string journal = ReadAll(dir_ / "journal");
  journal[200] ^= 0x5A;  // inside an early record, with whole records after it
  WriteAll(dir_ / "journal", journal);
  ExpectOpenFails(Options(), "is corrupt");
}

TEST_F(StateStoreTest, CorruptSnapshotIsRefused) {
  Open(Options());
  BuildBook();
  ASSERT_TRUE(store_->Close().ok());
  store_.reset();
  std::string snapshot = ReadAll(dir_ / "snapshot");
  std::string damaged = snapshot;
  damaged[snapshot.size() / 2] ^= 0x01;
  WriteAll(dir_ / "snapshot", damaged);
  ExpectOpenFails(Options(), "the snapshot " + (dir_ / "snapshot").string() + " is corrupt");
  // A snapshot cut short is corrupt too (it is renamed into place whole).
  WriteAll(dir_ / "snapshot", snapshot.substr(0, snapshot.size() - 3));
  ExpectOpenFails(Options(), "is corrupt");
  WriteAll(dir_ / "snapshot", "");
  ExpectOpenFails(Options(), "is corrupt: it is empty");
  // The intact snapshot still restores.
  WriteAll(dir_ / "snapshot", snapshot);
  Open(Options());
  EXPECT_EQ(store_->stats().replayed_requests, 8u);
}

TEST_F(StateStoreTest, OtherVersionOrOptionsAreRefused) {
  Open(Options());
  BuildBook();
  ASSERT_TRUE(store_->Close().ok());
  StateStoreOptions other_version = Options();
  other_version.version = "0.2.0";
  ExpectOpenFails(other_version, "was written by pcsim 0.1.0; this is pcsim 0.2.0");
  StateStoreOptions other_options = Options();
  other_options.fingerprint = "seed=2\n";
  ExpectOpenFails(other_options, "was written by pcsim serve with other options");
  // A file of another format.
  WriteAll(dir_ / "snapshot", "{\"not\": \"a snapshot\"}");
  ExpectOpenFails(Options(), "is corrupt");
}

TEST_F(StateStoreTest, AReplayThatDivergesIsRefused) {
  Open(Options());
  BuildBook();
  store_.reset();
  // Same fingerprint, but a router with another seed: the ids differ.
  api::RouterOptions seeded;
  seeded.sandbox.seed = 2;
  ExpectOpenFails(Options(), "gives another result for request", seeded);
}

TEST_F(StateStoreTest, ASecondStoreOnTheSameDirIsRefused) {
  Open(Options());
  api::Router other;
  auto second = StateStore::Open(Options(), other);
  ASSERT_FALSE(second.ok());
  EXPECT_NE(second.status().description().find("in use by another pcsim serve"), std::string::npos);
}

TEST_F(StateStoreTest, SnapshotsCompactAfterAResetAndKeepTheState) {
  Open(Options(/*snapshot_every=*/7));
  BuildBook();
  EXPECT_GT(store_->stats().snapshots, 0u);
  CallJson("POST", "/_sim/reset", {{"seed", 5}});
  BuildBook();
  for (int i = 0; i < 20; ++i) Call("GET", "/_sim/clock");
  store_.reset();  // a crash between snapshots
  Open(Options(7));
  // Only the reset and the second book's 8 changes are replayed.
  EXPECT_EQ(store_->stats().replayed_requests, 9u);
  ExpectSameAsBefore();
  ASSERT_TRUE(store_->Close().ok());
  Open(Options(7));
  EXPECT_EQ(store_->stats().replayed_requests, 9u);
}

TEST_F(StateStoreTest, ANewDirIsCreatedEmpty) {
  Open(Options());
  EXPECT_EQ(store_->stats().replayed_requests, 0u);
  EXPECT_TRUE(fs::exists(dir_ / "journal"));
  EXPECT_EQ(json::parse(Call("GET", "/_sim/clock").body)["now"], "2026-01-01T00:00:00Z");
}

}  // namespace
}  // namespace pcsim::persist
