"""The training methods side by side on the default model and the fine-food reviews (CPU).

usage: bench_fine_foods_methods.py --cli BUILD/app/quanttune-cli [--steps N] [--eval-every N]
                                   [--eval-examples N] [--out DIR] [--only NAME,...] [--mask FILE]

Runs `quanttune-cli train` once per configuration below on the same data, seed and
batches, each writing DIR/NAME/metrics.jsonl, then prints from those logs:
  - validation loss and label accuracy at every evaluation (the curves);
  - the ledger's peak by category at the end, and the peak total;
  - SVDs done and saved by the lazy rule (Q-GaLore runs);
  - wall time.
Configurations: QZO (its defaults), QLoRA (rank chosen so that its peak is about
Q-GaLore's), Q-GaLore with its lazy rule, the same without it (threshold 1: the
gap never grows), and plain GaLore; MeZO; and with --mask (quanttune-cli sensitivity
writes one) sparse ZO on that mask, alone and with QZO's scales. The SVD gap is short (--gap, default 2) so that
refreshes happen within a short run; the paper's 200 is for long runs.
The bf16 AdamW row of the ledger comparison is the engine's plan (the engine does
not run mixed-precision AdamW): quanttune-cli train prints its own method's plan.
"""
import argparse
import json
import os
import subprocess
import sys
import time

HOME = os.path.expanduser("~")
CACHE = os.environ.get("QUANTTUNE_CACHE", os.path.join(HOME, ".cache", "quanttune"))
MODEL = os.path.join(CACHE, "models", "SmolLM2-135M-Instruct.Q4_1.gguf")
DATA = os.path.join(CACHE, "data", "fine_foods_train_posneg.jsonl")


def configs(gap, mask):
    sparse = [("sparse-zo", ["--method", "sparse-zo", "--mask", mask]),
              ("sparse-zo+scales", ["--method", "sparse-zo", "--mask", mask, "--sparse-train-scales"])] if mask else []
    return sparse + [
        ("mezo", ["--method", "mezo"]),
        ("qzo", ["--method", "qzo"]),
        ("qlora-r32", ["--method", "qlora", "--lora-rank", "32", "--lora-alpha", "64"]),
        ("qgalore", ["--method", "qgalore", "--galore-gap", str(gap)]),
        ("qgalore-no-lazy", ["--method", "qgalore", "--galore-gap", str(gap), "--galore-threshold", "1"]),
        ("galore", ["--method", "qgalore", "--plain-galore", "--galore-gap", str(gap)]),
    ]


def read_log(path):
    steps, evals = [], []
    with open(path) as f:
        for line in f:
            j = json.loads(line)
            (steps if j.get("type") == "step" else evals if j.get("type") == "eval" else []).append(j)
    return steps, evals


def mib(b):
    return b / 2**20


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--cli", required=True)
    ap.add_argument("--steps", type=int, default=30)
    ap.add_argument("--eval-every", type=int, default=10)
    ap.add_argument("--eval-examples", type=int, default=48)
    ap.add_argument("--gap", type=int, default=2)
    ap.add_argument("--out", default="/tmp/qt-fine-foods-methods")
    ap.add_argument("--only", default="")
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--mask", default="", help="a sparse-ZO mask for the sparse-zo rows")
    a = ap.parse_args()
    for p in (MODEL, DATA):
        if not os.path.exists(p):
            sys.exit(f"{p}: missing (run scripts/setup.sh)")
    wanted = set(filter(None, a.only.split(",")))
    rows = []
    for name, extra in configs(a.gap, a.mask):
        if wanted and name not in wanted:
            continue
        out = os.path.join(a.out, name)
        os.makedirs(out, exist_ok=True)
        log = os.path.join(out, "metrics.jsonl")
        if os.path.exists(log):
            os.remove(log)
        cmd = [a.cli, "train", "--model", MODEL, "--data", DATA, "--steps", str(a.steps), "--batch-size", "4",
               "--seed", "42", "--eval-every", str(a.eval_every), "--eval-examples", str(a.eval_examples),
               "--threads", str(a.threads), "--device", "cpu", "--out", out, "--no-export", "--quiet"] + extra
        t0 = time.time()
        r = subprocess.run(cmd, capture_output=True, text=True)
        seconds = time.time() - t0
        plan = [l for l in r.stderr.splitlines() if l.startswith("plan:")]
        if r.returncode != 0:
            print(f"{name}: failed ({r.returncode}): {r.stderr[-800:]}", flush=True)
            continue
        steps, evals = read_log(log)
        last = steps[-1]
        layers = last.get("layers", {})
        rows.append({
            "name": name, "seconds": seconds, "evals": [(e["step"], e["val_loss"], e.get("accuracy")) for e in evals],
            "peak": last["memory_peak"], "peak_total": last["memory_peak_total"],
            "svds_done": sum(v or 0 for v in layers.get("svds_done", [])),
            "svds_saved": sum(v or 0 for v in layers.get("svds_saved", [])),
            "plan": plan[0] if plan else "",
            "step_s": sorted(st["seconds"] for st in steps)[len(steps) // 2],
        })
        row = rows[-1]
        print(f"{name}: {seconds:.0f} s, peak {mib(row['peak_total']):.1f} MiB, evals "
              + ", ".join(f"{s}: {l:.4f}/{acc:.3f}" for s, l, acc in row["evals"]), flush=True)
    print()
    print("| run | eval (step: val loss / accuracy) | peak MiB | SVDs done / saved | median step s | s |")
    print("|---|---|---|---|---|---|")
    for row in rows:
        curve = "; ".join(f"{s}: {l:.3f} / {acc:.3f}" for s, l, acc in row["evals"])
        svd = f"{row['svds_done']:.0f} / {row['svds_saved']:.0f}" if row["svds_done"] else "-"
        print(f"| {row['name']} | {curve} | {mib(row['peak_total']):.1f} | {svd} | {row['step_s']:.2f} | "
              f"{row['seconds']:.0f} |")
    print()
    cats = ["weights", "trainable parameters", "gradients", "optimizer states", "activations and workspace",
            "KV cache", "projections", "sparse values", "sparse mask"]
    print("| run (ledger peak, MiB) | " + " | ".join(cats) + " | total |")
    print("|---|" + "---|" * (len(cats) + 1))
    for row in rows:
        print(f"| {row['name']} | " + " | ".join(f"{mib(row['peak'].get(c, 0)):.1f}" for c in cats)
              + f" | {mib(row['peak_total']):.1f} |")
    for row in rows:
        if row["plan"]:
            print(f"{row['name']} {row['plan']}")
    with open(os.path.join(a.out, "summary.json"), "w") as f:
        json.dump(rows, f, indent=1)


if __name__ == "__main__":
    main()
