"""Per-tensor checksums of gguf-py's dequantization of every tensor of a GGUF file.

usage: dequantize_model.py MODEL CHECKSUMS_OUT
       dequantize_model.py MODEL --dump TENSOR_NAME FLOATS_OUT

Checksum mode: each tensor is dequantized with gguf.quants.dequantize, flattened
(ggml order, dims[0] contiguous) and cut into chunks of CHUNK float32 values.
For each chunk it writes one little-endian u64,
    sum over i of bits(x[i]) * weight(i)  (mod 2^64),  weight(i) = (2i + 1) * 0x9E3779B97F4A7C15,
with bits() the raw u32 pattern and i the position inside the chunk. The weights
are odd, so a single differing element always changes the sum. Chunks of all
tensors follow each other in file order; stdout gets one line per tensor:
    NAME <TAB> ELEMENTS <TAB> FIRST_CHUNK
Dump mode writes the float32 values of one tensor, so a caller that found a
differing chunk can name the first differing element.
"""
import sys

import numpy as np
from gguf import GGUFReader
from gguf.quants import dequantize

CHUNK = 4096
WEIGHTS = (np.arange(CHUNK, dtype=np.uint64) * np.uint64(2) + np.uint64(1)) * np.uint64(0x9E3779B97F4A7C15)


def dequantized(tensor):
    return np.ascontiguousarray(dequantize(tensor.data, tensor.tensor_type), dtype=np.float32).reshape(-1)


def chunk_sums(values):
    n_chunks = -(-values.size // CHUNK)
    bits = np.zeros(n_chunks * CHUNK, dtype=np.uint32)
    bits[: values.size] = values.view(np.uint32)
    sums = np.empty(n_chunks, dtype=np.uint64)
    step = 256  # chunks per slice, bounds the uint64 temporaries
    for start in range(0, n_chunks, step):
        block = bits[start * CHUNK : (start + step) * CHUNK].astype(np.uint64).reshape(-1, CHUNK)
        sums[start : start + step] = (block * WEIGHTS).sum(axis=1, dtype=np.uint64)
    return sums


def main():
    model = sys.argv[1]
    reader = GGUFReader(model)
    if len(sys.argv) == 5 and sys.argv[2] == "--dump":
        name, out = sys.argv[3], sys.argv[4]
        matches = [t for t in reader.tensors if t.name == name]
        if not matches:
            sys.exit(f"{model}: no tensor named {name}")
        dequantized(matches[0]).tofile(out)
        return
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    first_chunk = 0
    lines = []
    with open(sys.argv[2], "wb") as out:
        for t in reader.tensors:
            values = dequantized(t)
            sums = chunk_sums(values)
            sums.astype("<u8").tofile(out)
            lines.append(f"{t.name}\t{values.size}\t{first_chunk}")
            first_chunk += sums.size
    print("\n".join(lines))


if __name__ == "__main__":
    main()
