#include "simulator/model/errors.h"
#include "simulator/catalog/country_rules.h"

#include <algorithm>
#include <cctype>

#include "simulator/model/json_reader.h"

namespace pcsim {

extern const std::string_view kEmbeddedCountryRules;

namespace {

std::string Upper(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return out;
}

std::optional<std::regex> CompileRegex(JsonObjectReader& r, std::string_view key, std::string* pattern) {
  auto text = r.OptionalString(key);
  if (!text) return std::nullopt;
  try {
    if (pattern != nullptr) *pattern = *text;
    return std::regex(*text, std::regex::ECMAScript);
  } catch (const std::regex_error&) {
    r.Fail(key, "not a valid regular expression");
  }
}

}  // namespace

StatusOr<std::shared_ptr<const CountryRules>> CountryRules::FromJson(std::string_view text, std::string_view source) {
  std::optional<JsonDocument> doc;
  try {
    doc.emplace(text);
    JsonObjectReader r(doc->root(), "");
    r.Int("format", 1, 1);
    auto rules = std::make_shared<CountryRules>();
    const auto& countries = r.Object("countries");
    for (auto it = countries.begin(); it != countries.end(); ++it) {
      JsonObjectReader c(it.value(), r.ChildPath("countries") + "." + it.key());
      CountryRule rule;
      rule.code = it.key();
      if (rule.code.size() != 2) {
        DataFileError error;
        error.path = c.path();
        error.reason = "not an ISO 3166 alpha-2 code";
        error.node = &countries;
        error.key = it.key();
        error.at_key = true;
        throw error;
      }
      rule.name = c.String("name");
      rule.currency = c.String("currency");
      rule.postal_code_required = c.Bool("postalCodeRequired");
      rule.postal_code = CompileRegex(c, "postalCodeRegex", &rule.postal_code_pattern);
      rule.state_required = c.Bool("stateRequired");
      rule.states = c.OptionalStringList("states");
      rule.phone_required = c.Bool("phoneRequired");
      rule.phone = CompileRegex(c, "phoneRegex", nullptr);
      rule.registration_number_required = c.Bool("organizationRegistrationNumberRequired");
      rule.registration_number =
          CompileRegex(c, "organizationRegistrationNumberRegex", &rule.registration_number_pattern);
      c.RejectUnknownKeys();
      rules->rules_[rule.code] = std::move(rule);
    }
    r.RejectUnknownKeys();
    return std::shared_ptr<const CountryRules>(std::move(rules));
  } catch (const DataFileError& e) {
    return Error<Err::DocumentInvalid>(LocatedMessage(source, text, doc ? &*doc : nullptr, e));
  }
}

std::shared_ptr<const CountryRules> CountryRules::Default() {
  static const std::shared_ptr<const CountryRules> rules = [] {
    auto r = FromJson(kEmbeddedCountryRules, "embedded country rules");
    if (!r.ok()) throw std::logic_error(r.status().description());
    return *r;
  }();
  return rules;
}

const CountryRule* CountryRules::Find(std::string_view country) const {
  auto it = rules_.find(Upper(country));
  return it == rules_.end() ? nullptr : &it->second;
}

std::vector<std::string> CountryRules::InvalidFields(const Address& address) const {
  std::vector<std::string> invalid;
  const CountryRule* rule = Find(address.country);
  if (rule == nullptr) return {"Country"};
  if (address.postal_code.empty()) {
    if (rule->postal_code_required) invalid.push_back("PostalCode");
  } else if (rule->postal_code && !std::regex_match(address.postal_code, *rule->postal_code)) {
    invalid.push_back("PostalCode");
  }
  if (!rule->states.empty() || rule->state_required) {
    std::string state = Upper(address.state);
    if (state.empty()) {
      if (rule->state_required) invalid.push_back("Region");
    } else if (!rule->states.empty() &&
               std::find(rule->states.begin(), rule->states.end(), state) == rule->states.end()) {
      invalid.push_back("Region");
    }
  }
  if (address.city.empty()) invalid.push_back("City");
  if (address.address_line1.empty()) invalid.push_back("AddressLine1");
  return invalid;
}

Status CountryRules::Validate(const Address& address, std::string_view registration_number) const {
  const CountryRule* rule = Find(address.country);
  if (rule == nullptr)
    return Error<Err::AddressCountryUnsupported>(address.country);
  if (rule->phone_required && address.phone_number.empty())
    return Error<Err::PhoneRequired>(rule->code);
  if (!address.phone_number.empty() && rule->phone && !std::regex_match(address.phone_number, *rule->phone))
    return Error<Err::AddressPhoneInvalid>();
  if (rule->registration_number_required) {
    if (registration_number.empty())
      return Error<Err::RegistrationNumberRequired>(rule->code);
    if (rule->registration_number &&
        !std::regex_match(std::string(registration_number), *rule->registration_number))
      return Error<Err::RegistrationNumberInvalid>(rule->registration_number_pattern);
  }
  auto invalid = InvalidFields(address);
  if (!invalid.empty()) {
    std::string fields;
    for (const auto& f : invalid) fields += (fields.empty() ? "'" : ", '") + f + "'";
    return Error<Err::AddressFieldInvalid>(fields);
  }
  return OkStatus();
}

}  // namespace pcsim
