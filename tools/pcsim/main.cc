// The pcsim command line. Exit codes: 0 success, 1 a check failed, 2 bad
// input or usage.
#include <pthread.h>
#include <sys/resource.h>

#include <algorithm>
#include <charconv>
#include <csignal>
#include <iostream>
#include <limits>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "simulator/api/control_guard.h"
#include "simulator/api/router.h"
#include "simulator/catalog/catalog.h"
#include "simulator/model/data_file.h"
#include "simulator/replay/replay_command.h"
#include "simulator/replay/runner.h"
#include "simulator/commerce/est_report.h"
#include "simulator/replay/scenario_parser.h"
#include "simulator/clock/time.h"
#include "simulator/http/http_server.h"
#include "simulator/persist/state_inputs.h"
#include "simulator/persist/state_store.h"
#include "tools/pcsim/errors_command.h"
#include "tools/pcsim/state_command.h"
#include "simulator/policy/policy.h"

namespace {

constexpr const char* kVersion = "0.1.0";

constexpr const char* kUsage = R"(pcsim: a simulated Microsoft Partner Center.

Usage:
  pcsim serve [OPTIONS]           run the sandbox as an HTTP server until SIGINT/SIGTERM
  pcsim est-report SCENARIO [--at INSTANT] [--compare-to-renewal] [--policy-override KEY=VALUE]
                                  the EST audit download (CSV) of the book a scenario builds
  pcsim replay PATH... [--junit FILE] [--report DIR] [--tag T] [--jobs N] [--policy-override KEY=VALUE]
                                  replay scenario files and folders; exit 0 all passed, 1 a
                                  scenario failed, 2 a file is not a valid scenario
  pcsim policy [NAME|FILE]        print every policy parameter, its values and source
  pcsim errors [--markdown]       print every error pcsim answers with: status, code, description,
                                  source page, when (--markdown: docs/errors.md)
  pcsim check-catalog FILE        validate a catalog file (exit 2 with the reason if invalid)
  pcsim check-policy FILE         validate a policy file (exit 2 with the reason if invalid)
  pcsim state check DIR           check a --state-dir: damage with its offset, a replay of every command
  pcsim state repair DIR --to NEWDIR
                                  copy every command before the damage into NEWDIR (DIR is never changed)
  pcsim --version                 print the version
  pcsim --help                    print this help

Options of serve:
  --host HOST                     address to bind (default 127.0.0.1)
  --port N                        port to bind (default 8080; 0 picks a free port)
  --start INSTANT                 simulated start, RFC 3339 or a date (default 2026-01-01T00:00:00Z)
  --policy NAME|FILE              the policy (default microsoft)
  --policy-override KEY=VALUE     replace one policy parameter (repeatable)
  --catalog FILE                  the catalog (default: the embedded one)
  --environment production|sandbox
  --seed N                        the seed of every random choice (default 1)
  --state-dir DIR                 keep the state in DIR across restarts and crashes (created when
                                  missing; restart with the same options)
  --snapshot-every N              with --state-dir: compact the journal into the snapshot every N
                                  records (default 10000; also on SIGINT/SIGTERM)
  --auth lenient|strict           which bearer tokens are accepted (default lenient)
  --threads N                     worker threads: requests run at once (default 8); idle and
                                  slow connections take none
  --max-connections N             open connections at most (default 4096, lowered to fit the
                                  open-file limit, which serve raises to its hard limit); at the
                                  cap the longest-idle connection is closed, or a new one gets 503
  --max-body-bytes N              larger request bodies get 413 (default 1048576)
  --max-advance-events N          one clock advance may fire at most N events (charge cycles,
                                  term ends, ...); more is refused with 400 and changes nothing
                                  (default 1000000; 0: no limit)
  --max-advance-years N           one clock advance may move the clock by at most N simulated
                                  years (default 100; 0: no limit)
  --rate-limit N                  admit N requests per simulated minute per partner to the
                                  subscription and to the order routes, then 429 + Retry-After
                                  (Partner Center's documented limit is 500; default: no limit)
  --control-token TOKEN|generate  every /_sim/ request must send X-Pcsim-Control-Token: TOKEN
                                  (or Authorization: Bearer TOKEN), else 401; "generate" makes
                                  a random one and prints "pcsim control token: TOKEN" on stderr.
                                  With --auth strict one is always required (generated if not given)
  --allow-host NAME               accept /_sim/ requests addressed to NAME (Host, Origin) besides
                                  localhost, 127.0.0.1 and [::1] (repeatable; a non-loopback --host
                                  is accepted too)

Requests over the transport's limits get Partner Center's error body and a closed connection:
a head over 64 KiB or with over 100 headers (431), a target over 8 KiB (414), control
characters or malformed lines in the head (400), a request not complete 10 s after its first
byte (408). An idle connection is closed after 5 s.
When ready it prints one line: pcsim listening on http://HOST:PORT (clock NOW)
)";

int ReadFile(const std::string& path, std::string* out, size_t max_bytes = pcsim::kMaxDataFileBytes) {
  auto text = pcsim::ReadDataFile(path, max_bytes);
  if (!text.ok()) {
    std::cerr << "pcsim: " << path << ": " << text.status().description() << "\n";
    return 2;
  }
  *out = std::move(*text);
  return 0;
}

int PrintPolicy(const std::string& name) {
  auto policy = pcsim::Policy::Load(name);
  if (!policy.ok()) {
    // A located error ("FILE:LINE:COLUMN: reason") starts the line, as a compiler's does.
    const std::string& text = policy.status().description();
    std::cerr << (text.rfind(name + ":", 0) == 0 ? "" : "pcsim: ") << text << "\n";
    return 2;
  }
  std::cout << "policy " << policy->name() << "\n";
  for (size_t i = 0; i < static_cast<size_t>(pcsim::PolicyKey::kCount); ++i) {
    auto key = static_cast<pcsim::PolicyKey>(i);
    const auto& param = policy->Parameter(key);
    std::cout << pcsim::InfoOf(key).name << " =";
    for (const auto& v : param.values) {
      if (param.values.size() > 1) std::cout << " [from " << v.from.ToString() << "]";
      std::cout << " " << pcsim::Policy::ToText(v.value);
    }
    std::cout << "    # " << param.source << "\n";
  }
  return 0;
}


template <typename T>
std::optional<T> ParseNumber(const std::string& text, T min, T max) {
  T value{};
  const char* end = text.data() + text.size();
  auto [ptr, ec] = std::from_chars(text.data(), end, value);
  if (text.empty() || ec != std::errc() || ptr != end || value < min || value > max) return std::nullopt;
  return value;
}

struct ServeFlags {
  pcsim::api::RouterOptions router;
  pcsim::http::HttpServerOptions http;
  std::string policy = "microsoft";
  std::vector<std::pair<std::string, std::string>> overrides;
  std::string catalog_path;
  std::string state_dir;
  bool generate_control_token = false;
  uint64_t snapshot_every = 10000;
};

int ServeUsageError(const std::string& message) {
  std::cerr << "pcsim serve: " << message << "\n";
  return 2;
}

// An error in the content of FILE reads "FILE:LINE:COLUMN: reason (at PATH)"
// and is printed as it is, where editors and CI logs find the place.
int ServeFileError(const std::string& flag, const std::string& file, const pcsim::Status& status) {
  if (status.description().rfind(file + ":", 0) != 0) return ServeUsageError(flag + ": " + status.description());
  std::cerr << status.description() << "\n";
  return 2;
}

// Parses the serve flags ("--flag VALUE" or "--flag=VALUE"): 0 to serve, -1
// after printing the help, else the exit code of a usage error.
int ParseServeFlags(const std::vector<std::string>& args, ServeFlags* flags) {
  flags->http.port = 8080;
  for (size_t i = 1; i < args.size(); ++i) {
    std::string flag = args[i];
    if (flag == "--help" || flag == "-h") {
      std::cout << kUsage;
      return -1;
    }
    std::optional<std::string> value;
    if (size_t eq = flag.find('='); flag.rfind("--", 0) == 0 && eq != std::string::npos) {
      value = flag.substr(eq + 1);
      flag = flag.substr(0, eq);
    }
    static const std::vector<std::string> kFlags = {
        "--host", "--port",     "--start", "--policy",  "--policy-override", "--catalog", "--environment",
        "--seed", "--state-dir", "--snapshot-every", "--auth", "--threads", "--max-connections",
        "--max-body-bytes", "--rate-limit", "--max-advance-events", "--max-advance-years", "--control-token",
        "--allow-host"};
    if (std::find(kFlags.begin(), kFlags.end(), flag) == kFlags.end())
      return ServeUsageError("unknown option \"" + args[i] + "\" (see pcsim --help)");
    if (!value) {
      if (i + 1 >= args.size()) return ServeUsageError(flag + " needs a value");
      value = args[++i];
    }
    const std::string& v = *value;
    if (flag == "--host") {
      if (v.empty()) return ServeUsageError("--host needs a non-empty address");
      flags->http.host = v;
    } else if (flag == "--port") {
      auto port = ParseNumber<int>(v, 0, 65535);
      if (!port) return ServeUsageError("--port expects a number from 0 to 65535, got \"" + v + "\"");
      flags->http.port = *port;
    } else if (flag == "--start") {
      auto start = pcsim::Instant::Parse(v);
      if (!start) return ServeUsageError("--start expects an RFC 3339 instant or a date (YYYY-MM-DD), got \"" + v + "\"");
      if (start->date().year() < 1970 || start->date().year() > 9000)
        return ServeUsageError("--start must be between the years 1970 and 9000, got \"" + v + "\"");
      flags->router.sandbox.start = *start;
    } else if (flag == "--policy") {
      flags->policy = v;
    } else if (flag == "--policy-override") {
      size_t eq = v.find('=');
      if (eq == std::string::npos || eq == 0)
        return ServeUsageError("--policy-override expects KEY=VALUE, got \"" + v + "\"");
      flags->overrides.emplace_back(v.substr(0, eq), v.substr(eq + 1));
    } else if (flag == "--catalog") {
      flags->catalog_path = v;
    } else if (flag == "--environment") {
      auto environment = pcsim::ParseEnvironment(v);
      if (!environment) return ServeUsageError("--environment expects production or sandbox, got \"" + v + "\"");
      flags->router.sandbox.environment = *environment;
    } else if (flag == "--seed") {
      auto seed = ParseNumber<uint64_t>(v, 0, std::numeric_limits<uint64_t>::max());
      if (!seed) return ServeUsageError("--seed expects a non-negative integer, got \"" + v + "\"");
      flags->router.sandbox.seed = *seed;
    } else if (flag == "--state-dir") {
      if (v.empty()) return ServeUsageError("--state-dir needs a directory");
      flags->state_dir = v;
    } else if (flag == "--snapshot-every") {
      auto n = ParseNumber<uint64_t>(v, 1, std::numeric_limits<uint64_t>::max());
      if (!n) return ServeUsageError("--snapshot-every expects a positive number of records, got \"" + v + "\"");
      flags->snapshot_every = *n;
    } else if (flag == "--auth") {
      if (v == "lenient") flags->router.auth = pcsim::api::AuthMode::Lenient;
      else if (v == "strict") flags->router.auth = pcsim::api::AuthMode::Strict;
      else return ServeUsageError("--auth expects lenient or strict, got \"" + v + "\"");
    } else if (flag == "--threads") {
      auto threads = ParseNumber<int>(v, 1, 1024);
      if (!threads) return ServeUsageError("--threads expects a number from 1 to 1024, got \"" + v + "\"");
      flags->http.threads = *threads;
    } else if (flag == "--max-connections") {
      auto n = ParseNumber<int>(v, 1, 1'000'000);
      if (!n) return ServeUsageError("--max-connections expects a number from 1 to 1000000, got \"" + v + "\"");
      flags->http.max_connections = *n;
    } else if (flag == "--max-body-bytes") {
      auto bytes = ParseNumber<size_t>(v, 1, size_t{1} << 40);
      if (!bytes) return ServeUsageError("--max-body-bytes expects a positive number of bytes, got \"" + v + "\"");
      flags->http.max_body_bytes = *bytes;
      flags->router.max_body_bytes = *bytes;
    } else if (flag == "--max-advance-events") {
      auto n = ParseNumber<uint64_t>(v, 0, std::numeric_limits<uint64_t>::max());
      if (!n) return ServeUsageError("--max-advance-events expects a number of events (0: no limit), got \"" + v + "\"");
      flags->router.advance.max_events = *n;
    } else if (flag == "--max-advance-years") {
      auto n = ParseNumber<int>(v, 0, 7000);
      if (!n) return ServeUsageError("--max-advance-years expects a number of years from 0 (no limit) to 7000, got \"" + v + "\"");
      flags->router.advance.max_years = *n;
    } else if (flag == "--control-token") {
      if (v == "generate") {
        flags->generate_control_token = true;
        flags->router.control_token.clear();
      } else {
        // Sent in a header: visible ASCII, no spaces.
        bool printable = !v.empty() && v.size() <= 256 &&
                         std::all_of(v.begin(), v.end(), [](char c) { return c > ' ' && c < 0x7f; });
        if (!printable)
          return ServeUsageError("--control-token expects \"generate\" or a token of 1 to 256 visible ASCII "
                                 "characters without spaces");
        flags->generate_control_token = false;
        flags->router.control_token = v;
      }
    } else if (flag == "--allow-host") {
      auto host = pcsim::api::HostOf(v);
      if (!host || v.find(':') != std::string::npos)
        return ServeUsageError("--allow-host expects a host name or an IPv4 address without a port, got \"" + v + "\"");
      flags->router.allowed_hosts.push_back(*host);
    } else if (flag == "--rate-limit") {
      auto n = ParseNumber<int64_t>(v, 1, 1'000'000);
      if (!n) return ServeUsageError("--rate-limit expects requests per minute from 1 to 1000000, got \"" + v + "\"");
      flags->router.rate_limit.enabled = true;
      flags->router.rate_limit.requests_per_minute = *n;
    }
  }
  return 0;
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

// pcsim serve: the sandbox behind a socket until SIGINT or SIGTERM.
int Serve(const std::vector<std::string>& args) {
  ServeFlags flags;
  if (int rc = ParseServeFlags(args, &flags); rc != 0) return rc < 0 ? 0 : rc;

  // A built-in policy, or a policy file read once: its text is what the
  // state dir's fingerprint hashes. Data files are regular files of bounded
  // size (a FIFO or a device is refused at once).
  std::string policy_text;
  std::optional<pcsim::Policy> policy;
  if (const pcsim::Policy* builtin = pcsim::Policy::Builtin(flags.policy)) {
    policy = *builtin;
  } else {
    auto text = pcsim::ReadDataFile(flags.policy, pcsim::Policy::kMaxFileBytes);
    if (!text.ok()) {
      const std::string& why = text.status().description();
      if (why.rfind("cannot read the file", 0) == 0)
        return ServeUsageError("--policy: \"" + flags.policy + "\" is not a built-in policy (" +
                               pcsim::Policy::BuiltinNamesText() + ") nor a readable policy file: " + why);
      return ServeUsageError("--policy: " + flags.policy + ": " + why);
    }
    policy_text = std::move(*text);
    auto parsed = pcsim::Policy::FromJson(policy_text, flags.policy);
    if (!parsed.ok()) return ServeFileError("--policy", flags.policy, parsed.status());
    policy = std::move(*parsed);
  }
  for (const auto& [key, value] : flags.overrides) {
    pcsim::Status status = policy->Override(key, value);
    if (!status.ok()) return ServeUsageError("--policy-override " + key + ": " + status.description());
  }
  flags.router.sandbox.policy = std::move(*policy);
  std::string catalog_text;
  if (!flags.catalog_path.empty()) {
    auto text = pcsim::ReadDataFile(flags.catalog_path);
    if (!text.ok()) return ServeUsageError("--catalog: " + flags.catalog_path + ": " + text.status().description());
    catalog_text = std::move(*text);
    auto catalog = pcsim::Catalog::FromJson(catalog_text, flags.catalog_path);
    if (!catalog.ok()) return ServeFileError("--catalog", flags.catalog_path, catalog.status());
    flags.router.sandbox.catalog = *catalog;
  }

  // The control plane (/_sim/). A bound address other than loopback is a
  // name clients may use; a wildcard (0.0.0.0, ::) names no host, so the
  // names clients use are given with --allow-host.
  std::string bound = flags.http.host;
  if (bound.find(':') != std::string::npos && bound.front() != '[') bound = "[" + bound + "]";
  auto bound_host = pcsim::api::HostOf(bound);
  const bool loopback = bound_host && pcsim::api::IsLoopbackHost(*bound_host);
  if (bound_host && !loopback && *bound_host != "0.0.0.0" && *bound_host != "[::]")
    flags.router.allowed_hosts.push_back(*bound_host);
  // In strict auth the control plane issues the only accepted tokens: it is
  // never left open.
  if (flags.router.auth == pcsim::api::AuthMode::Strict && flags.router.control_token.empty())
    flags.generate_control_token = true;
  if (flags.generate_control_token) {
    auto token = pcsim::api::GenerateControlToken();
    if (!token.ok()) return ServeUsageError("--control-token: " + token.status().description());
    flags.router.control_token = *token;
  }
  if (!loopback && flags.router.control_token.empty())
    std::cerr << "pcsim serve: warning: " << flags.http.host
              << " is reachable from other machines and the control API (/_sim/) needs no token; "
                 "start with --control-token generate to guard it"
              << std::endl;

  // Block the stop signals before any thread starts, so every thread inherits
  // the mask and only sigwait() below receives them.
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGINT);
  sigaddset(&stop_signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);
  std::signal(SIGPIPE, SIG_IGN);

  pcsim::api::Router router(flags.router);
  pcsim::replay::RegisterScenarioRoutes(router);
  std::unique_ptr<pcsim::persist::StateStore> store;
  if (!flags.state_dir.empty()) {
    pcsim::persist::StateStoreOptions options;
    options.dir = flags.state_dir;
    options.fingerprint = pcsim::persist::StateInputs::Of(flags.router, flags.policy, policy_text, flags.overrides,
                                                          catalog_text)
                              .Fingerprint();
    options.version = kVersion;
    options.snapshot_every = flags.snapshot_every;
    options.warn = [](const std::string& message) { std::cerr << message << std::endl; };
    auto opened = pcsim::persist::StateStore::Open(std::move(options), router);
    if (!opened.ok()) return ServeUsageError("--state-dir: " + opened.status().description());
    store = std::move(*opened);
    const auto& stats = store->stats();
    if (stats.replayed_commands > 0)
      std::cerr << "pcsim: restored " << flags.state_dir << ": " << stats.replayed_commands << " commands replayed"
                << std::endl;
  }
  const std::string now = router.sandbox().Now().ToString();
  RaiseOpenFileLimit();
  pcsim::http::HttpServer server(router, flags.http);
  if (pcsim::Status status = server.Start(); !status.ok()) {
    std::cerr << "pcsim serve: " << status.description() << "\n";
    return 2;
  }
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

  int signal_number = 0;
  sigwait(&stop_signals, &signal_number);
  server.Stop();
  if (store) {
    if (pcsim::Status status = store->Close(); !status.ok()) {
      std::cerr << "pcsim serve: --state-dir: the snapshot was not written (the journal is intact): "
                << status.description() << "\n";
      return 1;
    }
  }
  return 0;
}

// pcsim est-report SCENARIO [--at INSTANT] [--compare-to-renewal]
// [--policy-override KEY=VALUE]: the EST audit download of the book a
// scenario's steps build, at an instant.
int EstReport(const std::vector<std::string>& args) {
  std::string file;
  std::optional<pcsim::Instant> at;
  bool compare = false;
  pcsim::replay::RunOptions options;
  options.skip_expectations = true;
  options.policy_files = true;
  for (size_t i = 1; i < args.size(); ++i) {
    const std::string& a = args[i];
    if (a == "--compare-to-renewal") {
      compare = true;
    } else if (a == "--at" || a == "--policy-override") {
      if (i + 1 >= args.size()) {
        std::cerr << "pcsim est-report: " << a << " needs a value\n";
        return 2;
      }
      std::string v = args[++i];
      if (a == "--at") {
        at = pcsim::Instant::Parse(v);
        if (!at) {
          std::cerr << "pcsim est-report: --at \"" << v << "\" is not an RFC 3339 instant or a date\n";
          return 2;
        }
      } else {
        size_t eq = v.find('=');
        if (eq == std::string::npos || eq == 0) {
          std::cerr << "pcsim est-report: --policy-override expects KEY=VALUE\n";
          return 2;
        }
        options.policy_overrides.emplace_back(v.substr(0, eq), v.substr(eq + 1));
      }
    } else if (a.rfind("--", 0) == 0 || !file.empty()) {
      std::cerr << "pcsim est-report: unexpected argument " << a
                << "\nusage: pcsim est-report SCENARIO [--at INSTANT] [--compare-to-renewal] [--policy-override KEY=VALUE]\n";
      return 2;
    } else {
      file = a;
    }
  }
  if (file.empty()) {
    std::cerr << "usage: pcsim est-report SCENARIO [--at INSTANT] [--compare-to-renewal] [--policy-override KEY=VALUE]\n";
    return 2;
  }
  auto parsed = pcsim::replay::ParseScenarioFile(file);
  if (auto* e = std::get_if<pcsim::replay::ScenarioError>(&parsed)) {
    std::cerr << e->ToString() << "\n";
    return 2;
  }
  auto result = pcsim::replay::RunScenario(std::get<pcsim::replay::Scenario>(parsed), options);
  if (result.outcome != pcsim::replay::Outcome::Passed) {
    std::cerr << result.message << "\n";
    return result.outcome == pcsim::replay::Outcome::Invalid ? 2 : 1;
  }
  const pcsim::Sandbox& sandbox = result.router->sandbox();
  if (at) {
    if (*at < sandbox.Now()) {
      std::cerr << "pcsim est-report: --at " << at->ToString() << " is before the end of the scenario's steps ("
                << sandbox.Now().ToString() << ")\n";
      return 2;
    }
    pcsim::api::Response advanced = result.router->Handle(pcsim::api::MakeRequest(
        "POST", "/_sim/clock/advance", "{\"to\": \"" + at->ToString() + "\"}", {}));
    if (advanced.status != 200) {
      std::cerr << "pcsim est-report: --at " << at->ToString() << ": " << advanced.body << "\n";
      return 2;
    }
  }
  auto csv = pcsim::EstAuditCsv(result.router->sandbox(), compare);
  if (!csv.ok()) {
    std::cerr << "pcsim est-report: " << csv.status().description() << "\n";
    return 2;
  }
  std::cout << *csv;
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  if (args.empty() || args[0] == "--help" || args[0] == "-h" || args[0] == "help") {
    std::cout << kUsage;
    return args.empty() ? 2 : 0;
  }
  if (args[0] == "--version") {
    std::cout << "pcsim " << kVersion << "\n";
    return 0;
  }
  if (args[0] == "serve") return Serve(args);
  if (args[0] == "est-report") return EstReport(args);
  if (args[0] == "state") return pcsim::tools::StateCommand(args, kVersion);
  if (args[0] == "replay") return pcsim::replay::ReplayCommand({args.begin() + 1, args.end()}, std::cout, std::cerr);
  if (args[0] == "errors") {
    if (args.size() > 2 || (args.size() == 2 && args[1] != "--markdown")) {
      std::cerr << "pcsim errors: expected no argument or --markdown\n";
      return 2;
    }
    std::cout << (args.size() == 2 ? pcsim::tools::ErrorCatalogueMarkdown() : pcsim::tools::ErrorCatalogueText());
    return 0;
  }
  if (args[0] == "policy") {
    if (args.size() > 2) {
      std::cerr << "pcsim policy: expected at most one NAME or FILE\n";
      return 2;
    }
    return PrintPolicy(args.size() == 2 ? args[1] : "microsoft");
  }
  if (args[0] == "check-catalog" || args[0] == "check-policy") {
    if (args.size() != 2) {
      std::cerr << "pcsim " << args[0] << ": expected one FILE\n";
      return 2;
    }
    std::string text;
    const size_t max_bytes = args[0] == "check-policy" ? pcsim::Policy::kMaxFileBytes : pcsim::kMaxDataFileBytes;
    if (int rc = ReadFile(args[1], &text, max_bytes); rc != 0) return rc;
    pcsim::Status status;
    if (args[0] == "check-catalog") {
      auto c = pcsim::Catalog::FromJson(text, args[1]);
      if (!c.ok()) status = c.status();
      else std::cout << args[1] << ": valid catalog with " << (*c)->offers().size() << " offers\n";
    } else {
      auto p = pcsim::Policy::FromJson(text, args[1]);
      if (!p.ok()) status = p.status();
      else std::cout << args[1] << ": valid policy \"" << p->name() << "\"\n";
    }
    if (!status.ok()) {
      std::cerr << status.description() << "\n";
      return 2;
    }
    return 0;
  }
  std::cerr << "pcsim: unknown command \"" << args[0] << "\"\n\n" << kUsage;
  return 2;
}
