import { spawn, spawnSync } from 'node:child_process';
import { createInterface } from 'node:readline';
import { childEnv } from '../../../core/process/die-with-parent.js';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { PipelineError } from '../../../core/errors.js';
import { withGpuDevice } from '../../../native/device.js';
import { toHooks, type TrainHooks, type TrainJob, type TrainOutcome, type Trainer } from '../trainer.js';

const REPO_ROOT = fileURLToPath(new URL('../../../../', import.meta.url));
export const HF_SCRIPT = fileURLToPath(new URL('../../../../python/hf_train.py', import.meta.url));

/**
 * The interpreter for python/hf_train.py: `FORGELINE_PYTHON`, else the venv that
 * scripts/setup-hf.sh makes (`.cache/hf-venv`), else `python3` from the PATH.
 */
export function defaultPython(): string {
  if (process.env.FORGELINE_PYTHON) return process.env.FORGELINE_PYTHON;
  const venv = path.join(REPO_ROOT, '.cache', 'hf-venv', 'bin', 'python');
  return fs.existsSync(venv) ? venv : 'python3';
}

/**
 * The llama.cpp source that node-llama-cpp ships (its `convert_hf_to_gguf.py` and `gguf-py`):
 * `FORGELINE_LLAMA_CPP_SRC`, else the unpacked `node_modules/node-llama-cpp/llama/llama.cpp`, else a
 * clone of `gitRelease.bundle` into `.cache/llama.cpp-src` (made once).
 */
export function llamaCppSource(): string {
  const env = process.env.FORGELINE_LLAMA_CPP_SRC;
  if (env) return env;
  const nlc = path.join(REPO_ROOT, 'node_modules', 'node-llama-cpp', 'llama');
  const unpacked = path.join(nlc, 'llama.cpp');
  if (fs.existsSync(path.join(unpacked, 'convert_hf_to_gguf.py'))) return unpacked;
  const cached = path.join(REPO_ROOT, '.cache', 'llama.cpp-src');
  if (!fs.existsSync(path.join(cached, 'convert_hf_to_gguf.py'))) {
    const bundle = path.join(nlc, 'gitRelease.bundle');
    if (!fs.existsSync(bundle)) throw new PipelineError('DEPENDENCY_MISSING', `llama.cpp source not found (no ${bundle}); set FORGELINE_LLAMA_CPP_SRC`);
    const r = spawnSync('git', ['clone', '--quiet', bundle, cached], { encoding: 'utf8' });
    if (r.status !== 0) throw new PipelineError('DEPENDENCY_MISSING', `could not unpack ${bundle}: ${r.stderr || r.error?.message}`);
  }
  return cached;
}

/** `{contextSize: 1}` → `{context_size: 1}`: python/hf_train.py reads the hyperparameters by these names. */
export function snakeCase(obj: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(obj).map(([k, v]) => [k.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`), v]));
}

/** The config python/hf_train.py reads: the job's paths and every hyperparameter, by their snake_case names. */
export function hfConfig(job: TrainJob): Record<string, unknown> {
  const { hf: { python: _python, ...hf }, ...hyper } = job.hyper;
  return snakeCase({
    baseModel: job.baseModel,
    ggufBaseCache: job.ggufBaseCache ?? path.join(job.workDir, 'gguf-base'),
    examples: job.examplesFile,
    valid: job.validFile ?? null,
    workDir: job.workDir,
    outputGguf: job.outputModel,
    weightsTar: path.join(job.workDir, 'weights.tar'),
    checkpointDir: job.checkpointDir,
    resumeCheckpoint: job.resume?.checkpoint ?? null,
    llamaCppSrc: llamaCppSource(),
    ...hyper,
    ...hf,
  });
}

/**
 * LoRA / QLoRA / full fine-tuning with transformers + peft in a Python subprocess
 * (`python/hf_train.py`; set up with `pip install -r python/requirements.txt`). The script prints
 * JSON lines (start, step, epoch, checkpoint, done) on stdout; cancelling kills it.
 */
export const hfTrainer: Trainer = {
  name: 'hf',
  train(job: TrainJob, hooks: TrainHooks): Promise<TrainOutcome> {
    const config = hfConfig(job);
    const configFile = path.join(job.workDir, 'hf-config.json');
    fs.writeFileSync(configFile, JSON.stringify(config, null, 2));
    // On a GPU worker the script holds one device, as the llamacpp children do.
    return withGpuDevice(job.gpu, (device, pin) => new Promise<TrainOutcome>((resolve, reject) => {
      if (device !== undefined) hooks.onDevice?.(device);
      const child = spawn(job.hyper.hf.python, [HF_SCRIPT, '--config', configFile], { env: { ...process.env, ...pin, ...childEnv(), PYTHONUNBUFFERED: '1' }, stdio: ['ignore', 'pipe', 'pipe'] });
      let tail = '';
      let done: TrainOutcome | undefined;
      child.stderr.on('data', (d: Buffer) => (tail = (tail + d.toString()).slice(-4000)));
      createInterface({ input: child.stdout }).on('line', (raw) => {
        const line = raw.trim();
        if (!line.startsWith('{')) return;
        const msg = JSON.parse(line) as Record<string, unknown>;
        if (msg.kind === 'done') done = msg as unknown as TrainOutcome;
        else toHooks(hooks, msg);
      });
      const onAbort = (): void => {
        child.kill('SIGKILL');
      };
      hooks.signal.addEventListener('abort', onAbort, { once: true });
      child.once('error', (err) => reject(new PipelineError('DEPENDENCY_MISSING', `hf trainer: cannot start ${job.hyper.hf.python}: ${err.message}`)));
      child.once('close', (code, signal) => {
        hooks.signal.removeEventListener('abort', onAbort);
        if (hooks.signal.aborted) reject(hooks.signal.reason instanceof Error ? hooks.signal.reason : new Error('cancelled'));
        else if (code === 0 && done) resolve(done);
        else if (code === 3) reject(new PipelineError('DEPENDENCY_MISSING', `hf trainer: Python packages missing; run pip install -r python/requirements.txt\n${tail.trim()}`));
        else reject(new PipelineError('STEP_FAILED', `hf trainer ${signal ? `killed by ${signal}` : `exited with code ${code}`}\n${tail.trim()}`));
      });
    }));
  },
};
