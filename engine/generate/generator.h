#pragma once
// Text generation with a KV cache: prefill the prompt in one pass, then decode
// one token at a time, streaming each token's bytes to a callback.
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "generate/sampler.h"

namespace qt {

class LlamaModel;
class Tokenizer;

struct GenerationStats {
    int prompt_tokens = 0;
    int generated_tokens = 0;
    double prefill_seconds = 0;
    double decode_seconds = 0;
    bool stopped_at_end_of_generation = false;
    double prefill_tokens_per_second() const { return prefill_seconds > 0 ? prompt_tokens / prefill_seconds : 0; }
    // The first token comes from prefill's logits: decode speed counts the forwards after it.
    double decode_tokens_per_second() const {
        return decode_seconds > 0 && generated_tokens > 1 ? (generated_tokens - 1) / decode_seconds : 0;
    }
};

// Receives each new token id and its bytes (a piece may end inside a UTF-8 character);
// returning false stops generation.
using TokenCallback = std::function<bool(int32_t id, const std::string& piece)>;

GenerationStats generate(LlamaModel& model, const Tokenizer& tokenizer, const std::vector<int32_t>& prompt,
                         const SamplingParams& params, const TokenCallback& on_token);

// Holds back the bytes of a UTF-8 character split across tokens until it is whole,
// so that a display never shows half a character.
class Utf8Assembler {
public:
    std::string push(const std::string& bytes);  // returns the complete characters so far
    std::string flush();                         // whatever is left
private:
    std::string pending_;
};

}  // namespace qt
