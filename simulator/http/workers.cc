// HttpServer's workers, and the hand-over of connections between them and
// the event thread: a worker runs httplib's request handling on a complete
// request (and on those pipelined behind it), then hands the connection back.
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <mutex>
#include <vector>

#include "simulator/http/connection.h"
#include "simulator/http/http_server_impl.h"
#include "simulator/http/request_head.h"

namespace pcsim::http {

using std::chrono::milliseconds;
using std::chrono::seconds;

thread_local RequestOutcome* tls_outcome = nullptr;

void HttpServer::Impl::Dispatch(Connection* c) {
  Unwait(c);
  c->busy = true;
  ++busy_;
  ready_.push_back(c);
}

void HttpServer::Impl::SubmitJobs() {
  if (ready_.empty()) return;
  {
    std::lock_guard<std::mutex> lock(jobs_mutex_);
    jobs_.insert(jobs_.end(), ready_.begin(), ready_.end());
  }
  // As many workers as there are requests, not all of them.
  const size_t wake = std::min(ready_.size(), workers_.size());
  for (size_t i = 0; i < wake; ++i) jobs_cv_.notify_one();
  ready_.clear();
}

void HttpServer::Impl::TakeCompletions(TimePoint now) {
  std::vector<Connection*> done;
  {
    std::lock_guard<std::mutex> lock(done_mutex_);
    if (done_.empty()) return;
    done.swap(done_);
    done_urgent_ = false;
  }
  for (Connection* c : done) {
    c->busy = false;
    --busy_;
    if (stop_begun_) {
      StopConnection(c, now);
      continue;
    }
    if (c->failed) {
      Close(c);
      continue;
    }
    if (c->delay_ms > 0) {
      c->delayed = true;
      c->delay_entry = delays_.emplace(now + milliseconds(c->delay_ms), c);
      c->delay_ms = 0;
      continue;
    }
    if (c->read_socket) {
      c->read_socket = false;
      c->pending_in = true;
    }
    if (!c->in.empty()) c->request_started = now;
    Drive(c, now);
  }
  // Give the vector's memory back for the next turn.
  std::lock_guard<std::mutex> lock(done_mutex_);
  if (done_.empty()) {
    done.clear();
    done_.swap(done);
  }
}

void HttpServer::Impl::WorkerLoop() {
  for (;;) {
    Connection* c = nullptr;
    {
      std::unique_lock<std::mutex> lock(jobs_mutex_);
      jobs_cv_.wait(lock, [this] { return !jobs_.empty() || jobs_closed_; });
      if (jobs_.empty()) return;
      c = jobs_.front();
      jobs_.pop_front();
    }
    Serve(*c);
  }
}

// Answers the complete request at the front of c.in, and the ones pipelined
// behind it that are complete too, then hands the connection back.
void HttpServer::Impl::Serve(Connection& c) {
  const auto request_timeout = seconds(std::max(0, options_.request_timeout_seconds));
  const int max_requests = std::max(1, options_.keep_alive_max_requests);
  for (int turn = 1;; ++turn) {
    const bool chunked = c.scan.chunked;
    const uint64_t limit = chunked ? c.scan.head_bytes + chunked_allowance_ : c.scan.total_bytes();
    ConnectionStream stream(c, limit, chunked, c.request_started + request_timeout);
    RequestOutcome outcome;
    tls_outcome = &outcome;
    const bool close = stopping_.load(std::memory_order_relaxed) || c.served + 1 >= max_requests || c.peer_closed;
    bool closed = false;
    // A Content-Length body is already here: "100 Continue" was written by
    // the event thread if the client waits for it, and must not be again.
    const bool ok = engine_.process_request(stream, close, closed, chunked ? no_setup_ : drop_expect_);
    tls_outcome = nullptr;
    ++c.served;
    // The request's bytes go, read or not (a bodiless GET with a body, an
    // error answered before the body was read), except for a chunked body:
    // it ends where httplib stopped reading.
    c.in.Consume(chunked ? stream.consumed() : static_cast<size_t>(std::min<uint64_t>(limit, c.in.size())));
    c.scan = RequestScan{};
    c.continue_sent = false;
    if (outcome.drop) {
      c.out.Truncate(c.out.size() - std::min(c.out.size(), stream.written()));
      c.close_after_write = true;
      c.linger = !c.in.empty();
    } else if (!ok || closed || close || outcome.body_unread) {
      c.close_after_write = true;
      c.linger = !c.in.empty() || outcome.body_unread || !ok;
    }
    if (c.failed) break;
    if (outcome.delay_ms > 0 && !outcome.drop) {
      c.delay_ms = outcome.delay_ms;
      break;
    }
    if (!Flush(c)) {
      c.failed = true;
      break;
    }
    if (!c.out.empty() || c.close_after_write) break;
    if (c.in.empty() || turn >= kRequestsPerTurn || stopping_.load(std::memory_order_relaxed)) break;
    // A pipelined request: answered here if it is all in the buffer.
    c.in.Consume(LeadingEmptyLines(c.in.view()));
    if (c.in.empty()) break;
    ScanRequest(c.in.view(), limits_, c.scan);
    if (c.scan.state != RequestScan::State::kComplete) break;
    c.request_started = Clock::now();
  }
  HandBack(&c);
}

void HttpServer::Impl::HandBack(Connection* c) {
  // The common case, an answer written whole on a connection kept alive with
  // nothing more buffered, needs nothing from the event thread until the
  // client's next bytes wake it anyway: it is handed back quietly, without
  // waking the event thread (one thread hop less per request). Anything
  // else (a close, bytes left to write or to read, a held answer) wakes it.
  const bool urgent = c->failed || c->close_after_write || c->delay_ms > 0 || !c->out.empty() ||
                      !c->in.empty() || c->read_socket || stopping_.load(std::memory_order_relaxed);
  bool wake = false;
  {
    std::lock_guard<std::mutex> lock(done_mutex_);
    done_.push_back(c);
    if (urgent || c->event_while_busy) {
      done_urgent_ = true;
      wake = loop_sleeping_;
      loop_sleeping_ = false;
    }
    c->event_while_busy = false;
  }
  if (wake) {
    uint64_t one = 1;
    [[maybe_unused]] ssize_t n = ::write(wake_fd_, &one, sizeof one);
  }
}

}  // namespace pcsim::http
