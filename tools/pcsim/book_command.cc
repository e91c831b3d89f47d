// pcsim book pull --base-url URL (--token T | --authority URL --client-id ID
// --client-secret S --tenant T) [--out BOOK.jsonl] [--as-of INSTANT]: walks a
// Partner Center API and writes what it holds as a book (JSON Lines).
#include "tools/pcsim/book_command.h"

#include <unistd.h>

#include <charconv>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <optional>

#include "pcsim/client/book_pull.h"
#include "simulator/api/book_codec.h"
#include "simulator/clock/time.h"

namespace pcsim::tools {
namespace {

constexpr const char* kCommand = "pcsim book pull";

constexpr const char* kPullFooter = R"(Reads GET /v1/customers (every page), then per customer GET /v1/customers/{id}, its
subscriptions and its orders (the unit price an order line carries). Active and suspended
subscriptions make the book; the others are listed in its assumptions. asOf: --as-of, else the
server's simulated now when it is pcsim (GET /_sim/clock); no wall clock is read.
429 and 503 are retried after Retry-After, 500/502/504 and lost connections with a doubling
backoff, at most --max-attempts times per request.
Exit 0: the book is written (to a temporary file, then renamed); 1: the server kept failing or
answered what is not Partner Center's; 2: usage or bad input (no asOf, refused credentials).)";

int Usage(const std::string& message) {
  std::cerr << kCommand << ": " << message << " (see " << kCommand << " --help)\n";
  return 2;
}

std::optional<int> Number(const std::string& text, int min, int max) {
  int value = 0;
  auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (text.empty() || ec != std::errc() || ptr != text.data() + text.size() || value < min || value > max)
    return std::nullopt;
  return value;
}

std::string TrimSlash(std::string url) {
  while (!url.empty() && url.back() == '/') url.pop_back();
  return url;
}

void Add(CLI::App* app, const std::string& name, const std::string& value_name, std::string* into,
         const std::string& help) {
  app->add_option(name, *into, help)
      ->type_name(value_name)
      ->allow_extra_args(false)
      ->multi_option_policy(CLI::MultiOptionPolicy::TakeLast);
}

// Writes `book` to `path` through a temporary file beside it, renamed over
// it once complete: a reader never sees half a book.
bool WriteAtomically(const Book& book, const std::string& path, std::string* error) {
  const std::string tmp = path + ".tmp-" + std::to_string(::getpid());
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    if (!out) {
      *error = "can't write " + tmp;
      return false;
    }
    api::WriteBookJsonLines(book, out);
    out.flush();
    if (!out) {
      *error = "can't write " + tmp;
      std::remove(tmp.c_str());
      return false;
    }
  }
  if (std::rename(tmp.c_str(), path.c_str()) != 0) {
    *error = "can't rename " + tmp + " to " + path;
    std::remove(tmp.c_str());
    return false;
  }
  return true;
}

}  // namespace

void AddBookPull(CLI::App* book, BookPullFlags* f) {
  CLI::App* pull = book->add_subcommand("pull", "walk a Partner Center API (or pcsim serve) and write its book");
  pull->footer(kPullFooter);
  pull->parse_complete_callback([f] { f->selected = true; });
  Add(pull, "--base-url", "URL", &f->base_url, "the API's base URL (http://127.0.0.1:8080)");
  Add(pull, "--token", "T", &f->token, "a bearer token for the API");
  Add(pull, "--authority", "URL", &f->authority,
      "get a token with the client-credentials flow from this identity platform");
  Add(pull, "--client-id", "ID", &f->client_id, "the application id (with --authority)");
  Add(pull, "--client-secret", "S", &f->client_secret,
      "the application secret (with --authority; default $PCSIM_CLIENT_SECRET)");
  Add(pull, "--tenant", "T", &f->tenant, "the partner's tenant id (with --authority)");
  Add(pull, "--control-token", "TOKEN", &f->control_token,
      "pcsim's control token, to read its clock (default $PCSIM_CONTROL_TOKEN)");
  Add(pull, "--out", "BOOK.jsonl", &f->out, "where the book goes (default stdout)");
  Add(pull, "--as-of", "INSTANT", &f->as_of, "the book's instant (default: the server's simulated now, if pcsim)");
  Add(pull, "--partner-tenant", "ID", &f->partner_tenant,
      "the book's partnerTenantId (default: the token's tid, or --tenant)");
  Add(pull, "--page-size", "N", &f->page_size, "customers per page, 1 to 500 (default 100)");
  Add(pull, "--max-attempts", "N", &f->max_attempts, "attempts per request, 1 to 100 (default 6)");
}

int BookPull(const BookPullFlags& flags) {
  if (flags.base_url.empty()) return Usage("--base-url is required");
  client::BookPullOptions options;
  if (!flags.as_of.empty()) {
    options.as_of = Instant::Parse(flags.as_of);
    if (!options.as_of) return Usage("--as-of \"" + flags.as_of + "\" is not an RFC 3339 instant or a date");
  }
  auto page_size = Number(flags.page_size, 1, 500);
  if (!page_size) return Usage("--page-size must be a whole number from 1 to 500");
  auto attempts = Number(flags.max_attempts, 1, 100);
  if (!attempts) return Usage("--max-attempts must be a whole number from 1 to 100");
  options.page_size = *page_size;
  options.max_attempts = *attempts;
  options.log = [](const std::string& line) { std::cerr << kCommand << ": " << line << "\n"; };
  options.control_token = flags.control_token;
  if (options.control_token.empty())
    if (const char* env = std::getenv("PCSIM_CONTROL_TOKEN")) options.control_token = env;
  std::string secret = flags.client_secret;
  if (secret.empty())
    if (const char* env = std::getenv("PCSIM_CLIENT_SECRET")) secret = env;

  const bool credentials = !flags.authority.empty() || !flags.client_id.empty() || !flags.tenant.empty();
  if (!flags.token.empty() && credentials)
    return Usage("give --token, or --authority with --client-id, --client-secret and --tenant, not both");
  if (flags.token.empty() && !credentials)
    return Usage("give --token T, or --authority URL --client-id ID --client-secret S --tenant T");
  if (credentials) {
    if (flags.authority.empty() || flags.client_id.empty() || flags.tenant.empty() || secret.empty())
      return Usage("--authority needs --client-id, --client-secret (or $PCSIM_CLIENT_SECRET) and --tenant");
    client::HttpTransport authority(TrimSlash(flags.authority));
    client::TokenResult token = client::ClientCredentialsToken(
        authority, client::ClientCredentials{flags.tenant, flags.client_id, secret}, options);
    if (token.failure != client::PullFailure::kNone) {
      std::cerr << kCommand << ": " << token.error << "\n";
      return token.failure == client::PullFailure::kBadInput ? 2 : 1;
    }
    options.bearer_token = token.access_token;
    options.partner_tenant_id = flags.tenant;
  } else {
    options.bearer_token = flags.token;
  }
  if (!flags.partner_tenant.empty()) options.partner_tenant_id = flags.partner_tenant;

  client::HttpTransport transport(TrimSlash(flags.base_url));
  client::BookPullResult result = client::PullBook(transport, options);
  if (result.failure != client::PullFailure::kNone) {
    std::cerr << kCommand << ": " << result.error << "\n";
    return result.failure == client::PullFailure::kBadInput ? 2 : 1;
  }
  size_t subscriptions = 0;
  for (const BookCustomer& c : result.book.customers) subscriptions += c.subscriptions.size();
  if (flags.out.empty()) {
    api::WriteBookJsonLines(result.book, std::cout);
    std::cout.flush();
    if (!std::cout) {
      std::cerr << kCommand << ": can't write the book to stdout\n";
      return 2;
    }
  } else {
    std::string error;
    if (!WriteAtomically(result.book, flags.out, &error)) {
      std::cerr << kCommand << ": " << error << "\n";
      return 2;
    }
  }
  std::cerr << kCommand << ": " << result.book.customers.size() << " customers, " << subscriptions
            << " subscriptions (" << result.skipped << " skipped), asOf " << result.book.as_of.ToString() << ", "
            << result.requests << " requests (" << result.retries << " retries)"
            << (flags.out.empty() ? std::string() : ", written to " + flags.out) << "\n";
  return 0;
}

}  // namespace pcsim::tools
