#pragma once
// One OpenMP thread while it lives, the count before restored after. For tests of
// problems too small to share: on a loaded machine the spin-waits of shared OpenMP
// regions cost seconds of CPU for milliseconds of work (200 DiT training steps: 0.8 s
// on one thread, 50 s on two oversubscribed cores).
#include <omp.h>

namespace qt::test {

struct OneThread {
    int saved = omp_get_max_threads();
    OneThread() { omp_set_num_threads(1); }
    ~OneThread() { omp_set_num_threads(saved); }
    OneThread(const OneThread&) = delete;
    OneThread& operator=(const OneThread&) = delete;
};

}  // namespace qt::test
