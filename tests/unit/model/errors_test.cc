// The error catalogue: Error<> fills the template from the table, and the
// table itself is well formed.
#include "simulator/model/errors.h"

#include <set>
#include <string>

#include <gtest/gtest.h>

namespace pcsim {
namespace {

TEST(ErrorCatalogue, ErrorTakesStatusCodeAndWordingFromTheTable) {
  Status s = Error<Err::CustomerNotFound>("c-1");
  EXPECT_EQ(s.http_status(), 404);
  EXPECT_EQ(s.code(), 1000);
  EXPECT_EQ(s.description(), "Customer c-1 was not found.");
  EXPECT_FALSE(s.ok());
}

TEST(ErrorCatalogue, ArgumentsFillThePlaceholdersInOrder) {
  Status s = ErrorWithStatus<Err::InjectedFault>(503, "The service is busy", uint64_t{7});
  EXPECT_EQ(s.http_status(), 503);
  EXPECT_EQ(s.code(), 800003);
  EXPECT_EQ(s.description(), "The service is busy (injected by /_sim/faults rule 7).");
}

TEST(ErrorCatalogue, BracesInAnArgumentAreNotPlaceholders) {
  EXPECT_EQ(errors_internal::Fill("a {} b {}", {"{}", "x"}), "a {} b x");
  EXPECT_EQ(errors_internal::Fill("no placeholder", {}), "no placeholder");
  EXPECT_EQ(errors_internal::Fill("{}{}", {"1", "2"}), "12");
}

TEST(ErrorCatalogue, PrefixedKeepsStatusAndCode) {
  Status s = Error<Err::CustomerNotFound>("c-1").Prefixed("rules[2]: ");
  EXPECT_EQ(s.http_status(), 404);
  EXPECT_EQ(s.code(), 1000);
  EXPECT_EQ(s.description(), "rules[2]: Customer c-1 was not found.");
}

TEST(ErrorCatalogue, EveryEntryIsComplete) {
  std::set<std::string_view> names;
  for (const ErrorSpec& e : kErrorCatalogue) {
    SCOPED_TRACE(std::string(e.name));
    EXPECT_TRUE(names.insert(e.name).second) << "duplicate name";
    EXPECT_TRUE(e.http_status == 0 || (e.http_status >= 400 && e.http_status < 600)) << e.http_status;
    EXPECT_GT(e.code, 0);
    EXPECT_FALSE(e.description.empty());
    EXPECT_FALSE(e.source.empty());
    ASSERT_FALSE(e.situations.empty());
    EXPECT_EQ(e.situations.back(), '.') << "situations are written as a sentence";
  }
  EXPECT_GT(kErrorCatalogue.size(), 100u);
}

}  // namespace
}  // namespace pcsim
