#include "generate/generator.h"

#include <chrono>
#include <stdexcept>

#include "model/llama_model.h"
#include "tokenizer/tokenizer.h"

namespace qt {

GenerationStats generate(LlamaModel& model, const Tokenizer& tokenizer, const std::vector<int32_t>& prompt,
                         const SamplingParams& params, const TokenCallback& on_token) {
    if (prompt.empty()) throw std::invalid_argument("the prompt is empty");
    Sampler sampler(params);
    const int n_ctx = static_cast<int>(prompt.size()) + params.max_new_tokens;
    if (n_ctx > model.config().context_length)
        throw std::invalid_argument("prompt (" + std::to_string(prompt.size()) + " tokens) plus " +
                                    std::to_string(params.max_new_tokens) + " new tokens exceed the model's context of " +
                                    std::to_string(model.config().context_length));
    KvCache cache = model.make_cache(n_ctx);
    GenerationStats stats;
    stats.prompt_tokens = static_cast<int>(prompt.size());
    using clock = std::chrono::steady_clock;
    std::vector<float> logits;

    auto t0 = clock::now();
    model.forward(prompt, cache, logits, false);
    stats.prefill_seconds = std::chrono::duration<double>(clock::now() - t0).count();

    t0 = clock::now();
    for (int k = 0; k < params.max_new_tokens; ++k) {
        const int32_t next = sampler.sample(logits);
        ++stats.generated_tokens;
        if (!params.ignore_end_of_generation && tokenizer.is_end_of_generation(next)) {
            stats.stopped_at_end_of_generation = true;
            break;
        }
        if (on_token && !on_token(next, tokenizer.token_to_piece(next))) break;
        if (k + 1 == params.max_new_tokens) break;
        model.forward(std::span<const int32_t>(&next, 1), cache, logits, false);
    }
    stats.decode_seconds = std::chrono::duration<double>(clock::now() - t0).count();
    return stats;
}

std::string Utf8Assembler::push(const std::string& bytes) {
    pending_ += bytes;
    // Find where the last complete character ends.
    size_t end = pending_.size();
    size_t i = pending_.size();
    int back = 0;
    while (i > 0 && back < 4) {
        const auto c = static_cast<unsigned char>(pending_[i - 1]);
        if ((c & 0xC0) != 0x80) {  // a lead byte (or ASCII)
            const size_t need = c < 0x80 ? 1 : (c >> 5) == 0x6 ? 2 : (c >> 4) == 0xE ? 3 : (c >> 3) == 0x1E ? 4 : 1;
            if (pending_.size() - (i - 1) < need) end = i - 1;
            break;
        }
        --i;
        ++back;
    }
    std::string out = pending_.substr(0, end);
    pending_.erase(0, end);
    return out;
}

std::string Utf8Assembler::flush() {
    std::string out;
    out.swap(pending_);
    return out;
}

}  // namespace qt
