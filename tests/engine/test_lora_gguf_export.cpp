// LoRA adapter export (engine/train/lora_gguf_export.h): the file's keys and
// tensors read back, its refusals, and llama.cpp running the base model with our
// adapter against llama.cpp running a model whose weights are merged here,
// W + (alpha / rank) * B * A: equal logits show llama.cpp reads the adapter as meant.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <fstream>
#include <iostream>
#include <map>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "gguf/gguf_file.h"
#include "gguf/gguf_writer.h"
#include "gguf/random_llama_gguf.h"
#include "logit_compare_support.h"
#include "test_support.h"
#include "train/lora_gguf_export.h"
#include "train/merged_export.h"
#include "util/philox_normal.h"

namespace {

using qt::test::read_floats;

constexpr int kRank = 4;
constexpr float kAlpha = 8.0f;

// A small all-float model (F32 linears and embedding, so that llama.cpp computes
// every product in float and the two runs compared differ only by rounding).
// quanttune-cli random-model has no F32 type, so the engine writes it directly.
std::string write_f32_model(const std::string& dir) {
    qt::RandomLlamaSpec spec;
    spec.n_layers = 2;
    spec.dim = 64;
    spec.ffn_dim = 128;
    spec.n_heads = 4;
    spec.n_kv_heads = 2;
    spec.weight_type = qt::GgmlType::F32;
    spec.embedding_type = qt::GgmlType::F32;
    spec.seed = 5;
    const std::string path = dir + "/base.gguf";
    qt::write_random_llama_gguf(path, spec);
    return path;
}

// Random A (std 1/sqrt(in)) and B (std 0.05) for q, v and down of every layer:
// an update of ~20% of the weights' RMS.
std::vector<qt::LoraTensorExport> random_adapters(const qt::GgufFile& base) {
    std::vector<qt::LoraTensorExport> out;
    uint64_t stream = 100;
    for (int64_t l = 0; l < base.get_int("llama.block_count"); ++l)
        for (const char* role : {"attn_q", "attn_v", "ffn_down"}) {
            qt::LoraTensorExport t;
            t.base_name = "blk." + std::to_string(l) + "." + role + ".weight";
            const auto& info = base.tensor(t.base_name);
            t.in = info.dims[0];
            t.out = info.dims[1];
            const float a_std = 1.0f / std::sqrt(static_cast<float>(t.in));
            for (int64_t i = 0; i < kRank * t.in; ++i) t.a.push_back(a_std * qt::philox_normal(9, stream, i));
            for (int64_t i = 0; i < t.out * kRank; ++i) t.b.push_back(0.05f * qt::philox_normal(9, stream + 1, i));
            stream += 2;
            out.push_back(std::move(t));
        }
    return out;
}

// The base file with W + (alpha / rank) * B * A in place of each adapted F32 weight,
// computed here in double, independently of the engine.
void write_merged_model(const qt::GgufFile& base, const std::vector<qt::LoraTensorExport>& adapters,
                        const std::string& path) {
    std::map<std::string, const qt::LoraTensorExport*> by_name;
    for (const auto& a : adapters) by_name[a.base_name] = &a;
    const double scale = static_cast<double>(kAlpha) / kRank;
    qt::GgufWriter w;
    w.copy_metadata(base);
    w.set_alignment(static_cast<uint32_t>(base.alignment()));
    for (const auto& t : base.tensors()) {
        auto it = by_name.find(t.name);
        if (it == by_name.end()) {
            w.add_tensor(t.name, t.type, t.dims, std::vector<uint8_t>(t.data, t.data + t.nbytes));
            continue;
        }
        ASSERT_EQ(t.type, qt::GgmlType::F32) << t.name;
        const auto& ad = *it->second;
        std::vector<float> merged(static_cast<size_t>(ad.in * ad.out));
        std::memcpy(merged.data(), t.data, merged.size() * sizeof(float));
        for (int64_t o = 0; o < ad.out; ++o)
            for (int64_t i = 0; i < ad.in; ++i) {
                double ba = 0;
                for (int r = 0; r < kRank; ++r)
                    ba += static_cast<double>(ad.b[o * kRank + r]) * ad.a[r * ad.in + i];
                merged[o * ad.in + i] = static_cast<float>(merged[o * ad.in + i] + scale * ba);
            }
        std::vector<uint8_t> bytes(merged.size() * sizeof(float));
        std::memcpy(bytes.data(), merged.data(), bytes.size());
        w.add_tensor(t.name, t.type, t.dims, std::move(bytes));
    }
    w.write(path);
}

std::vector<float> llama_cpp_logits(const std::string& model, const std::string& tokens, const std::string& out,
                                    const std::string& lora = "") {
    std::vector<std::string> args = {model, tokens, out};
    if (!lora.empty()) args.push_back(lora);
    qt::test::run_oracle("llama_cpp_lora_logits.py", args);
    return read_floats(out);
}

double max_abs_difference(const std::vector<float>& a, const std::vector<float>& b) {
    double m = 0;
    for (size_t i = 0; i < a.size(); ++i) m = std::max(m, std::fabs(static_cast<double>(a[i]) - b[i]));
    return m;
}

TEST(LoraGgufExport, LlamaCppWithTheAdapterMatchesLlamaCppOnMergedWeights) {
    if (qt::test::oracle_python().empty()) {
        if (qt::test::oracles_required()) FAIL() << "oracle python missing; run scripts/setup.sh";
        GTEST_SKIP() << "oracle python missing (run scripts/setup.sh); skipping";
    }
    qt::test::TempDir dir("lora-export");
    const std::string base_path = write_f32_model(dir.path);
    auto base = qt::GgufFile::open(base_path);
    const auto adapters = random_adapters(*base);
    qt::export_lora_gguf(dir.path + "/adapter.gguf", *base, kRank, kAlpha, adapters);
    write_merged_model(*base, adapters, dir.path + "/merged.gguf");

    // 40 tokens spread over the vocabulary (the random model's tokenizer is not needed).
    const int64_t vocab = base->get_int("llama.vocab_size");
    {
        std::ofstream t(dir.path + "/tokens.txt");
        for (int64_t i = 0; i < 40; ++i) t << (i * 37 + 11) % vocab << "\n";
    }
    const std::string tokens = dir.path + "/tokens.txt";
    const auto with_adapter =
        llama_cpp_logits(base_path, tokens, dir.path + "/adapter.logits", dir.path + "/adapter.gguf");
    const auto merged = llama_cpp_logits(dir.path + "/merged.gguf", tokens, dir.path + "/merged.logits");
    const auto plain = llama_cpp_logits(base_path, tokens, dir.path + "/base.logits");
    ASSERT_EQ(with_adapter.size(), static_cast<size_t>(40 * vocab));
    ASSERT_EQ(merged.size(), with_adapter.size());
    ASSERT_EQ(plain.size(), with_adapter.size());

    const auto [lo, hi] = std::minmax_element(merged.begin(), merged.end());
    const double range = *hi - *lo;
    const double adapter_vs_merged = max_abs_difference(with_adapter, merged);
    const double adapter_vs_base = max_abs_difference(with_adapter, plain);
    std::cout << "[ logits ] range " << range << "; max |adapter - merged| " << adapter_vs_merged
              << "; max |adapter - base| " << adapter_vs_base << "\n";
    // The two runs differ by float rounding alone: B (A x) is summed apart from W x
    // (the oracle keeps the KV cache in F32; measured 4.3e-6 of a range of 16.8).
    EXPECT_LE(adapter_vs_merged, 2e-5 * range);
    // The adapter moves the logits by far more than that: a wrong layout, scale or
    // dropped tensor could not hide under the bound.
    EXPECT_GE(adapter_vs_base, 0.05 * range);
}

TEST(LoraGgufExport, FileHoldsTheAdapterKeysAndTensorsLlamaCppExpects) {
    qt::test::TempDir dir("lora-keys");
    auto base = qt::GgufFile::open(write_f32_model(dir.path));
    const auto adapters = random_adapters(*base);
    const std::string path = dir.path + "/adapter.gguf";
    qt::export_lora_gguf(path, *base, kRank, kAlpha, adapters);

    auto f = qt::GgufFile::open(path);
    EXPECT_EQ(f->get_string("general.architecture"), "llama");
    EXPECT_EQ(f->get_string("general.type"), "adapter");
    EXPECT_EQ(f->get_string("adapter.type"), "lora");
    ASSERT_NE(f->find("adapter.lora.alpha"), nullptr);
    EXPECT_EQ(f->find("adapter.lora.alpha")->type, qt::GgufValueType::F32);
    EXPECT_EQ(f->get_float("adapter.lora.alpha"), kAlpha);
    EXPECT_EQ(f->get_int("general.quantization_version"), 2);
    EXPECT_EQ(f->get_string("general.name"), base->get_string("general.name"));
    // Nothing of the base model beyond that: no hyperparameters, no tokenizer.
    EXPECT_EQ(f->metadata().size(), 6u);
    ASSERT_EQ(f->tensors().size(), 2 * adapters.size());
    for (const auto& ad : adapters) {
        const auto& a = f->tensor(ad.base_name + ".lora_a");
        const auto& b = f->tensor(ad.base_name + ".lora_b");
        const auto& w = base->tensor(ad.base_name);
        EXPECT_EQ(a.type, qt::GgmlType::F32);
        EXPECT_EQ(b.type, qt::GgmlType::F32);
        // llama.cpp: base ne[0] == lora_a ne[0], base ne[1] == lora_b ne[1], lora_a ne[1] == lora_b ne[0] == rank.
        EXPECT_EQ(a.dims, (std::vector<int64_t>{w.dims[0], kRank})) << ad.base_name;
        EXPECT_EQ(b.dims, (std::vector<int64_t>{kRank, w.dims[1]})) << ad.base_name;
        ASSERT_EQ(a.nbytes, ad.a.size() * sizeof(float));
        ASSERT_EQ(b.nbytes, ad.b.size() * sizeof(float));
        EXPECT_EQ(std::memcmp(a.data, ad.a.data(), a.nbytes), 0) << ad.base_name;
        EXPECT_EQ(std::memcmp(b.data, ad.b.data(), b.nbytes), 0) << ad.base_name;
    }
}

// The message of the std::invalid_argument that `f` throws (empty when it throws none).
template <typename F>
std::string refusal(F f) {
    try {
        f();
    } catch (const std::invalid_argument& e) {
        return e.what();
    }
    return "";
}

TEST(LoraGgufExport, RefusesBadAdaptersNamingTheTensorAndTheProblem) {
    qt::test::TempDir dir("lora-refuse");
    auto base = qt::GgufFile::open(write_f32_model(dir.path));
    const auto good = random_adapters(*base);
    const std::string path = dir.path + "/adapter.gguf";
    auto export_with = [&](int rank, float alpha, std::vector<qt::LoraTensorExport> ts) {
        return refusal([&] { qt::export_lora_gguf(path, *base, rank, alpha, ts); });
    };
    EXPECT_NE(export_with(0, kAlpha, good).find("rank 0"), std::string::npos);
    EXPECT_NE(export_with(kRank, 0.0f, good).find("alpha"), std::string::npos);
    EXPECT_NE(export_with(kRank, kAlpha, {}).find("no tensors"), std::string::npos);

    auto unknown = good;
    unknown[1].base_name = "blk.7.attn_q.weight";
    EXPECT_NE(export_with(kRank, kAlpha, unknown).find("\"blk.7.attn_q.weight\" is not in the base model"),
              std::string::npos);

    auto swapped = good;  // attn_v is 32 out x 64 in
    std::swap(swapped[1].in, swapped[1].out);
    const std::string shape = export_with(kRank, kAlpha, swapped);
    EXPECT_NE(shape.find("\"blk.0.attn_v.weight\" is 32 out x 64 in"), std::string::npos) << shape;

    auto short_a = good;
    short_a[2].a.pop_back();
    const std::string a_size = export_with(kRank, kAlpha, short_a);
    EXPECT_NE(a_size.find("\"blk.0.ffn_down.weight\": A holds"), std::string::npos) << a_size;

    auto nan_b = good;
    nan_b[0].b[3] = std::nanf("");
    EXPECT_NE(export_with(kRank, kAlpha, nan_b).find("\"blk.0.attn_q.weight\": A or B holds a NaN"),
              std::string::npos);

    auto twice = good;
    twice.push_back(good[0]);
    EXPECT_NE(export_with(kRank, kAlpha, twice).find("given twice"), std::string::npos);

    auto norm = good;
    norm[0].base_name = "blk.0.attn_norm.weight";
    EXPECT_NE(export_with(kRank, kAlpha, norm).find("2-D matrix"), std::string::npos);
    // Nothing was written by any refused export.
    EXPECT_FALSE(std::ifstream(path).good());
}

// A fused tensor (Phi-3's attn_qkv: q, k and v's rows one after another) of 32
// columns and 12 rows, and rank-2 adapters of two of its parts: rows 0-3 and 4-7.
// Rows 8-11 (v) have none.
struct FusedCase {
    std::string path;
    std::vector<float> w;  // [12][32]
    std::vector<qt::LoraTensorExport> parts;
};

constexpr int64_t kFusedIn = 32, kFusedRows = 12;
constexpr int kFusedRank = 2;

FusedCase write_fused_base(const std::string& dir) {
    FusedCase c;
    c.path = dir + "/fused.gguf";
    for (int64_t i = 0; i < kFusedIn * kFusedRows; ++i) c.w.push_back(0.1f * qt::philox_normal(3, 1, i));
    std::vector<uint8_t> bytes(c.w.size() * sizeof(float));
    std::memcpy(bytes.data(), c.w.data(), bytes.size());
    qt::GgufWriter w;
    w.set_string("general.architecture", "phi3");
    w.add_tensor("blk.0.attn_qkv.weight", qt::GgmlType::F32, {kFusedIn, kFusedRows}, std::move(bytes));
    w.write(c.path);
    for (int64_t first_row : {0, 4}) {
        qt::LoraTensorExport t;
        t.base_name = "blk.0.attn_qkv.weight";
        t.in = kFusedIn;
        t.out = 4;
        t.fused_part = true;
        t.first_row = first_row;
        for (int64_t i = 0; i < kFusedRank * t.in; ++i) t.a.push_back(0.2f * qt::philox_normal(4, first_row, i));
        for (int64_t i = 0; i < t.out * kFusedRank; ++i) t.b.push_back(0.1f * qt::philox_normal(5, first_row, i));
        c.parts.push_back(std::move(t));
    }
    return c;
}

// (alpha / rank) * B A of each part at its rows, zero elsewhere, in double: [12][32].
std::vector<double> fused_update(const FusedCase& c, double alpha) {
    std::vector<double> u(static_cast<size_t>(kFusedIn * kFusedRows), 0.0);
    for (const auto& p : c.parts)
        for (int64_t o = 0; o < p.out; ++o)
            for (int64_t i = 0; i < kFusedIn; ++i) {
                double ba = 0;
                for (int r = 0; r < kFusedRank; ++r) ba += static_cast<double>(p.b[o * kFusedRank + r]) * p.a[r * kFusedIn + i];
                u[static_cast<size_t>((p.first_row + o) * kFusedIn + i)] = alpha / kFusedRank * ba;
            }
    return u;
}

std::vector<float> tensor_floats(const qt::GgufFile& f, const std::string& name) {
    const qt::GgufTensorInfo& t = f.tensor(name);
    EXPECT_EQ(t.type, qt::GgmlType::F32) << name;
    std::vector<float> v(t.nbytes / sizeof(float));
    std::memcpy(v.data(), t.data, t.nbytes);
    return v;
}

// llama.cpp adapts a fused tensor as a whole: the parts become one adapter of rank
// 2 x 2 whose product, at llama.cpp's scale alpha / 4, is each part's at alpha / 2.
TEST(FusedTensorExport, PartsOfAFusedTensorBecomeOneAdapterOfItWithTheSameProduct) {
    qt::test::TempDir dir("fused-lora");
    const FusedCase c = write_fused_base(dir.path);
    auto base = qt::GgufFile::open(c.path);
    qt::export_lora_gguf(dir.path + "/adapter.gguf", *base, kFusedRank, kAlpha, c.parts);
    auto ad = qt::GgufFile::open(dir.path + "/adapter.gguf");
    const auto& ta = ad->tensor("blk.0.attn_qkv.weight.lora_a");
    const auto& tb = ad->tensor("blk.0.attn_qkv.weight.lora_b");
    ASSERT_EQ(ta.dims, (std::vector<int64_t>{kFusedIn, 2 * kFusedRank}));
    ASSERT_EQ(tb.dims, (std::vector<int64_t>{2 * kFusedRank, kFusedRows}));
    const std::vector<float> a = tensor_floats(*ad, ta.name), b = tensor_floats(*ad, tb.name);
    const int64_t rank = 2 * kFusedRank;
    const std::vector<double> want = fused_update(c, kAlpha);
    double worst = 0;
    for (int64_t o = 0; o < kFusedRows; ++o)
        for (int64_t i = 0; i < kFusedIn; ++i) {
            double ba = 0;
            for (int64_t r = 0; r < rank; ++r) ba += static_cast<double>(b[o * rank + r]) * a[r * kFusedIn + i];
            worst = std::max(worst, std::fabs(kAlpha / rank * ba - want[static_cast<size_t>(o * kFusedIn + i)]));
        }
    EXPECT_LE(worst, 1e-6);
}

// The merged export adds each part's product at its rows and leaves the rows no
// part covers as they were (F32 in, F32 out: nothing rounds but the float sum).
TEST(FusedTensorExport, MergedExportAddsEachPartAtItsRowsOfTheFusedTensor) {
    qt::test::TempDir dir("fused-merge");
    const FusedCase c = write_fused_base(dir.path);
    auto base = qt::GgufFile::open(c.path);
    std::vector<qt::LoraMergeInput> merge;
    for (const auto& p : c.parts) merge.push_back({p.base_name, p.in, p.out, p.a.data(), p.b.data(), true, p.first_row});
    const auto reports = qt::export_merged_gguf(*base, dir.path + "/merged.gguf", kFusedRank, kAlpha, merge, std::nullopt);
    ASSERT_EQ(reports.size(), 2u);
    EXPECT_EQ(reports[0].tensor, "blk.0.attn_qkv.weight rows 0-3");
    EXPECT_EQ(reports[1].tensor, "blk.0.attn_qkv.weight rows 4-7");
    auto merged = qt::GgufFile::open(dir.path + "/merged.gguf");
    const std::vector<float> got = tensor_floats(*merged, "blk.0.attn_qkv.weight");
    const std::vector<double> u = fused_update(c, kAlpha);
    for (size_t k = 0; k < got.size(); ++k)
        ASSERT_NEAR(got[k], c.w[k] + u[k], 1e-6) << "row " << k / kFusedIn;
    for (size_t k = 8 * kFusedIn; k < got.size(); ++k) ASSERT_EQ(got[k], c.w[k]) << "row " << k / kFusedIn;
}

TEST(FusedTensorExport, PartsThatOverlapOrLieOutsideTheTensorAreRefused) {
    qt::test::TempDir dir("fused-refuse");
    FusedCase c = write_fused_base(dir.path);
    auto base = qt::GgufFile::open(c.path);
    auto message = [&](const std::vector<qt::LoraTensorExport>& parts) {
        try {
            qt::export_lora_gguf(dir.path + "/adapter.gguf", *base, kFusedRank, kAlpha, parts);
        } catch (const std::invalid_argument& e) {
            return std::string(e.what());
        }
        return std::string("(accepted)");
    };
    std::vector<qt::LoraTensorExport> overlap = c.parts;
    overlap[1].first_row = 2;
    EXPECT_NE(message(overlap).find("\"blk.0.attn_qkv.weight\" is given twice (rows 2-5 overlap another part's)"),
              std::string::npos)
        << message(overlap);
    std::vector<qt::LoraTensorExport> outside = c.parts;
    outside[1].first_row = 10;
    EXPECT_NE(message(outside).find("has 12 rows; the adapter's part of rows 10 to 14 does not lie in it"),
              std::string::npos)
        << message(outside);
    std::vector<qt::LoraMergeInput> merge;
    for (const auto& p : outside) merge.push_back({p.base_name, p.in, p.out, p.a.data(), p.b.data(), true, p.first_row});
    EXPECT_THROW(qt::export_merged_gguf(*base, dir.path + "/merged.gguf", kFusedRank, kAlpha, merge, std::nullopt),
                 std::invalid_argument);
}

}  // namespace
