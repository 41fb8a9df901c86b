import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { PipelineError } from '../errors.js';
import type { PipelineDefinition } from '../dsl/pipeline.js';

/** The compiled built-in pipelines folder (`dist/pipelines`). */
export const BUILTIN_PIPELINES_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../pipelines');

export interface LoadedPipeline {
  definition: PipelineDefinition;
  file: string;
}

/**
 * Loads every `<name>.js` (or `.ts` when a TypeScript loader is active) that default-exports a
 * pipeline definition from the built-in folder and the configured extra folders.
 */
export async function loadPipelines(extraDirs: readonly string[] = []): Promise<Map<string, LoadedPipeline>> {
  const found = new Map<string, LoadedPipeline>();
  for (const dir of [BUILTIN_PIPELINES_DIR, ...extraDirs]) {
    let entries: string[];
    try {
      entries = await readdir(dir);
    } catch {
      continue;
    }
    for (const entry of entries.sort()) {
      if (!/\.(js|mjs)$/.test(entry) || entry.endsWith('.d.ts')) continue;
      const file = path.join(dir, entry);
      const mod = (await import(pathToFileURL(file).href)) as { default?: PipelineDefinition };
      const def = mod.default;
      if (!def || typeof def.build !== 'function' || typeof def.name !== 'string') continue;
      const clash = found.get(def.name);
      if (clash) {
        throw new PipelineError('INVALID_PIPELINE', `pipeline "${def.name}" is defined twice: ${clash.file} and ${file}`);
      }
      found.set(def.name, { definition: def, file });
    }
  }
  return found;
}

export function getPipeline(pipelines: Map<string, LoadedPipeline>, name: string): PipelineDefinition {
  const p = pipelines.get(name);
  if (!p) {
    const known = [...pipelines.keys()].join(', ') || 'none';
    throw new PipelineError('UNKNOWN_PIPELINE', `unknown pipeline "${name}" (known: ${known})`, [
      { path: 'pipeline', message: `no pipeline named "${name}"` },
    ]);
  }
  return p.definition;
}
