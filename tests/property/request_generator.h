// Random request sequences over every route of api::Router, valid and
// invalid mixed: the input of the state property test and of the state
// fuzzer. Choices come from a Chooser (a seeded generator, or a fuzzer's
// bytes); ids come from what the router holds now, so a sequence buys,
// changes, breaks and reads what it made.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "simulator/api/router.h"

namespace pcsim::property {

// Where choices come from.
class Chooser {
 public:
  virtual ~Chooser() = default;
  // A number in [0, n) for n > 0.
  virtual uint64_t Below(uint64_t n) = 0;
  bool OneIn(uint64_t n) { return Below(n) == 0; }
  template <typename T>
  const T& Pick(const std::vector<T>& v) {
    return v[Below(v.size())];
  }
};

// One generated request and what it is meant to be.
struct GeneratedRequest {
  api::Request request;
  std::string action;      // "patch-subscription", "checkout", ... (for the statistics)
  bool corrupted = false;  // a field was made invalid on purpose
};

class RequestGenerator {
 public:
  explicit RequestGenerator(Chooser& chooser) : chooser_(chooser) {}
  // The options of a new sequence's router: a start in 2025-2026 (across the
  // EST calendar), either environment, a seed, small advance limits.
  api::RouterOptions NewRouterOptions();
  // The next request, given the router's state.
  GeneratedRequest Next(api::Router& router);
  // A router for `options` with every route pcsim serve has (the scenario
  // runs included).
  static std::unique_ptr<api::Router> MakeRouter(const api::RouterOptions& options);

 private:
  api::Request Make(std::string method, std::string target, const std::string& body) const;
  std::string CustomerBody();
  std::string CartBody(api::Router& router, const std::string& customer_id);
  std::string PatchBody(api::Router& router, const std::string& customer_id, const std::string& subscription_id);
  // Makes one field of `body` (a JSON document) invalid.
  std::string Corrupt(const std::string& body);
  std::string AnyCustomer(api::Router& router);
  // A subscription "customer|subscription", or "" when there is none.
  std::string AnySubscription(api::Router& router, bool azure_plan = false);
  std::string AnyItem(api::Router& router);

  Chooser& chooser_;
  int customers_made_ = 0;
};

}  // namespace pcsim::property
