import { describe, expect, it } from '@jest/globals';
import { existsSync, lstatSync, readFileSync, readdirSync, realpathSync, statSync } from 'node:fs';
import { mkdtemp, rm, symlink } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { nameOutputs } from '../../core/runs/names.js';
import type { ArtifactRef } from '../../core/artifacts/ref.js';
import type { StepState } from '../../core/workflow-safe/run-state.js';
import { cli, useTestWorker } from '../support/harness.js';

const t = useTestWorker();

interface Listed {
  runId: string;
  folder: string;
  outputs: { name: string; step: string; output: string; bytes: number; records?: number; sha256: string; link: string }[];
}

async function runToEnd(): Promise<{ runId: string; folder: string; stdout: string }> {
  const res = await cli(['run', 'test-run-folder', '--wait'], t.env);
  expect(res.stderr).toBe('');
  expect(res.code).toBe(0);
  const runId = /^(test-run-folder-\S+): succeeded/m.exec(res.stdout)![1]!;
  const folder = /^outputs: (\S+) \(`npx forgeline artifacts (\S+)` lists them\)$/m.exec(res.stdout)!;
  expect(folder[2]).toBe(runId);
  return { runId, folder: folder[1]!, stdout: res.stdout };
}

describe('the run folder: readable names for a run\'s outputs', () => {
  it('is made when `run --wait` sees the run end, of hard links into the store, nothing copied', async () => {
    const { runId, folder, stdout } = await runToEnd();
    expect(folder).toBe(path.join(t.env.FORGELINE_HOME!, 'runs', runId));
    expect(stdout).toContain(`report: ${path.join(folder, 'report.html')}`);
    const names = readdirSync(folder).sort();
    expect(names).toEqual(['outputs.json', 'pii-records.jsonl', 'pii-rejects.jsonl', 'pii-report.json', 'report-sections.json', 'report.html', 'validate-records.jsonl', 'validate-rejects.jsonl', 'validate-report.json'].sort());
    const listed = JSON.parse(readFileSync(path.join(folder, 'outputs.json'), 'utf8')) as Listed;
    const storeRoot = path.join(t.env.FORGELINE_HOME!, 'artifacts');
    for (const o of listed.outputs) {
      const file = path.join(folder, o.name);
      const stored = path.join(storeRoot, o.sha256.slice(0, 2), `${o.sha256}${path.extname(o.name)}`);
      // One inode, two names: the store's and the readable one.
      expect(statSync(file).ino).toBe(statSync(stored).ino);
      expect(statSync(file).nlink).toBeGreaterThanOrEqual(2);
      expect(o.link).toBe('hard');
      expect(statSync(file).size).toBe(o.bytes);
    }
    expect(readFileSync(path.join(folder, 'report.html'), 'utf8')).toContain('run folder test');
  });

  it('`artifacts` lists names, sizes and record counts, and `--json` prints one JSON object', async () => {
    const { runId, folder } = await runToEnd();
    const plain = await cli(['artifacts', runId], t.env);
    expect(plain.code).toBe(0);
    const records = readFileSync(path.join(folder, 'validate-records.jsonl'), 'utf8').split('\n').filter(Boolean).length;
    expect(plain.stdout).toMatch(new RegExp(`^validate-records\\.jsonl\\s+[\\d.]+ (B|KiB)\\s+${records}\\s+validate\\.records$`, 'm'));
    // The run report is the run's own, written by its finisher when it ended.
    expect(plain.stdout).toMatch(/^report\.html\s+[\d.]+ KiB\s+run\.report$/m);
    expect(plain.stdout.trim().split('\n').at(-1)).toBe(`folder: ${folder}`);

    const json = await cli(['artifacts', runId, '--json'], t.env);
    const listed = JSON.parse(json.stdout) as Listed;
    expect(listed.folder).toBe(folder);
    expect(listed.outputs.find((o) => o.name === 'validate-records.jsonl')).toMatchObject({ step: 'validate', output: 'records', records });
  });

  it('`open` prints the report path off a terminal; both commands make the folder of a run that ended unwatched', async () => {
    const { runId, folder } = await runToEnd();
    await rm(folder, { recursive: true });
    const opened = await cli(['open', runId], t.env);
    expect(opened.code).toBe(0);
    expect(opened.stdout).toBe(`${path.join(folder, 'report.html')}\n`);
    expect(readFileSync(path.join(folder, 'report.html'), 'utf8')).toContain('<html');
    await rm(folder, { recursive: true });
    const listed = JSON.parse((await cli(['artifacts', runId, '--json'], t.env)).stdout) as Listed;
    expect(listed.outputs.map((o) => o.name)).toContain('pii-rejects.jsonl');
    expect(existsSync(path.join(folder, 'pii-rejects.jsonl'))).toBe(true);
  });

  it('falls back to symlinks when the run folders are on another volume than the store', async () => {
    const other = '/dev/shm';
    // Only where /dev/shm is a volume of its own (Linux); the test's state folder is under the OS temp folder.
    if (!existsSync(other) || statSync(other).dev === statSync(os.tmpdir()).dev) return;
    const runs = await mkdtemp(path.join(other, 'forgeline-runs-'));
    const home = await mkdtemp(path.join(os.tmpdir(), 'forgeline-test-'));
    await symlink(runs, path.join(home, 'runs'));
    const env = { ...t.env, FORGELINE_HOME: home };
    const res = await cli(['run', 'test-run-folder', '--wait', '--json'], env);
    const out = JSON.parse(res.stdout) as { runId: string; folder: string };
    const listed = JSON.parse((await cli(['artifacts', out.runId, '--json'], env)).stdout) as Listed;
    expect(new Set(listed.outputs.map((o) => o.link))).toEqual(new Set(['symlink']));
    const report = path.join(out.folder, 'report.html');
    expect(lstatSync(report).isSymbolicLink()).toBe(true);
    // The worker wrote the outputs into its own state folder's store.
    expect(realpathSync(report).startsWith(realpathSync(path.join(t.env.FORGELINE_HOME!, 'artifacts')))).toBe(true);
    await rm(runs, { recursive: true });
  });

  it('`artifacts` of a run that does not exist says so', async () => {
    const res = await cli(['artifacts', 'no-such-run'], t.env);
    expect(res.code).toBe(1);
    expect(res.stderr).toContain('forgeline artifacts: no run "no-such-run"');
  });
});

describe('output names', () => {
  const ref = (ext: string, kind: ArtifactRef['kind'] = 'report', schema = 'json'): ArtifactRef => ({ uri: `file:///s/ab/ab${ext}`, sha256: 'ab', bytes: 1, kind, schema });
  const step = (id: string, kind: string, outputs: Record<string, ArtifactRef>, metadata: Record<string, unknown> = {}): StepState => ({ id, kind, status: 'succeeded', taskQueue: 'q', outputs, metadata });

  it('gives the names a person looks for, and <step>-<output> to the rest', () => {
    const names = nameOutputs([
      step('train', 'train', { model: ref('.gguf', 'model', 'gguf'), rejects: ref('.jsonl', 'records', 'chat') }),
      step('quantize', 'quantize', { model: ref('.gguf', 'model', 'gguf'), report: ref('.json') }, { quantization: 'Q8_0' }),
      step('evaluate', 'evaluate', { report: ref('.json'), predictions: ref('.jsonl', 'records') }),
      step('report', 'report', { sections: ref('.json') }),
    ], ref('.html', 'report', 'html')).map((o) => o.name);
    // report.html is the run report (state.report), which the run's finisher writes.
    expect(names).toEqual(['report.html', 'train-model.gguf', 'train-rejects.jsonl', 'model-Q8_0.gguf', 'quantize-report.json', 'eval.json', 'eval-predictions.jsonl', 'report-sections.json']);
  });

  it('gives a preferred name to no one when two steps would take it', () => {
    const names = nameOutputs([
      step('eval-a', 'evaluate', { report: ref('.json') }),
      step('eval-b', 'evaluate', { report: ref('.json') }),
      step('q4', 'quantize', { model: ref('.gguf', 'model', 'gguf') }, { quantization: 'Q4_0' }),
      step('q8', 'quantize', { model: ref('.gguf', 'model', 'gguf') }, { quantization: 'Q8_0' }),
    ]).map((o) => o.name);
    expect(names).toEqual(['eval-a-report.json', 'eval-b-report.json', 'model-Q4_0.gguf', 'model-Q8_0.gguf']);
  });
});
