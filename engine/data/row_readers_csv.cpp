// CSV/TSV rows: a header row names the columns; the options choose which hold
// the prompt, completion, text and label, or the usual names are looked for.
#include <algorithm>
#include <cctype>

#include "data/csv_reader.h"
#include "data/dataset_error.h"
#include "data/row_readers.h"
#include "data/utf8_check.h"

namespace qt::detail {
namespace {

constexpr size_t kNone = static_cast<size_t>(-1);

bool same_name_ignoring_case(const std::string& a, const std::string& b) {
    return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](unsigned char x, unsigned char y) {
               return std::tolower(x) == std::tolower(y);
           });
}

class CsvHeader {
public:
    CsvHeader(std::vector<std::string> names, const RowProblemLog& problems, size_t line)
        : names_(std::move(names)), problems_(problems), line_(line) {}

    // The column called `name`: an exact match first, then one ignoring case.
    size_t find(const std::string& name) const {
        for (size_t i = 0; i < names_.size(); ++i)
            if (names_[i] == name) return i;
        for (size_t i = 0; i < names_.size(); ++i)
            if (same_name_ignoring_case(names_[i], name)) return i;
        return kNone;
    }
    // A column the user chose: it must exist.
    size_t require(const std::string& name, const char* role) const {
        const size_t i = find(name);
        if (i == kNone)
            throw DatasetError(problems_.message(line_, std::string("no column '") + name + "' (chosen as the " + role +
                                                            " column); the header has " + list()));
        return i;
    }
    std::string list() const {
        std::string s;
        for (const auto& n : names_) s += (s.empty() ? "" : ", ") + ("'" + n + "'");
        return s;
    }
    size_t size() const { return names_.size(); }
    const std::string& name(size_t i) const { return names_[i]; }

private:
    std::vector<std::string> names_;
    const RowProblemLog& problems_;
    size_t line_;
};

struct CsvLayout {
    RowSchema schema = RowSchema::PromptCompletion;
    size_t prompt = kNone, completion = kNone, text = kNone, label = kNone;
    size_t instruction = kNone, input = kNone, output = kNone;  // Alpaca columns, found by name only
};

CsvLayout choose_columns(const CsvHeader& header, const CsvColumns& chosen, const RowProblemLog& problems,
                         size_t header_line) {
    CsvLayout c;
    c.label = chosen.label.empty() ? header.find("label") : header.require(chosen.label, "label");
    if (!chosen.text.empty()) {
        if (!chosen.prompt.empty() || !chosen.completion.empty())
            throw DatasetError(
                problems.message(header_line, "choose either a text column or prompt/completion columns, not both"));
        c.schema = RowSchema::Text;
        c.text = header.require(chosen.text, "text");
        return c;
    }
    if (!chosen.prompt.empty() || !chosen.completion.empty()) {
        c.schema = RowSchema::PromptCompletion;
        c.prompt = chosen.prompt.empty() ? header.find("prompt") : header.require(chosen.prompt, "prompt");
        c.completion =
            chosen.completion.empty() ? header.find("completion") : header.require(chosen.completion, "completion");
    } else if (header.find("prompt") != kNone) {
        c.schema = RowSchema::PromptCompletion;
        c.prompt = header.find("prompt");
        c.completion = header.find("completion");
    } else if (header.find("instruction") != kNone) {
        c.schema = RowSchema::Alpaca;
        c.instruction = header.find("instruction");
        c.input = header.find("input");
        c.output = header.find("output");
        if (c.output == kNone && c.label == kNone)
            throw DatasetError(problems.message(
                header_line, "an 'instruction' column but no 'output' column; the header has " + header.list()));
        return c;
    } else if (header.find("text") != kNone) {
        c.schema = RowSchema::Text;
        c.text = header.find("text");
        return c;
    }
    if (c.prompt == kNone)
        throw DatasetError(problems.message(
            header_line, "cannot tell which columns to use: the header has " + header.list() +
                             "; name them prompt/completion (or instruction/output, or text) or choose the columns"));
    if (c.completion == kNone && c.label == kNone)
        throw DatasetError(problems.message(
            header_line,
            "a prompt column but neither a completion nor a label column; the header has " + header.list()));
    return c;
}

// The field at `column` after checking its UTF-8; "" for a column not in use.
std::string field(const CsvRecord& rec, size_t column, const CsvHeader& header) {
    if (column == kNone) return "";
    const std::string& value = rec.fields[column];
    if (const auto bad = first_invalid_utf8(value))
        throw RowProblem("column '" + header.name(column) + "' is not valid UTF-8 (byte " + std::to_string(*bad) + ")");
    return value;
}

}  // namespace

void read_csv_rows(std::string_view text, char delimiter, const RowReadOptions& options, RowProblemLog& problems,
                   RowFile& out) {
    CsvReader reader(text, delimiter);
    CsvRecord rec;
    if (!reader.next(rec)) throw DatasetError(problems.file() + ": the CSV file has no header row");
    if (!rec.error.empty()) throw DatasetError(problems.message(rec.line, "cannot read the CSV header: " + rec.error));
    const size_t header_line = rec.line;
    const CsvHeader header(rec.fields, problems, header_line);
    const CsvLayout layout = choose_columns(header, options.csv, problems, header_line);
    out.schema = layout.schema;

    while (reader.next(rec)) {
        if (options.max_rows && out.rows_read >= options.max_rows) return;
        ++out.rows_read;
        try {
            if (!rec.error.empty()) throw RowProblem(rec.error);
            if (rec.fields.size() != header.size())
                throw RowProblem("expected " + std::to_string(header.size()) + " fields as in the header, found " +
                                 std::to_string(rec.fields.size()));
            DatasetRow row;
            row.line = rec.line;
            row.schema = layout.schema;
            if (layout.label != kNone) {
                std::string label = field(rec, layout.label, header);
                if (label.empty()) throw RowProblem("column '" + header.name(layout.label) + "' (label) is empty");
                row.label = std::move(label);
            }
            std::string completion_name;
            switch (layout.schema) {
                case RowSchema::Text:
                    row.text = field(rec, layout.text, header);
                    if (row.text.empty()) throw RowProblem("column '" + header.name(layout.text) + "' (text) is empty");
                    break;
                case RowSchema::Alpaca: {
                    row.prompt = field(rec, layout.instruction, header);
                    if (row.prompt.empty())
                        throw RowProblem("column '" + header.name(layout.instruction) + "' is empty");
                    const std::string input = field(rec, layout.input, header);
                    if (!input.empty()) row.prompt += "\n\n" + input;
                    row.completion = field(rec, layout.output, header);
                    completion_name = layout.output == kNone ? "output" : header.name(layout.output);
                    break;
                }
                default:
                    row.prompt = field(rec, layout.prompt, header);
                    row.completion = field(rec, layout.completion, header);
                    completion_name = layout.completion == kNone ? "completion" : header.name(layout.completion);
                    break;
            }
            try {
                complete_and_check_row(row, completion_name);
            } catch (const RowProblem& p) {
                // Same check as for JSON, worded for columns.
                std::string why = p.what();
                if (why.rfind("field '", 0) == 0) why = "column '" + why.substr(7);
                throw RowProblem(why);
            }
            out.rows.push_back(std::move(row));
        } catch (const RowProblem& p) {
            problems.skip(rec.line, p.what());
        }
    }
}

}  // namespace qt::detail
