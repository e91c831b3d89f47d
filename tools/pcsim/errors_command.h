// `pcsim errors`: the error catalogue (simulator/model/errors.def) as text for
// a terminal, or as the Markdown of docs/errors.md.
#pragma once

#include <string>

namespace pcsim::tools {

// One block per error: status, code and name, then the description, the
// source page and the situations that raise it.
std::string ErrorCatalogueText();

// docs/errors.md, byte for byte (a test compares the two).
std::string ErrorCatalogueMarkdown();

}  // namespace pcsim::tools
