// A cart as the router keeps it between its creation and checkout (Create a
// cart, Update a cart, Checkout a cart).
#pragma once

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "simulator/clock/time.h"

namespace pcsim::api {

// A cart: a partner's basket of line items before checkout (Create a cart).
struct CartLine {
  int id = 0;
  std::string catalog_item_id;
  std::string friendly_name;
  int quantity = 0;
  std::string term_duration;
  std::string billing_cycle;
  std::string promotion_id;
  std::string reseller_id;  // participants: transaction_reseller
  std::vector<std::string> additional_resellers;
  std::optional<Date> custom_term_end;
  std::optional<bool> attestation_accepted;
  std::string order_group;
  nlohmann::json provisioning_context = nlohmann::json::object();
  std::optional<std::pair<std::string, std::string>> error;  // (errorCode, errorDescription)
};

struct Cart {
  std::string id;
  std::string customer_id;
  std::string partner_tenant_id;
  Instant created;
  Instant last_modified;
  Instant expires;
  std::string last_modified_user;
  bool ordered = false;
  std::optional<bool> partner_on_record_attestation_accepted;
  std::vector<CartLine> lines;
};

}  // namespace pcsim::api
