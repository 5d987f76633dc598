#!/usr/bin/env python3
"""Q-GaLore step on the GPU (quanttune-cli bench-qgalore) against the paper's optimizer.

For each shape (SmolLM2-135M, TinyLlama-1.1B, Llama-2-7B; batch 16 x 256 tokens),
both sides with the paper's settings: rank 256 / 512 / 1024 (--rank to change),
update gap 200, scale 0.25, INT8 weights in groups of 256 with stochastic
rounding, INT4 projections in groups of 256, cosine threshold 0.4, gap growth 2,
queue 5, 8-bit Adam (lr 1e-4, no weight decay), activation (gradient)
checkpointing on, embedding, norms and head frozen (QuantTune trains only the
block linears), each linear updated as soon as its gradient exists:
  - QuantTune: `quanttune-cli bench-qgalore --shape S --device cuda`, random Q4_0
    weights converted to INT8 by the method as `train --method qgalore` does, the
    whole batch in one forward and backward (LlamaBackprop). Median of the timed
    steps after the warm-up ones; the first step, which does every linear's SVD,
    apart; peak from the engine's ledger and the device memory in use
    (cudaMemGetInfo, CUDA context included).
  - Reference: PyPI q-galore-torch 1.0 (QGaLoreAdamW8bit, the paper's optimizer) on
    transformers' LlamaForCausalLM of the same shape in bf16 (SDPA attention),
    random init, every decoder linear replaced by bench/qgalore_int8_linear.py's
    Int8Linear. That INT8 layer is in the paper's repository, not in the wheel: it
    was written for this bench (see its docstring). The paper's per-layer mode: one
    optimizer per weight, stepped from the layer's backward as soon as its
    float_grad exists. Gradient checkpointing non-reentrant; the same warm-up and
    timed steps with CUDA synchronisation; peak = torch.cuda.max_memory_allocated
    from just before the first step (model built and quantized) to the end.
  - q-galore-torch 1.0 was written against bitsandbytes 0.43; with the carried
    0.50.2 its optimizer fails (Optimizer2State lost two positional arguments,
    get_config no longer gives percentile_clipping / block_wise, and the 8-bit
    block-wise update takes AdEMAMix's beta3 and alpha before eps). RefOptimizer
    below keeps the wheel's step() and restores only what it meant: no percentile
    clipping, block-wise 8-bit states, and bitsandbytes' own block-wise 8-bit Adam
    update for the low-rank gradient.
The reference runs in a child process per shape (a clean CUDA context each time,
an OOM reported as "OOM", a time limit per side), after QuantTune's run.
Prints one table: time ref / QuantTune (above 1: QuantTune is faster) and memory
QuantTune / ref (below 1: QuantTune needs less). Goals of issue 16: at least 3x
faster at no more than the reference's peak; Llama-2-7B at 16 x 256 within 12 GiB.
Usage (repository root, after building quanttune-cli; the two wheels installed):
  pip install --no-index --no-deps --target /tmp/site .whl/*.whl
  PYTHONPATH=/tmp/site python3 bench/bench_qgalore_step_gpu.py --cli BUILD/app/quanttune-cli [--shapes a,b]
"""
import argparse
import functools
import json
import os
import shutil
import statistics
import subprocess
import sys
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from bench_qzo_step_gpu import SHAPES, build_torch_llama  # noqa: E402  the same shapes and PyTorch model

# The paper's ranks: 256 at 130M, 1024 at 7B; 512 between (bench-qgalore's defaults too).
PAPER_RANKS = {"smollm2-135m": 256, "tinyllama-1.1b": 512, "llama2-7b": 1024}
GOAL_SPEEDUP = 3.0
GOAL_7B_GIB = 12.0


def run_streaming(cmd, timeout_s, prefix):
    """Runs cmd, echoing its output as it comes (so a killed run still shows how far
    it got); returns (output, None) or (output, "timeout after N s" / "exit N")."""
    print("$", " ".join(cmd), flush=True)
    if shutil.which("stdbuf"):  # the CLI's stdout to a pipe is block-buffered otherwise
        cmd = ["stdbuf", "-oL", *cmd]
    p = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, bufsize=1,
                         env=dict(os.environ, PYTHONUNBUFFERED="1"))
    killed = threading.Event()

    def kill():
        killed.set()
        p.kill()

    timer = threading.Timer(timeout_s, kill)
    timer.start()
    lines = []
    try:
        for line in p.stdout:
            print(prefix + line, end="", flush=True)
            lines.append(line)
        rc = p.wait()
    finally:
        timer.cancel()
    out = "".join(lines)
    if killed.is_set():
        return out, f"timeout after {timeout_s} s"
    return out, (None if rc == 0 else f"exit {rc}")


def result_line(out, tag):
    for line in reversed(out.splitlines()):
        if line.startswith(tag + " "):
            return json.loads(line[len(tag) + 1:])
    return None


def run_quanttune(a, shape, rank):
    cmd = [a.cli, "bench-qgalore", "--shape", shape, "--device", a.device, "--batch", str(a.batch), "--seq",
           str(a.seq), "--steps", str(a.steps), "--warmup", str(a.warmup), "--rank", str(rank), "--gap",
           str(a.gap), "--model-dir", a.model_dir]
    out, err = run_streaming(cmd, a.timeout, "  [qt] ")
    r = result_line(out, "BENCH_RESULT")
    return r if r is not None else {"error": err or "no BENCH_RESULT"}


def run_reference(a, shape, rank):
    job = dict(shape=shape, batch=a.batch, seq=a.seq, steps=a.steps, warmup=a.warmup, rank=rank, gap=a.gap)
    cmd = [sys.executable, os.path.abspath(__file__), "--ref-child", json.dumps(job)]
    out, err = run_streaming(cmd, a.timeout, "  [ref] ")
    r = result_line(out, "REF_RESULT")
    return r if r is not None else {"error": err or "no REF_RESULT"}


class _RefOptimizerFactory:
    """Makes the reference's per-weight optimizer class once torch and the wheels are
    importable (the class derives from the wheel's)."""

    made = None

    @classmethod
    def get(cls):
        if cls.made is None:
            from bitsandbytes.optim.optimizer import Optimizer2State
            from q_galore_torch import QGaLoreAdamW8bit

            class RefOptimizer(QGaLoreAdamW8bit):
                """QGaLoreAdamW8bit as the wheel means it, on bitsandbytes 0.50 (see the
                module docstring). The wheel's step() runs unchanged: dequantize the INT8
                weight, project the gradient (SVD when due, INT4 projection), the 8-bit
                update on the low-rank gradient, project back, re-quantize."""

                def __init__(self, params, **kw):
                    super().__init__(params, **kw)
                    # The wheel passes percentile_clipping=100 and block_wise=True where
                    # bitsandbytes 0.50 now takes max_unorm and skip_zeros.
                    self.args.max_unorm = 0.0
                    self.args.skip_zeros = False

                def get_config(self, gindex, pindex, group):
                    config = super().get_config(gindex, pindex, group)
                    config.setdefault("percentile_clipping", 100)  # 100: no clipping (gnorm_scale 1)
                    config.setdefault("block_wise", True)
                    return config

                def update_step(self, group, p, gindex, pindex, flag_use_float_grad=False):
                    # bitsandbytes 0.50's own update for a two-state optimizer: block-wise
                    # 8-bit Adam on p.grad. The wheel keeps the low-rank gradient in
                    # float_grad; it stands in as p.grad for the call.
                    if not flag_use_float_grad:
                        return Optimizer2State.update_step(self, group, p, gindex, pindex)
                    p.grad = p.float_grad
                    try:
                        return Optimizer2State.update_step(self, group, p, gindex, pindex)
                    finally:
                        p.grad = None

            cls.made = RefOptimizer
        return cls.made


def _step_layer(optimizer, weight):
    """The per-layer hook: this weight's update, then its gradient is dropped."""
    optimizer.step()
    weight.float_grad = None


def reference_child(job):
    """One shape's reference run, in this (child) process; prints REF_RESULT {json}."""
    import torch
    try:
        import bitsandbytes as bnb
        import q_galore_torch  # noqa: F401
        import transformers
    except ImportError as e:
        return {"error": f"missing: {e}"}
    from qgalore_int8_linear import Int8Linear

    s = SHAPES[job["shape"]]
    batch, seq, rank, gap = job["batch"], job["seq"], job["rank"], job["gap"]
    RefOptimizer = _RefOptimizerFactory.get()
    torch.cuda.empty_cache()
    try:
        model = build_torch_llama(s)  # bf16, random init, on the GPU
        weights = []
        for layer in model.model.layers:
            for parent in (layer.self_attn, layer.mlp):
                for name, lin in list(parent.named_children()):
                    if isinstance(lin, torch.nn.Linear):
                        q = Int8Linear(lin, group_size=256, stochastic_round=True)
                        setattr(parent, name, q)
                        weights.append(q.weight)
                        del lin
        torch.cuda.empty_cache()
        for p in model.parameters():
            p.requires_grad_(False)  # embedding, norms and head frozen, as QuantTune's Q-GaLore
        model.enable_input_require_grads()  # so that the frozen embedding's output carries the backward
        model.gradient_checkpointing_enable(gradient_checkpointing_kwargs={"use_reentrant": False})
        model.config.use_cache = False
        model.train()
        optimizers = []
        for w in weights:
            opt = RefOptimizer([{"params": [w], "rank": rank, "update_proj_gap": gap, "scale": 0.25,
                                 "proj_type": "std", "quant": True, "quant_group_size": 256, "quant_n_bit": 4,
                                 "cos_threshold": 0.4, "gamma_proj": 2, "queue_size": 5}],
                               lr=1e-4, weight_decay=0.0)
            w.on_float_grad = functools.partial(_step_layer, opt)
            optimizers.append(opt)
        gen = torch.Generator(device="cuda")
        gen.manual_seed(1)
        ids = torch.randint(0, s["vocab"], (batch, seq), device="cuda", generator=gen)
        print(f"reference {job['shape']}: {len(weights)} INT8 linears, rank {rank}, gap {gap}; "
              f"{torch.cuda.memory_allocated() / 2**30:.2f} GiB before the first step", flush=True)
        torch.cuda.synchronize()
        torch.cuda.reset_peak_memory_stats()
        times = []
        loss = None
        for i in range(job["warmup"] + job["steps"]):
            torch.cuda.synchronize()
            t0 = time.perf_counter()
            loss = model(input_ids=ids, labels=ids).loss
            loss.backward()  # each linear's update runs inside it
            torch.cuda.synchronize()
            times.append(time.perf_counter() - t0)
            print(f"ref step {i}: {times[-1] * 1e3:.1f} ms, loss {float(loss):.5f}", flush=True)
    except torch.cuda.OutOfMemoryError as e:
        return {"error": "OOM", "peak_gib": torch.cuda.max_memory_allocated() / 2**30, "detail": str(e)[:200]}
    svds = sum(o.state[w]["projector"].svd_count for o, w in zip(optimizers, weights)
               if "projector" in o.state[w])
    return {"step_ms": statistics.median(times[job["warmup"]:]) * 1e3, "first_step_ms": times[0] * 1e3,
            "peak_gib": torch.cuda.max_memory_allocated() / 2**30, "loss": float(loss), "svds": svds,
            "versions": f"torch {torch.__version__}, transformers {transformers.__version__}, "
                        f"bitsandbytes {bnb.__version__}, q-galore-torch 1.0"}


def fmt(x, digits=1):
    return f"{x:.{digits}f}" if isinstance(x, (int, float)) else "-"


def print_table(a, rows):
    print(f"\n| shape | B x T | rank | QT step ms | ref step ms | ref/QT time | QT ledger peak GiB | "
          f"QT device used GiB | ref peak GiB | QT/ref memory | QT first step ms | ref first step ms |")
    print("|---|---|---|---|---|---|---|---|---|---|---|---|")
    for r in rows:
        qt, ref = r["quanttune"], r["reference"]
        speed = ref["step_ms"] / qt["step_ms"] if "step_ms" in qt and "step_ms" in ref else None
        mem = qt["ledger_peak_gib"] / ref["peak_gib"] if "ledger_peak_gib" in qt and "step_ms" in ref else None
        qt_ms = fmt(qt.get("step_ms")) if "error" not in qt else qt["error"]
        ref_ms = fmt(ref.get("step_ms")) if "error" not in ref else ref["error"]
        ref_peak = fmt(ref.get("peak_gib"), 2) + (" (at OOM)" if ref.get("error") == "OOM" else "")
        print(f"| {r['shape']} | {a.batch} x {a.seq} | {r['rank']} | {qt_ms} | {ref_ms} | {fmt(speed, 2)} | "
              f"{fmt(qt.get('ledger_peak_gib'), 2)} | {fmt(qt.get('device_used_gib'), 2)} | {ref_peak} | "
              f"{fmt(mem, 2)} | {fmt(qt.get('first_step_ms'))} | {fmt(ref.get('first_step_ms'))} |")
    for r in rows:
        qt, ref = r["quanttune"], r["reference"]
        if "error" in qt:
            print(f"goals {r['shape']}: QuantTune failed ({qt['error']})")
            continue
        notes = []
        if "step_ms" in ref:
            speed = ref["step_ms"] / qt["step_ms"]
            notes.append(f">= {GOAL_SPEEDUP:g}x faster: {'met' if speed >= GOAL_SPEEDUP else 'not met'} "
                         f"({speed:.2f}x)")
            notes.append(f"peak <= reference: {'met' if qt['ledger_peak_gib'] <= ref['peak_gib'] else 'not met'}")
        else:
            notes.append(f"reference: {ref.get('error')}")
        if r["shape"] == "llama2-7b" and (a.batch, a.seq) == (16, 256):
            notes.append(f"<= {GOAL_7B_GIB:g} GiB: {'met' if qt['ledger_peak_gib'] <= GOAL_7B_GIB else 'not met'} "
                         f"(ledger {qt['ledger_peak_gib']:.2f}, device {qt['device_used_gib']:.2f})")
        notes.append(f"SVD refresh of all linears {qt.get('svd_refresh_ms', 0):.0f} ms")
        print(f"goals {r['shape']}: " + "; ".join(notes))


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--cli", help="quanttune-cli built with CUDA")
    ap.add_argument("--shapes", default=",".join(SHAPES))
    ap.add_argument("--batch", type=int, default=16)
    ap.add_argument("--seq", type=int, default=256)
    ap.add_argument("--warmup", type=int, default=2, help="untimed steps, the first doing every SVD (at least 1)")
    ap.add_argument("--steps", type=int, default=5, help="timed steps, of which the median is reported")
    ap.add_argument("--rank", type=int, default=0, help="projection rank (default: the paper's for the shape)")
    ap.add_argument("--gap", type=int, default=200)
    ap.add_argument("--sides", default="qt,ref", help="which to run: qt, ref or both")
    ap.add_argument("--device", default="cuda", help="QuantTune's --device (cpu only to check the script)")
    ap.add_argument("--timeout", type=int, default=420, help="seconds each side may take per shape")
    ap.add_argument("--model-dir", default="/tmp")
    ap.add_argument("--json", default=None, help="write the rows here (default $OUT/bench_qgalore.json if $OUT)")
    ap.add_argument("--ref-child", default=None, help=argparse.SUPPRESS)
    a = ap.parse_args()
    if a.ref_child is not None:
        try:
            r = reference_child(json.loads(a.ref_child))
        except Exception as e:  # reported to the parent, which goes on with the next shape
            oom = "out of memory" in str(e).lower()
            r = {"error": "OOM" if oom else f"{type(e).__name__}: {e}"[:300]}
        print("REF_RESULT " + json.dumps(r), flush=True)
        return 0
    if a.warmup < 1:
        ap.error("--warmup must be at least 1: the first step does every linear's SVD")
    sides = set(a.sides.split(","))
    if "qt" in sides and not a.cli:
        ap.error("--cli is needed to run QuantTune's side")
    rows = []
    for shape in a.shapes.split(","):
        if shape not in SHAPES:
            ap.error(f"unknown shape {shape} ({', '.join(SHAPES)})")
        rank = a.rank or PAPER_RANKS[shape]
        t0 = time.time()
        qt = run_quanttune(a, shape, rank) if "qt" in sides else {"error": "not run"}
        ref = run_reference(a, shape, rank) if "ref" in sides else {"error": "not run"}
        print(f"{shape}: QuantTune {qt}\n{shape}: reference {ref}\n({time.time() - t0:.0f} s)", flush=True)
        rows.append({"shape": shape, "batch": a.batch, "seq": a.seq, "rank": rank, "quanttune": qt, "reference": ref})
        print_table(a, rows)  # after every shape, so a run cut short still shows its rows
    out = a.json or (os.path.join(os.environ["OUT"], "bench_qgalore.json") if os.environ.get("OUT") else None)
    if out:
        with open(out, "w") as f:
            json.dump(rows, f, indent=1)
    return 0


if __name__ == "__main__":
    sys.exit(main())
