#include "simulator/model/errors.h"
#include "simulator/persist/state_inputs.h"

#include <charconv>

#include "simulator/model/data_file.h"
#include "simulator/persist/state_store.h"

namespace pcsim::persist {

StateInputs StateInputs::Of(const api::RouterOptions& options, std::string policy_name,
                            std::string_view policy_file_text, std::vector<std::pair<std::string, std::string>> overrides,
                            std::string_view catalog_file_text) {
  StateInputs in;
  in.start = options.sandbox.start;
  in.seed = options.sandbox.seed;
  in.environment = options.sandbox.environment;
  in.auth = options.auth;
  in.max_body_bytes = options.max_body_bytes;
  in.policy = std::move(policy_name);
  if (in.policy != "microsoft") in.policy_file_hash = HashHex(policy_file_text);
  in.policy_overrides = std::move(overrides);
  if (options.sandbox.catalog) in.catalog_file_hash = HashHex(catalog_file_text);
  return in;
}

std::string StateInputs::Fingerprint() const {
  std::string out = "start=" + start.ToString() + "\nseed=" + std::to_string(seed) +
                    "\nenvironment=" + std::string(ToString(environment)) +
                    "\nauth=" + (auth == api::AuthMode::Strict ? "strict" : "lenient") +
                    "\nmax-body-bytes=" + std::to_string(max_body_bytes) +
                    "\npolicy=" + (policy == "microsoft" ? "microsoft" : "file " + policy_file_hash) + "\n";
  for (const auto& [key, value] : policy_overrides) out += "policy-override=" + key + "=" + value + "\n";
  out += "catalog=" + (catalog_file_hash.empty() ? "embedded" : "file " + catalog_file_hash) + "\n";
  return out + EmbeddedFixturesFingerprint();
}

StatusOr<StateInputs> StateInputs::FromFingerprint(std::string_view text) {
  StateInputs in;
  auto bad = [&](const std::string& why) { return Error<Err::ControlInvalidInput>("not a state dir fingerprint: " + why); };
  bool start_seen = false;
  std::string embedded;
  while (!text.empty()) {
    size_t nl = text.find('\n');
    std::string_view line = text.substr(0, nl);
    text = nl == std::string_view::npos ? std::string_view() : text.substr(nl + 1);
    size_t eq = line.find('=');
    if (eq == std::string_view::npos) return bad("a line without '='");
    std::string_view key = line.substr(0, eq), value = line.substr(eq + 1);
    auto number = [&](uint64_t* out) {
      auto [ptr, ec] = std::from_chars(value.data(), value.data() + value.size(), *out);
      return ec == std::errc() && ptr == value.data() + value.size();
    };
    if (key == "start") {
      auto t = Instant::Parse(value);
      if (!t) return bad("start");
      in.start = *t;
      start_seen = true;
    } else if (key == "seed") {
      if (!number(&in.seed)) return bad("seed");
    } else if (key == "environment") {
      auto e = ParseEnvironment(value);
      if (!e) return bad("environment");
      in.environment = *e;
    } else if (key == "auth") {
      if (value != "strict" && value != "lenient") return bad("auth");
      in.auth = value == "strict" ? api::AuthMode::Strict : api::AuthMode::Lenient;
    } else if (key == "max-body-bytes") {
      uint64_t n = 0;
      if (!number(&n)) return bad("max-body-bytes");
      in.max_body_bytes = static_cast<size_t>(n);
    } else if (key == "policy") {
      if (value == "microsoft") {
        in.policy = "microsoft";
      } else if (value.rfind("file ", 0) == 0) {
        in.policy = "file";
        in.policy_file_hash = std::string(value.substr(5));
      } else {
        return bad("policy");
      }
    } else if (key == "policy-override") {
      size_t inner = value.find('=');
      if (inner == std::string_view::npos) return bad("policy-override");
      in.policy_overrides.emplace_back(std::string(value.substr(0, inner)), std::string(value.substr(inner + 1)));
    } else if (key == "catalog") {
      if (value.rfind("file ", 0) == 0) in.catalog_file_hash = std::string(value.substr(5));
      else if (value != "embedded") return bad("catalog");
    } else if (key.rfind("embedded-", 0) == 0) {
      embedded += std::string(line) + "\n";
    } else {
      return bad("unknown key " + std::string(key.substr(0, 64)));
    }
  }
  if (!start_seen) return bad("no start");
  if (embedded != EmbeddedFixturesFingerprint())
    return Error<Err::ControlInvalidInput>("the state dir was written by a pcsim with other embedded catalog, policy or country rules");
  return in;
}

StatusOr<api::RouterOptions> StateInputs::RouterOptions(const std::string& policy_file,
                                                        const std::string& catalog_file) const {
  api::RouterOptions options;
  options.sandbox.start = start;
  options.sandbox.seed = seed;
  options.sandbox.environment = environment;
  options.auth = auth;
  options.max_body_bytes = max_body_bytes;
  auto file_matching = [](const std::string& path, const std::string& hash, const char* what,
                          const char* flag) -> StatusOr<std::string> {
    if (path.empty())
      return Error<Err::ControlInvalidInput>(std::string("the state dir was made with a ") + what + " file: give it with " + flag);
    auto text = ReadDataFile(path);
    if (!text.ok()) return Error<Err::ControlInvalidInput>(path + ": " + text.status().description());
    if (HashHex(*text) != hash)
      return Error<Err::ControlInvalidInput>(path + " is not the " + what + " file the state dir was made with");
    return *text;
  };
  StatusOr<Policy> loaded = Policy::Microsoft();
  if (policy != "microsoft") {
    auto text = file_matching(policy_file, policy_file_hash, "policy", "--policy FILE");
    if (!text.ok()) return text.status();
    loaded = Policy::FromJson(*text, policy_file);
  }
  if (!loaded.ok()) return loaded.status();
  for (const auto& [key, value] : policy_overrides) PCSIM_RETURN_IF_ERROR(loaded->Override(key, value));
  options.sandbox.policy = std::move(*loaded);
  if (!catalog_file_hash.empty()) {
    auto text = file_matching(catalog_file, catalog_file_hash, "catalog", "--catalog FILE");
    if (!text.ok()) return text.status();
    auto catalog = Catalog::FromJson(*text, catalog_file);
    if (!catalog.ok()) return catalog.status();
    options.sandbox.catalog = *catalog;
  }
  return options;
}

}  // namespace pcsim::persist
