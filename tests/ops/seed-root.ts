import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';

/** A record as seed 004 writes one (lines 43-54). */
export function record(i: number, category: string, source: string, quality = 8, output?: string): Record<string, unknown> {
  return {
    instruction: `How can we keep date night fresh, idea ${i} about ${category}?`,
    input: 'relationship stage: established',
    output: output ?? `Try something new together: plan number ${i} is a ${category.replace(/_/g, ' ')} exercise where [User] and [Partner] take turns choosing.`,
    metadata: { category: 'advice', quality_score: quality, relationship_stage: 'established', complexity: 2, created_at: '2026-11-01T00:00:00Z', source },
  };
}

/** A fresh seed 004 data root under the temp folder (an input root of test workers). */
export async function seedRoot(): Promise<string> {
  const root = await mkdtemp(path.join(os.tmpdir(), 'forgeline-ops-'));
  for (const d of ['raw_data', 'processed_data', 'synthetic_data', 'logs', 'archive']) await mkdir(path.join(root, d), { recursive: true });
  return root;
}

export async function writeJsonl(root: string, rel: string, records: unknown[]): Promise<string> {
  const file = path.join(root, rel);
  await mkdir(path.dirname(file), { recursive: true });
  await writeFile(file, records.map((r) => JSON.stringify(r)).join('\n') + '\n');
  return file;
}
