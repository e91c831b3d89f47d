// Reading CSV (RFC 4180) with libcsv: reconciliation files and the audit's
// own files. Records are handed over one at a time with their number, so a
// file of any size streams and an error names its record.
#pragma once

#include <cstddef>
#include <functional>
#include <string_view>
#include <vector>

#include "simulator/model/status.h"

namespace pcsim::audit {

// Calls `row` for each record of `text`, with its number from 1 (the header
// is record 1) and its fields (views valid during the call). A false return
// stops the reading with OkStatus. A quote left open at the end (a truncated
// file) or a stray quote is an error naming the record. A UTF-8 byte order
// mark before the first record is skipped.
using CsvRowFn = std::function<bool(size_t record, const std::vector<std::string_view>& fields)>;
Status ReadCsv(std::string_view text, const CsvRowFn& row);

}  // namespace pcsim::audit
