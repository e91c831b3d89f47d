// Reading reconciliation rows (recon_input.h): one row builder fed by two
// readers, the CSV (libcsv, csv_reader.h) and JSON lines (a flat-object
// scanner: the rows are flat objects of strings, numbers and arrays, and a
// million of them must read in seconds, so no JSON document is built).
#include "simulator/audit/recon_input.h"

#include <simdjson.h>

#include <algorithm>
#include <array>
#include <charconv>
#include <cstring>
#include <fstream>
#include <sstream>
#include <unordered_set>

#include "simulator/api/compression.h"
#include "simulator/api/recon_rows.h"
#include "simulator/audit/csv_reader.h"
#include "simulator/model/csv.h"
#include "simulator/model/errors.h"

namespace pcsim::audit {
namespace {

// The columns the readers keep, by their CSV names.
#define PCSIM_RECON_FIELDS(X)                                                                                  \
  X(PartnerId) X(CustomerId) X(CustomerName) X(CustomerDomainName) X(CustomerCountry) X(InvoiceNumber)          \
  X(Tier2MpnId) X(OrderId) X(OrderDate) X(ProductId) X(SkuId) X(AvailabilityId) X(SkuName) X(ChargeType)       \
  X(UnitPrice) X(Quantity) X(Subtotal) X(Total) X(Currency) X(SubscriptionId) X(ChargeStartDate)                \
  X(ChargeEndDate) X(TermAndBillingCycle) X(EffectiveUnitPrice) X(SubscriptionStartDate) X(SubscriptionEndDate) \
  X(PromotionId)

enum Field : uint8_t {
#define PCSIM_ENUM(name) k##name,
  PCSIM_RECON_FIELDS(PCSIM_ENUM)
#undef PCSIM_ENUM
  kFieldCount
};

constexpr std::array<std::string_view, kFieldCount> kFieldNames = {
#define PCSIM_NAME(name) #name,
    PCSIM_RECON_FIELDS(PCSIM_NAME)
#undef PCSIM_NAME
};

constexpr Field kReconcileFields[] = {kCustomerId,      kInvoiceNumber,  kOrderDate,     kChargeType,
                                      kUnitPrice,       kQuantity,       kSubtotal,      kTotal,
                                      kCurrency,        kSubscriptionId, kChargeStartDate, kChargeEndDate,
                                      kEffectiveUnitPrice};
constexpr Field kImportFields[] = {kCustomerName,         kCustomerDomainName,  kCustomerCountry,
                                   kProductId,            kSkuId,               kAvailabilityId,
                                   kTermAndBillingCycle,  kSubscriptionStartDate, kSubscriptionEndDate};

constexpr uint8_t kNotKept = 0xFF;

// A column name's field, or kNotKept. The v2 rows call the reseller's
// column ResellerMpnId.
uint8_t FieldOf(std::string_view name) {
  if (name == "ResellerMpnId") return kTier2MpnId;
  for (size_t i = 0; i < kFieldNames.size(); ++i)
    if (kFieldNames[i] == name) return static_cast<uint8_t>(i);
  return kNotKept;
}

std::vector<Field> Required(ReconNeeds needs) {
  std::vector<Field> out;
  out.reserve(std::size(kReconcileFields) + std::size(kImportFields));
  for (Field f : kReconcileFields) out.push_back(f);
  if (needs == ReconNeeds::kImport)
    for (Field f : kImportFields) out.push_back(f);
  return out;
}

Status Bad(const std::string& where, const std::string& reason) {
  return Error<Err::InvalidInput>(where + ": " + reason);
}

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

bool ParseInt(std::string_view s, int& out) {
  if (s.empty()) return false;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
  return ec == std::errc() && p == s.data() + s.size();
}

// Turns the values of one row into a ReconRow, interning its texts; a text
// equal to the column's previous one skips the hash lookup.
class RowBuilder {
 public:
  RowBuilder(Interner& texts, ReconInput& input, uint32_t file, std::string where_prefix, bool csv)
      : texts_(texts), input_(input), file_(file), prefix_(std::move(where_prefix)), csv_(csv) {}

  std::string Where(size_t line) const {
    return prefix_ + (csv_ ? ":row " : ":") + std::to_string(line);
  }

  Status Add(size_t line, const std::array<std::string_view, kFieldCount>& v) {
    ReconRow r;
    r.file = file_;
    r.line = static_cast<uint32_t>(line);
    r.partner = Text(kPartnerId, v);
    r.customer = Text(kCustomerId, v);
    r.customer_name = Text(kCustomerName, v);
    r.domain = Text(kCustomerDomainName, v);
    r.country = Text(kCustomerCountry, v);
    r.invoice = Text(kInvoiceNumber, v);
    r.reseller = Text(kTier2MpnId, v);
    r.order_id = Text(kOrderId, v);
    r.product = Text(kProductId, v);
    r.sku = Text(kSkuId, v);
    r.availability = Text(kAvailabilityId, v);
    r.sku_name = Text(kSkuName, v);
    r.charge_type_text = Text(kChargeType, v);
    r.currency = Text(kCurrency, v);
    r.subscription = Text(kSubscriptionId, v);
    r.term_text = Text(kTermAndBillingCycle, v);
    r.promotion = Text(kPromotionId, v);
    if (v[kSubscriptionId].empty()) return Bad(Where(line), "SubscriptionId is empty");
    if (v[kCustomerId].empty()) return Bad(Where(line), "CustomerId is empty");
    if (auto t = pcsim::ParseChargeType(v[kChargeType])) {
      r.charge_type = static_cast<uint32_t>(*t);
    } else if (!v[kChargeType].empty()) {
      r.charge_type = kOtherChargeType + texts_.Intern(Lower(v[kChargeType]));
    } else {
      return Bad(Where(line), "ChargeType is empty");
    }
    PCSIM_RETURN_IF_ERROR(DateOf(line, kOrderDate, v, r.order_date, true));
    PCSIM_RETURN_IF_ERROR(DateOf(line, kChargeStartDate, v, r.charge_start, true));
    PCSIM_RETURN_IF_ERROR(DateOf(line, kChargeEndDate, v, r.charge_end, true));
    if (r.charge_end < r.charge_start)
      return Bad(Where(line), "ChargeEndDate " + r.charge_end.ToString() + " is before ChargeStartDate " +
                                  r.charge_start.ToString());
    if (!v[kSubscriptionStartDate].empty() || !v[kSubscriptionEndDate].empty()) {
      PCSIM_RETURN_IF_ERROR(DateOf(line, kSubscriptionStartDate, v, r.subscription_start, true));
      PCSIM_RETURN_IF_ERROR(DateOf(line, kSubscriptionEndDate, v, r.subscription_end, true));
      if (r.subscription_end < r.subscription_start)
        return Bad(Where(line), "SubscriptionEndDate " + r.subscription_end.ToString() +
                                    " is before SubscriptionStartDate " + r.subscription_start.ToString());
      r.has_subscription_dates = true;
    }
    auto quantity = ParseReconDecimal(v[kQuantity]);
    if (!quantity || quantity->Normalized().scale() != 0)
      return Bad(Where(line), "Quantity \"" + std::string(v[kQuantity]) + "\" is not a whole number");
    if (quantity->IsNegative())
      return Bad(Where(line), "Quantity " + quantity->ToString() + " is negative (seats cannot be)");
    r.quantity = quantity->Normalized().units();
    PCSIM_RETURN_IF_ERROR(MoneyOf(line, kUnitPrice, v, r.unit_price));
    PCSIM_RETURN_IF_ERROR(MoneyOf(line, kEffectiveUnitPrice, v, r.effective_unit_price));
    PCSIM_RETURN_IF_ERROR(MoneyOf(line, kSubtotal, v, r.subtotal));
    if (v[kTotal].empty()) {
      r.total = r.subtotal;
    } else {
      PCSIM_RETURN_IF_ERROR(MoneyOf(line, kTotal, v, r.total));
    }
    input_.rows.push_back(r);
    return OkStatus();
  }

 private:
  uint32_t Text(Field f, const std::array<std::string_view, kFieldCount>& v) {
    std::string_view s = v[f];
    if (s.empty()) return 0;
    if (last_id_[f] != 0 && last_[f] == s) return last_id_[f];
    uint32_t id = texts_.Intern(s);
    last_[f] = texts_.Text(id);
    last_id_[f] = id;
    return id;
  }
  Status DateOf(size_t line, Field f, const std::array<std::string_view, kFieldCount>& v, Date& out, bool required) {
    std::string_view s = v[f];
    if (s.empty() && !required) return OkStatus();
    auto d = ParseReconDate(s);
    if (!d) return Bad(Where(line), std::string(kFieldNames[f]) + " \"" + std::string(s) + "\" is not a date");
    out = *d;
    return OkStatus();
  }
  Status MoneyOf(size_t line, Field f, const std::array<std::string_view, kFieldCount>& v, Decimal& out) {
    auto d = ParseReconDecimal(v[f]);
    if (!d)
      return Bad(Where(line),
                 std::string(kFieldNames[f]) + " \"" + std::string(v[f]) + "\" is not an exact decimal");
    out = *d;
    return OkStatus();
  }

  Interner& texts_;
  ReconInput& input_;
  uint32_t file_;
  std::string prefix_;
  bool csv_;
  std::array<std::string_view, kFieldCount> last_{};
  std::array<uint32_t, kFieldCount> last_id_{};
};

// --- CSV ---------------------------------------------------------------------------

Status ReadCsvRows(std::string_view text, const std::string& name, ReconNeeds needs, RowBuilder& builder) {
  std::vector<uint8_t> column_field;  // per CSV column
  size_t columns = 0;
  Status failure = OkStatus();
  std::array<std::string_view, kFieldCount> values{};
  Status read = ReadCsv(text, [&](size_t record, const std::vector<std::string_view>& fields) {
    if (record == 1) {
      columns = fields.size();
      std::array<bool, kFieldCount> seen{};
      for (std::string_view f : fields) {
        uint8_t field = FieldOf(f);
        column_field.push_back(field);
        if (field != kNotKept) {
          if (seen[field]) {
            failure = Bad(builder.Where(record), "column " + std::string(f) + " appears twice");
            return false;
          }
          seen[field] = true;
        }
      }
      for (Field f : Required(needs))
        if (!seen[f]) {
          failure = Bad(builder.Where(record), "the header has no column " + std::string(kFieldNames[f]));
          return false;
        }
      return true;
    }
    if (fields.size() == 1 && fields[0].empty()) return true;  // a blank line
    if (fields.size() != columns) {
      failure = Bad(builder.Where(record), "the record has " + std::to_string(fields.size()) +
                                               " fields, the header " + std::to_string(columns) +
                                               " (a truncated or broken line)");
      return false;
    }
    for (size_t i = 0; i < fields.size(); ++i)
      if (column_field[i] != kNotKept) values[column_field[i]] = fields[i];
    failure = builder.Add(record, values);
    return failure.ok();
  });
  if (!read.ok()) return Bad(name, read.description());
  if (!failure.ok()) return failure;
  if (columns == 0) return Bad(name + ":row 1", "the file is empty (no header)");
  return OkStatus();
}

// --- JSON lines ------------------------------------------------------------------------

// Reads one row, a flat JSON object, with simdjson and calls
// member(key, value, is_string) for each member: strings unescaped, numbers
// as their text (money stays exact), arrays and objects as their JSON text,
// null as an empty view. Views are valid until the next row. Returns "" or
// why the row is not a complete JSON object.
class JsonRowScanner {
 public:
  template <typename Member>
  std::string Scan(std::string_view row, Member&& member) {
    padded_.assign(row);
    padded_.append(simdjson::SIMDJSON_PADDING, '\0');
    simdjson::ondemand::document doc;
    if (auto e = parser_.iterate(padded_.data(), row.size(), padded_.size()).get(doc)) return simdjson::error_message(e);
    simdjson::ondemand::object object;
    if (doc.get_object().get(object)) return "not a JSON object";
    for (auto field : object) {
      std::string_view key, value;
      if (auto e = field.unescaped_key().get(key)) return simdjson::error_message(e);
      simdjson::ondemand::value v;
      simdjson::ondemand::json_type type;
      if (auto e = field.value().get(v)) return simdjson::error_message(e);
      if (auto e = v.type().get(type)) return simdjson::error_message(e);
      bool is_string = false;
      switch (type) {
        case simdjson::ondemand::json_type::string:
          if (auto e = v.get_string().get(value)) return simdjson::error_message(e);
          is_string = true;
          break;
        case simdjson::ondemand::json_type::array:
        case simdjson::ondemand::json_type::object:
          if (auto e = simdjson::to_json_string(v).get(value)) return simdjson::error_message(e);
          break;
        case simdjson::ondemand::json_type::null:
          if (auto e = v.is_null().error()) return simdjson::error_message(e);
          break;
        default:
          value = v.raw_json_token();
          while (!value.empty() && (value.back() == ' ' || value.back() == '\t' || value.back() == '\r'))
            value.remove_suffix(1);
          if (value.empty()) return "a value is missing";
      }
      member(key, value, is_string);
    }
    // Past the object there is nothing left to read: a location is an error.
    if (const char* rest = nullptr; !doc.current_location().get(rest)) return "text after the object";
    return std::string();
  }

 private:
  simdjson::ondemand::parser parser_;
  std::string padded_;  // the row, with the padding simdjson reads past its end
};

Status ReadJsonRows(std::string_view text, ReconNeeds needs, RowBuilder& builder) {
  JsonRowScanner json;
  std::array<std::string_view, kFieldCount> values{};
  std::array<bool, kFieldCount> seen{};
  const std::vector<Field> required = Required(needs);
  size_t line = 0;
  size_t at = 0;
  while (at < text.size()) {
    size_t nl = text.find('\n', at);
    bool last = nl == std::string_view::npos;
    std::string_view row = text.substr(at, last ? std::string_view::npos : nl - at);
    at = last ? text.size() : nl + 1;
    ++line;
    if (row.find_first_not_of(" \t\r") == std::string_view::npos) continue;
    values.fill(std::string_view());
    seen.fill(false);
    std::string why = json.Scan(row, [&](std::string_view key, std::string_view value, bool) {
      uint8_t f = FieldOf(key);
      if (f == kNotKept) return;
      seen[f] = true;
      values[f] = value;
    });
    if (!why.empty()) return Bad(builder.Where(line), "not a complete JSON object (" + why + ")");
    for (Field f : required)
      if (!seen[f]) return Bad(builder.Where(line), "the row has no " + std::string(kFieldNames[f]));
    PCSIM_RETURN_IF_ERROR(builder.Add(line, values));
  }
  return OkStatus();
}

bool LooksLikeCsv(std::string_view text) {
  if (text.substr(0, 3) == "\xEF\xBB\xBF") text.remove_prefix(3);
  size_t i = text.find_first_not_of(" \t\r\n");
  return i != std::string_view::npos && text[i] != '{';
}

}  // namespace

const std::vector<std::string_view>& ReconCsvColumns() {
  static const std::vector<std::string_view> columns = [] {
    std::vector<std::string_view> c = api::ExportColumns(api::ExportKind::BilledReconciliation, api::AttributeSet::Full);
    for (auto& name : c)
      if (name == "ResellerMpnId") name = "Tier2MpnId";
    c.push_back("ProductCategory");
    return c;
  }();
  return columns;
}

size_t Interner::Hash::operator()(std::string_view s) const noexcept {
  // FNV-1a over 8-byte words: ids and names are short.
  uint64_t h = 1469598103934665603ull ^ s.size();
  size_t i = 0;
  for (; i + 8 <= s.size(); i += 8) {
    uint64_t w;
    std::memcpy(&w, s.data() + i, 8);
    h = (h ^ w) * 1099511628211ull;
    h ^= h >> 29;
  }
  for (; i < s.size(); ++i) h = (h ^ static_cast<unsigned char>(s[i])) * 1099511628211ull;
  return static_cast<size_t>(h ^ (h >> 32));
}

Interner::Interner() {
  texts_.emplace_back();
  index_.emplace(std::string_view(), 0);
}

uint32_t Interner::Intern(std::string_view text) {
  auto it = index_.find(text);
  if (it != index_.end()) return it->second;
  if (chunk_used_ + text.size() > chunk_size_) {
    chunk_size_ = std::max<size_t>(size_t{1} << 20, text.size());
    chunks_.push_back(std::make_unique<char[]>(chunk_size_));
    chunk_used_ = 0;
  }
  char* at = chunks_.back().get() + chunk_used_;
  if (!text.empty()) std::memcpy(at, text.data(), text.size());
  chunk_used_ += text.size();
  std::string_view stored(at, text.size());
  auto id = static_cast<uint32_t>(texts_.size());
  texts_.push_back(stored);
  index_.emplace(stored, id);
  return id;
}

std::string ReconInput::Where(const ReconRow& row) const {
  return files[row.file] + (csv[row.file] ? ":row " : ":") + std::to_string(row.line);
}

std::optional<Date> ParseReconDate(std::string_view s) {
  size_t cut = s.find_first_of("T ");
  std::string_view day = s.substr(0, cut);
  if (day.find('/') != std::string_view::npos) {
    size_t a = day.find('/'), b = day.find('/', a + 1);
    if (b == std::string_view::npos) return std::nullopt;
    int m = 0, d = 0, y = 0;
    if (!ParseInt(day.substr(0, a), m) || !ParseInt(day.substr(a + 1, b - a - 1), d) ||
        !ParseInt(day.substr(b + 1), y) || day.size() - b - 1 != 4)
      return std::nullopt;
    return Date::FromYmd(y, m, d);
  }
  return Date::Parse(day);
}

std::optional<Decimal> ParseReconDecimal(std::string_view s) {
  if (!s.empty() && s.front() == '\'') s.remove_prefix(1);
  size_t e = s.find_first_of("eE");
  if (e == std::string_view::npos) return Decimal::Parse(s);
  auto mantissa = Decimal::Parse(s.substr(0, e));
  std::string_view exp_text = s.substr(e + 1);
  if (!exp_text.empty() && exp_text.front() == '+') exp_text.remove_prefix(1);
  int exponent = 0;
  if (!mantissa || !ParseInt(exp_text, exponent)) return std::nullopt;
  if (mantissa->IsZero()) return Decimal();
  int64_t units = mantissa->units();
  int scale = mantissa->scale() - exponent;
  while (scale < 0) {
    if (units > INT64_MAX / 10 || units < INT64_MIN / 10) return std::nullopt;
    units *= 10;
    ++scale;
  }
  if (scale > Decimal::kMaxScale) return std::nullopt;
  return Decimal::FromUnits(units, scale);
}

Status ReadReconText(std::string_view text, const std::string& name, ReconNeeds needs, Interner& texts,
                     ReconInput& input) {
  auto file = static_cast<uint32_t>(input.files.size());
  bool csv = LooksLikeCsv(text);
  input.files.push_back(name);
  input.csv.push_back(csv);
  RowBuilder builder(texts, input, file, name, csv);
  return csv ? ReadCsvRows(text, name, needs, builder) : ReadJsonRows(text, needs, builder);
}

Status ReadReconFile(const std::string& path, ReconNeeds needs, Interner& texts, ReconInput& input) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Error<Err::InvalidInput>(path + ": cannot be read");
  in.seekg(0, std::ios::end);
  auto size = static_cast<size_t>(in.tellg());
  in.seekg(0);
  std::string data(size, '\0');
  if (size > 0 && !in.read(data.data(), static_cast<std::streamsize>(size)))
    return Error<Err::InvalidInput>(path + ": cannot be read");
  if (data.size() >= 2 && static_cast<unsigned char>(data[0]) == 0x1f && static_cast<unsigned char>(data[1]) == 0x8b) {
    auto plain = api::Gunzip(data, size_t{16} << 30);
    if (!plain.ok()) return Error<Err::InvalidInput>(path + ": not a complete gzip stream (" +
                                                     plain.status().description() + ")");
    data = std::move(*plain);
  }
  return ReadReconText(data, path, needs, texts, input);
}

Status CheckReconRows(const ReconInput& input, const Interner& texts) {
  struct Seen {
    uint32_t value;
    size_t row;
  };
  std::unordered_map<uint64_t, Seen> currency_of_invoice;  // customer << 32 | invoice
  std::unordered_map<uint32_t, Seen> customer_of_subscription;
  std::unordered_map<uint32_t, Seen> customer_of_domain;
  for (size_t i = 0; i < input.rows.size(); ++i) {
    const ReconRow& r = input.rows[i];
    auto [cur, fresh] = currency_of_invoice.try_emplace(uint64_t{r.customer} << 32 | r.invoice, Seen{r.currency, i});
    if (!fresh && cur->second.value != r.currency)
      return Bad(input.Where(r), "Currency " + std::string(texts.Text(r.currency)) + " differs from " +
                                     std::string(texts.Text(cur->second.value)) + " (" +
                                     input.Where(input.rows[cur->second.row]) + ") within customer " +
                                     std::string(texts.Text(r.customer)) + "'s invoice " +
                                     std::string(texts.Text(r.invoice)));
    auto [sub, fresh_sub] = customer_of_subscription.try_emplace(r.subscription, Seen{r.customer, i});
    if (!fresh_sub && sub->second.value != r.customer)
      return Bad(input.Where(r), "subscription " + std::string(texts.Text(r.subscription)) +
                                     " appears under customer " + std::string(texts.Text(r.customer)) + " and " +
                                     std::string(texts.Text(sub->second.value)) + " (" +
                                     input.Where(input.rows[sub->second.row]) + "): a duplicate id");
    if (r.domain != 0) {
      auto [dom, fresh_dom] = customer_of_domain.try_emplace(r.domain, Seen{r.customer, i});
      if (!fresh_dom && dom->second.value != r.customer)
        return Bad(input.Where(r), "domain " + std::string(texts.Text(r.domain)) + " belongs to customer " +
                                       std::string(texts.Text(r.customer)) + " and " +
                                       std::string(texts.Text(dom->second.value)) + " (" +
                                       input.Where(input.rows[dom->second.row]) + "): a duplicate id");
    }
  }
  return OkStatus();
}

// --- pcsim's rows as the CSV ---------------------------------------------------------

namespace {

// "2026-01-15T00:00:00Z" as 1/15/2026; other text as it is.
void AppendCsvValue(std::string& out, std::string_view key, std::string_view v) {
  if (key.size() > 4 && key.substr(key.size() - 4) == "Date" && !v.empty()) {
    if (auto d = ParseReconDate(v)) {
      std::string iso = d->ToString();
      int y = 0, m = 0, dd = 0;
      ParseInt(std::string_view(iso).substr(0, 4), y);
      ParseInt(std::string_view(iso).substr(5, 2), m);
      ParseInt(std::string_view(iso).substr(8, 2), dd);
      out += std::to_string(m);
      out.push_back('/');
      out += std::to_string(dd);
      out.push_back('/');
      out += std::to_string(y);
      return;
    }
  }
  out += pcsim::CsvField(v);
}

}  // namespace

Status AppendReconCsvHeader(std::string& out) {
  const auto& columns = ReconCsvColumns();
  for (size_t i = 0; i < columns.size(); ++i) {
    if (i) out.push_back(',');
    out += columns[i];
  }
  out += "\r\n";
  return OkStatus();
}

Status AppendReconCsvRows(std::string_view json_lines, std::string& out) {
  const auto& columns = ReconCsvColumns();
  std::vector<std::string> values(columns.size());
  JsonRowScanner json;
  size_t at = 0, line = 0;
  while (at < json_lines.size()) {
    size_t nl = json_lines.find('\n', at);
    std::string_view row = json_lines.substr(at, nl == std::string_view::npos ? std::string_view::npos : nl - at);
    at = nl == std::string_view::npos ? json_lines.size() : nl + 1;
    ++line;
    if (row.empty()) continue;
    for (auto& v : values) v.clear();
    std::string why = json.Scan(row, [&](std::string_view key, std::string_view value, bool) {
      if (key == "ResellerMpnId") key = "Tier2MpnId";
      for (size_t i = 0; i < columns.size(); ++i)
        if (columns[i] == key) {
          values[i].assign(value);
          return;
        }
    });
    if (!why.empty()) return Bad("rows:" + std::to_string(line), why);
    values.back() = "OnlineServices";
    for (size_t i = 0; i < columns.size(); ++i) {
      if (i) out.push_back(',');
      AppendCsvValue(out, columns[i], values[i]);
    }
    out += "\r\n";
  }
  return OkStatus();
}

}  // namespace pcsim::audit
