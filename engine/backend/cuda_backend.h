#pragma once
// The CUDA backend: the same functions as the CPU backend, computed by the
// kernels in kernels/ on one NVIDIA GPU. Plain C++: no CUDA header is needed to
// use it, and in a build without nvcc it exists but reports no device.
#include <memory>
#include <string>

#include "backend/backend.h"

namespace qt {

// Whether this build has the CUDA kernels at all.
bool cuda_backend_built();
// How many CUDA devices are usable; 0 with `why_none` saying why (no CUDA in
// this build, no driver, no device ...).
int cuda_device_count(std::string& why_none);
// A backend on CUDA device `device`; throws std::runtime_error naming the
// device and the cause when it cannot be made.
std::unique_ptr<Backend> make_cuda_backend(int device);

// out[i] = philox_normal(noise.seed, noise.step, index0 + i) computed on the GPU
// (out: `count` floats of a CUDA backend's memory); for checking the device
// generator against the host one. Throws when `backend` is not a CUDA backend.
void cuda_normals(Backend& backend, float* out, int64_t count, ZoNoise noise, uint64_t index0);
// Free and total bytes of a CUDA backend's device (cudaMemGetInfo); false for
// any other backend.
bool cuda_memory_info(Backend& backend, size_t& free_bytes, size_t& total_bytes);
// With QT_CUDA_PROFILE=1 in the environment: GPU milliseconds and calls per kind
// of operation since the last reset, largest first (empty otherwise, and for
// other backends); `reset` starts the sums afresh.
std::string cuda_profile_report(Backend& backend, bool reset);
// How many times a CUDA backend has launched a recorded graph (Backend::run_repeated);
// 0 for any other backend. QT_CUDA_GRAPHS=0 in the environment when a CUDA backend
// is made turns recording off for it (as QT_CUDA_PROFILE=1 does).
int64_t cuda_graph_launches(Backend& backend);

}  // namespace qt
