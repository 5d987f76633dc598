#pragma once
// GaLore's projection of one weight's gradient to a rank-r subspace (Zhao et al.
// 2024), with Q-GaLore's two changes (Zhang et al. 2024): the projection matrix
// is stored INT4 in groups, and each weight's subspace is refreshed lazily.
//   G: [rows][cols]. rows >= cols: P = V^T[0:r] ([r][cols]), R = G P^T ([rows][r]),
//   back: R P. rows < cols: P = U[:, 0:r] ([rows][r]), R = P^T G ([r][cols]), back: P R.
// The SVD of G is redone when step % gap == 0. After each SVD the first singular
// vector is compared with the previous one (|cosine|: an SVD's signs are arbitrary
// and differ between LAPACK and cuSOLVER, where the paper's raw cosine would read a
// flipped vector as a moved subspace); once the mean of the last `queue` values
// reaches `threshold`, the gap is multiplied by `growth`, so a layer whose subspace
// has settled stops paying for SVDs.
#include <cstdint>
#include <deque>
#include <vector>

#include "backend/backend.h"

namespace qt {

struct GaloreProjectorSettings {
    int rank = 128;
    int gap = 200;             // steps between SVDs, at first
    double threshold = 0.4;    // mean |cosine| that counts as settled
    int queue = 5;             // how many similarities the mean covers
    double growth = 2.0;       // gap *= growth once settled
    bool int4 = true;          // P stored INT4 in groups, else float32
    int group = 256;           // INT4 group size
};

class GaloreProjector {
public:
    GaloreProjector(Backend& b, int rows, int cols, const GaloreProjectorSettings& s);

    int rank() const { return rank_; }
    // Whether R is [rows][r] (right vectors) rather than [r][cols].
    bool right() const { return rows_ >= cols_; }
    int64_t low_rank_count() const;  // values of R

    // Refreshes P from g if this step is due; then R = the projection of g.
    // `scratch` holds at least max(P, r) floats of backend memory.
    void project(const float* g, int64_t step, float* r, float* scratch);
    // w += alpha * back-projection of r.
    void project_back_add(const float* r, float alpha, float* w, float* scratch);

    int64_t svds_done() const { return svds_; }
    // SVDs the fixed gap would have done by now, minus those done.
    int64_t svds_saved(int64_t steps_taken) const;
    int gap() const { return gap_; }
    // The last |cosine| between successive first singular vectors; NaN before the second SVD.
    double last_similarity() const { return last_similarity_; }
    size_t projection_bytes() const;

private:
    void refresh(const float* g, float* scratch);
    const float* projection(float* scratch);  // P as float32: the stored one, or dequantized into scratch

    Backend& b_;
    int rows_, cols_, rank_;
    GaloreProjectorSettings s_;
    int gap_;
    bool have_p_ = false;
    DeviceBuffer p_f32_;                                  // float32 mode
    DeviceBuffer codes_, scales_, zeros_;                 // INT4 mode
    GroupQuantTensor p_q_;
    std::vector<float> first_;                            // the previous first singular vector (host)
    std::deque<double> similarities_;
    double last_similarity_;
    int64_t svds_ = 0;
};

}  // namespace qt
