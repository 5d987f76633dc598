"""The Python safetensors package as the reference for engine/safetensors.

usage: safetensors_numpy.py write DIR
  Writes DIR/python.safetensors with safetensors.numpy.save_file (F32, F16 and
  I64 tensors, one a scalar, and metadata {"source": "numpy"}), and each float
  tensor's values, as float32, to DIR/NAME.f32 (little-endian).
usage: safetensors_numpy.py read FILE
  Loads FILE with safetensors.numpy.load_file and prints one JSON object:
  name -> {"dtype": numpy dtype name, "shape": [...], "bits": [...]}, the bits
  being each value's float32 bit pattern (exact, and JSON has no inf or NaN), and
  "__metadata__" -> the file's metadata.
"""
import json
import os
import sys

import numpy as np
from safetensors import safe_open
from safetensors.numpy import load_file, save_file


def write(folder):
    tensors = {
        "model.embed_tokens.weight": (np.arange(24, dtype=np.float32).reshape(4, 6) * np.float32(0.37)
                                      - np.float32(2.0)),
        "model.layers.0.self_attn.q_proj.weight": (np.linspace(-3, 3, 30, dtype=np.float32).reshape(5, 6) ** 3)
        .astype(np.float16),
        "model.norm.weight": np.array([1e-8, 65504.0, -0.1, 3.14159], dtype=np.float16),
        "scale": np.array(0.125, dtype=np.float32),
        "positions": np.arange(7, dtype=np.int64),
    }
    save_file(tensors, os.path.join(folder, "python.safetensors"), metadata={"source": "numpy"})
    for name, t in tensors.items():
        if t.dtype.kind == "f":
            t.astype("<f4").tofile(os.path.join(folder, name + ".f32"))


def read(path):
    out = {}
    for name, t in load_file(path).items():
        out[name] = {"dtype": str(t.dtype), "shape": list(t.shape), "bits": t.astype("<f4").ravel().view("<u4").tolist()}
    with safe_open(path, framework="numpy") as f:
        out["__metadata__"] = f.metadata()
    print(json.dumps(out))


def main():
    if len(sys.argv) != 3 or sys.argv[1] not in ("write", "read"):
        sys.exit(__doc__)
    if sys.argv[1] == "write":
        write(sys.argv[2])
    else:
        read(sys.argv[2])


if __name__ == "__main__":
    main()
