// The key and certificate that sign webhook deliveries (docs/webhooks.md).
// Partner Center signs each event body with RSA-SHA256 and names the
// certificate to check it with in X-MS-Certificate-Url ("Partner Center
// webhooks"). pcsim does the same with an RSA 2048 key made from the
// sandbox's seed (GnuTLS's provable generation, FIPS 186-4, from a seed: the
// same seed makes the same key, so two replays sign with identical bytes)
// and a self-signed X.509 certificate, O=pcsim, with a fixed serial and
// validity. Only this file and its .cc know GnuTLS.
#pragma once

#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>

#include "simulator/model/status.h"

namespace pcsim::api {

class WebhookSigner {
 public:
  // The signer for `seed`: made on first use (about half a second of key
  // generation), then kept (the last few seeds). Thread-safe. An error only
  // when GnuTLS fails (ServiceError).
  static StatusOr<std::shared_ptr<const WebhookSigner>> ForSeed(uint64_t seed);

  ~WebhookSigner();
  WebhookSigner(const WebhookSigner&) = delete;
  WebhookSigner& operator=(const WebhookSigner&) = delete;

  // The RSA-SHA256 signature (PKCS#1 v1.5) of `data`, base64 with padding.
  // Deterministic: the same key and data give the same bytes.
  StatusOr<std::string> SignBase64(std::string_view data) const;
  // The self-signed certificate holding the public key: DER and PEM.
  const std::string& certificate_der() const { return der_; }
  const std::string& certificate_pem() const { return pem_; }

 private:
  struct Keys;
  explicit WebhookSigner(std::unique_ptr<Keys> keys, std::string der, std::string pem);
  static StatusOr<std::shared_ptr<const WebhookSigner>> Make(uint64_t seed);

  std::unique_ptr<Keys> keys_;
  std::string der_, pem_;
  mutable std::mutex mutex_;  // one signature at a time per key
};

}  // namespace pcsim::api
