// Causal grouped-query attention for many queries on the tensor cores, in the
// FlashAttention-2 manner: a block of 8 warps takes 128 queries of one head,
// each warp 16 of them. Key/value tiles of 64 rows are copied raw (cp.async)
// into shared memory while the previous tile is being used, then rounded once to
// fp16 tiles. Everything else stays in a warp's registers: its query fragments
// (loaded once), the 16 x 64 scores of a key tile (mma.sync m16n8k16
// accumulators), the causal mask and online softmax (a row's values live in the
// 4 lanes of a quad), the probabilities, reused in place as the A operand of
// P V, and the 16 x head_dim float output, rescaled in registers. Only O / l is
// written. Rounding as on the CPU backend: queries, keys, values and
// probabilities are fp16 where they meet the tensor cores; scores, maxima, sums
// and outputs are float (the softmax runs in base 2 on scores pre-multiplied by
// log2(e), which is the same function up to float rounding).
// Training's batch may also apply the rotary embedding on the way in (Rope),
// with rope_from_table's table and arithmetic, so that the result is bit for
// bit that of rope_from_table on q and k followed by the plain kernel: the
// cos/sin rows of the block's queries are copied to shared memory once and
// rotate the query values in registers before they are rounded; those of each
// key tile travel with it and rotate it as it is rounded. q and k in memory
// stay as they were. The extra shared memory (198 KiB in all for head_dim 128)
// exceeds what some devices give a block: there it reports no kernel.
#include <cuda_bf16.h>
#include <cuda_fp16.h>

#include <cmath>
#include <cstdint>
#include <string>

#include "cuda_check.cuh"
#include "cuda_context.cuh"
#include "cuda_ops.h"

namespace qt::cuda {
namespace {

constexpr int kKeys = 64;  // keys per tile
// Row padding of the fp16 tiles: rows (D + 8) halves apart put the 8 rows that
// one ldmatrix phase reads on 8 distinct 16-byte bank groups.
constexpr int kPad = 8;

// Warps per block, 16 queries each. Reading q, k, v and writing the output
// dominates the time; 8 warps (128 queries) share each key/value tile, half the
// tile reads of 4 (measured on an H100: 7.3 against 8.2 ms per 64 calls of 16 x 256
// tokens, 32 heads of 128, with the copies overlapped).
constexpr int kWarps = 8;
constexpr int kThreads = kWarps * 32;
constexpr int kRows = kWarps * 16;  // queries per block

template <int D, typename KV, bool Rope>
struct TileLayout {
    static constexpr int ld = D + kPad;  // halves between fp16 rows
    static constexpr size_t half_bytes = sizeof(__half) * kKeys * ld;
    static constexpr size_t raw_bytes = sizeof(KV) * kKeys * D;
    static constexpr size_t k_off = 0;                        // fp16 K tile
    static constexpr size_t v_off = half_bytes;               // fp16 V tile
    static constexpr size_t rk_off = 2 * half_bytes;          // raw K tile in flight (unpadded:
    static constexpr size_t rv_off = rk_off + raw_bytes;      // read back row-contiguously), raw V tile
    // Rope: cos/sin rows of the keys in flight (D / 2 pairs at most, back to back),
    // and of the block's queries, rows q_ld pairs apart (the 4 rows one phase of a
    // fragment read takes then start on distinct banks).
    static constexpr int q_ld = D / 2 + 4;
    static constexpr size_t rt_off = rv_off + raw_bytes;
    static constexpr size_t rq_off = rt_off + (Rope ? sizeof(float2) * kKeys * (D / 2) : 0);
    static constexpr size_t bytes = rq_off + (Rope ? sizeof(float2) * kRows * q_ld : 0);
};

// One 16-byte vector of a row of fp16 (8 halves, stored as they are) or of
// float (4 floats, stored rounded to fp16 as kv_store and the CPU round them).
template <typename T>
struct TileVector;
template <>
struct TileVector<__half> {
    using V = uint4;
    static constexpr int n = 8;
    __device__ static void store(__half* dst, const V& v) { *reinterpret_cast<uint4*>(dst) = v; }
};
template <>
struct TileVector<float> {
    using V = float4;
    static constexpr int n = 4;
    __device__ static void store(__half* dst, const V& v) {
        reinterpret_cast<__half2*>(dst)[0] = __floats2half2_rn(v.x, v.y);
        reinterpret_cast<__half2*>(dst)[1] = __floats2half2_rn(v.z, v.w);
    }
};

// 16 bytes global -> shared without registers; src_bytes 0 writes zeros.
__device__ __forceinline__ void cp_async_16(void* dst, const void* src, int src_bytes) {
    asm volatile("cp.async.cg.shared.global [%0], [%1], 16, %2;\n" ::"r"(
                     static_cast<uint32_t>(__cvta_generic_to_shared(dst))),
                 "l"(src), "r"(src_bytes)
                 : "memory");
}
__device__ __forceinline__ void cp_async_commit() { asm volatile("cp.async.commit_group;\n" ::: "memory"); }
__device__ __forceinline__ void cp_async_wait_all() { asm volatile("cp.async.wait_group 0;\n" ::: "memory"); }
// Waits for all but the latest committed group.
__device__ __forceinline__ void cp_async_wait_prior() { asm volatile("cp.async.wait_group 1;\n" ::: "memory"); }

// Starts copying a 64 x D tile of rows `stride` elements apart into `raw`
// (unpadded); rows from `valid` on become zeros.
template <int D, typename T>
__device__ void issue_tile(T* raw, const T* src, size_t stride, int valid) {
    constexpr int vecs = D * sizeof(T) / 16;  // 16-byte vectors per row
    static_assert(kKeys * vecs % kThreads == 0, "tile does not split evenly over the threads");
#pragma unroll
    for (int u = 0; u < kKeys * vecs / kThreads; ++u) {
        const int i = threadIdx.x + u * kThreads, r = i / vecs, c = (i % vecs) * (16 / sizeof(T));
        const bool in = r < valid;
        cp_async_16(raw + r * D + c, src + (in ? static_cast<size_t>(r) * stride + c : 0), in ? 16 : 0);
    }
}

// Starts copying the cos/sin table rows of a key tile (half_rot pairs each,
// even) into `dst`. The rows follow each other in the table, so this is one
// run of 16-byte vectors; rows from `valid` on become zeros, which rotate the
// tile's zero rows to zeros.
template <int D>
__device__ void issue_key_rope_rows(float2* dst, const float2* src, int half_rot, int valid) {
    constexpr int most = kKeys * D / 4;  // vectors of 64 rows of D / 2 pairs
    const int n = kKeys * half_rot / 2, n_in = valid * half_rot / 2;
#pragma unroll
    for (int u = 0; u < most / kThreads; ++u) {
        const int i = threadIdx.x + u * kThreads;
        if (i < n) cp_async_16(dst + 2 * i, src + (i < n_in ? 2 * i : 0), i < n_in ? 16 : 0);
    }
}

// The same for the block's queries: rows `ld` pairs apart; rows from `valid` on
// (past the sequence) become zeros.
template <int D, int ld>
__device__ void issue_query_rope_rows(float2* dst, const float2* src, int half_rot, int valid) {
    constexpr int vecs = D / 4;             // 16-byte vectors of a row of D / 2 pairs, the most there can be
    constexpr int step = kThreads / vecs;   // rows between one thread's vectors
    const int r = threadIdx.x / vecs, c = (threadIdx.x % vecs) * 2;
    if (c >= half_rot) return;
#pragma unroll
    for (int u = 0; u < kRows / step; ++u) {
        const int row = r + u * step;
        const bool in = row < valid;
        cp_async_16(dst + row * ld + c, src + (in ? static_cast<size_t>(row) * half_rot + c : 0), in ? 16 : 0);
    }
}

// (x, y) rotated by the angle whose cosine and sine are cs: rope_from_table's
// products and sums, each rounded on its own (no fused multiply-add).
__device__ __forceinline__ float2 rotate_pair(float2 v, float2 cs) {
    return make_float2(__fsub_rn(__fmul_rn(v.x, cs.x), __fmul_rn(v.y, cs.y)),
                       __fadd_rn(__fmul_rn(v.x, cs.y), __fmul_rn(v.y, cs.x)));
}

// Rounds a landed raw tile into the padded fp16 tile. Rope (float tiles only):
// the first half_rot pairs of row r are first rotated by row r of `cs`.
template <int D, bool Rope, typename T>
__device__ void convert_tile(__half* dst, const T* raw, const float2* cs, int half_rot) {
    using TV = TileVector<T>;
    constexpr int vecs = D / TV::n;
#pragma unroll
    for (int u = 0; u < kKeys * vecs / kThreads; ++u) {
        const int i = threadIdx.x + u * kThreads, r = i / vecs, c = (i % vecs) * TV::n;
        typename TV::V x = *reinterpret_cast<const typename TV::V*>(raw + r * D + c);
        if constexpr (Rope) {
            // Pairs c / 2 and c / 2 + 1: both rotated or neither, half_rot being even.
            // Selects, not branches, so that the loads of all u issue together.
            const bool rot = c / 2 < half_rot;
            const float4 t = rot ? *reinterpret_cast<const float4*>(cs + r * half_rot + c / 2)
                                 : make_float4(0.0f, 0.0f, 0.0f, 0.0f);
            const float2 lo = rotate_pair(make_float2(x.x, x.y), make_float2(t.x, t.y));
            const float2 hi = rotate_pair(make_float2(x.z, x.w), make_float2(t.z, t.w));
            if (rot) x = make_float4(lo.x, lo.y, hi.x, hi.y);
        }
        TV::store(dst + r * (D + kPad) + c, x);
    }
}

// Two adjacent outputs: 8 bytes of float, or 4 of bf16 (rounded as the GEMM's input).
__device__ __forceinline__ void store_pair(float* p, float x, float y) {
    *reinterpret_cast<float2*>(p) = make_float2(x, y);
}
__device__ __forceinline__ void store_pair(__nv_bfloat16* p, float x, float y) {
    *reinterpret_cast<__nv_bfloat162*>(p) = __floats2bfloat162_rn(x, y);
}

__device__ __forceinline__ uint32_t pack_half2(float lo, float hi) {
    const __half2 h = __floats2half2_rn(lo, hi);  // lo -> low 16 bits: the lower column of a fragment pair
    return *reinterpret_cast<const uint32_t*>(&h);
}

__device__ __forceinline__ uint32_t smem_address(const void* p) {
    return static_cast<uint32_t>(__cvta_generic_to_shared(p));
}

// Four 8 x 8 fp16 matrices; lanes 8i..8i+7 give the row addresses of matrix i.
// Lane l receives row l/4, columns 2(l%4), 2(l%4)+1 of each (with .trans: column
// l/4, rows 2(l%4), 2(l%4)+1).
__device__ __forceinline__ void ldmatrix_x4(uint32_t (&r)[4], uint32_t addr) {
    asm volatile("ldmatrix.sync.aligned.m8n8.x4.shared.b16 {%0, %1, %2, %3}, [%4];\n"
                 : "=r"(r[0]), "=r"(r[1]), "=r"(r[2]), "=r"(r[3])
                 : "r"(addr));
}
__device__ __forceinline__ void ldmatrix_x4_trans(uint32_t (&r)[4], uint32_t addr) {
    asm volatile("ldmatrix.sync.aligned.m8n8.x4.trans.shared.b16 {%0, %1, %2, %3}, [%4];\n"
                 : "=r"(r[0]), "=r"(r[1]), "=r"(r[2]), "=r"(r[3])
                 : "r"(addr));
}

// c += a b: a 16 x 16 row-major fp16, b 16 x 8 fp16, c 16 x 8 float.
__device__ __forceinline__ void mma_16816(float (&c)[4], const uint32_t (&a)[4], uint32_t b0, uint32_t b1) {
    asm("mma.sync.aligned.m16n8k16.row.col.f32.f16.f16.f32 {%0, %1, %2, %3}, {%4, %5, %6, %7}, {%8, %9}, "
        "{%0, %1, %2, %3};\n"
        : "+f"(c[0]), "+f"(c[1]), "+f"(c[2]), "+f"(c[3])
        : "r"(a[0]), "r"(a[1]), "r"(a[2]), "r"(a[3]), "r"(b0), "r"(b1));
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
    float scale_log2;     // log2(e) / sqrt(head_dim)
    // Rope only (float keys, pos0 0): cos/sin table [n_seqs * n][half_rot], row
    // seq * n + i for query and key i of a sequence; half_rot even, at most D / 2.
    const float2* rope = nullptr;
    int half_rot = 0;
    // Where set, the output goes here instead of `out`, as bf16 (the same floats
    // rounded): the form in which the tensor-core projection that follows reads it.
    __nv_bfloat16* out_bf16 = nullptr;
};

template <int D, typename KV, bool Rope>
__global__ void __launch_bounds__(kThreads) attention_tiled_kernel(TiledArgs<KV> a) {
    using L = TileLayout<D, KV, Rope>;
    extern __shared__ __align__(16) unsigned char smem[];
    __half* sK = reinterpret_cast<__half*>(smem + L::k_off);
    __half* sV = reinterpret_cast<__half*>(smem + L::v_off);
    KV* rK = reinterpret_cast<KV*>(smem + L::rk_off);
    KV* rV = reinterpret_cast<KV*>(smem + L::rv_off);
    float2* rT = reinterpret_cast<float2*>(smem + L::rt_off);
    float2* rQ = reinterpret_cast<float2*>(smem + L::rq_off);

    // Tiles of a sequence in reverse: the longest (last queries, most keys) start first.
    const int seq = blockIdx.x / a.tiles_per_seq;
    const int t0 = (a.tiles_per_seq - 1 - blockIdx.x % a.tiles_per_seq) * kRows;  // first query of the tile
    const int n = a.n, pos0 = a.pos0;
    const int h = blockIdx.y;
    const int kvh = h / a.group;
    const int warp = threadIdx.x / 32, lane = threadIdx.x % 32;
    const int g = lane / 4, tq = lane % 4;  // fragment row (and row + 8) and column pair of this lane
    const int q_stride = a.n_heads * D;
    const size_t q_first = (static_cast<size_t>(seq) * n + t0) * q_stride + static_cast<size_t>(h) * D;
    const KV* kc = a.k + seq * a.kv_seq_stride + static_cast<size_t>(kvh) * D;
    const KV* vc = a.v + seq * a.kv_seq_stride + static_cast<size_t>(kvh) * D;
    const float2* rope_seq = a.rope + static_cast<size_t>(seq) * n * a.half_rot;  // Rope: the sequence's rows

    const int last_query = min(t0 + kRows, n) - 1;
    const int n_keys = pos0 + last_query + 1;  // keys any query of the tile may see
    auto issue = [&](int kb) {
        const int valid = min(kKeys, n_keys - kb);
        issue_tile<D>(rK, kc + static_cast<size_t>(kb) * a.kv_stride, a.kv_stride, valid);
        issue_tile<D>(rV, vc + static_cast<size_t>(kb) * a.kv_stride, a.kv_stride, valid);
        if constexpr (Rope)
            issue_key_rope_rows<D>(rT, rope_seq + static_cast<size_t>(kb) * a.half_rot, a.half_rot, valid);
        cp_async_commit();
    };
    // Rope: the queries' cos/sin rows first, so that waiting for them leaves the first tile in flight.
    if constexpr (Rope) {
        issue_query_rope_rows<D, L::q_ld>(rQ, rope_seq + static_cast<size_t>(t0) * a.half_rot, a.half_rot,
                                          min(kRows, n - t0));
        cp_async_commit();
    }
    issue(0);  // the first tile travels while the queries load

    const int r0 = warp * 16;                     // the warp's first row within the tile
    const int warp_rows = min(16, n - t0 - r0);   // rows of the warp that exist (<= 0: none; it only loads)
    const int warp_first = pos0 + t0 + r0;        // position of its first query
    const int warp_last = warp_first + warp_rows - 1;
    const int qpos0 = warp_first + g, qpos1 = qpos0 + 8;  // this lane's two rows

    // Query fragments (A operand), rounded to fp16 once: qf[kk] covers dims 16kk .. 16kk + 15.
    uint32_t qf[D / 16][4];
    {
        // x[kk]: dims 16kk + 2tq, +1 of row g, of row g + 8, then the same 8 dims
        // further of both (zeros for rows past the sequence); all loads in flight at once.
        const bool has0 = r0 + g < n - t0, has1 = r0 + g + 8 < n - t0;
        const float* q0 = a.q + q_first + static_cast<size_t>(r0 + g) * q_stride + 2 * tq;
        const float* q1 = q0 + static_cast<size_t>(8) * q_stride;
        const float2 z = make_float2(0.0f, 0.0f);
        float2 x[D / 16][4];
#pragma unroll
        for (int kk = 0; kk < D / 16; ++kk) {
            x[kk][0] = has0 ? *reinterpret_cast<const float2*>(q0 + 16 * kk) : z;
            x[kk][1] = has1 ? *reinterpret_cast<const float2*>(q1 + 16 * kk) : z;
            x[kk][2] = has0 ? *reinterpret_cast<const float2*>(q0 + 16 * kk + 8) : z;
            x[kk][3] = has1 ? *reinterpret_cast<const float2*>(q1 + 16 * kk + 8) : z;
        }
        if constexpr (Rope) {
            cp_async_wait_prior();
            __syncthreads();  // the queries' cos/sin rows landed for every thread
#pragma unroll
            for (int kk = 0; kk < D / 16; ++kk)
#pragma unroll
                for (int j = 0; j < 4; ++j) {
                    const int pair = 8 * kk + 4 * (j / 2) + tq;
                    const bool rot = pair < a.half_rot;  // a select, not a branch: the reads pipeline
                    const float2 r = rotate_pair(x[kk][j], rot ? rQ[(r0 + g + 8 * (j % 2)) * L::q_ld + pair] : z);
                    if (rot) x[kk][j] = r;  // rows past the sequence rotate zeros by zeros: zeros
                }
        }
#pragma unroll
        for (int kk = 0; kk < D / 16; ++kk)
#pragma unroll
            for (int j = 0; j < 4; ++j) qf[kk][j] = pack_half2(x[kk][j].x, x[kk][j].y);
    }

    float o[D / 8][4];  // output columns 8d .. 8d + 7 of rows g, g + 8 (C layout)
#pragma unroll
    for (int d = 0; d < D / 8; ++d) o[d][0] = o[d][1] = o[d][2] = o[d][3] = 0.0f;
    float m0 = -INFINITY, m1 = -INFINITY;  // running maxima (base-2 scaled scores) of rows g, g + 8
    float l0 = 0.0f, l1 = 0.0f;            // this lane's share of the running sums

    // ldmatrix row addresses. K: matrices (keys +0..7, dims +0..7), (+0..7, +8..15),
    // (+8..15, +0..7), (+8..15, +8..15) = b0, b1 of two 8-key column tiles of S.
    // V, transposed: (keys +0..7, dims +0..7), (keys +8..15, dims +0..7), then dims
    // +8..15 = b0, b1 of two 8-dim column tiles of O.
    const uint32_t k_addr = smem_address(sK + ((lane & 7) + ((lane >> 4) << 3)) * L::ld + (((lane >> 3) & 1) << 3));
    const uint32_t v_addr = smem_address(sV + ((lane & 7) + (((lane >> 3) & 1) << 3)) * L::ld + ((lane >> 4) << 3));

    for (int kb = 0; kb < n_keys; kb += kKeys) {
        cp_async_wait_all();
        __syncthreads();  // this raw tile landed for every thread; the fp16 tiles are no longer read
        convert_tile<D, Rope>(sK, rK, rT, a.half_rot);
        convert_tile<D, false>(sV, rV, nullptr, 0);
        __syncthreads();  // fp16 tiles ready; the raw ones free
        if (kb + kKeys < n_keys) issue(kb + kKeys);  // the next tile travels during this one's products
        if (warp_rows <= 0 || kb > warp_last) continue;  // every key of the tile is after every query of the warp

        // S = Q K^T: s[j] holds keys kb + 8j .. 8j + 7 of rows g, g + 8.
        float s[kKeys / 8][4];
#pragma unroll
        for (int j = 0; j < kKeys / 8; ++j) s[j][0] = s[j][1] = s[j][2] = s[j][3] = 0.0f;
#pragma unroll
        for (int kk = 0; kk < D / 16; ++kk) {
#pragma unroll
            for (int jp = 0; jp < kKeys / 16; ++jp) {
                uint32_t b[4];
                ldmatrix_x4(b, k_addr + sizeof(__half) * (jp * 16 * L::ld + kk * 16));
                mma_16816(s[2 * jp], qf[kk], b[0], b[1]);
                mma_16816(s[2 * jp + 1], qf[kk], b[2], b[3]);
            }
        }

        // Scale, causal mask (only where the tile reaches past the warp's first query;
        // keys past n_keys are past every existing row's position), new maxima.
        const bool diagonal = kb + kKeys - 1 > warp_first;
        float mx0 = m0, mx1 = m1;
#pragma unroll
        for (int j = 0; j < kKeys / 8; ++j) {
#pragma unroll
            for (int e = 0; e < 4; ++e) {
                float x = s[j][e] * a.scale_log2;
                if (diagonal && kb + 8 * j + 2 * tq + (e & 1) > (e < 2 ? qpos0 : qpos1)) x = -INFINITY;
                s[j][e] = x;
            }
            mx0 = fmaxf(mx0, fmaxf(s[j][0], s[j][1]));
            mx1 = fmaxf(mx1, fmaxf(s[j][2], s[j][3]));
        }
        mx0 = fmaxf(mx0, __shfl_xor_sync(0xffffffffu, mx0, 1));
        mx0 = fmaxf(mx0, __shfl_xor_sync(0xffffffffu, mx0, 2));
        mx1 = fmaxf(mx1, __shfl_xor_sync(0xffffffffu, mx1, 1));
        mx1 = fmaxf(mx1, __shfl_xor_sync(0xffffffffu, mx1, 2));
        // A row with nothing seen yet keeps max -inf; subtracting 0 then gives
        // exp2(-inf) = 0 for its masked scores instead of NaN.
        const float base0 = mx0 == -INFINITY ? 0.0f : mx0;
        const float base1 = mx1 == -INFINITY ? 0.0f : mx1;
        const float corr0 = exp2f(m0 - base0), corr1 = exp2f(m1 - base1);  // 0 while m was -inf
        m0 = mx0;
        m1 = mx1;
        l0 *= corr0;
        l1 *= corr1;
#pragma unroll
        for (int d = 0; d < D / 8; ++d) {
            o[d][0] *= corr0;
            o[d][1] *= corr0;
            o[d][2] *= corr1;
            o[d][3] *= corr1;
        }

        // Probabilities as fp16 A fragments: keys 16kk .. 16kk + 15 are the C tiles
        // 2kk (a0 row g, a1 row g + 8) and 2kk + 1 (a2, a3).
        uint32_t p[kKeys / 16][4];
#pragma unroll
        for (int j = 0; j < kKeys / 8; ++j) {
            const float p0 = exp2f(s[j][0] - base0), p1 = exp2f(s[j][1] - base0);
            const float p2 = exp2f(s[j][2] - base1), p3 = exp2f(s[j][3] - base1);
            l0 += p0 + p1;
            l1 += p2 + p3;
            p[j / 2][(j & 1) * 2] = pack_half2(p0, p1);
            p[j / 2][(j & 1) * 2 + 1] = pack_half2(p2, p3);
        }

        // O += P V.
#pragma unroll
        for (int kk = 0; kk < kKeys / 16; ++kk) {
#pragma unroll
            for (int dp = 0; dp < D / 16; ++dp) {
                uint32_t b[4];
                ldmatrix_x4_trans(b, v_addr + sizeof(__half) * (kk * 16 * L::ld + dp * 16));
                mma_16816(o[2 * dp], p[kk], b[0], b[1]);
                mma_16816(o[2 * dp + 1], p[kk], b[2], b[3]);
            }
        }
    }

    l0 += __shfl_xor_sync(0xffffffffu, l0, 1);
    l0 += __shfl_xor_sync(0xffffffffu, l0, 2);
    l1 += __shfl_xor_sync(0xffffffffu, l1, 1);
    l1 += __shfl_xor_sync(0xffffffffu, l1, 2);
    const float inv0 = 1.0f / l0, inv1 = 1.0f / l1;
    const size_t at0 = q_first + static_cast<size_t>(r0 + g) * q_stride + 2 * tq, at1 = at0 + size_t{8} * q_stride;
    const bool row0 = r0 + g < n - t0, row1 = r0 + g + 8 < n - t0;
    // Columns 2 tq, 2 tq + 1 of each 8 of rows g and g + 8, as float or as bf16.
    auto write = [&](auto* out) {
        if (row0) {
#pragma unroll
            for (int d = 0; d < D / 8; ++d) store_pair(out + at0 + 8 * d, o[d][0] * inv0, o[d][1] * inv0);
        }
        if (row1) {
#pragma unroll
            for (int d = 0; d < D / 8; ++d) store_pair(out + at1 + 8 * d, o[d][2] * inv1, o[d][3] * inv1);
        }
    };
    if (a.out_bf16) write(a.out_bf16);
    else write(a.out);
}

template <int D, bool Rope, typename KV>
bool launch_tiled(Context* ctx, TiledArgs<KV> a, int n_seqs) {
    constexpr size_t bytes = TileLayout<D, KV, Rope>::bytes;
    if (bytes > ctx->props.sharedMemPerBlockOptin) return false;
    // Above 48 KiB of dynamic shared memory needs an opt-in (set on the current device; cheap to repeat).
    if (bytes > 48 * 1024)
        QT_CUDA_CHECK(cudaFuncSetAttribute(attention_tiled_kernel<D, KV, Rope>,
                                           cudaFuncAttributeMaxDynamicSharedMemorySize, static_cast<int>(bytes)));
    a.scale_log2 = 1.4426950408889634f / std::sqrt(static_cast<float>(D));
    a.tiles_per_seq = (a.n + kRows - 1) / kRows;
    const dim3 grid(static_cast<unsigned>(a.tiles_per_seq * n_seqs), static_cast<unsigned>(a.n_heads));
    attention_tiled_kernel<D, KV, Rope><<<grid, kThreads, bytes, ctx->stream>>>(a);
    QT_CUDA_CHECK_LAUNCH("attention_tiled_kernel");
    return true;
}

template <bool Rope, typename KV>
bool dispatch_tiled(Context* ctx, const TiledArgs<KV>& a, int n_seqs, int head_dim) {
    // Rows must start on 16 bytes for the 16-byte copies (table rows: half_rot even).
    if ((a.kv_stride * sizeof(KV)) % 16 != 0 || (a.kv_seq_stride * sizeof(KV)) % 16 != 0) return false;
    if (Rope && (a.half_rot < 0 || a.half_rot % 2 != 0 || 2 * a.half_rot > head_dim)) return false;
    switch (head_dim) {
        case 64: return launch_tiled<64, Rope>(ctx, a, n_seqs);
        case 128: return launch_tiled<128, Rope>(ctx, a, n_seqs);
        default: return false;
    }
}

TiledArgs<float> batch_args(const float* q, const float* k, const float* v, int seq_len, int n_heads, int n_kv_heads,
                            int head_dim, float* out) {
    const int kv_width = n_kv_heads * head_dim;
    return {q, k, v, out, kv_width, static_cast<size_t>(seq_len) * kv_width, 0, seq_len, 0, n_heads,
            n_heads / n_kv_heads, 0.0f};
}

}  // namespace

bool attention_tiled(Context* ctx, const float* q, const uint16_t* kc, const uint16_t* vc, int kv_width, int pos0,
                     int n, int n_heads, int group, int head_dim, float* out) {
    TiledArgs<__half> a{q, reinterpret_cast<const __half*>(kc), reinterpret_cast<const __half*>(vc), out, kv_width, 0,
                        pos0, n, 0, n_heads, group, 0.0f};
    return dispatch_tiled<false>(ctx, a, 1, head_dim);
}

bool attention_batch_tiled(Context* ctx, const float* q, const float* k, const float* v, int n_seqs, int seq_len,
                           int n_heads, int n_kv_heads, int head_dim, float* out) {
    return dispatch_tiled<false>(ctx, batch_args(q, k, v, seq_len, n_heads, n_kv_heads, head_dim, out), n_seqs,
                                 head_dim);
}

bool attention_batch_tiled_rope(Context* ctx, const float* q, const float* k, const float* v,
                                const void* rope_table, int n_rot, int n_seqs, int seq_len, int n_heads,
                                int n_kv_heads, int head_dim, float* out, void* out_bf16) {
    if (n_rot % 4 != 0) return false;  // table rows of whole 16-byte vectors
    TiledArgs<float> a = batch_args(q, k, v, seq_len, n_heads, n_kv_heads, head_dim, out);
    a.out_bf16 = static_cast<__nv_bfloat16*>(out_bf16);
    a.rope = static_cast<const float2*>(rope_table);
    a.half_rot = n_rot / 2;
    return dispatch_tiled<true>(ctx, a, n_seqs, head_dim);
}

}  // namespace qt::cuda
