// Merged, re-quantized export (engine/train/merged_export.h) on random models
// written by quanttune-cli random-model: the merged weights read back within the
// quantization bound of each block (quantize_bounds.h), every other tensor and
// key unchanged, and the report's RMS numbers equal to a recomputation here.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <fstream>
#include <iostream>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "gguf/gguf_file.h"
#include "quant/dequantize.h"
#include "quant/ggml_type.h"
#include "quantize_bounds.h"
#include "test_support.h"
#include "train/merged_export.h"
#include "util/philox_normal.h"

namespace {

constexpr int kRank = 4;
constexpr float kAlpha = 8.0f;

// quanttune-cli random-model with the given shape options; returns the file's path.
std::string random_model(const std::string& dir, const std::string& options) {
    const std::string path = dir + "/base.gguf";
    std::string out;
    const int status =
        qt::test::run_command(std::string("'") + QT_CLI_PATH + "' random-model --out '" + path + "' " + options, out);
    if (status != 0) throw std::runtime_error("random-model failed: " + out);
    return path;
}

// Host-side adapters (A std 1/sqrt(in), B std b_std) and the LoraMergeInput views of them.
struct Adapters {
    std::vector<std::vector<float>> a, b;
    std::vector<qt::LoraMergeInput> inputs;
};

Adapters random_adapters(const qt::GgufFile& base, const std::vector<std::string>& names, float b_std) {
    Adapters ad;
    ad.a.reserve(names.size());
    ad.b.reserve(names.size());
    uint64_t stream = 200;
    for (const auto& name : names) {
        const auto& t = base.tensor(name);
        const int64_t in = t.dims[0], out = t.dims[1];
        auto& a = ad.a.emplace_back();
        auto& b = ad.b.emplace_back();
        for (int64_t i = 0; i < kRank * in; ++i)
            a.push_back(qt::philox_normal(13, stream, i) / std::sqrt(static_cast<float>(in)));
        for (int64_t i = 0; i < out * kRank; ++i) b.push_back(b_std * qt::philox_normal(13, stream + 1, i));
        stream += 2;
        ad.inputs.push_back({name, in, out, a.data(), b.data()});
    }
    return ad;
}

std::vector<float> dequantize_tensor(const qt::GgufTensorInfo& t) {
    const int64_t in = t.dims[0];
    std::vector<float> w(static_cast<size_t>(t.num_elements()));
    for (int64_t o = 0; o < t.rows(); ++o)
        qt::dequantize_row(t.type, t.data + static_cast<size_t>(o) * qt::ggml_row_size(t.type, in), w.data() + o * in,
                           in);
    return w;
}

// What the merge should hold, computed here: W' = W + (alpha / rank) B A, and the update alone.
struct Expected {
    std::vector<float> merged;
    std::vector<double> update;
};

Expected expected_merge(const qt::GgufTensorInfo& t, const qt::LoraMergeInput& ad) {
    Expected e;
    e.merged = dequantize_tensor(t);
    e.update.resize(e.merged.size());
    const double scale = static_cast<double>(kAlpha) / kRank;
    for (int64_t o = 0; o < ad.out; ++o)
        for (int64_t i = 0; i < ad.in; ++i) {
            double ba = 0;
            for (int r = 0; r < kRank; ++r) ba += static_cast<double>(ad.b[o * kRank + r]) * ad.a[r * ad.in + i];
            const size_t k = static_cast<size_t>(o * ad.in + i);
            e.update[k] = scale * ba;
            e.merged[k] = static_cast<float>(e.merged[k] + e.update[k]);
        }
    return e;
}

double rms(const std::vector<double>& v) {
    double s = 0;
    for (double x : v) s += x * x;
    return std::sqrt(s / static_cast<double>(v.size()));
}

// Checks one merged tensor of `out` against the recomputation and its report;
// returns the fraction of blocks whose bytes changed from the base.
double check_merged_tensor(const qt::GgufFile& base, const qt::GgufFile& out, const qt::LoraMergeInput& ad,
                           const qt::RequantReport& report, qt::GgmlType expected_type) {
    const auto& bt = base.tensor(ad.base_name);
    const auto& wt = out.tensor(ad.base_name);
    EXPECT_EQ(report.tensor, ad.base_name);
    EXPECT_EQ(report.base_type, bt.type);
    EXPECT_EQ(report.written_type, expected_type);
    EXPECT_EQ(wt.type, expected_type) << ad.base_name;
    EXPECT_EQ(wt.dims, bt.dims) << ad.base_name;
    const Expected e = expected_merge(bt, ad);
    const auto got = dequantize_tensor(wt);
    const auto& tr = qt::ggml_traits(wt.type);
    std::vector<double> error(got.size()), weight(got.size());
    const auto base_w = dequantize_tensor(bt);
    for (size_t k = 0; k < got.size(); ++k) {
        const size_t blk = k / static_cast<size_t>(tr.block_size);
        const auto b = qt::test::quantization_error_bound(wt.type, e.merged.data() + blk * tr.block_size,
                                                          wt.data + blk * tr.type_size,
                                                          static_cast<int>(k % static_cast<size_t>(tr.block_size)));
        error[k] = static_cast<double>(got[k]) - e.merged[k];
        weight[k] = base_w[k];
        if (!(std::fabs(error[k]) <= b.bound)) {
            ADD_FAILURE() << ad.base_name << " element " << k << ": merged " << e.merged[k] << ", read back " << got[k]
                          << ", bound " << b.bound;
            break;
        }
    }
    // The report: the same RMS numbers as recomputed here (the merged floats may
    // differ by an ulp where the sums ran in another order, hence not bit-equal).
    EXPECT_NEAR(report.rms_update, rms(e.update), 1e-9 * rms(e.update)) << ad.base_name;
    EXPECT_NEAR(report.rms_requant_error, rms(error), 1e-4 * rms(error) + 1e-9) << ad.base_name;
    EXPECT_NEAR(report.rms_weight, rms(weight), 1e-12 * rms(weight)) << ad.base_name;
    std::cout << "[ merged ] " << ad.base_name << " " << qt::ggml_type_name(bt.type) << " -> "
              << qt::ggml_type_name(wt.type) << ": rms weight " << report.rms_weight << ", update "
              << report.rms_update << ", re-quantization error " << report.rms_requant_error << "\n";
    int64_t changed = 0;
    const int64_t blocks = bt.num_elements() / tr.block_size;
    if (wt.type != bt.type) return 1.0;
    for (int64_t b = 0; b < blocks; ++b)
        changed += std::memcmp(wt.data + b * tr.type_size, bt.data + b * tr.type_size, tr.type_size) != 0;
    return static_cast<double>(changed) / static_cast<double>(blocks);
}

// Every tensor not in `merged` byte-identical, every key equal.
void expect_rest_unchanged(const qt::GgufFile& base, const qt::GgufFile& out, const std::vector<std::string>& merged) {
    ASSERT_EQ(out.tensors().size(), base.tensors().size());
    for (size_t k = 0; k < base.tensors().size(); ++k) {
        const auto& bt = base.tensors()[k];
        const auto& ot = out.tensors()[k];
        ASSERT_EQ(ot.name, bt.name);
        if (std::find(merged.begin(), merged.end(), bt.name) != merged.end()) continue;
        EXPECT_EQ(ot.type, bt.type) << bt.name;
        EXPECT_EQ(ot.dims, bt.dims) << bt.name;
        ASSERT_EQ(ot.nbytes, bt.nbytes) << bt.name;
        EXPECT_EQ(std::memcmp(ot.data, bt.data, bt.nbytes), 0) << bt.name;
    }
    ASSERT_EQ(out.metadata().size(), base.metadata().size());
    for (size_t k = 0; k < base.metadata().size(); ++k) {
        EXPECT_EQ(out.metadata()[k].first, base.metadata()[k].first);
        EXPECT_EQ(out.metadata()[k].second.to_display_string(1u << 20),
                  base.metadata()[k].second.to_display_string(1u << 20))
            << base.metadata()[k].first;
    }
}

std::vector<std::string> targets(int layers) {
    std::vector<std::string> names;
    for (int l = 0; l < layers; ++l)
        for (const char* role : {"attn_q", "attn_v", "attn_output", "ffn_down"})
            names.push_back("blk." + std::to_string(l) + "." + role + ".weight");
    return names;
}

TEST(MergedExport, Q4_1MergeReadsBackWithinEachBlocksBoundAndLeavesTheRestAsItWas) {
    qt::test::TempDir dir("merged-q4_1");
    auto base = qt::GgufFile::open(
        random_model(dir.path, "--layers 2 --dim 64 --ffn 128 --heads 4 --kv-heads 2 --vocab 320 --type Q4_1"));
    const auto names = targets(2);
    // B std 0.05: an update RMS of ~0.02, about a Q4_1 step of these weights (RMS ~0.12).
    const auto ad = random_adapters(*base, names, 0.05f);
    const std::string path = dir.path + "/merged.gguf";
    const auto reports = qt::export_merged_gguf(*base, path, kRank, kAlpha, ad.inputs, std::nullopt);
    ASSERT_EQ(reports.size(), names.size());
    auto out = qt::GgufFile::open(path);
    for (size_t k = 0; k < names.size(); ++k) {
        EXPECT_FALSE(reports[k].fell_back_to_q8_0);
        const double changed = check_merged_tensor(*base, *out, ad.inputs[k], reports[k], qt::GgmlType::Q4_1);
        // An update of a step's size changes nearly every block's codes.
        EXPECT_GT(changed, 0.9) << names[k];
    }
    expect_rest_unchanged(*base, *out, names);
}

// A one-layer model of a 256-block type with two of its matrices merged (B std 0.02).
struct KQuantMerge {
    explicit KQuantMerge(const char* type)
        : dir(std::string("merged-") + type),
          base(qt::GgufFile::open(random_model(
              dir.path, std::string("--layers 1 --dim 256 --ffn 256 --heads 4 --kv-heads 2 --vocab 320 --type ") + type))),
          ad(random_adapters(*base, names, 0.02f)),
          reports(qt::export_merged_gguf(*base, dir.path + "/merged.gguf", kRank, kAlpha, ad.inputs, std::nullopt)),
          out(qt::GgufFile::open(dir.path + "/merged.gguf")) {}
    const std::vector<std::string> names = {"blk.0.attn_q.weight", "blk.0.ffn_down.weight"};
    qt::test::TempDir dir;
    std::unique_ptr<qt::GgufFile> base;
    Adapters ad;
    std::vector<qt::RequantReport> reports;
    std::unique_ptr<qt::GgufFile> out;
};

TEST(MergedExport, TensorsOfATypeWithoutAQuantizerAreWrittenAsQ8_0AndTheReportSaysSo) {
    const KQuantMerge m("Q6_K");
    const auto& [names, dir, base, ad, reports, out] = m;
    for (size_t k = 0; k < names.size(); ++k) {
        EXPECT_TRUE(reports[k].fell_back_to_q8_0) << names[k];
        EXPECT_EQ(reports[k].base_type, qt::GgmlType::Q6_K);
        check_merged_tensor(*base, *out, ad.inputs[k], reports[k], qt::GgmlType::Q8_0);
    }
    expect_rest_unchanged(*base, *out, names);
}

// Q4_K has a quantizer (quant/quantize_q4_k.cpp): its tensors keep their type, each
// weight within its super-block's range / 15 of the merged value.
TEST(MergedExport, Q4KTensorsKeepTheirType) {
    const KQuantMerge m("Q4_K");
    const auto& [names, dir, base, ad, reports, out] = m;
    for (size_t k = 0; k < names.size(); ++k) {
        EXPECT_FALSE(reports[k].fell_back_to_q8_0) << names[k];
        EXPECT_EQ(reports[k].written_type, qt::GgmlType::Q4_K) << names[k];
        const auto& wt = out->tensor(names[k]);
        ASSERT_EQ(wt.type, qt::GgmlType::Q4_K) << names[k];
        const Expected e = expected_merge(base->tensor(names[k]), ad.inputs[k]);
        const auto got = dequantize_tensor(wt);
        ASSERT_EQ(got.size(), e.merged.size());
        for (size_t s = 0; s < got.size(); s += 256) {
            const auto [lo, hi] = std::minmax_element(e.merged.begin() + s, e.merged.begin() + s + 256);
            const double bound = (*hi - std::min(*lo, 0.0f)) / 15.0;
            for (size_t i = s; i < s + 256; ++i)
                ASSERT_LE(std::fabs(got[i] - e.merged[i]), bound) << names[k] << " element " << i;
        }
    }
    expect_rest_unchanged(*base, *out, names);
}

TEST(MergedExport, OutTypeOverridesEachTensorsOwnType) {
    qt::test::TempDir dir("merged-out-type");
    auto base = qt::GgufFile::open(
        random_model(dir.path, "--layers 1 --dim 64 --ffn 128 --heads 4 --kv-heads 2 --vocab 320 --type Q4_1"));
    const std::vector<std::string> names = {"blk.0.attn_v.weight"};
    const auto ad = random_adapters(*base, names, 0.05f);
    for (qt::GgmlType t : {qt::GgmlType::Q8_0, qt::GgmlType::Q5_0, qt::GgmlType::F16}) {
        const std::string path = dir.path + "/merged-" + std::string(qt::ggml_type_name(t)) + ".gguf";
        const auto reports = qt::export_merged_gguf(*base, path, kRank, kAlpha, ad.inputs, t);
        auto out = qt::GgufFile::open(path);
        EXPECT_FALSE(reports[0].fell_back_to_q8_0);
        check_merged_tensor(*base, *out, ad.inputs[0], reports[0], t);
        expect_rest_unchanged(*base, *out, names);
    }
}

TEST(MergedExport, RefusesBadInputsNamingTheTensor) {
    qt::test::TempDir dir("merged-refuse");
    auto base = qt::GgufFile::open(
        random_model(dir.path, "--layers 1 --dim 64 --ffn 128 --heads 4 --kv-heads 2 --vocab 320 --type Q4_1"));
    const auto ad = random_adapters(*base, {"blk.0.attn_q.weight"}, 0.05f);
    const std::string path = dir.path + "/merged.gguf";
    auto message = [&](int rank, std::vector<qt::LoraMergeInput> in) {
        try {
            qt::export_merged_gguf(*base, path, rank, kAlpha, in, std::nullopt);
        } catch (const std::invalid_argument& e) {
            return std::string(e.what());
        }
        return std::string();
    };
    EXPECT_NE(message(0, ad.inputs).find("rank 0"), std::string::npos);
    auto unknown = ad.inputs;
    unknown[0].base_name = "blk.3.attn_q.weight";
    EXPECT_NE(message(kRank, unknown).find("\"blk.3.attn_q.weight\" is not in the base model"), std::string::npos);
    auto shape = ad.inputs;
    shape[0].in = 128;
    EXPECT_NE(message(kRank, shape).find("\"blk.0.attn_q.weight\" is 64 out x 64 in"), std::string::npos);
    auto null_a = ad.inputs;
    null_a[0].a = nullptr;
    EXPECT_NE(message(kRank, null_a).find("\"blk.0.attn_q.weight\": A or B is a null pointer"), std::string::npos);
    auto twice = ad.inputs;
    twice.push_back(ad.inputs[0]);
    EXPECT_NE(message(kRank, twice).find("given twice"), std::string::npos);
    std::vector<float> nan_a(ad.a[0].size(), std::nanf(""));
    auto not_finite = ad.inputs;
    not_finite[0].a = nan_a.data();
    EXPECT_NE(message(kRank, not_finite).find("\"blk.0.attn_q.weight\": merged row 0 holds a NaN or an infinity"),
              std::string::npos);
    EXPECT_FALSE(std::ifstream(path).good());
}

}  // namespace
