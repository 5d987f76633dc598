// The base Backend's first-order training ops: cpu/train_ops.h run on the host, in
// place where the backend's memory is the host's (the CPU backend), else on copies
// downloaded before and uploaded after (correct on any backend; a GPU backend
// overrides what it runs often).
#include <algorithm>
#include <stdexcept>
#include <string>
#include <vector>

#include "backend/backend.h"
#include "backend/host_array.h"
#include "cpu/train_ops.h"
#include "quant/dequantize.h"

namespace qt {
namespace {

size_t sz(int64_t a, int64_t b = 1) { return static_cast<size_t>(a) * static_cast<size_t>(b); }

// W's rows r0..r1 as float32, a tile at a time: fn(r0, r1, rows) with rows = W[r0:r1].
template <class Fn>
void for_each_float_tile(Backend& b, const WeightTensor& w, Fn&& fn) {
    if (w.type == GgmlType::F32) {
        HostArray<float> W(b, static_cast<const float*>(w.data), sz(w.rows, w.cols), true);
        fn(int64_t{0}, w.rows, W.get());
        return;
    }
    // About 4 MiB of float rows a tile.
    const int64_t tile_rows = std::clamp<int64_t>((int64_t{1} << 20) / std::max<int64_t>(w.cols, 1), 1, w.rows);
    // Kept between calls: a fresh 4 MiB vector each time costs its zero fill (and page faults).
    // (thread_local: the OpenMP workers below must see the caller's, through `rows`.)
    static thread_local std::vector<float> tile;
    if (tile.size() < sz(tile_rows, w.cols)) tile.resize(sz(tile_rows, w.cols));
    float* const rows = tile.data();
    for (int64_t r0 = 0; r0 < w.rows; r0 += tile_rows) {
        const int64_t r1 = std::min(w.rows, r0 + tile_rows);
        HostArray<uint8_t> blocks(b, static_cast<const uint8_t*>(w.data) + w.row_bytes * sz(r0),
                                  w.row_bytes * sz(r1 - r0), true);
#pragma omp parallel for if (r1 - r0 > 8)
        for (int64_t r = r0; r < r1; ++r)
            dequantize_row(w.type, blocks.get() + w.row_bytes * sz(r - r0), rows + sz(r - r0, w.cols), w.cols);
        fn(r0, r1, static_cast<const float*>(rows));
    }
}

}  // namespace

void Backend::gemm_f32(bool trans_a, bool trans_b, int m, int n, int k, float alpha, const float* a, const float* b,
                       float beta, float* c) {
    HostArray<float> A(*this, a, sz(m, k), true), B(*this, b, sz(k, n), true), C(*this, c, sz(m, n), beta != 0.0f);
    gemm(trans_a, trans_b, m, n, k, alpha, A.get(), trans_a ? m : k, B.get(), trans_b ? k : n, beta, C.get(), n);
    C.write_back();
}

void Backend::matmul_float(const WeightTensor& w, const float* x, float* y, int n) {
    HostArray<float> X(*this, x, sz(n, w.cols), true), Y(*this, y, sz(n, w.rows), false);
    // y[:, r0:r1] = x W[r0:r1]^T
    for_each_float_tile(*this, w, [&](int64_t r0, int64_t r1, const float* rows) {
        gemm(false, true, n, r1 - r0, w.cols, 1.0f, X.get(), w.cols, rows, w.cols, 0.0f, Y.get() + r0, w.rows);
    });
    Y.write_back();
}

void Backend::matmul_backward_input(const WeightTensor& w, const float* dy, float* dx, int n, bool accumulate) {
    HostArray<float> DY(*this, dy, sz(n, w.rows), true), DX(*this, dx, sz(n, w.cols), accumulate);
    // dx (+)= dy[:, r0:r1] W[r0:r1], the first tile overwriting unless accumulating.
    bool first = true;
    for_each_float_tile(*this, w, [&](int64_t r0, int64_t r1, const float* rows) {
        gemm(false, false, n, w.cols, r1 - r0, 1.0f, DY.get() + r0, w.rows, rows, w.cols,
             (first && !accumulate) ? 0.0f : 1.0f, DX.get(), w.cols);
        first = false;
    });
    DX.write_back();
}

void Backend::rmsnorm_backward(const float* x, const float* w, const float* dy, float* dx, float* dw, int n, int dim,
                               float eps) {
    HostArray<float> X(*this, x, sz(n, dim), true), W(*this, w, sz(dim), true), DY(*this, dy, sz(n, dim), true);
    HostArray<float> DX(*this, dx, sz(n, dim), true), DW(*this, dw, dw ? sz(dim) : 0, true);
    train_ops::rmsnorm_backward(X.get(), W.get(), DY.get(), DX.get(), dw ? DW.get() : nullptr, n, dim, eps);
    DX.write_back();
    if (dw) DW.write_back();
}

void Backend::rope_backward(float* dx, std::span<const int32_t> positions, int n_heads, int head_dim,
                            const RopeSpec& spec) {
    // theta = -pos, advanced as the forward advances pos: exactly the negated angles.
    std::vector<int32_t> negated(positions.begin(), positions.end());
    for (int32_t& p : negated) p = -p;
    rope(dx, negated, n_heads, head_dim, spec);
}

void Backend::attention_train(const float* q, const float* k, const float* v, int n_seqs, int seq_len,
                              const AttentionShape& s, float* out, float* lse) {
    check_causal_window(s);
    const int64_t n = int64_t{n_seqs} * seq_len, qw = int64_t{s.n_heads} * s.head_dim,
                  kw = int64_t{s.n_kv_heads} * s.head_dim;
    HostArray<float> Q(*this, q, sz(n, qw), true), K(*this, k, sz(n, kw), true), V(*this, v, sz(n, kw), true);
    HostArray<float> O(*this, out, sz(n, qw), false), L(*this, lse, sz(n, s.n_heads), false);
    train_ops::attention_forward(Q.get(), K.get(), V.get(), n_seqs, seq_len, s.n_heads, s.n_kv_heads, s.head_dim,
                                 s.score_scale(), s.softcap, s.window, O.get(), L.get(), s.causal);
    O.write_back();
    L.write_back();
}

void Backend::attention_backward(const float* q, const float* k, const float* v, const float* out, const float* lse,
                                 const float* dout, float* dq, float* dk, float* dv, int n_seqs, int seq_len,
                                 const AttentionShape& s) {
    check_causal_window(s);
    const int64_t n = int64_t{n_seqs} * seq_len, qw = int64_t{s.n_heads} * s.head_dim,
                  kw = int64_t{s.n_kv_heads} * s.head_dim;
    HostArray<float> Q(*this, q, sz(n, qw), true), K(*this, k, sz(n, kw), true), V(*this, v, sz(n, kw), true);
    HostArray<float> O(*this, out, sz(n, qw), true), L(*this, lse, sz(n, s.n_heads), true);
    HostArray<float> DO(*this, dout, sz(n, qw), true), DQ(*this, dq, sz(n, qw), false);
    HostArray<float> DK(*this, dk, sz(n, kw), false), DV(*this, dv, sz(n, kw), false);
    train_ops::attention_backward(Q.get(), K.get(), V.get(), O.get(), L.get(), DO.get(), DQ.get(), DK.get(), DV.get(),
                                  n_seqs, seq_len, s.n_heads, s.n_kv_heads, s.head_dim, s.score_scale(), s.softcap,
                                  s.window, s.causal);
    DQ.write_back();
    DK.write_back();
    DV.write_back();
}

void Backend::swiglu_backward(const float* gate, const float* up, const float* dout, float* dgate, float* dup,
                              int64_t count) {
    HostArray<float> G(*this, gate, sz(count), true), U(*this, up, sz(count), true), D(*this, dout, sz(count), true);
    HostArray<float> DG(*this, dgate, sz(count), false), DU(*this, dup, sz(count), false);
    train_ops::swiglu_backward(G.get(), U.get(), D.get(), DG.get(), DU.get(), count);
    DG.write_back();
    DU.write_back();
}

void Backend::geglu_backward(const float* gate, const float* up, const float* dout, float* dgate, float* dup,
                             int64_t count) {
    HostArray<float> G(*this, gate, sz(count), true), U(*this, up, sz(count), true), D(*this, dout, sz(count), true);
    HostArray<float> DG(*this, dgate, sz(count), false), DU(*this, dup, sz(count), false);
    train_ops::geglu_backward(G.get(), U.get(), D.get(), DG.get(), DU.get(), count);
    DG.write_back();
    DU.write_back();
}

void Backend::softcap_backward(const float* x, float* dy, int64_t count, float cap) {
    HostArray<float> X(*this, x, sz(count), true), DY(*this, dy, sz(count), true);
    train_ops::softcap_backward(X.get(), DY.get(), count, cap);
    DY.write_back();
}

void Backend::cross_entropy_backward(float* logits, const int32_t* targets, int rows, int vocab, double scale,
                                     double* nll) {
    HostArray<float> X(*this, logits, sz(rows, vocab), true);
    HostArray<int32_t> T(*this, targets, sz(rows), true);
    HostArray<double> N(*this, nll, sz(rows), false);
    for (int r = 0; r < rows; ++r)
        if (T.get()[r] >= vocab)
            throw std::out_of_range("target token " + std::to_string(T.get()[r]) + " outside the vocabulary of " +
                                    std::to_string(vocab));
    train_ops::cross_entropy_backward(X.get(), T.get(), rows, vocab, scale, N.get());
    X.write_back();
    N.write_back();
}

void Backend::embedding_backward(std::span<const int32_t> tokens, const float* dy, float* dtable, int vocab, int dim) {
    for (int32_t t : tokens)
        if (t < 0 || t >= vocab)
            throw std::out_of_range("token id " + std::to_string(t) + " outside the vocabulary of " +
                                    std::to_string(vocab));
    HostArray<float> DY(*this, dy, sz(static_cast<int64_t>(tokens.size()), dim), true),
        DT(*this, dtable, sz(vocab, dim), true);
    train_ops::embedding_backward(tokens, DY.get(), DT.get(), dim);
    DT.write_back();
}

void Backend::scatter_add_rows(const float* src, const int32_t* rows, int n_rows, int width, float* dst,
                               int dst_rows) {
    HostArray<float> S(*this, src, sz(n_rows, width), true), D(*this, dst, sz(dst_rows, width), true);
    HostArray<int32_t> R(*this, rows, sz(n_rows), true);
    for (int i = 0; i < n_rows; ++i) {
        const int32_t r = R.get()[i];
        if (r < 0 || r >= dst_rows)
            throw std::out_of_range("scatter_add_rows: row " + std::to_string(r) + " outside 0.." +
                                    std::to_string(dst_rows - 1));
        float* d = D.get() + sz(r, width);
        const float* s = S.get() + sz(i, width);
        for (int e = 0; e < width; ++e) d[e] += s[e];
    }
    D.write_back();
}

void Backend::adamw_update(float* p, const float* g, float* m, float* v, int64_t count, const AdamWStep& s) {
    HostArray<float> P(*this, p, sz(count), true), G(*this, g, sz(count), true), M(*this, m, sz(count), true),
        V(*this, v, sz(count), true);
    train_ops::adamw_update(P.get(), G.get(), M.get(), V.get(), count, s);
    P.write_back();
    M.write_back();
    V.write_back();
}

double Backend::sum_squares(const float* x, int64_t count) {
    HostArray<float> X(*this, x, sz(count), true);
    double s = 0;
#pragma omp parallel for reduction(+ : s) if (count > 65536)
    for (int64_t i = 0; i < count; ++i) s += static_cast<double>(X.get()[i]) * X.get()[i];
    return s;
}

void Backend::scale(float* x, int64_t count, float s) {
    HostArray<float> X(*this, x, sz(count), true);
    for (int64_t i = 0; i < count; ++i) X.get()[i] *= s;
    X.write_back();
}

void Backend::fill_zero(void* p, size_t bytes) {
    HostArray<uint8_t> P(*this, static_cast<const uint8_t*>(p), bytes, false);
    std::fill_n(P.get(), bytes, uint8_t{0});
    P.write_back();
}

}  // namespace qt
