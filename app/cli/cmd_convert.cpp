// quanttune-cli convert FOLDER --to TYPE --out MODEL.gguf
#include <cstdio>
#include <stdexcept>
#include <string>

#include "cli/cli_args.h"
#include "cli/commands.h"
#include "hf/hf_import.h"

namespace qt::cli {

const CommandSpec& convert_spec() {
    static const CommandSpec spec{
        "convert", "FOLDER --out MODEL.gguf [--to TYPE]",
        "Convert a Hugging Face folder (config.json, model.safetensors or shards, tokenizer.json) of a LLaMA or "
        "Mistral model into a GGUF file, quantized, so that it is converted once.",
        {
            {"out", "FILE", "the GGUF file to write (required; written atomically)"},
            {"to", "f32|f16|q8_0|q4_0|q4_1", "the type of the 2-D weights; norms stay f32 (default q8_0)"},
        }};
    return spec;
}

int run_convert(const Args& args) {
    if (args.positionals().size() != 1) throw UsageError("convert takes exactly one FOLDER");
    if (!args.has("out")) throw UsageError("convert needs --out FILE (the GGUF to write)");
    const std::string folder = args.positionals()[0];
    if (!is_hf_folder(folder)) throw UsageError(folder + " is not a Hugging Face folder (no config.json in it)");
    HfImportOptions o;
    o.type = args.parsed("to", "q8_0", parse_hf_import_type);
    const std::string out = args.str("out", "");
    convert_hf_folder(folder, out, o);
    std::printf("wrote %s (%s)\n", out.c_str(), std::string(ggml_type_name(o.type)).c_str());
    return 0;
}

}  // namespace qt::cli
