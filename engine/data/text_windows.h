#pragma once
// Plain text -> fixed-length token windows. The paragraphs are tokenized one by
// one (without BOS/EOS; a window starts anywhere in the text) and their tokens
// joined; window k covers tokens [k*stride, k*stride + length), the last one
// whatever remains (at least 2 tokens). Every token after a window's first is a
// target, except tokens an earlier window already had as targets (overlapping
// strides), so that each token of the text is scored at most once. Without
// overlap (stride = length) a window's first token is context only: nothing in
// the window predicts it, so one token in `length` is never a target.
#include <vector>

#include "data/dataset.h"

namespace qt {

// Throws DatasetError (naming `file`) for a length below 2 or a stride of 0 after
// defaulting, or above the length (which would skip text).
std::vector<Example> make_text_windows(const std::vector<DatasetRow>& paragraphs, const Tokenizer& tokenizer,
                                       const TextWindowOptions& options, const std::string& file);

}  // namespace qt
