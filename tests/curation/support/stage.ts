import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { CURATION_STEPS } from '../../../activities/curation/index.js';
import type { ArtifactRef } from '../../../core/artifacts/ref.js';
import { loadConfig } from '../../../core/config.js';
import { createLogger } from '../../../core/log.js';
import { runStepOnFiles } from '../../../core/stage/run-on-files.js';

export interface StageRun {
  outputs: Record<string, ArtifactRef>;
  metadata: Record<string, unknown>;
  records<T = Record<string, unknown>>(output: string): Promise<T[]>;
  json<T = unknown>(output: string): Promise<T>;
  text(output: string): Promise<string>;
}

export async function tempDir(prefix = 'forgeline-cur-'): Promise<string> {
  return fs.mkdtemp(path.join(os.tmpdir(), prefix));
}

export async function writeLines(file: string, rows: readonly unknown[]): Promise<string> {
  await fs.writeFile(file, rows.map((r) => (typeof r === 'string' ? r : JSON.stringify(r))).join('\n') + '\n');
  return file;
}

/** Runs a step kind on files exactly as `forgeline stage` does, and reads its outputs back. */
export async function runStage(kind: string, input: string, config: unknown, home: string, inputName = 'records'): Promise<StageRun> {
  // The curation kinds alone: the full registry also loads native bindings that other test files load too.
  const k = CURATION_STEPS.find((s) => s.kind === kind);
  if (!k) throw new Error(`no step kind ${kind}`);
  const result = await runStepOnFiles(k, { inputs: { [inputName]: input }, config }, loadConfig({ FORGELINE_HOME: home }), createLogger({ level: 'warn' }));
  const outputs = result.outputs as Record<string, ArtifactRef>;
  const text = async (o: string) => fs.readFile(await result.store.localPath(outputs[o]!), 'utf8');
  return {
    outputs,
    metadata: result.metadata ?? {},
    text,
    async records<T>(o: string) {
      return (await text(o))
        .split('\n')
        .filter((l) => l.length > 0)
        .map((l) => JSON.parse(l) as T);
    },
    async json<T>(o: string) {
      return JSON.parse(await text(o)) as T;
    },
  };
}

/** Writes records, validates them, and returns the path of the curated file (input for pii / score). */
export async function curated(dir: string, name: string, rows: readonly unknown[], home: string): Promise<string> {
  const raw = await writeLines(path.join(dir, `${name}.raw.jsonl`), rows);
  const v = await runStage('validate', raw, {}, home);
  const out = path.join(dir, `${name}.jsonl`);
  await fs.writeFile(out, await v.text('records'));
  return out;
}
