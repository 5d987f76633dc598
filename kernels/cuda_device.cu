#include <cuda_runtime.h>

#include "cuda_device.h"

namespace qt::cuda {

std::vector<DeviceInfo> list_devices(std::string& why) {
    std::vector<DeviceInfo> out;
    int n = 0;
    cudaError_t err = cudaGetDeviceCount(&n);
    if (err != cudaSuccess) {
        why = cudaGetErrorString(err);
        return out;
    }
    if (n == 0) why = "no CUDA device present";
    for (int i = 0; i < n; ++i) {
        cudaDeviceProp p{};
        if (cudaGetDeviceProperties(&p, i) != cudaSuccess) continue;
        DeviceInfo d;
        d.index = i;
        d.name = p.name;
        d.compute_major = p.major;
        d.compute_minor = p.minor;
        d.total_bytes = p.totalGlobalMem;
        if (cudaSetDevice(i) == cudaSuccess) cudaMemGetInfo(&d.free_bytes, &d.total_bytes);
        out.push_back(d);
    }
    return out;
}

}  // namespace qt::cuda
