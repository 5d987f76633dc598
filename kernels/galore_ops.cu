// Q-GaLore's operations on the GPU (engine/backend/backend.h states them; the host
// reference is engine/backend/backend_galore_ops.cpp): group quantization and its
// inverse, Adam with block-wise 8-bit states, and the gradient's SVD (cuSOLVER).
// The kernels call the same per-value formulas as the host loops
// (engine/cpu/group_quant.h, dynamic_map.h, adam8bit_step.h, compiled here for
// the device), so codes, scales and zeros come out bit for bit as the CPU's: the
// only operations are IEEE divisions, roundings to integers, sums without
// products and exact minima and maxima. Adam's products are the one place where
// nvcc and the host compiler may fuse differently (see adam8bit_kernel).
#include <cusolverDn.h>

#include <algorithm>
#include <stdexcept>
#include <string>

#include "cpu/adam8bit_step.h"
#include "cpu/group_quant.h"
#include "cuda_check.cuh"
#include "cuda_context.cuh"
#include "cuda_ops.h"

namespace qt::cuda {

struct SvdSolver {
    int device = 0;
    cusolverDnHandle_t handle = nullptr;
};

namespace {

constexpr int kThreads = 256;
constexpr int kWarps = kThreads / 32;
static_assert(kAdam8bitBlock == kThreads, "one thread per value of an 8-bit Adam block");

void check_solver(cusolverStatus_t s, const char* what) {
    if (s != CUSOLVER_STATUS_SUCCESS)
        throw std::runtime_error(std::string("cuSOLVER error in ") + what + ": status " +
                                 std::to_string(static_cast<int>(s)));
}

void check_groups(int group, int bits) {
    if (bits != 8 && bits != 4) throw std::invalid_argument("group quantization takes 8 or 4 bits");
    if (group < 2 || (bits == 4 && group % 2 != 0))
        throw std::invalid_argument("group quantization needs a group of at least 2 values (even for 4 bits)");
}

// ---- Group quantization (cpu/group_quant.h)

__global__ void dequantize_groups_kernel(const uint8_t* __restrict__ codes, const float* __restrict__ scales,
                                         const float* __restrict__ zeros, int64_t count, int group, int bits,
                                         float* __restrict__ out) {
    const int64_t stride = static_cast<int64_t>(gridDim.x) * blockDim.x;
    for (int64_t i = static_cast<int64_t>(blockIdx.x) * blockDim.x + threadIdx.x; i < count; i += stride) {
        const int64_t g = i / group;
        out[i] = group_value(group_code_at(codes, i, bits), GroupScale{scales[g], zeros[g]});
    }
}

// A value and where it lies: the host's scan (lo = std::min(lo, x[i]) from the
// group's first value) keeps the first of equal extremes, which decides the sign
// of a zero minimum or maximum, and with it the sign of a zero point. The
// reduction keeps the lowest index among equal values to give the same float.
struct Extreme {
    float value;
    int64_t index;
};

__device__ bool beats(Extreme a, Extreme b, bool want_max) {
    const bool better = want_max ? a.value > b.value : a.value < b.value;
    return better || (a.value == b.value && a.index < b.index);
}

__device__ Extreme block_extreme(Extreme e, bool want_max, Extreme* shared) {
    for (int o = 16; o > 0; o >>= 1) {
        const Extreme other{__shfl_xor_sync(0xffffffffu, e.value, o), __shfl_xor_sync(0xffffffffu, e.index, o)};
        if (beats(other, e, want_max)) e = other;
    }
    if (threadIdx.x % 32 == 0) shared[threadIdx.x / 32] = e;
    __syncthreads();
    Extreme best = shared[0];
    for (int w = 1; w < kWarps; ++w)
        if (beats(shared[w], best, want_max)) best = shared[w];
    return best;  // every thread
}

__device__ uint8_t quantize_value(const float* x, int64_t i, GroupScale s, int bits, bool stochastic, uint64_t seed,
                                  uint64_t stream) {
    return stochastic ? group_code_stochastic(x[i], s, bits, philox_uniform(seed, stream, static_cast<uint64_t>(i)))
                      : group_code_nearest(x[i], s, bits);
}

// One block per group: its min and max, then its codes. A 4-bit group starts on a
// byte (group is even) and its threads write whole bytes; the tensor's last byte,
// when count is odd, keeps its high nibble as the host's merge does.
__global__ void __launch_bounds__(kThreads)
    quantize_groups_kernel(const float* __restrict__ x, int64_t count, int group, int bits, uint8_t* __restrict__ codes,
                           float* __restrict__ scales, float* __restrict__ zeros, bool stochastic, uint64_t seed,
                           uint64_t stream) {
    __shared__ Extreme shared[2][kWarps];
    const int64_t g = blockIdx.x;
    const int64_t begin = g * group, end = begin + group < count ? begin + group : count;
    // Threads past the group's end start from its first value, which the host starts from too.
    Extreme lo{x[begin], begin}, hi = lo;
    for (int64_t i = begin + threadIdx.x; i < end; i += kThreads) {
        const Extreme e{x[i], i};
        if (beats(e, lo, false)) lo = e;
        if (beats(e, hi, true)) hi = e;
    }
    lo = block_extreme(lo, false, shared[0]);
    hi = block_extreme(hi, true, shared[1]);
    const GroupScale s = group_scale_from_range(lo.value, hi.value, bits);
    if (threadIdx.x == 0) {
        scales[g] = s.scale;
        zeros[g] = s.zero;
    }
    if (bits == 8) {
        for (int64_t i = begin + threadIdx.x; i < end; i += kThreads)
            codes[i] = quantize_value(x, i, s, bits, stochastic, seed, stream);
        return;
    }
    for (int64_t i = begin + 2 * static_cast<int64_t>(threadIdx.x); i < end; i += 2 * kThreads) {
        const uint8_t low = quantize_value(x, i, s, bits, stochastic, seed, stream);
        const uint8_t high = i + 1 < end ? quantize_value(x, i + 1, s, bits, stochastic, seed, stream)
                                         : static_cast<uint8_t>(codes[i >> 1] >> 4);
        codes[i >> 1] = static_cast<uint8_t>(low | (high << 4));
    }
}

// ---- Adam with block-wise 8-bit states (cpu/adam8bit_step.h)

__device__ void block_max2(float* a, float* b, float (*shared)[kWarps]) {
    for (int o = 16; o > 0; o >>= 1) {
        *a = fmaxf(*a, __shfl_xor_sync(0xffffffffu, *a, o));
        *b = fmaxf(*b, __shfl_xor_sync(0xffffffffu, *b, o));
    }
    if (threadIdx.x % 32 == 0) {
        shared[0][threadIdx.x / 32] = *a;
        shared[1][threadIdx.x / 32] = *b;
    }
    __syncthreads();
    for (int w = 0; w < kWarps; ++w) {
        *a = fmaxf(*a, shared[0][w]);
        *b = fmaxf(*b, shared[1][w]);
    }
}

// One block of 256 threads per block of 256 values, one value a thread, as the
// host loop: moments from their codes, the moment and parameter updates
// (adam8bit_moments, adam8bit_param), the block's new absolute maxima, the new
// codes. The dequantization and the scaling before the map search are written as
// __fmul_rn so that nvcc cannot fuse them into the sums that follow (the host
// rounds them on their own); the update's own formulas are compiled as the host
// compiles them, which fuses m b1 + (1 - b1) g and v b2 + (1 - b2) g g into FMAs
// as nvcc does (g++ 12, -march=native; checked in the assembly of both).
__global__ void __launch_bounds__(kThreads)
    adam8bit_kernel(float* __restrict__ p, const float* __restrict__ grad, uint8_t* __restrict__ m_codes,
                    uint8_t* __restrict__ v_codes, float* __restrict__ m_absmax, float* __restrict__ v_absmax,
                    int64_t count, const float* __restrict__ maps, Adam8bitConstants k) {
    __shared__ float map_m[256], map_v[256];
    __shared__ float shared[2][kWarps];
    map_m[threadIdx.x] = maps[threadIdx.x];
    map_v[threadIdx.x] = maps[256 + threadIdx.x];
    const int64_t b = blockIdx.x;
    const int64_t i = b * kAdam8bitBlock + threadIdx.x;
    const float m_scale = m_absmax[b], v_scale = v_absmax[b];  // read before thread 0 rewrites them
    __syncthreads();
    float m = 0.0f, v = 0.0f;  // a thread past the end adds nothing to the maxima
    if (i < count) {
        m = __fmul_rn(map_m[m_codes[i]], m_scale);
        v = __fmul_rn(map_v[v_codes[i]], v_scale);
        adam8bit_moments(grad[i], k.beta1, k.beta2, &m, &v);
        p[i] = adam8bit_param(p[i], m, v, k.lr, k.weight_decay, k.step_size, k.eps_hat);
    }
    float m_max = fabsf(m), v_max = v;
    block_max2(&m_max, &v_max, shared);
    if (threadIdx.x == 0) {
        m_absmax[b] = m_max;
        v_absmax[b] = v_max;
    }
    if (i >= count) return;
    const float m_inv = m_max > 0.0f ? 1.0f / m_max : 0.0f, v_inv = v_max > 0.0f ? 1.0f / v_max : 0.0f;
    m_codes[i] = dynamic_map_code(map_m, __fmul_rn(m, m_inv));
    v_codes[i] = dynamic_map_code(map_v, __fmul_rn(v, v_inv));
}

// ---- SVD (cuSOLVER's gesvd, which takes column-major m x n with m >= n)

// out[c][r] = in[r][c] for a rows x cols row-major input, through 32 x 32 tiles.
__global__ void transpose_kernel(const float* __restrict__ in, int rows, int cols, float* __restrict__ out) {
    __shared__ float tile[32][33];
    const int c0 = blockIdx.x * 32, r0 = blockIdx.y * 32;
    for (int dy = threadIdx.y; dy < 32; dy += blockDim.y) {
        const int r = r0 + dy, c = c0 + threadIdx.x;
        if (r < rows && c < cols) tile[dy][threadIdx.x] = in[static_cast<int64_t>(r) * cols + c];
    }
    __syncthreads();
    for (int dy = threadIdx.y; dy < 32; dy += blockDim.y) {
        const int c = c0 + dy, r = r0 + threadIdx.x;
        if (r < rows && c < cols) out[static_cast<int64_t>(c) * rows + r] = tile[threadIdx.x][dy];
    }
}

void transpose(Context* ctx, const float* in, int rows, int cols, float* out) {
    const dim3 grid(static_cast<unsigned>((cols + 31) / 32), static_cast<unsigned>((rows + 31) / 32));
    transpose_kernel<<<grid, dim3(32, 8), 0, ctx->stream>>>(in, rows, cols, out);
    QT_CUDA_CHECK_LAUNCH("transpose_kernel");
}

// The first `rank` rows of the column-major n x n V^T: as [rank][n] (rows_out) or as [n][rank].
__global__ void leading_rows_kernel(const float* __restrict__ vt, int n, int rank, bool rows_out,
                                    float* __restrict__ out) {
    const int64_t e = static_cast<int64_t>(blockIdx.x) * blockDim.x + threadIdx.x;
    if (e >= static_cast<int64_t>(rank) * n) return;
    const int64_t k = rows_out ? e / n : e % rank, j = rows_out ? e % n : e / rank;
    out[e] = vt[k + j * n];
}

struct SvdLayout {
    int m = 0, n = 0, lwork = 0;
    size_t a = 0, s = 0, vt = 0, work = 0, rwork = 0, info = 0, bytes = 0;
};

// The scratch: a copy of g that gesvd overwrites, S, V^T, gesvd's work and rwork, devInfo.
SvdLayout svd_layout(SvdSolver* solver, int rows, int cols) {
    SvdLayout L;
    L.m = std::max(rows, cols);
    L.n = std::min(rows, cols);
    check_solver(cusolverDnSgesvd_bufferSize(solver->handle, L.m, L.n, &L.lwork), "cusolverDnSgesvd_bufferSize");
    size_t at = 0;
    auto take = [&](size_t bytes) {
        const size_t here = at;
        at += (bytes + 255) / 256 * 256;
        return here;
    };
    const auto m = static_cast<size_t>(L.m), n = static_cast<size_t>(L.n);
    L.a = take(m * n * sizeof(float));
    L.s = take(n * sizeof(float));
    L.vt = take(n * n * sizeof(float));
    L.work = take(static_cast<size_t>(L.lwork) * sizeof(float));
    L.rwork = take(n * sizeof(float));
    L.info = take(sizeof(int));
    L.bytes = at;
    return L;
}

}  // namespace

void dequantize_groups(Context* ctx, const uint8_t* codes, const float* scales, const float* zeros, int64_t count,
                       int group, int bits, float* out) {
    check_groups(group, bits);
    if (count <= 0) return;
    const int64_t blocks = std::min<int64_t>((count + kThreads - 1) / kThreads, int64_t{1} << 20);
    dequantize_groups_kernel<<<static_cast<unsigned>(blocks), kThreads, 0, ctx->stream>>>(codes, scales, zeros, count,
                                                                                          group, bits, out);
    QT_CUDA_CHECK_LAUNCH("dequantize_groups_kernel");
}

void quantize_groups(Context* ctx, const float* x, int64_t count, int group, int bits, uint8_t* codes, float* scales,
                     float* zeros, bool stochastic, uint64_t seed, uint64_t stream) {
    check_groups(group, bits);
    if (count <= 0) return;
    const int64_t groups = (count + group - 1) / group;  // one block each
    if (groups > 0x7fffffff)
        throw std::invalid_argument("quantize_groups: " + std::to_string(count) + " values in groups of " +
                                    std::to_string(group) + " are more groups than one grid holds");
    quantize_groups_kernel<<<static_cast<unsigned>(groups), kThreads, 0, ctx->stream>>>(
        x, count, group, bits, codes, scales, zeros, stochastic, seed, stream);
    QT_CUDA_CHECK_LAUNCH("quantize_groups_kernel");
}

void adam8bit_update(Context* ctx, float* p, const float* g, uint8_t* m_codes, uint8_t* v_codes, float* m_absmax,
                     float* v_absmax, int64_t count, const float* maps, const Adam8bitConstants& c) {
    if (count <= 0) return;
    const auto blocks = static_cast<unsigned>((count + kAdam8bitBlock - 1) / kAdam8bitBlock);
    adam8bit_kernel<<<blocks, kThreads, 0, ctx->stream>>>(p, g, m_codes, v_codes, m_absmax, v_absmax, count, maps, c);
    QT_CUDA_CHECK_LAUNCH("adam8bit_kernel");
}

SvdSolver* create_svd_solver(Context* ctx) {
    QT_CUDA_CHECK(cudaSetDevice(ctx->device));
    auto* solver = new SvdSolver{ctx->device, nullptr};
    try {
        check_solver(cusolverDnCreate(&solver->handle), "cusolverDnCreate");
        check_solver(cusolverDnSetStream(solver->handle, ctx->stream), "cusolverDnSetStream");
    } catch (...) {
        destroy_svd_solver(solver);
        throw;
    }
    return solver;
}

void destroy_svd_solver(SvdSolver* solver) {
    if (!solver) return;
    cudaSetDevice(solver->device);
    if (solver->handle) cusolverDnDestroy(solver->handle);
    delete solver;
}

size_t svd_scratch_bytes(SvdSolver* solver, int rows, int cols) { return svd_layout(solver, rows, cols).bytes; }

// Row-major g [rows][cols] read column-major is g^T (cols x rows). rows >= cols:
// g itself is factored, transposed into column-major rows x cols, and out is the
// first rank rows of its V^T. rows < cols: g^T = U' S V'^T is factored as it lies,
// g's U is V', and out[i][k] = V'^T[k][i]. Either way gesvd computes V^T only.
void svd_top_vectors(Context* ctx, SvdSolver* solver, const float* g, int rows, int cols, int rank, float* out,
                     void* scratch) {
    const std::string shape = std::to_string(rows) + " x " + std::to_string(cols);
    if (rows < 1 || cols < 1 || rank < 1 || rank > std::min(rows, cols))
        throw std::invalid_argument("SVD rank " + std::to_string(rank) + " outside 1.." +
                                    std::to_string(std::min(rows, cols)) + " for a " + shape + " matrix");
    const SvdLayout L = svd_layout(solver, rows, cols);
    auto* base = static_cast<char*>(scratch);
    auto* a = reinterpret_cast<float*>(base + L.a);
    auto* vt = reinterpret_cast<float*>(base + L.vt);
    auto* info_dev = reinterpret_cast<int*>(base + L.info);
    if (rows >= cols) {
        transpose(ctx, g, rows, cols, a);
    } else {
        QT_CUDA_CHECK(cudaMemcpyAsync(a, g, static_cast<size_t>(rows) * cols * sizeof(float), cudaMemcpyDeviceToDevice,
                                      ctx->stream));
    }
    check_solver(cusolverDnSgesvd(solver->handle, 'N', 'S', L.m, L.n, a, L.m, reinterpret_cast<float*>(base + L.s),
                                  nullptr, L.m, vt, L.n, reinterpret_cast<float*>(base + L.work), L.lwork,
                                  reinterpret_cast<float*>(base + L.rwork), info_dev),
                 ("cusolverDnSgesvd on a " + shape + " gradient").c_str());
    int info = 0;
    copy_to_host(ctx, &info, info_dev, sizeof info);
    if (info != 0)
        throw std::runtime_error("cuSOLVER gesvd failed on a " + shape + " gradient (info " + std::to_string(info) +
                                 ")" +
                                 (info > 0 ? ": it did not converge; the gradient may hold NaN or Inf"
                                           : ": parameter " + std::to_string(-info) + " was wrong"));
    const int64_t total = static_cast<int64_t>(rank) * L.n;
    leading_rows_kernel<<<static_cast<unsigned>((total + kThreads - 1) / kThreads), kThreads, 0, ctx->stream>>>(
        vt, L.n, rank, rows >= cols, out);
    QT_CUDA_CHECK_LAUNCH("leading_rows_kernel");
}

}  // namespace qt::cuda
