#include "data/dataset_rows.h"

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "data/dataset_error.h"
#include "data/row_readers.h"

namespace qt {
namespace {

std::string lower_extension(const std::string& path) {
    std::string ext = std::filesystem::path(path).extension().string();
    std::transform(ext.begin(), ext.end(), ext.begin(), [](unsigned char c) { return std::tolower(c); });
    return ext;
}

std::string read_whole_file(const std::string& path) {
    std::error_code ec;
    if (std::filesystem::is_directory(path, ec))
        throw DatasetError(path + ": cannot read the dataset: it is a directory");
    // Datasets are read whole; past this size the read itself would strain a desktop's memory.
    constexpr uintmax_t kMaxDatasetBytes = uintmax_t{1} << 30;
    const uintmax_t size = std::filesystem::file_size(path, ec);
    if (!ec && size > kMaxDatasetBytes) {
        char text[160];
        std::snprintf(text, sizeof text,
                      ": the dataset is %.1f GiB; QuantTune reads a dataset whole, up to 1 GiB: split it into smaller "
                      "files or keep a sample",
                      static_cast<double>(size) / (1 << 30));
        throw DatasetError(path + text);
    }
    std::ifstream in(path, std::ios::binary);
    if (!in) throw DatasetError(path + ": cannot open the dataset: " + std::strerror(errno));
    std::ostringstream buf;
    buf << in.rdbuf();
    if (in.bad()) throw DatasetError(path + ": cannot read the dataset: " + std::strerror(errno));
    return std::move(buf).str();
}

std::string_view without_bom(std::string_view text) {
    if (text.size() >= 3 && text.substr(0, 3) == "\xEF\xBB\xBF") text.remove_prefix(3);
    return text;
}

char first_non_space(std::string_view text) {
    for (char c : text)
        if (!std::isspace(static_cast<unsigned char>(c))) return c;
    return '\0';
}

}  // namespace

std::string to_string(DataFileFormat format) {
    switch (format) {
        case DataFileFormat::Jsonl:
            return "jsonl";
        case DataFileFormat::JsonArray:
            return "json-array";
        case DataFileFormat::Csv:
            return "csv";
        case DataFileFormat::PlainText:
            return "text";
    }
    return "?";
}

std::string to_string(RowSchema schema) {
    switch (schema) {
        case RowSchema::PromptCompletion:
            return "prompt-completion";
        case RowSchema::Alpaca:
            return "alpaca";
        case RowSchema::Chat:
            return "chat";
        case RowSchema::Text:
            return "text";
    }
    return "?";
}

std::optional<DataFileFormat> data_file_format_from_string(std::string_view name) {
    if (name == "jsonl") return DataFileFormat::Jsonl;
    if (name == "json-array" || name == "json") return DataFileFormat::JsonArray;
    if (name == "csv") return DataFileFormat::Csv;
    if (name == "text") return DataFileFormat::PlainText;
    return std::nullopt;
}

DataFileFormat detect_data_file_format(const std::string& path, std::string_view content) {
    const std::string ext = lower_extension(path);
    if (ext == ".csv" || ext == ".tsv") return DataFileFormat::Csv;
    // A text file may well start with '[' or '{' ("[Illustration]"); its
    // extension wins over its first character.
    if (ext == ".txt" || ext == ".text" || ext == ".md") return DataFileFormat::PlainText;
    const char first = first_non_space(without_bom(content));
    if (first == '[') return DataFileFormat::JsonArray;
    if (first == '{') return DataFileFormat::Jsonl;
    // A .jsonl/.json file that starts with neither is still read as JSON lines,
    // so that each of its lines is reported as the malformed row it is.
    if (ext == ".jsonl" || ext == ".json" || ext == ".ndjson") return DataFileFormat::Jsonl;
    return DataFileFormat::PlainText;
}

RowFile read_dataset_rows(const std::string& path, const RowReadOptions& options, RowProblemLog& problems) {
    const std::string content = read_whole_file(path);
    const std::string_view text = without_bom(content);
    // NUL never occurs in text (UTF-8 or otherwise): this is an image, archive or model file.
    if (const size_t nul = text.find('\0'); nul != std::string_view::npos)
        throw DatasetError(path + ": not a text file: a NUL byte at offset " + std::to_string(nul + (content.size() - text.size())) +
                           " (datasets are JSON lines, a JSON array, CSV or plain text)");
    if (first_non_space(text) == '\0')
        throw DatasetError(path + ": the dataset is empty" + (content.empty() ? "" : " (only white space)"));

    RowFile out;
    out.format = options.format ? *options.format : detect_data_file_format(path, content);
    switch (out.format) {
        case DataFileFormat::Jsonl:
            detail::read_jsonl_rows(text, options, problems, out);
            break;
        case DataFileFormat::JsonArray:
            detail::read_json_array_rows(text, options, problems, out);
            break;
        case DataFileFormat::Csv: {
            char delimiter = options.csv.delimiter;
            if (delimiter == '\0') delimiter = lower_extension(path) == ".tsv" ? '\t' : ',';
            detail::read_csv_rows(text, delimiter, options, problems, out);
            break;
        }
        case DataFileFormat::PlainText:
            detail::read_plain_text_rows(text, options, problems, out);
            break;
    }
    return out;
}

}  // namespace qt
