import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const PACKAGE_JSON = fileURLToPath(new URL('../../../package.json', import.meta.url));

/** The Node versions the project supports: package.json's `engines.node`, the one place they are written. */
export function supportedNodeRange(): string {
  return (JSON.parse(readFileSync(PACKAGE_JSON, 'utf8')) as { engines: { node: string } }).engines.node;
}

const parse = (v: string): number[] => v.replace(/^v/, '').split('.').map((n) => Number(n) || 0);

function atLeast(have: number[], want: number[]): boolean {
  for (let i = 0; i < 3; i++) if ((have[i] ?? 0) !== (want[i] ?? 0)) return (have[i] ?? 0) > (want[i] ?? 0);
  return true;
}

/**
 * Whether `version` is in `range`. Only the forms package.json uses (`^x.y.z` and `>=x.y.z`, joined by
 * `||`) are understood: the runtime has no semver library, and a range it cannot read is an error
 * here rather than a wrong answer.
 */
export function nodeSatisfies(version: string, range: string): boolean {
  const have = parse(version);
  return range.split('||').some((branch) => {
    const b = branch.trim();
    const caret = /^\^(\d+(?:\.\d+){0,2})$/.exec(b);
    if (caret) {
      const want = parse(caret[1]!);
      return have[0] === want[0] && atLeast(have, want);
    }
    const ge = /^>=\s*(\d+(?:\.\d+){0,2})$/.exec(b);
    if (ge) return atLeast(have, parse(ge[1]!));
    throw new Error(`package.json engines.node: cannot read the range "${b}" (only ^x.y.z and >=x.y.z are understood)`);
  });
}
