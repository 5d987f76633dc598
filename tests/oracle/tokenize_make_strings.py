#!/usr/bin/env python3
"""Writes tests/fixtures/tokenizer_strings.json: the strings the tokenizer tests
encode with both our tokenizer and the reference. Deterministic (fixed seed), so
re-running it reproduces the checked-in file.

Each entry is {"text": str} or, for byte strings that are not valid UTF-8,
{"hex": "ff41..."}.
    python3 tests/oracle/tokenize_make_strings.py > tests/fixtures/tokenizer_strings.json
"""
import json
import random

rng = random.Random(20240611)

handwritten = [
    "", " ", "  ", "   ", "\t", "\n", "\n\n", "\r\n", " \n", "\n ", "\t\t\n  \n", "a", "A", "Hello", "Hello world",
    " Hello world", "Hello  world", "Hello   world  ", "hello\nworld", "hello\n\nworld", "hello \n world",
    "  leading and trailing  ", "tabs\tbetween\twords", "mixed \t\n \r\n whitespace", "line1\r\nline2\r\n",
    "I'm here, you're there, we've been, they'll go, he'd say, it's fine, don't", "I'M LOUD, YOU'RE LOUD",
    "'s 't 're 've 'm 'll 'd", "rock'n'roll", "quote 'single' and \"double\"",
    "0", "7", "42", "123", "1234", "12345", "3.14159", "1,000,000", "2024-06-11", "v1.2.3", "+49 (0)30 1234567",
    "x = 10 + 20 * 3", "1st 2nd 3rd 4th", "0x1F 0b1010 1e-9", "٣٤٥ ৬৭ 五十", "½ ¾ ² ³ Ⅻ ⑤",
    "café", "naïve résumé", "Ångström", "São Paulo", "Zürich Straße", "Ελληνικά γράμματα", "Русский текст",
    "עברית", "العربية", "हिन्दी", "ไทย", "한국어 텍스트", "日本語のテキスト", "中文文本测试", "你好，世界！",
    "こんにちは世界", "混合 text 和中文", "e\u0301 (combining)", "Ａｂｃ fullwidth", "\u00a0nbsp\u00a0here",
    "zero\u200bwidth", "em\u2003space", "ideographic\u3000space",
    "😀", "👍🏽", "👨‍👩‍👧‍👦 family", "🇩🇪🇫🇷", "I ❤️ NY", "emoji😀inside", "🙂🙃🙂🙃", "✓ ✗ ★ ☆ → ← ∞ ≠ ≤",
    "def f(x):\n    return x * 2\n", "for (int i = 0; i < n; ++i) {\n\tsum += a[i];\n}",
    "#include <stdio.h>\nint main() { printf(\"hi\\n\"); }", "SELECT * FROM users WHERE id = 42;",
    "<html><body class=\"x\">Hi</body></html>", "{\"key\": [1, 2, 3], \"nested\": {\"a\": null}}",
    "    indented four\n        eight", "x==y && y!=z || !w", "a->b::c<d>", "path/to/file.txt", "https://example.com/a?b=c&d=e#f",
    "user@example.com", "$HOME/.bashrc", "C:\\Windows\\System32", "~!@#$%^&*()_+`-=[]{}|;':\",./<>?",
    "...", "!!!", "???", "---", "___", "***", "====", "<<>>", "a.b.c", "(parenthesised)",
    "<|im_start|>", "<|im_end|>", "<|endoftext|>", "<|im_start|>user\nHi there<|im_end|>\n",
    "<|im_start|>system\nYou are helpful.<|im_end|>\n<|im_start|>user\nWhat is 2+2?<|im_end|>\n<|im_start|>assistant\n",
    "text<|im_end|>more", "<|im_start|><|im_end|>", "<|im_start", "im_start|>", "<|im_start|>x<|im_start|>",
    "<repo_name>qt<file_sep>main.cpp", "<jupyter_code>print(1)<jupyter_output>1", "< |im_start| >",
    "<s>", "</s>", "[INST]", "<<SYS>>", "\x00", "\x01\x02\x03", "\x7f", "bell\x07char",
]

words = ("the quick brown fox jumps over lazy dog model token merge byte pair encoding quantized weights "
         "learning rate gradient zeroth order training loss llama smol tiny fast slow data set").split()
unicode_words = ["naïve", "façade", "über", "niño", "Øre", "größe", "東京", "北京", "서울", "Москва", "Αθήνα",
                 "🙂", "🚀", "✨", "ß", "ﬁ", "İstanbul", "ǅ", "Ⅳ", "₂"]
separators = [" ", "  ", "\t", "\n", " \n", "\n\n", ", ", ". ", "! ", "? ", "; ", " - ", "'s ", "'ll ", "\r\n", "   "]

generated = []
for _ in range(220):
    n = rng.randint(1, 12)
    parts = []
    for _ in range(n):
        r = rng.random()
        if r < 0.55:
            w = rng.choice(words)
            w = w.capitalize() if rng.random() < 0.2 else w
        elif r < 0.75:
            w = rng.choice(unicode_words)
        elif r < 0.9:
            w = str(rng.randint(0, 10 ** rng.randint(1, 9)))
        else:
            w = "".join(rng.choice("{}()[]<>=+-*/%&|^~!?.,:;\"'#@$_\\") for _ in range(rng.randint(1, 4)))
        parts.append(w)
        parts.append(rng.choice(separators))
    if rng.random() < 0.3:
        parts.insert(rng.randrange(len(parts) + 1), rng.choice(["<|im_start|>", "<|im_end|>", "<|endoftext|>"]))
    generated.append("".join(parts if rng.random() < 0.5 else parts[:-1]))

long_text = " ".join(rng.choice(words) for _ in range(400)) + "\n" + "1234567890" * 20 + " " * 50 + "end"

entries = [{"text": s} for s in handwritten + generated + [long_text, " " * 300, "\n" * 40, "a" * 500]]

invalid_utf8 = [b"\xff", b"\xfe", b"\x80", b"\xc3", b"\xc3(", b"abc\xffdef", b"\xe2\x82", b"\xe2\x82(",
                b"\xf0\x9f\x98", b"\xf0\x9f\x98 smile", b"\xc0\x80", b"\xed\xa0\x80", b"\xf8\x88\x80\x80\x80",
                b"ok \x80\x81\x82 ok", b"\xa0\xa1"]
entries += [{"hex": b.hex()} for b in invalid_utf8]

json.dump({"strings": entries}, fp=__import__("sys").stdout, ensure_ascii=False, indent=1)
print()
