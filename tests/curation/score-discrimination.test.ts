import { beforeAll, describe, expect, it } from '@jest/globals';
import fs from 'node:fs/promises';
import path from 'node:path';
import { REPO_ROOT } from '../support/paths.js';
import { curated, runStage, tempDir } from './support/stage.js';

/**
 * Does the score tell good records from bad ones? tests/fixtures/quality/labelled.jsonl holds
 * hand-labelled records of every kind the score reads (prose answers, seed 001's JSON families,
 * Cypher, seed 000's TLP labels, seed 004's advice with its signals): good ones, and bad ones with
 * the defects curation exists to catch (refusal and web boilerplate, filler, keyword spam,
 * repeated or truncated lines, word salad, answers that do not parse or do not follow the task).
 * Template data (the quickstart's) is all good, so it scores 9-10 by design and cannot show this.
 */
interface Labelled {
  label: 'good' | 'bad';
  record: Record<string, unknown>;
}

/** ROC AUC as the Mann-Whitney U statistic: the chance that a random good record outscores a random bad one (ties count half). */
function auc(good: readonly number[], bad: readonly number[]): number {
  let wins = 0;
  for (const g of good) for (const b of bad) wins += g > b ? 1 : g === b ? 0.5 : 0;
  return wins / (good.length * bad.length);
}

let labelled: Labelled[];
let scores: { label: 'good' | 'bad'; score: number; kept: boolean; prose: boolean }[];

beforeAll(async () => {
  const text = await fs.readFile(path.join(REPO_ROOT, 'tests/fixtures/quality/labelled.jsonl'), 'utf8');
  labelled = text.split('\n').filter(Boolean).map((l) => JSON.parse(l) as Labelled);
  const dir = await tempDir();
  const home = await tempDir('forgeline-cur-home-');
  const input = await curated(dir, 'labelled', labelled.map((l) => l.record), home);
  const run = await runStage('score', input, {}, home);
  const byLine = new Map<number, { score: number; kept: boolean }>();
  for (const k of await run.records<{ provenance: { line: number }; metadata: { quality_score: number } }>('records')) byLine.set(k.provenance.line, { score: k.metadata.quality_score, kept: true });
  for (const r of await run.records<{ line: number; score: number }>('rejects')) byLine.set(r.line, { score: r.score, kept: false });
  scores = labelled.map((l, i) => {
    const s = byLine.get(i + 1);
    if (!s) throw new Error(`line ${i + 1} is neither kept nor rejected`);
    // Records no task validator reads: only the heuristics (and seed 004's signals) judge them.
    const prose = typeof l.record.instruction === 'string' && !('task' in l.record) && !/TLP/.test(l.record.instruction) && (l.record.metadata as { category?: string } | undefined)?.category !== 'cypher';
    return { label: l.label, ...s, prose };
  });
});

describe('the quality score on hand-labelled records', () => {
  it('has both labels, in numbers that can measure a separation', () => {
    expect(labelled.filter((l) => l.label === 'good').length).toBeGreaterThanOrEqual(20);
    expect(labelled.filter((l) => l.label === 'bad').length).toBeGreaterThanOrEqual(20);
  });

  it('separates good from bad: ROC AUC of at least 0.95 over every record', () => {
    const a = auc(scores.filter((s) => s.label === 'good').map((s) => s.score), scores.filter((s) => s.label === 'bad').map((s) => s.score));
    expect(a).toBeGreaterThanOrEqual(0.95);
  });

  it('separates them with the heuristics alone, on prose no validator reads: AUC of at least 0.9', () => {
    const prose = scores.filter((s) => s.prose);
    expect(prose.filter((s) => s.label === 'bad').length).toBeGreaterThanOrEqual(10);
    const a = auc(prose.filter((s) => s.label === 'good').map((s) => s.score), prose.filter((s) => s.label === 'bad').map((s) => s.score));
    expect(a).toBeGreaterThanOrEqual(0.9);
  });

  it('at the default threshold (seed 004: 7) keeps every good record and sets aside at least 90% of the bad ones', () => {
    expect(scores.filter((s) => s.label === 'good' && !s.kept)).toEqual([]);
    const bad = scores.filter((s) => s.label === 'bad');
    expect(bad.filter((s) => !s.kept).length / bad.length).toBeGreaterThanOrEqual(0.9);
  });

  it('spreads the scores: the histogram has more than two bars', () => {
    expect(new Set(scores.map((s) => Math.min(9, Math.floor(s.score)))).size).toBeGreaterThan(2);
  });
});
