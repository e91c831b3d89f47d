// Reading scheduledNextTermInstructions and scheduledActions
// (scheduled_action_codec.h).
#include "simulator/api/scheduled_action_codec.h"

#include "simulator/api/http_types.h"
#include "simulator/api/json_support.h"
#include "simulator/model/errors.h"

namespace pcsim::api {

// Reads scheduledNextTermInstructions {product{productId, skuId,
// availabilityId, billingCycle, termDuration, promotionId}, quantity,
// customTermEndDate}.
StatusOr<NextTermRequest> ReadNextTerm(const nlohmann::json& j) {
  if (!j.is_object()) return Error<Err::InvalidInput>("scheduledNextTermInstructions must be an object.");
  const nlohmann::json* product = Field(j, "product");
  if (product == nullptr || !product->is_object())
    return Error<Err::InvalidInput>("scheduledNextTermInstructions.product is required.");
  NextTermRequest next;
  std::string* ids[3] = {&next.product_id, &next.sku_id, &next.availability_id};
  const char* names[3] = {"productId", "skuId", "availabilityId"};
  for (int i = 0; i < 3; ++i) {
    auto v = StringField(*product, names[i]);
    if (!v.ok()) return v.status();
    if (!v->has_value()) return Error<Err::InvalidInput>(std::string("product.") + names[i] + " is required.");
    *ids[i] = **v;
  }
  auto billing_text = StringField(*product, "billingCycle");
  auto term_text = StringField(*product, "termDuration");
  auto promotion = StringField(*product, "promotionId");
  auto quantity = IntField(j, "quantity");
  auto custom_end = StringField(j, "customTermEndDate");
  for (const Status* s : {&billing_text.status(), &term_text.status(), &promotion.status(), &quantity.status(),
                          &custom_end.status()})
    if (!s->ok()) return *s;
  if (term_text->has_value()) {
    next.term = ParseTerm(**term_text);
    if (!next.term) return Error<Err::UnableToParse>("enum: termDuration " + **term_text);
  }
  if (billing_text->has_value()) {
    next.billing = ParseBilling(**billing_text);
    if (!next.billing) return Error<Err::UnableToParse>("enum: billingCycle " + **billing_text);
  }
  next.quantity = *quantity;
  next.promotion_id = promotion->value_or("");
  if (custom_end->has_value()) {
    auto t = Instant::Parse(**custom_end);
    if (!t) return Error<Err::NextTermEndNotADate>();
    next.custom_term_end = t->date();
  }
  return next;
}

// Reads one scheduledActions entry {scheduleType, actionType, effectiveDate?,
// instructions?} (enum values in any casing).
StatusOr<ScheduledActionRequest> ReadScheduledAction(const nlohmann::json& j) {
  if (!j.is_object()) return Error<Err::InvalidInput>("a scheduled action must be an object.");
  auto schedule = StringField(j, "scheduleType");
  auto type = StringField(j, "actionType");
  auto effective = StringField(j, "effectiveDate");
  for (const Status* s : {&schedule.status(), &type.status(), &effective.status()})
    if (!s->ok()) return *s;
  ScheduledActionRequest action;
  std::string schedule_text = schedule->value_or("TermEnd");
  if (EqualsIgnoreCase(schedule_text, "TermEnd")) action.schedule = ScheduleType::TermEnd;
  else if (EqualsIgnoreCase(schedule_text, "CustomDate")) action.schedule = ScheduleType::CustomDate;
  else return Error<Err::UnableToParse>("enum: scheduleType " + schedule_text);
  if (!type->has_value()) return Error<Err::InvalidInput>("actionType is required.");
  bool known = false;
  for (auto t : {ScheduledActionType::Cancel, ScheduledActionType::RenewToNewTerm,
                 ScheduledActionType::RenewToExtendedServiceTerm, ScheduledActionType::Transition})
    if (EqualsIgnoreCase(**type, ToString(t))) {
      action.action = t;
      known = true;
    }
  if (!known) return Error<Err::UnableToParse>("enum: actionType " + **type);
  if (effective->has_value()) {
    auto t = Instant::Parse(**effective);
    if (!t) return Error<Err::InvalidInput>("effectiveDate is not a date.");
    action.effective_date = t->date();
  }
  if (const nlohmann::json* instructions = Field(j, "instructions")) {
    auto next = ReadNextTerm(*instructions);
    if (!next.ok()) return next.status();
    action.instructions = *next;
  }
  return action;
}

}  // namespace pcsim::api
