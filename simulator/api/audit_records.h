// The activity log: Partner Center's AuditRecord resources ("Get a record of
// Partner Center activity", "Auditing resources"), derived from the
// sandbox's event journal, the one record of every change. A record is
// rendered when it is read, from what its journal entry holds (kind, subject,
// detail, instant and the partner request that made it); nothing is stored
// per record. docs/activity-log.md describes the records.
//
//   GET /v1/auditrecords?startDate=&endDate=&filter=&size=   a page, oldest first
//   GET /v1/auditrecords/{id}                                 one record (pcsim's addition)
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

#include "simulator/api/json_support.h"
#include "simulator/commerce/sandbox.h"

namespace pcsim::api {

class RouteTable;

// The documented resourceType and operationType an entry is audited as.
struct AuditOperation {
  std::string_view resource_type;   // "subscription", "order", "customer", "agreement", "invoice"
  std::string_view operation_type;  // "update_subscription", "create_order", ...
};
// nullopt for the kinds that have no record of their own: a charge, the start
// of a charge cycle, and a purchase (its order's create_order record lists it).
std::optional<AuditOperation> AuditOperationOf(JournalKind kind);

// The id of the record of journal entry `journal_index`:
// "{partnerId}_{customerId}_{operationType without underscores}_{ticks}_{journal_index}",
// ticks being the entry's instant in .NET ticks (100 ns since 0001-01-01) and
// the customer id empty for an invoice. Stable: the same entry has the same id
// after a replay or a restart from a state dir. Empty when the entry has no
// record or does not exist.
std::string AuditRecordId(const Sandbox& sandbox, size_t journal_index);

// The AuditRecord of entry `journal_index`, which must have one.
Json AuditRecordJson(const Sandbox& sandbox, size_t journal_index);

// The journal index an id names, if it is the id of an existing record.
std::optional<size_t> JournalIndexOfAuditRecord(const Sandbox& sandbox, std::string_view id);

void RegisterAuditRoutes(RouteTable& table);

}  // namespace pcsim::api
