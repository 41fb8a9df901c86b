import os from 'node:os';
import { serveChild } from '../../../native/job.js';
import type { GpuFamily } from '../../../core/workflow-safe/queues.js';
import { LLAMA_FTYPE, loadLlama, type QuantizeParams, type QuantType } from '../../../native/llama-ffi.js';

export interface QuantizeRequest {
  input: string;
  output: string;
  type: QuantType;
  threads: number;
  /** Which llama.cpp build to load (the worker's GPU family); undefined: CPU. */
  gpu: GpuFamily | undefined;
}

export interface QuantizeResult {
  ms: number;
}

/** `llama_model_quantize` from libllama, the same call `llama-quantize` makes. */
serveChild<QuantizeRequest, QuantizeResult>(async (req) => {
  const lib = loadLlama({ quiet: true, gpu: req.gpu });
  const params = lib.llama_model_quantize_default_params() as QuantizeParams;
  params.ftype = LLAMA_FTYPE[req.type];
  params.nthread = req.threads > 0 ? req.threads : os.availableParallelism();
  const t0 = performance.now();
  const rc = lib.llama_model_quantize(req.input, req.output, params) as number;
  if (rc !== 0) throw new Error(`llama_model_quantize returned ${rc} for ${req.type}`);
  return { ms: performance.now() - t0 };
});
