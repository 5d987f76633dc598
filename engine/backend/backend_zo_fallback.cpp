// The base Backend's zeroth-order ops: copy to the host, run the host loop, copy
// back. Correct on any backend; a backend with its own memory overrides them.
#include <vector>

#include "backend/backend.h"
#include "backend/zo_ops_host.h"

namespace qt {
namespace {

std::vector<uint8_t> download_bytes(Backend& b, const void* src, size_t bytes) {
    std::vector<uint8_t> host(bytes);
    b.download(host.data(), src, bytes);
    return host;
}

}  // namespace

void Backend::zo_write_scales(const BlockFieldView& f, const float* master, float alpha, ZoNoise noise,
                              uint64_t index0) {
    const size_t bytes = static_cast<size_t>(f.count) * f.block_bytes;
    auto blocks = download_bytes(*this, f.blocks, bytes);
    auto m = download_bytes(*this, master, static_cast<size_t>(f.count) * sizeof(float));
    BlockFieldView host = f;
    host.blocks = blocks.data();
    zo_write_scales_host(host, reinterpret_cast<const float*>(m.data()), alpha, noise, index0, 1);
    upload(f.blocks, blocks.data(), bytes);
}

void Backend::zo_update_masters(float* master, int64_t count, float coeff, bool keep_sign, ZoNoise noise,
                                uint64_t index0) {
    auto m = download_bytes(*this, master, static_cast<size_t>(count) * sizeof(float));
    zo_update_masters_host(reinterpret_cast<float*>(m.data()), count, coeff, keep_sign, noise, index0, 1);
    upload(master, m.data(), m.size());
}

void Backend::zo_add_noise(float* x, int64_t count, float alpha, ZoNoise noise, uint64_t index0) {
    auto h = download_bytes(*this, x, static_cast<size_t>(count) * sizeof(float));
    zo_add_noise_host(reinterpret_cast<float*>(h.data()), count, alpha, noise, index0, 1);
    upload(x, h.data(), h.size());
}

}  // namespace qt
