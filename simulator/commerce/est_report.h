// The EST audit download (docs/decisions.md, section 9, from
// est.auditDownloadFrom): one CSV row per live subscription with its term
// end, auto-renew, scheduled action, eligibility, projected end-of-term
// outcome and projected EST price, ordered by term end. With
// `compare_to_renewal`, the cost of renewing for a new term instead.
#pragma once

#include <string>

#include "simulator/commerce/sandbox.h"

namespace pcsim {

// Refused (400 800002) before the policy's audit download date.
StatusOr<std::string> EstAuditCsv(const Sandbox& sandbox, bool compare_to_renewal);

}  // namespace pcsim
