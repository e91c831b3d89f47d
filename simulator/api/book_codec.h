// The book file (docs/book-format.md): reading one, with every error at its
// file and line; writing one, byte for byte the same for the same book; and
// the book of a sandbox as it stands now.
//
// Two layouts hold the same records. A JSON document is the header object
// with a "customers" array. JSON Lines is the header object on the first line
// (without "customers"), then one customer object per line, its
// subscriptions inside: a book of a million subscriptions streams, and a
// shard is a subset of its lines.
#pragma once

#include <nlohmann/json.hpp>

#include <ostream>
#include <string>
#include <string_view>

#include "simulator/commerce/book.h"
#include "simulator/commerce/sandbox.h"
#include "simulator/model/status.h"

namespace pcsim::api {

// Books larger than this are refused (a JSON Lines book of a million
// subscriptions is about 600 MB).
inline constexpr size_t kMaxBookBytes = size_t{4} << 30;

// Parses a book in either layout. `file` names it in messages. 400 800002
// "FILE:LINE: PATH: reason" for malformed JSON, an unknown or missing key, a
// value of the wrong type, an unknown enum value, a bad date or decimal.
// What the records mean together (ids, offers, dates around asOf) is
// Sandbox::FromBook's to check.
StatusOr<Book> ParseBook(std::string_view text, const std::string& file);
// Reads and parses the book at `path` (gzip when the name ends in ".gz").
StatusOr<Book> ReadBookFile(const std::string& path);

// The book as JSON Lines, keys in a fixed order, decimals as strings, dates
// as YYYY-MM-DD; the header holds the assumptions.
void WriteBookJsonLines(const Book& book, std::ostream& out);
std::string BookJsonLines(const Book& book);

// The active and suspended subscriptions of `sandbox` (with their
// customers) as a book at its Now(); expired, disabled and deleted ones are
// not part of a book.
Book BookOf(const Sandbox& sandbox);

// One subscription as Partner Center's Subscription resource writes it (GET
// a subscription), as a book record; `unit_price` is what the book says was
// paid (nullopt: the price list's). 400 800002 naming the field otherwise.
StatusOr<BookSubscription> BookSubscriptionOfResource(const nlohmann::json& subscription);

}  // namespace pcsim::api
