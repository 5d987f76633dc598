#include "util/fault_injection.h"

#include <cstdlib>
#include <stdexcept>
#include <string>
#include <vector>

namespace qt {
namespace {

struct Fault {
    std::string name;
    int64_t first = 0, last = 0;
};

std::vector<Fault> parse(const char* text) {
    std::vector<Fault> faults;
    if (!text) return faults;
    const std::string s(text);
    size_t at = 0;
    while (at < s.size()) {
        size_t end = s.find(',', at);
        if (end == std::string::npos) end = s.size();
        const std::string item = s.substr(at, end - at);
        at = end + 1;
        if (item.empty()) continue;
        const size_t sign = item.find('@');
        auto bad = [&] {
            throw std::invalid_argument("QUANTTUNE_FAULTS: \"" + item + "\" is not NAME@N or NAME@FIRST-LAST");
        };
        if (sign == std::string::npos || sign == 0) bad();
        Fault f{item.substr(0, sign)};
        const std::string range = item.substr(sign + 1);
        try {
            size_t used = 0;
            f.first = std::stoll(range, &used);
            f.last = f.first;
            if (used < range.size()) {
                if (range[used] != '-') bad();
                const std::string tail = range.substr(used + 1);
                size_t used2 = 0;
                f.last = std::stoll(tail, &used2);
                if (used2 != tail.size()) bad();
            }
        } catch (const std::logic_error&) {
            bad();
        }
        faults.push_back(std::move(f));
    }
    return faults;
}

}  // namespace

bool fault_injected(std::string_view name, int64_t at) {
    static const std::vector<Fault> faults = parse(std::getenv("QUANTTUNE_FAULTS"));
    for (const Fault& f : faults)
        if (f.name == name && at >= f.first && at <= f.last) return true;
    return false;
}

}  // namespace qt
