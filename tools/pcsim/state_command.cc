// pcsim state check DIR / pcsim state repair DIR --to NEWDIR: reading a
// --state-dir without a server, to find damage and to make a repaired copy
// (never in place).
#include "tools/pcsim/commands.h"

#include <iostream>
#include <optional>

#include "simulator/persist/state_inputs.h"
#include "simulator/persist/state_store.h"

namespace pcsim::tools {
namespace {

void Describe(const persist::StateFile& f) {
  std::cout << f.path << ": ";
  if (!f.exists) {
    std::cout << "absent\n";
    return;
  }
  std::cout << f.size << " bytes, " << f.records.size() << " records";
  if (!f.kind.empty()) std::cout << " (" << f.kind << ", " << f.format << ", pcsim " << f.version << ")";
  std::cout << "\n";
  if (f.torn_bytes > 0)
    std::cout << "  torn last record: " << f.torn_bytes << " bytes at byte " << f.good_bytes
              << " (a write cut short by a crash, never acknowledged; a restart drops it)\n";
  if (f.damage)
    std::cout << "  DAMAGED at byte " << f.damage_offset << ": " << *f.damage << " (" << f.records.size()
              << " records before it are whole)\n";
}

// The router the dir's inputs describe, or an error message.
std::optional<api::RouterOptions> OptionsOf(const persist::StateDir& state, const StateFlags& flags, std::string* error) {
  const persist::StateFile& source = state.snapshot.exists && !state.snapshot.fingerprint.empty() ? state.snapshot
                                                                                                  : state.journal;
  if (source.fingerprint.empty()) {
    *error = "no readable header: not a state dir";
    return std::nullopt;
  }
  auto inputs = persist::StateInputs::FromFingerprint(source.fingerprint);
  if (!inputs.ok()) {
    *error = inputs.status().description();
    return std::nullopt;
  }
  auto options = inputs->RouterOptions(flags.policy, flags.catalog);
  if (!options.ok()) {
    *error = options.status().description();
    return std::nullopt;
  }
  return *options;
}

}  // namespace

int StateCommand(const StateFlags& flags, const std::string& version) {
  auto state = persist::ReadStateDir(flags.dir);
  if (!state.ok()) {
    std::cerr << "pcsim state: " << state.status().description() << "\n";
    return 2;
  }
  Describe(state->snapshot);
  Describe(state->journal);
  if (!state->snapshot.exists && !state->journal.exists) {
    std::cerr << "pcsim state: " << flags.dir << " holds neither a snapshot nor a journal: not a state dir\n";
    return 2;
  }
  bool healthy = !state->snapshot.damage && state->snapshot.torn_bytes == 0 && !state->journal.damage;
  for (const persist::StateFile* f : {&state->snapshot, &state->journal})
    if (f->exists && !f->version.empty() && f->version != version) {
      std::cerr << "pcsim state: " << f->path << " was written by pcsim " << f->version << "; this is pcsim "
                << version << ", which replays only its own\n";
      return 2;
    }
  std::string error;
  auto options = OptionsOf(*state, flags, &error);
  if (!options) {
    std::cerr << "pcsim state: " << error << "\n";
    return 2;
  }
  std::vector<const persist::StateRecord*> commands = state->Commands();
  api::Router router(*options);
  size_t replayed = persist::ReplayRecords(router, commands, &error);
  std::cout << "replay: " << replayed << " of " << commands.size() << " commands answer as recorded; the clock at "
            << router.sandbox().Now().ToString() << "\n";
  if (!error.empty()) {
    std::cout << "  DIFFERS: " << error << "\n";
    healthy = false;
  }
  if (flags.verb == "check") {
    std::cout << (healthy ? "ok: " + flags.dir + " restores as it is\n"
                          : "damaged: pcsim serve refuses " + flags.dir + "; `pcsim state repair " + flags.dir +
                                " --to NEWDIR` keeps the " + std::to_string(replayed) + " commands before the damage\n");
    return healthy ? 0 : 1;
  }
  commands.resize(replayed);
  const persist::StateFile& header = state->snapshot.exists ? state->snapshot : state->journal;
  Status written = persist::WriteStateDir(flags.to, commands, header.version, header.fingerprint);
  if (!written.ok()) {
    std::cerr << "pcsim state repair: " << written.description() << "\n";
    return 2;
  }
  size_t dropped = state->Commands().size() - replayed;
  std::cout << "repaired: " << flags.to << " holds " << replayed << " commands (the clock at "
            << router.sandbox().Now().ToString() << ")";
  if (dropped > 0) std::cout << "; left out " << dropped << " readable commands after the first that differs";
  for (const persist::StateFile* f : {&state->snapshot, &state->journal}) {
    if (f->damage) std::cout << "; " << f->path << " is read up to its damage at byte " << f->damage_offset;
    if (f->torn_bytes > 0) std::cout << "; the torn tail of " << f->path << " is left out";
  }
  std::cout << "\nstart pcsim serve with --state-dir " << flags.to << " and the same options\n";
  return 0;
}

}  // namespace pcsim::tools
