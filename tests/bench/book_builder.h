// A generated book of subscriptions for the benchmarks: mixed terms and
// billing plans, some seat changes scheduled mid-term, some auto-renew off.
#pragma once

#include "simulator/commerce/sandbox.h"

namespace pcsim {

// Buys `count` subscriptions, 10 per customer, spread over the first 28 days
// of the sandbox's month (it must start on January 1, 2026, as the
// benchmarks' sandboxes do); the clock ends on the 28th.
void BuyBook(Sandbox& sandbox, int count);

}  // namespace pcsim
