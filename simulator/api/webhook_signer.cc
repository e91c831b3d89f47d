#include "simulator/api/webhook_signer.h"

#include <gnutls/abstract.h>
#include <gnutls/gnutls.h>
#include <gnutls/x509.h>

#include <array>
#include <deque>
#include <utility>

#include "simulator/api/json_support.h"
#include "simulator/model/errors.h"
#include "simulator/model/seeded_random.h"

namespace pcsim::api {
namespace {

// Keys derived from the seed for the key's seed and the serial ("PCSMHook", "PCSMSeri").
constexpr uint64_t kKeySeedKey = 0x504353'4D486F'6F6BULL;
constexpr uint64_t kSerialKey = 0x504353'4D5365'7269ULL;
// Signers kept at once (a reset may change the seed; tests use a few seeds).
constexpr size_t kKeptSigners = 4;
// The certificate's validity: fixed, so that its bytes depend on the seed only.
constexpr time_t kNotBefore = 1577836800;  // 2020-01-01T00:00:00Z
constexpr time_t kNotAfter = 4102444799;   // 2099-12-31T23:59:59Z

Status GnutlsError(std::string_view step, int code) {
  return Error<Err::ServiceError>("The webhook signing key could not be made (" + std::string(step) +
                                  "): " + gnutls_strerror(code));
}

std::string Take(gnutls_datum_t& d) {
  std::string out(reinterpret_cast<const char*>(d.data), d.size);
  gnutls_free(d.data);
  d.data = nullptr;
  d.size = 0;
  return out;
}

}  // namespace

struct WebhookSigner::Keys {
  gnutls_x509_privkey_t x509 = nullptr;
  gnutls_privkey_t key = nullptr;
  gnutls_x509_crt_t crt = nullptr;
  ~Keys() {
    if (crt != nullptr) gnutls_x509_crt_deinit(crt);
    if (key != nullptr) gnutls_privkey_deinit(key);
    if (x509 != nullptr) gnutls_x509_privkey_deinit(x509);
  }
};

WebhookSigner::WebhookSigner(std::unique_ptr<Keys> keys, std::string der, std::string pem)
    : keys_(std::move(keys)), der_(std::move(der)), pem_(std::move(pem)) {}

WebhookSigner::~WebhookSigner() = default;

StatusOr<std::shared_ptr<const WebhookSigner>> WebhookSigner::Make(uint64_t seed) {
  auto keys = std::make_unique<Keys>();
  if (int r = gnutls_x509_privkey_init(&keys->x509); r < 0) return GnutlsError("init", r);
  // 28 bytes of seed: twice the 112-bit security strength of RSA 2048, as
  // FIPS 186-4's provable primes ask.
  std::array<unsigned char, 28> key_seed{};
  for (size_t i = 0; i < key_seed.size(); ++i)
    key_seed[i] = static_cast<unsigned char>(MixBits(seed ^ kKeySeedKey ^ (i / 8 + 1) * 0x9E3779B97F4A7C15ULL) >> (8 * (i % 8)));
  gnutls_keygen_data_st data{GNUTLS_KEYGEN_SEED, key_seed.data(), static_cast<unsigned>(key_seed.size())};
  if (int r = gnutls_x509_privkey_generate2(keys->x509, GNUTLS_PK_RSA, 2048, GNUTLS_PRIVKEY_FLAG_PROVABLE, &data, 1);
      r < 0)
    return GnutlsError("generate", r);
  if (int r = gnutls_privkey_init(&keys->key); r < 0) return GnutlsError("privkey", r);
  if (int r = gnutls_privkey_import_x509(keys->key, keys->x509, 0); r < 0) return GnutlsError("import", r);

  if (int r = gnutls_x509_crt_init(&keys->crt); r < 0) return GnutlsError("certificate", r);
  gnutls_x509_crt_t crt = keys->crt;
  std::array<unsigned char, 8> serial{};
  const uint64_t s = MixBits(seed ^ kSerialKey);
  for (size_t i = 0; i < serial.size(); ++i) serial[i] = static_cast<unsigned char>(s >> (8 * i));
  serial[0] = static_cast<unsigned char>((serial[0] & 0x7F) | 0x01);  // positive, no leading zero
  const char* error_at = nullptr;
  int r = gnutls_x509_crt_set_version(crt, 3);
  if (r >= 0) r = gnutls_x509_crt_set_serial(crt, serial.data(), serial.size());
  if (r >= 0) r = gnutls_x509_crt_set_activation_time(crt, kNotBefore);
  if (r >= 0) r = gnutls_x509_crt_set_expiration_time(crt, kNotAfter);
  if (r >= 0) r = gnutls_x509_crt_set_dn(crt, "CN=pcsim webhook signing,O=pcsim", &error_at);
  if (r >= 0) r = gnutls_x509_crt_set_issuer_dn(crt, "CN=pcsim webhook signing,O=pcsim", &error_at);
  if (r >= 0) r = gnutls_x509_crt_set_key(crt, keys->x509);
  if (r >= 0) r = gnutls_x509_crt_set_basic_constraints(crt, 0, -1);
  if (r >= 0) r = gnutls_x509_crt_set_key_usage(crt, GNUTLS_KEY_DIGITAL_SIGNATURE);
  if (r >= 0) r = gnutls_x509_crt_sign2(crt, crt, keys->x509, GNUTLS_DIG_SHA256, 0);
  if (r < 0) return GnutlsError("certificate", r);
  gnutls_datum_t der{}, pem{};
  if (int e = gnutls_x509_crt_export2(crt, GNUTLS_X509_FMT_DER, &der); e < 0) return GnutlsError("export", e);
  std::string der_bytes = Take(der);
  if (int e = gnutls_x509_crt_export2(crt, GNUTLS_X509_FMT_PEM, &pem); e < 0) return GnutlsError("export", e);
  std::string pem_text = Take(pem);
  return std::shared_ptr<const WebhookSigner>(new WebhookSigner(std::move(keys), std::move(der_bytes), std::move(pem_text)));
}

StatusOr<std::shared_ptr<const WebhookSigner>> WebhookSigner::ForSeed(uint64_t seed) {
  static std::mutex mutex;
  static std::deque<std::pair<uint64_t, std::shared_ptr<const WebhookSigner>>> kept;
  std::lock_guard<std::mutex> lock(mutex);
  for (const auto& [s, signer] : kept)
    if (s == seed) return signer;
  auto made = Make(seed);
  if (!made.ok()) return made.status();
  kept.emplace_back(seed, *made);
  if (kept.size() > kKeptSigners) kept.pop_front();
  return *made;
}

StatusOr<std::string> WebhookSigner::SignBase64(std::string_view data) const {
  gnutls_datum_t in{reinterpret_cast<unsigned char*>(const_cast<char*>(data.data())), static_cast<unsigned>(data.size())};
  gnutls_datum_t sig{};
  std::lock_guard<std::mutex> lock(mutex_);
  if (int r = gnutls_privkey_sign_data(keys_->key, GNUTLS_DIG_SHA256, 0, &in, &sig); r < 0)
    return Error<Err::ServiceError>(std::string("A webhook body could not be signed: ") + gnutls_strerror(r));
  return Base64(Take(sig));
}

}  // namespace pcsim::api
