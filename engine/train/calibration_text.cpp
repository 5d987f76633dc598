#include "train/calibration_text.h"

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <stdexcept>

#include "data/dataset_error.h"
#include "util/cache_dir.h"

namespace qt {

std::string default_data_dir() {
    if (const char* d = std::getenv("QUANTTUNE_DATA_DIR"); d && *d) return d;
    return quanttune_cache_dir() + "/data";
}

std::vector<std::string> default_calibration_files() {
    std::vector<std::string> files;
    std::error_code ec;
    for (const auto& e : std::filesystem::directory_iterator(default_data_dir() + "/austen", ec))
        if (e.path().extension() == ".txt") files.push_back(e.path().string());
    std::sort(files.begin(), files.end());
    return files;
}

std::vector<Example> load_calibration_text(const std::vector<std::string>& files, const Tokenizer& tokenizer,
                                           const CalibrationOptions& o) {
    if (files.empty()) throw std::invalid_argument("no calibration text given");
    if (o.length < 2) throw std::invalid_argument("calibration windows need at least 2 tokens");
    if (o.sequences < 1) throw std::invalid_argument("calibration needs at least 1 sequence");
    // Each file's windows, then an even share of the sequences from each (the rest from the longest).
    std::vector<std::vector<Example>> per_file;
    for (const std::string& f : files) {
        DatasetOptions d;
        d.read.format = DataFileFormat::PlainText;
        d.loss_on = LossOn::AllTokens;
        d.max_length = static_cast<size_t>(o.length);
        d.windows.length = static_cast<size_t>(o.length);
        Dataset ds = load_dataset(f, tokenizer, nullptr, d);
        // Only whole windows: a short last one would weigh its few tokens as much as a full one.
        std::erase_if(ds.examples, [&](const Example& e) { return e.tokens.size() < static_cast<size_t>(o.length); });
        if (ds.examples.empty()) throw DatasetError(f + ": no window of " + std::to_string(o.length) + " tokens");
        per_file.push_back(std::move(ds.examples));
    }
    std::vector<Example> out;
    const int64_t share = (o.sequences + static_cast<int64_t>(files.size()) - 1) / static_cast<int64_t>(files.size());
    for (auto& windows : per_file) {
        const int64_t take = std::min<int64_t>(share, static_cast<int64_t>(windows.size()));
        // Evenly spaced through the file: the whole book, not its first chapter.
        for (int64_t k = 0; k < take && static_cast<int64_t>(out.size()) < o.sequences; ++k)
            out.push_back(std::move(windows[static_cast<size_t>(k * static_cast<int64_t>(windows.size()) / take)]));
    }
    return out;
}

}  // namespace qt
