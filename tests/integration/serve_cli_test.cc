// `pcsim serve` as a user runs it: the real binary, its ready line, a real
// request, and a clean stop on SIGTERM/SIGINT. Every wait is bounded and fails
// with a message instead of hanging.
#include <gtest/gtest.h>
#include <httplib.h>
#include <nlohmann/json.hpp>

#include <fcntl.h>
#include <sys/stat.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <memory>
#include <optional>
#include <regex>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "tests/support/alias_bomb.h"

extern char** environ;

namespace {

using pcsim::testing::AliasBomb;

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

  // The next line on stdout, or nullopt if none arrives within `timeout`.
  std::optional<std::string> ReadStdoutLine(std::chrono::milliseconds timeout) {
    return ReadLine(out_, &stdout_, timeout);
  }
  // The next line on stderr while the child runs.
  std::optional<std::string> ReadStderrLine(std::chrono::milliseconds timeout) {
    return ReadLine(err_, &stderr_, timeout);
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
  pid_t pid() const { return pid_; }

 private:
  static std::optional<std::string> ReadLine(int fd, std::string* buffer, std::chrono::milliseconds timeout) {
    auto deadline = Clock::now() + timeout;
    while (true) {
      if (size_t nl = buffer->find('\n'); nl != std::string::npos) {
        std::string line = buffer->substr(0, nl);
        buffer->erase(0, nl + 1);
        return line;
      }
      auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
      if (left.count() <= 0) return std::nullopt;
      if (!ReadSome(fd, buffer, static_cast<int>(left.count()))) return std::nullopt;
    }
  }

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

std::string GetClock(int port, const std::string& control_token = "") {
  httplib::Client client("127.0.0.1", port);
  client.set_connection_timeout(5, 0);
  client.set_read_timeout(10, 0);
  httplib::Headers headers;
  if (!control_token.empty()) headers.emplace("X-Pcsim-Control-Token", control_token);
  auto res = client.Get("/_sim/clock", headers);
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
  // Strict auth: the control token was generated and printed on stderr.
  auto token_line = server.process.ReadStderrLine(kWait);
  ASSERT_TRUE(token_line.has_value());
  ASSERT_EQ(token_line->rfind("pcsim control token: ", 0), 0u) << *token_line;
  EXPECT_EQ(GetClock(server.port, token_line->substr(21)), "2026-03-15T00:00:00Z");
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
  ExpectUsageError({"serve", "--webhook-timeout", "0"}, "--webhook-timeout");
  ExpectUsageError({"serve", "--webhook-timeout", "5s"}, "--webhook-timeout");
  ExpectUsageError({"serve", "--webhook-max-pause", "-1"}, "--webhook-max-pause");
  ExpectUsageError({"serve", "--max-connections", "0"}, "--max-connections");
  ExpectUsageError({"serve", "--max-connections", "many"}, "--max-connections");
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

// Writes `text` to a file in the test's temporary folder; its path.
std::string WriteTempFile(const std::string& name, const std::string& text) {
  std::string path = ::testing::TempDir() + name;
  FILE* f = std::fopen(path.c_str(), "wb");
  EXPECT_NE(f, nullptr) << path;
  if (f == nullptr) return path;
  std::fwrite(text.data(), 1, text.size(), f);
  std::fclose(f);
  return path;
}

// Runs `pcsim ARGS` to its end: the exit code and everything on stderr.
std::pair<int, std::string> RunToEnd(const std::vector<std::string>& args) {
  ChildProcess process;
  std::string error;
  EXPECT_TRUE(process.Spawn(args, &error)) << error;
  auto code = process.Wait(kWait);
  EXPECT_TRUE(code.has_value()) << "pcsim did not exit within 10 s";
  return {code.value_or(-1), process.Stderr()};
}

TEST(ServeCliTest, MalformedCatalogFileNamesTheFileLineAndColumn) {
  std::string path = WriteTempFile("pcsim-broken-catalog.json", "{\n  \"format\": 1,\n  \"products\": [,]\n}\n");
  auto [code, err] = RunToEnd({"serve", "--catalog", path});
  EXPECT_EQ(code, 2);
  EXPECT_EQ(err, path + ":3:16: malformed JSON: syntax error while parsing value - unexpected ','; expected '[', "
                        "'{', or a literal\n");
  std::remove(path.c_str());
}

// A catalog edited by hand (CRLF line ends, a price written as a number deep
// in the file): the error names the line and column of the value and its path.
constexpr char kBrokenCatalog[] =
    "{\r\n"
    "  \"format\": 1,\r\n"
    "  \"products\": [{\r\n"
    "    \"id\": \"AAAAAAAAAAA1\", \"title\": \"A \\\"quoted\\\" title\",\r\n"
    "    \"skus\": [{\r\n"
    "      \"id\": \"0001\", \"title\": \"S\",\r\n"
    "      \"availabilities\": [{\"id\": \"BBBBBBBBBBB1\", \"markets\": [{\r\n"
    "        \"countries\": [\"US\"], \"currency\": \"USD\",\r\n"
    "        \"prices\": [\r\n"
    "          {\"from\": \"2025-01-01\", \"term\": \"P1M\", \"billing\": \"monthly\", \"price\": \"10.00\"},\r\n"
    "          {\"from\": \"2025-01-01\", \"term\": \"P1Y\", \"billing\": \"annual\", \"price\": 100.5}\r\n"
    "        ]}]}]}]}]\r\n"
    "}\r\n";

TEST(ServeCliTest, InvalidCatalogValueNamesTheFileLineColumnAndPath) {
  std::string path = WriteTempFile("pcsim-invalid-catalog.json", kBrokenCatalog);
  std::string expected = path +
                         ":11:79: expected an exact decimal written as a string (e.g. \"12.50\") (at "
                         "products[0].skus[0].availabilities[0].markets[0].prices[1].price)\n";
  auto [code, err] = RunToEnd({"serve", "--catalog", path});
  EXPECT_EQ(code, 2);
  EXPECT_EQ(err, expected);
  auto [check_code, check_err] = RunToEnd({"check-catalog", path});
  EXPECT_EQ(check_code, 2);
  EXPECT_EQ(check_err, expected);
  std::remove(path.c_str());
}

// The embedded policy with one parameter broken on a known line.
std::string BrokenPolicy(const std::string& from, const std::string& to) {
  std::FILE* f = std::fopen(PCSIM_SOURCE_DIR "/fixtures/policies/microsoft.json", "rb");
  EXPECT_NE(f, nullptr);
  std::string text;
  char buffer[4096];
  for (size_t n; f != nullptr && (n = std::fread(buffer, 1, sizeof buffer, f)) > 0;) text.append(buffer, n);
  if (f != nullptr) std::fclose(f);
  size_t at = text.find(from);
  EXPECT_NE(at, std::string::npos) << from;
  if (at != std::string::npos) text.replace(at, from.size(), to);
  return text;
}

// Line and column (from 1) of the first `needle` in `text`.
std::string LineColumnOf(const std::string& text, const std::string& needle) {
  size_t at = text.find(needle);
  if (at == std::string::npos) return "nowhere";
  size_t line_start = text.rfind('\n', at);
  line_start = line_start == std::string::npos ? 0 : line_start + 1;
  return std::to_string(std::count(text.begin(), text.begin() + static_cast<long>(at), '\n') + 1) + ":" +
         std::to_string(at - line_start + 1);
}

TEST(ServeCliTest, InvalidPolicyNamesTheFileLineColumnAndPath) {
  std::string text = BrokenPolicy("\"invoices.closeDay\": {\"value\": 6,", "\"invoices.closeDay\": {\"value\": 6, \"was\": 5,");
  std::string path = WriteTempFile("pcsim-invalid-policy.json", text);
  EXPECT_EQ(LineColumnOf(text, "\"was\""), "16:39");
  auto [code, err] = RunToEnd({"serve", "--policy", path});
  EXPECT_EQ(code, 2);
  EXPECT_EQ(err, path + ":16:39: unknown key (at parameters.invoices.closeDay.was)\n");
  std::remove(path.c_str());
}

// A number too large for a double: refused at its line and column, the
// message starting the line (no "pcsim: " before it).
TEST(ServeCliTest, ANumberTooLargeNamesTheFileLineAndColumn) {
  std::string text = BrokenPolicy("\"invoices.closeDay\": {\"value\": 6,", "\"invoices.closeDay\": {\"value\": 6e999,");
  std::string path = WriteTempFile("pcsim-huge-policy.json", text);
  EXPECT_EQ(LineColumnOf(text, "6e999"), "16:36");
  for (const std::vector<std::string>& args :
       {std::vector<std::string>{"policy", path}, std::vector<std::string>{"serve", "--policy", path}}) {
    auto [code, err] = RunToEnd(args);
    EXPECT_EQ(code, 2) << args[0];
    EXPECT_EQ(err, path + ":16:36: number out of range: 6e999 is too large for a number\n") << args[0];
  }
  std::remove(path.c_str());
  std::string catalog = WriteTempFile("pcsim-huge-catalog.json", "{\"format\": 1,\n \"products\": [1e400]}");
  auto [code, err] = RunToEnd({"check-catalog", catalog});
  EXPECT_EQ(code, 2);
  EXPECT_EQ(err, catalog + ":2:15: number out of range: 1e400 is too large for a number\n");
  std::remove(catalog.c_str());
}

// A client of a running server, with bounded waits.
std::unique_ptr<httplib::Client> ClientOf(int port) {
  auto client = std::make_unique<httplib::Client>("127.0.0.1", port);
  client->set_connection_timeout(5, 0);
  client->set_read_timeout(10, 0);
  return client;
}

// The status and the Partner Center error code of an answer (-1: none).
std::pair<int, int> StatusAndCode(const httplib::Result& res) {
  if (!res) return {-1, -1};
  auto body = nlohmann::json::parse(res->body, nullptr, false);
  int code = body.is_object() && body.contains("code") && body["code"].is_number() ? body["code"].get<int>() : -1;
  return {res->status, code};
}

void StopServer(RunningServer& server) {
  server.process.Signal(SIGTERM);
  EXPECT_EQ(server.process.Wait(kWait), std::optional<int>(0));
}

TEST(ServeCliTest, ResetOpensNoServerFileAndTakesThePolicyDocumentInline) {
  std::string text = BrokenPolicy("\"invoices.idDigits\": {\"value\": 9,", "\"invoices.idDigits\": {\"value\": \"nine\",");
  std::string path = WriteTempFile("pcsim-reset-policy.json", text);
  EXPECT_EQ(LineColumnOf(text, "\"nine\""), "18:36");
  RunningServer server;
  ASSERT_NO_FATAL_FAILURE(StartServe({}, &server));
  auto client = ClientOf(server.port);
  // A path is refused without being read: the file's content is nowhere in the answer.
  for (const std::string& named : {path, std::string("/etc/passwd"), std::string(PCSIM_SOURCE_DIR "/fixtures/policies/microsoft.json")}) {
    auto res = client->Post("/_sim/reset", nlohmann::json{{"policy", named}}.dump(), "application/json");
    ASSERT_TRUE(res) << httplib::to_string(res.error());
    EXPECT_EQ(StatusAndCode(res), std::make_pair(400, 800002)) << res->body;
    EXPECT_NE(res->body.find("files are not opened over HTTP"), std::string::npos) << res->body;
    EXPECT_EQ(res->body.find("nine"), std::string::npos) << res->body;
    EXPECT_EQ(res->body.find("root:"), std::string::npos) << res->body;
  }
  // The same document inline: located in its own text, as the file would be.
  auto res = client->Post("/_sim/reset", "{\"policy\": " + text + "}", "application/json");
  ASSERT_TRUE(res) << httplib::to_string(res.error());
  EXPECT_EQ(StatusAndCode(res), std::make_pair(400, 3000)) << res->body;
  auto error = nlohmann::json::parse(res->body, nullptr, false);
  ASSERT_TRUE(error.is_object()) << res->body;
  EXPECT_EQ(error["description"],
            "reset policy:18:36: expected an integer, got \"nine\" (at parameters.invoices.idDigits.value)")
      << res->body;
  // And the valid document is used.
  std::string valid = BrokenPolicy("\"name\": \"microsoft\"", "\"name\": \"inline\"");
  res = client->Post("/_sim/reset", "{\"policy\": " + valid + "}", "application/json");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 200) << res->body;
  EXPECT_NE(res->body.find("\"policy\":\"inline\""), std::string::npos) << res->body;
  StopServer(server);
  std::remove(path.c_str());
}

TEST(ServeCliTest, AResetNamingAFifoAnswersAtOnce) {
  std::string fifo = ::testing::TempDir() + "pcsim-reset-" + std::to_string(::getpid()) + ".fifo";
  std::remove(fifo.c_str());
  ASSERT_EQ(::mkfifo(fifo.c_str(), 0600), 0);
  RunningServer server;
  ASSERT_NO_FATAL_FAILURE(StartServe({}, &server));
  auto client = ClientOf(server.port);
  auto started = Clock::now();
  auto res = client->Post("/_sim/reset", nlohmann::json{{"policy", fifo}}.dump(), "application/json");
  ASSERT_TRUE(res) << httplib::to_string(res.error());
  EXPECT_EQ(StatusAndCode(res), std::make_pair(400, 800002)) << res->body;
  EXPECT_LT(Clock::now() - started, std::chrono::seconds(3));
  EXPECT_EQ(GetClock(server.port), "2026-01-01T00:00:00Z");  // other requests are served
  StopServer(server);
  std::remove(fifo.c_str());
}

// Runs `pcsim ARGS` expecting a prompt usage error naming `flag` and `reason`.
void ExpectPromptRefusal(const std::vector<std::string>& args, const std::string& flag, const std::string& reason) {
  auto started = Clock::now();
  ASSERT_NO_FATAL_FAILURE(ExpectUsageError(args, flag));
  EXPECT_LT(Clock::now() - started, std::chrono::seconds(5)) << args[1];
  auto [code, err] = RunToEnd(args);
  EXPECT_NE(err.find(reason), std::string::npos) << err;
}

TEST(ServeCliTest, PolicyAndCatalogMustBeRegularFiles) {
  std::string fifo = ::testing::TempDir() + "pcsim-data-" + std::to_string(::getpid()) + ".fifo";
  std::remove(fifo.c_str());
  ASSERT_EQ(::mkfifo(fifo.c_str(), 0600), 0);
  ExpectPromptRefusal({"serve", "--policy", fifo}, "--policy", "not a regular file (a FIFO)");
  ExpectPromptRefusal({"serve", "--catalog", fifo}, "--catalog", "not a regular file (a FIFO)");
  ExpectPromptRefusal({"serve", "--policy", ::testing::TempDir()}, "--policy", "not a regular file (a folder)");
  ExpectPromptRefusal({"serve", "--catalog", ::testing::TempDir()}, "--catalog", "not a regular file (a folder)");
  ExpectPromptRefusal({"serve", "--catalog", "/dev/zero"}, "--catalog", "not a regular file (a character device)");
  ExpectPromptRefusal({"check-catalog", fifo}, fifo, "a FIFO");
  ExpectPromptRefusal({"check-policy", "/dev/zero"}, "/dev/zero", "a character device");
  ExpectPromptRefusal({"policy", fifo}, fifo, "a FIFO");
  std::remove(fifo.c_str());
}

// The token a server printed on stderr ("pcsim control token: TOKEN"),
// after any other line (a state dir's "restored" line).
std::string PrintedToken(RunningServer& server) {
  auto line = server.process.ReadStderrLine(kWait);
  while (line && line->rfind("pcsim control token: ", 0) != 0) line = server.process.ReadStderrLine(kWait);
  EXPECT_TRUE(line.has_value()) << "no control token on stderr";
  if (!line) return "";
  std::smatch m;
  std::regex printed(R"(^pcsim control token: (pcsim-[0-9a-f]{64})$)");
  EXPECT_TRUE(std::regex_match(*line, m, printed)) << *line;
  return m.size() > 1 ? m[1].str() : "";
}

TEST(ServeCliTest, AGeneratedControlTokenIsPrintedOnStderrAndGuardsTheControlApi) {
  RunningServer server;
  ASSERT_NO_FATAL_FAILURE(StartServe({"--control-token", "generate"}, &server));  // the ready line is as always
  std::string token = PrintedToken(server);
  ASSERT_FALSE(token.empty());
  EXPECT_EQ(server.ready_line.find(token), std::string::npos);
  auto client = ClientOf(server.port);
  EXPECT_EQ(StatusAndCode(client->Get("/_sim/clock")), std::make_pair(401, 800001));
  EXPECT_EQ(StatusAndCode(client->Get("/_sim/clock", httplib::Headers{{"X-Pcsim-Control-Token", token + "0"}})),
            std::make_pair(401, 400));
  EXPECT_EQ(StatusAndCode(client->Post("/_sim/reset", "{}", "application/json")), std::make_pair(401, 800001));
  EXPECT_EQ(GetClock(server.port, token), "2026-01-01T00:00:00Z");
  auto bearer = client->Get("/_sim/clock", httplib::Headers{{"Authorization", "Bearer " + token}});
  ASSERT_TRUE(bearer);
  EXPECT_EQ(bearer->status, 200);
  // /v1 is for partners: no control token there.
  auto customers = client->Get("/v1/customers", httplib::Headers{{"Authorization", "Bearer any-partner"}});
  ASSERT_TRUE(customers);
  EXPECT_EQ(customers->status, 200);
  StopServer(server);
}

TEST(ServeCliTest, GeneratedTokensDoNotComeFromTheSeed) {
  RunningServer a, b;
  ASSERT_NO_FATAL_FAILURE(StartServe({"--control-token", "generate", "--seed", "7"}, &a));
  ASSERT_NO_FATAL_FAILURE(StartServe({"--control-token", "generate", "--seed", "7"}, &b));
  std::string ta = PrintedToken(a), tb = PrintedToken(b);
  EXPECT_FALSE(ta.empty());
  EXPECT_NE(ta, tb);
  StopServer(a);
  StopServer(b);
}

TEST(ServeCliTest, AGivenControlTokenIsNeverPrinted) {
  const std::string token = "given-control-token-4f1d2c";
  RunningServer server;
  ASSERT_NO_FATAL_FAILURE(StartServe({"--control-token", token}, &server));
  EXPECT_EQ(GetClock(server.port, token), "2026-01-01T00:00:00Z");
  EXPECT_EQ(StatusAndCode(ClientOf(server.port)->Get("/_sim/clock")), std::make_pair(401, 800001));
  StopServer(server);
  EXPECT_EQ(server.process.Stderr().find(token), std::string::npos);
}

// The token from the environment: the process list never shows it.
TEST(ServeCliTest, TheControlTokenMayComeFromTheEnvironment) {
  const std::string token = "env-control-token-7a9e01";
  ASSERT_EQ(setenv("PCSIM_CONTROL_TOKEN", token.c_str(), 1), 0);
  RunningServer server;
  StartServe({}, &server);
  unsetenv("PCSIM_CONTROL_TOKEN");
  ASSERT_FALSE(HasFatalFailure());
  EXPECT_EQ(GetClock(server.port, token), "2026-01-01T00:00:00Z");
  EXPECT_EQ(StatusAndCode(ClientOf(server.port)->Get("/_sim/clock")), std::make_pair(401, 800001));
  StopServer(server);
  EXPECT_EQ(server.process.Stderr().find(token), std::string::npos);
}

TEST(ServeCliTest, StrictAuthRequiresTheControlTokenToIssueTokens) {
  RunningServer server;
  ASSERT_NO_FATAL_FAILURE(StartServe({"--auth", "strict"}, &server));
  std::string control = PrintedToken(server);
  ASSERT_FALSE(control.empty());
  auto client = ClientOf(server.port);
  const std::string body = R"({"partner": "0b5e6f1a-0000-4000-8000-0000000000aa"})";
  EXPECT_EQ(StatusAndCode(client->Post("/_sim/token", body, "application/json")), std::make_pair(401, 800001));
  auto issued = client->Post("/_sim/token", httplib::Headers{{"X-Pcsim-Control-Token", control}}, body, "application/json");
  ASSERT_TRUE(issued);
  ASSERT_EQ(issued->status, 200) << issued->body;
  std::string token = nlohmann::json::parse(issued->body)["token"];
  auto customers = client->Get("/v1/customers", httplib::Headers{{"Authorization", "Bearer " + token}});
  ASSERT_TRUE(customers);
  EXPECT_EQ(customers->status, 200) << customers->body;
  // The partner token does not open the control API.
  EXPECT_EQ(StatusAndCode(client->Get("/_sim/clock", httplib::Headers{{"Authorization", "Bearer " + token}})).first, 401);
  StopServer(server);
}

TEST(ServeCliTest, BadControlFlagsAreUsageErrors) {
  ExpectUsageError({"serve", "--control-token", ""}, "--control-token");
  ExpectUsageError({"serve", "--control-token", "two words"}, "--control-token");
  ExpectUsageError({"serve", "--control-token", std::string(300, 'x')}, "--control-token");
  ExpectUsageError({"serve", "--allow-host", ""}, "--allow-host");
  ExpectUsageError({"serve", "--allow-host", "example.com:8080"}, "--allow-host");
  ExpectUsageError({"serve", "--allow-host", "http://example.com"}, "--allow-host");
}

TEST(ServeCliTest, CrossSiteRequestsToTheControlApiAre403) {
  RunningServer server;
  ASSERT_NO_FATAL_FAILURE(StartServe({}, &server));
  auto client = ClientOf(server.port);
  const std::string advance = R"({"by": "P1D"})";
  EXPECT_EQ(StatusAndCode(client->Post("/_sim/clock/advance", advance, "text/plain")), std::make_pair(403, 403));
  EXPECT_EQ(StatusAndCode(client->Post("/_sim/reset", httplib::Params{{"start", "2030-01-01T00:00:00Z"}})),
            std::make_pair(403, 403));  // a form
  EXPECT_EQ(StatusAndCode(client->Post("/_sim/clock/advance", httplib::Headers{{"Origin", "http://evil.example"}}, advance,
                                       "application/json")),
            std::make_pair(403, 403));
  EXPECT_EQ(StatusAndCode(client->Get("/_sim/events", httplib::Headers{{"Host", "evil.example:" + std::to_string(server.port)}})),
            std::make_pair(403, 403));
  EXPECT_EQ(GetClock(server.port), "2026-01-01T00:00:00Z");  // nothing moved
  auto json = client->Post("/_sim/clock/advance", httplib::Headers{{"Origin", "http://localhost:3000"}}, advance, "application/json");
  ASSERT_TRUE(json);
  EXPECT_EQ(json->status, 200) << json->body;
  EXPECT_EQ(GetClock(server.port), "2026-01-02T00:00:00Z");
  StopServer(server);
}

TEST(ServeCliTest, AllowHostAcceptsThatName) {
  RunningServer server;
  ASSERT_NO_FATAL_FAILURE(StartServe({"--allow-host", "pcsim.test"}, &server));
  auto client = ClientOf(server.port);
  const std::string port = std::to_string(server.port);
  auto named = client->Get("/_sim/clock", httplib::Headers{{"Host", "pcsim.test:" + port}, {"Origin", "http://pcsim.test:" + port}});
  ASSERT_TRUE(named);
  EXPECT_EQ(named->status, 200) << named->body;
  EXPECT_EQ(StatusAndCode(client->Get("/_sim/clock", httplib::Headers{{"Host", "other.test:" + port}})), std::make_pair(403, 403));
  EXPECT_EQ(GetClock(server.port), "2026-01-01T00:00:00Z");
  StopServer(server);
}

// Every byte of every file under `dir`.
std::string AllFileBytes(const std::string& dir) {
  std::string all;
  for (const auto& entry : std::filesystem::recursive_directory_iterator(dir)) {
    if (!entry.is_regular_file()) continue;
    std::FILE* f = std::fopen(entry.path().c_str(), "rb");
    if (f == nullptr) continue;
    char buffer[4096];
    for (size_t n; (n = std::fread(buffer, 1, sizeof buffer, f)) > 0;) all.append(buffer, n);
    std::fclose(f);
  }
  return all;
}

TEST(ServeCliTest, TheStateDirNeverHoldsTheControlToken) {
  std::string dir = ::testing::TempDir() + "pcsim-state-token-" + std::to_string(::getpid());
  std::filesystem::remove_all(dir);
  const std::string given = "given-state-dir-token-9b2e71";
  std::string generated;
  {
    RunningServer server;
    ASSERT_NO_FATAL_FAILURE(StartServe({"--state-dir", dir, "--control-token", given}, &server));
    auto client = ClientOf(server.port);
    httplib::Headers control = {{"X-Pcsim-Control-Token", given}};
    httplib::Headers bearer = {{"Authorization", "Bearer " + given}};
    auto r = client->Post("/_sim/clock/advance", control, R"({"by": "P1D"})", "application/json");
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 200);
    r = client->Post("/_sim/token", bearer, R"({"partner": "p1"})", "application/json");
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 200);
    r = client->Post("/_sim/faults", control, R"([{"fault": "throttle", "count": 1}])", "application/json");
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 201);
    // The control token sent as a partner's bearer token on /v1 (lenient auth takes any).
    r = client->Get("/v1/customers", bearer);
    ASSERT_TRUE(r);
    r = client->Post("/_sim/clock/advance", httplib::Headers{{"X-Pcsim-Control-Token", given + "-wrong"}}, R"({"by": "P1D"})",
                     "application/json");
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 401);
    StopServer(server);  // writes the snapshot
    EXPECT_EQ(server.process.Stderr().find(given), std::string::npos);
  }
  {
    // Restarted with a generated token: the state is back, the token is new.
    RunningServer server;
    ASSERT_NO_FATAL_FAILURE(StartServe({"--state-dir", dir, "--control-token", "generate"}, &server));
    generated = PrintedToken(server);
    ASSERT_FALSE(generated.empty());
    EXPECT_EQ(GetClock(server.port, generated), "2026-01-02T00:00:00Z");
    EXPECT_EQ(StatusAndCode(ClientOf(server.port)->Get("/_sim/clock", httplib::Headers{{"X-Pcsim-Control-Token", given}})).first, 401);
    auto r = ClientOf(server.port)->Post("/_sim/reset", httplib::Headers{{"Authorization", "Bearer " + generated}}, "{}",
                                         "application/json");
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 200);
    StopServer(server);
  }
  std::string bytes = AllFileBytes(dir);
  EXPECT_GT(bytes.size(), 0u);
  EXPECT_EQ(bytes.find(given), std::string::npos);
  EXPECT_EQ(bytes.find(generated), std::string::npos);
  EXPECT_EQ(bytes.find(generated.substr(6, 16)), std::string::npos);
  EXPECT_EQ(bytes.find("X-Pcsim-Control-Token"), std::string::npos);
  std::filesystem::remove_all(dir);
}

// Each connection is a descriptor: serve raises its soft open-file limit
// (often 1024 in a shell) to the hard one, so that the connection cap can be
// reached.
TEST(ServeCliTest, RaisesTheOpenFileLimitToTheHardLimit) {
  rlimit saved{};
  ASSERT_EQ(::getrlimit(RLIMIT_NOFILE, &saved), 0);
  if (saved.rlim_max != RLIM_INFINITY && saved.rlim_max <= 256) GTEST_SKIP() << "the hard open-file limit is 256 or less";
  rlimit low = saved;
  low.rlim_cur = 256;
  ASSERT_EQ(::setrlimit(RLIMIT_NOFILE, &low), 0);
  RunningServer server;
  StartServe({"--max-connections", "100"}, &server);  // inherits the low limit
  ::setrlimit(RLIMIT_NOFILE, &saved);
  ASSERT_FALSE(HasFatalFailure());
  std::ifstream limits("/proc/" + std::to_string(server.process.pid()) + "/limits");
  std::string line, soft;
  while (std::getline(limits, line))
    if (line.rfind("Max open files", 0) == 0) soft = line.substr(26, 21);
  soft.erase(soft.find_last_not_of(' ') + 1);
  if (saved.rlim_max == RLIM_INFINITY) {
    EXPECT_NE(soft, "256");
  } else {
    EXPECT_EQ(soft, std::to_string(saved.rlim_max));
  }
  EXPECT_EQ(GetClock(server.port), "2026-01-01T00:00:00Z");
  server.process.Signal(SIGTERM);
  EXPECT_EQ(server.process.Wait(kWait), std::optional<int>(0));
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

// --- scenario files from the command line ------------------------------------

TEST(ReplayCliTest, AnAliasBombIsAnInvalidFile) {
  std::string path = WriteTempFile("pcsim-bomb.yaml", AliasBomb());
  for (const char* command : {"replay", "est-report"}) {
    auto [code, err] = RunToEnd({command, path});
    EXPECT_EQ(code, 2) << command;
    EXPECT_EQ(err, path + ":13: the document expands to more than 1,000,000 nodes through YAML aliases\n") << command;
  }
  std::remove(path.c_str());
}

TEST(ReplayCliTest, ADeeplyNestedFileIsAnInvalidFile) {
  std::string path = WriteTempFile("pcsim-deep.yaml", "scenario: deep\nsteps: " + std::string(200'000, '[') + "\n");
  auto [code, err] = RunToEnd({"replay", path});
  EXPECT_EQ(code, 2);
  EXPECT_EQ(err, path + ":2: nesting deeper than 64 levels\n");
  std::remove(path.c_str());
}

constexpr char kPolicyScenario[] =
    "scenario: a policy file\nstart: 2026-01-15\npolicy: POLICY\ncustomers:\n  - ref: c\nsteps:\n"
    "  - purchase: {customer: c, item: CFQ7TTC0LH18:0001:CFQ7TTC0K971, quantity: 10, term: P1M, billing: monthly, "
    "ref: s1}\n";

std::string ScenarioWithPolicy(const std::string& name, const std::string& policy) {
  std::string text = kPolicyScenario;
  text.replace(text.find("POLICY"), 6, policy);
  return WriteTempFile(name, text);
}

// A FIFO with no writer would block an open() for ever; it is refused at once.
TEST(ReplayCliTest, AFifoPolicyIsRefusedPromptly) {
  std::string fifo = ::testing::TempDir() + "pcsim-policy.fifo";
  std::remove(fifo.c_str());
  ASSERT_EQ(::mkfifo(fifo.c_str(), 0600), 0);
  std::string path = ScenarioWithPolicy("pcsim-fifo-policy.yaml", fifo);
  for (const char* command : {"replay", "est-report"}) {
    auto started = Clock::now();
    auto [code, err] = RunToEnd({command, path});
    EXPECT_EQ(code, 2) << command;
    EXPECT_EQ(err, path + ":3: " + fifo + ": not a regular file (a FIFO)\n") << command;
    EXPECT_LT(Clock::now() - started, std::chrono::seconds(5)) << command;
  }
  std::remove(path.c_str());
  std::remove(fifo.c_str());
}

TEST(ReplayCliTest, APolicyFileStillWorksFromTheCommandLine) {
  std::string path = ScenarioWithPolicy("pcsim-file-policy.yaml", PCSIM_SOURCE_DIR "/fixtures/policies/microsoft.json");
  auto [code, err] = RunToEnd({"replay", path});
  EXPECT_EQ(code, 0) << err;
  std::remove(path.c_str());
}

// The bomb that used to end `pcsim serve` with bad_alloc: 400, and the server answers on.
TEST(ServeCliTest, AnAliasBombOverHttpLeavesTheServerUp) {
  RunningServer server;
  ASSERT_NO_FATAL_FAILURE(StartServe({}, &server));
  httplib::Client client("127.0.0.1", server.port);
  client.set_connection_timeout(5, 0);
  client.set_read_timeout(10, 0);
  auto res = client.Post("/_sim/scenarios/run", AliasBomb(), "application/yaml");
  ASSERT_TRUE(res) << httplib::to_string(res.error());
  EXPECT_EQ(res->status, 400);
  auto error = nlohmann::json::parse(res->body, nullptr, false);
  ASSERT_TRUE(error.is_object()) << res->body;
  EXPECT_EQ(error["code"], 800002) << res->body;
  EXPECT_EQ(error["description"], "request:13: the document expands to more than 1,000,000 nodes through YAML aliases");
  EXPECT_EQ(GetClock(server.port), "2026-01-01T00:00:00Z");
  server.process.Signal(SIGTERM);
  EXPECT_EQ(server.process.Wait(kWait), std::optional<int>(0));
}

}  // namespace
