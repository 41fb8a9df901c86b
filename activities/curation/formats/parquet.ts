import { asyncBufferFromFile, parquetMetadataAsync, parquetReadObjects, toJson } from 'hyparquet';
import type { Unit } from '../../../core/stage/units.js';

/**
 * A Parquet file (through hyparquet, a pure-JS reader) as units, one per row, read one row group at a
 * time so that memory stays bounded by the largest row group. The unit's line is the 1-based row number.
 * Rows are re-serialised as JSON (64-bit integers as numbers, timestamps as ISO strings).
 */
export async function* readParquetUnits(file: string): AsyncGenerator<Unit> {
  const buffer = await asyncBufferFromFile(file);
  const metadata = await parquetMetadataAsync(buffer);
  let rowStart = 0;
  for (const group of metadata.row_groups) {
    const rowEnd = rowStart + Number(group.num_rows);
    const rows = await parquetReadObjects({ file: buffer, metadata, rowStart, rowEnd });
    for (let i = 0; i < rows.length; i++) {
      yield { line: rowStart + i + 1, bytes: Buffer.from(JSON.stringify(toJson(rows[i]))) };
    }
    rowStart = rowEnd;
  }
}
