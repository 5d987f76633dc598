#include "methods/lora_adapters.h"

#include <cmath>
#include <sstream>
#include <stdexcept>

#include "util/philox_normal.h"

namespace qt {

std::vector<LinearSlot> parse_lora_targets(const std::string& list) {
    std::vector<LinearSlot> out;
    std::stringstream ss(list);
    std::string name;
    while (std::getline(ss, name, ',')) {
        if (name.empty()) continue;
        const LinearSlot s = parse_linear_slot(name);
        for (LinearSlot seen : out)
            if (seen == s) throw std::invalid_argument("LoRA target \"" + name + "\" named twice");
        out.push_back(s);
    }
    if (out.empty()) throw std::invalid_argument("LoRA needs at least one target (q, k, v, o, gate, up, down)");
    return out;
}

std::string lora_targets_text(const std::vector<LinearSlot>& targets) {
    std::string s;
    for (LinearSlot t : targets) s += (s.empty() ? "" : ",") + std::string(linear_slot_name(t));
    return s;
}

LoraAdapters::LoraAdapters(LlamaModel& model, const LoraSettings& settings)
    : FirstOrderMethod(model.backend()), settings_(settings), n_layers_(model.config().n_layers) {
    if (settings_.rank < 1) throw std::invalid_argument("LoRA rank must be at least 1");
    if (!(settings_.alpha > 0)) throw std::invalid_argument("LoRA alpha must be positive");
    index_.assign(static_cast<size_t>(n_layers_ + 1) * kLinearSlotCount, -1);
    const int r = settings_.rank;
    constexpr uint32_t kLoraInitStream = 0x4C4F5241u;  // "LORA": keeps these draws apart from other uses
    for (int l = 0; l < n_layers_ + 1; ++l)
        for (LinearSlot slot : settings_.targets) {
            if ((slot == LinearSlot::Head) != (l == n_layers_)) continue;
            const LinearId id{slot == LinearSlot::Head ? 0 : l, slot};
            const WeightTensor& w = model.linear(id);
            Adapter a;
            a.id = id;
            a.base_name = w.name;
            a.in = w.cols;
            a.out = w.rows;
            if (r > std::min(a.in, a.out))
                throw std::invalid_argument("LoRA rank " + std::to_string(r) + " exceeds the smaller side of " +
                                            w.name + " (" + std::to_string(std::min(a.in, a.out)) + ")");
            // A ~ U(-1/sqrt(in), 1/sqrt(in)) from Philox(seed, adapter index): reproducible on any backend.
            std::vector<float> init(static_cast<size_t>(r * a.in));
            const double bound = 1.0 / std::sqrt(static_cast<double>(a.in));
            const uint64_t stream = (uint64_t{kLoraInitStream} << 32) | adapters_.size();
            for (size_t i = 0; i < init.size(); i += 4) {
                const Philox4x32Result words = philox_words(settings_.seed, stream, i / 4);
                for (size_t k = 0; k < 4 && i + k < init.size(); ++k)
                    init[i + k] = static_cast<float>((words.v[k] * (1.0 / 4294967296.0) * 2.0 - 1.0) * bound);
            }
            const size_t a_bytes = init.size() * sizeof(float), b_bytes = static_cast<size_t>(a.out * r) * sizeof(float);
            a.a = backend_.alloc(a_bytes, MemoryCategory::TrainableParameters);
            a.b = backend_.alloc(b_bytes, MemoryCategory::TrainableParameters);
            a.grad_a = backend_.alloc(a_bytes, MemoryCategory::Gradients);
            a.grad_b = backend_.alloc(b_bytes, MemoryCategory::Gradients);
            backend_.upload(a.a.data(), init.data(), a_bytes);
            backend_.fill_zero(a.b.data(), b_bytes);
            backend_.fill_zero(a.grad_a.data(), a_bytes);
            backend_.fill_zero(a.grad_b.data(), b_bytes);
            index_[static_cast<size_t>(l) * kLinearSlotCount + static_cast<int>(slot)] =
                static_cast<int>(adapters_.size());
            adapters_.push_back(std::move(a));
        }
    if (adapters_.empty()) throw std::invalid_argument("LoRA targets matched no linear layer of the model");
}

int LoraAdapters::index_of(LinearId id) const {
    const int l = id.slot == LinearSlot::Head ? n_layers_ : id.layer;
    if (l < 0 || l > n_layers_) return -1;
    return index_[static_cast<size_t>(l) * kLinearSlotCount + static_cast<int>(id.slot)];
}

std::vector<ParameterBlock> LoraAdapters::parameter_blocks() const {
    std::vector<ParameterBlock> out;
    for (const Adapter& a : adapters_) {
        out.push_back({a.a.f32(), a.grad_a.f32(), a.in * settings_.rank});
        out.push_back({a.b.f32(), a.grad_b.f32(), a.out * settings_.rank});
    }
    return out;
}

void LoraAdapters::ensure_scratch(int n) {
    if (n <= scratch_tokens_) return;
    const size_t bytes = static_cast<size_t>(n) * settings_.rank * sizeof(float);
    u_ = backend_.alloc(bytes, MemoryCategory::Activations);
    du_ = backend_.alloc(bytes, MemoryCategory::Activations);
    scratch_tokens_ = n;
}

void LoraAdapters::forward_extra(LinearId id, const WeightTensor&, const float* x, float* y, int n) {
    const Adapter& a = adapters_.at(static_cast<size_t>(index_of(id)));
    const int r = settings_.rank;
    ensure_scratch(n);
    // u = x A^T: [n][in] x [in][r];  y += s u B^T: [n][r] x [r][out].
    backend_.gemm_f32(false, true, n, r, static_cast<int>(a.in), 1.0f, x, a.a.f32(), 0.0f, u_.f32());
    backend_.gemm_f32(false, true, n, static_cast<int>(a.out), r, scale(), u_.f32(), a.b.f32(), 1.0f, y);
}

void LoraAdapters::backward_extra(LinearId id, const WeightTensor&, const float* x, const float* dy, float* dx,
                                  int n) {
    const Adapter& a = adapters_.at(static_cast<size_t>(index_of(id)));
    const int r = settings_.rank, in = static_cast<int>(a.in), out = static_cast<int>(a.out);
    ensure_scratch(n);
    backend_.gemm_f32(false, true, n, r, in, 1.0f, x, a.a.f32(), 0.0f, u_.f32());               // u = x A^T
    backend_.gemm_f32(true, false, out, r, n, scale(), dy, u_.f32(), 1.0f, a.grad_b.f32());     // dB += s dy^T u
    backend_.gemm_f32(false, false, n, r, out, scale(), dy, a.b.f32(), 0.0f, du_.f32());        // du = s dy B
    backend_.gemm_f32(true, false, r, in, n, 1.0f, du_.f32(), x, 1.0f, a.grad_a.f32());         // dA += du^T x
    backend_.gemm_f32(false, false, n, in, r, 1.0f, du_.f32(), a.a.f32(), 1.0f, dx);            // dx += du A
}

std::vector<LoraAdapters::HostAdapter> LoraAdapters::download() const {
    std::vector<HostAdapter> out;
    for (const Adapter& a : adapters_) {
        HostAdapter h;
        h.base_name = a.base_name;
        h.in = a.in;
        h.out = a.out;
        h.a.resize(static_cast<size_t>(a.in * settings_.rank));
        h.b.resize(static_cast<size_t>(a.out * settings_.rank));
        backend_.download(h.a.data(), a.a.data(), h.a.size() * sizeof(float));
        backend_.download(h.b.data(), a.b.data(), h.b.size() * sizeof(float));
        out.push_back(std::move(h));
    }
    return out;
}

void LoraAdapters::set_values(
    const std::function<void(const std::string&, std::vector<float>&, std::vector<float>&)>& fill) {
    std::vector<float> a, b;
    for (Adapter& ad : adapters_) {
        fill(ad.base_name, a, b);
        if (a.size() != static_cast<size_t>(ad.in * settings_.rank) || b.size() != static_cast<size_t>(ad.out * settings_.rank))
            throw std::invalid_argument("LoRA values for " + ad.base_name + " are not " + std::to_string(settings_.rank) +
                                        " x " + std::to_string(ad.in) + " and " + std::to_string(ad.out) + " x " +
                                        std::to_string(settings_.rank));
        backend_.upload(ad.a.data(), a.data(), a.size() * sizeof(float));
        backend_.upload(ad.b.data(), b.data(), b.size() * sizeof(float));
    }
}

}  // namespace qt
