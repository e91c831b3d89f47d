// The pcsim command line (tools/pcsim/cli.h). Exit codes: 0 success, 1 a
// check failed, 2 bad input or usage.
#include <string>
#include <vector>

#include "tools/pcsim/cli.h"

int main(int argc, char** argv) { return pcsim::tools::RunCommandLine({argv + 1, argv + argc}); }
