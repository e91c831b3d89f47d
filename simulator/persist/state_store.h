// StateStore keeps a router's state in a directory across restarts and
// crashes (pcsim serve --state-dir). The simulator is deterministic and every
// change goes through api::Router, so the state is kept as the commands that
// made it: each command that changed the state is appended to a journal and
// flushed to disk (fdatasync) after it ran and before it is answered, so a
// request that crashes the process is never on disk, and nothing
// unacknowledged is. Restoring replays the records into a fresh router built
// with the same options, checking that each gives its recorded answer. A
// snapshot file, written atomically (temp file, fsync, rename), holds the
// commands since the last reset; the journal holds the ones after it.
//
// The format (docs/state-dir.md): every record is framed so that damage is
// found wherever it is. A torn tail (the last record cut short by a crash: it
// was never acknowledged) is dropped with a warning; damage anywhere else
// refuses the directory with the file and byte offset, and `pcsim state
// check` / `pcsim state repair` are the way out. Files are 0600 in a 0700
// directory; no credential is ever written.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "simulator/api/router.h"
#include "simulator/model/status.h"
#include "simulator/persist/state_reader.h"

namespace pcsim::persist {

inline constexpr std::string_view kStateFormat = "pcsim-state 2";

struct StateStoreOptions {
  std::string dir;
  // The serve options that change what a command does (start, seed, policy,
  // catalog, ...), as text (StateInputs::Fingerprint). Written into the files;
  // a state dir is only restored with the same fingerprint.
  std::string fingerprint;
  // The pcsim version writing the files; another version is refused.
  std::string version;
  // A snapshot is written after this many journal records (and on Close).
  uint64_t snapshot_every = 10000;
  // Receives warnings (a torn last record dropped, a snapshot that failed).
  std::function<void(const std::string&)> warn;
};

// The text of every input a fresh router is built from besides the serve
// flags: a hash of the embedded catalog, policy and country rules.
std::string EmbeddedFixturesFingerprint();
// FNV-1a 64 of `bytes` as 16 hex digits.
std::string HashHex(std::string_view bytes);

// Writes a new state dir at `dir` (which must not exist) holding `records`
// (from StateDir::Commands) as its snapshot, and an empty journal.
Status WriteStateDir(const std::string& dir, const std::vector<const StateRecord*>& records,
                     const std::string& version, const std::string& fingerprint);

class StateStore : public api::CommandJournal {
 public:
  struct Stats {
    uint64_t replayed_commands = 0;
    uint64_t dropped_torn_bytes = 0;  // a torn last journal record, dropped
    uint64_t snapshots = 0;           // snapshots written by this process
  };

  // Opens DIR (creating it 0700 when missing), locks it against a second
  // server, and restores its state into `router`, which must be fresh and
  // built with the options the fingerprint describes. Then journals every
  // command the router commits. Errors (exit 2 in pcsim serve): a directory in
  // use, files of another format, version or fingerprint, damage (with the
  // file and byte offset), a replay that does not give the recorded answers,
  // I/O errors.
  static StatusOr<std::unique_ptr<StateStore>> Open(StateStoreOptions options, api::Router& router);
  ~StateStore() override;  // detaches from the router; no snapshot

  // Writes a snapshot and empties the journal (clean shutdown). Takes the
  // router's lock.
  Status Close();

  const Stats& stats() const { return stats_; }

  // api::CommandJournal, under the router's lock: appends the command and its
  // answer and flushes them. On a failed write the partial record is cut off
  // (if that fails too, every later commit is refused until a restart).
  Status Commit(const api::CommandRecord& command, const api::Response& response) override;

 private:
  StateStore(StateStoreOptions options, api::Router& router);
  // Load's steps: open and lock the directory; check the files' headers and
  // damage (true: the journal has its header); replay the commands; open the
  // journal for appending.
  Status Load();
  Status OpenDir();
  StatusOr<bool> CheckFiles(const StateDir& state);
  Status CheckHeader(const StateFile& file) const;
  Status Replay(const StateDir& state);
  Status OpenJournal(bool has_header);
  Status AppendRecord(const std::string& frame);
  Status WriteSnapshot();  // under the router's lock
  Status StartJournal();   // truncates the journal to its header

  StateStoreOptions options_;
  api::Router& router_;
  int lock_fd_ = -1;
  int journal_fd_ = -1;
  uint64_t journal_size_ = 0;      // bytes of whole records in the journal
  uint64_t next_seq_ = 1;
  uint64_t since_snapshot_ = 0;    // records appended since the last snapshot
  std::string broken_;             // why commits are refused, after a failed write
  bool attached_ = false;
  Stats stats_;
};

}  // namespace pcsim::persist
