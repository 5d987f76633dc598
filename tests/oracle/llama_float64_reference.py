"""Logits of a LLaMA-family GGUF model evaluated in float64 from gguf-py's dequantization.

usage: llama_float64_reference.py MODEL IDS_FILE LOGITS_OUT

IDS_FILE holds token ids, one per line (one sequence from position 0). The script
writes float32 logits, n_tokens x vocab, row-major. Every weight is dequantized by
gguf.quants.dequantize and every product, norm, rotation and softmax is done in
float64 with plain numpy: no llama.cpp kernel and none of ours, so it judges both
engines (which round activations to 8-bit blocks) from outside.
"""
import sys

import numpy as np
from gguf import GGUFReader
from gguf.quants import dequantize


def main():
    model, ids_file, out = sys.argv[1:4]
    ids = [int(t) for t in open(ids_file).read().split()]
    reader = GGUFReader(model)
    tensors = {t.name: t for t in reader.tensors}

    def meta(key, default=None):
        field = reader.fields.get(key)
        if field is None:
            if default is None:
                sys.exit(f"{model}: metadata key {key} missing")
            return default
        return field.parts[field.data[0]][0].item()

    def weight(name):
        t = tensors[name]
        shape = [int(d) for d in reversed(t.shape)]  # ggml dims[0] is the row length
        return dequantize(t.data, t.tensor_type).reshape(shape).astype(np.float64)

    arch = reader.fields["general.architecture"].contents()
    n_layers = meta(f"{arch}.block_count")
    n_heads = meta(f"{arch}.attention.head_count")
    n_kv = meta(f"{arch}.attention.head_count_kv", n_heads)
    eps = meta(f"{arch}.attention.layer_norm_rms_epsilon")
    base = meta(f"{arch}.rope.freq_base", 10000.0)
    embd = weight("token_embd.weight")
    dim = embd.shape[1]
    head_dim = dim // n_heads
    n_rot = meta(f"{arch}.rope.dimension_count", head_dim)
    n = len(ids)

    def rms(x, w):
        return x / np.sqrt((x * x).mean(axis=-1, keepdims=True) + eps) * w

    # Adjacent pairs of the first n_rot dims of each head rotate by pos * base^(-2i/n_rot)
    # (llama.cpp's rope mode 0, the order GGUF stores LLaMA's q and k rows in).
    theta = np.arange(n)[:, None] * base ** (-np.arange(0, n_rot, 2) / n_rot)[None, :]
    cos, sin = np.cos(theta)[:, None, :], np.sin(theta)[:, None, :]

    def rope(x, heads):
        x = x.reshape(n, heads, head_dim).copy()
        a, b = x[:, :, 0:n_rot:2].copy(), x[:, :, 1:n_rot:2].copy()
        x[:, :, 0:n_rot:2] = a * cos - b * sin
        x[:, :, 1:n_rot:2] = a * sin + b * cos
        return x

    causal = np.triu(np.full((n, n), -np.inf), k=1)
    x = embd[ids]
    for layer in range(n_layers):
        p = f"blk.{layer}."
        h = rms(x, weight(p + "attn_norm.weight"))
        q = rope(h @ weight(p + "attn_q.weight").T, n_heads)
        k = rope(h @ weight(p + "attn_k.weight").T, n_kv)
        v = (h @ weight(p + "attn_v.weight").T).reshape(n, n_kv, head_dim)
        att = np.empty((n, n_heads, head_dim))
        for head in range(n_heads):
            g = head // (n_heads // n_kv)
            s = q[:, head, :] @ k[:, g, :].T / np.sqrt(head_dim) + causal
            s = np.exp(s - s.max(axis=1, keepdims=True))
            att[:, head, :] = (s / s.sum(axis=1, keepdims=True)) @ v[:, g, :]
        x = x + att.reshape(n, dim) @ weight(p + "attn_output.weight").T
        h = rms(x, weight(p + "ffn_norm.weight"))
        gate = h @ weight(p + "ffn_gate.weight").T
        up = h @ weight(p + "ffn_up.weight").T
        x = x + (gate / (1.0 + np.exp(-gate)) * up) @ weight(p + "ffn_down.weight").T
    head = weight("output.weight") if "output.weight" in tensors else embd
    logits = rms(x, weight("output_norm.weight")) @ head.T
    logits.astype(np.float32).tofile(out)


if __name__ == "__main__":
    main()
