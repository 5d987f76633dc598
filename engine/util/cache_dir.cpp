#include "util/cache_dir.h"

#include <cstdlib>

namespace qt {

std::string quanttune_cache_dir() {
    const char* xdg = std::getenv("XDG_CACHE_HOME");
    const char* home = std::getenv("HOME");
    return std::string(xdg && *xdg ? xdg : std::string(home ? home : ".") + "/.cache") + "/quanttune";
}

}  // namespace qt
