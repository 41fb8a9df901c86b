import { FileSink } from '../../core/artifacts/file-sink.js';
import { readWholeLines } from '../../core/artifacts/lines.js';
import { decodeLine } from '../../core/artifacts/text-line.js';
import { PipelineError } from '../../core/errors.js';
import type { ArtifactRef } from '../../core/artifacts/ref.js';
import type { ArtifactStore, ArtifactWriter } from '../../core/artifacts/store.js';

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

export class LinesWriter {
  private buf: string[] = [];
  private size = 0;
  count = 0;

  private constructor(
    private readonly writer: ArtifactWriter,
    private readonly out: FileSink,
  ) {}

  static async open(store: ArtifactStore): Promise<LinesWriter> {
    const w = await store.writer('.jsonl');
    return new LinesWriter(w, new FileSink(w.path, w.fs));
  }

  /** One JSON document without its newline. */
  async write(json: string): Promise<void> {
    this.buf.push(json, '\n');
    this.size += json.length + 1;
    this.count++;
    if (this.size >= 1 << 16) await this.flush();
  }

  private async flush(): Promise<void> {
    if (this.buf.length === 0) return;
    const chunk = this.buf.join('');
    this.buf = [];
    this.size = 0;
    await this.out.write(chunk);
  }

  /** Makes the artifact visible; on any failure (a full disk) the temp file is removed and the error thrown. */
  async commit(schema: string): Promise<ArtifactRef> {
    try {
      await this.flush();
      await this.out.close();
    } catch (err) {
      await this.abort();
      throw err;
    }
    return this.writer.commit({ kind: 'records', schema, records: this.count });
  }

  async abort(): Promise<void> {
    this.buf = [];
    this.size = 0;
    await this.out.destroy();
    await this.writer.abort();
  }
}
