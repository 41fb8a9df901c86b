#!/usr/bin/env python3
"""The peer for `npm run bench -- train --base smollm2`: a plain transformers + peft LoRA loop with
no Forgeline code, on the same base folder, examples file, batch size, sequence cut, LoRA settings
and thread count, so that the trainer's tokens/s read against what the libraries give by themselves.
    python train_peft_reference.py <hf-folder> <examples.jsonl> <batch> <max-length> <threads> <steps>
Prints one JSON line: {"tokensPerSec", "seconds", "steps", "firstLoss", "lastLoss"}."""
import json
import sys
import time

import torch
from peft import LoraConfig, get_peft_model
from transformers import AutoModelForCausalLM, AutoTokenizer

folder, examples, batch, max_length, threads, steps = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5]), int(sys.argv[6])
torch.set_num_threads(threads)
torch.manual_seed(1)
tok = AutoTokenizer.from_pretrained(folder)
model = AutoModelForCausalLM.from_pretrained(folder, dtype=torch.float32)
model = get_peft_model(model, LoraConfig(r=16, lora_alpha=32, lora_dropout=0.0, target_modules=["q_proj", "k_proj", "v_proj", "o_proj"], task_type="CAUSAL_LM"))
opt = torch.optim.AdamW([p for p in model.parameters() if p.requires_grad], lr=1e-3)
rows = [json.loads(line) for line in open(examples, encoding="utf-8") if line.strip()]
pad = tok.pad_token_id if tok.pad_token_id is not None else tok.eos_token_id
model.train()
losses, tokens, started = [], 0, time.time()
for step in range(steps):
    chunk = [rows[(step * batch + i) % len(rows)] for i in range(batch)]
    enc = [tok(r["prompt"] + r["response"], add_special_tokens=False)["input_ids"][:max_length] for r in chunk]
    n = max(len(e) for e in enc)
    ids = torch.full((batch, n), pad, dtype=torch.long)
    mask = torch.zeros((batch, n), dtype=torch.long)
    for i, e in enumerate(enc):
        ids[i, : len(e)] = torch.tensor(e)
        mask[i, : len(e)] = 1
    labels = ids.masked_fill(mask == 0, -100)
    loss = model(input_ids=ids, attention_mask=mask, labels=labels).loss
    loss.backward()
    opt.step()
    opt.zero_grad()
    losses.append(loss.item())
    tokens += int(mask.sum())
seconds = time.time() - started
print(json.dumps({"tokensPerSec": round(tokens / seconds), "seconds": round(seconds, 1), "steps": steps, "firstLoss": losses[0], "lastLoss": losses[-1]}))
