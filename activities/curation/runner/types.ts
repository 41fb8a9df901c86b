/** One unit of input: a line of a JSONL file, an element of a JSON array, a row of a Parquet file. */
export interface Unit {
  /** 1-based line (JSON array: line where the element starts; Parquet: row number). */
  line: number;
  bytes: Buffer;
}

/** What a stage made of one unit: a kept JSON line, or a reject JSON line with its reason code. */
export type UnitResult = { kept: string } | { reject: string; reason: string };

/** Additive, text-free counters (finding counts, histograms); merged across worker threads by summing. */
export interface Counters {
  [key: string]: number | Counters;
}

/**
 * A stage that works one unit at a time and serialises its own output, so that units can be
 * processed in worker threads and only strings cross back.
 */
export interface LineStage {
  process(unit: Unit): UnitResult | Promise<UnitResult>;
  counters(): Counters;
  close?(): Promise<void>;
}

export interface LineStageContext {
  /** File name recorded in provenance and rejects. */
  source: string;
}

export type LineStageFactory = (options: unknown, ctx: LineStageContext) => LineStage | Promise<LineStage>;

export function mergeCounters(into: Counters, from: Counters): Counters {
  for (const [k, v] of Object.entries(from)) {
    const cur = into[k];
    if (typeof v === 'number') into[k] = (typeof cur === 'number' ? cur : 0) + v;
    else into[k] = mergeCounters(typeof cur === 'object' ? cur : {}, v);
  }
  return into;
}

export function bump(counters: Counters, key: string, by = 1): void {
  counters[key] = ((counters[key] as number | undefined) ?? 0) + by;
}

/** Truncates text for reject rows and details (never for kept records). */
export function truncate(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max)}…[${text.length - max} more chars]`;
}
