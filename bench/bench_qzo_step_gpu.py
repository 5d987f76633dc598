#!/usr/bin/env python3
"""QZO step on the GPU (quanttune-cli bench-step) against a PyTorch MeZO step.

For each shape (SmolLM2-135M, TinyLlama-1.1B, Llama-2-7B; batch 16 x 256 tokens):
  - QuantTune: `quanttune-cli bench-step --shape S --device cuda`, random Q4_0
    weights written on this machine by the CLI, one QZO step = perturb +, two
    forwards ... as the trainer runs it (the batch's sequences one after another,
    logits to the host, cross-entropy there); median of --steps; peak memory from
    the engine's ledger and the device memory in use (cudaMemGetInfo).
  - PyTorch: transformers' LlamaForCausalLM of the same shape, random init, bf16,
    SDPA attention, the whole batch in one forward; a MeZO step (Malladi et al.
    2023): z regenerated per parameter from one seed, theta + eps z, loss,
    theta - 2 eps z, loss, restore, theta - lr g z; median step time with CUDA
    synchronisation, torch.cuda.max_memory_allocated as peak.
  - PyTorch int4 QZO: the same model with every linear holding packed 4-bit codes
    and float32 scales per 32 inputs, dequantized to bf16 in its forward; the
    QZO step on the scales (run_torch_int4_qzo).
Prints a table with the ratios PyTorch / QuantTune (above 1: QuantTune is faster).
Usage (repository root, after building quanttune-cli):
  python3 bench/bench_qzo_step_gpu.py --cli BUILD/app/quanttune-cli [--shapes a,b] [--steps N]
"""
import argparse
import json
import os
import statistics
import subprocess
import sys
import time

SHAPES = {
    "smollm2-135m": dict(layers=30, dim=576, ffn=1536, heads=9, kv=3, vocab=49152, tied=True),
    "tinyllama-1.1b": dict(layers=22, dim=2048, ffn=5632, heads=32, kv=4, vocab=32000, tied=False),
    "llama2-7b": dict(layers=32, dim=4096, ffn=11008, heads=32, kv=32, vocab=32000, tied=False),
}


def run_quanttune(cli, shape, batch, seq, steps, model_dir, env=None, extra=()):
    cmd = [cli, "bench-step", "--shape", shape, "--device", "cuda", "--batch", str(batch), "--seq", str(seq),
           "--steps", str(steps), "--warmup", "1", "--model-dir", model_dir, "--keep-model", *extra]
    print("$", " ".join(cmd), flush=True)
    p = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                       env=dict(os.environ, **(env or {})))
    print(p.stdout, flush=True)
    for line in p.stdout.splitlines():
        if line.startswith("BENCH_RESULT "):
            return json.loads(line[len("BENCH_RESULT "):])
    return {"error": f"exit {p.returncode}"}


def run_torch_mezo(shape, batch, seq, steps):
    import torch
    s = SHAPES[shape]
    try:
        import transformers  # noqa: F401
    except ImportError as e:
        return {"error": f"transformers missing: {e}"}
    torch.cuda.empty_cache()
    torch.cuda.reset_peak_memory_stats()
    model = build_torch_llama(s)
    params = [p for p in model.parameters() if p.requires_grad]
    n_params = sum(p.numel() for p in params)
    ids = torch.randint(0, s["vocab"], (batch, seq), device="cuda")
    eps, lr = 1e-3, 1e-6

    step_ms, peak = time_steps(lambda seed: spsa_step(params, lambda: model(input_ids=ids, labels=ids).loss,
                                                      seed, eps, lr), steps)
    del model, params
    torch.cuda.empty_cache()
    return {"step_ms": step_ms, "peak_gib": peak, "params": n_params}


def spsa_step(tensors, loss, seed, eps, lr, clip=None, nonnegative=False):
    """One zeroth-order step on `tensors` in place: z drawn per tensor from one
    seeded generator (regenerated, never stored), t + eps z, loss, t - eps z, loss,
    then restore and update in one pass (t + (eps - lr d) z, as MeZO's code does),
    d the projected gradient, clipped to [-clip, clip] when clip is given (QZO);
    nonnegative clamps the result at zero (QZO's scales). Returns d."""
    import torch

    def perturb(scale):
        gen = torch.Generator(device="cuda")
        gen.manual_seed(seed)
        for t in tensors:
            t.add_(torch.randn(t.shape, generator=gen, device=t.device, dtype=t.dtype), alpha=scale)

    with torch.inference_mode():
        perturb(eps)
        lp = loss()
        perturb(-2 * eps)
        lm = loss()
        d = float((lp - lm) / (2 * eps))
        if clip is not None:
            d = max(-clip, min(clip, d))
        perturb(eps - lr * d)
        if nonnegative:
            for t in tensors:
                t.clamp_(min=0)
    return d


def time_steps(step, steps):
    """Median milliseconds of `steps` calls of step(seed) after one warm-up call, and
    the peak of torch.cuda.max_memory_allocated in GiB."""
    import torch
    times = []
    for i in range(steps + 1):
        torch.cuda.synchronize()
        t0 = time.perf_counter()
        step(1000 + i)
        torch.cuda.synchronize()
        if i > 0:
            times.append(time.perf_counter() - t0)
    return statistics.median(times) * 1e3, torch.cuda.max_memory_allocated() / 2**30


def build_torch_llama(s):
    """transformers' LlamaForCausalLM of shape s, random init, bf16 on the GPU."""
    import torch
    from transformers import LlamaConfig, LlamaForCausalLM
    cfg = LlamaConfig(vocab_size=s["vocab"], hidden_size=s["dim"], intermediate_size=s["ffn"],
                      num_hidden_layers=s["layers"], num_attention_heads=s["heads"], num_key_value_heads=s["kv"],
                      max_position_embeddings=4096, tie_word_embeddings=s["tied"], attn_implementation="sdpa")
    torch.manual_seed(0)
    prev = torch.get_default_dtype()
    torch.set_default_dtype(torch.bfloat16)
    with torch.device("cuda"):
        model = LlamaForCausalLM(cfg)
    torch.set_default_dtype(prev)
    return model.eval()


def run_torch_int4_qzo(shape, batch, seq, steps):
    """What a PyTorch user writes for QZO: every linear (and an untied head) holds
    packed 4-bit codes plus one float32 scale per 32 inputs, dequantized to bf16
    in its forward; the step perturbs the scales with z from one seed, two
    forwards, restore, clipped update (the QZO paper's rule)."""
    import torch
    import torch.nn.functional as F
    try:
        import transformers  # noqa: F401
    except ImportError as e:
        return {"error": f"transformers missing: {e}"}
    s = SHAPES[shape]

    class QLinear(torch.nn.Module):
        def __init__(self, lin, gen):
            super().__init__()
            self.out_f, self.in_f = lin.weight.shape
            codes = torch.randint(0, 16, (self.out_f, self.in_f), device="cuda", dtype=torch.uint8, generator=gen)
            self.packed = (codes[:, 0::2] | (codes[:, 1::2] << 4)).contiguous()
            del codes
            self.scales = (0.02 / 4.6) * (1 + 0.1 * torch.randn(self.out_f, self.in_f // 32, device="cuda",
                                                                generator=gen))

        def forward(self, x):
            q = torch.stack((self.packed & 15, self.packed >> 4), -1).view(self.out_f, self.in_f // 32, 32)
            w = (q.to(torch.bfloat16) - 8) * self.scales.to(torch.bfloat16)[..., None]
            return F.linear(x, w.view(self.out_f, self.in_f))

    torch.cuda.empty_cache()
    model = build_torch_llama(s)
    gen = torch.Generator(device="cuda")
    gen.manual_seed(1)
    qlinears = []
    for layer in model.model.layers:
        for parent, names in ((layer.self_attn, ("q_proj", "k_proj", "v_proj", "o_proj")),
                              (layer.mlp, ("gate_proj", "up_proj", "down_proj"))):
            for n in names:
                q = QLinear(getattr(parent, n), gen)
                setattr(parent, n, q)
                qlinears.append(q)
    if not s["tied"]:
        model.lm_head = QLinear(model.lm_head, gen)
        qlinears.append(model.lm_head)
    torch.cuda.empty_cache()
    torch.cuda.reset_peak_memory_stats()
    ids = torch.randint(0, s["vocab"], (batch, seq), device="cuda")
    eps, lr, clip = 1e-4, 1e-7, 500.0

    scales = [m.scales for m in qlinears]
    step_ms, peak = time_steps(lambda seed: spsa_step(scales, lambda: model(input_ids=ids, labels=ids).loss,
                                                      seed, eps, lr, clip=clip, nonnegative=True), steps)
    del model, qlinears, scales
    torch.cuda.empty_cache()
    return {"step_ms": step_ms, "peak_gib": peak}


def bf16_matmul_rate():
    import torch
    a = torch.randn(8192, 8192, device="cuda", dtype=torch.bfloat16)
    b = torch.randn(8192, 8192, device="cuda", dtype=torch.bfloat16)
    for _ in range(3):
        a @ b
    torch.cuda.synchronize()
    t0 = time.perf_counter()
    for _ in range(10):
        a @ b
    torch.cuda.synchronize()
    return 2 * 8192**3 * 10 / (time.perf_counter() - t0)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--cli", required=True)
    ap.add_argument("--shapes", default=",".join(SHAPES))
    ap.add_argument("--batch", type=int, default=16)
    ap.add_argument("--seq", type=int, default=256)
    ap.add_argument("--steps", type=int, default=3)
    ap.add_argument("--model-dir", default="/tmp")
    ap.add_argument("--no-torch", action="store_true")
    ap.add_argument("--json", default=None, help="write all results here")
    ap.add_argument("--warp-kernels-too", action="store_true",
                    help="also time the first shape with the tensor-core matmul path off (warp kernels only)")
    ap.add_argument("--seqs-per-forward", type=int, default=4,
                    help="sequences of the batch run through the model together (one pass over the weights)")
    ap.add_argument("--extra", action="append", default=[],
                    help="SHAPE:ARG,ARG... an extra QuantTune row, e.g. llama2-7b:--seqs-per-forward,16")
    ap.add_argument("--host-loss-too", action="store_true",
                    help="also time the first shape with the loss reduced on the host (the trainer's BatchLoss today)")
    a = ap.parse_args()
    shapes = [x for x in a.shapes.split(",") if x]
    rate = None
    try:
        import torch  # noqa: F401
        have_torch = not a.no_torch
    except ImportError:
        have_torch = False
    if have_torch:
        rate = bf16_matmul_rate()
        print(f"measured bf16 matmul rate: {rate / 1e12:.0f} TFLOP/s", flush=True)
    rows = []
    if a.warp_kernels_too and shapes:
        q = run_quanttune(a.cli, shapes[0], a.batch, a.seq, a.steps, a.model_dir,
                          env={"QT_CUDA_GEMM_MIN_TOKENS": "1000000000"}, extra=("--seqs-per-forward", "1"))
        rows.append((shapes[0] + " (warp kernels)", q, {"error": "same as below"}))
    if a.host_loss_too and shapes:
        q = run_quanttune(a.cli, shapes[0], a.batch, a.seq, a.steps, a.model_dir, extra=("--host-loss",))
        rows.append((shapes[0] + " (host loss)", q, {"error": "same as below"}))
    for shape in shapes:
        q = run_quanttune(a.cli, shape, a.batch, a.seq, a.steps, a.model_dir,
                          extra=("--seqs-per-forward", str(a.seqs_per_forward)))
        t = run_torch_mezo(shape, a.batch, a.seq, a.steps) if have_torch else {"error": "no torch"}
        print(shape, "torch MeZO:", t, flush=True)
        t4 = run_torch_int4_qzo(shape, a.batch, a.seq, a.steps) if have_torch else {"error": "no torch"}
        print(shape, "torch int4 QZO:", t4, flush=True)
        t["int4"] = t4
        rows.append((f"{shape} ({q.get('seqs_per_forward', '?')} seqs/fwd)", q, t))
        for e in a.extra:
            e_shape, _, e_args = e.partition(":")
            if e_shape == shape:
                q = run_quanttune(a.cli, shape, a.batch, a.seq, a.steps, a.model_dir, extra=tuple(e_args.split(",")))
                rows.append((f"{shape} ({q.get('seqs_per_forward', '?')} seqs/fwd)", q, {"error": "same as above"}))
    if a.json:
        with open(a.json, "w") as f:
            json.dump({"bf16_rate": rate, "rows": rows}, f, indent=1)
    print()
    print(f"QZO step, batch {a.batch} x {a.seq} tokens; floor = two forwards of 2 x params x tokens at the measured "
          f"bf16 rate ({(rate or 0) / 1e12:.0f} TFLOP/s)")
    hdr = ("shape", "QT step ms", "QT fwd+loss ms", "QT ledger GiB", "QT dev GiB", "PT MeZO ms",
           "PT peak GiB", "PT MeZO/QT", "PT int4 QZO ms", "PT int4 peak GiB", "PT int4/QT", "floor ms", "QT/floor")
    print("| " + " | ".join(hdr) + " |")
    print("|" + "---|" * len(hdr))
    for shape, q, t in rows:
        qs = q.get("step_ms")
        ts = t.get("step_ms")
        t4 = t.get("int4", {})
        t4s = t4.get("step_ms")
        floor = (2 * 2 * q["params"] * a.batch * a.seq / rate * 1e3) if (rate and "params" in q) else None
        f = lambda v, fmt: (fmt % v) if isinstance(v, (int, float)) else "-"
        print("| " + " | ".join([
            shape, f(qs, "%.1f"), f(q.get("forward_ms"), "%.1f"),
            f(q.get("ledger_peak_gib"), "%.2f"), f(q.get("device_used_gib"), "%.2f"), f(ts, "%.1f"),
            f(t.get("peak_gib"), "%.2f"), f(ts / qs if qs and ts else None, "%.2f"), f(t4s, "%.1f"),
            f(t4.get("peak_gib"), "%.2f"), f(t4s / qs if qs and t4s else None, "%.2f"), f(floor, "%.1f"),
            f(qs / floor if qs and floor else None, "%.1f")]) + " |")
        for side, r in (("QT", q), ("PT MeZO", t), ("PT int4 QZO", t4)):
            if "error" in r:
                print(f"  {shape} {side}: {r['error']}")
    for shape in shapes:  # the bench keeps the model files between rows; remove them now
        path = os.path.join(a.model_dir, f"quanttune-bench-{shape}.gguf")
        if os.path.exists(path):
            os.remove(path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
