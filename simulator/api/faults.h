// Fault injection and the rate limiter (POST/DELETE /_sim/faults): rules that
// make matching /v1 requests fail the way Partner Center fails, so that a
// client's retry, timeout and polling code can be tested. Every decision is a
// function of the rules, the requests seen so far, the simulated clock and a
// seeded generator: the same requests give the same faults.
#pragma once

#include <cstdint>
#include <deque>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "simulator/api/drift.h"
#include "simulator/api/http_types.h"
#include "simulator/api/json_support.h"
#include "simulator/clock/time.h"
#include "simulator/model/seeded_random.h"
#include "simulator/model/status.h"

namespace pcsim::api {

enum class FaultKind : uint8_t { Throttle, Error, Latency, Accepted, Pending, Drop };
std::string_view ToString(FaultKind kind);

struct FaultRule {
  uint64_t id = 0;
  FaultKind kind = FaultKind::Error;
  std::string method;                 // upper case; empty: any method
  std::string path = "/v1/**";        // segments; "*" one segment, "**" any number
  std::vector<std::string> segments;  // `path` split, lower case
  std::string partner;                // partner tenant id; empty: any partner
  std::optional<uint64_t> count;      // fires this many times, then is spent
  uint64_t skip = 0;                  // matching requests let through first
  uint32_t probability_ppm = 1'000'000;  // chance per matching request, parts per million
  int status = 500;                   // Error: 500, 502, 503 or 504
  std::optional<int64_t> retry_after_seconds;  // Throttle (default 1), Error (optional)
  int64_t delay_ms = 0;               // Latency
  CalendarDuration after;             // Accepted: applied this much simulated time later
  std::string after_text;
  CalendarDuration pending_for;       // Pending: the order completes this much later
  std::string pending_for_text;
  bool applied = false;               // Drop: whether the request ran before the connection was cut
  // Counters.
  uint64_t matched = 0;  // requests that matched method, path and partner
  uint64_t fired = 0;    // requests the rule acted on
};

// What the injector decided for one request.
struct FaultDecision {
  uint64_t rule_id = 0;  // 0: the rate limiter
  FaultKind kind = FaultKind::Error;
  // For Throttle, Error and Drop (not applied): the answer instead of running
  // the request.
  std::optional<Response> reject;
  int64_t delay_ms = 0;        // Latency: the transport waits this long before answering
  bool drop_after = false;     // Drop (applied): run, then cut the connection
  std::string directive;       // Accepted / Pending: carried by the request (Request::fault)
};

struct RateLimitOptions {
  bool enabled = false;
  int64_t requests_per_minute = 500;  // per partner tenant, per resource (subscriptions, orders)
};

class FaultInjector {
 public:
  explicit FaultInjector(uint64_t seed = 1) : random_(seed ^ 0x6661756c74ULL) {}

  // True when some rule or the rate limiter may act (the fast path skips the rest).
  bool active() const { return !rules_.empty() || limit_.enabled; }

  // Decides for one request to a /v1 route. `partner` is the caller's
  // partner tenant (empty when the request does not authenticate).
  std::optional<FaultDecision> Decide(const Request& request, const std::string& partner, Instant now);

  // POST /_sim/faults: adds the rules and/or sets the rate limiter from
  // `body` (a list of rules, or {"rules": [...], "rateLimit": ..., "seed": N}).
  Status Configure(const nlohmann::json& body);
  void Clear();                    // DELETE /_sim/faults
  bool Remove(uint64_t rule_id);   // DELETE /_sim/faults/{id}
  void SetRateLimit(RateLimitOptions options) { limit_ = options; windows_.clear(); }
  const RateLimitOptions& rate_limit() const { return limit_; }
  // Contract-drift mode (drift.h): set-up like the rules, never state.
  void SetDrift(DriftOptions options) { drift_ = options; }
  const DriftOptions& drift() const { return drift_; }
  DriftOptions& mutable_drift() { return drift_; }
  const std::vector<FaultRule>& rules() const { return rules_; }
  uint64_t rate_limited() const { return rate_limited_; }

  // GET /_sim/faults: {"rules": [...], "rateLimit": {...}}.
  Json ToJson() const;

 private:
  std::optional<FaultDecision> RateLimit(const Request& request, const std::string& partner, Instant now);

  std::vector<FaultRule> rules_;
  uint64_t next_id_ = 1;
  SeededRandom random_;
  RateLimitOptions limit_;
  std::map<std::string, std::deque<Instant>> windows_;  // partner|resource -> admitted instants
  uint64_t rate_limited_ = 0;
  DriftOptions drift_;
};

// Partner Center's throttling answer: 429, Retry-After and
// {"statusCode": 429, "message": "Rate limit is exceeded. Try again in N seconds."}.
Response ThrottleResponse(int64_t retry_after_seconds);

// Reads a fault directive ("accepted PT1M", "pending PT2H") carried by a request.
struct FaultDirective {
  FaultKind kind = FaultKind::Accepted;
  CalendarDuration duration;
};
std::optional<FaultDirective> ParseFaultDirective(std::string_view text);

}  // namespace pcsim::api
