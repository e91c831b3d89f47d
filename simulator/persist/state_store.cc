#include "simulator/model/errors.h"
#include "simulator/persist/state_store.h"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <utility>

#include "simulator/persist/state_frame.h"

namespace pcsim {
// Defined in the generated embedded_fixtures.cc.
extern const std::string_view kEmbeddedDefaultCatalog;
extern const std::string_view kEmbeddedMicrosoftPolicy;
extern const std::string_view kEmbeddedCountryRules;
}  // namespace pcsim

namespace pcsim::persist {
namespace {

using frame::Crc32;
using frame::Fnv1a;
using frame::kCommand;
using frame::kEnd;
using frame::kHeader;
using frame::kMagic;

constexpr mode_t kDirMode = 0700;
constexpr mode_t kFileMode = 0600;

void PutU8(std::string& out, uint8_t v) { out.push_back(static_cast<char>(v)); }
void PutU32(std::string& out, uint32_t v) {
  for (int i = 0; i < 4; ++i) out.push_back(static_cast<char>((v >> (8 * i)) & 0xFF));
}
void PutU64(std::string& out, uint64_t v) {
  for (int i = 0; i < 8; ++i) out.push_back(static_cast<char>((v >> (8 * i)) & 0xFF));
}
void PutStr(std::string& out, std::string_view s) {
  PutU32(out, static_cast<uint32_t>(s.size()));
  out.append(s);
}
void PutPairs(std::string& out, const api::HeaderList& pairs) {
  PutU32(out, static_cast<uint32_t>(pairs.size()));
  for (const auto& [k, v] : pairs) {
    PutStr(out, k);
    PutStr(out, v);
  }
}

std::string Frame(uint64_t seq, char type, std::string_view fields) {
  std::string body;
  PutU64(body, seq);
  body.push_back(type);
  body.append(fields);
  std::string frame(kMagic, 4);
  PutU32(frame, static_cast<uint32_t>(body.size()));
  PutU32(frame, Crc32(std::string_view(frame.data(), 8)));
  frame += body;
  PutU32(frame, Crc32(body));
  return frame;
}

struct Header {
  std::string format, version, fingerprint, kind;
  uint64_t base_seq = 0;
};

std::string HeaderFields(const Header& h) {
  std::string f;
  PutStr(f, h.format);
  PutStr(f, h.version);
  PutStr(f, h.fingerprint);
  PutStr(f, h.kind);
  PutU64(f, h.base_seq);
  return f;
}

std::string CommandFields(const api::CommandRecord& c, int status, uint64_t body_hash) {
  std::string f;
  PutStr(f, c.method);
  PutStr(f, c.path);
  PutPairs(f, c.query);
  PutPairs(f, c.headers);
  PutStr(f, c.body);
  PutStr(f, c.fault);
  // 0: no caller; 1: a caller without application or user principal name
  // (the form before the activity log); 2: a caller with both.
  const bool named = c.caller && (!c.caller->application_id.empty() || !c.caller->user_principal_name.empty());
  PutU8(f, !c.caller ? 0 : named ? 2 : 1);
  if (c.caller) {
    PutStr(f, c.caller->partner_tenant_id);
    PutU8(f, c.caller->app_only);
    PutU8(f, c.caller->mfa);
    PutStr(f, c.caller->user_id);
    if (named) {
      PutStr(f, c.caller->application_id);
      PutStr(f, c.caller->user_principal_name);
    }
  }
  PutU8(f, c.resets);
  PutU32(f, static_cast<uint32_t>(status));
  PutU64(f, body_hash);
  return f;
}

bool WriteAll(int fd, std::string_view data) {
  while (!data.empty()) {
    ssize_t n = ::write(fd, data.data(), data.size());
    if (n < 0) {
      if (errno == EINTR) continue;
      return false;
    }
    data.remove_prefix(static_cast<size_t>(n));
  }
  return true;
}

bool SyncDir(const std::string& dir) {
  int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return false;
  bool ok = ::fsync(fd) == 0;
  ::close(fd);
  return ok;
}

Status IoError(const std::string& what) {
  return Error<Err::ServiceUnavailable>("The state dir cannot be written (" + what + ": " + std::strerror(errno) +
                                 "); the request changed nothing.");
}

// Opens (creating) a file of the state dir, owner-only.
int OpenPrivate(const std::string& path, int flags) {
  int fd = ::open(path.c_str(), flags | O_CREAT | O_CLOEXEC, kFileMode);
  if (fd >= 0) ::fchmod(fd, kFileMode);  // a file made by an older pcsim may be wider
  return fd;
}

// The snapshot holding `records` (StateDir::Commands: from the last reset).
std::string SnapshotBytes(const std::vector<const StateRecord*>& records, const std::string& version,
                          const std::string& fingerprint, uint64_t last_seq) {
  Header h{std::string(kStateFormat), version, fingerprint, "snapshot", last_seq};
  std::string out = Frame(0, kHeader, HeaderFields(h));
  uint64_t count = 0;
  for (const StateRecord* r : records) {
    out += Frame(r->seq, kCommand, CommandFields(r->command, r->status, r->body_hash));
    ++count;
  }
  std::string end;
  PutU64(end, count);
  return out + Frame(0, kEnd, end);
}

// Writes `bytes` as DIR/snapshot: a temp file, fsync, rename, fsync the dir.
Status WriteSnapshotFile(const std::string& dir, const std::string& bytes) {
  const std::string tmp = dir + "/snapshot.tmp";
  int fd = OpenPrivate(tmp, O_WRONLY | O_TRUNC);
  if (fd < 0) return IoError("creating " + tmp);
  bool ok = WriteAll(fd, bytes) && ::fsync(fd) == 0;
  ok = (::close(fd) == 0) && ok;
  if (!ok || ::rename(tmp.c_str(), (dir + "/snapshot").c_str()) != 0 || !SyncDir(dir)) {
    Status error = IoError("writing the snapshot " + tmp);
    std::error_code ec;
    std::filesystem::remove(tmp, ec);
    return error;
  }
  return OkStatus();
}

}  // namespace

std::string HashHex(std::string_view bytes) {
  static const char* kHex = "0123456789abcdef";
  uint64_t h = Fnv1a(bytes);
  std::string out(16, '0');
  for (int i = 15; i >= 0; --i, h >>= 4) out[static_cast<size_t>(i)] = kHex[h & 0xF];
  return out;
}

std::string EmbeddedFixturesFingerprint() {
  return "embedded-catalog=" + HashHex(kEmbeddedDefaultCatalog) + "\nembedded-policy=" +
         HashHex(kEmbeddedMicrosoftPolicy) + "\nembedded-countries=" + HashHex(kEmbeddedCountryRules) + "\n";
}

Status WriteStateDir(const std::string& dir, const std::vector<const StateRecord*>& records,
                     const std::string& version, const std::string& fingerprint) {
  std::error_code ec;
  if (std::filesystem::exists(dir, ec)) return Error<Err::ControlInvalidInput>(dir + " already exists; name a new directory");
  if (::mkdir(dir.c_str(), kDirMode) != 0) return IoError("creating " + dir);
  const uint64_t last_seq = records.empty() ? 0 : records.back()->seq;
  PCSIM_RETURN_IF_ERROR(WriteSnapshotFile(dir, SnapshotBytes(records, version, fingerprint, last_seq)));
  Header h{std::string(kStateFormat), version, fingerprint, "journal", last_seq};
  int fd = OpenPrivate(dir + "/journal", O_WRONLY | O_TRUNC);
  if (fd < 0) return IoError("creating " + dir + "/journal");
  bool ok = WriteAll(fd, Frame(0, kHeader, HeaderFields(h))) && ::fsync(fd) == 0;
  ok = (::close(fd) == 0) && ok;
  if (!ok || !SyncDir(dir)) return IoError("writing " + dir + "/journal");
  return OkStatus();
}

StateStore::StateStore(StateStoreOptions options, api::Router& router)
    : options_(std::move(options)), router_(router) {
  if (!options_.warn) options_.warn = [](const std::string&) {};
}

StateStore::~StateStore() {
  if (attached_) router_.SetJournal(nullptr);
  if (journal_fd_ >= 0) ::close(journal_fd_);
  if (lock_fd_ >= 0) ::close(lock_fd_);  // releases the flock
}

StatusOr<std::unique_ptr<StateStore>> StateStore::Open(StateStoreOptions options, api::Router& router) {
  std::unique_ptr<StateStore> store(new StateStore(std::move(options), router));
  Status status = store->Load();
  if (!status.ok()) return status;
  router.SetJournal(store.get());
  store->attached_ = true;
  return store;
}

namespace {

Status LoadFailure(const std::string& message) { return Error<Err::ServiceError>(message); }

}  // namespace

Status StateStore::Load() {
  PCSIM_RETURN_IF_ERROR(OpenDir());
  auto state = ReadStateDir(options_.dir);
  if (!state.ok()) return LoadFailure(state.status().description());
  auto has_header = CheckFiles(*state);
  if (!has_header.ok()) return has_header.status();
  PCSIM_RETURN_IF_ERROR(Replay(*state));
  return OpenJournal(*has_header);
}

Status StateStore::OpenDir() {
  const std::string& dir = options_.dir;
  std::error_code ec;
  if (!std::filesystem::exists(dir, ec)) {
    std::filesystem::create_directories(std::filesystem::path(dir).parent_path(), ec);
    if (::mkdir(dir.c_str(), kDirMode) != 0 && errno != EEXIST)
      return LoadFailure("cannot create the state dir " + dir + ": " + std::strerror(errno));
  }
  struct stat st {};
  if (::stat(dir.c_str(), &st) != 0 || !S_ISDIR(st.st_mode)) return LoadFailure(dir + " is not a directory");
  // Owner-only: the files hold every request body the sandbox accepted.
  if ((st.st_mode & 077) != 0 && ::chmod(dir.c_str(), kDirMode) != 0)
    return LoadFailure("cannot make the state dir " + dir + " private (chmod 0700): " + std::strerror(errno));

  lock_fd_ = OpenPrivate(dir + "/LOCK", O_RDWR);
  if (lock_fd_ < 0) return LoadFailure("cannot open " + dir + "/LOCK: " + std::strerror(errno));
  if (::flock(lock_fd_, LOCK_EX | LOCK_NB) != 0)
    return LoadFailure("the state dir " + dir + " is in use by another pcsim serve");
  std::filesystem::remove(dir + "/snapshot.tmp", ec);
  return OkStatus();
}

Status StateStore::CheckHeader(const StateFile& f) const {
  if (f.format != kStateFormat)
    return LoadFailure(f.path + " has the format \"" + f.format + "\"; this pcsim reads \"" +
                       std::string(kStateFormat) + "\"");
  if (f.version != options_.version)
    return LoadFailure(f.path + " was written by pcsim " + f.version + "; this is pcsim " + options_.version +
                       " (replaying another version's commands could give other results)");
  if (f.fingerprint != options_.fingerprint)
    return LoadFailure(f.path + " was written by pcsim serve with other options:\n" + f.fingerprint + "now:\n" +
                       options_.fingerprint + "start with the same options, or use another --state-dir");
  return OkStatus();
}

StatusOr<bool> StateStore::CheckFiles(const StateDir& state) {
  const std::string& dir = options_.dir;
  const StateFile& snapshot = state.snapshot;
  const StateFile& journal = state.journal;
  auto damage = [&](const StateFile& f) {
    return LoadFailure(f.path + " is damaged at byte " + std::to_string(f.damage_offset) + ": " + *f.damage +
                       ". Nothing was changed; see `pcsim state check " + dir + "`, and `pcsim state repair " + dir +
                       " --to NEWDIR` for a copy holding every record before the damage");
  };
  // The snapshot is written whole and renamed into place: any damage, a torn
  // tail included, is corruption.
  if (snapshot.exists) {
    if (snapshot.damage) return damage(snapshot);
    if (snapshot.torn_bytes > 0 || snapshot.kind != "snapshot")
      return LoadFailure(snapshot.path + " is damaged: it ends before its end record (" +
                         std::to_string(snapshot.size) + " bytes). See `pcsim state check " + dir + "`");
    PCSIM_RETURN_IF_ERROR(CheckHeader(snapshot));
  }
  // The journal: its last record may be torn by a crash; anything else is damage.
  bool has_header = false;
  if (journal.exists) {
    if (journal.damage) return damage(journal);
    if (journal.good_bytes > 0) {
      if (journal.kind != "journal") return LoadFailure(journal.path + " does not start with a journal header");
      PCSIM_RETURN_IF_ERROR(CheckHeader(journal));
      has_header = true;
    }
    if (journal.torn_bytes > 0) {
      stats_.dropped_torn_bytes = journal.torn_bytes;
      options_.warn("pcsim: the last record of " + journal.path + " is incomplete (" +
                    std::to_string(journal.torn_bytes) + " bytes at byte " + std::to_string(journal.good_bytes) +
                    ", a write cut short by a crash, never acknowledged); dropped it");
    }
    journal_size_ = journal.good_bytes;
  }
  return has_header;
}

// Replays the commands into the fresh router, checking each answer.
Status StateStore::Replay(const StateDir& state) {
  const std::vector<const StateRecord*> commands = state.Commands();
  std::string error;
  stats_.replayed_commands = ReplayRecords(router_, commands, &error);
  if (!error.empty())
    return LoadFailure("replaying " + options_.dir + " gives another result: " + error +
                       "; the state cannot be restored faithfully (another build of pcsim, or changed inputs?)");
  next_seq_ = std::max(state.snapshot.base_seq, state.journal.base_seq) + 1;
  for (const StateRecord* r : commands) next_seq_ = std::max(next_seq_, r->seq + 1);
  since_snapshot_ = commands.size();
  return OkStatus();
}

Status StateStore::OpenJournal(bool has_header) {
  const std::string& dir = options_.dir;
  journal_fd_ = OpenPrivate(dir + "/journal", O_WRONLY);
  if (journal_fd_ < 0) return LoadFailure("cannot open " + dir + "/journal: " + std::strerror(errno));
  if (!has_header) {
    if (Status s = StartJournal(); !s.ok()) return LoadFailure(s.description());
  } else if (stats_.dropped_torn_bytes > 0) {
    if (::ftruncate(journal_fd_, static_cast<off_t>(journal_size_)) != 0 || ::fsync(journal_fd_) != 0)
      return LoadFailure("cannot truncate " + dir + "/journal: " + std::strerror(errno));
  }
  if (::lseek(journal_fd_, static_cast<off_t>(journal_size_), SEEK_SET) < 0)
    return LoadFailure("cannot seek in " + dir + "/journal: " + std::strerror(errno));
  return OkStatus();
}

Status StateStore::StartJournal() {
  Header h{std::string(kStateFormat), options_.version, options_.fingerprint, "journal", next_seq_ - 1};
  std::string frame = Frame(0, kHeader, HeaderFields(h));
  if (::ftruncate(journal_fd_, 0) != 0 || ::lseek(journal_fd_, 0, SEEK_SET) < 0 || !WriteAll(journal_fd_, frame) ||
      ::fsync(journal_fd_) != 0 || !SyncDir(options_.dir))
    return IoError("starting " + options_.dir + "/journal");
  journal_size_ = frame.size();
  return OkStatus();
}

Status StateStore::AppendRecord(const std::string& frame) {
  if (!WriteAll(journal_fd_, frame) || ::fdatasync(journal_fd_) != 0) {
    Status error = IoError("appending to " + options_.dir + "/journal");
    // Cut the partial record off, so that what is on disk is what was answered.
    if (::ftruncate(journal_fd_, static_cast<off_t>(journal_size_)) != 0 || ::fdatasync(journal_fd_) != 0 ||
        ::lseek(journal_fd_, static_cast<off_t>(journal_size_), SEEK_SET) < 0)
      broken_ = error.description() + " The journal could not be cut back either: restart the server.";
    return error;
  }
  journal_size_ += frame.size();
  ++since_snapshot_;
  return OkStatus();
}

Status StateStore::Commit(const api::CommandRecord& command, const api::Response& response) {
  if (!broken_.empty()) return Error<Err::ServiceUnavailable>(broken_);
  PCSIM_RETURN_IF_ERROR(AppendRecord(Frame(next_seq_, kCommand, CommandFields(command, response.status, Fnv1a(response.body)))));
  ++next_seq_;
  if (since_snapshot_ >= options_.snapshot_every) {
    if (Status w = WriteSnapshot(); !w.ok()) options_.warn("pcsim: " + w.description());
  }
  return OkStatus();
}

Status StateStore::WriteSnapshot() {
  // Everything on disk now: the current snapshot and the journal's whole records.
  auto state = ReadStateDir(options_.dir);
  if (!state.ok()) return Error<Err::ServiceError>("snapshot not written: " + state.status().description());
  if (state->snapshot.damage || state->snapshot.torn_bytes > 0 || state->journal.damage ||
      state->journal.good_bytes < journal_size_)
    return Error<Err::ServiceError>("snapshot not written: the state dir cannot be read back whole");
  PCSIM_RETURN_IF_ERROR(WriteSnapshotFile(
      options_.dir, SnapshotBytes(state->Commands(), options_.version, options_.fingerprint, next_seq_ - 1)));
  // The snapshot now holds every record up to next_seq_ - 1; the journal's
  // copies are skipped by sequence number if emptying it is cut short.
  ++stats_.snapshots;
  since_snapshot_ = 0;
  if (Status s = StartJournal(); !s.ok()) {
    broken_ = s.description();
    return s;
  }
  return OkStatus();
}

Status StateStore::Close() {
  std::lock_guard<std::mutex> lock(router_.mutex());
  if (!broken_.empty()) return Error<Err::ServiceError>(broken_);
  return WriteSnapshot();
}

}  // namespace pcsim::persist
