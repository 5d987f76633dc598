#pragma once
// What the CUDA runtime sees on this machine. Plain C++ header: the engine may include it.
#include <string>
#include <vector>

namespace qt::cuda {

struct DeviceInfo {
    int index = 0;
    std::string name;
    int compute_major = 0, compute_minor = 0;
    size_t total_bytes = 0, free_bytes = 0;
};

// Devices found, or an empty list with `why` set (no driver, no GPU, ...).
std::vector<DeviceInfo> list_devices(std::string& why);

}  // namespace qt::cuda
