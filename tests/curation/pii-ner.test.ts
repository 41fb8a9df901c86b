import { beforeAll, describe, expect, it } from '@jest/globals';
import fs from 'node:fs/promises';
import path from 'node:path';
import { entities, loadNer } from '../../activities/curation/pii/ner/ner.js';
import { WordPieceTokenizer } from '../../activities/curation/pii/ner/wordpiece.js';
import { tokenTableModel } from '../support/onnx.js';
import { curated, runStage, tempDir } from './support/stage.js';

/**
 * A tiny real token classifier: a logit table looked up per WordPiece id, exported the way
 * Hugging Face token-classification models are (input_ids, attention_mask, token_type_ids -> logits,
 * with vocab.txt and config.json's id2label beside the model). Invented names, so that only the model
 * can know them: the dictionary detector does not.
 */
const LABELS = ['O', 'B-PER', 'I-PER', 'B-LOC'];
const VOCAB: [string, number[]][] = [
  ['[PAD]', [9, 0, 0, 0]],
  ['[UNK]', [9, 0, 0, 0]],
  ['[CLS]', [9, 0, 0, 0]],
  ['[SEP]', [9, 0, 0, 0]],
  ['Zorb', [0, 9, 0, 0]], // first piece of "Zorblat": the word is a person
  ['##lat', [9, 0, 0, 0]], // later pieces do not decide the word's label ("first" aggregation)
  ['Quexx', [0, 0, 9, 0]],
  ['Wimble', [0, 9, 0, 0]],
  ['Paris', [0, 0, 0, 9]],
  ['met', [9, 0, 0, 0]],
  ['in', [9, 0, 0, 0]],
  ['.', [9, 0, 0, 0]],
  ['Maybe', [0.9, 1, 0, 0]], // a person by argmax, but only p = 0.38 < minScore
];

let modelDir: string;
let home: string;

beforeAll(async () => {
  modelDir = await tempDir('forgeline-ner-');
  home = await tempDir('forgeline-ner-home-');
  const table = new Float32Array(VOCAB.flatMap(([, row]) => row));
  await fs.writeFile(path.join(modelDir, 'model.onnx'), tokenTableModel(table, VOCAB.length, LABELS.length, 'logits', ['attention_mask', 'token_type_ids']));
  await fs.writeFile(path.join(modelDir, 'vocab.txt'), VOCAB.map(([t]) => t).join('\n') + '\n');
  await fs.writeFile(path.join(modelDir, 'config.json'), JSON.stringify({ id2label: Object.fromEntries(LABELS.map((l, i) => [String(i), l])) }));
});

describe('WordPiece (BERT) tokenization', () => {
  it('splits on whitespace and punctuation, keeps spans, and splits words into the longest pieces', async () => {
    const tok = await WordPieceTokenizer.fromFile(path.join(modelDir, 'vocab.txt'), { lowercase: false });
    const text = 'Zorblat met  Quexx.';
    const words = tok.words(text);
    expect(words.map((w) => text.slice(w.start, w.end))).toEqual(['Zorblat', 'met', 'Quexx', '.']);
    expect(words.map((w) => w.ids)).toEqual([[4, 5], [9], [6], [11]]);
    expect(tok.words('Zorbx')[0]!.ids).toEqual([tok.unk]); // no split covers it: the whole word is [UNK]
    const uncased = await WordPieceTokenizer.fromFile(path.join(modelDir, 'vocab.txt'), { lowercase: true });
    expect(uncased.words('met \u0301').map((w) => w.ids)).toEqual([[9], [uncased.unk]]); // accents only: stripped to nothing, kept as [UNK]
  });
});

/**
 * The detector runs where the stage runs it: in a worker thread (onnxruntime needs a plain Node realm,
 * which jest's VM modules are not), so these tests go through the stage.
 */
async function scrub(texts: string[], ner: Record<string, unknown> = {}) {
  const dir = await tempDir();
  const input = await curated(dir, 'ner', texts.map((t, i) => ({ instruction: `q${i}`, input: t, output: 'ok' })), home);
  const run = await runStage('pii', input, { ner: { model: path.join(modelDir, 'model.onnx'), ...ner }, operator: 'mask' }, home);
  return { inputs: (await run.records<{ input: string }>('records')).map((r) => r.input), metadata: run.metadata };
}

describe('the NER person detector', () => {
  it('joins B-/I- runs into one person span, ignores other entity types and unsure guesses', async () => {
    const { inputs, metadata } = await scrub(['Zorblat Quexx met Wimble in Paris.', 'Maybe met Paris.']);
    expect(inputs).toEqual(['******* ***** met ****** in Paris.' /* mask keeps spaces */, 'Maybe met Paris.']);
    expect(metadata).toMatchObject({ findings: { person: 2 }, findingsByKind: { 'person.ner': 2 } });
  });

  it('reads texts longer than the model limit in windows of whole words', async () => {
    const text = `${'met in '.repeat(40)}Zorblat Quexx in Paris.`;
    const { inputs } = await scrub([text], { maxTokens: 8 });
    expect(inputs[0]).toBe(`${'met in '.repeat(40)}******* ***** in Paris.`);
  });

  it('aggregates BIOES tags the way token-classification pipelines do', () => {
    const w = (start: number, tag: string, type?: string, score = 1) => ({ word: { start, end: start + 1, ids: [] }, tag, type, score });
    expect(entities([w(0, 'B', 'PER'), w(2, 'I', 'PER'), w(4, 'B', 'PER'), w(6, 'O'), w(8, 'I', 'PER', 0.5), w(10, 'S', 'LOC')])).toEqual([
      { type: 'PER', start: 0, end: 3, score: 1 },
      { type: 'PER', start: 4, end: 5, score: 1 },
      { type: 'PER', start: 8, end: 9, score: 0.5 },
      { type: 'LOC', start: 10, end: 11, score: 1 },
    ]);
  });

  it('fails with the option path when the model or its labels are wrong', async () => {
    await expect(loadNer({ model: path.join(modelDir, 'missing.onnx'), entities: ['PER'], minScore: 0.5, maxTokens: 512 })).rejects.toThrow(/pii NER model not found: .*missing\.onnx/);
    await expect(scrub(['Zorblat met Quexx'], { labels: ['O', 'B-PER'] })).rejects.toThrow(/gives 4 labels per token, but 2 labels are configured/);
  });
});

describe('pii stage with the NER model configured', () => {
  it('replaces the people only the model knows, leaves places and skipped fields alone, and counts person.ner', async () => {
    const dir = await tempDir();
    const input = await curated(dir, 'ner', [{ instruction: 'Who met whom?', input: 'Zorblat Quexx met Wimble in Paris.', output: 'Zorblat Quexx did.' }], home);
    const config = { ner: { model: path.join(modelDir, 'model.onnx') }, fields: { output: { skip: true } } };
    const run = await runStage('pii', input, config, home);
    const [rec] = await run.records<{ input: string; output: string }>('records');
    // No cue says who is the user or the partner: neutral placeholders, one per person (issue 19, defect 8).
    expect(rec!.input).toBe('[Person 1] met [Person 2] in Paris.');
    expect(rec!.output).toBe('Zorblat Quexx did.');
    expect(run.metadata).toMatchObject({ findings: { person: 2 }, findingsByKind: { 'person.ner': 2 } });
    // Without the model, the pattern and dictionary detector does not know these names.
    const plain = await runStage('pii', input, { fields: { output: { skip: true } } }, home);
    expect((await plain.records<{ input: string }>('records'))[0]!.input).toContain('Zorblat Quexx');
  });
});
