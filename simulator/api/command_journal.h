// What the router keeps of a request that changed the state, and the
// interface a state dir implements to make it durable.
#pragma once

#include <optional>
#include <string>

#include "simulator/api/http_types.h"
#include "simulator/commerce/sandbox.h"
#include "simulator/model/status.h"

namespace pcsim::api {

// Who calls, read from the bearer token (docs/control-api.md, "The server").
struct Caller {
  std::string partner_tenant_id{kDefaultPartnerTenantId};
  bool app_only = false;
  bool mfa = true;
  std::string user_id;
  // For the activity log: the token's application (appid or azp) and user
  // principal name (upn, unique_name or preferred_username); empty: unknown.
  std::string application_id;
  std::string user_principal_name;
};

// A request that changed the state, as the router keeps it (to rebuild the
// state) and a state dir journals it: what it asked and who asked, never how
// the caller authenticated (no Authorization header, no token).
struct CommandRecord {
  std::string method;
  std::string path;
  HeaderList query;
  HeaderList headers;  // only those a replay needs: MS-RequestId, MS-CorrelationId (the activity log), If-Match
  std::string body;
  std::string fault;   // an injected fault directive ("accepted PT1M")
  std::optional<Caller> caller;  // the authenticated caller of a /v1 request
  // It replaced the whole state (POST /_sim/reset): nothing before it matters.
  bool resets = false;

  Request ToRequest() const;
};

// Makes what the router accepts durable (pcsim serve --state-dir). Called
// under the router's lock, in order, after a command changed the state and
// before it is answered.
class CommandJournal {
 public:
  virtual ~CommandJournal() = default;
  // Writes the command and its answer (status and body) and flushes them to
  // disk. An error means it is not durable: the router then undoes the
  // command and answers 503.
  virtual Status Commit(const CommandRecord& command, const Response& response) = 0;
};

}  // namespace pcsim::api
