#include "util/host_out_of_memory.h"

#include <sys/resource.h>

#include <cstdio>
#include <fstream>

namespace qt {
namespace {

std::string mib(double bytes) {
    char buf[32];
    if (bytes >= 1024.0 * 1024 * 1024) std::snprintf(buf, sizeof buf, "%.1f GiB", bytes / (1024.0 * 1024 * 1024));
    else std::snprintf(buf, sizeof buf, "%.1f MiB", bytes / (1024.0 * 1024));
    return buf;
}

// MemAvailable and MemTotal from /proc/meminfo (kB), 0 where unreadable.
void meminfo(double& available, double& total) {
    available = total = 0;
    std::ifstream f("/proc/meminfo");
    std::string key;
    double kb = 0;
    std::string unit;
    while (f >> key >> kb >> unit) {
        if (key == "MemAvailable:") available = kb * 1024;
        if (key == "MemTotal:") total = kb * 1024;
    }
}

std::string what_is_left() {
    double available = 0, total = 0;
    meminfo(available, total);
    std::string s = total > 0 ? mib(available) + " available of " + mib(total) : "the host's free memory unknown";
    rlimit lim{};
    if (getrlimit(RLIMIT_AS, &lim) == 0 && lim.rlim_cur != RLIM_INFINITY)
        s += " (and an address-space limit of " + mib(static_cast<double>(lim.rlim_cur)) + ")";
    return s;
}

}  // namespace

HostOutOfMemory::HostOutOfMemory(size_t bytes, std::string_view what_for)
    : message_("out of host memory allocating " + mib(static_cast<double>(bytes)) + " for " + std::string(what_for) +
               "; " + what_is_left() + ": lower the batch size or the sequence length, or close other programs") {}

std::string host_out_of_memory_text() {
    return "out of host memory; " + what_is_left() +
           ": lower the batch size or the sequence length, or close other programs";
}

std::string error_message(const std::exception& e) {
    const bool plain_bad_alloc =
        dynamic_cast<const std::bad_alloc*>(&e) != nullptr && dynamic_cast<const HostOutOfMemory*>(&e) == nullptr;
    return plain_bad_alloc ? host_out_of_memory_text() : std::string(e.what());
}

}  // namespace qt
