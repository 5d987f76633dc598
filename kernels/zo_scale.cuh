#pragma once
// The value a QZO scale write gives block b's field, shared by the kernel that
// writes it into the blocks (zo_update.cu) and the dequantization that reads it
// from the master instead (quant_matmul_gemm.cu): the two must agree bit for bit.
#include <cuda_fp16.h>

#include <cstdint>

#include "util/philox_normal.h"

namespace qt::cuda {

// z of global index i, given the Philox quad of its group (i / 4).
__device__ __forceinline__ float quad_normal(const NormalQuad& q, uint64_t i) {
    const int k = static_cast<int>(i & 3);
    return k == 0 ? q.z[0] : k == 1 ? q.z[1] : k == 2 ? q.z[2] : q.z[3];
}

// fp16(master + alpha * z), product and sum rounded separately as on the CPU;
// alpha == 0 (the restore) is fp16(master) itself, signed zero included.
__device__ __forceinline__ __half zo_scale_half(float master, float alpha, float z) {
    return __float2half_rn(alpha == 0.0f ? master : __fadd_rn(master, __fmul_rn(alpha, z)));
}

}  // namespace qt::cuda
