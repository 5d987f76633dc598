"""numpy's SVD of a gradient, for Q-GaLore's projection test.

usage: svd_subspace.py DIR ROWS COLS RANK
DIR/grad.f32 holds ROWS x COLS little-endian float32 values (row-major). Writes
DIR/numpy.f32: GaLore's projection from numpy.linalg.svd in float64 (rows >= cols:
the first RANK rows of V^T, else the first RANK columns of U, as a ROWS x RANK
matrix) and DIR/singular.f64: all singular values.
"""
import os
import sys

import numpy as np


def main():
    if len(sys.argv) != 5:
        sys.exit(__doc__)
    folder = sys.argv[1]
    rows, cols, rank = (int(a) for a in sys.argv[2:])
    g = np.fromfile(os.path.join(folder, "grad.f32"), dtype="<f4")
    if g.size != rows * cols:
        sys.exit(f"grad.f32: {g.size} values, expected {rows} x {cols}")
    u, s, vt = np.linalg.svd(g.reshape(rows, cols).astype(np.float64), full_matrices=False)
    p = vt[:rank, :] if rows >= cols else u[:, :rank]
    np.ascontiguousarray(p, dtype="<f4").tofile(os.path.join(folder, "numpy.f32"))
    s.astype("<f8").tofile(os.path.join(folder, "singular.f64"))
    print(f"svd {rows} x {cols}: sigma[{rank - 1}] = {s[rank - 1]:.4g}, sigma[{rank}] = {s[rank]:.4g}")


if __name__ == "__main__":
    main()
