// libFuzzer target for the dataset readers (engine/data). Each input is read as
// every format in turn (JSON lines, JSON array, CSV with commas and with tabs,
// plain text, and the format detection picks), cut into text windows, and parsed
// as the dataset options JSON. A DatasetError is a clean refusal; anything else
// (another exception, a crash, a sanitizer report, a multi-line message, a row
// that breaks the readers' promises) is a finding.
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "data/dataset.h"
#include "data/dataset_error.h"
#include "data/dataset_options_json.h"
#include "data/dataset_rows.h"
#include "data/text_windows.h"
#include "fuzz_input_file.h"
#include "tokenizer/tokenizer.h"

namespace {

using qt::fuzz::require_one_line;

// One token per byte: enough for make_text_windows, which only counts tokens.
class ByteTokenizer : public qt::Tokenizer {
public:
    ByteTokenizer() : Tokenizer(qt::Vocabulary{}) {}
    std::vector<int32_t> encode(std::string_view text, bool, bool) const override {
        return std::vector<int32_t>(text.begin(), text.end());
    }
    std::string token_to_piece(int32_t id) const override { return std::string(1, static_cast<char>(id)); }
};

uint64_t hash_text(uint64_t h, const std::string& s) {
    for (char c : s) h = h * 31 + static_cast<uint8_t>(c);
    return h ^ s.size();
}

// Touches every field of every row so that sanitizers see any bad length, and
// checks what read_dataset_rows promises of the rows it returns.
uint64_t walk_rows(const qt::RowFile& file, const qt::RowProblemLog& problems) {
    if (file.rows.size() > file.rows_read) std::abort();  // every row kept was read
    uint64_t h = file.rows_read;
    for (const qt::DatasetRow& row : file.rows) {
        if (row.line == 0) std::abort();  // lines are 1-based
        if (file.format != qt::DataFileFormat::PlainText && (!file.schema || row.schema != *file.schema))
            std::abort();  // the first row's schema holds for the whole file
        h = h * 31 + row.line + static_cast<uint64_t>(row.schema);
        h = hash_text(h, row.prompt);
        h = hash_text(h, row.completion);
        h = hash_text(h, row.text);
        for (const qt::ChatMessage& m : row.messages) h = hash_text(hash_text(h, m.role), m.content);
        if (row.label) h = hash_text(h, *row.label);
    }
    if (problems.messages().size() > problems.count() || problems.messages().size() > qt::RowProblemLog::kKeptMessages)
        std::abort();
    for (const std::string& m : problems.messages()) {
        require_one_line(m, "row problem");
        h = hash_text(h, m);
    }
    return h;
}

// Cuts plain-text paragraphs into overlapping windows and checks their shape.
void cut_windows(const qt::RowFile& file, const std::string& path) {
    static const ByteTokenizer tokenizer;
    qt::TextWindowOptions options;
    options.length = 16;
    options.stride = 5;
    for (const qt::Example& ex : qt::make_text_windows(file.rows, tokenizer, options, path)) {
        if (ex.tokens.size() < 2 || ex.tokens.size() > options.length || ex.loss_mask.size() != ex.tokens.size() ||
            ex.loss_mask[0] != 0 || ex.source_line == 0)
            std::abort();
    }
}

struct Pass {
    std::optional<qt::DataFileFormat> format;  // absent: detected from the content
    char delimiter = '\0';
    bool strict = false;
};

void read_as(const std::string& path, const Pass& pass) {
    qt::RowReadOptions options;
    options.format = pass.format;
    options.csv.delimiter = pass.delimiter;
    qt::RowProblemLog problems(path, pass.strict);
    try {
        const qt::RowFile file = qt::read_dataset_rows(path, options, problems);
        walk_rows(file, problems);
        if (file.format == qt::DataFileFormat::PlainText) cut_windows(file, path);
    } catch (const qt::DatasetError& e) {
        require_one_line(e.what(), "DatasetError");
    }
}

// The input as the "data" object of a training config, and as the split and
// batch options; an accepted object must survive a round trip unchanged.
template <class Options>
void parse_options(const nlohmann::json& j) {
    Options options;
    try {
        from_json(j, options);
    } catch (const qt::DatasetError& e) {
        require_one_line(e.what(), "DatasetError (options)");
        return;
    }
    nlohmann::json written;
    to_json(written, options);
    Options again;
    from_json(written, again);
    nlohmann::json rewritten;
    to_json(rewritten, again);
    if (written != rewritten) {
        std::fprintf(stderr, "options do not round-trip:\n  %s\n  %s\n", written.dump().c_str(), rewritten.dump().c_str());
        std::abort();
    }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    const qt::fuzz::InputFile input("fuzz_dataset", data, size);
    using F = qt::DataFileFormat;
    static const Pass kPasses[] = {
        {F::Jsonl, '\0', false}, {F::JsonArray, '\0', false}, {F::Csv, ',', false}, {F::Csv, '\t', false},
        {F::PlainText, '\0', false}, {std::nullopt, '\0', true},
    };
    for (const Pass& pass : kPasses) read_as(input.path(), pass);

    const nlohmann::json j = nlohmann::json::parse(data, data + size, nullptr, /*allow_exceptions=*/false);
    if (!j.is_discarded()) {
        parse_options<qt::DatasetOptions>(j);
        parse_options<qt::SplitOptions>(j);
        parse_options<qt::LengthBatchOptions>(j);
    }
    return 0;
}
