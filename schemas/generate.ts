import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import { PUBLISHED_SCHEMAS } from './index.js';

export function renderSchema(schema: z.ZodType): string {
  return JSON.stringify(z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }), null, 2) + '\n';
}

/** Writes schemas/json/<name>.schema.json from the zod sources. */
export async function writeSchemas(dir: string): Promise<string[]> {
  await mkdir(dir, { recursive: true });
  const written: string[] = [];
  for (const [name, schema] of Object.entries(PUBLISHED_SCHEMAS)) {
    const file = path.join(dir, `${name}.schema.json`);
    await writeFile(file, renderSchema(schema));
    written.push(file);
  }
  return written;
}

if (process.argv[1] && import.meta.url.endsWith(path.basename(process.argv[1]))) {
  for (const f of await writeSchemas(path.resolve('schemas/json'))) console.log(f);
}
