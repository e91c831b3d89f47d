#include "simulator/api/graph_exports.h"

#if defined(__linux__)
#include <sys/mman.h>
#endif

#include <algorithm>
#include <charconv>
#include <cstdio>

#include "simulator/api/http_types.h"
#include "simulator/model/seeded_random.h"

namespace pcsim::api {
namespace {

// Keys derived from the seed, one per kind of id or token ("PCSMExpo", "PCSMSign").
constexpr uint64_t kIdKey = 0x504353'4D4578'706FULL;
constexpr uint64_t kSasKey = 0x504353'4D5369'676EULL;

std::string SasMessage(const ExportOperation& op, std::string_view expires) {
  std::string message = "pcsim-sas";
  for (std::string_view part : {std::string_view(op.id), std::string_view(op.partner_tenant_id), expires}) {
    message.push_back('\x1f');
    message.append(part);
  }
  return message;
}

std::string Signature(uint64_t seed, const ExportOperation& op, std::string_view expires) {
  return KeyedDigestHex(MixBits(seed ^ kSasKey), SasMessage(op, expires));
}

}  // namespace

const ExportOperation& BillingExports::Add(ExportOperation op, uint64_t seed) {
  op.id = GuidFromNumber(seed ^ kIdKey, operations_.size() + 1);
  operations_.push_back(std::move(op));
  return operations_.back();
}

const ExportOperation* BillingExports::Find(std::string_view id) const {
  for (const ExportOperation& op : operations_)
    if (op.id == id) return &op;
  return nullptr;
}

const ExportOperation* BillingExports::Find(std::string_view id, std::string_view partner) const {
  const ExportOperation* op = Find(id);
  return op != nullptr && op->partner_tenant_id == partner ? op : nullptr;
}

size_t BillingExports::CountOf(std::string_view partner) const {
  return static_cast<size_t>(std::count_if(operations_.begin(), operations_.end(),
                                           [&](const ExportOperation& op) { return op.partner_tenant_id == partner; }));
}

void BillingExports::HashInto(StateHasher& h) const {
  h.Count(operations_.size());
  for (const ExportOperation& op : operations_) {
    h.Add(op.id);
    h.Add(op.partner_tenant_id);
    h.Add(op.kind);
    h.Add(op.attribute_set);
    h.Add(op.invoice);
    h.Add(op.currency);
    h.Add(op.period);
    h.Add(op.created);
    h.Add(op.ready);
    h.Add(op.failure_code);
    h.Add(op.failure_message);
    h.Count(op.lines.size());
    for (uint32_t line : op.lines) h.Add(line);
    h.Add(op.usage_rows);
    h.Add(op.row_count);
    h.Add(op.rows_per_blob);
  }
}

std::string BlobName(const ExportOperation& op, uint64_t index) {
  char part[16];
  std::snprintf(part, sizeof part, "%05llu", static_cast<unsigned long long>(index));
  return "part-" + std::string(part) + "-" + op.id + ".c000.json.gz";
}

std::optional<uint64_t> BlobIndex(const ExportOperation& op, std::string_view name) {
  constexpr std::string_view kPrefix = "part-";
  if (name.size() < kPrefix.size() + 5 || name.substr(0, kPrefix.size()) != kPrefix) return std::nullopt;
  uint64_t index = 0;
  std::string_view digits = name.substr(kPrefix.size(), 5);
  auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), index);
  if (ec != std::errc() || end != digits.data() + digits.size() || index >= op.blob_count()) return std::nullopt;
  if (BlobName(op, index) != name) return std::nullopt;
  return index;
}

namespace {

// A blob's rows fill hundreds of megabytes page by page; on Linux, asking
// for transparent huge pages takes 512 times fewer page faults to do it.
// Only advice: without it (or elsewhere) the buffer is the same.
void AdviseHugePages(std::string& buffer) {
#if defined(__linux__) && defined(MADV_HUGEPAGE)
  constexpr uintptr_t kHuge = uintptr_t{2} << 20;
  const auto at = reinterpret_cast<uintptr_t>(buffer.data());
  const uintptr_t begin = (at + kHuge - 1) & ~(kHuge - 1), end = (at + buffer.capacity()) & ~(kHuge - 1);
  if (end > begin) (void)madvise(reinterpret_cast<void*>(begin), end - begin, MADV_HUGEPAGE);
#else
  (void)buffer;
#endif
}

}  // namespace

std::string BlobRows(const Sandbox& sandbox, const ExportOperation& op, uint64_t index) {
  const uint64_t begin = index * op.rows_per_blob;
  const uint64_t end = std::min(op.row_count, begin + op.rows_per_blob);
  if (IsUsage(op.kind)) {
    // Rows are lines of text: skip to the blob's first row, take its rows.
    std::string_view rows = op.usage_rows;
    size_t from = 0;
    for (uint64_t i = 0; i < begin; ++i) from = rows.find('\n', from) + 1;
    size_t to = from;
    for (uint64_t i = begin; i < end; ++i) to = rows.find('\n', to) + 1;
    return std::string(rows.substr(from, to - from));
  }
  std::string out;
  out.reserve((end - begin) * 1536);
  AdviseHugePages(out);
  const bool as_unbilled = op.kind == ExportKind::UnbilledReconciliation;
  const std::vector<uint32_t>& lines = as_unbilled ? op.lines : sandbox.ledger().invoices()[op.invoice].lines;
  for (uint64_t i = begin; i < end; ++i)
    AppendReconciliationRow(sandbox, sandbox.ledger().line(lines[i]), op.attribute_set, as_unbilled, out);
  return out;
}

std::string SasToken(uint64_t seed, const ExportOperation& op, Instant expires) {
  auto query_value = [](std::string text) {  // an RFC 3339 instant in a query string
    for (size_t at = text.find(':'); at != std::string::npos; at = text.find(':', at)) text.replace(at, 1, "%3A");
    return text;
  };
  const std::string se = expires.ToString();
  return "skoid=" + op.id + "&sktid=" + PercentEncode(op.partner_tenant_id) + "&sv=2021-08-06&sr=d&sp=rl&sdd=1&st=" +
         query_value(op.ready.ToString()) + "&se=" + query_value(se) + "&sig=" + Signature(seed, op, se);
}

SasCheck CheckSas(uint64_t seed, const ExportOperation& op, std::optional<std::string> se,
                  std::optional<std::string> sig, Instant now) {
  if (!se || !sig || se->empty() || sig->empty()) return SasCheck::Missing;
  if (*sig != Signature(seed, op, *se)) return SasCheck::Forged;
  auto expires = Instant::Parse(*se);
  if (!expires) return SasCheck::Forged;
  return now < *expires ? SasCheck::Valid : SasCheck::Expired;
}

}  // namespace pcsim::api
