#include "data/text_windows.h"

#include <algorithm>

#include "data/dataset_error.h"
#include "tokenizer/tokenizer.h"

namespace qt {

std::vector<Example> make_text_windows(const std::vector<DatasetRow>& paragraphs, const Tokenizer& tokenizer,
                                       const TextWindowOptions& options, const std::string& file) {
    const size_t length = options.length;
    const size_t stride = options.stride == 0 ? length : options.stride;
    if (length < 2)
        throw DatasetError(file + ": the text window length must be at least 2 tokens, not " + std::to_string(length));
    if (stride > length)
        throw DatasetError(file + ": a window stride of " + std::to_string(stride) + " is longer than the window (" +
                           std::to_string(length) + " tokens) and would skip text");

    std::vector<int32_t> tokens;
    std::vector<std::pair<size_t, size_t>> starts;  // (first token, line) per paragraph
    for (const DatasetRow& p : paragraphs) {
        starts.emplace_back(tokens.size(), p.line);
        const std::vector<int32_t> ids = tokenizer.encode(p.text, false, false);
        tokens.insert(tokens.end(), ids.begin(), ids.end());
    }
    auto line_of = [&](size_t token) {
        auto it = std::upper_bound(starts.begin(), starts.end(), token,
                                   [](size_t t, const std::pair<size_t, size_t>& s) { return t < s.first; });
        return it == starts.begin() ? size_t{1} : std::prev(it)->second;
    };

    std::vector<Example> windows;
    size_t scored_up_to = 0;  // tokens [0, scored_up_to) were targets in earlier windows
    for (size_t begin = 0; begin + 1 < tokens.size(); begin += stride) {
        const size_t end = std::min(begin + length, tokens.size());
        Example ex;
        ex.tokens.assign(tokens.begin() + static_cast<ptrdiff_t>(begin), tokens.begin() + static_cast<ptrdiff_t>(end));
        ex.loss_mask.resize(ex.tokens.size());
        for (size_t t = 1; t < ex.tokens.size(); ++t) ex.loss_mask[t] = begin + t >= scored_up_to ? 1 : 0;
        ex.source_line = line_of(begin);
        scored_up_to = end;
        windows.push_back(std::move(ex));
        if (end == tokens.size()) break;
    }
    return windows;
}

}  // namespace qt
