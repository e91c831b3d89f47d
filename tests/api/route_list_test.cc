// docs/routes.md lists every route the router serves, and only those: a route
// added without its line (or a line left after its route went) fails here,
// with the line to add.
#include <fstream>
#include <regex>
#include <set>
#include <sstream>

#include "tests/api/api_fixture.h"

namespace pcsim::api::testing {
namespace {

// "/v1/customers/{customer-id}/users" -> "/v1/customers/{}/users", lower case:
// a segment with a named part ("ExportId={export-id}") is one {} segment.
std::string Pattern(const std::string& path) {
  std::string out;
  std::istringstream segments(path);
  std::string segment;
  bool first = true;
  while (std::getline(segments, segment, '/')) {
    if (!first) out.push_back('/');
    first = false;
    out += segment.find('{') != std::string::npos ? "{}" : ToLower(segment);
  }
  return out;
}

TEST(RouteListTest, DocsListEveryRouteWithItsStatus) {
  std::ifstream in(std::string(PCSIM_SOURCE_DIR) + "/docs/routes.md");
  ASSERT_TRUE(in) << "docs/routes.md is missing";
  // | `GET` | `/v1/customers/{customer-id}` | full | ... |
  const std::regex row(R"(^\| `([A-Z]+)` \| `([^`]+)` \| (full|partial|not modelled) \|)");
  std::set<std::string> documented;
  std::string line;
  int rows = 0;
  while (std::getline(in, line)) {
    std::smatch m;
    if (!std::regex_search(line, m, row)) continue;
    ++rows;
    EXPECT_TRUE(documented.insert(m[1].str() + " " + Pattern(m[2].str())).second) << "listed twice: " << line;
  }
  Router router;
  std::set<std::string> served;
  std::ostringstream missing;
  for (const RouteTable::Listed& r : router.Routes()) {
    std::string key = r.method + " " + Pattern(r.pattern);
    served.insert(key);
    if (documented.count(key) == 0) missing << "| `" << r.method << "` | `" << r.pattern << "` | full | |\n";
  }
  EXPECT_TRUE(missing.str().empty()) << "routes served but not in docs/routes.md:\n" << missing.str();
  for (const std::string& d : documented) EXPECT_EQ(served.count(d), 1u) << "docs/routes.md lists a route not served: " << d;
  EXPECT_GT(rows, 50);
}

}  // namespace
}  // namespace pcsim::api::testing
