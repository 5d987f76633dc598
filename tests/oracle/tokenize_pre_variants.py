#!/usr/bin/env python3
"""Writes variants of a GGUF's vocabulary (other tokenizer.ggml.* values) and
tokenizes strings with llama.cpp on each, in one process.

    tokenize_pre_variants.py SOURCE.gguf OUT_DIR STRINGS.json VARIANTS.json
VARIANTS.json: {"NAME": {"set": {KEY: VALUE as text}, "remove": [KEY...]}, ...}
prints JSON: {"texts": [hex of each string's bytes],
              "variants": {"NAME": {"path": OUT_DIR/NAME.gguf, "special": [...], "plain": [...],
                                    "added": [ids of each string with add_special=True, special=False],
                                    "add_bos": bool, "add_eos": bool}
                           or {"path": ..., "error": why llama.cpp would not load it}}}
"""
import json
import os
import sys

import llama_cpp

from tokenize_llama_cpp import load_texts, reference_ids
from tokenize_vocab_variant import write_variant


def main():
    src, out_dir, strings_path, variants_path = sys.argv[1:5]
    texts = load_texts(strings_path)
    variants = json.load(open(variants_path, encoding="utf-8"))
    os.makedirs(out_dir, exist_ok=True)
    result = {}
    for name, v in variants.items():
        path = os.path.join(out_dir, name + ".gguf")
        write_variant(src, path, v.get("set", {}), set(v.get("remove", [])))
        entry = {"path": path}
        try:
            llm = llama_cpp.Llama(model_path=path, vocab_only=True, verbose=False)
        except (ValueError, RuntimeError) as e:
            entry["error"] = str(e)
            result[name] = entry
            continue
        vocab = llama_cpp.llama_model_get_vocab(llm._model.model)
        entry.update(reference_ids(llm, texts))
        entry["added"] = [llm.tokenize(t, add_bos=True, special=False) for t in texts]
        entry["add_bos"] = bool(llama_cpp.llama_vocab_get_add_bos(vocab))
        entry["add_eos"] = bool(llama_cpp.llama_vocab_get_add_eos(vocab))
        result[name] = entry
        del llm
    json.dump({"texts": [t.hex() for t in texts], "variants": result}, sys.stdout)


if __name__ == "__main__":
    main()
