import { describe, expect, it } from '@jest/globals';
import { execFileSync } from 'node:child_process';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { goInstall, type GoBuildProgress } from '../../core/temporal/go-build.js';

/**
 * The Temporal CLI's build path, on a small local Go program with an empty build cache, so that the
 * standard library packages it needs are compiled for real (the Temporal CLI itself takes minutes).
 */
async function program(source: string): Promise<{ dir: string; env: NodeJS.ProcessEnv }> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'forgeline-gobuild-'));
  await writeFile(path.join(dir, 'go.mod'), 'module example.com/hello\n\ngo 1.21\n');
  await writeFile(path.join(dir, 'main.go'), source);
  // A build cache of its own: every package compiles and -v names it. GOPROXY=off: nothing to fetch.
  return { dir, env: { ...process.env, GOCACHE: path.join(dir, 'gocache'), GOPROXY: 'off', GOTOOLCHAIN: 'local' } };
}

describe('go install with progress', () => {
  it('reports packages as they compile, and builds a stripped binary without this machine\'s paths', async () => {
    const { dir, env } = await program('package main\n\nimport (\n\t"encoding/json"\n\t"fmt"\n)\n\nfunc main() {\n\tb, _ := json.Marshal(map[string]int{"built": 1})\n\tfmt.Println(string(b))\n}\n');
    const reports: GoBuildProgress[] = [];
    await goInstall({ target: '.', cwd: dir, gobin: path.join(dir, 'bin'), env, everyMs: 100, onProgress: (p) => reports.push(p) });
    const last = reports.at(-1)!;
    expect(last).toMatchObject({ done: true, last: 'example.com/hello' });
    // The standard library packages behind fmt and encoding/json compiled, one report line each.
    expect(last.compiled).toBeGreaterThan(10);
    const counts = reports.map((r) => r.compiled);
    expect(counts).toEqual([...counts].sort((a, b) => a - b));

    const bin = path.join(dir, 'bin', 'hello');
    expect(execFileSync(bin, { encoding: 'utf8' })).toBe('{"built":1}\n');
    const bytes = await readFile(bin);
    expect(bytes.includes('.debug_info')).toBe(false); // -w: no DWARF sections
    expect(bytes.includes(dir)).toBe(false); // -trimpath: no build folder in the binary
  }, 170_000);

  it('fails with the compiler\'s own message, naming the file and line', async () => {
    const { dir, env } = await program('package main\n\nfunc main() {\n\tundefinedThing()\n}\n');
    await expect(goInstall({ target: '.', cwd: dir, gobin: path.join(dir, 'bin'), env })).rejects.toThrow(/exited with code 1:[\s\S]*main\.go:4:2: undefined: undefinedThing/);
  }, 170_000);
});
