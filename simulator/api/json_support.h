// JSON on the wire: responses are built as ordered JSON (keys in the
// documented order) and money is written as exact JSON numbers, never through
// a binary float; request bodies are read with case-insensitive keys (the
// .NET SDK sends PascalCase).
#pragma once

#include <nlohmann/json.hpp>

#include <optional>
#include <string>
#include <string_view>

#include "simulator/clock/time.h"
#include "simulator/model/status.h"
#include "simulator/money/decimal.h"

namespace pcsim::api {

using Json = nlohmann::ordered_json;

// A JSON number with exactly the digits of `d` (trailing fraction zeros
// dropped). Only Dump() renders it correctly.
Json Number(const Decimal& d);
// Serialises `j`, writing the values made by Number() as plain JSON numbers.
std::string Dump(const Json& j);
// The decimal text of a value made by Number(), or nullopt.
std::optional<std::string> NumberText(const Json& v);

// An empty object with room for `keys` keys. Build resources in one: an
// ordered object is a vector of (const key, value) pairs, which a reallocation
// copies deeply, nested objects and all.
Json ObjectWithCapacity(size_t keys);

// Base64 (RFC 4648) with padding; with `url_safe`, the URL and file name
// alphabet ("-", "_") without padding, as in a JWT.
std::string Base64(std::string_view in, bool url_safe = false);

// "2026-05-04T00:00:00Z" for a day; instants as RFC 3339.
std::string DateTimeOf(Date d);
std::string EndOfDayOf(Date d);  // "2026-05-04T23:59:59Z"

// Walks the JSON text from `begin`, outside strings, counting bracket
// nesting: `end` is one past the bracket that closes the value at `begin`
// (or the text's end), `too_deep` whether nesting went past `max_depth` on
// the way (the walk stops there).
struct NestingScan {
  size_t end;
  bool too_deep;
};
NestingScan ScanNesting(std::string_view text, size_t begin, int max_depth);

// Parses JSON keeping each fractional number as its source text (a JSON
// string: "0.10", "1e-3"), so that money read from it is never a binary
// float; integers stay integers. nullopt for malformed text, trailing text,
// or nesting deeper than `max_depth`.
std::optional<nlohmann::json> ParseExactJson(std::string_view text, size_t max_depth = 64);

// Parses a request body: 400 with code 900126 for malformed JSON, nesting
// deeper than 64 levels, or a body that is not an object (when `object`).
StatusOr<nlohmann::json> ParseBody(std::string_view body, bool object = true);

// Case-insensitive access to the keys of a request object.
const nlohmann::json* Field(const nlohmann::json& object, std::string_view key);
// Typed reads; a present value of the wrong type is a 400 naming the key.
StatusOr<std::optional<std::string>> StringField(const nlohmann::json& object, std::string_view key);
StatusOr<std::optional<int64_t>> IntField(const nlohmann::json& object, std::string_view key);
StatusOr<std::optional<bool>> BoolField(const nlohmann::json& object, std::string_view key);

}  // namespace pcsim::api
