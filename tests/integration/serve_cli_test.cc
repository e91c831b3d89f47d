// `pcsim serve` as a user runs it: the real binary, its ready line, a real
// request, and a clean stop on SIGTERM/SIGINT. Every wait is bounded and fails
// with a message instead of hanging.
#include <gtest/gtest.h>
#include <httplib.h>
#include <nlohmann/json.hpp>

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstring>
#include <optional>
#include <regex>
#include <string>
#include <thread>
#include <vector>

extern char** environ;

namespace {

using Clock = std::chrono::steady_clock;
constexpr std::chrono::seconds kWait{10};

// A child process with its stdout and stderr on pipes; killed if still alive
// when the object goes away.
class ChildProcess {
 public:
  ~ChildProcess() {
    if (pid_ > 0 && !exited_) {
      ::kill(pid_, SIGKILL);
      int status = 0;
      ::waitpid(pid_, &status, 0);
    }
    for (int fd : {out_, err_})
      if (fd >= 0) ::close(fd);
  }

  // Starts PCSIM_BINARY with `args`; false with `error` set on failure.
  bool Spawn(const std::vector<std::string>& args, std::string* error) {
    int out[2], err[2];
    if (::pipe2(out, O_CLOEXEC) != 0 || ::pipe2(err, O_CLOEXEC) != 0) {
      *error = "pipe failed";
      return false;
    }
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_adddup2(&actions, out[1], STDOUT_FILENO);
    posix_spawn_file_actions_adddup2(&actions, err[1], STDERR_FILENO);
    std::vector<std::string> argv_storage = {PCSIM_BINARY};
    argv_storage.insert(argv_storage.end(), args.begin(), args.end());
    std::vector<char*> argv;
    for (auto& a : argv_storage) argv.push_back(a.data());
    argv.push_back(nullptr);
    int rc = posix_spawn(&pid_, PCSIM_BINARY, &actions, nullptr, argv.data(), environ);
    posix_spawn_file_actions_destroy(&actions);
    ::close(out[1]);
    ::close(err[1]);
    out_ = out[0];
    err_ = err[0];
    if (rc != 0) {
      pid_ = -1;
      *error = std::string("posix_spawn failed: ") + std::strerror(rc);
      return false;
    }
    return true;
  }

  // The first line on stdout, or nullopt if none arrives within `timeout`.
  std::optional<std::string> ReadStdoutLine(std::chrono::milliseconds timeout) {
    auto deadline = Clock::now() + timeout;
    while (true) {
      if (size_t nl = stdout_.find('\n'); nl != std::string::npos) {
        std::string line = stdout_.substr(0, nl);
        stdout_.erase(0, nl + 1);
        return line;
      }
      auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
      if (left.count() <= 0) return std::nullopt;
      if (!ReadSome(out_, &stdout_, static_cast<int>(left.count()))) return std::nullopt;
    }
  }

  // Waits for the exit code (a signal death is 128+N); nullopt on timeout.
  std::optional<int> Wait(std::chrono::milliseconds timeout) {
    auto deadline = Clock::now() + timeout;
    while (true) {
      int status = 0;
      pid_t r = ::waitpid(pid_, &status, WNOHANG);
      if (r == pid_) {
        exited_ = true;
        if (WIFEXITED(status)) return WEXITSTATUS(status);
        if (WIFSIGNALED(status)) return 128 + WTERMSIG(status);
        return -1;
      }
      if (r < 0 || Clock::now() >= deadline) return std::nullopt;
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
  }

  // Everything the child wrote to stderr (call after it exited).
  std::string Stderr() {
    while (ReadSome(err_, &stderr_, 1000)) {
    }
    return stderr_;
  }

  void Signal(int sig) { ::kill(pid_, sig); }

 private:
  // Appends what is available within `timeout_ms`; false on EOF or timeout.
  static bool ReadSome(int fd, std::string* into, int timeout_ms) {
    pollfd p{fd, POLLIN, 0};
    int r = ::poll(&p, 1, timeout_ms);
    if (r <= 0) return false;
    char buffer[4096];
    ssize_t n = ::read(fd, buffer, sizeof buffer);
    if (n <= 0) return false;
    into->append(buffer, static_cast<size_t>(n));
    return true;
  }

  pid_t pid_ = -1;
  bool exited_ = false;
  int out_ = -1;
  int err_ = -1;
  std::string stdout_;
  std::string stderr_;
};

struct RunningServer {
  ChildProcess process;
  int port = 0;
  std::string ready_line;
};

// Starts `pcsim serve --port 0 EXTRA...` and waits for the ready line.
void StartServe(const std::vector<std::string>& extra, RunningServer* server) {
  std::vector<std::string> args = {"serve", "--port", "0"};
  args.insert(args.end(), extra.begin(), extra.end());
  std::string error;
  ASSERT_TRUE(server->process.Spawn(args, &error)) << error;
  auto line = server->process.ReadStdoutLine(kWait);
  ASSERT_TRUE(line.has_value()) << "pcsim serve printed no ready line within 10 s; stderr: "
                                << server->process.Stderr();
  server->ready_line = *line;
  std::smatch m;
  std::regex ready(R"(^pcsim listening on http://127\.0\.0\.1:(\d+) \(clock (\S+)\)$)");
  ASSERT_TRUE(std::regex_match(*line, m, ready)) << "unexpected ready line: " << *line;
  server->port = std::stoi(m[1]);
  ASSERT_GT(server->port, 0);
}

std::string GetClock(int port) {
  httplib::Client client("127.0.0.1", port);
  client.set_connection_timeout(5, 0);
  client.set_read_timeout(10, 0);
  auto res = client.Get("/_sim/clock");
  if (!res) return "error: " + httplib::to_string(res.error());
  if (res->status != 200) return "status " + std::to_string(res->status) + ": " + res->body;
  auto body = nlohmann::json::parse(res->body, nullptr, false);
  if (!body.is_object() || !body["now"].is_string()) return "bad body: " + res->body;
  return body["now"];
}

TEST(ServeCliTest, ServesTheClockAndStopsOnSigterm) {
  RunningServer server;
  ASSERT_NO_FATAL_FAILURE(StartServe({}, &server));
  EXPECT_NE(server.ready_line.find("(clock 2026-01-01T00:00:00Z)"), std::string::npos) << server.ready_line;
  EXPECT_EQ(GetClock(server.port), "2026-01-01T00:00:00Z");
  server.process.Signal(SIGTERM);
  auto code = server.process.Wait(kWait);
  ASSERT_TRUE(code.has_value()) << "pcsim serve did not exit within 10 s of SIGTERM";
  EXPECT_EQ(*code, 0) << server.process.Stderr();
}

TEST(ServeCliTest, StopsOnSigint) {
  RunningServer server;
  ASSERT_NO_FATAL_FAILURE(StartServe({}, &server));
  server.process.Signal(SIGINT);
  auto code = server.process.Wait(kWait);
  ASSERT_TRUE(code.has_value()) << "pcsim serve did not exit within 10 s of SIGINT";
  EXPECT_EQ(*code, 0) << server.process.Stderr();
}

TEST(ServeCliTest, StartSetsTheSimulatedClock) {
  RunningServer server;
  ASSERT_NO_FATAL_FAILURE(
      StartServe({"--start", "2026-03-15", "--environment", "sandbox", "--seed", "7", "--auth", "strict",
                  "--threads", "2", "--max-body-bytes", "4096", "--policy", "microsoft"},
                 &server));
  EXPECT_NE(server.ready_line.find("(clock 2026-03-15T00:00:00Z)"), std::string::npos) << server.ready_line;
  EXPECT_EQ(GetClock(server.port), "2026-03-15T00:00:00Z");
  server.process.Signal(SIGTERM);
  auto code = server.process.Wait(kWait);
  ASSERT_TRUE(code.has_value()) << "pcsim serve did not exit within 10 s of SIGTERM";
  EXPECT_EQ(*code, 0);
}

// Runs `pcsim ARGS`, expecting a usage error: exit 2, a message naming `flag`.
void ExpectUsageError(const std::vector<std::string>& args, const std::string& flag) {
  ChildProcess process;
  std::string error;
  ASSERT_TRUE(process.Spawn(args, &error)) << error;
  auto code = process.Wait(kWait);
  ASSERT_TRUE(code.has_value()) << "pcsim did not exit within 10 s";
  std::string err = process.Stderr();
  EXPECT_EQ(*code, 2) << err;
  EXPECT_NE(err.find(flag), std::string::npos) << "stderr does not name " << flag << ": " << err;
  EXPECT_EQ(err.find('\n'), err.size() - 1) << "expected one line: " << err;
}

TEST(ServeCliTest, BadPortIsAUsageError) { ExpectUsageError({"serve", "--port", "abc"}, "--port"); }
TEST(ServeCliTest, PortOutOfRangeIsAUsageError) { ExpectUsageError({"serve", "--port", "70000"}, "--port"); }
TEST(ServeCliTest, UnknownEnvironmentIsAUsageError) {
  ExpectUsageError({"serve", "--environment", "moon"}, "--environment");
}
TEST(ServeCliTest, InvalidStartDateIsAUsageError) { ExpectUsageError({"serve", "--start", "2026-13-01"}, "--start"); }
TEST(ServeCliTest, StateDirThatIsAFileIsAUsageError) {
  ExpectUsageError({"serve", "--state-dir", PCSIM_SOURCE_DIR "/README.md"}, "--state-dir");
}
TEST(ServeCliTest, BadAuthIsAUsageError) { ExpectUsageError({"serve", "--auth", "maybe"}, "--auth"); }
TEST(ServeCliTest, MissingValueIsAUsageError) { ExpectUsageError({"serve", "--seed"}, "--seed"); }
TEST(ServeCliTest, UnknownPolicyIsAUsageError) {
  ExpectUsageError({"serve", "--policy", "/nonexistent/policy.json"}, "--policy");
}
TEST(ServeCliTest, BadPolicyOverrideIsAUsageError) {
  ExpectUsageError({"serve", "--policy-override", "no-such-key=1"}, "--policy-override");
}
TEST(ServeCliTest, UnknownOptionIsAUsageError) { ExpectUsageError({"serve", "--colour", "blue"}, "--colour"); }

// Hostile flag values: each is exit 2 with one line naming the flag, before anything listens.
TEST(ServeCliTest, HostileFlagValuesAreUsageErrors) {
  ExpectUsageError({"serve", "--threads", "0"}, "--threads");
  ExpectUsageError({"serve", "--threads", "99999999999999999999"}, "--threads");
  ExpectUsageError({"serve", "--max-body-bytes", "0"}, "--max-body-bytes");
  ExpectUsageError({"serve", "--max-body-bytes", "-1"}, "--max-body-bytes");
  ExpectUsageError({"serve", "--max-body-bytes", "1e6"}, "--max-body-bytes");
  ExpectUsageError({"serve", "--seed", "-1"}, "--seed");
  ExpectUsageError({"serve", "--seed", "18446744073709551616"}, "--seed");
  ExpectUsageError({"serve", "--port", ""}, "--port");
  ExpectUsageError({"serve", "--port", "-1"}, "--port");
  ExpectUsageError({"serve", "--port", " 80"}, "--port");
  ExpectUsageError({"serve", "--host", ""}, "--host");
  ExpectUsageError({"serve", "--start", "9999-12-31"}, "--start");
  ExpectUsageError({"serve", "--start", "1969-12-31T23:59:59Z"}, "--start");
  ExpectUsageError({"serve", "--start", "2026-01-01\xff"}, "--start");
  ExpectUsageError({"serve", "--auth=", "x"}, "--auth");
  ExpectUsageError({"serve", "--policy-override", "=1"}, "--policy-override");
  ExpectUsageError({"serve", "--policy-override", "billing.longCycleProration"}, "--policy-override");
  ExpectUsageError({"serve", "--catalog", "/nonexistent/catalog.json"}, "--catalog");
}

TEST(ServeCliTest, MalformedCatalogFileNamesTheFileAndLine) {
  std::string path = ::testing::TempDir() + "pcsim-broken-catalog.json";
  {
    FILE* f = std::fopen(path.c_str(), "w");
    ASSERT_NE(f, nullptr);
    std::fputs("{\n  \"format\": 1,\n  \"products\": [,]\n}\n", f);
    std::fclose(f);
  }
  ExpectUsageError({"serve", "--catalog", path}, path);
  ExpectUsageError({"serve", "--catalog", path}, "line 3");
  std::remove(path.c_str());
}

TEST(ServeCliTest, TakenPortIsReported) {
  RunningServer first;
  ASSERT_NO_FATAL_FAILURE(StartServe({}, &first));
  ExpectUsageError({"serve", "--port", std::to_string(first.port)}, std::to_string(first.port));
  first.process.Signal(SIGTERM);
  auto code = first.process.Wait(kWait);
  ASSERT_TRUE(code.has_value());
  EXPECT_EQ(*code, 0);
}

}  // namespace
