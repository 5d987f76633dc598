#pragma once
// Writes a file so that readers see the old content or the new, never a part:
// a temporary file in the same folder, fsync, rename over the target, fsync of
// the folder. `fill` writes the content; if it throws, the target is untouched.
#include <cstdio>
#include <functional>
#include <string>

namespace qt {

void write_file_atomically(const std::string& path, const std::function<void(std::FILE*)>& fill);

}  // namespace qt
