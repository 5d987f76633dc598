"""llama.cpp's own quantizer (llama_model_quantize, through llama-cpp-python).

usage: quantize_llama_cpp.py SRC.gguf DST.gguf TYPE
TYPE is a llama_ftype name without its prefix, e.g. Q4_K_M. An already quantized
SRC is re-quantized (allow_requantize), as `llama-quantize --allow-requantize`
does. Tensors whose rows K-quants cannot hold (width not a multiple of 256) get
llama.cpp's fallback types; the file is what a user of llama.cpp would make.
"""
import sys

import llama_cpp


def main():
    if len(sys.argv) != 4:
        sys.exit(__doc__)
    src, dst, name = sys.argv[1:]
    ftype = getattr(llama_cpp, "LLAMA_FTYPE_MOSTLY_" + name, None)
    if ftype is None:
        sys.exit("unknown type " + name)
    params = llama_cpp.llama_model_quantize_default_params()
    params.ftype = ftype
    params.allow_requantize = True
    params.nthread = 2
    rc = llama_cpp.llama_model_quantize(src.encode(), dst.encode(), params)
    if rc != 0:
        sys.exit("llama_model_quantize returned %d" % rc)
    print("quantized", src, "to", name, "in", dst)


if __name__ == "__main__":
    main()
