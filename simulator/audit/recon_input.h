// Reconciliation rows as a partner holds them: Graph billed or unbilled
// reconciliation v2 rows (JSON lines, gzip or plain, as pcsim's own export
// blobs write them) and the new-commerce invoice reconciliation CSV
// ("Learn how to read new commerce invoice reconciliation files in Partner
// Center"). Both read into the same compact rows: text values are interned
// once, money is exact decimals, dates are days. `pcsim book import` and
// `pcsim reconcile` read their files here; a bad file is one error naming the
// file, the line (JSON) or row (CSV), and the reason.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "simulator/clock/time.h"
#include "simulator/commerce/commerce_types.h"
#include "simulator/model/status.h"
#include "simulator/money/decimal.h"

namespace pcsim::audit {

// The columns of the reconciliation CSV, in the file's order: pcsim's
// reconciliation row attributes (api::ExportColumns, full set) with the
// reseller's column under the name downloaded files give it (Tier2MpnId for
// the v2 attribute ResellerMpnId), then ProductCategory, which the v2 rows
// do not carry. 47 names.
const std::vector<std::string_view>& ReconCsvColumns();

// Text values, each stored once; id 0 is the empty text.
class Interner {
 public:
  Interner();
  uint32_t Intern(std::string_view text);
  std::string_view Text(uint32_t id) const { return texts_[id]; }
  size_t size() const { return texts_.size(); }

 private:
  struct Hash {
    size_t operator()(std::string_view s) const noexcept;
  };
  std::vector<std::unique_ptr<char[]>> chunks_;
  size_t chunk_used_ = 0, chunk_size_ = 0;
  std::vector<std::string_view> texts_;
  std::unordered_map<std::string_view, uint32_t, Hash> index_;
};

// A charge type as the matching keys compare it: one of pcsim's (case does
// not matter), or another text (then kOtherChargeType + its lower-case text's id).
inline constexpr uint32_t kOtherChargeType = 1000;

// One reconciliation row. Text fields are Interner ids.
struct ReconRow {
  uint32_t file = 0;  // index into ReconInput::files
  uint32_t line = 0;  // JSON line or CSV record (the header is record 1)
  uint32_t partner = 0, customer = 0, customer_name = 0, domain = 0, country = 0, invoice = 0, reseller = 0;
  uint32_t order_id = 0, product = 0, sku = 0, availability = 0, sku_name = 0, charge_type_text = 0;
  uint32_t currency = 0, subscription = 0, term_text = 0, promotion = 0;
  uint32_t charge_type = 0;  // ChargeType value, or kOtherChargeType + id
  Date order_date, charge_start, charge_end, subscription_start, subscription_end;
  bool has_subscription_dates = false;
  int64_t quantity = 0;
  Decimal unit_price, effective_unit_price, subtotal, total;
};

// Which columns a reader insists on.
enum class ReconNeeds : uint8_t {
  kReconcile,  // the matching keys and the amounts
  kImport,     // also the customer, the offer, the term and the subscription dates
};

struct ReconInput {
  std::vector<std::string> files;
  std::vector<ReconRow> rows;
  std::string Where(const ReconRow& row) const;  // "FILE:12" (JSON) or "FILE:row 12" (CSV)
  std::vector<bool> csv;                         // per file
};

// Reads one file (a CSV when its first line holds the CSV header, else JSON
// lines; gzip when it starts with the gzip magic) into `input`, interning into
// `texts`. 400 800002 "FILE:LINE: reason" (or "FILE:row N: reason") for a
// missing column, a row with a field count other than the header's (a
// truncated line), a truncated gzip stream, malformed JSON, a bad date, a
// decimal or number that is not exact, negative seats, a charge or
// subscription end before its start.
Status ReadReconFile(const std::string& path, ReconNeeds needs, Interner& texts, ReconInput& input);
// The same for text already in memory (`name` names it in messages).
Status ReadReconText(std::string_view text, const std::string& name, ReconNeeds needs, Interner& texts,
                     ReconInput& input);

// What the rows must hold together: one currency per customer's invoice,
// each subscription under one customer. The first row that breaks it is the
// error (file:line and reason).
Status CheckReconRows(const ReconInput& input, const Interner& texts);

// Parses a reconciliation date: M/D/YYYY (the CSV), YYYY-MM-DD, either
// followed by a time ("T00:00:00Z", " 12:00:00 AM").
std::optional<Date> ParseReconDate(std::string_view text);
// An exact decimal as the files write it: "12.5", "-3", an Excel guard
// apostrophe before it, an exponent ("0E-20").
std::optional<Decimal> ParseReconDecimal(std::string_view text);

// pcsim's own reconciliation rows (JSON lines) as the CSV: the header, then
// one record per row, the v2 attribute values in the CSV's columns, dates as
// M/D/YYYY, ProductCategory "OnlineServices". For tests and the benchmark's
// generator: files made by pcsim's renderers.
Status AppendReconCsvHeader(std::string& out);
Status AppendReconCsvRows(std::string_view json_lines, std::string& out);

}  // namespace pcsim::audit
