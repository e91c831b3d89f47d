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

#include "simulator/api/json_support.h"

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
  // reads, a refused request and a month of time: 8 commands.
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

  // Everything a client can read back from `router`, as text (the request
  // log is left out: reads and refused requests are not state, and a restart
  // keeps only the commands that changed it).
  static std::string Dump(api::Router& router) {
    std::string out;
    for (const char* path : {"/_sim/clock", "/_sim/events", "/v1/customers", "/v1/invoices"})
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
    EXPECT_EQ(router_->StateDigest(), previous_->StateDigest());
    std::string restored = Dump(*router_);
    EXPECT_EQ(restored, Dump(*previous_));
    EXPECT_NE(restored.find("Contoso"), std::string::npos);
  }

  // The byte offsets at which the frames of a state file start.
  static std::vector<size_t> FrameOffsets(const std::string& data) {
    std::vector<size_t> out;
    for (size_t p = 0; p + 12 <= data.size();) {
      out.push_back(p);
      uint32_t n = 0;
      for (int i = 0; i < 4; ++i) n |= uint32_t{static_cast<unsigned char>(data[p + 4 + i])} << (8 * i);
      p += 12 + n + 4;
    }
    return out;
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
  EXPECT_EQ(store_->stats().replayed_commands, 8u);
  ExpectSameAsBefore();
  // The next request gives what it gives without a restart: ids continue
  // the seed.
  EXPECT_EQ(Call("POST", "/_sim/token", {{"partner", "p3"}}).body,
            CallOn(*previous_, "POST", "/_sim/token", {{"partner", "p3"}}).body);
  // The restored subscription has the acknowledged seat count.
  json sub = CallJson("GET", "/v1/customers/" + customer_ + "/subscriptions/" + subscription_);
  EXPECT_EQ(sub["quantity"], 14);
  EXPECT_TRUE(warnings_.empty());
}

TEST_F(StateStoreTest, TheActivityLogKeepsItsCallerAndCorrelationIdAcrossARestart) {
  Open(Options());
  // A token naming its application and user (lenient auth reads the claims),
  // and a write with both ids: what GET /v1/auditrecords shows of it.
  const std::string claims =
      R"({"tid":"4f6c1a8e-2b7d-4e0f-9a3c-5d8e7f1b2c40","appid":"app-1","upn":"ops@contoso.example","scp":"x","amr":["mfa"]})";
  std::string jwt = api::Base64(R"({"alg":"none"})", true) + "." + api::Base64(claims, true) + ".signature";
  api::Response created = router_->Handle(api::MakeRequest(
      "POST", "/v1/customers",
      json{{"companyProfile", {{"domain", "fabrikam.onmicrosoft.com"}}},
           {"billingProfile",
            {{"email", "a@fabrikam.example"},
             {"culture", "en-US"},
             {"language", "en"},
             {"companyName", "Fabrikam"},
             {"defaultAddress",
              {{"firstName", "A"}, {"lastName", "B"}, {"addressLine1", "1 Microsoft Way"}, {"city", "Redmond"},
               {"state", "WA"}, {"postalCode", "98052"}, {"country", "US"}}}}}}
          .dump(),
      {{"Authorization", "Bearer " + jwt}, {"MS-RequestId", "req-9"}, {"MS-CorrelationId", "corr-9"}}));
  ASSERT_EQ(created.status, 201) << created.body;
  const std::string before = Call("GET", "/v1/auditrecords").body;
  json record = json::parse(before)["items"][0];
  EXPECT_EQ(record["applicationId"], "app-1");
  EXPECT_EQ(record["userPrincipalName"], "ops@contoso.example");
  EXPECT_EQ(record["originalCorrelationId"], "corr-9");
  store_.reset();  // a crash: the journal only
  Open(Options());
  EXPECT_EQ(Call("GET", "/v1/auditrecords").body, before);
  ASSERT_TRUE(store_->Close().ok());
  Open(Options());  // from the snapshot
  EXPECT_EQ(Call("GET", "/v1/auditrecords").body, before);
}

TEST_F(StateStoreTest, CrashWithoutCloseKeepsEveryAcknowledgedRequest) {
  Open(Options());
  BuildBook();
  store_.reset();  // no snapshot: only the journal
  EXPECT_FALSE(fs::exists(dir_ / "snapshot"));
  Open(Options());
  ExpectSameAsBefore();
}

TEST_F(StateStoreTest, ReadsAndRefusedRequestsAreNeverJournaled) {
  Open(Options());
  BuildBook();
  const uint64_t size = fs::file_size(dir_ / "journal");
  Call("GET", "/v1/customers");
  Call("GET", "/v1/customers/" + customer_ + "/subscriptions/" + subscription_ + "/transitionEligibilities");
  EXPECT_EQ(Call("POST", "/_sim/clock/advance", {{"to", "2020-01-01T00:00:00Z"}}).status, 400);
  EXPECT_EQ(Call("PATCH", "/v1/customers/" + customer_ + "/subscriptions/" + subscription_, {{"quantity", -3}}).status,
            400);
  EXPECT_EQ(fs::file_size(dir_ / "journal"), size);
}

TEST_F(StateStoreTest, TornLastRecordIsDroppedWithAWarning) {
  Open(Options());
  BuildBook();
  store_.reset();
  const uint64_t good_size = fs::file_size(dir_ / "journal");
  // A record cut short: a whole head whose length promises more than is there.
  std::string journal = ReadAll(dir_ / "journal");
  std::string last = journal.substr(FrameOffsets(journal).back());
  WriteAll(dir_ / "journal", journal + last.substr(0, 20));
  Open(Options());
  ASSERT_EQ(warnings_.size(), 1u);
  EXPECT_NE(warnings_[0].find("incomplete (20 bytes at byte " + std::to_string(good_size)), std::string::npos)
      << warnings_[0];
  EXPECT_EQ(store_->stats().dropped_torn_bytes, 20u);
  EXPECT_EQ(fs::file_size(dir_ / "journal"), good_size);
  ExpectSameAsBefore();
  // A head cut short, and zeros the file system left, are torn tails too.
  for (std::string tail : {std::string("PCS2\x40", 5), std::string(4096, '\0')}) {
    store_.reset();
    WriteAll(dir_ / "journal", ReadAll(dir_ / "journal") + tail);
    Open(Options());
    EXPECT_EQ(store_->stats().dropped_torn_bytes, tail.size());
    EXPECT_EQ(fs::file_size(dir_ / "journal"), good_size);
  }
}

TEST_F(StateStoreTest, ALastRecordWithABadChecksumIsTorn) {
  Open(Options());
  BuildBook();
  CallJson("POST", "/_sim/clock/advance", {{"to", "2026-03-01T00:00:00Z"}});
  store_.reset();
  // The last record (the advance) damaged: the process died while writing it,
  // so it was never answered.
  std::string journal = ReadAll(dir_ / "journal");
  const size_t last = FrameOffsets(journal).back();
  journal[journal.size() - 6] ^= 0x5A;
  WriteAll(dir_ / "journal", journal);
  Open(Options());
  ASSERT_EQ(warnings_.size(), 1u);
  EXPECT_EQ(store_->stats().dropped_torn_bytes, journal.size() - last);
  EXPECT_EQ(store_->stats().replayed_commands, 8u);
  EXPECT_NE(json::parse(Call("GET", "/_sim/clock").body)["now"], "2026-03-01T00:00:00Z");
}

TEST_F(StateStoreTest, DamageInsideTheJournalIsRefusedWithItsOffsetAndNothingIsCut) {
  Open(Options());
  BuildBook();
  store_.reset();
  const std::string intact = ReadAll(dir_ / "journal");
  const std::vector<size_t> frames = FrameOffsets(intact);
  ASSERT_GE(frames.size(), 5u);
  // A damaged length in a middle record: it must not pass for a torn tail.
  std::string damaged = intact;
  damaged[frames[3] + 5] ^= 0x40;
  WriteAll(dir_ / "journal", damaged);
  ExpectOpenFails(Options(), "is damaged at byte " + std::to_string(frames[3]) +
                                 ": the record's length fails its checksum");
  EXPECT_EQ(ReadAll(dir_ / "journal"), damaged) << "the journal must never be cut by a start";
  // A damaged body with whole records after it.
  damaged = intact;
  damaged[frames[2] + 20] ^= 0x5A;
  WriteAll(dir_ / "journal", damaged);
  ExpectOpenFails(Options(), "is damaged at byte " + std::to_string(frames[2]) + ": the record fails its checksum");
  // Bytes that start no record.
  damaged = intact;
  damaged[frames[4]] = 'X';
  WriteAll(dir_ / "journal", damaged);
  ExpectOpenFails(Options(), "is damaged at byte " + std::to_string(frames[4]) + ": no record starts here");
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
  ExpectOpenFails(Options(), (dir_ / "snapshot").string() + " is damaged at byte ");
  // A snapshot cut short is damaged too (it is renamed into place whole).
  WriteAll(dir_ / "snapshot", snapshot.substr(0, snapshot.size() - 3));
  ExpectOpenFails(Options(), "it ends before its end record");
  WriteAll(dir_ / "snapshot", "");
  ExpectOpenFails(Options(), "it ends before its end record");
  // The intact snapshot still restores.
  WriteAll(dir_ / "snapshot", snapshot);
  Open(Options());
  EXPECT_EQ(store_->stats().replayed_commands, 8u);
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
  ExpectOpenFails(Options(), "is damaged at byte 0: no record starts here");
}

TEST_F(StateStoreTest, AReplayThatDivergesIsRefused) {
  Open(Options());
  BuildBook();
  store_.reset();
  // Same fingerprint, but a router with another seed: the ids differ.
  api::RouterOptions seeded;
  seeded.sandbox.seed = 2;
  ExpectOpenFails(Options(), "gives another result: record 1 (POST /v1/customers) answers 201 where it answered 201 "
                             "with another body",
                  seeded);
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
  EXPECT_EQ(store_->stats().replayed_commands, 9u);
  ExpectSameAsBefore();
  ASSERT_TRUE(store_->Close().ok());
  Open(Options(7));
  EXPECT_EQ(store_->stats().replayed_commands, 9u);
}

TEST_F(StateStoreTest, ANewDirIsPrivateAndEmpty) {
  Open(Options());
  EXPECT_EQ(store_->stats().replayed_commands, 0u);
  EXPECT_TRUE(fs::exists(dir_ / "journal"));
  EXPECT_EQ(json::parse(Call("GET", "/_sim/clock").body)["now"], "2026-01-01T00:00:00Z");
  CallJson("POST", "/_sim/clock/advance", {{"by", "P1D"}});
  ASSERT_TRUE(store_->Close().ok());
  EXPECT_EQ(fs::status(dir_).permissions() & fs::perms::all, fs::perms::owner_all);
  for (const char* file : {"journal", "snapshot", "LOCK"})
    EXPECT_EQ(fs::status(dir_ / file).permissions() & fs::perms::all, fs::perms::owner_read | fs::perms::owner_write)
        << file;
}

TEST_F(StateStoreTest, AnOpenDirIsMadePrivate) {
  fs::create_directories(dir_);
  fs::permissions(dir_, fs::perms::all);
  Open(Options());
  EXPECT_EQ(fs::status(dir_).permissions() & fs::perms::all, fs::perms::owner_all);
}

TEST_F(StateStoreTest, NoCredentialIsEverWritten) {
  Open(Options());
  const std::string secret = "Bearer eyJ-secret-token-of-the-partner";
  api::HeaderList headers = {{"Authorization", secret}, {"MS-RequestId", "r-1"}};
  api::Response r = router_->Handle(api::MakeRequest("POST", "/_sim/token", R"({"partner": "p9", "expires-in": 999999999})", {}));
  ASSERT_EQ(r.status, 200);
  const std::string issued = json::parse(r.body)["token"];
  router_->Handle(api::MakeRequest("POST", "/_sim/clock/advance", R"({"by": "P1D"})",
                                   {{"Authorization", "Bearer " + issued}}));
  BuildBook();
  Call("POST", "/_sim/clock/advance", {{"by", "P1D"}}, headers);
  store_.reset();
  for (const char* file : {"journal"}) {
    std::string data = ReadAll(dir_ / file);
    EXPECT_EQ(data.find("secret-token"), std::string::npos) << file;
    EXPECT_EQ(data.find(issued), std::string::npos) << file;
    EXPECT_EQ(data.find("Authorization"), std::string::npos) << file;
  }
  Open(Options());
  ASSERT_TRUE(store_->Close().ok());
  EXPECT_EQ(ReadAll(dir_ / "snapshot").find(issued), std::string::npos);
  // The issued token still works after the restart: it is made again by the
  // replay, never read from disk.
  EXPECT_EQ(router_->Handle(api::MakeRequest("GET", "/v1/customers", "", {{"Authorization", "Bearer " + issued}})).status,
            200);
}

TEST_F(StateStoreTest, CheckFindsDamageAndRepairKeepsEveryCommandBeforeIt) {
  Open(Options());
  BuildBook();
  store_.reset();
  std::string journal = ReadAll(dir_ / "journal");
  const std::vector<size_t> frames = FrameOffsets(journal);
  journal[frames[5] + 20] ^= 0x5A;  // the fifth command (the header is frame 0)
  WriteAll(dir_ / "journal", journal);
  auto state = ReadStateDir(dir_.string());
  ASSERT_TRUE(state.ok());
  ASSERT_TRUE(state->journal.damage.has_value());
  EXPECT_EQ(state->journal.damage_offset, frames[5]);
  EXPECT_EQ(state->Commands().size(), 4u);
  // Repair: a new dir with the four commands before the damage; the old one
  // is left as it was.
  api::Router check;
  std::string error;
  EXPECT_EQ(ReplayRecords(check, state->Commands(), &error), 4u);
  EXPECT_TRUE(error.empty()) << error;
  const fs::path repaired = dir_.string() + "-repaired";
  fs::remove_all(repaired);
  ASSERT_TRUE(WriteStateDir(repaired.string(), state->Commands(), "0.1.0", "seed=1\n").ok());
  EXPECT_EQ(ReadAll(dir_ / "journal"), journal);
  EXPECT_FALSE(WriteStateDir(repaired.string(), state->Commands(), "0.1.0", "seed=1\n").ok())
      << "an existing dir is never written over";
  StateStoreOptions options = Options();
  options.dir = repaired.string();
  Open(options);
  EXPECT_EQ(store_->stats().replayed_commands, 4u);
  EXPECT_EQ(router_->StateDigest(), check.StateDigest());
  store_.reset();
  fs::remove_all(repaired);
}

// A command that kills the process is never on disk, so it is not replayed
// at the next start: the journal is written after a command ran.
TEST_F(StateStoreTest, ACommandThatCrashesTheProcessIsNotReplayed) {
  GTEST_FLAG_SET(death_test_style, "threadsafe");
  Open(Options());
  BuildBook();
  const uint64_t digest = router_->StateDigest();
  store_.reset();
  EXPECT_DEATH(
      {
        api::Router router;
        router.AddRoute("POST", "/_sim/crash", [](api::RouteContext& ctx) -> api::Response {
          (void)ctx.sandbox.AdvanceTo(ctx.sandbox.Now() + Duration::Days(40));  // it changes the state ...
          std::abort();                                                        // ... and dies before answering
        });
        auto store = StateStore::Open(Options(), router);
        if (!store.ok()) std::exit(3);
        router.Handle(api::MakeRequest("POST", "/_sim/crash", "", {}));
      },
      "");
  Open(Options());
  EXPECT_EQ(router_->StateDigest(), digest);
  EXPECT_TRUE(warnings_.empty());
}

}  // namespace
}  // namespace pcsim::persist
