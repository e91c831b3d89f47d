// Shared checks for the libFuzzer targets: a finding is reported with a
// message and abort(), so libFuzzer saves the input as a crash.
#pragma once

#include <cstdio>
#include <cstdlib>
#include <algorithm>
#include <cctype>
#include <string>
#include <string_view>

namespace pcsim::fuzz {

[[noreturn]] inline void Fail(const std::string& what, const std::string& detail) {
  std::fprintf(stderr, "pcsim fuzz finding: %s\n%s\n", what.c_str(), detail.substr(0, 4000).c_str());
  std::abort();
}

// A data file error must read "SOURCE:LINE:COLUMN: ..." with a line of `text`.
inline void CheckLocated(const std::string& description, std::string_view source, std::string_view text) {
  std::string_view rest = description;
  if (rest.substr(0, source.size()) != source || rest.substr(source.size(), 1) != ":")
    Fail("data file error without the source name", description);
  rest.remove_prefix(source.size() + 1);
  size_t numbers[2] = {0, 0};
  for (size_t& n : numbers) {
    size_t digits = 0;
    while (digits < rest.size() && digits < 9 && std::isdigit(static_cast<unsigned char>(rest[digits])) != 0)
      n = n * 10 + static_cast<size_t>(rest[digits++] - '0');
    if (digits == 0 || n == 0 || rest.substr(digits, 1) != ":") Fail("data file error without LINE:COLUMN", description);
    rest.remove_prefix(digits + 1);
  }
  if (rest.substr(0, 1) != " ") Fail("data file error without LINE:COLUMN", description);
  auto lines = static_cast<size_t>(std::count(text.begin(), text.end(), '\n')) + 1;
  if (numbers[0] > lines) Fail("data file error past the last line", description);
}

}  // namespace pcsim::fuzz
