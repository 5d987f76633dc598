#pragma once
// The first stage of loading a dataset: a data file becomes rows of text, each
// with the line it came from, before any tokenizer is involved. Formats, found
// from the file's contents with its extension as a hint:
//   JSON lines or a JSON array of objects, one of these row schemas:
//     {"prompt": P, "completion": C}            prompt/completion
//     {"instruction": I, "input": X, "output": O}  Alpaca; "input" may be absent or ""
//     {"messages": [{"role": R, "content": T}, ...]}  chat (roles system/user/assistant)
//     {"text": T}                                 plain documents
//   and any of them may carry "label" (string or integer) for classification; a
//   labelled prompt/completion or Alpaca row without a completion uses the label.
//   CSV (or TSV) with a header row, the columns chosen by name or found by the
//   names above (prompt, completion, instruction, input, output, text, label).
//   Plain text: any other file, read as paragraphs (split at blank lines) for
//   the tokenizer, later cut into fixed-length token windows.
// The schema is fixed by the first row that has one of the keys (messages,
// instruction, prompt, text, in that order of precedence); later rows must
// follow it. A row that cannot be read is given to the RowProblemLog.
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "data/row_problem_log.h"
#include "tokenizer/chat_template.h"

namespace qt {

enum class DataFileFormat { Jsonl, JsonArray, Csv, PlainText };
enum class RowSchema { PromptCompletion, Alpaca, Chat, Text };

// "jsonl", "json-array", "csv", "text" / "prompt-completion", "alpaca", "chat", "text".
std::string to_string(DataFileFormat format);
std::string to_string(RowSchema schema);
// Accepts the names above (and "json" for json-array); nullopt for anything else.
std::optional<DataFileFormat> data_file_format_from_string(std::string_view name);

struct DatasetRow {
    size_t line = 0;  // 1-based line where the row starts
    RowSchema schema = RowSchema::Text;
    // PromptCompletion: as given. Alpaca: prompt = instruction, then a blank line
    // and the input when the input is not empty; completion = output.
    std::string prompt;
    std::string completion;
    std::string text;                   // Text rows and plain-text paragraphs
    std::vector<ChatMessage> messages;  // Chat rows
    std::optional<std::string> label;
};

struct CsvColumns {
    // Column names; empty means "find it by its usual name". Choosing `text`
    // makes every row a text row; otherwise prompt with completion (or label).
    std::string prompt;
    std::string completion;
    std::string text;
    std::string label;
    char delimiter = '\0';  // '\0': tab for .tsv files, comma otherwise
};

struct RowReadOptions {
    std::optional<DataFileFormat> format;  // found from the file when absent
    CsvColumns csv;
    size_t max_rows = 0;  // stop after this many data rows (0: read all)
};

struct RowFile {
    DataFileFormat format = DataFileFormat::PlainText;
    std::optional<RowSchema> schema;  // absent when no row had a recognised schema
    std::vector<DatasetRow> rows;
    size_t rows_read = 0;  // data rows seen, good or bad (plain text: lines)
};

// Reads `path`. Throws DatasetError when the file cannot be read or is empty
// (nothing but white space), or when it cannot be read as the format at all
// (a CSV header without usable columns, a broken JSON array); malformed rows go
// to `problems` (which throws in strict mode).
RowFile read_dataset_rows(const std::string& path, const RowReadOptions& options, RowProblemLog& problems);

// The format read_dataset_rows would pick for a file with this name and content.
DataFileFormat detect_data_file_format(const std::string& path, std::string_view content);

}  // namespace qt
