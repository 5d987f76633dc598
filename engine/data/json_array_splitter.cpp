#include "data/json_array_splitter.h"

namespace qt {
namespace {

bool is_json_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

}  // namespace

JsonArraySplit split_json_array(std::string_view text) {
    JsonArraySplit out;
    size_t pos = 0;
    size_t line = 1;
    const size_t n = text.size();
    auto skip_space = [&] {
        while (pos < n && is_json_space(text[pos])) {
            if (text[pos] == '\n') ++line;
            ++pos;
        }
    };
    auto fail = [&](std::string why) {
        out.error = std::move(why);
        out.error_line = line;
        return out;
    };

    skip_space();
    if (pos >= n || text[pos] != '[') return fail("expected '[' to start a JSON array");
    ++pos;
    skip_space();
    if (pos < n && text[pos] == ']') return out;

    for (;;) {
        skip_space();
        if (pos >= n) return fail("the array is not closed with ']'");
        JsonElementSpan span;
        span.begin = pos;
        span.line = line;
        int depth = 0;
        // Scan one value: up to the ',' or ']' at depth 0 that follows it.
        while (pos < n) {
            const char c = text[pos];
            if (c == '"') {
                const size_t string_line = line;
                ++pos;
                while (pos < n && text[pos] != '"') {
                    if (text[pos] == '\\')
                        ++pos;  // the escaped character cannot end the string
                    else if (text[pos] == '\n')
                        ++line;
                    ++pos;
                }
                if (pos >= n) {
                    line = string_line;
                    return fail("a string is never closed");
                }
                ++pos;
                continue;
            }
            if (c == '{' || c == '[') {
                ++depth;
            } else if (c == '}' || c == ']') {
                if (depth == 0) break;  // the closing ']' of the array
                --depth;
            } else if (c == ',' && depth == 0) {
                break;
            } else if (c == '\n') {
                ++line;
            }
            ++pos;
        }
        if (pos >= n) return fail("the array is not closed with ']'");
        span.end = pos;
        while (span.end > span.begin && is_json_space(text[span.end - 1])) --span.end;
        if (span.end == span.begin) return fail("empty element (two commas in a row, or a trailing comma)");
        out.elements.push_back(span);
        if (text[pos] == ']') {
            ++pos;
            skip_space();
            if (pos < n) return fail("text after the closing ']' of the array");
            return out;
        }
        if (text[pos] != ',') return fail(std::string("unexpected '") + text[pos] + "' between elements");
        ++pos;
    }
}

}  // namespace qt
