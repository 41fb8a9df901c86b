import { PipelineError } from '../../core/errors.js';
import { getPath } from '../../core/json/get-path.js';

const MISSING = '(missing)';

function keyString(v: unknown): string | undefined {
  if (v === undefined || v === null || v === '') return undefined;
  return typeof v === 'string' ? v : JSON.stringify(v);
}

/** What split's first pass keeps of a run of records besides their signatures; JSON, so that a shard can hand it on. */
export interface GatheredKeys {
  records: number;
  /** Stratum names in order of first appearance; `stratum[i]` indexes this list. */
  strata: string[];
  stratum: number[];
  /** Per groupBy field, every key with its first record, in order of first appearance. */
  groupFirst: [string, number][][];
  /** Pairs (first record of a key, a later record with it): the group edges. */
  groupLinks: [number, number][];
}

/**
 * Split's first pass, record by record: stratum and group keys. Records are numbered in the order
 * they are added. `absorb` appends the keys another gatherer found over a later run of records (a
 * shard), as if its records had been added here: strata keep their order of first appearance over
 * the whole dataset, and a group key seen in an earlier run links the two runs' first records, so
 * the group edges span the same components as on one pass.
 */
export class KeyGatherer {
  readonly strata: string[] = [];
  readonly stratum: number[] = [];
  readonly groupLinks: [number, number][] = [];
  private readonly strataIds = new Map<string, number>();
  private readonly groupFirst: Map<string, number>[];

  /** `where` prefixes the line in errors: a shard's lines are numbered within the shard. */
  constructor(
    private readonly o: { stratifyBy?: string | undefined; groupBy: readonly string[] },
    private readonly where = '',
  ) {
    this.groupFirst = o.groupBy.map(() => new Map());
  }

  get count(): number {
    return this.stratum.length;
  }

  /** Adds one parsed line; `line` names it in the error for a line that is not a JSON object. */
  add(value: unknown, line: number): Record<string, unknown> {
    if (!value || typeof value !== 'object' || Array.isArray(value)) {
      throw new PipelineError('INVALID_INPUT_DATA', `${this.where}line ${line}: not a JSON object`, [{ path: `records:${line}`, message: 'not a JSON object' }]);
    }
    const record = value as Record<string, unknown>;
    const i = this.count;
    this.stratum.push(this.stratumId(this.o.stratifyBy ? (keyString(getPath(record, this.o.stratifyBy)) ?? MISSING) : 'all'));
    this.o.groupBy.forEach((field, g) => {
      const k = keyString(getPath(record, field));
      if (k !== undefined) this.link(g, k, i);
    });
    return record;
  }

  keys(): GatheredKeys {
    return { records: this.count, strata: this.strata, stratum: this.stratum, groupFirst: this.groupFirst.map((m) => [...m]), groupLinks: this.groupLinks };
  }

  absorb(part: GatheredKeys): void {
    const offset = this.count;
    const ids = part.strata.map((s) => this.stratumId(s));
    for (const s of part.stratum) this.stratum.push(ids[s]!);
    part.groupFirst.forEach((firsts, g) => {
      for (const [k, first] of firsts) this.link(g, k, offset + first);
    });
    for (const [a, b] of part.groupLinks) this.groupLinks.push([offset + a, offset + b]);
  }

  private stratumId(name: string): number {
    let id = this.strataIds.get(name);
    if (id === undefined) {
      id = this.strata.length;
      this.strataIds.set(name, id);
      this.strata.push(name);
    }
    return id;
  }

  private link(g: number, key: string, i: number): void {
    const first = this.groupFirst[g]!.get(key);
    if (first === undefined) this.groupFirst[g]!.set(key, i);
    else this.groupLinks.push([first, i]);
  }
}
