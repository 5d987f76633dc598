#pragma once
// Backend memory seen as host memory by the base class's host implementations
// (backend/backend_train_ops.cpp, backend_galore_ops.cpp).
#include <cstddef>
#include <vector>

#include "backend/backend.h"

namespace qt {

// count values of backend memory as host memory: the same pointer where the backend's
// memory is the host's, else a copy, downloaded when the op reads the values and
// uploaded by write_back() when it writes them.
template <class T>
class HostArray {
public:
    HostArray(Backend& b, const T* dev, size_t count, bool read)
        : b_(b), dev_(const_cast<T*>(dev)), count_(count), direct_(b.host_memory()) {
        if (direct_) {
            ptr_ = dev_;
            return;
        }
        copy_.resize(count);
        if (read && count) b.download(copy_.data(), dev, count * sizeof(T));
        ptr_ = copy_.data();
    }
    T* get() const { return ptr_; }
    void write_back() {
        if (!direct_ && count_) b_.upload(dev_, copy_.data(), count_ * sizeof(T));
    }

private:
    Backend& b_;
    T* dev_;
    size_t count_;
    bool direct_;
    std::vector<T> copy_;
    T* ptr_ = nullptr;
};

}  // namespace qt
