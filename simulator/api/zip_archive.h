// A zip archive of one file, made with libzip: the compressed form of a
// download (the price sheet with Accept-Encoding: deflate, Get a price sheet).
// The bytes depend only on the arguments: the entry's timestamp is `day` at
// 12:00:00 (never the wall clock; noon has no daylight-saving gap in any time
// zone, so libzip's local-time conversion round-trips it), clamped to the
// years a zip timestamp can hold (1980-2107).
#pragma once

#include <string>
#include <string_view>

#include "simulator/clock/time.h"
#include "simulator/model/status.h"

namespace pcsim::api {

// An archive holding `content` as the file `name`, deflate-compressed.
StatusOr<std::string> ZipOneFile(const std::string& name, std::string_view content, Date day);

}  // namespace pcsim::api
