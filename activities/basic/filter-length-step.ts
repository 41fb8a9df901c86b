import { z } from 'zod';
import { defineRecordStage } from '../../core/stage/record-stage.js';

/** Keeps records whose field length lies in [min, max]; the rest are rejected with a reason code. */
export const filterLengthStep = defineRecordStage({
  kind: 'filter-length',
  description: 'Keep records whose text field has between min and max characters',
  module: import.meta.url,
  options: z
    .object({ field: z.string(), min: z.number().int().nonnegative().default(1), max: z.number().int().positive().default(100_000) })
    .strict(),
  create: (options) => ({
    process(record) {
      const text = record[options.field];
      if (typeof text !== 'string') return { keep: false, reason: 'field_missing', detail: `no string field "${options.field}"` };
      if (text.length < options.min) return { keep: false, reason: 'too_short', detail: `${options.field}: ${text.length} < ${options.min} chars` };
      if (text.length > options.max) return { keep: false, reason: 'too_long', detail: `${options.field}: ${text.length} > ${options.max} chars` };
      return { keep: true };
    },
  }),
});
