#include "methods/first_order_method.h"


namespace qt {

int64_t FirstOrderMethod::size() const {
    int64_t n = 0;
    for (const ParameterBlock& b : parameter_blocks()) n += b.count;
    return n;
}

FlatParts FirstOrderMethod::parameters() const {
    FlatParts p(method_name() + " parameters");
    for (const ParameterBlock& b : parameter_blocks()) p.add(b.param, b.count);
    return p;
}

void FirstOrderMethod::read(int64_t offset, int64_t count, float* dst) { parameters().read(backend_, offset, count, dst); }

void FirstOrderMethod::write(int64_t offset, int64_t count, const float* src) {
    parameters().write(backend_, offset, count, src);
}

void FirstOrderMethod::zero_gradients() {
    for (const ParameterBlock& b : parameter_blocks())
        backend_.fill_zero(b.grad, static_cast<size_t>(b.count) * sizeof(float));
}

}  // namespace qt
