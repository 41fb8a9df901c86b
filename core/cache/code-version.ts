import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { sha256Text } from '../artifacts/hash.js';

/**
 * Static imports, literal dynamic imports, and the stages a step runs by URL (`stageAt('./stage.js',
 * import.meta.url)`, core/stage/stage.ts): a step names its stage without importing it, and the
 * stage's code is still the step's code.
 */
const IMPORT_RE = /(?:import|export)\s[^'"]*?from\s*['"](\.{1,2}\/[^'"]+)['"]|(?:import|stageAt)\(\s*['"](\.{1,2}\/[^'"]+)['"]/g;
const memo = new Map<string, string>();

/**
 * A step's implementation version: the hash of its module and of every project module it imports
 * (relative imports, transitively). Editing any of that code changes the cache key; no manual bump.
 * Package dependencies are pinned by the lockfile and are not hashed.
 */
export function codeVersion(moduleUrl: string): string {
  const entry = moduleUrl.startsWith('file:') ? fileURLToPath(moduleUrl) : moduleUrl;
  const cached = memo.get(entry);
  if (cached) return cached;
  const seen = new Set<string>();
  const parts: string[] = [];
  const visit = (file: string): void => {
    if (seen.has(file)) return;
    seen.add(file);
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch {
      return;
    }
    parts.push(`${path.basename(file)}:${sha256Text(text)}`);
    for (const m of text.matchAll(IMPORT_RE)) {
      const spec = m[1] ?? m[2];
      if (spec) visit(path.resolve(path.dirname(file), spec));
    }
  };
  visit(entry);
  const version = sha256Text(parts.sort().join('\n')).slice(0, 16);
  memo.set(entry, version);
  return version;
}
