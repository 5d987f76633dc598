#pragma once
// The state behind the opaque qt::cuda::Context: a device and the stream all work goes on.
#include <cuda_runtime.h>

#include <string>

namespace qt::cuda {

struct Context {
    int device = 0;
    cudaStream_t stream = nullptr;
    cudaDeviceProp props{};
};

}  // namespace qt::cuda
