#!/usr/bin/env python3
"""Soak: a long quanttune-cli train run with its memory sampled at a fixed interval.

usage: bench/soak.py --cli build/app/quanttune-cli --minutes 120 [--every 60] [--warmup 5]
                     [--tolerance-mib 8] -- TRAIN ARGS...

Starts `quanttune-cli train TRAIN ARGS...` (give it more steps than the time allows;
it is stopped with SIGTERM at the end), samples the process's resident memory
(VmRSS from /proc) and, where nvidia-smi answers, the GPU memory the process holds,
every --every seconds, and prints one row per sample. After --warmup minutes the
memory must stay flat: the script exits 1 when the last sample exceeds the first
after the warm-up by more than --tolerance-mib, and prints the drift either way.
"""
import argparse
import os
import signal
import subprocess
import sys
import time


def rss_mib(pid):
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) / 1024.0
    except OSError:
        return None
    return None


def gpu_mib(pid):
    try:
        out = subprocess.run(["nvidia-smi", "--query-compute-apps=pid,used_memory", "--format=csv,noheader,nounits"],
                             capture_output=True, text=True, timeout=20).stdout
    except (OSError, subprocess.SubprocessError):
        return None
    for line in out.splitlines():
        parts = [p.strip() for p in line.split(",")]
        if len(parts) == 2 and parts[0] == str(pid):
            return float(parts[1])
    return None


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--cli", required=True)
    ap.add_argument("--minutes", type=float, required=True)
    ap.add_argument("--every", type=float, default=60.0, help="seconds between samples (default 60)")
    ap.add_argument("--warmup", type=float, default=5.0, help="minutes before memory must be flat (default 5)")
    ap.add_argument("--tolerance-mib", type=float, default=8.0, help="allowed rise after the warm-up (default 8)")
    ap.add_argument("--log", default=None, help="where the CLI's output goes (default: discarded)")
    ap.add_argument("train_args", nargs=argparse.REMAINDER)
    a = ap.parse_args()
    args = a.train_args[1:] if a.train_args[:1] == ["--"] else a.train_args
    out = open(a.log, "w") if a.log else subprocess.DEVNULL
    proc = subprocess.Popen([a.cli, "train", *args], stdout=out, stderr=subprocess.STDOUT)
    t0 = time.time()
    rows = []
    print(f"{'minute':>7} {'RSS MiB':>9} {'GPU MiB':>9}", flush=True)
    while time.time() - t0 < a.minutes * 60 and proc.poll() is None:
        time.sleep(min(a.every, max(0.0, a.minutes * 60 - (time.time() - t0))))
        if proc.poll() is not None:
            break
        minute = (time.time() - t0) / 60
        r, g = rss_mib(proc.pid), gpu_mib(proc.pid)
        rows.append((minute, r, g))
        print(f"{minute:7.1f} {r if r is not None else float('nan'):9.1f} "
              f"{g if g is not None else float('nan'):9.1f}", flush=True)
    ended_early = proc.poll() is not None
    if not ended_early:
        proc.send_signal(signal.SIGTERM)
        proc.wait(timeout=60)
    if ended_early and proc.returncode != 0:
        print(f"the run ended early with exit {proc.returncode}", file=sys.stderr)
        return 1
    after = [row for row in rows if row[0] >= a.warmup and row[1] is not None]
    if len(after) < 2:
        print("too few samples after the warm-up to judge", file=sys.stderr)
        return 1
    rss_drift = after[-1][1] - after[0][1]
    rss_span = max(r[1] for r in after) - min(r[1] for r in after)
    gpu = [r[2] for r in after if r[2] is not None]
    gpu_drift = gpu[-1] - gpu[0] if len(gpu) >= 2 else None
    print(f"after the {a.warmup:g}-minute warm-up ({len(after)} samples): RSS drift {rss_drift:+.1f} MiB "
          f"(range {rss_span:.1f} MiB)" + (f", GPU drift {gpu_drift:+.1f} MiB" if gpu_drift is not None else
                                           ", no GPU memory seen") + f"; tolerance {a.tolerance_mib:g} MiB")
    worst = max(rss_drift, gpu_drift or 0.0)
    return 0 if worst <= a.tolerance_mib else 1


if __name__ == "__main__":
    sys.exit(main())
