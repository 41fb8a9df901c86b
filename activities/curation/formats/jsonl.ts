import { readRawLines } from '../../../core/artifacts/lines.js';
import type { Unit } from '../runner/types.js';

/** JSONL: every line is a unit, blank ones included (validate counts them), CRLF stripped, bytes undecoded. */
export function readJsonlUnits(file: string): AsyncIterable<Unit> {
  return readRawLines(file);
}
