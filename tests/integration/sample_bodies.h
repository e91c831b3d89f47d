// Request bodies the integration tests send over real sockets: a customer
// and its Microsoft Customer Agreement attestation, in the PascalCase the
// .NET SDK sends.
#pragma once

#include <string>

#include <nlohmann/json.hpp>

namespace pcsim::testing {

// A US customer of `name` (lower case: the domain is NAME.onmicrosoft.com).
inline nlohmann::json SampleCustomerBody(const std::string& name) {
  return {{"CompanyProfile", {{"Domain", name + ".onmicrosoft.com"}}},
          {"BillingProfile",
           {{"Culture", "en-US"}, {"Email", "admin@" + name + ".example"}, {"Language", "en"},
            {"CompanyName", name},
            {"DefaultAddress", {{"FirstName", "Ada"}, {"LastName", "Lovelace"}, {"AddressLine1", "1 Microsoft Way"},
                                {"City", "Redmond"}, {"State", "WA"}, {"PostalCode", "98052"}, {"Country", "US"}}}}}};
}

// The customer's MCA attestation, agreed on `date_agreed` (RFC 3339).
inline nlohmann::json SampleAgreementBody(const std::string& name, const std::string& date_agreed) {
  return {{"primaryContact", {{"firstName", "Ada"}, {"lastName", "Lovelace"}, {"email", "ada@" + name + ".example"}}},
          {"templateId", "117a77b0-9360-443b-8795-c6dedc750cf9"},
          {"dateAgreed", date_agreed},
          {"type", "MicrosoftCustomerAgreement"}};
}

}  // namespace pcsim::testing
