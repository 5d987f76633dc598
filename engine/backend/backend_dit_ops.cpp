// The base Backend's diffusion-transformer ops (SiLU, adaLN's modulate, the gated
// residual) and their backwards: cpu/train_ops.h on the host, in place where the
// backend's memory is the host's, else through download/upload (correct on any
// backend; a GPU backend may override them).
#include <stdexcept>
#include <string>
#include <vector>

#include "backend/backend.h"
#include "backend/host_array.h"
#include "cpu/train_ops.h"

namespace qt {
namespace {

size_t sz(int64_t a, int64_t b = 1) { return static_cast<size_t>(a) * static_cast<size_t>(b); }

// The conditioning rows (n_seqs rows of `width`, cond_stride apart in backend memory)
// gathered into a compact host array, and scattered back: the strided slices of one
// adaLN output must not be copied whole, or writing one slice back would overwrite
// another with stale values on a backend whose memory is not the host's.
std::vector<float> gather_cond(Backend& b, const float* dev, int n_seqs, int cond_stride, int width) {
    if (n_seqs < 1 || width < 1 || cond_stride < width)
        throw std::invalid_argument("conditioning rows of " + std::to_string(width) + " values " +
                                    std::to_string(cond_stride) + " apart for " + std::to_string(n_seqs) +
                                    " sequences");
    std::vector<float> host(sz(n_seqs, width));
    for (int s = 0; s < n_seqs; ++s)
        b.download(host.data() + sz(s, width), dev + sz(s, cond_stride), sz(width) * sizeof(float));
    return host;
}

void scatter_cond(Backend& b, const std::vector<float>& host, float* dev, int n_seqs, int cond_stride, int width) {
    for (int s = 0; s < n_seqs; ++s)
        b.upload(dev + sz(s, cond_stride), host.data() + sz(s, width), sz(width) * sizeof(float));
}

}  // namespace

void Backend::check_causal_window(const AttentionShape& s) {
    if (!s.causal && s.window > 0)
        throw std::invalid_argument("attention: a window of " + std::to_string(s.window) +
                                    " on non-causal attention (a window masks past keys only)");
}

void Backend::silu(const float* x, float* y, int64_t count) {
    HostArray<float> X(*this, x, sz(count), true);
    if (x == y) {
        train_ops::silu_forward(X.get(), X.get(), count);
        return X.write_back();
    }
    HostArray<float> Y(*this, y, sz(count), false);
    train_ops::silu_forward(X.get(), Y.get(), count);
    Y.write_back();
}

void Backend::silu_backward(const float* x, const float* dy, float* dx, int64_t count) {
    HostArray<float> X(*this, x, sz(count), true), DY(*this, dy, sz(count), true);
    HostArray<float> DX(*this, dx, sz(count), false);
    train_ops::silu_backward(X.get(), DY.get(), DX.get(), count);
    DX.write_back();
}

void Backend::modulate(const float* x, const float* shift, const float* scale, int cond_stride, float* out,
                       int n_seqs, int seq_len, int width) {
    const size_t n = sz(n_seqs, seq_len) * sz(width);
    const std::vector<float> sh = gather_cond(*this, shift, n_seqs, cond_stride, width),
                             sc = gather_cond(*this, scale, n_seqs, cond_stride, width);
    HostArray<float> X(*this, x, n, true), O(*this, out, n, false);
    train_ops::modulate_forward(X.get(), sh.data(), sc.data(), width, O.get(), n_seqs, seq_len, width);
    O.write_back();
}

void Backend::modulate_backward(const float* x, const float* scale, int cond_stride, const float* dout, float* dx,
                                float* dshift, float* dscale, int n_seqs, int seq_len, int width) {
    const size_t n = sz(n_seqs, seq_len) * sz(width);
    const std::vector<float> sc = gather_cond(*this, scale, n_seqs, cond_stride, width);
    std::vector<float> dsh(sc.size()), dsc(sc.size());
    HostArray<float> X(*this, x, n, true), DO(*this, dout, n, true), DX(*this, dx, n, false);
    train_ops::modulate_backward(X.get(), sc.data(), width, DO.get(), DX.get(), dsh.data(), dsc.data(), n_seqs,
                                 seq_len, width);
    DX.write_back();
    scatter_cond(*this, dsh, dshift, n_seqs, cond_stride, width);
    scatter_cond(*this, dsc, dscale, n_seqs, cond_stride, width);
}

void Backend::gated_add(float* x, const float* y, const float* gate, int cond_stride, int n_seqs, int seq_len,
                        int width) {
    const size_t n = sz(n_seqs, seq_len) * sz(width);
    const std::vector<float> g = gather_cond(*this, gate, n_seqs, cond_stride, width);
    HostArray<float> X(*this, x, n, true), Y(*this, y, n, true);
    train_ops::gated_add_forward(X.get(), Y.get(), g.data(), width, n_seqs, seq_len, width);
    X.write_back();
}

void Backend::gated_add_backward(const float* y, const float* gate, int cond_stride, const float* dx, float* dy,
                                 float* dgate, int n_seqs, int seq_len, int width) {
    const size_t n = sz(n_seqs, seq_len) * sz(width);
    const std::vector<float> g = gather_cond(*this, gate, n_seqs, cond_stride, width);
    std::vector<float> dg(g.size());
    HostArray<float> Y(*this, y, n, true), DX(*this, dx, n, true), DY(*this, dy, n, false);
    train_ops::gated_add_backward(Y.get(), g.data(), width, DX.get(), DY.get(), dg.data(), n_seqs, seq_len, width);
    DY.write_back();
    scatter_cond(*this, dg, dgate, n_seqs, cond_stride, width);
}

}  // namespace qt
