import { defineStage, keep } from '../core/stage/stage.js';

/**
 * The I/O floor of `npm run bench -- stages` (issue 23): a record stage that keeps every record, run
 * through the same runner as validate, pii and score with the same thread count. What it costs is
 * what any stage pays before doing its own work: read, split into lines, parse, serialise, write.
 * Each stage's time is reported as a multiple of this one.
 */
export const floorStage = defineStage({ reads: 'record', name: 'bench-floor', module: import.meta.url, create: () => ({ process: (record) => keep(record) }) });
