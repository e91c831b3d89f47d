#include "simulator/model/errors.h"

namespace pcsim::errors_internal {

std::string Fill(std::string_view tmpl, std::initializer_list<std::string_view> pieces) {
  std::string out;
  out.reserve(tmpl.size() + 32);
  auto next = pieces.begin();
  for (size_t i = 0; i < tmpl.size(); ++i) {
    if (tmpl[i] == '{' && i + 1 < tmpl.size() && tmpl[i + 1] == '}' && next != pieces.end()) {
      out += *next++;
      ++i;
    } else {
      out += tmpl[i];
    }
  }
  return out;
}

}  // namespace pcsim::errors_internal
