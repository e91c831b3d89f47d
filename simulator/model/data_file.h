// Reading the data files a user names (--policy, --catalog, scenario files):
// a regular file of bounded size, read whole. A FIFO, a directory or a device
// is refused at once instead of blocking a start or growing without end.
#pragma once

#include <cstddef>
#include <string>

#include "simulator/model/status.h"

namespace pcsim {

// Larger data files are refused (the embedded catalog is under 1 MiB).
inline constexpr size_t kMaxDataFileBytes = size_t{64} << 20;

// The content of the regular file at `path`, at most `max_bytes` long. The
// file is opened without blocking (a FIFO with no writer does not hang) and
// checked with fstat before anything is read. On failure: 400 with code 3000
// and "cannot read PATH: REASON" (the reason names a FIFO, a directory, a
// device, the size limit, or the system's error).
StatusOr<std::string> ReadDataFile(const std::string& path, size_t max_bytes = kMaxDataFileBytes);

}  // namespace pcsim
