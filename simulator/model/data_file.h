// Reading a data file named on the command line (a scenario, a policy), and
// quoting input in error messages, both with bounds: a hostile file can make
// neither the process block, nor it read without end, nor a message huge.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "simulator/model/status.h"

namespace pcsim {

// An error message quotes at most this much of any input (a key, a value, a line).
constexpr size_t kMaxQuotedBytes = 1024;

// `text` as it is when it fits kMaxQuotedBytes; else its first kMaxQuotedBytes
// (cut before a partial UTF-8 character) and "... (N bytes)".
std::string Excerpt(std::string_view text);

// The content of the regular file at `path`, at most `max_bytes`. It is
// opened without blocking and checked before reading: a FIFO, a device, a
// socket or a folder is refused (so a named pipe with no writer cannot hang the
// caller), as is a file larger than `max_bytes`. The error (400) says why,
// without the path: "not a regular file (a FIFO)", "the file is larger than
// 16 MiB", "cannot read the file: No such file or directory".
// Larger data files are refused unless a caller names its own limit (the
// embedded catalog is under 1 MiB).
inline constexpr size_t kMaxDataFileBytes = size_t{64} << 20;
StatusOr<std::string> ReadDataFile(const std::string& path, size_t max_bytes = kMaxDataFileBytes);

// "16 MiB", "1,000 bytes": a size limit as messages write it.
std::string SizeText(size_t bytes);

}  // namespace pcsim
