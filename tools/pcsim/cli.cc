// The pcsim command line, parsed with CLI11. Every option takes one value
// ("--flag VALUE" or "--flag=VALUE"), checked when it is read; a repeatable
// option is given once per value. A refused value, an unknown option, a
// missing value or argument is one line on stderr that names it, and exit 2.
#include "tools/pcsim/cli.h"

#include <CLI/CLI.hpp>

#include <algorithm>
#include <charconv>
#include <functional>
#include <iostream>
#include <limits>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "simulator/api/control_guard.h"
#include "simulator/api/router.h"
#include "simulator/clock/time.h"
#include "simulator/replay/replay_command.h"
#include "tools/pcsim/audit_command.h"
#include "tools/pcsim/book_command.h"
#include "tools/pcsim/commands.h"
#include "tools/pcsim/errors_command.h"
#include "tools/pcsim/recon_command.h"

namespace pcsim::tools {
namespace {

// Checks one value and keeps it: "" when it is taken, else why it is refused
// (a message that names the option).
using Setter = std::function<std::string(const std::string&)>;

template <typename T>
std::optional<T> ParseNumber(const std::string& text, T min, T max) {
  T value{};
  const char* end = text.data() + text.size();
  auto [ptr, ec] = std::from_chars(text.data(), end, value);
  if (text.empty() || ec != std::errc() || ptr != end || value < min || value > max) return std::nullopt;
  return value;
}

std::string Quoted(const std::string& value) { return "\"" + value + "\""; }

// The usage shows each option with the name of its value ("--port N"),
// without CLI11's type names, defaults and "..." (the descriptions say them).
class Formatter : public CLI::Formatter {
 public:
  std::string make_option_opts(const CLI::Option* option) const override {
    return option->get_type_name().empty() ? std::string() : " " + option->get_type_name();
  }
};

// --name VALUE: every value given, in order, goes through `set`; a refusal
// ends the parse with its message.
CLI::Option* AddOption(CLI::App* app, const std::string& name, const std::string& value_name, const std::string& help,
                       Setter set) {
  CLI::Option* option = app->add_option_function<std::vector<std::string>>(
      name,
      [set = std::move(set)](const std::vector<std::string>& values) {
        for (const std::string& value : values)
          if (std::string why = set(value); !why.empty()) throw CLI::ValidationError(why);
      },
      help);
  return option->type_name(value_name)->allow_extra_args(false)->multi_option_policy(CLI::MultiOptionPolicy::TakeAll);
}

// --policy-override KEY=VALUE (repeatable), shared by serve, replay and est-report.
void AddPolicyOverride(CLI::App* app, PolicyOverrides* overrides) {
  AddOption(app, "--policy-override", "KEY=VALUE",
            "replace one policy parameter (repeatable; `pcsim policy` lists them)", [overrides](const std::string& v) {
              size_t eq = v.find('=');
              if (eq == std::string::npos || eq == 0) return "--policy-override expects KEY=VALUE, got " + Quoted(v);
              overrides->emplace_back(v.substr(0, eq), v.substr(eq + 1));
              return std::string();
            });
}

// A positional argument: `name` in the usage.
CLI::Option* AddArgument(CLI::App* app, const std::string& name, std::string* into, const std::string& help) {
  return app->add_option(name, *into, help)->type_name("");
}

constexpr const char* kRootFooter = R"(Every command answers --help. Exit codes: 0 success; 1 a check failed (a scenario failed, a state dir
is damaged); 2 bad input or usage (an unknown option or command, a value out of range, a file that
is not valid). docs/control-api.md, "The command line", has them all.)";

constexpr const char* kReplayFooter = R"(Prints one line per scenario (PASS, FAIL with the difference, ERROR), then "N passed, M failed".
Exit 0: every scenario passed; 1: a scenario failed; 2: a file is not a valid scenario, no
scenario carries any of the --tag values, a path does not exist, or a report can't be written.)";

constexpr const char* kEstReportFooter = R"(The scenario's steps run (your book); its expectations are skipped. Exit 0: the CSV is printed;
1: a step failed; 2: the scenario is not valid, or --at is before the end of its steps or before
the audit download is available.)";

constexpr const char* kAuditFooter = R"(Writes DIR/subscriptions.csv, customer-months.csv, summary.json and report.html (and
what-if/NAME/ for each --what-if), through a temporary folder: nothing is left on failure.
Exit 0: written; 2: bad input (the book's file:line and reason, an option). docs/audit.md.)";

constexpr const char* kServeFooter = R"(Requests over the transport's limits get Partner Center's error body and a closed connection:
a head over 64 KiB or with over 100 headers (431), a target over 8 KiB (414), control
characters or malformed lines in the head (400), a request not complete 10 s after its first
byte (408). An idle connection is closed after 5 s.
When ready it prints one line: pcsim listening on http://HOST:PORT (clock NOW)
It stops on SIGINT or SIGTERM (with --state-dir, after writing the snapshot).)";

constexpr const char* kStateFooter = R"(check   reads DIR's snapshot and journal, reports each file's records, a torn
        last record (a write cut short by a crash, never acknowledged: a restart
        drops it) and any damage with its byte offset, then replays the commands
        into a fresh sandbox and checks every recorded answer.
        Exit 0: the dir restores as it is; 1: damage or a replay that differs;
        2: usage, or DIR is not a state dir.
repair  writes NEWDIR (which must not exist) holding every command of DIR up to
        the first damage or the first replay that differs, as a snapshot, and
        says what was left out. DIR is never changed. Exit 0 when NEWDIR is
        written, 2 otherwise.)";

// pcsim serve's options, one group at a time, in the order of its --help.
// Where it listens.
void AddServeBinding(CLI::App* serve, ServeFlags* f) {
  AddOption(serve, "--host", "HOST", "address to bind (default 127.0.0.1)", [f](const std::string& v) {
    if (v.empty()) return std::string("--host needs a non-empty address");
    f->http.host = v;
    return std::string();
  });
  AddOption(serve, "--port", "N", "port to bind (default 8080; 0 picks a free port)", [f](const std::string& v) {
    auto port = ParseNumber<int>(v, 0, 65535);
    if (!port) return "--port expects a number from 0 to 65535, got " + Quoted(v);
    f->http.port = *port;
    return std::string();
  });
}

// What the sandbox is built from: clock, policy, catalog, environment, seed.
void AddServeInputs(CLI::App* serve, ServeFlags* f) {
  AddOption(serve, "--start", "INSTANT", "simulated start, RFC 3339 or a date (default 2026-01-01T00:00:00Z)",
            [f](const std::string& v) {
              auto start = Instant::Parse(v);
              if (!start) return "--start expects an RFC 3339 instant or a date (YYYY-MM-DD), got " + Quoted(v);
              if (start->date().year() < 1970 || start->date().year() > 9000)
                return "--start must be between the years 1970 and 9000, got " + Quoted(v);
              f->router.sandbox.start = *start;
              return std::string();
            });
  AddOption(serve, "--policy", "NAME|FILE", "the policy (default microsoft)", [f](const std::string& v) {
    f->policy = v;
    return std::string();
  });
  AddPolicyOverride(serve, &f->overrides);
  AddOption(serve, "--catalog", "FILE", "the catalog (default: the embedded one)", [f](const std::string& v) {
    f->catalog_path = v;
    return std::string();
  });
  AddOption(serve, "--environment", "production|sandbox",
            "production (default) or sandbox: the integration sandbox's quotas and dates", [f](const std::string& v) {
              auto environment = ParseEnvironment(v);
              if (!environment) return "--environment expects production or sandbox, got " + Quoted(v);
              f->router.sandbox.environment = *environment;
              return std::string();
            });
  AddOption(serve, "--seed", "N", "the seed of every random choice (default 1)", [f](const std::string& v) {
    auto seed = ParseNumber<uint64_t>(v, 0, std::numeric_limits<uint64_t>::max());
    if (!seed) return "--seed expects a non-negative integer, got " + Quoted(v);
    f->router.sandbox.seed = *seed;
    return std::string();
  });
}

// Where the state is kept across restarts.
void AddServeState(CLI::App* serve, ServeFlags* f) {
  AddOption(serve, "--state-dir", "DIR",
            "keep the state in DIR across restarts and crashes (created when\n"
            "missing; restart with the same options)",
            [f](const std::string& v) {
              if (v.empty()) return std::string("--state-dir needs a directory");
              f->state_dir = v;
              return std::string();
            });
  AddOption(serve, "--snapshot-every", "N",
            "with --state-dir: compact the journal into the snapshot every N\n"
            "records (default 10000; also on SIGINT/SIGTERM)",
            [f](const std::string& v) {
              auto n = ParseNumber<uint64_t>(v, 1, std::numeric_limits<uint64_t>::max());
              if (!n) return "--snapshot-every expects a positive number of records, got " + Quoted(v);
              f->snapshot_every = *n;
              return std::string();
            });
}

// Which bearer tokens are accepted.
void AddServeAuth(CLI::App* serve, ServeFlags* f) {
  AddOption(serve, "--auth", "lenient|strict", "which bearer tokens are accepted (default lenient)",
            [f](const std::string& v) {
              if (v == "lenient") f->router.auth = api::AuthMode::Lenient;
              else if (v == "strict") f->router.auth = api::AuthMode::Strict;
              else return "--auth expects lenient or strict, got " + Quoted(v);
              return std::string();
            });
}

// How much work the server and the sandbox take on.
void AddServeLimits(CLI::App* serve, ServeFlags* f) {
  AddOption(serve, "--threads", "N",
            "worker threads: requests run at once (default 8, at most 1024); idle\n"
            "and slow connections take none",
            [f](const std::string& v) {
              auto threads = ParseNumber<int>(v, 1, 1024);
              if (!threads) return "--threads expects a number from 1 to 1024, got " + Quoted(v);
              f->http.threads = *threads;
              return std::string();
            });
  AddOption(serve, "--max-connections", "N",
            "open connections at most (default 4096, lowered to fit the open-file\n"
            "limit, which serve raises to its hard limit); at the cap the\n"
            "longest-idle connection is closed, or a new one gets 503",
            [f](const std::string& v) {
              auto n = ParseNumber<int>(v, 1, 1'000'000);
              if (!n) return "--max-connections expects a number from 1 to 1000000, got " + Quoted(v);
              f->http.max_connections = *n;
              return std::string();
            });
  AddOption(serve, "--max-body-bytes", "N", "larger request bodies get 413 (default 1048576)",
            [f](const std::string& v) {
              auto bytes = ParseNumber<size_t>(v, 1, size_t{1} << 40);
              if (!bytes) return "--max-body-bytes expects a positive number of bytes, got " + Quoted(v);
              f->http.max_body_bytes = *bytes;
              f->router.max_body_bytes = *bytes;
              return std::string();
            });
  AddOption(serve, "--webhook-timeout", "MS",
            "a webhook delivery attempt waits at most MS milliseconds to connect\n"
            "and as long for the answer (default 5000; 1 to 600000)",
            [f](const std::string& v) {
              auto ms = ParseNumber<int>(v, 1, 600'000);
              if (!ms) return "--webhook-timeout expects milliseconds from 1 to 600000, got " + Quoted(v);
              f->http.webhooks.connect_timeout_ms = f->http.webhooks.read_timeout_ms = *ms;
              return std::string();
            });
  AddOption(serve, "--webhook-max-pause", "MS",
            "the pause between webhook delivery attempts doubles from 100 ms up\n"
            "to MS milliseconds (default 2000; 1 to 3600000)",
            [f](const std::string& v) {
              auto ms = ParseNumber<int>(v, 1, 3'600'000);
              if (!ms) return "--webhook-max-pause expects milliseconds from 1 to 3600000, got " + Quoted(v);
              f->http.webhooks.max_retry_ms = *ms;
              f->http.webhooks.first_retry_ms = std::min(f->http.webhooks.first_retry_ms, *ms);
              return std::string();
            });
  AddOption(serve, "--max-advance-events", "N",
            "one clock advance may fire at most N events (charge cycles, term\n"
            "ends, ...); more is refused with 400 and changes nothing\n"
            "(default 1000000; 0: no limit)",
            [f](const std::string& v) {
              auto n = ParseNumber<uint64_t>(v, 0, std::numeric_limits<uint64_t>::max());
              if (!n) return "--max-advance-events expects a number of events (0: no limit), got " + Quoted(v);
              f->router.advance.max_events = *n;
              return std::string();
            });
  AddOption(serve, "--max-advance-years", "N",
            "one clock advance may move the clock by at most N simulated years\n"
            "(default 100; 0: no limit; at most 7000)",
            [f](const std::string& v) {
              auto n = ParseNumber<int>(v, 0, 7000);
              if (!n)
                return "--max-advance-years expects a number of years from 0 (no limit) to 7000, got " + Quoted(v);
              f->router.advance.max_years = *n;
              return std::string();
            });
  AddOption(serve, "--rate-limit", "N",
            "admit N requests per simulated minute per partner to the subscription\n"
            "and to the order routes, then 429 + Retry-After (Partner Center's\n"
            "documented limit is 500; default: no limit)",
            [f](const std::string& v) {
              auto n = ParseNumber<int64_t>(v, 1, 1'000'000);
              if (!n) return "--rate-limit expects requests per minute from 1 to 1000000, got " + Quoted(v);
              f->router.rate_limit.enabled = true;
              f->router.rate_limit.requests_per_minute = *n;
              return std::string();
            });
}

// Contract-drift mode (docs/drift.md): answers grow as Partner Center's do.
void AddServeDrift(CLI::App* serve, ServeFlags* f) {
  serve->add_flag_callback(
      "--drift", [f] { f->router.drift.enabled = true; },
      "contract-drift mode: every /v1 answer gains unknown fields and unseen\n"
      "enum values (docs/drift.md); POST /_sim/drift changes it at run time");
  AddOption(serve, "--drift-seed", "N", "the seed of the drift (default 1; implies --drift)",
            [f](const std::string& v) {
              auto seed = ParseNumber<uint64_t>(v, 0, std::numeric_limits<uint64_t>::max());
              if (!seed) return "--drift-seed expects a non-negative integer, got " + Quoted(v);
              f->router.drift.enabled = true;
              f->router.drift.seed = *seed;
              return std::string();
            });
}

// Who may use the control API (/_sim/).
void AddServeControl(CLI::App* serve, ServeFlags* f) {
  AddOption(serve, "--control-token", "TOKEN|generate",
            "every /_sim/ request must send X-Pcsim-Control-Token: TOKEN (or\n"
            "Authorization: Bearer TOKEN), else 401; \"generate\" makes a random one\n"
            "and prints \"pcsim control token: TOKEN\" on stderr. With --auth strict\n"
            "one is always required (generated if not given). The environment\n"
            "variable PCSIM_CONTROL_TOKEN, read when the option is not given,\n"
            "keeps the token out of the process list",
            [f](const std::string& v) {
              if (v == "generate") {
                f->generate_control_token = true;
                f->router.control_token.clear();
                return std::string();
              }
              // Sent in a header: visible ASCII, no spaces.
              bool printable = !v.empty() && v.size() <= 256 &&
                               std::all_of(v.begin(), v.end(), [](char c) { return c > ' ' && c < 0x7f; });
              if (!printable)
                return std::string(
                    "--control-token expects \"generate\" or a token of 1 to 256 visible ASCII characters without "
                    "spaces");
              f->generate_control_token = false;
              f->router.control_token = v;
              return std::string();
            })
      ->envname("PCSIM_CONTROL_TOKEN");
  AddOption(serve, "--allow-host", "NAME",
            "accept /_sim/ requests addressed to NAME (Host, Origin) besides\n"
            "localhost, 127.0.0.1 and [::1] (repeatable; a non-loopback --host is\n"
            "accepted too)",
            [f](const std::string& v) {
              auto host = api::HostOf(v);
              if (!host || v.find(':') != std::string::npos)
                return "--allow-host expects a host name or an IPv4 address without a port, got " + Quoted(v);
              f->router.allowed_hosts.push_back(*host);
              return std::string();
            });
}

void AddServe(CLI::App* app, ServeFlags* f) {
  CLI::App* serve = app->add_subcommand("serve", "run the sandbox as an HTTP server until SIGINT/SIGTERM");
  serve->footer(kServeFooter);
  AddServeBinding(serve, f);
  AddServeInputs(serve, f);
  AddServeState(serve, f);
  AddServeAuth(serve, f);
  AddServeLimits(serve, f);
  AddServeDrift(serve, f);
  AddServeControl(serve, f);
}

void AddReplay(CLI::App* app, replay::ReplayRequest* r) {
  CLI::App* replay = app->add_subcommand("replay", "replay scenario files and folders");
  replay->footer(kReplayFooter);
  replay->add_option("PATH", r->paths, "scenario files, and folders searched for *.yaml, *.yml and *.json")
      ->type_name("")
      ->required();
  AddOption(replay, "--junit", "FILE", "write JUnit XML, one testcase per scenario", [r](const std::string& v) {
    r->junit = v;
    return std::string();
  });
  AddOption(replay, "--junit-time", "wall|zero",
            "JUnit's time attributes: the wall time each scenario took (wall, the default),\n"
            "or 0.000 everywhere (zero: identical input, byte-identical JUnit)",
            [r](const std::string& v) {
              if (v != "wall" && v != "zero") return "--junit-time must be wall or zero, got " + Quoted(v);
              r->junit_wall_time = v == "wall";
              return std::string();
            });
  AddOption(replay, "--report", "DIR", "write the audit report: CSV files and HTML timelines",
            [r](const std::string& v) {
              r->report_dir = v;
              return std::string();
            });
  AddOption(replay, "--tag", "T",
            "run only the scenarios that carry tag T (repeatable: any of them);\n"
            "exit 2 when no scenario carries any",
            [r](const std::string& v) {
              r->tags.push_back(v);
              return std::string();
            });
  AddOption(replay, "--jobs", "N", "run N scenarios at a time (1 to 256, default 1); the output is the same",
            [r](const std::string& v) {
              auto jobs = ParseNumber<int>(v, 1, 256);
              if (!jobs) return "--jobs must be a number from 1 to 256, got " + Quoted(v);
              r->jobs = *jobs;
              return std::string();
            });
  AddPolicyOverride(replay, &r->policy_overrides);
}

void AddEstReport(CLI::App* app, EstReportFlags* f) {
  CLI::App* est = app->add_subcommand("est-report", "the EST audit download (CSV) of the book a scenario builds");
  est->footer(kEstReportFooter);
  AddArgument(est, "SCENARIO", &f->file, "the scenario file (your book)")->required();
  AddOption(est, "--at", "INSTANT", "advance to INSTANT first (not before the end of the steps)",
            [f](const std::string& v) {
              f->at = Instant::Parse(v);
              if (!f->at) return "--at " + Quoted(v) + " is not an RFC 3339 instant or a date";
              return std::string();
            });
  est->add_flag("--compare-to-renewal", f->compare_to_renewal, "add what renewing would cost beside each EST row");
  AddPolicyOverride(est, &f->overrides);
}

void AddAudit(CLI::App* app, AuditFlags* f, MergeFlags* m) {
  CLI::App* audit = app->add_subcommand("audit", "run a book forward to a date: costs, term ends, EST (CSV, JSON, HTML)");
  audit->footer(kAuditFooter);
  AddArgument(audit, "BOOK", &f->book, "the book file (.json, .jsonl, .jsonl.gz)")->required();
  AddOption(audit, "--to", "DATE", "run the book to this instant or date (exclusive)", [f](const std::string& v) {
    f->to = Instant::Parse(v);
    if (!f->to) return "--to " + Quoted(v) + " is not an RFC 3339 instant or a date";
    return std::string();
  })->required();
  AddOption(audit, "--out", "DIR", "the output folder (must not exist)", [f](const std::string& v) {
    f->out = v;
    return std::string();
  })->required();
  AddOption(audit, "--what-if", "NAME:KEY=VALUE,...", "also run the book with these policy keys or prices (repeatable)",
            [f](const std::string& v) {
              f->what_ifs.push_back(v);
              return std::string();
            });
  AddOption(audit, "--shard", "I/N", "audit only the customers of shard I of N (pcsim merge joins them)",
            [f](const std::string& v) {
              f->shard = v;
              return std::string();
            });
  AddOption(audit, "--policy", "NAME|FILE", "the policy (default microsoft)", [f](const std::string& v) {
    f->policy = v;
    return std::string();
  });
  AddOption(audit, "--seed", "N", "the sandbox seed (default 1)", [f](const std::string& v) {
    auto seed = ParseNumber<uint64_t>(v, 0, UINT64_MAX);
    if (!seed) return "--seed must be a number, got " + Quoted(v);
    f->seed = *seed;
    return std::string();
  });
  audit->add_flag("--subscription-months", f->subscription_months,
                  "also write each subscription's charges per month (subscription-months.csv)");
  AddPolicyOverride(audit, &f->overrides);
  CLI::App* merge = app->add_subcommand("merge", "merge the folders of pcsim audit or reconcile --shard 0/N .. N-1/N into one");
  merge->add_option("DIRS", m->dirs, "the shards' folders")->required()->type_name("");
  AddOption(merge, "--out", "DIR", "the merged folder (must not exist)", [m](const std::string& v) {
    m->out = v;
    return std::string();
  })->required();
}

void AddState(CLI::App* app, StateFlags* f) {
  CLI::App* state = app->add_subcommand("state", "read a --state-dir without a server: check DIR, repair DIR --to NEWDIR");
  state->footer(kStateFooter);
  state->require_subcommand(0, 1);
  for (const char* verb : {"check", "repair"}) {
    const bool repair = std::string(verb) == "repair";
    CLI::App* sub = state->add_subcommand(
        verb, repair ? "copy the commands of DIR before its first damage into NEWDIR"
                     : "check a state dir: its files, any damage, a replay of every command");
    sub->footer(kStateFooter);
    sub->parse_complete_callback([f, verb] { f->verb = verb; });
    AddArgument(sub, "DIR", &f->dir, "the state dir (pcsim serve --state-dir DIR)")->required();
    if (repair)
      AddOption(sub, "--to", "NEWDIR", "where the repaired copy goes (must not exist)", [f](const std::string& v) {
        f->to = v;
        return std::string();
      })->required();
    AddOption(sub, "--policy", "FILE", "the policy file the server was started with, if it was a file",
              [f](const std::string& v) {
                f->policy = v;
                return std::string();
              });
    AddOption(sub, "--catalog", "FILE", "the catalog file the server was started with, if any",
              [f](const std::string& v) {
                f->catalog = v;
                return std::string();
              });
  }
}

// "pcsim state repair": the command the words given select.
std::string CommandName(const CLI::App& app) {
  std::string name = app.get_name();
  for (const CLI::App* a = &app; !a->get_subcommands().empty();) {
    a = a->get_subcommands().front();
    name += " " + a->get_name();
  }
  return name;
}

int UsageError(const CLI::App& app, const std::string& message) {
  const std::string command = CommandName(app);
  std::cerr << command << ": " << message << " (see " << command << " --help)\n";
  return 2;
}

// CLI11's message, or a plainer one for a missing value ("--seed: 1
// required N missing").
std::string MessageOf(const CLI::ParseError& e) {
  const std::string what = e.what();
  size_t colon = what.find(": ");
  if (dynamic_cast<const CLI::ArgumentMismatch*>(&e) != nullptr && colon != std::string::npos &&
      what.find(" required ", colon) != std::string::npos && what.size() > 8 &&
      what.compare(what.size() - 8, 8, " missing") == 0)
    return what.substr(0, colon) + " needs a value";
  return what;
}

// What the command line fills in: each command's flags and arguments.
struct CommandLine {
  ServeFlags serve_flags;
  replay::ReplayRequest replay_request;
  EstReportFlags est_flags;
  AuditFlags audit_flags;
  MergeFlags merge_flags;
  StateFlags state_flags;
  BookPullFlags book_pull;
  std::string policy_name = "microsoft";
  std::string catalog_file, policy_file;
  bool errors_markdown = false;
  ReconFlags recon_flags;
};

// The root command, its options and every command, filling in `c`.
void AddCommands(CLI::App& app, CommandLine* c) {
  auto formatter = std::make_shared<Formatter>();
  formatter->column_width(34);
  app.formatter(formatter);
  app.set_version_flag("--version", std::string("pcsim ") + kVersion, "print the version");
  app.set_help_flag("-h,--help", "print this help");
  // A word that is not a command or an option is reported below, in the
  // words of this command line.
  app.allow_extras();
  app.require_subcommand(0, 1);

  AddServe(&app, &c->serve_flags);
  AddReplay(&app, &c->replay_request);
  AddEstReport(&app, &c->est_flags);
  AddAudit(&app, &c->audit_flags, &c->merge_flags);
  CLI::App* policy = app.add_subcommand("policy", "print every policy parameter, its values and source");
  AddArgument(policy, "POLICY", &c->policy_name, "a built-in policy name or a policy file (default microsoft)");
  CLI::App* check_catalog =
      app.add_subcommand("check-catalog", "validate a catalog file (exit 2 with the reason if invalid)");
  AddArgument(check_catalog, "FILE", &c->catalog_file, "the catalog file")->required();
  CLI::App* check_policy =
      app.add_subcommand("check-policy", "validate a policy file (exit 2 with the reason if invalid)");
  AddArgument(check_policy, "FILE", &c->policy_file, "the policy file")->required();
  CLI::App* errors = app.add_subcommand(
      "errors", "print every error pcsim answers with: HTTP status, code, name, description, source page, when");
  errors->add_flag("--markdown", c->errors_markdown, "print the catalogue as Markdown (docs/errors.md)");
  AddState(&app, &c->state_flags);
  AddBookPull(AddReconCommands(app, &c->recon_flags), &c->book_pull);
  app.footer(kRootFooter);  // after the subcommands, which would inherit it
}

// Parses `args`: the exit code when that is the end of it (help, version, a
// usage error), nullopt when a command is to run.
std::optional<int> Parse(CLI::App& app, const std::vector<std::string>& args) {
  if (!args.empty() && args[0] == "help") {  // as pcsim --help
    std::cout << app.help();
    return 0;
  }
  try {
    std::vector<std::string> reversed(args.rbegin(), args.rend());  // CLI11 reads from the back
    app.parse(reversed);
  } catch (const CLI::CallForHelp&) {
    std::cout << app.help();  // the help of the (sub)command it follows
    return 0;
  } catch (const CLI::CallForVersion& e) {
    std::cout << e.what() << "\n";
    return 0;
  } catch (const CLI::ParseError& e) {
    return UsageError(app, MessageOf(e));
  }
  return std::nullopt;
}

// Words no command took: an unknown command, option or extra argument, or a
// state command without its verb. The exit code, or nullopt when all is well.
std::optional<int> CheckWords(const CLI::App& app, const StateFlags& state_flags) {
  if (app.get_subcommands().empty()) {
    std::vector<std::string> words = app.remaining();
    if (words.empty()) {
      std::cerr << app.help();
      return 2;
    }
    const std::string& word = words.front();
    return UsageError(app, (word.rfind("-", 0) == 0 ? "unknown option " : "unknown command ") + Quoted(word));
  }
  const CLI::App* command = app.get_subcommands().front();
  const std::string name = command->get_name();
  if (name == "state" && state_flags.verb.empty()) {
    std::vector<std::string> words = command->remaining();
    if (!words.empty() && words.front().rfind("-", 0) != 0)
      return UsageError(app, "unknown verb " + Quoted(words.front()) + ": expected check or repair");
    return UsageError(app, "expected a verb: check or repair");
  }
  for (const CLI::App* a = &app; a != nullptr;) {
    for (const std::string& word : a->remaining()) {
      if (word == "--") continue;
      return UsageError(app, (word.rfind("-", 0) == 0 ? "unknown option " : "unexpected argument ") + Quoted(word));
    }
    a = a->get_subcommands().empty() ? nullptr : a->get_subcommands().front();
  }
  return std::nullopt;
}

// Runs the command `name` that the command line selected.
int RunCommand(const CLI::App& app, const std::string& name, CommandLine& c) {
  if (name == "serve") return Serve(std::move(c.serve_flags));
  if (name == "replay") return replay::Replay(c.replay_request, std::cout, std::cerr);
  if (name == "est-report") return EstReport(c.est_flags);
  if (name == "audit") return Audit(c.audit_flags);
  if (name == "merge") return Merge(c.merge_flags);
  if (name == "policy") return PrintPolicy(c.policy_name);
  if (name == "check-catalog") return CheckDataFile(DataFileKind::kCatalog, c.catalog_file);
  if (name == "check-policy") return CheckDataFile(DataFileKind::kPolicy, c.policy_file);
  if (name == "state") return StateCommand(c.state_flags, kVersion);
  if (name == "book" && c.book_pull.selected) return BookPull(c.book_pull);
  if (name == "book" || name == "reconcile") return RunReconCommand(*app.get_subcommands().front(), c.recon_flags);
  if (name == "errors") {
    std::cout << (c.errors_markdown ? ErrorCatalogueMarkdown() : ErrorCatalogueText());
    return 0;
  }
  return UsageError(app, "unknown command " + Quoted(name));
}

}  // namespace

int RunCommandLine(const std::vector<std::string>& args) {
  CLI::App app("pcsim: a simulated Microsoft Partner Center.", "pcsim");
  CommandLine c;
  AddCommands(app, &c);
  if (std::optional<int> exit = Parse(app, args)) return *exit;
  if (std::optional<int> exit = CheckWords(app, c.state_flags)) return *exit;
  return RunCommand(app, app.get_subcommands().front()->get_name(), c);
}

}  // namespace pcsim::tools
