#include "hf/hf_config.h"

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>

#include <nlohmann/json.hpp>

#include "gguf/gguf_writer.h"
#include "model/llama_config.h"
#include "util/model_file_error.h"

namespace qt {
namespace {

using nlohmann::json;

[[noreturn]] void fail(const std::string& path, const std::string& key, const std::string& problem) {
    throw ModelFileError(path + ": key \"" + key + "\": " + problem);
}

const json* find(const json& j, const char* key) {
    auto it = j.find(key);
    return it == j.end() || it->is_null() ? nullptr : &*it;
}

int positive_int(const std::string& path, const json& j, const char* key, int64_t limit, int fallback = 0) {
    const json* v = find(j, key);
    if (!v) {
        if (fallback > 0) return fallback;
        fail(path, key, "missing (a positive integer is expected)");
    }
    if (!v->is_number_integer()) fail(path, key, "expected an integer, found " + v->dump());
    const int64_t x = v->get<int64_t>();
    if (x <= 0 || x > limit)
        fail(path, key, "value " + std::to_string(x) + " outside [1, " + std::to_string(limit) + "]");
    return static_cast<int>(x);
}

double positive_real(const std::string& path, const json& j, const char* key, double fallback) {
    const json* v = find(j, key);
    if (!v) return fallback;
    if (!v->is_number()) fail(path, key, "expected a number, found " + v->dump());
    const double x = v->get<double>();
    if (!(x > 0) || !std::isfinite(x)) fail(path, key, "value " + v->dump() + " must be positive and finite");
    return x;
}

int token_id(const std::string& path, const json& j, const char* key) {
    const json* v = find(j, key);
    if (!v) return -1;
    if (v->is_array()) {  // Llama 3 lists several end tokens; the first is the main one
        if (v->empty()) return -1;
        v = &(*v)[0];
    }
    if (!v->is_number_integer() || v->get<int64_t>() < 0 || v->get<int64_t>() > (1 << 30))
        fail(path, key, "expected a token id, found " + v->dump());
    return v->get<int>();
}

// A float32 value as the shortest decimal that reads back to it (1e-05, not the
// 9.999999747378752e-06 its double shows), so config.json says what was meant.
double shortest_decimal(float x) {
    char text[32];
    for (int digits = 1; digits <= 9; ++digits) {
        std::snprintf(text, sizeof text, "%.*g", digits, static_cast<double>(x));
        if (std::strtof(text, nullptr) == x) break;
    }
    return std::strtod(text, nullptr);
}

}  // namespace

const char* hf_supported_model_types() { return "llama, mistral"; }

HfConfig HfConfig::read(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) throw ModelFileError(path + ": cannot open (a Hugging Face folder needs config.json)");
    std::ostringstream text;
    text << in.rdbuf();
    return parse(path, text.str());
}

HfConfig HfConfig::parse(const std::string& path, const std::string& text) {
    json j;
    try {
        j = json::parse(text);
    } catch (const json::exception& e) {
        throw ModelFileError(path + ": not valid JSON (" + e.what() + ")");
    }
    if (!j.is_object()) throw ModelFileError(path + ": expected a JSON object at the top level");
    HfConfig c;
    c.path = path;
    const json* type = find(j, "model_type");
    if (!type || !type->is_string()) fail(path, "model_type", "missing or not a string");
    c.model_type = type->get<std::string>();
    if (c.model_type != "llama" && c.model_type != "mistral")
        fail(path, "model_type",
             "\"" + c.model_type + "\" is not supported (QuantTune converts " + hf_supported_model_types() + ")");
    if (const json* act = find(j, "hidden_act"); act && *act != "silu")
        fail(path, "hidden_act", act->dump() + " is not supported (only \"silu\")");
    for (const char* bias : {"attention_bias", "mlp_bias"})
        if (const json* b = find(j, bias); b && *b != false) fail(path, bias, "biases are not supported");
    c.n_layers = positive_int(path, j, "num_hidden_layers", 1024);
    c.dim = positive_int(path, j, "hidden_size", 1 << 16);
    c.ffn_dim = positive_int(path, j, "intermediate_size", 1 << 18);
    c.n_heads = positive_int(path, j, "num_attention_heads", 1024);
    c.n_kv_heads = positive_int(path, j, "num_key_value_heads", 1024, c.n_heads);
    if (c.n_heads % c.n_kv_heads != 0)
        fail(path, "num_key_value_heads",
             std::to_string(c.n_kv_heads) + " does not divide num_attention_heads " + std::to_string(c.n_heads));
    if (!find(j, "head_dim") && c.dim % c.n_heads != 0)
        fail(path, "hidden_size", std::to_string(c.dim) + " is not a multiple of num_attention_heads " +
                                      std::to_string(c.n_heads) + " (and no head_dim is given)");
    c.head_dim = positive_int(path, j, "head_dim", 1 << 12, c.dim / c.n_heads);
    if (c.head_dim % 2 != 0) fail(path, "head_dim", "value " + std::to_string(c.head_dim) + " is odd");
    c.vocab_size = positive_int(path, j, "vocab_size", 1 << 22);
    c.context_length = positive_int(path, j, "max_position_embeddings", 1 << 22);
    c.rms_eps = positive_real(path, j, "rms_norm_eps", 1e-6);
    if (c.rms_eps >= 1) fail(path, "rms_norm_eps", "must be below 1");
    // transformers 5 writes rope_parameters {rope_theta, rope_type}; 4.x wrote rope_theta
    // and rope_scaling at the top level.
    c.rope_theta = positive_real(path, j, "rope_theta", 10000.0);
    const json* scaling = find(j, "rope_scaling");
    const char* scaling_key = "rope_scaling";
    if (const json* params = find(j, "rope_parameters")) {
        if (!params->is_object()) fail(path, "rope_parameters", "expected an object");
        c.rope_theta = positive_real(path, *params, "rope_theta", c.rope_theta);
        scaling = params;
        scaling_key = "rope_parameters";
    }
    if (scaling) {
        const json* kind = scaling->is_object() ? find(*scaling, "rope_type") : nullptr;
        if (!kind && scaling->is_object()) kind = find(*scaling, "type");
        if (!kind || *kind != "default")
            fail(path, scaling_key,
                 "rope scaling " + (kind ? kind->dump() : scaling->dump()) + " is not supported (only \"default\")");
    }
    if (const json* tie = find(j, "tie_word_embeddings")) {
        if (!tie->is_boolean()) fail(path, "tie_word_embeddings", "expected true or false");
        c.tie_word_embeddings = tie->get<bool>();
    }
    if (const json* window = find(j, "sliding_window"); window && c.model_type == "mistral" &&
                                                         window->is_number_integer() &&
                                                         window->get<int64_t>() < c.context_length)
        fail(path, "sliding_window", "sliding-window attention (" + window->dump() + ") is not supported");
    c.bos_token_id = token_id(path, j, "bos_token_id");
    c.eos_token_id = token_id(path, j, "eos_token_id");
    return c;
}

void HfConfig::write_gguf_metadata(GgufWriter& out) const {
    // Mistral's checkpoints are the LLaMA graph; llama.cpp writes them as "llama" too.
    out.set_string("general.architecture", "llama");
    out.set_u32("llama.block_count", static_cast<uint32_t>(n_layers));
    out.set_u32("llama.context_length", static_cast<uint32_t>(context_length));
    out.set_u32("llama.embedding_length", static_cast<uint32_t>(dim));
    out.set_u32("llama.feed_forward_length", static_cast<uint32_t>(ffn_dim));
    out.set_u32("llama.attention.head_count", static_cast<uint32_t>(n_heads));
    out.set_u32("llama.attention.head_count_kv", static_cast<uint32_t>(n_kv_heads));
    out.set_f32("llama.rope.freq_base", static_cast<float>(rope_theta));
    out.set_f32("llama.attention.layer_norm_rms_epsilon", static_cast<float>(rms_eps));
    out.set_u32("llama.rope.dimension_count", static_cast<uint32_t>(head_dim));
    out.set_u32("llama.vocab_size", static_cast<uint32_t>(vocab_size));
    if (head_dim * n_heads != dim) {
        out.set_u32("llama.attention.key_length", static_cast<uint32_t>(head_dim));
        out.set_u32("llama.attention.value_length", static_cast<uint32_t>(head_dim));
    }
}

HfConfig HfConfig::from_llama(const LlamaConfig& l) {
    HfConfig c;
    c.model_type = "llama";
    c.n_layers = l.n_layers;
    c.dim = l.dim;
    c.ffn_dim = l.ffn_dim;
    c.n_heads = l.n_heads;
    c.n_kv_heads = l.n_kv_heads;
    c.head_dim = l.head_dim;
    c.vocab_size = l.vocab_size;
    c.context_length = l.context_length;
    c.rope_theta = shortest_decimal(l.rope_freq_base);
    c.rms_eps = shortest_decimal(l.rms_eps);
    c.tie_word_embeddings = l.tied_output;
    return c;
}

std::string HfConfig::to_json(const std::string& torch_dtype) const {
    json j = {
        {"architectures", {"LlamaForCausalLM"}},
        {"model_type", model_type},
        {"hidden_act", "silu"},
        {"attention_bias", false},
        {"mlp_bias", false},
        {"attention_dropout", 0.0},
        {"initializer_range", 0.02},
        {"pretraining_tp", 1},
        {"use_cache", true},
        {"hidden_size", dim},
        {"intermediate_size", ffn_dim},
        {"num_hidden_layers", n_layers},
        {"num_attention_heads", n_heads},
        {"num_key_value_heads", n_kv_heads},
        {"head_dim", head_dim},
        {"vocab_size", vocab_size},
        {"max_position_embeddings", context_length},
        {"rms_norm_eps", rms_eps},
        {"rope_theta", rope_theta},
        {"rope_scaling", nullptr},
        {"rope_parameters", {{"rope_theta", rope_theta}, {"rope_type", "default"}}},
        {"tie_word_embeddings", tie_word_embeddings},
        {"torch_dtype", torch_dtype},  // transformers 4.x
        {"dtype", torch_dtype},        // transformers 5.x
    };
    if (bos_token_id >= 0) j["bos_token_id"] = bos_token_id;
    if (eos_token_id >= 0) j["eos_token_id"] = eos_token_id;
    return j.dump(2) + "\n";
}

}  // namespace qt
