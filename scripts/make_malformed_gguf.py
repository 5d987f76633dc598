#!/usr/bin/env python3
"""Writes a small valid LLaMA-shaped GGUF file and hostile variants of it.

Usage: make_malformed_gguf.py OUTPUT_DIR

The files are packed by hand (struct) so that every field can be broken on
purpose; the valid ones are read back with gguf-py's GGUFReader as an
independent check that the packing follows docs/gguf.md.

Files named valid_*.gguf must load. Every other file is named for its one
defect (bad_magic.gguf, truncated_in_key.gguf, ...) and must be refused with
an error naming that defect; tests/engine/test_malformed_gguf.cpp holds the
word each error must contain.

Policy on text (see engine/gguf/gguf_strings.h): keys and tensor names must
be UTF-8 without control characters, so invalid UTF-8 there is a defect;
string *values* may hold any bytes (tokenizer vocabularies can hold byte
fragments), so valid_string_value_not_utf8.gguf must load.
"""
import struct
import sys
from pathlib import Path

import numpy as np
from gguf import GGMLQuantizationType, GGUFReader
from gguf.quants import quantize

# GGUF value types (docs/gguf.md, gguf_metadata_value_type).
U8, I8, U16, I16, U32, I32, F32, BOOL, STRING, ARRAY, U64, I64, F64 = range(13)
SCALAR_FORMATS = {U8: "<B", I8: "<b", U16: "<H", I16: "<h", U32: "<I", I32: "<i", F32: "<f",
                  BOOL: "<B", U64: "<Q", I64: "<q", F64: "<d"}

# ggml tensor types used here.
T_F32, T_F16, T_Q4_0, T_Q8_0 = 0, 1, 2, 8


class Raw:
    """Bytes written as they are in place of an encoded value."""

    def __init__(self, data: bytes):
        self.data = data


def pack_str(s) -> bytes:
    b = s.encode("utf-8") if isinstance(s, str) else s
    return struct.pack("<Q", len(b)) + b


def encode_value(vtype: int, value) -> bytes:
    if isinstance(value, Raw):
        return value.data
    if vtype == STRING:
        return pack_str(value)
    if vtype == ARRAY:
        elem_type, items = value
        return struct.pack("<IQ", elem_type, len(items)) + b"".join(encode_value(elem_type, x) for x in items)
    return struct.pack(SCALAR_FORMATS[vtype], value)


def align_up(n: int, a: int) -> int:
    return (n + a - 1) // a * a


def build(kvs, tensors, *, magic=b"GGUF", version=3, n_tensors=None, n_kv=None, alignment=32):
    """Packs a GGUF file. Returns (bytes, marks): marks name byte offsets of fields.

    kvs: list of (key, value type, value); tensors: list of dicts with name, dims,
    type, data and optional n_dims / offset overrides (offsets default to packed
    in order, each aligned).
    """
    marks = {}
    out = bytearray()
    out += magic
    marks["version"] = len(out)
    out += struct.pack("<I", version)
    marks["tensor_count"] = len(out)
    out += struct.pack("<Q", len(tensors) if n_tensors is None else n_tensors)
    marks["kv_count"] = len(out)
    out += struct.pack("<Q", len(kvs) if n_kv is None else n_kv)
    for key, vtype, value in kvs:
        k = key if isinstance(key, str) else repr(key)
        marks[f"kv:{k}"] = len(out)
        marks[f"key_bytes:{k}"] = len(out) + 8
        out += pack_str(key)
        marks[f"type:{k}"] = len(out)
        out += struct.pack("<I", vtype)
        marks[f"value:{k}"] = len(out)
        out += encode_value(vtype, value)
    marks["tensor_infos"] = len(out)
    running = 0
    for i, t in enumerate(tensors):
        marks[f"tinfo:{i}"] = len(out)
        out += pack_str(t["name"])
        marks[f"n_dims:{i}"] = len(out)
        out += struct.pack("<I", t.get("n_dims", len(t["dims"])))
        marks[f"dims:{i}"] = len(out)
        out += b"".join(struct.pack("<Q", d) for d in t["dims"])
        marks[f"ttype:{i}"] = len(out)
        out += struct.pack("<I", t["type"])
        offset = t.get("offset", running)
        t["_offset"] = offset
        marks[f"offset:{i}"] = len(out)
        out += struct.pack("<Q", offset)
        if "offset" not in t:
            running = align_up(offset + len(t["data"]), alignment)
    marks["end_of_infos"] = len(out)
    data_start = align_up(len(out), alignment)
    marks["data"] = data_start
    # The data section holds the packed tensors; one moved far away (offset_past_end) is left out.
    data = bytearray(max((t["_offset"] + len(t["data"]) for t in tensors if t["_offset"] <= running), default=0))
    for t in tensors:
        if t["_offset"] + len(t["data"]) <= len(data):
            data[t["_offset"]:t["_offset"] + len(t["data"])] = t["data"]
    if tensors:
        out += bytes(data_start - len(out))
        out += data
    return bytes(out), marks


def valid_metadata():
    """Every value type, arrays of scalars and strings, and nested arrays three deep."""
    tokens = ["<unk>", "<s>", "</s>", "a", "b", "ab", "\u0120the", "\u00e9t\u00e9"]
    return [
        ("general.architecture", STRING, "llama"),
        ("general.name", STRING, "malformed-gguf-fixture"),
        ("general.alignment", U32, 32),
        ("llama.block_count", U32, 1),
        ("llama.context_length", U32, 64),
        ("llama.embedding_length", U32, 64),
        ("llama.feed_forward_length", U32, 128),
        ("llama.attention.head_count", U32, 4),
        ("llama.attention.head_count_kv", U32, 2),
        ("llama.rope.freq_base", F32, 10000.0),
        ("llama.attention.layer_norm_rms_epsilon", F32, 1e-5),
        ("test.u8", U8, 200),
        ("test.i8", I8, -100),
        ("test.u16", U16, 60000),
        ("test.i16", I16, -30000),
        ("test.i32", I32, -2000000000),
        ("test.u64", U64, 1 << 40),
        ("test.i64", I64, -(1 << 40)),
        ("test.f64", F64, 3.25),
        ("test.bool", BOOL, 1),
        ("test.bool_array", ARRAY, (BOOL, [1, 0, 1])),
        ("test.nested", ARRAY, (ARRAY, [(I32, [1, 2, 3]), (I32, [4, 5]), (I32, [])])),
        ("test.nested3", ARRAY, (ARRAY, [(ARRAY, [(U8, [7, 8])]), (ARRAY, [(U8, [9])])])),
        ("tokenizer.ggml.model", STRING, "gpt2"),
        ("tokenizer.ggml.tokens", ARRAY, (STRING, tokens)),
        ("tokenizer.ggml.scores", ARRAY, (F32, [float(-i) for i in range(len(tokens))])),
        ("tokenizer.ggml.token_type", ARRAY, (I32, [2, 3, 3] + [1] * (len(tokens) - 3))),
        ("tokenizer.ggml.merges", ARRAY, (STRING, ["a b"])),
        ("tokenizer.ggml.bos_token_id", U32, 1),
        ("tokenizer.ggml.eos_token_id", U32, 2),
        ("tokenizer.chat_template", STRING, "{% for m in messages %}\n{{ m['content'] }}\n{% endfor %}"),
    ]


def valid_tensors():
    rng = np.random.default_rng(1234)

    def weights(rows, cols):
        return rng.standard_normal((rows, cols)).astype(np.float32) * 0.1

    def q(arr, qtype):
        return quantize(arr, qtype).tobytes()

    n_embd, n_vocab = 64, 8
    return [
        {"name": "token_embd.weight", "dims": [n_embd, n_vocab], "type": T_Q8_0,
         "data": q(weights(n_vocab, n_embd), GGMLQuantizationType.Q8_0)},
        {"name": "output_norm.weight", "dims": [n_embd], "type": T_F32,
         "data": np.ones(n_embd, np.float32).tobytes()},
        {"name": "blk.0.attn_norm.weight", "dims": [n_embd], "type": T_F32,
         "data": np.full(n_embd, 0.5, np.float32).tobytes()},
        {"name": "blk.0.attn_q.weight", "dims": [n_embd, n_embd], "type": T_Q4_0,
         "data": q(weights(n_embd, n_embd), GGMLQuantizationType.Q4_0)},
        {"name": "blk.0.attn_k.weight", "dims": [n_embd, 32], "type": T_F16,
         "data": weights(32, n_embd).astype(np.float16).tobytes()},
    ]


def with_kv(kvs, key, vtype=None, value=None):
    """Copy of kvs with the type and/or value of entry `key` replaced."""
    return [(k, vtype if k == key and vtype is not None else t, value if k == key and value is not None else v)
            for k, t, v in kvs]


def with_tensor(tensors, index, **changes):
    out = [dict(t) for t in tensors]
    out[index].update(changes)
    return out


def nested_arrays(depth):
    """An ARRAY value whose arrays are nested `depth` levels deep (depth 1 = array of u8)."""
    value = (U8, [1, 2])
    for _ in range(depth - 1):
        value = (ARRAY, [value])
    return value


def variants():
    kvs, tensors = valid_metadata(), valid_tensors()
    good, m = build(kvs, tensors)
    assert len(good) < 65536, "the valid file must fit the fuzzer's -max_len"
    v = {}

    v["valid"] = good
    v["valid_version2"] = build(kvs, tensors, version=2)[0]
    v["valid_alignment_64"] = build(with_kv(kvs, "general.alignment", value=64), tensors, alignment=64)[0]
    v["valid_no_tensors"] = build(kvs, [])[0]
    v["valid_string_value_not_utf8"] = build(kvs + [("test.raw_bytes", STRING, b"\xff\xfe bytes")], tensors)[0]

    # Header.
    v["empty_file"] = b""
    v["bad_magic"] = b"\x7fELF" + good[4:]
    v["big_endian"] = good[:4] + struct.pack(">I", 3) + good[8:]
    v["unsupported_version_1"] = build(kvs, tensors, version=1)[0]
    v["unsupported_version_4"] = build(kvs, tensors, version=4)[0]
    v["absurd_tensor_count"] = build(kvs, tensors, n_tensors=1 << 62)[0]
    v["absurd_kv_count"] = build(kvs, tensors, n_kv=(1 << 64) - 1)[0]

    # Truncation inside every section.
    v["truncated_in_magic"] = good[:2]
    v["truncated_in_version"] = good[:6]
    v["truncated_in_tensor_count"] = good[:m["tensor_count"] + 3]
    # With tensors the tensor count would not fit the 5 bytes left; with none it does.
    v["truncated_in_kv_count"] = build(kvs, [])[0][:m["kv_count"] + 5]

    # A cut early in the file trips the header's "count cannot fit" checks first, so each
    # metadata cut moves its entry last: then the counts still fit and the cut is what fails.
    def cut_in_entry(key, mark, delta):
        moved = [e for e in kvs if e[0] != key] + [e for e in kvs if e[0] == key]
        data, marks = build(moved, tensors)
        return data[:marks[f"{mark}:{key}"] + delta]

    v["truncated_in_key_length"] = cut_in_entry("general.name", "kv", 4)
    v["truncated_in_key"] = cut_in_entry("general.name", "key_bytes", 5)
    v["truncated_in_value_type"] = cut_in_entry("general.name", "type", 2)
    v["truncated_in_scalar_value"] = cut_in_entry("test.u64", "value", 3)
    v["truncated_in_string_value"] = cut_in_entry("tokenizer.chat_template", "value", 8 + 10)
    # The tokens' array header is 4 + 8 bytes; the last token starts after all the others.
    tokens = {k: v for k, _, v in kvs}["tokenizer.ggml.tokens"][1]
    last_token_at = 12 + sum(8 + len(t.encode()) for t in tokens[:-1])
    v["truncated_in_string_array"] = cut_in_entry("tokenizer.ggml.tokens", "value", last_token_at + 8 + 2)
    v["truncated_in_string_array_length"] = cut_in_entry("tokenizer.ggml.tokens", "value", last_token_at + 3)
    # test.nested: header 12, [1, 2, 3] = 12 + 12, [4, 5] = 12 + 8, then inside the length of [].
    v["truncated_in_nested_array"] = cut_in_entry("test.nested", "value", 12 + 24 + 20 + 4 + 2)
    v["truncated_in_tensor_name"] = good[:m["tinfo:1"] + 8 + 4]
    v["truncated_in_tensor_dims"] = good[:m["dims:3"] + 12]
    v["truncated_in_tensor_type"] = good[:m["ttype:3"] + 1]
    v["truncated_in_tensor_offset"] = good[:m["offset:4"] + 7]
    v["truncated_before_data"] = good[:m["end_of_infos"] + 1]
    v["truncated_in_data"] = good[:m["data"] + 700]
    v["tensor_data_past_end"] = good[:-1]

    # Absurd lengths.
    length_at = m["value:tokenizer.ggml.tokens"] + 4
    v["absurd_array_length"] = good[:length_at] + struct.pack("<Q", 1 << 60) + good[length_at + 8:]
    v["absurd_string_length"] = build(with_kv(kvs, "general.name", value=Raw(struct.pack("<Q", 1 << 63))),
                                      tensors)[0]
    v["string_length_past_end"] = build(with_kv(kvs, "general.name", value=Raw(struct.pack("<Q", 1 << 20) + b"x")),
                                        tensors)[0]
    third_token_at = m["value:tokenizer.ggml.tokens"] + 12 + sum(8 + len(t.encode()) for t in tokens[:2])
    v["absurd_string_array_element_length"] = good[:third_token_at] + struct.pack("<Q", (1 << 64) - 2) + \
        good[third_token_at + 8:]
    v["absurd_key_length"] = good[:m["kv:general.name"]] + struct.pack("<Q", 1 << 40) + good[m["kv:general.name"] + 8:]
    v["key_too_long"] = build(kvs + [("x" * 70000, U8, 1)], tensors)[0]

    # Metadata values.
    v["unknown_value_type"] = build(with_kv(kvs, "test.u8", vtype=13, value=Raw(b"\xc8")), tensors)[0]
    bad_elements = Raw(struct.pack("<IQ", 99, 1) + b"\0")
    v["unknown_array_element_type"] = build(with_kv(kvs, "test.bool_array", value=bad_elements), tensors)[0]
    v["invalid_bool"] = build(with_kv(kvs, "test.bool", value=2), tensors)[0]
    v["invalid_bool_in_array"] = build(with_kv(kvs, "test.bool_array", value=(BOOL, [1, 0, 7])), tensors)[0]
    v["nested_arrays_too_deep"] = build(kvs + [("test.deep", ARRAY, nested_arrays(9))], tensors)[0]
    v["duplicate_key"] = build(kvs + [("general.architecture", STRING, "llama")], tensors)[0]
    v["empty_key"] = build(kvs + [("", U8, 1)], tensors)[0]
    v["key_invalid_utf8"] = build(kvs + [(b"general.\xff\xfename", U8, 1)], tensors)[0]
    v["key_overlong_utf8"] = build(kvs + [(b"general.\xc0\xafname", U8, 1)], tensors)[0]
    v["key_with_newline"] = build(kvs + [(b"general.na\nme", U8, 1)], tensors)[0]

    # Alignment.
    v["alignment_zero"] = build(with_kv(kvs, "general.alignment", value=0), tensors)[0]
    v["alignment_not_power_of_two"] = build(with_kv(kvs, "general.alignment", value=48), tensors, alignment=48)[0]
    v["alignment_negative"] = build(with_kv(kvs, "general.alignment", vtype=I32, value=-32), tensors)[0]
    v["alignment_not_integer"] = build(with_kv(kvs, "general.alignment", vtype=STRING, value="32"), tensors)[0]

    # Tensor infos.
    v["duplicate_tensor_name"] = build(kvs, with_tensor(tensors, 2, name="output_norm.weight"))[0]
    v["empty_tensor_name"] = build(kvs, with_tensor(tensors, 1, name=""))[0]
    v["tensor_name_invalid_utf8"] = build(kvs, with_tensor(tensors, 1, name=b"output_norm.\xed\xa0\x80"))[0]
    v["tensor_name_too_long"] = build(kvs, with_tensor(tensors, 1, name="blk.0." + "x" * 59 + ".weight"))[0]
    v["zero_dimension_count"] = build(kvs, with_tensor(tensors, 1, dims=[], n_dims=0))[0]
    v["too_many_dimensions"] = build(kvs, with_tensor(tensors, 1, dims=[64, 1, 1, 1, 1]))[0]
    v["zero_dimension"] = build(kvs, with_tensor(tensors, 3, dims=[64, 0]))[0]
    v["dimension_above_int64"] = build(kvs, with_tensor(tensors, 1, dims=[(1 << 63) + 64]))[0]
    v["dimensions_overflow"] = build(kvs, with_tensor(tensors, 1, dims=[1 << 32, 1 << 32]))[0]
    v["tensor_bytes_overflow"] = build(kvs, with_tensor(tensors, 1, dims=[1 << 31, 1 << 31]))[0]
    v["unknown_tensor_type"] = build(kvs, with_tensor(tensors, 1, type=99))[0]
    v["removed_tensor_type_q4_2"] = build(kvs, with_tensor(tensors, 1, type=4))[0]
    v["dims_not_multiple_of_block"] = build(kvs, with_tensor(tensors, 3, dims=[48, 64]))[0]

    # Tensor data.
    v["misaligned_offset"] = build(kvs, with_tensor(tensors, 1, offset=16))[0]
    v["offset_past_end"] = build(kvs, with_tensor(tensors, 4, offset=1 << 40))[0]
    # The last tensor starts inside the data section but its bytes run 64 past the end.
    moved = struct.pack("<Q", struct.unpack_from("<Q", good, m["offset:4"])[0] + 64)
    v["tensor_data_overlapping_end"] = good[:m["offset:4"]] + moved + good[m["offset:4"] + 8:]
    v["overlapping_tensors"] = build(kvs, with_tensor(tensors, 2, offset=0))[0]
    return v, kvs, tensors


def check_valid_with_gguf_py(path: Path, kvs, tensors):
    """Independent check of the packing: gguf-py must read back what we meant to write."""
    r = GGUFReader(path)
    names = [k if isinstance(k, str) else None for k, _, _ in kvs]
    for key in names:
        if key is not None and key not in r.fields:
            raise SystemExit(f"{path}: gguf-py does not see key {key}")
    if int(r.fields["test.i64"].parts[-1][0]) != -(1 << 40):
        raise SystemExit(f"{path}: gguf-py reads test.i64 wrongly")
    got = {t.name: t for t in r.tensors}
    for t in tensors:
        rt = got.get(t["name"])
        if rt is None or list(int(d) for d in rt.shape) != t["dims"] or int(rt.tensor_type) != t["type"]:
            raise SystemExit(f"{path}: gguf-py disagrees about tensor {t['name']}")
        if rt.data.tobytes() != t["data"]:
            raise SystemExit(f"{path}: gguf-py reads different bytes for tensor {t['name']}")


def main():
    if len(sys.argv) != 2:
        raise SystemExit("usage: make_malformed_gguf.py OUTPUT_DIR")
    out_dir = Path(sys.argv[1])
    out_dir.mkdir(parents=True, exist_ok=True)
    files, kvs, tensors = variants()
    for name, data in files.items():
        (out_dir / f"{name}.gguf").write_bytes(data)
    check_valid_with_gguf_py(out_dir / "valid.gguf", kvs, tensors)
    check_valid_with_gguf_py(out_dir / "valid_alignment_64.gguf", kvs, tensors)
    bad = sum(1 for n in files if not n.startswith("valid"))
    print(f"wrote {len(files)} files ({bad} malformed) to {out_dir}")


if __name__ == "__main__":
    main()
