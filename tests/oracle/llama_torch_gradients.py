"""PyTorch autograd reference for QuantTune's backward pass (an implementation not ours).

Reads a folder written by the C++ test (tests/cuda/test_cuda_torch_gradients.cpp):
  config.json   model shape, LoRA settings, the tensors to differentiate
  NAME.f32      every weight the model uses, dequantized by the engine, float32 row-major
  lora.NAME.a.f32 / lora.NAME.b.f32   adapters A [r][in] and B [out][r] of each targeted weight
  tokens.i32 / targets.i32            n_seqs sequences back to back; target -1: none
and evaluates the LLaMA forward in float64 with torch (RMSNorm, RoPE on adjacent
pairs as GGUF orders rows, causal grouped-query attention, SwiGLU, tied or untied
head), the loss sum over targeted tokens of -log softmax, and its gradient by
autograd. Writes grad.NAME.f64 for each LoRA factor and each dense weight listed in
config["dense_grads"], and loss.f64.
"""
import json
import math
import os
import sys

import numpy as np
import torch


def load(folder, name, dtype=np.float32):
    return np.fromfile(os.path.join(folder, name), dtype=dtype)


def main(folder):
    cfg = json.load(open(os.path.join(folder, "config.json")))
    L, dim, ffn = cfg["n_layers"], cfg["dim"], cfg["ffn_dim"]
    H, KV, hd, n_rot = cfg["n_heads"], cfg["n_kv_heads"], cfg["head_dim"], cfg["n_rot"]
    vocab, eps, base = cfg["vocab_size"], cfg["rms_eps"], cfg["rope_freq_base"]
    rank, alpha = cfg["lora_rank"], cfg["lora_alpha"]
    scale = alpha / rank
    dev = "cuda" if torch.cuda.is_available() else "cpu"
    f64 = dict(dtype=torch.float64, device=dev)

    def weight(name, rows, cols, grad=False):
        t = torch.tensor(load(folder, name + ".f32").reshape(rows, cols), **f64)
        t.requires_grad_(grad)
        return t

    dense = set(cfg["dense_grads"])
    leaves = {}
    shapes = {}

    def linear_weight(name, rows, cols):
        w = weight(name, rows, cols, grad=name in dense)
        if name in dense:
            leaves[name] = w
        shapes[name] = (rows, cols)
        return w

    adapters = {}
    for name in cfg["lora_targets"]:
        a = weight("lora." + name + ".a", rank, cfg["shapes"][name][1], grad=True)
        b = weight("lora." + name + ".b", cfg["shapes"][name][0], rank, grad=True)
        adapters[name] = (a, b)
        leaves["lora." + name + ".a"] = a
        leaves["lora." + name + ".b"] = b

    def lin(name, w, x):
        y = x @ w.T
        if name in adapters:
            a, b = adapters[name]
            y = y + scale * ((x @ a.T) @ b.T)
        return y

    def rmsnorm(x, w):
        return x * torch.rsqrt((x * x).mean(-1, keepdim=True) + eps) * w

    tokens = torch.tensor(load(folder, "tokens.i32", np.int32).astype(np.int64), device=dev)
    targets = torch.tensor(load(folder, "targets.i32", np.int32).astype(np.int64), device=dev)
    n_seqs = cfg["n_seqs"]
    T = tokens.numel() // n_seqs
    pos = torch.arange(T, **f64)
    inv = torch.tensor([base ** (-2.0 * i / n_rot) for i in range(n_rot // 2)], **f64)
    ang = pos[:, None] * inv[None, :]
    cos, sin = torch.cos(ang), torch.sin(ang)

    def rope(x, heads):  # x: [S, T, heads, hd]; rotates adjacent pairs of the first n_rot dims
        r = x[..., :n_rot].reshape(*x.shape[:-1], n_rot // 2, 2)
        a, b = r[..., 0], r[..., 1]
        c, s = cos[None, :, None, :], sin[None, :, None, :]
        out = torch.stack([a * c - b * s, a * s + b * c], dim=-1).reshape(*x.shape[:-1], n_rot)
        return torch.cat([out, x[..., n_rot:]], dim=-1)

    emb = weight("token_embd.weight", vocab, dim)
    x = emb[tokens].reshape(n_seqs, T, dim)
    mask = torch.ones(T, T, dtype=torch.bool, device=dev).tril()
    for l in range(L):
        p = f"blk.{l}."
        xn = rmsnorm(x, weight(p + "attn_norm.weight", 1, dim)[0])
        q = lin(p + "attn_q.weight", linear_weight(p + "attn_q.weight", H * hd, dim), xn).reshape(n_seqs, T, H, hd)
        k = lin(p + "attn_k.weight", linear_weight(p + "attn_k.weight", KV * hd, dim), xn).reshape(n_seqs, T, KV, hd)
        v = lin(p + "attn_v.weight", linear_weight(p + "attn_v.weight", KV * hd, dim), xn).reshape(n_seqs, T, KV, hd)
        q, k = rope(q, H), rope(k, KV)
        k = k.repeat_interleave(H // KV, dim=2)
        v = v.repeat_interleave(H // KV, dim=2)
        s = torch.einsum("sihd,sjhd->shij", q, k) / math.sqrt(hd)
        s = s.masked_fill(~mask, float("-inf"))
        att = torch.einsum("shij,sjhd->sihd", torch.softmax(s, dim=-1), v).reshape(n_seqs, T, H * hd)
        h = x + lin(p + "attn_output.weight", linear_weight(p + "attn_output.weight", dim, H * hd), att)
        hn = rmsnorm(h, weight(p + "ffn_norm.weight", 1, dim)[0])
        g = lin(p + "ffn_gate.weight", linear_weight(p + "ffn_gate.weight", ffn, dim), hn)
        u = lin(p + "ffn_up.weight", linear_weight(p + "ffn_up.weight", ffn, dim), hn)
        x = h + lin(p + "ffn_down.weight", linear_weight(p + "ffn_down.weight", dim, ffn), torch.nn.functional.silu(g) * u)
    xn = rmsnorm(x, weight("output_norm.weight", 1, dim)[0]).reshape(n_seqs * T, dim)
    head = emb if cfg["tied_output"] else weight("output.weight", vocab, dim)
    logits = xn @ head.T
    keep = targets >= 0
    loss = torch.nn.functional.cross_entropy(logits[keep], targets[keep], reduction="sum")
    loss.backward()
    np.array([loss.item()], dtype=np.float64).tofile(os.path.join(folder, "loss.f64"))
    for name, t in leaves.items():
        t.grad.detach().cpu().numpy().astype(np.float64).tofile(os.path.join(folder, "grad." + name + ".f64"))
    print(f"torch {torch.__version__} on {dev}: loss {loss.item():.6f}, {len(leaves)} gradients written")


if __name__ == "__main__":
    main(sys.argv[1])
