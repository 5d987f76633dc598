#pragma once
// Every CUDA call's status is checked; a failure throws naming the call and the place.
#include <cuda_runtime.h>

#include <stdexcept>
#include <string>

namespace qt::cuda {

[[noreturn]] inline void throw_cuda_error(cudaError_t e, const char* what, const char* file, int line) {
    throw std::runtime_error(std::string("CUDA error in ") + what + " (" + file + ":" + std::to_string(line) +
                             "): " + cudaGetErrorName(e) + ": " + cudaGetErrorString(e));
}

}  // namespace qt::cuda

#define QT_CUDA_CHECK(call)                                                           \
    do {                                                                              \
        const cudaError_t qt_err_ = (call);                                           \
        if (qt_err_ != cudaSuccess) ::qt::cuda::throw_cuda_error(qt_err_, #call, __FILE__, __LINE__); \
    } while (0)

// After a kernel launch: a bad configuration shows up here, not at the launch.
#define QT_CUDA_CHECK_LAUNCH(name)                                                    \
    do {                                                                              \
        const cudaError_t qt_err_ = cudaGetLastError();                               \
        if (qt_err_ != cudaSuccess) ::qt::cuda::throw_cuda_error(qt_err_, name, __FILE__, __LINE__); \
    } while (0)
