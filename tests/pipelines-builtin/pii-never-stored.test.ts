import { describe, expect, it } from '@jest/globals';
import { mkdtempSync } from 'node:fs';
import { mkdtemp, readdir, readFile, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { awaitRun, startRun } from '../../core/client/runs.js';
import { testClient, useTestWorker } from '../support/harness.js';
import { REPO_ROOT } from '../support/paths.js';

/**
 * Issue 19, defect 6 and issue 24, item 9. Seed 004: "All PII must be removed before storage".
 * relationship-coach runs (up to its new-data gate) on the sample plus records with planted PII in
 * the text, in metadata, in a line that is not JSON and in a line of the wrong shape. Afterwards no
 * planted value is anywhere in the state folder (store, cache, run folder, report), in the
 * workflow's Temporal history, or in the worker's debug log. Before, validate stored the raw
 * records and its rejects kept the raw lines.
 */
const PLANTED = ['zoe.planted@example.org', '+1 (415) 555-2671', '4111 1111 1111 1111', '123-45-6789', 'Plantwell', '1600 Pennsylvania Ave NW', 'ivy.reject@example.net', 'Quixley'];
const META = { category: 'advice', quality_score: 9, relationship_stage: 'early', complexity: 2, created_at: '2026-10-20T10:00:00Z', source: 'user_generated' };
const ROWS = [
  JSON.stringify({
    instruction: 'My partner Sarah Plantwell keeps checking my phone. How do I talk to her about trust?',
    input: 'Relationship stage: early',
    output: 'Pick a calm moment and tell Sarah Plantwell how the checking feels to you, then ask what worries her; agree on one small step you both try this week.',
    metadata: META,
  }),
  JSON.stringify({
    instruction: 'We moved to 1600 Pennsylvania Ave NW and fight about rent. Write to me at zoe.planted@example.org or call +1 (415) 555-2671.',
    input: 'Relationship stage: established',
    output: 'Sit down together with the numbers once a month, split costs by what each of you earns, and write the plan down so that neither of you has to remember it alone.',
    metadata: { ...META, contact: 'zoe.planted@example.org', billing: { card: '4111 1111 1111 1111', ssn: '123-45-6789' } },
  }),
  // Not JSON: validate rejects it, and the reject row quotes the line.
  '{"instruction": "Email ivy.reject@example.net about my husband Liam Quixley", "output": ',
  // JSON, but no record: rejected with its raw text.
  JSON.stringify({ note: 'my wife Emma Quixley, ivy.reject@example.net' }),
];

const logDir = mkdtempSync(path.join(os.tmpdir(), 'forgeline-pii-log-'));
const logFile = path.join(logDir, 'worker.log');
const { env } = useTestWorker({ FORGELINE_LOG_LEVEL: 'debug', FORGELINE_LOG_FILE: logFile });

/** Every file under a folder, read as bytes and decoded (latin1 keeps every byte, ASCII values match). */
async function folderText(dir: string): Promise<{ file: string; text: string }[]> {
  const out: { file: string; text: string }[] = [];
  for (const e of await readdir(dir, { withFileTypes: true, recursive: true })) {
    if (!e.isFile()) continue;
    const file = path.join(e.parentPath, e.name);
    out.push({ file, text: (await readFile(file)).toString('latin1') });
  }
  return out;
}

/** Every string and byte field of the history, decoded: payloads are JSON bytes. */
function historyText(value: unknown, out: string[] = []): string[] {
  if (typeof value === 'string') out.push(value);
  else if (value instanceof Uint8Array) out.push(Buffer.from(value).toString('utf8'));
  else if (Array.isArray(value)) for (const v of value) historyText(v, out);
  else if (value && typeof value === 'object') for (const v of Object.values(value)) historyText(v, out);
  return out;
}

describe('relationship-coach never stores raw PII (seed 004)', () => {
  it('leaves no planted value in the state folder, the Temporal history or the logs', async () => {
    const sample = (await readFile(path.join(REPO_ROOT, 'data/relationship-coach/sample.jsonl'), 'utf8')).split('\n').filter((l) => l.length > 0);
    const input = path.join(await mkdtemp(path.join(os.tmpdir(), 'forgeline-pii-in-')), 'week.jsonl');
    await writeFile(input, `${[...sample, ...ROWS].join('\n')}\n`);
    const { client, close } = await testClient();
    let s: Awaited<ReturnType<typeof awaitRun>>;
    let history: string;
    try {
      const runId = await startRun(client, { pipeline: 'relationship-coach', params: { input, minNewExamples: 100_000, baseModel: 'tiny' } });
      s = await awaitRun(client, runId);
      history = historyText(await client.workflow.getHandle(runId).fetchHistory()).join('\n');
    } finally {
      await close();
    }
    const files = await folderText(env.FORGELINE_HOME!);
    const log = await readFile(logFile, 'utf8');
    // The leaks first: they are the point, and they say where.
    const leaks = [
      ...files.flatMap((f) => PLANTED.filter((v) => f.text.includes(v)).map((v) => `${path.relative(env.FORGELINE_HOME!, f.file)}: ${v}`)),
      ...PLANTED.filter((v) => history.includes(v)).map((v) => `Temporal history: ${v}`),
      ...PLANTED.filter((v) => log.includes(v)).map((v) => `worker log: ${v}`),
    ];
    expect(leaks).toEqual([]);
    expect(history.length).toBeGreaterThan(1000);
    expect(log.length).toBeGreaterThan(0);
    expect(files.length).toBeGreaterThan(10);

    // The gate stops the run before training: every data step ran.
    expect(s.state?.status).toBe('skipped');
    const load = s.state!.steps.find((x) => x.id === 'load')!;
    expect(load.metadata).toMatchObject({ scrubbed: true, total: sample.length + ROWS.length, rejected: 2, dropped: { truncated_json: 1, unknown_format: 1 } });
    const findings = load.metadata.findings as Record<string, number>;
    for (const type of ['email', 'phone', 'credit_card', 'ssn', 'street_address', 'person']) expect(findings[type]).toBeGreaterThan(0);
    // The scrubbed text is what is stored: the planted records are there, with placeholders.
    expect(files.some((f) => f.text.includes('My partner [Partner] keeps checking my phone'))).toBe(true);
    expect(files.some((f) => f.text.includes('"contact":"[EMAIL]"'))).toBe(true);
  }, 600_000);
});
