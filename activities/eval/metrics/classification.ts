import { escapeRegExp } from '../../../core/regexp.js';

/**
 * Classification metrics: accuracy, macro-F1 (the unweighted mean of per-class F1, as
 * scikit-learn's `f1_score(average="macro")` over the label set, F1 = 0 where a class has no true
 * positive) and the confusion matrix (rows: reference, columns: prediction). A prediction outside
 * the label set lands in the `(other)` column and counts as wrong.
 */
export const OTHER_LABEL = '(other)';

export interface ClassificationReport {
  labels: string[];
  accuracy: number;
  macroF1: number;
  perClass: Record<string, { precision: number; recall: number; f1: number; support: number }>;
  /** matrix[i][j]: how many records of reference labels[i] were predicted as columns[j]. */
  matrix: number[][];
  columns: string[];
  total: number;
}

/**
 * Maps a free-text generation to a label: the exact label after trimming and case folding, else
 * the first label that appears as a whole word (so "TLP:AMBER, because ..." is `TLP:AMBER`).
 */
export function matchLabel(output: string, labels: readonly string[]): string {
  const text = output.trim().toLowerCase();
  for (const l of labels) if (text === l.toLowerCase()) return l;
  let best: { label: string; at: number } | undefined;
  for (const l of labels) {
    const re = new RegExp(`(^|[^\\p{L}\\p{N}_])${escapeRegExp(l.toLowerCase())}(?=$|[^\\p{L}\\p{N}_])`, 'u');
    const m = re.exec(text);
    if (m && (!best || m.index < best.at || (m.index === best.at && l.length > best.label.length))) best = { label: l, at: m.index };
  }
  return best?.label ?? OTHER_LABEL;
}

export function classificationReport(pairs: readonly { prediction: string; reference: string }[], labelSet?: readonly string[]): ClassificationReport {
  const labels = labelSet ? [...labelSet] : [...new Set(pairs.map((p) => p.reference))].sort();
  const index = new Map(labels.map((l, i) => [l, i]));
  const columns = [...labels, OTHER_LABEL];
  const matrix = labels.map(() => columns.map(() => 0));
  let correct = 0;
  for (const { prediction, reference } of pairs) {
    const r = index.get(reference);
    const p = index.get(prediction) ?? labels.length;
    if (r === undefined) continue;
    matrix[r]![p]!++;
    if (r === p) correct++;
  }
  const total = matrix.reduce((s, row) => s + row.reduce((a, b) => a + b, 0), 0);
  const perClass: ClassificationReport['perClass'] = {};
  let f1Sum = 0;
  labels.forEach((l, i) => {
    const tp = matrix[i]![i]!;
    const support = matrix[i]!.reduce((a, b) => a + b, 0);
    const predicted = matrix.reduce((s, row) => s + row[i]!, 0);
    const precision = predicted === 0 ? 0 : tp / predicted;
    const recall = support === 0 ? 0 : tp / support;
    const f1 = precision + recall === 0 ? 0 : (2 * precision * recall) / (precision + recall);
    perClass[l] = { precision, recall, f1, support };
    f1Sum += f1;
  });
  return {
    labels,
    accuracy: total === 0 ? 0 : correct / total,
    macroF1: labels.length === 0 ? 0 : f1Sum / labels.length,
    perClass,
    matrix,
    columns,
    total,
  };
}
