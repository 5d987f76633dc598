#include "methods/sensitivity.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <stdexcept>

#include "model/llama_backprop.h"
#include "quant/dequantize.h"
#include "util/philox_normal.h"

namespace qt {
namespace {

// One selectable entry: its score, its matrix and its flat index there.
struct Candidate {
    float score;
    uint32_t matrix;
    uint32_t index;
};
// Larger scores first; equal ones by position, so a selection never depends on sort order.
bool before(const Candidate& a, const Candidate& b) {
    if (a.score != b.score) return a.score > b.score;
    if (a.matrix != b.matrix) return a.matrix < b.matrix;
    return a.index < b.index;
}

// Collects the candidates: per matrix its own top k, or the top k of all matrices
// (keeping at most 2k candidates between merges).
class TopEntries {
public:
    TopEntries(MaskScope scope, int64_t total_k) : scope_(scope), total_k_(total_k) {}

    void add(uint32_t matrix, const std::vector<float>& scores, int64_t matrix_k) {
        const int64_t k = std::min<int64_t>(scope_ == MaskScope::Global ? total_k_ : matrix_k,
                                            static_cast<int64_t>(scores.size()));
        double sum = 0;
#pragma omp parallel for reduction(+ : sum) schedule(static)
        for (size_t i = 0; i < scores.size(); ++i) sum += scores[i];
        total_score_ += sum;
        if (k <= 0) return;
        if (scope_ == MaskScope::Global && has_floor_) {
            // Only entries at or above the k-th best so far can still be chosen: a scan,
            // not a selection over the whole matrix (Llama-2-7B has 224 linears of up to 45M).
            for (size_t i = 0; i < scores.size(); ++i)
                if (scores[i] >= floor_) chosen_.push_back({scores[i], matrix, static_cast<uint32_t>(i)});
            if (static_cast<int64_t>(chosen_.size()) > 2 * total_k_) shrink();
            return;
        }
        // The k-th largest score, then every entry above it and the first ones equal to it.
        std::vector<float> sorted(scores);
        std::nth_element(sorted.begin(), sorted.begin() + (k - 1), sorted.end(), std::greater<float>());
        const float kth = sorted[static_cast<size_t>(k - 1)];
        int64_t above = 0;
        for (float s : scores) above += s > kth;
        int64_t equal_left = k - above;
        for (size_t i = 0; i < scores.size(); ++i)
            if (scores[i] > kth || (scores[i] == kth && equal_left-- > 0))
                chosen_.push_back({scores[i], matrix, static_cast<uint32_t>(i)});
        if (scope_ == MaskScope::Global && static_cast<int64_t>(chosen_.size()) >= total_k_) shrink();  // sets the floor
    }

    // The selection, sorted by matrix and index; the sum of every score seen.
    std::vector<Candidate> finish() {
        if (scope_ == MaskScope::Global) shrink();
        std::sort(chosen_.begin(), chosen_.end(), [](const Candidate& a, const Candidate& b) {
            return a.matrix != b.matrix ? a.matrix < b.matrix : a.index < b.index;
        });
        return std::move(chosen_);
    }
    double total_score() const { return total_score_; }

private:
    void shrink() {
        if (static_cast<int64_t>(chosen_.size()) < total_k_) return;
        std::nth_element(chosen_.begin(), chosen_.begin() + (total_k_ - 1), chosen_.end(), before);
        chosen_.resize(static_cast<size_t>(total_k_));
        floor_ = chosen_.back().score;  // the k-th best: nth_element put it last
        has_floor_ = true;
    }
    MaskScope scope_;
    int64_t total_k_;
    std::vector<Candidate> chosen_;
    double total_score_ = 0;
    bool has_floor_ = false;  // chosen_ has held total_k_ candidates: floor_ is the k-th best score
    float floor_ = 0;
};

// Squared weight gradients of one group of linears, summed into dense accumulators.
class SquaredGradients final : public TrainingHooks {
public:
    SquaredGradients(Backend& b, const std::vector<LinearId>& ids, const std::vector<WeightTensor*>& ws) : b_(b) {
        for (size_t i = 0; i < ids.size(); ++i) {
            const size_t count = static_cast<size_t>(ws[i]->rows * ws[i]->cols);
            acc_.push_back({ids[i], count, b.alloc(count * sizeof(float), MemoryCategory::Gradients)});
            b.fill_zero(acc_.back().sum.data(), count * sizeof(float));
        }
    }
    bool wants_weight_gradient(LinearId id) const override { return find(id) != nullptr; }
    void consume_weight_gradient(LinearId id, WeightTensor&, const float* grad) override {
        if (Acc* a = find(id)) b_.add_squares(a->sum.f32(), grad, static_cast<int64_t>(a->count));
    }
    std::vector<float> download(size_t i) const {
        std::vector<float> v(acc_[i].count);
        b_.download(v.data(), acc_[i].sum.data(), v.size() * sizeof(float));
        return v;
    }

private:
    struct Acc {
        LinearId id;
        size_t count;
        DeviceBuffer sum;
    };
    Acc* find(LinearId id) const {
        for (const Acc& a : acc_)
            if (a.id.layer == id.layer && a.id.slot == id.slot) return const_cast<Acc*>(&a);
        return nullptr;
    }
    Backend& b_;
    std::vector<Acc> acc_;
};

// Restores the model's hooks however the passes end.
struct HooksGuard {
    LlamaModel& model;
    TrainingHooks* saved;
    ~HooksGuard() { model.set_training_hooks(saved); }
};

std::vector<float> dequantized(Backend& b, const WeightTensor& w) {
    std::vector<uint8_t> raw(static_cast<size_t>(w.rows) * w.row_bytes);
    b.download(raw.data(), w.data, raw.size());
    std::vector<float> out(static_cast<size_t>(w.rows * w.cols));
    dequantize_row(w.type, raw.data(), out.data(), w.rows * w.cols);
    return out;
}

}  // namespace

const char* sensitivity_criterion_name(SensitivityCriterion c) {
    switch (c) {
        case SensitivityCriterion::Gradient: return "gradient";
        case SensitivityCriterion::Magnitude: return "magnitude";
        case SensitivityCriterion::Random: return "random";
    }
    return "?";
}

const char* mask_scope_name(MaskScope s) { return s == MaskScope::Global ? "global" : "per-matrix"; }

SensitivityCriterion parse_sensitivity_criterion(const std::string& s) {
    for (auto c : {SensitivityCriterion::Gradient, SensitivityCriterion::Magnitude, SensitivityCriterion::Random})
        if (s == sensitivity_criterion_name(c)) return c;
    throw std::invalid_argument("unknown mask criterion \"" + s + "\" (gradient, magnitude, random)");
}

MaskScope parse_mask_scope(const std::string& s) {
    for (auto c : {MaskScope::Global, MaskScope::PerMatrix})
        if (s == mask_scope_name(c)) return c;
    throw std::invalid_argument("unknown mask scope \"" + s + "\" (global, per-matrix)");
}

SparseMask compute_sparse_mask(LlamaModel& model, std::span<const Example> calibration,
                               const SensitivityOptions& o, const SensitivityProgressFn& progress) {
    if (!(o.fraction > 0 && o.fraction < 1))
        throw std::invalid_argument("mask fraction " + std::to_string(o.fraction) + " outside (0, 1)");
    const auto t0 = std::chrono::steady_clock::now();
    Backend& b = model.backend();
    const std::vector<LinearId> ids = model.trainable_linear_ids();
    const std::vector<WeightTensor*> ws = model.trainable_linears();
    int64_t total = 0;
    for (const WeightTensor* w : ws) total += w->rows * w->cols;
    auto k_of = [&](int64_t count) { return std::max<int64_t>(1, std::llround(o.fraction * static_cast<double>(count))); };
    TopEntries top(o.scope, k_of(total));

    SparseMask mask;
    mask.model = sparse_mask_identity(model);
    mask.criterion = sensitivity_criterion_name(o.criterion);
    mask.scope = mask_scope_name(o.scope);
    int passes = 0;
    int64_t sequences_used = 0, targets_used = 0;
    if (o.criterion == SensitivityCriterion::Gradient) {
        std::vector<const Example*> seqs;
        for (const Example& ex : calibration)
            if (ex.tokens.size() >= 2 && ex.target_count() > 0) seqs.push_back(&ex);
        if (seqs.empty()) throw std::invalid_argument("the gradient criterion needs calibration text with targets");
        // Groups of consecutive linears whose accumulators fit the budget (at least one each).
        std::vector<std::pair<size_t, size_t>> groups;
        for (size_t i = 0; i < ws.size();) {
            size_t j = i;
            int64_t bytes = 0;
            while (j < ws.size() && (j == i || bytes + ws[j]->rows * ws[j]->cols * 4 <= o.accumulator_bytes)) {
                bytes += ws[j]->rows * ws[j]->cols * 4;
                ++j;
            }
            groups.emplace_back(i, j);
            i = j;
        }
        passes = static_cast<int>(groups.size());
        HooksGuard guard{model, model.training_hooks()};
        LlamaBackprop backprop(model, BackpropOptions{true, o.tf32});
        for (int p = 0; p < passes; ++p) {
            const auto [i0, i1] = groups[static_cast<size_t>(p)];
            SquaredGradients sq(b, std::vector<LinearId>(ids.begin() + i0, ids.begin() + i1),
                                std::vector<WeightTensor*>(ws.begin() + i0, ws.begin() + i1));
            model.set_training_hooks(&sq);
            for (size_t s = 0; s < seqs.size(); ++s) {
                const Example& ex = *seqs[s];
                std::vector<int32_t> targets(ex.tokens.size(), -1);
                int64_t n_targets = 0;
                for (size_t t = 1; t < ex.tokens.size(); ++t)
                    if (ex.loss_mask[t]) {
                        targets[t - 1] = ex.tokens[t];
                        ++n_targets;
                    }
                backprop.forward_backward(ex.tokens, 1, targets, 1.0 / static_cast<double>(n_targets));
                if (p == 0) {
                    ++sequences_used;
                    targets_used += n_targets;
                }
                if (progress && !progress({p, passes, static_cast<int64_t>(s + 1), static_cast<int64_t>(seqs.size())}))
                    throw SensitivityCancelled();
            }
            model.set_training_hooks(guard.saved);
            for (size_t i = i0; i < i1; ++i) {
                std::vector<float> scores = sq.download(i - i0);
                for (float v : scores)
                    if (!std::isfinite(v))
                        throw std::runtime_error("the squared gradients of " + ws[i]->name +
                                                 " are not finite: the model or the calibration text is broken");
                top.add(static_cast<uint32_t>(i), scores, k_of(ws[i]->rows * ws[i]->cols));
            }
        }
    } else {
        passes = 1;
        for (size_t i = 0; i < ws.size(); ++i) {
            std::vector<float> scores;
            if (o.criterion == SensitivityCriterion::Magnitude) {
                scores = dequantized(b, *ws[i]);
                for (float& v : scores) v = std::fabs(v);
            } else {
                scores.resize(static_cast<size_t>(ws[i]->rows * ws[i]->cols));
#pragma omp parallel for schedule(static)
                for (size_t e = 0; e < scores.size(); ++e) scores[e] = philox_uniform(o.seed, i, e);
            }
            top.add(static_cast<uint32_t>(i), scores, k_of(ws[i]->rows * ws[i]->cols));
            if (progress && !progress({0, 1, static_cast<int64_t>(i + 1), static_cast<int64_t>(ws.size())}))
                throw SensitivityCancelled();
        }
    }
    const std::vector<Candidate> chosen = top.finish();
    double chosen_score = 0;
    for (size_t i = 0, c = 0; i < ws.size(); ++i) {
        SparseMaskMatrix m;
        m.tensor = ws[i]->name;
        m.rows = ws[i]->rows;
        m.cols = ws[i]->cols;
        for (; c < chosen.size() && chosen[c].matrix == i; ++c) {
            m.index.push_back(chosen[c].index);
            chosen_score += chosen[c].score;
        }
        mask.matrices.push_back(std::move(m));
    }
    mask.fraction = static_cast<double>(chosen.size()) / static_cast<double>(total);
    mask.details = {{"passes", passes},
                    {"weights", total},
                    {"seconds", std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count()}};
    if (o.criterion == SensitivityCriterion::Gradient) {
        mask.details["sequences"] = sequences_used;
        mask.details["targets"] = targets_used;
        mask.details["captured_share"] = top.total_score() > 0 ? chosen_score / top.total_score() : 0.0;
    } else if (o.criterion == SensitivityCriterion::Random) {
        mask.details["seed"] = o.seed;
    }
    return mask;
}

}  // namespace qt
