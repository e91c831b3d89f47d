// Helpers the files of subscription changes share (subscription_changes.cc,
// subscription_upgrade.cc); not part of the sandbox's interface.
#pragma once

#include <algorithm>
#include <string>
#include <string_view>

#include "simulator/commerce/commerce_types.h"
#include "simulator/model/errors.h"

namespace pcsim::commerce_internal {

inline Status SubscriptionNotFound(std::string_view id) {
  return Error<Err::SubscriptionNotFound>(std::string(id));
}

// The charge cycle of `sub` as the price list sees it (unclipped).
inline Period NominalCycle(const Subscription& sub) {
  return sub.Calendar().Nominal(sub.cycle_index);
}

// Removes `quantity` seats from the refundable batches, newest first.
inline void ConsumeBatches(Subscription& sub, int quantity) {
  for (auto it = sub.refundable.rbegin(); it != sub.refundable.rend() && quantity > 0; ++it) {
    int take = std::min(quantity, it->quantity);
    it->quantity -= take;
    quantity -= take;
  }
  sub.refundable.erase(std::remove_if(sub.refundable.begin(), sub.refundable.end(),
                                      [](const SeatBatch& b) { return b.quantity == 0; }),
                       sub.refundable.end());
}

}  // namespace pcsim::commerce_internal
