// A "billion laughs" scenario, shared by the tests that feed it to the
// parser, to POST /_sim/scenarios/run and to `pcsim replay`: one request step
// whose body has nine levels, level a listing 10 scalars and each next level
// 10 aliases of the one before (10^9 nodes once expanded). Level L is on line
// 7 + L (a is level 1), so the sixth level, on line 13, is where the
// expansion crosses the bound of 1,000,000 nodes.
#pragma once

#include <string>

namespace pcsim::testing {

inline std::string AliasBomb() {
  std::string text =
      "scenario: bomb\nstart: 2026-01-15\nsteps:\n  - request:\n      method: POST\n      path: /v1/customers\n"
      "      body:\n        a: &a [x, x, x, x, x, x, x, x, x, x]\n";
  for (char level = 'b'; level <= 'i'; ++level) {
    std::string prev(1, static_cast<char>(level - 1));
    text += std::string("        ") + level + ": &" + level + " [*" + prev;
    for (int i = 1; i < 10; ++i) text += ", *" + prev;
    text += "]\n";
  }
  return text;
}

}  // namespace pcsim::testing
