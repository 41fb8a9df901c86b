import fs from 'node:fs/promises';
import path from 'node:path';
import type { InferenceSession } from 'onnxruntime-node';
import { PipelineError } from '../../../../core/errors.js';
import type { Finding } from '../types.js';
import { WordPieceTokenizer, type Word } from './wordpiece.js';

/**
 * The optional model-based person detector: a BERT-style token classifier exported to ONNX (e.g.
 * `optimum-cli export onnx --task token-classification dslim/bert-base-NER out/`), run with
 * onnxruntime-node. The folder's `vocab.txt`, `config.json` (`id2label`) and `tokenizer_config.json`
 * (`do_lower_case`) are read beside the model unless given. Words take the label of their first
 * piece and B-/I- runs of a person type join into one finding (Hugging Face's token-classification
 * pipeline with `aggregation_strategy="first"`); a finding counts when its mean probability reaches
 * `minScore`.
 */
export interface NerOptions {
  model: string;
  vocab?: string | undefined;
  config?: string | undefined;
  labels?: string[] | undefined;
  lowercase?: boolean | undefined;
  /** Entity types that are people (after the B-/I- prefix). */
  entities: string[];
  minScore: number;
  /** The model's sequence limit, [CLS] and [SEP] included; longer texts go in windows of whole words. */
  maxTokens: number;
}

export interface NerDetector {
  find(text: string): Promise<Finding[]>;
  close(): Promise<void>;
}

interface WordLabel {
  word: Word;
  tag: string;
  type: string | undefined;
  score: number;
}

async function readJson(file: string): Promise<Record<string, unknown> | undefined> {
  try {
    return JSON.parse(await fs.readFile(file, 'utf8')) as Record<string, unknown>;
  } catch {
    return undefined;
  }
}

async function mustExist(file: string, what: string, option: string): Promise<void> {
  await fs.access(file).catch(() => {
    throw new PipelineError('CONFIG', `pii NER ${what} not found: ${file}`, [{ path: option, message: 'file not found' }]);
  });
}

/** `id2label` of a Hugging Face config as a list by index. */
function labelsFrom(config: Record<string, unknown> | undefined): string[] | undefined {
  const map = config?.id2label as Record<string, string> | undefined;
  if (!map || typeof map !== 'object') return undefined;
  const out: string[] = [];
  for (const [i, label] of Object.entries(map)) out[Number(i)] = label;
  return out.every((l) => typeof l === 'string') ? out : undefined;
}

export async function loadNer(o: NerOptions): Promise<NerDetector> {
  const dir = path.dirname(o.model);
  const vocabFile = o.vocab ?? path.join(dir, 'vocab.txt');
  const configFile = o.config ?? path.join(dir, 'config.json');
  await mustExist(o.model, 'model', 'ner.model');
  await mustExist(vocabFile, 'vocabulary', 'ner.vocab');
  const labels = o.labels ?? labelsFrom(await readJson(configFile));
  if (!labels) throw new PipelineError('CONFIG', `pii NER: no labels (set ner.labels, or give a config.json with id2label at ${configFile})`, [{ path: 'ner.labels', message: 'missing' }]);
  const lowercase = o.lowercase ?? ((await readJson(path.join(dir, 'tokenizer_config.json')))?.do_lower_case === true);
  const tokenizer = await WordPieceTokenizer.fromFile(vocabFile, { lowercase });
  const ort = await import('onnxruntime-node');
  const session: InferenceSession = await ort.InferenceSession.create(o.model, { intraOpNumThreads: 1, interOpNumThreads: 1 });
  if (!session.inputNames.includes('input_ids')) throw new PipelineError('CONFIG', `pii NER model ${o.model} has no input_ids input (inputs: ${session.inputNames.join(', ')})`, [{ path: 'ner.model', message: 'not a token classifier' }]);
  const output = session.outputNames[0]!;
  const people = new Set(o.entities.map((e) => e.toUpperCase()));
  const budget = Math.max(1, o.maxTokens - 2);

  const ids64 = (xs: number[]) => new ort.Tensor('int64', BigInt64Array.from(xs, BigInt), [1, xs.length]);

  async function labelWindow(words: Word[]): Promise<WordLabel[]> {
    const ids = [tokenizer.cls];
    const first: number[] = [];
    for (const w of words) {
      first.push(ids.length);
      ids.push(...w.ids);
    }
    ids.push(tokenizer.sep);
    const feeds: Record<string, InstanceType<typeof ort.Tensor>> = { input_ids: ids64(ids) };
    if (session.inputNames.includes('attention_mask')) feeds.attention_mask = ids64(ids.map(() => 1));
    if (session.inputNames.includes('token_type_ids')) feeds.token_type_ids = ids64(ids.map(() => 0));
    const result = await session.run(feeds);
    const logits = result[output]!;
    const width = logits.dims[logits.dims.length - 1]!;
    if (width !== labels!.length) throw new PipelineError('CONFIG', `pii NER model ${o.model} gives ${width} labels per token, but ${labels!.length} labels are configured`, [{ path: 'ner.labels', message: 'count mismatch' }]);
    const data = logits.data as Float32Array;
    return words.map((word, i) => {
      const row = data.subarray(first[i]! * width, (first[i]! + 1) * width);
      const { index, p } = softmaxArgmax(row);
      return { word, ...parseLabel(labels![index]!), score: p };
    });
  }

  return {
    async find(text) {
      const words = tokenizer.words(text);
      const labelled: WordLabel[] = [];
      let window: Word[] = [];
      let used = 0;
      for (const w of words) {
        const n = Math.min(w.ids.length, budget);
        if (used + n > budget && window.length) {
          labelled.push(...(await labelWindow(window)));
          window = [];
          used = 0;
        }
        window.push(n === w.ids.length ? w : { ...w, ids: w.ids.slice(0, n) });
        used += n;
      }
      if (window.length) labelled.push(...(await labelWindow(window)));
      return entities(labelled)
        .filter((e) => people.has(e.type) && e.score >= o.minScore)
        .map((e) => ({ type: 'person', start: e.start, end: e.end, subtype: 'ner' }));
    },
    close: () => session.release(),
  };
}

/** `B-PER` -> tag B, type PER; `O` -> outside; a bare `PER` (IO scheme) continues like `I-PER`. */
function parseLabel(label: string): { tag: string; type: string | undefined } {
  const m = /^([BIESLU])-(.+)$/.exec(label);
  if (m) return { tag: m[1]!, type: m[2]!.toUpperCase() };
  return label === 'O' ? { tag: 'O', type: undefined } : { tag: 'I', type: label.toUpperCase() };
}

function softmaxArgmax(row: Float32Array): { index: number; p: number } {
  let index = 0;
  for (let i = 1; i < row.length; i++) if (row[i]! > row[index]!) index = i;
  let sum = 0;
  for (const x of row) sum += Math.exp(x - row[index]!);
  return { index, p: 1 / sum };
}

/** Joins labelled words into entities: B-/S-/U- (or a change of type) starts one, I-/E-/L- continue it. */
export function entities(words: readonly WordLabel[]): { type: string; start: number; end: number; score: number }[] {
  const out: { type: string; start: number; end: number; scores: number[] }[] = [];
  let open: (typeof out)[number] | undefined;
  for (const w of words) {
    if (!w.type) {
      open = undefined;
      continue;
    }
    if (!open || open.type !== w.type || 'BSU'.includes(w.tag)) {
      open = { type: w.type, start: w.word.start, end: w.word.end, scores: [] };
      out.push(open);
    }
    open.end = w.word.end;
    open.scores.push(w.score);
    if ('ESLU'.includes(w.tag)) open = undefined;
  }
  return out.map((e) => ({ type: e.type, start: e.start, end: e.end, score: e.scores.reduce((a, b) => a + b, 0) / e.scores.length }));
}
