// The pcsim subcommands, run with options the command line (cli.cc) has
// already parsed and checked. Each returns the exit code: 0 success, 1 a
// check failed, 2 bad input.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "simulator/api/router.h"
#include "simulator/clock/time.h"
#include "simulator/http/http_server.h"

namespace pcsim::tools {

inline constexpr const char* kVersion = PCSIM_VERSION;  // the project version (CMakeLists.txt)

using PolicyOverrides = std::vector<std::pair<std::string, std::string>>;

// pcsim serve: the sandbox behind a socket until SIGINT or SIGTERM.
struct ServeFlags {
  api::RouterOptions router;
  http::HttpServerOptions http;
  std::string policy = "microsoft";
  PolicyOverrides overrides;
  std::string catalog_path;
  std::string state_dir;
  bool generate_control_token = false;
  uint64_t snapshot_every = 10000;

  ServeFlags() { http.port = 8080; }
};
int Serve(ServeFlags flags);

// pcsim est-report: the EST audit download of the book a scenario's steps
// build, at an instant.
struct EstReportFlags {
  std::string file;
  std::optional<Instant> at;
  bool compare_to_renewal = false;
  PolicyOverrides overrides;
};
int EstReport(const EstReportFlags& flags);

// pcsim policy [NAME|FILE]: every parameter, its values and source.
int PrintPolicy(const std::string& name);

// pcsim check-catalog FILE, pcsim check-policy FILE.
enum class DataFileKind { kCatalog, kPolicy };
int CheckDataFile(DataFileKind kind, const std::string& path);

// pcsim state check DIR / pcsim state repair DIR --to NEWDIR.
struct StateFlags {
  std::string verb;  // "check" or "repair"
  std::string dir, to, policy, catalog;
};
int StateCommand(const StateFlags& flags, const std::string& version);

}  // namespace pcsim::tools
