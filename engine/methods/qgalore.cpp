#include "methods/qgalore.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <stdexcept>
#include <string>

#include "cpu/adam8bit_step.h"
#include "methods/float_weight_copy.h"

namespace qt {

struct Qgalore::Linear {
    LinearId id;
    int64_t rows = 0, cols = 0;
    WeightTensor* model_weight = nullptr;  // plain GaLore trains it in place (float32)
    DeviceBuffer codes, scales, zeros;     // INT8 weights
    GroupQuantTensor q;
    std::unique_ptr<GaloreProjector> projector;
    DeviceBuffer m, v;                                  // 32-bit Adam
    DeviceBuffer m_codes, v_codes, m_absmax, v_absmax;  // 8-bit Adam
    int64_t adam_steps = 0;
    int64_t count() const { return rows * cols; }
};

namespace {

DeviceBuffer zeroed(Backend& b, size_t bytes, MemoryCategory c) {
    DeviceBuffer d = b.alloc(bytes, c);
    b.fill_zero(d.data(), bytes);
    return d;
}

}  // namespace

Qgalore::Qgalore(LlamaModel& model, const QgaloreSettings& s)
    : FirstOrderMethod(model.backend()), model_(model), settings_(s), n_layers_(model.config().n_layers) {
    if (s.weight_group < 2) throw std::invalid_argument("Q-GaLore's weight group must hold at least 2 values");
    index_.assign(static_cast<size_t>(n_layers_) * kLinearSlotCount, -1);
    int64_t max_count = 0;
    for (int l = 0; l < n_layers_; ++l)
        for (int slot = 0; slot < static_cast<int>(LinearSlot::Head); ++slot) {
            const WeightTensor& w = model.linear({l, static_cast<LinearSlot>(slot)});
            max_count = std::max<int64_t>(max_count, w.rows * w.cols);
        }
    // The float32 matrix every use of an INT8 weight dequantizes into, one at a time.
    if (s.quantized)
        w_scratch_ = backend_.alloc(static_cast<size_t>(max_count) * sizeof(float), MemoryCategory::Activations);
    int64_t max_low_rank = 0, max_projection = 0;
    for (int l = 0; l < n_layers_; ++l)
        for (int slot = 0; slot < static_cast<int>(LinearSlot::Head); ++slot) {
            const LinearId id{l, static_cast<LinearSlot>(slot)};
            WeightTensor& w = model.linear(id);
            auto L = std::make_unique<Linear>();
            L->id = id;
            L->rows = w.rows;
            L->cols = w.cols;
            L->model_weight = &w;
            if (s.quantized) {
                // GGUF blocks -> float32 -> INT8 groups; the blocks are released.
                const std::vector<float> values = host_float_values(w, backend_);
                backend_.upload(w_scratch_.data(), values.data(), values.size() * sizeof(float));
                L->q.count = L->count();
                L->q.group = s.weight_group;
                L->q.bits = 8;
                L->codes = backend_.alloc(L->q.code_bytes(), MemoryCategory::TrainableParameters);
                L->scales = backend_.alloc(static_cast<size_t>(L->q.groups()) * 4, MemoryCategory::TrainableParameters);
                L->zeros = backend_.alloc(static_cast<size_t>(L->q.groups()) * 4, MemoryCategory::TrainableParameters);
                L->q.codes = static_cast<uint8_t*>(L->codes.data());
                L->q.scales = L->scales.f32();
                L->q.zeros = L->zeros.f32();
                backend_.quantize_groups(w_scratch_.f32(), L->q, nullptr);
                w.storage.reset();
                w.data = nullptr;  // every use goes through weight_override
            } else {
                replace_with_float32_copy(w, backend_, MemoryCategory::TrainableParameters);
            }
            GaloreProjectorSettings ps = s.projector;
            ps.int4 = s.quantized;
            L->projector = std::make_unique<GaloreProjector>(backend_, static_cast<int>(w.rows),
                                                             static_cast<int>(w.cols), ps);
            const int64_t n = L->projector->low_rank_count();
            max_low_rank = std::max(max_low_rank, n);
            max_projection = std::max<int64_t>(max_projection, static_cast<int64_t>(L->projector->rank()) *
                                                                   (L->projector->right() ? w.cols : w.rows));
            if (s.quantized) {
                const size_t blocks = static_cast<size_t>((n + kAdam8bitBlock - 1) / kAdam8bitBlock);
                L->m_codes = zeroed(backend_, static_cast<size_t>(n), MemoryCategory::OptimizerStates);
                L->v_codes = zeroed(backend_, static_cast<size_t>(n), MemoryCategory::OptimizerStates);
                L->m_absmax = zeroed(backend_, blocks * 4, MemoryCategory::OptimizerStates);
                L->v_absmax = zeroed(backend_, blocks * 4, MemoryCategory::OptimizerStates);
            } else {
                L->m = zeroed(backend_, static_cast<size_t>(n) * 4, MemoryCategory::OptimizerStates);
                L->v = zeroed(backend_, static_cast<size_t>(n) * 4, MemoryCategory::OptimizerStates);
            }
            index_[static_cast<size_t>(l) * kLinearSlotCount + static_cast<size_t>(slot)] =
                static_cast<int>(linears_.size());
            linears_.push_back(std::move(L));
        }
    // The low-rank gradient R and Adam's low-rank step, one linear at a time; P as float32.
    r_scratch_ = backend_.alloc(static_cast<size_t>(max_low_rank) * 4, MemoryCategory::Gradients);
    step_scratch_ = backend_.alloc(static_cast<size_t>(max_low_rank) * 4, MemoryCategory::Gradients);
    p_scratch_ = backend_.alloc(static_cast<size_t>(max_projection) * 4, MemoryCategory::Projections);
}

Qgalore::~Qgalore() = default;

int Qgalore::index_of(LinearId id) const {
    if (id.slot == LinearSlot::Head || id.layer < 0 || id.layer >= n_layers_) return -1;
    return index_[static_cast<size_t>(id.layer) * kLinearSlotCount + static_cast<size_t>(id.slot)];
}

LinearId Qgalore::linear_id(size_t i) const { return linears_.at(i)->id; }
const GaloreProjector& Qgalore::projector(size_t i) const { return *linears_.at(i)->projector; }

int64_t Qgalore::size() const {
    int64_t n = 0;
    for (const auto& L : linears_) n += L->count();
    return n;
}

int64_t Qgalore::trainable_bytes() const {
    int64_t n = 0;
    for (const auto& L : linears_)
        n += settings_.quantized ? static_cast<int64_t>(L->codes.bytes() + L->scales.bytes() + L->zeros.bytes())
                                 : L->count() * 4;
    return n;
}

float* Qgalore::dequantized(size_t i) {
    if (scratch_holds_ != static_cast<int>(i)) {
        backend_.dequantize_groups(linears_[i]->q, w_scratch_.f32());
        scratch_holds_ = static_cast<int>(i);
    }
    return w_scratch_.f32();
}

const WeightTensor* Qgalore::weight_override(LinearId id) {
    const int i = index_of(id);
    if (i < 0 || !settings_.quantized) return nullptr;  // plain GaLore: the model's float32 weight
    const Linear& L = *linears_[static_cast<size_t>(i)];
    scratch_view_.name = L.model_weight->name;
    scratch_view_.type = GgmlType::F32;
    scratch_view_.rows = L.rows;
    scratch_view_.cols = L.cols;
    scratch_view_.row_bytes = static_cast<size_t>(L.cols) * sizeof(float);
    scratch_view_.data = dequantized(static_cast<size_t>(i));
    return &scratch_view_;
}

void Qgalore::weight_values(size_t i, float* dst) {
    const Linear& L = *linears_.at(i);
    if (settings_.quantized) {
        backend_.dequantize_groups(L.q, dst);
        return;
    }
    std::vector<float> host(static_cast<size_t>(L.count()));  // no device-to-device copy in the Backend
    backend_.download(host.data(), L.model_weight->data, host.size() * 4);
    backend_.upload(dst, host.data(), host.size() * 4);
}

std::vector<LinearId> Qgalore::trained_linears() const {
    std::vector<LinearId> ids;
    for (const auto& L : linears_) ids.push_back(L->id);
    return ids;
}

std::vector<float> Qgalore::trained_values(LinearId id) {
    const int i = index_of(id);
    if (i < 0) throw std::invalid_argument("Q-GaLore does not train this linear");
    return host_values(static_cast<size_t>(i));
}

std::vector<float> Qgalore::host_values(size_t i) {
    const Linear& L = *linears_[i];
    std::vector<float> host(static_cast<size_t>(L.count()));
    const void* src = settings_.quantized ? static_cast<const void*>(dequantized(i)) : L.model_weight->data;
    backend_.download(host.data(), src, host.size() * 4);
    return host;
}

void Qgalore::set_host_values(size_t i, const std::vector<float>& host) {
    Linear& L = *linears_[i];
    if (!settings_.quantized) {
        backend_.upload(const_cast<void*>(L.model_weight->data), host.data(), host.size() * 4);
        return;
    }
    backend_.upload(w_scratch_.data(), host.data(), host.size() * 4);
    backend_.quantize_groups(w_scratch_.f32(), L.q, nullptr);
    scratch_holds_ = -1;  // the scratch holds the unrounded values
}

template <class Fn>
void Qgalore::for_range(int64_t offset, int64_t count, Fn&& fn) {
    if (offset < 0 || count < 0 || offset + count > size()) throw std::out_of_range("Q-GaLore weights: range past the end");
    int64_t base = 0;
    for (size_t i = 0; i < linears_.size() && count > 0; base += linears_[i]->count(), ++i) {
        const int64_t n = linears_[i]->count();
        if (offset >= base + n) continue;
        const int64_t from = offset - base, take = std::min(count, n - from);
        fn(i, from, take);
        offset += take;
        count -= take;
    }
}

void Qgalore::begin_step(int64_t step, double lr) {
    step_ = step;
    lr_ = lr;
    grad_sq_ = 0;
}

double Qgalore::end_step() {
    steps_taken_ = step_ + 1;
    return std::sqrt(grad_sq_);
}

void Qgalore::consume_weight_gradient(LinearId id, WeightTensor&, const float* grad) {
    const size_t i = static_cast<size_t>(index_of(id));
    Linear& L = *linears_[i];
    grad_sq_ += backend_.sum_squares(grad, L.count());
    // R = the gradient in the (maybe refreshed) subspace; Adam's step on R from zero.
    L.projector->project(grad, step_, r_scratch_.f32(), p_scratch_.f32());
    const int64_t n = L.projector->low_rank_count();
    backend_.fill_zero(step_scratch_.data(), static_cast<size_t>(n) * 4);
    AdamWStep s;
    s.lr = lr_;
    s.beta1 = settings_.beta1;
    s.beta2 = settings_.beta2;
    s.eps = settings_.eps;
    s.t = ++L.adam_steps;
    if (settings_.quantized) {
        const Adam8bitState st{static_cast<uint8_t*>(L.m_codes.data()), static_cast<uint8_t*>(L.v_codes.data()),
                               L.m_absmax.f32(), L.v_absmax.f32()};
        backend_.adam8bit_update(step_scratch_.f32(), r_scratch_.f32(), st, n, s);
    } else {
        backend_.adamw_update(step_scratch_.f32(), r_scratch_.f32(), L.m.f32(), L.v.f32(), n, s);
    }
    // W += alpha * back-projected step; decoupled weight decay; back to INT8.
    float* w = settings_.quantized ? dequantized(i) : static_cast<float*>(const_cast<void*>(L.model_weight->data));
    L.projector->project_back_add(step_scratch_.f32(), static_cast<float>(settings_.scale), w, p_scratch_.f32());
    if (settings_.weight_decay > 0)
        backend_.scale(w, L.count(), static_cast<float>(1.0 - lr_ * settings_.weight_decay));
    if (settings_.quantized) {
        const StochasticRounding sr{settings_.seed,
                                    static_cast<uint64_t>(step_) * linears_.size() + static_cast<uint64_t>(i)};
        backend_.quantize_groups(w, L.q, settings_.stochastic_round ? &sr : nullptr);
        scratch_holds_ = -1;  // the scratch holds the unrounded sum, not the INT8 weight
    }
}

void Qgalore::read(int64_t offset, int64_t count, float* dst) {
    for_range(offset, count, [&](size_t i, int64_t from, int64_t take) {
        const std::vector<float> host = host_values(i);
        dst = std::copy_n(host.begin() + from, take, dst);
    });
}

void Qgalore::write(int64_t offset, int64_t count, const float* src) {
    for_range(offset, count, [&](size_t i, int64_t from, int64_t take) {
        std::vector<float> host = host_values(i);
        std::copy_n(src, take, host.begin() + from);
        src += take;
        set_host_values(i, host);
    });
}

MethodMetrics Qgalore::metrics() const {
    const double nan = std::numeric_limits<double>::quiet_NaN();
    LayerSeries done{"svds_done", "SVDs done", true, std::vector<double>(static_cast<size_t>(n_layers_), 0.0)};
    LayerSeries saved{"svds_saved", "SVDs the lazy rule saved", true,
                      std::vector<double>(static_cast<size_t>(n_layers_), 0.0)};
    LayerSeries similarity{"subspace_similarity", "Subspace similarity", false,
                           std::vector<double>(static_cast<size_t>(n_layers_), nan)};
    std::vector<double> sim_sum(static_cast<size_t>(n_layers_), 0.0);
    std::vector<int> sim_count(static_cast<size_t>(n_layers_), 0);
    for (const auto& L : linears_) {
        const auto l = static_cast<size_t>(L->id.layer);
        done.values[l] += static_cast<double>(L->projector->svds_done());
        saved.values[l] += static_cast<double>(L->projector->svds_saved(steps_taken_));
        const double sim = L->projector->last_similarity();
        if (!std::isnan(sim)) {
            sim_sum[l] += sim;
            ++sim_count[l];
        }
    }
    // The layer's mean over its linears that have a similarity yet.
    for (size_t l = 0; l < sim_sum.size(); ++l)
        if (sim_count[l] > 0) similarity.values[l] = sim_sum[l] / sim_count[l];
    return {{std::move(done), std::move(saved), std::move(similarity)}};
}

}  // namespace qt
