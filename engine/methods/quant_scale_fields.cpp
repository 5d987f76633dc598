#include "methods/quant_scale_fields.h"

#include <cstddef>

#include "cpu/quant_blocks.h"

namespace qt {

std::optional<std::vector<ScaleField>> quant_scale_fields(GgmlType type) {
    const ScaleField min_offset_of_4_1{offsetof(BlockQ4_1, m), false, true};
    switch (type) {
        case GgmlType::Q4_0: return std::vector<ScaleField>{{offsetof(BlockQ4_0, d), true, false}};
        case GgmlType::Q5_0: return std::vector<ScaleField>{{offsetof(BlockQ5_0, d), true, false}};
        case GgmlType::Q8_0: return std::vector<ScaleField>{{offsetof(BlockQ8_0W, d), true, false}};
        case GgmlType::Q4_1: return std::vector<ScaleField>{{offsetof(BlockQ4_1, d), true, false}, min_offset_of_4_1};
        case GgmlType::Q5_1:
            return std::vector<ScaleField>{{offsetof(BlockQ5_1, d), true, false}, {offsetof(BlockQ5_1, m), false, true}};
        case GgmlType::Q2_K:
            return std::vector<ScaleField>{{offsetof(BlockQ2_K, d), true, false}, {offsetof(BlockQ2_K, dmin), true, true}};
        case GgmlType::Q3_K: return std::vector<ScaleField>{{offsetof(BlockQ3_K, d), true, false}};
        case GgmlType::Q4_K:
            return std::vector<ScaleField>{{offsetof(BlockQ4_K, d), true, false}, {offsetof(BlockQ4_K, dmin), true, true}};
        case GgmlType::Q5_K:
            return std::vector<ScaleField>{{offsetof(BlockQ5_K, d), true, false}, {offsetof(BlockQ5_K, dmin), true, true}};
        case GgmlType::Q6_K: return std::vector<ScaleField>{{offsetof(BlockQ6_K, d), true, false}};
        default: return std::nullopt;
    }
}

}  // namespace qt
