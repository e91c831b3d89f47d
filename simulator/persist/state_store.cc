#include "simulator/model/errors.h"
#include "simulator/persist/state_store.h"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <utility>

namespace pcsim {
// Defined in the generated embedded_fixtures.cc.
extern const std::string_view kEmbeddedDefaultCatalog;
extern const std::string_view kEmbeddedMicrosoftPolicy;
extern const std::string_view kEmbeddedCountryRules;
}  // namespace pcsim

namespace pcsim::persist {
namespace {

// On disk, a file is a sequence of frames:
//   "PCS2" | u32 n | u32 CRC-32 of (magic, n) | n bytes | u32 CRC-32 of the n bytes
// and the n bytes are u64 seq, u8 type, fields. Integers are little-endian;
// a string is a u32 length and bytes. The head has a checksum of its own, so
// that a damaged length is found where it is instead of passing for a record
// that runs past the end of the file.
constexpr char kMagic[4] = {'P', 'C', 'S', '2'};
constexpr size_t kHeadBytes = 12;
constexpr size_t kFrameOverhead = kHeadBytes + 4;
constexpr uint32_t kMaxRecord = 1u << 30;

constexpr char kHeader = 'H';   // format, version, fingerprint, kind, base seq
constexpr char kCommand = 'C';  // a command, its answer, and whether it reset the state
constexpr char kEnd = 'E';      // the end of a snapshot: its record count

constexpr mode_t kDirMode = 0700;
constexpr mode_t kFileMode = 0600;

uint32_t Crc32(std::string_view data, uint32_t crc = 0) {
  static const std::array<uint32_t, 256> table = [] {
    std::array<uint32_t, 256> t{};
    for (uint32_t i = 0; i < 256; ++i) {
      uint32_t c = i;
      for (int k = 0; k < 8; ++k) c = (c & 1) ? 0xEDB88320u ^ (c >> 1) : c >> 1;
      t[i] = c;
    }
    return t;
  }();
  crc = ~crc;
  for (unsigned char ch : data) crc = table[(crc ^ ch) & 0xFF] ^ (crc >> 8);
  return ~crc;
}

uint64_t Fnv1a(std::string_view bytes) {
  uint64_t h = 0xcbf29ce484222325ULL;
  for (unsigned char c : bytes) {
    h ^= c;
    h *= 0x100000001b3ULL;
  }
  return h;
}

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
uint32_t GetU32(std::string_view s, size_t at) {
  uint32_t v = 0;
  for (int i = 0; i < 4; ++i) v |= uint32_t{static_cast<unsigned char>(s[at + i])} << (8 * i);
  return v;
}

class FieldReader {
 public:
  explicit FieldReader(std::string_view data) : data_(data) {}
  bool U8(uint8_t* v) {
    if (data_.size() - pos_ < 1) return fail();
    *v = static_cast<uint8_t>(data_[pos_++]);
    return true;
  }
  bool U32(uint32_t* v) {
    if (data_.size() - pos_ < 4) return fail();
    *v = GetU32(data_, pos_);
    pos_ += 4;
    return true;
  }
  bool U64(uint64_t* v) {
    if (data_.size() - pos_ < 8) return fail();
    *v = 0;
    for (int i = 0; i < 8; ++i) *v |= uint64_t{static_cast<unsigned char>(data_[pos_ + i])} << (8 * i);
    pos_ += 8;
    return true;
  }
  bool Str(std::string* v) {
    uint32_t n = 0;
    if (!U32(&n) || data_.size() - pos_ < n) return fail();
    v->assign(data_.substr(pos_, n));
    pos_ += n;
    return true;
  }
  bool Pairs(api::HeaderList* out) {
    uint32_t n = 0;
    if (!U32(&n) || n > data_.size() - pos_) return fail();
    for (uint32_t i = 0; i < n; ++i) {
      std::string a, b;
      if (!Str(&a) || !Str(&b)) return false;
      out->emplace_back(std::move(a), std::move(b));
    }
    return true;
  }
  bool done() const { return ok_ && pos_ == data_.size(); }

 private:
  bool fail() {
    ok_ = false;
    return false;
  }
  std::string_view data_;
  size_t pos_ = 0;
  bool ok_ = true;
};

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
  PutU8(f, c.caller.has_value());
  if (c.caller) {
    PutStr(f, c.caller->partner_tenant_id);
    PutU8(f, c.caller->app_only);
    PutU8(f, c.caller->mfa);
    PutStr(f, c.caller->user_id);
  }
  PutU8(f, c.resets);
  PutU32(f, static_cast<uint32_t>(status));
  PutU64(f, body_hash);
  return f;
}

bool ReadCommand(std::string_view fields, StateRecord* r) {
  FieldReader in(fields);
  api::CommandRecord& c = r->command;
  uint8_t has_caller = 0, resets = 0;
  uint32_t status = 0;
  if (!in.Str(&c.method) || !in.Str(&c.path) || !in.Pairs(&c.query) || !in.Pairs(&c.headers) || !in.Str(&c.body) ||
      !in.Str(&c.fault) || !in.U8(&has_caller) || has_caller > 1)
    return false;
  if (has_caller) {
    api::Caller caller;
    uint8_t app_only = 0, mfa = 0;
    if (!in.Str(&caller.partner_tenant_id) || !in.U8(&app_only) || !in.U8(&mfa) || !in.Str(&caller.user_id) ||
        app_only > 1 || mfa > 1)
      return false;
    caller.app_only = app_only != 0;
    caller.mfa = mfa != 0;
    c.caller = std::move(caller);
  }
  if (!in.U8(&resets) || resets > 1 || !in.U32(&status) || !in.U64(&r->body_hash) || !in.done()) return false;
  c.resets = resets != 0;
  r->status = static_cast<int>(status);
  return true;
}

std::optional<std::string> ReadWholeFile(const std::string& path, bool* exists, std::string* error) {
  *exists = false;
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK);
  if (fd < 0) {
    if (errno == ENOENT) return std::nullopt;
    *error = "cannot open " + path + ": " + std::strerror(errno);
    return std::nullopt;
  }
  struct stat st {};
  if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
    *error = path + " is not a regular file";
    ::close(fd);
    return std::nullopt;
  }
  *exists = true;
  std::string data;
  data.reserve(static_cast<size_t>(st.st_size));
  char buffer[1 << 16];
  for (;;) {
    ssize_t n = ::read(fd, buffer, sizeof(buffer));
    if (n < 0) {
      if (errno == EINTR) continue;
      *error = "cannot read " + path + ": " + std::strerror(errno);
      ::close(fd);
      return std::nullopt;
    }
    if (n == 0) break;
    data.append(buffer, static_cast<size_t>(n));
  }
  ::close(fd);
  return data;
}

// Parses one file's frames: the records before any damage, a torn tail, or
// the damage and where it is.
void ParseFile(std::string_view data, StateFile* file) {
  size_t p = 0;
  bool header_seen = false;
  auto damaged = [&](std::string what) {
    file->damage = std::move(what);
    file->damage_offset = p;
  };
  while (p < data.size()) {
    const size_t remaining = data.size() - p;
    const bool zeros = data.substr(p).find_first_not_of('\0') == std::string_view::npos;
    if (remaining < kHeadBytes) {
      // A head cut short can only be the last write.
      file->torn_bytes = remaining;
      return;
    }
    if (std::memcmp(data.data() + p, kMagic, 4) != 0 || GetU32(data, p + 8) != Crc32(data.substr(p, 8))) {
      // Space the file system extended with zeros before a crash is a torn
      // tail; anything else is damage.
      if (zeros) {
        file->torn_bytes = remaining;
        return;
      }
      return damaged(std::memcmp(data.data() + p, kMagic, 4) != 0 ? "no record starts here"
                                                                  : "the record's length fails its checksum");
    }
    const uint32_t n = GetU32(data, p + 4);
    if (n > kMaxRecord || n < 9) return damaged("the record's length is out of range");
    if (n + kFrameOverhead > remaining) {
      // The head is whole but the body runs past the end: the last write was
      // cut short.
      file->torn_bytes = remaining;
      return;
    }
    std::string_view body = data.substr(p + kHeadBytes, n);
    if (GetU32(data, p + kHeadBytes + n) != Crc32(body)) {
      if (n + kFrameOverhead == remaining) {
        // The last record, partly written when the process died: it was
        // never acknowledged (a record is flushed before its answer).
        file->torn_bytes = remaining;
        return;
      }
      return damaged("the record fails its checksum");
    }
    FieldReader in(body);
    uint64_t seq = 0;
    uint8_t type = 0;
    in.U64(&seq);
    in.U8(&type);
    std::string_view fields = body.substr(9);
    if (!header_seen) {
      FieldReader h(fields);
      if (type != kHeader || !h.Str(&file->format) || !h.Str(&file->version) || !h.Str(&file->fingerprint) ||
          !h.Str(&file->kind) || !h.U64(&file->base_seq) || !h.done())
        return damaged("the file does not start with a header");
      header_seen = true;
    } else if (type == kCommand) {
      StateRecord r;
      r.seq = seq;
      r.offset = p;
      if (!ReadCommand(fields, &r)) return damaged("the record cannot be read");
      file->records.push_back(std::move(r));
    } else if (type == kEnd && file->kind == "snapshot") {
      FieldReader e(fields);
      uint64_t count = 0;
      if (!e.U64(&count) || !e.done() || count != file->records.size())
        return damaged("the snapshot's end record does not match its records");
      p += n + kFrameOverhead;
      file->good_bytes = p;
      if (p != data.size()) return damaged("the snapshot goes on after its end record");
      return;
    } else {
      return damaged("the record has an unknown type");
    }
    p += n + kFrameOverhead;
    file->good_bytes = p;
  }
}

StateFile ReadStateFile(const std::string& path, std::string* error) {
  StateFile file;
  file.path = path;
  auto data = ReadWholeFile(path, &file.exists, error);
  if (!data) return file;
  file.size = data->size();
  ParseFile(*data, &file);
  return file;
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

std::vector<const StateRecord*> StateDir::Commands() const {
  std::vector<const StateRecord*> out;
  uint64_t last = snapshot.base_seq;
  for (const StateRecord& r : snapshot.records) out.push_back(&r);
  for (const StateRecord& r : journal.records)
    if (r.seq > last) out.push_back(&r);  // the snapshot already holds the others
  // Nothing before the last reset matters.
  for (size_t i = out.size(); i-- > 1;)
    if (out[i]->command.resets) {
      out.erase(out.begin(), out.begin() + static_cast<std::ptrdiff_t>(i));
      break;
    }
  return out;
}

StatusOr<StateDir> ReadStateDir(const std::string& dir) {
  std::error_code ec;
  if (!std::filesystem::is_directory(dir, ec)) return Error<Err::ControlInvalidInput>(dir + " is not a directory");
  StateDir out;
  std::string error;
  out.snapshot = ReadStateFile(dir + "/snapshot", &error);
  if (!error.empty()) return Error<Err::ServiceError>(error);
  out.journal = ReadStateFile(dir + "/journal", &error);
  if (!error.empty()) return Error<Err::ServiceError>(error);
  return out;
}

size_t ReplayRecords(api::Router& router, const std::vector<const StateRecord*>& records, std::string* error) {
  error->clear();
  for (size_t i = 0; i < records.size(); ++i) {
    const StateRecord& r = *records[i];
    api::Response response = router.Replay(r.command);
    if (response.status != r.status || Fnv1a(response.body) != r.body_hash) {
      *error = "record " + std::to_string(r.seq) + " (" + r.command.method + " " + r.command.path.substr(0, 200) +
               ") answers " + std::to_string(response.status) + " where it answered " + std::to_string(r.status) +
               (response.status == r.status ? " with another body" : "");
      return i;
    }
  }
  return records.size();
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
