// Causal grouped-query attention for many queries on the tensor cores
// (flash-attention style): one block of 4 warps takes 64 queries of one head;
// key/value tiles of 64 rows pass through shared memory; each warp computes its
// 16 x 64 scores with fp16 wmma products (float accumulation), runs the online
// softmax on them, and adds P V into its 16 x head_dim output rows, which stay
// in shared memory in float and are rescaled whenever a row's maximum grows.
// No score matrix leaves the block: shared memory is O(64 x head_dim).
// Rounding as on the CPU backend: queries and probabilities are fp16 where
// they meet the fp16 keys and values; scores, maxima and sums are float.
#include <cuda_fp16.h>
#include <mma.h>

#include <cmath>
#include <string>

#include "cuda_check.cuh"
#include "cuda_context.cuh"
#include "cuda_ops.h"

namespace qt::cuda {
namespace {

namespace wmma = nvcuda::wmma;

constexpr int kTile = 64;    // queries per block and keys per tile
constexpr int kWarps = 4;    // each owns 16 query rows
constexpr int kPadH = 8;     // row padding of fp16 tiles (keeps wmma loads off one bank)
constexpr int kPadF = 4;     // row padding of float tiles

template <int D>
struct TiledLayout {
    static constexpr int ldh = D + kPadH;         // Q, K, V rows (halves)
    static constexpr int lds = kTile + kPadF;     // score rows (floats)
    static constexpr int ldp = kTile + kPadH;     // probability rows (halves)
    static constexpr int ldo = D + kPadF;         // output rows (floats)
    static constexpr size_t q_off = 0;
    static constexpr size_t k_off = q_off + sizeof(__half) * kTile * ldh;
    static constexpr size_t v_off = k_off + sizeof(__half) * kTile * ldh;
    static constexpr size_t s_off = v_off + sizeof(__half) * kTile * ldh;
    static constexpr size_t p_off = s_off + sizeof(float) * kTile * lds;
    static constexpr size_t o_off = p_off + sizeof(__half) * kTile * ldp;
    static constexpr size_t r_off = o_off + sizeof(float) * kTile * ldo;  // per-row rescale factors
    static constexpr size_t bytes = r_off + sizeof(float) * kTile;
};

// One 16-byte vector load of a row of fp16 (8 halves, stored as they are) or of
// float (4 floats, stored rounded to fp16 as kv_store and the CPU round them).
template <typename T>
struct TileVector;
template <>
struct TileVector<__half> {
    using V = uint4;
    static constexpr int n = 8;
    __device__ static V zero() { return make_uint4(0, 0, 0, 0); }
    __device__ static void store(__half* dst, const V& v) { *reinterpret_cast<uint4*>(dst) = v; }
};
template <>
struct TileVector<float> {
    using V = float4;
    static constexpr int n = 4;
    __device__ static V zero() { return make_float4(0.0f, 0.0f, 0.0f, 0.0f); }
    __device__ static void store(__half* dst, const V& v) {
        reinterpret_cast<__half2*>(dst)[0] = __floats2half2_rn(v.x, v.y);
        reinterpret_cast<__half2*>(dst)[1] = __floats2half2_rn(v.z, v.w);
    }
};

// Fills a padded 64 x D fp16 tile from rows of D values (`stride` elements apart),
// zeros from row `valid` on. All of a thread's loads are issued before its
// stores, so their latencies overlap.
template <int D, typename T>
__device__ void load_tile(__half* dst, const T* src, size_t stride, int valid) {
    using TV = TileVector<T>;
    constexpr int vecs = D / TV::n;  // vectors per row
    constexpr int per_thread = kTile * vecs / (kWarps * 32);
    typename TV::V val[per_thread];
#pragma unroll
    for (int u = 0; u < per_thread; ++u) {
        const int i = threadIdx.x + u * kWarps * 32, r = i / vecs, c = (i % vecs) * TV::n;
        val[u] = r < valid ? *reinterpret_cast<const typename TV::V*>(src + static_cast<size_t>(r) * stride + c)
                           : TV::zero();
    }
#pragma unroll
    for (int u = 0; u < per_thread; ++u) {
        const int i = threadIdx.x + u * kWarps * 32, r = i / vecs, c = (i % vecs) * TV::n;
        TV::store(dst + r * TiledLayout<D>::ldh + c, val[u]);
    }
}

// One call's geometry: n_seqs sequences (blockIdx.x / tiles_per_seq) of n queries
// at positions pos0.., each over its own keys 0 .. pos0 + n - 1.
template <typename KV>
struct TiledArgs {
    const float* q;
    const KV* k;
    const KV* v;
    float* out;
    int kv_stride;        // elements between key rows
    size_t kv_seq_stride; // elements between sequences' first keys
    int pos0, n, tiles_per_seq, n_heads, group;
    float scale;
};

template <int D, typename KV>
__global__ void __launch_bounds__(kWarps * 32) attention_tiled_kernel(TiledArgs<KV> a) {
    using L = TiledLayout<D>;
    extern __shared__ __align__(16) unsigned char smem[];
    __half* sQ = reinterpret_cast<__half*>(smem + L::q_off);
    __half* sK = reinterpret_cast<__half*>(smem + L::k_off);
    __half* sV = reinterpret_cast<__half*>(smem + L::v_off);
    float* sS = reinterpret_cast<float*>(smem + L::s_off);
    __half* sP = reinterpret_cast<__half*>(smem + L::p_off);
    float* sO = reinterpret_cast<float*>(smem + L::o_off);
    float* sR = reinterpret_cast<float*>(smem + L::r_off);

    const int seq = blockIdx.x / a.tiles_per_seq;
    const int t0 = (blockIdx.x % a.tiles_per_seq) * kTile;  // first query of the tile within its sequence
    const int n = a.n, pos0 = a.pos0;
    const int h = blockIdx.y;
    const int kvh = h / a.group;
    const int warp = threadIdx.x / 32, lane = threadIdx.x % 32;
    const int q_stride = a.n_heads * D;
    const size_t q_first = (static_cast<size_t>(seq) * n + t0) * q_stride + static_cast<size_t>(h) * D;
    const KV* kc = a.k + seq * a.kv_seq_stride + static_cast<size_t>(kvh) * D;
    const KV* vc = a.v + seq * a.kv_seq_stride + static_cast<size_t>(kvh) * D;

    load_tile<D>(sQ, a.q + q_first, q_stride, min(kTile, n - t0));
    for (int i = threadIdx.x; i < kTile * D; i += blockDim.x) sO[(i / D) * L::ldo + i % D] = 0.0f;

    // Softmax state of row `row`: two lanes per row, owning its even and its odd
    // key columns (neighbouring lanes read neighbouring words: fewer bank conflicts).
    const int row = warp * 16 + lane / 2;
    const int col0 = lane % 2;
    const int qpos = pos0 + t0 + row;  // absolute position of this row's query
    float m = -INFINITY, l = 0.0f;

    // This warp's 16 query rows as wmma operands, loaded once (registers) for every key tile.
    wmma::fragment<wmma::matrix_a, 16, 16, 16, __half, wmma::row_major> qa[D / 16];

    const int last_query = min(t0 + kTile, n) - 1;
    const int n_keys = pos0 + last_query + 1;  // keys any query of the tile may see
    for (int kb = 0; kb < n_keys; kb += kTile) {
        const int valid = min(kTile, n_keys - kb);
        __syncthreads();  // previous tiles fully used (and sQ/sO written on the first pass)
        load_tile<D>(sK, kc + static_cast<size_t>(kb) * a.kv_stride, a.kv_stride, valid);
        load_tile<D>(sV, vc + static_cast<size_t>(kb) * a.kv_stride, a.kv_stride, valid);
        __syncthreads();

        // S = Q K^T for this warp's 16 rows.
        if (kb == 0) {
#pragma unroll
            for (int kk = 0; kk < D / 16; ++kk) wmma::load_matrix_sync(qa[kk], sQ + warp * 16 * L::ldh + kk * 16, L::ldh);
        }
        for (int ks = 0; ks < kTile / 16; ++ks) {
            wmma::fragment<wmma::accumulator, 16, 16, 16, float> acc;
            wmma::fill_fragment(acc, 0.0f);
#pragma unroll
            for (int kk = 0; kk < D / 16; ++kk) {
                wmma::fragment<wmma::matrix_b, 16, 16, 16, __half, wmma::col_major> b;
                wmma::load_matrix_sync(b, sK + ks * 16 * L::ldh + kk * 16, L::ldh);
                wmma::mma_sync(acc, qa[kk], b, acc);
            }
            wmma::store_matrix_sync(sS + warp * 16 * L::lds + ks * 16, acc, L::lds, wmma::mem_row_major);
        }
        __syncwarp();

        // Online softmax over this tile's keys for `row`.
        float s[32];
        float tile_max = -INFINITY;
#pragma unroll
        for (int j = 0; j < 32; ++j) {
            const int key = kb + col0 + 2 * j;
            s[j] = key <= qpos && key - kb < valid ? sS[row * L::lds + col0 + 2 * j] * a.scale : -INFINITY;
            tile_max = fmaxf(tile_max, s[j]);
        }
        tile_max = fmaxf(tile_max, __shfl_xor_sync(0xffffffffu, tile_max, 1));
        const float m_new = fmaxf(m, tile_max);
        const float corr = m_new == -INFINITY ? 1.0f : expf(m - m_new);  // 0 when m was -inf
        float sum = 0.0f;
#pragma unroll
        for (int j = 0; j < 32; ++j) {
            const float p = s[j] == -INFINITY ? 0.0f : expf(s[j] - m_new);
            sum += p;
            sP[row * L::ldp + col0 + 2 * j] = __float2half_rn(p);
        }
        sum += __shfl_xor_sync(0xffffffffu, sum, 1);
        l = l * corr + sum;
        m = m_new;
        if (lane % 2 == 0) sR[row] = corr;
        __syncwarp();

        // O = O * corr + P V for this warp's rows.
        for (int i = lane; i < 16 * D; i += 32) {
            const int r = warp * 16 + i / D;
            sO[r * L::ldo + i % D] *= sR[r];
        }
        __syncwarp();
        for (int ds = 0; ds < D / 16; ++ds) {
            wmma::fragment<wmma::accumulator, 16, 16, 16, float> acc;
            float* o_tile = sO + warp * 16 * L::ldo + ds * 16;
            wmma::load_matrix_sync(acc, o_tile, L::ldo, wmma::mem_row_major);
#pragma unroll
            for (int kk = 0; kk < kTile / 16; ++kk) {
                wmma::fragment<wmma::matrix_a, 16, 16, 16, __half, wmma::row_major> a;
                wmma::fragment<wmma::matrix_b, 16, 16, 16, __half, wmma::row_major> b;
                wmma::load_matrix_sync(a, sP + warp * 16 * L::ldp + kk * 16, L::ldp);
                wmma::load_matrix_sync(b, sV + kk * 16 * L::ldh + ds * 16, L::ldh);
                wmma::mma_sync(acc, a, b, acc);
            }
            wmma::store_matrix_sync(o_tile, acc, L::ldo, wmma::mem_row_major);
        }
        __syncwarp();
    }

    if (lane % 2 == 0) sR[row] = 1.0f / l;
    __syncwarp();
    for (int i = lane; i < 16 * D; i += 32) {
        const int r = warp * 16 + i / D;
        if (t0 + r < n)
            a.out[q_first + static_cast<size_t>(r) * q_stride + i % D] = sO[r * L::ldo + i % D] * sR[r];
    }
}

template <int D, typename KV>
bool launch_tiled(Context* ctx, TiledArgs<KV> a, int n_seqs) {
    constexpr size_t bytes = TiledLayout<D>::bytes;
    if (bytes > ctx->props.sharedMemPerBlockOptin) return false;
    // Above 48 KiB of dynamic shared memory needs an opt-in (set on the current device; cheap to repeat).
    QT_CUDA_CHECK(cudaFuncSetAttribute(attention_tiled_kernel<D, KV>, cudaFuncAttributeMaxDynamicSharedMemorySize,
                                       static_cast<int>(bytes)));
    a.scale = 1.0f / std::sqrt(static_cast<float>(D));
    a.tiles_per_seq = (a.n + kTile - 1) / kTile;
    const dim3 grid(static_cast<unsigned>(a.tiles_per_seq * n_seqs), static_cast<unsigned>(a.n_heads));
    attention_tiled_kernel<D, KV><<<grid, kWarps * 32, bytes, ctx->stream>>>(a);
    QT_CUDA_CHECK_LAUNCH("attention_tiled_kernel");
    return true;
}

template <typename KV>
bool dispatch_tiled(Context* ctx, const TiledArgs<KV>& a, int n_seqs, int head_dim) {
    // Rows must start on 16 bytes for the vector loads.
    if ((a.kv_stride * sizeof(KV)) % 16 != 0 || (a.kv_seq_stride * sizeof(KV)) % 16 != 0) return false;
    switch (head_dim) {
        case 64: return launch_tiled<64>(ctx, a, n_seqs);
        case 128: return launch_tiled<128>(ctx, a, n_seqs);
        default: return false;
    }
}

}  // namespace

bool attention_tiled(Context* ctx, const float* q, const uint16_t* kc, const uint16_t* vc, int kv_width, int pos0,
                     int n, int n_heads, int group, int head_dim, float* out) {
    TiledArgs<__half> a{q, reinterpret_cast<const __half*>(kc), reinterpret_cast<const __half*>(vc), out, kv_width, 0,
                        pos0, n, 0, n_heads, group, 0.0f};
    return dispatch_tiled(ctx, a, 1, head_dim);
}

bool attention_batch_tiled(Context* ctx, const float* q, const float* k, const float* v, int n_seqs, int seq_len,
                           int n_heads, int n_kv_heads, int head_dim, float* out) {
    const int kv_width = n_kv_heads * head_dim;
    TiledArgs<float> a{q, k, v, out, kv_width, static_cast<size_t>(seq_len) * kv_width, 0, seq_len, 0, n_heads,
                       n_heads / n_kv_heads, 0.0f};
    return dispatch_tiled(ctx, a, n_seqs, head_dim);
}

}  // namespace qt::cuda
