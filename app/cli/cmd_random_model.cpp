// quanttune-cli random-model --out FILE [--layers N] [--dim D] [--ffn F] [--heads H]
//   [--kv-heads K] [--vocab V] [--type Q4_0|Q4_1|Q8_0|Q4_K|Q6_K] [--seed S]
// A LLaMA model of any shape with random weights and a small byte-level tokenizer
// (at most 933 tokens), written by the engine itself: for trying training and the
// GPU without a model download, and for device runs that cannot carry a real model.
#include <cstdio>
#include <string>

#include "cli/cli_args.h"
#include "cli/commands.h"
#include "gguf/random_llama_gguf.h"
#include "quant/ggml_type.h"

namespace qt::cli {

const CommandSpec& random_model_spec() {
    static const CommandSpec spec{
        "random-model", "--out FILE [options]",
        "Write a LLaMA model of any shape with random weights, to train or benchmark without a download.",
        {
            {"out", "FILE", "the GGUF file to write (required)"},
            {"layers", "N", "transformer layers (default 30)"},
            {"dim", "D", "model width, at least 32 and divisible by --heads (default 576)"},
            {"ffn", "F", "feed-forward width (default 1536)"},
            {"heads", "H", "attention heads, divisible by --kv-heads (default 9)"},
            {"kv-heads", "K", "key/value heads (default 3)"},
            {"vocab", "V", "vocabulary size of the byte-level tokenizer, 257 to 933 (default 900)"},
            {"context", "N", "context length in tokens (default 2048)"},
            {"type", "TYPE", "linear weights' type: Q4_0, Q4_1, Q5_0, Q5_1, Q8_0, Q4_K, Q5_K, Q6_K or F16; K-quants "
                            "need --dim and --ffn multiples of 256 (default Q4_0)"},
            {"seed", "S", "seed of the random weights (default 1)"},
        }};
    return spec;
}

int run_random_model(const Args& args) {
    if (!args.has("out")) throw UsageError("random-model needs --out FILE");
    RandomLlamaSpec spec;
    spec.n_layers = static_cast<int>(args.integer("layers", 30));
    spec.dim = static_cast<int>(args.integer("dim", 576));
    spec.ffn_dim = static_cast<int>(args.integer("ffn", 1536));
    spec.n_heads = static_cast<int>(args.integer("heads", 9));
    spec.n_kv_heads = static_cast<int>(args.integer("kv-heads", 3));
    spec.vocab_size = static_cast<int>(args.integer("vocab", 900));
    spec.context_length = static_cast<int>(args.integer("context", 2048));
    spec.seed = static_cast<uint64_t>(args.integer("seed", 1));
    const std::string type = args.str("type", "Q4_0");
    bool known = false;
    for (GgmlType t : {GgmlType::Q4_0, GgmlType::Q4_1, GgmlType::Q5_0, GgmlType::Q5_1, GgmlType::Q8_0, GgmlType::Q4_K,
                       GgmlType::Q5_K, GgmlType::Q6_K, GgmlType::F16})
        if (ggml_type_name(t) == type) {
            spec.weight_type = t;
            known = true;
        }
    if (!known) throw UsageError("random-model: unknown --type \"" + type + "\" (Q4_0, Q4_1, Q5_0, Q5_1, Q8_0, Q4_K, Q5_K, Q6_K, F16)");
    if (spec.n_layers < 1 || spec.dim < 32 || spec.n_heads < 1 || spec.n_kv_heads < 1 || spec.dim % spec.n_heads != 0 ||
        spec.n_heads % spec.n_kv_heads != 0)
        throw UsageError("random-model: need layers >= 1, dim >= 32 divisible by heads, heads divisible by kv-heads");
    const std::string out = args.str("out", "");
    write_random_llama_gguf(out, spec);
    std::printf("%s: %d layers, dim %d, ffn %d, heads %d/%d, vocab %d, %s weights\n", out.c_str(), spec.n_layers,
                spec.dim, spec.ffn_dim, spec.n_heads, spec.n_kv_heads, spec.vocab_size, type.c_str());
    return 0;
}

}  // namespace qt::cli
