#!/usr/bin/env python3
"""Copies a GGUF's metadata (no tensors) into a new file with some keys replaced,
added or removed, so that e.g. another tokenizer.ggml.pre can be checked against
llama.cpp on a real vocabulary, or a bad value checked for a clear error.

    tokenize_vocab_variant.py SOURCE.gguf OUT.gguf KEY=VALUE... -KEY...

A replaced key keeps the source's type (bool from "true"/"false", numbers parsed);
an added key is a bool for "true"/"false" and a string otherwise; -KEY drops the key.
"""
import sys

import gguf

T = gguf.GGUFValueType


def typed(value, vtype):
    if vtype == T.BOOL:
        if value not in ("true", "false"):
            raise SystemExit(f"expected true or false, got {value!r}")
        return value == "true"
    if vtype in (T.UINT8, T.INT8, T.UINT16, T.INT16, T.UINT32, T.INT32, T.UINT64, T.INT64):
        return int(value)
    if vtype in (T.FLOAT32, T.FLOAT64):
        return float(value)
    return value


def write_variant(src, dst, overrides, removals=()):
    """overrides: {key: value as text}; removals: keys to leave out."""
    overrides = dict(overrides)
    reader = gguf.GGUFReader(src)
    arch = reader.fields["general.architecture"].contents()
    writer = gguf.GGUFWriter(dst, arch)
    for key, field in reader.fields.items():
        if key.startswith("GGUF.") or key == "general.architecture" or key in removals:
            continue
        value = field.contents()
        vtype = field.types[0]
        if key in overrides:
            if vtype == T.ARRAY:
                raise SystemExit(f"cannot override array key {key}")
            value = typed(overrides.pop(key), vtype)
        if vtype == T.ARRAY:
            writer.add_key_value(key, value, vtype, sub_type=field.types[-1])
        else:
            writer.add_key_value(key, value, vtype)
    for key, value in overrides.items():  # keys the source lacks
        if value in ("true", "false"):
            writer.add_key_value(key, value == "true", T.BOOL)
        else:
            writer.add_key_value(key, value, T.STRING)
    writer.write_header_to_file()
    writer.write_kv_data_to_file()
    writer.write_tensors_to_file()
    writer.close()


def main():
    src, dst = sys.argv[1], sys.argv[2]
    overrides = dict(arg.split("=", 1) for arg in sys.argv[3:] if not arg.startswith("-"))
    removals = {arg[1:] for arg in sys.argv[3:] if arg.startswith("-")}
    write_variant(src, dst, overrides, removals)


if __name__ == "__main__":
    main()
