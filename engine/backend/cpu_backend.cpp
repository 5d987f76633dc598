#include "backend/cpu_backend.h"

#include <omp.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <new>
#include <stdexcept>
#include <string>
#include <vector>

#include "cpu/fp16_vector_ops.h"
#include "util/host_out_of_memory.h"
#include "backend/zo_ops_host.h"
#include "cpu/quant_dot.h"
#include "quant/dequantize.h"
#include "quant/half.h"

namespace qt {
namespace {

class CpuBackend final : public Backend {
public:
    explicit CpuBackend(int n_threads) : n_threads_(n_threads > 0 ? n_threads : omp_get_num_procs()) {}

    std::string name() const override { return "CPU (" + std::to_string(n_threads_) + " threads)"; }
    // The training ops of the base class (backend_train_ops.cpp) then run in place.
    bool host_memory() const override { return true; }

    DeviceBuffer alloc(size_t bytes, MemoryCategory category) override {
        const size_t rounded = (bytes + 63) / 64 * 64;
        void* p = std::aligned_alloc(64, std::max<size_t>(rounded, 64));
        if (!p) throw HostOutOfMemory(bytes, memory_category_name(category));
        ledger_.add(category, static_cast<int64_t>(bytes));
        return DeviceBuffer(this, p, bytes, category);
    }
    void free_raw(void* data, size_t) override { std::free(data); }
    void upload(void* dst, const void* src, size_t bytes) override { std::memcpy(dst, src, bytes); }
    void download(void* dst, const void* src, size_t bytes) override { std::memcpy(dst, src, bytes); }

    WeightTensor load_weight(const std::string& name, GgmlType type, int64_t cols, int64_t rows,
                             const void* host_data, bool writable) override {
        WeightTensor w;
        w.name = name;
        w.type = type;
        w.cols = cols;
        w.rows = rows;
        w.row_bytes = ggml_row_size(type, cols);
        const size_t bytes = w.row_bytes * static_cast<size_t>(rows);
        if (writable) {
            w.storage = alloc(bytes, MemoryCategory::Weights);
            std::memcpy(w.storage.data(), host_data, bytes);
        } else {
            // The CPU reads the mapped file in place; the ledger still counts the bytes.
            ledger_.add(MemoryCategory::Weights, static_cast<int64_t>(bytes));
            w.storage = DeviceBuffer(this, const_cast<void*>(host_data), bytes, MemoryCategory::Weights, true);
        }
        w.data = w.storage.data();
        return w;
    }

    void embed(const WeightTensor& table, std::span<const int32_t> tokens, float* out) override {
        const auto* base = static_cast<const uint8_t*>(table.data);
        for (size_t t = 0; t < tokens.size(); ++t) {
            if (tokens[t] < 0 || tokens[t] >= table.rows)
                throw std::out_of_range("token id " + std::to_string(tokens[t]) + " outside the vocabulary of " +
                                        std::to_string(table.rows));
            dequantize_row(table.type, base + static_cast<size_t>(tokens[t]) * table.row_bytes,
                           out + t * table.cols, table.cols);
        }
    }

    void rmsnorm(const float* x, const float* w, float* out, int n, int dim, float eps) override {
#pragma omp parallel for num_threads(n_threads_) if (n > 1)
        for (int t = 0; t < n; ++t) {
            const float* xr = x + static_cast<size_t>(t) * dim;
            float* o = out + static_cast<size_t>(t) * dim;
            double sum = 0;  // double accumulation, as ggml's rms_norm
            for (int i = 0; i < dim; ++i) sum += static_cast<double>(xr[i]) * xr[i];
            const float mean = static_cast<float>(sum / dim);
            const float scale = 1.0f / std::sqrt(mean + eps);
            for (int i = 0; i < dim; ++i) o[i] = (xr[i] * scale) * w[i];
        }
    }

    void matmul(const WeightTensor& w, const float* x, float* y, int n) override {
        const GgmlType dot_type = vec_dot_type(w.type);
        const size_t xq_row = ggml_row_size(dot_type, w.cols);
        xq_.resize(xq_row * static_cast<size_t>(n) + 64);
        uint8_t* xq = xq_.data();
        const auto* wbase = static_cast<const uint8_t*>(w.data);
        const int64_t rows = w.rows;
        const int64_t cols = w.cols;
        // Rows in chunks so that each chunk of weights is reused for every token while in cache.
        constexpr int64_t kChunk = 16;
        const int64_t n_chunks = (rows + kChunk - 1) / kChunk;
#pragma omp parallel num_threads(n_threads_)
        {
#pragma omp for schedule(static)
            for (int t = 0; t < n; ++t)
                quantize_row_for_dot(dot_type, x + static_cast<size_t>(t) * cols, xq + xq_row * t, cols);
#pragma omp for schedule(static)
            for (int64_t c = 0; c < n_chunks; ++c) {
                const int64_t r0 = c * kChunk;
                const int64_t r1 = std::min(rows, r0 + kChunk);
                for (int t = 0; t < n; ++t)
                    vec_dot_rows(w.type, cols, wbase + w.row_bytes * r0, w.row_bytes, r1 - r0, xq + xq_row * t,
                                 y + static_cast<size_t>(t) * rows + r0);
            }
        }
    }

    void kv_store(void* k_cache, void* v_cache, const KvCacheLayout& L, int layer, int pos0, int n, const float* k,
                  const float* v) override {
        if (pos0 < 0 || pos0 + n > L.n_ctx)
            throw std::out_of_range("KV cache holds " + std::to_string(L.n_ctx) + " positions; asked for " +
                                    std::to_string(pos0 + n));
        const size_t layer_off = static_cast<size_t>(layer) * L.n_ctx * L.kv_width;
        auto* kc = static_cast<uint16_t*>(k_cache) + layer_off + static_cast<size_t>(pos0) * L.kv_width;
        auto* vc = static_cast<uint16_t*>(v_cache) + layer_off + static_cast<size_t>(pos0) * L.kv_width;
        const int count = n * L.kv_width;
        fp32_to_fp16_row(k, kc, count);
        fp32_to_fp16_row(v, vc, count);
    }

    void swiglu(const float* gate, const float* up, float* out, int64_t count) override {
#pragma omp parallel for num_threads(n_threads_) if (count > 4096)
        for (int64_t i = 0; i < count; ++i) {
            const float g = gate[i];
            out[i] = g / (1.0f + std::exp(-g)) * up[i];
        }
    }

    void gather_rows(const float* x, const int32_t* rows, int n_rows, int width, float* out) override {
        for (int i = 0; i < n_rows; ++i)
            std::copy_n(x + static_cast<size_t>(rows[i]) * width, width, out + static_cast<size_t>(i) * width);
    }
    void add_inplace(float* x, const float* y, int64_t count) override {
        for (int64_t i = 0; i < count; ++i) x[i] += y[i];
    }

    // Zeroth-order training ops (backend.h): the host loops, in place.
    void zo_write_scales(const BlockFieldView& f, const float* master, float alpha, ZoNoise noise,
                         uint64_t index0) override {
        zo_write_scales_host(f, master, alpha, noise, index0, n_threads_);
    }
    void zo_update_masters(float* master, int64_t count, float coeff, bool keep_sign, ZoNoise noise,
                           uint64_t index0) override {
        zo_update_masters_host(master, count, coeff, keep_sign, noise, index0, n_threads_);
    }
    void zo_add_noise(float* x, int64_t count, float alpha, ZoNoise noise, uint64_t index0) override {
        zo_add_noise_host(x, count, alpha, noise, index0, n_threads_);
    }
    void matmul_f32(const WeightTensor& w, const float* x, float* y, int n) override {
        if (w.type != GgmlType::F32) return matmul(w, x, y, n);
        matmul_f32_host(static_cast<const float*>(w.data), w.rows, w.cols, x, y, n, n_threads_);
    }

protected:
    // The base class's rope and cached attention run in place, on these threads.
    int host_threads() const override { return n_threads_; }

private:
    int n_threads_;
    std::vector<uint8_t> xq_;  // activations quantized for the current matmul
};

}  // namespace

std::unique_ptr<Backend> make_cpu_backend(int n_threads) { return std::make_unique<CpuBackend>(n_threads); }

}  // namespace qt
