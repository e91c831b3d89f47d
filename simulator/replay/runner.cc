// Runs a scenario (docs/scenario-format.md, "Runner"): the sandbox and its
// customers here; the catalog in catalog_builder.cc, the steps in
// step_runner.cc, the final expectations in expectations.cc.
#include "simulator/replay/runner.h"

#include <algorithm>
#include <exception>

#include "simulator/api/resources.h"
#include "simulator/model/data_file.h"
#include "simulator/model/errors.h"
#include "simulator/replay/run_context.h"
#include "simulator/replay/scenario_parser.h"

namespace pcsim::replay {
namespace {

using nlohmann::json;

// A valid address per country for scenario customers (postal code
// overridable with `postal-code`).
struct SampleAddress {
  const char* country;
  const char* city;
  const char* state;
  const char* postal_code;
  const char* phone;
};
constexpr SampleAddress kAddresses[] = {
    {"US", "Redmond", "WA", "98052", ""},        {"CA", "Toronto", "ON", "M5V 2T6", ""},
    {"MX", "Ciudad de Mexico", "CMX", "06000", ""}, {"GB", "London", "", "SW1A 1AA", ""},
    {"DE", "Berlin", "", "10115", ""},           {"FR", "Paris", "", "75001", ""},
    {"NL", "Amsterdam", "", "1012 AB", ""},      {"IE", "Dublin", "", "D02 X285", ""},
    {"ES", "Madrid", "", "28001", ""},           {"IT", "Roma", "", "00184", ""},
    {"AT", "Wien", "", "1010", ""},              {"BE", "Bruxelles", "", "1000", ""},
    {"AU", "Sydney", "NSW", "2000", ""},         {"JP", "Tokyo", "", "100-0001", ""},
    {"IN", "Mumbai", "", "400001", "+91 22 1234 5678"}, {"BR", "Sao Paulo", "", "01310-100", ""},
};

SourceLocation PolicyWhere(const Scenario& s) {
  return s.policy_where.file.empty() ? SourceLocation{s.file, 1} : s.policy_where;
}

StatusOr<Policy> LoadPolicy(const Scenario& s, const RunOptions& options) {
  if (s.inline_policy) return Policy::FromJsonValue(*s.inline_policy, "inline policy");
  if (Policy::Builtin(s.policy) == nullptr && !options.policy_files)
    throw Invalid{PolicyWhere(s),
                  "policy \"" + Excerpt(s.policy) +
                      "\": files are not opened over HTTP; a scenario run there may name a built-in policy (" +
                      Policy::BuiltinNamesText() +
                      ") or write the policy inline (policy files are read by pcsim replay and est-report)"};
  return Policy::Load(s.policy);
}

// A fresh sandbox with the scenario's policy (and overrides), environment,
// seed and catalog, behind its own router.
std::unique_ptr<api::Router> BuildSandbox(const Scenario& s, const RunOptions& o) {
  auto policy = LoadPolicy(s, o);
  if (!policy.ok()) throw Invalid{PolicyWhere(s), policy.status().description()};
  for (size_t i = 0; i < s.policy_overrides.size(); ++i) {
    Status status = policy->Override(s.policy_overrides[i].first, s.policy_overrides[i].second);
    if (!status.ok()) throw Invalid{s.policy_override_lines[i], status.description()};
  }
  for (const auto& [key, value] : o.policy_overrides) {
    Status status = policy->Override(key, value);
    if (!status.ok()) throw Invalid{{"--policy-override", 0}, status.description()};
  }
  api::RouterOptions options;
  options.sandbox.start = s.start;
  options.sandbox.policy = std::move(*policy);
  options.sandbox.environment = *ParseEnvironment(s.environment);
  options.sandbox.seed = s.seed;
  options.advance = o.advance_limits;
  if (s.drift) options.drift = api::DriftOptions{true, s.drift->seed, s.drift->unknown_fields, s.drift->new_enum_values};
  if (!s.catalog.empty()) options.sandbox.catalog = BuildCatalog(s);
  return std::make_unique<api::Router>(options);
}

// The body of POST /v1/customers for a scenario customer, the `n`th.
json CustomerBody(const CustomerSpecYaml& c, int n) {
  const SampleAddress* sample = nullptr;
  for (const auto& a : kAddresses)
    if (c.country == a.country) sample = &a;
  if (sample == nullptr && c.postal_code.empty())
    throw Invalid{c.where, "no built-in address for country " + c.country + "; give postal-code"};
  json address = {{"FirstName", "Ada"}, {"LastName", "Lovelace"}, {"AddressLine1", "1 Main Street"},
                  {"City", sample != nullptr ? sample->city : "City"},
                  {"State", sample != nullptr ? sample->state : ""},
                  {"PostalCode", c.postal_code.empty() ? sample->postal_code : c.postal_code},
                  {"Country", c.country}};
  if (sample != nullptr && *sample->phone) address["PhoneNumber"] = sample->phone;
  std::string domain = c.domain.empty() ? c.ref + std::to_string(n) + ".onmicrosoft.com" : c.domain;
  json body = {{"CompanyProfile", {{"Domain", domain}}},
               {"BillingProfile",
                {{"Culture", "en-US"}, {"Language", "en"}, {"Email", "admin@" + domain},
                 {"CompanyName", c.ref}, {"DefaultAddress", address}}}};
  if (!c.reseller.empty()) body["associatedPartnerId"] = c.reseller;
  return body;
}

// The scenario's customers, created through the router: with the MCA accepted
// (unless `mca: none`) and their qualification.
void CreateCustomers(RunContext& run) {
  const Scenario& s = run.scenario();
  int n = 0;
  for (const CustomerSpecYaml& c : s.customers) {
    api::Response r = run.Send("POST", "/v1/customers", Dump(CustomerBody(c, ++n)));
    if (r.status != 201) throw Invalid{c.where, "customer " + c.ref + " could not be created: " + r.body};
    std::string id = json::parse(r.body)["id"];
    run.result().customer_refs[c.ref] = id;
    if (!c.mca_none) {
      Instant date = c.mca ? Instant::StartOf(*c.mca) : s.start;
      if (date > s.start) throw Invalid{c.where, "the mca date of " + c.ref + " is after the scenario's start"};
      api::Response a = run.Attest(id, date);
      if (a.status != 201) throw Invalid{c.where, "the MCA of " + c.ref + " could not be attested: " + a.body};
    }
    if (!c.qualification.empty()) {
      std::string name = c.qualification == "education"    ? "Education"
                         : c.qualification == "government" ? "GovernmentCommunityCloud"
                                                           : "Nonprofit";
      // Setup, not a step: the customer starts out qualified.
      api::Response q = run.Send("POST", "/_sim/qualifications", json{{"customer", id}, {"qualification", name}}.dump());
      if (q.status != 201) throw Invalid{c.where, "the qualification of " + c.ref + " could not be set: " + q.body};
    }
  }
}

// The whole run; the differences the expectations found.
std::vector<std::string> Execute(RunContext& run) {
  run.result().router = BuildSandbox(run.scenario(), run.options());
  CreateCustomers(run);
  const std::vector<Step>& steps = run.scenario().steps;
  for (size_t i = 0; i < steps.size(); ++i) {
    run.step_index = i;
    RunStep(run, steps[i]);
  }
  if (run.scenario().expect && !run.options().skip_expectations) return CheckExpectations(run, *run.scenario().expect);
  return {};
}

}  // namespace

std::string Dump(const json& j) { return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace); }

api::Response RunContext::SendTo(api::Router& router, const std::string& method, const std::string& target,
                                 const std::string& body, api::HeaderList headers) {
  bool has_auth = std::any_of(headers.begin(), headers.end(),
                              [](const auto& h) { return api::EqualsIgnoreCase(h.first, "Authorization"); });
  if (!has_auth) headers.emplace_back("Authorization", "Bearer scenario-partner");
  if (!body.empty()) headers.emplace_back("Content-Type", "application/json");
  return router.Handle(api::MakeRequest(method, target, body, std::move(headers)));
}

api::Response RunContext::Send(const std::string& method, const std::string& target, const std::string& body,
                               api::HeaderList headers) {
  api::Response r = SendTo(*result_.router, method, target, body, std::move(headers));
  // The events of the whole run are bounded as one request's are (a
  // scenario posted over HTTP holds the serving router's lock while it runs).
  if (options_.advance_limits.max_events != 0 && r.status == 200 && api::EqualsIgnoreCase(target, "/_sim/clock/advance")) {
    events_ += json::parse(r.body, nullptr, false).value("events", uint64_t{0});
    if (events_ > options_.advance_limits.max_events)
      throw Invalid{step_index < scenario_.steps.size() ? scenario_.steps[step_index].where : SourceLocation{scenario_.file, 1},
                    "the scenario runs more than " + std::to_string(options_.advance_limits.max_events) +
                        " events in all, the limit of one request of this server; run it with pcsim replay"};
  }
  return r;
}

api::Response RunContext::Attest(const std::string& customer_id, Instant date) {
  ++attestations_;
  json agreement = {{"primaryContact", {{"firstName", "Ada"}, {"lastName", "Lovelace"},
                                        {"email", "ada" + std::to_string(attestations_) + "@example.com"}}},
                    {"templateId", std::string(kMcaTemplateId)},
                    {"dateAgreed", date.ToString()},
                    {"type", "MicrosoftCustomerAgreement"}};
  return Send("POST", "/v1/customers/" + customer_id + "/agreements", Dump(agreement));
}

std::string RunContext::SubscriptionPath(const std::string& ref) const {
  std::string id = SubscriptionId(ref);
  const Subscription* s = sandbox().FindSubscription(id);
  return "/v1/customers/" + sandbox().CustomerAt(s->customer).id + "/subscriptions/" + id;
}

void RegisterScenarioRoutes(api::Router& router) {
  router.AddRoute("POST", "/_sim/scenarios/run", [](api::RouteContext& ctx) {
    if (ctx.request.body.empty())
      return api::ErrorResponse(Error<Err::ControlInvalidInput>("The body must be a scenario document (YAML or JSON)."));
    ParseOutcome parsed = ParseScenarioText(ctx.request.body, "request");
    if (auto* e = std::get_if<ScenarioError>(&parsed)) return api::ErrorResponse(Error<Err::ControlInvalidInput>(e->ToString()));
    RunOptions options;
    options.advance_limits = ctx.router.options().advance;
    ScenarioResult result = RunScenario(std::get<Scenario>(parsed), options);
    api::Json body;
    body["title"] = result.title;
    body["outcome"] = result.outcome == Outcome::Passed ? "passed" : result.outcome == Outcome::Failed ? "failed" : "invalid";
    body["passed"] = result.outcome == Outcome::Passed;
    body["message"] = result.message;
    api::Json lines = api::Json::array();
    if (result.router)
      for (const ChargeLine& line : result.router->sandbox().ledger().lines()) {
        api::Json l = api::LineItemJson(result.router->sandbox(), line);
        l["subscriptionRef"] = RefOrId(result, l["subscriptionId"].get<std::string>());
        lines.push_back(std::move(l));
      }
    body["lines"] = std::move(lines);
    if (result.outcome == Outcome::Invalid) return api::ErrorResponse(Error<Err::ControlInvalidInput>(result.message));
    return api::JsonResponse(200, body);
  }, api::RouteKind::Read);  // the scenario runs in a sandbox of its own
}

std::string RefOrId(const ScenarioResult& result, const std::string& subscription_id) {
  for (const auto& [ref, id] : result.subscription_refs)
    if (id == subscription_id) return ref;
  return subscription_id;
}

ScenarioResult RunScenario(const Scenario& scenario, const RunOptions& options) {
  ScenarioResult result;
  result.file = scenario.file;
  result.title = scenario.title;
  result.tags = scenario.tags;
  RunContext run(scenario, options, result);
  try {
    std::vector<std::string> failures = Execute(run);
    if (!failures.empty()) {
      result.outcome = Outcome::Failed;
      for (const auto& f : failures) result.message += (result.message.empty() ? "" : "\n") + f;
    }
  } catch (const Invalid& e) {
    result.outcome = Outcome::Invalid;
    result.message = e.where.ToString() + ": " + e.reason;
  } catch (const StepFailure& f) {
    result.outcome = Outcome::Failed;
    result.message = f.message;
  } catch (const std::exception& e) {
    // A defect of the simulator, reported against the file instead of ending the run.
    result.outcome = Outcome::Invalid;
    result.message = scenario.file + ": internal error: " + e.what();
  }
  return result;
}

}  // namespace pcsim::replay
