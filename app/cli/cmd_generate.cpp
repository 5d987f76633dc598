// quanttune-cli generate MODEL --prompt TEXT ...
#include <cstdio>
#include <string>

#include "backend/backend_factory.h"
#include "cli/cli_args.h"
#include "cli/commands.h"
#include "generate/generator.h"
#include "model/loaded_model.h"

namespace qt::cli {

int run_generate(const std::vector<std::string>& argv) {
    Args args(argv, {"prompt", "max-tokens", "temperature", "top-k", "top-p", "seed", "threads", "device"}, {"chat", "quiet", "ignore-eos"});
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
    LoadedModel m = LoadedModel::open(path, *backend);
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
    std::fprintf(stderr, "model: %s on %s\n", path.c_str(), backend->name().c_str());
    std::fprintf(stderr, "prompt: %d tokens in %.3f s (%.1f tokens/s); generated: %d tokens, decode %.1f tokens/s%s\n",
                 s.prompt_tokens, s.prefill_seconds, s.prefill_tokens_per_second(), s.generated_tokens,
                 s.decode_tokens_per_second(), s.stopped_at_end_of_generation ? " (end of generation)" : "");
    return 0;
}

}  // namespace qt::cli
