"""llama.cpp's own CPU quantization and dot kernels, called through ctypes from the
libggml-cpu.so that llama-cpp-python ships (the code our logits are compared with).

usage:
  ggml_cpu_ops.py quantize DOT_TYPE N IN.f32 OUT.bin
      quantize_row_<dot type>(x, y, N) on N float32 values (one row)
  ggml_cpu_ops.py dot WEIGHT_TYPE N ROWS W.bin X.bin OUT.f32
      ggml_vec_dot_<weight>_<dot type>(N, ...) for each of ROWS weight rows of W.bin
      against the already quantized activation row X.bin; writes ROWS float32
DOT_TYPE: q8_0 q8_1 q8_K; WEIGHT_TYPE: q4_0 q4_1 q5_0 q5_1 q8_0 q2_K q3_K q4_K q5_K q6_K
"""
import ctypes
import os
import sys

import numpy as np
import llama_cpp

DOT_TYPE = {"q4_0": "q8_0", "q5_0": "q8_0", "q8_0": "q8_0", "q4_1": "q8_1", "q5_1": "q8_1",
            "q2_K": "q8_K", "q3_K": "q8_K", "q4_K": "q8_K", "q5_K": "q8_K", "q6_K": "q8_K"}
# Bytes per block and elements per block (ggml-common.h).
BLOCK = {"q4_0": (18, 32), "q4_1": (20, 32), "q5_0": (22, 32), "q5_1": (24, 32), "q8_0": (34, 32),
         "q8_1": (36, 32), "q2_K": (84, 256), "q3_K": (110, 256), "q4_K": (144, 256),
         "q5_K": (176, 256), "q6_K": (210, 256), "q8_K": (292, 256)}


def load_ggml_cpu():
    lib_dir = os.path.join(os.path.dirname(llama_cpp.__file__), "lib")
    ctypes.CDLL(os.path.join(lib_dir, "libggml-base.so"), mode=ctypes.RTLD_GLOBAL)
    cpu = ctypes.CDLL(os.path.join(lib_dir, "libggml-cpu.so"), mode=ctypes.RTLD_GLOBAL)
    cpu.ggml_cpu_init()  # fills the fp16 tables some builds convert scales with
    return cpu


def row_bytes(t, n):
    size, per = BLOCK[t]
    if n % per:
        raise SystemExit(f"ggml_cpu_ops.py: row length {n} is not a multiple of the {t} block size {per}")
    return n // per * size


def main():
    cpu = load_ggml_cpu()
    op = sys.argv[1]
    if op == "quantize":
        t, n, src, dst = sys.argv[2], int(sys.argv[3]), sys.argv[4], sys.argv[5]
        x = np.fromfile(src, dtype=np.float32)
        if x.size != n:
            raise SystemExit(f"ggml_cpu_ops.py: {src} holds {x.size} floats, expected {n}")
        y = ctypes.create_string_buffer(row_bytes(t, n))
        fn = getattr(cpu, f"quantize_row_{t}")
        fn.argtypes = [ctypes.c_void_p, ctypes.c_void_p, ctypes.c_int64]
        fn(x.ctypes.data, y, n)
        open(dst, "wb").write(y.raw)
    elif op == "dot":
        t, n, rows, wpath, xpath, dst = sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), *sys.argv[5:8]
        w = np.fromfile(wpath, dtype=np.uint8)
        x = np.fromfile(xpath, dtype=np.uint8)
        rb = row_bytes(t, n)
        if w.size != rb * rows or x.size != row_bytes(DOT_TYPE[t], n):
            raise SystemExit(f"ggml_cpu_ops.py: {wpath} or {xpath} has the wrong size for {rows} rows of {n} {t}")
        fn = getattr(cpu, f"ggml_vec_dot_{t}_{DOT_TYPE[t]}")
        fn.argtypes = [ctypes.c_int, ctypes.POINTER(ctypes.c_float), ctypes.c_size_t, ctypes.c_void_p,
                       ctypes.c_size_t, ctypes.c_void_p, ctypes.c_size_t, ctypes.c_int]
        out = np.zeros(rows, dtype=np.float32)
        s = ctypes.c_float()
        for r in range(rows):
            fn(n, ctypes.byref(s), 0, w.ctypes.data + r * rb, 0, x.ctypes.data, 0, 1)
            out[r] = s.value
        out.tofile(dst)
    else:
        raise SystemExit(__doc__)


if __name__ == "__main__":
    main()
