// The pcsim command line as a user meets it: the real binary, its --help for
// every command, its refusals of unknown options and missing values (exit 2,
// one line naming them), pcsim alone, --version, and replay --tag that
// matches nothing.
#include <gtest/gtest.h>

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

extern char** environ;

namespace {

namespace fs = std::filesystem;

struct Outcome {
  int code = -1;  // the exit code; -1 when it did not exit within 20 s (then killed)
  std::string out, err;
};

std::string ReadAll(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

// A scratch folder of this test's own, removed at the end.
class Scratch {
 public:
  Scratch() {
    dir_ = fs::path(::testing::TempDir()) /
           ("pcsim-cli-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  ~Scratch() {
    std::error_code ec;
    fs::remove_all(dir_, ec);
  }
  const fs::path& dir() const { return dir_; }
  std::string Write(const std::string& name, const std::string& text) const {
    fs::path path = dir_ / name;
    fs::create_directories(path.parent_path());
    std::ofstream(path, std::ios::binary) << text;
    return path.string();
  }

 private:
  fs::path dir_;
};

// Runs PCSIM_BINARY ARGS to its end, stdout and stderr into files.
Outcome RunPcsim(const std::vector<std::string>& args) {
  Outcome run;
  static int counter = 0;
  const std::string base = ::testing::TempDir() + "pcsim-cli-run-" + std::to_string(::getpid()) + "-" +
                           std::to_string(counter++);
  const std::string out_path = base + ".out", err_path = base + ".err";
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_addopen(&actions, STDOUT_FILENO, out_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
  posix_spawn_file_actions_addopen(&actions, STDERR_FILENO, err_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
  std::vector<std::string> storage = {PCSIM_BINARY};
  storage.insert(storage.end(), args.begin(), args.end());
  std::vector<char*> argv;
  for (std::string& a : storage) argv.push_back(a.data());
  argv.push_back(nullptr);
  pid_t pid = -1;
  int rc = posix_spawn(&pid, PCSIM_BINARY, &actions, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  EXPECT_EQ(rc, 0) << "posix_spawn " << PCSIM_BINARY;
  if (rc != 0) return run;
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  int status = 0;
  while (::waitpid(pid, &status, WNOHANG) == 0) {
    if (std::chrono::steady_clock::now() > deadline) {
      ::kill(pid, SIGKILL);
      ::waitpid(pid, &status, 0);
      ADD_FAILURE() << "pcsim did not exit within 20 s";
      status = -1;
      break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  if (status != -1 && WIFEXITED(status)) run.code = WEXITSTATUS(status);
  run.out = ReadAll(out_path);
  run.err = ReadAll(err_path);
  std::remove(out_path.c_str());
  std::remove(err_path.c_str());
  return run;
}

std::string Joined(const std::vector<std::string>& args) {
  std::string text = "pcsim";
  for (const std::string& a : args) text += " " + a;
  return text;
}

bool Contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

// Exit 2, nothing on stdout, one line on stderr that contains each of `parts`.
void ExpectUsageError(const std::vector<std::string>& args, const std::vector<std::string>& parts) {
  Outcome run = RunPcsim(args);
  EXPECT_EQ(run.code, 2) << Joined(args) << "\n" << run.err;
  EXPECT_EQ(run.out, "") << Joined(args);
  EXPECT_FALSE(run.err.empty()) << Joined(args);
  EXPECT_EQ(run.err.find('\n'), run.err.size() - 1) << Joined(args) << ": expected one line: " << run.err;
  for (const std::string& part : parts)
    EXPECT_TRUE(Contains(run.err, part)) << Joined(args) << ": stderr does not name " << part << ": " << run.err;
}

// A command and what its --help must mention.
struct Command {
  std::vector<std::string> words;
  std::vector<std::string> mentions;
};

const std::vector<Command>& Commands() {
  static const std::vector<Command> commands = {
      {{"serve"},
       {"--host", "--port", "--start", "--policy", "--policy-override", "--catalog", "--environment", "--seed",
        "--state-dir", "--snapshot-every", "--auth", "--threads", "--max-connections", "--max-body-bytes",
        "--webhook-timeout", "--webhook-max-pause",
        "--max-advance-events", "--max-advance-years", "--rate-limit", "--control-token", "--allow-host",
        "pcsim listening on"}},
      {{"replay"}, {"PATH", "--junit", "--junit-time", "--report", "--tag", "--jobs", "--policy-override"}},
      {{"est-report"}, {"SCENARIO", "--at", "--compare-to-renewal", "--policy-override"}},
      {{"policy"}, {"POLICY", "microsoft"}},
      {{"check-catalog"}, {"FILE"}},
      {{"check-policy"}, {"FILE"}},
      {{"errors"}, {"--markdown"}},
      {{"state"}, {"check", "repair"}},
      {{"state", "check"}, {"DIR", "--policy", "--catalog"}},
      {{"state", "repair"}, {"DIR", "--to", "--policy", "--catalog"}},
      {{"book"}, {"pull"}},
      {{"book", "pull"},
       {"--base-url", "--token", "--authority", "--client-id", "--client-secret", "--tenant", "--out", "--as-of",
        "--control-token", "--max-attempts", "Retry-After"}},
  };
  return commands;
}

TEST(PcsimCliTest, EveryCommandAnswersHelpWithItsOwnUsage) {
  for (const Command& command : Commands()) {
    for (const char* flag : {"--help", "-h"}) {
      std::vector<std::string> args = command.words;
      args.push_back(flag);
      Outcome run = RunPcsim(args);
      EXPECT_EQ(run.code, 0) << Joined(args) << "\n" << run.err;
      EXPECT_EQ(run.err, "") << Joined(args);
      std::string usage = "Usage: pcsim";
      for (const std::string& w : command.words) usage += " " + w;
      EXPECT_TRUE(Contains(run.out, usage)) << Joined(args) << ": no \"" << usage << "\" in\n" << run.out;
      for (const std::string& mention : command.mentions)
        EXPECT_TRUE(Contains(run.out, mention)) << Joined(args) << " does not mention " << mention << ":\n" << run.out;
    }
  }
}

// Help after other arguments, even ones that would be refused without it.
TEST(PcsimCliTest, HelpComesFirst) {
  Outcome run = RunPcsim({"replay", "no-such-folder", "--help"});
  EXPECT_EQ(run.code, 0) << run.err;
  EXPECT_TRUE(Contains(run.out, "Usage: pcsim replay")) << run.out;
  run = RunPcsim({"est-report", "--help"});  // SCENARIO is required, but not for the help
  EXPECT_EQ(run.code, 0) << run.err;
  EXPECT_TRUE(Contains(run.out, "--compare-to-renewal")) << run.out;
}

TEST(PcsimCliTest, TheTopLevelHelpListsEveryCommand) {
  for (const std::vector<std::string>& args :
       {std::vector<std::string>{"--help"}, std::vector<std::string>{"-h"}, std::vector<std::string>{"help"},
        std::vector<std::string>{"help", "serve"}}) {
    Outcome run = RunPcsim(args);
    EXPECT_EQ(run.code, 0) << Joined(args);
    EXPECT_EQ(run.err, "") << Joined(args);
    for (const char* name : {"serve", "replay", "est-report", "policy", "check-catalog", "check-policy", "state",
                             "errors", "--version"})
      EXPECT_TRUE(Contains(run.out, name)) << Joined(args) << " does not list " << name << ":\n" << run.out;
  }
}

TEST(PcsimCliTest, PcsimAlonePrintsTheUsageOnStderrAndExits2) {
  Outcome run = RunPcsim({});
  EXPECT_EQ(run.code, 2);
  EXPECT_EQ(run.out, "");
  EXPECT_TRUE(Contains(run.err, "Usage: pcsim")) << run.err;
  EXPECT_TRUE(Contains(run.err, "serve")) << run.err;
}

TEST(PcsimCliTest, VersionIsOneLine) {
  Outcome run = RunPcsim({"--version"});
  EXPECT_EQ(run.code, 0);
  EXPECT_EQ(run.out, std::string("pcsim ") + PCSIM_VERSION + "\n");
  EXPECT_EQ(run.err, "");
}

TEST(PcsimCliTest, AnUnknownCommandIsAUsageError) {
  ExpectUsageError({"serv"}, {"unknown command", "\"serv\""});
  ExpectUsageError({"--colour"}, {"unknown option", "\"--colour\""});
}

TEST(PcsimCliTest, AnUnknownOptionIsAUsageErrorNamingIt) {
  ExpectUsageError({"serve", "--colour", "blue"}, {"pcsim serve", "unknown option", "--colour"});
  ExpectUsageError({"replay", "scenarios", "--colour"}, {"pcsim replay", "unknown option", "--colour"});
  ExpectUsageError({"est-report", "book.yaml", "--colour"}, {"pcsim est-report", "unknown option", "--colour"});
  ExpectUsageError({"policy", "--colour"}, {"pcsim policy", "unknown option", "--colour"});
  ExpectUsageError({"check-catalog", "catalog.json", "--colour"}, {"unknown option", "--colour"});
  ExpectUsageError({"check-policy", "policy.json", "--colour"}, {"unknown option", "--colour"});
  ExpectUsageError({"state", "check", "dir", "--colour"}, {"pcsim state check", "unknown option", "--colour"});
  // --to belongs to repair only.
  ExpectUsageError({"state", "check", "dir", "--to", "new"}, {"pcsim state check", "--to"});
  // --version belongs to pcsim itself.
  ExpectUsageError({"serve", "--version"}, {"--version"});
}

TEST(PcsimCliTest, AMissingValueIsAUsageErrorNamingTheOption) {
  ExpectUsageError({"serve", "--seed"}, {"--seed", "needs a value"});
  ExpectUsageError({"serve", "--port"}, {"--port", "needs a value"});
  ExpectUsageError({"replay", "scenarios", "--jobs"}, {"--jobs", "needs a value"});
  ExpectUsageError({"replay", "scenarios", "--tag"}, {"--tag", "needs a value"});
  ExpectUsageError({"est-report", "book.yaml", "--at"}, {"--at", "needs a value"});
  ExpectUsageError({"state", "repair", "dir", "--to"}, {"--to", "needs a value"});
}

TEST(PcsimCliTest, AMissingArgumentIsAUsageErrorNamingIt) {
  ExpectUsageError({"replay"}, {"pcsim replay", "PATH"});
  ExpectUsageError({"est-report"}, {"pcsim est-report", "SCENARIO"});
  ExpectUsageError({"check-catalog"}, {"FILE"});
  ExpectUsageError({"check-policy"}, {"FILE"});
  ExpectUsageError({"state"}, {"pcsim state", "check or repair"});
  ExpectUsageError({"state", "fix", "dir"}, {"pcsim state", "\"fix\""});
  ExpectUsageError({"state", "check"}, {"DIR"});
  ExpectUsageError({"state", "repair", "dir"}, {"--to"});
  ExpectUsageError({"policy", "microsoft", "other"}, {"pcsim policy", "\"other\""});
  ExpectUsageError({"check-catalog", "a.json", "b.json"}, {"\"b.json\""});
}

TEST(PcsimCliTest, RefusedValuesNameTheOption) {
  ExpectUsageError({"replay", "scenarios", "--jobs", "0"}, {"--jobs", "1 to 256", "\"0\""});
  ExpectUsageError({"replay", "scenarios", "--jobs", "2x"}, {"--jobs", "\"2x\""});
  ExpectUsageError({"replay", "scenarios", "--policy-override", "nokey"}, {"--policy-override", "KEY=VALUE"});
  ExpectUsageError({"est-report", "book.yaml", "--at", "tomorrow"}, {"--at", "\"tomorrow\""});
  ExpectUsageError({"est-report", "book.yaml", "--policy-override", "=1"}, {"--policy-override", "KEY=VALUE"});
  ExpectUsageError({"serve", "--port=99999"}, {"--port", "\"99999\""});
}

constexpr char kTagged[] = "scenario: tagged TAG\nstart: 2026-02-01\ntags: [TAG, shared]\nsteps: []\n";

std::string Tagged(const std::string& tag) {
  std::string text = kTagged;
  for (size_t at; (at = text.find("TAG")) != std::string::npos;) text.replace(at, 3, tag);
  return text;
}

TEST(PcsimCliTest, ReplayRunsTheScenariosThatCarryATag) {
  Scratch scratch;
  scratch.Write("a.yaml", Tagged("alpha"));
  scratch.Write("sub/b.yaml", Tagged("beta"));
  Outcome run = RunPcsim({"replay", scratch.dir().string(), "--tag", "beta"});
  EXPECT_EQ(run.code, 0) << run.err;
  EXPECT_TRUE(Contains(run.out, "PASS ")) << run.out;
  EXPECT_TRUE(Contains(run.out, "tagged beta")) << run.out;
  EXPECT_FALSE(Contains(run.out, "tagged alpha")) << run.out;
  EXPECT_TRUE(Contains(run.out, "1 passed, 0 failed")) << run.out;
  // Any of the tags given; a tag that matches nothing beside one that does is fine.
  run = RunPcsim({"replay", scratch.dir().string(), "--tag", "nomatch", "--tag=alpha", "--tag", "beta"});
  EXPECT_EQ(run.code, 0) << run.err;
  EXPECT_TRUE(Contains(run.out, "2 passed, 0 failed")) << run.out;
  run = RunPcsim({"replay", scratch.dir().string(), "--tag", "shared", "--jobs", "2"});
  EXPECT_EQ(run.code, 0) << run.err;
  EXPECT_TRUE(Contains(run.out, "2 passed, 0 failed")) << run.out;
}

TEST(PcsimCliTest, ReplayWithATagThatMatchesNoScenarioExits2) {
  Scratch scratch;
  scratch.Write("a.yaml", Tagged("alpha"));
  scratch.Write("b.yaml", Tagged("beta"));
  Outcome run = RunPcsim({"replay", scratch.dir().string(), "--tag", "nomatch"});
  EXPECT_EQ(run.code, 2) << run.out << run.err;
  EXPECT_EQ(run.out, "");
  EXPECT_EQ(run.err, "pcsim replay: no scenario matched the tag \"nomatch\" in 2 files\n");
  run = RunPcsim({"replay", scratch.dir().string(), "--tag", "nomatch", "--tag", "gamma"});
  EXPECT_EQ(run.code, 2) << run.out << run.err;
  EXPECT_EQ(run.err, "pcsim replay: no scenario matched the tags \"nomatch\", \"gamma\" in 2 files\n");
  // Over the real library too.
  run = RunPcsim({"replay", PCSIM_SOURCE_DIR "/scenarios", "--tag", "nomatch"});
  EXPECT_EQ(run.code, 2) << run.out << run.err;
  EXPECT_TRUE(Contains(run.err, "no scenario matched the tag \"nomatch\"")) << run.err;
  // Without --tag, an empty folder still runs nothing and passes.
  fs::create_directories(scratch.dir() / "empty");
  run = RunPcsim({"replay", (scratch.dir() / "empty").string()});
  EXPECT_EQ(run.code, 0) << run.err;
  EXPECT_EQ(run.out, "0 passed, 0 failed\n");
}

// Options are read wherever they stand, as "--flag VALUE" or "--flag=VALUE";
// the last of a repeated single-valued option wins.
TEST(PcsimCliTest, OptionsTakeOneValueEachInEitherSpelling) {
  Scratch scratch;
  std::string file = scratch.Write("a.yaml", Tagged("alpha"));
  Outcome run = RunPcsim({"replay", "--jobs=3", file, "--jobs", "1", "--policy-override=est.enforcementDate=2026-07-01"});
  EXPECT_EQ(run.code, 0) << run.err;
  EXPECT_TRUE(Contains(run.out, "1 passed, 0 failed")) << run.out;
  run = RunPcsim({"est-report", file, "--at=2026-03-01", "--compare-to-renewal"});
  EXPECT_EQ(run.code, 0) << run.err;
  EXPECT_EQ(run.out.rfind("PartnerId,", 0), 0u) << run.out;
}

}  // namespace
