#!/usr/bin/env python3
"""Renders chat templates with Jinja2 the way Hugging Face transformers does
(sandboxed, trim_blocks, lstrip_blocks, raise_exception), as the oracle for
ChatTemplate.

    tokenize_chat_template.py REQUEST.json
REQUEST: {"template": str, "bos_token": str, "eos_token": str,
          "cases": [{"messages": [{"role", "content"}], "add_generation_prompt": bool}]}
prints a JSON list with one rendered string per case.
"""
import json
import sys

from jinja2.exceptions import TemplateError
from jinja2.sandbox import ImmutableSandboxedEnvironment


def raise_exception(message):
    raise TemplateError(message)


def main():
    req = json.load(open(sys.argv[1], encoding="utf-8"))
    env = ImmutableSandboxedEnvironment(trim_blocks=True, lstrip_blocks=True)
    env.globals["raise_exception"] = raise_exception
    template = env.from_string(req["template"])
    out = [template.render(messages=c["messages"], add_generation_prompt=c["add_generation_prompt"],
                           bos_token=req["bos_token"], eos_token=req["eos_token"]) for c in req["cases"]]
    json.dump(out, sys.stdout, ensure_ascii=False)


if __name__ == "__main__":
    main()
