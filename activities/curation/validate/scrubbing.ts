import { createPiiStage } from '../pii/stage.js';
import { createTextScrubber } from '../pii/text.js';
import type { LineStage, LineStageContext, UnitResult } from '../runner/types.js';
import { validateOptionsSchema } from './options.js';
import { createValidator } from './validator.js';

/**
 * validate with `scrub`: each unit is validated and its canonical record scrubbed by the pii stage
 * in one pass, so that the first file the step writes to the store is the scrubbed one (seed 004:
 * "All PII must be removed before storage"). A rejected line keeps its location and reason; its
 * `raw` text and its `detail` (a JSON parse error quotes the line) are scrubbed too.
 */
export async function createScrubbingValidator(rawOptions: unknown, ctx: LineStageContext): Promise<LineStage> {
  const { scrub, ...options } = validateOptionsSchema.parse(rawOptions);
  const validator = createValidator(options, ctx);
  const pii = await createPiiStage(scrub ?? {}, ctx);
  const scrubText = createTextScrubber(scrub ?? {});

  const scrubReject = (r: { reject: string; reason: string }): UnitResult => {
    const row = JSON.parse(r.reject) as { raw?: string; detail?: string };
    if (typeof row.raw === 'string') row.raw = scrubText(row.raw);
    if (typeof row.detail === 'string') row.detail = scrubText(row.detail);
    return { reason: r.reason, reject: JSON.stringify(row) };
  };

  return {
    process(unit) {
      const v = validator.process(unit) as UnitResult;
      if (!('kept' in v)) return scrubReject(v);
      return pii.process({ line: unit.line, bytes: Buffer.from(v.kept) });
    },
    // Disjoint keys: validate's formats and aliases, pii's findings.
    counters: () => ({ ...validator.counters(), ...pii.counters() }),
    close: async () => pii.close?.(),
  };
}
