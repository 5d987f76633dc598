#pragma once
// Picks the backend at run time from a device string:
//   "auto"   the first CUDA device when one is usable, else the CPU;
//   "cpu"    the CPU;
//   "cuda" / "cuda:N"  CUDA device 0 / N, an error when it cannot be used.
// `message` says which was used and, for auto falling back to the CPU, why.
#include <memory>
#include <string>

#include "backend/backend.h"

namespace qt {

struct BackendChoice {
    std::unique_ptr<Backend> backend;
    std::string message;  // "using CUDA device 0: NVIDIA H100 ..." / "using CPU (...): no CUDA device (...)"
};

BackendChoice make_backend(const std::string& device, int cpu_threads = 0);

}  // namespace qt
