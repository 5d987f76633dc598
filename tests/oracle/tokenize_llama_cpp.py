#!/usr/bin/env python3
"""Reference tokenization with llama.cpp (llama-cpp-python, vocab only).

    tokenize_llama_cpp.py MODEL.gguf STRINGS.json
prints JSON: {"special": [ids per string, special=True],
              "plain":   [ids per string, special=False],
              "eog":     [token ids for which llama_vocab_is_eog is true],
              "pieces":  [hex of llama_token_to_piece(id, special=True) for every id]}
"""
import ctypes
import json
import sys

import llama_cpp


def load_texts(strings_path):
    entries = json.load(open(strings_path, encoding="utf-8"))["strings"]
    return [bytes.fromhex(e["hex"]) if "hex" in e else e["text"].encode("utf-8") for e in entries]


def reference_ids(llm, texts):
    """llama.cpp's ids for each text, without BOS/EOS, with and without special-token parsing."""
    return {
        "special": [llm.tokenize(t, add_bos=False, special=True) if t else [] for t in texts],
        "plain": [llm.tokenize(t, add_bos=False, special=False) if t else [] for t in texts],
    }


def main():
    model_path, strings_path = sys.argv[1], sys.argv[2]
    texts = load_texts(strings_path)
    llm = llama_cpp.Llama(model_path=model_path, vocab_only=True, verbose=False)
    vocab = llama_cpp.llama_model_get_vocab(llm._model.model)
    n_vocab = llama_cpp.llama_vocab_n_tokens(vocab)
    out = reference_ids(llm, texts)
    out["eog"] = [i for i in range(n_vocab) if llama_cpp.llama_vocab_is_eog(vocab, i)]
    buf = ctypes.create_string_buffer(256)
    pieces = []
    for i in range(n_vocab):
        n = llama_cpp.llama_token_to_piece(vocab, i, buf, len(buf), 0, True)
        pieces.append(buf.raw[:n].hex())
    out["pieces"] = pieces
    json.dump(out, sys.stdout)


if __name__ == "__main__":
    main()
