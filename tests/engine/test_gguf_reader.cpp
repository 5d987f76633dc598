#include <gtest/gtest.h>

#include "gguf/gguf_file.h"
#include "test_support.h"

TEST(GgufReader, ReadsDefaultModelMetadataAndTensors) {
    QT_REQUIRE_MODEL_AND_ORACLE(model);
    auto f = qt::GgufFile::open(model);
    EXPECT_EQ(f->version(), 3u);
    EXPECT_EQ(f->get_string("general.architecture"), "llama");
    EXPECT_EQ(f->get_int("llama.block_count"), 30);
    EXPECT_EQ(f->tensors().size(), 272u);
    const auto& emb = f->tensor("token_embd.weight");
    EXPECT_EQ(emb.dims[0], 576);
    EXPECT_EQ(emb.dims[1], 49152);
    EXPECT_EQ(emb.type, qt::GgmlType::Q8_0);
    EXPECT_EQ(f->get_array("tokenizer.ggml.tokens").strings.size(), 49152u);
}
