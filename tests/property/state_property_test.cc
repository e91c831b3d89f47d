// The state property test: thousands of generated requests over every route,
// valid and invalid mixed (tests/property/request_generator.h), each checked
// by the oracle (tests/property/state_oracle.h): a refused request or a read
// leaves the state digest as it was, an accepted write keeps the book's
// invariants, and at the end of each sequence the router's history rebuilds
// exactly the same state. CI runs a fixed seed and count; a longer run:
//   PCSIM_PROPERTY_SEQUENCES=5000 PCSIM_PROPERTY_SEED=7 build/tests/property/pcsim_property_tests
// A failure names its sequence: PCSIM_PROPERTY_FIRST=K PCSIM_PROPERTY_SEQUENCES=1
// (with the same seed) replays just that one.
#include <gtest/gtest.h>

#include <cstdlib>
#include <iostream>
#include <map>
#include <string>

#include "simulator/model/seeded_random.h"
#include "tests/property/request_generator.h"
#include "tests/property/state_oracle.h"

namespace pcsim::property {
namespace {

class SeededChooser : public Chooser {
 public:
  explicit SeededChooser(uint64_t seed) : random_(seed) {}
  uint64_t Below(uint64_t n) override { return random_.Below(n); }

 private:
  SeededRandom random_;
};

uint64_t FromEnvironment(const char* name, uint64_t otherwise) {
  const char* v = std::getenv(name);
  return v == nullptr ? otherwise : std::strtoull(v, nullptr, 10);
}

struct Tally {
  uint64_t sent = 0, accepted = 0, refused = 0, corrupted = 0;
};

TEST(StatePropertyTest, RefusedRequestsChangeNothingAndAcceptedOnesKeepTheBook) {
  const uint64_t seed = FromEnvironment("PCSIM_PROPERTY_SEED", 20261207);
  const uint64_t first = FromEnvironment("PCSIM_PROPERTY_FIRST", 0);
  const uint64_t sequences = FromEnvironment("PCSIM_PROPERTY_SEQUENCES", 120);
  const uint64_t steps = FromEnvironment("PCSIM_PROPERTY_STEPS", 60);
  std::map<std::string, Tally> tally;
  uint64_t rebuilt = 0;
  for (uint64_t sequence = first; sequence < first + sequences; ++sequence) {
    SeededChooser chooser(MixBits(seed ^ MixBits(sequence + 1)));
    RequestGenerator generator(chooser);
    api::RouterOptions options = generator.NewRouterOptions();
    std::unique_ptr<api::Router> live = RequestGenerator::MakeRouter(options);
    api::Router& router = *live;
    const std::string where = "seed " + std::to_string(seed) + ", sequence " + std::to_string(sequence) +
                              " (PCSIM_PROPERTY_SEED=" + std::to_string(seed) + " PCSIM_PROPERTY_FIRST=" +
                              std::to_string(sequence) + " PCSIM_PROPERTY_SEQUENCES=1)";
    for (uint64_t step = 0; step < steps; ++step) {
      GeneratedRequest g = generator.Next(router);
      const uint64_t before = router.StateDigest();
      api::Response response = router.Handle(g.request);
      std::string broken = CheckStep(router, g, response, before);
      ASSERT_TRUE(broken.empty()) << where << ", step " << step << ": " << broken << "\nbody sent: "
                                  << g.request.body.substr(0, 2000);
      if (std::getenv("PCSIM_PROPERTY_VERBOSE") != nullptr && response.status >= 400)
        std::cout << g.action << " " << response.status << " " << response.body.substr(0, 200) << "\n";
      Tally& t = tally[g.action];
      ++t.sent;
      t.corrupted += g.corrupted ? 1 : 0;
      (response.status < 400 ? t.accepted : t.refused) += 1;
    }
    // The history since the last reset rebuilds the same state (what a
    // rollback and a restart rely on). The start and seed may have been reset.
    std::unique_ptr<api::Router> replayed = RequestGenerator::MakeRouter(options);
    for (const api::CommandRecord& c : router.History()) replayed->Replay(c);
    ASSERT_EQ(replayed->StateDigest(), router.StateDigest()) << where << ": the history rebuilds another state";
    ++rebuilt;
  }
  Tally all;
  std::cout << "state property test, seed " << seed << ": " << sequences << " sequences of " << steps
            << " requests, each history rebuilt (" << rebuilt << ")\n";
  for (const auto& [action, t] : tally) {
    std::cout << "  " << action << ": " << t.sent << " sent, " << t.accepted << " accepted, " << t.refused
              << " refused (" << t.corrupted << " with a field made invalid)\n";
    all.sent += t.sent;
    all.accepted += t.accepted;
    all.refused += t.refused;
  }
  std::cout << "  all: " << all.sent << " sent, " << all.accepted << " accepted, " << all.refused << " refused\n";
  // The sequences must reach the interesting states: changes accepted and
  // refused on the routes that matter, not only refusals.
  for (const char* action : {"patch-subscription", "checkout", "create-cart", "advance", "transition", "create-customer"}) {
    EXPECT_GT(tally[action].accepted, 0u) << action << " was never accepted";
    EXPECT_GT(tally[action].refused, 0u) << action << " was never refused";
  }
  if (sequences >= 100) {
    EXPECT_GT(tally["patch-subscription"].accepted, 200u);
  }
}

}  // namespace
}  // namespace pcsim::property
