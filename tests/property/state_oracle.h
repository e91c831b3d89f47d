// The oracle of the state property test and the state fuzzer: what must hold
// after each request of a generated sequence.
//  - A refused request (4xx, an injected 5xx, a throttled one) and every read
//    leave the router's state digest exactly as it was.
//  - No 5xx but an injected one.
//  - After an accepted write, the book's invariants hold (CheckBook), and a
//    resource the write answered reads back exactly as it was answered.
#pragma once

#include <cstdint>
#include <string>

#include "simulator/api/router.h"
#include "tests/property/request_generator.h"

namespace pcsim::property {

// "" when the step keeps every rule, else what it broke.
std::string CheckStep(api::Router& router, const GeneratedRequest& step, const api::Response& response,
                      uint64_t digest_before);

// The book's invariants, "" when they hold:
//  - every charge line names its subscription, customer and order, charges a
//    positive quantity, and its total has the sign of a charge or a refund;
//    a whole-cycle line totals unit price x quantity, a prorated one no more;
//  - the seats paid for today add up to each subscription's seats (lines
//    whose period holds today, refunds subtracted), and to none once it no
//    longer runs;
//  - every purchase (new) line has its order, holding that subscription with
//    that quantity;
//  - each invoice holds exactly the lines that name it, and totals them;
//  - a running subscription's seats are within its SKU's limits, and no more
//    of them are refundable than it has.
std::string CheckBook(const api::Router& router);

}  // namespace pcsim::property
