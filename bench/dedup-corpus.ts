import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import { prng } from '../core/hash32.js';

/**
 * A synthetic corpus for the dedup, split and mix benchmarks: records of about `chars` characters
 * drawn from a 20,000-word vocabulary, of which `nearShare` are edited copies (one word replaced,
 * case and whitespace noise) and `exactShare` verbatim copies of earlier records.
 */
export interface CorpusOptions {
  records: number;
  chars: number;
  nearShare: number;
  exactShare: number;
  seed: number;
}

const CATEGORIES = ['instruction', 'cot_math', 'code', 'analytical', 'tool_use', 'creative', 'red_team', 'factual'];

export interface PlantedCorpus {
  near: number;
  exact: number;
  /** Each planted copy's id, the id of the record it copies, and the true Jaccard similarity of their word 5-shingle sets. */
  copies: Map<string, { of: string; jaccard: number }>;
}

/** Jaccard similarity of two texts' word-shingle sets (the texts are lower-case words, as the normal form leaves them). */
function shingleJaccard(a: string[], b: string[], size = 5): number {
  const set = (w: string[]) => new Set(Array.from({ length: Math.max(1, w.length - size + 1) }, (_, i) => w.slice(i, i + size).join(' ')));
  const x = set(a);
  const y = set(b);
  let both = 0;
  for (const s of x) if (y.has(s)) both++;
  return both / (x.size + y.size - both);
}

export async function writeCorpus(file: string, o: CorpusOptions): Promise<PlantedCorpus> {
  const next = prng(o.seed);
  const rnd = () => next() / 2 ** 32;
  const vocab: string[] = [];
  for (let i = 0; i < 20_000; i++) {
    let w = '';
    const len = 3 + (next() % 7);
    for (let k = 0; k < len; k++) w += String.fromCharCode(97 + (next() % 26));
    vocab.push(w);
  }
  const recent: { text: string; id: string }[] = [];
  const copies = new Map<string, { of: string; jaccard: number }>();
  const out = createWriteStream(file);
  let near = 0;
  let exact = 0;
  let buf = '';
  for (let i = 0; i < o.records; i++) {
    let text: string;
    const id = `r${i}`;
    const r = rnd();
    if (recent.length > 0 && r < o.exactShare) {
      const source = recent[next() % recent.length]!;
      text = source.text;
      copies.set(id, { of: source.id, jaccard: 1 });
      exact++;
    } else if (recent.length > 0 && r < o.exactShare + o.nearShare) {
      const source = recent[next() % recent.length]!;
      const words = source.text.split(' ');
      for (let e = 0; e < 1; e++) words[next() % words.length] = vocab[next() % vocab.length]!;
      copies.set(id, { of: source.id, jaccard: shingleJaccard(source.text.split(' '), words) });
      text = words.join(rnd() < 0.5 ? '  ' : ' ');
      if (rnd() < 0.5) text = text.toUpperCase();
      near++;
    } else {
      const words: string[] = [];
      let len = 0;
      while (len < o.chars) {
        // a skewed draw: frequent words recur, as in real text
        const w = vocab[Math.floor(vocab.length * rnd() ** 3)]!;
        words.push(w);
        len += w.length + 1;
      }
      text = words.join(' ');
      recent.push({ text, id });
      if (recent.length > 5000) recent.splice(next() % recent.length, 1);
    }
    const rec = { id, instruction: 'Answer the question.', output: text, category: CATEGORIES[next() % CATEGORIES.length], metadata: { quality_score: (next() % 101) / 10 } };
    buf += JSON.stringify(rec) + '\n';
    if (buf.length > 1 << 20) {
      if (!out.write(buf)) await once(out, 'drain');
      buf = '';
    }
  }
  out.end(buf);
  await once(out, 'close');
  return { near, exact, copies };
}
