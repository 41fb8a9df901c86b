/**
 * Seed 004's operational numbers and names ("Large Language Model Training",
 * ../shared/seeds/004_1bb05a38aa2272e7.txt), each with the seed line it comes from. The ops
 * pipelines, the `forgeline ops` command and the docs read them from here and nowhere else.
 */

/** The data folder's layout (seed 004, "Folder Structure"). */
export const LAYOUT = {
  raw: 'raw_data',
  processed: 'processed_data',
  synthetic: 'synthetic_data',
  logs: 'logs',
  archive: 'archive',
} as const;

/** Target share of each processed_data category folder (seed 004 lines 34-38: 40/25/20/10/5). */
export const CATEGORY_TARGETS: Readonly<Record<string, number>> = {
  instruction_following: 0.4,
  contextual_understanding: 0.25,
  empathetic_dialogue: 0.2,
  personalization: 0.1,
  safety_ethics: 0.05,
};

/** The record sources the schema allows (seed 004 line 52). */
export const SOURCES = ['user_generated', 'synthetic', 'expert_curated'] as const;

/** "Blended with real data (max 30% synthetic in any batch)" (seed 004 line 76). */
export const MAX_SYNTHETIC_SHARE = 0.3;

/** "Minimum score of 7.0 for inclusion" (seed 004 line 57). */
export const QUALITY_THRESHOLD = 7.0;

/** Near-duplicates: "remove_duplicates.py --similarity 0.85" (seed 004 line 210). */
export const NEAR_DUPLICATE_THRESHOLD = 0.85;

/** "Retrain model with new data (if >= 1000 new examples)" (seed 004 line 321). */
export const MIN_NEW_EXAMPLES = 1000;

/** Raw data: "90 days, then moved to archive or processed" (line 26); logs: "90 days, then archived" (line 172). */
export const RAW_RETENTION_DAYS = 90;
export const LOG_RETENTION_DAYS = 90;

/** Archive: "Keep for 24 months", "Delete after 24 months unless flagged", "Compress" (lines 187-189). */
export const ARCHIVE_RETENTION_MONTHS = 24;

/** A file in the archive with this sidecar (`<file>.hold`) is "flagged for retention" (line 188): never deleted. */
export const HOLD_SUFFIX = '.hold';
