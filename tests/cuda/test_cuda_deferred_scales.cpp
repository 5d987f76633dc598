// The CUDA backend defers QZO's writes of the block scale d for weights it loaded
// (cuda_backend.cpp): the tensor-core matmul reads d from the master and the
// noise instead. Every observable result must be that of the written blocks, so
// each check runs the same operations on a weight loaded with load_weight
// (deferred) and on a copy the backend does not know as a weight (written at
// once), and compares bit for bit:
//   - the tensor-core product (a weight whose last chunk is partial, and one of many
//     chunks) after a perturbation, after the restore and after
//     an update (256 tokens; the dequantization reads the masters);
//   - the warp kernels' product (8 tokens), which write the deferred scales out first;
//   - the bytes a download returns, and the masters after the update.
// The perturbation must move the product, so that a deferral that read the
// stale blocks would fail.
#include <gtest/gtest.h>

#include <cstring>
#include <random>
#include <string>
#include <vector>

#include "cuda_test_support.h"
#include "quant/half.h"

namespace qt::test {
namespace {

std::vector<float> product(Backend& be, const WeightTensor& w, const DeviceBuffer& x, int n) {
    DeviceBuffer y = to_backend(be, std::vector<float>(static_cast<size_t>(n) * w.rows, NAN));
    be.matmul(w, x.f32(), y.f32(), n);
    return from_backend(be, y, static_cast<size_t>(n) * w.rows);
}

std::vector<uint8_t> bytes_of(Backend& be, const WeightTensor& w) {
    std::vector<uint8_t> v(static_cast<size_t>(w.rows) * w.row_bytes);
    be.download(v.data(), w.data, v.size());
    return v;
}

bool same_bits(const std::vector<float>& a, const std::vector<float>& b) {
    return a.size() == b.size() && std::memcmp(a.data(), b.data(), a.size() * sizeof(float)) == 0;
}

}  // namespace

TEST(CudaDeferredScales, ProductsAndBytesEqualThoseOfWrittenBlocks) {
    QT_REQUIRE_GPU(gpu);
    const uint64_t seed = fresh_seed();
    std::mt19937_64 rng(seed);
    // 100 rows: 1600 blocks, six chunks of the dequantization kernel and a
    // partial one (quant_matmul_gemm.cu); 4608 rows: 288 full chunks.
    for (const int64_t rows : {int64_t{100}, int64_t{4608}})
    for (GgmlType type : {GgmlType::Q4_0, GgmlType::Q4_1, GgmlType::Q5_0, GgmlType::Q8_0}) {
        SCOPED_TRACE(std::string(ggml_type_name(type)) + ", " + std::to_string(rows) + " rows");
        const int64_t cols = 512;
        const auto blocks = random_weight_rows(type, rows, cols, 0.05f, rng);
        const size_t block_bytes = blocks.size() / static_cast<size_t>(rows * cols / 32);
        const int64_t count = rows * cols / 32;
        std::vector<float> master(static_cast<size_t>(count));
        for (int64_t b = 0; b < count; ++b) {
            uint16_t h;
            std::memcpy(&h, blocks.data() + static_cast<size_t>(b) * block_bytes, 2);
            master[static_cast<size_t>(b)] = fp16_to_fp32(h);
        }
        WeightTensor deferred = gpu->load_weight("deferred", type, cols, rows, blocks.data(), true);
        WeightTensor eager = unregistered_weight(*gpu, type, rows, cols, blocks);
        DeviceBuffer m_deferred = to_backend(*gpu, master), m_eager = to_backend(*gpu, master);
        const BlockFieldView v_deferred{deferred.storage.data(), block_bytes, 0, count};
        const BlockFieldView v_eager{eager.storage.data(), block_bytes, 0, count};
        const DeviceBuffer x_many = to_backend(*gpu, random_floats(256 * static_cast<size_t>(cols), 1.0f, rng));
        const DeviceBuffer x_few = to_backend(*gpu, random_floats(8 * static_cast<size_t>(cols), 1.0f, rng));
        const ZoNoise noise{seed + 3, 77};
        const uint64_t index0 = 4099;  // not a multiple of 4: groups straddle the weight's start

        const auto before = product(*gpu, deferred, x_many, 256);
        gpu->zo_write_scales(v_deferred, m_deferred.f32(), 5e-3f, noise, index0);
        gpu->zo_write_scales(v_eager, m_eager.f32(), 5e-3f, noise, index0);
        const auto perturbed = product(*gpu, deferred, x_many, 256);
        EXPECT_TRUE(same_bits(perturbed, product(*gpu, eager, x_many, 256))) << "perturbed, 256 tokens";
        EXPECT_FALSE(same_bits(perturbed, before)) << "the perturbation did not reach the product";

        gpu->zo_write_scales(v_deferred, m_deferred.f32(), -5e-3f, noise, index0);
        gpu->zo_write_scales(v_eager, m_eager.f32(), -5e-3f, noise, index0);
        EXPECT_TRUE(same_bits(product(*gpu, deferred, x_few, 8), product(*gpu, eager, x_few, 8)))
            << "perturbed, 8 tokens (warp kernels)";
        EXPECT_EQ(bytes_of(*gpu, deferred), bytes_of(*gpu, eager)) << "perturbed blocks";

        gpu->zo_write_scales(v_deferred, m_deferred.f32(), 0.0f, noise, index0);
        gpu->zo_write_scales(v_eager, m_eager.f32(), 0.0f, noise, index0);
        EXPECT_TRUE(same_bits(product(*gpu, deferred, x_many, 256), before)) << "restored";

        for (const auto& [v, m] : {std::pair{v_deferred, m_deferred.f32()}, std::pair{v_eager, m_eager.f32()}}) {
            gpu->zo_update_masters(m, v.count, 3e-4f, true, noise, index0);
            gpu->zo_write_scales(v, m, 0.0f, noise, index0);
        }
        EXPECT_TRUE(same_bits(product(*gpu, deferred, x_many, 256), product(*gpu, eager, x_many, 256))) << "updated";
        EXPECT_TRUE(same_bits(from_backend(*gpu, m_deferred, master.size()), from_backend(*gpu, m_eager, master.size())))
            << "updated masters";
        EXPECT_EQ(bytes_of(*gpu, deferred), bytes_of(*gpu, eager)) << "updated blocks";

        // A deferred write outlives nothing it depends on: freeing the master writes it out first.
        gpu->zo_write_scales(v_deferred, m_deferred.f32(), 5e-3f, noise, index0);
        gpu->zo_write_scales(v_eager, m_eager.f32(), 5e-3f, noise, index0);
        m_deferred.reset();
        m_eager.reset();
        EXPECT_EQ(bytes_of(*gpu, deferred), bytes_of(*gpu, eager)) << "blocks after the master was freed";
    }
}

}  // namespace qt::test
