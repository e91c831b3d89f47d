#include "simulator/model/data_file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace pcsim {
namespace {

const char* KindOf(mode_t mode) {
  if (S_ISDIR(mode)) return "a directory";
  if (S_ISFIFO(mode)) return "a FIFO";
  if (S_ISCHR(mode)) return "a character device";
  if (S_ISBLK(mode)) return "a block device";
  if (S_ISSOCK(mode)) return "a socket";
  return "not a regular file";
}

std::string SizeText(size_t bytes) {
  if (bytes % (size_t{1} << 20) == 0) return std::to_string(bytes >> 20) + " MiB";
  return std::to_string(bytes) + " bytes";
}

}  // namespace

StatusOr<std::string> ReadDataFile(const std::string& path, size_t max_bytes) {
  auto failure = [&](const std::string& reason) { return BadRequest(3000, "cannot read " + path + ": " + reason); };
  // O_NONBLOCK: opening a FIFO without a writer (or a device) must not wait.
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
  if (fd < 0) return failure(std::strerror(errno));
  struct stat st {};
  if (::fstat(fd, &st) != 0) {
    std::string reason = std::strerror(errno);
    ::close(fd);
    return failure(reason);
  }
  if (!S_ISREG(st.st_mode)) {
    ::close(fd);
    return failure(std::string(KindOf(st.st_mode)) + ", not a regular file");
  }
  if (st.st_size < 0 || static_cast<uint64_t>(st.st_size) > max_bytes) {
    ::close(fd);
    return failure("larger than " + SizeText(max_bytes));
  }
  std::string text;
  text.reserve(static_cast<size_t>(st.st_size));
  char buffer[65536];
  for (;;) {
    ssize_t n = ::read(fd, buffer, sizeof buffer);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      std::string reason = std::strerror(errno);
      ::close(fd);
      return failure(reason);
    }
    if (n == 0) break;
    // The file may grow while it is read: the limit holds for what is read.
    if (text.size() + static_cast<size_t>(n) > max_bytes) {
      ::close(fd);
      return failure("larger than " + SizeText(max_bytes));
    }
    text.append(buffer, static_cast<size_t>(n));
  }
  ::close(fd);
  return text;
}

}  // namespace pcsim
