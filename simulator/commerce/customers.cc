// Customers: creation with its address and domain checks, deletion in the
// integration sandbox, agreements, qualifications and the billing profile
// (Create a customer, Delete a customer, Confirm customer acceptance of the
// Microsoft Customer Agreement).
#include <algorithm>
#include <string>

#include "simulator/commerce/sandbox.h"
#include "simulator/model/errors.h"

namespace pcsim {

StatusOr<const Customer*> Sandbox::CreateCustomer(const CustomerSpec& spec) {
  if (environment_ == Environment::Sandbox && policy_.Bool(PolicyKey::kSandboxEnforceQuotas, Today())) {
    int64_t live = std::count_if(customers_.begin(), customers_.end(), [](const auto& c) { return !c->deleted; });
    if (live >= policy_.Int(PolicyKey::kSandboxMaxCustomers, Today()))
      return Error<Err::SandboxCustomers>(std::to_string(policy_.Int(PolicyKey::kSandboxMaxCustomers, Today())));
  }
  if (spec.domain.empty()) return Error<Err::InvalidInput>("companyProfile.domain is required.");
  if (spec.company_name.empty())
    return Error<Err::InvalidInput>("billingProfile.companyName is required.");
  if (spec.address.country.empty())
    return Error<Err::InvalidInput>("billingProfile.defaultAddress.country is required.");
  if (live_domains_.count(spec.domain) != 0)
    return Error<Err::DomainInUse>(spec.domain);
  PCSIM_RETURN_IF_ERROR(country_rules_->Validate(spec.address, spec.organization_registration_number));
  if (!spec.id.empty() && customer_index_.count(spec.id) != 0)
    return Error<Err::CustomerExists>(spec.id);

  auto c = std::make_unique<Customer>();
  c->index = static_cast<uint32_t>(customers_.size());
  c->id = spec.id.empty() ? random_.Guid() : spec.id;
  c->commerce_id = random_.Guid();
  c->billing_profile_id = random_.Guid();
  c->partner_tenant_id = spec.partner_tenant_id;
  c->company_name = spec.company_name;
  c->domain = spec.domain;
  c->email = spec.email;
  c->culture = spec.culture;
  c->language = spec.language;
  c->organization_registration_number = spec.organization_registration_number;
  c->address = spec.address;
  for (char& ch : c->address.country) ch = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
  c->associated_reseller = spec.associated_reseller;
  c->created = Now();
  customer_index_[c->id] = c->index;
  live_domains_[c->domain] = c->index;
  subscriptions_of_customer_.emplace_back();
  customers_.push_back(std::move(c));
  Journal(JournalKind::CustomerCreated, customers_.back()->index);
  return customers_.back().get();
}

Status Sandbox::DeleteCustomer(std::string_view customer_id) {
  Customer* c = MutableCustomer(customer_id);
  if (c == nullptr) return Error<Err::CustomerNotFound>(std::string(customer_id));
  if (environment_ != Environment::Sandbox)
    return Error<Err::DeleteOnlyInSandbox>();
  for (uint32_t i : subscriptions_of_customer_[c->index]) {
    Subscription* sub = subscriptions_[i].get();
    if (sub->status == SubscriptionStatus::Deleted) continue;
    clock_.Cancel(sub->next_timer);
    sub->status = SubscriptionStatus::Deleted;
    sub->auto_renew = false;
    Touch(*sub);
    Journal(JournalKind::Deleted, sub->index);
  }
  c->deleted = true;
  live_domains_.erase(c->domain);
  return OkStatus();
}

Status Sandbox::RecordAgreement(std::string_view customer_id, const AgreementRecord& agreement) {
  Customer* c = MutableCustomer(customer_id);
  if (c == nullptr) return Error<Err::CustomerNotFound>(std::string(customer_id));
  if (agreement.date_agreed > Now())
    return Error<Err::InvalidInput>("dateAgreed can't be in the future.");
  if (agreement.first_name.empty() || agreement.last_name.empty() || agreement.email.empty())
    return Error<Err::InvalidInput>("primaryContact needs firstName, lastName and email.");
  for (const auto& a : c->agreements)
    if (a.type == agreement.type && a.first_name == agreement.first_name && a.last_name == agreement.last_name &&
        a.email == agreement.email && a.phone_number == agreement.phone_number)
      return Error<Err::AgreementExists>();
  c->agreements.push_back(agreement);
  Journal(JournalKind::AgreementAttested, c->index);
  return OkStatus();
}

Status Sandbox::AddQualification(std::string_view customer_id, const Qualification& qualification) {
  Customer* c = MutableCustomer(customer_id);
  if (c == nullptr) return Error<Err::CustomerNotFound>(std::string(customer_id));
  for (auto& q : c->qualifications)
    if (q.name == qualification.name) {
      q = qualification;
      Journal(JournalKind::QualificationAdded, c->index);
      return OkStatus();
    }
  c->qualifications.push_back(qualification);
  Journal(JournalKind::QualificationAdded, c->index);
  return OkStatus();
}

Status Sandbox::UpdateBillingProfile(std::string_view customer_id, const CustomerSpec& profile) {
  Customer* c = MutableCustomer(customer_id);
  if (c == nullptr) return Error<Err::CustomerNotFound>(std::string(customer_id));
  Address address = profile.address;
  for (char& ch : address.country) ch = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
  if (address.country != c->address.country)
    return Error<Err::InvalidInput>("the country of a customer can't change.");
  if (profile.company_name.empty())
    return Error<Err::InvalidInput>("companyName is required.");
  PCSIM_RETURN_IF_ERROR(country_rules_->Validate(address, c->organization_registration_number));
  c->email = profile.email;
  c->culture = profile.culture;
  c->language = profile.language;
  c->company_name = profile.company_name;
  c->address = address;
  ++c->billing_profile_version;
  return OkStatus();
}

}  // namespace pcsim
