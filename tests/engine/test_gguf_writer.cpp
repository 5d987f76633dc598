// The GGUF writer: every metadata type, alignment and tensor data read back by our
// reader; the reference quantizers; and a QZO-trained default model exported with
// its trained scales, loaded by llama.cpp, whose logits agree with ours.
#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>

#include "backend/cpu_backend.h"
#include "gguf/gguf_writer.h"
#include "gguf/random_llama_gguf.h"
#include "logit_compare_support.h"
#include "methods/qzo_scales.h"
#include "methods/zo_step.h"
#include "quant/dequantize.h"
#include "quant/half.h"
#include "test_support.h"
#include "tokenizer/tokenizer.h"
#include "train/batch_loss.h"
#include "train/gguf_export.h"
#include "util/philox_normal.h"

namespace {

using qt::test::read_floats;

TEST(GgufWriter, WritesEveryValueTypeAndAlignedTensorsThatReadBack) {
    qt::GgufWriter w;
    auto scalar = [&](const char* key, qt::GgufValueType t, uint64_t u, int64_t i, double f) {
        qt::GgufValue v;
        v.type = t;
        v.u = u;
        v.i = i;
        v.f = f;
        w.set(key, v);
    };
    scalar("t.u8", qt::GgufValueType::U8, 200, 0, 0);
    scalar("t.i8", qt::GgufValueType::I8, 0, -100, 0);
    scalar("t.u16", qt::GgufValueType::U16, 60000, 0, 0);
    scalar("t.i16", qt::GgufValueType::I16, 0, -30000, 0);
    scalar("t.u32", qt::GgufValueType::U32, 4000000000u, 0, 0);
    scalar("t.i32", qt::GgufValueType::I32, 0, -2000000000, 0);
    scalar("t.u64", qt::GgufValueType::U64, 1ull << 60, 0, 0);
    scalar("t.i64", qt::GgufValueType::I64, 0, -(1ll << 60), 0);
    scalar("t.f32", qt::GgufValueType::F32, 0, 0, 1.5);
    scalar("t.f64", qt::GgufValueType::F64, 0, 0, 0.1);
    w.set_bool("t.bool", true);
    w.set_string("t.string", "h\xc3\xa9llo");
    w.set_string_array("t.strings", {"a", "", "ccc"});
    w.set_f32_array("t.floats", {0.5, -2.0});
    w.set_i32_array("t.ints", {1, -2, 3});
    qt::GgufValue nested;
    nested.type = qt::GgufValueType::ARRAY;
    nested.elem_type = qt::GgufValueType::ARRAY;
    qt::GgufValue inner;
    inner.type = qt::GgufValueType::ARRAY;
    inner.elem_type = qt::GgufValueType::U16;
    inner.ints = {7, 8};
    nested.nested = {inner, inner};
    w.set("t.nested", nested);
    w.set_alignment(64);
    std::vector<uint8_t> a(ggml_row_size(qt::GgmlType::Q4_1, 64) * 3), b(4 * 5);
    for (size_t i = 0; i < a.size(); ++i) a[i] = static_cast<uint8_t>(i * 7);
    for (size_t i = 0; i < b.size(); ++i) b[i] = static_cast<uint8_t>(255 - i);
    w.add_tensor("a", qt::GgmlType::Q4_1, {64, 3}, a);
    w.add_tensor("b", qt::GgmlType::F32, {5}, b);
    EXPECT_THROW(w.add_tensor("b", qt::GgmlType::F32, {5}, b), std::invalid_argument);
    const std::string path = qt::test::make_temp_dir("gguf-writer") + "/t.gguf";
    w.write(path);

    auto f = qt::GgufFile::open(path);
    EXPECT_EQ(f->alignment(), 64u);
    EXPECT_EQ(f->get_int("t.u8"), 200);
    EXPECT_EQ(f->get_int("t.i8"), -100);
    EXPECT_EQ(f->get_int("t.u16"), 60000);
    EXPECT_EQ(f->get_int("t.i16"), -30000);
    EXPECT_EQ(f->get_int("t.u32"), 4000000000ll);
    EXPECT_EQ(f->get_int("t.i32"), -2000000000);
    EXPECT_EQ(f->get_int("t.u64"), 1ll << 60);
    EXPECT_EQ(f->get_int("t.i64"), -(1ll << 60));
    EXPECT_EQ(f->get_float("t.f32"), 1.5);
    EXPECT_EQ(f->get_float("t.f64"), 0.1);
    EXPECT_TRUE(f->get_bool("t.bool", false));
    EXPECT_EQ(f->get_string("t.string"), "h\xc3\xa9llo");
    EXPECT_EQ(f->get_array("t.strings").strings, (std::vector<std::string>{"a", "", "ccc"}));
    EXPECT_EQ(f->get_array("t.floats").reals, (std::vector<double>{0.5, -2.0}));
    EXPECT_EQ(f->get_array("t.ints").ints, (std::vector<int64_t>{1, -2, 3}));
    ASSERT_EQ(f->get_array("t.nested").nested.size(), 2u);
    EXPECT_EQ(f->get_array("t.nested").nested[1].ints, (std::vector<int64_t>{7, 8}));
    const auto& ta = f->tensor("a");
    const auto& tb = f->tensor("b");
    EXPECT_EQ(ta.dims, (std::vector<int64_t>{64, 3}));
    EXPECT_EQ(std::vector<uint8_t>(ta.data, ta.data + ta.nbytes), a);
    EXPECT_EQ(std::vector<uint8_t>(tb.data, tb.data + tb.nbytes), b);
    EXPECT_EQ(f->data_offset() % 64, 0u);
    EXPECT_EQ(tb.offset % 64, 0u);
}

TEST(ReferenceQuantizer, RoundTripsWithinHalfAQuantizationStep) {
    std::vector<float> x(256);
    for (size_t i = 0; i < x.size(); ++i) x[i] = qt::philox_normal(3, 0, i) * 0.1f;
    for (qt::GgmlType t : {qt::GgmlType::Q4_0, qt::GgmlType::Q4_1, qt::GgmlType::Q5_0, qt::GgmlType::Q5_1,
                           qt::GgmlType::Q8_0}) {
        std::vector<uint8_t> q(qt::ggml_row_size(t, 256));
        qt::quantize_row_reference(t, x.data(), q.data(), 256);
        std::vector<float> y(256);
        qt::dequantize_row(t, q.data(), y.data(), 256);
        const auto& tr = qt::ggml_traits(t);
        for (int b = 0; b < 8; ++b) {
            uint16_t h;
            std::memcpy(&h, q.data() + b * tr.type_size, 2);
            const float step = std::fabs(qt::fp16_to_fp32(h));
            for (int j = 0; j < 32; ++j)
                // half a step, plus the fp16 rounding of the min (Q4_1/Q5_1) of values ~0.3
                ASSERT_LE(std::fabs(y[b * 32 + j] - x[b * 32 + j]), 0.5f * step * 1.01f + 2e-4f)
                    << qt::ggml_type_name(t) << " element " << b * 32 + j;
        }
    }
}

std::vector<int32_t> read_ids(const std::string& path) {
    std::ifstream in(path);
    std::vector<int32_t> ids;
    for (int32_t v; in >> v;) ids.push_back(v);
    return ids;
}

// The bound of test_llama_vs_llama_cpp.cpp: both engines quantize activations to 8
// bits before every product, and 30 layers amplify the rounding differences.
constexpr float kMaxLogitDifference = 4.0f;

TEST(GgufExport, QzoTrainedDefaultModelRoundTripsThroughLlamaCpp) {
    QT_REQUIRE_MODEL_AND_ORACLE(model_path);
    auto file = std::shared_ptr<const qt::GgufFile>(qt::GgufFile::open(model_path));
    auto backend = qt::make_cpu_backend(1);
    qt::LlamaLoadOptions lo;
    lo.writable_weights = true;
    auto model = qt::LlamaModel::load(file, *backend, lo);
    qt::QzoScales scales(*model, {});
    auto tokenizer = qt::Tokenizer::from_gguf(*file);
    qt::Example ex;
    ex.tokens = tokenizer->encode("Review: the tea was wonderful and fresh. Sentiment: great", false, false);
    ex.loss_mask.assign(ex.tokens.size(), 1);
    std::vector<const qt::Example*> batch{&ex};
    qt::BatchLoss loss(*model, 64);
    // Large steps (clipped at C = 100, eta = 3e-6: ~5% of a typical scale per step) so the model visibly changes.
    for (uint64_t s = 0; s < 3; ++s)
        qt::zo_step(scales, {7, s}, {1e-4, 3e-6, true, 100.0}, [&] { return loss.evaluate(batch).mean(); });

    const std::string dir = qt::test::make_temp_dir("export");
    const std::string out = dir + "/trained.gguf";
    qt::export_trained_gguf(*model, out, "qzo");
    // Byte-level: trained scale fields hold fp16(master); everything else is the source's.
    auto exported = qt::GgufFile::open(out);
    ASSERT_EQ(exported->tensors().size(), file->tensors().size());
    std::map<std::string, const qt::QzoScales::Group*> groups;
    for (const auto& g : scales.groups()) groups[g.tensor] = &g;
    int64_t changed_scales = 0;
    for (const auto& t : file->tensors()) {
        const auto& e = exported->tensor(t.name);
        ASSERT_EQ(e.type, t.type) << t.name;
        ASSERT_EQ(e.nbytes, t.nbytes);
        auto it = groups.find(t.name);
        if (it == groups.end()) {
            ASSERT_EQ(std::memcmp(e.data, t.data, t.nbytes), 0) << t.name;
            continue;
        }
        const auto& g = *it->second;
        for (int64_t b = 0; b < g.view.count; ++b) {
            const size_t off = static_cast<size_t>(b) * g.view.block_bytes;
            uint16_t h;
            std::memcpy(&h, e.data + off + g.view.field_offset, 2);
            ASSERT_EQ(h, qt::fp32_to_fp16(scales.master()[g.index0 + b])) << t.name << " block " << b;
            changed_scales += std::memcmp(e.data + off + g.view.field_offset, t.data + off + g.view.field_offset, 2) != 0;
            // Codes and (untrained) minima are untouched.
            for (size_t k = 0; k < g.view.block_bytes; ++k) {
                if (k < g.view.field_offset || k >= g.view.field_offset + 2) {
                    ASSERT_EQ(e.data[off + k], t.data[off + k]) << t.name << " block " << b << " byte " << k;
                }
            }
        }
    }
    std::printf("%lld of %lld scales changed by training\n", static_cast<long long>(changed_scales),
                static_cast<long long>(scales.size()));
    EXPECT_GT(changed_scales, scales.size() / 2);

    const std::vector<std::string> prompts = {"The capital of France is",
                                              "Review: the tea was wonderful and fresh. Sentiment:"};
    std::ofstream(dir + "/prompts.json") << nlohmann::json(prompts).dump();
    qt::test::run_oracle("llama_cpp_reference.py", {out, dir + "/prompts.json", dir + "/trained"});
    qt::test::run_oracle("llama_cpp_reference.py", {model_path, dir + "/prompts.json", dir + "/original"});
    // The engines' own disagreement: our untrained model against llama.cpp on the source file.
    auto untrained = qt::LlamaModel::load(file, *backend);
    double sum_engines = 0, sum_ours_trained = 0, sum_ours_original = 0, sum_trained_original = 0;
    float worst = 0;
    size_t count = 0;
    for (size_t p = 0; p < prompts.size(); ++p) {
        const auto tokens = read_ids(dir + "/trained/" + std::to_string(p) + ".tokens");
        const auto trained = read_floats(dir + "/trained/" + std::to_string(p) + ".logits");
        const auto original = read_floats(dir + "/original/" + std::to_string(p) + ".logits");
        auto cache = model->make_cache(128);
        std::vector<float> ours;
        model->forward(tokens, cache, ours, true);
        ASSERT_EQ(ours.size(), trained.size());
        auto cache0 = untrained->make_cache(128);
        std::vector<float> ours_untrained;
        untrained->forward(tokens, cache0, ours_untrained, true);
        ASSERT_EQ(ours_untrained.size(), original.size());
        for (size_t i = 0; i < ours.size(); ++i) {
            sum_engines += std::fabs(ours_untrained[i] - original[i]);
            worst = std::max(worst, std::fabs(ours[i] - trained[i]));
            sum_ours_trained += std::fabs(ours[i] - trained[i]);
            sum_ours_original += std::fabs(ours[i] - original[i]);
            sum_trained_original += std::fabs(trained[i] - original[i]);
        }
        count += ours.size();
    }
    const double mean_ours_trained = sum_ours_trained / count, mean_ours_original = sum_ours_original / count;
    const double mean_engines = sum_engines / count;
    std::printf("mean |logit difference|: ours vs llama.cpp on the export %.4f (max %.4f, bound %.1f); ours vs "
                "llama.cpp on the original %.4f; llama.cpp export vs original %.4f; the two engines on the "
                "untrained model %.4f\n",
                mean_ours_trained, worst, kMaxLogitDifference, mean_ours_original, sum_trained_original / count,
                mean_engines);
    EXPECT_LE(worst, kMaxLogitDifference);
    // llama.cpp computes with the trained scales: on the export it agrees with our
    // trained model about as well as the two engines agree on the untrained file
    // (measured 0.21 against 0.17, with llama.cpp's AVX2 build), and far better than
    // the untrained file does (0.60). An export that lost the training would sit near 0.60.
    EXPECT_LT(mean_ours_trained, 2 * mean_engines);
    EXPECT_LT(mean_ours_trained * 2, mean_ours_original);
}

}  // namespace
