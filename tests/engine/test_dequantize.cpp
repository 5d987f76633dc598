// dequantize_row against gguf-py's numpy dequantization (tests/oracle/dequantize_*.py),
// compared on raw float bits.
#include <gtest/gtest.h>

#include <cstdint>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <random>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

#include "gguf/gguf_file.h"
#include "quant/dequantize.h"
#include "quant/ggml_type.h"
#include "test_support.h"

namespace {

using qt::test::read_bytes;
using qt::test::TempDir;

void write_bytes(const std::string& path, const std::vector<uint8_t>& bytes) {
    std::ofstream out(path, std::ios::binary);
    out.write(reinterpret_cast<const char*>(bytes.data()), static_cast<std::streamsize>(bytes.size()));
    if (!out) throw std::runtime_error("cannot write " + path);
}

std::vector<uint32_t> read_u32s(const std::string& path) {
    const auto bytes = read_bytes(path);
    std::vector<uint32_t> v(bytes.size() / 4);
    std::memcpy(v.data(), bytes.data(), v.size() * 4);
    return v;
}

uint32_t bits_of(float f) {
    uint32_t u;
    std::memcpy(&u, &f, 4);
    return u;
}

std::string hex(uint32_t v) {
    std::ostringstream s;
    s << "0x" << std::hex << v;
    return s.str();
}

// Must match tests/oracle/dequantize_model.py: per chunk of kChunk values,
// sum of bits(x[i]) * (2i + 1) * 0x9E3779B97F4A7C15 mod 2^64.
constexpr int64_t kChunk = 4096;

std::vector<uint64_t> chunk_sums(const std::vector<float>& values) {
    const int64_t n = static_cast<int64_t>(values.size());
    std::vector<uint64_t> sums(static_cast<size_t>((n + kChunk - 1) / kChunk), 0);
    for (int64_t i = 0; i < n; ++i) {
        const uint64_t weight = (2 * static_cast<uint64_t>(i % kChunk) + 1) * 0x9E3779B97F4A7C15ull;
        const uint64_t bits = bits_of(values[static_cast<size_t>(i)]);
        sums[static_cast<size_t>(i / kChunk)] += bits * weight;
    }
    return sums;
}

std::vector<float> dequantize_tensor(const qt::GgufTensorInfo& t) {
    const int64_t cols = t.dims[0];
    const size_t row_bytes = qt::ggml_row_size(t.type, cols);
    std::vector<float> out(static_cast<size_t>(t.num_elements()));
    for (int64_t r = 0; r < t.rows(); ++r)
        qt::dequantize_row(t.type, t.data + static_cast<size_t>(r) * row_bytes, out.data() + r * cols, cols);
    return out;
}

// Where the fp16 scale fields of each block type sit, so random blocks get
// finite scales there (random bits elsewhere: codes and packed sub-scales).
struct RandomBlockType {
    qt::GgmlType type;
    std::vector<size_t> fp16_offsets;
    int64_t blocks;
};

const std::vector<RandomBlockType>& random_block_types() {
    using qt::GgmlType;
    static const std::vector<RandomBlockType> types{
        {GgmlType::F32, {}, 65536},         {GgmlType::F16, {}, 65536},         {GgmlType::BF16, {}, 65536},
        {GgmlType::Q4_0, {0}, 8192},        {GgmlType::Q4_1, {0, 2}, 8192},     {GgmlType::Q5_0, {0}, 8192},
        {GgmlType::Q5_1, {0, 2}, 8192},     {GgmlType::Q8_0, {0}, 8192},        {GgmlType::Q2_K, {80, 82}, 4096},
        {GgmlType::Q3_K, {108}, 4096},      {GgmlType::Q4_K, {0, 2}, 4096},     {GgmlType::Q5_K, {0, 2}, 4096},
        {GgmlType::Q6_K, {208}, 4096},
    };
    return types;
}

// A finite fp16: 5% signed zeros, 10% subnormals, the rest normals of any exponent.
uint16_t random_finite_fp16(std::mt19937_64& rng) {
    const uint16_t sign = (rng() & 1) ? 0x8000 : 0;
    const int kind = static_cast<int>(rng() % 100);
    if (kind < 5) return sign;
    const uint16_t mant = static_cast<uint16_t>(rng() & 0x3ff);
    if (kind < 15) return static_cast<uint16_t>(sign | (mant == 0 ? 1 : mant));
    const uint16_t exp = static_cast<uint16_t>(1 + rng() % 30);
    return static_cast<uint16_t>(sign | (exp << 10) | mant);
}

}  // namespace

TEST(Dequantize, EveryTensorOfDefaultModelDequantizesBitExactly) {
    QT_REQUIRE_MODEL_AND_ORACLE(model);
    const TempDir temp("dequant-model");
    const std::string& dir = temp.path;
    const std::string sums_path = dir + "/checksums.bin";
    const std::string index = qt::test::run_oracle("dequantize_model.py", {model, sums_path});
    const auto ref_bytes = read_bytes(sums_path);
    std::vector<uint64_t> ref_sums(ref_bytes.size() / 8);
    std::memcpy(ref_sums.data(), ref_bytes.data(), ref_sums.size() * 8);

    struct RefTensor {
        int64_t elements;
        size_t first_chunk;
    };
    std::map<std::string, RefTensor> ref;
    std::istringstream lines(index);
    std::string line;
    while (std::getline(lines, line)) {
        std::istringstream fields(line);
        std::string name;
        RefTensor r{};
        ASSERT_TRUE(std::getline(fields, name, '\t') && fields >> r.elements >> r.first_chunk)
            << "bad oracle line: " << line;
        ref[name] = r;
    }

    auto file = qt::GgufFile::open(model);
    ASSERT_EQ(file->tensors().size(), 272u);
    ASSERT_EQ(ref.size(), file->tensors().size());
    int64_t tensors = 0, elements = 0, dumped = 0;  // dumped: tensors that differ
    std::map<qt::GgmlType, int> per_type;
    for (const auto& t : file->tensors()) {
        const auto it = ref.find(t.name);
        ASSERT_NE(it, ref.end()) << "oracle has no tensor " << t.name;
        ASSERT_EQ(it->second.elements, t.num_elements()) << t.name;
        const auto values = dequantize_tensor(t);
        const auto sums = chunk_sums(values);
        ASSERT_LE(it->second.first_chunk + sums.size(), ref_sums.size()) << t.name;
        size_t bad_chunk = sums.size();
        for (size_t c = 0; c < sums.size() && bad_chunk == sums.size(); ++c)
            if (sums[c] != ref_sums[it->second.first_chunk + c]) bad_chunk = c;
        ++tensors;
        elements += t.num_elements();
        ++per_type[t.type];
        if (bad_chunk == sums.size()) continue;
        // Name the first differing element of the first few such tensors: fetch
        // the reference values of the tensor. Later ones are only counted.
        if (dumped++ >= 3) {
            if (dumped <= 10)
                ADD_FAILURE() << t.name << " (" << qt::ggml_type_name(t.type) << "): differs in chunk " << bad_chunk
                              << " (elements " << bad_chunk * kChunk << "..)";
            continue;
        }
        const std::string dump = dir + "/tensor.f32";
        qt::test::run_oracle("dequantize_model.py", {model, "--dump", t.name, dump});
        const auto expected = read_u32s(dump);
        ASSERT_EQ(expected.size(), values.size()) << t.name;
        for (size_t i = 0; i < values.size(); ++i) {
            if (bits_of(values[i]) != expected[i]) {
                float e;
                std::memcpy(&e, &expected[i], 4);
                ADD_FAILURE() << t.name << " (" << qt::ggml_type_name(t.type) << "): first difference at element " << i
                              << ": ours " << values[i] << " (" << hex(bits_of(values[i])) << "), gguf-py " << e << " ("
                              << hex(expected[i]) << ")";
                break;
            }
        }
    }
    std::cout << "[ compared ] " << tensors << " tensors, " << elements << " elements:";
    for (const auto& [type, count] : per_type) std::cout << " " << qt::ggml_type_name(type) << "=" << count;
    std::cout << "\n";
    EXPECT_EQ(tensors, 272);
    EXPECT_EQ(dumped, 0) << dumped << " tensors differ from gguf-py";
}

TEST(Dequantize, RandomBlocksOfEveryTypeMatchGgufPyBitExactly) {
    if (qt::test::oracle_python().empty()) {
        if (qt::test::oracles_required()) FAIL() << "oracle python missing; run scripts/setup.sh";
        GTEST_SKIP() << "oracle python missing (run scripts/setup.sh); skipping";
    }
    const TempDir temp("dequant-blocks");
    const std::string& dir = temp.path;
    std::mt19937_64 rng(20240611);
    std::map<qt::GgmlType, std::vector<uint8_t>> blocks;
    for (const auto& rt : random_block_types()) {
        const auto& tr = qt::ggml_traits(rt.type);
        std::vector<uint8_t> bytes(static_cast<size_t>(rt.blocks) * tr.type_size);
        for (auto& b : bytes) b = static_cast<uint8_t>(rng());
        for (int64_t b = 0; b < rt.blocks; ++b) {
            for (size_t off : rt.fp16_offsets) {
                const uint16_t h = random_finite_fp16(rng);
                std::memcpy(bytes.data() + static_cast<size_t>(b) * tr.type_size + off, &h, 2);
            }
        }
        write_bytes(dir + "/" + std::string(tr.name) + ".blocks", bytes);
        blocks[rt.type] = std::move(bytes);
    }
    qt::test::run_oracle("dequantize_blocks.py", {dir});

    for (const auto& rt : random_block_types()) {
        const auto& tr = qt::ggml_traits(rt.type);
        const int64_t n = rt.blocks * tr.block_size;
        std::vector<float> ours(static_cast<size_t>(n));
        qt::dequantize_row(rt.type, blocks[rt.type].data(), ours.data(), n);
        const auto expected = read_u32s(dir + "/" + std::string(tr.name) + ".f32");
        ASSERT_EQ(expected.size(), ours.size()) << tr.name;
        int64_t mismatches = 0;
        for (size_t i = 0; i < ours.size(); ++i) {
            if (bits_of(ours[i]) == expected[i]) continue;
            if (mismatches++ < 5)
                ADD_FAILURE() << tr.name << ": element " << i << " (block " << static_cast<int64_t>(i) / tr.block_size
                              << "): ours " << hex(bits_of(ours[i])) << ", gguf-py " << hex(expected[i]);
        }
        EXPECT_EQ(mismatches, 0) << tr.name;
        std::cout << "[ compared ] " << tr.name << ": " << rt.blocks << " blocks, " << n << " values, " << mismatches
                  << " mismatches\n";
    }
}

TEST(Dequantize, RejectsTypesWithoutDequantization) {
    std::vector<uint8_t> src(1024, 0);
    std::vector<float> dst(256);
    EXPECT_THROW(qt::dequantize_row(qt::GgmlType::I32, src.data(), dst.data(), 16), std::invalid_argument);
    EXPECT_THROW(qt::dequantize_row(qt::GgmlType::Q8_K, src.data(), dst.data(), 256), std::invalid_argument);
    EXPECT_THROW(qt::dequantize_row(qt::GgmlType::Q8_1, src.data(), dst.data(), 32), std::invalid_argument);
    // A count that is not a whole number of blocks is refused too.
    EXPECT_THROW(qt::dequantize_row(qt::GgmlType::Q4_K, src.data(), dst.data(), 100), std::invalid_argument);
}

TEST(Dequantize, DecodesAHandBuiltQ4_0Block) {
    // d = 0.5 (fp16 0x3800); qs[j] = (15 - j) << 4 | j, so element j is j - 8 and
    // element j + 16 is 7 - j, both times 0.5.
    std::vector<uint8_t> block(18);
    block[0] = 0x00;
    block[1] = 0x38;
    for (int j = 0; j < 16; ++j) block[2 + j] = static_cast<uint8_t>(((15 - j) << 4) | j);
    float out[32];
    qt::dequantize_row(qt::GgmlType::Q4_0, block.data(), out, 32);
    for (int j = 0; j < 16; ++j) {
        EXPECT_EQ(out[j], 0.5f * static_cast<float>(j - 8)) << j;
        EXPECT_EQ(out[j + 16], 0.5f * static_cast<float>(7 - j)) << j;
    }
}
