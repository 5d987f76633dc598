// The safetensors reader, writer and sharded-folder lookup on valid files: ours
// read back, the Python safetensors package's read by us, ours read by it.
// (Malformed files and folders: test_malformed_safetensors.cpp.)
#include <gtest/gtest.h>

#include <cstring>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "quant/half.h"
#include "safetensors/safetensors_file.h"
#include "safetensors/safetensors_folder.h"
#include "safetensors/safetensors_writer.h"
#include "test_support.h"

namespace {

namespace fs = std::filesystem;
using qt::SafetensorsDtype;

// Values every dtype holds exactly, so a round trip must give them back bit for bit.
const std::vector<float> kExact = {0.5f, -1.25f, 3.0f, 1024.0f, -0.0f, 0.0078125f};
// Values F16 and BF16 must round (to nearest even) on the way in.
const std::vector<float> kRounded = {0.1f, -3.14159f, 65519.0f, 1e-6f, 70000.0f, 1.00048828125f};

std::vector<float> stored_as(SafetensorsDtype dtype, const std::vector<float>& v) {
    std::vector<float> out;
    for (float x : v) {
        if (dtype == SafetensorsDtype::F16) out.push_back(qt::fp16_to_fp32(qt::fp32_to_fp16(x)));
        else if (dtype == SafetensorsDtype::BF16) out.push_back(qt::bf16_to_fp32(qt::fp32_to_bf16(x)));
        else out.push_back(x);
    }
    return out;
}

void expect_same_bits(const std::vector<float>& got, const std::vector<float>& want) {
    ASSERT_EQ(got.size(), want.size());
    for (size_t i = 0; i < got.size(); ++i) {
        uint32_t g, w;
        std::memcpy(&g, &got[i], 4);
        std::memcpy(&w, &want[i], 4);
        EXPECT_EQ(g, w) << "value " << i << ": " << got[i] << " vs " << want[i];
    }
}

std::vector<float> values_of(const qt::SafetensorsFile& f, std::string_view name) {
    std::vector<float> v;
    f.to_f32(f.tensor(name), v);
    return v;
}

TEST(Safetensors, WritesAndReadsBackF32F16AndBf16TensorsWithTheirShapes) {
    qt::test::TempDir dir("safetensors-round-trip");
    const std::string path = dir.path + "/model.safetensors";
    qt::SafetensorsWriter w;
    w.add("f32", SafetensorsDtype::F32, {2, 3}, kExact);
    w.add("f16", SafetensorsDtype::F16, {3, 2}, kExact);
    w.add("bf16", SafetensorsDtype::BF16, {6}, kExact);
    w.add("f16_rounded", SafetensorsDtype::F16, {1, 6}, kRounded);
    w.add("bf16_rounded", SafetensorsDtype::BF16, {6, 1}, kRounded);
    w.add("scalar", SafetensorsDtype::F32, {}, std::vector<float>{2.5f});
    w.add("empty", SafetensorsDtype::F16, {0, 4}, std::vector<float>{});
    w.set_metadata("quanttune", "test");
    w.write(path);

    const auto f = qt::SafetensorsFile::open(path);
    ASSERT_EQ(f->tensors().size(), 7u);
    EXPECT_EQ(f->metadata().at("format"), "pt");
    EXPECT_EQ(f->metadata().at("quanttune"), "test");
    EXPECT_EQ(f->tensor("f32").dtype, SafetensorsDtype::F32);
    EXPECT_EQ(f->tensor("f16").dtype, SafetensorsDtype::F16);
    EXPECT_EQ(f->tensor("bf16").dtype, SafetensorsDtype::BF16);
    EXPECT_EQ(f->tensor("f32").shape, (std::vector<int64_t>{2, 3}));
    EXPECT_EQ(f->tensor("f16").shape, (std::vector<int64_t>{3, 2}));
    EXPECT_EQ(f->tensor("scalar").shape, std::vector<int64_t>{});
    EXPECT_EQ(f->tensor("scalar").num_elements(), 1);
    EXPECT_EQ(f->tensor("empty").num_elements(), 0);
    EXPECT_EQ(f->tensor("empty").nbytes(), 0u);
    EXPECT_EQ(f->tensor("f16").nbytes(), 12u);
    expect_same_bits(values_of(*f, "f32"), kExact);
    expect_same_bits(values_of(*f, "f16"), kExact);
    expect_same_bits(values_of(*f, "bf16"), kExact);
    expect_same_bits(values_of(*f, "f16_rounded"), stored_as(SafetensorsDtype::F16, kRounded));
    expect_same_bits(values_of(*f, "bf16_rounded"), stored_as(SafetensorsDtype::BF16, kRounded));
    expect_same_bits(values_of(*f, "scalar"), {2.5f});
    EXPECT_TRUE(values_of(*f, "empty").empty());
    EXPECT_EQ(f->find_tensor("absent"), nullptr);
}

TEST(Safetensors, LaysTheDataOutInInsertionOrNameOrder) {
    qt::test::TempDir dir("safetensors-order");
    qt::SafetensorsWriter w;
    w.add("b", SafetensorsDtype::F32, {2}, std::vector<float>{1, 2});
    w.add("a", SafetensorsDtype::F16, {3}, std::vector<float>{3, 4, 5});
    w.write(dir.path + "/insertion.safetensors");
    w.write(dir.path + "/by_name.safetensors", qt::SafetensorsOrder::ByName);

    const auto insertion = qt::SafetensorsFile::open(dir.path + "/insertion.safetensors");
    EXPECT_EQ(insertion->tensors()[0].name, "b");
    EXPECT_EQ(insertion->tensor("b").begin, 0u);
    EXPECT_EQ(insertion->tensor("a").begin, 8u);
    const auto by_name = qt::SafetensorsFile::open(dir.path + "/by_name.safetensors");
    EXPECT_EQ(by_name->tensors()[0].name, "a");
    EXPECT_EQ(by_name->tensor("a").begin, 0u);
    EXPECT_EQ(by_name->tensor("b").begin, 6u);  // not aligned: the reader copies byte-wise
    expect_same_bits(values_of(*by_name, "b"), {1, 2});
}

TEST(Safetensors, PadsTheHeaderWithSpacesSoTheDataStartsEightAligned) {
    qt::test::TempDir dir("safetensors-padding");
    qt::SafetensorsWriter w;
    w.add("x", SafetensorsDtype::BF16, {3}, std::vector<float>{1, 2, 3});
    w.write(dir.path + "/x.safetensors");
    const auto f = qt::SafetensorsFile::open(dir.path + "/x.safetensors");
    EXPECT_EQ(f->data_offset() % 8, 0u);
    const std::vector<uint8_t> bytes = qt::test::read_bytes(dir.path + "/x.safetensors");
    const std::string header(bytes.begin() + 8, bytes.begin() + static_cast<std::ptrdiff_t>(f->data_offset()));
    const size_t close = header.rfind('}');
    ASSERT_NE(close, std::string::npos);
    EXPECT_EQ(header.find_first_not_of(' ', close + 1), std::string::npos) << header;
}

TEST(Safetensors, WriterRefusesWhatTheFormatCannotHold) {
    qt::SafetensorsWriter w;
    w.add("x", SafetensorsDtype::F32, {2}, std::vector<float>{1, 2});
    EXPECT_THROW(w.add("x", SafetensorsDtype::F32, {2}, std::vector<float>{1, 2}), std::invalid_argument);
    EXPECT_THROW(w.add("__metadata__", SafetensorsDtype::F32, {1}, std::vector<float>{1}), std::invalid_argument);
    EXPECT_THROW(w.add("", SafetensorsDtype::F32, {1}, std::vector<float>{1}), std::invalid_argument);
    EXPECT_THROW(w.add("y", SafetensorsDtype::I32, {1}, std::vector<float>{1}), std::invalid_argument);
    EXPECT_THROW(w.add("y", SafetensorsDtype::F32, {2, 2}, std::vector<float>{1, 2, 3}), std::invalid_argument);
    EXPECT_THROW(w.add("y", SafetensorsDtype::F32, {-1}, std::vector<float>{}), std::invalid_argument);
    EXPECT_THROW(w.add("y", SafetensorsDtype::F32, {1ll << 40, 1ll << 40}, std::vector<float>{1}),
                 std::invalid_argument);
    EXPECT_EQ(w.tensor_count(), 1u);
}

TEST(Safetensors, RewritingReplacesTheFileWholeAndLeavesNoTemporary) {
    qt::test::TempDir dir("safetensors-rewrite");
    const std::string path = dir.path + "/m.safetensors";
    qt::SafetensorsWriter first;
    first.add("x", SafetensorsDtype::F32, {4}, std::vector<float>{1, 2, 3, 4});
    first.write(path);
    qt::SafetensorsWriter second;
    second.add("y", SafetensorsDtype::F16, {1}, std::vector<float>{7});
    second.write(path);
    const auto f = qt::SafetensorsFile::open(path);
    ASSERT_EQ(f->tensors().size(), 1u);
    EXPECT_EQ(f->tensors()[0].name, "y");
    size_t files = 0;
    for (const auto& e : fs::directory_iterator(dir.path)) files += e.is_regular_file();
    EXPECT_EQ(files, 1u);
    EXPECT_THROW(second.write(dir.path + "/no/such/folder/m.safetensors"), std::runtime_error);
}

TEST(Safetensors, ToF32RefusesIntegerTensorsNamingFileAndTensor) {
    const std::string header = R"({"ids":{"dtype":"I32","shape":[2],"data_offsets":[0,8]}})";
    std::vector<uint8_t> bytes(8 + header.size() + 8, 0);
    bytes[0] = static_cast<uint8_t>(header.size());
    std::memcpy(bytes.data() + 8, header.data(), header.size());
    const auto f = qt::SafetensorsFile::from_memory("ids.safetensors", bytes);
    EXPECT_EQ(f->tensor("ids").dtype, SafetensorsDtype::I32);
    EXPECT_FALSE(qt::is_float_weight_dtype(f->tensor("ids").dtype));
    std::vector<float> out;
    try {
        f->to_f32(f->tensor("ids"), out);
        ADD_FAILURE() << "converted I32";
    } catch (const qt::ModelFileError& e) {
        EXPECT_STREQ(e.what(), "ids.safetensors: tensor \"ids\": dtype I32 cannot be read as float32 (F32, F16 or "
                               "BF16 expected)");
    }
}

TEST(Safetensors, NamesEveryDtypeTheFormatDefines) {
    for (const char* name : {"BOOL", "U8", "I8", "F8_E5M2", "F8_E4M3", "I16", "U16", "F16", "BF16", "I32", "U32",
                             "F32", "I64", "U64", "F64"}) {
        const auto t = qt::parse_safetensors_dtype(name);
        ASSERT_TRUE(t) << name;
        EXPECT_EQ(qt::safetensors_dtype_name(*t), name);
    }
    EXPECT_EQ(qt::safetensors_dtype_size(SafetensorsDtype::BF16), 2u);
    EXPECT_EQ(qt::safetensors_dtype_size(SafetensorsDtype::F64), 8u);
    EXPECT_FALSE(qt::parse_safetensors_dtype("f32"));
}

// Two shards and an index, as transformers' save_pretrained writes them.
void write_sharded(const std::string& dir) {
    qt::SafetensorsWriter a, b;
    a.add("model.embed_tokens.weight", SafetensorsDtype::BF16, {3, 2}, kExact);
    a.add("model.layers.0.self_attn.q_proj.weight", SafetensorsDtype::F16, {2, 3}, kExact);
    b.add("model.norm.weight", SafetensorsDtype::F32, {2}, std::vector<float>{1, -1});
    b.add("lm_head.weight", SafetensorsDtype::F32, {3, 2}, kExact);
    a.write(dir + "/model-00001-of-00002.safetensors");
    b.write(dir + "/model-00002-of-00002.safetensors");
    const nlohmann::json index = {
        {"metadata", {{"total_size", 80}}},
        {"weight_map",
         {{"model.embed_tokens.weight", "model-00001-of-00002.safetensors"},
          {"model.layers.0.self_attn.q_proj.weight", "model-00001-of-00002.safetensors"},
          {"model.norm.weight", "model-00002-of-00002.safetensors"},
          {"lm_head.weight", "model-00002-of-00002.safetensors"}}}};
    std::ofstream(dir + "/model.safetensors.index.json") << index.dump(2);
}

TEST(SafetensorsFolder, FindsEachTensorInItsShardThroughTheIndex) {
    qt::test::TempDir dir("safetensors-sharded");
    write_sharded(dir.path);
    const auto folder = qt::SafetensorsFolder::open(dir.path);
    EXPECT_EQ(folder->index_path(), dir.path + "/model.safetensors.index.json");
    ASSERT_EQ(folder->shards().size(), 2u);
    EXPECT_EQ(folder->tensor_count(), 4u);
    EXPECT_EQ(folder->tensor_names(),
              (std::vector<std::string>{"lm_head.weight", "model.embed_tokens.weight",
                                        "model.layers.0.self_attn.q_proj.weight", "model.norm.weight"}));
    const qt::SafetensorsEntry norm = folder->get("model.norm.weight");
    EXPECT_EQ(norm.file->path(), dir.path + "/model-00002-of-00002.safetensors");
    std::vector<float> v;
    norm.file->to_f32(*norm.tensor, v);
    expect_same_bits(v, {1, -1});
    const qt::SafetensorsEntry embed = folder->get("model.embed_tokens.weight");
    EXPECT_EQ(embed.file->path(), dir.path + "/model-00001-of-00002.safetensors");
    EXPECT_EQ(embed.tensor->dtype, SafetensorsDtype::BF16);
    embed.file->to_f32(*embed.tensor, v);
    expect_same_bits(v, kExact);
    EXPECT_FALSE(folder->find("model.layers.1.mlp.up_proj.weight"));
    try {
        folder->get("model.layers.1.mlp.up_proj.weight");
        ADD_FAILURE() << "found a tensor no shard holds";
    } catch (const qt::ModelFileError& e) {
        EXPECT_EQ(std::string(e.what()), folder->index_path() +
                                             ": tensor \"model.layers.1.mlp.up_proj.weight\": required tensor is missing");
    }
    // The index file itself opens the same set.
    EXPECT_EQ(qt::SafetensorsFolder::open(folder->index_path())->tensor_count(), 4u);
}

TEST(SafetensorsFolder, OpensASingleModelSafetensorsByFolderOrByFile) {
    qt::test::TempDir dir("safetensors-single");
    qt::SafetensorsWriter w;
    w.add("w", SafetensorsDtype::F32, {2}, std::vector<float>{4, 5});
    w.write(dir.path + "/model.safetensors");
    const auto by_folder = qt::SafetensorsFolder::open(dir.path);
    EXPECT_TRUE(by_folder->index_path().empty());
    ASSERT_EQ(by_folder->shards().size(), 1u);
    EXPECT_TRUE(by_folder->find("w"));
    const auto by_file = qt::SafetensorsFolder::open(dir.path + "/model.safetensors");
    EXPECT_EQ(by_file->get("w").tensor->shape, std::vector<int64_t>{2});
}

#define QT_REQUIRE_ORACLE()                                                                      \
    if (qt::test::oracle_python().empty()) {                                                     \
        if (qt::test::oracles_required()) FAIL() << "oracle python missing; run scripts/setup.sh"; \
        GTEST_SKIP() << "oracle python missing (run scripts/setup.sh); skipping";                \
    }

std::vector<float> read_f32_file(const std::string& path) {
    const std::vector<uint8_t> bytes = qt::test::read_bytes(path);
    std::vector<float> v(bytes.size() / 4);
    std::memcpy(v.data(), bytes.data(), v.size() * 4);
    return v;
}

TEST(SafetensorsOracle, ReadsAFileThePythonPackageWrote) {
    QT_REQUIRE_ORACLE();
    qt::test::TempDir dir("safetensors-python-wrote");
    qt::test::run_oracle("safetensors_numpy.py", {"write", dir.path});
    const auto f = qt::SafetensorsFile::open(dir.path + "/python.safetensors");
    EXPECT_EQ(f->metadata().at("source"), "numpy");
    ASSERT_EQ(f->tensors().size(), 5u);
    EXPECT_EQ(f->tensor("positions").dtype, SafetensorsDtype::I64);
    EXPECT_EQ(f->tensor("positions").shape, std::vector<int64_t>{7});
    EXPECT_EQ(f->tensor("model.embed_tokens.weight").shape, (std::vector<int64_t>{4, 6}));
    EXPECT_EQ(f->tensor("model.layers.0.self_attn.q_proj.weight").dtype, SafetensorsDtype::F16);
    EXPECT_EQ(f->tensor("scale").shape, std::vector<int64_t>{});
    int compared = 0;
    for (const auto& t : f->tensors()) {
        if (!qt::is_float_weight_dtype(t.dtype)) continue;
        SCOPED_TRACE(t.name);
        std::vector<float> v;
        f->to_f32(t, v);
        expect_same_bits(v, read_f32_file(dir.path + "/" + t.name + ".f32"));
        ++compared;
    }
    EXPECT_EQ(compared, 4);
}

TEST(SafetensorsOracle, ThePythonPackageReadsAFileWeWrote) {
    QT_REQUIRE_ORACLE();
    qt::test::TempDir dir("safetensors-python-reads");
    const std::string path = dir.path + "/ours.safetensors";
    qt::SafetensorsWriter w;
    w.add("model.norm.weight", SafetensorsDtype::F32, {6}, kRounded);
    w.add("model.layers.0.mlp.down_proj.weight", SafetensorsDtype::F16, {2, 3}, kRounded);
    w.add("scalar", SafetensorsDtype::F32, {}, std::vector<float>{-7.5f});
    w.write(path);
    const nlohmann::json got = nlohmann::json::parse(qt::test::run_oracle("safetensors_numpy.py", {"read", path}));
    EXPECT_EQ(got["__metadata__"], (nlohmann::json{{"format", "pt"}}));
    EXPECT_EQ(got["model.norm.weight"]["dtype"], "float32");
    EXPECT_EQ(got["model.layers.0.mlp.down_proj.weight"]["dtype"], "float16");
    EXPECT_EQ(got["model.layers.0.mlp.down_proj.weight"]["shape"], (nlohmann::json{2, 3}));
    EXPECT_EQ(got["scalar"]["shape"], nlohmann::json::array());
    const auto values = [&](const char* name) {
        std::vector<float> v;
        for (uint32_t bits : got[name]["bits"]) {
            float x;
            std::memcpy(&x, &bits, 4);
            v.push_back(x);
        }
        return v;
    };
    expect_same_bits(values("model.norm.weight"), kRounded);
    expect_same_bits(values("model.layers.0.mlp.down_proj.weight"), stored_as(SafetensorsDtype::F16, kRounded));
    expect_same_bits(values("scalar"), {-7.5f});
}

}  // namespace
