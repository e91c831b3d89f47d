// pcsim serve: the sandbox behind a socket until SIGINT or SIGTERM.
#include <pthread.h>
#include <sys/resource.h>

#include <csignal>
#include <iostream>
#include <memory>
#include <optional>
#include <string>
#include <utility>

#include "simulator/api/control_guard.h"
#include "simulator/api/router.h"
#include "simulator/catalog/catalog.h"
#include "simulator/http/http_server.h"
#include "simulator/model/data_file.h"
#include "simulator/persist/state_inputs.h"
#include "simulator/persist/state_store.h"
#include "simulator/policy/policy.h"
#include "simulator/replay/runner.h"
#include "tools/pcsim/commands.h"

namespace pcsim::tools {
namespace {

int ServeUsageError(const std::string& message) {
  std::cerr << "pcsim serve: " << message << "\n";
  return 2;
}

// An error in the content of FILE reads "FILE:LINE:COLUMN: reason (at PATH)"
// and is printed as it is, where editors and CI logs find the place.
int ServeFileError(const std::string& flag, const std::string& file, const Status& status) {
  if (status.description().rfind(file + ":", 0) != 0) return ServeUsageError(flag + ": " + status.description());
  std::cerr << status.description() << "\n";
  return 2;
}

// Each connection is a descriptor: the soft open-file limit (often 1024)
// goes up to the hard one, so that the connection cap can be reached.
void RaiseOpenFileLimit() {
  rlimit limit{};
  if (getrlimit(RLIMIT_NOFILE, &limit) != 0 || limit.rlim_cur == limit.rlim_max) return;
  // An unlimited hard limit is no valid soft one: the kernel takes up to its
  // nr_open (2^20 unless changed).
  for (rlim_t soft : {limit.rlim_max, rlim_t{1} << 20, rlim_t{65536}}) {
    if (soft == RLIM_INFINITY || soft <= limit.rlim_cur) continue;
    rlimit raised{soft, limit.rlim_max};
    if (setrlimit(RLIMIT_NOFILE, &raised) == 0) return;
  }
}

// Serve's steps. Each that can fail returns the exit code when it does, and
// nullopt when serving goes on.

// A built-in policy, or a policy file read once: its text is what the state
// dir's fingerprint hashes. Data files are regular files of bounded size (a
// FIFO or a device is refused at once).
std::optional<int> LoadPolicy(ServeFlags& flags, std::string* policy_text) {
  std::optional<Policy> policy;
  if (const Policy* builtin = Policy::Builtin(flags.policy)) {
    policy = *builtin;
  } else {
    auto text = ReadDataFile(flags.policy, Policy::kMaxFileBytes);
    if (!text.ok()) {
      const std::string& why = text.status().description();
      if (why.rfind("cannot read the file", 0) == 0)
        return ServeUsageError("--policy: \"" + flags.policy + "\" is not a built-in policy (" +
                               Policy::BuiltinNamesText() + ") nor a readable policy file: " + why);
      return ServeUsageError("--policy: " + flags.policy + ": " + why);
    }
    *policy_text = std::move(*text);
    auto parsed = Policy::FromJson(*policy_text, flags.policy);
    if (!parsed.ok()) return ServeFileError("--policy", flags.policy, parsed.status());
    policy = std::move(*parsed);
  }
  for (const auto& [key, value] : flags.overrides) {
    Status status = policy->Override(key, value);
    if (!status.ok()) return ServeUsageError("--policy-override " + key + ": " + status.description());
  }
  flags.router.sandbox.policy = std::move(*policy);
  return std::nullopt;
}

std::optional<int> LoadCatalog(ServeFlags& flags, std::string* catalog_text) {
  if (!flags.catalog_path.empty()) {
    auto text = ReadDataFile(flags.catalog_path);
    if (!text.ok()) return ServeUsageError("--catalog: " + flags.catalog_path + ": " + text.status().description());
    *catalog_text = std::move(*text);
    auto catalog = Catalog::FromJson(*catalog_text, flags.catalog_path);
    if (!catalog.ok()) return ServeFileError("--catalog", flags.catalog_path, catalog.status());
    flags.router.sandbox.catalog = *catalog;
  }
  return std::nullopt;
}

// The control plane (/_sim/). A bound address other than loopback is a name
// clients may use; a wildcard (0.0.0.0, ::) names no host, so the names
// clients use are given with --allow-host.
std::optional<int> GuardControlPlane(ServeFlags& flags) {
  std::string bound = flags.http.host;
  if (bound.find(':') != std::string::npos && bound.front() != '[') bound = "[" + bound + "]";
  auto bound_host = api::HostOf(bound);
  const bool loopback = bound_host && api::IsLoopbackHost(*bound_host);
  if (bound_host && !loopback && *bound_host != "0.0.0.0" && *bound_host != "[::]")
    flags.router.allowed_hosts.push_back(*bound_host);
  // In strict auth the control plane issues the only accepted tokens: it is
  // never left open.
  if (flags.router.auth == api::AuthMode::Strict && flags.router.control_token.empty())
    flags.generate_control_token = true;
  if (flags.generate_control_token) {
    auto token = api::GenerateControlToken();
    if (!token.ok()) return ServeUsageError("--control-token: " + token.status().description());
    flags.router.control_token = *token;
  }
  if (!loopback && flags.router.control_token.empty())
    std::cerr << "pcsim serve: warning: " << flags.http.host
              << " is reachable from other machines and the control API (/_sim/) needs no token; "
                 "start with --control-token generate to guard it"
              << std::endl;
  return std::nullopt;
}

// Blocks the stop signals before any thread starts, so every thread inherits
// the mask and only sigwait() in Serve receives them.
sigset_t BlockStopSignals() {
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGINT);
  sigaddset(&stop_signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);
  std::signal(SIGPIPE, SIG_IGN);
  return stop_signals;
}

// With --state-dir: opens the dir and restores its state into `router`.
std::optional<int> OpenStateStore(const ServeFlags& flags, const std::string& policy_text,
                                  const std::string& catalog_text, api::Router& router,
                                  std::unique_ptr<persist::StateStore>* store) {
  if (flags.state_dir.empty()) return std::nullopt;
  persist::StateStoreOptions options;
  options.dir = flags.state_dir;
  options.fingerprint =
      persist::StateInputs::Of(flags.router, flags.policy, policy_text, flags.overrides, catalog_text).Fingerprint();
  options.version = kVersion;
  options.snapshot_every = flags.snapshot_every;
  options.warn = [](const std::string& message) { std::cerr << message << std::endl; };
  auto opened = persist::StateStore::Open(std::move(options), router);
  if (!opened.ok()) return ServeUsageError("--state-dir: " + opened.status().description());
  *store = std::move(*opened);
  const auto& stats = (*store)->stats();
  if (stats.replayed_commands > 0)
    std::cerr << "pcsim: restored " << flags.state_dir << ": " << stats.replayed_commands << " commands replayed"
              << std::endl;
  return std::nullopt;
}

// Once listening: the generated control token, a connection cap lowered by
// the open-file limit, and the ready line.
void AnnounceReady(const ServeFlags& flags, const http::HttpServer& server, const std::string& now) {
  // A generated token goes to stderr only (never to the ready line, a log or
  // the state dir): the one way to learn it is to have started the server.
  if (flags.generate_control_token) std::cerr << "pcsim control token: " << flags.router.control_token << std::endl;
  if (server.max_connections() < flags.http.max_connections) {
    rlimit limit{};
    getrlimit(RLIMIT_NOFILE, &limit);
    std::cerr << "pcsim serve: at most " << server.max_connections()
              << " connections: the open-file limit is " << limit.rlim_cur << std::endl;
  }
  std::cout << "pcsim listening on " << server.BaseUrl() << " (clock " << now << ")" << std::endl;
}

// The snapshot on a clean stop: the exit code.
int CloseStateStore(persist::StateStore* store) {
  if (Status status = store->Close(); !status.ok()) {
    std::cerr << "pcsim serve: --state-dir: the snapshot was not written (the journal is intact): "
              << status.description() << "\n";
    return 1;
  }
  return 0;
}

}  // namespace

int Serve(ServeFlags flags) {
  std::string policy_text, catalog_text;
  if (std::optional<int> exit = LoadPolicy(flags, &policy_text)) return *exit;
  if (std::optional<int> exit = LoadCatalog(flags, &catalog_text)) return *exit;
  if (std::optional<int> exit = GuardControlPlane(flags)) return *exit;
  sigset_t stop_signals = BlockStopSignals();

  api::Router router(flags.router);
  replay::RegisterScenarioRoutes(router);
  std::unique_ptr<persist::StateStore> store;
  if (std::optional<int> exit = OpenStateStore(flags, policy_text, catalog_text, router, &store)) return *exit;
  const std::string now = router.sandbox().Now().ToString();
  RaiseOpenFileLimit();
  http::HttpServer server(router, flags.http);
  if (Status status = server.Start(); !status.ok()) {
    std::cerr << "pcsim serve: " << status.description() << "\n";
    return 2;
  }
  AnnounceReady(flags, server, now);

  int signal_number = 0;
  sigwait(&stop_signals, &signal_number);
  server.Stop();
  return store ? CloseStateStore(store.get()) : 0;
}

}  // namespace pcsim::tools
