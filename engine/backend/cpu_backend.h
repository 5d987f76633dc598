#pragma once
// The reference backend: plain loops over all cores (OpenMP), matrix products
// from the quantized blocks through cpu/quant_dot.h.
#include <memory>

#include "backend/backend.h"

namespace qt {

std::unique_ptr<Backend> make_cpu_backend(int n_threads = 0);  // 0: all cores

}  // namespace qt
