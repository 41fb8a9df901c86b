import { readWholeLines } from '../../core/artifacts/lines.js';
import { decodeLine } from '../../core/artifacts/text-line.js';
import { PipelineError } from '../../core/errors.js';
import type { ArtifactRef } from '../../core/artifacts/ref.js';
import type { ArtifactStore } from '../../core/artifacts/store.js';

/**
 * Line-level access for second passes: a record that is passed through unchanged is copied as the
 * JSON text it already is, which saves a parse and a stringify per record.
 */
export async function* readLines(store: ArtifactStore, ref: ArtifactRef): AsyncGenerator<{ line: number; text: string }> {
  for await (const raw of readWholeLines(await store.read(ref), ref.uri)) {
    const decoded = decodeLine(raw.bytes, raw.line);
    if ('problem' in decoded) throw new PipelineError('INVALID_INPUT_DATA', `${ref.uri}:${raw.line}: ${decoded.problem}`, [{ path: `${ref.uri}:${raw.line}`, message: decoded.problem }]);
    if (decoded.bytes.length === 0) continue;
    yield { line: raw.line, text: decoded.text };
  }
}
