// JUnit XML of a replay (reports.h).
#include <string>
#include <vector>

#include "simulator/replay/reports.h"
#include "simulator/replay/reports_internal.h"

namespace pcsim::replay {

using report::DisplayTitle;
using report::FirstLine;
using report::Xml;

std::string JUnitXml(const std::vector<ScenarioResult>& results) {
  size_t failures = 0, errors = 0;
  for (const ScenarioResult& r : results) {
    if (r.outcome == Outcome::Failed) ++failures;
    if (r.outcome == Outcome::Invalid) ++errors;
  }
  const std::string counts = "tests=\"" + std::to_string(results.size()) + "\" failures=\"" +
                             std::to_string(failures) + "\" errors=\"" + std::to_string(errors) + "\"";
  std::string out = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
  out += "<testsuites name=\"pcsim replay\" " + counts + ">\n";
  out += "  <testsuite name=\"pcsim replay\" " + counts + " skipped=\"0\">\n";
  for (const ScenarioResult& r : results) {
    out += "    <testcase classname=\"" + Xml(r.file, true) + "\" name=\"" + Xml(DisplayTitle(r), true) + "\"";
    switch (r.outcome) {
      case Outcome::Passed: out += "/>\n"; continue;
      case Outcome::Failed:
        out += ">\n      <failure message=\"" + Xml(FirstLine(r.message), true) + "\" type=\"ScenarioFailed\">" +
               Xml(r.message, false) + "</failure>\n";
        break;
      case Outcome::Invalid:
        out += ">\n      <error message=\"" + Xml(FirstLine(r.message), true) + "\" type=\"InvalidScenario\">" +
               Xml(r.message, false) + "</error>\n";
        break;
    }
    out += "    </testcase>\n";
  }
  out += "  </testsuite>\n</testsuites>\n";
  return out;
}

}  // namespace pcsim::replay
