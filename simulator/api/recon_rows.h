// The rows of Microsoft Graph's partner billing exports (docs/graph-billing.md):
// one JSON object per charge line (billed and unbilled reconciliation) or
// per day of rated Azure usage (billed and unbilled usage), written as JSON
// lines. Keys are the documented attribute names, in PascalCase, and the
// attribute set (full or basic) chooses which are written. Every value is the
// one the v1 line item of the same charge carries (resources.cc,
// azure_routes.cc); money is written as exact decimal numbers.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "simulator/commerce/sandbox.h"

namespace pcsim::api {

enum class ExportKind : uint8_t { BilledReconciliation, UnbilledReconciliation, BilledUsage, UnbilledUsage };
enum class AttributeSet : uint8_t { Full, Basic };

std::string_view ToString(AttributeSet set);  // "full", "basic"
bool IsUsage(ExportKind kind);

// The attribute names of a row of `kind` in `set`, in the order rows write them.
std::vector<std::string_view> ExportColumns(ExportKind kind, AttributeSet set);

// Appends one reconciliation row and a newline to `out`. `as_unbilled`
// writes the line as it was before an invoice took it (no InvoiceNumber, no
// BillingFrequency), which is what an unbilled export taken then shows.
void AppendReconciliationRow(const Sandbox& sandbox, const ChargeLine& line, AttributeSet set, bool as_unbilled,
                             std::string& out);
// Appends one usage row and a newline to `out`.
void AppendUsageRow(const Sandbox& sandbox, const UsageLine& line, AttributeSet set, std::string& out);

}  // namespace pcsim::api
