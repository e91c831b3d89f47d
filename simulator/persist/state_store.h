// StateStore keeps a router's state in a directory across restarts
// (pcsim serve --state-dir). The simulator is deterministic and every change
// goes through api::Router, so the state is kept as the requests that made
// it: each request other than GET is appended to a journal and flushed to
// disk (fsync) before it runs; a GET leaves its request-journal entry and the
// random state after it. Restoring replays the records into a fresh router
// built with the same options. A snapshot file, written atomically (temp
// file, fsync, rename), holds the compacted records; the journal holds the
// ones after it. The format is described in README.md ("Failure modes:
// persistence and concurrency").
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "simulator/api/router.h"
#include "simulator/model/status.h"

namespace pcsim::persist {

inline constexpr std::string_view kStateFormat = "pcsim-state 1";

struct StateStoreOptions {
  std::string dir;
  // The serve options that change what a request does (start, seed, policy,
  // catalog, ...), as text. Written into the files; a state dir is only
  // restored with the same fingerprint.
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

class StateStore : public api::RequestJournal {
 public:
  struct Stats {
    uint64_t replayed_requests = 0;  // requests run again
    uint64_t restored_reads = 0;     // GET entries restored
    uint64_t dropped_torn_bytes = 0; // a torn last journal record, dropped
    uint64_t snapshots = 0;          // snapshots written by this process
  };

  // Opens DIR (creating it when missing), locks it against a second server,
  // and restores its state into `router`, which must be fresh and built with
  // the options the fingerprint describes. Then journals every request the
  // router handles. Errors (exit 2 in pcsim serve): a directory in use, files
  // of another format or version or fingerprint, a corrupt snapshot or
  // journal, a replay that does not give the recorded results, I/O errors.
  static StatusOr<std::unique_ptr<StateStore>> Open(StateStoreOptions options, api::Router& router);
  ~StateStore() override;  // detaches from the router; no snapshot

  // Writes a snapshot and empties the journal (clean shutdown). Takes the
  // router's lock.
  Status Close();

  const Stats& stats() const { return stats_; }

  // api::RequestJournal, under the router's lock.
  Status BeforeApply(const api::Request& request) override;
  void AfterApply(const api::Request& request, const api::Response& response,
                  const api::RequestRecord& record) override;

 private:
  StateStore(StateStoreOptions options, api::Router& router);
  Status Load();
  Status AppendRecord(const std::string& frame, bool sync);
  Status WriteSnapshot();  // under the router's lock
  Status StartJournal();   // truncates the journal to its header

  StateStoreOptions options_;
  api::Router& router_;
  int lock_fd_ = -1;
  int journal_fd_ = -1;
  uint64_t journal_size_ = 0;      // bytes of whole records in the journal
  uint64_t next_seq_ = 1;
  uint64_t since_snapshot_ = 0;    // records appended since the last snapshot
  uint64_t pending_request_ = 0;   // seq of the request being handled
  const void* sandbox_before_ = nullptr;
  uint64_t random_before_ = 0;
  std::string broken_;             // why writes are refused, after a failed write
  bool attached_ = false;
  Stats stats_;
};

}  // namespace pcsim::persist
