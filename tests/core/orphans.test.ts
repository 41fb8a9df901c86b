import { describe, expect, it } from '@jest/globals';
import { spawn } from 'node:child_process';
import path from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { DIST } from '../support/paths.js';

/**
 * Issue 24: a SIGKILLed worker left its trainer child running at full CPU. A child blocked in native
 * code never runs an IPC `disconnect` handler, so each child runs a watchdog thread that kills it
 * once its parent is gone. The stand-in parent (support/orphans/parent.ts) starts a child that
 * blocks for good; the test SIGKILLs the parent and waits for the child to disappear.
 */
const PARENT = path.join(DIST, 'tests/support/orphans/parent.js');

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function orphanOutlives(mode: 'node' | 'python' | 'temporal'): Promise<boolean> {
  const parent = spawn(process.execPath, [PARENT, mode], { stdio: ['ignore', 'pipe', 'inherit'] });
  const childPid = await new Promise<number>((resolve, reject) => {
    let out = '';
    parent.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /child (\d+)/.exec(out);
      if (m) resolve(Number(m[1]));
    });
    parent.once('exit', (code) => reject(new Error(`the stand-in parent exited (${String(code)}) before its child started: ${out}`)));
  });
  expect(alive(childPid)).toBe(true);
  parent.kill('SIGKILL');
  // Liveness, not a timing: the watchdog polls every 250 ms; 20 s is room for a loaded machine.
  for (let i = 0; i < 80 && alive(childPid); i++) await delay(250);
  const outlived = alive(childPid);
  if (outlived) process.kill(childPid, 'SIGKILL');
  return outlived;
}

describe('children die with their parent', () => {
  it('a node child blocked in its main thread (quantization, the llamacpp trainer, a model load) dies when its worker is SIGKILLed', async () => {
    expect(await orphanOutlives('node')).toBe(false);
  }, 60_000);

  it("the hf trainer's Python dies when its worker is SIGKILLed", async () => {
    expect(await orphanOutlives('python')).toBe(false);
  }, 120_000);

  it('the embedded Temporal server stops when the `dev` or `quickstart` that started it is SIGKILLed', async () => {
    expect(await orphanOutlives('temporal')).toBe(false);
  }, 120_000);
});
