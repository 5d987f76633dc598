#!/usr/bin/env python3
"""Trains a tiny SentencePiece BPE model (byte fallback, Llama-style settings) on
generated English text, writes it as OUT/tokenizer.model, writes OUT/spm.gguf
holding only its vocabulary as tokenizer.ggml.* metadata, and OUT/cases.json with
strings and the ids the sentencepiece library gives them (no BOS).

    tokenize_spm_make_model.py OUT_DIR
"""
import json
import os
import random
import sys

import gguf
import sentencepiece as spm

WORDS = ("the a an of to in and is was for on with as by at from that this it be are not or have has had "
         "model token piece merge score byte vocabulary text sentence word quantized weight training learning "
         "rate gradient loss small tiny fast slow simple example language engine test string number value "
         "people time year day way thing world life hand part child eye woman place work week case point "
         "government company question problem fact read write run walk talk think know see come go make").split()


def sentence(rng):
    n = rng.randint(4, 14)
    words = [rng.choice(WORDS) for _ in range(n)]
    words[0] = words[0].capitalize()
    if rng.random() < 0.2:
        words.insert(rng.randrange(n), str(rng.randint(0, 999)))
    return " ".join(words) + rng.choice([".", ".", "!", "?", ","])


def main():
    out = sys.argv[1]
    os.makedirs(out, exist_ok=True)
    rng = random.Random(7)
    corpus = os.path.join(out, "corpus.txt")
    with open(corpus, "w", encoding="utf-8") as f:
        for _ in range(3000):
            f.write(sentence(rng) + "\n")
    prefix = os.path.join(out, "tokenizer")
    spm.SentencePieceTrainer.train(
        input=corpus, model_prefix=prefix, model_type="bpe", vocab_size=600, byte_fallback=True,
        character_coverage=1.0, normalization_rule_name="identity", remove_extra_whitespaces=False,
        add_dummy_prefix=True, split_digits=True, num_threads=1, minloglevel=2,
        unk_id=0, bos_id=1, eos_id=2, pad_id=-1)
    sp = spm.SentencePieceProcessor(model_file=prefix + ".model")

    tokens, scores, types = [], [], []
    for i in range(sp.get_piece_size()):
        tokens.append(sp.id_to_piece(i))
        scores.append(sp.get_score(i))
        if sp.is_unknown(i):
            types.append(gguf.TokenType.UNKNOWN)
        elif sp.is_control(i):
            types.append(gguf.TokenType.CONTROL)
        elif sp.is_unused(i):
            types.append(gguf.TokenType.UNUSED)
        elif sp.is_byte(i):
            types.append(gguf.TokenType.BYTE)
        else:
            types.append(gguf.TokenType.NORMAL)
    w = gguf.GGUFWriter(os.path.join(out, "spm.gguf"), "llama")
    w.add_tokenizer_model("llama")
    w.add_token_list(tokens)
    w.add_token_scores(scores)
    w.add_token_types(types)
    w.add_bos_token_id(sp.bos_id())
    w.add_eos_token_id(sp.eos_id())
    w.add_unk_token_id(sp.unk_id())
    w.add_add_bos_token(True)
    w.add_add_space_prefix(True)
    w.write_header_to_file()
    w.write_kv_data_to_file()
    w.write_tensors_to_file()
    w.close()

    strings = ["", "Hello world", "the model", " the model", "the  model", "a\tb", "line one\nline two",
               "Tokens 123 and 4567.", "café naïve", "日本語", "emoji 🙂 here", "  leading", "trailing  ",
               "UPPER CASE WORDS", "quantized-weight_training", "x=1+2", "<s> and </s> as text",
               "The the THE tHe", "punctuation!?;:", "\n\n", " ", "Zürich", "∑ ∫ √"]
    rng = random.Random(11)
    while len(strings) < 110:
        s = sentence(rng)
        if rng.random() < 0.3:
            s += rng.choice(["  ", "\n", " \t", " é", " 😀", " 42"]) + sentence(rng)
        strings.append(s)
    cases = {"strings": strings, "ids": [sp.encode(s) for s in strings], "vocab_size": sp.get_piece_size()}
    with open(os.path.join(out, "cases.json"), "w", encoding="utf-8") as f:
        json.dump(cases, f, ensure_ascii=False)
    print(out)


if __name__ == "__main__":
    main()
