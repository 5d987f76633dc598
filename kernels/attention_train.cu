// Training's attention, forward and backward, in float32 on the CUDA cores after
// FlashAttention-2 (Dao 2023): causal grouped-query attention inside each of
// n_seqs sequences of T tokens stored back to back.
//   forward  (Alg. 1): a block takes 64 queries of one head and walks the key
//            tiles up to the diagonal with an online softmax; it writes out and
//            lse_i = m_i + log l_i, all the backward needs to rebuild P.
//   backward (Alg. 2): S_ij = scale q_i . k_j, P_ij = exp(S_ij - lse_i),
//            dP_ij = dout_i . v_j, dS_ij = P_ij (dP_ij - D_i), D_i = dout_i . out_i;
//            dv_j = sum_i P_ij dout_i, dk_j = scale sum_i dS_ij q_i,
//            dq_i = scale sum_j dS_ij k_j.
//            P and dS live in shared memory one 64 x 64 tile at a time. Two
//            kernels: one per key tile (dk, dv, over every query tile below the
//            diagonal and every head of the kv head's group) and one per query
//            tile (dq): each output written once by one block, so no atomics and
//            the same result every run, for 7 tile products where atomics on dq
//            would take 5.
// Tiles: 64 x 64 scores per block of 256 threads, a 16 x 16 grid of threads each
// holding a 4 x 4 sub-tile of rows r + 16 a and columns c + 16 b, so that a warp
// reads 16 distinct rows of the key tile (rows D + 1 floats apart: distinct
// banks) and broadcasts two rows of the query tile.
#include <cmath>
#include <cstdint>
#include <stdexcept>
#include <string>

#include "cuda_check.cuh"
#include "cuda_context.cuh"
#include "cuda_ops.h"

namespace qt::cuda {
namespace {

constexpr int kTile = 64;      // queries and keys per tile
constexpr int kThreads = 256;  // 16 x 16
constexpr int kPs = kTile + 16;  // P / dS row stride: the two rows a warp writes start 16 banks apart

template <int D>
struct Smem {
    static constexpr int ld = D + 1;                   // floats between rows of a [64][D] tile
    static constexpr int tile = kTile * ld;            // floats of one such tile
    static constexpr int ptile = kTile * kPs;          // floats of a P or dS tile
};

struct TrainArgs {
    const float *q, *k, *v, *out, *lse, *dout;
    float *delta, *o, *lse_out, *dq, *dk, *dv;
    int seq_len, n_heads, group;  // group: query heads per kv head
    float scale;                  // 1 / sqrt(head_dim)
};

// Rows r0 .. r0 + 63 of a [T][width] matrix's columns col0 .. col0 + D - 1 into a
// [64][D + 1] shared tile; rows at or past T are zeros. Consecutive threads read
// consecutive floats (coalesced) and write consecutive shared words.
template <int D>
__device__ __forceinline__ void load_tile(float* dst, const float* src, size_t width, int r0, int T) {
    for (int i = threadIdx.x; i < kTile * D; i += kThreads) {
        const int r = i / D, c = i % D;
        dst[r * Smem<D>::ld + c] = r0 + r < T ? src[static_cast<size_t>(r0 + r) * width + c] : 0.0f;
    }
}

// acc[a][b] = sum_d A[row + 16a][d] B[col + 16b][d] over two [64][D + 1] tiles.
template <int D>
__device__ __forceinline__ void dot_tile(const float* A, const float* B, int row, int col, float (&acc)[4][4]) {
#pragma unroll
    for (int a = 0; a < 4; ++a)
#pragma unroll
        for (int b = 0; b < 4; ++b) acc[a][b] = 0.0f;
#pragma unroll 8
    for (int d = 0; d < D; ++d) {
        float x[4], y[4];
#pragma unroll
        for (int a = 0; a < 4; ++a) x[a] = A[(row + 16 * a) * Smem<D>::ld + d];
#pragma unroll
        for (int b = 0; b < 4; ++b) y[b] = B[(col + 16 * b) * Smem<D>::ld + d];
#pragma unroll
        for (int a = 0; a < 4; ++a)
#pragma unroll
            for (int b = 0; b < 4; ++b) acc[a][b] = fmaf(x[a], y[b], acc[a][b]);
    }
}

// Reductions over the 16 threads of a row group (lanes c = 0..15 of one half-warp).
__device__ __forceinline__ float group_max(float v) {
#pragma unroll
    for (int o = 8; o > 0; o >>= 1) v = fmaxf(v, __shfl_xor_sync(0xffffffffu, v, o));
    return v;
}
__device__ __forceinline__ float group_sum(float v) {
#pragma unroll
    for (int o = 8; o > 0; o >>= 1) v += __shfl_xor_sync(0xffffffffu, v, o);
    return v;
}

// Grid (query tiles, heads, sequences); the tiles with the most key tiles first.
template <int D>
__global__ void __launch_bounds__(kThreads) attention_train_forward_kernel(const TrainArgs a) {
    constexpr int ld = Smem<D>::ld, C = D / 16;
    extern __shared__ float smem[];
    float* Qs = smem;
    float* KVs = Qs + Smem<D>::tile;  // the key tile, then the value tile
    float* Ps = KVs + Smem<D>::tile;
    const int T = a.seq_len, qt = gridDim.x - 1 - blockIdx.x, h = blockIdx.y, s = blockIdx.z;
    const int q0 = qt * kTile, kvh = h / a.group;
    const size_t qw = static_cast<size_t>(a.n_heads) * D, kw = static_cast<size_t>(a.n_heads / a.group) * D;
    const size_t tok0 = static_cast<size_t>(s) * T;
    const int row = threadIdx.x / 16, col = threadIdx.x % 16;
    load_tile<D>(Qs, a.q + tok0 * qw + static_cast<size_t>(h) * D, qw, q0, T);
    float m[4], l[4], o[4][C];
#pragma unroll
    for (int i = 0; i < 4; ++i) {
        m[i] = -INFINITY;
        l[i] = 0.0f;
#pragma unroll
        for (int c = 0; c < C; ++c) o[i][c] = 0.0f;
    }
    // Key tiles 0 .. qt: key k0 <= every query of the tile, so each row meets a
    // finite score in its first tile and m stays finite from then on.
    for (int kt = 0; kt <= qt; ++kt) {
        const int k0 = kt * kTile;
        __syncthreads();  // the previous tile's V and P are used up
        load_tile<D>(KVs, a.k + tok0 * kw + static_cast<size_t>(kvh) * D, kw, k0, T);
        __syncthreads();
        float sc[4][4];
        dot_tile<D>(Qs, KVs, row, col, sc);
#pragma unroll
        for (int i = 0; i < 4; ++i) {
            const int qi = q0 + row + 16 * i;
            float mx = -INFINITY;
#pragma unroll
            for (int j = 0; j < 4; ++j) {
                const int kj = k0 + col + 16 * j;
                sc[i][j] = kj <= qi && kj < T ? sc[i][j] * a.scale : -INFINITY;
                mx = fmaxf(mx, sc[i][j]);
            }
            const float m_new = fmaxf(m[i], group_max(mx));
            float sum = 0.0f;
#pragma unroll
            for (int j = 0; j < 4; ++j) {
                const float p = expf(sc[i][j] - m_new);  // exp(-inf) = 0 for masked keys
                Ps[(row + 16 * i) * kPs + col + 16 * j] = p;
                sum += p;
            }
            const float alpha = expf(m[i] - m_new);  // 0 on the first tile (m = -inf)
            l[i] = l[i] * alpha + group_sum(sum);
            m[i] = m_new;
#pragma unroll
            for (int c = 0; c < C; ++c) o[i][c] *= alpha;
        }
        __syncthreads();  // K is used up, P is written
        load_tile<D>(KVs, a.v + tok0 * kw + static_cast<size_t>(kvh) * D, kw, k0, T);
        __syncthreads();
        // o[i][c] += sum_j P[row + 16 i][j] V[j][col + 16 c]
#pragma unroll 4
        for (int j = 0; j < kTile; ++j) {
            float p[4], vv[C];
#pragma unroll
            for (int i = 0; i < 4; ++i) p[i] = Ps[(row + 16 * i) * kPs + j];
#pragma unroll
            for (int c = 0; c < C; ++c) vv[c] = KVs[j * ld + col + 16 * c];
#pragma unroll
            for (int i = 0; i < 4; ++i)
#pragma unroll
                for (int c = 0; c < C; ++c) o[i][c] = fmaf(p[i], vv[c], o[i][c]);
        }
    }
#pragma unroll
    for (int i = 0; i < 4; ++i) {
        const int qi = q0 + row + 16 * i;
        if (qi >= T) continue;
        const size_t t = tok0 + static_cast<size_t>(qi);
        float* dst = a.o + t * qw + static_cast<size_t>(h) * D;
        const float inv = 1.0f / l[i];
#pragma unroll
        for (int c = 0; c < C; ++c) dst[col + 16 * c] = o[i][c] * inv;
        if (col == 0) a.lse_out[t * a.n_heads + h] = m[i] + logf(l[i]);
    }
}

// P and dS of a query tile (rows) against a key tile (columns) into shared memory:
// p = exp(scale q.k - lse) inside the causal mask, 0 outside; ds = p (dout.v - D).
// lse_s, delta_s: the query tile's rows.
template <int D>
__device__ __forceinline__ void p_and_ds(const float* Qs, const float* dOs, const float* Ks, const float* Vs,
                                         const float* lse_s, const float* delta_s, int q0, int k0, int T, float scale,
                                         float* Ps, float* dSs) {
    const int row = threadIdx.x / 16, col = threadIdx.x % 16;
    float sc[4][4], dp[4][4];
    dot_tile<D>(Qs, Ks, row, col, sc);
    dot_tile<D>(dOs, Vs, row, col, dp);
#pragma unroll
    for (int i = 0; i < 4; ++i) {
        const int r = row + 16 * i, qi = q0 + r;
#pragma unroll
        for (int j = 0; j < 4; ++j) {
            const int c = col + 16 * j, kj = k0 + c;
            const bool on = kj <= qi && qi < T;
            const float p = on ? expf(sc[i][j] * scale - lse_s[r]) : 0.0f;
            Ps[r * kPs + c] = p;
            dSs[r * kPs + c] = p * (dp[i][j] - delta_s[r]);
        }
    }
}

// dk, dv of one key tile of one kv head: grid (key tiles, kv heads, sequences).
template <int D>
__global__ void __launch_bounds__(kThreads) attention_train_dkdv_kernel(const TrainArgs a) {
    constexpr int ld = Smem<D>::ld, C = D / 16;
    extern __shared__ float smem[];
    float* Ks = smem;
    float* Vs = Ks + Smem<D>::tile;
    float* Qs = Vs + Smem<D>::tile;
    float* dOs = Qs + Smem<D>::tile;
    float* Ps = dOs + Smem<D>::tile;
    float* dSs = Ps + Smem<D>::ptile;
    float* lse_s = dSs + Smem<D>::ptile;
    float* delta_s = lse_s + kTile;
    const int T = a.seq_len, kt = blockIdx.x, kvh = blockIdx.y, s = blockIdx.z;
    const int k0 = kt * kTile, n_tiles = (T + kTile - 1) / kTile;
    const size_t qw = static_cast<size_t>(a.n_heads) * D, kw = static_cast<size_t>(a.n_heads / a.group) * D;
    const size_t tok0 = static_cast<size_t>(s) * T;
    const int row = threadIdx.x / 16, col = threadIdx.x % 16;
    load_tile<D>(Ks, a.k + tok0 * kw + static_cast<size_t>(kvh) * D, kw, k0, T);
    load_tile<D>(Vs, a.v + tok0 * kw + static_cast<size_t>(kvh) * D, kw, k0, T);
    float dk[4][C], dv[4][C];  // keys row + 16 i, dims col + 16 c
#pragma unroll
    for (int i = 0; i < 4; ++i)
#pragma unroll
        for (int c = 0; c < C; ++c) dk[i][c] = dv[i][c] = 0.0f;
    for (int h = kvh * a.group; h < (kvh + 1) * a.group; ++h)
        for (int qt = kt; qt < n_tiles; ++qt) {  // query tiles on or below the diagonal
            const int q0 = qt * kTile;
            __syncthreads();  // the previous tiles are used up (and K, V are loaded)
            load_tile<D>(Qs, a.q + tok0 * qw + static_cast<size_t>(h) * D, qw, q0, T);
            load_tile<D>(dOs, a.dout + tok0 * qw + static_cast<size_t>(h) * D, qw, q0, T);
            if (threadIdx.x < kTile) {
                const int qi = q0 + threadIdx.x;
                const size_t at = (tok0 + static_cast<size_t>(qi)) * a.n_heads + h;
                lse_s[threadIdx.x] = qi < T ? a.lse[at] : 0.0f;
                delta_s[threadIdx.x] = qi < T ? a.delta[at] : 0.0f;
            }
            __syncthreads();
            p_and_ds<D>(Qs, dOs, Ks, Vs, lse_s, delta_s, q0, k0, T, a.scale, Ps, dSs);
            __syncthreads();
            // dv[j][e] += sum_i P[i][j] dout[i][e];  dk[j][e] += sum_i dS[i][j] q[i][e]
#pragma unroll 2
            for (int i = 0; i < kTile; ++i) {
                float p[4], ds[4], dov[C], qv[C];
#pragma unroll
                for (int j = 0; j < 4; ++j) {
                    p[j] = Ps[i * kPs + row + 16 * j];
                    ds[j] = dSs[i * kPs + row + 16 * j];
                }
#pragma unroll
                for (int c = 0; c < C; ++c) {
                    dov[c] = dOs[i * ld + col + 16 * c];
                    qv[c] = Qs[i * ld + col + 16 * c];
                }
#pragma unroll
                for (int j = 0; j < 4; ++j)
#pragma unroll
                    for (int c = 0; c < C; ++c) {
                        dv[j][c] = fmaf(p[j], dov[c], dv[j][c]);
                        dk[j][c] = fmaf(ds[j], qv[c], dk[j][c]);
                    }
            }
        }
#pragma unroll
    for (int j = 0; j < 4; ++j) {
        const int kj = k0 + row + 16 * j;
        if (kj >= T) continue;
        const size_t at = (tok0 + static_cast<size_t>(kj)) * kw + static_cast<size_t>(kvh) * D;
#pragma unroll
        for (int c = 0; c < C; ++c) {
            a.dk[at + col + 16 * c] = dk[j][c] * a.scale;
            a.dv[at + col + 16 * c] = dv[j][c];
        }
    }
}

// dq of one query tile of one head: grid (query tiles, heads, sequences), the
// tiles with the most key tiles first.
template <int D>
__global__ void __launch_bounds__(kThreads) attention_train_dq_kernel(const TrainArgs a) {
    constexpr int ld = Smem<D>::ld, C = D / 16;
    extern __shared__ float smem[];
    float* Ks = smem;
    float* Vs = Ks + Smem<D>::tile;
    float* Qs = Vs + Smem<D>::tile;
    float* dOs = Qs + Smem<D>::tile;
    float* Ps = dOs + Smem<D>::tile;
    float* dSs = Ps + Smem<D>::ptile;
    float* lse_s = dSs + Smem<D>::ptile;
    float* delta_s = lse_s + kTile;
    const int T = a.seq_len, qt = gridDim.x - 1 - blockIdx.x, h = blockIdx.y, s = blockIdx.z;
    const int q0 = qt * kTile, kvh = h / a.group;
    const size_t qw = static_cast<size_t>(a.n_heads) * D, kw = static_cast<size_t>(a.n_heads / a.group) * D;
    const size_t tok0 = static_cast<size_t>(s) * T;
    const int row = threadIdx.x / 16, col = threadIdx.x % 16;
    load_tile<D>(Qs, a.q + tok0 * qw + static_cast<size_t>(h) * D, qw, q0, T);
    load_tile<D>(dOs, a.dout + tok0 * qw + static_cast<size_t>(h) * D, qw, q0, T);
    if (threadIdx.x < kTile) {
        const int qi = q0 + threadIdx.x;
        const size_t at = (tok0 + static_cast<size_t>(qi)) * a.n_heads + h;
        lse_s[threadIdx.x] = qi < T ? a.lse[at] : 0.0f;
        delta_s[threadIdx.x] = qi < T ? a.delta[at] : 0.0f;
    }
    float dq[4][C];  // queries row + 16 i, dims col + 16 c
#pragma unroll
    for (int i = 0; i < 4; ++i)
#pragma unroll
        for (int c = 0; c < C; ++c) dq[i][c] = 0.0f;
    for (int kt = 0; kt <= qt; ++kt) {
        const int k0 = kt * kTile;
        __syncthreads();
        load_tile<D>(Ks, a.k + tok0 * kw + static_cast<size_t>(kvh) * D, kw, k0, T);
        load_tile<D>(Vs, a.v + tok0 * kw + static_cast<size_t>(kvh) * D, kw, k0, T);
        __syncthreads();
        p_and_ds<D>(Qs, dOs, Ks, Vs, lse_s, delta_s, q0, k0, T, a.scale, Ps, dSs);
        __syncthreads();
        // dq[i][e] += sum_j dS[i][j] k[j][e]
#pragma unroll 4
        for (int j = 0; j < kTile; ++j) {
            float ds[4], kv[C];
#pragma unroll
            for (int i = 0; i < 4; ++i) ds[i] = dSs[(row + 16 * i) * kPs + j];
#pragma unroll
            for (int c = 0; c < C; ++c) kv[c] = Ks[j * ld + col + 16 * c];
#pragma unroll
            for (int i = 0; i < 4; ++i)
#pragma unroll
                for (int c = 0; c < C; ++c) dq[i][c] = fmaf(ds[i], kv[c], dq[i][c]);
        }
    }
#pragma unroll
    for (int i = 0; i < 4; ++i) {
        const int qi = q0 + row + 16 * i;
        if (qi >= T) continue;
        float* dst = a.dq + (tok0 + static_cast<size_t>(qi)) * qw + static_cast<size_t>(h) * D;
#pragma unroll
        for (int c = 0; c < C; ++c) dst[col + 16 * c] = dq[i][c] * a.scale;
    }
}

// D_i = dout_i . out_i for every (token, head): a warp each.
__global__ void attention_delta_kernel(const float* __restrict__ dout, const float* __restrict__ out, int64_t rows,
                                       int head_dim, float* __restrict__ delta) {
    const int64_t r = (static_cast<int64_t>(blockIdx.x) * blockDim.x + threadIdx.x) / 32;
    const int lane = threadIdx.x % 32;
    if (r >= rows) return;
    const float* x = dout + r * head_dim;
    const float* y = out + r * head_dim;
    float s = 0.0f;
    for (int e = lane; e < head_dim; e += 32) s = fmaf(x[e], y[e], s);
#pragma unroll
    for (int o = 16; o > 0; o >>= 1) s += __shfl_xor_sync(0xffffffffu, s, o);
    if (lane == 0) delta[r] = s;
}

// Head size 128: 86 KiB forward (two blocks an SM on an H100), 170 KiB backward.
constexpr size_t forward_smem(int D) { return sizeof(float) * (2 * kTile * (D + 1) + kTile * kPs); }
constexpr size_t backward_smem(int D) { return sizeof(float) * (4 * kTile * (D + 1) + 2 * kTile * kPs + 2 * kTile); }

template <class Kernel>
void launch(Context* ctx, Kernel kernel, dim3 grid, size_t bytes, const TrainArgs& a, const char* name) {
    if (bytes > 48 * 1024)
        QT_CUDA_CHECK(
            cudaFuncSetAttribute(kernel, cudaFuncAttributeMaxDynamicSharedMemorySize, static_cast<int>(bytes)));
    kernel<<<grid, kThreads, bytes, ctx->stream>>>(a);
    QT_CUDA_CHECK_LAUNCH(name);
}

template <int D>
bool forward_d(Context* ctx, const TrainArgs& a, int n_seqs) {
    if (forward_smem(D) > ctx->props.sharedMemPerBlockOptin) return false;
    const dim3 grid(static_cast<unsigned>((a.seq_len + kTile - 1) / kTile), static_cast<unsigned>(a.n_heads),
                    static_cast<unsigned>(n_seqs));
    launch(ctx, attention_train_forward_kernel<D>, grid, forward_smem(D), a, "attention_train_forward_kernel");
    return true;
}

template <int D>
bool backward_d(Context* ctx, const TrainArgs& a, int n_seqs) {
    if (backward_smem(D) > ctx->props.sharedMemPerBlockOptin) return false;
    const int64_t rows = static_cast<int64_t>(n_seqs) * a.seq_len * a.n_heads;
    attention_delta_kernel<<<static_cast<unsigned>((rows * 32 + 255) / 256), 256, 0, ctx->stream>>>(
        a.dout, a.out, rows, D, a.delta);
    QT_CUDA_CHECK_LAUNCH("attention_delta_kernel");
    const unsigned tiles = static_cast<unsigned>((a.seq_len + kTile - 1) / kTile);
    launch(ctx, attention_train_dkdv_kernel<D>,
           dim3(tiles, static_cast<unsigned>(a.n_heads / a.group), static_cast<unsigned>(n_seqs)), backward_smem(D),
           a, "attention_train_dkdv_kernel");
    launch(ctx, attention_train_dq_kernel<D>,
           dim3(tiles, static_cast<unsigned>(a.n_heads), static_cast<unsigned>(n_seqs)), backward_smem(D), a,
           "attention_train_dq_kernel");
    return true;
}

bool shape_supported(int n_seqs, int seq_len, int n_heads, int n_kv_heads, int head_dim) {
    return head_dim > 0 && head_dim <= 128 && head_dim % 32 == 0 && n_kv_heads > 0 && n_heads >= n_kv_heads &&
           n_heads % n_kv_heads == 0 && n_heads <= 65535 && n_seqs > 0 && n_seqs <= 65535 && seq_len > 0;
}

}  // namespace

bool attention_train(Context* ctx, const float* q, const float* k, const float* v, int n_seqs, int seq_len,
                     int n_heads, int n_kv_heads, int head_dim, float* out, float* lse) {
    if (!shape_supported(n_seqs, seq_len, n_heads, n_kv_heads, head_dim)) return false;
    TrainArgs a{};
    a.q = q;
    a.k = k;
    a.v = v;
    a.o = out;
    a.lse_out = lse;
    a.seq_len = seq_len;
    a.n_heads = n_heads;
    a.group = n_heads / n_kv_heads;
    a.scale = 1.0f / std::sqrt(static_cast<float>(head_dim));
    switch (head_dim) {
        case 32: return forward_d<32>(ctx, a, n_seqs);
        case 64: return forward_d<64>(ctx, a, n_seqs);
        case 96: return forward_d<96>(ctx, a, n_seqs);
        default: return forward_d<128>(ctx, a, n_seqs);
    }
}

bool attention_backward(Context* ctx, const float* q, const float* k, const float* v, const float* out,
                        const float* lse, const float* dout, float* dq, float* dk, float* dv, int n_seqs, int seq_len,
                        int n_heads, int n_kv_heads, int head_dim, float* delta) {
    if (!shape_supported(n_seqs, seq_len, n_heads, n_kv_heads, head_dim)) return false;
    TrainArgs a{};
    a.q = q;
    a.k = k;
    a.v = v;
    a.out = out;
    a.lse = lse;
    a.dout = dout;
    a.delta = delta;
    a.dq = dq;
    a.dk = dk;
    a.dv = dv;
    a.seq_len = seq_len;
    a.n_heads = n_heads;
    a.group = n_heads / n_kv_heads;
    a.scale = 1.0f / std::sqrt(static_cast<float>(head_dim));
    switch (head_dim) {
        case 32: return backward_d<32>(ctx, a, n_seqs);
        case 64: return backward_d<64>(ctx, a, n_seqs);
        case 96: return backward_d<96>(ctx, a, n_seqs);
        default: return backward_d<128>(ctx, a, n_seqs);
    }
}

}  // namespace qt::cuda
