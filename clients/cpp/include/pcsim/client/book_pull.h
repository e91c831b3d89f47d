// Pulling a book from a Partner Center API (pcsim book pull): the partner's
// customers (every page of GET /v1/customers, followed through links.next and
// its MS-ContinuationToken), each customer's profile, subscriptions and
// orders, as a Book at an asOf. Works against pcsim serve and against any
// server that answers Partner Center's routes.
//
// Every request is retried within bounds: 429 and 503 after their
// Retry-After (else with a doubling backoff), 500, 502, 504 and transport
// failures with the backoff. A server that keeps failing, or answers
// something that is not Partner Center's, is a server failure; a refusal of
// the caller (401, 403, 404 of the customer list) or a missing asOf is bad
// input.
#pragma once

#include <chrono>
#include <functional>
#include <optional>
#include <string>

#include "pcsim/client/transport.h"
#include "simulator/clock/time.h"
#include "simulator/commerce/book.h"

namespace pcsim::client {

struct BookPullOptions {
  // Authorization: Bearer TOKEN on every /v1 request.
  std::string bearer_token;
  // X-Pcsim-Control-Token on GET /_sim/clock (a pcsim serve --control-token).
  std::string control_token;
  // The book's asOf. Without it, the server's simulated now if it is pcsim
  // (GET /_sim/clock); a server without that route is bad input.
  std::optional<Instant> as_of;
  // The book's partnerTenantId; empty: the bearer token's tid when it is a
  // JWT, else none (a loader then takes the default partner).
  std::string partner_tenant_id;
  int page_size = 100;  // size= of GET /v1/customers (1 to 500)
  // Attempts per request (the first included), and the waits between them.
  int max_attempts = 6;
  std::chrono::milliseconds first_backoff{500};  // doubles after each failure
  std::chrono::milliseconds max_backoff{30000};
  // A Retry-After longer than this is not waited for: the pull fails.
  std::chrono::milliseconds max_retry_after{std::chrono::minutes(10)};
  // How to wait; empty: std::this_thread::sleep_for. Tests count the waits.
  std::function<void(std::chrono::milliseconds)> sleep;
  // One line per retry and per page, for stderr; empty: quiet.
  std::function<void(const std::string&)> log;
};

enum class PullFailure {
  kNone,
  kBadInput,  // the caller's part: no asOf, refused credentials, not a Partner Center URL
  kServer,    // the server kept failing or answered what is not Partner Center's
};

struct BookPullResult {
  PullFailure failure = PullFailure::kNone;
  std::string error;  // one line, when failure != kNone
  Book book;
  int requests = 0;  // HTTP requests sent, retries included
  int retries = 0;
  int skipped = 0;  // subscriptions neither active nor suspended (listed in book.assumptions)
};

BookPullResult PullBook(Transport& transport, const BookPullOptions& options);

// The client-credentials flow against an identity platform (pcsim serves
// one: docs/auth.md): POST /{tenant}/oauth2/token with grant_type,
// client_id, client_secret and resource, on `authority`'s transport.
struct ClientCredentials {
  std::string tenant;
  std::string client_id;
  std::string client_secret;
  std::string resource = "https://api.partnercenter.microsoft.com";
};
// The access token, or the failure (kBadInput: the authority refused the
// credentials) in `result.failure` and `result.error`.
struct TokenResult {
  PullFailure failure = PullFailure::kNone;
  std::string error;
  std::string access_token;
};
TokenResult ClientCredentialsToken(Transport& authority, const ClientCredentials& credentials,
                                   const BookPullOptions& retry_options);

// The `tid` claim of a JWT bearer token (its payload read, its signature not
// checked); empty when the token is not a JWT or has none.
std::string TenantOfToken(const std::string& token);

}  // namespace pcsim::client
