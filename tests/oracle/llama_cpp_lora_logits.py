"""llama.cpp's logits for given token ids, optionally with a LoRA adapter applied.

usage: llama_cpp_lora_logits.py [--f16-cache] MODEL TOKENS OUT_LOGITS [LORA]
TOKENS holds token ids, one per line (evaluated as they are: no BOS is added).
LORA, when given, is a GGUF adapter loaded through llama-cpp-python's lora_path
at scale 1 (llama.cpp then adds (alpha / rank) * B (A x) to each targeted
product). Writes OUT_LOGITS as float32, n_tokens x vocab, row-major (as
llama_cpp_reference.py does) and prints n_tokens and vocab. The KV cache is
kept in float32, or with --f16-cache in fp16 as llama.cpp's default and our
engine's cache (backend.h: KvCacheLayout) keep it, to compare with our logits.
"""
import sys

import numpy as np
from llama_cpp import Llama


def main():
    args = sys.argv[1:]
    f16_cache = bool(args) and args[0] == "--f16-cache"
    if f16_cache:
        args = args[1:]
    if len(args) not in (3, 4):
        sys.exit(__doc__)
    model, tokens_path, out_path = args[:3]
    lora = args[3] if len(args) == 4 else None
    with open(tokens_path, encoding="utf-8") as f:
        tokens = [int(line) for line in f if line.strip()]
    if not tokens:
        sys.exit(f"{tokens_path}: no token ids")
    # Single thread keeps llama.cpp's reductions in one fixed order, so the two
    # files compared (adapter and merged) differ only in their weights. The KV
    # cache is F32 (type_k = type_v = GGML_TYPE_F32 = 0): the default fp16 cache
    # rounds the two runs' slightly different keys and values apart (on the
    # random 2-layer model, 9.3e-4 of a logit range of 16.8, against 4.3e-6 in F32).
    llm = Llama(model_path=model, lora_path=lora, lora_scale=1.0, n_ctx=max(64, len(tokens)),
                n_batch=max(64, len(tokens)), logits_all=True, n_threads=1, seed=1234, verbose=False,
                flash_attn=False, type_k=1 if f16_cache else 0, type_v=1 if f16_cache else 0)
    llm.reset()
    llm.eval(tokens)
    logits = np.array(llm.scores[: len(tokens)], dtype=np.float32)
    logits.astype("<f4").tofile(out_path)
    print(f"{logits.shape[0]}\t{logits.shape[1]}")


if __name__ == "__main__":
    main()
