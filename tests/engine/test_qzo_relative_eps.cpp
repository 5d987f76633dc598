// QZO's relative perturbation (QzoOptions::relative_eps) on a model that mixes
// block types as llama.cpp's Q4_K_M does: Q4_K linears, Q6_K ffn_down, Q8_0 attn_v
// and Q4_1 ffn_up, whose median block scales lie hundreds of times apart (as in the
// real file: Q4_1 0.051, Q8_0 0.0035, Q4_K 0.0011, Q6_K 0.00015). The tests assert:
//   - every field is fp16(master + eps * s_g * z) during both perturbed passes and
//     every master moves by (lr * clip(d)) * s_g * z, bit-exact against the host
//     formula, for every type;
//   - the relative step is the same share of each weight's scale whatever its type,
//     where the absolute one differs by more than 10x;
//   - a field whose median is 0 (the random K-quants' dmin) is left as loaded and named;
//   - configs that turn relative_eps on get the relative step defaults.
#pragma GCC optimize("fp-contract=off")
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <nlohmann/json.hpp>
#include <set>

#include "backend/cpu_backend.h"
#include "gguf/random_llama_gguf.h"
#include "methods/qzo_scales.h"
#include "methods/zo_step.h"
#include "model/llama_model.h"
#include "quant/half.h"
#include "test_support.h"
#include "util/philox_normal.h"
#include "train/train_config.h"

namespace {

struct MixedModel {
    explicit MixedModel(const std::string& tag) : dir(tag) {
        qt::RandomLlamaSpec spec;
        spec.dim = 256;  // K-quant rows hold whole 256-weight super-blocks
        spec.ffn_dim = 512;
        spec.weight_type = qt::GgmlType::Q4_K;
        spec.linear_types = {{"ffn_down", qt::GgmlType::Q6_K},
                             {"attn_v", qt::GgmlType::Q8_0},
                             {"ffn_up", qt::GgmlType::Q4_1}};
        spec.seed = 5;
        const std::string path = dir.path + "/mixed.gguf";
        qt::write_random_llama_gguf(path, spec);
        file = std::shared_ptr<const qt::GgufFile>(qt::GgufFile::open(path));
        backend = qt::make_cpu_backend(1);
        qt::LlamaLoadOptions lo;
        lo.writable_weights = true;
        model = qt::LlamaModel::load(file, *backend, lo);
    }
    qt::test::TempDir dir;
    std::shared_ptr<const qt::GgufFile> file;
    std::unique_ptr<qt::Backend> backend;
    std::unique_ptr<qt::LlamaModel> model;
};

std::vector<float> masters(qt::QzoScales& s) {
    std::vector<float> m(static_cast<size_t>(s.size()));
    s.read(0, s.size(), m.data());
    return m;
}

uint16_t field_bits(const qt::QzoScales::Group& g, int64_t b) {
    uint16_t h;
    std::memcpy(&h, static_cast<const uint8_t*>(g.view.blocks) + b * g.view.block_bytes + g.view.field_offset, 2);
    return h;
}

float z_at(qt::ZoNoise noise, int64_t i) {
    return qt::philox_normal(noise.seed, noise.step, static_cast<uint64_t>(i));
}

std::set<qt::GgmlType> types_of(const qt::QzoScales& s) {
    std::set<qt::GgmlType> t;
    for (const auto& g : s.groups()) t.insert(g.type);
    return t;
}

}  // namespace

TEST(QzoRelativeEps, WritesAndUpdatesEveryBlockTypeInUnitsOfItsOwnScaleBitExact) {
    MixedModel m("qzo-rel-mixed");
    qt::QzoOptions o;
    o.relative_eps = true;
    qt::QzoScales scales(*m.model, o);
    ASSERT_EQ(types_of(scales),
              (std::set<qt::GgmlType>{qt::GgmlType::Q4_K, qt::GgmlType::Q6_K, qt::GgmlType::Q8_0, qt::GgmlType::Q4_1}));
    const std::vector<float> before = masters(scales);
    const qt::ZoNoise noise{31, 4};
    const qt::ZoStepSettings s{qt::kRelativeQzoDefaults.eps, qt::kRelativeQzoDefaults.lr, true,
                               qt::kRelativeQzoDefaults.clip};
    const auto eps = static_cast<float>(s.eps);
    // Both passes must see fp16(master +- (eps * s_g) * z); the losses are made up so
    // that d = (1.3 - 1.0) / (2 eps) = 75 is clipped to C = 25.
    int pass = 0;
    auto check_fields = [&](float sign) {
        for (const auto& g : scales.groups()) {
            const float a = sign * eps * g.unit;
            for (int64_t b = 0; b < g.view.count; ++b) {
                const auto i = static_cast<size_t>(g.index0 + b);
                ASSERT_EQ(field_bits(g, b), qt::fp32_to_fp16(before[i] + a * z_at(noise, g.index0 + b)))
                    << g.tensor << " (" << qt::ggml_type_name(g.type) << ") block " << b << " pass " << pass;
            }
        }
    };
    const qt::ZoStepResult r = qt::zo_step(scales, noise, s, [&] {
        check_fields(pass == 0 ? 1.0f : -1.0f);
        return pass++ == 0 ? 1.3 : 1.0;
    });
    ASSERT_EQ(pass, 2);
    EXPECT_TRUE(r.clipped);
    EXPECT_EQ(r.clipped_grad, s.clip_value);
    EXPECT_EQ(r.update_coeff, static_cast<float>(s.lr * s.clip_value));
    const std::vector<float> after = masters(scales);
    int moved = 0;
    for (const auto& g : scales.groups()) {
        ASSERT_GT(g.unit, 0.0f) << g.tensor;
        EXPECT_EQ(g.unit, g.median_abs) << g.tensor;
        const float c = r.update_coeff * g.unit;
        for (int64_t b = 0; b < g.view.count; ++b) {
            const auto i = static_cast<size_t>(g.index0 + b);
            float v = before[i] - c * z_at(noise, g.index0 + b);
            if (g.field.keep_sign) v = before[i] < 0.0f ? std::min(v, 0.0f) : std::max(v, 0.0f);
            ASSERT_EQ(after[i], v) << g.tensor << " block " << b;
            ASSERT_EQ(field_bits(g, b), qt::fp32_to_fp16(after[i])) << g.tensor << " block " << b;
            moved += after[i] != before[i];
        }
    }
    EXPECT_GT(moved, scales.size() / 2);
}

// Share of its scale by which a perturbation moves each weight: the median over its
// blocks of |field - master| / (eps * s_g), divided by the median |z| of those blocks
// (1 for a step of exactly eps * s_g * z; fp16 rounding adds a few percent at eps 1e-2).
TEST(QzoRelativeEps, MovesEveryWeightByTheSameShareOfItsScaleWhereAbsoluteEpsDoesNot) {
    MixedModel m("qzo-rel-share");
    const double eps = 1e-2;
    auto shares = [&](bool relative) {
        qt::QzoOptions o;
        o.relative_eps = relative;
        qt::QzoScales scales(*m.model, o);
        const std::vector<float> master = masters(scales);
        // Absolute: the eps that is the same share of the scales on average.
        double mean_scale = 0;
        for (const auto& g : scales.groups()) mean_scale += g.median_abs / static_cast<double>(scales.groups().size());
        const qt::ZoNoise noise{8, 1};
        const float alpha = static_cast<float>(relative ? eps : eps * mean_scale);
        scales.perturb(noise, alpha);
        std::vector<std::pair<qt::GgmlType, double>> out;
        for (const auto& g : scales.groups()) {
            std::vector<double> moved, z;
            for (int64_t b = 0; b < g.view.count; ++b) {
                const auto i = static_cast<size_t>(g.index0 + b);
                moved.push_back(std::fabs(qt::fp16_to_fp32(field_bits(g, b)) - master[i]) / (eps * g.median_abs));
                z.push_back(std::fabs(z_at(noise, g.index0 + b)));
            }
            auto median = [](std::vector<double>& v) {
                std::nth_element(v.begin(), v.begin() + static_cast<std::ptrdiff_t>(v.size() / 2), v.end());
                return v[v.size() / 2];
            };
            out.emplace_back(g.type, median(moved) / median(z));
        }
        scales.finish_step(noise, 0.0f);  // restore the fields for the next mode
        return out;
    };
    double lo = INFINITY, hi = 0;
    for (const auto& [type, share] : shares(true)) {
        EXPECT_NEAR(share, 1.0, 0.1) << qt::ggml_type_name(type);
        lo = std::min(lo, share);
        hi = std::max(hi, share);
    }
    double abs_lo = INFINITY, abs_hi = 0;
    for (const auto& [type, share] : shares(false)) {
        abs_lo = std::min(abs_lo, share);
        abs_hi = std::max(abs_hi, share);
    }
    EXPECT_GT(abs_hi / abs_lo, 10.0) << "the mixed model's scales should differ for this test to mean something";
    EXPECT_LT(hi / lo, 1.2);
}

// The random K-quants have dmin = 0 in every block: trained as minima (train_min)
// they have no unit, so relative_eps must leave them bit-for-bit and name them.
TEST(QzoRelativeEps, LeavesAFieldWhoseMedianIsZeroAsLoadedAndNamesIt) {
    MixedModel m("qzo-rel-frozen");
    qt::QzoOptions o;
    o.relative_eps = true;
    o.train_min = true;
    qt::QzoScales scales(*m.model, o);
    size_t frozen = 0;
    for (const auto& g : scales.groups()) frozen += g.frozen();
    const std::vector<std::string> notes = scales.frozen_groups();
    ASSERT_GT(frozen, 0u);
    ASSERT_EQ(notes.size(), frozen);
    for (const auto& g : scales.groups()) {
        ASSERT_EQ(g.frozen(), g.median_abs == 0.0f) << g.tensor;
        if (g.frozen()) {
            EXPECT_TRUE(g.field.is_min) << g.tensor;
            EXPECT_TRUE(std::any_of(notes.begin(), notes.end(), [&](const std::string& n) {
                return n.find(g.tensor) != std::string::npos && n.find("stays as loaded") != std::string::npos;
            })) << g.tensor;
        }
    }
    std::vector<uint16_t> fields_before;
    for (const auto& g : scales.groups())
        for (int64_t b = 0; b < g.view.count; ++b) fields_before.push_back(field_bits(g, b));
    const std::vector<float> before = masters(scales);
    const qt::ZoNoise noise{3, 9};
    scales.perturb(noise, 0.05f);
    size_t k = 0, changed_live = 0;
    for (const auto& g : scales.groups())
        for (int64_t b = 0; b < g.view.count; ++b, ++k) {
            if (g.frozen()) {
                ASSERT_EQ(field_bits(g, b), fields_before[k]) << g.tensor;
            } else {
                changed_live += field_bits(g, b) != fields_before[k];
            }
        }
    EXPECT_GT(changed_live, 0u);
    scales.finish_step(noise, 0.5f);
    const std::vector<float> after = masters(scales);
    for (const auto& g : scales.groups())
        if (g.frozen())
            for (int64_t b = 0; b < g.view.count; ++b)
                ASSERT_EQ(after[static_cast<size_t>(g.index0 + b)], before[static_cast<size_t>(g.index0 + b)]);
    // Absolute mode has a unit of 1 everywhere: nothing frozen, nothing to say.
    qt::QzoScales absolute(*m.model, {});
    EXPECT_TRUE(absolute.frozen_groups().empty());
}

TEST(QzoRelativeEps, RandomModelNamesAnUnknownLinearRole) {
    qt::test::TempDir dir("qzo-rel-role");
    qt::RandomLlamaSpec spec;
    spec.linear_types = {{"ffn_dwn", qt::GgmlType::Q8_0}};
    try {
        qt::write_random_llama_gguf(dir.path + "/x.gguf", spec);
        FAIL() << "a misspelt role must not be ignored";
    } catch (const std::invalid_argument& e) {
        EXPECT_NE(std::string(e.what()).find("ffn_dwn"), std::string::npos) << e.what();
    }
}

// A config file that asks for relative_eps without a step gets the relative one
// (the absolute defaults would be ~300x too small); given values stay. Turning it
// on from an absolute config (quanttune-cli train --relative-eps) does the same.
TEST(TrainConfigJson, RelativeEpsWithoutAStepTakesTheRelativeDefaults) {
    qt::TrainConfig c;
    qt::from_json(nlohmann::json{{"relative_eps", true}}, c);
    EXPECT_EQ(c.lr, qt::kRelativeQzoDefaults.lr);
    EXPECT_EQ(c.eps, qt::kRelativeQzoDefaults.eps);
    EXPECT_EQ(c.clip, qt::kRelativeQzoDefaults.clip);
    qt::TrainConfig d;
    qt::from_json(nlohmann::json{{"relative_eps", true}, {"eps", 5e-3}}, d);
    EXPECT_EQ(d.eps, 5e-3);
    EXPECT_EQ(d.lr, qt::kRelativeQzoDefaults.lr);
    qt::TrainConfig a;
    qt::from_json(nlohmann::json{{"relative_eps", false}}, a);
    EXPECT_EQ(a.eps, qt::kAbsoluteQzoDefaults.eps);
    EXPECT_EQ(a.lr, qt::kAbsoluteQzoDefaults.lr);

    qt::TrainConfig cli;
    cli.eps = 3e-4;
    qt::use_relative_eps(cli);
    EXPECT_TRUE(cli.relative_eps);
    EXPECT_EQ(cli.eps, qt::kRelativeQzoDefaults.eps);
    EXPECT_EQ(cli.clip, qt::kRelativeQzoDefaults.clip);
    cli.eps = 1e-3;
    qt::use_relative_eps(cli);  // already relative: its own step stays
    EXPECT_EQ(cli.eps, 1e-3);
    // And it round-trips.
    qt::TrainConfig back;
    qt::from_json(nlohmann::json(cli), back);
    EXPECT_EQ(nlohmann::json(back), nlohmann::json(cli));
    // MeZO perturbs weights, not block scales: the setting means nothing there.
    cli.method = "mezo";
    try {
        qt::validate(cli);
        FAIL() << "relative_eps with MeZO must be refused";
    } catch (const std::invalid_argument& e) {
        EXPECT_NE(std::string(e.what()).find("relative_eps"), std::string::npos) << e.what();
    }
}
