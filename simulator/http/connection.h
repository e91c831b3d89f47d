// Internal to HttpServer (simulator/http/), not part of pcsim's interface:
// one client connection (its buffers, the state the event thread and the
// workers keep about it), and httplib's view of a request on it.
// Includes httplib.h: only the .cc files of simulator/http/ include this.
#pragma once

#include <httplib.h>

#include <sys/socket.h>
#include <sys/types.h>

#include <algorithm>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <map>
#include <memory>
#include <string>
#include <string_view>

#include "simulator/http/request_head.h"

namespace pcsim::http {

using Clock = std::chrono::steady_clock;
using TimePoint = Clock::time_point;

// Read sizes: the first read of a request, the next ones, and the largest
// read of a Content-Length body.
inline constexpr size_t kFirstReadChunk = 4 * 1024;
inline constexpr size_t kReadChunk = 16 * 1024;
inline constexpr size_t kMaxBodyReadChunk = 256 * 1024;

// A byte buffer with a moving start: bytes are appended at the end and
// consumed from the front without moving the rest.
class Buffer {
 public:
  const char* data() const { return data_.get() + begin_; }
  size_t size() const { return end_ - begin_; }
  bool empty() const { return begin_ == end_; }
  std::string_view view() const { return {data(), size()}; }
  size_t capacity() const { return capacity_; }

  void Consume(size_t n) {
    begin_ += n;
    if (begin_ == end_) begin_ = end_ = 0;
  }
  void Clear() { begin_ = end_ = 0; }
  void Truncate(size_t size) { end_ = begin_ + size; }
  // Room for at least `n` more bytes; returns where they go.
  char* Reserve(size_t n) {
    if (capacity_ - end_ >= n) return data_.get() + end_;
    const size_t size = end_ - begin_;
    if (size + n <= capacity_ && begin_ >= capacity_ / 2) {
      std::memmove(data_.get(), data_.get() + begin_, size);
    } else {
      size_t capacity = std::max<size_t>({capacity_ * 2, size + n, 4096});
      std::unique_ptr<char[]> bigger(new char[capacity]);
      if (size > 0) std::memcpy(bigger.get(), data_.get() + begin_, size);
      data_ = std::move(bigger);
      capacity_ = capacity;
    }
    begin_ = 0;
    end_ = size;
    return data_.get() + end_;
  }
  void Commit(size_t n) { end_ += n; }
  void Append(const char* p, size_t n) {
    std::memcpy(Reserve(n), p, n);
    end_ += n;
  }
  void Append(std::string_view s) { Append(s.data(), s.size()); }
  // Frees the memory of an empty buffer that grew large.
  void Trim(size_t keep) {
    if (empty() && capacity_ > keep) {
      data_.reset();
      capacity_ = begin_ = end_ = 0;
    }
  }

 private:
  std::unique_ptr<char[]> data_;
  size_t begin_ = 0, end_ = 0, capacity_ = 0;
};

// The timeout lists a connection can wait on; each holds its connections in
// the order of their start time, so the first one is the next to expire.
enum class WaitList : uint8_t { kIdle, kRequest, kWrite, kLinger, kCount, kNone = kCount };

struct Connection {
  explicit Connection(int socket) : fd(socket) {}
  const int fd;

  // Owned by whichever thread holds the connection: the event thread, or the
  // worker it handed the connection to (the hand-over goes through a mutex).
  Buffer in;                  // received bytes from the start of the current request
  Buffer out;                 // answer bytes not written yet
  RequestScan scan;           // of the request at the front of `in`
  TimePoint request_started;  // its first byte
  int served = 0;             // requests answered
  bool continue_sent = false; // "100 Continue" written for the current request
  bool peer_closed = false;   // the client shut down its side (recv returned 0)
  bool close_after_write = false;
  bool linger = false;        // with close_after_write: a lingering close
  bool failed = false;        // the socket failed: close at once
  bool read_socket = false;   // a worker read from the socket
  int64_t delay_ms = 0;       // set by a worker: hold the answer this long
  // An event came while a worker held the connection (under done_mutex_).
  bool event_while_busy = false;
  std::string remote_ip, local_ip;
  int remote_port = 0, local_port = 0;

  // The event thread's alone.
  bool busy = false;          // a worker holds the connection
  bool pending_in = true;     // the socket may have unread bytes
  bool hangup = false;        // epoll reported the client's end (or an error)
  bool lingering = false;
  bool closed = false;
  bool delayed = false;
  std::multimap<TimePoint, Connection*>::iterator delay_entry;
  WaitList wait = WaitList::kNone;
  TimePoint since;            // when the wait started
  Connection* prev = nullptr;
  Connection* next = nullptr;
  size_t index = 0;           // in Impl::connections_
  size_t pending_bytes = 0;   // counted in Impl::pending_bytes_
};

// Writes what the socket takes without blocking; false when it failed.
bool Flush(Connection& c);

// The numeric host and port of a socket address, as httplib reports them.
void AddressOf(const sockaddr_storage& addr, socklen_t length, std::string* ip, int* port);

// httplib's view of one request on a connection: reads come from the bytes
// the event thread buffered (for a chunked body, from the socket too, up to
// the request's deadline); writes go to the connection's output buffer.
class ConnectionStream final : public httplib::Stream {
 public:
  // `limit`: the request's bytes from the start of `c.in` (head and body);
  // reads end there. `from_socket`: past the buffered bytes, read the
  // socket until `deadline`.
  ConnectionStream(Connection& c, uint64_t limit, bool from_socket, TimePoint deadline)
      : c_(c), limit_(limit), from_socket_(from_socket), deadline_(deadline) {}

  bool is_readable() const override { return consumed_ < Buffered() || from_socket_; }
  bool is_writable() const override { return true; }

  ssize_t read(char* ptr, size_t size) override;

  ssize_t write(const char* ptr, size_t size) override {
    c_.out.Append(ptr, size);
    written_ += size;
    return static_cast<ssize_t>(size);
  }

  void get_remote_ip_and_port(std::string& ip, int& port) const override {
    ip = c_.remote_ip;
    port = c_.remote_port;
  }
  void get_local_ip_and_port(std::string& ip, int& port) const override {
    ip = c_.local_ip;
    port = c_.local_port;
  }

  // httplib 0.11.4's server looks at the socket in one place: built without
  // CPPHTTPLIB_USE_POLL, process_request answers 500 to any connection whose
  // descriptor is FD_SETSIZE (1024) or more, because select() could not wait
  // on it. Nothing here waits with select(): the request is already
  // buffered, and the socket belongs to the event thread. So the stream
  // reports no descriptor: -1 is below FD_SETSIZE and passes that check for
  // every connection however many are open, and any I/O attempted on it
  // would fail instead of reaching some other socket. (Debian's
  // libcpp-httplib.so 0.11.4 happens to be built with poll() and never asks,
  // but a select() build would.)
  socket_t socket() const override { return INVALID_SOCKET; }

  size_t consumed() const { return consumed_; }
  // Bytes this request wrote; those not sent yet are the last of c.out.
  size_t written() const { return written_; }

 private:
  size_t Buffered() const { return static_cast<size_t>(std::min<uint64_t>(c_.in.size(), limit_)); }

  // Reads more of the request from the socket: the byte count, 0 at the end
  // of the client's stream, -1 on an error or once the deadline has passed.
  ssize_t Fill();

  Connection& c_;
  const uint64_t limit_;
  const bool from_socket_;
  const TimePoint deadline_;
  size_t consumed_ = 0;
  size_t written_ = 0;
};

}  // namespace pcsim::http
