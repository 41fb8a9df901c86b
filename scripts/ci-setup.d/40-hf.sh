#!/usr/bin/env bash
# The hf training backend's Python packages (torch, transformers, peft): tests/train/hf-backend.test.ts
# trains a tiny model with them on CPU. The same one command users run (scripts/setup-hf.sh); about
# 4 GB of wheels from PyPI the first time, nothing when the venv is current.
set -euo pipefail
exec "$(dirname "$0")/../setup-hf.sh"
