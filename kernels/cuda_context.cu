// Contexts, device memory and copies. Out-of-memory is reported with what was
// asked and what the device had free, and leaves the device usable.
#include <cstdio>
#include <string>

#include "cuda_check.cuh"
#include "cuda_context.cuh"
#include "cuda_ops.h"

namespace qt::cuda {
namespace {

std::string mib(size_t bytes) {
    char buf[64];
    std::snprintf(buf, sizeof buf, "%.1f MiB", static_cast<double>(bytes) / (1024.0 * 1024.0));
    return buf;
}

}  // namespace

Context* create_context(int device) {
    int n = 0;
    QT_CUDA_CHECK(cudaGetDeviceCount(&n));
    if (device < 0 || device >= n)
        throw std::runtime_error("CUDA device " + std::to_string(device) + " does not exist: " + std::to_string(n) +
                                 " device(s) found");
    auto* ctx = new Context;
    ctx->device = device;
    try {
        QT_CUDA_CHECK(cudaSetDevice(device));
        QT_CUDA_CHECK(cudaGetDeviceProperties(&ctx->props, device));
        QT_CUDA_CHECK(cudaStreamCreateWithFlags(&ctx->stream, cudaStreamNonBlocking));
    } catch (...) {
        delete ctx;
        throw;
    }
    return ctx;
}

void destroy_context(Context* ctx) {
    if (!ctx) return;
    cudaSetDevice(ctx->device);
    if (ctx->stream) {
        cudaStreamSynchronize(ctx->stream);
        if (ctx->blas) cublasDestroy(ctx->blas);
        destroy_profile(ctx);
        cudaStreamDestroy(ctx->stream);
    }
    delete ctx;
}

std::string device_description(const Context* ctx) {
    char mem[32];
    std::snprintf(mem, sizeof mem, "%.1f GiB", static_cast<double>(ctx->props.totalGlobalMem) / (1024.0 * 1024.0 * 1024.0));
    return std::string(ctx->props.name) + " (sm_" + std::to_string(ctx->props.major) +
           std::to_string(ctx->props.minor) + ", " + mem + ")";
}

void* malloc_device(Context* ctx, size_t bytes, const char* what) {
    QT_CUDA_CHECK(cudaSetDevice(ctx->device));
    void* p = nullptr;
    const cudaError_t e = cudaMalloc(&p, bytes == 0 ? 1 : bytes);
    if (e == cudaErrorMemoryAllocation) {
        cudaGetLastError();  // clear the sticky-free error so the device stays usable
        size_t free_b = 0, total_b = 0;
        cudaMemGetInfo(&free_b, &total_b);
        throw DeviceOutOfMemory("CUDA device " + std::to_string(ctx->device) + " (" + ctx->props.name +
                                "): out of memory allocating " + mib(bytes) + " for " + what + "; " + mib(free_b) +
                                " free of " + mib(total_b));
    }
    if (e != cudaSuccess) throw_cuda_error(e, "cudaMalloc", __FILE__, __LINE__);
    return p;
}

void free_device(Context* ctx, void* p) {
    if (!p) return;
    cudaSetDevice(ctx->device);
    // cudaFree waits for the device; an error here (a broken context) cannot be acted on in a destructor.
    cudaFree(p);
}

void copy_to_device(Context* ctx, void* dst, const void* src, size_t bytes) {
    if (bytes == 0) return;
    QT_CUDA_CHECK(cudaMemcpyAsync(dst, src, bytes, cudaMemcpyHostToDevice, ctx->stream));
    // The host buffer may be reused as soon as we return.
    QT_CUDA_CHECK(cudaStreamSynchronize(ctx->stream));
}

void copy_to_host(Context* ctx, void* dst, const void* src, size_t bytes) {
    if (bytes == 0) return;
    QT_CUDA_CHECK(cudaMemcpyAsync(dst, src, bytes, cudaMemcpyDeviceToHost, ctx->stream));
    QT_CUDA_CHECK(cudaStreamSynchronize(ctx->stream));
}

void synchronize(Context* ctx) { QT_CUDA_CHECK(cudaStreamSynchronize(ctx->stream)); }

struct Graph {
    cudaGraphExec_t exec = nullptr;
};

void capture_begin(Context* ctx) {
    // Thread-local: a call of this thread that cannot be recorded (an allocation,
    // a synchronous copy) fails instead of running outside the record.
    QT_CUDA_CHECK(cudaStreamBeginCapture(ctx->stream, cudaStreamCaptureModeThreadLocal));
}

Graph* capture_end(Context* ctx) {
    cudaGraph_t graph = nullptr;
    const cudaError_t e = cudaStreamEndCapture(ctx->stream, &graph);
    if (e != cudaSuccess || !graph) {
        cudaGetLastError();  // an invalidated capture's error is not sticky: clear it, the stream works on
        if (graph) cudaGraphDestroy(graph);
        return nullptr;
    }
    cudaGraphExec_t exec = nullptr;
    const cudaError_t ie = cudaGraphInstantiate(&exec, graph, 0);
    cudaGraphDestroy(graph);
    if (ie != cudaSuccess) {
        cudaGetLastError();
        return nullptr;
    }
    return new Graph{exec};
}

void graph_launch(Context* ctx, Graph* graph) { QT_CUDA_CHECK(cudaGraphLaunch(graph->exec, ctx->stream)); }

void graph_destroy(Graph* graph) {
    if (!graph) return;
    cudaGraphExecDestroy(graph->exec);
    delete graph;
}

// NVIDIA's recommendation for Hopper is 32 MiB (cuBLAS documentation, cublasSetWorkspace).
size_t blas_workspace_bytes() { return size_t{32} << 20; }

void set_blas_workspace(Context* ctx, void* dev, size_t bytes) {
    const cublasStatus_t s = cublasSetWorkspace(blas_handle(ctx), dev, bytes);
    if (s != CUBLAS_STATUS_SUCCESS)
        throw std::runtime_error("cuBLAS error in cublasSetWorkspace: status " + std::to_string(static_cast<int>(s)));
}

void device_memory(Context* ctx, size_t* free_bytes, size_t* total_bytes) {
    QT_CUDA_CHECK(cudaSetDevice(ctx->device));
    QT_CUDA_CHECK(cudaMemGetInfo(free_bytes, total_bytes));
}

}  // namespace qt::cuda
