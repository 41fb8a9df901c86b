import fs from 'node:fs/promises';
import { PipelineError } from '../errors.js';

/** How much of a file is looked at to tell text from binary: what `file(1)` and git look at, about. */
const SNIFF_BYTES = 8192;
const PARQUET_MAGIC = Buffer.from('PAR1');

export interface InputFileCheck {
  /** The file as the user named it, for the message. */
  file: string;
  /** Records are text (JSONL, a JSON array), or Parquet: anything else binary is refused up front. */
  records: boolean;
}

/**
 * Checks a user's input file before a stage reads it, so that a wrong file fails at once with one
 * line naming it instead of an "EISDIR" without a name, or every line rejected as malformed: it
 * must exist and be a regular file, and a records file must look like text (no NUL byte in its
 * first 8 KB; UTF-16 fails too, as it should) unless it is Parquet. Returns the file's size.
 */
export async function checkInputFile({ file, records }: InputFileCheck): Promise<number> {
  // One line naming the file and the problem; no issues, which would only say it again.
  const refuse = (why: string): PipelineError => new PipelineError('INVALID_INPUT_DATA', `${file}: ${why}`);
  const stat = await fs.stat(file).catch((err: NodeJS.ErrnoException) => {
    throw refuse(err.code === 'ENOENT' ? 'file not found' : `cannot read it (${err.code ?? err.message})`);
  });
  if (stat.isDirectory()) throw refuse('is a directory; name a file');
  if (!stat.isFile()) throw refuse('is not a regular file');
  if (!records || stat.size === 0) return stat.size;
  const fh = await fs.open(file, 'r');
  try {
    const head = Buffer.alloc(Math.min(SNIFF_BYTES, stat.size));
    const { bytesRead } = await fh.read(head, 0, head.length, 0);
    const bytes = head.subarray(0, bytesRead);
    if (bytes.subarray(0, 4).equals(PARQUET_MAGIC)) return stat.size;
    const nul = bytes.indexOf(0);
    if (nul !== -1) throw refuse(`not a text file (a NUL byte at offset ${nul}); expected JSONL, a JSON array or Parquet`);
  } finally {
    await fh.close();
  }
  return stat.size;
}

/** The one line said about an empty input: it is not an error, but 0 records is rarely what was meant. */
export const emptyInputWarning = (file: string): string => `${file}: the file is empty (0 bytes): no records to read`;
