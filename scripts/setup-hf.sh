#!/usr/bin/env bash
# The `hf` training backend's one-command set-up: a virtual environment with python/requirements.txt
# (torch, transformers, peft, ...) at .cache/hf-venv, which the trainer uses when FORGELINE_PYTHON is
# unset. Idempotent: does nothing when the venv already holds exactly these requirements.
# PyPI's Linux torch wheel brings the CUDA runtime as wheels (about 4 GB in all); it also runs on CPU.
set -euo pipefail
cd "$(dirname "$0")/.."
venv="${FORGELINE_HF_VENV:-.cache/hf-venv}"
want="$(sha256sum python/requirements.txt | cut -d' ' -f1)"
if [ -f "$venv/stamp" ] && [ "$(cat "$venv/stamp")" = "$want" ] && [ -x "$venv/bin/python" ]; then
  echo "hf backend: up to date ($venv)"
  exit 0
fi
started=$(date +%s)
echo "hf backend: installing python/requirements.txt (torch, transformers, peft; about 4 GB of wheels from PyPI, 4.9 GB on disk) into $venv, once"
python3 -m venv "$venv"
"$venv/bin/pip" install --quiet --disable-pip-version-check --progress-bar off -r python/requirements.txt
"$venv/bin/python" -c "import torch, transformers, peft, sentencepiece; print('hf backend: torch', torch.__version__, 'transformers', transformers.__version__, 'peft', peft.__version__)"
echo "$want" > "$venv/stamp"
echo "hf backend: set up in $venv in $(( $(date +%s) - started )) s ($(du -sh "$venv" | cut -f1))"
