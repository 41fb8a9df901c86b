import { z } from 'zod';
import { drop, keep } from '../../core/stage/stage.js';
import { defineRecordStage } from '../../core/stage/step.js';

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
      if (typeof text !== 'string') return drop('field_missing', `no string field "${options.field}"`, { record });
      if (text.length < options.min) return drop('too_short', `${options.field}: ${text.length} < ${options.min} chars`, { record });
      if (text.length > options.max) return drop('too_long', `${options.field}: ${text.length} > ${options.max} chars`, { record });
      return keep(record);
    },
  }),
});
