import { dateStamp } from './corpus.js';

/**
 * Seed 004's names. Models: `{project}-v{version}-{date}-{base_model}` (line 119), e.g.
 * `better-together-llm-v1.2-20251112-llama3.1-70b` (line 121). Datasets: `v1_YYYYMMDD.jsonl`
 * (line 59), with an optional role prefix as in `train_v1_20251112.jsonl` (line 239).
 */

/** Lower case, and anything but letters, digits and dots becomes a dash: `SmolLM2-135M Instruct` -> `smollm2-135m-instruct`. */
export function slug(text: string): string {
  return text.toLowerCase().replace(/[^a-z0-9.]+/g, '-').replace(/^-+|-+$/g, '');
}

export interface ModelNameParts {
  project: string;
  /** `1`, `1.2`: digits and dots. */
  version: string;
  date: Date;
  base: string;
}

export function modelName(p: ModelNameParts): string {
  if (!/^\d+(?:\.\d+)*$/.test(p.version)) throw new Error(`model version "${p.version}" is not digits and dots (seed 004 line 121: v1.2)`);
  const project = slug(p.project);
  const base = slug(p.base);
  if (!project || !base) throw new Error('a model name needs a project and a base model');
  return `${project}-v${p.version}-${dateStamp(p.date)}-${base}`;
}

const MODEL_NAME = /^(.+)-v(\d+(?:\.\d+)*)-(\d{8})-(.+)$/;

/** The parts of a seed-style model name, or undefined when it is not one. */
export function parseModelName(name: string): { project: string; version: string; date: string; base: string } | undefined {
  const m = MODEL_NAME.exec(name);
  return m ? { project: m[1]!, version: m[2]!, date: m[3]!, base: m[4]! } : undefined;
}

/** `v{n}_{YYYYMMDD}`, with `prefix_` in front when given (`train`). */
export function datasetName(n: number, date: Date, prefix?: string): string {
  if (!Number.isInteger(n) || n < 1) throw new Error(`dataset version ${n} must be a whole number from 1`);
  return `${prefix ? `${prefix}_` : ''}v${n}_${dateStamp(date)}`;
}

const DATASET_NAME = /^(?:([a-z0-9]+)_)?v(\d+)_(\d{8})\.jsonl$/;

/** The parts of a seed-style dataset file name (`train_v3_20261201.jsonl`), or undefined. */
export function parseDatasetName(file: string): { prefix?: string; version: number; date: string } | undefined {
  const m = DATASET_NAME.exec(file);
  if (!m) return undefined;
  return { ...(m[1] ? { prefix: m[1] } : {}), version: Number(m[2]), date: m[3]! };
}

/** The next dataset name among existing file names: one more than the highest version with that prefix. */
export function nextDatasetName(existing: readonly string[], date: Date, prefix?: string): string {
  let high = 0;
  for (const f of existing) {
    const p = parseDatasetName(f);
    if (p && p.prefix === prefix) high = Math.max(high, p.version);
  }
  return datasetName(high + 1, date, prefix);
}
