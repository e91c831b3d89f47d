// ReadDataFile: regular files only, opened without blocking, size-capped;
// Excerpt: at most 1 KiB of input in a message.
#include "simulator/model/data_file.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <chrono>
#include <cstdio>
#include <fstream>
#include <future>
#include <string>

namespace pcsim {
namespace {

using ::testing::HasSubstr;

std::string Write(const std::string& name, const std::string& text) {
  std::string path = ::testing::TempDir() + name;
  std::ofstream(path, std::ios::binary) << text;
  return path;
}

TEST(ReadDataFileTest, ReadsARegularFile) {
  std::string path = Write("data-file.txt", std::string("a\0b\n", 4));
  auto text = ReadDataFile(path, 4);
  ASSERT_TRUE(text.ok()) << text.status().description();
  EXPECT_EQ(*text, std::string("a\0b\n", 4));
  auto empty = ReadDataFile(Write("data-file-empty.txt", ""), 4);
  ASSERT_TRUE(empty.ok());
  EXPECT_EQ(*empty, "");
  std::remove(path.c_str());
}

TEST(ReadDataFileTest, AFileOverTheLimitIsRefused) {
  std::string path = Write("data-file-large.txt", "12345");
  auto text = ReadDataFile(path, 4);
  ASSERT_FALSE(text.ok());
  EXPECT_EQ(text.status().description(), "the file is larger than 4 bytes");
  EXPECT_EQ(ReadDataFile(path, 5).value(), "12345");
  std::remove(path.c_str());
  EXPECT_EQ(SizeText(size_t{16} << 20), "16 MiB");
  EXPECT_EQ(SizeText(1024), "1 KiB");
  EXPECT_EQ(SizeText(1500), "1,500 bytes");
}

TEST(ReadDataFileTest, AFifoADeviceAndAFolderAreRefusedWithoutBlocking) {
  std::string fifo = ::testing::TempDir() + "data-file.fifo";
  std::remove(fifo.c_str());
  ASSERT_EQ(::mkfifo(fifo.c_str(), 0600), 0);
  // No writer ever opens the FIFO: a blocking open() would wait for ever.
  auto read = std::async(std::launch::async, [&] { return ReadDataFile(fifo, 1024); });
  if (read.wait_for(std::chrono::seconds(5)) != std::future_status::ready) {
    std::remove(fifo.c_str());
    std::abort();
  }
  auto text = read.get();
  ASSERT_FALSE(text.ok());
  EXPECT_EQ(text.status().description(), "not a regular file (a FIFO)");
  std::remove(fifo.c_str());
  EXPECT_EQ(ReadDataFile("/dev/zero", 1024).status().description(), "not a regular file (a character device)");
  EXPECT_EQ(ReadDataFile(::testing::TempDir(), 1024).status().description(), "not a regular file (a folder)");
  EXPECT_THAT(ReadDataFile("/nonexistent/file", 1024).status().description(),
              HasSubstr("cannot read the file: No such file or directory"));
}

TEST(ExcerptTest, QuotesAtMostOneKiB) {
  EXPECT_EQ(Excerpt("short"), "short");
  EXPECT_EQ(Excerpt(std::string(1024, 'a')), std::string(1024, 'a'));
  EXPECT_EQ(Excerpt(std::string(5000, 'a')), std::string(1024, 'a') + "... (5,000 bytes)");
  // A character is never cut in half: "é" is two bytes.
  std::string accents;
  for (int i = 0; i < 600; ++i) accents += "\xc3\xa9";
  EXPECT_EQ(Excerpt(accents), accents.substr(0, 1024) + "... (1,200 bytes)");
  EXPECT_EQ(Excerpt("a" + accents), "a" + accents.substr(0, 1022) + "... (1,201 bytes)");
}

}  // namespace
}  // namespace pcsim
