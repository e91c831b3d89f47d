#include "simulator/persist/state_store.h"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <map>
#include <optional>
#include <utility>

namespace pcsim {
// Defined in the generated embedded_fixtures.cc.
extern const std::string_view kEmbeddedDefaultCatalog;
extern const std::string_view kEmbeddedMicrosoftPolicy;
extern const std::string_view kEmbeddedCountryRules;
}  // namespace pcsim

namespace pcsim::persist {
namespace {

// On disk, a file is a sequence of records:
//   "PCS1" | u32 n | n bytes: u64 seq, u8 type, fields | u32 CRC-32 of (n, the n bytes)
// Integers are little-endian; a string is u32 length + bytes.
constexpr char kMagic[4] = {'P', 'C', 'S', '1'};
constexpr size_t kFrameOverhead = 4 + 4 + 4;
constexpr uint32_t kMaxRecord = 1u << 30;
// Request-journal entries a router keeps (GET /_sim/requests).
constexpr uint64_t kRequestEntriesKept = 1000;

constexpr char kHeader = 'H';   // format, version, fingerprint, kind, last seq
constexpr char kRequest = 'R';  // a request to run again
constexpr char kOutcome = 'O';  // the status and body hash a request gave
constexpr char kRead = 'G';     // a GET's request-journal entry and random state
constexpr char kEnd = 'E';      // the end of a snapshot: the record count

constexpr uint64_t kOutcomeReset = 1;  // the request replaced the sandbox (POST /_sim/reset)
constexpr uint64_t kReadConsumed = 1;  // the GET drew from the random source

uint32_t Crc32(std::string_view a, std::string_view b) {
  static const std::array<uint32_t, 256> table = [] {
    std::array<uint32_t, 256> t{};
    for (uint32_t i = 0; i < 256; ++i) {
      uint32_t c = i;
      for (int k = 0; k < 8; ++k) c = (c & 1) ? 0xEDB88320u ^ (c >> 1) : c >> 1;
      t[i] = c;
    }
    return t;
  }();
  uint32_t crc = 0xFFFFFFFFu;
  for (std::string_view part : {a, b})
    for (unsigned char ch : part) crc = table[(crc ^ ch) & 0xFF] ^ (crc >> 8);
  return crc ^ 0xFFFFFFFFu;
}

uint64_t Fnv1a(std::string_view bytes) {
  uint64_t h = 0xcbf29ce484222325ULL;
  for (unsigned char c : bytes) {
    h ^= c;
    h *= 0x100000001b3ULL;
  }
  return h;
}

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
uint32_t GetU32(std::string_view s, size_t at) {
  uint32_t v = 0;
  for (int i = 0; i < 4; ++i) v |= uint32_t{static_cast<unsigned char>(s[at + i])} << (8 * i);
  return v;
}

class FieldReader {
 public:
  explicit FieldReader(std::string_view data) : data_(data) {}
  bool U64(uint64_t* v) {
    if (data_.size() - pos_ < 8) return fail();
    *v = 0;
    for (int i = 0; i < 8; ++i) *v |= uint64_t{static_cast<unsigned char>(data_[pos_ + i])} << (8 * i);
    pos_ += 8;
    return true;
  }
  bool U8(char* v) {
    if (data_.size() - pos_ < 1) return fail();
    *v = data_[pos_++];
    return true;
  }
  bool Str(std::string* v) {
    if (data_.size() - pos_ < 4) return fail();
    uint32_t n = GetU32(data_, pos_);
    pos_ += 4;
    if (data_.size() - pos_ < n) return fail();
    v->assign(data_.substr(pos_, n));
    pos_ += n;
    return true;
  }
  bool Pairs(api::HeaderList* out) {
    uint64_t n = 0;
    if (!U64(&n) || n > data_.size()) return fail();
    for (uint64_t i = 0; i < n; ++i) {
      std::string a, b;
      if (!Str(&a) || !Str(&b)) return false;
      out->emplace_back(std::move(a), std::move(b));
    }
    return true;
  }
  bool ok() const { return ok_; }
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

struct Record {
  uint64_t seq = 0;
  char type = 0;
  std::string body;   // seq, type and fields
  std::string frame;  // the whole record as on disk
};

std::string Frame(uint64_t seq, char type, const std::string& fields) {
  std::string body;
  PutU64(body, seq);
  body.push_back(type);
  body.append(fields);
  std::string len;
  PutU32(len, static_cast<uint32_t>(body.size()));
  std::string frame(kMagic, 4);
  frame += len;
  frame += body;
  PutU32(frame, Crc32(len, body));
  return frame;
}

struct Header {
  std::string format, version, fingerprint, kind;
  uint64_t last_seq = 0;
};

std::string HeaderFields(const Header& h) {
  std::string f;
  PutStr(f, h.format);
  PutStr(f, h.version);
  PutStr(f, h.fingerprint);
  PutStr(f, h.kind);
  PutU64(f, h.last_seq);
  return f;
}

std::string_view Fields(const Record& r) { return std::string_view(r.body).substr(9); }

std::optional<Header> ReadHeader(const Record& r) {
  if (r.type != kHeader) return std::nullopt;
  FieldReader in(Fields(r));
  Header h;
  if (!in.Str(&h.format) || !in.Str(&h.version) || !in.Str(&h.fingerprint) || !in.Str(&h.kind) ||
      !in.U64(&h.last_seq))
    return std::nullopt;
  return h;
}

std::string RequestFields(const api::Request& r) {
  std::string f;
  PutStr(f, r.method);
  PutStr(f, r.path);
  PutU64(f, r.query.size());
  for (const auto& [k, v] : r.query) {
    PutStr(f, k);
    PutStr(f, v);
  }
  PutU64(f, r.headers.size());
  for (const auto& [k, v] : r.headers) {
    PutStr(f, k);
    PutStr(f, v);
  }
  PutStr(f, r.body);
  // An injected fault directive, written only when there is one (journals
  // written before directives existed read the same).
  if (!r.fault.empty()) PutStr(f, r.fault);
  return f;
}

std::optional<api::Request> ReadRequest(const Record& r) {
  FieldReader in(Fields(r));
  api::Request req;
  if (!in.Str(&req.method) || !in.Str(&req.path) || !in.Pairs(&req.query) || !in.Pairs(&req.headers) ||
      !in.Str(&req.body))
    return std::nullopt;
  if (!in.done() && (!in.Str(&req.fault) || req.fault.empty())) return std::nullopt;
  if (!in.done()) return std::nullopt;
  return req;
}

struct Outcome {
  uint64_t request_seq = 0, status = 0, body_hash = 0, flags = 0;
};

std::optional<Outcome> ReadOutcome(const Record& r) {
  FieldReader in(Fields(r));
  Outcome o;
  if (!in.U64(&o.request_seq) || !in.U64(&o.status) || !in.U64(&o.body_hash) || !in.U64(&o.flags) || !in.done())
    return std::nullopt;
  return o;
}

struct Read {
  api::RequestRecord record;
  uint64_t random_state = 0;
  uint64_t flags = 0;
};

std::optional<Read> ReadRead(const Record& r) {
  FieldReader in(Fields(r));
  Read g;
  std::string at;
  uint64_t status = 0;
  if (!in.Str(&at) || !in.Str(&g.record.method) || !in.Str(&g.record.path) || !in.U64(&status) ||
      !in.Str(&g.record.request_id) || !in.Str(&g.record.partner) || !in.U64(&g.random_state) ||
      !in.U64(&g.flags) || !in.done())
    return std::nullopt;
  auto instant = Instant::Parse(at);
  if (!instant) return std::nullopt;
  g.record.at = *instant;
  g.record.status = static_cast<int>(status);
  return g;
}

// The records of one file. A journal may end in a torn record (a write the
// process did not finish); it is reported in torn_bytes, not as an error.
struct ParsedFile {
  std::vector<Record> records;
  uint64_t good_size = 0;
  uint64_t torn_bytes = 0;
  std::string error;  // corrupt in the middle
};

ParsedFile ParseRecords(std::string_view data) {
  ParsedFile out;
  size_t p = 0;
  while (p < data.size()) {
    size_t remaining = data.size() - p;
    bool torn = false;
    if (remaining < kFrameOverhead) {
      torn = true;
    } else if (std::memcmp(data.data() + p, kMagic, 4) != 0) {
      bool zeros = data.substr(p).find_first_not_of('\0') == std::string_view::npos;
      if (!zeros) {
        out.error = "no record marker at byte " + std::to_string(p);
        return out;
      }
      torn = true;
    } else {
      uint32_t n = GetU32(data, p + 4);
      if (n > kMaxRecord || n + kFrameOverhead > remaining) {
        torn = true;
      } else {
        std::string_view len = data.substr(p + 4, 4);
        std::string_view body = data.substr(p + 8, n);
        uint32_t crc = GetU32(data, p + 8 + n);
        bool last = p + n + kFrameOverhead == data.size();
        if (crc != Crc32(len, body) || n < 9) {
          if (!last) {
            out.error = "the record at byte " + std::to_string(p) + " fails its checksum";
            return out;
          }
          torn = true;
        } else {
          Record r;
          FieldReader in(body);
          in.U64(&r.seq);
          in.U8(&r.type);
          r.body.assign(body);
          r.frame.assign(data.substr(p, n + kFrameOverhead));
          out.records.push_back(std::move(r));
          p += n + kFrameOverhead;
          out.good_size = p;
          continue;
        }
      }
    }
    if (torn) {
      out.torn_bytes = data.size() - p;
      return out;
    }
  }
  return out;
}

std::optional<std::string> ReadWholeFile(const std::string& path, std::string* error) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    if (errno == ENOENT) return std::nullopt;
    *error = "cannot open " + path + ": " + std::strerror(errno);
    return std::nullopt;
  }
  std::string data;
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
  return Status(503, 800003, "The state dir cannot be written (" + what + ": " + std::strerror(errno) +
                                 "); the request was not run.");
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

Status StateStore::Load() {
  const std::string& dir = options_.dir;
  auto fail = [&](const std::string& message) { return Status(500, 800003, message); };
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) return fail("cannot create the state dir " + dir + ": " + ec.message());
  if (!std::filesystem::is_directory(dir, ec)) return fail(dir + " is not a directory");

  lock_fd_ = ::open((dir + "/LOCK").c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  if (lock_fd_ < 0) return fail("cannot open " + dir + "/LOCK: " + std::strerror(errno));
  if (::flock(lock_fd_, LOCK_EX | LOCK_NB) != 0)
    return fail("the state dir " + dir + " is in use by another pcsim serve");
  std::filesystem::remove(dir + "/snapshot.tmp", ec);

  auto check_header = [&](const Header& h, const std::string& file) -> Status {
    if (h.format != kStateFormat)
      return fail(file + " has the format \"" + h.format + "\"; this pcsim reads \"" + std::string(kStateFormat) + "\"");
    if (h.version != options_.version)
      return fail(file + " was written by pcsim " + h.version + "; this is pcsim " + options_.version +
                  " (replaying another version's requests could give other results)");
    if (h.fingerprint != options_.fingerprint)
      return fail(file + " was written by pcsim serve with other options:\n" + h.fingerprint +
                  "now:\n" + options_.fingerprint + "start with the same options, or use another --state-dir");
    return OkStatus();
  };

  // The snapshot: written whole and renamed into place, so any damage is
  // corruption.
  std::vector<Record> records;
  uint64_t last_seq = 0;
  std::string error;
  const std::string snapshot_path = dir + "/snapshot";
  if (auto data = ReadWholeFile(snapshot_path, &error)) {
    ParsedFile parsed = ParseRecords(*data);
    if (!parsed.error.empty() || parsed.torn_bytes > 0)
      return fail("the snapshot " + snapshot_path + " is corrupt: " +
                  (parsed.error.empty() ? "it ends in an incomplete record" : parsed.error));
    if (parsed.records.empty()) return fail("the snapshot " + snapshot_path + " is corrupt: it is empty");
    auto header = ReadHeader(parsed.records.front());
    if (!header) {
      if (auto* h = &parsed.records.front(); h->type == kHeader)
        return fail(snapshot_path + " is not a snapshot of this format (its header cannot be read)");
      return fail("the snapshot " + snapshot_path + " is corrupt: it does not start with a header");
    }
    if (Status s = check_header(*header, snapshot_path); !s.ok()) return s;
    if (header->kind != "snapshot") return fail("the snapshot " + snapshot_path + " is corrupt: its header says " + header->kind);
    const Record& end = parsed.records.back();
    FieldReader in(Fields(end));
    uint64_t count = 0;
    if (parsed.records.size() < 2 || end.type != kEnd || !in.U64(&count) || count != parsed.records.size() - 2)
      return fail("the snapshot " + snapshot_path + " is corrupt: its end record is missing or wrong");
    last_seq = header->last_seq;
    records.assign(std::make_move_iterator(parsed.records.begin() + 1), std::make_move_iterator(parsed.records.end() - 1));
  } else if (!error.empty()) {
    return fail(error);
  }

  // The journal: its last record may be torn by a crash; anything else is
  // corruption.
  const std::string journal_path = dir + "/journal";
  bool journal_has_header = false;
  if (auto data = ReadWholeFile(journal_path, &error)) {
    ParsedFile parsed = ParseRecords(*data);
    if (!parsed.error.empty()) return fail("the journal " + journal_path + " is corrupt: " + parsed.error);
    if (!parsed.records.empty()) {
      auto header = ReadHeader(parsed.records.front());
      if (!header || header->kind != "journal")
        return fail("the journal " + journal_path + " is corrupt: it does not start with a journal header");
      if (Status s = check_header(*header, journal_path); !s.ok()) return s;
      journal_has_header = true;
      for (size_t i = 1; i < parsed.records.size(); ++i)
        if (parsed.records[i].seq > last_seq) records.push_back(std::move(parsed.records[i]));
    }
    if (parsed.torn_bytes > 0) {
      stats_.dropped_torn_bytes = parsed.torn_bytes;
      options_.warn("pcsim: the last record of " + journal_path + " is incomplete (" +
                    std::to_string(parsed.torn_bytes) + " bytes, a write cut short by a crash); dropped it");
    }
    journal_size_ = parsed.good_size;
  } else if (!error.empty()) {
    return fail(error);
  }

  // Replay into the fresh router, checking each result that was recorded.
  std::map<uint64_t, std::pair<int, uint64_t>> results;  // request seq -> (status, body hash)
  struct Replaying {
    api::Router& router;
    explicit Replaying(api::Router& r) : router(r) { router.SetReplaying(true); }
    ~Replaying() { router.SetReplaying(false); }
  } replaying(router_);
  for (const Record& r : records) {
    next_seq_ = std::max(next_seq_, r.seq + 1);
    if (r.type == kRequest) {
      auto request = ReadRequest(r);
      if (!request) return fail("the record " + std::to_string(r.seq) + " in " + dir + " cannot be read (corrupt)");
      api::Response response = router_.Handle(*request);
      results[r.seq] = {response.status, Fnv1a(response.body)};
      ++stats_.replayed_requests;
    } else if (r.type == kOutcome) {
      auto outcome = ReadOutcome(r);
      if (!outcome) return fail("the record " + std::to_string(r.seq) + " in " + dir + " cannot be read (corrupt)");
      auto it = results.find(outcome->request_seq);
      if (it == results.end()) continue;  // its request was compacted away (before a reset)
      if (static_cast<uint64_t>(it->second.first) != outcome->status || it->second.second != outcome->body_hash)
        return fail("replaying " + dir + " gives another result for request " + std::to_string(outcome->request_seq) +
                    " (recorded status " + std::to_string(outcome->status) + ", now " +
                    std::to_string(it->second.first) +
                    "); the state cannot be restored faithfully (were files it read changed?)");
      results.erase(it);
    } else if (r.type == kRead) {
      auto read = ReadRead(r);
      if (!read) return fail("the record " + std::to_string(r.seq) + " in " + dir + " cannot be read (corrupt)");
      router_.RestoreRead(std::move(read->record), read->random_state);
      ++stats_.restored_reads;
    } else {
      return fail("the record " + std::to_string(r.seq) + " in " + dir + " has an unknown type");
    }
  }

  journal_fd_ = ::open(journal_path.c_str(), O_WRONLY | O_CREAT | O_CLOEXEC, 0644);
  if (journal_fd_ < 0) return fail("cannot open " + journal_path + ": " + std::strerror(errno));
  if (!journal_has_header) {
    if (Status s = StartJournal(); !s.ok()) return fail(s.description());
  } else if (stats_.dropped_torn_bytes > 0) {
    if (::ftruncate(journal_fd_, static_cast<off_t>(journal_size_)) != 0 || ::fsync(journal_fd_) != 0)
      return fail("cannot truncate " + journal_path + ": " + std::strerror(errno));
  }
  if (::lseek(journal_fd_, static_cast<off_t>(journal_size_), SEEK_SET) < 0)
    return fail("cannot seek in " + journal_path + ": " + std::strerror(errno));
  since_snapshot_ = records.size();
  random_before_ = router_.sandbox().random().state();
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

Status StateStore::AppendRecord(const std::string& frame, bool sync) {
  if (!WriteAll(journal_fd_, frame) || (sync && ::fdatasync(journal_fd_) != 0)) {
    Status error = IoError("appending to " + options_.dir + "/journal");
    // Cut the partial record off so later appends stay readable.
    if (::ftruncate(journal_fd_, static_cast<off_t>(journal_size_)) != 0 ||
        ::lseek(journal_fd_, static_cast<off_t>(journal_size_), SEEK_SET) < 0)
      broken_ = error.description();
    return error;
  }
  journal_size_ += frame.size();
  ++since_snapshot_;
  return OkStatus();
}

Status StateStore::BeforeApply(const api::Request& request) {
  if (!broken_.empty()) return Status(503, 800003, broken_);
  uint64_t seq = next_seq_;
  Status s = AppendRecord(Frame(seq, kRequest, RequestFields(request)), /*sync=*/true);
  if (!s.ok()) return s;
  ++next_seq_;
  pending_request_ = seq;
  sandbox_before_ = &router_.sandbox();
  return OkStatus();
}

void StateStore::AfterApply(const api::Request& request, const api::Response& response,
                            const api::RequestRecord& record) {
  if (!broken_.empty()) return;
  std::string fields;
  char type;
  if (request.method != "GET") {
    type = kOutcome;
    PutU64(fields, pending_request_);
    PutU64(fields, static_cast<uint64_t>(response.status));
    PutU64(fields, Fnv1a(response.body));
    PutU64(fields, &router_.sandbox() != sandbox_before_ ? kOutcomeReset : 0);
  } else {
    type = kRead;
    uint64_t state = router_.sandbox().random().state();
    PutStr(fields, record.at.ToString());
    PutStr(fields, record.method);
    PutStr(fields, record.path);
    PutU64(fields, static_cast<uint64_t>(record.status));
    PutStr(fields, record.request_id);
    PutStr(fields, record.partner);
    PutU64(fields, state);
    // A GET that drew from the random source changed the state; it is kept
    // when the snapshot drops old reads.
    PutU64(fields, state != random_before_ ? kReadConsumed : 0);
  }
  // Not flushed on its own: the next request's fsync (or the snapshot)
  // carries it. Losing it loses a check (an outcome) or an entry of the
  // request journal, never an acknowledged change.
  Status s = AppendRecord(Frame(next_seq_, type, fields), /*sync=*/false);
  if (!s.ok()) {
    // A GET that drew from the random source and is not on disk would make
    // later requests replay differently: refuse changes from now on.
    broken_ = s.description();
  } else {
    ++next_seq_;
  }
  random_before_ = router_.sandbox().random().state();
  if (since_snapshot_ >= options_.snapshot_every) {
    if (Status w = WriteSnapshot(); !w.ok()) options_.warn("pcsim: " + w.description());
  }
}

Status StateStore::WriteSnapshot() {
  // Everything on disk now: the current snapshot and the journal.
  std::string error;
  std::vector<Record> records;
  uint64_t last_snapshot_seq = 0;
  if (auto data = ReadWholeFile(options_.dir + "/snapshot", &error)) {
    ParsedFile parsed = ParseRecords(*data);
    auto header = parsed.records.empty() ? std::nullopt : ReadHeader(parsed.records.front());
    if (!parsed.error.empty() || parsed.torn_bytes > 0 || parsed.records.size() < 2 || !header)
      return Status(500, 800003, "snapshot not written: the current snapshot cannot be read back");
    last_snapshot_seq = header->last_seq;
    records.assign(std::make_move_iterator(parsed.records.begin() + 1),
                   std::make_move_iterator(parsed.records.end() - 1));
  } else if (!error.empty()) {
    return Status(500, 800003, "snapshot not written: " + error);
  }
  if (auto data = ReadWholeFile(options_.dir + "/journal", &error)) {
    ParsedFile parsed = ParseRecords(std::string_view(*data).substr(0, journal_size_));
    for (size_t i = 1; i < parsed.records.size(); ++i)
      if (parsed.records[i].seq > last_snapshot_seq) records.push_back(std::move(parsed.records[i]));
  } else {
    return Status(500, 800003, "snapshot not written: " + (error.empty() ? "the journal is missing" : error));
  }

  // Compaction: nothing before the last reset matters (it starts a new
  // sandbox with empty tokens, carts, caches and request journal), and a GET
  // that did not draw from the random source matters only while its entry is
  // among the last kRequestEntriesKept of the request journal.
  size_t first = 0;
  for (size_t i = records.size(); i-- > 0;) {
    if (records[i].type != kOutcome) continue;
    auto o = ReadOutcome(records[i]);
    if (o && (o->flags & kOutcomeReset)) {
      for (size_t j = i; j-- > 0;)
        if (records[j].type == kRequest && records[j].seq == o->request_seq) {
          first = j;
          break;
        }
      break;
    }
  }
  std::vector<bool> keep(records.size(), true);
  for (size_t i = 0; i < first; ++i) keep[i] = false;
  uint64_t entries = 0;
  for (size_t i = records.size(); i-- > first;) {
    if (records[i].type == kRequest) ++entries;
    if (records[i].type != kRead) continue;
    ++entries;
    auto g = ReadRead(records[i]);
    if (entries > kRequestEntriesKept && g && !(g->flags & kReadConsumed)) keep[i] = false;
  }

  Header h{std::string(kStateFormat), options_.version, options_.fingerprint, "snapshot", next_seq_ - 1};
  std::string out = Frame(0, kHeader, HeaderFields(h));
  uint64_t count = 0;
  for (size_t i = 0; i < records.size(); ++i)
    if (keep[i]) {
      out += records[i].frame;
      ++count;
    }
  std::string end_fields;
  PutU64(end_fields, count);
  out += Frame(0, kEnd, end_fields);

  const std::string tmp = options_.dir + "/snapshot.tmp";
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) return IoError("creating " + tmp);
  bool ok = WriteAll(fd, out) && ::fsync(fd) == 0;
  ok = (::close(fd) == 0) && ok;
  if (!ok || ::rename(tmp.c_str(), (options_.dir + "/snapshot").c_str()) != 0 || !SyncDir(options_.dir)) {
    Status error = IoError("writing the snapshot " + tmp);
    std::error_code ec;
    std::filesystem::remove(tmp, ec);
    return error;
  }
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
  if (!broken_.empty()) return Status(500, 800003, broken_);
  return WriteSnapshot();
}

}  // namespace pcsim::persist
