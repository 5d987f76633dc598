#pragma once
// Learning rate as a function of the step alone (so a resumed run needs no state):
// linear warm-up from 0 over warmup_steps, then constant, linear decay or cosine
// decay from base_lr to min_lr_ratio * base_lr at total_steps.
#include <cstdint>
#include <string>

namespace qt {

enum class LrScheduleKind { Constant, Linear, Cosine };

LrScheduleKind parse_lr_schedule(const std::string& name);  // "constant", "linear", "cosine"
std::string lr_schedule_name(LrScheduleKind kind);

struct LrSchedule {
    LrScheduleKind kind = LrScheduleKind::Constant;
    double base_lr = 0;
    int64_t warmup_steps = 0;
    int64_t total_steps = 1;
    double min_lr_ratio = 0;

    double at(int64_t step) const;
};

}  // namespace qt
