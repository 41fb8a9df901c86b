#!/usr/bin/env python3
"""Builds a small Hugging Face llama model (random weights) with a SentencePiece tokenizer trained here,
so that the `hf` backend can be tested and benchmarked without downloading anything:
    python make_tiny_hf_model.py <out_dir> [--hidden 64 --layers 2 --heads 4 --kv-heads 4
                                            --intermediate 128 --vocab 0 --max-positions 256]
The defaults are the tests' tiny model. The benchmark passes a real small model's shape (for
example SmolLM2-360M's: --hidden 960 --layers 32 --heads 15 --kv-heads 5 --intermediate 2560
--vocab 49152) so that tokens/s mean what they would for that model; random weights train at the
same speed as real ones. --vocab above the tokenizer's 320 pieces widens the embedding and output
layers (convert_hf_to_gguf.py pads the GGUF vocabulary to match).
The tokenizer is SentencePiece with byte fallback (any text tokenizes), which convert_hf_to_gguf.py
turns into a llama-style GGUF vocabulary."""
import argparse
import os

import sentencepiece as spm
import torch
from transformers import LlamaConfig, LlamaForCausalLM, LlamaTokenizer

ap = argparse.ArgumentParser()
ap.add_argument("out")
ap.add_argument("--hidden", type=int, default=64)
ap.add_argument("--layers", type=int, default=2)
ap.add_argument("--heads", type=int, default=4)
ap.add_argument("--kv-heads", type=int, default=4)
ap.add_argument("--intermediate", type=int, default=128)
ap.add_argument("--vocab", type=int, default=0, help="embedding rows; 0 = the tokenizer's size")
ap.add_argument("--max-positions", type=int, default=256)
args = ap.parse_args()

out = args.out
os.makedirs(out, exist_ok=True)
words = ("the model learns to answer questions about json cypher queries labels and data "
         "classify the text as amber green red clear strict with reasoning because share partners").split()
corpus = os.path.join(out, "corpus.txt")
with open(corpus, "w", encoding="utf-8") as f:
    for i in range(2000):
        f.write(" ".join(words[(i * 7 + k * 3) % len(words)] for k in range(12)) + "\n")
spm.SentencePieceTrainer.train(
    input=corpus, model_prefix=os.path.join(out, "tokenizer"), vocab_size=320, model_type="bpe",
    byte_fallback=True, character_coverage=1.0, bos_id=1, eos_id=2, unk_id=0, pad_id=-1,
    minloglevel=2,
)
os.remove(corpus)
os.remove(os.path.join(out, "tokenizer.vocab"))
tok = LlamaTokenizer(vocab_file=os.path.join(out, "tokenizer.model"), legacy=False)
tok.save_pretrained(out)

torch.manual_seed(0)
config = LlamaConfig(vocab_size=max(args.vocab, tok.vocab_size), hidden_size=args.hidden,
                     intermediate_size=args.intermediate, num_hidden_layers=args.layers,
                     num_attention_heads=args.heads, num_key_value_heads=args.kv_heads,
                     max_position_embeddings=args.max_positions,
                     bos_token_id=1, eos_token_id=2, tie_word_embeddings=False)
model = LlamaForCausalLM(config)
model.save_pretrained(out, safe_serialization=True)
print(out, sum(p.numel() for p in model.parameters()))
