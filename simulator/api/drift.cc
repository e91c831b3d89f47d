// Contract-drift mode (drift.h; docs/drift.md).
#include "simulator/api/drift.h"

#include <array>
#include <string>
#include <utility>
#include <vector>

#include "simulator/api/router.h"
#include "simulator/model/errors.h"
#include "simulator/model/seeded_random.h"
#include "simulator/money/decimal.h"

namespace pcsim::api {
namespace {

// Builds an ordered Json from JSON text keeping each fractional number as the
// exact decimal it was written as (Number()), so that a body rendered by
// Dump() is rendered again byte for byte, money included.
class ExactBuilder : public nlohmann::json_sax<Json> {
 public:
  Json root;

  bool null() override { return Put(nullptr); }
  bool boolean(bool v) override { return Put(v); }
  bool number_integer(number_integer_t v) override { return Put(v); }
  bool number_unsigned(number_unsigned_t v) override { return Put(v); }
  bool number_float(number_float_t v, const string_t& text) override {
    if (auto d = Decimal::Parse(text)) {
      Json n = Number(*d);
      if (NumberText(n) == text) return Put(std::move(n));
    }
    return Put(v);
  }
  bool string(string_t& v) override { return Put(std::move(v)); }
  bool binary(binary_t& v) override { return Put(Json::binary(std::move(v))); }
  bool start_object(std::size_t) override {
    stack_.push_back(Put(Json::object()) ? last_ : nullptr);
    return true;
  }
  bool key(string_t& k) override {
    member_ = &(*stack_.back())[k];
    return true;
  }
  bool end_object() override {
    stack_.pop_back();
    return true;
  }
  bool start_array(std::size_t) override {
    stack_.push_back(Put(Json::array()) ? last_ : nullptr);
    return true;
  }
  bool end_array() override {
    stack_.pop_back();
    return true;
  }
  bool parse_error(std::size_t, const std::string&, const nlohmann::detail::exception&) override { return false; }

 private:
  bool Put(Json v) {
    if (stack_.empty()) {
      root = std::move(v);
      last_ = &root;
    } else if (stack_.back()->is_array()) {
      stack_.back()->push_back(std::move(v));
      last_ = &stack_.back()->back();
    } else {
      *member_ = std::move(v);
      last_ = member_;
    }
    return true;
  }
  std::vector<Json*> stack_;
  Json* member_ = nullptr;
  Json* last_ = nullptr;
};

uint64_t Hash(uint64_t h, std::string_view text) {
  for (unsigned char c : text) h = MixBits(h ^ c);
  return MixBits(h ^ text.size());
}

// The fields Partner Center might add: camelCase names in its style, each
// with the kind of value it would hold.
enum class Kind { Bool, Int, Guid, Date, Word, Object, Strings, Null };
struct NewField {
  std::string_view name;
  Kind kind;
};
constexpr std::array<NewField, 16> kNewFields = {{
    {"isPreview", Kind::Bool},
    {"partnerCenterTrackingId", Kind::Guid},
    {"lastModifiedDate", Kind::Date},
    {"fulfillmentSource", Kind::Word},
    {"renewalPolicy", Kind::Object},
    {"resourceVersion", Kind::Int},
    {"commerceRootId", Kind::Guid},
    {"complianceStatus", Kind::Word},
    {"tags", Kind::Strings},
    {"migrationDetails", Kind::Null},
    {"displayOrder", Kind::Int},
    {"channelType", Kind::Word},
    {"isManagedByPartner", Kind::Bool},
    {"billingScope", Kind::Word},
    {"externalReferences", Kind::Strings},
    {"regionalDataBoundary", Kind::Word},
}};
constexpr std::array<std::string_view, 6> kWords = {"standard", "partnerLed", "automatic", "euDataBoundary",
                                                    "notApplicable", "review"};

Json NewValue(Kind kind, uint64_t h) {
  switch (kind) {
    case Kind::Bool: return (h & 1) != 0;
    case Kind::Int: return static_cast<int64_t>(h % 1000);
    case Kind::Guid: return GuidFromNumber(h, h >> 7);
    case Kind::Date: {
      // A fixed day of 2025, from the hash: never the wall clock.
      Date d = Date::Ymd(2025, 1, 1).AddDays(static_cast<int>(h % 365));
      return d.ToString() + "T00:00:00Z";
    }
    case Kind::Word: return std::string(kWords[h % kWords.size()]);
    case Kind::Object: {
      Json o = ObjectWithCapacity(2);
      o["mode"] = std::string(kWords[h % kWords.size()]);
      o["noticeDays"] = static_cast<int64_t>(h % 60);
      return o;
    }
    case Kind::Strings: return Json::array({std::string(kWords[h % kWords.size()])});
    case Kind::Null: return nullptr;
  }
  return nullptr;
}

// Enum fields whose value pcsim renders as one constant (`from`), by the
// objectType of the resource holding them, with values Partner Center has not
// documented: a client that maps an unknown value to "unknown" loses nothing
// pcsim says. (billingType is not one: "license" and "usage" tell a license
// subscription from an Azure plan.)
struct EnumField {
  std::string_view object_type;  // "OrderLineItem": an element of an Order's lineItems
  std::string_view field;
  std::string_view from;
  std::array<std::string_view, 2> values;
};
constexpr std::array<EnumField, 4> kEnumFields = {{
    {"Subscription", "unitType", "Licenses", {"Seats", "UserLicenses"}},
    {"Subscription", "contractType", "subscription", {"subscriptionWithTerms", "perpetualLicense"}},
    {"Order", "transactionType", "UserPurchase", {"AutomatedPurchase", "PartnerMigration"}},
    {"OrderLineItem", "transactionType", "New", {"Migration", "Conversion"}},
}};

class Drifter {
 public:
  Drifter(const DriftOptions& options, uint64_t base) : options_(options), base_(base) {}

  // `parent_key`: the key `v` is the value of ("" for an array element or the body).
  void Walk(Json& v, const std::string& pointer, std::string_view object_type, std::string_view parent_key = "") {
    if (v.is_array()) {
      for (size_t i = 0; i < v.size(); ++i)
        Walk(v[i], pointer + "/" + std::to_string(i), object_type == "Order" ? "OrderLineItem" : "");
      return;
    }
    if (!v.is_object()) return;
    std::string type(ObjectTypeOf(v, object_type));
    for (auto& [key, child] : v.items())
      Walk(child, pointer + "/" + key, type == "Order" && key == "lineItems" ? "Order" : "", key);
    const uint64_t h = Hash(base_, pointer);
    if (parent_key == "links") {
      // A links object maps relations to links: it grows a relation, a link like the others.
      if (options_.unknown_fields) AddRelation(v, h);
      return;
    }
    if (options_.new_enum_values)
      for (const EnumField& e : kEnumFields)
        if (e.object_type == type)
          if (auto it = v.find(std::string(e.field)); it != v.end() && it->is_string() && *it == e.from)
            *it = std::string(e.values[Hash(h, e.field) % e.values.size()]);
    if (options_.unknown_fields) {
      for (size_t k = 0; k < kNewFields.size(); ++k) {
        const NewField& f = kNewFields[(h + k) % kNewFields.size()];
        if (v.contains(std::string(f.name))) continue;
        v[std::string(f.name)] = NewValue(f.kind, MixBits(h + 1));
        break;
      }
    }
  }

 private:
  // Relations Partner Center might add to a resource's links; never self, next or previous.
  static void AddRelation(Json& links, uint64_t h) {
    static constexpr std::array<std::string_view, 4> kRelations = {"history", "relatedResources", "documentation",
                                                                   "activity"};
    std::string base;
    if (auto self = links.find("self"); self != links.end() && self->is_object())
      if (auto uri = self->find("uri"); uri != self->end() && uri->is_string()) base = uri->get<std::string>();
    base = base.substr(0, base.find('?'));
    for (size_t k = 0; k < kRelations.size(); ++k) {
      const std::string name(kRelations[(h + k) % kRelations.size()]);
      if (links.contains(name)) continue;
      links[name] = LinkJson(base + "/" + name);
      return;
    }
  }

  // A resource's attributes.objectType, or what its parent says it is.
  static std::string_view ObjectTypeOf(const Json& v, std::string_view from_parent) {
    auto attributes = v.find("attributes");
    if (attributes != v.end() && attributes->is_object())
      if (auto t = attributes->find("objectType"); t != attributes->end() && t->is_string())
        return t->get_ref<const std::string&>();
    return from_parent;
  }

  const DriftOptions& options_;
  uint64_t base_;
};

}  // namespace

Status ConfigureDrift(const nlohmann::json& body, DriftOptions& options) {
  if (!body.is_object()) return Error<Err::ControlInvalidInput>("The drift settings must be a JSON object.");
  DriftOptions next = options;
  for (const auto& [key, value] : body.items()) {
    bool* flag = key == "enabled" ? &next.enabled
                 : key == "unknownFields" ? &next.unknown_fields
                 : key == "newEnumValues" ? &next.new_enum_values
                                          : nullptr;
    if (flag != nullptr) {
      if (!value.is_boolean()) return Error<Err::ControlInvalidInput>("\"" + key + "\" must be true or false.");
      *flag = value.get<bool>();
    } else if (key == "seed") {
      if (!value.is_number_integer() || (value.is_number_integer() && !value.is_number_unsigned() && value.get<int64_t>() < 0))
        return Error<Err::ControlInvalidInput>("\"seed\" must be a non-negative integer.");
      next.seed = value.get<uint64_t>();
    } else {
      return Error<Err::ControlInvalidInput>("Unknown drift setting \"" + key.substr(0, 64) +
                                             "\": use enabled, seed, unknownFields, newEnumValues.");
    }
  }
  options = next;
  return OkStatus();
}

Json DriftJson(const DriftOptions& options) {
  Json j = ObjectWithCapacity(4);
  j["enabled"] = options.enabled;
  j["seed"] = options.seed;
  j["unknownFields"] = options.unknown_fields;
  j["newEnumValues"] = options.new_enum_values;
  return j;
}

void ApplyDrift(const DriftOptions& options, std::string_view method, std::string_view path, Response& response) {
  if (!options.enabled || response.status < 200 || response.status >= 300) return;
  if (!options.unknown_fields && !options.new_enum_values) return;
  if (response.content_type.rfind("application/json", 0) != 0) return;
  if (response.pending_json) {
    response.body = Dump(*response.pending_json);
    response.pending_json.reset();
  }
  if (response.body.empty()) return;
  ExactBuilder builder;
  if (!Json::sax_parse(response.body, &builder) || !(builder.root.is_object() || builder.root.is_array())) return;
  std::string key(method);
  key.push_back(' ');
  for (char c : path) key.push_back(c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c);
  Drifter(options, Hash(MixBits(options.seed ^ 0x64726966747631ULL), key)).Walk(builder.root, "", "");
  response.body = Dump(builder.root);
}

}  // namespace pcsim::api
