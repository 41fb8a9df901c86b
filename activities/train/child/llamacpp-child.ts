import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { serveChild } from '../../../native/job.js';
import { koffi, loadLlama, GetOptPars, ParamFilter, type LlamaLib, type OptimizerParams } from '../../../native/llama-ffi.js';
import { learningRate, shuffledOrder, type LlamacppJob, type LlamacppResult } from '../llamacpp-plan.js';

/**
 * Full-parameter training with llama.cpp's own optimizer (`llama_opt_init` / `llama_opt_epoch`),
 * as `examples/training/finetune.cpp` does it, with three additions: the windows are shuffled per
 * epoch from a seed (so a resumed run sees the same order), an epoch is cut into chunks of
 * `checkpointEvery` steps with a checkpoint after each, and every step reports its loss.
 *
 * Progress leaves through `progress()` (a synchronous write to stdout): `llama_opt_epoch` blocks
 * the event loop for a whole chunk, so IPC messages would wait until it returned.
 */
const GGML_TYPE_I32 = 26;
const LLAMA_LOAD_MODE_NONE = 0;
const FLASH_ATTN_DISABLED = 0;
const GGML_TYPE_F32 = 0;

serveChild<LlamacppJob, LlamacppResult>(async (job, progress) => {
  const lib = loadLlama({ quiet: true, gpu: job.gpu });
  const mparams = lib.llama_model_default_params() as Record<string, unknown>;
  mparams.load_mode = LLAMA_LOAD_MODE_NONE; // writable weights (no mmap)
  mparams.n_gpu_layers = job.gpu ? 999 : 0;
  const start = job.resume?.checkpoint ?? job.baseModel;
  const model = lib.llama_model_load_from_file(start, mparams) as unknown;
  if (!model) throw new Error(`llama.cpp could not load ${start}`);

  const cparams = lib.llama_context_default_params() as Record<string, unknown>;
  const threads = job.threads > 0 ? job.threads : os.availableParallelism();
  // Gradients do not flow through the KV cache: one window must be one batch and one ubatch.
  Object.assign(cparams, {
    n_ctx: job.contextSize, n_batch: job.contextSize, n_ubatch: job.contextSize,
    n_threads: threads, n_threads_batch: threads,
    type_k: GGML_TYPE_F32, type_v: GGML_TYPE_F32, flash_attn_type: FLASH_ATTN_DISABLED,
  });
  let ctx = lib.llama_init_from_model(model, cparams) as unknown;
  if (!ctx) throw new Error('llama.cpp could not create a context');
  // llama.cpp may round the context up (256 at least): the real size sets the window length, and
  // batch and ubatch must equal it, so a context that came back larger is made again at that size.
  const nCtx = lib.llama_n_ctx(ctx) as number;
  if (nCtx !== job.contextSize) {
    lib.llama_free(ctx);
    Object.assign(cparams, { n_ctx: nCtx, n_batch: nCtx, n_ubatch: nCtx });
    ctx = lib.llama_init_from_model(model, cparams) as unknown;
    if (!ctx) throw new Error('llama.cpp could not create a context');
  }

  const tokens = tokenizeExamples(lib, model, job.examplesFile);
  const windows = Math.floor((tokens.length - 1) / nCtx);
  if (windows < 1) {
    throw new Error(`the training data has ${tokens.length} tokens; one window needs ${nCtx + 1} (lower contextSize or add data)`);
  }
  // Hold out windows for validation when there is no separate validation set.
  const validTokens = job.validFile ? tokenizeExamples(lib, model, job.validFile) : undefined;
  const nValid = validTokens ? Math.max(0, Math.floor((validTokens.length - 1) / nCtx)) : windows >= 4 ? Math.max(1, Math.round(windows * job.validFraction)) : 0;
  const nTrain = validTokens ? windows : windows - nValid;
  const stepsPerEpoch = nTrain;
  const totalSteps = stepsPerEpoch * job.epochs;

  let step = job.resume?.step ?? 0;
  const state = { lr: learningRate(job, step, totalSteps) };
  const optPars = koffi.register((): OptimizerParams => ({
    adamw: { alpha: state.lr, beta1: 0.9, beta2: 0.999, eps: 1e-8, wd: job.weightDecay },
    sgd: { alpha: state.lr, wd: job.weightDecay },
  }), koffi.pointer(GetOptPars));
  const filterRe = job.trainTensors ? new RegExp(job.trainTensors) : undefined;
  let trainable = 0;
  const filter = koffi.register((tensor: unknown): boolean => {
    const ok = !filterRe || filterRe.test(lib.ggml_get_name(tensor) as string);
    if (ok) trainable++;
    return ok;
  }, koffi.pointer(ParamFilter));
  lib.llama_opt_init(ctx, model, { n_ctx_train: 0, param_filter: filter, param_filter_ud: null, get_opt_pars: optPars, get_opt_pars_ud: null, optimizer_type: job.optimizer === 'sgd' ? 1 : 0 });
  progress({ kind: 'start', nCtx, tokens: tokens.length, trainWindows: nTrain, validWindows: nValid, stepsPerEpoch, totalSteps, startStep: step, trainableTensors: trainable, parameters: Number(lib.llama_model_n_params(model)) });

  const resultTrain = lib.ggml_opt_result_init() as unknown;
  const resultEval = lib.ggml_opt_result_init() as unknown;
  const readLoss = (result: unknown): number => {
    const loss = [0];
    const unc = [0];
    lib.ggml_opt_result_loss(result, loss, unc);
    return loss[0]!;
  };
  const started = Date.now();
  const startStep = step;
  let epochLossSum = 0;
  let epochLossN = 0;
  const epochs: { epoch: number; trainLoss: number; validLoss: number | null }[] = [];

  const fillDataset = (source: Int32Array, windowIdx: number[]): unknown => {
    const ds = lib.ggml_opt_dataset_init(GGML_TYPE_I32, GGML_TYPE_I32, nCtx, nCtx, windowIdx.length, 1) as unknown;
    const data = new Int32Array(koffi.view(lib.ggml_get_data(lib.ggml_opt_dataset_data(ds)), windowIdx.length * nCtx * 4));
    const labels = new Int32Array(koffi.view(lib.ggml_get_data(lib.ggml_opt_dataset_labels(ds)), windowIdx.length * nCtx * 4));
    windowIdx.forEach((w, i) => {
      data.set(source.subarray(w * nCtx, (w + 1) * nCtx), i * nCtx);
      labels.set(source.subarray(w * nCtx + 1, (w + 1) * nCtx + 1), i * nCtx);
    });
    return ds;
  };

  while (step < totalSteps) {
    const epoch = Math.floor(step / stepsPerEpoch);
    const order = shuffledOrder(nTrain, job.seed + epoch);
    const inEpoch = step % stepsPerEpoch;
    if (inEpoch === 0) {
      epochLossSum = 0;
      epochLossN = 0;
    }
    const chunkEnd = Math.min(stepsPerEpoch, inEpoch + (job.checkpointEvery > 0 ? job.checkpointEvery - (step % job.checkpointEvery) : stepsPerEpoch));
    const ds = fillDataset(tokens, order.slice(inEpoch, chunkEnd));
    lib.ggml_opt_result_reset(resultTrain);
    let prevMean = 0;
    const chunkStart = step;
    lib.llama_opt_epoch(ctx, ds, resultTrain, resultEval, chunkEnd - inEpoch, (train: boolean, _o: unknown, _d: unknown, result: unknown, ibatch: bigint | number) => {
      if (!train) return;
      const k = Number(ibatch);
      const mean = readLoss(result);
      const loss = mean * k - prevMean * (k - 1);
      prevMean = mean;
      step = chunkStart + k;
      epochLossSum += loss;
      epochLossN++;
      const elapsed = (Date.now() - started) / 1000;
      const rate = (step - startStep) / Math.max(elapsed, 1e-3);
      progress({
        kind: 'step', step, totalSteps, epoch: step / stepsPerEpoch, loss, lr: state.lr,
        tokensPerSec: Math.round(rate * nCtx), etaSec: Math.round((totalSteps - step) / Math.max(rate, 1e-9)),
      });
      state.lr = learningRate(job, step, totalSteps);
    }, null);
    lib.ggml_opt_dataset_free(ds);
    step = chunkStart + (chunkEnd - inEpoch);

    const epochDone = step % stepsPerEpoch === 0;
    if (epochDone) {
      let validLoss: number | null = null;
      const validIdx = validTokens ? [...Array(nValid).keys()] : [...Array(nValid).keys()].map((i) => nTrain + i);
      if (validIdx.length > 0) {
        const vds = fillDataset(validTokens ?? tokens, validIdx);
        lib.ggml_opt_result_reset(resultEval);
        lib.llama_opt_epoch(ctx, vds, resultTrain, resultEval, 0, null, null);
        validLoss = readLoss(resultEval);
        lib.ggml_opt_dataset_free(vds);
      }
      const e = { epoch: step / stepsPerEpoch, trainLoss: epochLossN > 0 ? epochLossSum / epochLossN : NaN, validLoss };
      epochs.push(e);
      progress({ kind: 'epoch', ...e });
    }
    if (step < totalSteps && job.checkpointEvery > 0 && step % job.checkpointEvery === 0) {
      const file = path.join(job.checkpointDir, `checkpoint-${step}.gguf`);
      lib.llama_model_save_to_file(model, file);
      progress({ kind: 'checkpoint', step, path: file });
    }
  }

  fs.mkdirSync(path.dirname(job.outputModel), { recursive: true });
  lib.llama_model_save_to_file(model, job.outputModel);
  lib.ggml_opt_result_free(resultTrain);
  lib.ggml_opt_result_free(resultEval);
  lib.llama_free(ctx);
  lib.llama_model_free(model);
  const seconds = (Date.now() - started) / 1000;
  return {
    steps: totalSteps, stepsThisAttempt: totalSteps - startStep, nCtx, tokens: tokens.length,
    tokensPerSec: Math.round(((totalSteps - startStep) * nCtx) / Math.max(seconds, 1e-3)), seconds, epochs,
  };
});

function tokenizeExamples(lib: LlamaLib, model: unknown, file: string): Int32Array {
  const vocab = lib.llama_model_get_vocab(model) as unknown;
  const eos = lib.llama_vocab_eos(vocab) as number;
  const out: number[] = [];
  let buf = new Int32Array(4096);
  for (const line of fs.readFileSync(file, 'utf8').split('\n')) {
    if (!line) continue;
    const { text } = JSON.parse(line) as { text: string };
    const bytes = Buffer.byteLength(text);
    let n = lib.llama_tokenize(vocab, text, bytes, buf, buf.length, true, false) as number;
    if (n < 0) {
      // A negative count is the size it needs.
      buf = new Int32Array(-n);
      n = lib.llama_tokenize(vocab, text, bytes, buf, buf.length, true, false) as number;
    }
    for (let i = 0; i < n; i++) out.push(buf[i]!);
    out.push(eos);
  }
  return Int32Array.from(out);
}
