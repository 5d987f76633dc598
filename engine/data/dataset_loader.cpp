// load_dataset: rows from the file, then examples, labels and statistics.
#include <algorithm>
#include <map>
#include <set>

#include "data/dataset.h"
#include "data/dataset_error.h"
#include "data/example_encoder.h"
#include "data/text_windows.h"
#include "tokenizer/chat_template.h"
#include "tokenizer/tokenizer.h"

namespace qt {
namespace {

// Everything after the last occurrence of `label` in `completion` and before
// it, so a candidate word can take the label's place (" great" -> " other");
// a completion without its label gives the bare candidate word.
std::string completion_with_label(const std::string& completion, const std::string& label, const std::string& word) {
    const size_t at = completion.rfind(label);
    if (at == std::string::npos) return word;
    return completion.substr(0, at) + word + completion.substr(at + label.size());
}

const std::string& reply_of(const DatasetRow& row) {
    return row.schema == RowSchema::Chat ? row.messages.back().content : row.completion;
}

void fill_stats(Dataset& ds, const RowFile& rows, const RowProblemLog& problems) {
    DatasetStats& s = ds.stats;
    s.rows_read = rows.rows_read;
    s.rows_kept = ds.examples.size();
    s.rows_skipped = problems.count();
    s.skipped_messages = problems.messages();
    std::vector<size_t> lengths;
    lengths.reserve(ds.examples.size());
    for (const Example& ex : ds.examples) {
        lengths.push_back(ex.tokens.size());
        s.total_tokens += ex.tokens.size();
        s.target_tokens += ex.target_count();
        if (ex.truncated_tokens > 0) {
            ++s.rows_truncated;
            s.tokens_truncated += ex.truncated_tokens;
        }
    }
    s.lengths = LengthHistogram::of(std::move(lengths));
}

// Label words and, for each labelled example, its label index and candidates.
void attach_labels(Dataset& ds, const std::vector<const DatasetRow*>& source_rows, const ExampleEncoder& encoder,
                   const DatasetOptions& options, RowProblemLog& problems) {
    ds.label_words = options.label_words;
    if (ds.label_words.empty()) {
        std::set<std::string> seen;
        for (const DatasetRow* row : source_rows)
            if (row->label) seen.insert(*row->label);
        ds.label_words.assign(seen.begin(), seen.end());
    }
    if (ds.label_words.empty()) return;
    std::map<std::string, int32_t> index;
    for (size_t i = 0; i < ds.label_words.size(); ++i) index.emplace(ds.label_words[i], static_cast<int32_t>(i));

    std::vector<Example> kept;
    kept.reserve(ds.examples.size());
    for (size_t i = 0; i < ds.examples.size(); ++i) {
        Example& ex = ds.examples[i];
        const DatasetRow& row = *source_rows[i];
        try {
            if (row.label) {
                const auto it = index.find(*row.label);
                if (it == index.end()) {
                    std::string words;
                    for (const auto& w : ds.label_words) words += (words.empty() ? "" : ", ") + w;
                    throw RowProblem("label '" + *row.label + "' is not one of the label words (" + words + ")");
                }
                ex.label = *row.label;
                ex.label_index = it->second;
                for (const std::string& word : ds.label_words)
                    ex.label_candidates.push_back(
                        encoder.completion_tokens(row, completion_with_label(reply_of(row), *row.label, word)));
            }
            kept.push_back(std::move(ex));
        } catch (const RowProblem& p) {
            problems.skip(row.line, p.what());
        }
    }
    ds.examples = std::move(kept);
}

}  // namespace

Dataset load_dataset(const std::string& path, const Tokenizer& tokenizer, const ChatTemplate* chat_template,
                     const DatasetOptions& options) {
    RowProblemLog problems(path, options.strict);
    const RowFile rows = read_dataset_rows(path, options.read, problems);

    Dataset ds;
    ds.stats.file = path;
    if (options.chat_template == ChatTemplateUse::Always && !chat_template)
        throw DatasetError(path + ": the chat template is required by the options, but the model has none");
    const bool templated_schema = rows.schema && *rows.schema != RowSchema::Text;
    const ChatTemplate* tmpl = options.chat_template == ChatTemplateUse::Never ? nullptr : chat_template;
    if (rows.schema == RowSchema::Chat && !tmpl)
        throw DatasetError(path + ": chat rows (\"messages\") need a chat template, and " +
                           (chat_template ? "the options turn it off" : "the model has none"));

    if (rows.format == DataFileFormat::PlainText) {
        ds.stats.format = "text/windows";
        if (options.max_length != 0 && options.windows.length > options.max_length)
            throw DatasetError(path + ": the text window length (" + std::to_string(options.windows.length) +
                               " tokens) is above max_length (" + std::to_string(options.max_length) + ")");
        ds.examples = make_text_windows(rows.rows, tokenizer, options.windows, path);
    } else {
        ds.stats.format = to_string(rows.format) + "/" + (rows.schema ? to_string(*rows.schema) : "unknown");
        ds.stats.chat_template_applied = templated_schema && tmpl;
        const ExampleEncoder encoder(tokenizer, templated_schema ? tmpl : nullptr, options);
        std::vector<const DatasetRow*> source_rows;
        for (const DatasetRow& row : rows.rows) {
            try {
                ds.examples.push_back(encoder.encode(row));
                source_rows.push_back(&row);
            } catch (const RowProblem& p) {
                problems.skip(row.line, p.what());
            }
        }
        attach_labels(ds, source_rows, encoder, options, problems);
    }

    if (ds.examples.empty()) {
        std::string why = path + ": no valid rows (" + std::to_string(rows.rows_read) + " read, " +
                          std::to_string(problems.count()) + " skipped";
        if (!problems.messages().empty()) why += "; the first: " + problems.messages().front();
        throw DatasetError(why + ")");
    }
    fill_stats(ds, rows, problems);
    return ds;
}

}  // namespace qt
