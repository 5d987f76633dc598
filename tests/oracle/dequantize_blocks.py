"""gguf-py's dequantization of raw block files.

usage: dequantize_blocks.py DIR
For every DIR/<TYPE>.blocks (TYPE a GGMLQuantizationType name such as Q4_K),
the bytes are read with np.frombuffer as uint8, shaped (blocks, type_size) as
gguf.quants expects, dequantized with gguf.quants.dequantize and written as
little-endian float32 to DIR/<TYPE>.f32. Prints one line per type done.
"""
import os
import sys

import numpy as np
from gguf.constants import GGML_QUANT_SIZES, GGMLQuantizationType
from gguf.quants import dequantize


def main():
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    folder = sys.argv[1]
    for entry in sorted(os.listdir(folder)):
        if not entry.endswith(".blocks"):
            continue
        type_name = entry[: -len(".blocks")]
        qtype = GGMLQuantizationType[type_name]
        _, type_size = GGML_QUANT_SIZES[qtype]
        with open(os.path.join(folder, entry), "rb") as f:
            raw = f.read()
        if len(raw) % type_size != 0:
            sys.exit(f"{entry}: {len(raw)} bytes is not a multiple of the {type_name} block size {type_size}")
        blocks = np.frombuffer(raw, dtype=np.uint8).reshape(-1, type_size)
        values = np.asarray(dequantize(blocks, qtype), dtype=np.float32)
        values.astype("<f4").tofile(os.path.join(folder, type_name + ".f32"))
        print(f"{type_name}\t{blocks.shape[0]}\t{values.size}")


if __name__ == "__main__":
    main()
