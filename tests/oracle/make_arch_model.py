"""A small random-weight GGUF of one architecture, written by gguf-py's GGUFWriter.

usage: make_arch_model.py ARCH OUT.gguf [f32|f16|q8_0|q4_0] [SEED]
ARCH is one of: llama-rope-freqs, mistral, qwen2, qwen3, gemma2, gemma3, phi3.
The weight matrices are stored in the type asked for (f32 default); norms, biases
and rope factors stay float32. The vocabulary is SentencePiece-style bytes (259
tokens: <unk>, <s>, </s>, <0x00>..<0xFF>; phi3 adds its 5 chat tokens) so that llama.cpp loads the file; the
tests feed token ids directly. Shapes are small but every feature of the family
is switched on, with a sliding window of 8 so that it matters on 20+ token prompts.
"""
import sys

import numpy as np
import gguf

# name -> (gguf architecture, hyperparameters, features)
SPECS = {
    # Llama 3.1-style: rope_freqs.weight frequency factors, GQA, untied head.
    "llama-rope-freqs": dict(arch="llama", layers=2, dim=64, ffn=128, heads=4, kv_heads=2, base=500000.0,
                             rope_freqs=True),
    # Mistral-style: head_dim from attention.key_length, q wider than the embedding.
    "mistral": dict(arch="llama", layers=2, dim=96, ffn=160, heads=4, kv_heads=2, head_dim=32, base=1000000.0),
    "qwen2": dict(arch="qwen2", layers=2, dim=64, ffn=128, heads=4, kv_heads=2, base=1000000.0, bias=True),
    "qwen3": dict(arch="qwen3", layers=2, dim=64, ffn=128, heads=4, kv_heads=2, head_dim=32, base=1000000.0,
                  qk_norm=True),
    "gemma2": dict(arch="gemma2", layers=4, dim=64, ffn=128, heads=4, kv_heads=2, head_dim=32, base=10000.0,
                   post_norms=True, window=8, attn_softcap=50.0, final_softcap=30.0, tied=True),
    "gemma3": dict(arch="gemma3", layers=6, dim=64, ffn=128, heads=4, kv_heads=2, head_dim=32, base=1000000.0,
                   post_norms=True, qk_norm=True, window=8, rope_scale=8.0, tied=True),
    "phi3": dict(arch="phi3", layers=2, dim=64, ffn=128, heads=4, kv_heads=4, base=10000.0, fused=True),
}


def main():
    name, out = sys.argv[1], sys.argv[2]
    wtype = sys.argv[3] if len(sys.argv) > 3 else "f32"
    seed = int(sys.argv[4]) if len(sys.argv) > 4 else 1
    s = SPECS[name]
    rng = np.random.default_rng(seed)
    arch, L, dim, ffn = s["arch"], s["layers"], s["dim"], s["ffn"]
    heads, kv_heads = s["heads"], s["kv_heads"]
    hd = s.get("head_dim", dim // heads)
    qw, kvw = heads * hd, kv_heads * hd

    w = gguf.GGUFWriter(out, arch)
    w.add_name(f"random {name}")
    w.add_block_count(L)
    w.add_context_length(512)
    w.add_embedding_length(dim)
    w.add_feed_forward_length(ffn)
    w.add_head_count(heads)
    w.add_head_count_kv(kv_heads)
    if "head_dim" in s:
        w.add_key_length(hd)
        w.add_value_length(hd)
    w.add_rope_dimension_count(hd)
    w.add_rope_freq_base(s["base"])
    w.add_layer_norm_rms_eps(1e-6)
    if "window" in s:
        w.add_sliding_window(s["window"])
    if "attn_softcap" in s:
        w.add_attn_logit_softcapping(s["attn_softcap"])
        w.add_final_logit_softcapping(s["final_softcap"])
    if "rope_scale" in s:
        w.add_rope_scaling_type(gguf.RopeScalingType.LINEAR)
        w.add_rope_scaling_factor(s["rope_scale"])
    w.add_tokenizer_model("llama")
    tokens = [b"<unk>", b"<s>", b"</s>"] + [f"<0x{i:02X}>".encode() for i in range(256)]
    types = [2, 3, 3] + [6] * 256
    if arch == "phi3":  # llama.cpp's vocabulary loader looks these up for phi3
        extra = [b"<|endoftext|>", b"<|assistant|>", b"<|end|>", b"<|user|>", b"<|system|>"]
        tokens += extra
        types += [3] * len(extra)
    vocab = len(tokens)
    w.add_token_list(tokens)
    w.add_token_scores([0.0] * vocab)
    w.add_token_types(types)
    w.add_bos_token_id(1)
    w.add_eos_token_id(2)
    w.add_add_bos_token(False)

    qtype = {"f32": gguf.GGMLQuantizationType.F32, "f16": gguf.GGMLQuantizationType.F16,
             "q8_0": gguf.GGMLQuantizationType.Q8_0, "q4_0": gguf.GGMLQuantizationType.Q4_0}[wtype]

    def matrix(tname, rows, cols, std=None):
        m = rng.standard_normal((rows, cols)).astype(np.float32) * np.float32(std or 1.0 / np.sqrt(cols))
        if qtype == gguf.GGMLQuantizationType.F32:
            w.add_tensor(tname, m)
        elif qtype == gguf.GGMLQuantizationType.F16:
            w.add_tensor(tname, m.astype(np.float16))
        else:
            w.add_tensor(tname, gguf.quants.quantize(m, qtype), raw_dtype=qtype)

    def vector(tname, n, mean=1.0, std=0.2):
        w.add_tensor(tname, (mean + std * rng.standard_normal(n)).astype(np.float32))

    matrix("token_embd.weight", vocab, dim, std=1.0 if arch.startswith("gemma") else 0.5)
    vector("output_norm.weight", dim)
    if not s.get("tied"):
        matrix("output.weight", vocab, dim, std=3.0 / np.sqrt(dim))
    if s.get("rope_freqs"):
        # Llama 3.1's factors: 1 for high frequencies, rising to 8 for the lowest.
        w.add_tensor("rope_freqs.weight", np.linspace(1.0, 8.0, hd // 2).astype(np.float32))
    for b in range(L):
        p = f"blk.{b}."
        vector(p + "attn_norm.weight", dim)
        if s.get("fused"):
            matrix(p + "attn_qkv.weight", qw + 2 * kvw, dim)
        else:
            matrix(p + "attn_q.weight", qw, dim)
            matrix(p + "attn_k.weight", kvw, dim)
            matrix(p + "attn_v.weight", kvw, dim)
        if s.get("bias"):
            vector(p + "attn_q.bias", qw, 0.0, 0.5)
            vector(p + "attn_k.bias", kvw, 0.0, 0.5)
            vector(p + "attn_v.bias", kvw, 0.0, 0.5)
        if s.get("qk_norm"):
            vector(p + "attn_q_norm.weight", hd)
            vector(p + "attn_k_norm.weight", hd)
        matrix(p + "attn_output.weight", dim, qw)
        if s.get("post_norms"):
            vector(p + "post_attention_norm.weight", dim)
            vector(p + "post_ffw_norm.weight", dim)
        vector(p + "ffn_norm.weight", dim)
        if s.get("fused"):
            matrix(p + "ffn_up.weight", 2 * ffn, dim)  # gate's rows, then up's
        else:
            matrix(p + "ffn_gate.weight", ffn, dim)
            matrix(p + "ffn_up.weight", ffn, dim)
        matrix(p + "ffn_down.weight", dim, ffn)
    w.write_header_to_file()
    w.write_kv_data_to_file()
    w.write_tensors_to_file()
    w.close()


if __name__ == "__main__":
    main()
