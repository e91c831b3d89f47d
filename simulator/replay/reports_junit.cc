// JUnit XML of a replay (reports.h).
#include <string>
#include <string_view>
#include <vector>

#include "simulator/replay/reports.h"
#include "simulator/replay/reports_internal.h"

namespace pcsim::replay {

using report::DisplayTitle;
using report::FirstLine;
using report::Xml;

namespace {

// Every testsuite and testcase says time="0.000": JUnit's time is the run
// time in seconds, and a replay never reads the wall clock (two replays give
// byte-identical files), so the time is not measured. The attribute is there
// because some consumers want it; 0.000 is valid for all of them.
constexpr std::string_view kTime = " time=\"0.000\"";

}  // namespace

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
  out += "  <testsuite name=\"pcsim replay\" " + counts + " skipped=\"0\"" + std::string(kTime) + ">\n";
  for (const ScenarioResult& r : results) {
    out += "    <testcase classname=\"" + Xml(r.file, true) + "\" name=\"" + Xml(DisplayTitle(r), true) + "\"" +
           std::string(kTime);
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
