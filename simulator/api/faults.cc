#include "simulator/model/errors.h"
#include "simulator/api/faults.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <set>

#include "simulator/api/router.h"

namespace pcsim::api {
namespace {

constexpr int64_t kMaxDelayMs = 120'000;
constexpr int64_t kMaxRetryAfterSeconds = 86'400;
constexpr size_t kMaxRules = 1000;

// The segments of a path, in lower case.
std::vector<std::string> Segments(std::string_view path) {
  std::vector<std::string> out = SplitPath(path);
  for (std::string& segment : out) segment = ToLower(segment);
  return out;
}

// "*" matches one segment, "**" any number of segments (none included).
bool Matches(const std::vector<std::string>& pattern, size_t p, const std::vector<std::string>& path, size_t s) {
  if (p == pattern.size()) return s == path.size();
  if (pattern[p] == "**") {
    for (size_t k = s; k <= path.size(); ++k)
      if (Matches(pattern, p + 1, path, k)) return true;
    return false;
  }
  if (s == path.size()) return false;
  if (pattern[p] != "*" && !EqualsIgnoreCase(pattern[p], path[s])) return false;
  return Matches(pattern, p + 1, path, s + 1);
}

bool IsOrderCreation(const std::vector<std::string>& segs, std::string_view method) {
  // POST /v1/customers/{id}/orders and POST /v1/customers/{id}/carts/{id}/checkout.
  if (method != "POST" || segs.size() < 4 || segs[0] != "v1" || segs[1] != "customers") return false;
  return (segs.size() == 4 && segs[3] == "orders") ||
         (segs.size() == 6 && segs[3] == "carts" && segs[5] == "checkout");
}

Status Bad(const std::string& what) { return Error<Err::ControlInvalidInput>("Invalid fault rule: " + what); }

StatusOr<CalendarDuration> DurationField(const nlohmann::json& rule, std::string_view key, std::string* text,
                                         bool required, std::string_view fallback) {
  auto v = StringField(rule, key);
  if (!v.ok()) return v.status();
  std::string value = v->value_or(std::string(fallback));
  if (!v->has_value() && required) return Bad("\"" + std::string(key) + "\" (an ISO 8601 duration such as PT2H) is required.");
  auto d = CalendarDuration::Parse(value);
  if (!d) return Bad("\"" + std::string(key) + "\" is not an ISO 8601 duration (e.g. PT30S, PT2H, P1D): " + value);
  if (d->months < 0 || d->time.micros() < 0 || (d->months == 0 && d->time.micros() == 0))
    return Bad("\"" + std::string(key) + "\" must be longer than zero.");
  if (d->months > 12 * 10) return Bad("\"" + std::string(key) + "\" must be at most ten years.");
  *text = value;
  return *d;
}

// ParseRule's steps, in the order their errors are reported: the keys, then
// one group of fields at a time, each filling in `rule`.

// A JSON object with known keys only (in any case).
Status CheckRuleKeys(const nlohmann::json& j) {
  if (!j.is_object()) return Bad("each rule is a JSON object.");
  static const std::set<std::string> kKeys = {"fault",  "method",     "path",   "partner",  "count",
                                              "skip",   "probability", "status", "retryafter", "delayms",
                                              "after",  "for",        "applied"};
  for (auto it = j.begin(); it != j.end(); ++it)
    if (!kKeys.count(ToLower(it.key())))
      return Bad("unknown key \"" + it.key() + "\" (fault, method, path, partner, count, skip, probability, status, "
                 "retryAfter, delayMs, after, for, applied).");
  return OkStatus();
}

// "fault": the kind of rule.
Status ParseRuleKind(const nlohmann::json& j, FaultRule* rule) {
  auto fault = StringField(j, "fault");
  if (!fault.ok()) return fault.status();
  if (!fault->has_value()) return Bad("\"fault\" is required (throttle, error, latency, accepted, pending, drop).");
  std::string kind = ToLower(**fault);
  if (kind == "throttle") rule->kind = FaultKind::Throttle;
  else if (kind == "error") rule->kind = FaultKind::Error;
  else if (kind == "latency") rule->kind = FaultKind::Latency;
  else if (kind == "accepted") rule->kind = FaultKind::Accepted;
  else if (kind == "pending") rule->kind = FaultKind::Pending;
  else if (kind == "drop") rule->kind = FaultKind::Drop;
  else return Bad("unknown fault \"" + **fault + "\" (throttle, error, latency, accepted, pending, drop).");
  return OkStatus();
}

// "method": the one an "accepted" or "pending" fault implies, or any.
Status ParseRuleMethod(const nlohmann::json& j, FaultRule* rule) {
  auto method = StringField(j, "method");
  if (!method.ok()) return method.status();
  if (method->has_value() && **method != "*") {
    static const std::set<std::string> kMethods = {"GET", "POST", "PUT", "PATCH", "DELETE"};
    std::string m;
    for (char c : **method) m.push_back(static_cast<char>(std::toupper(static_cast<unsigned char>(c))));
    if (!kMethods.count(m)) return Bad("\"method\" must be GET, POST, PUT, PATCH, DELETE or *: " + **method);
    rule->method = m;
  }
  if (rule->kind == FaultKind::Accepted) {
    if (!rule->method.empty() && rule->method != "PATCH") return Bad("an \"accepted\" fault applies to PATCH requests.");
    rule->method = "PATCH";
  }
  if (rule->kind == FaultKind::Pending) {
    if (!rule->method.empty() && rule->method != "POST")
      return Bad("a \"pending\" fault applies to the POST that creates an order.");
    rule->method = "POST";
  }
  return OkStatus();
}

// "path": a /v1 path pattern.
Status ParseRulePath(const nlohmann::json& j, FaultRule* rule) {
  auto path = StringField(j, "path");
  if (!path.ok()) return path.status();
  if (path->has_value()) rule->path = **path;
  if (rule->path.size() > 2048) return Bad("\"path\" is longer than 2048 characters.");
  rule->segments = Segments(rule->path);
  if (rule->path.empty() || rule->path.front() != '/' || rule->segments.empty() ||
      (rule->segments[0] != "v1" && rule->segments[0] != "**" && rule->segments[0] != "*"))
    return Bad("\"path\" is a /v1 path pattern such as /v1/customers/*/subscriptions/* (\"*\" one segment, "
               "\"**\" any number): " + rule->path);
  return OkStatus();
}

// Which requests it acts on and how often: "partner", "count", "skip",
// "probability".
Status ParseRuleTargeting(const nlohmann::json& j, FaultRule* rule) {
  auto partner = StringField(j, "partner");
  if (!partner.ok()) return partner.status();
  if (partner->has_value()) rule->partner = **partner;

  auto count = IntField(j, "count");
  if (!count.ok()) return count.status();
  if (count->has_value()) {
    if (**count < 1) return Bad("\"count\" must be at least 1 (leave it out for a rule that never runs out).");
    rule->count = static_cast<uint64_t>(**count);
  }
  auto skip = IntField(j, "skip");
  if (!skip.ok()) return skip.status();
  if (skip->has_value()) {
    if (**skip < 0) return Bad("\"skip\" must not be negative.");
    rule->skip = static_cast<uint64_t>(**skip);
  }
  if (const nlohmann::json* p = Field(j, "probability")) {
    if (!p->is_number()) return Bad("\"probability\" must be a number from 0 to 1.");
    double v = p->get<double>();
    if (!(v >= 0.0 && v <= 1.0)) return Bad("\"probability\" must be a number from 0 to 1.");
    // A chance, not money: kept in whole parts per million.
    rule->probability_ppm = static_cast<uint32_t>(std::llround(v * 1'000'000.0));
  }
  return OkStatus();
}

// The answer of an "error", "throttle" or "latency" fault: "status",
// "retryAfter", "delayMs".
Status ParseRuleAnswer(const nlohmann::json& j, FaultRule* rule) {
  auto status = IntField(j, "status");
  if (!status.ok()) return status.status();
  if (status->has_value()) {
    if (rule->kind != FaultKind::Error) return Bad("\"status\" belongs to an \"error\" fault.");
    if (**status != 500 && **status != 502 && **status != 503 && **status != 504)
      return Bad("\"status\" must be 500, 502, 503 or 504.");
    rule->status = static_cast<int>(**status);
  }
  auto retry = IntField(j, "retryAfter");
  if (!retry.ok()) return retry.status();
  if (retry->has_value()) {
    if (rule->kind != FaultKind::Throttle && rule->kind != FaultKind::Error)
      return Bad("\"retryAfter\" belongs to a \"throttle\" or \"error\" fault.");
    if (**retry < 0 || **retry > kMaxRetryAfterSeconds) return Bad("\"retryAfter\" is whole seconds from 0 to 86400.");
    rule->retry_after_seconds = **retry;
  } else if (rule->kind == FaultKind::Throttle) {
    rule->retry_after_seconds = 1;
  }
  auto delay = IntField(j, "delayMs");
  if (!delay.ok()) return delay.status();
  if (rule->kind == FaultKind::Latency) {
    if (!delay->has_value()) return Bad("a \"latency\" fault needs \"delayMs\".");
    if (**delay < 1 || **delay > kMaxDelayMs) return Bad("\"delayMs\" must be from 1 to 120000.");
    rule->delay_ms = **delay;
  } else if (delay->has_value()) {
    return Bad("\"delayMs\" belongs to a \"latency\" fault.");
  }
  return OkStatus();
}

// The effect of an "accepted", "pending" or "drop" fault: "after", "for",
// "applied".
Status ParseRuleEffect(const nlohmann::json& j, FaultRule* rule) {
  if (rule->kind == FaultKind::Accepted) {
    auto after = DurationField(j, "after", &rule->after_text, false, "PT1M");
    if (!after.ok()) return after.status();
    rule->after = *after;
  } else if (Field(j, "after") != nullptr) {
    return Bad("\"after\" belongs to an \"accepted\" fault.");
  }
  if (rule->kind == FaultKind::Pending) {
    auto pending = DurationField(j, "for", &rule->pending_for_text, true, "");
    if (!pending.ok()) return pending.status();
    rule->pending_for = *pending;
  } else if (Field(j, "for") != nullptr) {
    return Bad("\"for\" belongs to a \"pending\" fault.");
  }
  auto applied = BoolField(j, "applied");
  if (!applied.ok()) return applied.status();
  if (applied->has_value()) {
    if (rule->kind != FaultKind::Drop) return Bad("\"applied\" belongs to a \"drop\" fault.");
    rule->applied = **applied;
  }
  return OkStatus();
}

StatusOr<FaultRule> ParseRule(const nlohmann::json& j) {
  PCSIM_RETURN_IF_ERROR(CheckRuleKeys(j));
  FaultRule rule;
  PCSIM_RETURN_IF_ERROR(ParseRuleKind(j, &rule));
  PCSIM_RETURN_IF_ERROR(ParseRuleMethod(j, &rule));
  PCSIM_RETURN_IF_ERROR(ParseRulePath(j, &rule));
  PCSIM_RETURN_IF_ERROR(ParseRuleTargeting(j, &rule));
  PCSIM_RETURN_IF_ERROR(ParseRuleAnswer(j, &rule));
  PCSIM_RETURN_IF_ERROR(ParseRuleEffect(j, &rule));
  return rule;
}

std::string ProbabilityText(uint32_t ppm) {
  // ppm as a decimal fraction of one, without a float: 250000 -> "0.25".
  if (ppm >= 1'000'000) return "1";
  std::string digits = std::to_string(ppm);
  digits.insert(0, 6 - digits.size(), '0');
  while (!digits.empty() && digits.back() == '0') digits.pop_back();
  return digits.empty() ? "0" : "0." + digits;
}

Json RuleJson(const FaultRule& r) {
  Json j = ObjectWithCapacity(16);
  j["id"] = r.id;
  j["fault"] = std::string(ToString(r.kind));
  j["method"] = r.method.empty() ? "*" : r.method;
  j["path"] = r.path;
  if (!r.partner.empty()) j["partner"] = r.partner;
  if (r.count) j["count"] = *r.count;
  if (r.skip) j["skip"] = r.skip;
  j["probability"] = Number(*Decimal::Parse(ProbabilityText(r.probability_ppm)));
  switch (r.kind) {
    case FaultKind::Throttle:
      j["retryAfter"] = *r.retry_after_seconds;
      break;
    case FaultKind::Error:
      j["status"] = r.status;
      if (r.retry_after_seconds) j["retryAfter"] = *r.retry_after_seconds;
      break;
    case FaultKind::Latency:
      j["delayMs"] = r.delay_ms;
      break;
    case FaultKind::Accepted:
      j["after"] = r.after_text;
      break;
    case FaultKind::Pending:
      j["for"] = r.pending_for_text;
      break;
    case FaultKind::Drop:
      j["applied"] = r.applied;
      break;
  }
  j["matched"] = r.matched;
  j["fired"] = r.fired;
  if (r.count) j["remaining"] = *r.count - std::min(*r.count, r.fired);
  return j;
}

Response ErrorFault(const FaultRule& rule) {
  std::string what;
  switch (rule.status) {
    case 502: what = "Bad gateway"; break;
    case 503: what = "The service is busy"; break;
    case 504: what = "Gateway timeout"; break;
    default: what = "Unexpected service error"; break;
  }
  Response r = ErrorResponse(ErrorWithStatus<Err::InjectedFault>(rule.status, what, rule.id));
  if (rule.retry_after_seconds) r.SetHeader("Retry-After", std::to_string(*rule.retry_after_seconds));
  return r;
}

}  // namespace

std::string_view ToString(FaultKind kind) {
  switch (kind) {
    case FaultKind::Throttle: return "throttle";
    case FaultKind::Error: return "error";
    case FaultKind::Latency: return "latency";
    case FaultKind::Accepted: return "accepted";
    case FaultKind::Pending: return "pending";
    case FaultKind::Drop: return "drop";
  }
  return "error";
}

Response ThrottleResponse(int64_t retry_after_seconds) {
  Response r;
  r.status = 429;
  Json body = ObjectWithCapacity(2);
  body["statusCode"] = 429;
  body["message"] = "Rate limit is exceeded. Try again in " + std::to_string(retry_after_seconds) + " seconds.";
  r.body = Dump(body);
  r.SetHeader("Retry-After", std::to_string(retry_after_seconds));
  return r;
}

std::optional<FaultDirective> ParseFaultDirective(std::string_view text) {
  size_t space = text.find(' ');
  if (space == std::string_view::npos) return std::nullopt;
  FaultDirective d;
  std::string_view kind = text.substr(0, space);
  if (kind == "accepted") d.kind = FaultKind::Accepted;
  else if (kind == "pending") d.kind = FaultKind::Pending;
  else return std::nullopt;
  auto duration = CalendarDuration::Parse(text.substr(space + 1));
  if (!duration) return std::nullopt;
  d.duration = *duration;
  return d;
}

std::optional<FaultDecision> FaultInjector::RateLimit(const Request& request, const std::string& partner,
                                                      Instant now) {
  if (!limit_.enabled || partner.empty()) return std::nullopt;
  std::vector<std::string> segs = Segments(request.path);
  // Partner Center limits the subscription and the order resources of a
  // partner tenant separately (Subscription resources, Order resources).
  if (segs.size() < 4 || segs[0] != "v1" || segs[1] != "customers") return std::nullopt;
  std::string resource = segs[3];
  if (resource != "subscriptions" && resource != "orders") return std::nullopt;
  std::deque<Instant>& window = windows_[partner + "|" + resource];
  const Duration minute = Duration::Minutes(1);
  while (!window.empty() && window.front() + minute <= now) window.pop_front();
  if (static_cast<int64_t>(window.size()) < limit_.requests_per_minute) {
    window.push_back(now);
    return std::nullopt;
  }
  // Whole seconds until the oldest admitted request leaves the window.
  int64_t micros = (window.front() + minute - now).micros();
  int64_t seconds = std::max<int64_t>(1, (micros + 999'999) / 1'000'000);
  ++rate_limited_;
  FaultDecision d;
  d.kind = FaultKind::Throttle;
  d.reject = ThrottleResponse(seconds);
  return d;
}

std::optional<FaultDecision> FaultInjector::Decide(const Request& request, const std::string& partner, Instant now) {
  if (auto limited = RateLimit(request, partner, now)) return limited;
  if (rules_.empty()) return std::nullopt;
  std::vector<std::string> segs = Segments(request.path);
  for (FaultRule& rule : rules_) {
    if (!rule.method.empty() && rule.method != request.method) continue;
    if (!rule.partner.empty() && !EqualsIgnoreCase(rule.partner, partner)) continue;
    if (!Matches(rule.segments, 0, segs, 0)) continue;
    if (rule.kind == FaultKind::Pending && !IsOrderCreation(segs, request.method)) continue;
    if (rule.count && rule.fired >= *rule.count) continue;  // spent
    ++rule.matched;
    if (rule.matched <= rule.skip) continue;
    if (rule.probability_ppm < 1'000'000 && random_.Below(1'000'000) >= rule.probability_ppm) continue;
    ++rule.fired;
    FaultDecision d;
    d.rule_id = rule.id;
    d.kind = rule.kind;
    switch (rule.kind) {
      case FaultKind::Throttle:
        d.reject = ThrottleResponse(*rule.retry_after_seconds);
        break;
      case FaultKind::Error:
        d.reject = ErrorFault(rule);
        break;
      case FaultKind::Latency:
        d.delay_ms = rule.delay_ms;
        break;
      case FaultKind::Accepted:
        d.directive = "accepted " + rule.after_text;
        break;
      case FaultKind::Pending:
        d.directive = "pending " + rule.pending_for_text;
        break;
      case FaultKind::Drop:
        if (rule.applied) {
          d.drop_after = true;
        } else {
          Response r;
          r.status = 0;  // never written: the connection is cut
          r.drop_connection = true;
          d.reject = std::move(r);
        }
        break;
    }
    return d;
  }
  return std::nullopt;
}

Status FaultInjector::Configure(const nlohmann::json& body) {
  const nlohmann::json* rules = nullptr;
  std::optional<RateLimitOptions> limit;
  std::optional<uint64_t> seed;
  if (body.is_array()) {
    rules = &body;
  } else if (body.is_object()) {
    for (auto it = body.begin(); it != body.end(); ++it) {
      std::string key = ToLower(it.key());
      if (key != "rules" && key != "ratelimit" && key != "seed")
        return Bad("unknown key \"" + it.key() + "\" (rules, rateLimit, seed).");
    }
    rules = Field(body, "rules");
    if (rules != nullptr && !rules->is_array()) return Bad("\"rules\" must be a list of rules.");
    if (const nlohmann::json* rl = Field(body, "rateLimit")) {
      RateLimitOptions o;
      if (rl->is_boolean()) {
        o.enabled = rl->get<bool>();
      } else if (rl->is_object()) {
        for (auto it = rl->begin(); it != rl->end(); ++it) {
          std::string key = ToLower(it.key());
          if (key != "enabled" && key != "requestsperminute")
            return Bad("unknown rateLimit key \"" + it.key() + "\" (enabled, requestsPerMinute).");
        }
        auto enabled = BoolField(*rl, "enabled");
        if (!enabled.ok()) return enabled.status();
        o.enabled = enabled->value_or(true);
        auto rpm = IntField(*rl, "requestsPerMinute");
        if (!rpm.ok()) return rpm.status();
        if (rpm->has_value()) {
          if (**rpm < 1 || **rpm > 1'000'000) return Bad("\"requestsPerMinute\" must be from 1 to 1000000.");
          o.requests_per_minute = **rpm;
        }
      } else if (rl->is_null()) {
        o.enabled = false;
      } else {
        return Bad("\"rateLimit\" is true, false or {\"requestsPerMinute\": N}.");
      }
      limit = o;
    }
    auto s = IntField(body, "seed");
    if (!s.ok()) return s.status();
    if (s->has_value()) {
      if (**s < 0) return Bad("\"seed\" must not be negative.");
      seed = static_cast<uint64_t>(**s);
    }
    if (rules == nullptr && !limit && !seed) return Bad("give \"rules\", \"rateLimit\" or \"seed\".");
  } else {
    return Bad("the body is a list of rules or {\"rules\": [...], \"rateLimit\": ...}.");
  }
  // All rules are checked before any is added.
  std::vector<FaultRule> parsed;
  if (rules != nullptr) {
    if (rules->empty() && body.is_array()) return Bad("the list of rules is empty.");
    for (size_t i = 0; i < rules->size(); ++i) {
      auto rule = ParseRule((*rules)[i]);
      if (!rule.ok())
        return rule.status().Prefixed("rules[" + std::to_string(i) + "]: ");
      parsed.push_back(std::move(*rule));
    }
    if (rules_.size() + parsed.size() > kMaxRules) return Bad("at most 1000 rules at a time.");
  }
  for (FaultRule& rule : parsed) {
    rule.id = next_id_++;
    rules_.push_back(std::move(rule));
  }
  if (limit) SetRateLimit(*limit);
  if (seed) random_ = SeededRandom(*seed ^ 0x6661756c74ULL);
  return OkStatus();
}

void FaultInjector::Clear() {
  rules_.clear();
  SetRateLimit(RateLimitOptions{});
}

bool FaultInjector::Remove(uint64_t rule_id) {
  for (auto it = rules_.begin(); it != rules_.end(); ++it) {
    if (it->id == rule_id) {
      rules_.erase(it);
      return true;
    }
  }
  return false;
}

Json FaultInjector::ToJson() const {
  Json j = ObjectWithCapacity(2);
  Json rules = Json::array();
  for (const FaultRule& r : rules_) rules.push_back(RuleJson(r));
  j["rules"] = std::move(rules);
  Json limit = ObjectWithCapacity(3);
  limit["enabled"] = limit_.enabled;
  limit["requestsPerMinute"] = limit_.requests_per_minute;
  limit["throttled"] = rate_limited_;
  j["rateLimit"] = std::move(limit);
  return j;
}

}  // namespace pcsim::api
