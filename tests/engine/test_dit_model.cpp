// The DiT's GGUF (engine/image/dit_config.h, dit_model.h): config and tensors round
// trip through the engine's writer and loader, in F32 and quantized to Q8_0 and
// Q4_0; hostile metadata and tensors are refused with the file, the key or tensor,
// and the problem.
#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <algorithm>
#include <functional>
#include <string>

#include "backend/cpu_backend.h"
#include "dit_support.h"
#include "gguf/gguf_file.h"
#include "gguf/gguf_writer.h"
#include "image/dit_backprop.h"
#include "image/dit_model.h"
#include "test_support.h"
#include "util/model_file_error.h"
#include "util/philox_normal.h"

namespace {

// Quantizable widths: rows of 32 and 64 values are whole Q8_0 / Q4_0 blocks.
qt::DitConfig quantizable_config() {
    qt::DitConfig c;
    c.image_size = 8, c.channels = 1, c.patch_size = 2, c.width = 32, c.depth = 2, c.n_heads = 2;
    c.n_classes = 3, c.ffn_width = 64, c.timestep_dim = 32;
    return c;
}

std::vector<float> velocity(qt::DitModel& m) {
    qt::DitBackprop dit(m);
    const qt::DitConfig& c = m.config();
    std::vector<float> x(static_cast<size_t>(2 * c.image_values()));
    for (size_t e = 0; e < x.size(); ++e) x[e] = qt::philox_normal(5, 0, e);
    const std::vector<float> t{0.3f, 0.8f};
    const std::vector<int32_t> cls{1, c.null_class()};
    return dit.forward(x, t, cls);
}

// The message of the ModelFileError that loading `path` throws ("" when none).
std::string load_error(const std::string& path) {
    auto b = qt::make_cpu_backend(1);
    try {
        qt::DitModel::load(*b, path);
    } catch (const qt::ModelFileError& e) {
        return e.what();
    }
    return "";
}

// A file with every key and tensor of `c` (zeros), then `edit` applied to the writer.
void write_edited(const std::string& path, const qt::DitConfig& c, const std::function<void(qt::GgufWriter&)>& edit,
                  const std::string& skip_key = "", const std::string& skip_tensor = "") {
    qt::GgufWriter tmp, w;
    qt::write_dit_config(tmp, c);
    // Copy the keys through a file so one can be left out.
    tmp.write(path);
    const auto meta = qt::GgufFile::open(path);
    for (const auto& [k, v] : meta->metadata())
        if (k != skip_key && k != "general.alignment") w.set(k, v);
    for (const qt::DitTensorSpec& s : qt::dit_tensor_specs(c)) {
        if (s.name == skip_tensor) continue;
        const std::vector<int64_t> dims = s.vector ? std::vector<int64_t>{s.cols} : std::vector<int64_t>{s.cols, s.rows};
        w.add_tensor(s.name, qt::GgmlType::F32, dims, std::vector<uint8_t>(static_cast<size_t>(s.cols * s.rows) * 4));
    }
    edit(w);
    w.write(path);
}

}  // namespace

TEST(DitModel, ConfigAndTensorsRoundTripBitExactInFloat32) {
    const qt::test::OneThread one_thread;
    qt::test::TempDir dir("dit-model");
    const qt::DitConfig c = quantizable_config();
    const qt::DitValues v = qt::test::busy_dit_values(c, 7, 0.1f);
    qt::write_dit_gguf(dir.path + "/a.gguf", c, v);
    auto b = qt::make_cpu_backend(1);
    auto m = qt::DitModel::load(*b, dir.path + "/a.gguf");
    EXPECT_EQ(m->config().width, 32);
    EXPECT_EQ(m->config().n_classes, 3);
    EXPECT_EQ(m->config().timestep_dim, 32);
    ASSERT_TRUE(m->trainable());
    EXPECT_EQ(m->all_values(), v);
    m->save(dir.path + "/b.gguf");
    auto m2 = qt::DitModel::load(*b, dir.path + "/b.gguf");
    EXPECT_EQ(m2->all_values(), v);
    EXPECT_EQ(velocity(*m), velocity(*m2));
}

TEST(DitModel, F16Q8_0Q4_1AndQ4_0CopiesKeepTheirBlocksAndPredictCloseToTheFloatModel) {
    const qt::test::OneThread one_thread;
    qt::test::TempDir dir("dit-quant");
    const qt::DitConfig c = quantizable_config();
    qt::write_dit_gguf(dir.path + "/f32.gguf", c, qt::test::busy_dit_values(c, 8, 0.1f));
    auto b = qt::make_cpu_backend(1);
    auto f = qt::DitModel::load(*b, dir.path + "/f32.gguf");
    const std::vector<float> vf = velocity(*f);
    double norm = 0;
    for (float x : vf) norm += double(x) * x;
    norm = std::sqrt(norm);
    const qt::GgmlType types[] = {qt::GgmlType::F16, qt::GgmlType::Q8_0, qt::GgmlType::Q4_1, qt::GgmlType::Q4_0};
    double errors[4] = {};
    int k = 0;
    for (qt::GgmlType type : types) {
        const std::string path = dir.path + "/" + std::string(qt::ggml_type_name(type)) + ".gguf";
        f->save(path, type);
        auto q = qt::DitModel::load(*b, path);
        EXPECT_FALSE(q->trainable());
        qt::DitBackprop frozen(*q);  // runs the forward; the backward wants float32 tensors
        EXPECT_THROW(frozen.parameter_blocks(), std::logic_error);
        EXPECT_EQ(q->tensor(qt::dit::block(1, qt::dit::kQ)).type, type);
        EXPECT_EQ(q->tensor(qt::dit::block(0, qt::dit::kDown)).type, type);
        if (type != qt::GgmlType::F16) {
            EXPECT_EQ(q->tensor(qt::dit::kPatchW).type, qt::GgmlType::F32);  // rows of 4: not whole blocks
        }
        EXPECT_EQ(q->tensor(qt::dit::kClass).type, qt::GgmlType::F32);
        // Saving the quantized model again keeps its blocks' values exactly.
        q->save(path + ".again", type);
        EXPECT_EQ(qt::DitModel::load(*b, path + ".again")->all_values(), q->all_values());
        const std::vector<float> vq = velocity(*q);
        double d = 0;
        for (size_t i = 0; i < vq.size(); ++i) d += double(vq[i] - vf[i]) * (vq[i] - vf[i]);
        errors[k++] = std::sqrt(d) / norm;
    }
    std::printf("[ dit model ] velocity relative error: F16 %.2e, Q8_0 %.2e, Q4_1 %.2e, Q4_0 %.2e\n", errors[0],
                errors[1], errors[2], errors[3]);
    EXPECT_GT(errors[0], 0.0);
    EXPECT_LT(errors[0], 1e-3);
    EXPECT_LT(errors[1], 0.02);
    EXPECT_LT(errors[2], 0.25);
    EXPECT_LT(errors[3], 0.25);
    EXPECT_LT(errors[0], errors[1]);  // 16 bits a weight beat 8, which beat 4
    EXPECT_LT(errors[1], std::min(errors[2], errors[3]));
}

TEST(DitModel, HostileMetadataAndTensorsAreRefusedNamingFileKeyAndProblem) {
    qt::test::TempDir dir("dit-hostile");
    const qt::DitConfig c = quantizable_config();
    const std::string p = dir.path + "/bad.gguf";
    auto expect = [&](const std::string& must_contain_1, const std::string& must_contain_2) {
        const std::string msg = load_error(p);
        EXPECT_NE(msg.find(p), std::string::npos) << msg;
        EXPECT_NE(msg.find(must_contain_1), std::string::npos) << msg;
        EXPECT_NE(msg.find(must_contain_2), std::string::npos) << msg;
    };
    write_edited(p, c, [](qt::GgufWriter& w) { w.set_string("general.architecture", "llama"); });
    expect("general.architecture", "\"llama\"");
    write_edited(p, c, [](qt::GgufWriter&) {}, "qt-dit.block_count");
    expect("qt-dit.block_count", "missing");
    write_edited(p, c, [](qt::GgufWriter& w) { w.set_string("qt-dit.attention.head_count", "two"); });
    expect("qt-dit.attention.head_count", "expected an integer");
    write_edited(p, c, [](qt::GgufWriter& w) { w.set_i32("qt-dit.embedding_length", -32); });
    expect("qt-dit.embedding_length", "-32 outside");
    write_edited(p, c, [](qt::GgufWriter& w) { w.set_u32("qt-dit.image_size", 4000000000u); });
    expect("qt-dit.image_size", "outside");
    write_edited(p, c, [](qt::GgufWriter& w) { w.set_u32("qt-dit.patch_size", 3); });
    expect("qt-dit.patch_size", "does not divide");
    write_edited(p, c, [](qt::GgufWriter& w) { w.set_u32("qt-dit.attention.head_count", 5); });
    expect("qt-dit.attention.head_count", "do not divide");
    write_edited(p, c, [](qt::GgufWriter&) {}, "", "blk.1.ffn_up.weight");
    expect("blk.1.ffn_up.weight", "missing");
    write_edited(p, c, [](qt::GgufWriter& w) {
        w.add_tensor("blk.9.attn_q.weight", qt::GgmlType::F32, {32, 32}, std::vector<uint8_t>(32 * 32 * 4));
    });
    expect("blk.9.attn_q.weight", "not part of a qt-dit model");
    // Config and tensors that disagree: a class table for 3 classes under a count of 5.
    write_edited(p, c, [](qt::GgufWriter& w) { w.set_u32("qt-dit.class_count", 5); });
    expect("class_embed.weight", "expected [32, 6]");
    // A non-finite bias.
    write_edited(p, c, [](qt::GgufWriter&) {}, "", "final.linear.bias");
    {
        qt::GgufWriter w;
        const auto f = qt::GgufFile::open(p);
        w.copy_metadata(*f);
        for (const qt::GgufTensorInfo& t : f->tensors())
            w.add_tensor(t.name, t.type, t.dims, std::vector<uint8_t>(t.data, t.data + t.nbytes));
        std::vector<float> nan_bias(4, NAN);
        std::vector<uint8_t> bytes(16);
        std::memcpy(bytes.data(), nan_bias.data(), 16);
        w.add_tensor("final.linear.bias", qt::GgmlType::F32, {4}, bytes);
        w.write(p);
    }
    expect("final.linear.bias", "not finite");
}
