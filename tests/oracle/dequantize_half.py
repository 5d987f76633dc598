"""numpy's float16 <-> float32 conversions, the reference for engine/quant/half.h.

usage: dequantize_half.py DIR
Writes DIR/fp16_to_fp32.f32: float16 bit patterns 0..65535 converted with
astype(np.float32). When DIR/fp32_inputs.f32 exists (little-endian float32),
writes DIR/fp32_to_fp16.u16: those values converted with astype(np.float16),
as raw u16 bit patterns.
"""
import os
import sys

import numpy as np


def main():
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    folder = sys.argv[1]
    halves = np.arange(65536, dtype=np.uint32).astype(np.uint16).view(np.float16)
    halves.astype(np.float32).astype("<f4").tofile(os.path.join(folder, "fp16_to_fp32.f32"))
    inputs = os.path.join(folder, "fp32_inputs.f32")
    if os.path.exists(inputs):
        values = np.fromfile(inputs, dtype="<f4")
        with np.errstate(over="ignore", invalid="ignore"):
            converted = values.astype(np.float16)
        converted.view(np.uint16).astype("<u2").tofile(os.path.join(folder, "fp32_to_fp16.u16"))


if __name__ == "__main__":
    main()
