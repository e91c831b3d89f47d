// Per-country address rules (postal code, state, phone, organization
// registration number), as Partner Center's country validation rules describe
// them. Data in fixtures/countries/countries.json, embedded in the binary.
#pragma once

#include <map>
#include <memory>
#include <optional>
#include <regex>
#include <string>
#include <vector>

#include "simulator/commerce/commerce_types.h"
#include "simulator/model/status.h"

namespace pcsim {

struct CountryRule {
  std::string code;
  std::string name;
  std::string currency;
  bool postal_code_required = true;
  std::optional<std::regex> postal_code;
  std::string postal_code_pattern;
  bool state_required = false;
  std::vector<std::string> states;
  bool phone_required = false;
  std::optional<std::regex> phone;
  bool registration_number_required = false;
  std::optional<std::regex> registration_number;
  std::string registration_number_pattern;
};

class CountryRules {
 public:
  static StatusOr<std::shared_ptr<const CountryRules>> FromJson(std::string_view text, std::string_view source);
  static std::shared_ptr<const CountryRules> Default();

  const CountryRule* Find(std::string_view country) const;
  // Checks an address (and the organization registration number) against the
  // country's rules. Errors carry Partner Center's codes: 600051 phone
  // missing, 600049/600050 registration number missing/invalid, 2007 address
  // fields invalid.
  Status Validate(const Address& address, std::string_view registration_number) const;
  // The names of the invalid fields ("PostalCode", "Region", ...), empty when valid.
  std::vector<std::string> InvalidFields(const Address& address) const;

 private:
  std::map<std::string, CountryRule, std::less<>> rules_;
};

}  // namespace pcsim
