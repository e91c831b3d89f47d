// The append-only chunked store of charge lines and journal entries: every
// element kept in order across chunk boundaries, references stable while it
// grows, copies independent.
#include "simulator/model/chunked_vector.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace pcsim {
namespace {

constexpr size_t kChunk = 16;

struct Line {
  uint64_t a;
  uint32_t b;
};

TEST(ChunkedVectorTest, KeepsEveryElementInOrderAcrossChunks) {
  ChunkedVector<Line, kChunk> v;
  EXPECT_TRUE(v.empty());
  const size_t n = 3 * kChunk + 7;
  for (size_t i = 0; i < n; ++i) v.push_back(Line{i * 3, static_cast<uint32_t>(i)});
  ASSERT_EQ(v.size(), n);
  for (size_t i = 0; i < n; ++i) {
    ASSERT_EQ(v[i].a, i * 3) << i;
    ASSERT_EQ(v[i].b, i) << i;
  }
  EXPECT_EQ(v.front().a, 0u);
  EXPECT_EQ(v.back().b, n - 1);
  size_t seen = 0;
  for (const Line& line : v) EXPECT_EQ(line.b, seen++);
  EXPECT_EQ(seen, n);
  EXPECT_EQ(v.end() - v.begin(), static_cast<std::ptrdiff_t>(n));
}

TEST(ChunkedVectorTest, ReferencesStayValidWhileItGrows) {
  ChunkedVector<Line, kChunk> v;
  v.push_back(Line{42, 1});
  const Line* first = &v[0];
  const size_t n = 2 * kChunk;
  for (size_t i = 0; i < n; ++i) v.push_back(v[0]);  // appends a copy of an element it holds
  EXPECT_EQ(first, &v[0]);
  EXPECT_EQ(v[n].a, 42u);
  EXPECT_EQ(&v[1] + 1, &v[2]);
}

TEST(ChunkedVectorTest, CopiesAreIndependentAndMovesEmptyTheSource) {
  ChunkedVector<Line, kChunk> v;
  for (uint32_t i = 0; i < kChunk + 2; ++i) v.push_back(Line{i, i});
  ChunkedVector<Line, kChunk> copy = v;
  copy[0].a = 99;
  EXPECT_EQ(v[0].a, 0u);
  EXPECT_EQ(copy.size(), v.size());
  EXPECT_EQ(copy.back().b, v.back().b);
  ChunkedVector<Line, kChunk> moved = std::move(v);
  EXPECT_EQ(moved.size(), copy.size());
  EXPECT_TRUE(v.empty());  // NOLINT(bugprone-use-after-move): a moved-from store is empty
  v = moved;
  EXPECT_EQ(v.size(), moved.size());
  EXPECT_EQ(v[kChunk + 1].a, kChunk + 1);
}

TEST(ChunkedVectorTest, DestroysNonTrivialElementsOnce) {
  auto counter = std::make_shared<int>(0);
  {
    ChunkedVector<std::shared_ptr<int>, kChunk> v;
    for (size_t i = 0; i < kChunk + 5; ++i) v.push_back(counter);
    EXPECT_EQ(counter.use_count(), static_cast<long>(kChunk + 6));
  }
  EXPECT_EQ(counter.use_count(), 1);
}

}  // namespace
}  // namespace pcsim
