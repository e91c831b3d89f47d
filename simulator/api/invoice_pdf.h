// The invoice statement (Get invoice statement:
// GET /v1/invoices/{id}/documents/statement): a PDF made with libharu.
#pragma once

#include <string>

#include "simulator/commerce/sandbox.h"

namespace pcsim::api {

// The invoice `inv` as a PDF: its id, dates, partner and currency, its charges
// summed by SKU and charge type (quantity and amount, exact), and its total,
// paid amount and balance due. The charge lines themselves are in the line
// items and the reconciliation export, which the statement names. Pages of at
// most `rows_per_page` rows, each "Page n of m". The same invoice always
// gives the same bytes (no creation date, no random id).
inline constexpr int kStatementRowsPerPage = 40;
std::string InvoiceStatementPdf(const Sandbox& sandbox, const Invoice& inv, int rows_per_page = kStatementRowsPerPage);

}  // namespace pcsim::api
