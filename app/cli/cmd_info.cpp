// quanttune-cli info MODEL
#include <cstdio>
#include <map>
#include <string>

#include "cli/cli_args.h"
#include "cli/commands.h"
#include "cli/model_path.h"
#include "gguf/gguf_file.h"
#include "model/llama_config.h"

namespace qt::cli {
namespace {

// Which part of the network a tensor belongs to, from its GGUF name.
std::string tensor_kind(const std::string& name) {
    if (name == "token_embd.weight") return "embedding";
    if (name == "output.weight") return "output head";
    if (name.find("norm") != std::string::npos) return "norms";
    if (name.find("attn_") != std::string::npos) return "attention";
    if (name.find("ffn_") != std::string::npos) return "feed-forward";
    return "other";
}

std::string human_bytes(double b) {
    const char* units[] = {"B", "KiB", "MiB", "GiB", "TiB"};
    int u = 0;
    while (b >= 1024 && u < 4) {
        b /= 1024;
        ++u;
    }
    char buf[32];
    std::snprintf(buf, sizeof buf, u ? "%.2f %s" : "%.0f %s", b, units[u]);
    return buf;
}

}  // namespace

const CommandSpec& info_spec() {
    static const CommandSpec spec{
        "info", "MODEL",
        "Print a GGUF model's architecture, tokenizer, parameters, tensor types and bytes by kind.",
        {quantize_to_option()}};
    return spec;
}

int run_info(const Args& args) {
    if (args.positionals().size() != 1) throw UsageError("info takes exactly one MODEL file");
    auto f = GgufFile::open(resolve_model_path(args.positionals()[0], args));
    // Validate the model before printing anything: a failure is then the only line.
    const LlamaConfig c = LlamaConfig::from_gguf(*f);
    const std::string name = f->get_string("general.name", "(none)");
    const std::string tokenizer = f->get_string("tokenizer.ggml.model", "(none)");
    const std::string pre = f->get_string("tokenizer.ggml.pre", "default");
    std::printf("file:          %s (%s, GGUF v%u)\n", f->path().c_str(), human_bytes(static_cast<double>(f->file_size())).c_str(),
                f->version());
    std::printf("name:          %s\n", name.c_str());
    std::printf("architecture:  %s, %d layers, width %d, feed-forward %d, %d heads (%d key/value), head dim %d\n",
                c.architecture.c_str(), c.n_layers, c.dim, c.ffn_dim, c.n_heads, c.n_kv_heads, c.head_dim);
    std::printf("context:       %d tokens, RoPE base %g, RMS eps %g, vocabulary %d, output head %s\n",
                c.context_length, c.rope_freq_base, c.rms_eps, c.vocab_size,
                c.tied_output ? "tied to the embedding" : "separate");
    std::printf("tokenizer:     %s (pre-tokenizer %s)\n", tokenizer.c_str(), pre.c_str());

    int64_t params = 0;
    std::map<std::string, std::pair<int, uint64_t>> by_type;          // type -> tensors, bytes
    std::map<std::string, std::pair<int64_t, uint64_t>> by_kind;      // kind -> params, bytes
    for (const auto& t : f->tensors()) {
        params += t.num_elements();
        auto& ty = by_type[std::string(ggml_type_name(t.type))];
        ++ty.first;
        ty.second += t.nbytes;
        auto& k = by_kind[tensor_kind(t.name)];
        k.first += t.num_elements();
        k.second += t.nbytes;
    }
    std::printf("parameters:    %lld (%.1f M) in %zu tensors\n", static_cast<long long>(params), params / 1e6,
                f->tensors().size());
    std::printf("tensor types:\n");
    for (const auto& [type, v] : by_type)
        std::printf("  %-6s %4d tensors  %12s\n", type.c_str(), v.first, human_bytes(static_cast<double>(v.second)).c_str());
    std::printf("bytes by kind:\n");
    for (const auto& [kind, v] : by_kind)
        std::printf("  %-13s %11lld params  %12s\n", kind.c_str(), static_cast<long long>(v.first),
                    human_bytes(static_cast<double>(v.second)).c_str());
    return 0;
}

}  // namespace qt::cli
