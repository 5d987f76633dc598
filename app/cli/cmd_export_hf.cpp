// quanttune-cli export-hf MODEL.gguf --out DIR [--dtype bf16|f16|f32]
#include <cstdio>
#include <stdexcept>
#include <string>

#include "cli/cli_args.h"
#include "cli/commands.h"
#include "hf/hf_export.h"

namespace qt::cli {

const CommandSpec& export_hf_spec() {
    static const CommandSpec spec{
        "export-hf", "MODEL.gguf --out DIR [--dtype bf16|f16|f32]",
        "Write a LLaMA-architecture GGUF model (e.g. a trained run's model-qzo.gguf) as a Hugging Face folder for "
        "transformers or vLLM: weights dequantized into model.safetensors, config.json, generation_config.json, "
        "tokenizer.json and tokenizer_config.json (chat template included).",
        {
            {"out", "DIR", "the folder to create (required; must not exist or be empty; appears only when complete)"},
            {"dtype", "bf16|f16|f32", "the weights' type in model.safetensors (default bf16; f32 keeps the "
                                      "dequantized values exactly)"},
        }};
    return spec;
}

int run_export_hf(const Args& args) {
    if (args.positionals().size() != 1) throw UsageError("export-hf takes exactly one MODEL.gguf");
    if (!args.has("out")) throw UsageError("export-hf needs --out DIR (the folder to write)");
    HfExportOptions o;
    o.dtype = args.parsed("dtype", "bf16", parse_hf_export_dtype);
    const std::string out = args.str("out", "");
    const HfExportSummary s = export_hf_folder(args.positionals()[0], out, o);
    std::printf("wrote %s: %d tensors (%s, %.1f MiB) in %d safetensors file%s, config, tokenizer\n", out.c_str(),
                s.tensors, std::string(safetensors_dtype_name(o.dtype)).c_str(),
                static_cast<double>(s.weight_bytes) / (1 << 20), s.shards, s.shards == 1 ? "" : "s");
    return 0;
}

}  // namespace qt::cli
