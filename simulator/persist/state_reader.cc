#include "simulator/model/errors.h"
#include "simulator/persist/state_reader.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <utility>

#include "simulator/persist/state_frame.h"

namespace pcsim::persist {
namespace {

using frame::Crc32;
using frame::Fnv1a;
using frame::kCommand;
using frame::kEnd;
using frame::kFrameOverhead;
using frame::kHeadBytes;
using frame::kHeader;
using frame::kMagic;
using frame::kMaxRecord;

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

bool ReadCommand(std::string_view fields, StateRecord* r) {
  FieldReader in(fields);
  api::CommandRecord& c = r->command;
  uint8_t has_caller = 0, resets = 0;
  uint32_t status = 0;
  if (!in.Str(&c.method) || !in.Str(&c.path) || !in.Pairs(&c.query) || !in.Pairs(&c.headers) || !in.Str(&c.body) ||
      !in.Str(&c.fault) || !in.U8(&has_caller) || has_caller > 2)
    return false;
  if (has_caller) {
    api::Caller caller;
    uint8_t app_only = 0, mfa = 0;
    if (!in.Str(&caller.partner_tenant_id) || !in.U8(&app_only) || !in.U8(&mfa) || !in.Str(&caller.user_id) ||
        app_only > 1 || mfa > 1)
      return false;
    if (has_caller == 2 && (!in.Str(&caller.application_id) || !in.Str(&caller.user_principal_name))) return false;
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

}  // namespace

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

}  // namespace pcsim::persist
