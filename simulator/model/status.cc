#include "simulator/model/status.h"

namespace pcsim {

std::string Status::ToString() const {
  if (ok()) return "OK";
  return std::to_string(http_status_) + " " + std::to_string(code_) + ": " + description_;
}

}  // namespace pcsim
