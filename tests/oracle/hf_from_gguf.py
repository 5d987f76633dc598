"""A Hugging Face folder written by transformers from a GGUF file (no code of QuantTune's).

usage: hf_from_gguf.py MODEL.gguf OUT_DIR [DTYPE]
transformers reads the GGUF (AutoModelForCausalLM / AutoTokenizer with gguf_file=),
unpacks every weight to DTYPE (float32 unless told: float32, bfloat16 or float16), and
save_pretrained writes OUT_DIR: config.json, model.safetensors, generation_config.json,
tokenizer.json and tokenizer_config.json. Prints one line with the tensor count.
"""
import os
import sys

import torch
from transformers import AutoModelForCausalLM, AutoTokenizer


def main():
    if len(sys.argv) < 3:
        sys.exit(__doc__)
    gguf_path, out_dir = os.path.abspath(sys.argv[1]), sys.argv[2]
    dtype = getattr(torch, sys.argv[3] if len(sys.argv) > 3 else "float32")
    folder, name = os.path.split(gguf_path)
    tokenizer = AutoTokenizer.from_pretrained(folder, gguf_file=name)
    model = AutoModelForCausalLM.from_pretrained(folder, gguf_file=name, dtype=dtype)
    # Without a GGUF matmul kernel (none on CPU) transformers unpacks every weight into a
    # plain dense model, but keeps the GGUF quantizer attached, which refuses to save.
    # Dropping it is the library's own step for a model whose weights are dense.
    quantizer = getattr(model, "hf_quantizer", None)
    if quantizer is not None:
        if getattr(quantizer, "packed_modules", None):
            sys.exit("transformers kept GGUF blocks packed; this oracle needs a dense model")
        quantizer.remove_quantization_config(model)
    model.save_pretrained(out_dir, safe_serialization=True)
    tokenizer.save_pretrained(out_dir)
    print(f"{out_dir}\t{len(model.state_dict())} tensors\t{dtype}")


if __name__ == "__main__":
    main()
