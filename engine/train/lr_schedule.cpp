#include "train/lr_schedule.h"

#include <algorithm>
#include <cmath>
#include <stdexcept>

namespace qt {

LrScheduleKind parse_lr_schedule(const std::string& name) {
    if (name == "constant") return LrScheduleKind::Constant;
    if (name == "linear") return LrScheduleKind::Linear;
    if (name == "cosine") return LrScheduleKind::Cosine;
    throw std::invalid_argument("unknown learning-rate schedule \"" + name + "\" (constant, linear, cosine)");
}

std::string lr_schedule_name(LrScheduleKind kind) {
    switch (kind) {
        case LrScheduleKind::Constant: return "constant";
        case LrScheduleKind::Linear: return "linear";
        case LrScheduleKind::Cosine: return "cosine";
    }
    return "?";
}

double LrSchedule::at(int64_t step) const {
    if (warmup_steps > 0 && step < warmup_steps)
        return base_lr * static_cast<double>(step + 1) / static_cast<double>(warmup_steps);
    if (kind == LrScheduleKind::Constant) return base_lr;
    const int64_t span = std::max<int64_t>(1, total_steps - warmup_steps);
    const double progress = std::clamp(static_cast<double>(step - warmup_steps) / static_cast<double>(span), 0.0, 1.0);
    const double floor = min_lr_ratio * base_lr;
    const double shape = kind == LrScheduleKind::Linear ? 1.0 - progress : 0.5 * (1.0 + std::cos(M_PI * progress));
    return floor + (base_lr - floor) * shape;
}

}  // namespace qt
