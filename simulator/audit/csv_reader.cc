// ReadCsv over libcsv (csv_reader.h).
#include "simulator/audit/csv_reader.h"

#include <csv.h>

#include <algorithm>
#include <string>

#include "simulator/model/errors.h"

namespace pcsim::audit {
namespace {

struct Collector {
  const CsvRowFn* row = nullptr;
  std::string buffer;          // the current record's fields, back to back
  std::vector<size_t> ends;    // where each field ends in `buffer`
  std::vector<std::string_view> fields;
  size_t record = 0;
  bool stopped = false;
};

void OnField(void* data, size_t size, void* context) {
  auto* c = static_cast<Collector*>(context);
  c->buffer.append(static_cast<const char*>(data), size);
  c->ends.push_back(c->buffer.size());
}

void OnRecord(int, void* context) {
  auto* c = static_cast<Collector*>(context);
  ++c->record;
  if (!c->stopped) {
    c->fields.clear();
    size_t begin = 0;
    for (size_t end : c->ends) {
      c->fields.emplace_back(c->buffer.data() + begin, end - begin);
      begin = end;
    }
    if (!(*c->row)(c->record, c->fields)) c->stopped = true;
  }
  c->buffer.clear();
  c->ends.clear();
}

}  // namespace

Status ReadCsv(std::string_view text, const CsvRowFn& row) {
  if (text.substr(0, 3) == "\xEF\xBB\xBF") text.remove_prefix(3);
  csv_parser parser;
  if (csv_init(&parser, CSV_STRICT | CSV_STRICT_FINI) != 0)
    return Error<Err::InvalidInput>("cannot start the CSV reader");
  Collector c;
  c.row = &row;
  // In pieces, so that a reader that stops early does not parse the rest.
  constexpr size_t kPiece = size_t{1} << 20;
  for (size_t at = 0; at < text.size() && !c.stopped; at += kPiece) {
    size_t n = std::min(kPiece, text.size() - at);
    if (csv_parse(&parser, text.data() + at, n, OnField, OnRecord, &c) != n) {
      std::string why = csv_strerror(csv_error(&parser));
      csv_free(&parser);
      return Error<Err::InvalidInput>("record " + std::to_string(c.record + 1) + ": " + why);
    }
  }
  if (!c.stopped && csv_fini(&parser, OnField, OnRecord, &c) != 0) {
    std::string why = csv_strerror(csv_error(&parser));
    csv_free(&parser);
    return Error<Err::InvalidInput>("record " + std::to_string(c.record + 1) +
                                    ": the file ends inside a quoted field (truncated?): " + why);
  }
  csv_free(&parser);
  return OkStatus();
}

}  // namespace pcsim::audit
