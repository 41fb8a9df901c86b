import { PipelineError } from '../../../core/errors.js';
import { plainValue, readGguf } from '../../../native/gguf-writer.js';
import { runChild } from '../../../native/job.js';
import type { LlamacppJob, LlamacppResult } from '../llamacpp-plan.js';
import { toHooks, type TrainHooks, type TrainJob, type TrainOutcome, type Trainer } from '../trainer.js';

/** Full-parameter training inside llama.cpp (no Python), in a child process that cancellation kills. */
export const llamacppTrainer: Trainer = {
  name: 'llamacpp',
  async train(job: TrainJob, hooks: TrainHooks): Promise<TrainOutcome> {
    const { hf: _hf, ...hyper } = job.hyper;
    const req: LlamacppJob = {
      baseModel: job.baseModel,
      examplesFile: job.examplesFile,
      ...(job.validFile ? { validFile: job.validFile } : {}),
      outputModel: job.outputModel,
      checkpointDir: job.checkpointDir,
      ...(job.resume ? { resume: job.resume } : {}),
      ...hyper,
      gpu: job.gpu?.family,
    };
    const r = await runChild<LlamacppResult>(new URL('../child/llamacpp-child.js', import.meta.url), req, {
      label: 'llamacpp trainer',
      gpu: job.gpu,
      signal: hooks.signal,
      ...(hooks.onDevice ? { onDevice: hooks.onDevice } : {}),
      onProgress: (p) => toHooks(hooks, p),
    }).catch(async (err: unknown) => {
      throw (await graphTooLarge(err, job.baseModel)) ?? err;
    });
    return {
      steps: r.steps,
      stepsThisAttempt: r.stepsThisAttempt,
      tokensPerSec: r.tokensPerSec,
      seconds: r.seconds,
      epochs: r.epochs,
      details: { contextSize: r.nCtx, tokens: r.tokens },
    };
  },
};

/** ggml's asserts when a training graph outgrows the graph size the llama.cpp context reserved. */
const GRAPH_SIZE_ASSERT = /hash_set\.size >= graph->n_nodes \+ graph->n_leafs|cgraph->n_nodes < cgraph->size/;

/**
 * The bundled llama.cpp (release v0.5.0) sizes its scheduler's graph for inference: 8 nodes per
 * model tensor, at least 1024. The training graph (forward, backward and optimizer) needs more,
 * and from some depth on `llama_opt_epoch` aborts (measured: a llama model trains with every tensor
 * up to 7 layers; 8 fail, on CPU and CUDA alike). Upstream tracks it as ggml-org/llama.cpp#18499.
 * Another attempt cannot help, so the abort becomes a non-retryable error that says what to do.
 */
async function graphTooLarge(err: unknown, baseModel: string): Promise<PipelineError | undefined> {
  if (!(err instanceof Error) || !GRAPH_SIZE_ASSERT.test(err.message)) return undefined;
  let layers = 'this';
  try {
    const meta = (await readGguf(baseModel)).metadata;
    const arch = plainValue(meta.get('general.architecture'));
    const count = plainValue(meta.get(`${String(arch)}.block_count`));
    if (count !== undefined) layers = `this ${String(count)}-layer`;
  } catch {
    // the message still stands without the layer count
  }
  return new PipelineError(
    'INVALID_INPUT_DATA',
    `llamacpp trainer: llama.cpp's training graph for ${layers} base model is larger than the graph its context reserves (llama.cpp release v0.5.0 sizes it for inference; ggml-org/llama.cpp#18499), so training aborts. On that release a llama model trains with every tensor up to 7 layers. Train this model with the hf backend, or train fewer tensors (trainTensors)`,
    [{ path: 'inputs.model', message: 'too deep for llama.cpp training' }],
    { cause: err },
  );
}
