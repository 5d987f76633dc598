#pragma once
// The operations of first-order training, forward and backward side by side (after
// llm.c's train_gpt2.c), as loops over memory the CPU can address. Templates over
// the float type: the CPU backend runs them in float, the gradient tests in double
// against central finite differences. Row-major throughout; "+=" in a comment means
// the function accumulates into that output, "=" that it overwrites it.
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <span>
#include <vector>

#include "cpu/adamw_step.h"
#include "cpu/blas_gemm.h"

namespace qt::train_ops {

// ---- RMSNorm:  y = x * r * w,  r = 1 / sqrt(mean(x^2) + eps)             x, y: [n][dim]; w: [dim]
template <class T>
void rmsnorm_forward(const T* x, const T* w, T* y, int n, int dim, float eps) {
#pragma omp parallel for if (n > 8)
    for (int t = 0; t < n; ++t) {
        const T* xr = x + static_cast<size_t>(t) * dim;
        T* yr = y + static_cast<size_t>(t) * dim;
        double ss = 0;
        for (int i = 0; i < dim; ++i) ss += static_cast<double>(xr[i]) * xr[i];
        const T r = static_cast<T>(1.0 / std::sqrt(ss / dim + eps));
        for (int i = 0; i < dim; ++i) yr[i] = (xr[i] * r) * w[i];
    }
}

// dx += r w dy - x r^3 / dim * sum_j(dy_j w_j x_j);  dw += dy x r (when dw is not null).
template <class T>
void rmsnorm_backward(const T* x, const T* w, const T* dy, T* dx, T* dw, int n, int dim, float eps) {
#pragma omp parallel for if (n > 8 && !dw)
    for (int t = 0; t < n; ++t) {
        const T* xr = x + static_cast<size_t>(t) * dim;
        const T* dyr = dy + static_cast<size_t>(t) * dim;
        T* dxr = dx + static_cast<size_t>(t) * dim;
        double ss = 0, dot = 0;
        for (int i = 0; i < dim; ++i) {
            ss += static_cast<double>(xr[i]) * xr[i];
            dot += static_cast<double>(dyr[i]) * w[i] * xr[i];
        }
        const double r = 1.0 / std::sqrt(ss / dim + eps);
        const T c = static_cast<T>(dot * r * r * r / dim);
        const T rt = static_cast<T>(r);
        for (int i = 0; i < dim; ++i) dxr[i] += rt * w[i] * dyr[i] - xr[i] * c;
        if (dw)
            for (int i = 0; i < dim; ++i) dw[i] += dyr[i] * xr[i] * rt;
    }
}

// ---- RoPE on the first n_rot dims of each head (Backend's RopeSpec): pair i is
// (2i, 2i + 1) (normal mode, GGUF row order) or (i, i + n_rot/2) (neox);
// (a, b) -> (a c - b s, a s + b c) at angle freq_scale * theta_i / factor_i,
// theta_i = pos * base^(-2i/n_rot) advanced by repeated multiplication in float
// (ggml's rope cache). The backward is the rotation by -angle (the transpose):
// inverse = true.                                               x: [n][n_heads * head_dim]
template <class T>
void rope(T* x, std::span<const int32_t> positions, int n_heads, int head_dim, int n_rot, float freq_base, bool neox,
          float freq_scale, const float* freq_factors, bool inverse) {
    const float theta_scale = std::pow(freq_base, -2.0f / static_cast<float>(n_rot));
    const int n = static_cast<int>(positions.size()), half = n_rot / 2;
#pragma omp parallel for if (n > 8)
    for (int t = 0; t < n; ++t) {
        T* row = x + static_cast<size_t>(t) * n_heads * head_dim;
        for (int h = 0; h < n_heads; ++h) {
            T* v = row + h * head_dim;
            float theta = static_cast<float>(positions[static_cast<size_t>(t)]);
            for (int i = 0; i < half; ++i) {
                const float angle = freq_scale * (freq_factors ? theta / freq_factors[i] : theta);
                const T c = static_cast<T>(std::cos(angle));
                const T s = inverse ? -static_cast<T>(std::sin(angle)) : static_cast<T>(std::sin(angle));
                T& a = v[neox ? i : 2 * i];
                T& b = v[neox ? i + half : 2 * i + 1];
                const T a0 = a, b0 = b;
                a = a0 * c - b0 * s;
                b = a0 * s + b0 * c;
                theta *= theta_scale;
            }
        }
    }
}

// Normal-mode rope without scaling or factors (LLaMA's).
template <class T>
void rope(T* x, std::span<const int32_t> positions, int n_heads, int head_dim, int n_rot, float freq_base,
          bool inverse) {
    rope(x, positions, n_heads, head_dim, n_rot, freq_base, false, 1.0f, nullptr, inverse);
}

// The keys query i of a sequence sees: j in [first_visible_key(i, window), i].
inline int first_visible_key(int i, int window) { return window > 0 ? std::max(0, i - window + 1) : 0; }

// ---- Causal (or, with causal = false, bidirectional) grouped-query attention inside each of n_seqs sequences of seq_len
// tokens stored back to back. q, out: [n][n_heads * hd]; k, v: [n][n_kv_heads * hd];
// lse: [n][n_heads], the log-sum-exp of each query's scores, which is all the
// backward needs to rebuild the probabilities (FlashAttention-2, Dao 2023, Alg. 2).
// Scores as Backend's AttentionShape states: c = scale q.k, capped to
// softcap tanh(c / softcap) where softcap > 0; keys within `window` where window > 0.
template <class T>
void attention_forward(const T* q, const T* k, const T* v, int n_seqs, int seq_len, int n_heads, int n_kv_heads,
                       int hd, double scale, double softcap, int window, T* out, T* lse, bool causal = true) {
    const int qw = n_heads * hd, kw = n_kv_heads * hd, group = n_heads / n_kv_heads;
#pragma omp parallel
    {
        std::vector<double> p(static_cast<size_t>(seq_len));
#pragma omp for collapse(2) schedule(dynamic)
        for (int s = 0; s < n_seqs; ++s)
            for (int h = 0; h < n_heads; ++h) {
                const int kvh = h / group;
                for (int i = 0; i < seq_len; ++i) {
                    const size_t ti = static_cast<size_t>(s) * seq_len + i;
                    const T* qi = q + ti * qw + h * hd;
                    const int j0 = causal ? first_visible_key(i, window) : 0;
                    const int j1 = causal ? i : seq_len - 1;
                    double m = -INFINITY;
                    for (int j = j0; j <= j1; ++j) {
                        const T* kj = k + (static_cast<size_t>(s) * seq_len + j) * kw + kvh * hd;
                        double d = 0;
#pragma omp simd reduction(+ : d)
                        for (int e = 0; e < hd; ++e) d += static_cast<double>(qi[e]) * kj[e];
                        p[j] = softcap > 0 ? softcap * std::tanh(d * scale / softcap) : d * scale;
                        m = std::max(m, p[j]);
                    }
                    double sum = 0;
                    for (int j = j0; j <= j1; ++j) sum += (p[j] = std::exp(p[j] - m));
                    T* o = out + ti * qw + h * hd;
                    std::fill(o, o + hd, T(0));
                    for (int j = j0; j <= j1; ++j) {
                        const T pj = static_cast<T>(p[j] / sum);
                        const T* vj = v + (static_cast<size_t>(s) * seq_len + j) * kw + kvh * hd;
#pragma omp simd
                        for (int e = 0; e < hd; ++e) o[e] += pj * vj[e];
                    }
                    lse[ti * n_heads + h] = static_cast<T>(m + std::log(sum));
                }
            }
    }
}

// P_ij = exp(c_ij - lse_i), D_i = dout_i . out_i, dP_ij = dout_i . v_j,
// dC_ij = P_ij (dP_ij - D_i), dS_ij = dC_ij (1 - tanh^2(s_ij / softcap)) with a softcap
// (else dC_ij); dq_i = scale sum_j dS_ij k_j; dk_j = scale sum_i dS_ij q_i;
// dv_j = sum_i P_ij dout_i. dq, dk, dv are overwritten. One thread owns a (sequence,
// kv head) pair, so the heads of a group add into their shared dk, dv without races.
template <class T>
void attention_backward(const T* q, const T* k, const T* v, const T* out, const T* lse, const T* dout, T* dq, T* dk,
                        T* dv, int n_seqs, int seq_len, int n_heads, int n_kv_heads, int hd, double scale,
                        double softcap, int window, bool causal = true) {
    const int qw = n_heads * hd, kw = n_kv_heads * hd, group = n_heads / n_kv_heads;
#pragma omp parallel for collapse(2) schedule(dynamic)
    for (int s = 0; s < n_seqs; ++s)
        for (int kvh = 0; kvh < n_kv_heads; ++kvh) {
            const size_t t0 = static_cast<size_t>(s) * seq_len;
            std::vector<double> dqa(static_cast<size_t>(hd));
            for (int j = 0; j < seq_len; ++j) {
                std::fill_n(dk + (t0 + j) * kw + kvh * hd, hd, T(0));
                std::fill_n(dv + (t0 + j) * kw + kvh * hd, hd, T(0));
            }
            for (int h = kvh * group; h < (kvh + 1) * group; ++h)
                for (int i = 0; i < seq_len; ++i) {
                    const size_t ti = t0 + i;
                    const T* qi = q + ti * qw + h * hd;
                    const T* oi = out + ti * qw + h * hd;
                    const T* doi = dout + ti * qw + h * hd;
                    T* dqi = dq + ti * qw + h * hd;
                    double D = 0;
#pragma omp simd reduction(+ : D)
                    for (int e = 0; e < hd; ++e) D += static_cast<double>(doi[e]) * oi[e];
                    std::fill(dqa.begin(), dqa.end(), 0.0);
                    const double l = lse[ti * n_heads + h];
                    const int j1 = causal ? i : seq_len - 1;
                    for (int j = causal ? first_visible_key(i, window) : 0; j <= j1; ++j) {
                        const T* kj = k + (t0 + j) * kw + kvh * hd;
                        const T* vj = v + (t0 + j) * kw + kvh * hd;
                        double sd = 0, dp = 0;
#pragma omp simd reduction(+ : sd, dp)
                        for (int e = 0; e < hd; ++e) {
                            sd += static_cast<double>(qi[e]) * kj[e];
                            dp += static_cast<double>(doi[e]) * vj[e];
                        }
                        double c = sd * scale, dcap = 1;
                        if (softcap > 0) {
                            const double th = std::tanh(c / softcap);
                            c = softcap * th;
                            dcap = 1 - th * th;
                        }
                        const double p = std::exp(c - l);
                        const double ds = p * (dp - D) * dcap * scale;
                        T* dkj = dk + (t0 + j) * kw + kvh * hd;
                        T* dvj = dv + (t0 + j) * kw + kvh * hd;
#pragma omp simd
                        for (int e = 0; e < hd; ++e) {
                            dqa[static_cast<size_t>(e)] += ds * kj[e];
                            dkj[e] += static_cast<T>(ds * qi[e]);
                            dvj[e] += static_cast<T>(p * doi[e]);
                        }
                    }
                    for (int e = 0; e < hd; ++e) dqi[e] = static_cast<T>(dqa[static_cast<size_t>(e)]);
                }
        }
}

// ---- SwiGLU:  out = silu(g) u,  silu(g) = g sigma(g)
template <class T>
void swiglu_forward(const T* gate, const T* up, T* out, int64_t count) {
#pragma omp parallel for if (count > 4096)
    for (int64_t i = 0; i < count; ++i) out[i] = gate[i] / (T(1) + std::exp(-gate[i])) * up[i];
}

// dgate = dout u sigma(g) (1 + g (1 - sigma(g))),  dup = dout silu(g)   (both =)
template <class T>
void swiglu_backward(const T* gate, const T* up, const T* dout, T* dgate, T* dup, int64_t count) {
#pragma omp parallel for if (count > 4096)
    for (int64_t i = 0; i < count; ++i) {
        const T g = gate[i], sg = T(1) / (T(1) + std::exp(-g));
        dgate[i] = dout[i] * up[i] * sg * (T(1) + g * (T(1) - sg));
        dup[i] = dout[i] * g * sg;
    }
}

// ---- GeGLU:  out = gelu(g) u, gelu's tanh approximation (ggml_gelu):
// gelu(g) = g/2 (1 + tanh(k (g + a g^3))), k = sqrt(2/pi), a = 0.044715.
template <class T>
T gelu_tanh(T g) {
    const T k = static_cast<T>(0.79788456080286535587989211986876), a = static_cast<T>(0.044715);
    return T(0.5) * g * (T(1) + std::tanh(k * g * (T(1) + a * g * g)));
}

template <class T>
void geglu_forward(const T* gate, const T* up, T* out, int64_t count) {
#pragma omp parallel for if (count > 4096)
    for (int64_t i = 0; i < count; ++i) out[i] = gelu_tanh(gate[i]) * up[i];
}

// dgate = dout u gelu'(g), gelu'(g) = (1 + t)/2 + g/2 (1 - t^2) k (1 + 3 a g^2);  dup = dout gelu(g)   (both =)
template <class T>
void geglu_backward(const T* gate, const T* up, const T* dout, T* dgate, T* dup, int64_t count) {
    const T k = static_cast<T>(0.79788456080286535587989211986876), a = static_cast<T>(0.044715);
#pragma omp parallel for if (count > 4096)
    for (int64_t i = 0; i < count; ++i) {
        const T g = gate[i], t = std::tanh(k * g * (T(1) + a * g * g));
        const T dgelu = T(0.5) * (T(1) + t) + T(0.5) * g * (T(1) - t * t) * k * (T(1) + T(3) * a * g * g);
        dgate[i] = dout[i] * up[i] * dgelu;
        dup[i] = dout[i] * T(0.5) * g * (T(1) + t);
    }
}

// ---- Soft-capping:  y = cap tanh(x / cap);  backward dy *= 1 - tanh^2(x / cap) (from the input x).
template <class T>
void softcap_forward(const T* x, T* y, int64_t count, float cap) {
#pragma omp parallel for if (count > 4096)
    for (int64_t i = 0; i < count; ++i) y[i] = static_cast<T>(cap) * std::tanh(x[i] / static_cast<T>(cap));
}

template <class T>
void softcap_backward(const T* x, T* dy, int64_t count, float cap) {
#pragma omp parallel for if (count > 4096)
    for (int64_t i = 0; i < count; ++i) {
        const T t = std::tanh(x[i] / static_cast<T>(cap));
        dy[i] *= T(1) - t * t;
    }
}

// ---- SiLU:  y = x sigma(x);  backward dx = dy sigma(x) (1 + x (1 - sigma(x)))   (=)
template <class T>
void silu_forward(const T* x, T* y, int64_t count) {
    for (int64_t i = 0; i < count; ++i) y[i] = x[i] / (T(1) + std::exp(-x[i]));
}
template <class T>
void silu_backward(const T* x, const T* dy, T* dx, int64_t count) {
    for (int64_t i = 0; i < count; ++i) {
        const T s = T(1) / (T(1) + std::exp(-x[i]));
        dx[i] = dy[i] * s * (T(1) + x[i] * (T(1) - s));
    }
}

// ---- adaLN modulate (DiT, Peebles & Xie 2023): out[s][t] = x[s][t] (1 + scale[s]) + shift[s],
// one conditioning row per sequence s of seq_len tokens, rows cond_stride apart.
//                                              x, out: [n_seqs * seq_len][width]; shift, scale: [n_seqs][stride]
template <class T>
void modulate_forward(const T* x, const T* shift, const T* scale, int cond_stride, T* out, int n_seqs, int seq_len,
                      int width) {
    for (int s = 0; s < n_seqs; ++s) {
        const T* sh = shift + static_cast<size_t>(s) * cond_stride;
        const T* sc = scale + static_cast<size_t>(s) * cond_stride;
        for (int t = 0; t < seq_len; ++t) {
            const size_t row = (static_cast<size_t>(s) * seq_len + t) * width;
            for (int i = 0; i < width; ++i) out[row + i] = x[row + i] * (T(1) + sc[i]) + sh[i];
        }
    }
}
// dx = dout (1 + scale);  dshift = sum_t dout;  dscale = sum_t dout x   (all =)
template <class T>
void modulate_backward(const T* x, const T* scale, int cond_stride, const T* dout, T* dx, T* dshift, T* dscale,
                       int n_seqs, int seq_len, int width) {
    for (int s = 0; s < n_seqs; ++s) {
        const T* sc = scale + static_cast<size_t>(s) * cond_stride;
        T* dsh = dshift + static_cast<size_t>(s) * cond_stride;
        T* dsc = dscale + static_cast<size_t>(s) * cond_stride;
        std::fill(dsh, dsh + width, T(0));
        std::fill(dsc, dsc + width, T(0));
        for (int t = 0; t < seq_len; ++t) {
            const size_t row = (static_cast<size_t>(s) * seq_len + t) * width;
            for (int i = 0; i < width; ++i) {
                dx[row + i] = dout[row + i] * (T(1) + sc[i]);
                dsh[i] += dout[row + i];
                dsc[i] += dout[row + i] * x[row + i];
            }
        }
    }
}

// ---- Gated residual (DiT):  x[s][t] += gate[s] y[s][t].          x, y: [n_seqs * seq_len][width]
template <class T>
void gated_add_forward(T* x, const T* y, const T* gate, int cond_stride, int n_seqs, int seq_len, int width) {
    for (int s = 0; s < n_seqs; ++s) {
        const T* g = gate + static_cast<size_t>(s) * cond_stride;
        for (int t = 0; t < seq_len; ++t) {
            const size_t row = (static_cast<size_t>(s) * seq_len + t) * width;
            for (int i = 0; i < width; ++i) x[row + i] += g[i] * y[row + i];
        }
    }
}
// dy = gate dx;  dgate = sum_t dx y   (both =; dx itself flows on to x unchanged)
template <class T>
void gated_add_backward(const T* y, const T* gate, int cond_stride, const T* dx, T* dy, T* dgate, int n_seqs,
                        int seq_len, int width) {
    for (int s = 0; s < n_seqs; ++s) {
        const T* g = gate + static_cast<size_t>(s) * cond_stride;
        T* dg = dgate + static_cast<size_t>(s) * cond_stride;
        std::fill(dg, dg + width, T(0));
        for (int t = 0; t < seq_len; ++t) {
            const size_t row = (static_cast<size_t>(s) * seq_len + t) * width;
            for (int i = 0; i < width; ++i) {
                dy[row + i] = g[i] * dx[row + i];
                dg[i] += dx[row + i] * y[row + i];
            }
        }
    }
}

// ---- Row bias:  x[t] += b.                                         x: [n][width]; b: [width]
template <class T>
void add_bias(T* x, const T* b, int n, int width) {
    for (int t = 0; t < n; ++t)
        for (int i = 0; i < width; ++i) x[static_cast<size_t>(t) * width + i] += b[i];
}

// ---- Cross-entropy of each row against its target, fused with its gradient: nll[r] =
// lse(row) - row[target] (in double), and the row is overwritten by
// scale * (softmax(row) - onehot(target)); rows whose target is negative get nll 0 and
// a zero gradient.                                                   logits: [rows][vocab]
template <class T>
void cross_entropy_backward(T* logits, const int32_t* targets, int rows, int vocab, double scale, double* nll) {
#pragma omp parallel for if (rows > 1)
    for (int r = 0; r < rows; ++r) {
        T* x = logits + static_cast<size_t>(r) * vocab;
        const int32_t target = targets[r];
        if (target < 0) {
            std::fill(x, x + vocab, T(0));
            nll[r] = 0;
            continue;
        }
        double m = x[0];
        for (int i = 1; i < vocab; ++i) m = std::max(m, static_cast<double>(x[i]));
        double sum = 0;
        for (int i = 0; i < vocab; ++i) sum += std::exp(static_cast<double>(x[i]) - m);
        const double lse = m + std::log(sum);
        nll[r] = lse - static_cast<double>(x[target]);
        for (int i = 0; i < vocab; ++i) x[i] = static_cast<T>(scale * std::exp(static_cast<double>(x[i]) - lse));
        x[target] -= static_cast<T>(scale);
    }
}

// ---- Embedding: out[t] = table[tokens[t]];  backward dtable[tokens[t]] += dy[t].
template <class T>
void embedding_backward(std::span<const int32_t> tokens, const T* dy, T* dtable, int dim) {
    for (size_t t = 0; t < tokens.size(); ++t) {
        T* row = dtable + static_cast<size_t>(tokens[t]) * dim;
        const T* d = dy + t * dim;
        for (int i = 0; i < dim; ++i) row[i] += d[i];
    }
}

// ---- Linear layer with a dense weight W: [rows][cols]:  y[t] = W x[t].
//                                                          x, dx: [n][cols]; y, dy: [n][rows]
template <class T>
void linear_forward(const T* w, int64_t rows, int64_t cols, const T* x, T* y, int n) {
    gemm(false, true, n, rows, cols, T(1), x, cols, w, cols, T(0), y, rows);
}
// dx (+)= dy W
template <class T>
void linear_backward_input(const T* w, int64_t rows, int64_t cols, const T* dy, T* dx, int n, bool accumulate) {
    gemm(false, false, n, cols, rows, T(1), dy, rows, w, cols, accumulate ? T(1) : T(0), dx, cols);
}
// dW += dy^T x
template <class T>
void linear_backward_weight(const T* x, const T* dy, T* dw, int64_t rows, int64_t cols, int n) {
    gemm(true, false, rows, cols, n, T(1), dy, rows, x, cols, T(1), dw, cols);
}

// ---- AdamW: cpu/adamw_step.h.
template <class T>
void adamw_update(T* p, const T* g, T* m, T* v, int64_t count, const AdamWStep& s) {
    const double bc1 = 1.0 - std::pow(s.beta1, static_cast<double>(s.t));
    const double bc2 = 1.0 - std::pow(s.beta2, static_cast<double>(s.t));
    const T decay = static_cast<T>(1.0 - s.lr * s.weight_decay), step = static_cast<T>(s.lr / bc1);
    const T b1 = static_cast<T>(s.beta1), b2 = static_cast<T>(s.beta2), rbc2 = static_cast<T>(1.0 / std::sqrt(bc2));
    const T eps = static_cast<T>(s.eps);
#pragma omp parallel for if (count > 65536)
    for (int64_t i = 0; i < count; ++i) {
        m[i] = b1 * m[i] + (T(1) - b1) * g[i];
        v[i] = b2 * v[i] + (T(1) - b2) * g[i] * g[i];
        p[i] = p[i] * decay - step * m[i] / (std::sqrt(v[i]) * rbc2 + eps);
    }
}

}  // namespace qt::train_ops
