#!/usr/bin/env python3
"""QLoRA step on the GPU (quanttune-cli bench-qlora) against peft + bitsandbytes.

For each shape (SmolLM2-135M, TinyLlama-1.1B, Llama-2-7B; batch 16 x 256 tokens),
both with LoRA rank 16, alpha 32, on q, k, v, o, gate, up and down, activation
(gradient) checkpointing on, AdamW on the adapters:
  - QuantTune: `quanttune-cli bench-qlora --shape S --device cuda`, random Q4_0
    weights (embedding and head too), one step = zero the adapters' gradients,
    forward and backward of the batch (LlamaBackprop, 16 sequences side by side),
    AdamW; median of --steps; peak from the engine's ledger and the device memory
    in use (cudaMemGetInfo, which includes the CUDA context).
  - peft + bitsandbytes: transformers' LlamaForCausalLM of the same shape, random
    init, bf16, every decoder linear replaced by bitsandbytes' 4-bit NF4 Linear4bit
    (compute in bf16; embedding and head stay bf16, as QLoRA recipes leave them),
    peft's LoraConfig on top, gradient checkpointing (non-reentrant), torch AdamW;
    median step with CUDA synchronisation, torch.cuda.max_memory_allocated during
    the steps as peak.
Prints a table with the ratios peft / QuantTune (time: above 1 means QuantTune
is faster; memory: QuantTune / peft, below 1 means QuantTune needs less).
Usage (repository root, after building quanttune-cli; bitsandbytes importable):
  python3 bench/bench_qlora_step_gpu.py --cli BUILD/app/quanttune-cli [--shapes a,b] [--steps N]
"""
import argparse
import json
import os
import statistics
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from bench_qzo_step_gpu import SHAPES, build_torch_llama  # noqa: E402  the same shapes and PyTorch model

TARGETS = ["q_proj", "k_proj", "v_proj", "o_proj", "gate_proj", "up_proj", "down_proj"]


def run_quanttune(cli, shape, batch, seq, steps, rank, model_dir, extra=()):
    cmd = [cli, "bench-qlora", "--shape", shape, "--device", "cuda", "--batch", str(batch), "--seq", str(seq),
           "--steps", str(steps), "--warmup", "1", "--rank", str(rank), "--model-dir", model_dir, *extra]
    print("$", " ".join(cmd), flush=True)
    p = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    print(p.stdout, flush=True)
    for line in p.stdout.splitlines():
        if line.startswith("BENCH_RESULT "):
            return json.loads(line[len("BENCH_RESULT "):])
    return {"error": f"exit {p.returncode}"}


def run_peft(shape, batch, seq, steps, rank):
    import torch
    try:
        import bitsandbytes as bnb
        from peft import LoraConfig, get_peft_model
        import transformers  # noqa: F401
    except ImportError as e:
        return {"error": f"missing: {e}"}
    s = SHAPES[shape]
    torch.cuda.empty_cache()
    model = build_torch_llama(s)  # bf16, random init, on the GPU
    # Every decoder linear to 4-bit NF4 (bitsandbytes quantizes a Params4bit when it moves to the GPU).
    for layer in model.model.layers:
        for parent in (layer.self_attn, layer.mlp):
            for name, lin in list(parent.named_children()):
                if not isinstance(lin, torch.nn.Linear):
                    continue
                q = bnb.nn.Linear4bit(lin.in_features, lin.out_features, bias=False, compute_dtype=torch.bfloat16,
                                      quant_type="nf4", device="cpu")
                q.weight = bnb.nn.Params4bit(lin.weight.data.cpu(), requires_grad=False, quant_type="nf4")
                setattr(parent, name, q.to("cuda"))
                del lin
    torch.cuda.empty_cache()
    for p in model.parameters():
        p.requires_grad_(False)
    model.gradient_checkpointing_enable(gradient_checkpointing_kwargs={"use_reentrant": False})
    model.config.use_cache = False
    model = get_peft_model(model, LoraConfig(r=rank, lora_alpha=2 * rank, target_modules=TARGETS, lora_dropout=0.0,
                                             bias="none", task_type="CAUSAL_LM"))
    model.train()
    trainable = [p for p in model.parameters() if p.requires_grad]
    opt = torch.optim.AdamW(trainable, lr=1e-4)
    ids = torch.randint(0, s["vocab"], (batch, seq), device="cuda")

    def step():
        loss = model(input_ids=ids, labels=ids).loss
        loss.backward()
        opt.step()
        opt.zero_grad(set_to_none=True)
        return loss

    step()  # warm-up (allocates the optimizer states)
    torch.cuda.synchronize()
    torch.cuda.reset_peak_memory_stats()
    times = []
    for _ in range(steps):
        torch.cuda.synchronize()
        t0 = time.perf_counter()
        loss = step()
        torch.cuda.synchronize()
        times.append(time.perf_counter() - t0)
    out = {"step_ms": statistics.median(times) * 1e3, "peak_gib": torch.cuda.max_memory_allocated() / 2**30,
           "loss": float(loss), "trainable": sum(p.numel() for p in trainable),
           "versions": f"torch {torch.__version__}, bitsandbytes {bnb.__version__}"}
    del model, opt, trainable
    torch.cuda.empty_cache()
    return out


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--cli", required=True)
    ap.add_argument("--shapes", default=",".join(SHAPES))
    ap.add_argument("--batch", type=int, default=16)
    ap.add_argument("--seq", type=int, default=256)
    ap.add_argument("--steps", type=int, default=3)
    ap.add_argument("--rank", type=int, default=16)
    ap.add_argument("--model-dir", default="/tmp")
    ap.add_argument("--json", default=None)
    args = ap.parse_args()
    rows = []
    for shape in args.shapes.split(","):
        qt = run_quanttune(args.cli, shape, args.batch, args.seq, args.steps, args.rank, args.model_dir)
        try:
            pe = run_peft(shape, args.batch, args.seq, args.steps, args.rank)
        except Exception as e:  # report and go on with the next shape
            pe = {"error": f"{type(e).__name__}: {e}"}
        print(f"peft {shape}: {pe}", flush=True)
        rows.append({"shape": shape, "quanttune": qt, "peft": pe})
    print(f"\n| shape (B{args.batch} x T{args.seq}, rank {args.rank}) | QT step ms | QT ledger peak GiB | QT device used GiB "
          "| peft+bnb step ms | peft+bnb peak GiB | peft/QT time | QT/peft memory |")
    print("|---|---|---|---|---|---|---|---|")
    for r in rows:
        qt, pe = r["quanttune"], r["peft"]
        if "error" in qt or "error" in pe:
            print(f"| {r['shape']} | {qt.get('error', round(qt.get('step_ms', 0), 1))} | | | "
                  f"{pe.get('error', round(pe.get('step_ms', 0), 1))} | | | |")
            continue
        print(f"| {r['shape']} | {qt['step_ms']:.1f} | {qt['ledger_peak_gib']:.2f} | {qt['device_used_gib']:.2f} | "
              f"{pe['step_ms']:.1f} | {pe['peak_gib']:.2f} | {pe['step_ms'] / qt['step_ms']:.2f} | "
              f"{qt['ledger_peak_gib'] / pe['peak_gib']:.2f} |")
    if args.json:
        with open(args.json, "w") as f:
            json.dump(rows, f, indent=1)


if __name__ == "__main__":
    sys.exit(main())
