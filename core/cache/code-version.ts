import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { sha256Text } from '../artifacts/hash.js';

/**
 * Static imports, literal dynamic imports, side-effect imports, and the stages a step runs by URL
 * (`stageAt('./stage.js', import.meta.url)`, core/stage/stage.ts): a step names its stage without
 * importing it, and the stage's code is still the step's code.
 */
const IMPORT_RE = /(?:import|export)\s[^'"]*?from\s*['"](\.{1,2}\/[^'"]+)['"]|(?:import|stageAt)\(\s*['"](\.{1,2}\/[^'"]+)['"]|\bimport\s*['"](\.{1,2}\/[^'"]+)['"]/g;
/**
 * A file a module starts by path (a child process's entry, a worker thread, `python/*.py`) is named
 * in the one form `new URL('<relative path>', import.meta.url)`; that literal is how its code joins
 * the version of every step that reaches the module.
 */
const STARTS_RE = /new URL\(\s*['"](\.{1,2}\/[^'"]*[^'"/])['"]\s*,\s*import\.meta\.url\s*\)/g;

interface Node {
  hash: string;
  imports: string[];
  starts: string[];
}

/** Modules this process has imported: Node loads each once, so their text is read once too. */
const loaded = new Map<string, Node | null>();

function read(file: string): Node | null {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    return null;
  }
  const rel = (spec: string | undefined): string[] => (spec ? [path.resolve(path.dirname(file), spec)] : []);
  return {
    hash: `${path.basename(file)}:${sha256Text(text)}`,
    imports: [...text.matchAll(IMPORT_RE)].flatMap((m) => rel(m[1] ?? m[2] ?? m[3])),
    starts: [...text.matchAll(STARTS_RE)].flatMap((m) => rel(m[1])),
  };
}

/**
 * A step's implementation version: the hash of its module, of every project module it imports
 * (relative imports, transitively), and of every file it starts by path (see STARTS_RE) with what
 * those import. Editing any of that code changes the cache key; no manual bump. Package
 * dependencies are pinned by the lockfile and are not hashed.
 *
 * A started file is read again at each call, because each start runs what is on disk now: an edited
 * `python/hf_train.py` must miss the cache without a worker restart. Imported modules are read once,
 * because this process keeps running the code it loaded.
 */
export function codeVersion(moduleUrl: string): string {
  return sha256Text(codeFiles(moduleUrl).map((f) => f.hash).sort().join('\n')).slice(0, 16);
}

/** The files a module's code version covers, each with how this process runs it. */
export function codeFiles(moduleUrl: string): { file: string; hash: string; started: boolean }[] {
  const entry = moduleUrl.startsWith('file:') ? fileURLToPath(moduleUrl) : moduleUrl;
  const seen = new Map<string, { file: string; hash: string; started: boolean }>();
  const visit = (file: string, started: boolean): void => {
    const prev = seen.get(file);
    if (prev && (prev.started || !started)) return;
    let node: Node | null | undefined;
    if (started) node = read(file);
    else {
      node = loaded.get(file);
      if (node === undefined) loaded.set(file, (node = read(file)));
    }
    if (!node) return;
    seen.set(file, { file, hash: node.hash, started });
    for (const dep of node.imports) visit(dep, started);
    for (const dep of node.starts) visit(dep, true);
  };
  visit(entry, false);
  return [...seen.values()];
}
