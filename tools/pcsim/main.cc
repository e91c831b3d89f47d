// The pcsim command line. Exit codes: 0 success, 1 a check failed, 2 bad
// input or usage.
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>
#include <vector>

#include "simulator/catalog/catalog.h"
#include "simulator/policy/policy.h"

namespace {

constexpr const char* kUsage = R"(pcsim: a simulated Microsoft Partner Center.

Usage:
  pcsim policy [NAME|FILE]        print every policy parameter, its values and source
  pcsim check-catalog FILE        validate a catalog file (exit 2 with the reason if invalid)
  pcsim check-policy FILE         validate a policy file (exit 2 with the reason if invalid)
  pcsim --version                 print the version
  pcsim --help                    print this help
)";

int ReadFile(const std::string& path, std::string* out) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    std::cerr << "pcsim: cannot read " << path << "\n";
    return 2;
  }
  std::stringstream buffer;
  buffer << in.rdbuf();
  *out = buffer.str();
  return 0;
}

int PrintPolicy(const std::string& name) {
  auto policy = pcsim::Policy::Load(name);
  if (!policy.ok()) {
    std::cerr << "pcsim: " << policy.status().description() << "\n";
    return 2;
  }
  std::cout << "policy " << policy->name() << "\n";
  for (size_t i = 0; i < static_cast<size_t>(pcsim::PolicyKey::kCount); ++i) {
    auto key = static_cast<pcsim::PolicyKey>(i);
    const auto& param = policy->Parameter(key);
    std::cout << pcsim::InfoOf(key).name << " =";
    for (const auto& v : param.values) {
      if (param.values.size() > 1) std::cout << " [from " << v.from.ToString() << "]";
      std::cout << " " << pcsim::Policy::ToText(v.value);
    }
    std::cout << "    # " << param.source << "\n";
  }
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  if (args.empty() || args[0] == "--help" || args[0] == "-h" || args[0] == "help") {
    std::cout << kUsage;
    return args.empty() ? 2 : 0;
  }
  if (args[0] == "--version") {
    std::cout << "pcsim 0.1.0\n";
    return 0;
  }
  if (args[0] == "policy") {
    if (args.size() > 2) {
      std::cerr << "pcsim policy: expected at most one NAME or FILE\n";
      return 2;
    }
    return PrintPolicy(args.size() == 2 ? args[1] : "microsoft");
  }
  if (args[0] == "check-catalog" || args[0] == "check-policy") {
    if (args.size() != 2) {
      std::cerr << "pcsim " << args[0] << ": expected one FILE\n";
      return 2;
    }
    std::string text;
    if (int rc = ReadFile(args[1], &text); rc != 0) return rc;
    pcsim::Status status;
    if (args[0] == "check-catalog") {
      auto c = pcsim::Catalog::FromJson(text, args[1]);
      if (!c.ok()) status = c.status();
      else std::cout << args[1] << ": valid catalog with " << (*c)->offers().size() << " offers\n";
    } else {
      auto p = pcsim::Policy::FromJson(text, args[1]);
      if (!p.ok()) status = p.status();
      else std::cout << args[1] << ": valid policy \"" << p->name() << "\"\n";
    }
    if (!status.ok()) {
      std::cerr << status.description() << "\n";
      return 2;
    }
    return 0;
  }
  std::cerr << "pcsim: unknown command \"" << args[0] << "\"\n\n" << kUsage;
  return 2;
}
