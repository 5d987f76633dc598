"""gguf-py's quantization of float32 rows.

usage: quantize_blocks.py DIR COLS TYPE...
DIR/input.f32 holds little-endian float32 values, COLS per row. For every TYPE
(a GGMLQuantizationType name such as Q4_1, or F32 / F16), the rows are passed
to gguf.quants.quantize as a (rows, COLS) float32 array and the bytes it
returns are written to DIR/<TYPE>.blocks. Prints one line per type done.
"""
import os
import sys

import numpy as np
from gguf.constants import GGMLQuantizationType
from gguf.quants import quantize


def main():
    if len(sys.argv) < 4:
        sys.exit(__doc__)
    folder, cols = sys.argv[1], int(sys.argv[2])
    values = np.fromfile(os.path.join(folder, "input.f32"), dtype="<f4")
    if cols <= 0 or values.size % cols != 0:
        sys.exit(f"input.f32: {values.size} values do not make rows of {cols}")
    rows = values.astype(np.float32).reshape(-1, cols)
    for type_name in sys.argv[3:]:
        qtype = GGMLQuantizationType[type_name]
        with np.errstate(over="ignore"):  # fp16 scales of huge blocks become inf, as in ggml
            out = np.ascontiguousarray(quantize(rows, qtype))
        with open(os.path.join(folder, type_name + ".blocks"), "wb") as f:
            f.write(out.tobytes())
        print(f"{type_name}\t{rows.shape[0]}x{cols}\t{out.nbytes} bytes")


if __name__ == "__main__":
    main()
