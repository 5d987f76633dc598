"""Prefill and decode speed of QuantTune's CPU engine against llama.cpp (llama-cpp-python),
same model, same prompt, same thread count, measured in one run. Prints a table.

usage: python bench/bench_cpu_inference.py [--model M] [--threads N] [--prompt-tokens 128]
                                           [--decode-tokens 128] [--repeats 3]
Run it on an otherwise idle machine: both engines spin their threads.
"""
import argparse
import os
import re
import subprocess
import sys
import time

from llama_cpp import Llama
import llama_cpp

HERE = os.path.dirname(os.path.abspath(__file__))
TOP = os.path.dirname(HERE)

TEXT = ("It is a truth universally acknowledged, that a single man in possession of a good fortune, "
        "must be in want of a wife. However little known the feelings or views of such a man may be on his "
        "first entering a neighbourhood, this truth is so well fixed in the minds of the surrounding families, "
        "that he is considered the rightful property of some one or other of their daughters. ") * 8


def default_model():
    cache = os.environ.get("XDG_CACHE_HOME", os.path.expanduser("~/.cache"))
    return os.environ.get("QUANTTUNE_MODEL", os.path.join(cache, "quanttune/models/SmolLM2-135M-Instruct.Q4_1.gguf"))


def prompt_of(llm, n_tokens):
    ids = llm.tokenize(TEXT.encode(), add_bos=False, special=False)[:n_tokens]
    return llm.detokenize(ids).decode(), len(ids)


def bench_llama_cpp(llm, prompt, n_decode):
    ids = llm.tokenize(prompt.encode(), add_bos=False, special=False)
    llm.reset()
    t0 = time.perf_counter()
    llm.eval(ids)
    t1 = time.perf_counter()
    # One forward per new token, as QuantTune's decode loop; a fixed token id keeps
    # Python-side sampling out of the timing (the cost of a forward does not depend on it).
    for _ in range(n_decode - 1):
        llm.eval([198])
    t2 = time.perf_counter()
    return len(ids) / (t1 - t0), (n_decode - 1) / (t2 - t1)


def bench_quanttune(cli, model, prompt, n_decode, threads):
    out = subprocess.run([cli, "generate", model, "--prompt", prompt, "--max-tokens", str(n_decode), "--quiet",
                          "--ignore-eos", "--threads", str(threads)], capture_output=True, text=True, check=True)
    m = re.search(r"prompt: (\d+) tokens in [\d.]+ s \(([\d.]+) tokens/s\); generated: (\d+) tokens, decode ([\d.]+)",
                  out.stderr)
    if not m:
        sys.exit("could not read quanttune-cli's timing line:\n" + out.stderr)
    return float(m.group(2)), float(m.group(4)), int(m.group(1))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--model", default=default_model())
    ap.add_argument("--cli", default=os.path.join(TOP, "build/app/quanttune-cli"))
    ap.add_argument("--threads", type=int, default=os.cpu_count())
    ap.add_argument("--prompt-tokens", type=int, default=128)
    ap.add_argument("--decode-tokens", type=int, default=128)
    ap.add_argument("--repeats", type=int, default=3)
    a = ap.parse_args()

    llm = Llama(model_path=a.model, n_ctx=1024, n_batch=512, n_threads=a.threads, n_threads_batch=a.threads,
                verbose=False, flash_attn=False)
    prompt, n_prompt = prompt_of(llm, a.prompt_tokens)
    rows = {"llama.cpp": [], "QuantTune": []}
    for _ in range(a.repeats):  # interleaved, best of N: both see the same machine state
        rows["llama.cpp"].append(bench_llama_cpp(llm, prompt, a.decode_tokens))
        p, d, n = bench_quanttune(a.cli, a.model, prompt, a.decode_tokens, a.threads)
        if n != n_prompt:
            sys.exit(f"prompt token counts differ: QuantTune {n}, llama.cpp {n_prompt}")
        rows["QuantTune"].append((p, d))
    best = {k: (max(r[0] for r in v), max(r[1] for r in v)) for k, v in rows.items()}
    print(f"model {os.path.basename(a.model)}, {a.threads} threads, prompt {n_prompt} tokens, "
          f"decode {a.decode_tokens} tokens, best of {a.repeats}; llama-cpp-python {llama_cpp.__version__}")
    print(f"{'engine':<12}{'prefill tok/s':>16}{'decode tok/s':>16}")
    for k, (p, d) in best.items():
        print(f"{k:<12}{p:>16.1f}{d:>16.1f}")
    q, l = best["QuantTune"], best["llama.cpp"]
    print(f"{'ratio':<12}{q[0] / l[0]:>15.2f}x{q[1] / l[1]:>15.2f}x   (QuantTune / llama.cpp)")


if __name__ == "__main__":
    main()
