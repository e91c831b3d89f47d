// The project's one CSV writer, used by every CSV file pcsim writes (the
// replay report's lines.csv and subscriptions.csv, the EST audit download of
// GET /_sim/reports/est and `pcsim est-report`). RFC 4180:
// - a record ends with CRLF, the last one too;
// - a field is quoted when it holds a comma, a double quote, CR or LF, and a
//   double quote inside it is doubled; every other field is written as it is
//   (an empty field is empty, not "").
// Values are written verbatim otherwise: no prefix is put before a leading
// '=', '+', '-' or '@' (no "formula-injection" escaping). The files are data
// exports whose cells must equal the API's values ("-94.08" is a refund, not
// a formula); docs/scenario-format.md, "Report files", says why.
#pragma once

#include <initializer_list>
#include <span>
#include <string>
#include <string_view>

namespace pcsim {

// One field, quoted when RFC 4180 requires it.
std::string CsvField(std::string_view value);

// Appends one record: the fields joined by commas, then CRLF.
void AppendCsvRow(std::string& out, std::span<const std::string> fields);
void AppendCsvRow(std::string& out, std::initializer_list<std::string_view> fields);

}  // namespace pcsim
