import { MIN_NEW_EXAMPLES } from './seed004.js';

/**
 * Seed 004's maintenance schedule ("Maintenance Schedule", lines 311-329) as Temporal Schedules.
 * This table is the one place the operations, their pipelines and their cadences are written down;
 * `forgeline ops install` creates exactly these, and docs/ops.md describes them.
 */
export interface OpsSchedule {
  /** The schedule id, and the name `--only` takes. */
  id: string;
  op: string;
  pipeline: string;
  cron: string;
  /** The seed line it implements. */
  seed: string;
  /** Whether the pipeline takes the data folder as `root`. */
  takesRoot: boolean;
}

export const OPS_SCHEDULES: readonly OpsSchedule[] = [
  { id: 'ops-pii-scan-daily', op: 'pii-scan', pipeline: 'ops-pii-scan', cron: '0 2 * * *', seed: 'daily: "Check for PII leaks (automated scan)" (line 315)', takesRoot: true },
  { id: 'ops-dedup-weekly', op: 'dedup', pipeline: 'ops-dedup', cron: '0 3 * * 0', seed: 'weekly: "Run duplicate detection" (line 320)', takesRoot: true },
  { id: 'ops-retrain-weekly', op: 'retrain', pipeline: 'relationship-coach', cron: '0 4 * * 0', seed: `weekly: "Retrain model with new data (if >= ${MIN_NEW_EXAMPLES} new examples)" (line 321)`, takesRoot: false },
  { id: 'ops-audit-monthly', op: 'audit', pipeline: 'ops-audit', cron: '0 5 1 * *', seed: 'monthly: "Bias audit and distribution check", "Generate monthly quality report" (lines 326, 329)', takesRoot: true },
  { id: 'ops-retention-monthly', op: 'retention', pipeline: 'ops-retention', cron: '0 6 1 * *', seed: 'monthly: "Archive old raw data" (line 327), retention (lines 26, 172, 187-189)', takesRoot: true },
];

/** The memo key that marks a schedule as one of these (`ops list` and `ops remove` touch no other). */
export const OPS_MEMO_KEY = 'forgelineOps';
