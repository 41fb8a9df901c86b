import { defineStage, type Stage, type StageContext, type Verdict } from '../../../core/stage/stage.js';
import type { Unit } from '../../../core/stage/units.js';
import { createPiiStage, type PiiReason } from '../pii/stage.js';
import { createTextScrubber } from '../pii/text.js';
import { validateOptionsSchema } from './options.js';
import type { ValidateReason } from './reasons.js';
import { createValidator } from './validator.js';

/**
 * validate with `scrub`: each unit is validated and its canonical record scrubbed by the pii stage
 * in one pass, so that the first file the step writes to the store is the scrubbed one (seed 004:
 * "All PII must be removed before storage"). A rejected line keeps its location and reason; its
 * `raw` text and its `detail` (a JSON parse error quotes the line) are scrubbed too.
 */
export async function createScrubbingValidator(rawOptions: unknown, ctx: StageContext): Promise<Stage<Unit, ValidateReason | PiiReason>> {
  const { scrub, ...options } = validateOptionsSchema.parse(rawOptions);
  const validator = createValidator(options, ctx);
  const pii = await createPiiStage(scrub ?? {}, ctx);
  const scrubText = createTextScrubber(scrub ?? {});

  return {
    process(unit): Verdict<ValidateReason | PiiReason> | Promise<Verdict<PiiReason>> {
      const v = validator.process(unit);
      if ('drop' in v) {
        const raw = v.extra?.raw;
        return { drop: v.drop, detail: scrubText(v.detail), extra: typeof raw === 'string' ? { ...v.extra, raw: scrubText(raw) } : v.extra };
      }
      return pii.process(JSON.parse(v.keep as string) as Record<string, unknown>, unit);
    },
    // Disjoint keys: validate's formats and aliases, pii's findings.
    counters: () => ({ ...validator.counters?.(), ...pii.counters?.() }),
    close: async () => pii.close?.(),
  };
}

export const scrubbingValidateStage = defineStage({ reads: 'unit', name: 'validate-scrub', module: import.meta.url, create: createScrubbingValidator });
