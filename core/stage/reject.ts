/** The fields every reject row starts with, whichever step set the record aside. */
export interface RejectRow {
  /** The record's line in the user's file (its provenance), else in the file read. */
  line: number;
  /** The user's file name; left out where a step does not know it. */
  source?: string;
  /** A stable reason code (stats and tests count by it). */
  reason: string;
  detail?: string;
}

/**
 * A reject row as one JSON line: `{line, source, reason, detail, ...extra, record}`. `recordJson`
 * is the record as the JSON text it already is (dedup and train copy it without a second stringify).
 */
export function rejectLine(row: RejectRow, extra?: Record<string, unknown>, recordJson?: string): string {
  const head: Record<string, unknown> = { line: row.line };
  if (row.source !== undefined) head.source = row.source;
  head.reason = row.reason;
  head.detail = row.detail;
  const text = JSON.stringify(extra ? Object.assign(head, extra) : head);
  return recordJson === undefined ? text : `${text.slice(0, -1)},"record":${recordJson}}`;
}
