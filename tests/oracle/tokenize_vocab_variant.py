#!/usr/bin/env python3
"""Copies a GGUF's metadata (no tensors) into a new file with some string keys
replaced, so that e.g. another tokenizer.ggml.pre can be checked against
llama.cpp on a real vocabulary, or a bad value checked for a clear error.

    tokenize_vocab_variant.py SOURCE.gguf OUT.gguf KEY=VALUE...
"""
import sys

import gguf


def main():
    src, dst = sys.argv[1], sys.argv[2]
    overrides = dict(arg.split("=", 1) for arg in sys.argv[3:])
    reader = gguf.GGUFReader(src)
    arch = reader.fields["general.architecture"].contents()
    writer = gguf.GGUFWriter(dst, arch)
    for key, field in reader.fields.items():
        if key.startswith("GGUF.") or key == "general.architecture":
            continue
        value = field.contents()
        vtype = field.types[0]
        if key in overrides:
            value, vtype = overrides.pop(key), gguf.GGUFValueType.STRING
        if vtype == gguf.GGUFValueType.ARRAY:
            writer.add_key_value(key, value, vtype, sub_type=field.types[-1])
        else:
            writer.add_key_value(key, value, vtype)
    for key, value in overrides.items():  # keys the source lacks
        writer.add_key_value(key, value, gguf.GGUFValueType.STRING)
    writer.write_header_to_file()
    writer.write_kv_data_to_file()
    writer.write_tensors_to_file()
    writer.close()


if __name__ == "__main__":
    main()
