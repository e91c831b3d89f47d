// renewal-guard: one daily pass against a Partner Center base URL.
//   renewal-guard --base-url http://127.0.0.1:8080 --today 2026-05-01 [--days 30]
//                 [--default Cancel|RenewToNewTerm] [--renew PRODUCT[:SKU]]... [--token T]
#include <cstdlib>
#include <cstring>
#include <iostream>
#include <string>

#include "renewal_guard.h"

int main(int argc, char** argv) {
  std::string base_url = "http://127.0.0.1:8080", today, token = "renewal-guard";
  renewal_guard::GuardPolicy policy;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    auto value = [&]() -> std::string {
      if (i + 1 >= argc) {
        std::cerr << "renewal-guard: " << a << " needs a value\n";
        std::exit(2);
      }
      return argv[++i];
    };
    if (a == "--base-url") base_url = value();
    else if (a == "--today") today = value();
    else if (a == "--token") token = value();
    else if (a == "--days") {
      std::string v = value();
      char* end = nullptr;
      long n = std::strtol(v.c_str(), &end, 10);
      if (v.empty() || *end != '\0' || n < 0 || n > 3650) {
        std::cerr << "renewal-guard: --days takes a whole number of days from 0 to 3650\n";
        return 2;
      }
      policy.days_before_term_end = static_cast<int>(n);
    } else if (a == "--default") {
      std::string v = value();
      if (v == "Cancel") policy.default_action = renewal_guard::Action::Cancel;
      else if (v == "RenewToNewTerm") policy.default_action = renewal_guard::Action::RenewToNewTerm;
      else {
        std::cerr << "renewal-guard: --default is Cancel or RenewToNewTerm\n";
        return 2;
      }
    } else if (a == "--renew") policy.per_offer[value()] = renewal_guard::Action::RenewToNewTerm;
    else if (a == "--cancel") policy.per_offer[value()] = renewal_guard::Action::Cancel;
    else {
      std::cerr << "usage: renewal-guard --base-url URL --today YYYY-MM-DD [--days N] [--default Cancel|RenewToNewTerm]"
                   " [--renew PRODUCT[:SKU]]... [--cancel PRODUCT[:SKU]]... [--token T]\n";
      return 2;
    }
  }
  if (!renewal_guard::DaysBetween(today, today)) {
    std::cerr << "renewal-guard: --today YYYY-MM-DD is required\n";
    return 2;
  }
  pcsim::client::ClientOptions options;
  options.access_token = token;
  auto api = pcsim::client::PartnerCenterClient::OverHttp(base_url, options);
  renewal_guard::RenewalGuard guard(api, policy, [](const std::string& line) { std::cout << line << "\n"; });
  auto decisions = guard.RunOnce(today);
  if (!decisions.ok()) return 1;
  for (const auto& d : *decisions)
    if (!d.applied) return 1;
  return 0;
}
