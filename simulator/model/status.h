// Errors inside the simulator are values. A Status carries the HTTP status and
// the Partner Center error code a client would see (Partner Center REST error
// codes); the API layer turns it into Partner Center's error body.
#pragma once

#include <cassert>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <variant>

namespace pcsim {

class [[nodiscard]] Status {
 public:
  Status() = default;  // OK
  Status(int http_status, int code, std::string description)
      : http_status_(http_status), code_(code), description_(std::move(description)) {}

  bool ok() const { return http_status_ == 0; }
  int http_status() const { return http_status_; }
  // Partner Center's error code (800090, 900117, ...).
  int code() const { return code_; }
  const std::string& description() const { return description_; }
  std::string ToString() const;
  // The same error with its description preceded by `prefix` ("rules[2]: ...").
  Status Prefixed(std::string_view prefix) const {
    return Status(http_status_, code_, std::string(prefix) + description_);
  }

 private:
  int http_status_ = 0;
  int code_ = 0;
  std::string description_;
};

inline Status OkStatus() { return Status(); }

// Either a value or a non-OK Status.
template <typename T>
class [[nodiscard]] StatusOr {
 public:
  StatusOr(T value) : value_(std::move(value)) {}  // NOLINT: implicit by design
  StatusOr(Status status) : status_(std::move(status)) { assert(!status_.ok()); }  // NOLINT

  bool ok() const { return value_.has_value(); }
  const Status& status() const { return status_; }
  T& value() & { assert(ok()); return *value_; }
  const T& value() const& { assert(ok()); return *value_; }
  T&& value() && { assert(ok()); return std::move(*value_); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }

 private:
  Status status_;
  std::optional<T> value_;
};

}  // namespace pcsim

#define PCSIM_RETURN_IF_ERROR(expr)        \
  do {                                     \
    ::pcsim::Status pcsim_status_ = (expr); \
    if (!pcsim_status_.ok()) return pcsim_status_; \
  } while (0)
