// pcsim book import and pcsim reconcile (docs/reconcile.md): their flags,
// their place on the command line, and running them. Exit codes: 0 success
// (reconcile: everything matches), 1 reconcile found differences, 2 bad input
// or usage (the file, line or row, and the reason on stderr).
#pragma once

#include <string>
#include <vector>

namespace CLI {
class App;
}

namespace pcsim::tools {

struct ReconFlags {
  // book import
  std::vector<std::string> import_files;
  std::string as_of, import_out;
  // reconcile
  std::string book, from, to, tolerance = "0.00", out_dir = "reconcile", shard = "0/1";
  std::vector<std::string> actual;
};

// Adds "book" (with its verb "import") and "reconcile" to `app`; returns the
// "book" command so that other verbs can join it.
CLI::App* AddReconCommands(CLI::App& app, ReconFlags* flags);
// Runs the command `command` (book or reconcile) selected.
int RunReconCommand(const CLI::App& command, const ReconFlags& flags);

}  // namespace pcsim::tools
