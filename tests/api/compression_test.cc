// gzip as the Graph export blobs use it: what Gzip writes, Gunzip reads back
// exactly, across members and sizes; anything else is an error, never a
// partial answer.
#include "simulator/api/compression.h"

#include <gtest/gtest.h>

#include <string>

namespace pcsim::api {
namespace {

// Lines of JSON-like text that do not repeat exactly.
std::string Lines(size_t n) {
  std::string text;
  uint64_t x = 88172645463325252ULL;
  for (size_t i = 0; i < n; ++i) {
    x ^= x << 13, x ^= x >> 7, x ^= x << 17;
    text += "{\"Row\":" + std::to_string(i) + ",\"Total\":" + std::to_string(x % 100000) + ".25}\n";
  }
  return text;
}

std::string ErrorOf(const StatusOr<std::string>& r) { return r.ok() ? "" : r.status().description(); }
std::string Malformed(const std::string& why) { return "The data is not a valid gzip stream: " + why + "."; }

TEST(CompressionTest, RoundTripsEmptySmallAndLargeData) {
  for (const std::string& data : {std::string(), std::string("{}\n"), Lines(200000)}) {
    const std::string gz = Gzip(data);
    ASSERT_GE(gz.size(), 18u);
    EXPECT_EQ(static_cast<unsigned char>(gz[0]), 0x1f);
    EXPECT_EQ(static_cast<unsigned char>(gz[1]), 0x8b);
    auto back = Gunzip(gz, data.size());
    ASSERT_TRUE(back.ok()) << back.status().ToString();
    EXPECT_EQ(*back, data);
    if (data.size() > 1000) {
      EXPECT_LT(gz.size(), data.size() / 3) << "JSON lines compress";
    }
  }
}

TEST(CompressionTest, ReadsConcatenatedMembersAsGzipWritesThem) {
  const std::string a = Lines(1000), b = Lines(3);
  auto back = Gunzip(Gzip(a) + Gzip("") + Gzip(b), 1 << 20);
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  EXPECT_EQ(*back, a + b);
}

TEST(CompressionTest, LeavesRoomForASimdReaderPastTheEnd) {
  auto back = Gunzip(Gzip(Lines(1000)), 1 << 20);
  ASSERT_TRUE(back.ok());
  EXPECT_GE(back->capacity() - back->size(), kGunzipSpareCapacity);
}

TEST(CompressionTest, GrowsPastAShortFirstGuess) {
  // The first guess of the room is the last member's stated size: here 1.
  const std::string data = Lines(20000);
  auto back = Gunzip(Gzip(data) + Gzip("x"), 1 << 24);
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  EXPECT_EQ(*back, data + "x");
}

TEST(CompressionTest, RefusesWhatInflatesBeyondTheLimitButNotAtIt) {
  const std::string data = Lines(5000);
  const std::string gz = Gzip(data);
  EXPECT_TRUE(Gunzip(gz, data.size()).ok());
  EXPECT_EQ(ErrorOf(Gunzip(gz, data.size() - 1)),
            Malformed("it inflates beyond " + std::to_string(data.size() - 1) + " bytes"));
  // A bomb: a megabyte of one byte is a few kilobytes of gzip.
  EXPECT_NE(ErrorOf(Gunzip(Gzip(std::string(1 << 20, 'a')), 4096)).find("inflates beyond 4096"), std::string::npos);
}

TEST(CompressionTest, MalformedStreamsAreErrorsNeverPartialAnswers) {
  const std::string gz = Gzip(Lines(2000));
  std::string bad_crc = gz;
  bad_crc[bad_crc.size() - 8] ^= 1;
  std::string bad_size = gz;
  bad_size[bad_size.size() - 1] ^= 1;
  std::string bad_data = gz;
  bad_data[gz.size() / 2] ^= 0x55;
  const std::pair<std::string, std::string> cases[] = {
      {"not gzip at all, but long enough", "it is not a valid gzip stream"},
      {gz.substr(0, 10), "it ends early"},
      {gz.substr(0, gz.size() / 2), "it ends early"},
      {gz.substr(0, gz.size() - 1), "it ends early"},
      {bad_crc, "it is not a valid gzip stream"},
      {bad_size, "it is not a valid gzip stream"},
      {gz + "trailing bytes, no member", "it is not a valid gzip stream"},
      {gz + "x", "it ends early"},
  };
  for (const auto& [input, why] : cases) {
    auto r = Gunzip(input, 1 << 24);
    EXPECT_FALSE(r.ok()) << why;
    EXPECT_EQ(ErrorOf(r), Malformed(why)) << why;
  }
  EXPECT_FALSE(Gunzip(bad_data, 1 << 24).ok());
}

}  // namespace
}  // namespace pcsim::api
