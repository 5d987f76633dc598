// Is cuBLAS's default choice the fastest for the QZO step's products? For each
// product shape of the bench's models (16 x 256 tokens side by side, bf16 in,
// float out and accumulation, as kernels/quant_matmul_gemm.cu calls it) this
// times cublasGemmEx / cublasGemmStridedBatchedEx with CUBLAS_GEMM_DEFAULT and
// every algorithm cublasLt's heuristic offers (up to 16), and prints a table
// with the best ratio. Random data (all-zero inputs run faster: less power).
// Build: ninja bench_gemm_algos (CUDA builds only); run on the GPU machine.
#include <cublasLt.h>
#include <cublas_v2.h>
#include <cuda_bf16.h>
#include <cuda_runtime.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <random>
#include <vector>

namespace {

#define CHECK_CUDA(x)                                                                          \
    do {                                                                                       \
        cudaError_t e_ = (x);                                                                  \
        if (e_ != cudaSuccess) {                                                               \
            std::fprintf(stderr, "%s:%d: %s\n", __FILE__, __LINE__, cudaGetErrorString(e_)); \
            std::exit(1);                                                                      \
        }                                                                                      \
    } while (0)
#define CHECK_BLAS(x)                                                                       \
    do {                                                                                    \
        const int s_ = static_cast<int>(x);                                                 \
        if (s_ != 0) {                                                                      \
            std::fprintf(stderr, "%s:%d: cuBLAS status %d\n", __FILE__, __LINE__, s_);      \
            std::exit(1);                                                                   \
        }                                                                                   \
    } while (0)

struct Shape {
    const char* name;
    int m, k, batch;  // weight rows, columns (= k), weights sharing the input
    bool accumulate;  // beta = 1 (the residual projections)
};

constexpr int kTokens = 4096;
constexpr size_t kWorkspace = size_t{32} << 20;

// Milliseconds per call of `f`, median of 3 runs of `reps` calls after a warm-up.
template <typename F>
float time_ms(cudaStream_t s, int reps, F&& f) {
    cudaEvent_t a, b;
    CHECK_CUDA(cudaEventCreate(&a));
    CHECK_CUDA(cudaEventCreate(&b));
    f();
    std::vector<float> runs;
    for (int r = 0; r < 3; ++r) {
        CHECK_CUDA(cudaEventRecord(a, s));
        for (int i = 0; i < reps; ++i) f();
        CHECK_CUDA(cudaEventRecord(b, s));
        CHECK_CUDA(cudaEventSynchronize(b));
        float ms = 0;
        CHECK_CUDA(cudaEventElapsedTime(&ms, a, b));
        runs.push_back(ms / reps);
    }
    std::sort(runs.begin(), runs.end());
    CHECK_CUDA(cudaEventDestroy(a));
    CHECK_CUDA(cudaEventDestroy(b));
    return runs[1];
}

}  // namespace

int main() {
    const Shape shapes[] = {
        {"7B q/k/v (3 batched)", 4096, 4096, 3, false},  {"7B wo (+=)", 4096, 4096, 1, true},
        {"7B gate, up (each)", 11008, 4096, 1, false},   {"7B down (+=)", 4096, 11008, 1, true},
        {"7B head, 4096 rows", 32000, 4096, 1, false},   {"TinyLlama gate/up (2 batched)", 5632, 2048, 2, false},
        {"TinyLlama down (+=)", 2048, 5632, 1, true},    {"SmolLM2 q", 576, 576, 1, false},
        {"SmolLM2 k/v (2 batched)", 192, 576, 2, false}, {"SmolLM2 gate/up (2 batched)", 1536, 576, 2, false},
        {"SmolLM2 down (+=)", 576, 1536, 1, true},       {"SmolLM2 head chunk", 49152, 576, 1, false},
    };
    cudaStream_t stream;
    CHECK_CUDA(cudaStreamCreate(&stream));
    cublasHandle_t blas;
    cublasLtHandle_t lt;
    CHECK_BLAS(cublasCreate(&blas));
    CHECK_BLAS(cublasLtCreate(&lt));
    CHECK_BLAS(cublasSetStream(blas, stream));
    void* workspace;
    CHECK_CUDA(cudaMalloc(&workspace, kWorkspace));
    CHECK_BLAS(cublasSetWorkspace(blas, workspace, kWorkspace));
    std::mt19937 rng(7);
    std::normal_distribution<float> nd(0.0f, 1.0f);

    std::printf("| product (%d tokens) | TFLOP | GemmEx default ms | TFLOP/s | best of cublasLt's offers ms | offers | "
                "default / best |\n|---|---|---|---|---|---|---|\n",
                kTokens);
    for (const Shape& sh : shapes) {
        const size_t a_elems = static_cast<size_t>(sh.m) * sh.k * sh.batch, b_elems = static_cast<size_t>(sh.k) * kTokens;
        const size_t c_elems = static_cast<size_t>(sh.m) * kTokens * sh.batch;
        std::vector<__nv_bfloat16> host(a_elems > b_elems ? a_elems : b_elems);
        for (auto& v : host) v = __float2bfloat16(nd(rng) * 0.05f);
        __nv_bfloat16 *A, *B;
        float* C;
        CHECK_CUDA(cudaMalloc(&A, a_elems * 2));
        CHECK_CUDA(cudaMalloc(&B, b_elems * 2));
        CHECK_CUDA(cudaMalloc(&C, c_elems * 4));
        CHECK_CUDA(cudaMemcpy(A, host.data(), a_elems * 2, cudaMemcpyHostToDevice));
        CHECK_CUDA(cudaMemcpy(B, host.data(), b_elems * 2, cudaMemcpyHostToDevice));
        CHECK_CUDA(cudaMemset(C, 0, c_elems * 4));
        const float one = 1.0f, beta = sh.accumulate ? 1.0f : 0.0f;
        const long long stride_a = static_cast<long long>(sh.m) * sh.k, stride_c = static_cast<long long>(sh.m) * kTokens;
        const double tflop = 2.0 * sh.m * sh.k * kTokens * sh.batch * 1e-12;
        const int reps = tflop > 0.05 ? 10 : 50;

        const float t_default = time_ms(stream, reps, [&] {
            if (sh.batch == 1)
                CHECK_BLAS(cublasGemmEx(blas, CUBLAS_OP_T, CUBLAS_OP_N, sh.m, kTokens, sh.k, &one, A, CUDA_R_16BF, sh.k,
                                        B, CUDA_R_16BF, sh.k, &beta, C, CUDA_R_32F, sh.m, CUBLAS_COMPUTE_32F,
                                        CUBLAS_GEMM_DEFAULT));
            else
                CHECK_BLAS(cublasGemmStridedBatchedEx(blas, CUBLAS_OP_T, CUBLAS_OP_N, sh.m, kTokens, sh.k, &one, A,
                                                      CUDA_R_16BF, sh.k, stride_a, B, CUDA_R_16BF, sh.k, 0, &beta, C,
                                                      CUDA_R_32F, sh.m, stride_c, sh.batch, CUBLAS_COMPUTE_32F,
                                                      CUBLAS_GEMM_DEFAULT));
        });

        // The same product through cublasLt, every algorithm its heuristic offers.
        cublasLtMatmulDesc_t desc;
        CHECK_BLAS(cublasLtMatmulDescCreate(&desc, CUBLAS_COMPUTE_32F, CUDA_R_32F));
        const cublasOperation_t op_t = CUBLAS_OP_T;
        CHECK_BLAS(cublasLtMatmulDescSetAttribute(desc, CUBLASLT_MATMUL_DESC_TRANSA, &op_t, sizeof(op_t)));
        cublasLtMatrixLayout_t la, lb, lc;
        CHECK_BLAS(cublasLtMatrixLayoutCreate(&la, CUDA_R_16BF, sh.k, sh.m, sh.k));
        CHECK_BLAS(cublasLtMatrixLayoutCreate(&lb, CUDA_R_16BF, sh.k, kTokens, sh.k));
        CHECK_BLAS(cublasLtMatrixLayoutCreate(&lc, CUDA_R_32F, sh.m, kTokens, sh.m));
        if (sh.batch > 1) {
            const int32_t count = sh.batch;
            const int64_t zero = 0;
            for (cublasLtMatrixLayout_t l : {la, lb, lc})
                CHECK_BLAS(cublasLtMatrixLayoutSetAttribute(l, CUBLASLT_MATRIX_LAYOUT_BATCH_COUNT, &count, sizeof(count)));
            const int64_t sa = stride_a, sc = stride_c;
            CHECK_BLAS(cublasLtMatrixLayoutSetAttribute(la, CUBLASLT_MATRIX_LAYOUT_STRIDED_BATCH_OFFSET, &sa, sizeof(sa)));
            CHECK_BLAS(cublasLtMatrixLayoutSetAttribute(lb, CUBLASLT_MATRIX_LAYOUT_STRIDED_BATCH_OFFSET, &zero, sizeof(zero)));
            CHECK_BLAS(cublasLtMatrixLayoutSetAttribute(lc, CUBLASLT_MATRIX_LAYOUT_STRIDED_BATCH_OFFSET, &sc, sizeof(sc)));
        }
        cublasLtMatmulPreference_t pref;
        CHECK_BLAS(cublasLtMatmulPreferenceCreate(&pref));
        const size_t ws = kWorkspace;
        CHECK_BLAS(cublasLtMatmulPreferenceSetAttribute(pref, CUBLASLT_MATMUL_PREF_MAX_WORKSPACE_BYTES, &ws, sizeof(ws)));
        cublasLtMatmulHeuristicResult_t offers[16];
        int n_offers = 0;
        CHECK_BLAS(cublasLtMatmulAlgoGetHeuristic(lt, desc, la, lb, lc, lc, pref, 16, offers, &n_offers));
        float best = 1e30f;
        for (int i = 0; i < n_offers; ++i) {
            if (offers[i].state != CUBLAS_STATUS_SUCCESS) continue;
            const float t = time_ms(stream, reps, [&] {
                CHECK_BLAS(cublasLtMatmul(lt, desc, &one, A, la, B, lb, &beta, C, lc, C, lc, &offers[i].algo, workspace,
                                          kWorkspace, stream));
            });
            if (t < best) best = t;
        }
        std::printf("| %s | %.3f | %.4f | %.0f | %.4f | %d | %.3f |\n", sh.name, tflop, t_default,
                    tflop / (t_default * 1e-3), best, n_offers, t_default / best);
        cublasLtMatmulPreferenceDestroy(pref);
        cublasLtMatrixLayoutDestroy(la);
        cublasLtMatrixLayoutDestroy(lb);
        cublasLtMatrixLayoutDestroy(lc);
        cublasLtMatmulDescDestroy(desc);
        CHECK_CUDA(cudaFree(A));
        CHECK_CUDA(cudaFree(B));
        CHECK_CUDA(cudaFree(C));
    }
    cublasLtDestroy(lt);
    cublasDestroy(blas);
    return 0;
}
