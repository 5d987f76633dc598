#pragma once
// Where QuantTune's downloads and converted data live on this machine (what
// scripts/setup.sh fills by default): ${XDG_CACHE_HOME:-~/.cache}/quanttune.
#include <string>

namespace qt {

std::string quanttune_cache_dir();

}  // namespace qt
