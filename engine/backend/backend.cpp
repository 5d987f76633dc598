#include "backend/backend.h"

namespace qt {

DeviceBuffer& DeviceBuffer::operator=(DeviceBuffer&& o) noexcept {
    if (this != &o) {
        reset();
        owner_ = o.owner_;
        data_ = o.data_;
        bytes_ = o.bytes_;
        category_ = o.category_;
        borrowed_ = o.borrowed_;
        o.owner_ = nullptr;
        o.data_ = nullptr;
        o.bytes_ = 0;
    }
    return *this;
}

void DeviceBuffer::reset() {
    if (owner_ && data_) {
        if (!borrowed_) owner_->free_raw(data_, bytes_);
        owner_->ledger().release(category_, static_cast<int64_t>(bytes_));
    }
    owner_ = nullptr;
    data_ = nullptr;
    bytes_ = 0;
}

}  // namespace qt
