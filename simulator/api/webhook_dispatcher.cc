#include "simulator/api/webhook_dispatcher.h"

#include <utility>

#include "simulator/api/webhook_signer.h"
#include "simulator/api/webhooks.h"

namespace pcsim::api {

std::string_view ToString(WebhookDeliveryState s) {
  switch (s) {
    case WebhookDeliveryState::Pending: return "pending";
    case WebhookDeliveryState::Delivered: return "delivered";
    case WebhookDeliveryState::Failed: return "failed";
    case WebhookDeliveryState::Dropped: return "dropped";
  }
  return "pending";
}

WebhookDispatcher::WebhookDispatcher(size_t max_pending, size_t max_journal)
    : max_pending_(max_pending == 0 ? 1 : max_pending), max_journal_(max_journal == 0 ? 1 : max_journal) {}

void WebhookDispatcher::Enqueue(std::vector<WebhookDelivery> deliveries) {
  if (deliveries.empty()) return;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    for (WebhookDelivery& d : deliveries) {
      d.id = next_id_++;
      journal_.push_back(WebhookDeliveryRecord{d, WebhookDeliveryState::Pending, {}});
      if (journal_.size() > max_journal_) journal_.pop_front();
      pending_.push_back(std::move(d));
      if (pending_.size() > max_pending_) {
        if (WebhookDeliveryRecord* r = RecordOf(pending_.front().id)) r->state = WebhookDeliveryState::Dropped;
        pending_.pop_front();
      }
    }
  }
  ready_.notify_all();
}

void WebhookDispatcher::SetSink(WebhookSink sink) {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    sink_ = std::move(sink);
  }
  ready_.notify_all();
}

void WebhookDispatcher::Sign(WebhookDelivery& d) {
  d.headers.clear();
  d.headers.emplace_back("Content-Type", "application/json");
  auto signer = WebhookSigner::ForSeed(d.seed);
  StatusOr<std::string> signature = signer.ok() ? (*signer)->SignBase64(d.body) : StatusOr<std::string>(signer.status());
  // A key that cannot be made leaves the delivery unsigned: the receiver's
  // check fails, as it should, and the journal says why.
  const std::string token = "Signature " + (signature.ok() ? *signature : std::string());
  d.headers.emplace_back(d.signature_in_ms_header ? "x-ms-signature" : "Authorization", token);
  d.headers.emplace_back("X-MS-Certificate-Url", d.certificate_url);
  d.headers.emplace_back("X-MS-Signature-Algorithm", "rsa-sha256");
}

std::optional<WebhookDelivery> WebhookDispatcher::TakeLocked(std::unique_lock<std::mutex>& lock) {
  if (pending_.empty()) return std::nullopt;
  WebhookDelivery d = std::move(pending_.front());
  pending_.pop_front();
  lock.unlock();
  Sign(d);
  lock.lock();
  if (WebhookDeliveryRecord* r = RecordOf(d.id)) r->delivery.headers = d.headers;
  return d;
}

void WebhookDispatcher::DeliverToSink() {
  std::unique_lock<std::mutex> lock(mutex_);
  if (!sink_ || sink_busy_) return;
  sink_busy_ = true;
  while (sink_ && !pending_.empty()) {
    WebhookSink sink = sink_;
    std::optional<WebhookDelivery> d = TakeLocked(lock);
    if (!d) break;
    lock.unlock();
    std::vector<WebhookAttempt> attempts;
    bool delivered = false;
    for (int n = 1; n <= kWebhookAttempts && !delivered; ++n) {
      WebhookAttempt attempt;
      attempt.number = n;
      try {
        attempt.status = sink(*d);
      } catch (const std::exception& e) {
        attempt.error = std::string("the sink threw: ") + e.what();
      }
      delivered = attempt.status >= 200 && attempt.status < 300;
      attempts.push_back(std::move(attempt));
    }
    lock.lock();
    if (WebhookDeliveryRecord* r = RecordOf(d->id)) {
      r->attempts = std::move(attempts);
      r->state = delivered ? WebhookDeliveryState::Delivered : WebhookDeliveryState::Failed;
    }
  }
  sink_busy_ = false;
}

std::optional<WebhookDelivery> WebhookDispatcher::WaitNext() {
  std::unique_lock<std::mutex> lock(mutex_);
  ready_.wait(lock, [&] { return stopped_ || (!sink_ && !pending_.empty()); });
  if (stopped_) return std::nullopt;
  return TakeLocked(lock);
}

void WebhookDispatcher::StopWaiting() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stopped_ = true;
  }
  ready_.notify_all();
}

void WebhookDispatcher::ResumeWaiting() {
  std::lock_guard<std::mutex> lock(mutex_);
  stopped_ = false;
}

void WebhookDispatcher::Record(uint64_t id, WebhookAttempt attempt, bool final) {
  std::lock_guard<std::mutex> lock(mutex_);
  WebhookDeliveryRecord* r = RecordOf(id);
  if (r == nullptr) return;
  const bool delivered = attempt.status >= 200 && attempt.status < 300;
  r->attempts.push_back(std::move(attempt));
  if (delivered) r->state = WebhookDeliveryState::Delivered;
  else if (final) r->state = WebhookDeliveryState::Failed;
}

WebhookDeliveryRecord* WebhookDispatcher::RecordOf(uint64_t id) {
  // Ids grow along the journal: the record sits at a known offset from the front.
  if (journal_.empty() || id < journal_.front().delivery.id) return nullptr;
  const uint64_t at = id - journal_.front().delivery.id;
  if (at >= journal_.size()) return nullptr;
  return &journal_[static_cast<size_t>(at)];
}

std::vector<WebhookDeliveryRecord> WebhookDispatcher::Journal() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return {journal_.begin(), journal_.end()};
}

std::optional<WebhookDeliveryRecord> WebhookDispatcher::FindByCorrelation(std::string_view correlation_id) const {
  std::lock_guard<std::mutex> lock(mutex_);
  for (auto it = journal_.rbegin(); it != journal_.rend(); ++it)
    if (!it->delivery.correlation_id.empty() && EqualsIgnoreCase(it->delivery.correlation_id, correlation_id))
      return *it;
  return std::nullopt;
}

void WebhookDispatcher::Clear() {
  std::lock_guard<std::mutex> lock(mutex_);
  pending_.clear();
  journal_.clear();
}

}  // namespace pcsim::api
