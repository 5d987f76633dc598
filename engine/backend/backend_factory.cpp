#include "backend/backend_factory.h"

#include <stdexcept>

#include "backend/cpu_backend.h"
#include "backend/cuda_backend.h"

namespace qt {
namespace {

// "cuda" -> 0, "cuda:3" -> 3; -1 when `device` is no CUDA device string.
int parse_cuda_index(const std::string& device) {
    if (device == "cuda") return 0;
    if (device.rfind("cuda:", 0) != 0 || device.size() == 5) return -1;
    int index = 0;
    for (size_t i = 5; i < device.size(); ++i) {
        if (device[i] < '0' || device[i] > '9' || index > 100000) return -1;
        index = index * 10 + (device[i] - '0');
    }
    return index;
}

}  // namespace

BackendChoice make_backend(const std::string& device, int cpu_threads) {
    BackendChoice c;
    if (device == "cpu") {
        c.backend = make_cpu_backend(cpu_threads);
        c.message = "using " + c.backend->name();
        return c;
    }
    if (device == "auto") {
        std::string why;
        if (cuda_device_count(why) > 0) {
            c.backend = make_cuda_backend(0);
            c.message = "using " + c.backend->name() + " (the first GPU; --device cpu for the CPU)";
        } else {
            c.backend = make_cpu_backend(cpu_threads);
            c.message = "using " + c.backend->name() + ": no GPU (" + why + ")";
        }
        return c;
    }
    const int index = parse_cuda_index(device);
    if (index < 0)
        throw std::invalid_argument("device \"" + device + "\" is not one of auto, cpu, cuda, cuda:N");
    std::string why;
    const int n = cuda_device_count(why);
    if (n == 0) throw std::runtime_error("device " + device + " asked for, but " + why);
    if (index >= n)
        throw std::runtime_error("device " + device + " asked for, but only " + std::to_string(n) +
                                 " CUDA device(s) are present (cuda:0 .. cuda:" + std::to_string(n - 1) + ")");
    c.backend = make_cuda_backend(index);
    c.message = "using " + c.backend->name();
    return c;
}

}  // namespace qt
