import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

/**
 * `npm run bench -- <name> [args]`: runs bench/<name>.ts, which exports `run(args)` and prints its
 * figures. Benchmarks measure; tests never assert timings.
 */
const here = path.dirname(fileURLToPath(import.meta.url));
const [name, ...args] = process.argv.slice(2);
const available = (await readdir(here)).filter((f) => f.endsWith('.js') && f !== 'main.js' && !f.startsWith('_')).map((f) => f.slice(0, -3));
if (!name || !available.includes(name)) {
  console.error(`usage: npm run bench -- <${available.join('|')}> [options]`);
  process.exit(1);
}
const mod = (await import(pathToFileURL(path.join(here, `${name}.js`)).href)) as { run(args: string[]): Promise<void> };
await mod.run(args);
