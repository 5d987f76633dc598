#!/usr/bin/env python3
"""Writes tests/fixtures/chat_templates.json: one representative Jinja chat
template per family ChatTemplate recognises (as published with well-known
models of that family), and the conversations rendered with each.

    python3 tests/oracle/tokenize_make_chat_templates.py > tests/fixtures/chat_templates.json
"""
import json
import sys

templates = [
    {"family": "chatml", "model": "generic ChatML (no default system)", "bos_token": "<|im_start|>",
     "eos_token": "<|im_end|>", "supports_system": True,
     "source": "{% for message in messages %}{{'<|im_start|>' + message['role'] + '\n' + message['content'] + "
               "'<|im_end|>' + '\n'}}{% endfor %}{% if add_generation_prompt %}{{ '<|im_start|>assistant\n' }}{% endif %}"},
    {"family": "chatml", "model": "Qwen2-style ChatML with a default system turn", "bos_token": "",
     "eos_token": "<|im_end|>", "supports_system": True,
     "source": "{% for message in messages %}{% if loop.first and messages[0]['role'] != 'system' %}"
               "{{ '<|im_start|>system\\nYou are a helpful assistant.<|im_end|>\\n' }}{% endif %}"
               "{{'<|im_start|>' + message['role'] + '\\n' + message['content'] + '<|im_end|>' + '\\n'}}"
               "{% endfor %}{% if add_generation_prompt %}{{ '<|im_start|>assistant\\n' }}{% endif %}"},
    {"family": "llama2", "model": "Llama-2-chat", "bos_token": "<s>", "eos_token": "</s>", "supports_system": True,
     "source": "{% if messages[0]['role'] == 'system' %}{% set loop_messages = messages[1:] %}"
               "{% set system_message = messages[0]['content'] %}{% else %}{% set loop_messages = messages %}"
               "{% set system_message = false %}{% endif %}{% for message in loop_messages %}"
               "{% if (message['role'] == 'user') != (loop.index0 % 2 == 0) %}"
               "{{ raise_exception('Conversation roles must alternate user/assistant/user/assistant/...') }}{% endif %}"
               "{% if loop.index0 == 0 and system_message != false %}"
               "{% set content = '<<SYS>>\\n' + system_message + '\\n<</SYS>>\\n\\n' + message['content'] %}"
               "{% else %}{% set content = message['content'] %}{% endif %}{% if message['role'] == 'user' %}"
               "{{ bos_token + '[INST] ' + content.strip() + ' [/INST]' }}{% elif message['role'] == 'assistant' %}"
               "{{ ' '  + content.strip() + ' ' + eos_token }}{% endif %}{% endfor %}"},
    {"family": "llama2", "model": "Mistral-7B-Instruct-v0.1", "bos_token": "<s>", "eos_token": "</s>",
     "supports_system": False,
     "source": "{{ bos_token }}{% for message in messages %}"
               "{% if (message['role'] == 'user') != (loop.index0 % 2 == 0) %}"
               "{{ raise_exception('Conversation roles must alternate user/assistant/user/assistant/...') }}{% endif %}"
               "{% if message['role'] == 'user' %}{{ '[INST] ' + message['content'] + ' [/INST]' }}"
               "{% elif message['role'] == 'assistant' %}{{ message['content'] + eos_token}}"
               "{% else %}{{ raise_exception('Only user and assistant roles are supported!') }}{% endif %}{% endfor %}"},
    {"family": "llama3", "model": "Meta-Llama-3-8B-Instruct", "bos_token": "<|begin_of_text|>",
     "eos_token": "<|eot_id|>", "supports_system": True,
     "source": "{% set loop_messages = messages %}{% for message in loop_messages %}"
               "{% set content = '<|start_header_id|>' + message['role'] + '<|end_header_id|>\n\n'"
               "+ message['content'] | trim + '<|eot_id|>' %}{% if loop.index0 == 0 %}"
               "{% set content = bos_token + content %}{% endif %}{{ content }}{% endfor %}"
               "{% if add_generation_prompt %}{{ '<|start_header_id|>assistant<|end_header_id|>\n\n' }}{% endif %}"},
    {"family": "zephyr", "model": "zephyr-7b-beta", "bos_token": "<s>", "eos_token": "</s>", "supports_system": True,
     "source": "{% for message in messages %}\n{% if message['role'] == 'user' %}\n"
               "{{ '<|user|>\n' + message['content'] + eos_token }}\n{% elif message['role'] == 'system' %}\n"
               "{{ '<|system|>\n' + message['content'] + eos_token }}\n{% elif message['role'] == 'assistant' %}\n"
               "{{ '<|assistant|>\n'  + message['content'] + eos_token }}\n{% endif %}\n"
               "{% if loop.last and add_generation_prompt %}\n{{ '<|assistant|>' }}\n{% endif %}\n{% endfor %}"},
    {"family": "gemma", "model": "gemma-2b-it", "bos_token": "<bos>", "eos_token": "<eos>", "supports_system": False,
     "source": "{{ bos_token }}{% if messages[0]['role'] == 'system' %}{{ raise_exception('System role not supported') }}"
               "{% endif %}{% for message in messages %}{% if (message['role'] == 'user') != (loop.index0 % 2 == 0) %}"
               "{{ raise_exception('Conversation roles must alternate user/assistant/user/assistant/...') }}{% endif %}"
               "{% if (message['role'] == 'assistant') %}{% set role = 'model' %}{% else %}"
               "{% set role = message['role'] %}{% endif %}{{ '<start_of_turn>' + role + '\n' + "
               "message['content'] | trim + '<end_of_turn>\n' }}{% endfor %}"
               "{% if add_generation_prompt %}{{'<start_of_turn>model\n'}}{% endif %}"},
    {"family": "phi3", "model": "Phi-3-mini-4k-instruct", "bos_token": "<s>", "eos_token": "<|endoftext|>",
     "supports_system": True,
     "source": "{% for message in messages %}{% if message['role'] == 'system' %}"
               "{{'<|system|>\n' + message['content'] + '<|end|>\n'}}{% elif message['role'] == 'user' %}"
               "{{'<|user|>\n' + message['content'] + '<|end|>\n'}}{% elif message['role'] == 'assistant' %}"
               "{{'<|assistant|>\n' + message['content'] + '<|end|>\n'}}{% endif %}{% endfor %}"
               "{% if add_generation_prompt %}{{ '<|assistant|>\n' }}{% else %}{{ eos_token }}{% endif %}"},
]

conversations = [
    [{"role": "user", "content": "Hello!"}],
    [{"role": "user", "content": "What is 2+2?"}, {"role": "assistant", "content": "4"},
     {"role": "user", "content": "And times three?"}],
    [{"role": "user", "content": "  padded question \n"}, {"role": "assistant", "content": "\n padded answer  "},
     {"role": "user", "content": "Ünïcödé 日本語 🙂\nsecond line"}],
    [{"role": "system", "content": "You are terse."}, {"role": "user", "content": "Explain BPE."}],
    [{"role": "system", "content": "Be kind.\n"}, {"role": "user", "content": "Hi"},
     {"role": "assistant", "content": "Hello, how can I help?"}, {"role": "user", "content": "Tell me a joke"}],
]

json.dump({"templates": templates, "conversations": conversations}, sys.stdout, ensure_ascii=False, indent=1)
print()
