// Sparse ZO on the CPU backend: the mask file round-trips and refuses damaged or
// mismatched files with a message naming the file and the problem; the sparse add
// equals a dense reference; the gradient mask is the top of the squared gradients
// however many passes its accumulators take; the method's perturbation and update
// follow z exactly; and a trained run exports a side file that reproduces its
// losses exactly and a merged GGUF whose float32 form computes the same logits.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <fstream>
#include <random>
#include <set>
#include <vector>

#include "backend/cpu_backend.h"
#include "memory/training_memory_plan.h"
#include "methods/sensitivity.h"
#include "methods/sparse_mask.h"
#include "methods/sparse_zo.h"
#include "model/llama_backprop.h"
#include "tiny_model_support.h"
#include "train/training_session.h"
#include "train/zo_trainer.h"
#include "util/philox_normal.h"

namespace {

using qt::SparseMask;
using qt::SparseMaskError;
using qt::SparseMaskMatrix;

SparseMask hand_mask() {
    SparseMask m;
    m.model = {"tiny", "llama", 2, 64, 128, 320};
    m.criterion = "gradient";
    m.scope = "global";
    m.fraction = 0.01;
    m.details = {{"sequences", 3}, {"captured_share", 0.5}};
    m.matrices.push_back({"blk.0.attn_q.weight", 64, 64, {0, 5, 64, 4095}, {}});
    m.matrices.push_back({"blk.1.ffn_down.weight", 64, 128, {7, 8, 8000}, {0.5f, -1.25f, 3e-4f}});
    return m;
}

// The message of the SparseMaskError `f` throws ("" when it throws none).
template <class F>
std::string mask_error(F&& f) {
    try {
        f();
    } catch (const SparseMaskError& e) {
        return e.what();
    }
    return "";
}

std::vector<uint8_t> bytes_of(const std::string& path) { return qt::test::read_bytes(path); }
void write_bytes(const std::string& path, const std::vector<uint8_t>& b) {
    std::ofstream(path, std::ios::binary).write(reinterpret_cast<const char*>(b.data()), static_cast<std::streamsize>(b.size()));
}
// The file's checksum recomputed over its content (FNV-1a, as sparse_mask.cpp): a
// test that changes the content on purpose must get past the checksum to reach the check it means.
void reseal(std::vector<uint8_t>& b) {
    uint64_t h = 0xcbf29ce484222325ull;
    for (size_t i = 0; i + 8 < b.size(); ++i) h = (h ^ b[i]) * 0x100000001b3ull;
    std::memcpy(b.data() + b.size() - 8, &h, 8);
}
size_t payload_start(const std::vector<uint8_t>& b) {
    uint32_t header = 0;
    std::memcpy(&header, b.data() + 12, 4);
    return 16 + header;
}

TEST(SparseMaskFile, RoundTripsEveryField) {
    qt::test::TempDir dir("sparse-mask");
    const std::string path = dir.path + "/m.qtsparse";
    const SparseMask m = hand_mask();
    qt::save_sparse_mask(path, m);
    const SparseMask r = qt::load_sparse_mask(path);
    EXPECT_EQ(r.model, m.model);
    EXPECT_EQ(r.criterion, m.criterion);
    EXPECT_EQ(r.scope, m.scope);
    EXPECT_EQ(r.fraction, m.fraction);
    EXPECT_EQ(r.details, m.details);
    ASSERT_EQ(r.matrices.size(), 2u);
    for (size_t i = 0; i < 2; ++i) {
        EXPECT_EQ(r.matrices[i].tensor, m.matrices[i].tensor);
        EXPECT_EQ(r.matrices[i].rows, m.matrices[i].rows);
        EXPECT_EQ(r.matrices[i].index, m.matrices[i].index);
        EXPECT_EQ(r.matrices[i].values, m.matrices[i].values);
    }
    EXPECT_EQ(r.entries(), 7);
    EXPECT_TRUE(r.has_values());
}

TEST(SparseMaskFile, DamagedFilesGiveOneLineNamingFileAndProblem) {
    qt::test::TempDir dir("sparse-mask-bad");
    const std::string good = dir.path + "/good.qtsparse", bad = dir.path + "/bad.qtsparse";
    qt::save_sparse_mask(good, hand_mask());
    const std::vector<uint8_t> b = bytes_of(good);
    const size_t p0 = payload_start(b);
    struct Case {
        const char* what;
        std::vector<uint8_t> bytes;
        const char* expect;
    };
    std::vector<Case> cases;
    cases.push_back({"truncated", std::vector<uint8_t>(b.begin(), b.end() - 1), "bytes"});
    cases.push_back({"cut inside the header", std::vector<uint8_t>(b.begin(), b.begin() + 20), "header size"});
    auto flipped = b;
    flipped[p0 + 2] ^= 0x40;
    cases.push_back({"a flipped index bit", flipped, "checksum"});
    auto magic = b;
    magic[0] = 'X';
    cases.push_back({"wrong magic", magic, "QTSPARSE"});
    auto version = b;
    version[8] = 9;
    cases.push_back({"future version", version, "version 9"});
    auto order = b;  // the first matrix's entries 0 and 5 swapped, the checksum made to match
    std::swap_ranges(order.begin() + static_cast<long>(p0), order.begin() + static_cast<long>(p0) + 4,
                     order.begin() + static_cast<long>(p0) + 4);
    reseal(order);
    cases.push_back({"indices out of order", order, "does not come after"});
    auto range = b;  // the first matrix's last index 4095 -> 4096 (outside 64 x 64)
    const uint32_t outside = 4096;
    std::memcpy(range.data() + p0 + 12, &outside, 4);
    reseal(range);
    cases.push_back({"index outside the matrix", range, "outside the 64 x 64 matrix"});
    auto header = b;  // "entries":4 -> "entries":9 in the header: the sizes no longer add up
    const std::string text(header.begin() + 16, header.begin() + static_cast<long>(p0));
    const size_t at = text.find("\"entries\":4");
    ASSERT_NE(at, std::string::npos);
    header[16 + at + 10] = '9';
    reseal(header);
    cases.push_back({"header and payload disagree", header, "describes"});
    auto json = b;
    json[16] = '[';
    reseal(json);
    cases.push_back({"malformed header", json, "header"});
    cases.push_back({"empty file", {}, "ends inside the magic"});
    for (const Case& c : cases) {
        write_bytes(bad, c.bytes);
        const std::string msg = mask_error([&] { qt::load_sparse_mask(bad); });
        std::printf("[ mask ] %-28s -> %s\n", c.what, msg.c_str());
        EXPECT_NE(msg.find(bad), std::string::npos) << c.what;
        EXPECT_NE(msg.find(c.expect), std::string::npos) << c.what << ": " << msg;
        EXPECT_EQ(msg.find('\n'), std::string::npos) << c.what;
    }
    EXPECT_NE(mask_error([&] { qt::load_sparse_mask(dir.path + "/missing.qtsparse"); }).find("cannot be read"),
              std::string::npos);
}

TEST(SparseMaskFile, AMaskOfAnotherModelOrShapeIsRefused) {
    qt::test::TinyCpuModel a("sparse-fit-a");
    qt::RandomLlamaSpec other;
    other.dim = 96;
    other.n_heads = 4;
    qt::test::TinyCpuModel b("sparse-fit-b", other);
    qt::SensitivityOptions o;
    o.criterion = qt::SensitivityCriterion::Random;
    o.fraction = 0.01;
    SparseMask m = qt::compute_sparse_mask(*a.model, {}, o);
    EXPECT_EQ(mask_error([&] { qt::check_sparse_mask_fits(m, *a.model, "m.qtsparse"); }), "");
    const std::string other_model = mask_error([&] { qt::check_sparse_mask_fits(m, *b.model, "m.qtsparse"); });
    EXPECT_NE(other_model.find("m.qtsparse: model: the mask was made for"), std::string::npos) << other_model;
    m.matrices[3].cols = 32;
    const std::string shape = mask_error([&] { qt::check_sparse_mask_fits(m, *a.model, "m.qtsparse"); });
    EXPECT_NE(shape.find("shape 64 x 32 where the model has 64 x 64"), std::string::npos) << shape;
    m.matrices[3].tensor = "blk.9.attn_q.weight";
    EXPECT_NE(mask_error([&] { qt::check_sparse_mask_fits(m, *a.model, "m.qtsparse"); }).find("no trainable linear"),
              std::string::npos);
}

TEST(SparseAdd, CpuEqualsDenseReference) {
    auto backend = qt::make_cpu_backend(2);
    const int rows = 97, cols = 131, n = 19;
    std::mt19937 rng(5);
    std::uniform_real_distribution<float> u(-1, 1);
    std::vector<int32_t> starts{0}, col;
    std::vector<float> values;
    std::vector<double> dense(static_cast<size_t>(rows) * cols, 0.0);
    for (int r = 0; r < rows; ++r) {
        for (int c = 0; c < cols; ++c)
            if ((r % 5 != 0) && (rng() % 40 == 0 || r == 50)) {  // empty rows, and one full row
                col.push_back(c);
                values.push_back(u(rng));
                dense[static_cast<size_t>(r) * cols + c] = values.back();
            }
        starts.push_back(static_cast<int32_t>(col.size()));
    }
    std::vector<float> x(static_cast<size_t>(n) * cols), y(static_cast<size_t>(n) * rows);
    for (float& v : x) v = u(rng);
    for (float& v : y) v = u(rng);
    const std::vector<float> y0 = y;
    const qt::SparseRows s{rows, cols, static_cast<int64_t>(col.size()), starts.data(), col.data()};
    backend->sparse_matmul_add(s, values.data(), x.data(), y.data(), n);
    double worst = 0;
    for (int t = 0; t < n; ++t)
        for (int r = 0; r < rows; ++r) {
            double ref = y0[static_cast<size_t>(t) * rows + r];
            for (int c = 0; c < cols; ++c) ref += dense[static_cast<size_t>(r) * cols + c] * x[static_cast<size_t>(t) * cols + c];
            worst = std::max(worst, std::fabs(ref - y[static_cast<size_t>(t) * rows + r]));
            if (r % 5 == 0) EXPECT_EQ(y[static_cast<size_t>(t) * rows + r], y0[static_cast<size_t>(t) * rows + r]);
        }
    std::printf("[ sparse add ] %zu entries, %d tokens: max |cpu - dense double| %.3g\n", col.size(), n, worst);
    EXPECT_LT(worst, 1e-5);
}

// Calibration: random token sequences, every token after the first a target.
std::vector<qt::Example> random_sequences(int count, int length, int vocab, unsigned seed) {
    std::mt19937 rng(seed);
    std::vector<qt::Example> out(static_cast<size_t>(count));
    for (qt::Example& e : out) {
        for (int t = 0; t < length; ++t) e.tokens.push_back(static_cast<int32_t>(rng() % static_cast<unsigned>(vocab)));
        e.loss_mask.assign(static_cast<size_t>(length), 1);
        e.loss_mask[0] = 0;
    }
    return out;
}

// Every linear's dense squared gradients, summed on the host: the reference.
struct DenseSquares final : qt::TrainingHooks {
    explicit DenseSquares(qt::LlamaModel& m) : model(m) {
        for (qt::WeightTensor* w : m.trainable_linears()) sums.emplace_back(static_cast<size_t>(w->rows * w->cols), 0.0);
    }
    bool wants_weight_gradient(qt::LinearId) const override { return true; }
    void consume_weight_gradient(qt::LinearId id, qt::WeightTensor&, const float* grad) override {
        const auto ids = model.trainable_linear_ids();
        for (size_t i = 0; i < ids.size(); ++i)
            if (ids[i].layer == id.layer && ids[i].slot == id.slot)
                for (size_t e = 0; e < sums[i].size(); ++e) sums[i][e] += static_cast<double>(grad[e]) * grad[e];
    }
    qt::LlamaModel& model;
    std::vector<std::vector<double>> sums;
};

TEST(Sensitivity, GradientMaskIsTheTopOfSquaredGradientsInOneOrManyPasses) {
    qt::test::TinyCpuModel tiny("sensitivity");
    const auto cal = random_sequences(3, 24, tiny.spec.vocab_size, 4);
    DenseSquares ref(*tiny.model);
    tiny.model->set_training_hooks(&ref);
    {
        qt::LlamaBackprop bp(*tiny.model);
        for (const qt::Example& e : cal) {
            std::vector<int32_t> targets(e.tokens.begin() + 1, e.tokens.end());
            targets.push_back(-1);
            bp.forward_backward(e.tokens, 1, targets, 1.0 / static_cast<double>(targets.size() - 1));
        }
    }
    tiny.model->set_training_hooks(nullptr);
    // The reference's global top k, as (matrix, index).
    struct E {
        double s;
        size_t m;
        uint32_t i;
    };
    std::vector<E> all;
    double total = 0;
    for (size_t m = 0; m < ref.sums.size(); ++m)
        for (size_t i = 0; i < ref.sums[m].size(); ++i) {
            all.push_back({ref.sums[m][i], m, static_cast<uint32_t>(i)});
            total += ref.sums[m][i];
        }
    qt::SensitivityOptions o;
    o.fraction = 0.02;
    const auto k = static_cast<size_t>(std::llround(o.fraction * static_cast<double>(all.size())));
    std::partial_sort(all.begin(), all.begin() + static_cast<long>(k), all.end(),
                      [](const E& a, const E& b) { return a.s > b.s; });
    std::set<std::pair<size_t, uint32_t>> expect;
    double top = 0;
    for (size_t j = 0; j < k; ++j) {
        expect.insert({all[j].m, all[j].i});
        top += all[j].s;
    }
    int passes_seen = 0;
    for (int64_t budget : {int64_t{1} << 30, int64_t{1}}) {  // one pass for all; one linear a pass
        o.accumulator_bytes = budget;
        int calls = 0;
        const SparseMask mask = qt::compute_sparse_mask(*tiny.model, cal, o, [&](const qt::SensitivityProgress& p) {
            passes_seen = p.passes;
            ++calls;
            return true;
        });
        std::set<std::pair<size_t, uint32_t>> got;
        for (size_t m = 0; m < mask.matrices.size(); ++m)
            for (uint32_t i : mask.matrices[m].index) got.insert({m, i});
        EXPECT_EQ(got, expect) << "budget " << budget;
        EXPECT_EQ(mask.details["passes"].get<int>(), passes_seen);
        EXPECT_EQ(calls, passes_seen * 3);
        EXPECT_NEAR(mask.details["captured_share"].get<double>(), top / total, 1e-4);
        std::printf("[ sensitivity ] budget %lld B: %d pass(es), %lld entries carry %.1f%% of the squared gradient\n",
                    static_cast<long long>(budget), passes_seen, static_cast<long long>(mask.entries()),
                    100 * mask.details["captured_share"].get<double>());
    }
    EXPECT_EQ(passes_seen, 14);  // 2 layers x 7 linears, the head tied
    EXPECT_EQ(tiny.model->training_hooks(), nullptr);  // restored
}

TEST(Sensitivity, PerMatrixScopeKeepsTheFractionOfEachAndBaselinesMatchItsSize) {
    qt::test::TinyCpuModel tiny("sensitivity-scope");
    const auto cal = random_sequences(2, 16, tiny.spec.vocab_size, 9);
    qt::SensitivityOptions o;
    o.fraction = 0.01;
    o.scope = qt::MaskScope::PerMatrix;
    std::vector<int64_t> sizes;
    for (auto criterion : {qt::SensitivityCriterion::Gradient, qt::SensitivityCriterion::Magnitude,
                           qt::SensitivityCriterion::Random}) {
        o.criterion = criterion;
        const SparseMask m = qt::compute_sparse_mask(*tiny.model, cal, o);
        std::vector<int64_t> per;
        for (const auto& mm : m.matrices) {
            EXPECT_EQ(static_cast<int64_t>(mm.index.size()),
                      std::max<int64_t>(1, std::llround(0.01 * static_cast<double>(mm.rows * mm.cols))))
                << mm.tensor;
            per.push_back(static_cast<int64_t>(mm.index.size()));
        }
        if (sizes.empty()) sizes = per;
        EXPECT_EQ(per, sizes);  // the baselines choose as many entries, matrix by matrix
    }
    // Magnitude: the chosen entries are the largest |w| of their matrix.
    o.criterion = qt::SensitivityCriterion::Magnitude;
    const SparseMask m = qt::compute_sparse_mask(*tiny.model, cal, o);
    EXPECT_EQ(m.criterion, "magnitude");
    EXPECT_EQ(m.scope, "per-matrix");
}

TEST(SparseZoMethod, PerturbsAndUpdatesEachValueByItsZ) {
    qt::test::TinyCpuModel tiny("sparse-zo-step");
    qt::SensitivityOptions o;
    o.criterion = qt::SensitivityCriterion::Random;
    o.fraction = 0.01;
    const SparseMask mask = qt::compute_sparse_mask(*tiny.model, {}, o);
    qt::SparseZo zo(*tiny.model, mask, {});
    EXPECT_EQ(tiny.model->training_hooks(), &zo);
    const int64_t n = zo.size();
    ASSERT_EQ(n, mask.entries());
    const qt::ZoNoise noise{7, 3};
    std::vector<float> v(static_cast<size_t>(n));
    zo.perturb(noise, 1e-3f);
    zo.perturb(noise, -1e-3f);
    zo.read(0, n, v.data());
    for (int64_t i = 0; i < n; i += 97) EXPECT_FLOAT_EQ(v[i], -1e-3f * qt::philox_normal(7, 3, static_cast<uint64_t>(i)));
    zo.finish_step(noise, 0.0f);
    zo.read(0, n, v.data());
    for (float x : v) ASSERT_EQ(x, 0.0f);  // restored exactly
    zo.perturb(noise, 1e-3f);
    zo.finish_step(noise, 0.5f);
    zo.read(0, n, v.data());
    for (int64_t i = 0; i < n; i += 97) EXPECT_FLOAT_EQ(v[i], -0.5f * qt::philox_normal(7, 3, static_cast<uint64_t>(i)));
}

TEST(SparseZoMethod, LinearAddsSExactlyAndScalesShareTheNoiseIndices) {
    qt::RandomLlamaSpec spec;
    qt::test::TempDir dir("sparse-zo-linear");
    const std::string path = dir.path + "/tiny.gguf";
    qt::write_random_llama_gguf(path, spec);
    auto file = std::shared_ptr<const qt::GgufFile>(qt::GgufFile::open(path));
    auto backend = qt::make_cpu_backend(1);
    auto model = qt::LlamaModel::load(file, *backend, {true});
    qt::SensitivityOptions o;
    o.criterion = qt::SensitivityCriterion::Magnitude;
    o.fraction = 0.02;
    const SparseMask mask = qt::compute_sparse_mask(*model, {}, o);
    qt::SparseZoOptions so;
    so.train_scales = true;
    qt::SparseZo zo(*model, mask, so);
    const int64_t n_scales = zo.scales()->size();
    ASSERT_EQ(zo.size(), n_scales + mask.entries());
    // A read and write across the boundary between the scales and S round-trip.
    std::vector<float> span(10), back(10);
    zo.read(n_scales - 5, 10, span.data());
    for (int j = 5; j < 10; ++j) span[j] = 0.25f * static_cast<float>(j);
    zo.write(n_scales - 5, 10, span.data());
    zo.read(n_scales - 5, 10, back.data());
    EXPECT_EQ(back, span);
    // S's values are z-indexed after the scales.
    zo.finish_step({1, 2}, 0.0f);
    std::vector<float> before(static_cast<size_t>(zo.size())), after(before.size());
    zo.read(0, zo.size(), before.data());
    zo.perturb({1, 2}, 0.01f);
    zo.finish_step({1, 2}, 1e-3f);
    zo.read(0, zo.size(), after.data());
    for (int64_t i = n_scales; i < zo.size(); i += 31)
        EXPECT_NEAR(after[i] - before[i], -1e-3f * qt::philox_normal(1, 2, static_cast<uint64_t>(i)), 3e-7);
    // One linear with S: y = W x + S x, S's part against a dense double product.
    const qt::LinearId id{1, qt::LinearSlot::Down};
    const qt::WeightTensor& w = model->linear(id);
    const SparseMask trained = zo.trained_mask();
    const auto& mm = *std::find_if(trained.matrices.begin(), trained.matrices.end(),
                                   [&](const SparseMaskMatrix& m) { return m.tensor == w.name; });
    ASSERT_FALSE(mm.index.empty());
    const int n = 5;
    std::vector<float> x(static_cast<size_t>(n * w.cols)), y_plain(static_cast<size_t>(n * w.rows)), y(y_plain.size());
    std::mt19937 rng(2);
    std::uniform_real_distribution<float> u(-1, 1);
    for (float& v : x) v = u(rng);
    backend->linear(w, x.data(), y_plain.data(), n);
    model->hooked_linear(id, x.data(), y.data(), n);
    double worst = 0;
    for (int t = 0; t < n; ++t)
        for (int64_t r = 0; r < w.rows; ++r) {
            double s = 0;
            for (size_t j = 0; j < mm.index.size(); ++j)
                if (static_cast<int64_t>(mm.index[j] / w.cols) == r)
                    s += static_cast<double>(mm.values[j]) * x[static_cast<size_t>(t * w.cols + mm.index[j] % w.cols)];
            worst = std::max(worst, std::fabs(y[static_cast<size_t>(t * w.rows + r)] - (y_plain[static_cast<size_t>(t * w.rows + r)] + s)));
        }
    std::printf("[ sparse zo ] linear with %zu entries of S: max |y - (W x + S x)| %.3g\n", mm.index.size(), worst);
    EXPECT_LT(worst, 1e-5);
}

// A trained run's export: the side file holds S exactly (its losses are the
// session's, bit for bit), and the merged GGUF of a float32 model computes the
// same loss up to float rounding.
TEST(SparseZoExport, SideFileIsExactAndTheFloatMergeMatchesTheHookedModel) {
    qt::test::TempDir dir("sparse-zo-export");
    const std::string model = dir.path + "/tiny.gguf", data = dir.path + "/data.jsonl", mask = dir.path + "/m.qtsparse";
    qt::RandomLlamaSpec spec;
    spec.seed = 8;
    // Float32 linears: the merged file computes W + S with the same float products,
    // where quantized ones would also quantize the activations (CPU dot products).
    spec.weight_type = qt::GgmlType::F32;
    qt::write_random_llama_gguf(model, spec);
    {
        std::ofstream d(data);
        for (int i = 0; i < 24; ++i)
            d << "{\"prompt\": \"item " << i << " is\", \"completion\": \"" << (i % 3 == 0 ? "red" : "blue") << "\"}\n";
    }
    {
        auto file = std::shared_ptr<const qt::GgufFile>(qt::GgufFile::open(model));
        auto backend = qt::make_cpu_backend(1);
        auto m = qt::LlamaModel::load(file, *backend, {});
        qt::SensitivityOptions o;
        o.fraction = 0.02;
        qt::save_sparse_mask(mask, qt::compute_sparse_mask(*m, random_sequences(2, 16, spec.vocab_size, 1), o));
    }
    qt::TrainConfig c;
    c.method = "sparse-zo";
    c.model = model;
    c.data = data;
    c.sparse_mask = mask;
    c.steps = 6;
    c.batch_size = 3;
    c.lr = 1e-3;
    c.eps = 1e-3;
    c.eval_examples = 6;
    c.threads = 1;
    c.merge_type = "f32";
    auto backend = qt::make_cpu_backend(1);
    qt::TrainingSession s(c, *backend);
    while (!s.trainer().finished()) s.trainer().step();
    const double trained_loss = s.trainer().evaluate().val_loss;
    const std::string out = dir.path + "/model.gguf";
    const auto report = s.export_gguf(out);
    ASSERT_EQ(report.files.size(), 2u);
    EXPECT_EQ(report.files[1], dir.path + "/model.sparse.qtsparse");
    for (const std::string& line : report.notes) std::printf("[ export ] %s\n", line.c_str());
    const SparseMask side = qt::load_sparse_mask(report.files[1]);
    ASSERT_TRUE(side.has_values());
    double moved = 0;
    for (const auto& m : side.matrices)
        for (float v : m.values) moved += std::fabs(v);
    EXPECT_GT(moved, 0.0);  // training changed S
    // The side file on the base model: the session's validation loss exactly.
    {
        auto b2 = qt::make_cpu_backend(1);
        qt::LoadedModel lm = qt::open_model_for_training(model, *b2);
        auto attached = qt::attach_sparse_side_file(report.files[1], *lm.model);
        qt::TrainConfig ce = c;
        ce.method = "mezo";
        const qt::TrainData d = qt::load_train_data(ce, lm);
        auto none = qt::make_zo_parameters(ce, *lm.model);
        qt::ZoTrainer t(*lm.model, *none, ce, d);
        EXPECT_EQ(t.evaluate().val_loss, trained_loss);
    }
    // The merged float32 file: the same loss up to the float32 products' rounding.
    {
        qt::TrainConfig ce = c;
        ce.method = "mezo";
        ce.model = out;
        auto b2 = qt::make_cpu_backend(1);
        qt::LoadedModel lm = qt::open_model_for_training(out, *b2);
        const qt::TrainData d = qt::load_train_data(ce, lm);
        auto none = qt::make_zo_parameters(ce, *lm.model);
        qt::ZoTrainer t(*lm.model, *none, ce, d);
        const double merged = t.evaluate().val_loss;
        std::printf("[ export ] validation loss: trained %.6f, merged float32 %.6f\n", trained_loss, merged);
        EXPECT_NEAR(merged, trained_loss, 1e-4);
    }
}

}  // namespace

namespace {

// The memory plan's sparse-ZO row (memory/training_memory_plan.h) against what the
// ledger counts once the method holds a mask of the same fraction.
TEST(SparseZoMethod, MemoryPlanMatchesTheLedgerForSAndTheMask) {
    qt::test::TinyCpuModel tiny("sparse-zo-plan");
    qt::SensitivityOptions o;
    o.criterion = qt::SensitivityCriterion::Random;
    o.scope = qt::MaskScope::PerMatrix;  // every linear holds entries, as the plan assumes
    o.fraction = 0.01;
    const SparseMask mask = qt::compute_sparse_mask(*tiny.model, {}, o);
    const qt::MemorySnapshot before = tiny.backend->ledger().snapshot();
    qt::SparseZo zo(*tiny.model, mask, {});
    const qt::MemorySnapshot after = tiny.backend->ledger().snapshot();
    qt::MemoryPlanShape shape;
    shape.sparse_fraction = mask.fraction;
    const auto plans = qt::plan_training_memory(*tiny.file, shape);
    const auto row = std::find_if(plans.begin(), plans.end(), [](const auto& p) { return p.method == "sparse-zo"; });
    ASSERT_NE(row, plans.end());
    for (auto cat : {qt::MemoryCategory::SparseValues, qt::MemoryCategory::SparseMask}) {
        const auto k = static_cast<size_t>(cat);
        EXPECT_EQ(row->bytes[k], after.live[k] - before.live[k]) << qt::memory_category_name(cat);
    }
    EXPECT_EQ(row->bytes[static_cast<size_t>(qt::MemoryCategory::SparseValues)], mask.entries() * 4);
}

}  // namespace
