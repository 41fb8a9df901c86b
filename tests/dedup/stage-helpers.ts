import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { DEDUP_STEPS } from '../../activities/dedup/index.js';
import { MIX_STEPS } from '../../activities/mix/index.js';
import { SPLIT_STEPS } from '../../activities/split/index.js';
import type { ArtifactRef } from '../../core/artifacts/ref.js';
import { absoluteManifest } from '../../activities/mix/manifest-file.js';
import { loadConfig } from '../../core/config.js';
import { createLogger } from '../../core/log.js';
import { runStepOnFiles } from '../../core/stage/run-on-files.js';

/** Runs a built-in step kind on files, as `forgeline stage` does, and reads its outputs back. */
export interface StageRun {
  outputs: Record<string, ArtifactRef>;
  metadata: Record<string, unknown>;
  /** Reads a records output as parsed objects. */
  records<T = Record<string, unknown>>(output: string): Promise<T[]>;
  json<T = unknown>(output: string): Promise<T>;
  /** The stored file of an output. */
  file(output: string): Promise<string>;
}

export async function tempDir(prefix = 'forgeline-t-'): Promise<string> {
  return fs.mkdtemp(path.join(os.tmpdir(), prefix));
}

export async function writeJsonlFile(file: string, rows: readonly unknown[]): Promise<string> {
  await fs.mkdir(path.dirname(file), { recursive: true });
  await fs.writeFile(file, rows.map((r) => JSON.stringify(r)).join('\n') + '\n');
  return file;
}

export async function runStage(kind: string, inputs: Record<string, string | string[]>, config: unknown, home: string): Promise<StageRun> {
  // Only this kinds: importing the whole registry would load unrelated native modules.
  const k = [...DEDUP_STEPS, ...SPLIT_STEPS, ...MIX_STEPS].find((s) => s.kind === kind);
  if (!k) throw new Error(`no step kind ${kind}`);
  // as `forgeline stage` does: a manifest's bucket files are relative to the manifest
  for (const [name, spec] of Object.entries(k.inputs)) {
    const given = inputs[name];
    if (spec.kind === 'manifest' && typeof given === 'string') inputs = { ...inputs, [name]: await absoluteManifest(given) };
  }
  const result = await runStepOnFiles(k, { inputs, config }, loadConfig({ FORGELINE_HOME: home }), createLogger({ level: 'warn' }));
  const outputs = result.outputs as Record<string, ArtifactRef>;
  const file = (o: string) => result.store.localPath(outputs[o]!);
  return {
    outputs,
    metadata: result.metadata ?? {},
    file,
    async records<T>(o: string) {
      const text = await fs.readFile(await file(o), 'utf8');
      return text
        .split('\n')
        .filter((l) => l.length > 0)
        .map((l) => JSON.parse(l) as T);
    },
    async json<T>(o: string) {
      return JSON.parse(await fs.readFile(await file(o), 'utf8')) as T;
    },
  };
}

/** A deterministic text of `words` words from a seeded generator (no two seeds alike). */
export function prose(seed: number, words = 80): string {
  const vocab = 'river stone light market window garden paper engine silver forest table letter winter signal harbor bridge candle orbit meadow lantern copper valley thunder saddle pocket mirror ribbon anchor falcon pepper quartz velvet'.split(' ');
  let a = (seed * 2654435761) >>> 0 || 1;
  const out: string[] = [];
  for (let i = 0; i < words; i++) {
    a ^= a << 13;
    a >>>= 0;
    a ^= a >>> 17;
    a ^= a << 5;
    a >>>= 0;
    out.push(`${vocab[a % vocab.length]}${(a >>> 8) % 50}`);
  }
  return out.join(' ');
}

/** The same text with `n` words replaced (positions spread evenly). */
export function edit(text: string, n: number, tag = 'edited'): string {
  const w = text.split(' ');
  for (let i = 0; i < n; i++) w[Math.floor(((i + 0.5) * w.length) / n)] = `${tag}${i}`;
  return w.join(' ');
}
