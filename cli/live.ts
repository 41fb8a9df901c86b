import type { RunSnapshot } from '../core/client/runs.js';
import { shortDuration } from './eta.js';
import { stepsTable } from './output.js';

export interface RunWatcher {
  /** A fresh snapshot of the run (awaitRun's callback). */
  update(s: RunSnapshot): void;
  /** The run ended or the watch stopped: leave the last frame on screen and give the cursor back. */
  finish(): void;
}

/**
 * How a watched run shows: on a terminal, a live frame (run line and step table with progress bars
 * and ETAs) redrawn in place; elsewhere one plain line per step status change, which logs and CI
 * keep readable.
 */
export function runWatcher(out: NodeJS.WriteStream = process.stdout): RunWatcher {
  return out.isTTY ? liveFrame(out) : plainLines(out);
}

function plainLines(out: NodeJS.WriteStream): RunWatcher {
  const seen = new Map<string, string>();
  return {
    update(s) {
      for (const st of s.state?.steps ?? []) {
        if (seen.get(st.id) === st.status) continue;
        seen.set(st.id, st.status);
        if (st.status !== 'pending') out.write(`${new Date().toISOString()} ${st.id} (${st.kind}) ${st.status}${st.error ? `: ${st.error}` : ''}\n`);
      }
    },
    finish: () => undefined,
  };
}

const HIDE_CURSOR = '\x1b[?25l';
const SHOW_CURSOR = '\x1b[?25h';

function liveFrame(out: NodeJS.WriteStream): RunWatcher {
  const watchStart = Date.now();
  let last: RunSnapshot | undefined;
  let drawn = 0;
  const restore = () => out.write(SHOW_CURSOR);
  const draw = () => {
    if (!last?.state) return;
    const elapsed = shortDuration((Date.now() - watchStart) / 1000);
    const text = `${last.runId}  ${last.state.status}  ${elapsed}\n${stepsTable(last.state, last.live)}`;
    // A line wider than the terminal wraps and the cursor would move up too few rows: cut it instead.
    const width = Math.max(20, (out.columns || 80) - 1);
    const lines = text.split('\n').map((l) => (l.length > width ? l.slice(0, width - 1) + '…' : l));
    out.write(`${drawn ? `\x1b[${drawn}A\r\x1b[J` : HIDE_CURSOR}${lines.join('\n')}\n`);
    drawn = lines.length;
  };
  // Elapsed times and ETAs move between snapshots too.
  const tick = setInterval(draw, 1000);
  tick.unref();
  process.once('exit', restore);
  return {
    update(s) {
      last = s;
      draw();
    },
    finish() {
      clearInterval(tick);
      draw();
      if (drawn) restore();
      process.removeListener('exit', restore);
    },
  };
}
