import { beforeAll, describe, expect, it } from '@jest/globals';
import fs from 'node:fs/promises';
import path from 'node:path';
import { cli, testEnv } from '../support/harness.js';
import { curated, runStage, tempDir } from './support/stage.js';

/** Issue 24, item 6: bad input to `forgeline stage`, case by case; each says one line naming the file. */
let dir: string;
let home: string;
let env: NodeJS.ProcessEnv;
let good: string;
beforeAll(async () => {
  dir = await tempDir('forgeline-bad-input-');
  home = await tempDir('forgeline-bad-input-home-');
  env = await testEnv();
  good = await curated(
    dir,
    'good',
    [
      { instruction: 'first question', input: '', output: 'first answer' },
      { instruction: 'second question', input: '', output: 'second answer' },
      { instruction: 'third question', input: '', output: 'third answer' },
    ],
    home,
  );
});

const errorLines = (stderr: string): string[] => stderr.split('\n').filter((l) => l.startsWith('forgeline stage:'));

describe('forgeline stage on bad input', () => {
  it('a directory as --in: exit 1 with one line naming it', async () => {
    const res = await cli(['stage', 'validate', '--in', dir, '--out', path.join(dir, 'out-dir.jsonl')], env);
    expect(res.code).toBe(1);
    expect(errorLines(res.stderr)).toEqual([`forgeline stage: ${dir}: is a directory; name a file`]);
  });

  it('a binary file is refused up front as not text (validate and pii), exit 1', async () => {
    const binary = path.join(dir, 'program.jsonl');
    await fs.copyFile(process.execPath, binary);
    for (const stage of ['validate', 'pii']) {
      const res = await cli(['stage', stage, '--in', binary, '--out', path.join(dir, `bin-${stage}.jsonl`)], env);
      expect(res.code).toBe(1);
      const lines = errorLines(res.stderr);
      expect(lines).toHaveLength(1);
      expect(lines[0]).toMatch(new RegExp(`^forgeline stage: ${binary.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}: not a text file \\(a NUL byte at offset \\d+\\)`));
    }
  });

  it('a 0-byte input succeeds on 0 records with a warning line', async () => {
    const empty = path.join(dir, 'empty.jsonl');
    await fs.writeFile(empty, '');
    const res = await cli(['stage', 'validate', '--in', empty, '--out', path.join(dir, 'empty-out.jsonl')], env);
    expect(res.code).toBe(0);
    expect(res.stderr).toContain(`forgeline stage: warning: ${empty}: the file is empty (0 bytes): no records to read`);
    expect(JSON.parse(res.stdout)).toMatchObject({ stage: 'validate', total: 0, kept: 0 });
  });

  it('`stage <name> --help` prints the stage usage and its options, exit 0', async () => {
    const res = await cli(['stage', 'pii', '--help'], env);
    expect(res.code).toBe(0);
    expect(res.stdout).toContain('usage: forgeline stage pii --in <file> --out <file>');
    expect(res.stdout).toMatch(/^pii: /m);
    expect(res.stdout).toMatch(/^ {2}operator: /m);
  });

  it('pii strips a UTF-8 BOM, as validate does', async () => {
    const bom = path.join(dir, 'bom.jsonl');
    await fs.writeFile(bom, Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), await fs.readFile(good)]));
    const run = await runStage('pii', bom, {}, home);
    expect(run.metadata).toMatchObject({ total: 3, kept: 3, rejected: 0 });
  });

  it('pii rejects bytes that are not UTF-8 with the offset, as validate does, instead of replacing them', async () => {
    const lines = (await fs.readFile(good, 'utf8')).split('\n');
    const at = Buffer.byteLength(lines[1]!.slice(0, lines[1]!.indexOf('second answer')));
    const bad = Buffer.from(lines[1]!);
    bad[at] = 0xff;
    const file = path.join(dir, 'not-utf8.jsonl');
    await fs.writeFile(file, Buffer.concat([Buffer.from(`${lines[0]}\n`), bad, Buffer.from(`\n${lines.slice(2).join('\n')}`)]));
    const run = await runStage('pii', file, {}, home);
    expect(run.metadata).toMatchObject({ total: 3, kept: 2, rejected: 1 });
    const [reject] = await run.records<{ line: number; reason: string; detail: string }>('rejects');
    expect(reject).toMatchObject({ line: 2, reason: 'invalid_utf8', detail: `not valid UTF-8 (first bad byte at offset ${at})` });
    expect(await run.text('records')).not.toContain('\ufffd');
    // The same line, through validate: the same rule and the same words.
    const v = await runStage('validate', file, {}, home);
    expect((await v.records<{ reason: string; detail: string }>('rejects'))[0]).toMatchObject({ reason: 'invalid_utf8', detail: `not valid UTF-8 (first bad byte at offset ${at})` });
  });
});
