import path from 'node:path';
import type { CorpusRecord } from './corpus.js';
import { parseDatasetName } from './naming.js';
import { CATEGORY_TARGETS, LAYOUT, MAX_SYNTHETIC_SHARE, QUALITY_THRESHOLD, SOURCES } from './seed004.js';

/**
 * The monthly distribution, bias and quality audit of seed 004 ("Bias audit and distribution
 * check", "Generate monthly quality report", lines 326 and 329), as a pure fold over records so that
 * it is tested without a worker. Every threshold is a named option defaulting to the seed's number.
 */
export interface AuditOptions {
  targets: Record<string, number>;
  /** A category is off target when its share differs from the target by more than this (absolute). */
  tolerance: number;
  maxSyntheticShare: number;
  qualityThreshold: number;
}

export const DEFAULT_AUDIT: AuditOptions = { targets: CATEGORY_TARGETS, tolerance: 0.05, maxSyntheticShare: MAX_SYNTHETIC_SHARE, qualityThreshold: QUALITY_THRESHOLD };

export interface CategoryRow { category: string; records: number; share: number; target: number; deviation: number; ok: boolean }
export interface BatchRow { file: string; records: number; synthetic: number; syntheticShare: number; ok: boolean }

export interface AuditReport {
  records: number;
  categories: CategoryRow[];
  /** Records in processed_data outside the five seed folders (counted in no target). */
  uncategorized: number;
  sources: Record<string, number>;
  batches: BatchRow[];
  quality: { scored: number; unscored: number; mean: number | null; belowThreshold: number; histogram: number[]; threshold: number };
  /** Stable reason codes of what failed the audit, for alerts and tests. */
  findings: string[];
  ok: boolean;
}

const round = (x: number): number => Math.round(x * 10000) / 10000;

export class Audit {
  private readonly byCategory = new Map<string, number>();
  private readonly sources = new Map<string, number>();
  private readonly batches = new Map<string, { records: number; synthetic: number }>();
  private readonly histogram = Array.from({ length: 10 }, () => 0);
  private records = 0;
  private uncategorized = 0;
  private scored = 0;
  private scoreSum = 0;
  private below = 0;

  constructor(private readonly o: AuditOptions = DEFAULT_AUDIT) {}

  /** `r.file` is relative to the data root: `processed_data/<category>/...` or `synthetic_data/...`. */
  add(r: CorpusRecord): void {
    const parts = r.file.split(path.sep);
    const meta = (r.value.metadata && typeof r.value.metadata === 'object' ? r.value.metadata : {}) as Record<string, unknown>;
    const source = typeof meta.source === 'string' ? meta.source : 'unknown';
    // Only the training set is audited for balance and blend; synthetic_data/ is a pool, not a batch.
    if (parts[0] !== LAYOUT.processed) return;
    this.records++;
    const category = parts.length > 2 ? parts[1]! : '';
    if (category in this.o.targets) this.byCategory.set(category, (this.byCategory.get(category) ?? 0) + 1);
    else this.uncategorized++;
    this.sources.set(source, (this.sources.get(source) ?? 0) + 1);
    const batch = this.batches.get(r.file) ?? { records: 0, synthetic: 0 };
    batch.records++;
    if (source === 'synthetic') batch.synthetic++;
    this.batches.set(r.file, batch);
    const q = meta.quality_score;
    if (typeof q === 'number' && Number.isFinite(q)) {
      this.scored++;
      this.scoreSum += q;
      if (q < this.o.qualityThreshold) this.below++;
      this.histogram[Math.min(9, Math.max(0, Math.floor(q)))]!++;
    }
  }

  report(): AuditReport {
    const categorized = this.records - this.uncategorized;
    const categories = Object.entries(this.o.targets).map(([category, target]) => {
      const records = this.byCategory.get(category) ?? 0;
      const share = categorized > 0 ? records / categorized : 0;
      const deviation = share - target;
      return { category, records, share: round(share), target, deviation: round(deviation), ok: Math.abs(deviation) <= this.o.tolerance };
    });
    const batches = [...this.batches].map(([file, b]) => {
      const syntheticShare = b.synthetic / b.records;
      return { file, records: b.records, synthetic: b.synthetic, syntheticShare: round(syntheticShare), ok: syntheticShare <= this.o.maxSyntheticShare };
    });
    const sources: Record<string, number> = Object.fromEntries(SOURCES.map((s) => [s, 0]));
    for (const [s, n] of this.sources) sources[s] = n;
    const findings: string[] = [];
    for (const c of categories) if (!c.ok) findings.push(`category_off_target:${c.category}`);
    for (const b of batches) if (!b.ok) findings.push(`synthetic_share_over_max:${b.file}`);
    // Seed 004 line 59: processed datasets are versioned `v1_YYYYMMDD.jsonl`.
    for (const b of batches) if (!parseDatasetName(path.basename(b.file))) findings.push(`dataset_name_unversioned:${b.file}`);
    if (this.below > 0) findings.push('quality_below_threshold');
    if (this.uncategorized > 0) findings.push('uncategorized_records');
    for (const s of Object.keys(sources)) if (!(SOURCES as readonly string[]).includes(s)) findings.push(`unknown_source:${s}`);
    return {
      records: this.records,
      categories,
      uncategorized: this.uncategorized,
      sources,
      batches,
      quality: {
        scored: this.scored,
        unscored: this.records - this.scored,
        mean: this.scored > 0 ? round(this.scoreSum / this.scored) : null,
        belowThreshold: this.below,
        histogram: this.histogram,
        threshold: this.o.qualityThreshold,
      },
      findings,
      ok: findings.length === 0,
    };
  }
}
