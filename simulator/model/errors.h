// The error catalogue (errors.def) as code: Err names every error pcsim
// answers with, and Error<Err::X>(args...) is the one way to make one. The
// HTTP status, the Partner Center code and the description's template come
// from the table, so a call site carries neither numbers nor wording of its
// own, and the number of arguments is checked against the template's {} when
// the call compiles.
#pragma once

#include <array>
#include <concepts>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>

#include "simulator/model/status.h"

namespace pcsim {

enum class Err : uint16_t {
#define PCSIM_ERROR(name, http, code, tmpl, source, situations) name,
#include "simulator/model/errors.def"
#undef PCSIM_ERROR
};

struct ErrorSpec {
  std::string_view name;
  int http_status;
  int code;
  std::string_view description;  // a template: {} marks each argument
  std::string_view source;       // the Partner Center page, or "pcsim"
  std::string_view situations;
};

inline constexpr std::array kErrorCatalogue = {
#define PCSIM_ERROR(name, http, code, tmpl, source, situations) ErrorSpec{#name, http, code, tmpl, source, situations},
#include "simulator/model/errors.def"
#undef PCSIM_ERROR
};

constexpr const ErrorSpec& SpecOf(Err e) { return kErrorCatalogue[static_cast<size_t>(e)]; }

constexpr size_t PlaceholdersIn(std::string_view text) {
  size_t n = 0;
  for (size_t i = 0; i + 1 < text.size(); ++i)
    if (text[i] == '{' && text[i + 1] == '}') ++n;
  return n;
}

namespace errors_internal {
inline std::string_view Piece(std::string_view s) { return s; }
inline std::string_view Piece(const std::string& s) { return s; }
inline std::string_view Piece(const char* s) { return s; }
inline std::string Piece(char c) { return std::string(1, c); }
template <std::integral I>
  requires(!std::same_as<I, char> && !std::same_as<I, bool>)
std::string Piece(I i) { return std::to_string(i); }
// The template with each {} replaced by the next piece.
std::string Fill(std::string_view tmpl, std::initializer_list<std::string_view> pieces);
}  // namespace errors_internal

template <Err e, typename... Args>
[[nodiscard]] Status Error(const Args&... args) {
  static_assert(SpecOf(e).http_status != 0, "this entry's status is the caller's: use ErrorWithStatus<>");
  static_assert(PlaceholdersIn(SpecOf(e).description) == sizeof...(Args),
                "the arguments do not match the template's {} in errors.def");
  const ErrorSpec& spec = SpecOf(e);
  return Status(spec.http_status, spec.code,
                errors_internal::Fill(spec.description, {std::string_view(errors_internal::Piece(args))...}));
}

// For the entries whose status is the caller's (HTTP status 0 in errors.def).
template <Err e, typename... Args>
[[nodiscard]] Status ErrorWithStatus(int http_status, const Args&... args) {
  static_assert(SpecOf(e).http_status == 0, "this entry has its own HTTP status: use Error<>");
  static_assert(PlaceholdersIn(SpecOf(e).description) == sizeof...(Args),
                "the arguments do not match the template's {} in errors.def");
  return Status(http_status, SpecOf(e).code,
                errors_internal::Fill(SpecOf(e).description, {std::string_view(errors_internal::Piece(args))...}));
}

}  // namespace pcsim
