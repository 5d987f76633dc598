// quanttune-cli generate MODEL --prompt TEXT ...
#include <cstdio>
#include <string>

#include "backend/backend_factory.h"
#include "cli/cli_args.h"
#include "cli/commands.h"
#include "cli/model_path.h"
#include "generate/generator.h"
#include "model/loaded_model.h"
#include "methods/sparse_zo.h"
#include "train/lora_gguf_import.h"

namespace qt::cli {

const CommandSpec& generate_spec() {
    static const CommandSpec spec{
        "generate", "[MODEL] --prompt TEXT [options]",
        "Generate text from a prompt and print tokens/s (MODEL: $QUANTTUNE_MODEL, else setup's SmolLM2).",
        {
            {"prompt", "TEXT", "the prompt (required)"},
            {"chat", nullptr, "send the prompt through the model's chat template as one user turn"},
            {"max-tokens", "N", "most tokens to generate (default 128)"},
            {"temperature", "T", "sampling temperature; 0 always picks the most likely token (default 0)"},
            {"top-k", "K", "sample among the K most likely tokens only; 0: no limit (default 0)"},
            {"top-p", "P", "sample among the most likely tokens whose probabilities add up to P, in (0, 1] (default 1)"},
            {"seed", "S", "seed of the sampler: the same seed repeats the same text (default 0)"},
            {"threads", "N", "CPU threads, 0 to 1024; 0: all cores (default 0)"},
            {"device", "auto|cpu|cuda|cuda:N", "where to run; auto takes the first GPU, else the CPU (default auto)"},
            {"ignore-eos", nullptr, "go on past the end-of-generation token, up to --max-tokens"},
            {"lora", "FILE", "apply a LoRA adapter GGUF to the model (a QLoRA run's model-qlora.lora.gguf, or any adapter "
                             "llama.cpp loads for this model)"},
            quantize_to_option(),
            {"quiet", nullptr, "print only the speed report, not the generated text"},
            {"sparse", "FILE", "add a sparse-ZO run's trained values (its model-sparse-zo.sparse.qtsparse side file) to "
                               "the model they were trained on"},
        }};
    return spec;
}

int run_generate(const Args& args) {
    if (args.positionals().size() > 1) throw UsageError("generate takes one MODEL file");
    if (!args.has("prompt")) throw UsageError("generate needs --prompt TEXT");
    const std::string path = args.positionals().empty() ? default_model_path() : args.positionals()[0];

    SamplingParams sp;
    sp.max_new_tokens = static_cast<int>(args.integer("max-tokens", 128));
    sp.temperature = static_cast<float>(args.number("temperature", 0.0));
    sp.top_k = static_cast<int>(args.integer("top-k", 0));
    sp.top_p = static_cast<float>(args.number("top-p", 1.0));
    sp.seed = static_cast<uint64_t>(args.integer("seed", 0));
    sp.ignore_end_of_generation = args.flag("ignore-eos");
    validate(sp);
    const long long threads = args.integer("threads", 0);
    if (threads < 0 || threads > 1024) throw UsageError("--threads must be between 0 (all cores) and 1024");

    // --device auto|cpu|cuda|cuda:N (default auto: the first GPU, else the CPU).
    BackendChoice choice = make_backend(args.str("device", "auto"), static_cast<int>(threads));
    std::fprintf(stderr, "device: %s\n", choice.message.c_str());
    auto& backend = choice.backend;
    LoadedModel m = LoadedModel::open(resolve_model_path(path, args), *backend);
    std::unique_ptr<LoraAdapters> lora;
    if (args.has("lora")) {
        lora = load_lora_gguf(args.str("lora", ""), *m.model);
        m.model->set_training_hooks(lora.get());
        std::fprintf(stderr, "adapter: %s, rank %d, alpha %g on %s\n", args.str("lora", "").c_str(),
                     lora->settings().rank, lora->settings().alpha, lora_targets_text(lora->settings().targets).c_str());
    }
    std::unique_ptr<SparseZo> sparse;
    if (args.has("sparse")) {
        if (lora) throw UsageError("generate takes --lora or --sparse, not both");
        sparse = attach_sparse_side_file(args.str("sparse", ""), *m.model);
        std::fprintf(stderr, "sparse values: %s, %lld entries\n", args.str("sparse", "").c_str(),
                     static_cast<long long>(sparse->entries()));
    }
    const auto prompt = m.encode_prompt(args.str("prompt", ""), args.flag("chat"));

    Utf8Assembler text;
    const bool quiet = args.flag("quiet");
    const GenerationStats s = generate(*m.model, *m.tokenizer, prompt, sp, [&](int32_t, const std::string& piece) {
        if (!quiet) {
            std::fputs(text.push(piece).c_str(), stdout);
            std::fflush(stdout);
        }
        return true;
    });
    if (!quiet) std::printf("%s\n", text.flush().c_str());
    m.model->set_training_hooks(nullptr);
    std::fprintf(stderr, "model: %s on %s\n", path.c_str(), backend->name().c_str());
    std::fprintf(stderr, "prompt: %d tokens in %.3f s (%.1f tokens/s); generated: %d tokens, decode %.1f tokens/s%s\n",
                 s.prompt_tokens, s.prefill_seconds, s.prefill_tokens_per_second(), s.generated_tokens,
                 s.decode_tokens_per_second(), s.stopped_at_end_of_generation ? " (end of generation)" : "");
    return 0;
}

}  // namespace qt::cli
