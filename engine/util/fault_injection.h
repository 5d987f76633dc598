#pragma once
// Faults that tests inject into a real run of the CLI or the app, named in the
// environment variable QUANTTUNE_FAULTS as a comma-separated list of NAME@N or
// NAME@FIRST-LAST:
//   nan-loss@7        the loss of step 7 comes out NaN (the divergence guard's test)
//   nan-loss@7-40     steps 7 to 40
//   kill-in-write@3   the 3rd file written atomically (util/atomic_file.h) kills the
//                     process with SIGKILL halfway through its content
// Unset, nothing is injected; the lookups cost a branch.
#include <cstdint>
#include <string_view>

namespace qt {

// Whether QUANTTUNE_FAULTS asks for fault `name` at `at`. Throws std::invalid_argument
// naming the variable when it is malformed (so a test's typo is not a silent no-op).
bool fault_injected(std::string_view name, int64_t at);

}  // namespace qt
