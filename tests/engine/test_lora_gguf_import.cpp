// LoRA adapter files read back (train/lora_gguf_import.h): what export_lora_gguf
// wrote loads into adapters with the same values and the same logits, and files
// that do not fit the model are refused naming the file and the problem.
#include <gtest/gtest.h>

#include <random>
#include <string>
#include <vector>

#include "tiny_model_support.h"
#include "train/batch_loss.h"
#include "train/lora_gguf_export.h"
#include "train/lora_gguf_import.h"

namespace {

std::vector<float> values(qt::FirstOrderMethod& m) {
    std::vector<float> v(static_cast<size_t>(m.size()));
    m.read(0, m.size(), v.data());
    return v;
}

void export_adapter(qt::LoraAdapters& lora, const qt::GgufFile& base, const std::string& path) {
    std::vector<qt::LoraTensorExport> t;
    for (const auto& a : lora.download()) t.push_back({a.base_name, a.in, a.out, a.a, a.b});
    qt::export_lora_gguf(path, base, lora.settings().rank, static_cast<float>(lora.settings().alpha), t);
}

std::string error_of(const std::string& path, qt::LlamaModel& model) {
    try {
        qt::load_lora_gguf(path, model);
    } catch (const std::exception& e) {
        return e.what();
    }
    return "";
}

}  // namespace

TEST(LoraGgufImport, ExportedAdapterLoadsWithTheSameValuesAndLogits) {
    qt::test::TinyCpuModel t("lora_import");
    qt::LoraSettings s;
    s.rank = 4;
    s.alpha = 8;
    s.targets = {qt::LinearSlot::Q, qt::LinearSlot::V, qt::LinearSlot::Down};
    qt::LoraAdapters lora(*t.model, s);
    std::vector<float> v = values(lora);
    std::mt19937 rng(4);
    std::normal_distribution<float> d(0.0f, 0.1f);
    for (float& x : v) x += d(rng);
    lora.write(0, lora.size(), v.data());
    const std::string path = t.dir.path + "/adapter.gguf";
    export_adapter(lora, *t.file, path);

    auto loaded = qt::load_lora_gguf(path, *t.model);
    EXPECT_EQ(loaded->settings().rank, 4);
    EXPECT_EQ(loaded->settings().alpha, 8.0);
    EXPECT_EQ(lora_targets_text(loaded->settings().targets), "q,v,down");
    EXPECT_EQ(values(*loaded), v);

    qt::Example ex;
    for (int i = 0; i < 20; ++i) ex.tokens.push_back(static_cast<int32_t>((7 * i + 3) % t.spec.vocab_size));
    ex.loss_mask.assign(ex.tokens.size(), 1);
    qt::BatchLoss loss(*t.model, 32, 0);
    t.model->set_training_hooks(&lora);
    const double with_original = loss.evaluate(ex).sum_nll;
    t.model->set_training_hooks(loaded.get());
    const double with_loaded = loss.evaluate(ex).sum_nll;
    t.model->set_training_hooks(nullptr);
    const double without = loss.evaluate(ex).sum_nll;
    EXPECT_EQ(with_loaded, with_original);
    EXPECT_NE(with_loaded, without);
}

TEST(LoraGgufImport, RefusesFilesThatDoNotFitNamingTheProblem) {
    qt::test::TinyCpuModel t("lora_import_bad");
    // A model file is no adapter.
    EXPECT_NE(error_of(t.dir.path + "/tiny.gguf", *t.model).find("not a LoRA adapter"), std::string::npos);
    // An adapter for a wider model.
    qt::RandomLlamaSpec wide;
    wide.dim = 128;
    wide.ffn_dim = 256;
    qt::test::TinyCpuModel other("lora_import_other", wide);
    qt::LoraAdapters lora(*other.model, qt::LoraSettings{});
    const std::string path = t.dir.path + "/wide.gguf";
    export_adapter(lora, *other.file, path);
    const std::string e = error_of(path, *t.model);
    EXPECT_NE(e.find("wide.gguf"), std::string::npos) << e;
    EXPECT_NE(e.find("do not fit"), std::string::npos) << e;
}
