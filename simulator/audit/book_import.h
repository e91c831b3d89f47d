// pcsim book import: a book (simulator/commerce/book.h) rebuilt at an
// instant from reconciliation rows (recon_input.h). What the rows say is
// taken from them: the customers (id, name, domain, country), each
// subscription's offer, seats (the latest charge's quantity), term and
// billing plan (TermAndBillingCycle, the charge periods), term dates
// (SubscriptionStartDate/EndDate), unit price and promotion, the resellers
// (Tier2MpnId). What they cannot say (auto-renew, a term-end action, the
// friendly name, a suspension...) is chosen and written into
// Book::assumptions, one line per choice with the record it concerns: an
// import never guesses silently. docs/reconcile.md describes each choice.
#pragma once

#include "simulator/audit/recon_input.h"
#include "simulator/commerce/book.h"
#include "simulator/policy/policy.h"

namespace pcsim::audit {

// The book at `as_of` that the rows (read with ReconNeeds::kImport) describe.
// Rows whose OrderDate is after as_of's day are not part of it. A
// subscription whose latest charge cancels it, or whose term ended before
// as_of without a later charge, is left out (an assumption says so). The
// book is then checked by loading it (Sandbox::FromBook): 400 800002 naming
// the row behind a record for an unknown offer, seats out of range, dates
// that do not hold as_of.
StatusOr<Book> ImportBook(const ReconInput& input, const Interner& texts, Instant as_of, const Policy& policy);

}  // namespace pcsim::audit
