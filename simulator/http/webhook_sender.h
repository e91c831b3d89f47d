// WebhookSender: POSTs the router's webhook deliveries to the registered
// URLs (docs/webhooks.md), on its own thread, so that a receiver that
// hangs, refuses or fails never holds a request, the router's lock or the
// simulated clock. Deliveries go one at a time in the dispatcher's order
// (the event journal's); each gets up to 10 attempts ("Partner Center
// webhooks": 10 attempts, then no more), with a bounded connect and read
// timeout and a short doubling pause between attempts (Partner Center
// documents no schedule). Every attempt is recorded in the dispatcher's
// delivery journal. Started and stopped by HttpServer.
// Timeouts and pauses use the steady clock; nothing here reads the sandbox.
#pragma once

#include <atomic>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <thread>

#include "simulator/api/webhook_dispatcher.h"

namespace pcsim::http {

struct WebhookSenderOptions {
  int connect_timeout_ms = 5000;
  int read_timeout_ms = 5000;  // also the write timeout
  // The pause after failed attempt n is first_retry_ms * 2^(n-1), at most
  // max_retry_ms: 100, 200, 400, 800, 1600, 2000... ms (about 13 s over
  // the 9 pauses).
  int first_retry_ms = 100;
  int max_retry_ms = 2000;
};

class WebhookSender {
 public:
  // `dispatcher` must outlive the sender.
  WebhookSender(api::WebhookDispatcher& dispatcher, WebhookSenderOptions options);
  WebhookSender(const WebhookSender&) = delete;
  WebhookSender& operator=(const WebhookSender&) = delete;
  ~WebhookSender();  // Stop()

  void Start();
  // Stops at once: an attempt in flight is cut short (recorded as failed,
  // "the server stopped"); waiting deliveries stay in the dispatcher.
  void Stop();

 private:
  class Attempt;
  void Run();
  void Deliver(const api::WebhookDelivery& delivery);
  // Waits `ms` or until Stop(); false when stopping.
  bool Pause(int ms);

  api::WebhookDispatcher& dispatcher_;
  const WebhookSenderOptions options_;
  std::thread thread_;
  std::atomic<bool> stopping_{false};
  std::mutex mutex_;
  std::condition_variable wake_;
  Attempt* current_ = nullptr;  // the attempt in flight (under mutex_)
};

}  // namespace pcsim::http
