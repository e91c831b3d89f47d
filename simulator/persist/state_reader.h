// Reading a state dir (docs/state-dir.md) without a router and without
// changing anything: the frames of its snapshot and journal, the records they
// hold and where they are damaged. StateStore restores from it; `pcsim state
// check` and `pcsim state repair` report and copy from it.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "simulator/api/router.h"
#include "simulator/model/status.h"

namespace pcsim::persist {

// One record as read from a file.
struct StateRecord {
  uint64_t seq = 0;
  uint64_t offset = 0;   // where its frame starts in the file
  api::CommandRecord command;
  int status = 0;        // the answer the command got
  uint64_t body_hash = 0;
};

// What one file of a state dir holds, and where it is damaged.
struct StateFile {
  std::string path;
  bool exists = false;
  uint64_t size = 0;
  std::string kind;         // "snapshot" or "journal" (from its header)
  std::string format, version, fingerprint;
  uint64_t base_seq = 0;    // the header's sequence number (snapshot: the last it holds)
  std::vector<StateRecord> records;  // the readable records before any damage
  uint64_t good_bytes = 0;  // the whole records from the start
  // A write cut short at the end (never acknowledged): how many bytes.
  uint64_t torn_bytes = 0;
  // Damage that is not a torn tail: what, and at which byte offset.
  std::optional<std::string> damage;
  uint64_t damage_offset = 0;
};

// Reads and checks the framing of DIR's snapshot and journal, without a
// router and without changing anything (pcsim state check / repair).
struct StateDir {
  StateFile snapshot, journal;
  // The commands to replay, in order: the snapshot's, then the journal's
  // after them (up to the first damage).
  std::vector<const StateRecord*> Commands() const;
};
StatusOr<StateDir> ReadStateDir(const std::string& dir);

// Replays `records` into `router` (fresh, built with the options the
// fingerprint describes), checking each answer. Returns how many replayed as
// recorded; `error` says why the next one did not (empty: all did).
size_t ReplayRecords(api::Router& router, const std::vector<const StateRecord*>& records, std::string* error);

}  // namespace pcsim::persist
