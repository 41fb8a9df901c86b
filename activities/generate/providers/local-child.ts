/**
 * The llama.cpp side of the local provider, in its own process: a ggml abort ends this process,
 * not the worker. Loads the GGUF once, keeps `sequences` chat sessions on one context (node-llama-cpp
 * evaluates their tokens in shared batches) and constrains every reply with a JSON-schema grammar.
 */
import { getLlama, LlamaChatSession, type LlamaContextSequence, type LlamaGrammar } from 'node-llama-cpp';
import type { FromChild, LocalInit, LocalJob, ToChild } from './local-protocol.js';
import { dieWithParent } from '../../../core/process/die-with-parent.js';

dieWithParent();

const send = (m: FromChild) => process.send?.(m);

let init: LocalInit | undefined;
const queue: LocalJob[] = [];
let wake: (() => void) | undefined;

process.on('message', (m: ToChild) => {
  if (m.type === 'init') void start(m);
  else if (m.type === 'job') {
    queue.push(m);
    wake?.();
  } else if (m.type === 'close') process.exit(0);
});
process.on('disconnect', () => process.exit(0));

async function next(): Promise<LocalJob> {
  for (;;) {
    const j = queue.shift();
    if (j) return j;
    await new Promise<void>((r) => (wake = r));
  }
}

async function start(m: LocalInit): Promise<void> {
  init = m;
  try {
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
    send({ type: 'ready', gpu: llama.gpu, sequences: m.sequences });
    const loops = Array.from({ length: m.sequences }, () => serve(context.getSequence(), grammarFor));
    await Promise.all(loops);
  } catch (err) {
    send({ type: 'fatal', error: err instanceof Error ? err.message : String(err) });
    process.exit(1);
  }
}

async function serve(sequence: LlamaContextSequence, grammarFor: (s: object) => Promise<LlamaGrammar>): Promise<void> {
  let jobNo = 0;
  for (;;) {
    const job = await next();
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
      send({
        type: 'result', id: job.id, ok: true, text,
        inputTokens: sequence.tokenMeter.usedInputTokens - before.i,
        outputTokens: sequence.tokenMeter.usedOutputTokens - before.o,
        truncated: res.stopReason === 'maxTokens',
      });
    } catch (err) {
      send({ type: 'result', id: job.id, ok: false, error: err instanceof Error ? err.message : String(err), inputTokens: 0, outputTokens: 0 });
    } finally {
      session.dispose({ disposeSequence: false });
      await sequence.clearHistory();
    }
  }
}
