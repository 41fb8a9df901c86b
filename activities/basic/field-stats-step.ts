import { z } from 'zod';
import { defineStep } from '../../core/dsl/step-kind.js';
import { readRecords, writeJsonArtifact } from '../../core/stage/records-io.js';

/** Counts and length statistics per field: a small report, no record text. */
export const fieldStatsStep = defineStep({
  kind: 'field-stats',
  description: 'Report record count and per-field length statistics',
  module: import.meta.url,
  inputs: { records: { kind: 'records' } },
  outputs: { report: 'report' },
  options: z.object({ fields: z.array(z.string()).default([]) }).strict(),
  async run(ctx, inputs, options) {
    const stats = new Map<string, { count: number; min: number; max: number; sum: number }>();
    let records = 0;
    for await (const { value } of readRecords(ctx.store, inputs.records)) {
      records++;
      const fields = options.fields.length > 0 ? options.fields : Object.keys(value);
      for (const f of fields) {
        const v = value[f];
        if (typeof v !== 'string') continue;
        const s = stats.get(f) ?? { count: 0, min: Infinity, max: 0, sum: 0 };
        s.count++;
        s.min = Math.min(s.min, v.length);
        s.max = Math.max(s.max, v.length);
        s.sum += v.length;
        stats.set(f, s);
      }
    }
    const fields = Object.fromEntries(
      [...stats].map(([f, s]) => [f, { count: s.count, minChars: s.min, maxChars: s.max, meanChars: Math.round((s.sum / s.count) * 10) / 10 }]),
    );
    const report = await writeJsonArtifact(ctx.store, { records, fields }, 'report', 'field-stats');
    return { outputs: { report }, metadata: { records } };
  },
});
