// Customers: creation with its address and domain checks, deletion in the
// integration sandbox, agreements, qualifications and the billing profile
// (Create a customer, Delete a customer, Confirm customer acceptance of the
// Microsoft Customer Agreement).
#include <algorithm>
#include <cctype>
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

namespace pcsim {
namespace {

// User principal names and ids compare without case, as the directory does.
std::string Lowered(std::string_view text) {
  std::string out(text);
  for (char& ch : out) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
  return out;
}

}  // namespace

StatusOr<const CustomerUser*> Sandbox::CreateUser(std::string_view customer_id, CustomerUser user) {
  Customer* c = MutableCustomer(customer_id);
  if (c == nullptr) return Error<Err::CustomerNotFound>(std::string(customer_id));
  const std::string& upn = user.user_principal_name;
  const size_t at = upn.find('@');
  if (at == 0 || at == std::string::npos || Lowered(std::string_view(upn).substr(at + 1)) != Lowered(c->domain))
    return Error<Err::InvalidInput>("userPrincipalName must be NAME@" + c->domain + " (the customer's domain).");
  for (char ch : std::string_view(upn).substr(0, at))
    if (!(std::isalnum(static_cast<unsigned char>(ch)) || ch == '.' || ch == '-' || ch == '_' || ch == '\''))
      return Error<Err::InvalidInput>("userPrincipalName's name may hold letters, digits and . - _ ' only.");
  if (user.display_name.empty()) return Error<Err::InvalidInput>("displayName is required.");
  for (char& ch : user.usage_location) ch = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
  if (user.usage_location.size() != 2 || !std::isalpha(static_cast<unsigned char>(user.usage_location[0])) ||
      !std::isalpha(static_cast<unsigned char>(user.usage_location[1])))
    return Error<Err::InvalidInput>("usageLocation must be a two-letter country code.");
  for (const CustomerUser& u : c->users)
    if (!u.deleted && Lowered(u.user_principal_name) == Lowered(upn))
      return Error<Err::InvalidInput>("userPrincipalName " + upn + " is taken by another user of the customer.");
  user.id = random_.Guid();
  user.created = Now();
  user.deleted.reset();
  c->users.push_back(std::move(user));
  Journal(JournalKind::UserCreated, c->index, static_cast<uint32_t>(c->users.size() - 1));
  return &c->users.back();
}

Status Sandbox::DeleteUser(std::string_view customer_id, std::string_view user_id) {
  Customer* c = MutableCustomer(customer_id);
  if (c == nullptr) return Error<Err::CustomerNotFound>(std::string(customer_id));
  for (size_t i = 0; i < c->users.size(); ++i) {
    CustomerUser& u = c->users[i];
    if (u.deleted || Lowered(u.id) != Lowered(user_id)) continue;
    u.deleted = Now();
    Journal(JournalKind::UserDeleted, c->index, static_cast<uint32_t>(i));
    return OkStatus();
  }
  return Error<Err::UserNotFound>(std::string(user_id));
}

}  // namespace pcsim
