// WebhookDispatcher: the deliveries the router makes, between the router and
// whoever delivers them (docs/webhooks.md). The router computes each
// delivery under its lock and enqueues it in the order of the event journal;
// the deliverer takes them in that order outside the router's lock:
//  - in process, a sink the C++ user sets (Router::SetWebhookSink), called by
//    Router::Handle after it released its lock, so a test sees a request's
//    deliveries when Handle returns, in order;
//  - over HTTP, the sender of simulator/http/ (webhook_sender.h), on its own
//    thread, with timeouts and retries.
// Every attempt is kept in a bounded delivery journal (GET
// /_sim/webhooks/deliveries). Neither the queue nor the journal is state: a
// network's answers are not the sandbox's, and a reset empties both.
// Transport-free and thread-safe; no clock is read here.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "simulator/api/http_types.h"
#include "simulator/clock/time.h"

namespace pcsim::api {

struct WebhookDelivery {
  uint64_t id = 0;  // given by Enqueue, from 1
  std::string partner_tenant_id;
  std::string event_name;
  std::string url;
  std::string body;
  Instant at;  // the simulated instant of the change
  std::string correlation_id;  // test-created only
  std::string certificate_url;  // X-MS-Certificate-Url
  bool signature_in_ms_header = false;  // x-ms-signature instead of Authorization
  uint64_t seed = 0;  // of the key that signs it
  // Content-Type and the signature headers; filled when the delivery is
  // taken (signing is kept out of the router's lock).
  HeaderList headers;
};

// One attempt to deliver: the receiver's HTTP status, or an error (no answer).
struct WebhookAttempt {
  int number = 0;  // 1..kWebhookAttempts
  int status = 0;  // 0: no HTTP answer
  std::string error;  // why there was no answer ("connection refused", "timeout", ...)
  int64_t after_ms = 0;  // real milliseconds since the first attempt began (0 in process)
};

enum class WebhookDeliveryState { Pending, Delivered, Failed, Dropped };
std::string_view ToString(WebhookDeliveryState s);  // "pending", "delivered", "failed", "dropped"

struct WebhookDeliveryRecord {
  WebhookDelivery delivery;
  WebhookDeliveryState state = WebhookDeliveryState::Pending;
  std::vector<WebhookAttempt> attempts;
};

// The in-process receiver: given each delivery (body and headers as the
// HTTP receiver gets them), answers an HTTP status; a status that is not
// 2xx is retried at once, up to kWebhookAttempts attempts.
using WebhookSink = std::function<int(const WebhookDelivery&)>;

class WebhookDispatcher {
 public:
  // Deliveries waiting beyond `max_pending` drop the oldest waiting one
  // (journaled as dropped); the journal keeps the last `max_journal`.
  explicit WebhookDispatcher(size_t max_pending = 10000, size_t max_journal = 1000);

  // Appends deliveries in order, numbering them (call under the router's
  // lock, so that the queue's order is the journal's).
  void Enqueue(std::vector<WebhookDelivery> deliveries);
  // Sets (or, with an empty function, removes) the in-process sink.
  void SetSink(WebhookSink sink);
  // Delivers every waiting delivery to the sink, in order, retrying as the
  // sink asks; no-op without a sink, or while another call is delivering
  // (that one delivers what was enqueued meanwhile). Never call under the
  // router's lock.
  void DeliverToSink();

  // --- the HTTP sender -------------------------------------------------------------
  // Blocks until a delivery waits (and no sink is set), then takes it, signed;
  // nullopt once StopWaiting() was called.
  std::optional<WebhookDelivery> WaitNext();
  // Wakes WaitNext() for good (until ResumeWaiting()).
  void StopWaiting();
  void ResumeWaiting();
  // Records an attempt of delivery `id` and, when `final`, its outcome.
  void Record(uint64_t id, WebhookAttempt attempt, bool final);

  // --- reading ---------------------------------------------------------------------
  std::vector<WebhookDeliveryRecord> Journal() const;
  // The journal's record of the test-created delivery `correlation_id`.
  std::optional<WebhookDeliveryRecord> FindByCorrelation(std::string_view correlation_id) const;
  // Forgets the waiting deliveries and the journal (a reset).
  void Clear();

 private:
  // Takes the next waiting delivery (lock held) and signs it (lock released).
  std::optional<WebhookDelivery> TakeLocked(std::unique_lock<std::mutex>& lock);
  WebhookDeliveryRecord* RecordOf(uint64_t id);
  void Sign(WebhookDelivery& delivery);

  const size_t max_pending_, max_journal_;
  mutable std::mutex mutex_;
  std::condition_variable ready_;
  std::deque<WebhookDelivery> pending_;
  std::deque<WebhookDeliveryRecord> journal_;
  uint64_t next_id_ = 1;
  WebhookSink sink_;
  bool sink_busy_ = false;
  bool stopped_ = false;
};

}  // namespace pcsim::api
