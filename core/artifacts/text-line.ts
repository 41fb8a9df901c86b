import { isUtf8 } from 'node:buffer';
import { stripBom } from './lines.js';

/**
 * The one rule for turning a line's bytes into text, kept by every reader of JSONL (validate, pii,
 * score, read-jsonl, dedup, mix): a UTF-8 byte-order mark on line 1 is dropped, and bytes that are
 * not UTF-8 are an error naming the offset of the first bad byte. They are never replaced with
 * U+FFFD, which would change the record silently.
 */
export type DecodedLine = { text: string; bytes: Buffer } | { problem: string };

export function decodeLine(bytes: Buffer, line: number): DecodedLine {
  const body = stripBom(bytes, line);
  const problem = utf8Problem(body);
  return problem ? { problem } : { text: body.toString('utf8'), bytes: body };
}

/** Why these bytes are not UTF-8 (with the offset of the first bad byte), or undefined when they are. */
export function utf8Problem(bytes: Buffer): string | undefined {
  return isUtf8(bytes) ? undefined : `not valid UTF-8 (first bad byte at offset ${firstBadUtf8(bytes)})`;
}

function firstBadUtf8(bytes: Buffer): number {
  let i = 0;
  while (i < bytes.length) {
    const b = bytes[i]!;
    const len = b < 0x80 ? 1 : b >= 0xc2 && b < 0xe0 ? 2 : b >= 0xe0 && b < 0xf0 ? 3 : b >= 0xf0 && b < 0xf5 ? 4 : 0;
    if (len === 0 || i + len > bytes.length) return i;
    if (!isUtf8(bytes.subarray(i, i + len))) return i;
    i += len;
  }
  return i;
}
