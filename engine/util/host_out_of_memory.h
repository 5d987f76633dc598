#pragma once
// Host memory that ran out, said as the GPU's out-of-memory errors say it: what
// was asked for, for what, and what the machine had left. A std::bad_alloc, so
// every handler of one still catches it, with a what() a user can act on.
#include <cstddef>
#include <exception>
#include <new>
#include <string>
#include <string_view>

namespace qt {

class HostOutOfMemory : public std::bad_alloc {
public:
    // "out of host memory allocating 96.0 MiB for activations; 51.2 MiB available
    // of 23.5 GiB (and an address-space limit of 800.0 MiB)".
    HostOutOfMemory(size_t bytes, std::string_view what_for);
    const char* what() const noexcept override { return message_.c_str(); }

private:
    std::string message_;
};

// The same words for a plain std::bad_alloc, whose size is not known: the host's
// available memory and limit, and what to lower.
std::string host_out_of_memory_text();

// What to show a user for `e`: its what(), except for a plain std::bad_alloc
// ("std::bad_alloc" says nothing), which gets host_out_of_memory_text().
std::string error_message(const std::exception& e);

}  // namespace qt
