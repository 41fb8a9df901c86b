/** What kind of thing an artifact holds; a step's inputs and outputs are typed by it. */
/** `shards`: a shard manifest (core/shards/manifest.ts), a list of `records` artifacts read as one dataset. */
export const ARTIFACT_KINDS = ['records', 'model', 'report', 'manifest', 'index', 'file', 'shards'] as const;
export type ArtifactKind = (typeof ARTIFACT_KINDS)[number];

/**
 * A reference to stored data. This, never the data, is what crosses Temporal: it stays a few
 * hundred bytes whatever the dataset size.
 */
export interface ArtifactRef {
  uri: string;
  sha256: string;
  bytes: number;
  kind: ArtifactKind;
  /** Record schema (`instruction`, `chat`, ...) or file format (`gguf`, `html`). */
  schema: string;
  /** Number of records, for record artifacts. */
  records?: number;
}
