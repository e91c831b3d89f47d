// What a state dir was made with: the serve options that change what a
// command does. Written into every file of the dir as its fingerprint (text,
// "key=value" lines); a state dir is restored only with the same inputs, and
// `pcsim state check` rebuilds the router from them.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "simulator/api/router.h"
#include "simulator/model/status.h"

namespace pcsim::persist {

struct StateInputs {
  Instant start;
  uint64_t seed = 1;
  Environment environment = Environment::Production;
  api::AuthMode auth = api::AuthMode::Lenient;
  size_t max_body_bytes = 1 << 20;
  // The policy: "microsoft", or the FNV-1a hash of a policy file's bytes.
  std::string policy = "microsoft";
  std::string policy_file_hash;
  std::vector<std::pair<std::string, std::string>> policy_overrides;
  std::string catalog_file_hash;  // empty: the embedded catalog

  // The inputs of `options` (built from them) with the hashes of the files
  // they were read from ("" for built-in ones).
  static StateInputs Of(const api::RouterOptions& options, std::string policy_name, std::string_view policy_file_text,
                        std::vector<std::pair<std::string, std::string>> overrides, std::string_view catalog_file_text);
  // The fingerprint text, with the hashes of the embedded fixtures.
  std::string Fingerprint() const;
  // Reads a fingerprint back; 400 when it is not one.
  static StatusOr<StateInputs> FromFingerprint(std::string_view text);
  // Router options for these inputs. Files are needed when the inputs name
  // them: each must hash as recorded (400 otherwise, or when missing).
  StatusOr<api::RouterOptions> RouterOptions(const std::string& policy_file, const std::string& catalog_file) const;
};

}  // namespace pcsim::persist
