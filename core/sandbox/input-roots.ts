import fs from 'node:fs/promises';
import path from 'node:path';

/**
 * How a step option names a file: `read` (data, a model, a module), `write` (a file the step
 * creates), or `read-if-local` (a local path or a remote id, such as a Hugging Face model id: only
 * a path that exists on this host is checked, an id is not a file the worker could leak).
 */
export type PathUse = 'read' | 'write' | 'read-if-local';

/**
 * The real location of a path: symlinks and `..` resolved. For a path that does not exist yet (an
 * output, or a missing input), the deepest existing ancestor is resolved and the rest appended, so
 * a symlinked folder cannot smuggle a new file out of a root either. Nothing is opened or read.
 */
export async function realLocation(p: string): Promise<string> {
  const abs = path.resolve(p);
  const rest: string[] = [];
  for (let cur = abs; ; cur = path.dirname(cur)) {
    try {
      return path.join(await fs.realpath(cur), ...rest.reverse());
    } catch {
      if (path.dirname(cur) === cur) return abs;
      rest.push(path.basename(cur));
    }
  }
}

/** Whether `file` (already real) lies in one of `roots` (already real). */
export function isInside(file: string, roots: readonly string[]): boolean {
  return roots.some((root) => {
    const rel = path.relative(root, file);
    return rel === '' || (!rel.startsWith('..') && !path.isAbsolute(rel));
  });
}

/** The roots themselves, resolved like the paths checked against them (macOS's /tmp is /private/tmp). */
export async function realRoots(roots: readonly string[]): Promise<string[]> {
  return Promise.all(roots.map(realLocation));
}

/** Whether a path exists at all (a `read-if-local` value that does not is an id, not a file). */
export async function existsLocally(p: string): Promise<boolean> {
  return fs.lstat(path.resolve(p)).then(
    () => true,
    () => false,
  );
}

/** Whether a path, resolved, lies inside the roots: for a file named by a file (a manifest's buckets), checked when it is read. */
export async function insideRoots(p: string, roots: readonly string[]): Promise<boolean> {
  return isInside(await realLocation(p), await realRoots(roots));
}
