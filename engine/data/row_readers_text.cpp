// Plain text: the file is cut into paragraphs (a paragraph with the blank lines
// after it), so that the tokenizer works on bounded pieces and every token can
// be traced to a line. Joined back together the pieces are the file itself.
#include <algorithm>

#include "data/row_readers.h"
#include "data/utf8_check.h"

namespace qt::detail {

void read_plain_text_rows(std::string_view text, const RowReadOptions& options, RowProblemLog& problems, RowFile& out) {
    out.schema = RowSchema::Text;
    size_t pos = 0;
    size_t line = 1;
    DatasetRow piece;
    piece.line = 1;
    bool previous_blank = false;
    auto flush = [&] {
        if (piece.text.empty()) return;
        if (const auto bad = first_invalid_utf8(piece.text)) {
            const size_t bad_line =
                piece.line + static_cast<size_t>(std::count(piece.text.begin(), piece.text.begin() + *bad, '\n'));
            problems.skip(bad_line, "not valid UTF-8 (the paragraph starting on line " + std::to_string(piece.line) +
                                        " is skipped)");
        } else {
            out.rows.push_back(piece);
        }
        piece.text.clear();
    };
    while (pos < text.size()) {
        if (options.max_rows && out.rows_read >= options.max_rows) break;
        size_t end = text.find('\n', pos);
        end = end == std::string_view::npos ? text.size() : end + 1;
        const std::string_view this_line = text.substr(pos, end - pos);
        const bool blank = this_line.find_first_not_of(" \t\r\n") == std::string_view::npos;
        // A non-blank line after blank ones starts a new paragraph.
        if (!blank && previous_blank) {
            flush();
            piece.line = line;
        }
        piece.text.append(this_line);
        previous_blank = blank;
        ++out.rows_read;
        ++line;
        pos = end;
    }
    flush();
}

}  // namespace qt::detail
