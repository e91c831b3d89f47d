#include "simulator/model/csv.h"

namespace pcsim {
namespace {

constexpr std::string_view kRecordEnd = "\r\n";

void AppendField(std::string& out, std::string_view value) {
  if (value.find_first_of(",\"\r\n") == std::string_view::npos) {
    out.append(value);
    return;
  }
  out += '"';
  for (char c : value) {
    if (c == '"') out += '"';
    out += c;
  }
  out += '"';
}

template <typename Fields>
void AppendRow(std::string& out, const Fields& fields) {
  bool first = true;
  for (const auto& field : fields) {
    if (!first) out += ',';
    first = false;
    AppendField(out, field);
  }
  out.append(kRecordEnd);
}

}  // namespace

std::string CsvField(std::string_view value) {
  std::string out;
  AppendField(out, value);
  return out;
}

void AppendCsvRow(std::string& out, std::span<const std::string> fields) { AppendRow(out, fields); }

void AppendCsvRow(std::string& out, std::initializer_list<std::string_view> fields) { AppendRow(out, fields); }

}  // namespace pcsim
