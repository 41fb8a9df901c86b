/** Record fields by name, for stages that let options name a nested field (dedup, split, mix). */

/** Reads a dotted path (`metadata.quality_score`) from a record. */
export function getPath(record: unknown, path: string): unknown {
  let v: unknown = record;
  for (const part of path.split('.')) {
    if (v === null || typeof v !== 'object') return undefined;
    v = (v as Record<string, unknown>)[part];
  }
  return v;
}
