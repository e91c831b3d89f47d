// Bounds on a YAML document, checked before it is loaded and walked.
//
// yaml-cpp builds aliased nodes once and shares them, so a small text can
// stand for a huge tree ("billion laughs": ten aliases of ten aliases of ...),
// and it recurses once per nesting level, as the scenario reader does. Two
// passes refuse such documents first, each with the line and the reason:
//
//   1. ScanYamlNesting reads the text once, without recursion and without
//      yaml-cpp, and estimates how deep collections nest (flow brackets,
//      block indentation, compact "- - -" entries). It refuses the deep
//      shapes ("[[[[...", indentation staircases) before yaml-cpp sees them.
//   2. CheckYamlShape runs yaml-cpp's event parser over the first document
//      (no nodes are built) and counts exactly: the nodes the document stands
//      for, each alias counted as the nodes it repeats; the nesting depth,
//      aliases included; and aliases that refer to a node containing them (a
//      cycle, which no walk ends). yaml-cpp's parser stops on its own past 498
//      levels, so this pass is safe even where the estimate falls short.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace pcsim::replay {

struct YamlBounds {
  uint64_t max_nodes = 0;
  int max_depth = 0;
};

// What is wrong and where (line from 1).
struct YamlBoundsError {
  int line = 1;
  std::string reason;
};

// Before both: a control character other than tab, line feed and carriage
// return is refused, as YAML and JSON refuse it (and yaml-cpp reads 0x04 as
// the end of the text, and a NUL as the sign of UTF-16 or UTF-32).
std::optional<YamlBoundsError> FindControlCharacter(std::string_view text);

// Pass 1: the first line where the estimated nesting exceeds max_depth.
std::optional<YamlBoundsError> ScanYamlNesting(std::string_view text, int max_depth);
// The estimate itself: the deepest nesting the scan sees (for tests).
int EstimateYamlNesting(std::string_view text);

// Pass 2: the first node that breaks a bound, or nullopt. A YAML syntax error
// is not reported here (the load that follows reports it); nor is an error
// in a document after the first.
std::optional<YamlBoundsError> CheckYamlShape(std::string_view text, YamlBounds bounds);

// The nesting depth of the first document as written (aliases not
// expanded), as yaml-cpp parses it: what ScanYamlNesting estimates. Nullopt
// when yaml-cpp refuses the text (for tests and the fuzz target).
std::optional<int> ExactYamlNesting(std::string_view text);

}  // namespace pcsim::replay
