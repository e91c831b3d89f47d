// libFuzzer target: generated request sequences (tests/property/
// request_generator.h) whose choices are the input's bytes, checked by the
// state oracle (tests/property/state_oracle.h): a refused request or a read
// never changes the state digest, accepted writes keep the book's invariants,
// and the history rebuilds the same state. Every input starts from a fresh
// router; a byte past the end of the input chooses 0.
#include <cstddef>
#include <cstdint>
#include <string>

#include "tests/fuzz/fuzz_support.h"
#include "tests/property/request_generator.h"
#include "tests/property/state_oracle.h"

namespace {

constexpr size_t kMaxSteps = 40;

class BytesChooser : public pcsim::property::Chooser {
 public:
  BytesChooser(const uint8_t* data, size_t size) : data_(data), size_(size) {}
  uint64_t Below(uint64_t n) override {
    uint64_t v = 0;
    for (int i = 0; i < 2; ++i) v = (v << 8) | (pos_ < size_ ? data_[pos_++] : 0);
    return v % n;
  }
  bool exhausted() const { return pos_ >= size_; }

 private:
  const uint8_t* data_;
  size_t size_;
  size_t pos_ = 0;
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  BytesChooser chooser(data, size);
  pcsim::property::RequestGenerator generator(chooser);
  pcsim::api::RouterOptions options = generator.NewRouterOptions();
  std::unique_ptr<pcsim::api::Router> live = pcsim::property::RequestGenerator::MakeRouter(options);
  pcsim::api::Router& router = *live;
  for (size_t step = 0; step < kMaxSteps && !chooser.exhausted(); ++step) {
    pcsim::property::GeneratedRequest g = generator.Next(router);
    const uint64_t before = router.StateDigest();
    pcsim::api::Response response = router.Handle(g.request);
    std::string broken = pcsim::property::CheckStep(router, g, response, before);
    if (!broken.empty()) pcsim::fuzz::Fail("step " + std::to_string(step) + ": " + broken, g.request.body);
  }
  std::unique_ptr<pcsim::api::Router> replayed = pcsim::property::RequestGenerator::MakeRouter(options);
  for (const pcsim::api::CommandRecord& c : router.History()) replayed->Replay(c);
  if (replayed->StateDigest() != router.StateDigest())
    pcsim::fuzz::Fail("the history rebuilds another state", std::to_string(router.History().size()) + " commands");
  return 0;
}
