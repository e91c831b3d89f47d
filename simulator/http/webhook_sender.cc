#include "simulator/http/webhook_sender.h"

#include <httplib.h>

#include <algorithm>
#include <chrono>
#include <string>

#include "simulator/api/webhooks.h"

namespace pcsim::http {

// One HTTP client for one delivery, which Stop() can cut short.
class WebhookSender::Attempt {
 public:
  Attempt(const std::string& origin, const WebhookSenderOptions& options) : client_(origin) {
    client_.set_connection_timeout(std::chrono::milliseconds(options.connect_timeout_ms));
    client_.set_read_timeout(std::chrono::milliseconds(options.read_timeout_ms));
    client_.set_write_timeout(std::chrono::milliseconds(options.read_timeout_ms));
    client_.set_keep_alive(false);
#ifdef CPPHTTPLIB_OPENSSL_SUPPORT
    // The receiver is on this machine (a loopback URL) and, over https,
    // usually has a self-signed certificate.
    client_.enable_server_certificate_verification(false);
#endif
  }
  httplib::Client& client() { return client_; }
  void Cut() { client_.stop(); }

 private:
  httplib::Client client_;
};

namespace {

// "http://127.0.0.1:9000/hook?x=1" -> origin "http://127.0.0.1:9000", target "/hook?x=1".
void SplitUrl(const std::string& url, std::string* origin, std::string* target) {
  const size_t scheme_end = url.find("://");
  const size_t path_start = scheme_end == std::string::npos ? std::string::npos : url.find_first_of("/?#", scheme_end + 3);
  *origin = url.substr(0, path_start);
  *target = path_start == std::string::npos ? "/" : url.substr(path_start);
  if (size_t hash = target->find('#'); hash != std::string::npos) target->resize(hash);
  if (target->empty() || target->front() == '?') target->insert(0, "/");
}

}  // namespace

WebhookSender::WebhookSender(api::WebhookDispatcher& dispatcher, WebhookSenderOptions options)
    : dispatcher_(dispatcher), options_(options) {}

WebhookSender::~WebhookSender() { Stop(); }

void WebhookSender::Start() {
  if (thread_.joinable()) return;
  stopping_ = false;
  dispatcher_.ResumeWaiting();
  thread_ = std::thread([this] { Run(); });
}

void WebhookSender::Stop() {
  if (!thread_.joinable()) return;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stopping_ = true;
    if (current_ != nullptr) current_->Cut();
  }
  wake_.notify_all();
  dispatcher_.StopWaiting();
  thread_.join();
}

void WebhookSender::Run() {
  while (!stopping_) {
    std::optional<api::WebhookDelivery> d = dispatcher_.WaitNext();
    if (!d) break;
    Deliver(*d);
  }
}

bool WebhookSender::Pause(int ms) {
  std::unique_lock<std::mutex> lock(mutex_);
  return !wake_.wait_for(lock, std::chrono::milliseconds(ms), [&] { return stopping_.load(); });
}

void WebhookSender::Deliver(const api::WebhookDelivery& d) {
  std::string origin, target;
  SplitUrl(d.url, &origin, &target);
  httplib::Headers headers;
  std::string content_type = "application/json";
  for (const auto& [name, value] : d.headers) {
    if (name == "Content-Type") content_type = value;
    else headers.emplace(name, value);
  }
  const auto started = std::chrono::steady_clock::now();
  int pause_ms = options_.first_retry_ms;
  for (int n = 1; n <= api::kWebhookAttempts; ++n) {
    api::WebhookAttempt attempt;
    attempt.number = n;
    attempt.after_ms =
        std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - started).count();
    Attempt http(origin, options_);
    {
      std::lock_guard<std::mutex> lock(mutex_);
      if (stopping_) {
        attempt.error = "the server stopped";
        dispatcher_.Record(d.id, std::move(attempt), true);
        return;
      }
      current_ = &http;
    }
    httplib::Result result = http.client().Post(target, headers, d.body, content_type);
    {
      std::lock_guard<std::mutex> lock(mutex_);
      current_ = nullptr;
    }
    if (result) attempt.status = result->status;
    else attempt.error = stopping_ ? "the server stopped" : httplib::to_string(result.error());
    const bool delivered = attempt.status >= 200 && attempt.status < 300;
    const bool final = delivered || n == api::kWebhookAttempts || stopping_;
    dispatcher_.Record(d.id, std::move(attempt), final);
    if (final) return;
    if (!Pause(pause_ms)) return;
    pause_ms = std::min(options_.max_retry_ms, pause_ms * 2);
  }
}

}  // namespace pcsim::http
