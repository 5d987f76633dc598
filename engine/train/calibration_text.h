#pragma once
// The generic text sparse ZO's sensitivity pass reads (methods/sensitivity.h):
// plain-text files cut into token windows (data/text_windows.h), of which a
// stated number is taken, spread evenly over the text so that every file counts.
// By default: Jane Austen's six novels, which scripts/setup.sh converts from
// Debian's r-cran-janeaustenr into the data folder.
#include <cstdint>
#include <string>
#include <vector>

#include "data/dataset.h"
#include "tokenizer/tokenizer.h"

namespace qt {

// ${QUANTTUNE_DATA_DIR:-${XDG_CACHE_HOME:-~/.cache}/quanttune/data}
std::string default_data_dir();
// The Austen novels present in the data folder (empty when setup has not run).
std::vector<std::string> default_calibration_files();

struct CalibrationOptions {
    int length = 256;          // tokens per window
    int64_t sequences = 128;   // windows taken (fewer when the text is shorter)
};

// Throws DatasetError naming a file that cannot be read or holds no window, and
// std::invalid_argument for no files or a length below 2.
std::vector<Example> load_calibration_text(const std::vector<std::string>& files, const Tokenizer& tokenizer,
                                           const CalibrationOptions& options);

}  // namespace qt
