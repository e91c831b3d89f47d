// HttpServer's event thread: it owns every connection's socket (epoll,
// non-blocking), accepts, reads each request until it is complete, refuses
// those that break a limit, writes what the workers' answers left unwritten,
// and enforces the timeouts (http_server.h describes the design).
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <mutex>
#include <string>
#include <vector>

#include "simulator/http/connection.h"
#include "simulator/http/http_server_impl.h"
#include "simulator/http/request_head.h"
#include "simulator/http/wire.h"

namespace pcsim::http {

using std::chrono::milliseconds;
using std::chrono::seconds;

void HttpServer::Impl::Run() {
  std::vector<epoll_event> events(256);
  for (;;) {
    TimePoint now = Clock::now();
    if (stopping_ && !stop_begun_) BeginStop(now);
    if (stop_begun_) {
      if (connections_.empty()) break;
      if (!busy_shut_down_ && now >= stop_deadline_) {
        // Past the grace period: answers not written yet are abandoned, and
        // requests still running have their sockets cut, so that whatever
        // they wait on fails and they come back.
        busy_shut_down_ = true;
        std::vector<Connection*> all = connections_;
        for (Connection* c : all) {
          if (c->busy) {
            ::shutdown(c->fd, SHUT_RDWR);
          } else {
            Close(c);
          }
        }
      }
    }
    if (accept_paused_ && now >= accept_paused_until_ && listen_fd_ >= 0) {
      accept_paused_ = false;
      epoll_event listen_event{};
      listen_event.events = EPOLLIN;
      listen_event.data.ptr = &listen_tag_;
      ::epoll_ctl(epoll_fd_, EPOLL_CTL_MOD, listen_fd_, &listen_event);
    }
    Expire(now);
    SubmitJobs();
    for (Connection* c : graveyard_) delete c;
    graveyard_.clear();

    int timeout = NextTimeoutMs(now);
    // A connection a worker hands back quietly (see HandBack) waits for its
    // next event, or this long.
    if (busy_ > 0 && (timeout < 0 || timeout > kQuietHandBackMs)) timeout = kQuietHandBackMs;
    {
      std::lock_guard<std::mutex> lock(done_mutex_);
      if (done_urgent_) {
        timeout = 0;
      } else {
        loop_sleeping_ = true;
      }
    }
    int n = ::epoll_wait(epoll_fd_, events.data(), static_cast<int>(events.size()), timeout);
    {
      std::lock_guard<std::mutex> lock(done_mutex_);
      loop_sleeping_ = false;
    }
    now = Clock::now();
    // First the connections workers handed back, so that their events below
    // (the next request, often) find them here.
    TakeCompletions(now);
    for (int i = 0; i < n; ++i) {
      void* tag = events[static_cast<size_t>(i)].data.ptr;
      if (tag == &listen_tag_) {
        AcceptAll(now);
      } else if (tag == &wake_tag_) {
        uint64_t count;
        [[maybe_unused]] ssize_t r = ::read(wake_fd_, &count, sizeof count);
      } else {
        OnEvent(static_cast<Connection*>(tag), events[static_cast<size_t>(i)].events, now);
      }
    }
    TakeCompletions(now);
  }
  SubmitJobs();
  for (Connection* c : graveyard_) delete c;
  graveyard_.clear();
}

void HttpServer::Impl::AcceptAll(TimePoint now) {
  for (int i = 0; i < kAcceptsPerTurn && listen_fd_ >= 0; ++i) {
    sockaddr_storage peer{};
    socklen_t length = sizeof peer;
    int fd = ::accept4(listen_fd_, reinterpret_cast<sockaddr*>(&peer), &length, SOCK_NONBLOCK | SOCK_CLOEXEC);
    if (fd >= 0) {
      Admit(fd, peer, length, now);
      continue;
    }
    if (errno == EINTR || errno == ECONNABORTED) continue;
    if (errno == EAGAIN || errno == EWOULDBLOCK) return;
    if ((errno == EMFILE || errno == ENFILE) && EvictOne()) continue;
    if ((errno == EMFILE || errno == ENFILE) && spare_fd_ >= 0) {
      // Out of descriptors with nothing to close: free the spare one to
      // take the connection off the queue and refuse it.
      ::close(spare_fd_);
      spare_fd_ = -1;
      int refused = ::accept4(listen_fd_, nullptr, nullptr, SOCK_NONBLOCK | SOCK_CLOEXEC);
      if (refused >= 0) {
        std::string answer = RenderRefusal(503, "The server has too many open connections.");
        [[maybe_unused]] ssize_t w = ::send(refused, answer.data(), answer.size(), MSG_NOSIGNAL | MSG_DONTWAIT);
        ::close(refused);
      }
      spare_fd_ = ::open("/dev/null", O_RDONLY | O_CLOEXEC);
      if (refused >= 0 && spare_fd_ >= 0) continue;
    }
    // Out of memory or descriptors: stop accepting for a moment rather than
    // spin on a listening socket that stays readable.
    accept_paused_ = true;
    accept_paused_until_ = now + milliseconds(100);
    epoll_event listen_event{};
    listen_event.events = 0;
    listen_event.data.ptr = &listen_tag_;
    ::epoll_ctl(epoll_fd_, EPOLL_CTL_MOD, listen_fd_, &listen_event);
    return;
  }
}

void HttpServer::Impl::Admit(int fd, const sockaddr_storage& peer, socklen_t peer_length, TimePoint now) {
  bool refuse = false;
  if (static_cast<int>(connections_.size()) >= max_connections_ && !EvictOne()) {
    if (static_cast<int>(connections_.size()) >= max_connections_ + kRefusalOverflow) {
      std::string answer = RenderRefusal(503, "The server has too many open connections.");
      [[maybe_unused]] ssize_t w = ::send(fd, answer.data(), answer.size(), MSG_NOSIGNAL | MSG_DONTWAIT);
      ::close(fd);
      return;
    }
    refuse = true;
  }
  int yes = 1;
  ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &yes, sizeof yes);
  auto* c = new Connection(fd);
  AddressOf(peer, peer_length, &c->remote_ip, &c->remote_port);
  sockaddr_storage local{};
  socklen_t local_length = sizeof local;
  if (::getsockname(fd, reinterpret_cast<sockaddr*>(&local), &local_length) == 0)
    AddressOf(local, local_length, &c->local_ip, &c->local_port);
  // Edge-triggered: the connection is registered once, for good; an edge
  // that comes while a worker holds it is remembered in pending_in.
  epoll_event event{};
  event.events = EPOLLIN | EPOLLOUT | EPOLLRDHUP | EPOLLET;
  event.data.ptr = c;
  if (::epoll_ctl(epoll_fd_, EPOLL_CTL_ADD, fd, &event) != 0) {
    ::close(fd);
    delete c;
    return;
  }
  c->index = connections_.size();
  connections_.push_back(c);
  if (refuse) {
    Refuse(c, 503, "The server has too many open connections.", now);
    return;
  }
  Drive(c, now);
}

// Makes room at the connection cap: closes a lingering connection, else the
// longest-idle one. False when every connection is busy.
bool HttpServer::Impl::EvictOne() {
  for (WaitList list : {WaitList::kLinger, WaitList::kIdle}) {
    if (Connection* c = lists_[static_cast<size_t>(list)].head) {
      Close(c);
      return true;
    }
  }
  return false;
}

void HttpServer::Impl::OnEvent(Connection* c, uint32_t events, TimePoint now) {
  if (c->closed) return;
  if (events & (EPOLLIN | EPOLLRDHUP | EPOLLHUP | EPOLLERR)) c->pending_in = true;
  if (events & (EPOLLRDHUP | EPOLLHUP | EPOLLERR)) c->hangup = true;
  if (c->busy) {
    // Tells the worker, if it has not handed the connection back yet, to
    // wake this thread when it does.
    std::lock_guard<std::mutex> lock(done_mutex_);
    c->event_while_busy = true;
    return;
  }
  Drive(c, now);
}

// Moves a connection the event thread holds as far as it can go without
// waiting: writes pending answer bytes, reads, and hands a complete request
// to a worker.
void HttpServer::Impl::Drive(Connection* c, TimePoint now) {
  if (c->lingering) {
    Drain(c);
    return;
  }
  if (c->delayed) return;
  if (c->failed) {
    Close(c);
    return;
  }
  if (!WritePending(c, now)) return;
  if (c->close_after_write) {
    Finish(c, now);
    return;
  }
  if (!ReadRequest(c, now)) return;
  AwaitRequest(c, now);
}

// Drive's first step: writes the pending answer bytes. True when they are
// all written; false when the connection waits to write the rest, or was
// closed.
bool HttpServer::Impl::WritePending(Connection* c, TimePoint now) {
  if (c->out.empty()) return true;
  const size_t before = c->out.size();
  if (!Flush(*c)) {
    Close(c);
    return false;
  }
  if (!c->out.empty()) {
    if (c->wait != WaitList::kWrite || c->out.size() != before) Wait(c, WaitList::kWrite, now);
    return false;
  }
  return true;
}

// Drive's second step: reads until the request at the front of c->in is
// complete (handed to a worker) or refused; false then, or when the
// connection was closed. True when the socket has no more bytes for now and
// the request is not complete.
bool HttpServer::Impl::ReadRequest(Connection* c, TimePoint now) {
  for (;;) {
    if (c->scan.state == RequestScan::State::kHead && c->scan.pos == 0 && !c->in.empty())
      c->in.Consume(LeadingEmptyLines(c->in.view()));
    if (!c->in.empty()) ScanRequest(c->in.view(), limits_, c->scan);
    if (c->scan.state == RequestScan::State::kComplete) {
      SetPending(c, 0);
      Dispatch(c);
      return false;
    }
    if (c->scan.state == RequestScan::State::kRefused) {
      Refuse(c, c->scan.status, c->scan.reason, now);
      return false;
    }
    if (!c->pending_in || c->peer_closed) return true;
    SetPending(c, c->in.size());
    if (pending_bytes_ > max_pending_bytes_) {
      Refuse(c, 503, "The server holds too many incomplete requests.", now);
      return false;
    }
    // A first read of 4 KiB holds most requests whole; an idle connection
    // keeps no more than that.
    size_t want = c->in.empty() ? kFirstReadChunk : kReadChunk;
    if (c->scan.state == RequestScan::State::kBody)
      want = static_cast<size_t>(
          std::clamp<uint64_t>(c->scan.total_bytes() - c->in.size(), kReadChunk, kMaxBodyReadChunk));
    const bool was_empty = c->in.empty();
    ssize_t n = ::recv(c->fd, c->in.Reserve(want), want, 0);
    if (n > 0) {
      c->in.Commit(static_cast<size_t>(n));
      if (was_empty) c->request_started = now;
      // A short read emptied the socket: the next bytes bring a new edge.
      // Not so the end of the stream if it came with these bytes: once epoll
      // has reported it, reading goes on until recv says so.
      if (static_cast<size_t>(n) < want && !c->hangup) c->pending_in = false;
    } else if (n == 0) {
      c->peer_closed = true;
      c->pending_in = false;
    } else if (errno == EAGAIN || errno == EWOULDBLOCK) {
      c->pending_in = false;
    } else if (errno != EINTR) {
      Close(c);
      return false;
    }
  }
}

// Drive's last step, with no complete request: the connection waits for
// its next request (idle), or for the rest of this one; closed or refused if
// the client stopped sending.
void HttpServer::Impl::AwaitRequest(Connection* c, TimePoint now) {
  if (c->in.empty()) {
    SetPending(c, 0);
    if (c->peer_closed) {
      Close(c);
      return;
    }
    if (c->wait != WaitList::kIdle) {
      c->in.Trim(kReadChunk);
      c->out.Trim(kReadChunk);
      Wait(c, WaitList::kIdle, now);
    }
    return;
  }
  SetPending(c, c->in.size());
  if (c->peer_closed) {
    // The client stopped sending in the middle of a request.
    if (c->scan.state == RequestScan::State::kBody) {
      Refuse(c, 400, "The request body ended before its Content-Length.", now);
    } else {
      Close(c);
    }
    return;
  }
  if (c->scan.state == RequestScan::State::kBody && c->scan.expect_continue && !c->continue_sent) {
    c->continue_sent = true;
    c->out.Append("HTTP/1.1 100 Continue\r\n\r\n");
    Drive(c, now);
    return;
  }
  if (c->wait != WaitList::kRequest) Wait(c, WaitList::kRequest, c->request_started);
}

// Answers with a refusal and closes the connection once it is written.
void HttpServer::Impl::Refuse(Connection* c, int status, const std::string& reason, TimePoint now) {
  SetPending(c, 0);
  c->in.Clear();
  c->scan = RequestScan{};
  c->out.Append(RenderRefusal(status, reason));
  c->close_after_write = true;
  c->linger = true;
  Drive(c, now);
}

// The last answer byte is written: close, or linger.
void HttpServer::Impl::Finish(Connection* c, TimePoint now) {
  if (!c->linger) {
    Close(c);
    return;
  }
  ::shutdown(c->fd, SHUT_WR);
  c->lingering = true;
  SetPending(c, 0);
  c->in.Clear();
  c->in.Trim(0);
  c->out.Trim(0);
  Wait(c, WaitList::kLinger, now);
  Drain(c);
}

// Reads and drops what a lingering connection sends; closes it at its end
// (or at the end of its linger time, for a client that sends without end).
void HttpServer::Impl::Drain(Connection* c) {
  for (int reads = 1;; ++reads) {
    ssize_t n = ::recv(c->fd, drain_buffer_, sizeof drain_buffer_, 0);
    if (n > 0) {
      if (reads % 64 == 0 && Clock::now() >= c->since + kLingerTime) break;
      continue;
    }
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) return;
    break;
  }
  Close(c);
}

void HttpServer::Impl::Close(Connection* c) {
  if (c->closed) return;
  Unwait(c);
  if (c->delayed) {
    delays_.erase(c->delay_entry);
    c->delayed = false;
  }
  SetPending(c, 0);
  // Removed from epoll first: a copy of the descriptor in a child between
  // fork and exec would keep it registered, and its events would name a
  // freed connection.
  ::epoll_ctl(epoll_fd_, EPOLL_CTL_DEL, c->fd, nullptr);
  ::close(c->fd);
  c->closed = true;
  Connection* last = connections_.back();
  last->index = c->index;
  connections_[c->index] = last;
  connections_.pop_back();
  graveyard_.push_back(c);
}

std::chrono::nanoseconds HttpServer::Impl::TimeoutOf(WaitList list) const {
  switch (list) {
    case WaitList::kIdle: return seconds(std::max(0, options_.keep_alive_timeout_seconds));
    case WaitList::kRequest: return seconds(std::max(0, options_.request_timeout_seconds));
    case WaitList::kWrite: return seconds(std::max(0, options_.write_timeout_seconds));
    default: return kLingerTime;
  }
}

void HttpServer::Impl::Wait(Connection* c, WaitList list, TimePoint since) {
  Unwait(c);
  List& l = lists_[static_cast<size_t>(list)];
  c->wait = list;
  c->since = since;
  // Kept in order of `since`; nearly always the newest, so from the tail.
  Connection* after = l.tail;
  while (after != nullptr && after->since > since) after = after->prev;
  c->prev = after;
  c->next = after != nullptr ? after->next : l.head;
  if (c->next != nullptr) {
    c->next->prev = c;
  } else {
    l.tail = c;
  }
  if (after != nullptr) {
    after->next = c;
  } else {
    l.head = c;
  }
}

void HttpServer::Impl::Unwait(Connection* c) {
  if (c->wait == WaitList::kNone) return;
  List& l = lists_[static_cast<size_t>(c->wait)];
  if (c->prev != nullptr) {
    c->prev->next = c->next;
  } else {
    l.head = c->next;
  }
  if (c->next != nullptr) {
    c->next->prev = c->prev;
  } else {
    l.tail = c->prev;
  }
  c->prev = c->next = nullptr;
  c->wait = WaitList::kNone;
}

void HttpServer::Impl::Expire(TimePoint now) {
  for (size_t i = 0; i < static_cast<size_t>(WaitList::kCount); ++i) {
    const auto list = static_cast<WaitList>(i);
    const auto timeout = TimeoutOf(list);
    while (Connection* c = lists_[i].head) {
      if (c->since + timeout > now) break;
      if (list == WaitList::kRequest) {
        Refuse(c, 408, "", now);
      } else {
        Close(c);
      }
    }
  }
  while (!delays_.empty() && delays_.begin()->first <= now) {
    Connection* c = delays_.begin()->second;
    delays_.erase(delays_.begin());
    c->delayed = false;
    Drive(c, now);
  }
}

int HttpServer::Impl::NextTimeoutMs(TimePoint now) const {
  TimePoint next = TimePoint::max();
  for (size_t i = 0; i < static_cast<size_t>(WaitList::kCount); ++i)
    if (const Connection* c = lists_[i].head) next = std::min(next, c->since + TimeoutOf(static_cast<WaitList>(i)));
  if (!delays_.empty()) next = std::min(next, delays_.begin()->first);
  if (stop_begun_ && !busy_shut_down_) next = std::min(next, stop_deadline_);
  if (accept_paused_) next = std::min(next, accept_paused_until_);
  if (next == TimePoint::max()) return -1;
  if (next <= now) return 0;
  return static_cast<int>(std::min<int64_t>(std::chrono::ceil<milliseconds>(next - now).count(), 60000));
}

void HttpServer::Impl::SetPending(Connection* c, size_t bytes) {
  pending_bytes_ = pending_bytes_ - c->pending_bytes + bytes;
  c->pending_bytes = bytes;
}

void HttpServer::Impl::BeginStop(TimePoint now) {
  stop_begun_ = true;
  stop_deadline_ = now + kStopGrace;
  if (listen_fd_ >= 0) {
    ::epoll_ctl(epoll_fd_, EPOLL_CTL_DEL, listen_fd_, nullptr);
    ::close(listen_fd_);
    listen_fd_ = -1;
  }
  std::vector<Connection*> all = connections_;
  for (Connection* c : all)
    if (!c->busy) StopConnection(c, now);
}

// While stopping: an answer already made (being written, or held by a
// latency fault) is written out within the grace period, then the
// connection closes; requests still arriving are abandoned. Connections a
// worker holds come here when it hands them back.
void HttpServer::Impl::StopConnection(Connection* c, TimePoint now) {
  if (c->delayed) {
    delays_.erase(c->delay_entry);
    c->delayed = false;
  }
  if (c->lingering || c->failed || c->out.empty() || busy_shut_down_) {
    Close(c);
    return;
  }
  c->close_after_write = true;
  c->linger = false;
  Drive(c, now);
}

}  // namespace pcsim::http
