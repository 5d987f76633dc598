#!/usr/bin/env python3
"""Writes seed inputs for the dataset and training-file fuzzers.

Usage: make_fuzz_seeds.py OUTPUT_DIR

OUTPUT_DIR/dataset/ gets small valid and malformed data files of each format
engine/data reads (JSON lines as prompt/completion, Alpaca, chat and text rows,
a JSON array, CSV and TSV with quoted fields, plain text) for fuzz_dataset, and
a few dataset-options objects (the "data" key of a training config).
OUTPUT_DIR/train_config/ gets training configs, checkpoints packed by hand after
engine/train/checkpoint.h, and metrics logs, valid and broken, for
fuzz_train_config. OUTPUT_DIR/safetensors/ gets .safetensors files packed by hand
after engine/safetensors/safetensors_file.h (every dtype, a scalar, an empty
tensor, metadata, padding) and broken ones (a lying header length, bad JSON,
overlapping and missing bytes, a NUL in the header), for fuzz_safetensors.
Needs only the standard library.
"""
import json
import struct
import sys
from pathlib import Path

DATASET = {
    "prompt_completion.jsonl":
        '{"prompt": "Review: great food", "completion": " positive"}\n'
        '{"prompt": "Review: cold soup", "completion": " negative", "label": "negative"}\n',
    "alpaca.jsonl":
        '{"instruction": "Summarize", "input": "A long text.", "output": "Short."}\n'
        '{"instruction": "Say hi", "output": "Hi"}\n',
    "chat.jsonl":
        '{"messages": [{"role": "system", "content": "Be brief."}, {"role": "user", "content": "Hi"},'
        ' {"role": "assistant", "content": "Hello"}]}\n',
    "text_rows.jsonl": '{"text": "one document"}\n{"text": "another\\nwith a line break"}\n',
    "labels.jsonl": '{"prompt": "2+2=", "label": 4}\n{"prompt": "1+1=", "label": "two"}\n',
    "array.json":
        '[\n  {"prompt": "a [bracket]", "completion": "b, c"},\n'
        '  {"prompt": "escaped \\" quote", "completion": "d"}\n]\n',
    "chat_array.json": '[{"messages": [{"role": "user", "content": "q"}, {"role": "assistant", "content": "a"}]}]',
    "quoted.csv":
        'prompt,completion,label\n"Hello, world","a ""quoted"" reply",x\n"multi\nline",ok,y\r\nplain,row,z\n',
    "text.csv": 'text\n"first, with comma"\nsecond\n',
    "alpaca.tsv": 'instruction\tinput\toutput\nDo it\t\tDone\n"Tab\tinside"\tx\ty\n',
    "plain.txt": "A paragraph of text\nthat goes on.\n\nAnother paragraph.\n\n\n[Illustration]\n",
    "bom.jsonl": '\ufeff{"text": "after a byte-order mark"}\n',
    "options.json": json.dumps({
        "format": "csv", "max_rows": 10, "csv": {"prompt": "q", "completion": "a", "text": "", "label": "",
                                                 "delimiter": "\t"},
        "strict": False, "loss_on": "all", "chat_template": "never", "system_prompt": "", "max_length": 512,
        "overlong": "skip", "window_length": 128, "window_stride": 64, "add_eos_to_text": True,
        "label_words": ["yes", "no"]}),
    "split_options.json": '{"validation_fraction": 0.2, "validation_count": 0, "seed": 7}',
    # Malformed.
    "bad_json_line.jsonl": '{"prompt": "ok", "completion": "fine"}\n{"prompt": "broken\n{"prompt": 1}\n[]\n',
    "mixed_schema.jsonl": '{"text": "t"}\n{"prompt": "p", "completion": "c"}\n{"messages": []}\n',
    "bad_roles.jsonl":
        '{"messages": [{"role": "robot", "content": "x"}]}\n'
        '{"messages": [{"role": "user", "content": "x"}]}\n'
        '{"messages": [{"role": "assistant", "content": ""}]}\n',
    "unclosed_array.json": '[{"prompt": "a", "completion": "b"}, {"prompt": "c"',
    "unterminated_string.json": '[{"prompt": "a]}',
    "array_of_scalars.json": '[1, "two", null, {"text": ""}]',
    "bad_quote.csv": 'prompt,completion\n"open quote,never closed\nx"y,z\na,b,c\n',
    "no_columns.csv": 'foo,bar\n1,2\n',
    "latin1.csv": b'prompt,completion\ncaf\xe9,ok\n',
    "not_utf8.txt": b'good line\n\n\xff\xfe bad bytes\n\xc0\xaf overlong\n',
    "nul.txt": b"text\x00more",
    "whitespace.txt": " \n\t\r\n",
    "bad_options.json": '{"format": "xml", "csv": {"delimiter": "ab"}, "max_rows": -1}',
}


def fnv1a(data: bytes) -> int:
    h = 0xcbf29ce484222325
    for b in data:
        h = ((h ^ b) * 0x100000001b3) & 0xFFFFFFFFFFFFFFFF
    return h


def checkpoint(header: dict, values, *, magic=b"QTCKPT01", header_len=None, checksum=None, trailing=b"") -> bytes:
    """Packs a checkpoint as engine/train/checkpoint.h describes it."""
    text = json.dumps(header).encode()
    body = magic + struct.pack("<Q", len(text) if header_len is None else header_len) + text
    body += struct.pack(f"<{len(values)}f", *values)
    return body + struct.pack("<Q", fnv1a(body) if checksum is None else checksum) + trailing


CONFIG = {"method": "qzo", "model": "model.gguf", "data": "data.jsonl", "out_dir": "run", "steps": 20,
          "batch_size": 4, "lr": 1e-7, "eps": 1e-4, "clip": 500.0, "seed": 42, "schedule": "cosine",
          "warmup_steps": 2, "guard": True, "max_length": 256, "validation_fraction": 0.1}
HEADER = {"method": "qzo", "seed": 42, "next_step": 10, "best_val_loss": 2.5, "best_step": 8,
          "evals_since_best": 1, "stopped_early": False, "lr_scale": 1.0, "loss_average": 2.7, "loss_floor": 2.4,
          "average_low": 2.6, "losses_seen": 10, "rollbacks": 0, "rollbacks_in_a_row": 0, "parameter_count": 4,
          "config": CONFIG}
VALUES = [0.5, -1.25, 3.0, 0.0]


def train_files():
    files = {
        "config.json": json.dumps(CONFIG),
        "config_qlora.json": json.dumps({"method": "qlora", "lr": 2e-4, "lora_rank": 8, "lora_targets": "q,v",
                                         "merge_type": "q8_0", "steps": 5}),
        "config_relative.json": json.dumps({"method": "qzo", "relative_eps": True}),
        "config_sparse.json": json.dumps({"method": "sparse-zo", "sparse_mask": "mask.bin"}),
        "config_galore.json": json.dumps({"method": "qgalore", "galore_rank": 4, "galore_proj_group": 3}),
        "config_unknown_key.json": '{"method": "qzo", "step": 10}',
        "config_wrong_type.json": '{"steps": "ten", "lr": null}',
        "config_out_of_range.json": '{"batch_size": 0, "lr": -1, "schedule": "zigzag", "guard_lr_factor": 2}',
        "config_wrapping_int.json": '{"batch_size": 4294967297}',
        "config_wrapping_int64.json": '{"steps": 18446744073709551615}',
        "config_negative_seed.json": '{"seed": -1}',
        "config_not_object.json": '[1, 2, 3]',
        "config_truncated.json": json.dumps(CONFIG)[:40],
        "checkpoint.qtck": checkpoint(HEADER, VALUES),
        "checkpoint_legacy.qtck": checkpoint({k: v for k, v in HEADER.items() if k not in (
            "lr_scale", "loss_average", "loss_floor", "average_low", "losses_seen", "rollbacks",
            "rollbacks_in_a_row")} | {"best_val_loss": None}, VALUES),
        "checkpoint_bad_magic.qtck": checkpoint(HEADER, VALUES, magic=b"QTCKPT02"),
        "checkpoint_huge_header.qtck": checkpoint(HEADER, VALUES, header_len=1 << 40),
        "checkpoint_bad_checksum.qtck": checkpoint(HEADER, VALUES, checksum=1),
        "checkpoint_trailing.qtck": checkpoint(HEADER, VALUES, trailing=b"x"),
        "checkpoint_nan.qtck": checkpoint(HEADER, [float("nan")] * 4),
        "checkpoint_lying_count.qtck": checkpoint(HEADER | {"parameter_count": 1 << 40}, VALUES),
        "checkpoint_negative_count.qtck": checkpoint(HEADER | {"parameter_count": -1}, []),
        "checkpoint_bad_guard.qtck": checkpoint(HEADER | {"lr_scale": 0, "loss_average": "x"}, VALUES),
        "checkpoint_truncated.qtck": checkpoint(HEADER, VALUES)[:-11],
        "metrics.jsonl":
            '{"type":"step","step":0,"loss":2.5,"lr":1e-7}\n{"type":"eval","step":1,"val_loss":2.4,"improved":true}\n'
            '{"type":"step","step":1,"loss":2.4}\n{"type":"rollback","step":2,"to_step":0,"reason":"spike"}\n'
            '{"type":"stopped","reason":"too many rollbacks"}\n{"type":"step","step":3,"lo',
        "metrics_odd.jsonl": '{"step": 1.5}\n{"step": "2"}\n[1]\n{"type": 7, "step": 0}\n\n{"step": -3}\n',
    }
    return files


def safetensors(entries, *, metadata=None, data=None, header_len=None, pad=0, raw_header=None) -> bytes:
    """Packs a .safetensors file: entries are (name, dtype, shape, payload bytes), laid out in order."""
    header, blob = {}, b""
    if metadata is not None:
        header["__metadata__"] = metadata
    for name, dtype, shape, payload in entries:
        header[name] = {"dtype": dtype, "shape": shape, "data_offsets": [len(blob), len(blob) + len(payload)]}
        blob += payload
    text = raw_header if raw_header is not None else json.dumps(header, separators=(",", ":")).encode() + b" " * pad
    return struct.pack("<Q", len(text) if header_len is None else header_len) + text + (blob if data is None else data)


def safetensors_files():
    f32 = struct.pack("<4f", 0.5, -1.25, 3.0, float("nan"))
    f16 = struct.pack("<4H", 0x3c00, 0xc000, 0x7c00, 0x0001)  # 1, -2, inf, smallest subnormal
    bf16 = struct.pack("<4H", 0x3f80, 0xbf80, 0x7fc0, 0x0000)
    q = "model.layers.0.self_attn.q_proj.weight"
    valid = [("a", "F32", [2, 2], f32), (q, "F16", [4], f16), ("c", "BF16", [1, 4], bf16)]
    return {
        "valid.safetensors": safetensors(valid, metadata={"format": "pt"}, pad=5),
        "every_dtype.safetensors": safetensors([
            ("bool", "BOOL", [2], b"\x00\x01"), ("u8", "U8", [1], b"\xff"), ("i8", "I8", [1], b"\x80"),
            ("e5m2", "F8_E5M2", [1], b"\x3c"), ("e4m3", "F8_E4M3", [1], b"\x38"), ("i16", "I16", [1], b"\x01\x80"),
            ("u16", "U16", [1], b"\xff\xff"), ("i32", "I32", [1], b"\x01\x00\x00\x80"), ("u32", "U32", [1], b"\x00" * 4),
            ("i64", "I64", [1], b"\x00" * 8), ("u64", "U64", [1], b"\x07" * 8), ("f64", "F64", [1], struct.pack("<d", 2.5)),
            ("f16", "F16", [1], f16[:2]), ("scalar", "F32", [], f32[:4]), ("empty", "BF16", [0, 3], b"")]),
        "no_tensors.safetensors": safetensors([], metadata={"format": "pt"}),
        "unaligned.safetensors": safetensors([("u8", "U8", [3], b"abc"), ("f", "F32", [1], f32[:4])]),
        # Malformed.
        "lying_header_length.safetensors": safetensors(valid, header_len=1 << 40),
        "header_past_end.safetensors": safetensors(valid, header_len=4096),
        "bad_json.safetensors": safetensors(valid, raw_header=b'{"a":{"dtype":"F32",'),
        "array_header.safetensors": safetensors(valid, raw_header=b"[1, 2]"),
        "nul_in_header.safetensors": safetensors(valid, raw_header=b"{}\x00{}"),
        "unknown_dtype.safetensors": safetensors([("a", "F7", [4], f32)]),
        "size_mismatch.safetensors": safetensors([("a", "F32", [3], f32)]),
        "negative_dim.safetensors": safetensors([("a", "F32", [-4], f32)]),
        "overflowing_shape.safetensors": safetensors([("a", "F32", [1 << 62, 1 << 62], f32)]),
        "hole.safetensors": safetensors(valid[:1], data=f32 + b"hole"),
        "overlap.safetensors": safetensors([], raw_header=json.dumps({
            "a": {"dtype": "F32", "shape": [2], "data_offsets": [0, 8]},
            "b": {"dtype": "F32", "shape": [2], "data_offsets": [4, 12]}}).encode(), data=f32[:12]),
        "duplicate_name.safetensors": safetensors([], raw_header=(
            b'{"a":{"dtype":"U8","shape":[1],"data_offsets":[0,1]},'
            b'"a":{"dtype":"U8","shape":[1],"data_offsets":[1,2]}}'), data=b"xy"),
        "deep_metadata.safetensors": safetensors([], raw_header=b'{"__metadata__":' + b"[" * 64 + b"]" * 64 + b"}"),
    }


def write_all(out: Path, files: dict):
    out.mkdir(parents=True, exist_ok=True)
    for name, content in files.items():
        (out / name).write_bytes(content if isinstance(content, bytes) else content.encode("utf-8"))


def main():
    if len(sys.argv) != 2:
        sys.exit("usage: make_fuzz_seeds.py OUTPUT_DIR")
    out = Path(sys.argv[1])
    write_all(out / "dataset", DATASET)
    write_all(out / "train_config", train_files())
    write_all(out / "safetensors", safetensors_files())


if __name__ == "__main__":
    main()
