#include "data/dataset_summary.h"

#include <algorithm>
#include <cstdio>
#include <vector>

namespace qt {

std::string dataset_summary(const Dataset& ds, size_t max_reasons) {
    const DatasetStats& s = ds.stats;
    std::string out;
    auto line = [&](const char* fmt, auto... args) {
        char buf[512];
        std::snprintf(buf, sizeof buf, fmt, args...);
        out += buf;
        out += '\n';
    };
    line("%s: %s%s", s.file.c_str(), s.format.c_str(), s.chat_template_applied ? ", chat template applied" : "");
    line("rows: %zu read, %zu kept, %zu skipped, %zu truncated (%zu tokens cut)", s.rows_read, s.rows_kept,
         s.rows_skipped, s.rows_truncated, s.tokens_truncated);
    for (size_t i = 0; i < std::min(max_reasons, s.skipped_messages.size()); ++i)
        line("  skipped %s", s.skipped_messages[i].c_str());
    if (s.rows_skipped > std::min(max_reasons, s.skipped_messages.size()))
        line("  ... and %zu more skipped rows", s.rows_skipped - std::min(max_reasons, s.skipped_messages.size()));
    const LengthHistogram& h = s.lengths;
    line("tokens: %zu in all, %zu targets; per example min %zu, median %zu, mean %.1f, p90 %zu, p99 %zu, max %zu",
         s.total_tokens, s.target_tokens, h.min, h.median, h.mean, h.p90, h.p99, h.max);
    size_t widest = 1;
    for (const auto& b : h.buckets) widest = std::max(widest, b.count);
    for (const auto& b : h.buckets) {
        const std::string bar(
            static_cast<size_t>(40.0 * static_cast<double>(b.count) / static_cast<double>(widest) + 0.5), '#');
        line("  %5zu-%-5zu %7zu %s", b.min_length, b.max_length, b.count, bar.c_str());
    }
    if (ds.is_classification()) {
        std::vector<size_t> per(ds.label_words.size(), 0);
        for (const Example& ex : ds.examples)
            if (ex.label_index >= 0) ++per[static_cast<size_t>(ex.label_index)];
        std::string labels;
        for (size_t i = 0; i < per.size(); ++i)
            labels += (i ? ", " : "") + ds.label_words[i] + " " + std::to_string(per[i]);
        line("labels: %s", labels.c_str());
    }
    return out;
}

}  // namespace qt
