// A JSON path as steps, so that keys holding dots or brackets stay exact.
#pragma once

#include <cstddef>
#include <string>
#include <variant>
#include <vector>

namespace pcsim {

// One step of a JSON path: an object key or an array index.
using JsonPathStep = std::variant<std::string, size_t>;
using JsonPath = std::vector<JsonPathStep>;
// "products[2].skus[0].id" (keys joined with dots, as in every message).
std::string JsonPathText(const JsonPath& path);

}  // namespace pcsim
