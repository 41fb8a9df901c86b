import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { chromium, type Browser, type Page } from 'playwright-core';
import { CPU_QUEUE, WORKFLOW_TYPE } from '../../core/workflow-safe/queues.js';
import type { RunState } from '../../core/workflow-safe/run-state.js';
import { cli, services, testClient, testNamespace, useTestWorker } from '../support/harness.js';
import { range, tempDir, uniqueTag, waitFor, writeExamples } from './support.js';

/** Debian's chromium (scripts/ci-setup.d/30-chromium.sh installs it), or FORGELINE_CHROMIUM. */
function chromiumPath(): string {
  const fromEnv = process.env.FORGELINE_CHROMIUM;
  if (fromEnv && existsSync(fromEnv)) return fromEnv;
  for (const bin of ['chromium', 'chromium-browser']) {
    try {
      return execFileSync('sh', ['-c', `command -v ${bin}`], { encoding: 'utf8' }).trim();
    } catch {
      // try the next name
    }
  }
  throw new Error('no chromium found: run scripts/ci-setup.d/30-chromium.sh (apt-get install chromium) or set FORGELINE_CHROMIUM');
}

const { env } = useTestWorker({ FORGELINE_USER: 'ui-reviewer' });
let browser: Browser;
let conn: Awaited<ReturnType<typeof testClient>>;
const ui = () => `${services().temporalUi}/namespaces/${testNamespace()}`;

beforeAll(async () => {
  conn = await testClient();
  browser = await chromium.launch({ executablePath: chromiumPath(), headless: true, args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage'] });
});

afterAll(async () => {
  await browser?.close();
  await conn?.close();
});

/** Fills the Web UI's "Start a Workflow" form as an operator would, and presses Start. */
async function startFromUi(page: Page, workflowId: string, input: unknown): Promise<void> {
  await page.goto(`${ui()}/workflows/start-workflow`, { waitUntil: 'networkidle' });
  await page.getByTestId('workflowId').fill(workflowId);
  await page.getByTestId('taskQueue').fill(CPU_QUEUE);
  await page.getByTestId('workflowType').fill(WORKFLOW_TYPE);
  await page.locator('.cm-content').first().click();
  await page.keyboard.insertText(JSON.stringify(input));
  // Leaving the editor reformats the JSON (the form grows); press Start only after that.
  await page.getByRole('heading', { name: 'Start a Workflow' }).click();
  await page.getByText('Task Queue is Active').waitFor({ timeout: 30_000 });
  const started = page.waitForResponse((r) => r.request().method() === 'POST' && r.url().includes(`/workflows/${workflowId}`));
  await page.getByTestId('start-workflow-button').click();
  expect((await started).status()).toBe(200);
}

/** The run's page, reloaded until the status badge says `status`. */
async function openRun(page: Page, workflowId: string, status: string): Promise<string> {
  return waitFor(`the Web UI to show ${workflowId} as ${status}`, async () => {
    // A running workflow's page polls the server, so the network is never idle: wait for elements instead.
    await page.goto(`${ui()}/workflows/${workflowId}`, { waitUntil: 'domcontentloaded' });
    await page.getByText(status, { exact: true }).first().waitFor({ timeout: 10_000 });
    return page.locator('main').innerText();
  }, 90_000, 1000);
}

describe('Temporal Web UI', () => {
  test('an operator starts a pipeline from "Start Workflow" with one JSON input and watches it complete', async () => {
    const page = await browser.newPage({ viewport: { width: 1400, height: 1400 } });
    const workflowId = `ui-chain-${uniqueTag()}`;
    await startFromUi(page, workflowId, { pipeline: 'test-chain', params: { length: 2, tag: workflowId } });

    const result = (await conn.client.workflow.getHandle(workflowId).result()) as RunState;
    expect(result.status).toBe('succeeded');
    await openRun(page, workflowId, 'Completed');
    // Activity names and summaries in the event history say which step ran.
    await page.getByText('step s1 (test-sleep)').first().waitFor({ timeout: 30_000 });
    const text = await page.locator('main').innerText();
    expect(text).toContain(WORKFLOW_TYPE);
    expect(text).toContain(CPU_QUEUE);
    expect(text).toContain('step.test-sleep');
    expect(text).toContain('step s0 (test-sleep)');
    // The memo names the pipeline and its outcome even for runs started here, without the CLI.
    await page.getByRole('tab', { name: 'Memo' }).click();
    await page.getByText('"outcome": "succeeded"').waitFor({ timeout: 30_000 });
    expect(await page.locator('main').innerText()).toContain('"pipeline": "test-chain"');
    await page.close();
  });

  test('a run waiting for approval says so in the UI; approving from the CLI completes it', async () => {
    const page = await browser.newPage({ viewport: { width: 1400, height: 1400 } });
    const input = await writeExamples(await tempDir(), 'red-team.jsonl', range('rt', 0, 3));
    const workflowId = `ui-review-${uniqueTag()}`;
    await startFromUi(page, workflowId, { pipeline: 'test-approval', params: { input, prompt: 'review the red-team bucket' } });
    await waitFor('the review to wait', async () => {
      const s = await conn.client.workflow.getHandle(workflowId).query<RunState>('status');
      return s.steps.find((x) => x.id === 'review')?.status === 'waiting' ? true : undefined;
    });
    const details = await waitFor('the current details to show the wait', async () => {
      await page.goto(`${ui()}/workflows/${workflowId}`, { waitUntil: 'domcontentloaded' });
      await page.getByText('User Metadata', { exact: true }).first().click({ timeout: 20_000 });
      await page.getByText('Current Details').waitFor({ timeout: 10_000 });
      // The UI renders the details (markdown) in a sandboxed frame.
      for (let i = 0; i < 20; i++) {
        for (const frame of page.frames()) {
          const text = await frame.locator('body').innerText().catch(() => '');
          if (text.includes('review (approval): waiting')) return text;
        }
        await page.waitForTimeout(500);
      }
      return undefined;
    }, 90_000, 1000);
    expect(details).toContain('test-approval');
    expect(details).toContain(`npx forgeline approve ${workflowId} review`);

    const ok = await cli(['approve', workflowId, 'review', '--note', 'fine'], env);
    expect(ok.code).toBe(0);
    const result = (await conn.client.workflow.getHandle(workflowId).result()) as RunState;
    expect(result.steps.find((s) => s.id === 'review')!.approval).toMatchObject({ state: 'approved', by: 'ui-reviewer', note: 'fine' });
    await page.close();
    const fresh = await browser.newPage({ viewport: { width: 1400, height: 1400 } });
    await openRun(fresh, workflowId, 'Completed').catch(async (err: unknown) => {
      await fresh.screenshot({ path: `/tmp/forgeline-ui-${workflowId}.png` });
      throw err;
    });
    await fresh.close();
  });
});
