#pragma once
// Where a command's MODEL argument leads: a .gguf file as it is, or a Hugging Face
// folder converted (once, into the cache) at the type --quantize-to names.
#include <string>

#include "cli/cli_args.h"

namespace qt::cli {

// The --quantize-to option every command that opens a model declares.
OptionSpec quantize_to_option();

// The GGUF path to open for `path` (see engine/hf/hf_import.h's open_model_path);
// a conversion prints one line to stderr. Throws UsageError for an unknown type.
std::string resolve_model_path(const std::string& path, const Args& args);

}  // namespace qt::cli
