import { describe, expect, it } from '@jest/globals';
import { registerJudge } from '../../activities/curation/index.js';
import { curated, runStage, tempDir } from './support/stage.js';

type Kept = { instruction: string; metadata: { heuristic_score: number } };

const ROWS = [
  { instruction: 'What is the capital of France?', input: '', output: 'The capital of France is Paris.' },
  { instruction: 'Convert to JSON: name Ana, age 31.', input: '', output: '{"name":"Ana","age":31}' },
  { instruction: 'What is 2 + 2?', input: '', output: 'The sky is green because of fish.' },
];

// Only the judge counts, and every record is kept: each kept record's heuristic_score is its judge score.
const judgeOnly = (judge: unknown) => ({ judge, weights: { heuristics: 0, seed004: 0 }, threshold: 0 });

describe('score with an LLM judge', () => {
  it('the built-in local judge runs the embedded base model with a JSON grammar: every record gets a 0-10 score, the same on a second run', async () => {
    const home = await tempDir();
    const input = await curated(home, 'judged', ROWS, home);
    const judge = { provider: 'local', options: { gpu: 'cpu', sequences: 3 } };
    const scores = async () => (await (await runStage('score', input, judgeOnly(judge), home)).records<Kept>('records')).map((r) => r.metadata.heuristic_score);
    const first = await scores();
    expect(first).toHaveLength(ROWS.length);
    for (const s of first) expect(Number.isInteger(s) && s >= 0 && s <= 10).toBe(true);
    // Greedy decoding: the same records get the same scores. (SmolLM2-135M is no reliable judge of
    // correctness; docs/stages/score.md shows what it gave. Point modelPath at a larger model.)
    expect(await scores()).toEqual(first);
  }, 900_000);

  it('judges several records at once and still writes them in input order', async () => {
    const home = await tempDir();
    const rows = Array.from({ length: 12 }, (_, i) => ({ instruction: `question ${i}`, input: '', output: `answer number ${i} to the question.` }));
    const input = await curated(home, 'ordered', rows, home);
    let inFlight = 0;
    let most = 0;
    registerJudge('slow-judge', () => ({
      async judge(req) {
        most = Math.max(most, ++inFlight);
        // Later records answer sooner, so a runner that wrote as answers came would reorder them.
        const i = Number(/question (\d+)/.exec(req.prompt)![1]);
        await new Promise((r) => setTimeout(r, (12 - i) * 5));
        inFlight--;
        return { score: i % 11 };
      },
    }));
    const kept = await (await runStage('score', input, judgeOnly({ provider: 'slow-judge' }), home)).records<Kept>('records');
    expect(kept.map((k) => k.instruction)).toEqual(rows.map((r) => r.instruction));
    expect(kept.map((k) => k.metadata.heuristic_score)).toEqual(rows.map((_, i) => i % 11));
    expect(most).toBeGreaterThan(1);
  });
});
