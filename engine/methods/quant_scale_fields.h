#pragma once
// Where the continuous values QZO trains lie inside each GGUF block type.
//   Q4_0, Q5_0, Q8_0: the block scale d (w = d * q, q centred).
//   Q4_1, Q5_1:       d, and the block minimum m (w = d * q + m) when asked.
//   Q2_K, Q4_K, Q5_K: the super-block scale d, and dmin (w = d*sc*q - dmin*m) when asked.
//   Q3_K, Q6_K:       the super-block scale d (they have no min).
// Sub-block scales of the K-quants are 4/6/8-bit integers and stay fixed, so for
// K-quants only one or two values per 256 weights train: coarse, and said so in the UI.
//
// Sign: ggml's Q4_0/Q5_0 (d = max / -8 or / -16, max the signed extreme) and the
// K-quants built by make_qx_quants (Q3_K, Q6_K) store signed d; Q4_1/Q5_1/Q8_0 d and
// every dmin are non-negative. A block's weights are d * q, so a negative d is
// |d| with the codes negated: the paper's "scales stay non-negative" is applied to
// |d|, i.e. a scale may not cross zero (keep_sign below). The min m of Q4_1/Q5_1
// is an offset, not a scale: it is unconstrained.
#include <cstddef>
#include <optional>
#include <vector>

#include "quant/ggml_type.h"

namespace qt {

struct ScaleField {
    size_t offset = 0;      // byte offset of the fp16 value inside a block
    bool keep_sign = true;  // a scale (may not cross zero) rather than an offset
    bool is_min = false;    // m / dmin, trained only when asked
};

// The trainable fp16 fields of `type`, the scale first; nullopt when the type has
// no block scale (F32, F16, BF16 ...).
std::optional<std::vector<ScaleField>> quant_scale_fields(GgmlType type);

}  // namespace qt
