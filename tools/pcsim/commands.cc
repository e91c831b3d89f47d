// pcsim est-report, pcsim policy, pcsim check-catalog and pcsim check-policy.
#include <iostream>
#include <optional>
#include <string>
#include <utility>
#include <variant>

#include "simulator/api/router.h"
#include "simulator/catalog/catalog.h"
#include "simulator/commerce/est_report.h"
#include "simulator/model/data_file.h"
#include "simulator/policy/policy.h"
#include "simulator/replay/runner.h"
#include "simulator/replay/scenario_parser.h"
#include "tools/pcsim/commands.h"

namespace pcsim::tools {
namespace {

int ReadFile(const std::string& path, std::string* out, size_t max_bytes = kMaxDataFileBytes) {
  auto text = ReadDataFile(path, max_bytes);
  if (!text.ok()) {
    std::cerr << "pcsim: " << path << ": " << text.status().description() << "\n";
    return 2;
  }
  *out = std::move(*text);
  return 0;
}

}  // namespace

int PrintPolicy(const std::string& name) {
  auto policy = Policy::Load(name);
  if (!policy.ok()) {
    // A located error ("FILE:LINE:COLUMN: reason") starts the line, as a compiler's does.
    const std::string& text = policy.status().description();
    std::cerr << (text.rfind(name + ":", 0) == 0 ? "" : "pcsim: ") << text << "\n";
    return 2;
  }
  std::cout << "policy " << policy->name() << "\n";
  for (size_t i = 0; i < static_cast<size_t>(PolicyKey::kCount); ++i) {
    auto key = static_cast<PolicyKey>(i);
    const auto& param = policy->Parameter(key);
    std::cout << InfoOf(key).name << " =";
    for (const auto& v : param.values) {
      if (param.values.size() > 1) std::cout << " [from " << v.from.ToString() << "]";
      std::cout << " " << Policy::ToText(v.value);
    }
    std::cout << "    # " << param.source << "\n";
  }
  return 0;
}

int CheckDataFile(DataFileKind kind, const std::string& path) {
  std::string text;
  const size_t max_bytes = kind == DataFileKind::kPolicy ? Policy::kMaxFileBytes : kMaxDataFileBytes;
  if (int rc = ReadFile(path, &text, max_bytes); rc != 0) return rc;
  Status status;
  if (kind == DataFileKind::kCatalog) {
    auto c = Catalog::FromJson(text, path);
    if (!c.ok()) status = c.status();
    else std::cout << path << ": valid catalog with " << (*c)->offers().size() << " offers\n";
  } else {
    auto p = Policy::FromJson(text, path);
    if (!p.ok()) status = p.status();
    else std::cout << path << ": valid policy \"" << p->name() << "\"\n";
  }
  if (!status.ok()) {
    std::cerr << status.description() << "\n";
    return 2;
  }
  return 0;
}

// pcsim est-report SCENARIO [--at INSTANT] [--compare-to-renewal]
// [--policy-override KEY=VALUE]: the EST audit download of the book a
// scenario's steps build, at an instant.
int EstReport(const EstReportFlags& flags) {
  const std::string& file = flags.file;
  const std::optional<Instant>& at = flags.at;
  replay::RunOptions options;
  options.skip_expectations = true;
  options.policy_files = true;
  options.policy_overrides = flags.overrides;
  auto parsed = replay::ParseScenarioFile(file);
  if (auto* e = std::get_if<replay::ScenarioError>(&parsed)) {
    std::cerr << e->ToString() << "\n";
    return 2;
  }
  auto result = replay::RunScenario(std::get<replay::Scenario>(parsed), options);
  if (result.outcome != replay::Outcome::Passed) {
    std::cerr << result.message << "\n";
    return result.outcome == replay::Outcome::Invalid ? 2 : 1;
  }
  const Sandbox& sandbox = result.router->sandbox();
  if (at) {
    if (*at < sandbox.Now()) {
      std::cerr << "pcsim est-report: --at " << at->ToString() << " is before the end of the scenario's steps ("
                << sandbox.Now().ToString() << ")\n";
      return 2;
    }
    api::Response advanced = result.router->Handle(api::MakeRequest(
        "POST", "/_sim/clock/advance", "{\"to\": \"" + at->ToString() + "\"}", {}));
    if (advanced.status != 200) {
      std::cerr << "pcsim est-report: --at " << at->ToString() << ": " << advanced.body << "\n";
      return 2;
    }
  }
  auto csv = EstAuditCsv(result.router->sandbox(), flags.compare_to_renewal);
  if (!csv.ok()) {
    std::cerr << "pcsim est-report: " << csv.status().description() << "\n";
    return 2;
  }
  std::cout << *csv;
  return 0;
}

}  // namespace pcsim::tools
