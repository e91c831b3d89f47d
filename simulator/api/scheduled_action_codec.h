// Reading the next-term parts of a subscription as Partner Center writes
// them (Update a subscription by ID): a PATCH body and a book record read
// them alike. Enum values in any casing; keys case-insensitive.
#pragma once

#include <nlohmann/json.hpp>

#include "simulator/commerce/commerce_types.h"
#include "simulator/model/status.h"

namespace pcsim::api {

// scheduledNextTermInstructions {product{productId, skuId, availabilityId,
// billingCycle?, termDuration?, promotionId?}, quantity?, customTermEndDate?}.
StatusOr<NextTermRequest> ReadNextTerm(const nlohmann::json& j);
// One scheduledActions entry {scheduleType?, actionType, effectiveDate?,
// instructions?}.
StatusOr<ScheduledActionRequest> ReadScheduledAction(const nlohmann::json& j);

}  // namespace pcsim::api
