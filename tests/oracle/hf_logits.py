"""Logits from transformers for a Hugging Face folder (an implementation not ours).

usage: hf_logits.py MODEL_DIR WORK_DIR [DTYPE]
Loads MODEL_DIR with AutoModelForCausalLM (DTYPE float32 unless told: float32 or
float64) and, for every WORK_DIR/N.tokens (token ids, one per line), writes
WORK_DIR/N.logits: float32 logits, n_tokens x vocab, row-major, from one forward
pass over the ids as given (no BOS added). When WORK_DIR/prompts.json (a list of
strings) exists, the folder's tokenizer also writes WORK_DIR/N.hf_tokens for
prompt N (special tokens parsed, none added), one id per line.
"""
import glob
import json
import os
import sys

import numpy as np
import torch
from transformers import AutoModelForCausalLM, AutoTokenizer


def main():
    if len(sys.argv) < 3:
        sys.exit(__doc__)
    model_dir, work_dir = sys.argv[1], sys.argv[2]
    dtype = getattr(torch, sys.argv[3] if len(sys.argv) > 3 else "float32")
    torch.set_num_threads(max(1, min(2, os.cpu_count() or 1)))
    prompts_path = os.path.join(work_dir, "prompts.json")
    if os.path.exists(prompts_path):
        tokenizer = AutoTokenizer.from_pretrained(model_dir)
        for i, prompt in enumerate(json.load(open(prompts_path, encoding="utf-8"))):
            ids = tokenizer(prompt, add_special_tokens=False)["input_ids"]
            with open(os.path.join(work_dir, f"{i}.hf_tokens"), "w") as f:
                f.write("".join(f"{t}\n" for t in ids))
    model = AutoModelForCausalLM.from_pretrained(model_dir, dtype=dtype, attn_implementation="eager")
    model.eval()
    done = 0
    for path in sorted(glob.glob(os.path.join(work_dir, "*.tokens"))):
        ids = [int(line) for line in open(path) if line.strip()]
        with torch.no_grad():
            logits = model(torch.tensor([ids], dtype=torch.long)).logits[0]
        logits.to(torch.float32).numpy().astype("<f4").tofile(path[: -len(".tokens")] + ".logits")
        done += 1
    print(f"{done} token files\t{model.config.vocab_size} vocab\t{dtype}")


if __name__ == "__main__":
    main()
