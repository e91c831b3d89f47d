#include "simulator/api/zip_archive.h"

#include <zip.h>

#include <algorithm>
#include <cstdio>

#include "simulator/model/errors.h"

namespace pcsim::api {
namespace {

Status ZipFailure(std::string_view what, zip_error_t* error) {
  return Error<Err::ServiceError>("cannot make the zip archive (" + std::string(what) + ": " +
                                  zip_error_strerror(error) + ")");
}

Status ZipFailure(std::string_view what, zip_t* archive) { return ZipFailure(what, zip_get_error(archive)); }

// MS-DOS date and time fields of `day` at 12:00:00.
std::pair<zip_uint16_t, zip_uint16_t> DosDateTime(Date day) {
  int year = day.year(), month = day.month(), dom = day.day();
  if (year < 1980 || year > 2107) {
    year = 1980;
    month = 1;
    dom = 1;
  }
  const auto date = static_cast<zip_uint16_t>(((year - 1980) << 9) | (month << 5) | dom);
  const auto time = static_cast<zip_uint16_t>(12 << 11);
  return {date, time};
}

// The bytes a buffer source holds (after zip_close wrote the archive into it).
StatusOr<std::string> ReadAll(zip_source_t* source) {
  if (zip_source_open(source) < 0) return ZipFailure("open", zip_source_error(source));
  std::string out;
  char chunk[1 << 14];
  for (;;) {
    zip_int64_t n = zip_source_read(source, chunk, sizeof chunk);
    if (n < 0) {
      Status failed = ZipFailure("read", zip_source_error(source));
      zip_source_close(source);
      return failed;
    }
    if (n == 0) break;
    out.append(chunk, static_cast<size_t>(n));
  }
  zip_source_close(source);
  return out;
}

// Adds `content` as `name` to `archive`; the archive is discarded on failure.
Status AddFile(zip_t* archive, const std::string& name, std::string_view content, Date day) {
  zip_source_t* file = zip_source_buffer(archive, content.data(), content.size(), 0);
  if (file == nullptr) return ZipFailure("source", archive);
  const zip_int64_t index = zip_file_add(archive, name.c_str(), file, ZIP_FL_ENC_UTF_8);
  if (index < 0) {
    zip_source_free(file);
    return ZipFailure("add", archive);
  }
  const auto [date, time] = DosDateTime(day);
  const auto entry = static_cast<zip_uint64_t>(index);
  if (zip_set_file_compression(archive, entry, ZIP_CM_DEFLATE, 9) < 0) return ZipFailure("compression", archive);
  if (zip_file_set_dostime(archive, entry, time, date, 0) < 0) return ZipFailure("timestamp", archive);
  return OkStatus();
}

}  // namespace

StatusOr<std::string> ZipOneFile(const std::string& name, std::string_view content, Date day) {
  zip_error_t error;
  zip_error_init(&error);
  zip_source_t* buffer = zip_source_buffer_create(nullptr, 0, 0, &error);
  if (buffer == nullptr) {
    Status failed = ZipFailure("buffer", &error);
    zip_error_fini(&error);
    return failed;
  }
  zip_t* archive = zip_open_from_source(buffer, ZIP_TRUNCATE, &error);
  if (archive == nullptr) {
    Status failed = ZipFailure("open", &error);
    zip_source_free(buffer);
    zip_error_fini(&error);
    return failed;
  }
  zip_error_fini(&error);
  zip_source_keep(buffer);  // the archive's close releases its reference, not ours
  Status added = AddFile(archive, name, content, day);
  if (added.ok() && zip_close(archive) < 0) added = ZipFailure("close", archive);
  if (!added.ok()) {
    zip_discard(archive);
    zip_source_free(buffer);
    return added;
  }
  StatusOr<std::string> bytes = ReadAll(buffer);
  zip_source_free(buffer);
  return bytes;
}

}  // namespace pcsim::api
