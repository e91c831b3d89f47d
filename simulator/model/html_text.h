// Text for HTML content and attribute values: the reports pcsim writes
// (replay, audit, reconcile) escape through this one function.
#pragma once

#include <string>
#include <string_view>

namespace pcsim {

inline std::string HtmlText(std::string_view in) {
  std::string out;
  out.reserve(in.size());
  for (char c : in) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&#39;"; break;
      default: out += c;
    }
  }
  return out;
}

}  // namespace pcsim
