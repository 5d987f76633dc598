"""Reference logits, tokens and greedy continuations from llama.cpp (through llama-cpp-python).

usage: llama_cpp_reference.py MODEL PROMPTS_JSON OUT_DIR [GREEDY_TOKENS]
PROMPTS_JSON is a list of strings (tokenized by llama.cpp with special tokens parsed,
no BOS unless the model adds one) or of token id lists (fed as they are). For prompt i the script writes
  OUT_DIR/i.tokens   token ids, one per line
  OUT_DIR/i.logits   float32 logits, n_tokens x vocab, row-major
  OUT_DIR/i.greedy   GREEDY_TOKENS greedy continuation ids (when asked), one per line
  OUT_DIR/i.greedy_margins  llama.cpp's top-1 minus top-2 logit at each greedy step
"""
import json
import os
import sys

import numpy as np
from llama_cpp import Llama


def main():
    model, prompts_json, out_dir = sys.argv[1:4]
    n_greedy = int(sys.argv[4]) if len(sys.argv) > 4 else 0
    prompts = json.load(open(prompts_json, encoding="utf-8"))
    # Single thread keeps llama.cpp's reductions in one fixed order.
    llm = Llama(model_path=model, n_ctx=512, n_batch=512, logits_all=True, n_threads=1,
                verbose=False, flash_attn=False)
    os.makedirs(out_dir, exist_ok=True)
    for i, prompt in enumerate(prompts):
        if isinstance(prompt, list):
            tokens = prompt
        else:
            tokens = llm.tokenize(prompt.encode("utf-8"), add_bos=llm._model.add_bos_token(), special=True)
        llm.reset()
        llm.eval(tokens)
        logits = np.array(llm.scores[: len(tokens)], dtype=np.float32)
        with open(os.path.join(out_dir, f"{i}.tokens"), "w") as f:
            f.write("\n".join(str(t) for t in tokens) + "\n")
        logits.tofile(os.path.join(out_dir, f"{i}.logits"))
        if n_greedy:
            out, margins = [], []
            step_logits = logits[-1]
            for _ in range(n_greedy):
                top2 = np.sort(step_logits)[-2:]
                margins.append(float(top2[1] - top2[0]))
                nxt = int(np.argmax(step_logits))
                out.append(nxt)
                llm.eval([nxt])
                step_logits = np.array(llm.scores[llm.n_tokens - 1], dtype=np.float32)
            with open(os.path.join(out_dir, f"{i}.greedy_margins"), "w") as f:
                f.write("\n".join(f"{m:.5f}" for m in margins) + "\n")
            with open(os.path.join(out_dir, f"{i}.greedy"), "w") as f:
                f.write("\n".join(str(t) for t in out) + "\n")


if __name__ == "__main__":
    main()
