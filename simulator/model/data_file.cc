#include "simulator/model/errors.h"
#include "simulator/model/data_file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdint>
#include <cstring>

namespace pcsim {
namespace {

std::string WithThousands(size_t n) {
  std::string digits = std::to_string(n), out;
  for (size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) out += ',';
    out += digits[i];
  }
  return out;
}

const char* KindOf(mode_t mode) {
  if (S_ISDIR(mode)) return "a folder";
  if (S_ISFIFO(mode)) return "a FIFO";
  if (S_ISCHR(mode)) return "a character device";
  if (S_ISBLK(mode)) return "a block device";
  if (S_ISSOCK(mode)) return "a socket";
  return "not a plain file";
}

// Closes the descriptor however the reading ends.
struct FileCloser {
  int fd;
  ~FileCloser() {
    if (fd >= 0) ::close(fd);
  }
};

}  // namespace

std::string Excerpt(std::string_view text) {
  if (text.size() <= kMaxQuotedBytes) return std::string(text);
  size_t cut = kMaxQuotedBytes;
  // Back up over continuation bytes so that no character is cut in half.
  while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xC0) == 0x80) --cut;
  return std::string(text.substr(0, cut)) + "... (" + WithThousands(text.size()) + " bytes)";
}

std::string SizeText(size_t bytes) {
  if (bytes >= (size_t{1} << 20) && bytes % (size_t{1} << 20) == 0) return WithThousands(bytes >> 20) + " MiB";
  if (bytes >= (size_t{1} << 10) && bytes % (size_t{1} << 10) == 0) return WithThousands(bytes >> 10) + " KiB";
  return WithThousands(bytes) + " bytes";
}

StatusOr<std::string> ReadDataFile(const std::string& path, size_t max_bytes) {
  // O_NONBLOCK: opening a FIFO for reading would otherwise wait for a writer.
  int fd = ::open(path.c_str(), O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
  if (fd < 0) return Error<Err::ControlInvalidInput>(std::string("cannot read the file: ") + std::strerror(errno));
  FileCloser closer{fd};
  struct stat info {};
  if (::fstat(fd, &info) != 0) return Error<Err::ControlInvalidInput>(std::string("cannot read the file: ") + std::strerror(errno));
  if (!S_ISREG(info.st_mode)) return Error<Err::ControlInvalidInput>(std::string("not a regular file (") + KindOf(info.st_mode) + ")");
  std::string too_large = "the file is larger than " + SizeText(max_bytes);
  if (info.st_size < 0 || static_cast<uint64_t>(info.st_size) > max_bytes) return Error<Err::ControlInvalidInput>(too_large);
  // Read at most one byte past the limit: the file may grow while it is read.
  std::string text;
  text.resize(static_cast<size_t>(info.st_size) + 1);
  size_t have = 0;
  while (true) {
    if (have == text.size()) {
      if (text.size() > max_bytes) return Error<Err::ControlInvalidInput>(too_large);
      text.resize(std::min(max_bytes + 1, text.size() * 2 + 4096));
    }
    ssize_t n = ::read(fd, text.data() + have, text.size() - have);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return Error<Err::ControlInvalidInput>(std::string("cannot read the file: ") + std::strerror(errno));
    if (n == 0) break;
    have += static_cast<size_t>(n);
  }
  if (have > max_bytes) return Error<Err::ControlInvalidInput>(too_large);
  text.resize(have);
  return text;
}

}  // namespace pcsim
