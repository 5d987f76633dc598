// The base class's Q-GaLore ops, on the host (see backend.h): in place on the CPU
// backend, through download/upload elsewhere.
#include <algorithm>
#include <cmath>
#include <stdexcept>

#include "backend/backend.h"
#include "backend/host_array.h"
#include "cpu/adam8bit_step.h"
#include "cpu/group_quant.h"
#include "cpu/lapack_svd.h"

namespace qt {

namespace {

void check_group_tensor(const GroupQuantTensor& t) {
    if (t.bits != 8 && t.bits != 4) throw std::invalid_argument("group quantization takes 8 or 4 bits");
    if (t.group < 2 || (t.bits == 4 && t.group % 2 != 0))
        throw std::invalid_argument("group quantization needs a group of at least 2 values (even for 4 bits)");
}

}  // namespace

void Backend::dequantize_groups(const GroupQuantTensor& t, float* out) {
    check_group_tensor(t);
    HostArray<uint8_t> C(*this, t.codes, t.code_bytes(), true);
    HostArray<float> S(*this, t.scales, static_cast<size_t>(t.groups()), true);
    HostArray<float> Z(*this, t.zeros, static_cast<size_t>(t.groups()), true);
    HostArray<float> O(*this, out, static_cast<size_t>(t.count), false);
    dequantize_groups_host(C.get(), S.get(), Z.get(), t.count, t.group, t.bits, O.get());
    O.write_back();
}

void Backend::quantize_groups(const float* x, const GroupQuantTensor& t, const StochasticRounding* rounding) {
    check_group_tensor(t);
    HostArray<float> X(*this, x, static_cast<size_t>(t.count), true);
    HostArray<uint8_t> C(*this, t.codes, t.code_bytes(), t.bits == 4);  // 4 bits: nibbles are merged
    HostArray<float> S(*this, t.scales, static_cast<size_t>(t.groups()), false);
    HostArray<float> Z(*this, t.zeros, static_cast<size_t>(t.groups()), false);
    quantize_groups_host(X.get(), t.count, t.group, t.bits, C.get(), S.get(), Z.get(), rounding != nullptr,
                         rounding ? rounding->seed : 0, rounding ? rounding->stream : 0);
    C.write_back();
    S.write_back();
    Z.write_back();
}

void Backend::svd_top_vectors(const float* g, int rows, int cols, int rank, float* out) {
    HostArray<float> G(*this, g, static_cast<size_t>(rows) * cols, true);
    const size_t out_count = static_cast<size_t>(rank) * (rows >= cols ? cols : rows);
    HostArray<float> O(*this, out, out_count, false);
    svd_top_vectors_lapack(G.get(), rows, cols, rank, O.get());
    O.write_back();
}

void Backend::adam8bit_update(float* p, const float* g, const Adam8bitState& st, int64_t count, const AdamWStep& s) {
    static const DynamicMap map_m = make_dynamic_map(true), map_v = make_dynamic_map(false);
    const int64_t blocks = (count + kAdam8bitBlock - 1) / kAdam8bitBlock;
    HostArray<float> P(*this, p, static_cast<size_t>(count), true), G(*this, g, static_cast<size_t>(count), true);
    HostArray<uint8_t> MC(*this, st.m_codes, static_cast<size_t>(count), true);
    HostArray<uint8_t> VC(*this, st.v_codes, static_cast<size_t>(count), true);
    HostArray<float> MA(*this, st.m_absmax, static_cast<size_t>(blocks), true);
    HostArray<float> VA(*this, st.v_absmax, static_cast<size_t>(blocks), true);
    const float beta1 = static_cast<float>(s.beta1), beta2 = static_cast<float>(s.beta2);
    const double c1 = 1.0 - std::pow(s.beta1, static_cast<double>(s.t));
    const double c2 = std::sqrt(1.0 - std::pow(s.beta2, static_cast<double>(s.t)));
    const float step_size = static_cast<float>(s.lr * c2 / c1), eps_hat = static_cast<float>(s.eps * c2);
    const float lr = static_cast<float>(s.lr), wd = static_cast<float>(s.weight_decay);
    float *pp = P.get(), *ma = MA.get(), *va = VA.get();
    const float* gg = G.get();
    uint8_t *mc = MC.get(), *vc = VC.get();
#pragma omp parallel for if (count > 65536)
    for (int64_t b = 0; b < blocks; ++b) {
        const int64_t begin = b * kAdam8bitBlock, end = std::min(count, begin + kAdam8bitBlock);
        float m[kAdam8bitBlock], v[kAdam8bitBlock];
        float m_max = 0.0f, v_max = 0.0f;
        for (int64_t i = begin; i < end; ++i) {
            float mi = map_m[mc[i]] * ma[b], vi = map_v[vc[i]] * va[b];
            adam8bit_moments(gg[i], beta1, beta2, &mi, &vi);
            pp[i] = adam8bit_param(pp[i], mi, vi, lr, wd, step_size, eps_hat);
            m[i - begin] = mi;
            v[i - begin] = vi;
            m_max = std::max(m_max, std::fabs(mi));
            v_max = std::max(v_max, vi);
        }
        ma[b] = m_max;
        va[b] = v_max;
        const float m_inv = m_max > 0.0f ? 1.0f / m_max : 0.0f, v_inv = v_max > 0.0f ? 1.0f / v_max : 0.0f;
        for (int64_t i = begin; i < end; ++i) {
            mc[i] = dynamic_map_code(map_m.data(), m[i - begin] * m_inv);
            vc[i] = dynamic_map_code(map_v.data(), v[i - begin] * v_inv);
        }
    }
    P.write_back();
    MC.write_back();
    VC.write_back();
    MA.write_back();
    VA.write_back();
}

}  // namespace qt
