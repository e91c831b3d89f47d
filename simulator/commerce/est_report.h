// The EST audit download (docs/decisions.md, section 9, from
// est.auditDownloadFrom): one CSV row per live subscription with its term
// end, auto-renew, scheduled action, eligibility, projected end-of-term
// outcome and projected EST price, ordered by term end. With
// `compare_to_renewal`, the cost of renewing for a new term instead.
#pragma once

#include <optional>
#include <string>

#include "simulator/commerce/sandbox.h"

namespace pcsim {

// What renewing `sub` at its term end instead of EST costs per seat per
// month: the list price of its term and billing plan (those before EST, when
// in EST) on the renewal day, per month of the billing period, rounded half
// up to the cent; nullopt when the price list has none. The audit download
// and `pcsim audit` compare EST with it.
std::optional<Decimal> RenewalPricePerSeatPerMonth(const Sandbox& sandbox, const Subscription& sub);

// Refused (400 800002) before the policy's audit download date.
StatusOr<std::string> EstAuditCsv(const Sandbox& sandbox, bool compare_to_renewal);

}  // namespace pcsim
