import { afterEach, describe, expect, it } from '@jest/globals';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { cli, testEnv, useTestWorker } from '../support/harness.js';
import { inTerminal, type Terminal } from '../support/tmux.js';

/**
 * What the CLI prints for a person: a live frame on a terminal, plain lines elsewhere, pure JSON with
 * --json, and no JSON log line in any of them (the in-process worker logs to a file).
 */
const t = useTestWorker();
const JSON_LOG = /\{"level":/;
let term: Terminal | undefined;
afterEach(async () => {
  await term?.close();
  term = undefined;
});

describe('off a terminal', () => {
  it('`run --wait` prints one plain line per step status change, then the outcome', async () => {
    const res = await cli(['run', 'test-chain', '--params', '{"length": 2, "ms": 300}', '--wait'], t.env);
    expect(res.code).toBe(0);
    expect(res.stdout).not.toContain('\x1b');
    const lines = res.stdout.trim().split('\n');
    const stepLines = lines.filter((l) => /^\d{4}-\d\d-\d\dT\S+Z /.test(l)).map((l) => l.replace(/^\S+ /, ''));
    // A step may start and end between two polls, so its `running` line is not certain.
    for (const l of stepLines) expect(l).toMatch(/^s[01] \(test-sleep\) (running|succeeded)$/);
    expect(stepLines.filter((l) => l.endsWith('succeeded'))).toEqual(['s0 (test-sleep) succeeded', 's1 (test-sleep) succeeded']);
    expect(lines).toContainEqual(expect.stringMatching(/^test-chain-\S+: succeeded$/));
  });

  it('--json leaves nothing but one JSON document on stdout: run --wait, status, status --watch', async () => {
    const ran = await cli(['run', 'test-chain', '--params', '{"length": 1, "ms": 200}', '--wait', '--json'], t.env);
    expect(ran.stdout.trim().split('\n')).toHaveLength(1);
    const { runId, status } = JSON.parse(ran.stdout) as { runId: string; status: string };
    expect(status).toBe('succeeded');
    for (const args of [['status', runId, '--json'], ['status', runId, '--watch', '--json']]) {
      const res = await cli(args, t.env);
      expect(res.stdout.trim().split('\n')).toHaveLength(1);
      expect(JSON.parse(res.stdout)).toMatchObject({ runId, status: 'succeeded' });
    }
  });

  it('`quickstart` keeps its worker\'s JSON logs in <state>/logs/worker.log; --verbose sends them to stderr', async () => {
    const env = await testEnv({ FORGELINE_LOG_LEVEL: 'info' });
    const res = await cli(['quickstart', '--pipeline', 'test-chain'], env);
    expect(res.code).toBe(0);
    expect(res.stdout + res.stderr).not.toMatch(JSON_LOG);
    const logFile = path.join(env.FORGELINE_HOME!, 'logs', 'worker.log');
    expect(res.stdout).toContain(`worker log: ${logFile}`);
    const logged = readFileSync(logFile, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { msg: string });
    expect(logged.map((l) => l.msg)).toContain('worker ready');

    const verboseEnv = await testEnv({ FORGELINE_LOG_LEVEL: 'info' });
    const verbose = await cli(['quickstart', '--pipeline', 'test-chain', '--verbose'], verboseEnv);
    expect(verbose.code).toBe(0);
    expect(verbose.stderr).toMatch(/\{"level":30,.*"msg":"worker ready"/);
    expect(verbose.stdout).not.toMatch(JSON_LOG);
    expect(existsSync(path.join(verboseEnv.FORGELINE_HOME!, 'logs', 'worker.log'))).toBe(false);
  });
});

describe('on a terminal (tmux)', () => {
  it('`run --wait` redraws one step table in place, with a progress bar and ETA for the running step', async () => {
    term = await inTerminal(['run', 'test-chain', '--params', '{"length": 2, "ms": 15000}', '--wait'], t.env);
    const during = await term.waitFor((s) => /^s0\s+test-sleep\s+running\s+\d+s\s+\[#*\.*\] \d+% \d+\/15000 ms {2}ETA \d+(m\d\d)?s$/m.test(s));
    expect(during).toMatch(/^test-chain-\S+ {2}running {2}\d+s$/m);
    expect(during).toMatch(/^s1\s+test-sleep\s+pending\s*$/m);
    const end = await term.waitFor((s) => s.includes('[exit '));
    expect(end).toContain('[exit 0]');
    // Redrawn in place: one table on the screen, not one per update.
    expect(end.match(/^STEP\s+KIND\s+STATUS/gm)).toHaveLength(1);
    expect(end).toMatch(/^s0\s+test-sleep\s+succeeded\s+[\d.]+s\s+report=/m);
    expect(end).toMatch(/^s1\s+test-sleep\s+succeeded\s+[\d.]+s\s+report=/m);
    expect(end).toMatch(/^test-chain-\S+: succeeded$/m);
    expect(end).not.toMatch(JSON_LOG);
  }, 120_000);

  it('`status --watch` follows a run started elsewhere in the same single frame', async () => {
    const started = await cli(['run', 'test-chain', '--params', '{"length": 2, "ms": 3000, "tag": "watch"}', '--json'], t.env);
    const { runId } = JSON.parse(started.stdout) as { runId: string };
    term = await inTerminal(['status', runId, '--watch'], t.env);
    const end = await term.waitFor((s) => s.includes('[exit '));
    expect(end).toContain('[exit 0]');
    expect(end.match(/^STEP\s+KIND\s+STATUS/gm)).toHaveLength(1);
    expect(end).toMatch(/^s1\s+test-sleep\s+succeeded/m);
    expect(end).toContain(`${runId}: succeeded`);
  }, 120_000);

  it('`quickstart` shows the live table with no log lines in it, and stays up until Ctrl-C', async () => {
    const env = await testEnv({ FORGELINE_LOG_LEVEL: 'info' });
    term = await inTerminal(['quickstart', '--pipeline', 'test-chain'], env);
    const ended = await term.waitFor((s) => s.includes('Ctrl-C stops them.'));
    // Earlier quickstarts in this namespace ran the same steps: they may come from the step cache.
    expect(ended).toMatch(/^s2\s+test-sleep\s+(succeeded|cached)/m);
    expect(ended).toMatch(/^test-chain-\S+: succeeded$/m);
    expect(ended.match(/^STEP\s+KIND\s+STATUS/gm)).toHaveLength(1);
    expect(ended).not.toMatch(JSON_LOG);
    await term.keys('C-c');
    expect(await term.waitFor((s) => s.includes('[exit '))).toContain('[exit 0]');
  }, 120_000);
});
