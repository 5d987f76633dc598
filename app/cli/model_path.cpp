#include "cli/model_path.h"

#include <cstdio>
#include <stdexcept>

#include "hf/hf_import.h"

namespace qt::cli {

OptionSpec quantize_to_option() {
    return {"quantize-to", "f32|f16|q8_0|q4_0|q4_1",
            "when MODEL is a Hugging Face folder, the type its weights are quantized to at load, once, into the "
            "cache (default q8_0: the closest to the checkpoint of the types QZO trains)"};
}

std::string resolve_model_path(const std::string& path, const Args& args) {
    if (!is_hf_folder(path)) {
        if (args.has("quantize-to"))
            throw UsageError("--quantize-to applies to a Hugging Face folder; " + path + " is not one");
        return path;
    }
    HfImportOptions o;
    o.type = args.parsed("quantize-to", "q8_0", parse_hf_import_type);
    std::fprintf(stderr, "Hugging Face folder %s: converting to GGUF (%s) if not cached...\n", path.c_str(),
                 std::string(ggml_type_name(o.type)).c_str());
    const std::string gguf = open_model_path(path, o);
    std::fprintf(stderr, "model: %s\n", gguf.c_str());
    return gguf;
}

}  // namespace qt::cli
