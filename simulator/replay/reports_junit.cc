// JUnit XML of a replay (reports.h).
#include <algorithm>
#include <cstdint>
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

// JUnit's time: seconds, three decimals ("1.234"), from microseconds rounded
// to the millisecond.
std::string Time(int64_t micros) {
  const int64_t millis = (std::max<int64_t>(micros, 0) + 500) / 1000;
  std::string frac = std::to_string(millis % 1000);
  return " time=\"" + std::to_string(millis / 1000) + "." + std::string(3 - frac.size(), '0') + frac + "\"";
}

}  // namespace

std::string JUnitXml(const std::vector<ScenarioResult>& results, const JUnitTimes* times) {
  size_t failures = 0, errors = 0;
  for (const ScenarioResult& r : results) {
    if (r.outcome == Outcome::Failed) ++failures;
    if (r.outcome == Outcome::Invalid) ++errors;
  }
  const std::string counts = "tests=\"" + std::to_string(results.size()) + "\" failures=\"" +
                             std::to_string(failures) + "\" errors=\"" + std::to_string(errors) + "\"";
  const std::string total = Time(times != nullptr ? times->total_micros : 0);
  std::string out = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
  out += "<testsuites name=\"pcsim replay\" " + counts + total + ">\n";
  out += "  <testsuite name=\"pcsim replay\" " + counts + " skipped=\"0\"" + total + ">\n";
  for (size_t i = 0; i < results.size(); ++i) {
    const ScenarioResult& r = results[i];
    const int64_t micros = times != nullptr && i < times->scenario_micros.size() ? times->scenario_micros[i] : 0;
    out += "    <testcase classname=\"" + Xml(r.file, true) + "\" name=\"" + Xml(DisplayTitle(r), true) + "\"" +
           Time(micros);
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
