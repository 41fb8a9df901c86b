import { loadConfig } from '../../../core/config.js';
import { RECORD_FORMATS, type CuratedRecord } from '../../../schemas/records.js';
import { bump, defineStage, drop, keep, truncate, type Counters, type Stage, type StageContext, type Verdict } from '../../../core/stage/stage.js';
import { loadClassifier, type Classifier } from './classifier.js';
import { heuristicFailures } from './heuristics.js';
import { createCypherGate, cypherCheckMode } from './cypher-gate.js';
import { createJudge, type LlmJudge } from './judge.js';
import { scoreOptionsSchema } from './options.js';
import { seed004Score } from './seed004.js';
import { textView } from './text-view.js';
import { createValidators, type GateFailure } from './validators.js';

type Components = Record<string, number>;

/**
 * Scores each record 0-10. A score the source gives (`metadata.quality_score`) is the gate on its
 * own, as seed 004 writes it ("Quality Threshold: Minimum score of 7.0 for inclusion"): it is never
 * averaged with what this stage computes, and never overwritten. The computed score, the weighted
 * mean of the components that apply (seed 004's formula, heuristics, an ONNX classifier, an LLM
 * judge), is the gate only for a record without one; it is always reported beside the given score
 * (`metadata.heuristic_score`, `metadata.heuristic_reasons`). A failed task validator scores 0.
 * Records under the threshold go to the rejects with their breakdown.
 */
export type ScoreReason = GateFailure['code'] | 'below_threshold' | 'not_curated';

export async function createScoreStage(rawOptions: unknown, _ctx: StageContext): Promise<Stage<Record<string, unknown>, ScoreReason>> {
  const o = scoreOptionsSchema.parse(rawOptions);
  const cypherWarnings: Counters = {};
  const cypherChecks: Counters = {};
  const config = loadConfig();
  const cypher = await createCypherGate(o.cypher, cypherWarnings, cypherChecks, config);
  const explains = cypherCheckMode(o.cypher, config) === 'explain';
  const gates = createValidators(o, cypher);
  const classifier: Classifier | undefined = o.classifier ? await loadClassifier(o.classifier) : undefined;
  const judge: LlmJudge | undefined = o.judge ? await createJudge(o.judge) : undefined;
  const counters: Counters = { failedChecks: {}, gates: {}, scoreHistogram: {}, scoreSource: {}, components: {}, cypherChecks, ...(explains ? { cypherWarnings } : {}) };
  const w = o.weights;

  const decide = (record: CuratedRecord, gate: GateFailure | undefined, components: Components, failed: string[]): Verdict<ScoreReason> => {
    let sum = 0;
    let weights = 0;
    for (const [name, value] of Object.entries(components)) {
      const weight = w[name as keyof typeof w] ?? 1;
      sum += weight * value;
      weights += weight;
      bump(counters.components as Counters, name);
    }
    const heuristicScore = weights > 0 ? Math.round((sum / weights) * 100) / 100 : 0;
    const given = typeof record.metadata?.quality_score === 'number' ? record.metadata.quality_score : undefined;
    bump(counters.scoreSource as Counters, given === undefined ? 'computed' : 'given');
    const score = gate ? 0 : (given ?? heuristicScore);
    bump(counters.scoreHistogram as Counters, String(Math.min(9, Math.floor(score))));
    for (const f of failed) bump(counters.failedChecks as Counters, f);
    if (gate) bump(counters.gates as Counters, gate.code);
    if (!gate && score >= o.threshold) {
      // The given score stays as the source wrote it; a record without one gets the computed score.
      record.metadata = { ...(record.metadata ?? {}), quality_score: given ?? heuristicScore, heuristic_score: heuristicScore, heuristic_reasons: failed };
      return keep(record as unknown as Record<string, unknown>);
    }
    const reason = gate ? gate.code : 'below_threshold';
    const basis = given === undefined ? `score ${score}` : `given quality_score ${score} (heuristic score ${heuristicScore})`;
    const detail = gate ? gate.detail : `${basis} < ${o.threshold}${failed.length ? `; failed: ${failed.join(', ')}` : ''}`;
    return drop(reason, detail, { id: record.id, score, given: given ?? null, heuristicScore, threshold: o.threshold, components, failed, record });
  };

  return {
    process(parsed) {
      const record = parsed as unknown as CuratedRecord;
      if (!(RECORD_FORMATS as readonly unknown[]).includes(record.format)) {
        // A hand-made file given to `forgeline stage score` without validate: set aside, not a crash.
        const detail = `no record format tag ("format": ${JSON.stringify(record.format ?? null)}); score reads validate's canonical records, run validate first`;
        return drop('not_curated', detail, { raw: truncate(JSON.stringify(record), 300) });
      }
      const view = textView(record);
      const components: Components = {};
      const seed = seed004Score(view, record.metadata);
      if (seed) components.seed004 = seed.score;
      const failed = heuristicFailures(view.response, o.heuristics, gates.applies(record, view));
      components.heuristics = Math.max(0, 10 - o.heuristics.penaltyPerFailedCheck * failed.length);
      const gate = gates.check(record, view);
      if (!(gate instanceof Promise) && !classifier && !judge) return decide(record, gate, components, failed);
      return (async () => {
        const g = await gate;
        if (!g && classifier) components.classifier = Math.round((await classifier.score(`${view.prompt}\n${view.response}`)) * 1000) / 100;
        if (!g && judge) {
          const v = await judge.judge({ id: record.id, format: record.format, prompt: view.prompt, response: view.response, record });
          components.judge = Math.max(0, Math.min(10, v.score));
        }
        return decide(record, g, components, failed);
      })();
    },
    counters: () => counters,
    async close() {
      await classifier?.close();
      await judge?.close?.();
      await cypher.close();
    },
  };
}

export const scoreStage = defineStage({ reads: 'record', name: 'score', module: import.meta.url, create: createScoreStage });
