// ReadDataFile: regular files of bounded size only, refused at once otherwise.
#include "simulator/model/data_file.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <fstream>
#include <string>

namespace pcsim {
namespace {

using ::testing::HasSubstr;

std::string TempPath(const std::string& name) {
  return ::testing::TempDir() + "pcsim-data-file-" + std::to_string(::getpid()) + "-" + name;
}

TEST(DataFileTest, ReadsARegularFileWhole) {
  std::string path = TempPath("plain.json");
  const std::string content = std::string(100000, 'x') + std::string("\r\n\0end", 6);
  {
    std::ofstream out(path, std::ios::binary);
    out << content;
  }
  auto text = ReadDataFile(path);
  ASSERT_TRUE(text.ok()) << text.status().description();
  EXPECT_EQ(*text, content);  // byte for byte, a NUL included
  std::remove(path.c_str());
}

TEST(DataFileTest, AMissingFileNamesTheSystemError) {
  auto text = ReadDataFile("/nonexistent/pcsim/data.json");
  ASSERT_FALSE(text.ok());
  EXPECT_EQ(text.status().code(), 3000);
  EXPECT_EQ(text.status().description(), "cannot read /nonexistent/pcsim/data.json: No such file or directory");
}

TEST(DataFileTest, AFifoIsRefusedWithoutWaitingForAWriter) {
  std::string fifo = TempPath("data.fifo");
  std::remove(fifo.c_str());
  ASSERT_EQ(::mkfifo(fifo.c_str(), 0600), 0);
  auto started = std::chrono::steady_clock::now();
  auto text = ReadDataFile(fifo);
  EXPECT_LT(std::chrono::steady_clock::now() - started, std::chrono::seconds(1));
  ASSERT_FALSE(text.ok());
  EXPECT_THAT(text.status().description(), HasSubstr("a FIFO, not a regular file"));
  std::remove(fifo.c_str());
}

TEST(DataFileTest, DirectoriesAndDevicesAreRefused) {
  auto dir = ReadDataFile(::testing::TempDir());
  ASSERT_FALSE(dir.ok());
  EXPECT_THAT(dir.status().description(), HasSubstr("a directory, not a regular file"));
  for (const char* device : {"/dev/null", "/dev/zero", "/dev/urandom"}) {
    auto text = ReadDataFile(device);
    ASSERT_FALSE(text.ok()) << device;
    EXPECT_THAT(text.status().description(), HasSubstr("a character device, not a regular file")) << device;
  }
}

TEST(DataFileTest, TheSizeIsCapped) {
  std::string path = TempPath("big.json");
  {
    std::ofstream out(path, std::ios::binary);
    out << std::string(4097, 'x');
  }
  auto text = ReadDataFile(path, 4096);
  ASSERT_FALSE(text.ok());
  EXPECT_THAT(text.status().description(), HasSubstr("larger than 4096 bytes"));
  EXPECT_TRUE(ReadDataFile(path, 4097).ok());
  EXPECT_EQ(kMaxDataFileBytes, size_t{64} << 20);
  std::remove(path.c_str());
}

}  // namespace
}  // namespace pcsim
