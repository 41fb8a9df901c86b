import fs from 'node:fs/promises';

/**
 * BERT's tokenizer (BasicTokenizer + WordpieceTokenizer, as in Hugging Face's `BertTokenizer` and
 * google-research/bert's tokenization.py), reading the model's `vocab.txt`. Written here because
 * the NER detector needs only this: the JavaScript ports (transformers.js) bring their own ONNX
 * runtime and image libraries. Each word keeps its character span in the original text, so that a
 * name the model finds can be replaced exactly.
 */
export interface Word {
  start: number;
  end: number;
  /** Vocabulary ids of the word's pieces (`[UNK]` alone when it cannot be split). */
  ids: number[];
}

export interface WordPieceOptions {
  lowercase: boolean;
  /** Words longer than this many characters become `[UNK]` (BERT's max_input_chars_per_word). */
  maxCharsPerWord?: number;
}

export class WordPieceTokenizer {
  readonly cls: number;
  readonly sep: number;
  readonly unk: number;
  readonly pad: number;

  constructor(
    private readonly vocab: ReadonlyMap<string, number>,
    private readonly options: WordPieceOptions,
  ) {
    const id = (t: string) => {
      const v = vocab.get(t);
      if (v === undefined) throw new Error(`vocabulary has no ${t} token`);
      return v;
    };
    this.cls = id('[CLS]');
    this.sep = id('[SEP]');
    this.unk = id('[UNK]');
    this.pad = vocab.get('[PAD]') ?? 0;
  }

  static async fromFile(file: string, options: WordPieceOptions): Promise<WordPieceTokenizer> {
    const lines = (await fs.readFile(file, 'utf8')).split(/\r?\n/);
    if (lines[lines.length - 1] === '') lines.pop();
    return new WordPieceTokenizer(new Map(lines.map((t, i) => [t, i])), options);
  }

  /** Words (whitespace- and punctuation-separated, CJK characters apart) with their pieces. */
  words(text: string): Word[] {
    const out: Word[] = [];
    // A word: a run of characters that are not whitespace, control, punctuation or CJK; or one
    // punctuation or CJK character. BERT's punctuation: Unicode P* plus the ASCII symbols.
    const re = /[\p{P}$+<=>^`|~\p{Script=Han}]|[^\s\p{P}$+<=>^`|~\p{Cc}\p{Cf}\p{Script=Han}]+/gu;
    for (const m of text.matchAll(re)) {
      const start = m.index;
      out.push({ start, end: start + m[0].length, ids: this.pieces(m[0]) });
    }
    return out;
  }

  private normalise(word: string): string {
    if (!this.options.lowercase) return word;
    // BERT uncased: lower case and strip accents (NFD, drop combining marks).
    return word.toLowerCase().normalize('NFD').replace(/\p{Mn}/gu, '');
  }

  /** Greedy longest-match-first split; continuation pieces carry the `##` prefix. */
  private pieces(raw: string): number[] {
    const word = this.normalise(raw);
    const chars = [...word];
    // A word of combining marks only normalises to nothing; it still takes a position (as [UNK]), so
    // that every word has a first piece to read its label from.
    if (chars.length === 0) return [this.unk];
    if (chars.length > (this.options.maxCharsPerWord ?? 100)) return [this.unk];
    const ids: number[] = [];
    let start = 0;
    while (start < chars.length) {
      let end = chars.length;
      let found: number | undefined;
      while (start < end) {
        const piece = (start > 0 ? '##' : '') + chars.slice(start, end).join('');
        found = this.vocab.get(piece);
        if (found !== undefined) break;
        end--;
      }
      if (found === undefined) return [this.unk];
      ids.push(found);
      start = end;
    }
    return ids;
  }
}
