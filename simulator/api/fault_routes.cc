// /_sim/faults (docs/control-api.md): the fault rules and the rate limiter of
// faults.h, read, added to and cleared; /_sim/drift, contract-drift mode (drift.h).
#include "simulator/model/errors.h"
#include "simulator/api/router.h"

namespace pcsim::api {
namespace {

Response Get(RouteContext& ctx) { return JsonResponse(200, ctx.router.faults().ToJson()); }

Response Post(RouteContext& ctx) {
  auto body = ParseBody(ctx.request.body, /*object=*/false);
  if (!body.ok()) return ErrorResponse(body.status());
  Status s = ctx.router.faults().Configure(*body);
  if (!s.ok()) return ErrorResponse(s);
  return JsonResponse(201, ctx.router.faults().ToJson());
}

Response DeleteAll(RouteContext& ctx) {
  ctx.router.faults().Clear();
  return JsonResponse(200, ctx.router.faults().ToJson());
}

Response DeleteOne(RouteContext& ctx) {
  const std::string& id = ctx.params[0];
  uint64_t rule = 0;
  bool numeric = !id.empty() && id.size() <= 18;
  for (char c : id) {
    if (c < '0' || c > '9') numeric = false;
    else rule = rule * 10 + static_cast<uint64_t>(c - '0');
  }
  if (!numeric || !ctx.router.faults().Remove(rule))
    return ErrorResponse(Error<Err::FaultRuleNotFound>(id.substr(0, 64)));
  return JsonResponse(200, ctx.router.faults().ToJson());
}

Response GetDrift(RouteContext& ctx) { return JsonResponse(200, DriftJson(ctx.router.faults().drift())); }

Response PostDrift(RouteContext& ctx) {
  auto body = ParseBody(ctx.request.body);
  if (!body.ok()) return ErrorResponse(body.status());
  Status s = ConfigureDrift(*body, ctx.router.faults().mutable_drift());
  if (!s.ok()) return ErrorResponse(s);
  return JsonResponse(200, DriftJson(ctx.router.faults().drift()));
}

}  // namespace

void RegisterFaultRoutes(RouteTable& table) {
  table.Add("GET", "/_sim/drift", GetDrift);
  table.Add("POST", "/_sim/drift", PostDrift, RouteKind::Setup);
  table.Add("GET", "/_sim/faults", Get);
  table.Add("POST", "/_sim/faults", Post, RouteKind::Setup);
  table.Add("DELETE", "/_sim/faults", DeleteAll, RouteKind::Setup);
  table.Add("DELETE", "/_sim/faults/{}", DeleteOne, RouteKind::Setup);
}

}  // namespace pcsim::api
