#pragma once
// The per-format readers behind read_dataset_rows (internal to engine/data).
// Each appends the rows of `text` (the file's content without a byte-order
// mark) to `out`, counting out.rows_read and honouring options.max_rows.
#include <string_view>

#include "data/dataset_rows.h"

namespace qt::detail {

void read_jsonl_rows(std::string_view text, const RowReadOptions& options, RowProblemLog& problems, RowFile& out);
void read_json_array_rows(std::string_view text, const RowReadOptions& options, RowProblemLog& problems, RowFile& out);
void read_csv_rows(std::string_view text, char delimiter, const RowReadOptions& options, RowProblemLog& problems,
                   RowFile& out);
void read_plain_text_rows(std::string_view text, const RowReadOptions& options, RowProblemLog& problems, RowFile& out);

// Shared by the JSON and CSV readers: fills the completion from the label where
// the schema wants one and there is none, and checks the fields every row of
// the schema needs. Throws RowProblem.
void complete_and_check_row(DatasetRow& row, const std::string& completion_name);

}  // namespace qt::detail
