import { z } from 'zod';
import { defineStep } from '../../core/dsl/step-kind.js';
import { writeJsonArtifact } from '../../core/stage/records-io.js';
import { requireRoot } from './corpus.js';
import { applyRetention } from './retention.js';
import { ARCHIVE_RETENTION_MONTHS, LOG_RETENTION_DAYS, RAW_RETENTION_DAYS } from './seed004.js';

const options = z
  .object({
    root: z.string().min(1).describe('the seed 004 data folder'),
    rawDays: z.number().int().positive().default(RAW_RETENTION_DAYS).describe('seed 004 line 26: raw data is archived after 90 days'),
    logDays: z.number().int().positive().default(LOG_RETENTION_DAYS).describe('seed 004 line 172: logs are archived after 90 days'),
    archiveMonths: z.number().int().positive().default(ARCHIVE_RETENTION_MONTHS).describe('seed 004 lines 187-188: the archive keeps files 24 months'),
    now: z.iso.datetime({ offset: true }).optional().describe('the time retention is judged at (default: when the step runs)'),
  })
  .strict();

/** Seed 004's monthly "Archive old raw data" (line 327) and its retention rules (./retention.ts). */
export const opsRetentionStep = defineStep({
  kind: 'ops-retention',
  description: 'Archive raw data and logs after 90 days (gzipped); delete the archive after 24 months unless held (seed 004)',
  module: import.meta.url,
  inputs: {},
  outputs: { report: 'report' },
  options,
  paths: { root: 'write' },
  cache: false,
  async run(ctx, _inputs, o) {
    await requireRoot(o.root);
    const now = o.now ? new Date(o.now) : new Date();
    const entries = await applyRetention(o.root, { now, rawDays: o.rawDays, logDays: o.logDays, archiveMonths: o.archiveMonths });
    const counts = { archived: 0, compressed: 0, deleted: 0, held: 0 };
    for (const e of entries) counts[e.action]++;
    const report = await writeJsonArtifact(ctx.store, { at: now.toISOString(), ...counts, entries }, 'report', 'ops-retention');
    return { outputs: { report }, metadata: counts };
  },
});
