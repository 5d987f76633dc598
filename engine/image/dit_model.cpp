#include "image/dit_model.h"

#include <cmath>
#include <cstring>
#include <stdexcept>

#include "gguf/gguf_file.h"
#include "gguf/gguf_writer.h"
#include "quant/dequantize.h"
#include "quant/quantize.h"
#include "util/model_file_error.h"
#include "util/philox_normal.h"

namespace qt {
namespace {

size_t sz(int64_t a, int64_t b = 1) { return static_cast<size_t>(a) * static_cast<size_t>(b); }

DitTensorSpec linear(std::string name, int64_t cols, int64_t rows, DitInit init) {
    return {std::move(name), cols, rows, false, true, init};
}
DitTensorSpec vec(std::string name, int64_t n) { return {std::move(name), n, 1, true, false, DitInit::Zero}; }

// MAE's 2D sine-cosine table: the first half of a token's features encodes its patch
// row, the second its column, each as sin then cos of pos * 10000^(-k / (D/4)).
void pos_sincos(const DitConfig& c, float* out) {
    const int side = c.side_patches(), quarter = c.width / 4;
    for (int r = 0; r < side; ++r)
        for (int col = 0; col < side; ++col) {
            float* row = out + sz(r * side + col, c.width);
            for (int half = 0; half < 2; ++half) {
                const double pos = half == 0 ? r : col;
                for (int k = 0; k < quarter; ++k) {
                    const double a = pos * std::pow(10000.0, -static_cast<double>(k) / quarter);
                    row[half * 2 * quarter + k] = static_cast<float>(std::sin(a));
                    row[half * 2 * quarter + quarter + k] = static_cast<float>(std::cos(a));
                }
            }
        }
}

bool stored_quantized(const DitTensorSpec& s, GgmlType type) {
    return s.linear && type != GgmlType::F32 && s.cols % ggml_traits(type).block_size == 0;
}

}  // namespace

std::vector<DitTensorSpec> dit_tensor_specs(const DitConfig& c) {
    const int64_t D = c.width, P = c.patch_dim(), F = c.ffn_width;
    std::vector<DitTensorSpec> s;
    s.push_back(linear("patch_embed.weight", P, D, DitInit::Xavier));
    s.push_back(vec("patch_embed.bias", D));
    s.push_back({"pos_embed", D, c.tokens(), false, false, DitInit::PosSinCos});
    s.push_back(linear("t_embed.fc1.weight", c.timestep_dim, D, DitInit::Normal002));
    s.push_back(vec("t_embed.fc1.bias", D));
    s.push_back(linear("t_embed.fc2.weight", D, D, DitInit::Normal002));
    s.push_back(vec("t_embed.fc2.bias", D));
    s.push_back({"class_embed.weight", D, c.n_classes + 1, false, false, DitInit::Normal002});
    s.push_back(linear("final.adaLN.weight", D, 2 * D, DitInit::Zero));
    s.push_back(vec("final.adaLN.bias", 2 * D));
    s.push_back(linear("final.linear.weight", D, P, DitInit::Zero));
    s.push_back(vec("final.linear.bias", P));
    for (int l = 0; l < c.depth; ++l) {
        const std::string b = "blk." + std::to_string(l) + ".";
        s.push_back(linear(b + "adaLN.weight", D, 6 * D, DitInit::Zero));
        s.push_back(vec(b + "adaLN.bias", 6 * D));
        for (const char* n : {"attn_q", "attn_k", "attn_v", "attn_output"})
            s.push_back(linear(b + n + ".weight", D, D, DitInit::Xavier));
        s.push_back(linear(b + "ffn_gate.weight", D, F, DitInit::Xavier));
        s.push_back(linear(b + "ffn_up.weight", D, F, DitInit::Xavier));
        s.push_back(linear(b + "ffn_down.weight", F, D, DitInit::Xavier));
    }
    return s;
}

DitValues random_dit_values(const DitConfig& c, uint64_t seed) {
    c.validate();
    const std::vector<DitTensorSpec> specs = dit_tensor_specs(c);
    DitValues v(specs.size());
    for (size_t i = 0; i < specs.size(); ++i) {
        const DitTensorSpec& s = specs[i];
        std::vector<float>& t = v[i];
        t.assign(sz(s.cols, s.rows), 0.0f);
        switch (s.init) {
        case DitInit::Zero: break;
        case DitInit::Xavier: {  // uniform in +-sqrt(6 / (fan_in + fan_out)) (Glorot & Bengio 2010)
            const double bound = std::sqrt(6.0 / static_cast<double>(s.cols + s.rows));
            for (size_t e = 0; e < t.size(); ++e)
                t[e] = static_cast<float>((2.0 * philox_uniform(seed, i, e) - 1.0) * bound);
            break;
        }
        case DitInit::Normal002:
            for (size_t e = 0; e < t.size(); ++e) t[e] = 0.02f * philox_normal(seed, i, e);
            break;
        case DitInit::PosSinCos: pos_sincos(c, t.data()); break;
        }
    }
    return v;
}

void write_dit_gguf(const std::string& path, const DitConfig& c, const DitValues& values, GgmlType linear_type,
                    int64_t training_steps) {
    const std::vector<DitTensorSpec> specs = dit_tensor_specs(c);
    if (values.size() != specs.size())
        throw std::invalid_argument("write_dit_gguf: " + std::to_string(values.size()) + " tensors for a model of " +
                                    std::to_string(specs.size()));
    if (linear_type != GgmlType::F32 && !quantizable(linear_type))
        throw std::invalid_argument("write_dit_gguf: cannot write linear weights as " +
                                    std::string(ggml_type_name(linear_type)));
    GgufWriter w;
    write_dit_config(w, c);
    if (training_steps < 0 || training_steps > int64_t{UINT32_MAX})
        throw std::invalid_argument("write_dit_gguf: training steps " + std::to_string(training_steps) +
                                    " outside 0..2^32-1");
    if (training_steps > 0) w.set_u32(kDitTrainingStepsKey, static_cast<uint32_t>(training_steps));
    for (size_t i = 0; i < specs.size(); ++i) {
        const DitTensorSpec& s = specs[i];
        const std::vector<float>& t = values[i];
        if (t.size() != sz(s.cols, s.rows))
            throw std::invalid_argument("write_dit_gguf: tensor \"" + s.name + "\" has " + std::to_string(t.size()) +
                                        " values, expected " + std::to_string(sz(s.cols, s.rows)));
        const GgmlType type = stored_quantized(s, linear_type) ? linear_type : GgmlType::F32;
        std::vector<uint8_t> bytes(ggml_row_size(type, s.cols) * sz(s.rows));
        if (type == GgmlType::F32) std::memcpy(bytes.data(), t.data(), bytes.size());
        else
            for (int64_t r = 0; r < s.rows; ++r)
                quantize_row(type, t.data() + sz(r, s.cols), bytes.data() + ggml_row_size(type, s.cols) * sz(r),
                             s.cols);
        const std::vector<int64_t> dims = s.vector ? std::vector<int64_t>{s.cols} : std::vector<int64_t>{s.cols, s.rows};
        w.add_tensor(s.name, type, dims, std::move(bytes));
    }
    w.write(path);
}

int64_t read_dit_training_steps(const std::string& path) {
    return GgufFile::open(path)->get_int(kDitTrainingStepsKey, 0);
}

std::unique_ptr<DitModel> DitModel::load(Backend& backend, const std::string& path) {
    const std::unique_ptr<GgufFile> file = GgufFile::open(path);
    std::unique_ptr<DitModel> m(new DitModel(backend, read_dit_config(*file)));
    const std::vector<DitTensorSpec> specs = dit_tensor_specs(m->config_);
    if (file->tensors().size() != specs.size()) {
        for (const GgufTensorInfo& t : file->tensors()) {
            bool known = false;
            for (const DitTensorSpec& s : specs) known = known || s.name == t.name;
            if (!known) throw_model_error(path, "tensor \"" + t.name + "\"", "is not part of a qt-dit model");
        }
    }
    for (const DitTensorSpec& s : specs) {
        const GgufTensorInfo& t = file->tensor(s.name);  // throws naming a missing tensor
        const std::string place = "tensor \"" + s.name + "\"";
        const std::vector<int64_t> want = s.vector ? std::vector<int64_t>{s.cols} : std::vector<int64_t>{s.cols, s.rows};
        if (t.dims != want) {
            std::string got;
            for (int64_t d : t.dims) got += (got.empty() ? "" : ", ") + std::to_string(d);
            throw_model_error(path, place,
                              "has dims [" + got + "], expected [" + std::to_string(s.cols) +
                                  (s.vector ? "" : ", " + std::to_string(s.rows)) + "] for this config");
        }
        if (!ggml_traits(t.type).dequantizable)
            throw_model_error(path, place, "has block type " + std::string(ggml_type_name(t.type)) +
                                               ", which this engine cannot read");
        if (s.linear) {
            m->tensors_.push_back(backend.load_weight(s.name, t.type, s.cols, s.rows, t.data, true));
            continue;
        }
        // Biases, positions and the class table are read as plain floats.
        std::vector<float> f(sz(s.cols, s.rows));
        for (int64_t r = 0; r < s.rows; ++r)
            dequantize_row(t.type, t.data + ggml_row_size(t.type, s.cols) * sz(r), f.data() + sz(r, s.cols), s.cols);
        for (float x : f)
            if (!std::isfinite(x)) throw_model_error(path, place, "holds a value that is not finite");
        m->tensors_.push_back(backend.load_weight(s.name, GgmlType::F32, s.cols, s.rows, f.data(), true));
    }
    return m;
}

float* DitModel::f32(int i) const {
    const WeightTensor& t = tensor(i);
    if (t.type != GgmlType::F32)
        throw std::logic_error("DiT tensor \"" + t.name + "\" is " + std::string(ggml_type_name(t.type)) +
                               ", not float32");
    return static_cast<float*>(const_cast<void*>(t.data));
}

bool DitModel::trainable() const {
    for (const WeightTensor& t : tensors_)
        if (t.type != GgmlType::F32) return false;
    return true;
}

std::vector<float> DitModel::values(int i) const {
    const WeightTensor& t = tensor(i);
    std::vector<uint8_t> bytes(t.row_bytes * sz(t.rows));
    backend_.download(bytes.data(), t.data, bytes.size());
    std::vector<float> f(sz(t.cols, t.rows));
    for (int64_t r = 0; r < t.rows; ++r)
        dequantize_row(t.type, bytes.data() + t.row_bytes * sz(r), f.data() + sz(r, t.cols), t.cols);
    return f;
}

DitValues DitModel::all_values() const {
    DitValues v;
    for (int i = 0; i < tensor_count(); ++i) v.push_back(values(i));
    return v;
}

}  // namespace qt
