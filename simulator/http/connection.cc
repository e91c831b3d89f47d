#include "simulator/http/connection.h"

#include <netdb.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>

#include <cerrno>

namespace pcsim::http {

using std::chrono::milliseconds;

bool Flush(Connection& c) {
  while (!c.out.empty()) {
    ssize_t n = ::send(c.fd, c.out.data(), c.out.size(), MSG_NOSIGNAL | MSG_DONTWAIT);
    if (n > 0) {
      c.out.Consume(static_cast<size_t>(n));
    } else if (n < 0 && errno == EINTR) {
      continue;
    } else if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
      return true;
    } else {
      return false;
    }
  }
  return true;
}

void AddressOf(const sockaddr_storage& addr, socklen_t length, std::string* ip, int* port) {
  char host[NI_MAXHOST];
  if (::getnameinfo(reinterpret_cast<const sockaddr*>(&addr), length, host, sizeof host, nullptr, 0,
                    NI_NUMERICHOST) == 0)
    *ip = host;
  if (addr.ss_family == AF_INET) *port = ntohs(reinterpret_cast<const sockaddr_in&>(addr).sin_port);
  if (addr.ss_family == AF_INET6) *port = ntohs(reinterpret_cast<const sockaddr_in6&>(addr).sin6_port);
}

ssize_t ConnectionStream::read(char* ptr, size_t size) {
  if (consumed_ >= Buffered()) {
    if (!from_socket_ || consumed_ >= limit_) return 0;
    if (ssize_t n = Fill(); n <= 0) return n;
  }
  size_t n = std::min<size_t>(size, Buffered() - consumed_);
  std::memcpy(ptr, c_.in.data() + consumed_, n);
  consumed_ += n;
  return static_cast<ssize_t>(n);
}

ssize_t ConnectionStream::Fill() {
  c_.read_socket = true;
  for (;;) {
    size_t want = static_cast<size_t>(std::min<uint64_t>(kReadChunk, limit_ - c_.in.size()));
    ssize_t n = ::recv(c_.fd, c_.in.Reserve(want), want, 0);
    if (n > 0) {
      c_.in.Commit(static_cast<size_t>(n));
      return n;
    }
    if (n == 0) {
      c_.peer_closed = true;
      return 0;
    }
    if (errno == EINTR) continue;
    if (errno != EAGAIN && errno != EWOULDBLOCK) {
      c_.failed = true;
      return -1;
    }
    // What was written so far goes out first: the client may be waiting
    // for httplib's "100 Continue" before it sends the body.
    if (!Flush(c_)) {
      c_.failed = true;
      return -1;
    }
    auto left = std::chrono::ceil<milliseconds>(deadline_ - Clock::now()).count();
    if (left <= 0) return -1;
    pollfd p{c_.fd, POLLIN, 0};
    if (::poll(&p, 1, static_cast<int>(std::min<int64_t>(left, 60000))) < 0 && errno != EINTR) return -1;
  }
}

}  // namespace pcsim::http
