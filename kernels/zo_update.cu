// Zeroth-order training on the GPU (QZO scales, MeZO weights): each operation is
// one pass over its values, regenerating z from the same counter-based Philox
// generator as the CPU (engine/util/philox_normal.h, compiled here for the
// device). The float arithmetic is written with __fmul_rn / __fadd_rn /
// __fsub_rn so that nvcc cannot fuse it into FMAs: the CPU loops
// (engine/backend/zo_ops_host.cpp) round each product and sum separately, and
// the two must agree bit for bit.
#include <cuda_fp16.h>

#include <algorithm>

#include "cuda_check.cuh"
#include "cuda_context.cuh"
#include "cuda_ops.h"
#include "util/philox_normal.h"
#include "zo_scale.cuh"

namespace qt::cuda {
namespace {

constexpr int kThreads = 256;

// One thread per Philox group of four consecutive global indices; fn(i, z) for the
// indices of the group that lie in [index0, index0 + count), i relative to index0.
template <class Fn>
__device__ void for_each_normal_in_group(uint64_t group, uint64_t seed, uint64_t step, uint64_t index0,
                                         int64_t count, Fn&& fn) {
    const NormalQuad q = philox_normal_quad(seed, step, group);
    const uint64_t end = index0 + static_cast<uint64_t>(count);
#pragma unroll
    for (int k = 0; k < 4; ++k) {
        const uint64_t global = group * 4 + static_cast<uint64_t>(k);
        if (global >= index0 && global < end) fn(static_cast<int64_t>(global - index0), q.z[k]);
    }
}

struct GroupRange {
    uint64_t first = 0;
    int64_t n = 0;
};

GroupRange groups_of(uint64_t index0, int64_t count) {
    const uint64_t first = index0 >> 2;
    const uint64_t end = (index0 + static_cast<uint64_t>(count) + 3) >> 2;
    return {first, static_cast<int64_t>(end - first)};
}

unsigned grid_for(const Context* ctx, int64_t items) {
    // A grid-stride loop over at most a few waves of blocks.
    const int64_t blocks = (items + kThreads - 1) / kThreads;
    const int64_t cap = static_cast<int64_t>(ctx->props.multiProcessorCount) * 16;
    return static_cast<unsigned>(std::max<int64_t>(1, std::min(blocks, cap)));
}

__device__ inline uint16_t* field_at(uint8_t* blocks, size_t block_bytes, size_t field_offset, int64_t b) {
    return reinterpret_cast<uint16_t*>(blocks + static_cast<size_t>(b) * block_bytes + field_offset);
}

__global__ void write_scales_kernel(uint8_t* blocks, size_t block_bytes, size_t field_offset, int64_t count,
                                    const float* __restrict__ master, float alpha, uint64_t seed, uint64_t step,
                                    uint64_t index0, uint64_t first_group, int64_t n_groups) {
    for (int64_t g = static_cast<int64_t>(blockIdx.x) * blockDim.x + threadIdx.x; g < n_groups;
         g += static_cast<int64_t>(gridDim.x) * blockDim.x)
        for_each_normal_in_group(first_group + static_cast<uint64_t>(g), seed, step, index0, count,
                                 [&](int64_t b, float z) {
                                     *field_at(blocks, block_bytes, field_offset, b) =
                                         __half_as_ushort(zo_scale_half(master[b], alpha, z));
                                 });
}

// alpha == 0 (the restore) needs no noise: one thread per block.
__global__ void restore_scales_kernel(uint8_t* blocks, size_t block_bytes, size_t field_offset, int64_t count,
                                      const float* __restrict__ master) {
    for (int64_t b = static_cast<int64_t>(blockIdx.x) * blockDim.x + threadIdx.x; b < count;
         b += static_cast<int64_t>(gridDim.x) * blockDim.x)
        *field_at(blocks, block_bytes, field_offset, b) = __half_as_ushort(zo_scale_half(master[b], 0.0f, 0.0f));
}

__global__ void update_masters_kernel(int64_t count, float* __restrict__ master, float coeff, bool keep_sign,
                                      uint64_t seed, uint64_t step, uint64_t index0, uint64_t first_group,
                                      int64_t n_groups) {
    for (int64_t g = static_cast<int64_t>(blockIdx.x) * blockDim.x + threadIdx.x; g < n_groups;
         g += static_cast<int64_t>(gridDim.x) * blockDim.x)
        for_each_normal_in_group(first_group + static_cast<uint64_t>(g), seed, step, index0, count,
                                 [&](int64_t b, float z) {
                                     const float old = master[b];
                                     float v = __fsub_rn(old, __fmul_rn(coeff, z));
                                     // std::min(v, 0) / std::max(v, 0) of the host loop, signed zeros included.
                                     if (keep_sign) v = old < 0.0f ? (0.0f < v ? 0.0f : v) : (v < 0.0f ? 0.0f : v);
                                     master[b] = v;
                                 });
}

__global__ void add_noise_kernel(float* x, int64_t count, float alpha, uint64_t seed, uint64_t step, uint64_t index0,
                                 uint64_t first_group, int64_t n_groups) {
    for (int64_t g = static_cast<int64_t>(blockIdx.x) * blockDim.x + threadIdx.x; g < n_groups;
         g += static_cast<int64_t>(gridDim.x) * blockDim.x)
        for_each_normal_in_group(first_group + static_cast<uint64_t>(g), seed, step, index0, count,
                                 [&](int64_t i, float z) { x[i] = __fadd_rn(x[i], __fmul_rn(alpha, z)); });
}

__global__ void normals_kernel(float* out, int64_t count, uint64_t seed, uint64_t step, uint64_t index0,
                               uint64_t first_group, int64_t n_groups) {
    for (int64_t g = static_cast<int64_t>(blockIdx.x) * blockDim.x + threadIdx.x; g < n_groups;
         g += static_cast<int64_t>(gridDim.x) * blockDim.x)
        for_each_normal_in_group(first_group + static_cast<uint64_t>(g), seed, step, index0, count,
                                 [&](int64_t i, float z) { out[i] = z; });
}

}  // namespace

void zo_write_scales(Context* ctx, void* blocks_dev, size_t block_bytes, size_t field_offset, int64_t count,
                     const float* master_dev, float alpha, uint64_t seed, uint64_t step, uint64_t index0) {
    if (count <= 0) return;
    auto* blocks = static_cast<uint8_t*>(blocks_dev);
    if (alpha == 0.0f) {
        restore_scales_kernel<<<grid_for(ctx, count), kThreads, 0, ctx->stream>>>(blocks, block_bytes, field_offset,
                                                                                 count, master_dev);
        QT_CUDA_CHECK_LAUNCH("restore_scales_kernel");
        return;
    }
    const GroupRange r = groups_of(index0, count);
    write_scales_kernel<<<grid_for(ctx, r.n), kThreads, 0, ctx->stream>>>(
        blocks, block_bytes, field_offset, count, master_dev, alpha, seed, step, index0, r.first, r.n);
    QT_CUDA_CHECK_LAUNCH("write_scales_kernel");
}

void zo_update_masters(Context* ctx, float* master_dev, int64_t count, float coeff, bool keep_sign, uint64_t seed,
                       uint64_t step, uint64_t index0) {
    if (count <= 0) return;
    const GroupRange r = groups_of(index0, count);
    update_masters_kernel<<<grid_for(ctx, r.n), kThreads, 0, ctx->stream>>>(count, master_dev, coeff, keep_sign, seed,
                                                                           step, index0, r.first, r.n);
    QT_CUDA_CHECK_LAUNCH("update_masters_kernel");
}

void zo_add_noise(Context* ctx, float* x_dev, int64_t count, float alpha, uint64_t seed, uint64_t step,
                  uint64_t index0) {
    if (count <= 0) return;
    const GroupRange r = groups_of(index0, count);
    add_noise_kernel<<<grid_for(ctx, r.n), kThreads, 0, ctx->stream>>>(x_dev, count, alpha, seed, step, index0,
                                                                      r.first, r.n);
    QT_CUDA_CHECK_LAUNCH("add_noise_kernel");
}

void philox_normals(Context* ctx, float* out_dev, int64_t count, uint64_t seed, uint64_t step, uint64_t index0) {
    if (count <= 0) return;
    const GroupRange r = groups_of(index0, count);
    normals_kernel<<<grid_for(ctx, r.n), kThreads, 0, ctx->stream>>>(out_dev, count, seed, step, index0, r.first,
                                                                    r.n);
    QT_CUDA_CHECK_LAUNCH("normals_kernel");
}

}  // namespace qt::cuda
