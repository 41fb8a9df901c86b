/**
 * The llama.cpp side of the local provider, in its own process: a ggml abort ends this process,
 * not the worker. Loads the GGUF once, keeps `sequences` chat sessions on one context (node-llama-cpp
 * evaluates their tokens in shared batches) and constrains every reply with a JSON-schema grammar.
 */
import { getLlama, LlamaChatSession, type LlamaContextSequence, type LlamaGrammar } from 'node-llama-cpp';
import { serveSession } from '../../../native/session.js';
import type { LocalJob, LocalJobResult, LocalLoad, LocalLoaded } from './local-protocol.js';

type Queued = { job: LocalJob; done: (r: LocalJobResult) => void };

let init: LocalLoad | undefined;
const queue: Queued[] = [];
let wake: (() => void) | undefined;

serveSession({
  load: (m: LocalLoad) => start(m),
  job: (job: LocalJob) =>
    new Promise<LocalJobResult>((done) => {
      queue.push({ job, done });
      wake?.();
    }),
});

async function next(): Promise<Queued> {
  for (;;) {
    const j = queue.shift();
    if (j) return j;
    await new Promise<void>((r) => (wake = r));
  }
}

/** Loads the model and starts one serving loop per sequence; a load error fails the `load` request. */
async function start(m: LocalLoad): Promise<LocalLoaded> {
  init = m;
  const llama = await getLlama({ gpu: m.gpu === 'cpu' ? false : 'auto' });
  const model = await llama.loadModel({ modelPath: m.modelPath, ...(m.gpu === 'cpu' ? { gpuLayers: 0 } : {}) });
  const context = await model.createContext({ sequences: m.sequences, contextSize: m.contextSize, threads: m.threads > 0 ? m.threads : llama.cpuMathCores });
  const grammars = new Map<string, Promise<LlamaGrammar>>();
  const grammarFor = (schema: object): Promise<LlamaGrammar> => {
    const key = JSON.stringify(schema);
    let g = grammars.get(key);
    if (!g) {
      g = llama.createGrammarForJsonSchema(schema as never) as Promise<LlamaGrammar>;
      grammars.set(key, g);
    }
    return g;
  };
  for (let i = 0; i < m.sequences; i++) void serve(context.getSequence(), grammarFor);
  return { gpu: llama.gpu, sequences: m.sequences };
}

async function serve(sequence: LlamaContextSequence, grammarFor: (s: object) => Promise<LlamaGrammar>): Promise<void> {
  let jobNo = 0;
  for (;;) {
    const { job, done } = await next();
    const before = { i: sequence.tokenMeter.usedInputTokens, o: sequence.tokenMeter.usedOutputTokens };
    const session = new LlamaChatSession({ contextSequence: sequence, systemPrompt: job.system, autoDisposeSequence: false });
    try {
      const grammar = await grammarFor(job.schema);
      const res = await session.promptWithMeta(job.user, {
        grammar,
        maxTokens: job.maxTokens,
        temperature: init!.temperature,
        seed: init!.seed + jobNo++,
      });
      const text = res.responseText;
      done({
        ok: true, text,
        inputTokens: sequence.tokenMeter.usedInputTokens - before.i,
        outputTokens: sequence.tokenMeter.usedOutputTokens - before.o,
        truncated: res.stopReason === 'maxTokens',
      });
    } catch (err) {
      done({ ok: false, error: err instanceof Error ? err.message : String(err), inputTokens: 0, outputTokens: 0 });
    } finally {
      session.dispose({ disposeSequence: false });
      await sequence.clearHistory();
    }
  }
}
