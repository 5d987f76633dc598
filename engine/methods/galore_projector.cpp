#include "methods/galore_projector.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>
#include <stdexcept>
#include <string>

namespace qt {

GaloreProjector::GaloreProjector(Backend& b, int rows, int cols, const GaloreProjectorSettings& s)
    : b_(b), rows_(rows), cols_(cols), rank_(std::min({s.rank, rows, cols})), s_(s), gap_(s.gap),
      last_similarity_(std::numeric_limits<double>::quiet_NaN()) {
    if (s.rank < 1) throw std::invalid_argument("GaLore rank must be at least 1 (got " + std::to_string(s.rank) + ")");
    if (s.gap < 1) throw std::invalid_argument("GaLore update gap must be at least 1 step");
    const int64_t count = static_cast<int64_t>(rank_) * (right() ? cols_ : rows_);
    if (s_.int4) {
        p_q_.count = count;
        p_q_.group = s_.group;
        p_q_.bits = 4;
        codes_ = b_.alloc(p_q_.code_bytes(), MemoryCategory::Projections);
        scales_ = b_.alloc(static_cast<size_t>(p_q_.groups()) * sizeof(float), MemoryCategory::Projections);
        zeros_ = b_.alloc(static_cast<size_t>(p_q_.groups()) * sizeof(float), MemoryCategory::Projections);
        b_.fill_zero(codes_.data(), codes_.bytes());
        p_q_.codes = static_cast<uint8_t*>(codes_.data());
        p_q_.scales = scales_.f32();
        p_q_.zeros = zeros_.f32();
    } else {
        p_f32_ = b_.alloc(static_cast<size_t>(count) * sizeof(float), MemoryCategory::Projections);
    }
}

int64_t GaloreProjector::low_rank_count() const {
    return static_cast<int64_t>(rank_) * (right() ? rows_ : cols_);
}

size_t GaloreProjector::projection_bytes() const {
    return s_.int4 ? codes_.bytes() + scales_.bytes() + zeros_.bytes() : p_f32_.bytes();
}

int64_t GaloreProjector::svds_saved(int64_t steps_taken) const {
    const int64_t fixed = steps_taken > 0 ? (steps_taken - 1) / s_.gap + 1 : 0;
    return std::max<int64_t>(0, fixed - svds_);
}

void GaloreProjector::refresh(const float* g, float* scratch) {
    float* p = s_.int4 ? scratch : p_f32_.f32();
    b_.svd_top_vectors(g, rows_, cols_, rank_, p);
    ++svds_;
    // The first singular vector: row 0 of P (right) or column 0 (left).
    const int dim = right() ? cols_ : rows_;
    std::vector<float> first(static_cast<size_t>(dim));
    if (right()) {
        b_.download(first.data(), p, first.size() * sizeof(float));
    } else {
        std::vector<float> all(static_cast<size_t>(rows_) * rank_);
        b_.download(all.data(), p, all.size() * sizeof(float));
        for (int i = 0; i < rows_; ++i) first[static_cast<size_t>(i)] = all[static_cast<size_t>(i) * rank_];
    }
    if (!first_.empty()) {
        double dot = 0, a = 0, c = 0;
        for (size_t i = 0; i < first.size(); ++i) {
            dot += static_cast<double>(first[i]) * first_[i];
            a += static_cast<double>(first[i]) * first[i];
            c += static_cast<double>(first_[i]) * first_[i];
        }
        last_similarity_ = a > 0 && c > 0 ? std::fabs(dot) / std::sqrt(a * c) : 0.0;
        similarities_.push_back(last_similarity_);
        if (static_cast<int>(similarities_.size()) > s_.queue) similarities_.pop_front();
        const double mean = std::accumulate(similarities_.begin(), similarities_.end(), 0.0) /
                            static_cast<double>(similarities_.size());
        if (static_cast<int>(similarities_.size()) == s_.queue && mean >= s_.threshold)
            gap_ = static_cast<int>(std::min<double>(gap_ * s_.growth, 1 << 30));
    }
    first_ = std::move(first);
    if (s_.int4) b_.quantize_groups(p, p_q_, nullptr);
    have_p_ = true;
}

const float* GaloreProjector::projection(float* scratch) {
    if (!s_.int4) return p_f32_.f32();
    b_.dequantize_groups(p_q_, scratch);
    return scratch;
}

void GaloreProjector::project(const float* g, int64_t step, float* r, float* scratch) {
    if (!have_p_ || step % gap_ == 0) refresh(g, scratch);
    const float* p = projection(scratch);
    if (right())  // R = G P^T: [rows][cols] x [cols][r]
        b_.gemm_f32(false, true, rows_, rank_, cols_, 1.0f, g, p, 0.0f, r);
    else  // R = P^T G: [r][rows] x [rows][cols]
        b_.gemm_f32(true, false, rank_, cols_, rows_, 1.0f, p, g, 0.0f, r);
}

void GaloreProjector::project_back_add(const float* r, float alpha, float* w, float* scratch) {
    const float* p = projection(scratch);
    if (right())  // W += alpha R P: [rows][r] x [r][cols]
        b_.gemm_f32(false, false, rows_, cols_, rank_, alpha, r, p, 1.0f, w);
    else  // W += alpha P R: [rows][r] x [r][cols]
        b_.gemm_f32(false, false, rows_, cols_, rank_, alpha, p, r, 1.0f, w);
}

}  // namespace qt
