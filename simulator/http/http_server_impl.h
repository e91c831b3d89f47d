// Internal to HttpServer (simulator/http/), not part of pcsim's interface:
// the declaration of HttpServer::Impl, shared by the files that define it:
//   http_server.cc  httplib's handlers (Install), Listen, Start, Stop and
//                   the public HttpServer methods;
//   event_loop.cc   the event thread: accepting, reading, refusing,
//                   writing, the timeouts, stopping;
//   workers.cc      the workers and the hand-over of connections between
//                   them and the event thread.
// Includes httplib.h: only the .cc files of simulator/http/ include this.
#pragma once

#include <httplib.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "simulator/api/router.h"
#include "simulator/http/connection.h"
#include "simulator/http/http_server.h"
#include "simulator/http/request_head.h"
#include "simulator/model/status.h"

namespace pcsim::http {

// A connection refused or closed with input still arriving keeps reading
// (and dropping) it this long after its answer, so that the kernel does not
// answer that input with a reset, which can destroy the answer before the
// client reads it.
inline constexpr auto kLingerTime = std::chrono::seconds(2);
// How long Stop() waits for the requests workers are running.
inline constexpr auto kStopGrace = std::chrono::seconds(5);
// Connections answered 503 at the cap also linger, up to this many beyond
// the cap; past that they are closed at once.
inline constexpr int kRefusalOverflow = 64;
// Descriptors the connection cap leaves free: the listening socket, epoll,
// the wake-up eventfd, the spare descriptor, stdio, --state-dir files and
// the lingering refusals above.
inline constexpr long kReservedDescriptors = 128;
// Pipelined requests a worker answers in a row before it hands the
// connection back (and lets the others' requests run).
inline constexpr int kRequestsPerTurn = 16;
// Connections accepted per event-loop turn.
inline constexpr int kAcceptsPerTurn = 64;
// The longest a connection handed back quietly by a worker waits before the
// event thread takes it (its next bytes make it take it at once).
inline constexpr int kQuietHandBackMs = 100;

// What a handler tells the worker about the request it answered: injected
// faults to carry out, and whether the connection must close because the
// body was not read to its end.
struct RequestOutcome {
  int64_t delay_ms = 0;
  bool drop = false;
  bool body_unread = false;
};
// Set by the worker around each request it runs (workers.cc).
extern thread_local RequestOutcome* tls_outcome;

// httplib's server with its request handling open to us: we own the sockets
// and hand it one request at a time on a ConnectionStream.
class Engine : public httplib::Server {
 public:
  using httplib::Server::process_request;
};

class HttpServer::Impl {
 public:
  Impl(api::Router& router, const HttpServerOptions& options);
  ~Impl();
  Impl(const Impl&) = delete;
  Impl& operator=(const Impl&) = delete;

  // Binds, listens and starts the threads.
  Status Start(int* port, int* max_connections);
  void Stop();

 private:
  struct List {
    Connection* head = nullptr;
    Connection* tail = nullptr;
  };

  // http_server.cc.
  void Install();
  Status Listen(int* port);

  // The event thread (event_loop.cc).
  void Run();
  void AcceptAll(TimePoint now);
  void Admit(int fd, const sockaddr_storage& peer, socklen_t peer_length, TimePoint now);
  bool EvictOne();
  void OnEvent(Connection* c, uint32_t events, TimePoint now);
  void Drive(Connection* c, TimePoint now);
  // Drive's steps, in order.
  bool WritePending(Connection* c, TimePoint now);
  bool ReadRequest(Connection* c, TimePoint now);
  void AwaitRequest(Connection* c, TimePoint now);
  void Refuse(Connection* c, int status, const std::string& reason, TimePoint now);
  void Finish(Connection* c, TimePoint now);
  void Drain(Connection* c);
  void Close(Connection* c);
  void Wait(Connection* c, WaitList list, TimePoint since);
  void Unwait(Connection* c);
  void Expire(TimePoint now);
  int NextTimeoutMs(TimePoint now) const;
  void BeginStop(TimePoint now);
  void StopConnection(Connection* c, TimePoint now);
  void SetPending(Connection* c, size_t bytes);
  std::chrono::nanoseconds TimeoutOf(WaitList list) const;

  // The hand-over between the event thread and the workers (workers.cc).
  void Dispatch(Connection* c);
  void SubmitJobs();
  void TakeCompletions(TimePoint now);

  // Workers (workers.cc).
  void WorkerLoop();
  void Serve(Connection& c);
  void HandBack(Connection* c);

  api::Router& router_;
  const HttpServerOptions options_;
  const HeadLimits limits_;
  const uint64_t chunked_allowance_;  // bytes a chunked request may take on the wire
  const size_t max_pending_bytes_;
  int max_connections_ = 0;
  Engine engine_;
  const std::function<void(httplib::Request&)> drop_expect_;
  const std::function<void(httplib::Request&)> no_setup_;
  std::atomic<bool> stopping_{false};

  int listen_fd_ = -1;
  int epoll_fd_ = -1;
  int wake_fd_ = -1;
  int spare_fd_ = -1;  // closed to accept (and refuse) a connection when out of descriptors
  char listen_tag_ = 0, wake_tag_ = 0;
  std::thread event_thread_;
  std::vector<std::thread> workers_;

  // The event thread's state.
  std::vector<Connection*> connections_;
  std::vector<Connection*> graveyard_;  // closed during this turn, freed at its end
  std::vector<Connection*> ready_;      // complete requests for the workers
  List lists_[static_cast<size_t>(WaitList::kCount)];
  std::multimap<TimePoint, Connection*> delays_;
  size_t pending_bytes_ = 0;
  int busy_ = 0;
  bool stop_begun_ = false;
  bool busy_shut_down_ = false;
  TimePoint stop_deadline_;
  TimePoint accept_paused_until_;
  bool accept_paused_ = false;
  char drain_buffer_[16 * 1024];

  // Event thread -> workers.
  std::mutex jobs_mutex_;
  std::condition_variable jobs_cv_;
  std::deque<Connection*> jobs_;
  bool jobs_closed_ = false;

  // Workers -> event thread.
  std::mutex done_mutex_;
  std::vector<Connection*> done_;
  bool done_urgent_ = false;   // done_ holds a connection that needs the event thread now
  bool loop_sleeping_ = false;
};

}  // namespace pcsim::http
